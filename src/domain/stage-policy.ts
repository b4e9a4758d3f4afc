import type { DecisionOutcome, Role, StageNo, Subject } from './types.ts';

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
  /** What resolving looks like at this stage (R5.6). */
  outcomes: string[];
  /** Who must confirm a decision for an organisation at this stage (R3.2); null: any participant of that organisation. */
  confirmerRole: Role | null;
  participantsText: string;
}

export interface Policy {
  stages: Record<StageNo, StagePolicy>;
  /** R8.3: working days after raising before an unticked person step counts as overdue. */
  personStepsDueWorkingDays: number;
  /** R8.3: working days after a decision takes effect to explain it to the person. */
  explainDueWorkingDays: number;
}

export const DEFAULT_POLICY: Policy = {
  personStepsDueWorkingDays: 5,
  explainDueWorkingDays: 5,
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
      confirmerRole: null,
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
      confirmerRole: null,
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
      confirmerRole: 'SENIOR_OFFICER',
      participantsText: 'the ICB senior responsible officer, the Local Authority senior officer, and legal advisors where appropriate',
    },
    4: {
      stage: 4,
      name: 'External escalation (exceptional)',
      workingDays: null,
      checklist: [],
      outcomes: ['Route recorded: NHS England, DHSC or formal legal advice'],
      confirmerRole: 'SENIOR_OFFICER',
      participantsText: 'the senior officers of every party organisation',
    },
  },
};

/** R7.2: an ending dispute starts at Stage 3. */
export function startingStage(subjects: readonly Subject[], endingProposal: boolean): StageNo {
  return endingProposal || subjects.includes('ENDING_AFTERCARE') ? 3 : 1;
}

/** R5.6: the outcomes a decision may have at each stage. */
export const STAGE_OUTCOMES: Record<StageNo, DecisionOutcome[]> = {
  1: ['AGREEMENT', 'ESCALATE'],
  2: ['DECISION', 'ESCALATE'],
  3: ['WRITTEN_DECISION', 'END_AFTERCARE'],
  4: ['WRITTEN_DECISION', 'END_AFTERCARE'],
};
