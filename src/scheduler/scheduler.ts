import cron, { type ScheduledTask } from 'node-cron';
import type { OutboxDispatcher } from '../app/dispatcher.ts';
import type { DisputeService } from '../app/dispute-service.ts';
import { errorInfo } from '../app/dispute-service.ts';
import type { Logger } from '../app/ports.ts';
import { timeSweep } from '../metrics/metrics.ts';

export interface TickResult { swept: number; sweepFailures: number; delivered: number; retried: number; failed: number; monthlyReport: boolean }

/**
 * Time moving: a cron tick (every minute, Europe/London) sweeps the register
 * for due timeouts, reminders and person-involvement checks, and alerts
 * governance about notifications that failed or are late. Delivery runs on
 * its own loop (polled every few seconds, and kicked after every change), so
 * a slow or hung platform never holds up a sweep, nor a sweep a delivery.
 */
export class Scheduler {
  private task: ScheduledTask | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private delivering: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly service: DisputeService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly logger: Logger,
    private readonly opts: { cron: string; timeZone: string; outboxPollMs: number },
    /** Queues the monthly Board report when it is due (first working day of the month). */
    private readonly monthly: () => Promise<boolean> = async () => false,
    /** Signs a checkpoint of the history when the last one is a day old (outside the database, for governance). */
    private readonly checkpoint: () => Promise<unknown> = async () => null,
    /** Treats shared-channel invitations nobody answered in time as refused (Slack Connect). */
    private readonly unansweredShares: () => Promise<unknown> = async () => null,
  ) {}

  private async sweep(): Promise<{ swept: number; sweepFailures: number; monthlyReport: boolean }> {
    const sweep = await this.service.sweepDue().finally(timeSweep());
    const monthlyReport = await this.monthly();
    // A checkpoint that cannot be written (a full disk, a key it cannot read) must not stop deadlines being swept.
    await this.checkpoint().catch((e: unknown) => {
      this.logger.error({ err: errorInfo(e) }, 'the history checkpoint could not be written; it is tried again at the next tick');
    });
    // Like the checkpoint, a failure here (a dispute that cannot be read) must not stop the alerts below.
    await this.unansweredShares().catch((e: unknown) => {
      this.logger.error({ err: errorInfo(e) }, 'unanswered Slack Connect invitations could not be swept; they are tried again at the next tick');
    });
    await this.dispatcher.raiseAlerts();
    return { swept: sweep.processed, sweepFailures: sweep.failed, monthlyReport };
  }

  /** One sweep and one delivery pass now (also `s117 tick`); `deliver: false` leaves the outbox alone. */
  async tick(opts: { deliver?: boolean } = {}): Promise<TickResult> {
    const s = await this.sweep();
    const out = opts.deliver === false ? { delivered: 0, retried: 0, failed: 0 } : await this.dispatcher.deliverDue();
    return { ...s, delivered: out.delivered, retried: out.retried, failed: out.failed };
  }

  start(): void {
    if (!cron.validate(this.opts.cron)) throw new Error(`SWEEP_CRON: "${this.opts.cron}" is not a cron expression like "* * * * *"`);
    const run = () => this.guard(async () => {
      const r = await this.sweep();
      if (r.swept || r.sweepFailures) this.logger.info(r, 'scheduler tick');
      void this.deliverSoon();
    });
    this.task = cron.schedule(this.opts.cron, run, { timezone: this.opts.timeZone, noOverlap: true, name: 's117-sweep' });
    this.poll = setInterval(() => { void this.deliverSoon(); }, this.opts.outboxPollMs);
    this.poll.unref();
    // Catch up on everything missed while the bot was down, in deadline order.
    void run();
  }

  /** Deliver now (after a command) rather than at the next poll; one delivery loop at a time. */
  deliverSoon(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.delivering) {
      this.again = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      try {
        do {
          this.again = false;
          const r = await this.dispatcher.deliverDue();
          // A full batch means more may be due now.
          if (r.delivered + r.retried + r.failed >= 100) this.again = true;
        } while (this.again && !this.stopped);
      } catch (e) {
        this.logger.error({ err: errorInfo(e) }, 'outbox delivery failed; it runs again at the next poll');
      } finally {
        this.delivering = null;
      }
    })();
    return this.delivering;
  }

  private guard(fn: () => Promise<unknown>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const p = this.running.then(fn).then(
      () => undefined,
      (e: unknown) => this.logger.error({ err: errorInfo(e) }, 'scheduler tick failed; it runs again at the next tick'),
    );
    this.running = p;
    return p;
  }

  /** Stops ticking and waits for the current sweep and delivery to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.task) await this.task.destroy();
    await this.running;
    await this.delivering;
  }
}
