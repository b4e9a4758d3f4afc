import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { closureGaps } from '../../src/domain/resolution.ts';
import { timeLeftText } from '../../src/domain/time-left.ts';
import type { Decision } from '../../src/domain/types.ts';
import { disputeView } from '../../src/domain/view.ts';
import { assessedJointly, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

const decision = (over: Record<string, unknown> = {}) => ({ type: 'PROPOSE_DECISION' as const, input: { ...stage2Decision, ...over } });
const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_DECISION' as const, seq, organisationId });
const cal = new WorkingCalendar();

function atStage2(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  return s;
}

describe('working hours and time left', () => {
  it('[R0.4] sends a continuity-of-care alert at once, at 18:00 on Christmas Eve, not at the next working-hours start', () => {
    const s = new Scenario();
    s.raise();
    s.at('2026-12-24T18:00:00Z').run('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'WITHDRAWN', detail: 'The floating support stopped tonight.' });
    const alerts = s.last.effects.filter((e) => e.kind === 'POST' || e.kind === 'DM' || e.kind === 'GOVERNANCE');
    expect(alerts.length).toBeGreaterThanOrEqual(3);
    for (const e of alerts) expect(e.notBefore).toBe('2026-12-24T18:00:00.000Z');
    // Each party's senior officer is told directly, governance too, and the case space pings them.
    const urgent = alerts.filter((e) => 'message' in e && /URGENT/.test(e.message.title));
    expect(urgent.filter((e) => e.kind === 'DM').map((e) => e.kind === 'DM' && e.personId).sort()).toEqual(['eve-ford', 'jon-park']);
    expect(urgent.filter((e) => e.kind === 'GOVERNANCE')).toHaveLength(1);
    // Sent straight to a person or to governance, the same words, pinging nobody else.
    for (const e of urgent.filter((x) => x.kind !== 'POST')) {
      expect('message' in e && e.message).toMatchObject({ lines: [expect.stringMatching(/The floating support stopped tonight/), 'The dispute is at Stage 1.', expect.any(String), expect.any(String)], mentions: [] });
    }
    const post = urgent.find((e) => e.kind === 'POST')!;
    expect(post.kind === 'POST' && post.message).toMatchObject({
      title: 'S117-2026-0001: URGENT — Care reported delayed, reduced or withdrawn',
      lines: ['Ali Khan reports care withdrawn because of the dispute: The floating support stopped tonight.', 'The dispute is at Stage 1.', expect.any(String), expect.stringMatching(/^Senior officers: please make sure care is restored now/)],
      mentions: ['eve-ford', 'jon-park'],
    });
  });

  it('[R0.4] still holds ordinary pings to working hours', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    const post = s.last.effects.find((e) => e.kind === 'POST')!;
    expect(post.notBefore).toBe('2026-12-15T09:00:00.000Z');
  });

  it('[R0.5] says the time left in working days, never the stage length', () => {
    const due = new Date('2026-12-14T17:00:00Z');
    expect(timeLeftText(cal, due, new Date('2026-12-09T10:00:00Z'))).toBe('3 working days left (due Monday 14 December, 5pm)');
    expect(timeLeftText(cal, due, new Date('2026-12-14T10:00:00Z'))).toBe('due today at 5pm');
    expect(timeLeftText(cal, due, new Date('2026-12-16T10:00:00Z'))).toBe('overdue by 2 working days (was due Monday 14 December, 5pm)');
    expect(timeLeftText(cal, due, new Date('2026-12-14T18:00:00Z'))).toBe('overdue since Monday 14 December, 5pm');
    // The boundaries: at the due minute itself it is not yet overdue, and one day is "day", not "days".
    expect(timeLeftText(cal, due, due)).toBe('due today at 5pm');
    expect(timeLeftText(cal, due, new Date('2026-12-11T10:00:00Z'))).toBe('1 working day left (due Monday 14 December, 5pm)');
    expect(timeLeftText(cal, due, new Date('2026-12-15T10:00:00Z'))).toBe('overdue by 1 working day (was due Monday 14 December, 5pm)');
    const s = new Scenario();
    s.raise();
    const view = disputeView(s.dispute, DEFAULT_POLICY, cal, directory, new Date('2026-12-10T10:00:00Z'));
    expect(view.dueText).toBe('2 working days left (due Monday 14 December, 5pm)');
    expect(view.dueText).not.toMatch(/— 5 working days/);
    const reminder = new Scenario();
    reminder.raise();
    reminder.sweep('2026-12-10T09:00:00Z');
    expect(JSON.stringify(reminder.last.effects)).toMatch(/reminder — Stage 1 is 2 working days left/);
  });
});

describe('parties and joint duty', () => {
  it('[R2.4] refuses a dispute without the responsible ICB or Local Authority, naming the missing one', () => {
    const s = new Scenario();
    const trustAndCouncil = fundingDispute({ parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-trust', role: 'RESPONDING' }] });
    expect(refusal(() => s.raise('ali-khan', trustAndCouncil))).toMatchObject({ code: 'STATUTORY_PARTY_MISSING', field: 'parties', message: expect.stringMatching(/add the responsible ICB to "parties"/) });
    const trustAndIcb = fundingDispute({ parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-trust', role: 'RESPONDING' }] });
    expect(refusal(() => s.raise('gus-hart', trustAndIcb))).toMatchObject({ message: expect.stringMatching(/responsible Local Authority/) });
    const all = fundingDispute({ parties: [{ organisationId: 'anytown-trust', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }, { organisationId: 'anytown-icb', role: 'INTERESTED' }] });
    s.raise('lou-gray', all);
    expect(s.dispute.parties).toHaveLength(3);
  });

  it('[R3.2] lets one person confirm one decision for one organisation only, never twice under two', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('cal-reid', confirm(1, 'anytown-council'));
    // Cal moves to the ICB and tries to confirm the same decision for it.
    const moved = { ...directory, people: directory.people.map((p) => (p.id === 'cal-reid' ? { ...p, organisationId: 'anytown-icb' } : p)) };
    const r = refusal(() => s.runWith(moved, 'cal-reid', confirm(1, 'anytown-icb')));
    expect(r).toMatchObject({ code: 'ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION' });
    expect(s.dispute.confirmations).toHaveLength(1);
  });

  it('[R5.9] at Stage 2 needs a manager or lead to confirm, not frontline staff alone', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    expect(refusal(() => s.run('ali-khan', confirm(1, 'anytown-council')))).toMatchObject({ code: 'CONFIRMER_ROLE_REQUIRED' });
    expect(refusal(() => s.run('gus-hart', confirm(1, 'anytown-icb')))).toMatchObject({ code: 'CONFIRMER_ROLE_REQUIRED', message: expect.stringMatching(/team manager/) });
    s.run('bea-jones', confirm(1, 'anytown-council'));
    s.run('hal-moss', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R5.9] at Stage 1 any Stage 1 participant of the organisation confirms', () => {
    const s = new Scenario();
    s.raise();
    s.run('dee-obi', decision({ outcome: 'AGREEMENT' }));
    s.run('dee-obi', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
  });
});

describe('stages', () => {
  it('[R5.2] pings everyone at the new stage, including those who continue from the last', () => {
    const s = atStage2();
    const post = s.last.effects.find((e) => e.kind === 'POST' && /Stage 2 —/.test(e.message.title)) as { message: { mentions: string[] } };
    expect(post.message.mentions).toEqual(expect.arrayContaining(['ali-khan', 'gus-hart', 'dee-obi', 'ivy-nash', 'bea-jones', 'cal-reid', 'hal-moss']));
  });

  it('[R7.4] a Stage 1 or 2 proposal that chooses to end aftercare is refused with the move to Stage 3; words alone only ask', () => {
    const s = new Scenario();
    s.raise();
    const r = refusal(() => s.run('ali-khan', decision({ outcome: 'AGREEMENT', effect: 'ENDS', summary: 'We agree to end Section 117 aftercare from 1 March.' })));
    expect(r).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3', field: 'effect', message: expect.stringMatching(/only be decided at Stage 3/) });
    expect(refusal(() => s.run('ali-khan', decision({ outcome: 'AGREEMENT', summary: 'We agree to end Section 117 aftercare from 1 March.' }))))
      .toMatchObject({ code: 'WORDING_CHECK', field: 'wordingConfirmed', message: expect.stringMatching(/^This reads as ending aftercare — is that what you mean\?/) });
    const s2 = atStage2();
    expect(refusal(() => s2.run('bea-jones', decision({ summary: 'He no longer needs s117 aftercare; discharge from Section 117.' }))))
      .toMatchObject({ code: 'WORDING_CHECK' });
    // Reducing is not ending (R2.1): chosen as a reduction, it is recorded without a question.
    s2.run('bea-jones', decision({ effect: 'REDUCES', summary: 'Reduce the floating support from 12 to 8 hours a week.' }));
    expect(s2.dispute.decisions).toHaveLength(1);
    expect(s2.dispute.decisions[0]).toMatchObject({ effect: 'REDUCES', wordingQuery: null });
  });
});

describe('unlawful grounds everywhere', () => {
  it('[R4.1] reads care-change details for unlawful grounds', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'Hours were cut to save money.' });
    expect(s.dispute.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => f.ground)).toEqual(['BUDGET']);
  });
});

function atStage3(): Scenario {
  const s = atStage2();
  s.run('bea-jones', { type: 'ESCALATE', reason: 'No agreement on the split at operational level.' });
  return s;
}

describe('the directory, now', () => {
  const withNewSenior = {
    ...directory,
    people: [...directory.people.filter((p) => p.id !== 'jon-park'), { ...directory.people.find((p) => p.id === 'jon-park')!, id: 'zoe-new', name: 'Zoe New' }],
  };

  it('[R5.8] lets a senior officer appointed after Stage 3 began confirm at once, and invites them', () => {
    const s = atStage3();
    s.run('eve-ford', decision({ outcome: 'WRITTEN_DECISION', commissioning: 'The council commissions.' }));
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.runWith(withNewSenior, 'zoe-new', confirm(1, 'anytown-icb'));
    expect(s.dispute.confirmations.map((c) => c.personId)).toEqual(['eve-ford', 'zoe-new']);
    expect(s.dispute.participants.find((p) => p.personId === 'zoe-new')).toMatchObject({ leftAt: null });
    expect(s.last.effects).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'INVITE', personIds: ['zoe-new'] })]));
  });

  it('[R5.8] follows a directory reload: newcomers invited, leavers uninvited and unable to act, history kept', () => {
    const s = atStage3();
    s.at('2027-01-05T10:00:00Z').runWith(withNewSenior, 'system', { type: 'SYNC_DIRECTORY' });
    expect(s.last.effects).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'UNINVITE', personIds: ['jon-park'] }),
      expect.objectContaining({ kind: 'INVITE', personIds: ['zoe-new'] }),
    ]));
    expect(s.dispute.participants.find((p) => p.personId === 'jon-park')).toMatchObject({ leftAt: '2027-01-05T10:00:00.000Z' });
    expect(s.events()).toEqual(expect.arrayContaining(['PARTICIPANT_LEFT', 'PARTICIPANT_JOINED']));
    expect(refusal(() => s.runWith(withNewSenior, 'jon-park', { type: 'ESCALATE', reason: 'x' }))).toMatchObject({ code: 'NOT_IN_DIRECTORY' });
    // Run again: nothing new to do.
    s.runWith(withNewSenior, 'system', { type: 'SYNC_DIRECTORY' });
    expect(s.last.events).toEqual([]);
  });
});

describe('adding and withdrawing parties', () => {
  it('[R2.5] adds a party with a reason, invites its people for the current stage, and a pending decision then needs it too', () => {
    const s = atStage2();
    s.run('bea-jones', decision());
    s.run('bea-jones', confirm(1, 'anytown-council'));
    expect(refusal(() => s.run('bea-jones', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: ' ' }))).toMatchObject({ field: 'reason' });
    s.run('bea-jones', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care coordination.' });
    expect(s.dispute.parties.at(-1)).toMatchObject({ organisationId: 'anytown-trust', addedReason: 'The Trust provides the care coordination.' });
    const invite = s.last.effects.find((e) => e.kind === 'INVITE') as { personIds: string[] };
    expect(invite.personIds).toEqual(['max-holt']);
    s.run('hal-moss', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('OPEN');
    s.run('max-holt', confirm(1, 'anytown-trust'));
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R2.5] withdraws a party with a reason, but never the ICB or the Local Authority', () => {
    const s = new Scenario();
    s.raise('lou-gray', fundingDispute({ parties: [{ organisationId: 'anytown-trust', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }] }));
    expect(refusal(() => s.run('lou-gray', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-icb', reason: 'x' }))).toMatchObject({ code: 'STATUTORY_PARTY_MISSING' });
    // The trust's own senior officer withdraws it (a care coordinator cannot).
    s.run('oli-shaw', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'The Trust no longer provides care.' });
    expect(s.dispute.parties.find((p) => p.organisationId === 'anytown-trust')).toMatchObject({ withdrawnReason: 'The Trust no longer provides care.' });
    s.run('dee-obi', decision({ outcome: 'AGREEMENT' }));
    s.run('dee-obi', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
  });
});

describe('joint CHC adjustments', () => {
  const threeParties = () => {
    const s = new Scenario();
    s.raise('lou-gray', fundingDispute({
      subjects: ['CHC_INTERFACE'],
      parties: [{ organisationId: 'anytown-trust', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
    }));
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    return s;
  };
  const confirmChc = (organisationId: string) => ({ type: 'CONFIRM_CHC_ADJUSTMENT' as const, seq: 1, organisationId });

  it('[R6.3] an adjustment the withdrawn party never confirmed is not agreed by its withdrawal: it lapses', () => {
    const s = threeParties();
    s.run('gus-hart', confirmChc('anytown-icb'));
    s.run('dee-obi', confirmChc('anytown-council'));
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBeNull();
    s.run('oli-shaw', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'The Trust no longer provides care.' });
    expect(s.events()).toEqual(['PARTY_WITHDRAWN', 'CHC_ADJUSTMENT_LAPSED']);
    expect(s.dispute.chcAdjustments[0]).toMatchObject({ confirmedAt: null, lapsedAt: s.now.toISOString() });
    expect(disputeView(s.dispute, DEFAULT_POLICY, cal, directory).chc).not.toMatch(/waits for/);
  });

  it('[R2.5] [R3.2] a decision every remaining party confirmed does not take effect when the party it waited for withdraws', () => {
    const s = threeParties();
    s.run('dee-obi', decision({ outcome: 'AGREEMENT' }));
    s.run('dee-obi', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('OPEN');
    s.run('oli-shaw', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'The Trust no longer provides care.' });
    expect(s.dispute.status).toBe('OPEN');
    expect(s.dispute.decisions[0]!.status).toBe('WITHDRAWN');
  });

  it('[R6.3] an agreed adjustment is not agreed again by a party that joins later', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    s.run('gus-hart', confirmChc('anytown-icb'));
    s.run('ali-khan', confirmChc('anytown-council'));
    const agreedAt = s.dispute.chcAdjustments[0]!.confirmedAt;
    expect(agreedAt).not.toBeNull();
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care coordination.' });
    const invited = (s.last.effects.find((e) => e.kind === 'INVITE') as { personIds: string[] }).personIds;
    s.run(invited[0]!, confirmChc('anytown-trust'));
    expect(s.last.events).toEqual([]);
    expect(s.last.notice).toMatch(/agreed by every party/);
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBe(agreedAt);
  });

  it('[R6.3] [R5.9] like a decision, from Stage 2 an adjustment is confirmed by a Stage 2 role holder, not frontline staff alone', () => {
    const s = atStage2();
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    s.run('hal-moss', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    expect(refusal(() => s.run('ali-khan', confirmChc('anytown-council')))).toMatchObject({ code: 'CONFIRMER_ROLE_REQUIRED' });
    const ali = directory.people.find((p) => p.id === 'ali-khan')!;
    const bea = directory.people.find((p) => p.id === 'bea-jones')!;
    expect(disputeView(s.dispute, DEFAULT_POLICY, cal, directory, s.now, ali).allowedActions.some((a) => a.verb === 'confirm-chc')).toBe(false);
    expect(disputeView(s.dispute, DEFAULT_POLICY, cal, directory, s.now, bea).allowedActions.filter((a) => a.verb === 'confirm-chc')).toEqual([expect.objectContaining({ o: 'anytown-council' })]);
    s.run('bea-jones', confirmChc('anytown-council'));
    s.run('hal-moss', confirmChc('anytown-icb'));
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).not.toBeNull();
  });
});

describe('Stage 4 and endings', () => {
  it('[R5.7] opens Stage 4 only when Stage 3 is overdue or every senior officer says Stage 3 cannot resolve it', () => {
    const s = atStage3();
    expect(refusal(() => s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null }))).toMatchObject({ code: 'STAGE_3_NOT_EXHAUSTED' });
    expect(refusal(() => s.run('bea-jones', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'x' }))).toMatchObject({ code: 'SENIOR_OFFICER_ONLY' });
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The ICB board will not accept any split.' });
    expect(refusal(() => s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null }))).toMatchObject({ message: expect.stringMatching(/Still to record that: Anytown Council\./) });
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The council cannot agree either.' });
    s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(s.dispute.stage).toBe(4);
    expect(s.dispute.stages[2]).toMatchObject({ met: null, endReason: 'MANUAL' });
  });

  it('[R5.7] needs an ICB party for the NHS England route', () => {
    const s = atStage3();
    s.sweep(s.dispute.stages[2]!.dueAt!);
    s.run('eve-ford', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'Provider.' });
    expect(s.dispute.parties).toHaveLength(3);
    s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: null });
    expect(s.dispute.externalRoutes.map((r) => r.route)).toEqual(['NHS_ENGLAND']);
  });

  it('[R7.4] offers one action on refusal, which moves the dispute straight to Stage 3 with its participants invited', () => {
    const s = new Scenario();
    s.raise();
    let action: unknown;
    try {
      s.run('ali-khan', decision({ outcome: 'AGREEMENT', effect: 'ENDS', summary: 'Aftercare ends: we agree to end Section 117 aftercare.' }));
    } catch (e) {
      action = (e as { action?: unknown }).action;
    }
    expect(action).toEqual({ command: 'MOVE_TO_STAGE_3', label: 'Move to Stage 3' });
    s.run('ali-khan', { type: 'MOVE_TO_STAGE_3', reason: 'The proposal is to end aftercare.' });
    expect(s.dispute.stage).toBe(3);
    expect(s.dispute.subjects).toContain('ENDING_AFTERCARE');
    expect(s.dispute.stages[0]).toMatchObject({ endReason: 'MANUAL', met: null });
    const invite = s.last.effects.find((e) => e.kind === 'INVITE') as { personIds: string[] };
    expect(invite.personIds.sort()).toEqual(['eve-ford', 'jon-park']);
  });
});

describe('the person, care restored, corrections and themes', () => {
  it('[R8.1] records advocacy as not appropriate, with the reason, and counts it as done', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: ' ', notAppropriate: true }))).toMatchObject({ field: 'note' });
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'x', notAppropriate: true }))).toMatchObject({ field: 'notAppropriate' });
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: 'He has an IMHA already.', notAppropriate: true });
    expect(s.dispute.personSteps.find((p) => p.step === 'ADVOCACY_OFFERED')).toMatchObject({ doneBy: 'ali-khan', note: 'Not appropriate: He has an IMHA already.' });
    s.sweep('2026-12-15T10:00:00Z');
    expect(s.dispute.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED').map((f) => f.detail)).not.toEqual(expect.arrayContaining([expect.stringMatching(/ADVOCACY/)]));
  });

  it('[R10.1] closes a continuity alert when care is restored, and keeps both in the history', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'x' }))).toMatchObject({ code: 'NO_OPEN_ALERT' });
    s.run('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'WITHDRAWN', detail: 'Support stopped.' });
    s.run('gus-hart', { type: 'RECORD_CARE_RESTORED', detail: 'Support restarted on Tuesday, 12 hours a week.' });
    const alert = s.dispute.flags.find((f) => f.code === 'CONTINUITY_ALERT')!;
    expect(alert.resolvedAt).toBe(s.now.toISOString());
    expect(alert.resolution).toMatch(/Gus Hart.*restarted on Tuesday/);
    expect(s.events()).toEqual(['CARE_RESTORED']);
    expect(disputeView(s.dispute, DEFAULT_POLICY, cal, directory).flags.join(' ')).toMatch(/resolved/);
  });

  it('[R11.1] corrects any field recorded at raising, with a reason, pointing at an existing entry of the same dispute', () => {
    const s = new Scenario();
    s.raise();
    const run = (cmd: object, historyLength = 5) => s.runWith(directory, 'ali-khan', cmd as never, undefined, historyLength);
    expect(refusal(() => run({ type: 'CORRECT', field: 'cohort', value: 'CHILD_YOUNG_PERSON', reason: '', correctsSeq: 1 }))).toMatchObject({ field: 'reason' });
    expect(refusal(() => run({ type: 'CORRECT', field: 'cohort', value: 'CHILD_YOUNG_PERSON', reason: 'Age', correctsSeq: 6 }))).toMatchObject({ code: 'NO_SUCH_ENTRY' });
    expect(refusal(() => run({ type: 'CORRECT', field: 'cohort', value: 'HACKED', reason: 'Age', correctsSeq: 1 }))).toMatchObject({ code: 'INVALID_VALUE' });
    run({ type: 'CORRECT', field: 'cohort', value: 'CHILD_YOUNG_PERSON', reason: 'He is 17.', correctsSeq: 1 });
    run({ type: 'CORRECT', field: 'setting', value: 'PRISON', reason: 'Remanded last week.', correctsSeq: 1 });
    run({ type: 'CORRECT', field: 'subjects', value: ['ORDINARY_RESIDENCE'], reason: 'Wrong subject.', correctsSeq: 1 });
    run({ type: 'CORRECT', field: 'nhsNumber', value: null, reason: 'Not his number.', correctsSeq: 1 });
    run({ type: 'CORRECT', field: 'parties', value: [{ organisationId: 'anytown-council', role: 'RESPONDING' }, { organisationId: 'anytown-icb', role: 'RAISING' }], reason: 'Roles swapped.', correctsSeq: 1 });
    expect(s.dispute).toMatchObject({ cohort: 'CHILD_YOUNG_PERSON', setting: 'PRISON', subjects: ['ORDINARY_RESIDENCE'], nhsNumber: null });
    expect(s.dispute.parties.map((p) => p.role)).toEqual(['RESPONDING', 'RAISING']);
    expect(refusal(() => run({ type: 'CORRECT', field: 'parties', value: [{ organisationId: 'anytown-council', role: 'RAISING' }], reason: 'x', correctsSeq: 1 }))).toMatchObject({ code: 'USE_ADD_OR_WITHDRAW_PARTY' });
    run({ type: 'CORRECT', field: 'description', value: 'There is no joint funding policy.', reason: 'Clearer.', correctsSeq: 1 });
    expect(s.dispute.flags.map((f) => f.ground)).toContain('NO_LOCAL_POLICY');
  });

  it('[R9.3] files a theme under one or more learning areas', () => {
    const s = new Scenario();
    s.raise();
    s.run('pat-lee', { type: 'ADD_THEME', theme: 'Panel delays', areas: ['POLICY_REVISION'] });
    s.run('pat-lee', { type: 'ADD_THEME', theme: 'panel delays', areas: ['POLICY_REVISION', 'QUALITY_IMPROVEMENT'] });
    expect(s.dispute.themes).toEqual([expect.objectContaining({ theme: 'panel delays', areas: ['POLICY_REVISION', 'QUALITY_IMPROVEMENT'] })]);
  });
});

describe('overdue alerts and CHC adjustments', () => {
  it('[R5.3] repeats the Stage 3 overdue alert every N working days until resolved or escalated externally', () => {
    const s = atStage3();
    const due = s.dispute.stages[2]!.dueAt!;
    s.sweep(due);
    const next = s.dispute.nextWakeAt!;
    expect(cal.workingDaysBetween(new Date(due), new Date(next))).toBe(DEFAULT_POLICY.overdueRepeatWorkingDays);
    s.sweep(new Date(new Date(next).getTime() - 60_000).toISOString());
    expect(s.events()).toEqual([]);
    s.sweep(next);
    expect(s.events()).toEqual(['REMINDER_SENT']);
    const post = s.last.effects.find((e) => e.kind === 'POST') as { message: { title: string; lines: string[]; mentions: string[] } };
    expect(post.message).toMatchObject({ title: expect.stringMatching(/Stage 3 is overdue/), mentions: ['eve-ford', 'jon-park'] });
    expect(post.message.lines[0]).toMatch(/still overdue: 5 working days/);
    expect(s.last.effects.filter((e) => e.kind === 'GOVERNANCE')).toHaveLength(1);
    const again = s.dispute.nextWakeAt!;
    expect(cal.workingDaysBetween(new Date(next), new Date(again))).toBe(5);
    // Escalated externally: no more repeats.
    s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(s.dispute.nextWakeAt).toBeNull();
  });

  it('[R6.3] refuses a CHC adjustment whose effective date is in the future', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('ali-khan', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    const adj = (effectiveDate: string) => ({ type: 'RECORD_CHC_ADJUSTMENT' as const, effectiveDate, parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    expect(refusal(() => s.run('ali-khan', adj('2026-12-08')))).toMatchObject({ code: 'INVALID_DATE', field: 'effectiveDate' });
    s.run('ali-khan', adj('2026-12-07'));
    expect(s.dispute.chcAdjustments).toHaveLength(1);
  });
});

describe('tests that bite: single-line changes that used to pass', () => {
  const written = (over: Record<string, unknown> = {}) => decision({ outcome: 'WRITTEN_DECISION', commissioning: 'The council commissions.', ...over });

  it('[R5.6] does not close Stage 3 without commissioning confirmed, even when everything else is done', () => {
    const s = atStage3();
    expect(refusal(() => s.run('eve-ford', written({ commissioning: ' ' })))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'commissioning' });
    expect(refusal(() => s.run('eve-ford', written({ funding: null })))).toMatchObject({ code: 'FIELD_REQUIRED', field: 'funding' });
    s.run('eve-ford', written());
    expect(s.dispute.decisions[0]).toMatchObject({ funding: stage2Decision.funding, commissioning: 'The council commissions.' });
  });

  it('[R5.6] says what is still needed to close: only a decision of this stage, confirmed by every party, counts', () => {
    const gaps = (d: Scenario['dispute']) => closureGaps(d);
    const dec = (over: Partial<Decision>): Decision => ({
      seq: 1, stage: 1, outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r', funding: 'ICB 60%', commissioning: 'The council commissions.',
      interimFunding: null, endingReason: null, jointAssessment: null, assessment: null, payers: [], effectiveFrom: null, wordingQuery: null, proposedBy: 'ali-khan', proposedAt: '2026-12-08T10:00:00Z', sourceMessage: null,
      status: 'CONFIRMED', effectiveAt: '2026-12-09T10:00:00Z', ...over,
    });
    const s = new Scenario();
    s.raise();
    const one = s.dispute;
    expect(gaps(one)).toEqual(['an agreement confirmed by every party']);
    expect(gaps({ ...one, decisions: [dec({ status: 'PROPOSED', effectiveAt: null })] })).toEqual(['an agreement confirmed by every party']);
    expect(gaps({ ...one, decisions: [dec({ stage: 2 })] })).toEqual(['an agreement confirmed by every party']);
    expect(gaps({ ...one, decisions: [dec({ outcome: 'ESCALATE' })] })).toEqual(['an agreement confirmed by every party']);
    expect(gaps({ ...one, decisions: [dec({})] })).toEqual([]);
    const two = atStage2().dispute;
    expect(gaps(two)).toEqual(['a decision confirmed by every party']);
    const three = atStage3().dispute;
    const informed = (at: string) => three.personSteps.map((p) => (p.step === 'EXPLAINED' ? { ...p, doneAt: at } : p));
    const after = '2026-12-20T10:00:00Z';
    expect(gaps({ ...three, personSteps: informed(after), decisions: [dec({ stage: 3, outcome: 'DECISION' })] }))
      .toEqual(['a written decision confirmed by every senior officer']);
    expect(gaps({ ...three, personSteps: informed(after), decisions: [dec({ stage: 3, outcome: 'END_AFTERCARE' })] })).toEqual([]);
    expect(gaps({ ...three, personSteps: informed(after), decisions: [dec({ stage: 3, outcome: 'WRITTEN_DECISION', funding: null })] }))
      .toEqual(['funding and commissioning arrangements confirmed']);
    expect(gaps({ ...three, personSteps: informed(after), decisions: [dec({ stage: 3, outcome: 'WRITTEN_DECISION', commissioning: null })] }))
      .toEqual(['funding and commissioning arrangements confirmed']);
    expect(gaps({ ...three, decisions: [dec({ stage: 3, outcome: 'WRITTEN_DECISION' })] })).toEqual(['the person informed of the outcome and rationale']);
  });

  it('[R5.6] counts "explained" only when done after the decision took effect', () => {
    const s = atStage3();
    expect(refusal(() => s.at('2026-12-16T10:00:00Z').run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told him early.' })))
      .toMatchObject({ code: 'NO_SUCH_DECISION', field: 'step' });
    s.run('eve-ford', written());
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.at('2026-12-16T11:00:00Z').run('jon-park', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('OPEN');
    expect(disputeView(s.dispute, DEFAULT_POLICY, cal, directory).stillNeeded).toEqual(['the person informed of the outcome and rationale']);
    s.at('2026-12-16T11:00:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told him the outcome.' });
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R5.6] [R9.1] at Stage 3 says in the case space what is still needed, then resolves with the latest confirmed decision as the outcome', () => {
    const s = atStage3();
    s.at('2026-12-16T10:00:00Z').run('eve-ford', written({ summary: 'First written decision.' }));
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.run('jon-park', confirm(1, 'anytown-icb'));
    const waiting = s.last.effects.find((e) => e.kind === 'POST' && e.message.title.endsWith('before this dispute can close'));
    expect(waiting?.kind === 'POST' && waiting.message).toEqual({
      title: 'S117-2026-0001: before this dispute can close', lines: ['• Still needed: the person informed of the outcome and rationale'], mentions: [],
    });
    // A second written decision replaces the first before the person is told; a third is only proposed.
    s.run('eve-ford', written({ summary: 'Second written decision, replacing the first.' }));
    s.run('eve-ford', confirm(2, 'anytown-council'));
    s.run('jon-park', confirm(2, 'anytown-icb'));
    s.run('eve-ford', written({ summary: 'A third, only proposed.' }));
    expect(s.dispute.status).toBe('OPEN');
    s.at('2026-12-17T10:00:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told him the outcome.' });
    expect(s.dispute).toMatchObject({ status: 'RESOLVED', outcome: 'Written decision: Second written decision, replacing the first.' });
    expect(s.last.events.find((e) => e.type === 'RESOLVED')?.data).toEqual({ stage: 3, outcome: 'Written decision: Second written decision, replacing the first.' });
  });

  it('[R5.6] a dispute whose record has no "explained" step still needs the person informed to close at Stage 3', () => {
    const three = atStage3().dispute;
    const confirmed: Decision = {
      seq: 1, stage: 3, outcome: 'WRITTEN_DECISION', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r', funding: 'ICB 60%', commissioning: 'c',
      interimFunding: null, endingReason: null, jointAssessment: null, assessment: null, payers: [], effectiveFrom: null, wordingQuery: null, proposedBy: 'eve-ford', proposedAt: '2026-12-16T10:00:00Z', sourceMessage: null,
      status: 'CONFIRMED', effectiveAt: '2026-12-16T11:00:00Z',
    };
    expect(closureGaps({ ...three, personSteps: [], decisions: [confirmed] })).toEqual(['the person informed of the outcome and rationale']);
  });

  it('[R7.3] refuses to confirm an ending whose reason is a service reduction or a commissioning change', () => {
    for (const endingReason of ['SERVICE_REDUCTION', 'COMMISSIONING_CHANGE'] as const) {
      const s = new Scenario();
      s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
      const ending = { outcome: 'END_AFTERCARE', effect: 'ENDS', commissioning: 'x', jointAssessment: 'Joint review on 2 December.', ...assessedJointly() };
      expect(refusal(() => s.run('eve-ford', decision({ ...ending, endingReason })))).toMatchObject({ code: 'ENDING_UNLAWFUL_REASON', field: 'endingReason' });
      // One proposed before the reason was a closed choice stays unconfirmable.
      s.run('eve-ford', decision({ ...ending, endingReason: 'NEEDS_MET' }));
      s.dispute.decisions[0]!.endingReason = endingReason;
      expect(refusal(() => s.run('eve-ford', confirm(1, 'anytown-council')))).toMatchObject({ code: 'ENDING_UNLAWFUL_REASON' });
      expect(s.dispute.confirmations).toEqual([]);
    }
  });

  it('[R5.7] refuses external escalation from Stage 1 and Stage 2', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ivy-nash', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null }))).toMatchObject({ code: 'EXTERNAL_NEEDS_STAGE_3' });
    const s2 = atStage2();
    expect(refusal(() => s2.run('cal-reid', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null }))).toMatchObject({ code: 'EXTERNAL_NEEDS_STAGE_3' });
    expect(s2.dispute.externalRoutes).toEqual([]);
  });

  it('[R9.1] counts a stage as met only when resolved on or before its deadline', () => {
    const onTime = new Scenario();
    onTime.raise();
    onTime.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    onTime.run('ali-khan', confirm(1, 'anytown-council'));
    onTime.at('2026-12-14T17:00:00Z').run('gus-hart', confirm(1, 'anytown-icb'));
    expect(onTime.dispute.stages[0]).toMatchObject({ endReason: 'RESOLVED', met: true });
    const late = new Scenario();
    late.raise();
    late.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    late.run('ali-khan', confirm(1, 'anytown-council'));
    // Confirmed one minute after the deadline, before any sweep noticed it.
    late.at('2026-12-14T17:01:00Z').run('gus-hart', confirm(1, 'anytown-icb'));
    expect(late.dispute.stages[0]).toMatchObject({ endReason: 'RESOLVED', met: false });
  });
});
