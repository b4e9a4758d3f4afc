import { allowedActions } from '../../src/domain/allowed-actions.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Directory, Dispute, Person } from '../../src/domain/types.ts';
import { disputeView } from '../../src/domain/view.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

// What a stage card or a status reply shows, exactly, for each state of a dispute.
// Scenarios are built inside each test, never while Jest collects them.

const person = (id: string): Person => directory.people.find((p) => p.id === id)!;
const view = (d: Dispute, now?: Date, viewer: Person | null = null, dir: Directory = directory) =>
  disputeView(d, DEFAULT_POLICY, calendar, dir, now, viewer);

const STAGE_1_CHECKLIST = [
  { key: 'clarify', label: 'Clarify the nature of the disagreement', done: false, by: null },
  { key: 'tests', label: 'Revisit the statutory Section 117 tests', done: false, by: null },
  { key: 'evidence', label: 'Review the assessment and evidence', done: false, by: null },
  { key: 'discussion', label: 'Seek resolution through professional discussion', done: false, by: null },
];
const PERSON_STEPS = [
  { step: 'INFORMED', label: 'Person (and representative) told that a dispute has arisen', done: false },
  { step: 'REASSURED', label: 'Person reassured that their care will continue', done: false },
  { step: 'EXPLAINED', label: 'Decision and outcome explained to the person', done: false },
  { step: 'ADVOCACY_OFFERED', label: 'Advocacy offered where appropriate', done: false },
];
const PARTIES = [
  { organisationId: 'anytown-council', name: 'Anytown Council', role: 'raising the dispute' },
  { organisationId: 'anytown-icb', name: 'NHS Anytown ICB', role: 'responding' },
];
const agreement = {
  outcome: 'AGREEMENT' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'The ICB pays for the accommodation.', basisNeed: 'n', basisTests: 't', basisRisk: 'r',
};
const written = {
  outcome: 'WRITTEN_DECISION' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], payers: [{ organisationId: 'anytown-icb', share: '60%' }, { organisationId: 'anytown-council', share: '40%' }], summary: 'The council pays for the accommodation.', basisNeed: 'n', basisTests: 't', basisRisk: 'r',
  funding: 'Council 100%.', commissioning: 'The council commissions it.',
};
const CHC = 'CHC: eligible for CHC (runs in parallel; Section 117 deadlines do not pause)';

function stage1(): Scenario {
  const s = new Scenario();
  s.raise();
  return s;
}

function stage3(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ endingProposal: true }));
  return s;
}

describe('the dispute view', () => {
  it('[R11.2][R0.5] a new Stage 1 dispute, in words: the person by case reference, the deadline, what is still needed', () => {
    const s = stage1();
    expect(view(s.dispute)).toEqual({
      id: 'd1',
      reference: 'S117-2026-0001',
      status: 'OPEN',
      stage: 1,
      stageName: 'Frontline resolution',
      dueText: 'due Monday 14 December, 5pm',
      overdue: false,
      subjects: ['Funding responsibility (health and social care contributions)', 'Accommodation and "accommodation-plus"'],
      parties: PARTIES,
      personRef: 'Case AC-104233, NHS number ending 919',
      checklist: STAGE_1_CHECKLIST,
      pendingDecision: null,
      personSteps: PERSON_STEPS,
      flags: [],
      chc: null,
      pendingWithdrawals: [],
      stillNeeded: ['an agreement confirmed by every party'],
      owe: ['Still to do:', ...STAGE_1_CHECKLIST.map((c) => `• ${c.label}`)],
      outcome: null,
      pendingLetter: null,
      canEscalateExternally: false,
      allowedActions: allowedActions(s.dispute, DEFAULT_POLICY, directory),
    });
    expect(view(s.dispute).allowedActions).toHaveLength(13);
    expect(view(s.dispute, new Date('2026-12-09T10:00:00Z')).dueText).toBe('3 working days left (due Monday 14 December, 5pm)');
  });

  it('[R11.2] without an NHS number the person is the case reference alone', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ nhsNumber: null }));
    expect(view(s.dispute).personRef).toBe('Case AC-104233');
  });

  it('shows what the viewer may do: nothing for someone who does not take part', () => {
    const s = stage1();
    expect(view(s.dispute, undefined, person('pat-lee')).allowedActions).toEqual([]);
    const ali = person('ali-khan');
    expect(view(s.dispute, undefined, ali).allowedActions).toEqual(allowedActions(s.dispute, DEFAULT_POLICY, directory, ali));
  });

  it('[R5.5][R8.1] names who ticked an item, by id once they left the directory; marks steps done', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true });
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    const v = view(s.dispute);
    expect(v.checklist[1]).toEqual({ key: 'tests', label: 'Revisit the statutory Section 117 tests', done: true, by: 'Ali Khan' });
    expect(v.checklist.map((c) => c.done)).toEqual([false, true, false, false]);
    expect(v.owe).toEqual([
      'Still to do:', '• Clarify the nature of the disagreement', '• Review the assessment and evidence',
      '• Seek resolution through professional discussion',
    ]);
    expect(v.personSteps.map((p) => p.done)).toEqual([true, false, false, false]);
    const gone: Directory = { ...directory, people: directory.people.filter((p) => p.id !== 'ali-khan') };
    expect(view(s.dispute, undefined, null, gone).checklist[1]!.by).toBe('ali-khan');
    const noIcb: Directory = { ...directory, organisations: directory.organisations.filter((o) => o.id !== 'anytown-icb') };
    expect(view(s.dispute, undefined, null, noIcb).parties).toEqual([
      PARTIES[0], { organisationId: 'anytown-icb', name: 'anytown-icb', role: 'responding' },
    ]);
  });

  it('[R3.2] the decision waiting for confirmation: who confirmed for which organisation, and when', () => {
    const s = stage1();
    s.at('2026-12-08T14:30:00Z');
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    const v = view(s.dispute);
    expect(v.pendingDecision).toEqual({
      seq: 1,
      outcome: 'Agreement reached',
      summary: 'The ICB pays for the accommodation.',
      assessment: [],
      confirmations: [
        { organisation: 'Anytown Council', by: 'Ali Khan', at: 'Tuesday 8 December, 2:30pm' },
        { organisation: 'NHS Anytown ICB', by: null, at: null },
      ],
    });
    expect(v.owe).toEqual(['Decision 1 is waiting for confirmation from 1 organisation(s).']);
  });

  it('[R2.5][R3.2] a withdrawal proposed by one party is shown as waiting, with its reason, who agreed and who it waits for', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    expect(view(s.dispute).pendingWithdrawals).toEqual([]);
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    const v = view(s.dispute);
    expect(v.pendingWithdrawals).toEqual([
      'Withdrawing Anytown Mental Health NHS Trust is proposed (Not involved after all.): agreed by Anytown Council; '
        + 'waits for NHS Anytown ICB, or for Anytown Mental Health NHS Trust\'s senior officer',
    ]);
    expect(v.parties.map((p) => p.organisationId)).toContain('anytown-trust');
    // Once the others have all agreed it is no longer waiting; nor on a resolved dispute.
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Agreed.' });
    expect(view(s.dispute).pendingWithdrawals).toEqual([]);
  });

  it('[R2.5] a resolved dispute shows no withdrawal as waiting', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    expect(view(s.dispute).pendingWithdrawals).toHaveLength(1);
    expect(view({ ...s.dispute, status: 'RESOLVED' }).pendingWithdrawals).toEqual([]);
    // A proposal left behind for an organisation that has since gone is not shown.
    const gone = { ...s.dispute, parties: s.dispute.parties.map((p) => (p.organisationId === 'anytown-trust' ? { ...p, withdrawnAt: s.dispute.raisedAt } : p)) };
    expect(view(gone).pendingWithdrawals).toEqual([]);
  });

  it('[R2.5][R3.2] a withdrawn party and a withdrawn decision are not shown as waiting', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    // R2.5: a joint decision of the other parties.
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'Wrong figures.' });
    s.run('gus-hart', { type: 'PROPOSE_DECISION', input: { ...agreement, summary: 'The ICB pays half.' } });
    const v = view(s.dispute);
    expect(v.parties).toEqual(PARTIES);
    expect(v.pendingDecision).toEqual({
      seq: 2,
      outcome: 'Agreement reached',
      summary: 'The ICB pays half.',
      assessment: [],
      confirmations: [{ organisation: 'Anytown Council', by: null, at: null }, { organisation: 'NHS Anytown ICB', by: null, at: null }],
    });
  });

  it('[R5.2][R8.2] after escalation: the new stage, its deadline and checklist, and the note to the person waiting for review', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    const v = view(s.dispute);
    expect(v).toMatchObject({
      stage: 2, stageName: 'Operational management escalation', dueText: 'due Monday 21 December, 5pm', overdue: false,
    });
    expect(v.checklist.map((c) => c.key)).toEqual(['joint-review', 'case-law', 'interim-funding']);
    expect(v.stillNeeded).toEqual(['a decision confirmed by every party']);
    expect(v.pendingLetter).toEqual({ seq: 1, readingAge: s.dispute.letters[0]!.readingAge });
    expect(v.canEscalateExternally).toBe(false);
    s.run('ali-khan', { type: 'ESCALATE', reason: 'Still no agreement.' });
    expect(view(s.dispute).pendingLetter).toEqual({ seq: 2, readingAge: s.dispute.letters[1]!.readingAge });
    s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 2 });
    // Note 1 announced a stage that has ended, and the person has the newer note (R8.2).
    expect(view(s.dispute).pendingLetter).toBeNull();
  });

  it('[R5.3][R5.7][R9.2] Stage 3 may escalate externally; overdue it says "was due"; Stage 4 has no timescale and is not overdue', () => {
    const s = stage3();
    expect(view(s.dispute)).toMatchObject({
      stage: 3, dueText: 'due Wednesday 30 December, 5pm', overdue: false, canEscalateExternally: true,
    });
    s.sweep('2027-01-11T10:00:00Z');
    expect(view(s.dispute)).toMatchObject({ dueText: 'was due Wednesday 30 December, 5pm', overdue: true, canEscalateExternally: true });
    expect(view(s.dispute, s.now).dueText).toBe('overdue by 7 working days (was due Wednesday 30 December, 5pm)');
    s.run('eve-ford', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(view(s.dispute)).toMatchObject({
      // R9.2: no longer overdue once escalated externally (R5.3); Stage 3 keeps its "missed" mark (R9.1).
      stage: 4, stageName: 'External escalation (exceptional)', dueText: 'no timescale', overdue: false, canEscalateExternally: true,
    });
  });

  it('[R5.6] a resolved dispute: when, the outcome, nothing still needed or owed, the decision letter to review', () => {
    const s = stage1();
    s.at('2026-12-08T14:30:00Z');
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    const v = view(s.dispute, s.now);
    expect(v).toMatchObject({
      status: 'RESOLVED',
      dueText: 'resolved Tuesday 8 December, 2:30pm',
      overdue: false,
      pendingDecision: null,
      stillNeeded: [],
      owe: [],
      outcome: 'Agreement reached: The ICB pays for the accommodation.',
      pendingLetter: { seq: 1, readingAge: s.dispute.letters[0]!.readingAge },
      canEscalateExternally: false,
    });
    // A record without the time it resolved still says it is resolved.
    expect(view({ ...s.dispute, resolvedAt: null }).dueText).toBe('resolved');
  });

  it('[R5.6][R5.7] a dispute resolved at Stage 3 is not escalated externally any more', () => {
    const s = stage3();
    s.run('eve-ford', { type: 'PROPOSE_DECISION', input: written });
    s.run('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(view(s.dispute)).toMatchObject({
      status: 'OPEN', stillNeeded: ['the person informed of the outcome and rationale'], canEscalateExternally: false,
    });
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Explained at home.' });
    expect(view(s.dispute)).toMatchObject({ status: 'RESOLVED', stage: 3, stillNeeded: [], canEscalateExternally: false });
  });

  it('[R10.1] flags in words, each once; a continuity alert closed by "care restored" says so', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false, citedGrounds: ['BUDGET', 'AWAITING_PANEL'] }));
    expect(view(s.dispute).flags).toEqual([
      'Care reported delayed, reduced or withdrawn',
      'Cites a ground that is not lawful for delaying or withholding aftercare',
    ]);
    s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'Support resumed on Monday.' });
    expect(view(s.dispute).flags).toEqual([
      'Care reported delayed, reduced or withdrawn (resolved: care restored)',
      'Cites a ground that is not lawful for delaying or withholding aftercare',
    ]);
  });

  it('[R6.1][R6.3] the CHC track runs in parallel; an adjustment waits for each active party that has not confirmed it', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    expect(view(s.dispute).chc).toBe('CHC: not referred yet (runs in parallel; Section 117 deadlines do not pause)');
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    s.run('gus-hart', {
      type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-11-01', parties: ['anytown-icb'],
      amountOrShare: 'ICB 100%', personNotPenalised: true,
    });
    expect(view(s.dispute).chc).toBe(
      `${CHC}. Funding adjustment 1 (from 2026-11-01) waits for Anytown Council, NHS Anytown ICB, Anytown Mental Health NHS Trust`,
    );
    // The trust confirms, then leaves by a joint decision of the other parties (R2.5): what it confirmed still waits for them.
    s.run('nia-rose', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-trust' });
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    expect(view(s.dispute).chc).toBe(`${CHC}. Funding adjustment 1 (from 2026-11-01) waits for Anytown Council, NHS Anytown ICB`);
    s.run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(view(s.dispute).chc).toBe(`${CHC}. Funding adjustment 1 (from 2026-11-01) waits for Anytown Council`);
    s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    expect(view(s.dispute).chc).toBe(CHC);
  });
});
