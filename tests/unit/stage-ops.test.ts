import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import type { Command } from '../../src/domain/commands.ts';
import { decide, emptyDispute } from '../../src/domain/decide.ts';
import { currentStage, plannedReminders } from '../../src/domain/stage-ops.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { CONTINUITY_REMINDER } from '../../src/domain/texts.ts';
import type { Directory, Dispute } from '../../src/domain/types.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

// What opening, ending and leaving a stage produce (stage-ops.ts): the record, the history entries and the messages.

const REF = 'S117-2026-0001';
const raiseCmd = (input = fundingDispute()): Command => ({ type: 'RAISE', id: 'd1', reference: REF, input });
const without = (dir: Directory, ...ids: string[]): Directory => ({ ...dir, people: dir.people.filter((p) => !ids.includes(p.id)) });
const STAGE_1_TODO = [
  'What this stage must do:',
  '• Clarify the nature of the disagreement',
  '• Revisit the statutory Section 117 tests',
  '• Review the assessment and evidence',
  '• Seek resolution through professional discussion',
];
const STAGE_2_TODO = [
  'What this stage must do:',
  '• Joint review of the legal basis, risk implications and continuity of care arrangements',
  '• Consider relevant case law and guidance',
  '• Confirm interim funding arrangements if required',
];
const STAGE_2_TITLE = `${REF}: Stage 2 — Operational management escalation`;
const DM_LAST = 'Open the case channel to see the checklist and record decisions.';
const agreement = { outcome: 'AGREEMENT' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'The ICB funds it.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' };

describe('opening a stage', () => {
  it('[R5.1] [R5.8] [R0.4] raised after hours: deadline, reminders planned, participants invited and pinged next morning, a party with nobody flagged', () => {
    const s = new Scenario('2026-12-07T18:00:00Z');
    const noIcbLead = without(directory, 'ivy-nash');
    s.runWith(noIcbLead, 'ali-khan', raiseCmd(fundingDispute({ namedProfessionals: [] })));
    const now = '2026-12-07T18:00:00.000Z';
    const ping = '2026-12-08T09:00:00.000Z';
    const gap = 'NHS Anytown ICB has nobody in the directory for Stage 1 '
      + '(care coordinator or social worker, the health professional, and the Local Authority and ICB operational leads).';
    expect(s.last.events.slice(1)).toStrictEqual([
      { type: 'STAGE_STARTED', data: { stage: 1, dueAt: '2026-12-14T17:00:00.000Z', why: 'Ali Khan raised a dispute.', participants: ['ali-khan', 'dee-obi'] } },
      { type: 'FLAG_RAISED', data: { code: 'PARTICIPANT_GAP', ground: null, detail: gap } },
    ]);
    expect(s.dispute.flags).toEqual([{ seq: 1, code: 'PARTICIPANT_GAP', ground: null, detail: gap, at: now, resolvedAt: null, resolution: null }]);
    const dm = (personId: string) => ({
      kind: 'DM', personId, notBefore: ping,
      message: {
        title: `You are part of ${REF}, Stage 1 — Frontline resolution`,
        lines: ['Ali Khan raised a dispute.', 'The stage is 5 working days left (due Monday 14 December, 5pm).', DM_LAST],
        mentions: [],
      },
    });
    expect(s.last.effects).toEqual([
      { kind: 'OPEN_CASE_SPACE', notBefore: now },
      { kind: 'INVITE', personIds: ['ali-khan', 'dee-obi'], notBefore: ping },
      { kind: 'REFRESH_CARD', notBefore: now },
      {
        kind: 'POST', notBefore: ping,
        message: {
          title: `${REF}: Stage 1 — Frontline resolution`,
          lines: ['Ali Khan raised a dispute.', 'This stage is 5 working days left (due Monday 14 December, 5pm).', ...STAGE_1_TODO, CONTINUITY_REMINDER],
          mentions: ['ali-khan', 'dee-obi'],
        },
      },
      dm('ali-khan'),
      dm('dee-obi'),
      {
        kind: 'GOVERNANCE', notBefore: ping,
        message: {
          title: `${REF}: A party organisation has nobody at this stage`,
          lines: [gap, 'Add the right people to the directory file, then run "s117 directory check".'],
          mentions: [],
        },
      },
    ]);
    // The START reminder is the announcement itself, though its working-hours moment is tomorrow.
    expect(s.dispute.stages[0]!.reminders).toEqual([
      { kind: 'START', at: ping, sentAt: now },
      { kind: 'HALFWAY', at: '2026-12-10T09:00:00.000Z', sentAt: null },
      { kind: 'DAY_BEFORE', at: '2026-12-11T09:00:00.000Z', sentAt: null },
      { kind: 'DUE_DAY', at: '2026-12-14T09:00:00.000Z', sentAt: null },
    ]);
    // The scheduler wakes for the earliest of the deadline, the reminders and the person steps: the halfway reminder.
    expect(s.dispute.nextWakeAt).toBe('2026-12-10T09:00:00.000Z');
  });

  it('[R3.1] refreshes the card once per command, and numbers flags one after another', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false, description: 'Funding is on hold awaiting the funding panel, and budget pressures mean the ICB will not pay.' }));
    expect(s.last.effects.filter((e) => e.kind === 'REFRESH_CARD')).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-07T10:00:00.000Z' }]);
    expect(s.dispute.flags.map((f) => [f.seq, f.code])).toEqual([[1, 'CONTINUITY_ALERT'], [2, 'UNLAWFUL_GROUND'], [3, 'UNLAWFUL_GROUND']]);
    s.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'DELAYED', detail: 'The move is delayed.' });
    expect(s.dispute.flags.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
  });

  it('[R5.4] [R5.2] escalated by hand: the stage left, proposals superseded, Stage 2 opened and announced, a note drafted for the person', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    // Dee Obi has left the directory since: still a participant on the record, but not pinged.
    s.at('2026-12-08T11:00:00Z').runWith(without(directory, 'dee-obi'), 'ali-khan', { type: 'ESCALATE', reason: 'The ICB will not discuss the split.' });
    const now = '2026-12-08T11:00:00.000Z';
    const why = 'Ali Khan escalated the dispute from Stage 1. Reason: The ICB will not discuss the split.';
    const note = s.dispute.letters[0]!;
    expect(s.last.events).toStrictEqual([
      { type: 'STAGE_ENDED', data: { stage: 1, reason: 'MANUAL', met: null, escalationReason: 'The ICB will not discuss the split.' } },
      { type: 'ESCALATED', data: { from: 1, to: 2, how: 'MANUAL', reason: 'The ICB will not discuss the split.', at: now } },
      { type: 'STAGE_STARTED', data: { stage: 2, dueAt: '2026-12-22T17:00:00.000Z', why, participants: ['bea-jones', 'hal-moss', 'cal-reid'] } },
      { type: 'LETTER_DRAFTED', data: { seq: 1, decisionSeq: null, readingAge: note.readingAge, kind: 'escalation note' } },
    ]);
    expect(s.dispute.decisions.map((x) => x.status)).toEqual(['SUPERSEDED']);
    expect(s.dispute.stages[0]).toMatchObject({ endedAt: now, endReason: 'MANUAL', met: null, timedOutAt: null, escalationReason: 'The ICB will not discuss the split.' });
    const dm = (personId: string) => ({
      kind: 'DM', personId, notBefore: now,
      message: { title: `You are part of ${REF}, Stage 2 — Operational management escalation`, lines: [why, 'The stage is 10 working days left (due Tuesday 22 December, 5pm).', DM_LAST], mentions: [] },
    });
    expect(s.last.effects).toEqual([
      { kind: 'INVITE', personIds: ['bea-jones', 'hal-moss', 'cal-reid'], notBefore: now },
      { kind: 'REFRESH_CARD', notBefore: now },
      {
        kind: 'POST', notBefore: now,
        message: {
          title: STAGE_2_TITLE,
          lines: [why, 'This stage is 10 working days left (due Tuesday 22 December, 5pm).', ...STAGE_2_TODO, CONTINUITY_REMINDER],
          mentions: ['ali-khan', 'gus-hart', 'ivy-nash', 'bea-jones', 'hal-moss', 'cal-reid'],
        },
      },
      dm('bea-jones'), dm('hal-moss'), dm('cal-reid'),
    ]);
    // R8.2: the note names the parties, who looks at it now, and the new deadline as a date.
    const lines = note.text.split('\n');
    expect(lines[2]).toMatch(/ Anytown Council and NHS Anytown ICB do not yet agree about /);
    expect(lines.slice(4, 6)).toEqual([
      'They could not sort it out yet. So now their managers at Anytown Council and NHS Anytown ICB will look at it.',
      'They aim to decide by Tuesday 22 December 2026.',
    ]);
    expect(lines.at(-1)).toBe('The Section 117 team');
    // Only the open stage counts for the next wake: Stage 1's unsent reminders no longer do (the person steps are due first).
    expect(s.dispute.nextWakeAt).toBe('2026-12-14T17:00:00.000Z');
  });

  it('[R3.2] escalated jointly: the confirmed escalation decision stays confirmed, and the new stage says the parties agreed', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...agreement, outcome: 'ESCALATE', summary: 'We cannot agree at this level.' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.at('2026-12-08T12:00:00Z').run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.decisions.map((x) => x.status)).toEqual(['CONFIRMED']);
    const byType = (t: string) => s.last.events.find((e) => e.type === t)?.data;
    expect(byType('STAGE_ENDED')).toEqual({ stage: 1, reason: 'JOINT_DECISION', met: null, escalationReason: 'We cannot agree at this level.' });
    expect(byType('ESCALATED')).toEqual({ from: 1, to: 2, how: 'JOINT_DECISION', reason: 'We cannot agree at this level.', at: '2026-12-08T12:00:00.000Z' });
    expect(byType('STAGE_STARTED')).toMatchObject({ why: 'The parties agreed to escalate from Stage 1.' });
  });

  it('[R5.2] [R0.4] a timeout caught up late starts the next stage at the deadline and skips reminders whose time has passed', () => {
    const s = new Scenario();
    s.raise();
    // Stage 2 runs from Monday 14 December, 5pm; its halfway reminder is due at this very minute.
    s.sweep('2026-12-21T09:00:00Z');
    const now = '2026-12-21T09:00:00.000Z';
    const why = 'Stage 1 reached its deadline without a recorded resolution, so the dispute has moved to Stage 2 automatically.';
    expect(s.events()).toEqual(['FLAG_RAISED', 'STAGE_ENDED', 'ESCALATED', 'STAGE_STARTED', 'LETTER_DRAFTED', 'FLAG_RAISED', 'FLAG_RAISED', 'FLAG_RAISED']);
    expect(s.last.events.slice(1, 4)).toStrictEqual([
      { type: 'STAGE_ENDED', data: { stage: 1, reason: 'TIMEOUT', met: false, escalationReason: 'deadline passed' } },
      { type: 'ESCALATED', data: { from: 1, to: 2, how: 'TIMEOUT', reason: 'deadline passed', at: '2026-12-14T17:00:00.000Z' } },
      { type: 'STAGE_STARTED', data: { stage: 2, dueAt: '2026-12-30T17:00:00.000Z', why, participants: ['bea-jones', 'hal-moss', 'cal-reid'] } },
    ]);
    expect(s.dispute.stages[0]).toMatchObject({ endedAt: '2026-12-14T17:00:00.000Z', met: false, timedOutAt: '2026-12-14T17:00:00.000Z' });
    expect(s.dispute.stages[1]!.reminders).toEqual([
      { kind: 'START', at: '2026-12-15T09:00:00.000Z', sentAt: now },
      { kind: 'HALFWAY', at: now, sentAt: now },
      { kind: 'DAY_BEFORE', at: '2026-12-29T09:00:00.000Z', sentAt: null },
      { kind: 'DUE_DAY', at: '2026-12-30T09:00:00.000Z', sentAt: null },
    ]);
    const post = s.last.effects.find((e) => e.kind === 'POST' && e.message.title === STAGE_2_TITLE);
    expect(post?.kind === 'POST' && post.message.lines.slice(0, 2)).toEqual([why, 'This stage is 5 working days left (due Wednesday 30 December, 5pm).']);
    expect(s.dispute.letters[0]!.text).toMatch(/\nThey aim to decide by Wednesday 30 December 2026\.\n/);
  });

  it('[R8.2] the note gives the new deadline as a date whatever the close of business', () => {
    const late = new WorkingCalendar({ closeOfBusiness: '22:30' });
    const run = (d: Dispute | null, personId: string, cmd: Command, now: string) =>
      decide(d, cmd, { now: new Date(now), actor: { personId, platform: 'cli' }, policy: DEFAULT_POLICY, calendar: late, directory }).next;
    const raised = run(null, 'ali-khan', raiseCmd(), '2026-12-07T10:00:00Z');
    const escalated = run(raised, 'ali-khan', { type: 'ESCALATE', reason: 'Stuck.' }, '2026-12-08T11:00:00Z');
    expect(escalated.stages[1]!.dueAt).toBe('2026-12-22T22:30:00.000Z');
    expect(escalated.letters[0]!.text).toMatch(/\nThey aim to decide by Tuesday 22 December 2026\.\n/);
  });

  it('[R8.2] [R5.8] the note names only the parties still in the dispute and known to the directory; a party with nobody left is flagged by its id', () => {
    const s = new Scenario();
    const three = fundingDispute({
      parties: [{ organisationId: 'anytown-trust', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
    });
    s.raise('lou-gray', three);
    // Only the trust's own senior officer may take it out alone.
    s.run('oli-shaw', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'The Trust no longer provides care.' });
    s.run('dee-obi', { type: 'ESCALATE', reason: 'Stuck.' });
    expect(s.dispute.letters[0]!.text.split('\n')[4]).toBe('They could not sort it out yet. So now their managers at Anytown Council and NHS Anytown ICB will look at it.');

    // The Trust, still a party, has gone from the directory altogether.
    const t = new Scenario();
    t.raise('lou-gray', three);
    const noTrust: Directory = {
      ...directory,
      organisations: directory.organisations.filter((o) => o.id !== 'anytown-trust'),
      people: directory.people.filter((p) => p.organisationId !== 'anytown-trust'),
    };
    t.runWith(noTrust, 'dee-obi', { type: 'ESCALATE', reason: 'Stuck.' });
    expect(t.dispute.letters[0]!.text.split('\n')[4]).toBe('They could not sort it out yet. So now their managers at Anytown Council and NHS Anytown ICB will look at it.');
    const gap = t.dispute.flags.find((f) => f.code === 'PARTICIPANT_GAP');
    expect(gap?.detail).toBe('anytown-trust has nobody in the directory for Stage 2 '
      + '(team and service managers, the ICB operational lead and the Local Authority mental health service lead).');
    const post = t.last.effects.find((e) => e.kind === 'POST' && e.message.title === STAGE_2_TITLE);
    expect(post?.kind === 'POST' && post.message.mentions).toEqual(['gus-hart', 'dee-obi', 'ivy-nash', 'hal-moss', 'cal-reid']);
  });

  it('[R8.2] a decision letter proposed by someone who has since left the directory is signed with their id', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('dee-obi', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.runWith(without(directory, 'ali-khan'), 'gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    const letter = s.dispute.letters[0]!;
    expect(s.last.events.find((e) => e.type === 'LETTER_DRAFTED')?.data).toEqual({ seq: 1, decisionSeq: 1, readingAge: letter.readingAge, kind: 'decision letter' });
    expect(letter.text.split('\n').slice(-2)).toEqual(['Yours sincerely,', 'ali-khan']);
  });
});

describe('Stage 4 and closing there', () => {
  it('[R5.7] [R9.1] Stage 4 has no timescale, invites nobody, and a resolution there is neither met nor missed', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    s.run('bea-jones', { type: 'ESCALATE', reason: 'No agreement.' });
    s.sweep(s.dispute.stages[2]!.dueAt!);
    s.at('2027-01-20T10:00:00Z').run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: null });
    const now = '2027-01-20T10:00:00.000Z';
    expect(s.last.effects).toEqual([
      { kind: 'REFRESH_CARD', notBefore: now },
      {
        kind: 'POST', notBefore: now,
        message: {
          title: `${REF}: Stage 4 — External escalation (exceptional)`,
          lines: ['Jon Park escalated externally: NHS England (ICB-related disputes).', 'This stage has no timescale (exceptional external escalation).', CONTINUITY_REMINDER],
          mentions: s.dispute.participants.map((p) => p.personId),
        },
      },
    ]);
    expect(s.dispute.stages[3]).toMatchObject({ stage: 4, dueAt: null, reminders: [{ kind: 'START', at: now, sentAt: now }] });
    s.run('eve-ford', { type: 'PROPOSE_DECISION', input: { ...agreement, outcome: 'WRITTEN_DECISION', funding: 'ICB 100%', commissioning: 'The ICB commissions.', payers: [{ organisationId: 'anytown-icb', share: 'all of it' }] } });
    s.run('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    s.run('gus-hart', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told him the outcome.' });
    expect(s.dispute.status).toBe('RESOLVED');
    expect(s.dispute.stages[3]).toMatchObject({ endReason: 'RESOLVED', met: null, timedOutAt: null });
  });
});

describe('the current stage and the next wake', () => {
  it('is the open stage, or the last one once the dispute is resolved; a dispute without stages is an error', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    expect(currentStage(s.dispute)).toBe(s.dispute.stages[1]);
    s.run('bea-jones', { type: 'PROPOSE_DECISION', input: { ...agreement, outcome: 'DECISION' } });
    s.run('bea-jones', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('hal-moss', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    expect(currentStage(s.dispute)).toBe(s.dispute.stages[1]);
    expect(() => currentStage({ ...emptyDispute('x'), reference: 'S117-2026-0099' })).toThrow('dispute S117-2026-0099 has no stage');
  });

  it('[R5.2] wakes at the deadline once the last reminder before it has gone out', () => {
    const s = new Scenario();
    s.raise();
    for (const step of ['INFORMED', 'REASSURED', 'ADVOCACY_OFFERED'] as const) s.run('ali-khan', { type: 'PERSON_STEP', step, note: null });
    s.sweep('2026-12-14T09:00:00Z');
    expect(s.last.events[0]).toMatchObject({ type: 'REMINDER_SENT', data: { kind: 'DUE_DAY' } });
    expect(s.dispute.nextWakeAt).toBe('2026-12-14T17:00:00.000Z');
  });

  it('[R8.3] a resolved dispute whose person has been told the outcome wakes no more, though other steps are still open', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.nextWakeAt).toBe('2026-12-14T17:00:00.000Z');
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null });
    expect(s.dispute.personSteps.filter((p) => !p.doneAt).map((p) => p.step)).toEqual(['INFORMED', 'REASSURED', 'ADVOCACY_OFFERED']);
    expect(s.dispute.nextWakeAt).toBeNull();
  });
});

describe('planned reminders', () => {
  it('[R0.4] never plans two reminders on one day, nor one on the day the stage began', () => {
    // Friday evening, one working day: the start announcement goes out on Monday morning, the due day too.
    expect(plannedReminders(calendar, new Date('2026-12-11T18:00:00Z'), 1)).toEqual([{ kind: 'START', at: '2026-12-14T09:00:00.000Z', sentAt: null }]);
    // Monday evening, one working day: the day before the deadline is the day it began.
    expect(plannedReminders(calendar, new Date('2026-12-07T18:00:00Z'), 1)).toEqual([{ kind: 'START', at: '2026-12-08T09:00:00.000Z', sentAt: null }]);
    expect(plannedReminders(calendar, new Date('2026-12-07T10:00:00Z'), null)).toEqual([{ kind: 'START', at: '2026-12-07T10:00:00.000Z', sentAt: null }]);
  });
});
