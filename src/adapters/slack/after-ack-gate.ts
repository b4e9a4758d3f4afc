import type { App as BoltApp } from '@slack/bolt';
import { ANSWERED_HOLD_MS, noRequestInFlight } from '../../app/foreground.ts';

/**
 * A first-come gate for the work a listener does after its ack(): at most
 * `limit` requests' follow-up work runs at once. Everything before the ack
 * (signature check, parsing, a form's validation) is never held, so a burst
 * of clicks is acknowledged at once and worked through a few at a time,
 * instead of fifty transactions' callbacks crowding the event loop ahead of
 * the next request's acknowledgement.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves with the release function once a place is free. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          const next = this.waiting.shift();
          // Granted on a later turn of the event loop, so waiting sockets are read first.
          if (next) setImmediate(next);
        });
      };
      if (this.active < this.limit && this.waiting.length === 0) grant();
      else this.waiting.push(grant);
    });
  }

  get pending(): number { return this.waiting.length; }
}

type ProcessEvent = BoltApp['processEvent'];

/** The receiver's custom property for a request the HTTP guard answered before Bolt saw it (when, by performance.now()). */
export const ANSWERED_EARLY = 's117AnsweredEarly';

/**
 * Puts every request's after-ack work behind the gate. Done on the App's
 * event entry point, where the receiver hands over the ack function, so no
 * listener needs to know: a listener's `await ack()` returns once its request
 * may go on.
 */
export function gateAfterAck(
  app: BoltApp, gate: Gate, opts: { holdWhileAnswering?: { maxMs: number } } = {},
): { settled(): Promise<void> } {
  const process: ProcessEvent = app.processEvent.bind(app);
  const hold = opts.holdWhileAnswering;
  let inProgress = 0;
  let waiters: (() => void)[] = [];
  app.processEvent = async (event) => {
    inProgress++;
    let release: (() => void) | null = null;
    const ack = event.ack;
    // Answered by the HTTP guard and handed over in a pause already: no need to wait for one before queueing,
    // and its time to start counts from its arrival (a form's trigger_id lasts 3 s).
    const answeredAt = event.customProperties?.[ANSWERED_EARLY];
    const answered = typeof answeredAt === 'number';
    const startBy = answered ? () => Math.max(0, answeredAt + ANSWERED_HOLD_MS - performance.now()) : () => hold?.maxMs ?? 0;
    const gated: typeof event = {
      ...event,
      ack: async (response) => {
        await ack(response);
        // In a burst, the next requests' acknowledgements come first (a little longer only, never for ever).
        if (release) return;
        if (hold && !answered) await noRequestInFlight(hold.maxMs);
        release = await gate.acquire();
        // A place can come free in the middle of the next burst: start in a pause (or at the limit) all the same.
        if (hold) await noRequestInFlight(startBy());
      },
    };
    try {
      await process(gated);
    } finally {
      (release as (() => void) | null)?.();
      if (--inProgress === 0) { for (const w of waiters) w(); waiters = []; }
    }
  };
  return {
    /** Resolves once no request is being processed, after-ack work included. */
    settled: () => (inProgress === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
  };
}
