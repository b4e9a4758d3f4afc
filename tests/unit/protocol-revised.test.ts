import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { timeLeftText } from '../../src/domain/time-left.ts';
import { disputeView } from '../../src/domain/view.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
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
    s.run('ali-khan', decision({ outcome: 'AGREEMENT' }));
    s.run('ali-khan', confirm(1, 'anytown-council'));
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

  it('[R7.4] refuses a Stage 1 or 2 proposal whose text ends aftercare, with one action that moves it to Stage 3', () => {
    const s = new Scenario();
    s.raise();
    const r = refusal(() => s.run('ali-khan', decision({ outcome: 'AGREEMENT', summary: 'We agree to end Section 117 aftercare from 1 March.' })));
    expect(r).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3', message: expect.stringMatching(/only be decided at Stage 3/) });
    const s2 = atStage2();
    expect(refusal(() => s2.run('bea-jones', decision({ summary: 'He no longer needs s117 aftercare; discharge from Section 117.' })))).toMatchObject({ code: 'ENDING_NEEDS_STAGE_3' });
    // Reducing is not ending (R2.1).
    s2.run('bea-jones', decision({ summary: 'Reduce the floating support from 12 to 8 hours a week.' }));
    expect(s2.dispute.decisions).toHaveLength(1);
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
