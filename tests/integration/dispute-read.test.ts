import fs from 'node:fs';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import type { Command } from '../../src/domain/commands.ts';
import { DATE_COLUMNS, lastEntryOf, readDispute } from '../../src/register/dispute-read.ts';
import { loadDispute, type Tx } from '../../src/register/dispute-repo.ts';

// The register reads a dispute as one plain SQL statement (src/register/dispute-read.ts), not through Prisma's
// relation joins: it must give toDomain exactly what Prisma gives it, for a dispute with every kind of row.

type Act = Exclude<Command, { type: 'RAISE' }>;
const STEPS: [string, string, Act][] = [
  ['2026-12-08T10:00:00Z', 'ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Told by phone.' }],
  ['2026-12-08T11:00:00Z', 'gus-hart', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true }],
  ['2026-12-08T12:00:00Z', 'ali-khan', { type: 'ADD_THEME', theme: 'placeholder', areas: ['QUALITY_IMPROVEMENT'] }],
  ['2026-12-08T13:00:00Z', 'gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'DELAYED', detail: 'The new flat start is delayed.' }],
  ['2026-12-09T10:00:00Z', 'gus-hart', { type: 'RECORD_CARE_RESTORED', detail: 'Start date kept.' }],
  ['2026-12-09T10:30:00Z', 'gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-01', decisionDate: '2026-12-09' }],
  ['2026-12-09T10:40:00Z', 'gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-02', parties: ['anytown-icb', 'anytown-council'], amountOrShare: 'ICB 100% of nursing', personNotPenalised: true }],
  ['2026-12-09T11:00:00Z', 'eve-ford', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'WRITTEN_DECISION', commissioning: 'The ICB commissions the flat.' } }],
  ['2026-12-09T11:10:00Z', 'jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' }],
  ['2026-12-10T10:00:00Z', 'ali-khan', { type: 'ESCALATE', reason: 'No agreement on the funding split' }],
];

describe.each(DATABASES)('a dispute read as one SQL statement (%s)', (_name, make) => {
  let db: Awaited<ReturnType<(typeof DATABASES)[number][1]>>;
  let app: TestApp;
  beforeAll(async () => {
    db = await make();
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock('2026-12-07T10:00:00Z') });
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('[R11.1] gives the same dispute as Prisma\'s relation joins, with the newest history entry beside it', async () => {
    const { dispute } = await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({
      parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' },
        { organisationId: 'anytown-trust', role: 'INTERESTED' }],
    }));
    const done: string[] = [];
    for (const [at, who, cmd] of STEPS) {
      app.clock.set(new Date(at));
      // A step the protocol refuses here is left out; what matters is the variety of rows written.
      await app.service.act({ personId: who, platform: 'slack' }, { id: dispute.id }, cmd).then(() => done.push(cmd.type), () => undefined);
    }
    expect(done.length).toBeGreaterThanOrEqual(6);
    const keys = app.db.identifiers!;
    const viaPrisma = await loadDispute(app.db.prisma as unknown as Tx, { id: dispute.id }, keys);
    const raw = await readDispute(app.db.sql, { id: dispute.id }, keys);
    expect(raw).toEqual(viaPrisma);
    expect(JSON.stringify(raw)).toBe(JSON.stringify(viaPrisma));
    expect(raw!.nhsNumberSeal).toBe(viaPrisma!.nhsNumberSeal);
    expect(raw!.decisions.length + raw!.personSteps.length + raw!.themes.length + raw!.flags.length).toBeGreaterThan(2);
    expect(await readDispute(app.db.sql, { reference: dispute.reference }, keys)).toEqual(viaPrisma);
    // The newest entry, as appendHistory would have asked for it.
    const newest = await app.db.prisma.historyEvent.findFirst({ where: { disputeId: dispute.id }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true, facts: true } });
    expect(lastEntryOf(raw!)).toEqual(newest);
    expect(await readDispute(app.db.sql, { id: 'no-such-dispute' }, keys)).toBeNull();
    // Twice: the second time from the prepared statement.
    expect(await readDispute(app.db.sql, { id: dispute.id }, keys)).toEqual(viaPrisma);
  });

  it('keeps a quote in a parameter a value (the embedded database\'s EXECUTE takes literals)', async () => {
    expect(await readDispute(app.db.sql, { reference: "S117-2026-0001' OR 'x' = 'x" }, app.db.identifiers!)).toBeNull();
    expect(await app.db.sql.prepared!<{ v: string }>('SELECT $1::text AS v', ["it's \\ here"])).toEqual([{ v: "it's \\ here" }]);
  });
});

it('turns every DateTime column of the tables it reads back into a Date', () => {
  const schema = fs.readFileSync('prisma/schema.prisma', 'utf8');
  for (const [table, cols] of Object.entries(DATE_COLUMNS)) {
    const body = new RegExp(`model ${table} \\{([^}]*)\\}`).exec(schema)![1]!;
    const inSchema = [...body.matchAll(/^\s+(\w+)\s+DateTime\??/gm)].map((m) => m[1]);
    expect([table, [...cols].sort()]).toEqual([table, inSchema.sort()]);
  }
});
