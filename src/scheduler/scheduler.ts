import cron, { type ScheduledTask } from 'node-cron';
import type { OutboxDispatcher } from '../app/dispatcher.ts';
import type { DisputeService } from '../app/dispute-service.ts';
import { errorInfo } from '../app/dispute-service.ts';
import type { Logger } from '../app/ports.ts';
import { timeSweep } from '../metrics/metrics.ts';

export interface TickResult { swept: number; sweepFailures: number; delivered: number; retried: number; failed: number; monthlyReport: boolean }

/**
 * Time moving: a cron tick (every minute, Europe/London) sweeps the register
 * for due timeouts, reminders and person-involvement checks, then delivers
 * the outbox. The outbox is also polled every few seconds so a raised
 * dispute gets its case space without waiting for the minute.
 */
export class Scheduler {
  private task: ScheduledTask | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private delivering = false;
  private stopped = false;

  constructor(
    private readonly service: DisputeService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly logger: Logger,
    private readonly opts: { cron: string; timeZone: string; outboxPollMs: number },
    /** Queues the monthly Board report when it is due (first working day of the month). */
    private readonly monthly: () => Promise<boolean> = async () => false,
  ) {}

  /** One sweep and one delivery pass now (also `s117 tick`). */
  async tick(): Promise<TickResult> {
    const sweep = await this.service.sweepDue().finally(timeSweep());
    const monthlyReport = await this.monthly();
    const out = await this.dispatcher.deliverDue();
    return { swept: sweep.processed, sweepFailures: sweep.failed, ...out, monthlyReport };
  }

  start(): void {
    if (!cron.validate(this.opts.cron)) throw new Error(`SWEEP_CRON: "${this.opts.cron}" is not a cron expression like "* * * * *"`);
    const run = () => this.guard(async () => {
      const r = await this.tick();
      if (r.swept || r.delivered || r.failed) this.logger.info(r, 'scheduler tick');
    });
    this.task = cron.schedule(this.opts.cron, run, { timezone: this.opts.timeZone, noOverlap: true, name: 's117-sweep' });
    this.poll = setInterval(() => { void this.deliverSoon(); }, this.opts.outboxPollMs);
    this.poll.unref();
    // Catch up on everything missed while the bot was down, in deadline order.
    void run();
  }

  /** Deliver now (after a command) rather than at the next poll. */
  async deliverSoon(): Promise<void> {
    if (this.delivering || this.stopped) return;
    this.delivering = true;
    try {
      await this.guard(() => this.dispatcher.deliverDue());
    } finally {
      this.delivering = false;
    }
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

  /** Stops ticking and waits for the current sweep to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.task) await this.task.destroy();
    await this.running;
  }
}
