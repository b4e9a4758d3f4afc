import type { Foreground } from '../../app/foreground.ts';

/**
 * The longest a request answered before it was processed waits, from its
 * arrival, for the others' answers before its processing starts anyway: a
 * press that opens a form must call views.open within Slack's 3 s for its
 * trigger_id.
 */
export const ANSWERED_HOLD_MS = 1_000;

/** Answered requests waiting at most; beyond this each is processed before it is answered, as Slack's own backpressure. */
export const MAX_ANSWERED_WAITING = 500;

interface HandOff { run: () => void; by: number }

/**
 * Requests already answered, waiting for their processing: each runs once no
 * request is in flight (see Foreground.noRequestInFlight), or ANSWERED_HOLD_MS
 * after it arrived at the latest, one per turn of the event loop, first come
 * first served. Nobody waits on their processing, so a burst's next answers
 * go first and a request arriving in the middle of the backlog is read
 * before the rest.
 */
export class AnswerQueue {
  private readonly handOffs: HandOff[] = [];
  private draining = false;
  private readonly handedOverWaiters: (() => void)[] = [];

  constructor(private readonly foreground: Foreground, private readonly holdMs = ANSWERED_HOLD_MS) {}

  /** Whether another answered request may wait here (else it is processed before it is answered). */
  get hasRoom(): boolean { return this.handOffs.length < MAX_ANSWERED_WAITING; }

  /** Answered requests not yet handed over. */
  get waiting(): number { return this.handOffs.length; }

  /** When `arrivedAt` (performance.now()) plus the hold has passed, its processing starts whatever else is waiting. */
  startBy(arrivedAt: number): number {
    return Math.max(0, arrivedAt + this.holdMs - performance.now());
  }

  defer(run: () => void, arrivedAt = performance.now()): void {
    this.handOffs.push({ run, by: arrivedAt + this.holdMs });
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.handOffs.length) {
        await this.foreground.noRequestInFlight(Math.max(0, this.handOffs[0]!.by - performance.now()));
        // The runner reports its own failures; one that throws must not strand the rest of the queue.
        try { this.handOffs.shift()!.run(); } catch { /* see above */ }
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.draining = false;
      for (const w of this.handedOverWaiters.splice(0)) w();
    }
  }

  /** Resolves once every answered request queued so far has been handed over (for a stop that loses none). */
  handedOver(): Promise<void> {
    if (!this.draining && this.handOffs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.handedOverWaiters.push(resolve));
  }
}
