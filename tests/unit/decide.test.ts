import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import { SYSTEM } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { disputeView } from '../../src/domain/view.ts';
import { assessedJointly, noAssessment, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { calendar, directory, refusal, Scenario } from '../helpers/domain.ts';

const decision = (over: Record<string, unknown> = {}) => ({ type: 'PROPOSE_DECISION' as const, input: { ...stage2Decision, ...over } });
const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_DECISION' as const, seq, organisationId });

/** Stage 1 → Stage 2 by timeout: Monday 7 Dec raise, due Monday 14 Dec 17:00. */
function atStage2(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  return s;
}

function atStage3(): Scenario {
  const s = atStage2();
  s.run('bea-jones', { type: 'ESCALATE', reason: 'No agreement on the split at operational level.' });
  return s;
}

describe('timeliness', () => {
  it('[R3.4] gives every stage its timescale: 5, 10 and 15 working days, and none for Stage 4', () => {
    expect([1, 2, 3, 4].map((n) => DEFAULT_POLICY.stages[n as 1 | 2 | 3 | 4].workingDays)).toEqual([5, 10, 15, null]);
    const s = atStage3();
    expect(s.dispute.stages.map((x) => [x.stage, x.workingDays, Boolean(x.dueAt)])).toEqual([[1, 5, true], [2, 10, true], [3, 15, true]]);
  });
});

describe('raising a dispute', () => {
  it('[R5.1] starts at Stage 1 with its 5 working-day deadline and checklist', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute.stage).toBe(1);
    expect(s.dispute.stages[0]).toMatchObject({ stage: 1, dueAt: '2026-12-14T17:00:00.000Z', workingDays: 5 });
    expect(s.dispute.reference).toBe('S117-2026-0001');
    expect(s.events()).toEqual(['RAISED', 'STAGE_STARTED']);
  });

  it('[R2.1] records what the dispute is about and refuses a dispute about nothing', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['ELIGIBILITY', 'ORDINARY_RESIDENCE', 'ELIGIBILITY'] }));
    expect(s.dispute.subjects).toEqual(['ELIGIBILITY', 'ORDINARY_RESIDENCE']);
    expect(refusal(() => new Scenario().raise('ali-khan', fundingDispute({ subjects: [] })))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'subjects' });
  });

  it('[R2.2] records the cohort and setting, children and secure settings alike', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ cohort: 'CHILD_YOUNG_PERSON', setting: 'PRISON' }));
    expect(s.dispute).toMatchObject({ cohort: 'CHILD_YOUNG_PERSON', setting: 'PRISON', stage: 1 });
  });

  it('[R2.3] needs at least two known partner organisations, each with its role, including the raiser\'s', () => {
    const one = fundingDispute({ parties: [{ organisationId: 'anytown-council', role: 'RAISING' }] });
    expect(refusal(() => new Scenario().raise('ali-khan', one))).toMatchObject({ code: 'TOO_FEW_PARTIES', field: 'parties' });
    const unknown = fundingDispute({ parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'elsewhere', role: 'RESPONDING' }] });
    expect(refusal(() => new Scenario().raise('ali-khan', unknown)).message).toMatch(/"elsewhere" is not an organisation/);
    const notMine = fundingDispute({ parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-trust', role: 'RESPONDING' }] });
    expect(refusal(() => new Scenario().raise('ali-khan', notMine))).toMatchObject({ code: 'RAISER_NOT_PARTY' });
    const s = new Scenario();
    s.raise();
    expect(s.dispute.parties).toMatchObject([{ organisationId: 'anytown-council', role: 'RAISING', withdrawnAt: null }, { organisationId: 'anytown-icb', role: 'RESPONDING', withdrawnAt: null }]);
  });

  it('refuses an NHS number whose check digit is wrong, naming the field', () => {
    expect(refusal(() => new Scenario().raise('ali-khan', fundingDispute({ nhsNumber: '943 476 5918' })))).toMatchObject({ code: 'INVALID_NHS_NUMBER', field: 'nhsNumber' });
  });

  it('refuses someone who is not in the directory', () => {
    expect(refusal(() => new Scenario().raise('mallory'))).toMatchObject({ code: 'NOT_IN_DIRECTORY' });
  });

  it('[R3.1] records the current care and the confirmation that it continues', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute).toMatchObject({ currentCare: expect.stringMatching(/Supported accommodation/), careContinues: true });
    expect(s.flags()).not.toContain('CONTINUITY_ALERT');
  });

  it('[R3.1] alerts the Stage 3 senior officers at once when care is not continuing, whatever the stage', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false }));
    expect(s.flags()).toContain('CONTINUITY_ALERT');
    const dms = s.last.effects.filter((e) => e.kind === 'DM' && /URGENT/.test(e.message.title)).map((e) => (e as { personId: string }).personId);
    expect(dms.sort()).toEqual(['eve-ford', 'jon-park']);
    expect(s.last.effects.some((e) => e.kind === 'GOVERNANCE')).toBe(true);

    const t = new Scenario();
    t.raise();
    t.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'Floating support cut to 6 hours pending the outcome.' });
    expect(t.dispute.stage).toBe(1);
    const alert = t.last.effects.find((e) => e.kind === 'POST')!;
    expect(alert).toMatchObject({ message: { mentions: ['eve-ford', 'jon-park'] } });
  });

  it('[R3.5] shares every step in the case space', () => {
    const s = new Scenario();
    s.raise();
    expect(s.last.effects.map((e) => e.kind)).toEqual(expect.arrayContaining(['OPEN_CASE_SPACE', 'INVITE', 'REFRESH_CARD', 'POST']));
    s.run('ali-khan', { type: 'ESCALATE', reason: 'We need managers to decide.' });
    expect(s.last.effects.some((e) => e.kind === 'POST')).toBe(true);
    s.run('bea-jones', decision());
    expect(s.last.effects.some((e) => e.kind === 'POST' && /decision proposed/.test(e.message.title))).toBe(true);
  });
});

describe('unlawful grounds', () => {
  it('[R4.1] flags grounds found in free text, tells the parties, and never blocks the record', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ description: 'Funding is on hold awaiting the funding panel, and budget pressures mean the ICB will not pay.' }));
    expect(s.dispute.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => f.ground).sort()).toEqual(['AWAITING_PANEL', 'BUDGET']);
    const notice = s.last.effects.find((e) => e.kind === 'POST' && /not lawful/.test(e.message.title));
    expect(notice).toBeDefined();
    expect(s.dispute.stage).toBe(1);
    // Each flag and the notice say where the ground was cited and which ground, in words.
    const budget = s.dispute.flags.find((f) => f.ground === 'BUDGET')!;
    expect(budget.detail).toMatch(/^.+: budget constraints or financial pressures$/);
    const where = budget.detail.replace(/: budget constraints or financial pressures$/, '');
    expect(notice!.kind === 'POST' && notice!.message).toMatchObject({
      lines: [`${where} cites:`, expect.stringMatching(/^• /), expect.stringMatching(/^• /),
        'These are not lawful grounds for delaying or withholding Section 117 aftercare (protocol section 4).', expect.stringMatching(/^Care and support must continue/)],
      mentions: [],
    });
    expect(notice!.kind === 'POST' && notice!.message.lines).toContain('• budget constraints or financial pressures');
  });

  it('[R4.1] flags grounds chosen explicitly as the reason, on decisions too', () => {
    const s = atStage2();
    s.run('bea-jones', decision({ citedGrounds: ['RESTRUCTURING'] }));
    expect(s.dispute.flags.some((f) => f.ground === 'RESTRUCTURING')).toBe(true);
    expect(s.dispute.decisions).toHaveLength(1);
  });
});

describe('the escalation pathway', () => {
  it('[R5.2] escalates to Stage 2 when Stage 1 times out, inviting and pinging the Stage 2 participants', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T16:59:00Z');
    expect(s.events()).not.toContain('ESCALATED');
    s.sweep('2026-12-14T17:00:00Z');
    expect(s.dispute.stage).toBe(2);
    expect(s.dispute.stages[0]).toMatchObject({ endReason: 'TIMEOUT', met: false, timedOutAt: '2026-12-14T17:00:00.000Z' });
    expect(s.dispute.stages[1]).toMatchObject({ stage: 2, dueAt: '2026-12-30T17:00:00.000Z', workingDays: 10 });
    const invite = s.last.effects.find((e) => e.kind === 'INVITE') as { personIds: string[] };
    expect(invite.personIds.sort()).toEqual(['bea-jones', 'cal-reid', 'hal-moss']);
    const dms = s.last.effects.filter((e) => e.kind === 'DM').map((e) => (e as { personId: string }).personId).sort();
    expect(dms).toEqual(['bea-jones', 'cal-reid', 'hal-moss']);
    expect(s.flags()).toContain('STAGE_OVERDUE');
  });

  it('[R5.2] escalates Stage 2 to Stage 3 on timeout, and everyone stays on', () => {
    const s = atStage2();
    s.sweep('2026-12-30T17:00:00Z');
    expect(s.dispute.stage).toBe(3);
    expect(s.participants()).toEqual(['ali-khan', 'bea-jones', 'cal-reid', 'dee-obi', 'eve-ford', 'gus-hart', 'hal-moss', 'ivy-nash', 'jon-park']);
  });

  it('[R5.3] marks Stage 3 overdue at its deadline, alerts seniors and governance, and offers Stage 4 without taking it', () => {
    const s = atStage3();
    const due = s.dispute.stages[2]!.dueAt!;
    s.sweep(due);
    expect(s.dispute.stage).toBe(3);
    expect(s.dispute.overdue).toBe(true);
    const post = s.last.effects.find((e) => e.kind === 'POST')!;
    expect(post).toMatchObject({ message: { title: expect.stringMatching(/Stage 3 is overdue/), mentions: ['eve-ford', 'jon-park'] } });
    expect(JSON.stringify(post)).toMatch(/NHS England/);
    expect(s.last.effects.filter((e) => e.kind === 'GOVERNANCE')).toHaveLength(1);
    // Acted on once: a second sweep at the same moment changes nothing (the repeat is R5.3's own test).
    s.sweep(due);
    expect(s.events()).toEqual([]);
  });

  it('[R5.4] lets participants escalate early with a recorded reason', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'ESCALATE', reason: ' ' }))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'reason' });
    expect(refusal(() => s.run('eve-ford', { type: 'ESCALATE', reason: 'Too slow' }))).toMatchObject({ code: 'NOT_A_PARTICIPANT' });
    s.at('2026-12-08T11:00:00Z').run('ali-khan', { type: 'ESCALATE', reason: 'The ICB will not discuss the split.' });
    // R9.1: left by early escalation, so "escalated", never "met".
    expect(s.dispute.stages[0]).toMatchObject({ endReason: 'MANUAL', escalationReason: 'The ICB will not discuss the split.', met: null });
    expect(s.dispute.stage).toBe(2);
  });

  it('[R5.4] does not escalate Stage 3 by hand: that is the exceptional external route', () => {
    const s = atStage3();
    expect(refusal(() => s.run('eve-ford', { type: 'ESCALATE', reason: 'stuck' }))).toMatchObject({ code: 'USE_EXTERNAL_ESCALATION' });
  });

  it('[R5.5] shows each stage\'s actions as a checklist that participants tick', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute.checklist.map((c) => c.key)).toEqual(['clarify', 'tests', 'evidence', 'discussion']);
    s.run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true });
    expect(s.dispute.checklist[1]).toMatchObject({ tickedBy: 'gus-hart', tickedAt: '2026-12-07T10:00:00.000Z' });
    expect(s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true }).events).toEqual([]);
    expect(refusal(() => s.run('pat-lee', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true })).message).toMatch(/Only the participants/);
    const s2 = atStage2();
    expect(s2.dispute.checklist.filter((c) => c.stage === 2).map((c) => c.key)).toEqual(['joint-review', 'case-law', 'interim-funding']);
    const s3 = atStage3();
    expect(s3.dispute.checklist.filter((c) => c.stage === 3).map((c) => c.key)).toEqual(['joint-consideration', 'duties-risk', 'binding']);
  });

  it('[R5.6] closes Stage 1 on an agreement confirmed by both parties', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    s.run('dee-obi', confirm(1, 'anytown-council'));
    expect(s.dispute.status).toBe('OPEN');
    s.at('2026-12-08T12:00:00Z').run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute).toMatchObject({ status: 'RESOLVED', resolvedAt: '2026-12-08T12:00:00.000Z' });
    // The record and the case space say which decision resolved it, at which stage.
    const summary = s.dispute.decisions[0]!.summary;
    expect(s.dispute.outcome).toBe(`Agreement reached: ${summary}`);
    expect(s.last.events.filter((e) => e.type === 'DECISION_TOOK_EFFECT' || e.type === 'RESOLVED').map((e) => [e.type, e.data])).toEqual([
      ['DECISION_TOOK_EFFECT', { seq: 1, outcome: 'AGREEMENT' }],
      ['RESOLVED', { stage: 1, outcome: `Agreement reached: ${summary}` }],
    ]);
    const posts = s.last.effects.flatMap((e) => (e.kind === 'POST' ? [e.message] : []));
    expect(posts).toEqual(expect.arrayContaining([
      expect.objectContaining({ title: 'S117-2026-0001: decision 1 confirmed by every party', lines: [`Agreement reached: ${summary}`], mentions: [] }),
      expect.objectContaining({ title: 'S117-2026-0001 is resolved at Stage 1', lines: [`Agreement reached: ${summary}`, 'The register has the full record.'], mentions: [] }),
    ]));
    expect(s.dispute.stages[0]).toMatchObject({ endReason: 'RESOLVED', met: true });
    // R8.3: it wakes again only to count the person steps still owed, not for any stage.
    const owed = s.dispute.personSteps.filter((p) => p.dueAt && !p.doneAt).map((p) => p.dueAt!).sort();
    expect(s.dispute.nextWakeAt).toBe(owed[0]);
  });

  it('[R5.6] closes Stage 3 only with a written decision, funding and commissioning confirmed, and the person informed', () => {
    const s = atStage3();
    expect(refusal(() => s.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION', funding: null })))).toMatchObject({ field: 'funding' });
    s.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION', commissioning: 'The council commissions; the ICB contributes by invoice.' }));
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.run('jon-park', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('OPEN');
    expect(disputeView(s.dispute, DEFAULT_POLICY, calendar, directory).stillNeeded).toEqual(['the person informed of the outcome and rationale']);
    // Sending an escalation note does not inform the person of the outcome.
    const note = s.dispute.letters.findLast((l) => l.decisionSeq === null)!;
    s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: note.seq });
    expect(s.dispute.status).toBe('OPEN');
    const letter = s.dispute.letters.find((l) => l.decisionSeq === 1)!;
    s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: letter.seq });
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R5.7] records the external route and when, and reminds the case space that care continues', () => {
    const s = atStage3();
    expect(refusal(() => s.run('bea-jones', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: null }))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY' });
    // Stage 3 has had its chance: its deadline passed (the other way, every senior officer saying so, is in protocol-revised).
    s.sweep(s.dispute.stages[2]!.dueAt!);
    s.at('2027-01-20T10:00:00Z').run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: 'Letter to the regional team.' });
    expect(s.dispute.stage).toBe(4);
    expect(s.dispute.externalRoutes).toEqual([{ route: 'NHS_ENGLAND', by: 'jon-park', at: '2027-01-20T10:00:00.000Z', note: 'Letter to the regional team.' }]);
    expect(JSON.stringify(s.last.effects)).toMatch(/Care and support must continue/);
    expect(s.dispute.stages[3]).toMatchObject({ stage: 4, dueAt: null });
  });
});

describe('joint decisions', () => {
  it('[R3.2] takes effect only when every party organisation has confirmed', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('cal-reid', confirm(1, 'anytown-council'));
    expect(s.dispute.decisions[0]!.status).toBe('PROPOSED');
    expect(refusal(() => s.run('cal-reid', confirm(1, 'anytown-icb')))).toMatchObject({ code: 'WRONG_ORGANISATION' });
    expect(s.run('bea-jones', confirm(1, 'anytown-council')).notice).toMatch(/already confirmed/);
    expect(s.last.events).toEqual([]);
    s.run('hal-moss', confirm(1, 'anytown-icb'));
    expect(s.dispute.decisions[0]).toMatchObject({ status: 'CONFIRMED' });
    expect(s.dispute.status).toBe('RESOLVED');
    expect(s.dispute.confirmations.map((c) => c.personId)).toEqual(['cal-reid', 'hal-moss']);
  });

  it('[R3.2] lets only senior officers confirm at Stage 3', () => {
    const s = atStage3();
    s.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION', commissioning: 'Council commissions.' }));
    expect(refusal(() => s.run('bea-jones', confirm(1, 'anytown-council')))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY' });
    expect(refusal(() => s.run('ivy-nash', confirm(1, 'anytown-icb')))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY' });
  });

  it('[R3.2] escalates when both parties confirm that they cannot agree', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', decision({ outcome: 'ESCALATE', effect: 'CONTINUES', summary: 'We cannot agree at this level.' }));
    s.run('ali-khan', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.stage).toBe(2);
    expect(s.dispute.stages[0]!.endReason).toBe('JOINT_DECISION');
  });

  it('[R3.3] records every decision\'s basis in need, the Section 117 tests and risk', () => {
    const s = atStage2();
    expect(refusal(() => s.run('bea-jones', decision({ basisTests: '' })))).toMatchObject({ field: 'basisTests' });
    expect(refusal(() => s.run('bea-jones', decision({ basisRisk: '   ' })))).toMatchObject({ field: 'basisRisk' });
    s.run('bea-jones', decision());
    expect(s.dispute.decisions[0]).toMatchObject({ basisNeed: stage2Decision.basisNeed, basisTests: stage2Decision.basisTests, basisRisk: stage2Decision.basisRisk });
  });

  it('refuses an outcome that does not belong to the stage', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', decision({ outcome: 'DECISION' })))).toMatchObject({ code: 'OUTCOME_NOT_FOR_STAGE', field: 'outcome' });
  });
});

describe('CHC interface', () => {
  const chcDispute = () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE', 'FUNDING'] }));
    return s;
  };

  it('[R6.1] runs CHC as a parallel track that never pauses the stages or their deadlines', () => {
    const s = chcDispute();
    expect(s.dispute.chc).toMatchObject({ status: 'NOT_REFERRED' });
    const before = structuredClone(s.dispute.stages);
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'REFERRED', referralDate: '2026-12-07', decisionDate: null });
    expect(s.dispute.chc).toMatchObject({ status: 'REFERRED', referralDate: '2026-12-07' });
    expect(s.dispute.stages).toEqual(before);
    s.sweep('2026-12-14T17:00:00Z');
    expect(s.dispute.stage).toBe(2);
  });

  it('[R6.2] says aftercare continues until CHC eligibility is decided', () => {
    const s = chcDispute();
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ASSESSMENT', referralDate: '2026-12-07', decisionDate: null });
    expect(JSON.stringify(s.last.effects)).toMatch(/Section 117 aftercare continues where the statutory test is met/);
    expect(s.dispute.careContinues).toBe(true);
    const t = new Scenario();
    t.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'], description: 'We are pending CHC so the placement waits.' }));
    expect(t.dispute.flags.some((f) => f.ground === 'CHC_UNDETERMINED')).toBe(true);
  });

  it('[R6.3] records a retrospective adjustment only after a CHC decision and only without penalising the person', () => {
    const s = chcDispute();
    const adj = { type: 'RECORD_CHC_ADJUSTMENT' as const, effectiveDate: '2026-10-01', parties: ['anytown-icb', 'anytown-council'], amountOrShare: 'ICB refunds council 100% from 1 October', personNotPenalised: true };
    expect(refusal(() => s.run('gus-hart', adj))).toMatchObject({ code: 'CHC_NOT_DECIDED' });
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    expect(refusal(() => s.run('gus-hart', { ...adj, personNotPenalised: false }))).toMatchObject({ field: 'personNotPenalised' });
    s.run('gus-hart', adj);
    expect(s.dispute.chcAdjustments[0]).toMatchObject({ effectiveDate: '2026-10-01', personNotPenalised: true, recordedBy: 'gus-hart' });
  });

  it('[R6.3] [R3.2] holds a CHC adjustment only once each party has confirmed it, one person for one organisation', () => {
    const s = chcDispute();
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    // Recording proposes it: nobody has confirmed, not even the recorder's organisation.
    expect(s.dispute.chcAdjustments[0]).toMatchObject({ confirmations: [], confirmedAt: null });
    expect(JSON.stringify(s.last.effects)).toMatch(/holds when every party organisation has confirmed it: Anytown Council, NHS Anytown ICB|holds when every party organisation has confirmed it: NHS Anytown ICB, Anytown Council/);
    const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_CHC_ADJUSTMENT' as const, seq, organisationId });
    expect(refusal(() => s.run('gus-hart', confirm(2, 'anytown-icb')))).toMatchObject({ code: 'NO_SUCH_ADJUSTMENT' });
    expect(refusal(() => s.run('gus-hart', confirm(1, 'anytown-council')))).toMatchObject({ code: 'WRONG_ORGANISATION' });
    expect(refusal(() => s.run('gus-hart', confirm(1, 'anytown-trust')))).toMatchObject({ code: 'NOT_A_PARTY' });
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.events()).toEqual(['CHC_ADJUSTMENT_CONFIRMED']);
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBeNull();
    expect(JSON.stringify(s.last.effects)).toMatch(/Still waiting for: Anytown Council/);
    // Seen on the card: the adjustment and whom it waits for; the council may confirm, the ICB no longer.
    const view = disputeView(s.dispute, DEFAULT_POLICY, calendar, directory);
    expect(view.chc).toMatch(/Funding adjustment 1 \(from 2026-10-01\) waits for Anytown Council/);
    expect(view.allowedActions.filter((a) => a.verb === 'confirm-chc')).toEqual([expect.objectContaining({ n: 1, o: 'anytown-council' })]);
    // Confirming again changes nothing.
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.last.events).toEqual([]);
    expect(s.last.notice).toMatch(/already confirmed/);
    // Someone who moved to the council since cannot confirm the same adjustment for it too (R3.2).
    const moved = { ...directory, people: directory.people.map((p) => (p.id === 'gus-hart' ? { ...p, organisationId: 'anytown-council' } : p)) };
    expect(refusal(() => s.runWith(moved, 'gus-hart', confirm(1, 'anytown-council')))).toMatchObject({ code: 'ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION' });
    s.run('ali-khan', confirm(1, 'anytown-council'));
    expect(s.events()).toEqual(['CHC_ADJUSTMENT_CONFIRMED', 'CHC_ADJUSTMENT_AGREED']);
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBe(s.now.toISOString());
    expect(disputeView(s.dispute, DEFAULT_POLICY, calendar, directory).chc).not.toMatch(/waits for/);
  });
});

describe('ending Section 117 aftercare', () => {
  const ending = () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
    return s;
  };
  const endIt = (over: Record<string, unknown> = {}) => decision({
    outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', commissioning: 'Placement decommissioned on 1 March after transition.',
    jointAssessment: 'Joint review on 2 December by the care coordinator and the ICB nurse assessor.', ...assessedJointly(), ...over,
  });

  it('[R7.2] starts an ending dispute at Stage 3', () => {
    const s = ending();
    expect(s.dispute.stage).toBe(3);
    expect(s.dispute.stages).toHaveLength(1);
    expect(s.dispute.stages[0]).toMatchObject({ stage: 3, workingDays: 15 });
    expect(s.participants()).toEqual(expect.arrayContaining(['eve-ford', 'jon-park']));
    const t = new Scenario();
    t.raise();
    expect(refusal(() => t.run('ali-khan', endIt()))).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3' });
  });

  it('[R7.1] needs a joint, recorded assessment confirmed by every party at senior level', () => {
    const s = ending();
    s.run('eve-ford', endIt(noAssessment));
    expect(s.dispute.decisions).toHaveLength(0);
    expect(s.flags()).toContain('ENDING_WITHOUT_JOINT_ASSESSMENT');
    expect(s.last.notice).toMatch(/joint, recorded assessment/);
    s.run('eve-ford', endIt());
    expect(refusal(() => s.run('ali-khan', confirm(1, 'anytown-council')))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY' });
    s.run('eve-ford', confirm(1, 'anytown-council'));
    expect(s.dispute.decisions[0]!.status).toBe('PROPOSED');
    s.run('jon-park', confirm(1, 'anytown-icb'));
    expect(s.dispute.decisions[0]!.status).toBe('CONFIRMED');
  });

  it('[R7.3] refuses service reductions or commissioning changes as the reason for ending: they are not a reason that can be chosen', () => {
    const s = ending();
    expect(refusal(() => s.run('eve-ford', endIt({ endingReason: 'COMMISSIONING_CHANGE' })))).toMatchObject({ code: 'ENDING_UNLAWFUL_REASON', field: 'endingReason' });
    expect(s.dispute.decisions).toEqual([]);
  });
});

describe('the person', () => {
  it('[R8.1] records who told the person, reassured them, explained and offered advocacy, and when', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute.personSteps.map((p) => p.step)).toEqual(['INFORMED', 'REASSURED', 'EXPLAINED', 'ADVOCACY_OFFERED']);
    s.at('2026-12-08T09:30:00Z').run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Phoned Mr X and his sister.' });
    expect(s.dispute.personSteps[0]).toMatchObject({ doneBy: 'ali-khan', doneAt: '2026-12-08T09:30:00.000Z', note: 'Phoned Mr X and his sister.' });
    expect(s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Phoned Mr X and his sister.' }).notice).toMatch(/already recorded/);
    // Re-recording replaces the current record and keeps the earlier one in the history.
    s.at('2026-12-09T09:30:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Met Mr X in person.' });
    expect(s.dispute.personSteps[0]).toMatchObject({ doneBy: 'gus-hart', note: 'Met Mr X in person.' });
    expect(s.last.events[0]!.data).toMatchObject({ previous: { doneBy: 'ali-khan', doneAt: '2026-12-08T09:30:00.000Z', note: 'Phoned Mr X and his sister.' } });
  });

  it('[R8.2] drafts the letter when a decision takes effect; a professional reviews it before it is marked sent', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', confirm(1, 'anytown-council'));
    s.run('hal-moss', confirm(1, 'anytown-icb'));
    // The escalation to Stage 2 drafted its short note first (R8.2); the decision letter follows.
    expect(s.dispute.letters.map((l) => l.decisionSeq)).toEqual([null, 1]);
    const letter = s.dispute.letters[1]!;
    expect(letter).toMatchObject({ decisionSeq: 1, reviewedBy: null, sentAt: null });
    expect(letter.readingAge).toBeLessThanOrEqual(12.5);
    expect(letter.text).toMatch(/ICB means the local NHS/);
    expect(letter.text).not.toMatch(/943|5919/);
  });

  it('[R8.3] counts unticked person steps as overdue after the configured working days, once', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    // Raised Monday 7 Dec: due 5 working days later, Monday 14 Dec 17:00 (with the Stage 1 timeout).
    s.sweep('2026-12-14T17:00:00Z');
    const overdue = s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED').map((f) => f.detail.slice(1, f.detail.indexOf(']')));
    expect(overdue.sort()).toEqual(['ADVOCACY_OFFERED', 'REASSURED']);
    s.sweep('2026-12-15T10:00:00Z');
    expect(s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED')).toHaveLength(2);
  });
});

describe('the person after resolution', () => {
  it('[R8.3] an unticked person step is still counted as overdue after resolution, until the person is told the outcome', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    // Still owed: the sweep wakes for it and flags the overdue steps once.
    expect(s.dispute.nextWakeAt).not.toBeNull();
    s.sweep('2026-12-14T17:00:00Z');
    const overdue = () => s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED').map((f) => f.detail.slice(1, f.detail.indexOf(']'))).sort();
    expect(overdue()).toEqual(['ADVOCACY_OFFERED', 'EXPLAINED', 'REASSURED']);
    s.sweep('2026-12-15T10:00:00Z');
    expect(overdue()).toEqual(['ADVOCACY_OFFERED', 'EXPLAINED', 'REASSURED']);
    // Told of the outcome: nothing more is counted, and the dispute no longer wakes.
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null });
    expect(s.dispute.nextWakeAt).toBeNull();
  });

  it('[R5.6] [R8.3] refuses to record the outcome as explained before anything has been decided', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Explained the disagreement.' })))
      .toEqual({ code: 'NO_SUCH_DECISION', field: 'step', message: expect.stringMatching(/^Nothing has been decided yet, so there is no outcome to explain/) });
    // An escalation agreed by the parties is not an outcome to explain either.
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'ESCALATE', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'We cannot agree.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.stage).toBe(2);
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null }))).toMatchObject({ code: 'NO_SUCH_DECISION' });
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
  });

  it('[R8.3] [R5.6] an explanation recorded before the decision took effect (by an earlier version) is due again, and counted as overdue if nobody gives it', () => {
    const s = new Scenario();
    s.raise();
    // A record written before this version refused it.
    Object.assign(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')!, { doneBy: 'ali-khan', doneAt: '2026-12-08T10:00:00.000Z', note: 'Explained the disagreement.' });
    s.at('2026-12-08T10:00:00Z');
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.at('2026-12-08T11:00:00Z').run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    // The earlier record stays in the history; the step is open again, due 5 working days after the decision took effect.
    const again = s.last.events.find((e) => e.type === 'PERSON_STEP_DUE_AGAIN');
    expect(again?.data).toEqual({ step: 'EXPLAINED', seq: 1, previous: { doneBy: 'ali-khan', doneAt: '2026-12-08T10:00:00.000Z', note: 'Explained the disagreement.' } });
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')).toMatchObject({ doneBy: null, doneAt: null, note: null, dueAt: '2026-12-15T17:00:00.000Z' });
    s.sweep('2026-12-15T17:00:00Z');
    expect(s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED').map((f) => f.detail)).toContain('[EXPLAINED] Not done yet: Decision and outcome explained to the person.');
    // Explained now, after the decision: done, and nothing more wakes the dispute for it.
    s.at('2026-12-16T10:00:00Z').run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told her the outcome.' });
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')).toMatchObject({ doneBy: 'ali-khan', note: 'Told her the outcome.' });
  });

  it('[R8.3] an explanation not yet given gets its due date when the decision takes effect, with no "due again" entry', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')!.dueAt).toBeNull();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.events()).not.toContain('PERSON_STEP_DUE_AGAIN');
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')!.dueAt).toBe('2026-12-14T17:00:00.000Z');
  });

  it('[R8.3] once the person has been told the outcome, a later sweep flags nothing', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null });
    s.sweep('2026-12-14T17:00:00Z');
    expect(s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED')).toHaveLength(0);
  });
});

describe('reminders and working hours', () => {
  it('[R0.4] acts on a timeout at once but pings people at the next working-hours start', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T22:00:00Z');
    expect(s.dispute.stage).toBe(2);
    // The register records the stage change at the deadline itself, not when the sweep noticed.
    expect(s.dispute.stages[1]!.startedAt).toBe('2026-12-14T17:00:00.000Z');
    const pings = s.last.effects.filter((e) => e.kind === 'POST' || e.kind === 'DM' || e.kind === 'INVITE');
    expect(pings.length).toBeGreaterThan(0);
    for (const p of pings) expect(p.notBefore).toBe('2026-12-15T09:00:00.000Z');
  });

  it('[R0.4] plans reminders at halfway, the day before and on the day, in working hours, never twice a day', () => {
    const s = new Scenario();
    s.raise();
    const plan = s.dispute.stages[0]!.reminders.map((r) => [r.kind, r.at]);
    expect(plan).toEqual([
      ['START', '2026-12-07T10:00:00.000Z'],
      ['HALFWAY', '2026-12-10T09:00:00.000Z'],
      ['DAY_BEFORE', '2026-12-11T09:00:00.000Z'],
      ['DUE_DAY', '2026-12-14T09:00:00.000Z'],
    ]);
    s.sweep('2026-12-10T09:00:00Z');
    expect(s.events()).toEqual(['REMINDER_SENT']);
    expect(s.last.effects[0]).toMatchObject({ kind: 'POST', message: { mentions: ['ali-khan', 'gus-hart', 'dee-obi', 'ivy-nash'] } });
    s.sweep('2026-12-10T15:00:00Z');
    expect(s.events()).toEqual([]);
  });

  it('[R0.4] sends only the latest missed reminder after downtime, not a burst', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T09:30:00Z');
    expect(s.events()).toEqual(['REMINDER_SENT']);
    expect(s.last.events[0]!.data).toMatchObject({ kind: 'DUE_DAY', skipped: 2 });
  });

  it('[R0.3] computes a deadline once; a calendar change moves it only when an administrator recomputes it, on the record', () => {
    const s = new Scenario();
    s.raise();
    const closed = new WorkingCalendar({ extraClosures: ['2026-12-09'] });
    const ctx = (personId: string) => ({ now: new Date('2026-12-08T10:00:00Z'), actor: { personId, platform: 'cli' as const }, policy: DEFAULT_POLICY, calendar: closed, directory });
    const swept = decide(s.dispute, { type: 'SWEEP' }, ctx('system'));
    expect(swept.next.stages[0]!.dueAt).toBe('2026-12-14T17:00:00.000Z');
    expect(() => decide(s.dispute, { type: 'RECOMPUTE_DEADLINE', reason: 'closure' }, ctx('ali-khan'))).toThrow(/administrator/);
    const r = decide(s.dispute, { type: 'RECOMPUTE_DEADLINE', reason: 'Council closed for the storm on 9 December' }, ctx('pat-lee'));
    expect(r.next.stages[0]!.dueAt).toBe('2026-12-15T17:00:00.000Z');
    expect(r.events[0]).toMatchObject({ type: 'DEADLINE_RECOMPUTED', data: { before: '2026-12-14T17:00:00.000Z', after: '2026-12-15T17:00:00.000Z' } });
  });
});

describe('register signals, themes and records', () => {
  it('[R10.1] marks legal-risk signals: overdue stage, continuity alert, ending without joint assessment, person not informed', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false }));
    s.sweep('2026-12-14T17:00:00Z');
    expect(new Set(s.flags())).toEqual(new Set(['CONTINUITY_ALERT', 'STAGE_OVERDUE', 'PERSON_NOT_INFORMED']));
    const e = new Scenario();
    e.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'] }));
    e.run('eve-ford', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', commissioning: 'x' } });
    expect(e.flags()).toContain('ENDING_WITHOUT_JOINT_ASSESSMENT');
  });

  it('[R9.3] lets participants and governance leads tag themes, and nobody else', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'ADD_THEME', theme: 'Accommodation  Plus', areas: ['QUALITY_IMPROVEMENT'] });
    s.run('pat-lee', { type: 'ADD_THEME', theme: 'workforce training', areas: ['QUALITY_IMPROVEMENT'] });
    expect(s.dispute.themes.map((t) => t.theme)).toEqual(['accommodation plus', 'workforce training']);
    expect(refusal(() => s.run('oli-shaw', { type: 'ADD_THEME', theme: 'x', areas: ['QUALITY_IMPROVEMENT'] }))).toMatchObject({ code: 'NOT_A_PARTICIPANT' });
  });

  it('[R11.1] records corrections as new entries pointing at what they correct, and never drops a record', () => {
    const s = new Scenario();
    s.raise();
    const before = structuredClone(s.dispute);
    s.run('ali-khan', { type: 'CORRECT', field: 'currentCare', value: 'Supported accommodation, 14 hours floating support.', reason: 'Hours were mistyped.', correctsSeq: 1 });
    expect(s.last.events).toEqual([{ type: 'CORRECTED', data: { field: 'currentCare', before: before.currentCare, after: 'Supported accommodation, 14 hours floating support.', reason: 'Hours were mistyped.' }, correctsSeq: 1 }]);
    expect(s.dispute.version).toBe(before.version + 1);
    // Nothing else changed: every other record is exactly as it was.
    for (const k of ['stages', 'checklist', 'participants', 'personSteps', 'flags', 'decisions', 'parties'] as const) expect(s.dispute[k]).toEqual(before[k]);
    expect({ ...s.dispute, currentCare: before.currentCare, version: before.version }).toEqual(before);
  });

  it('[R11.2] keeps the NHS number out of everything sent to chat, showing only its last three digits', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    const view = disputeView(s.dispute, DEFAULT_POLICY, calendar, directory);
    expect(view.personRef).toBe('Case AC-104233, NHS number ending 919');
    const sent = JSON.stringify([view, s.last.effects]);
    expect(sent).not.toMatch(/9434765919|943 476 5919/);
  });
});

describe('decide() itself', () => {
  const ctx = (personId = 'ali-khan') => ({ now: new Date('2026-12-07T10:00:00Z'), actor: { personId, platform: 'cli' as const }, policy: DEFAULT_POLICY, calendar, directory });

  it('[R11.1] refuses a command on no dispute, and a second raise of one that exists, changing nothing', () => {
    const err = (() => { try { decide(null, { type: 'SWEEP' }, ctx()); } catch (e) { return e; } return null; })();
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ name: 'DomainError', code: 'NO_SUCH_DISPUTE', message: 'There is no such dispute.' });
    const s = new Scenario();
    s.raise();
    const before = structuredClone(s.dispute);
    expect(refusal(() => s.raise())).toEqual({ code: 'ALREADY_RAISED', message: 'S117-2026-0001 already exists.' });
    expect(s.dispute).toEqual(before);
  });

  it('[R11.1] starts a raised dispute from a clean record, and counts a version only for a change that was recorded', () => {
    const s = new Scenario();
    s.raise();
    expect(s.dispute).toMatchObject({
      status: 'OPEN', stage: 1, version: 1, legalAdviceAsked: false, cannotResolve: [], outcome: null, resolvedAt: null, overdue: false,
      decisions: [], confirmations: [], themes: [], chcAdjustments: [], externalRoutes: [], chc: null,
    });
    expect(s.dispute.letters).toEqual([]);
    // A sweep with nothing due records nothing and leaves the version alone.
    s.sweep('2026-12-08T10:00:00Z');
    expect(s.last.events).toEqual([]);
    expect(s.dispute.version).toBe(1);
    // The scheduler acts as "system" on the system platform.
    expect(SYSTEM).toEqual({ personId: 'system', platform: 'system' });
  });
});
