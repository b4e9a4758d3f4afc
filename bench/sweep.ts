// How long one scheduler sweep takes with 1,000 due disputes among 1k and
// among 100k registered disputes, on the embedded database and (with
// BENCH_DATABASE_URL or TEST_DATABASE_URL) PostgreSQL. A sweep's cost should
// follow the due work, not the register's size: the ratio should stay near 1.
//
//   npm run bench:sweep            (add BENCH_DUE=200 BENCH_TOTAL=20000 for a quick run)
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { boot } from '../src/boot.ts';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/platforms.ts';
import { FakeClock } from '../tests/fakes/clock.ts';
import { RecordingChatPort } from '../tests/fakes/recording-chat-port.ts';
import { fundingDispute } from '../tests/fixtures/disputes.ts';
import { freshPostgres, PG_URL } from './lib.ts';

const DUE = Number(process.env.BENCH_DUE ?? 1000);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 100_000);

async function run(label: string, total: number, databaseUrl?: string): Promise<number> {
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const chat = new RecordingChatPort();
  const env = loadEnv({ DIRECTORY_FILE: 'config/directory.example.yaml', DATA_DIR: 'memory://', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const app = await boot({ env, logger: createLogger('silent'), clock, ports: { recording: chat }, defaultPlatform: 'recording' });
  try {
    const t0 = performance.now();
    for (let i = 0; i < DUE; i++) await app.service.raise({ personId: 'ali-khan', platform: 'cli' }, fundingDispute());
    // The rest of the register: open disputes due next year and resolved ones, inserted in bulk.
    const filler = total - DUE;
    if (filler > 0) {
      await app.db.sql.exec(`
        INSERT INTO "Dispute" ("id","reference","status","stage","version","subjects","cohort","setting","localCaseRef","description","currentCare",
          "careContinues","endingProposal","raisedById","raisedAt","raisedOn","namedProfessionals","nextWakeAt","updatedAt")
        SELECT 'filler-' || g, 'S117-2020-' || lpad(g::text, 6, '0'), CASE WHEN g % 3 = 0 THEN 'RESOLVED' ELSE 'OPEN' END::"DisputeStatus", 1, 1,
          ARRAY['FUNDING'], 'ADULT', 'COMMUNITY', 'X-' || g, 'filler', 'filler', true, false, 'ali-khan', now(), 'cli', ARRAY[]::text[],
          CASE WHEN g % 3 = 0 THEN NULL ELSE timestamp '2027-06-01' + (g || ' minutes')::interval END, now()
        FROM generate_series(1, ${filler}) AS g;
        ANALYZE "Dispute";`);
    }
    const setup = performance.now() - t0;
    clock.set('2026-12-14T17:05:00Z');
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    // BENCH_PROFILE=dir writes a CPU profile of each sweep alone (not the setup) for chrome://inspect or speedscope.
    const profiler = process.env.BENCH_PROFILE ? new Session() : null;
    if (profiler) { profiler.connect(); await profiler.post('Profiler.enable'); await profiler.post('Profiler.start'); }
    const r = await app.service.sweepDue(process.env.BENCH_BATCH ? { batch: Number(process.env.BENCH_BATCH) } : {});
    const ms = performance.now() - t1;
    // This process's CPU alone: on a busy machine the wall time mostly measures the neighbours.
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.mkdirSync(process.env.BENCH_PROFILE!, { recursive: true });
      fs.writeFileSync(`${process.env.BENCH_PROFILE}/sweep-${label.replace(/\W+/g, '-')}-${total}.cpuprofile`, JSON.stringify(profile));
      profiler.disconnect();
    }
    if (r.processed !== DUE) throw new Error(`expected ${DUE} escalations, got ${r.processed}`);
    console.log(`${label.padEnd(34)} registered ${String(total).padStart(7)}  due ${DUE}  sweep ${ms.toFixed(0).padStart(6)} ms  (${(ms / DUE).toFixed(2)} ms per due dispute, ${(cpuMs / DUE).toFixed(2)} ms CPU; setup ${(setup / 1000).toFixed(1)} s)`);
    return ms;
  } finally {
    await app.close();
  }
}

async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const db = await freshPostgres();
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

console.log(`Sweep benchmark: ${DUE} due disputes; node ${process.version}`);
// BENCH_SKIP_EMBEDDED=1 runs PostgreSQL only (the embedded half is the slow one to set up).
if (process.env.BENCH_SKIP_EMBEDDED !== '1') {
  const small = await run('embedded PGlite', DUE);
  const large = await run('embedded PGlite', TOTAL);
  console.log(`embedded PGlite ratio (${TOTAL} / ${DUE} registered): ${(large / small).toFixed(2)}`);
}
if (PG_URL) {
  const ps = await withPostgres((u) => run('PostgreSQL', DUE, u));
  const pl = await withPostgres((u) => run('PostgreSQL', TOTAL, u));
  console.log(`PostgreSQL ratio (${TOTAL} / ${DUE} registered): ${(pl / ps).toFixed(2)}`);
} else {
  console.log('PostgreSQL skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).');
}
process.exit(0);
