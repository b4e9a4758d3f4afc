// The register page with 10,000 disputes on the embedded database: how long
// the list takes to answer through the full HTTP stack, unfiltered and with
// each filter (target: under 300 ms). Prints figures; asserts nothing.
//
//   npm run bench:register        (BENCH_DISPUTES=10000, BENCH_RUNS=20)
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/app/logger.ts';
import { loadEnv } from '../src/platforms.ts';
import { startBot } from '../src/bot.ts';

const N = Number(process.env.BENCH_DISPUTES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off' });
const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
const t0 = performance.now();
// A realistic spread: three organisations, subjects, stages, a third resolved, flags and themes on some.
await bot.app.db.sql.exec(`
  INSERT INTO "Dispute" ("id","reference","status","stage","version","subjects","cohort","setting","localCaseRef","description","currentCare",
    "careContinues","endingProposal","raisedById","raisedAt","raisedOn","namedProfessionals","nextWakeAt","overdue","updatedAt")
  SELECT 'd' || g, 'S117-' || (2020 + g % 7) || '-' || lpad(g::text, 5, '0'), CASE WHEN g % 3 = 0 THEN 'RESOLVED' ELSE 'OPEN' END::"DisputeStatus",
    1 + g % 4, 1, ARRAY[(ARRAY['FUNDING','ELIGIBILITY','ACCOMMODATION','SCOPE','CHC_INTERFACE'])[1 + g % 5]], 'ADULT', 'COMMUNITY', 'C' || g, 'd', 'c',
    true, false, 'ali-khan', timestamp '2020-01-01' + (g || ' hours')::interval * 5, 'slack', ARRAY[]::text[], NULL, g % 17 = 0, now()
  FROM generate_series(1, ${N}) g;
  INSERT INTO "Party" SELECT 'd' || g, 'anytown-council', 'RAISING' FROM generate_series(1, ${N}) g;
  INSERT INTO "Party" SELECT 'd' || g, CASE WHEN g % 2 = 0 THEN 'anytown-icb' ELSE 'anytown-trust' END, 'RESPONDING' FROM generate_series(1, ${N}) g;
  INSERT INTO "StageInstance" ("disputeId","stage","startedAt","dueAt","workingDays","reminders")
    SELECT 'd' || g, 1 + g % 4, now(), now() + ((g % 30) - 10 || ' days')::interval, 5, '[]'::jsonb FROM generate_series(1, ${N}) g;
  INSERT INTO "Participant" SELECT 'd' || g, CASE WHEN g % 4 = 0 THEN 'lou-gray' ELSE 'ali-khan' END, 1, 'raised', now() FROM generate_series(1, ${N}) g;
  INSERT INTO "Flag" SELECT 'd' || g, 1, CASE WHEN g % 2 = 0 THEN 'UNLAWFUL_GROUND' ELSE 'STAGE_OVERDUE' END, 'BUDGET', 'x', now() FROM generate_series(1, ${N}, 5) g;
  INSERT INTO "Theme" SELECT 'd' || g, 'funding split', 'ali-khan', now() FROM generate_series(1, ${N}, 7) g;
  ANALYZE;`);
console.log(`Register page benchmark: ${N} disputes (loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s) on ${bot.app.db.description}; ${RUNS} requests each; node ${process.version}`);
const base = `http://127.0.0.1:${bot.address.port}/register`;
for (const q of ['', '?status=OPEN', '?org=anytown-trust', '?subject=CHC_INTERFACE', '?stage=3', '?flag=UNLAWFUL_GROUND', '?status=OVERDUE', '?from=2022-01-01&to=2022-12-31', '?sort=due&dir=asc', '?org=anytown-icb&subject=FUNDING&status=OPEN&page=3']) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await fetch(base + q);
    await r.text();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${(q || '(no filter)').padEnd(58)} p50 ${times[Math.floor(RUNS / 2)]!.toFixed(1).padStart(6)} ms  p95 ${times[Math.floor(RUNS * 0.95)]!.toFixed(1).padStart(6)} ms`);
}
await bot.stop();
process.exit(0);
