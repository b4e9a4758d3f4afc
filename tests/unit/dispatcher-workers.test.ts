import { OutboxDispatcher } from '../../src/app/dispatcher.ts';
import type { DisputeService } from '../../src/app/dispute-service.ts';
import type { ClaimedRow, Outbox, RateLimitStore } from '../../src/app/outbox.ts';
import type { ChatPort } from '../../src/app/ports.ts';
import { createLogger } from '../../src/app/logger.ts';
import { FakeClock } from '../fakes/clock.ts';

// How many workers the dispatcher puts on a pass: one to start, another each
// time a claim finds a row, up to its concurrency. The outbox here is an
// in-memory stand-in for the port (the SQL one is tested against the real
// databases in the integration suites).

function memoryOutbox(n: number) {
  let next = 0;
  const state = { claims: 0 };
  const outbox = {
    async claim(now: Date): Promise<ClaimedRow | null> {
      state.claims++;
      if (next >= n) return null;
      const id = next++;
      return {
        id: BigInt(id), idempotencyKey: `k${id}`, disputeId: null, kind: 'GOVERNANCE', platform: 'test',
        payload: { kind: 'GOVERNANCE', message: { title: `t${id}`, lines: [], mentions: [] }, notBefore: now.toISOString() },
        attempts: 1, failures: 0, notBefore: now, firstTriedAt: now, uncertain: false, platformRef: null, claimToken: 't',
      } as ClaimedRow;
    },
    async renew() { return true; },
    async delivered() { return 0; },
  } as unknown as Outbox;
  return { outbox, state };
}

function slowPort() {
  const state = { running: 0, most: 0, sent: 0 };
  const port = {
    platform: 'test',
    async governance() {
      state.running++;
      state.most = Math.max(state.most, state.running);
      await new Promise((r) => setTimeout(r, 5));
      state.running--;
      state.sent++;
    },
  } as unknown as ChatPort;
  return { port, state };
}

const limits: RateLimitStore = { take: async () => 0, hold: async () => {}, held: async () => [] };

function dispatcher(outbox: Outbox, port: ChatPort) {
  return new OutboxDispatcher({
    outbox, limits, clock: new FakeClock('2026-12-07T10:00:00Z'), service: {} as DisputeService, ports: { test: port },
    defaultPlatform: 'test', logger: createLogger('silent'), settings: { concurrency: 4 },
  });
}

describe('the outbox dispatcher\'s workers', () => {
  it('claims a lone due row with two empty claims after it, not one per worker', async () => {
    const { outbox, state } = memoryOutbox(1);
    const { port, state: sent } = slowPort();
    expect((await dispatcher(outbox, port).deliverDue()).delivered).toBe(1);
    expect(sent.sent).toBe(1);
    expect(state.claims).toBe(3);
  });

  it('claims once when nothing is due', async () => {
    const { outbox, state } = memoryOutbox(0);
    const { port } = slowPort();
    expect((await dispatcher(outbox, port).deliverDue()).delivered).toBe(0);
    expect(state.claims).toBe(1);
  });

  it('still delivers a backlog with as many rows at once as its concurrency, every row once', async () => {
    const { outbox } = memoryOutbox(20);
    const { port, state } = slowPort();
    expect((await dispatcher(outbox, port).deliverDue()).delivered).toBe(20);
    expect(state.sent).toBe(20);
    expect(state.most).toBe(4);
  });

  it('fails the pass when a worker that joined late cannot claim, with nothing left unhandled', async () => {
    const { outbox } = memoryOutbox(20);
    const claim = outbox.claim.bind(outbox);
    let calls = 0;
    outbox.claim = async (now: Date, leaseMs: number) => {
      if (++calls === 3) throw new Error('the database went away');
      return claim(now, leaseMs);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => { unhandled.push(e); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const { port } = slowPort();
      await expect(dispatcher(outbox, port).deliverDue()).rejects.toThrow('the database went away');
      // Node reports an unhandled rejection once the microtasks of the turn have run.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
