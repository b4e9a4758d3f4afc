import type {
  AftercareEffect, NeedsBasis, Payer, ChcStatus, Cohort, LearningArea, DecisionOutcome, EndingReason, ExternalRouteKey, PartyRole, PersonStepKey, Platform, Setting, StageNo, Subject, UnlawfulGround,
} from './types.ts';

export interface RaiseInput {
  subjects: Subject[];
  cohort: Cohort;
  setting: Setting;
  parties: { organisationId: string; role: PartyRole }[];
  localCaseRef: string;
  nhsNumber?: string | null;
  namedProfessionals: string[];
  description: string;
  currentCare: string;
  careContinues: boolean;
  endingProposal: boolean;
  /** R4.1: reasons the raiser cites, chosen explicitly. */
  citedGrounds?: UnlawfulGround[];
  /**
   * R7.2: asked once when the words read as ending aftercare but the ending subject was not chosen; true when the raiser
   * said it is not about ending, so it is raised as chosen and the RAISED entry keeps the question.
   */
  wordingConfirmed?: boolean;
}

export interface ProposeDecisionInput {
  outcome: DecisionOutcome;
  /** What the decision does to aftercare: required, chosen, never read from the words. */
  effect: AftercareEffect;
  /** R3.3: at least one needs-led ground. */
  basis: NeedsBasis[];
  payers?: Payer[];
  /** YYYY-MM-DD: required unless aftercare continues unchanged. */
  effectiveFrom?: string | null;
  /** The proposer was asked whether words that read as ending or reducing aftercare match their choice, and said yes. */
  wordingConfirmed?: boolean;
  summary: string;
  basisNeed: string;
  basisTests: string;
  basisRisk: string;
  funding?: string | null;
  commissioning?: string | null;
  interimFunding?: string | null;
  endingReason?: EndingReason | null;
  /** An ending (R7.1): what the joint assessment found, and its facts below. */
  jointAssessment?: string | null;
  /** YYYY-MM-DD: when the joint assessment was carried out. */
  jointAssessedOn?: string | null;
  /** The party organisations that took part in it: every one of them. */
  jointAssessmentOrganisations?: string[];
  /** Whether the person (or their representative) was involved; when not, why. */
  personInvolved?: boolean | null;
  personNotInvolvedReason?: string | null;
  citedGrounds?: UnlawfulGround[];
  sourceMessage?: string | null;
}

export type Command =
  | { type: 'RAISE'; id: string; reference: string; input: RaiseInput }
  | { type: 'TICK_CHECKLIST'; stage: StageNo; key: string; ticked: boolean }
  | { type: 'ESCALATE'; reason: string }
  | { type: 'SWEEP' }
  | { type: 'PROPOSE_DECISION'; input: ProposeDecisionInput }
  | { type: 'CONFIRM_DECISION'; seq: number; organisationId: string }
  | { type: 'WITHDRAW_DECISION'; seq: number; reason: string }
  | { type: 'REPORT_CARE_CHANGE'; change: 'DELAYED' | 'REDUCED' | 'WITHDRAWN'; detail: string }
  | { type: 'RECORD_EXTERNAL_ROUTE'; route: ExternalRouteKey; note: string | null }
  | { type: 'UPDATE_CHC'; status: ChcStatus; referralDate: string | null; decisionDate: string | null }
  | { type: 'RECORD_CHC_ADJUSTMENT'; effectiveDate: string; parties: string[]; amountOrShare: string; personNotPenalised: boolean }
  | { type: 'CONFIRM_CHC_ADJUSTMENT'; seq: number; organisationId: string }
  | { type: 'PERSON_STEP'; step: PersonStepKey; note: string | null; notAppropriate?: boolean }
  | { type: 'DRAFT_LETTER'; decisionSeq: number }
  | { type: 'MARK_LETTER_SENT'; seq: number }
  /** R8.2: a letter the record has overtaken is drafted again from the record as it is now. */
  | { type: 'REDRAFT_LETTER'; seq: number }
  | { type: 'ADD_THEME'; theme: string; areas?: LearningArea[] }
  | { type: 'REQUEST_LEGAL_ADVICE'; reason: string }
  | { type: 'RECOMPUTE_DEADLINE'; reason: string }
  /** redact: the value corrected is also removed from the history, keeping only its digest (R11.1: recorded, with the reason). */
  /** wordingConfirmed: asked once whether a new text that reads as ending or reducing aftercare is what they mean (R7.x). */
  | { type: 'CORRECT'; field: CorrectableField; value: unknown; reason: string; correctsSeq: number; redact?: boolean; wordingConfirmed?: boolean }
  /** R11.1: removes the texts of one history entry (a wrong value), keeping their digests; recorded, with the reason. */
  | { type: 'REDACT'; entry: number; reason: string }
  | { type: 'SYNC_DIRECTORY' }
  | { type: 'ADD_PARTY'; organisationId: string; role: PartyRole; reason: string }
  | { type: 'WITHDRAW_PARTY'; organisationId: string; reason: string }
  | { type: 'RECORD_CARE_RESTORED'; detail: string }
  | { type: 'MOVE_TO_STAGE_3'; reason: string }
  | { type: 'STAGE_3_CANNOT_RESOLVE'; reason: string };

/** R11.1: every field recorded at raising can be corrected. */
export const CORRECTABLE_FIELDS = ['subjects', 'parties', 'cohort', 'setting', 'localCaseRef', 'nhsNumber', 'description', 'currentCare'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export interface Actor {
  /** Directory person id, or 'system' for the scheduler. */
  personId: string;
  platform: Platform;
  /** The operating-system account behind a command-line action, recorded beside the person it names. */
  osAccount?: string;
}

export const SYSTEM: Actor = { personId: 'system', platform: 'system' };
