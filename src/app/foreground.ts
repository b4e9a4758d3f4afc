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

let inFlight = 0;

/** Counts one inbound request until the returned function is called (extra calls are ignored). */
export function requestStarted(): () => void {
  inFlight++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    inFlight--;
  };
}

/** Inbound requests received and not yet answered. */
export function requestsInFlight(): number {
  return inFlight;
}
