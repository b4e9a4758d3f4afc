import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { closureGaps } from '../../src/domain/resolution.ts';
import { decide } from '../../src/domain/decide.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { calendar, directory } from '../helpers/domain.ts';
import { act, agreeAtStage3, atStage3, cli, REF } from '../helpers/gates.ts';

// Stages 3 and 4 as the senior officers live them: a decision agreed, the person not yet told, the deadline passing.

describe('Stage 3 and Stage 4 gates', () => {
  let app: TestApp;
  beforeEach(async () => { app = await testApp(); });
  afterEach(async () => { await app.close(); });

  it('[R5.6] [R5.7] with a joint Stage 3 decision in force, the overdue alert names what is missing and one senior officer cannot move it to Stage 4', async () => {
    const s117 = cli(app);
    await atStage3(app);
    await agreeAtStage3(app);
    app.clock.set('2027-02-01T10:00:00Z');
    expect((await s117('tick')).code).toBe(0);

    const shown = await s117('dispute', 'show', REF);
    // Not "without a binding resolution": the parties agreed; only the explanation to the person is owed.
    expect(shown.out).not.toMatch(/without a (binding|recorded) resolution/);
    expect(shown.out).toMatch(/joint decision in force but not yet complete: still needed, the person informed of the outcome and rationale/);
    const dispute = (await app.service.get({ reference: REF }))!;
    expect(app.service.view(dispute).allowedActions.map((x) => x.verb)).not.toContain('external');

    const stall = await act(app)('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: null });
    expect(stall.code).toBe(1);
    expect(stall.err).toMatch(/^Refused: Decision 1 is in force: every party confirmed it, so there is nothing to escalate externally\. Still needed before S117-2026-0001 can close: the person informed of the outcome and rationale\./);
    expect((await app.service.get({ reference: REF }))!.stage).toBe(3);

    // What was missing is done: the dispute closes on the decision that was in force all along.
    expect((await act(app)('eve-ford', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Explained by phone and in writing.' })).code).toBe(0);
    const closed = (await app.service.get({ reference: REF }))!;
    expect(closed.status).toBe('RESOLVED');
    expect(closed.stages.find((s) => s.stage === 3)!.met).toBe(false);
  });

  it('[R9.1] a Stage 3 that timed out keeps "missed" when a senior officer escalates it to Stage 4, in the export and on screen', async () => {
    const s117 = cli(app);
    await atStage3(app);
    app.clock.set('2027-02-01T10:00:00Z');
    await s117('tick');
    expect((await act(app)('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: 'Asked NHS England to mediate.' })).code).toBe(0);
    const d = (await app.service.get({ reference: REF }))!;
    expect(d.stage).toBe(4);
    expect(d.stages.find((s) => s.stage === 3)).toMatchObject({ met: false, endReason: 'MANUAL' });

    const csv = (await s117('register', 'export')).out.split('\n');
    const header = csv[0]!.split(',');
    const row = csv[1]!.split(',');
    expect(row[header.indexOf('stage3_timescale')]).toBe('missed');
    expect(row[header.indexOf('stage2_timescale')]).toBe('escalated');
    expect((await s117('dispute', 'show', REF)).out).toMatch(/3\. started .* — ended manual, timescale missed/);
  });

  it('[R5.6] a joint Stage 3 decision in force keeps counting at Stage 4 (a register written before this version)', async () => {
    await atStage3(app);
    await agreeAtStage3(app);
    // Before this version one senior officer could move such a dispute to Stage 4, where the decision stopped counting.
    const d = structuredClone((await app.service.get({ reference: REF }))!);
    d.stages.find((s) => s.stage === 3)!.endedAt = app.clock.now().toISOString();
    d.stages.push({ ...d.stages.find((s) => s.stage === 3)!, stage: 4, endedAt: null, dueAt: null, workingDays: null, met: null, reminders: [] });
    d.stage = 4;
    expect(closureGaps(d)).toEqual(['the person informed of the outcome and rationale']);
    const ctx = { now: app.clock.now(), actor: { personId: 'eve-ford', platform: 'cli' as const }, policy: DEFAULT_POLICY, calendar, directory };
    const r = decide(d, { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Told them in person.' }, ctx);
    expect(r.next.status).toBe('RESOLVED');
    expect(r.next.outcome).toMatch(/^Written decision: The ICB pays 60%/);
  });
});
