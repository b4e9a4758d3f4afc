import { Foreground } from '../../src/app/foreground.ts';
import { AnswerQueue } from '../../src/adapters/slack/answer-queue.ts';
import { until } from '../helpers/wait.ts';

describe('background work and waiting requests', () => {
  // One per test: nothing is shared between running bots, or between tests.
  let f: Foreground;
  beforeEach(() => { f = new Foreground(); });

  it('knows it is in the background through every await that follows, and nowhere else', async () => {
    const seen = await f.runInBackground(async () => {
      const first = f.isBackground();
      await new Promise((r) => setImmediate(r));
      const afterTurn = f.isBackground();
      const inChild = await Promise.resolve().then(() => f.isBackground());
      return [first, afterTurn, inChild];
    });
    expect(seen).toEqual([true, true, true]);
    expect(f.isBackground()).toBe(false);
  });

  it('counts a request as waiting while it is answered, once however often it is finished', () => {
    const done = f.requestStarted();
    expect(f.requestsWaiting()).toBe(true);
    done();
    done();
    const other = f.requestStarted();
    expect(f.requestsWaiting()).toBe(true);
    other();
  });

  it('lets work after an answer wait until no request is in flight, and no longer than its limit', async () => {
    await f.noRequestInFlight(60_000);
    const one = f.requestStarted();
    const two = f.requestStarted();
    let woke = false;
    const waiting = f.noRequestInFlight(60_000).then(() => { woke = true; });
    one();
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    two();
    await waiting;
    expect(woke).toBe(true);
    // A request that never ends holds nobody past the limit.
    const stuck = f.requestStarted();
    await f.noRequestInFlight(1);
    stuck();
  });

  it('waits for a pause in a burst, not only for the moment the last answer went out', async () => {
    const first = f.requestStarted();
    let woke = false;
    const waiting = f.noRequestInFlight(60_000).then(() => { woke = true; });
    first();
    // The next request of the burst arrives straight after the answer: the held work must not start in between.
    const second = f.requestStarted();
    const lastArrival = performance.now();
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    second();
    await waiting;
    expect(performance.now() - lastArrival).toBeGreaterThanOrEqual(100);
  });

  it('hands answered requests over in arrival order, only once no request is in flight', async () => {
    const busy = f.requestStarted();
    const ran: number[] = [];
    const queue = new AnswerQueue(f, 60_000);
    for (const n of [1, 2, 3]) queue.defer(() => { ran.push(n); if (n === 2) throw new Error('a runner that throws'); });
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([]);
    busy();
    // One that throws does not strand those behind it.
    await until(() => ran.length === 3, 'all three handed over');
    expect(ran).toEqual([1, 2, 3]);
  });

  it('hands an answered request over at its limit even while requests keep arriving', async () => {
    const stuck = f.requestStarted();
    let ran = false;
    new AnswerQueue(f, 1).defer(() => { ran = true; });
    await until(() => ran, 'the handover at its limit');
    stuck();
  });

  it('two running bots count their own requests only', () => {
    const other = new Foreground();
    const done = other.requestStarted();
    expect(other.requestsInFlight()).toBe(1);
    expect(f.requestsInFlight()).toBe(0);
    done();
  });
});
