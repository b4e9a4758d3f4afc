import type { AftercareEffect, DecisionOutcome, OrgKind, Role, StageNo, Subject } from './types.ts';

/**
 * The escalation pathway of §5 as data (RULES.md R5.x). Timescales,
 * checklists and reminder points live here, not in the logic.
 */
export interface StagePolicy {
  stage: StageNo;
  name: string;
  /** Working days, or null for Stage 4 (no timescale). */
  workingDays: number | null;
  checklist: { key: string; label: string }[];
  /** What resolving looks like at this stage (R5.6), in words. */
  outcomes: string[];
  /** The decision outcomes that may be proposed at this stage (R5.6). */
  decisionOutcomes: DecisionOutcome[];
  /** What a decision may do to aftercare at this stage (R7.2, R7.4: ending only where senior officers decide). */
  effects: AftercareEffect[];
  /** R5.9: roles that may confirm a decision for an organisation; null: any of its participants. */
  confirmerRoles: Role[] | null;
  /** R5.8: who joins at this stage, by role held now for each party organisation. */
  participantRoles: ParticipantRule[];
  /** Stage 2: the line managers of the people who raised it and were named join too. */
  lineManagersJoin: boolean;
  participantsText: string;
}

export interface ParticipantRule {
  roles: Role[];
  reason: string;
  /** Only for organisations of these kinds (all kinds when absent). */
  orgKinds?: OrgKind[];
  /** Only for an organisation that would otherwise have nobody at this stage. */
  fallback?: boolean;
  /** Only once legal advice has been asked for. */
  whenLegalAdvice?: boolean;
}

/** The roles that, at Stage 2, make someone more than frontline staff (R5.9). */
const STAGE_2_CONFIRMERS: Role[] = ['TEAM_MANAGER', 'SERVICE_MANAGER', 'OPERATIONAL_LEAD', 'MH_SERVICE_LEAD', 'SENIOR_OFFICER'];

/** Every effect but ending: Stages 1 and 2 can change, reduce or transfer aftercare, never end it (R7.4). */
const BELOW_STAGE_3_EFFECTS: AftercareEffect[] = ['CONTINUES', 'CHANGES', 'REDUCES', 'TRANSFERS'];

export interface Policy {
  stages: Record<StageNo, StagePolicy>;
  /** R8.3: working days after raising before an unticked person step counts as overdue. */
  personStepsDueWorkingDays: number;
  /** R5.3: working days between repeated alerts while Stage 3 stays overdue. */
  overdueRepeatWorkingDays: number;
  /** R8.3: working days after a decision takes effect to explain it to the person. */
  explainDueWorkingDays: number;
}

export const DEFAULT_POLICY: Policy = {
  personStepsDueWorkingDays: 5,
  explainDueWorkingDays: 5,
  overdueRepeatWorkingDays: 5,
  stages: {
    1: {
      stage: 1,
      name: 'Frontline resolution',
      workingDays: 5,
      checklist: [
        { key: 'clarify', label: 'Clarify the nature of the disagreement' },
        { key: 'tests', label: 'Revisit the statutory Section 117 tests' },
        { key: 'evidence', label: 'Review the assessment and evidence' },
        { key: 'discussion', label: 'Seek resolution through professional discussion' },
      ],
      outcomes: ['Agreement reached and recorded', 'Escalation to Stage 2 if unresolved'],
      decisionOutcomes: ['AGREEMENT', 'ESCALATE'],
      effects: BELOW_STAGE_3_EFFECTS,
      confirmerRoles: null,
      participantRoles: [{ roles: ['OPERATIONAL_LEAD'], reason: 'operational lead' }],
      lineManagersJoin: false,
      participantsText: 'care coordinator or social worker, the health professional, and the Local Authority and ICB operational leads',
    },
    2: {
      stage: 2,
      name: 'Operational management escalation',
      workingDays: 10,
      checklist: [
        { key: 'joint-review', label: 'Joint review of the legal basis, risk implications and continuity of care arrangements' },
        { key: 'case-law', label: 'Consider relevant case law and guidance' },
        { key: 'interim-funding', label: 'Confirm interim funding arrangements if required' },
      ],
      outcomes: ['Decision agreed and recorded', 'Escalation to Stage 3'],
      decisionOutcomes: ['DECISION', 'ESCALATE'],
      effects: BELOW_STAGE_3_EFFECTS,
      confirmerRoles: STAGE_2_CONFIRMERS,
      participantRoles: [
        { roles: ['OPERATIONAL_LEAD'], orgKinds: ['ICB'], reason: 'ICB operational lead' },
        { roles: ['MH_SERVICE_LEAD'], orgKinds: ['LOCAL_AUTHORITY'], reason: 'mental health service lead' },
        { roles: ['TEAM_MANAGER', 'SERVICE_MANAGER'], fallback: true, reason: 'team or service manager' },
      ],
      lineManagersJoin: true,
      participantsText: 'team and service managers, the ICB operational lead and the Local Authority mental health service lead',
    },
    3: {
      stage: 3,
      name: 'Strategic / senior leadership resolution',
      workingDays: 15,
      checklist: [
        { key: 'joint-consideration', label: 'Formal joint consideration of the dispute' },
        { key: 'duties-risk', label: 'Review statutory duties, legal risk and system impact' },
        { key: 'binding', label: 'Agree a binding resolution' },
      ],
      outcomes: ['Written decision issued', 'Funding and commissioning arrangements confirmed', 'Person informed of the outcome and rationale'],
      decisionOutcomes: ['WRITTEN_DECISION', 'END_AFTERCARE'],
      effects: [...BELOW_STAGE_3_EFFECTS, 'ENDS'],
      confirmerRoles: ['SENIOR_OFFICER'],
      participantRoles: [
        { roles: ['SENIOR_OFFICER'], reason: 'senior officer' },
        { roles: ['LEGAL_ADVISOR'], whenLegalAdvice: true, reason: 'legal advisor' },
      ],
      lineManagersJoin: false,
      participantsText: 'the ICB senior responsible officer, the Local Authority senior officer, and legal advisors where appropriate',
    },
    4: {
      stage: 4,
      name: 'External escalation (exceptional)',
      workingDays: null,
      checklist: [],
      outcomes: ['Route recorded: NHS England, DHSC or formal legal advice'],
      decisionOutcomes: ['WRITTEN_DECISION', 'END_AFTERCARE'],
      effects: [...BELOW_STAGE_3_EFFECTS, 'ENDS'],
      confirmerRoles: ['SENIOR_OFFICER'],
      participantRoles: [],
      lineManagersJoin: false,
      participantsText: 'the senior officers of every party organisation',
    },
  },
};

/** R7.2: an ending dispute starts at Stage 3. */
export function startingStage(subjects: readonly Subject[], endingProposal: boolean): StageNo {
  return endingProposal || subjects.includes('ENDING_AFTERCARE') ? 3 : 1;
}

/** R5.6: the outcomes a decision may have at each stage (the default policy's, for forms). */
export const STAGE_OUTCOMES: Record<StageNo, DecisionOutcome[]> = {
  1: DEFAULT_POLICY.stages[1].decisionOutcomes,
  2: DEFAULT_POLICY.stages[2].decisionOutcomes,
  3: DEFAULT_POLICY.stages[3].decisionOutcomes,
  4: DEFAULT_POLICY.stages[4].decisionOutcomes,
};

/** R5.9/R7.1: the roles that may confirm a decision at `stage`; an ending always needs the senior officer. */
export function confirmerRoles(policy: Policy, stage: StageNo, outcome: DecisionOutcome): Role[] | null {
  return outcome === 'END_AFTERCARE' ? ['SENIOR_OFFICER'] : policy.stages[stage].confirmerRoles;
}
