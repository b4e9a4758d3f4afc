import { confirmerRoles, DEFAULT_POLICY, type Policy, STAGE_OUTCOMES, startingStage } from '../../src/domain/stage-policy.ts';

// The escalation pathway as data, pinned against the protocol (docs/protocol/RULES.md §5 and
// section-117-escalation-protocol.txt): a change to the table must be a deliberate change here too.

describe('the default policy against the protocol', () => {
  it('[R3.4] gives Stage 1, 2 and 3 their 5, 10 and 15 working days, and Stage 4 none', () => {
    expect(Object.values(DEFAULT_POLICY.stages).map((s) => [s.stage, s.name, s.workingDays])).toEqual([
      [1, 'Frontline resolution', 5],
      [2, 'Operational management escalation', 10],
      [3, 'Strategic / senior leadership resolution', 15],
      [4, 'External escalation (exceptional)', null],
    ]);
  });

  it('[R5.3] [R8.3] repeats overdue alerts, and counts person steps and explanations as due, after 5 working days', () => {
    expect({ ...DEFAULT_POLICY, stages: undefined }).toEqual({
      personStepsDueWorkingDays: 5, explainDueWorkingDays: 5, overdueRepeatWorkingDays: 5, stages: undefined,
    });
  });

  it('[R5.5] lists each stage\'s actions as the protocol words them, with stable keys', () => {
    expect(Object.values(DEFAULT_POLICY.stages).map((s) => s.checklist)).toEqual([
      [
        { key: 'clarify', label: 'Clarify the nature of the disagreement' },
        { key: 'tests', label: 'Revisit the statutory Section 117 tests' },
        { key: 'evidence', label: 'Review the assessment and evidence' },
        { key: 'discussion', label: 'Seek resolution through professional discussion' },
      ],
      [
        { key: 'joint-review', label: 'Joint review of the legal basis, risk implications and continuity of care arrangements' },
        { key: 'case-law', label: 'Consider relevant case law and guidance' },
        { key: 'interim-funding', label: 'Confirm interim funding arrangements if required' },
      ],
      [
        { key: 'joint-consideration', label: 'Formal joint consideration of the dispute' },
        { key: 'duties-risk', label: 'Review statutory duties, legal risk and system impact' },
        { key: 'binding', label: 'Agree a binding resolution' },
      ],
      [],
    ]);
  });

  it('[R5.6] [R5.7] [R7.4] names each stage\'s outcomes and allows only its decision outcomes (ending from Stage 3 on)', () => {
    expect(Object.values(DEFAULT_POLICY.stages).map((s) => [s.outcomes, s.decisionOutcomes])).toEqual([
      [['Agreement reached and recorded', 'Escalation to Stage 2 if unresolved'], ['AGREEMENT', 'ESCALATE']],
      [['Decision agreed and recorded', 'Escalation to Stage 3'], ['DECISION', 'ESCALATE']],
      [
        ['Written decision issued', 'Funding and commissioning arrangements confirmed', 'Person informed of the outcome and rationale'],
        ['WRITTEN_DECISION', 'END_AFTERCARE'],
      ],
      [['Route recorded: NHS England, DHSC or formal legal advice'], ['WRITTEN_DECISION', 'END_AFTERCARE']],
    ]);
    expect(STAGE_OUTCOMES).toEqual({
      1: ['AGREEMENT', 'ESCALATE'], 2: ['DECISION', 'ESCALATE'], 3: ['WRITTEN_DECISION', 'END_AFTERCARE'], 4: ['WRITTEN_DECISION', 'END_AFTERCARE'],
    });
  });

  it('[R5.9] lets any Stage 1 participant confirm, Stage 2 role holders above frontline staff, and senior officers from Stage 3', () => {
    expect(Object.values(DEFAULT_POLICY.stages).map((s) => s.confirmerRoles)).toEqual([
      null,
      ['TEAM_MANAGER', 'SERVICE_MANAGER', 'OPERATIONAL_LEAD', 'MH_SERVICE_LEAD', 'SENIOR_OFFICER'],
      ['SENIOR_OFFICER'],
      ['SENIOR_OFFICER'],
    ]);
  });

  it('[R5.8] invites each stage\'s role holders of the party organisations, as the pathway table lists them', () => {
    expect(Object.values(DEFAULT_POLICY.stages).map((s) => [s.participantRoles, s.lineManagersJoin, s.participantsText])).toEqual([
      [
        [{ roles: ['OPERATIONAL_LEAD'], reason: 'operational lead' }],
        false,
        'care coordinator or social worker, the health professional, and the Local Authority and ICB operational leads',
      ],
      [
        [
          { roles: ['OPERATIONAL_LEAD'], orgKinds: ['ICB'], reason: 'ICB operational lead' },
          { roles: ['MH_SERVICE_LEAD'], orgKinds: ['LOCAL_AUTHORITY'], reason: 'mental health service lead' },
          { roles: ['TEAM_MANAGER', 'SERVICE_MANAGER'], fallback: true, reason: 'team or service manager' },
        ],
        true,
        'team and service managers, the ICB operational lead and the Local Authority mental health service lead',
      ],
      [
        [{ roles: ['SENIOR_OFFICER'], reason: 'senior officer' }, { roles: ['LEGAL_ADVISOR'], whenLegalAdvice: true, reason: 'legal advisor' }],
        false,
        'the ICB senior responsible officer, the Local Authority senior officer, and legal advisors where appropriate',
      ],
      [[], false, 'the senior officers of every party organisation'],
    ]);
  });
});

describe('starting stage and confirmers', () => {
  it('[R5.1] [R7.2] starts at Stage 1, or at Stage 3 for an ending proposal or an ending subject', () => {
    expect(startingStage(['FUNDING'], false)).toBe(1);
    expect(startingStage([], false)).toBe(1);
    expect(startingStage(['FUNDING'], true)).toBe(3);
    expect(startingStage(['FUNDING', 'ENDING_AFTERCARE'], false)).toBe(3);
  });

  it('[R5.9] [R7.1] takes the confirmers from the policy, except that an ending always needs the senior officer', () => {
    expect(confirmerRoles(DEFAULT_POLICY, 1, 'AGREEMENT')).toBeNull();
    expect(confirmerRoles(DEFAULT_POLICY, 2, 'DECISION')).toEqual(DEFAULT_POLICY.stages[2].confirmerRoles);
    expect(confirmerRoles(DEFAULT_POLICY, 1, 'END_AFTERCARE')).toEqual(['SENIOR_OFFICER']);
    const custom: Policy = { ...DEFAULT_POLICY, stages: { ...DEFAULT_POLICY.stages, 3: { ...DEFAULT_POLICY.stages[3], confirmerRoles: ['LEGAL_ADVISOR'] } } };
    expect(confirmerRoles(custom, 3, 'WRITTEN_DECISION')).toEqual(['LEGAL_ADVISOR']);
    expect(confirmerRoles(custom, 3, 'END_AFTERCARE')).toEqual(['SENIOR_OFFICER']);
  });
});
