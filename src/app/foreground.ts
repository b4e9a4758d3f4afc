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
 * Resolves once no counted request is in flight, or after `maxMs` at most:
 * work that follows an answer already given waits while people are still
 * waiting for theirs, but never for long.
 */
export function noRequestInFlight(maxMs: number): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => { whenIdle.delete(wake); clearTimeout(timer); resolve(); };
    const timer = setTimeout(wake, maxMs);
    whenIdle.add(wake);
  });
}

/** True while a request is being answered, or one arrived within the last second. */
export function requestsWaiting(): boolean {
  return inFlight > 0 || performance.now() - lastArrival < QUIET_MS;
}
