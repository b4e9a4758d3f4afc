import type { App as BoltApp, Receiver } from '@slack/bolt';
import type { Foreground } from '../../app/foreground.ts';

type ReceiverEvent = Parameters<BoltApp['processEvent']>[0];

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

export interface AfterAckOptions {
  /**
   * Over HTTP, a request counts until its answer is sent, so work after an
   * ack can wait (at most `maxMs`) for the other requests' answers. Not in
   * Socket Mode, where a request counts until its listener finishes: waiting
   * there would wait on itself.
   */
  holdWhileAnswering?: { foreground: Foreground; maxMs: number };
}

/**
 * Bolt's processing of one request with its after-ack work behind the gate.
 * The receiver calls `process` with the event it built, so no listener
 * needs to know: a listener's `await ack()` returns once its request may go
 * on.
 */
export class AfterAck {
  private inProgress = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly gate: Gate, private readonly opts: AfterAckOptions = {}) {}

  /**
   * `startBy`, for a request answered before it was processed: how long from
   * now its work may still wait for a pause (it was answered already, and a
   * form's trigger_id lasts 3 s from its arrival).
   */
  async process(app: BoltApp, event: ReceiverEvent, startBy?: () => number): Promise<void> {
    this.inProgress++;
    let release: (() => void) | null = null;
    const hold = this.opts.holdWhileAnswering;
    const ack = event.ack;
    const gated: ReceiverEvent = {
      ...event,
      ack: async (response) => {
        await ack(response);
        // In a burst, the next requests' acknowledgements come first (a little longer only, never for ever).
        if (release) return;
        if (hold && !startBy) await hold.foreground.noRequestInFlight(hold.maxMs);
        release = await this.gate.acquire();
        // A place can come free in the middle of the next burst: start in a pause (or at the limit) all the same.
        if (hold) await hold.foreground.noRequestInFlight(startBy ? startBy() : hold.maxMs);
      },
    };
    try {
      await app.processEvent(gated);
    } finally {
      (release as (() => void) | null)?.();
      if (--this.inProgress === 0) { for (const w of this.waiters) w(); this.waiters = []; }
    }
  }

  /** Resolves once no request is being processed, after-ack work included. */
  settled(): Promise<void> {
    return this.inProgress === 0 ? Promise.resolve() : new Promise<void>((r) => this.waiters.push(r));
  }
}

/**
 * A receiver that hands every event through `afterAck` (Socket Mode's):
 * the receiver is Bolt's extension point, and the inner one sees an app
 * whose only entry point, processEvent, goes through the gate.
 */
export class GatedReceiver implements Receiver {
  constructor(readonly inner: Receiver, private readonly afterAck: AfterAck) {}

  init(app: BoltApp): void {
    const facade = { processEvent: (event: ReceiverEvent) => this.afterAck.process(app, event) };
    this.inner.init(facade as unknown as BoltApp);
  }

  start(...args: unknown[]): Promise<unknown> { return this.inner.start(...args); }
  stop(...args: unknown[]): Promise<unknown> { return this.inner.stop(...args); }
}
