// The dispute as the protocol sees it. Plain data: the register maps it to
// tables, the adapters render it; only decide() changes it.

export const ORG_KINDS = ['ICB', 'LOCAL_AUTHORITY', 'NHS_TRUST', 'OTHER'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ROLES = [
  'CARE_COORDINATOR', 'SOCIAL_WORKER', 'HEALTH_PROFESSIONAL', 'OPERATIONAL_LEAD', 'TEAM_MANAGER',
  'SERVICE_MANAGER', 'MH_SERVICE_LEAD', 'SENIOR_OFFICER', 'LEGAL_ADVISOR', 'GOVERNANCE_LEAD', 'ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

/** R2.1 */
export const SUBJECTS = [
  'ELIGIBILITY', 'SCOPE', 'FUNDING', 'ACCOMMODATION', 'TRANSPORT_MEDICATION_ACCESS', 'CHC_INTERFACE',
  'CARE_ACT_INTERFACE', 'CHILDRENS_SERVICES_INTERFACE', 'ORDINARY_RESIDENCE', 'REDUCING_AFTERCARE', 'ENDING_AFTERCARE',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** R2.2 */
export const COHORTS = ['ADULT', 'CHILD_YOUNG_PERSON'] as const;
export type Cohort = (typeof COHORTS)[number];
export const SETTINGS = ['COMMUNITY', 'HOSPITAL', 'PRISON', 'OTHER_SECURE'] as const;
export type Setting = (typeof SETTINGS)[number];

/** R2.3: the organisation's role in this dispute. */
export const PARTY_ROLES = ['RAISING', 'RESPONDING', 'INTERESTED'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** R4.1 */
export const UNLAWFUL_GROUNDS = [
  'BUDGET', 'HEALTH_VS_SOCIAL_CARE', 'NO_LOCAL_POLICY', 'AWAITING_PANEL', 'CHC_UNDETERMINED', 'RESTRUCTURING',
] as const;
export type UnlawfulGround = (typeof UNLAWFUL_GROUNDS)[number];

/** R8.1 */
export const PERSON_STEPS = ['INFORMED', 'REASSURED', 'EXPLAINED', 'ADVOCACY_OFFERED'] as const;
export type PersonStepKey = (typeof PERSON_STEPS)[number];

/** R5.7 */
export const EXTERNAL_ROUTES = ['NHS_ENGLAND', 'DHSC', 'LEGAL'] as const;
export type ExternalRouteKey = (typeof EXTERNAL_ROUTES)[number];

/** R6.1 */
export const CHC_STATUSES = ['NOT_REFERRED', 'REFERRED', 'ASSESSMENT', 'ELIGIBLE', 'NOT_ELIGIBLE'] as const;
export type ChcStatus = (typeof CHC_STATUSES)[number];

/** R7.1, R7.3: why an ending is proposed. */
export const ENDING_REASONS = ['NEEDS_MET', 'SERVICE_REDUCTION', 'COMMISSIONING_CHANGE', 'OTHER'] as const;
export type EndingReason = (typeof ENDING_REASONS)[number];

/**
 * What a decision does to Section 117 aftercare: a required choice (R3.3, R7.x), never read from its words. Only
 * ENDS ends it, and only at the stages the policy allows, proposed by a senior officer after a joint assessment.
 */
export const AFTERCARE_EFFECTS = ['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS', 'ENDS'] as const;
export type AftercareEffect = (typeof AFTERCARE_EFFECTS)[number];
/** A decision recorded before the effect was a choice says so, rather than a guess. */
export type DecisionEffect = AftercareEffect | 'NOT_RECORDED';

/** R3.3: the needs-led grounds of protocol section 3. Cost, budget and commissioning are deliberately not among them. */
export const NEEDS_BASES = ['ASSESSED_NEED', 'STATUTORY_TESTS', 'RISK'] as const;
export type NeedsBasis = (typeof NEEDS_BASES)[number];

/**
 * R7.1: an ending's joint assessment as recorded facts, beside the words of what it found (`Decision.jointAssessment`).
 * STRUCTURED: recorded with every fact below. TEXT_ONLY: an ending recorded before these facts were asked for; only
 * its words exist, so the facts stay empty rather than guessed.
 */
export interface JointAssessment {
  form: 'STRUCTURED' | 'TEXT_ONLY';
  /** The date it was carried out (YYYY-MM-DD). */
  carriedOutOn: string | null;
  /** The party organisations that took part (their ids). */
  organisations: string[];
  /** Whether the person, or their representative, was involved. */
  personInvolved: boolean | null;
  /** Why not, when they were not. */
  personNotInvolvedReason: string | null;
}

/** Who pays what under a decision: a party organisation and its share or element ("60%", "the accommodation"). */
export interface Payer { organisationId: string; share: string }

export const FLAG_CODES = [
  'UNLAWFUL_GROUND', // R4.1 (and R7.3)
  'CONTINUITY_ALERT', // R3.1
  'STAGE_OVERDUE', // R10.1
  'ENDING_WITHOUT_JOINT_ASSESSMENT', // R7.1 / R10.1
  'PERSON_NOT_INFORMED', // R8.3 / R10.1
  'PARTICIPANT_GAP', // a stage with nobody from a party organisation
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export type StageNo = 1 | 2 | 3 | 4;
// Open: a platform module names itself (src/platforms.ts); these are the ones the domain itself speaks of.
export type Platform = 'slack' | 'teams' | 'email' | 'cli' | 'web' | 'system' | (string & {});

export type DecisionOutcome = 'AGREEMENT' | 'DECISION' | 'ESCALATE' | 'WRITTEN_DECISION' | 'END_AFTERCARE';
export type DecisionStatus = 'PROPOSED' | 'CONFIRMED' | 'WITHDRAWN' | 'SUPERSEDED';

/** R2.5: a party added during the dispute says when and why; a withdrawn one stays on the record. */
export interface Party {
  organisationId: string; role: PartyRole;
  addedAt: string | null; addedReason: string | null; withdrawnAt: string | null; withdrawnReason: string | null;
}

/** OVERDUE_REPEAT: R5.3's repeated alert while Stage 3 stays overdue. */
export interface Reminder { kind: 'START' | 'HALFWAY' | 'DAY_BEFORE' | 'DUE_DAY' | 'OVERDUE_REPEAT'; at: string; sentAt: string | null }

export interface StageInstance {
  stage: StageNo;
  startedAt: string;
  dueAt: string | null;
  workingDays: number | null;
  endedAt: string | null;
  endReason: 'RESOLVED' | 'TIMEOUT' | 'MANUAL' | 'JOINT_DECISION' | null;
  /** R9.1: met = resolved or left by agreement before its deadline. */
  met: boolean | null;
  timedOutAt: string | null;
  escalationReason: string | null;
  reminders: Reminder[];
}

export interface ChecklistItem { stage: StageNo; key: string; label: string; tickedBy: string | null; tickedAt: string | null }

/** R5.8: `leftAt` when they left the directory or lost the role; the history keeps what they did. */
export interface Participant { personId: string; fromStage: StageNo; reason: string; addedAt: string; leftAt: string | null }

export interface Decision {
  seq: number;
  stage: StageNo;
  outcome: DecisionOutcome;
  summary: string;
  basisNeed: string;
  basisTests: string;
  basisRisk: string;
  funding: string | null;
  commissioning: string | null;
  interimFunding: string | null;
  endingReason: EndingReason | null;
  /** What the joint assessment found (an ending: the assessed needs, and how they are now met). */
  jointAssessment: string | null;
  /** R7.1: an ending's joint assessment as recorded facts; null on every other decision. */
  assessment: JointAssessment | null;
  effect: DecisionEffect;
  basis: NeedsBasis[];
  payers: Payer[];
  /** The date (YYYY-MM-DD) from which the effect and the payers apply; null when aftercare continues unchanged. */
  effectiveFrom: string | null;
  /** The words read as ending or reducing aftercare while the choice said otherwise, and the proposer kept the choice. */
  wordingQuery: 'ENDS' | 'REDUCES' | null;
  proposedBy: string;
  proposedAt: string;
  sourceMessage: string | null;
  status: DecisionStatus;
  effectiveAt: string | null;
}

export interface Confirmation { decisionSeq: number; organisationId: string; personId: string; at: string }

export interface PersonStep { step: PersonStepKey; doneBy: string | null; doneAt: string | null; note: string | null; dueAt: string | null }

/** R10.1: a continuity alert is resolved by recording that care was restored. */
export interface Flag {
  seq: number; code: FlagCode; ground: UnlawfulGround | null; detail: string; at: string;
  resolvedAt: string | null; resolution: string | null;
}

/** R9.3 */
export const LEARNING_AREAS = ['WORKFORCE_TRAINING', 'POLICY_REVISION', 'COMMISSIONING', 'QUALITY_IMPROVEMENT'] as const;
export type LearningArea = (typeof LEARNING_AREAS)[number];

export interface Theme { theme: string; addedBy: string; at: string; areas: LearningArea[] }

/** R5.7: a party's senior officer recorded that Stage 3 cannot resolve the dispute. */
export interface CannotResolve { organisationId: string; personId: string; reason: string; at: string }

export interface ChcTrack { status: ChcStatus; referralDate: string | null; decisionDate: string | null; updatedAt: string }

/** R6.3: joint, like every decision: it holds once every party organisation has confirmed it (R3.2). */
export interface ChcAdjustment {
  seq: number; effectiveDate: string; parties: string[]; amountOrShare: string; personNotPenalised: boolean; recordedBy: string; at: string;
  confirmations: ChcConfirmation[];
  /** When the last party confirmed; null while it waits for one. */
  confirmedAt: string | null;
  /** R2.5, R5.8: it stopped waiting, unconfirmed (a party it waited for withdrew, or its author left); never takes effect. */
  lapsedAt?: string | null;
  lapsedReason?: string | null;
}

/** R2.5: the other parties' joint decision to withdraw an organisation, agreed one organisation at a time. */
export interface WithdrawalProposal {
  organisationId: string; reason: string; proposedBy: string; at: string;
  agreements: { organisationId: string; personId: string; reason: string; at: string }[];
}

/** R8.2: what a letter was drafted from, checked again when it is marked sent. */
export interface LetterFacts {
  care: string; setting: Setting; cohort: Cohort; parties: string[];
  /** The decision explained (a decision letter), or the stage announced (an escalation note). */
  decision: string | null; stage: StageNo | null;
  /** What the letter says the dispute is about; absent on letters drafted before it was kept. */
  subjects?: Subject[];
  /** An escalation note's "they aim to decide by": the stage's deadline when it was drafted (absent before it was kept). */
  dueAt?: string | null;
  /** The organisations' names as the letter gives them (a directory change can rename one); absent before it was kept. */
  names?: string[];
}

export interface ChcConfirmation { organisationId: string; personId: string; at: string }

export interface Letter {
  seq: number; decisionSeq: number | null; text: string; gradeLevel: number; readingAge: number;
  draftedAt: string; reviewedBy: string | null; sentAt: string | null;
  /** Null for letters drafted before this was recorded. */
  facts?: LetterFacts | null;
}

export interface ExternalRoute { route: ExternalRouteKey; by: string; at: string; note: string | null }

export interface Dispute {
  id: string;
  reference: string;
  status: 'OPEN' | 'RESOLVED';
  stage: StageNo;
  version: number;
  subjects: Subject[];
  cohort: Cohort;
  setting: Setting;
  localCaseRef: string;
  nhsNumber: string | null;
  /** Set by the register: the keyed digest the history seals in place of the NHS number (never shown). */
  nhsNumberSeal?: string | null;
  description: string;
  currentCare: string;
  careContinues: boolean;
  endingProposal: boolean;
  legalAdviceAsked: boolean;
  cannotResolve: CannotResolve[];
  /** R2.5: withdrawals of a party proposed by the others, waiting for every other party to agree. */
  pendingWithdrawals?: WithdrawalProposal[];
  raisedById: string;
  raisedAt: string;
  raisedOn: Platform;
  namedProfessionals: string[];
  outcome: string | null;
  resolvedAt: string | null;
  overdue: boolean;
  nextWakeAt: string | null;
  parties: Party[];
  stages: StageInstance[];
  checklist: ChecklistItem[];
  participants: Participant[];
  decisions: Decision[];
  confirmations: Confirmation[];
  personSteps: PersonStep[];
  flags: Flag[];
  themes: Theme[];
  chc: ChcTrack | null;
  chcAdjustments: ChcAdjustment[];
  letters: Letter[];
  externalRoutes: ExternalRoute[];
}

// ---- the directory, as the domain needs it ----
export interface Organisation {
  id: string; name: string; kind: OrgKind;
  /** Where it works, in order of preference (`homes.ts`); none: wherever the dispute was raised. */
  homes?: readonly { platform: string; space: string | null }[];
  /** The sign-in providers (OpenID Connect issuers) that speak for this organisation's people; absent: the default one. */
  oidcIssuers?: string[];
  /**
   * The organisations whose people it will share one Slack Connect case channel with (their ids). Both sides must
   * name each other; none: its people always get a channel of its own in its own workspace.
   */
  slackConnect?: string[];
}
export interface Person {
  id: string; name: string; organisationId: string; roles: Role[]; managerId: string | null;
  /** The person's user id on each chat platform, keyed by platform name ('slack', 'teams', …). */
  handles: Readonly<Record<string, string>>;
  email: string | null;
  /** Where to reach them when it is not their organisation's first home (a platform name, or 'email'). */
  home?: string | null;
}
export interface Directory {
  partnership: string;
  organisations: Organisation[];
  people: Person[];
  governance: { slack: string | null; teams: string | null; email?: string | null };
}
