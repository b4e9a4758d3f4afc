import { SYSTEM } from '../../src/domain/commands.ts';
import { raisedWithin, registerRow, toCsv } from '../../src/reports/register-export.ts';
import { summarise } from '../../src/reports/summary.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';

const as = (personId: string) => ({ personId, platform: 'slack' as const });

describe.each(DATABASES)('the protocol end to end on %s', (_name, setup) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const s = await setup();
    cleanup = s.cleanup;
    app = await testApp(s.databaseUrl ? { databaseUrl: s.databaseUrl } : {});
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  it('[R5.2] [R3.2] [R9.1] [R9.2] [R11.1] raise → reminders → timeout → Stage 2 → decision confirmed by both parties → resolved', async () => {
    const { service, scheduler, chat, clock } = app;
    clock.set('2026-12-07T10:00:00Z'); // Monday
    const raised = await service.raise(as('ali-khan'), fundingDispute(), { idempotencyKey: 'slack:view:V1' });
    expect(raised.dispute.reference).toBe('S117-2026-0001');
    // The social worker tells the person the same day (R8.1); advocacy is forgotten.
    for (const step of ['INFORMED', 'REASSURED'] as const) {
      await service.act(as('ali-khan'), { reference: 'S117-2026-0001' }, { type: 'PERSON_STEP', step, note: null });
    }
    await scheduler.tick();

    // The case space: named from the reference only (R11.2), participants invited, card pinned, people pinged.
    expect(chat.ops('openCaseSpace')).toEqual([expect.objectContaining({ space: 's117-2026-0001' })]);
    expect(chat.ops('invite')[0]!.people!.sort()).toEqual(['ali-khan', 'dee-obi', 'gus-hart', 'ivy-nash']);
    expect(chat.ops('postCard')).toHaveLength(1);
    expect(chat.ops('postCard')[0]!.view!.dueText).toMatch(/^\d working days? left \(due Monday 14 December, 5pm\)$/);
    expect(chat.ops('dm').map((c) => c.to).sort()).toEqual(['dee-obi', 'gus-hart', 'ivy-nash', 'ali-khan'].sort());
    expect(JSON.stringify(chat.calls)).not.toMatch(/9434765919|943 476 5919/);

    // Halfway reminder on Thursday morning, once.
    clock.set('2026-12-10T09:01:00Z');
    await scheduler.tick();
    await scheduler.tick();
    expect(chat.ops('post').filter((c) => /reminder/.test(c.title!))).toHaveLength(1);

    // Stage 1 times out at 17:00 on Monday 14th: the register moves at once, people hear at 09:00 on Tuesday (R0.4).
    clock.set('2026-12-14T17:00:00Z');
    const callsBefore = chat.calls.length;
    const r = await scheduler.tick();
    expect(r.swept).toBe(1);
    const atTimeout = await service.get({ reference: 'S117-2026-0001' });
    expect(atTimeout!.stage).toBe(2);
    const newCalls = chat.calls.slice(callsBefore);
    expect(newCalls.map((c) => c.op)).not.toContain('dm');
    expect(newCalls.map((c) => c.op)).not.toContain('invite');
    expect(newCalls.some((c) => c.op === 'updateCard')).toBe(true);

    clock.set('2026-12-15T09:00:00Z');
    await scheduler.tick();
    expect(chat.ops('invite').at(-1)!.people!.sort()).toEqual(['bea-jones', 'cal-reid', 'hal-moss']);
    expect(chat.ops('dm').filter((c) => /Stage 2/.test(c.title!)).map((c) => c.to).sort()).toEqual(['bea-jones', 'cal-reid', 'hal-moss']);
    // R5.2: everyone at Stage 2 is pinged, those continuing from Stage 1 too.
    expect(chat.ops('post').find((c) => /Stage 2/.test(c.title!))!.mentions!.sort()).toEqual(['ali-khan', 'bea-jones', 'cal-reid', 'dee-obi', 'gus-hart', 'hal-moss', 'ivy-nash']);

    // Stage 2: a decision, confirmed by the council then the ICB.
    clock.set('2026-12-16T11:00:00Z');
    await service.act(as('bea-jones'), { reference: 'S117-2026-0001' }, { type: 'PROPOSE_DECISION', input: stage2Decision });
    await service.act(as('cal-reid'), { reference: 'S117-2026-0001' }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    const mid = await service.get({ reference: 'S117-2026-0001' });
    expect(mid!.status).toBe('OPEN');
    clock.set('2026-12-17T14:00:00Z');
    const done = await service.act(as('hal-moss'), { reference: 'S117-2026-0001' }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(done.dispute).toMatchObject({ status: 'RESOLVED', resolvedAt: '2026-12-17T14:00:00.000Z' });
    await scheduler.tick();
    expect(chat.ops('post').some((c) => /is resolved at Stage 2/.test(c.title!))).toBe(true);

    // The history: every event, who, when, which platform (R11.1).
    const history = await service.history(done.dispute.id);
    expect(history.map((h) => h.type)).toEqual([
      'RAISED', 'STAGE_STARTED', 'PERSON_STEP_DONE', 'PERSON_STEP_DONE', 'REMINDER_SENT',
      // timeout, the person's escalation note (R8.2), and advocacy overdue (R8.3)
      'FLAG_RAISED', 'STAGE_ENDED', 'ESCALATED', 'STAGE_STARTED', 'LETTER_DRAFTED', 'FLAG_RAISED',
      'DECISION_PROPOSED', 'DECISION_CONFIRMED', 'DECISION_CONFIRMED', 'DECISION_TOOK_EFFECT', 'LETTER_DRAFTED', 'STAGE_ENDED', 'RESOLVED',
    ]);
    expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history[0]).toMatchObject({ actorId: 'ali-khan', platform: 'slack' });
    expect(history.find((h) => h.type === 'ESCALATED')).toMatchObject({ actorId: SYSTEM.personId, platform: 'system' });

    // The register export (R9.1): stage 1 missed, stage 2 met.
    const all = await service.all();
    const row = registerRow(all[0]!, app.directory);
    expect(row).toMatchObject({ reference: 'S117-2026-0001', status: 'RESOLVED', stageReached: 2, flags: { STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 1 } });
    expect(row.stages.map((s) => [s.stage, s.met])).toEqual([[1, false], [2, true]]);
    expect(raisedWithin(all[0]!, app.calendar, '2026-12-01', '2026-12-31')).toBe(true);
    const csv = toCsv([row]);
    expect(csv.split('\n')[1]).toMatch(/^S117-2026-0001,RESOLVED,.*,missed,.*,met,/);
    expect(csv).not.toMatch(/9434765919/);

    // The Board's figures (R9.2) from the same register.
    expect(summarise([row])).toMatchObject({
      disputes: 1, resolved: 1, bySubject: { FUNDING: 1, ACCOMMODATION: 1 }, byStageReached: { 'Stage 2': 1 }, byOutcome: { 'Decision agreed': 1 },
      timescales: { 'Stage 1': { decided: 1, met: 0 }, 'Stage 2': { decided: 1, met: 1 } }, overdue: 0,
      legalRiskSignals: { STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 1 },
    });

    // Nothing queued was lost: every outbox row delivered.
    expect(await app.db.prisma.outbox.count({ where: { deliveredAt: null } })).toBe(0);
  });

  it('numbers disputes S117-YYYY-NNNN per year and never reuses a number, even after a refusal', async () => {
    const { service, clock } = app;
    clock.set('2026-12-30T10:00:00Z');
    await service.raise(as('ali-khan'), fundingDispute());
    await expect(service.raise(as('ali-khan'), fundingDispute({ parties: [] }))).rejects.toThrow(/at least two/);
    await service.raise(as('ali-khan'), fundingDispute());
    clock.set('2027-01-04T10:00:00Z');
    const next = await service.raise(as('ali-khan'), fundingDispute());
    const refs = (await service.all()).map((d) => d.reference);
    expect(refs).toEqual(['S117-2026-0001', 'S117-2026-0002', 'S117-2027-0001']);
    expect(next.dispute.reference).toBe('S117-2027-0001');
  });

  it('refuses bad input with nothing half written', async () => {
    const { service, db } = app;
    await expect(service.raise(as('ali-khan'), fundingDispute({ nhsNumber: '1234567890' }))).rejects.toMatchObject({ code: 'INVALID_NHS_NUMBER', field: 'nhsNumber' });
    expect(await db.prisma.dispute.count()).toBe(0);
    expect(await db.prisma.historyEvent.count()).toBe(0);
    expect(await db.prisma.outbox.count()).toBe(0);
  });

  it('applies a retried or double-clicked request once', async () => {
    const { service } = app;
    const a = await service.raise(as('ali-khan'), fundingDispute(), { idempotencyKey: 'slack:view:V9' });
    const b = await service.raise(as('ali-khan'), fundingDispute(), { idempotencyKey: 'slack:view:V9' });
    expect(b).toMatchObject({ duplicate: true, dispute: { id: a.dispute.id } });
    expect(await app.db.prisma.dispute.count()).toBe(1);

    const tick = { type: 'TICK_CHECKLIST' as const, stage: 1 as const, key: 'clarify', ticked: true };
    const [x, y] = await Promise.all([
      service.act(as('gus-hart'), { id: a.dispute.id }, tick, { idempotencyKey: 'slack:action:A1' }),
      service.act(as('gus-hart'), { id: a.dispute.id }, tick, { idempotencyKey: 'slack:action:A1' }),
    ]);
    expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
    const ticks = await app.db.prisma.historyEvent.count({ where: { disputeId: a.dispute.id, type: 'CHECKLIST_TICKED' } });
    expect(ticks).toBe(1);
  });
});
