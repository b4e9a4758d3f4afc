import { afterAnswers, isBackground, noRequestInFlight, requestStarted, requestsWaiting, runInBackground } from '../../src/app/foreground.ts';
import { until } from '../helpers/wait.ts';

describe('background work and waiting requests', () => {
  it('knows it is in the background through every await that follows, and nowhere else', async () => {
    const seen = await runInBackground(async () => {
      const first = isBackground();
      await new Promise((r) => setImmediate(r));
      const afterTurn = isBackground();
      const inChild = await Promise.resolve().then(() => isBackground());
      return [first, afterTurn, inChild];
    });
    expect(seen).toEqual([true, true, true]);
    expect(isBackground()).toBe(false);
  });

  it('counts a request as waiting while it is answered, once however often it is finished', () => {
    const done = requestStarted();
    expect(requestsWaiting()).toBe(true);
    done();
    done();
    const other = requestStarted();
    expect(requestsWaiting()).toBe(true);
    other();
  });

  it('lets work after an answer wait until no request is in flight, and no longer than its limit', async () => {
    await noRequestInFlight(60_000);
    const one = requestStarted();
    const two = requestStarted();
    let woke = false;
    const waiting = noRequestInFlight(60_000).then(() => { woke = true; });
    one();
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    two();
    await waiting;
    expect(woke).toBe(true);
    // A request that never ends holds nobody past the limit.
    const stuck = requestStarted();
    await noRequestInFlight(1);
    stuck();
  });

  it('waits for a pause in a burst, not only for the moment the last answer went out', async () => {
    const first = requestStarted();
    let woke = false;
    const waiting = noRequestInFlight(60_000).then(() => { woke = true; });
    first();
    // The next request of the burst arrives straight after the answer: the held work must not start in between.
    const second = requestStarted();
    const lastArrival = performance.now();
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    second();
    await waiting;
    expect(performance.now() - lastArrival).toBeGreaterThanOrEqual(100);
  });

  it('hands answered requests over in arrival order, only once no request is in flight', async () => {
    const busy = requestStarted();
    const ran: number[] = [];
    for (const n of [1, 2, 3]) afterAnswers(() => { ran.push(n); if (n === 2) throw new Error('a runner that throws'); }, 60_000);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([]);
    busy();
    // One that throws does not strand those behind it.
    await until(() => ran.length === 3, 'all three handed over');
    expect(ran).toEqual([1, 2, 3]);
  });

  it('hands an answered request over at its limit even while requests keep arriving', async () => {
    const stuck = requestStarted();
    let ran = false;
    afterAnswers(() => { ran = true; }, 1);
    await until(() => ran, 'the handover at its limit');
    stuck();
  });
});
