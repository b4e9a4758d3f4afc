import { AsyncLocalStorage } from 'node:async_hooks';

/** How long after a request arrives background work still expects the next one: people click in runs. */
const QUIET_MS = 1_000;

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
 * Work that nobody is waiting on (a scheduler sweep, the outbox) against
 * work a person is waiting on (a click, a command), in one running bot. Both
 * share one event loop, and on the embedded database one connection:
 * background work marks itself, so the database lane can serve waiting
 * requests first, and watches how many requests are in flight, so it can
 * take smaller steps while they are.
 *
 * One per running bot, handed to whoever counts requests (the HTTP server, a
 * socket connection) and whoever defers to them (the sweep, the outbox, the
 * embedded database's lane). A process that serves no requests (the CLI, a
 * test of the register) gets one that never sees any.
 */
export class Foreground {
  private readonly background = new AsyncLocalStorage<true>();
  private inFlight = 0;
  private lastArrival = -Infinity;
  private readonly whenIdle = new Set<() => void>();

  runInBackground<T>(fn: () => Promise<T>): Promise<T> {
    return this.background.run(true, fn);
  }

  /** True inside runInBackground, through every await that follows from it. */
  isBackground(): boolean {
    return this.background.getStore() === true;
  }

  /** Counts one inbound request until the returned function is called (extra calls are ignored). */
  requestStarted(): () => void {
    this.inFlight++;
    this.lastArrival = performance.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of [...this.whenIdle]) wake();
    };
  }

  /**
   * Resolves once no counted request is in flight and none has arrived for
   * PAUSE_MS, or after `maxMs` at most: work that follows an answer already
   * given waits while people are still waiting for theirs, but never for long.
   */
  noRequestInFlight(maxMs: number): Promise<void> {
    if (this.inFlight === 0 && performance.now() - this.lastArrival >= PAUSE_MS) return Promise.resolve();
    return new Promise((resolve) => {
      let pause: ReturnType<typeof setTimeout> | undefined;
      const finish = () => { this.whenIdle.delete(wake); clearTimeout(limit); clearTimeout(pause); resolve(); };
      // Called when the last request in flight ends, and when a pause may be over.
      const wake = () => {
        clearTimeout(pause);
        if (this.inFlight > 0) return;
        const left = PAUSE_MS - (performance.now() - this.lastArrival);
        if (left <= 0) finish();
        else pause = setTimeout(wake, left);
      };
      const limit = setTimeout(finish, maxMs);
      this.whenIdle.add(wake);
      wake();
    });
  }

  /** True while a request is being answered, or one arrived within the last second. */
  requestsWaiting(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastArrival < QUIET_MS;
  }

  /** Requests being answered now (probes not counted). */
  requestsInFlight(): number {
    return this.inFlight;
  }
}
