import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import type { Command, RaiseInput } from '../../src/domain/commands.ts';
import { decide } from '../../src/domain/decide.ts';
import type { Message } from '../../src/domain/effects.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { CONTINUITY_REMINDER, FLAG_TEXT, ROUTE_TEXT } from '../../src/domain/texts.ts';
import type { Directory } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// Every stage command (handlers/stage.ts), pinned without a database: refusals, events, effects, the dispute after.

const REF = 'S117-2026-0001';
const notParticipant = (what: string) => `Only the participants of ${REF} can ${what}. You are not one of them; ask a participant or your manager.`;
const council = { organisationId: 'anytown-council', role: 'RAISING' as const };
const icb = { organisationId: 'anytown-icb', role: 'RESPONDING' as const };
const trust = { organisationId: 'anytown-trust', role: 'INTERESTED' as const };
const posts = (s: Scenario): (Message & { notBefore: string })[] => s.last.effects.flatMap((e) => (e.kind === 'POST' ? [{ ...e.message, notBefore: e.notBefore }] : []));
const route = (r: 'NHS_ENGLAND' | 'DHSC' | 'LEGAL', note: string | null = null): Command => ({ type: 'RECORD_EXTERNAL_ROUTE', route: r, note });

function atStage2(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  return s;
}

/** An ending dispute starts at Stage 3 (R7.2): the cheapest way there. */
function endingAtStage3(parties: RaiseInput['parties'] = [council, icb]): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true, parties }));
  return s;
}

/** Stage 3 has had its chance: its deadline passed. */
function stage3Overdue(): Scenario {
  const s = endingAtStage3();
  s.sweep(s.dispute.stages[0]!.dueAt!);
  return s;
}

function resolved(): Scenario {
  const s = new Scenario();
  s.raise();
  s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
  s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
  s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
  return s;
}

describe('ticking the checklist', () => {
  it('[R5.5] ticks and unticks an item of the current stage, on the record, and refreshes the card', () => {
    const s = new Scenario();
    s.raise();
    s.at('2026-12-08T11:00:00Z').run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true });
    expect(s.last.events).toEqual([{ type: 'CHECKLIST_TICKED', data: { stage: 1, key: 'tests' } }]);
    expect(s.last.effects).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-08T11:00:00.000Z' }]);
    expect(s.dispute.checklist.find((c) => c.key === 'tests')).toMatchObject({ tickedBy: 'gus-hart', tickedAt: '2026-12-08T11:00:00.000Z' });
    s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: false });
    expect(s.last.events).toEqual([{ type: 'CHECKLIST_UNTICKED', data: { stage: 1, key: 'tests' } }]);
    expect(s.dispute.checklist.find((c) => c.key === 'tests')).toMatchObject({ tickedBy: null, tickedAt: null });
  });

  it('[R5.5] says an item is already ticked or unticked, and records nothing', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: false });
    expect(s.last).toMatchObject({ events: [], effects: [], notice: '"Clarify the nature of the disagreement" is already unticked.' });
    s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true });
    s.run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true });
    expect(s.last).toMatchObject({ events: [], effects: [], notice: '"Clarify the nature of the disagreement" is already ticked.' });
    expect(s.dispute.checklist[0]).toMatchObject({ tickedBy: 'ali-khan' });
  });

  it('[R5.5] refuses an item the stage does not have, and the checklist of a stage that has ended', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'nothing', ticked: true })))
      .toEqual({ code: 'NO_SUCH_ITEM', message: 'Stage 1 has no checklist item "nothing".' });
    // A Stage 1 key asked for as Stage 2's is not Stage 2's item.
    expect(refusal(() => s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 2, key: 'clarify', ticked: true })))
      .toEqual({ code: 'NO_SUCH_ITEM', message: 'Stage 2 has no checklist item "clarify".' });
    expect(refusal(() => s.run('pat-lee', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true })))
      .toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('tick the checklist') });
    const two = atStage2();
    expect(refusal(() => two.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true }))).toEqual({
      code: 'NOT_CURRENT_STAGE', message: 'Stage 1 has ended; only the current stage\'s checklist (Stage 2) can change.',
    });
    expect(two.dispute.checklist.every((c) => c.tickedAt === null)).toBe(true);
  });
});

describe('escalating by hand', () => {
  it('[R5.4] refuses non-participants, a missing reason, and Stage 3, each in words', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('eve-ford', { type: 'ESCALATE', reason: 'Too slow.' }))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('escalate the dispute') });
    expect(refusal(() => s.run('ali-khan', { type: 'ESCALATE', reason: '  ' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'A reason for escalating is required: fill in "reason".' });
    const three = endingAtStage3();
    expect(refusal(() => three.run('eve-ford', { type: 'ESCALATE', reason: 'Stuck.' }))).toEqual({
      code: 'USE_EXTERNAL_ESCALATION',
      message: 'Stage 3 does not escalate by itself. In exceptional circumstances, record an external escalation (NHS England, DHSC or legal) instead.',
    });
  });

  it('[R5.4] [R4.1] flags unlawful grounds in the escalation reason, and escalates all the same', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'ESCALATE', reason: 'The budget is spent for this year.' });
    expect(s.dispute.stage).toBe(2);
    expect(s.dispute.flags.map((f) => [f.code, f.ground, f.detail])).toEqual([['UNLAWFUL_GROUND', 'BUDGET', 'The escalation reason: budget constraints or financial pressures']]);
    expect(posts(s).find((p) => p.title === `${REF}: ${FLAG_TEXT.UNLAWFUL_GROUND}`)?.lines[0]).toBe('The escalation reason cites:');
  });
});

describe('external escalation (Stage 4)', () => {
  it('[R5.7] refuses non-participants, Stages 1 and 2, and anyone but a senior officer, each in words', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', route('DHSC')))).toEqual({
      code: 'EXTERNAL_NEEDS_STAGE_3', message: 'External escalation is only for disputes still unresolved after Stage 3.',
    });
    const three = stage3Overdue();
    expect(refusal(() => three.run('oli-shaw', route('DHSC')))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('record an external escalation') });
    expect(refusal(() => three.run('ali-khan', route('DHSC')))).toEqual({
      code: 'SENIOR_OFFICER_ONLY', message: 'Only a senior officer can escalate externally (Stage 4).',
    });
  });

  it('[R5.7] ends an overdue Stage 3 and opens Stage 4, naming the route and who took it', () => {
    const s = stage3Overdue();
    s.at('2027-01-20T10:00:00Z').run('jon-park', route('DHSC', 'Letter to DHSC.'));
    expect(s.dispute.stage).toBe(4);
    expect(s.dispute.externalRoutes).toEqual([{ route: 'DHSC', by: 'jon-park', at: '2027-01-20T10:00:00.000Z', note: 'Letter to DHSC.' }]);
    const why = 'Jon Park escalated externally: Department of Health and Social Care (cross-system disputes).';
    expect(s.last.events).toEqual([
      { type: 'EXTERNAL_ROUTE_RECORDED', data: { route: 'DHSC' } },
      { type: 'STAGE_ENDED', data: { stage: 3, reason: 'MANUAL', met: false, escalationReason: 'external escalation: Department of Health and Social Care (cross-system disputes)' } },
      { type: 'STAGE_STARTED', data: { stage: 4, dueAt: null, why, participants: [] } },
      { type: 'LETTER_DRAFTED', data: { seq: s.dispute.letters.at(-1)!.seq, decisionSeq: null, readingAge: s.dispute.letters.at(-1)!.readingAge, kind: 'escalation note' } },
    ]);
    // R8.2: a note for the person for this escalation too, with no date it pretends to.
    expect(s.dispute.letters.at(-1)!.text).toMatch(/They could not sort it out between them\. So now people outside .+ will look at it\.\nThere is no set date for this step\./);
    expect(s.dispute.stages.map((x) => [x.stage, x.endReason, x.escalationReason])).toEqual([
      [3, 'MANUAL', 'external escalation: Department of Health and Social Care (cross-system disputes)'], [4, null, null],
    ]);
    expect(posts(s)).toEqual([{
      title: `${REF}: Stage 4 — External escalation (exceptional)`,
      lines: [why, 'This stage has no timescale (exceptional external escalation).', CONTINUITY_REMINDER],
      mentions: ['ali-khan', 'gus-hart', 'eve-ford', 'jon-park'],
      notBefore: '2027-01-20T10:00:00.000Z',
    }]);
  });

  it('[R5.7] at Stage 4 adds another route with a post, and says when a route is already recorded', () => {
    const s = stage3Overdue();
    s.at('2027-01-20T10:00:00Z').run('jon-park', route('DHSC'));
    s.run('eve-ford', route('DHSC'));
    expect(s.last).toMatchObject({ events: [], effects: [], notice: 'Department of Health and Social Care (cross-system disputes) is already recorded.' });
    s.at('2027-01-21T18:00:00Z').run('eve-ford', route('LEGAL', 'Counsel instructed.'));
    expect(s.last.events).toEqual([{ type: 'EXTERNAL_ROUTE_RECORDED', data: { route: 'LEGAL' } }]);
    expect(s.last.effects).toEqual([
      { kind: 'POST', message: { title: `${REF}: external route added`, lines: [ROUTE_TEXT.LEGAL, CONTINUITY_REMINDER], mentions: [] }, notBefore: '2027-01-22T09:00:00.000Z' },
      { kind: 'REFRESH_CARD', notBefore: '2027-01-21T18:00:00.000Z' },
    ]);
    expect(s.dispute.stage).toBe(4);
    expect(s.dispute.stages.map((x) => x.stage)).toEqual([3, 4]);
    expect(s.dispute.externalRoutes.map((r) => [r.route, r.by, r.note])).toEqual([['DHSC', 'jon-park', null], ['LEGAL', 'eve-ford', 'Counsel instructed.']]);
  });

  it('[R5.7] opens Stage 4 only once every party, not most of them, has said Stage 3 cannot resolve it', () => {
    const s = endingAtStage3([council, icb, trust]);
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'We read the assessment differently.' });
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'We read it differently too.' });
    expect(refusal(() => s.run('oli-shaw', route('LEGAL')))).toEqual({
      code: 'STAGE_3_NOT_EXHAUSTED',
      message: 'External escalation opens when Stage 3 is overdue, or when every party\'s senior officer has recorded that Stage 3 cannot resolve it. '
        + 'Still to record that: Anytown Mental Health NHS Trust.',
    });
    s.run('oli-shaw', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The Trust cannot settle it either.' });
    s.run('oli-shaw', route('LEGAL'));
    expect(s.dispute.stage).toBe(4);
  });

  it('[R5.7] takes the NHS England route only with an ICB party, by the directory as it is now', () => {
    // The ICB has merged into another: the directory lists the new ICB, and no longer the dispute's.
    const merged: Directory = {
      ...directory,
      organisations: [{ id: 'other-icb', name: 'NHS Other ICB', kind: 'ICB' }, ...directory.organisations.filter((o) => o.id !== 'anytown-icb')],
    };
    const s = stage3Overdue();
    expect(refusal(() => s.runWith(merged, 'eve-ford', route('NHS_ENGLAND')))).toEqual({
      code: 'ROUTE_NEEDS_ICB', field: 'route',
      message: 'The NHS England route is for ICB-related disputes, and no ICB is a party. Choose DHSC or legal advice.',
    });
    s.runWith(merged, 'eve-ford', route('DHSC'));
    expect(s.dispute.externalRoutes.map((r) => r.route)).toEqual(['DHSC']);
    const t = stage3Overdue();
    t.run('eve-ford', route('NHS_ENGLAND'));
    expect(t.dispute.externalRoutes.map((r) => r.route)).toEqual(['NHS_ENGLAND']);
  });
});

describe('legal advice', () => {
  it('[R5.8] below Stage 3 records the request and says legal advisors join at Stage 3', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('eve-ford', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Ordinary residence is contested.' })))
      .toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('ask for legal advice') });
    expect(refusal(() => s.run('ali-khan', { type: 'REQUEST_LEGAL_ADVICE', reason: ' ' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'A reason is required: fill in "reason".' });
    expect(s.dispute.legalAdviceAsked).toBe(false);
    s.at('2026-12-08T18:00:00Z').run('ali-khan', { type: 'REQUEST_LEGAL_ADVICE', reason: ' Ordinary residence is contested.  ' });
    expect(s.dispute.legalAdviceAsked).toBe(true);
    expect(s.last.events).toEqual([{ type: 'LEGAL_ADVICE_REQUESTED', data: { reason: 'Ordinary residence is contested.' } }]);
    expect(s.last.effects).toEqual([{
      kind: 'POST',
      message: { title: `${REF}: legal advice requested`, lines: ['Ordinary residence is contested.', 'Legal advisors join if the dispute reaches Stage 3.'], mentions: [] },
      notBefore: '2026-12-09T09:00:00.000Z',
    }]);
    expect(s.participants()).toEqual(['ali-khan', 'dee-obi', 'gus-hart', 'ivy-nash']);
    s.run('gus-hart', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Again.' });
    expect(s.last).toMatchObject({ events: [], effects: [], notice: 'Legal advice has already been asked for.' });
  });

  it('[R5.8] at Stage 3 brings in each party\'s legal advisors, invited and mentioned', () => {
    const s = endingAtStage3();
    s.at('2026-12-08T18:00:00Z').run('eve-ford', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Is the ending lawful?' });
    expect(s.last.events).toEqual([{ type: 'LEGAL_ADVICE_REQUESTED', data: { reason: 'Is the ending lawful?' } }]);
    expect(s.dispute.participants.filter((p) => p.reason === 'legal advisor')).toEqual([
      { personId: 'fay-lowe', fromStage: 3, reason: 'legal advisor', addedAt: '2026-12-08T18:00:00.000Z', leftAt: null },
      { personId: 'kit-webb', fromStage: 3, reason: 'legal advisor', addedAt: '2026-12-08T18:00:00.000Z', leftAt: null },
    ]);
    expect(s.last.effects).toEqual([
      { kind: 'INVITE', personIds: ['fay-lowe', 'kit-webb'], notBefore: '2026-12-09T09:00:00.000Z' },
      { kind: 'POST', message: { title: `${REF}: legal advice requested`, lines: ['Is the ending lawful?'], mentions: ['fay-lowe', 'kit-webb'] }, notBefore: '2026-12-09T09:00:00.000Z' },
    ]);
  });

  it('[R5.8] at Stage 3 with no legal advisor in the directory invites nobody', () => {
    const noLawyers: Directory = { ...directory, people: directory.people.filter((p) => !p.roles.includes('LEGAL_ADVISOR')) };
    const s = endingAtStage3();
    s.runWith(noLawyers, 'eve-ford', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Is the ending lawful?' });
    expect(s.last.effects).toEqual([
      { kind: 'POST', message: { title: `${REF}: legal advice requested`, lines: ['Is the ending lawful?'], mentions: [] }, notBefore: '2026-12-07T10:00:00.000Z' },
    ]);
    expect(s.participants()).toEqual(['ali-khan', 'eve-ford', 'gus-hart', 'jon-park']);
  });
});

describe('recomputing a deadline', () => {
  const closed = new WorkingCalendar({ extraClosures: ['2026-12-09'] });
  const run = (s: Scenario, personId: string, cmd: Command) => decide(s.dispute, cmd, {
    now: new Date('2026-12-10T10:00:00Z'), actor: { personId, platform: 'cli' }, policy: DEFAULT_POLICY, calendar: closed, directory,
  });

  it('[R0.3] moves the deadline by the new calendar, keeps reminders already sent as sent, and says so in the case space', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-10T09:00:00Z');
    expect(s.dispute.stages[0]!.reminders.map((r) => [r.kind, Boolean(r.sentAt)])).toEqual([['START', true], ['HALFWAY', true], ['DAY_BEFORE', false], ['DUE_DAY', false]]);
    const sentBefore = s.dispute.stages[0]!.reminders.map((x) => x.sentAt);
    // The reason as typed, with spaces around it: the record and the post both keep it trimmed.
    const r = run(s, 'pat-lee', { type: 'RECOMPUTE_DEADLINE', reason: '  Council closed for the storm on 9 December \n' });
    const stage = r.next.stages[0]!;
    expect(stage.dueAt).toBe('2026-12-15T17:00:00.000Z');
    // A reminder already sent keeps the time it went out, not its newly planned time.
    expect(stage.reminders).toEqual([
      { kind: 'START', at: '2026-12-07T10:00:00.000Z', sentAt: sentBefore[0] },
      { kind: 'HALFWAY', at: '2026-12-11T09:00:00.000Z', sentAt: sentBefore[1] },
      { kind: 'DAY_BEFORE', at: '2026-12-14T09:00:00.000Z', sentAt: null },
      { kind: 'DUE_DAY', at: '2026-12-15T09:00:00.000Z', sentAt: null },
    ]);
    expect(sentBefore[1]).not.toBe('2026-12-11T09:00:00.000Z');
    expect(r.events).toEqual([{
      type: 'DEADLINE_RECOMPUTED',
      data: { stage: 1, before: '2026-12-14T17:00:00.000Z', after: '2026-12-15T17:00:00.000Z', reason: 'Council closed for the storm on 9 December' },
    }]);
    expect(r.effects).toEqual([
      {
        kind: 'POST',
        message: {
          title: `${REF}: deadline recomputed`,
          lines: ['Stage 1 is now 3 working days left (due Tuesday 15 December, 5pm).', 'Reason: Council closed for the storm on 9 December'],
          mentions: [],
        },
        notBefore: '2026-12-10T10:00:00.000Z',
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-10T10:00:00.000Z' },
    ]);
  });

  it('[R0.3] refuses anyone but an administrator, a missing reason, a stage without a deadline and a resolved dispute', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => run(s, 'ali-khan', { type: 'RECOMPUTE_DEADLINE', reason: 'closure' })))
      .toEqual({ code: 'ADMIN_ONLY', message: 'Only an administrator can recompute a deadline.' });
    expect(refusal(() => run(s, 'pat-lee', { type: 'RECOMPUTE_DEADLINE', reason: '' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'A reason is required: fill in "reason".' });
    const four = stage3Overdue();
    four.run('jon-park', route('DHSC'));
    expect(refusal(() => run(four, 'pat-lee', { type: 'RECOMPUTE_DEADLINE', reason: 'closure' })))
      .toEqual({ code: 'NO_DEADLINE', message: 'Stage 4 has no deadline to recompute.' });
    expect(refusal(() => run(resolved(), 'pat-lee', { type: 'RECOMPUTE_DEADLINE', reason: 'closure' })))
      .toEqual({ code: 'DISPUTE_CLOSED', message: `${REF} is resolved; nothing more can be recorded on it except corrections and themes.` });
  });
});

describe('moving an ending to Stage 3', () => {
  const reason = 'The proposal is to end aftercare.';

  it('[R7.4] moves to Stage 3 at once: Stage 1 ended, its open proposals superseded, the subject recorded as an ending', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'Wrong figures.' });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.at('2026-12-08T10:00:00Z').run('gus-hart', { type: 'MOVE_TO_STAGE_3', reason });
    expect(s.dispute).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ACCOMMODATION', 'ENDING_AFTERCARE'] });
    expect(s.dispute.decisions.map((d) => d.status)).toEqual(['WITHDRAWN', 'SUPERSEDED']);
    expect(s.dispute.stages.map((x) => [x.stage, x.endReason, x.escalationReason, x.met])).toEqual([[1, 'MANUAL', reason, null], [3, null, null, null]]);
    expect(s.events()).toEqual(['STAGE_ENDED', 'ESCALATED', 'STAGE_STARTED', 'LETTER_DRAFTED']);
    // R8.2: the person gets a note for this escalation, as for any other.
    expect(s.dispute.letters.at(-1)).toMatchObject({ decisionSeq: null, text: expect.stringMatching(/So now the most senior staff at .* will look at it\./) });
    expect(s.last.events[1]).toEqual({ type: 'ESCALATED', data: { from: 1, to: 3, how: 'ENDING_TO_STAGE_3', reason, at: '2026-12-08T10:00:00.000Z' } });
    const why = `Gus Hart moved the dispute to Stage 3 because it proposes ending Section 117 aftercare, which only Stage 3 can decide (protocol section 7). Reason: ${reason}`;
    expect(s.last.events[2]!.data).toMatchObject({ stage: 3, why, participants: ['eve-ford', 'jon-park'] });
    expect(posts(s)[0]!.lines[0]).toBe(why);
  });

  it('[R7.4] does not list the ending subject twice when it was already recorded', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'CORRECT', field: 'subjects', value: ['FUNDING', 'ENDING_AFTERCARE'], reason: 'It is about ending aftercare.', correctsSeq: 1 });
    expect(s.dispute.stage).toBe(1);
    s.run('ali-khan', { type: 'MOVE_TO_STAGE_3', reason });
    expect(s.dispute.subjects).toEqual(['FUNDING', 'ENDING_AFTERCARE']);
  });

  it('[R7.4] refuses non-participants and a missing reason, and does nothing at Stage 3', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('eve-ford', { type: 'MOVE_TO_STAGE_3', reason }))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('move the dispute to Stage 3') });
    expect(refusal(() => s.run('ali-khan', { type: 'MOVE_TO_STAGE_3', reason: '' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'A reason for moving to Stage 3 is required: fill in "reason".' });
    const three = endingAtStage3();
    three.run('ali-khan', { type: 'MOVE_TO_STAGE_3', reason });
    expect(three.last).toMatchObject({ events: [], effects: [], notice: `${REF} is already at Stage 3.` });
    expect(three.dispute.stages).toHaveLength(1);
  });

  it('[R7.4] [R4.1] flags unlawful grounds in the reason for moving', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'MOVE_TO_STAGE_3', reason: 'The budget no longer covers the placement.' });
    expect(s.dispute.flags.map((f) => f.detail)).toEqual(['The reason for moving to Stage 3: budget constraints or financial pressures']);
    expect(posts(s).some((p) => p.lines[0] === 'The reason for moving to Stage 3 cites:')).toBe(true);
  });
});

describe('Stage 3 cannot resolve it', () => {
  it('[R5.7] records each party\'s senior officer in turn, saying whom external escalation still waits for', () => {
    const s = endingAtStage3([council, icb, trust]);
    s.at('2026-12-08T10:00:00Z').run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'We read the assessment differently.' });
    expect(s.dispute.cannotResolve).toEqual([{ organisationId: 'anytown-council', personId: 'eve-ford', reason: 'We read the assessment differently.', at: '2026-12-08T10:00:00.000Z' }]);
    expect(s.last.events).toEqual([{ type: 'STAGE_3_CANNOT_RESOLVE', data: { organisationId: 'anytown-council', reason: 'We read the assessment differently.' } }]);
    expect(s.last.effects).toEqual([
      {
        kind: 'POST',
        message: {
          title: `${REF}: Anytown Council says Stage 3 cannot resolve it`,
          lines: ['Eve Ford: We read the assessment differently.',
            'External escalation opens when NHS Anytown ICB, Anytown Mental Health NHS Trust also record it, or when Stage 3 is overdue.'],
          mentions: [],
        },
        notBefore: '2026-12-08T10:00:00.000Z',
      },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Once more.' });
    expect(s.last).toMatchObject({ events: [], effects: [], notice: 'Anytown Council has already recorded that Stage 3 cannot resolve it.' });
    expect(s.dispute.cannotResolve).toHaveLength(1);
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'We read it differently too.' });
    expect(posts(s)[0]).toMatchObject({
      title: `${REF}: NHS Anytown ICB says Stage 3 cannot resolve it`,
      lines: ['Jon Park: We read it differently too.', 'External escalation opens when Anytown Mental Health NHS Trust also record it, or when Stage 3 is overdue.'],
    });
    s.run('oli-shaw', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The Trust cannot settle it either.' });
    expect(posts(s)[0]!.lines).toEqual(['Oli Shaw: The Trust cannot settle it either.', 'Every party has recorded it: external escalation is now open to the senior officers.']);
    expect(s.dispute.cannotResolve.map((c) => c.personId)).toEqual(['eve-ford', 'jon-park', 'oli-shaw']);
  });

  it('[R5.7] refuses before Stage 3, anyone but a senior officer, a non-participant and a missing reason', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'x' })))
      .toEqual({ code: 'NOT_CURRENT_STAGE', message: `${REF} is at Stage 1; this is recorded at Stage 3.` });
    const three = endingAtStage3();
    expect(refusal(() => three.run('oli-shaw', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'x' })))
      .toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('record that Stage 3 cannot resolve the dispute') });
    expect(refusal(() => three.run('ali-khan', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'x' })))
      .toEqual({ code: 'SENIOR_OFFICER_ONLY', message: 'Only a senior officer can record that Stage 3 cannot resolve the dispute.' });
    expect(refusal(() => three.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: '' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'reason', message: 'Why Stage 3 cannot resolve it is required: fill in "reason".' });
  });

  it('[R5.7] [R4.1] flags unlawful grounds in the reason', () => {
    const s = endingAtStage3();
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The budget will not stretch to it.' });
    expect(s.dispute.flags.map((f) => f.detail)).toEqual(['The reason Stage 3 cannot resolve it: budget constraints or financial pressures']);
  });
});
