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
 * How long without a new request counts as a pause. In a burst the next
 * request often arrives within a millisecond of the last answer, and a
 * sender's own hiccups (garbage collection, the network) leave gaps of tens
 * of milliseconds: work started in such a gap is still running when the
 * burst resumes, and the requests arriving then wait for it. Measured with
 * `bench:slack` at 50 clicks at once, 20 ms let the slowest 1 % of answers
 * take 1.25-1.78x a bare Bolt app's time, 100 ms 0.54-1.00x. A card update
 * that starts 0.1 s after the click is not something a person notices.
 */
const PAUSE_MS = 100;

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

/**
 * The longest a request answered before it was processed waits, from its
 * arrival, for the others' answers before its processing starts anyway: a
 * press that opens a form must call views.open within Slack's 3 s for its
 * trigger_id.
 */
export const ANSWERED_HOLD_MS = 1_000;

interface HandOff { run: () => void; by: number }
const handOffs: HandOff[] = [];
let draining = false;

/**
 * Runs `run` once no request is in flight (see noRequestInFlight), or `maxMs`
 * after it was queued at the latest, one queued item per turn of the event
 * loop, first come first served: for a request already answered, whose
 * processing nobody is waiting on, so a burst's next answers go first and a
 * request arriving in the middle of the backlog is read before the rest.
 */
export function afterAnswers(run: () => void, maxMs: number): void {
  handOffs.push({ run, by: performance.now() + maxMs });
  if (!draining) void drainHandOffs();
}

const handedOverWaiters: (() => void)[] = [];

async function drainHandOffs(): Promise<void> {
  draining = true;
  try {
    while (handOffs.length) {
      await noRequestInFlight(Math.max(0, handOffs[0]!.by - performance.now()));
      // The runner reports its own failures; one that throws must not strand the rest of the queue.
      try { handOffs.shift()!.run(); } catch { /* see above */ }
      await new Promise<void>((r) => setImmediate(r));
    }
  } finally {
    draining = false;
    for (const w of handedOverWaiters.splice(0)) w();
  }
}

/** Resolves once every answered request queued so far has been handed over (for a stop that loses none). */
export function handedOver(): Promise<void> {
  if (!draining && handOffs.length === 0) return Promise.resolve();
  return new Promise((resolve) => handedOverWaiters.push(resolve));
}

/** Answered requests not yet handed over. */
export function answersWaiting(): number {
  return handOffs.length;
}

/** Requests being answered now (probes not counted). */
export function requestsInFlight(): number {
  return inFlight;
}
