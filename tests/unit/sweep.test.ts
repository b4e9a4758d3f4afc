import type { Effect, Message } from '../../src/domain/effects.ts';
import { CONTINUITY_REMINDER } from '../../src/domain/texts.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { Scenario } from '../helpers/domain.ts';

// The sweep (handlers/sweep.ts), pinned without a database: timeouts, overdue alerts, reminders, person-step flags.

const REF = 'S117-2026-0001';
const posts = (s: Scenario): (Message & { notBefore: string })[] => s.last.effects.flatMap((e) => (e.kind === 'POST' ? [{ ...e.message, notBefore: e.notBefore }] : []));
const EXTERNAL = 'Agree the written decision now, or, in exceptional circumstances, escalate externally: '
  + 'NHS England, the Department of Health and Social Care, or formal legal advice.';
const AROUND = 'Disputes must never be conducted around the person (protocol section 8).';
const STAGE1_PEOPLE = ['ali-khan', 'gus-hart', 'dee-obi', 'ivy-nash'];
const STAGE1_TODO = ['• Clarify the nature of the disagreement', '• Revisit the statutory Section 117 tests',
  '• Review the assessment and evidence', '• Seek resolution through professional discussion'];

function overdueEffects(first: string, at: string): Effect[] {
  const msg = { title: `${REF}: Stage 3 is overdue`, lines: [first, EXTERNAL, CONTINUITY_REMINDER] };
  return [
    { kind: 'POST', message: { ...msg, mentions: ['eve-ford', 'jon-park'] }, notBefore: at },
    { kind: 'DM', personId: 'eve-ford', message: { ...msg, mentions: [] }, notBefore: at },
    { kind: 'DM', personId: 'jon-park', message: { ...msg, mentions: [] }, notBefore: at },
    { kind: 'GOVERNANCE', message: { ...msg, mentions: [] }, notBefore: at },
  ];
}

function personPost(text: string, notBefore: string): Effect {
  return { kind: 'POST', message: { title: `${REF}: the person has not been kept informed`, lines: [`Overdue: ${text}.`, AROUND], mentions: ['ali-khan'] }, notBefore };
}
const PERSON_FLAGS = [
  { type: 'FLAG_RAISED', data: { code: 'PERSON_NOT_INFORMED', ground: null, detail: '[INFORMED] Not done yet: Person (and representative) told that a dispute has arisen.' } },
  { type: 'FLAG_RAISED', data: { code: 'PERSON_NOT_INFORMED', ground: null, detail: '[REASSURED] Not done yet: Person reassured that their care will continue.' } },
  { type: 'FLAG_RAISED', data: { code: 'PERSON_NOT_INFORMED', ground: null, detail: '[ADVOCACY_OFFERED] Not done yet: Advocacy offered where appropriate.' } },
];
const personPosts = (at: string): Effect[] => [
  personPost('Person (and representative) told that a dispute has arisen', at),
  personPost('Person reassured that their care will continue', at),
  personPost('Advocacy offered where appropriate', at),
];

function endingAtStage3(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  return s;
}

describe('Stage 3 overdue', () => {
  it('[R5.3] a Stage 3 deadline times the stage out, alerts the seniors by post, DM and governance, and flags the person steps', () => {
    const s = endingAtStage3();
    s.sweep('2026-12-30T17:00:00Z');
    expect(s.last.events).toEqual([
      { type: 'FLAG_RAISED', data: { code: 'STAGE_OVERDUE', ground: null, detail: 'Stage 3 passed its deadline (Wednesday 30 December, 5pm) without a recorded resolution.' } },
      { type: 'STAGE_TIMED_OUT', data: { stage: 3 } },
      ...PERSON_FLAGS,
    ]);
    // No stage reminder goes out once the stage has timed out, though HALFWAY, DAY_BEFORE and DUE_DAY were never sent.
    expect(s.last.effects).toEqual([
      ...overdueEffects('The senior leadership stage passed its deadline without a binding resolution.', '2026-12-31T09:00:00.000Z'),
      { kind: 'REFRESH_CARD', notBefore: '2026-12-30T17:00:00.000Z' },
      ...personPosts('2026-12-31T09:00:00.000Z'),
    ]);
    const stage = s.dispute.stages[0]!;
    expect(stage).toMatchObject({ stage: 3, met: false, timedOutAt: '2026-12-30T17:00:00.000Z', endedAt: null });
    expect(s.dispute.overdue).toBe(true);
    expect(s.dispute.stage).toBe(3);
    expect(stage.reminders.filter((r) => r.sentAt === null).map((r) => [r.kind, r.at])).toEqual([
      ['HALFWAY', '2026-12-17T09:00:00.000Z'], ['DAY_BEFORE', '2026-12-29T09:00:00.000Z'], ['DUE_DAY', '2026-12-30T09:00:00.000Z'],
      ['OVERDUE_REPEAT', '2027-01-07T09:00:00.000Z'],
    ]);
  });

  it('[R5.3] the alert repeats every 5 working days while Stage 3 stays overdue, counting the working days late', () => {
    const s = endingAtStage3();
    s.sweep('2026-12-30T17:00:00Z');
    s.sweep('2027-01-07T08:59:00Z');
    expect(s.last.events).toEqual([]);
    s.sweep('2027-01-07T09:00:00Z');
    expect(s.last.events).toEqual([{ type: 'REMINDER_SENT', data: { stage: 3, kind: 'OVERDUE_REPEAT', overdueWorkingDays: 5 } }]);
    expect(s.last.effects).toEqual([
      ...overdueEffects('Stage 3 is still overdue: 5 working days past its deadline, with no binding resolution.', '2027-01-07T09:00:00.000Z'),
      { kind: 'REFRESH_CARD', notBefore: '2027-01-07T09:00:00.000Z' },
    ]);
    expect(s.dispute.stages[0]!.reminders.filter((r) => r.kind === 'OVERDUE_REPEAT')).toEqual([
      { kind: 'OVERDUE_REPEAT', at: '2027-01-07T09:00:00.000Z', sentAt: '2027-01-07T09:00:00.000Z' },
      { kind: 'OVERDUE_REPEAT', at: '2027-01-14T09:00:00.000Z', sentAt: null },
    ]);
  });
});

describe('earlier stages time out', () => {
  it('[R5.2] Stage 1 past its deadline is flagged and escalates to Stage 2 for the reason "deadline passed"', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    expect(s.last.events.slice(0, 3)).toEqual([
      { type: 'FLAG_RAISED', data: { code: 'STAGE_OVERDUE', ground: null, detail: 'Stage 1 passed its deadline (Monday 14 December, 5pm) without a recorded resolution.' } },
      { type: 'STAGE_ENDED', data: { stage: 1, reason: 'TIMEOUT', met: false, escalationReason: 'deadline passed' } },
      { type: 'ESCALATED', data: { from: 1, to: 2, how: 'TIMEOUT', reason: 'deadline passed', at: '2026-12-14T17:00:00.000Z' } },
    ]);
    expect(s.dispute.stage).toBe(2);
    expect(s.dispute.overdue).toBe(false);
  });
});

describe('stage reminders', () => {
  it('[R0.4] [R0.5] a due reminder lists the open checklist items of the stage and mentions its people', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-10T08:59:00Z');
    expect(s.last.events).toEqual([]);
    s.sweep('2026-12-10T09:00:00Z');
    expect(s.last.events).toEqual([{ type: 'REMINDER_SENT', data: { stage: 1, kind: 'HALFWAY', skipped: 0 } }]);
    expect(s.last.effects).toEqual([{
      kind: 'POST', notBefore: '2026-12-10T09:00:00.000Z',
      message: {
        title: `${REF}: reminder — Stage 1 is 2 working days left (due Monday 14 December, 5pm)`, lines: ['Still to do:', ...STAGE1_TODO], mentions: STAGE1_PEOPLE,
      },
    }]);
    s.run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true });
    s.sweep('2026-12-11T09:00:00Z');
    expect(s.last.events).toEqual([{ type: 'REMINDER_SENT', data: { stage: 1, kind: 'DAY_BEFORE', skipped: 0 } }]);
    expect(posts(s).map((p) => p.lines)).toEqual([['Still to do:', STAGE1_TODO[0], STAGE1_TODO[2], STAGE1_TODO[3]]]);
    expect(s.dispute.stages[0]!.reminders.map((r) => r.sentAt)).toEqual(['2026-12-07T10:00:00.000Z', '2026-12-10T09:00:00.000Z', '2026-12-11T09:00:00.000Z', null]);
  });

  it('[R0.5] after downtime only the latest reminder goes out, counting the skipped ones', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T09:00:00Z');
    expect(s.last.events).toEqual([{ type: 'REMINDER_SENT', data: { stage: 1, kind: 'DUE_DAY', skipped: 2 } }]);
    expect(posts(s)).toHaveLength(1);
    expect(s.dispute.stages[0]!.reminders.map((r) => r.sentAt)).toEqual(['2026-12-07T10:00:00.000Z', ...Array(3).fill('2026-12-14T09:00:00.000Z')]);
  });

  it('[R0.5] with every checklist item ticked the reminder asks for the outcome', () => {
    const s = new Scenario();
    s.raise();
    for (const key of ['clarify', 'tests', 'evidence', 'discussion']) s.run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key, ticked: true });
    s.sweep('2026-12-10T09:00:00Z');
    expect(posts(s).map((p) => [p.lines, p.mentions])).toEqual([[['Record the outcome of this stage before the deadline.'], STAGE1_PEOPLE]]);
  });

  it('[R0.5] a pending decision: the reminder counts the organisations still to confirm that decision', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.sweep('2026-12-10T09:00:00Z');
    expect(posts(s).map((p) => [p.lines, p.mentions])).toEqual([[['Decision 1 is waiting for confirmation from 2 organisation(s).'], STAGE1_PEOPLE]]);
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.sweep('2026-12-11T09:00:00Z');
    expect(posts(s).map((p) => p.lines)).toEqual([['Decision 1 is waiting for confirmation from 1 organisation(s).']]);
  });

  it('[R0.5] with three parties, the count leaves out exactly the organisations that confirmed', () => {
    const s = new Scenario();
    const parties = [...fundingDispute().parties, { organisationId: 'anytown-trust', role: 'INTERESTED' as const }];
    s.raise('ali-khan', fundingDispute({ parties }));
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.sweep('2026-12-10T09:00:00Z');
    expect(posts(s).map((p) => p.lines)).toEqual([['Decision 1 is waiting for confirmation from 2 organisation(s).']]);
  });

  it('[R0.5] a withdrawn decision is not pending; a new one is counted on its own confirmations', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'The figures were wrong.' });
    s.sweep('2026-12-10T09:00:00Z');
    expect(posts(s).map((p) => p.lines)).toEqual([['Still to do:', ...STAGE1_TODO]]);
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.sweep('2026-12-11T09:00:00Z');
    expect(posts(s).map((p) => p.lines)).toEqual([['Decision 2 is waiting for confirmation from 2 organisation(s).']]);
  });

  it('[R0.5] a Stage 2 reminder lists only Stage 2 items and mentions only the people who joined at Stage 2', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    const halfway = s.dispute.stages[1]!.reminders.find((r) => r.kind === 'HALFWAY')!.at;
    s.sweep(halfway);
    expect(posts(s)).toEqual([{
      title: `${REF}: reminder — Stage 2 is 5 working days left (due Wednesday 30 December, 5pm)`,
      lines: ['Still to do:', '• Joint review of the legal basis, risk implications and continuity of care arrangements',
        '• Consider relevant case law and guidance', '• Confirm interim funding arrangements if required'],
      mentions: ['bea-jones', 'hal-moss', 'cal-reid'], notBefore: halfway,
    }]);
  });
});

describe('person steps (R8.3)', () => {
  it('[R8.3] overdue person steps are flagged once, also after resolution', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    for (const key of ['clarify', 'tests', 'evidence', 'discussion']) s.run('gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key, ticked: true });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    s.sweep('2026-12-15T09:00:00Z');
    // Resolution gave EXPLAINED its due date too.
    const explained = { type: 'FLAG_RAISED', data: { code: 'PERSON_NOT_INFORMED', ground: null, detail: '[EXPLAINED] Not done yet: Decision and outcome explained to the person.' } };
    expect(s.last.events).toEqual([...PERSON_FLAGS.slice(0, 2), explained, PERSON_FLAGS[2]]);
    const at = '2026-12-15T09:00:00.000Z';
    const [informed, reassured, advocacy] = personPosts(at);
    expect(s.last.effects).toEqual([informed, reassured, personPost('Decision and outcome explained to the person', at), advocacy]);
    s.sweep('2026-12-16T09:00:00Z');
    expect(s.last.events).toEqual([]);
    expect(s.last.effects).toEqual([]);
  });
});
