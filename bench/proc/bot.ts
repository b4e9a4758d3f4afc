// The bot under test in a process of its own, as it runs in production: the
// benchmark's load generator lives in the parent and the fake Slack/Teams
// servers in processes of their own (fake-platform.ts), so their work is not
// counted against the bot's event loop. Driven over IPC (see Request).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { Clock } from '../../src/app/ports.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { fundingDispute } from '../../tests/fixtures/disputes.ts';
import { pct } from '../lib.ts';

export type Request =
  | { op: 'start'; env: Record<string, string>; at: string }
  | { op: 'raise'; n: number; platform: 'slack' | 'teams' | 'cli'; personId?: string; input?: Record<string, unknown> }
  | { op: 'handles'; personId: string }
  | { op: 'clock'; at: string }
  | { op: 'sweep' }
  | { op: 'settle' }
  | { op: 'cpu' }
  | { op: 'profile'; file?: string }
  | { op: 'stop' };

export interface SweepFigures { processed: number; ms: number; lagP99: number; lagMax: number; turnP99: number; turnMax: number }

/**
 * The CPU time of every turn of the event loop until stop(): what a waiting
 * request is held up by, without the time other processes on a busy machine
 * take from us (wall-clock stalls count that too).
 */
function turnCpu(): { stop(): number[] } {
  const out: number[] = [];
  let last = process.cpuUsage();
  let on = true;
  const tick = () => {
    const d = process.cpuUsage(last);
    last = process.cpuUsage();
    out.push((d.user + d.system) / 1000);
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { stop: () => { on = false; return out; } };
}

/**
 * Protocol time that moves on with real time from the instant it is set to,
 * so the bot's timers and backoffs behave as in production, while the
 * benchmark can still jump to a stage's deadline.
 */
class FlowingClock implements Clock {
  private base: number;
  private t0 = performance.now();
  constructor(at: string) { this.base = new Date(at).getTime(); }
  now(): Date { return new Date(this.base + (performance.now() - this.t0)); }
  set(at: string): void { this.base = new Date(at).getTime(); this.t0 = performance.now(); }
}

let bot: Bot | null = null;
let clock: FlowingClock | null = null;
let session: import('node:inspector').Session | null = null;

async function handle(m: Request): Promise<unknown> {
  switch (m.op) {
    case 'start': {
      clock = new FlowingClock(m.at);
      bot = await startBot({ env: loadEnv(m.env), logger: createLogger('silent'), scheduler: false, clock });
      return { port: bot.address.port, description: bot.app.db.description, localToken: bot.localToken };
    }
    case 'raise': {
      const ids: string[] = [];
      for (let i = 0; i < m.n; i += 10) {
        const batch = await Promise.all(Array.from({ length: Math.min(10, m.n - i) }, () => bot!.app.service.raise({ personId: m.personId ?? 'ali-khan', platform: m.platform }, { ...fundingDispute(), ...m.input })));
        ids.push(...batch.map((r) => r.dispute.id));
      }
      return { ids };
    }
    case 'handles':
      return bot!.app.directory.people.find((p) => p.id === m.personId)?.handles ?? {};
    case 'clock':
      clock!.set(m.at);
      return {};
    case 'sweep': {
      // How long the event loop went without reading a socket while the sweep ran: what a click waits for, at worst.
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const turns = turnCpu();
      const t0 = performance.now();
      const swept = await bot!.app.service.sweepDue();
      const ms = performance.now() - t0;
      lag.disable();
      const turnMs = turns.stop();
      const figures: SweepFigures = {
        processed: swept.processed, ms, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6,
        turnP99: pct(turnMs, 99), turnMax: turnMs.reduce((a, b) => Math.max(a, b), 0),
      };
      return figures;
    }
    case 'settle': {
      // Until the work that followed earlier acks (transactions, card updates) is done: a quarter-second in which
      // this process used under 5% of a core, or 60 s at most. Returns how long that took.
      const t0 = performance.now();
      for (;;) {
        const before = process.cpuUsage();
        await new Promise((r) => setTimeout(r, 250));
        const d = process.cpuUsage(before);
        if ((d.user + d.system) / 1000 < 12.5 || performance.now() - t0 > 60_000) return { ms: performance.now() - t0 };
      }
    }
    case 'cpu': {
      const u = process.cpuUsage();
      return { ms: (u.user + u.system) / 1000 };
    }
    case 'profile': {
      // Starts the V8 profiler, or (with a file) stops it and writes the .cpuprofile there: only the turns measured.
      const { Session } = await import('node:inspector');
      if (!session) { session = new Session(); session.connect(); }
      const post = (method: string) => new Promise<unknown>((res, rej) => session!.post(method, (e, r) => (e ? rej(e) : res(r))));
      if (!m.file) { await post('Profiler.enable'); await post('Profiler.start'); return {}; }
      const { profile } = await post('Profiler.stop') as { profile: unknown };
      (await import('node:fs')).writeFileSync(m.file, JSON.stringify(profile));
      return {};
    }
    case 'stop':
      await bot?.stop();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (raw) => {
  const { id, request } = raw as { id: number; request: Request };
  handle(request).then(
    (value) => process.send!({ id, value }),
    (e: unknown) => process.send!({ id, error: e instanceof Error ? e.stack ?? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
