// Shared by the benchmarks: percentiles, the databases to run on, a load loop.
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

export interface BenchDb { label: string; env: Record<string, string>; cleanup(): Promise<void> }

/** The embedded database in a fresh folder (as `npm start` uses it), then a fresh PostgreSQL database when one is configured. */
export async function* databases(): AsyncGenerator<BenchDb> {
  // BENCH_SKIP_EMBEDDED=1 runs PostgreSQL only.
  if (process.env.BENCH_SKIP_EMBEDDED !== '1') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-bench-'));
    try {
      yield { label: 'embedded PGlite', env: { DATA_DIR: path.join(dir, 'data') }, cleanup: async () => {} };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!PG_URL) {
    console.log('PostgreSQL skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).');
    return;
  }
  const db = await freshPostgres();
  try {
    yield { label: 'PostgreSQL', env: { DATA_DIR: 'memory://', DATABASE_URL: db.url }, cleanup: async () => {} };
  } finally {
    await db.drop();
  }
}

/** A new, empty PostgreSQL database beside PG_URL's; drop() removes it, whoever is still connected. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server.');
  const name = `s117_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try { return await fn(c); } finally { await c.end(); }
  };
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(async (c) => { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); }) };
}

/**
 * Sends requests from `concurrency` clients until `n` are done or `stop()`
 * says so; returns each one's latency in ms. With `paceMs`, each client
 * sends at most one request per paceMs (a steady stream of users rather
 * than a flood).
 */
export async function load(send: () => Promise<number>, concurrency: number, n: number, stop: () => boolean = () => false, paceMs = 0): Promise<number[]> {
  const times: number[] = [];
  let started = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (started < n && !stop()) {
      started++;
      const t = performance.now();
      const status = await send();
      const ms = performance.now() - t;
      times.push(ms);
      if (status !== 200) throw new Error(`status ${status}`);
      if (paceMs > ms) await new Promise((r) => setTimeout(r, paceMs - ms));
    }
  }));
  return times;
}

export const row = (label: string, full: number[], bare: number[] | null): string => {
  const f = `full p50 ${pct(full, 50).toFixed(1)} ms p99 ${pct(full, 99).toFixed(1)} ms`;
  if (!bare) return `${label} ${f}`;
  return `${label} ${f} | bare p50 ${pct(bare, 50).toFixed(1)} ms p99 ${pct(bare, 99).toFixed(1)} ms | p99 ratio ${(pct(full, 99) / pct(bare, 99)).toFixed(2)}`;
};

export interface Child {
  send<T>(request: object): Promise<T>;
  first: Promise<unknown>;
  /** Ends the process: asks it to `request` first when given (a bot stops its sweeps and closes its database). */
  stop(request?: object): Promise<void>;
}

/**
 * Forks a TypeScript file as a process of its own (through tsx). `first` is
 * its first unprompted message; `send` asks it something and waits for the
 * answer (bench/proc/bot.ts's protocol). A child that dies fails whatever
 * waits on it, instead of leaving the benchmark hanging or crashing it.
 */
export function forkTs(file: string, args: string[] = []): Child {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv: ['--import', 'tsx', ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  let firstResolve!: (v: unknown) => void;
  let firstReject!: (e: Error) => void;
  const first = new Promise((resolve, reject) => { firstResolve = resolve; firstReject = reject; });
  first.catch(() => {});
  let gone: Error | null = null;
  child.on('message', (m: { id?: number; value?: unknown; error?: string }) => {
    if (m.id === undefined) return firstResolve(m);
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve(m.value);
  });
  // An IPC send to a child that has gone emits 'error'; unhandled, it would end this process.
  child.on('error', (e) => { gone ??= e; });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', (code, signal) => {
    gone ??= new Error(`${file} exited (${signal ?? code})`);
    firstReject(gone);
    for (const w of waiting.values()) w.reject(gone);
    waiting.clear();
  });
  return {
    first,
    send: <T>(request: object) => new Promise<T>((resolve, reject) => {
      if (gone || !child.connected) return reject(gone ?? new Error(`${file} is not running`));
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, request }, (e) => { if (e) { waiting.delete(id); reject(e); } });
    }),
    stop: async (request?: object) => {
      if (request && !gone && child.connected) await new Promise<void>((resolve) => {
        const id = next++;
        waiting.set(id, { resolve: () => resolve(), reject: () => resolve() });
        child.send({ id, request }, (e) => { if (e) { waiting.delete(id); resolve(); } });
      });
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.disconnect();
        else child.kill();
      }
      await exited;
    },
  };
}

/**
 * Sends each side a few hundred requests that are not measured: the first
 * ones pay for JIT compilation and lazy loading, which a bot that has been
 * running for a while no longer does.
 */
export async function warmUp(full: () => Promise<number>, bare: () => Promise<number>, n = 200): Promise<void> {
  await load(full, 10, n);
  await load(bare, 10, n);
}

/**
 * Measures the full bot and its bare yardstick in alternating rounds (full,
 * bare, full, bare…) of n/rounds requests each, pooling each side's latencies:
 * a machine that gets busier or quieter during the run then affects both
 * sides alike, rather than whichever happened to run second. `settle` runs
 * after each of the bot's rounds: the work the bot does after its acks would
 * otherwise run during the bare app's round, slowing the yardstick on this
 * 2-core machine and flattering the ratio.
 */
export async function compare(
  full: () => Promise<number>, bare: () => Promise<number>, concurrency: number, n: number,
  settle: () => Promise<unknown> = async () => {}, rounds = Number(process.env.BENCH_ROUNDS ?? 4),
): Promise<{ full: number[]; bare: number[]; senderStallMs: number }> {
  const out = { full: [] as number[], bare: [] as number[] };
  const per = Math.ceil(n / rounds);
  // The sender's own pauses are in every latency it measures; printed so a slow row can be told from a slow sender.
  // A histogram per round: one re-enabled after the settle would count the settle itself as a stall.
  let stallMax = 0;
  const timed = async (fn: () => Promise<number>): Promise<number[]> => {
    const stall = monitorEventLoopDelay({ resolution: 5 });
    stall.enable();
    try {
      return await load(fn, concurrency, per);
    } finally {
      stall.disable();
      stallMax = Math.max(stallMax, stall.max / 1e6);
    }
  };
  for (let i = 0; i < rounds; i++) {
    out.full.push(...await timed(full));
    await settle();
    out.bare.push(...await timed(bare));
  }
  return { ...out, senderStallMs: stallMax };
}
