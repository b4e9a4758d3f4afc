import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Work that nobody is waiting on (a scheduler sweep) against work a person
 * is waiting on (a click, a command). Both share one event loop, and on the
 * embedded database one connection: background work marks itself, so the
 * database lane can serve waiting requests first, and watches how many
 * requests are in flight, so it can take smaller steps while they are.
 */
const background = new AsyncLocalStorage<true>();

export function runInBackground<T>(fn: () => Promise<T>): Promise<T> {
  return background.run(true, fn);
}

/** True inside runInBackground, through every await that follows from it. */
export function isBackground(): boolean {
  return background.getStore() === true;
}

/** How long after a request arrives background work still expects the next one: people click in runs. */
const QUIET_MS = 1_000;

let inFlight = 0;
let lastArrival = -Infinity;

const whenIdle = new Set<() => void>();

/** Counts one inbound request until the returned function is called (extra calls are ignored). */
export function requestStarted(): () => void {
  inFlight++;
  lastArrival = performance.now();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    inFlight--;
    if (inFlight === 0) for (const wake of [...whenIdle]) wake();
  };
}

/**
 * How long without a new request counts as a pause: in a burst, the next
 * request often arrives within a millisecond of the last answer, so "none in
 * flight" alone would let held work start in the middle of the burst.
 */
const PAUSE_MS = 20;

/**
 * Resolves once no counted request is in flight and none has arrived for
 * PAUSE_MS, or after `maxMs` at most: work that follows an answer already
 * given waits while people are still waiting for theirs, but never for long.
 */
export function noRequestInFlight(maxMs: number): Promise<void> {
  if (inFlight === 0 && performance.now() - lastArrival >= PAUSE_MS) return Promise.resolve();
  return new Promise((resolve) => {
    let pause: ReturnType<typeof setTimeout> | undefined;
    const finish = () => { whenIdle.delete(wake); clearTimeout(limit); clearTimeout(pause); resolve(); };
    // Called when the last request in flight ends, and when a pause may be over.
    const wake = () => {
      clearTimeout(pause);
      if (inFlight > 0) return;
      const left = PAUSE_MS - (performance.now() - lastArrival);
      if (left <= 0) finish();
      else pause = setTimeout(wake, left);
    };
    const limit = setTimeout(finish, maxMs);
    whenIdle.add(wake);
    wake();
  });
}

/** True while a request is being answered, or one arrived within the last second. */
export function requestsWaiting(): boolean {
  return inFlight > 0 || performance.now() - lastArrival < QUIET_MS;
}
