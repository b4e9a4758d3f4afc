import { isDeepStrictEqual } from 'node:util';
import type { Person } from '../domain/types.ts';
import type { Outbox, ClaimedRow, OutboxHealth, RateLimitStore } from './outbox.ts';
import { ChatDeliveryError, type ChatPort, type Clock, type ConversationRef, type Delivery, type Logger, type RateBucket, systemClock } from './ports.ts';
import { deliverShared, type SharedDelivery, sharedChannel } from './shared-delivery.ts';
import type { DisputeService } from './dispute-service.ts';
import { errorInfo } from './dispute-service.ts';
import { alertMessage } from './outbox-alerts.ts';
import { Foreground } from './foreground.ts';

/**
 * The longest a delivery waits for requests being answered before it goes anyway. Short, because it is paid per
 * row: under a steady stream of requests a backlog still drains at two rows a second per worker at least.
 */
const HOLD_WHILE_ANSWERING_MS = 500;

export interface DeliverySettings {
  /** Retryable failures keep retrying this long after the row fell due, then fail it. */
  retryHorizonMs: number;
  /** A row still undelivered this long after it fell due raises an alert to governance. */
  alertAfterMs: number;
  /** Longest a single row's delivery may take before the deliverer moves on (it is retried). */
  rowTimeoutMs: number;
  /** Platform limits are multiplied by this (tests and the benchmark scale them). */
  rateScale: number;
  /** A rate-limit wait shorter than this is waited out in place; a longer one puts the row back. */
  maxInlineWaitMs: number;
  /** Rows delivered at once by one replica. */
  concurrency: number;
  leaseMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  retryHorizonMs: 72 * 3_600_000, alertAfterMs: 4 * 3_600_000, rowTimeoutMs: 45_000, rateScale: 1, maxInlineWaitMs: 3_500, concurrency: 4, leaseMs: 60_000,
};

export interface DispatcherDeps {
  outbox: Outbox;
  limits: RateLimitStore;
  clock: Clock;
  /** Rate limits are physical time even when a test moves the protocol's clock by hand. */
  rateClock?: Clock;
  service: DisputeService;
  /** The platform each dispute lives on; a dispute raised on the CLI uses the default. */
  ports: Record<string, ChatPort>;
  defaultPlatform: string;
  logger: Logger;
  settings?: Partial<DeliverySettings>;
  /** People who left the directory but are still in the register (to remove them from a space). */
  registeredPeople?: (ids: string[]) => Promise<Person[]>;
  /** The running bot's requests: deliveries give way to their answers (none counted when not given). */
  foreground?: Foreground;
}

export interface DeliveryTally { delivered: number; retried: number; failed: number; rateLimited: number }

/** A case space being created by another deliverer: try again shortly. */
class CaseSpacePending extends Error {}
/** The row's delivery took longer than rowTimeoutMs: the deliverer moved on. */
class RowTimedOut extends Error {}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Delivers outbox rows to the chat platforms, one claimed row at a time per
 * worker. The claim is a lease renewed while the worker is busy, so a live
 * worker never loses its row to another replica; a crashed one's row comes
 * back when its lease runs out. Platform outages and rate limits retry (a
 * 429 costs nothing) until the retry horizon; only refusals fail a row.
 */
export class OutboxDispatcher {
  readonly settings: DeliverySettings;
  constructor(private readonly deps: DispatcherDeps) {
    this.settings = { ...DEFAULT_DELIVERY, ...deps.settings };
    this.foreground = deps.foreground ?? new Foreground();
  }

  private get outbox(): Outbox { return this.deps.outbox; }
  /** What delivering to a home shared into another's channel needs of this dispatcher. */
  private readonly shared: SharedDelivery = {
    outbox: () => this.deps.outbox, ports: () => this.deps.ports, directory: () => this.deps.service.directory(), now: () => this.now(),
    logger: () => this.deps.logger, people: (ids) => this.people(ids),
    registeredPeople: (ids) => (this.deps.registeredPeople ? this.deps.registeredPeople(ids) : Promise.resolve([])),
    caseSpace: (port, disputeId, row, d) => this.caseSpace(port, disputeId, row, d),
    delivery: (row, port) => this.delivery(row, port, { done: false }),
  };
  private readonly foreground: Foreground;
  private now(): Date { return this.deps.clock.now(); }

  async deliverDue(limit = 100): Promise<DeliveryTally> {
    const tally: DeliveryTally = { delivered: 0, retried: 0, failed: 0, rateLimited: 0 };
    let claimed = 0;
    let running = 0;
    let failure: { error: unknown } | null = null;
    const workers: Promise<void>[] = [];
    const start = () => {
      running++;
      // Caught here, not when awaited below: a worker that fails while an earlier one is awaited would go unhandled.
      workers.push(worker().catch((error: unknown) => { failure ??= { error }; }).finally(() => { running--; }));
    };
    const worker = async () => {
      while (claimed < limit) {
        // A click's acknowledgement is due within Slack's 3 seconds; a card update can follow a moment later.
        await this.foreground.noRequestInFlight(HOLD_WHILE_ANSWERING_MS);
        const row = await this.outbox.claim(this.now(), this.settings.leaseMs);
        if (!row) return;
        claimed++;
        // One row was due, so more may be: another worker joins, up to the concurrency. A lone card refresh
        // (the usual case after a click) then costs two empty claims, not one per worker.
        if (running < Math.max(1, this.settings.concurrency)) start();
        await this.run(row, tally);
      }
    };
    // Nobody is waiting on a delivery the way they wait on a click's answer: on the embedded database, waiting
    // requests go first.
    await this.foreground.runInBackground(async () => {
      start();
      // Workers join while others run: wait for every one, including those that joined late.
      for (let i = 0; i < workers.length; i++) await workers[i];
    });
    if (failure) throw (failure as { error: unknown }).error;
    return tally;
  }

  /** When the next pending row falls due, for a deliverer deciding how long to sleep. */
  nextDue(): Promise<Date | null> { return this.outbox.nextDue(); }

  health(): Promise<OutboxHealth> { return this.outbox.health(this.now(), this.settings.alertAfterMs); }

  /**
   * Tells governance, once per row, about notifications that failed or are
   * late, through every platform (one may be the one that is down), and the log.
   */
  async raiseAlerts(): Promise<number> {
    // A platform's further connections (`teams:<tenant>`) reach the same governance channel as its first: once each.
    const platforms = Object.keys(this.deps.ports).filter((p) => p !== 'log' && !p.includes(':'));
    const now = this.now();
    const rows = await this.outbox.raiseAlerts(now, this.settings.alertAfterMs, (bad) => {
      const message = alertMessage(bad, this.settings.alertAfterMs);
      return platforms.map((platform) => ({ idempotencyKey: `alert:${bad[0]!.id}:${now.getTime()}:${platform}`, platform, message }));
    });
    if (rows.length) {
      this.deps.logger.error({ rows: rows.map((r) => ({ id: String(r.id), kind: r.kind, dispute: r.reference, failed: r.failed, lastError: r.lastError })) },
        `${rows.length} notification(s) failed or are late; governance has been alerted`);
    }
    return rows.length;
  }

  private async run(row: ClaimedRow, tally: DeliveryTally): Promise<void> {
    const renewal = setInterval(() => {
      void this.outbox.renew(row, new Date(this.now().getTime() + this.settings.leaseMs)).catch(() => undefined);
    }, Math.max(1000, this.settings.leaseMs / 3));
    renewal.unref();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_r, reject) => { timer = setTimeout(() => reject(new RowTimedOut(`gave up waiting after ${this.settings.rowTimeoutMs} ms`)), this.settings.rowTimeoutMs); });
      await Promise.race([this.deliver(row), timeout]);
      const covered = await this.outbox.delivered(row, this.now());
      tally.delivered += 1 + covered;
      // A row that had been failing got through: the outage is over, so
      // everything backing off from it goes now (the rate limits still pace it).
      if (row.failures > 0) {
        const woken = await this.outbox.wake(this.now());
        if (woken) this.deps.logger.info({ woken }, 'a platform answered again; notifications waiting out the outage are due now');
      }
    } catch (e) {
      await this.settle(row, e, tally);
    } finally {
      clearTimeout(timer);
      clearInterval(renewal);
    }
  }

  private async settle(row: ClaimedRow, e: unknown, tally: DeliveryTally): Promise<void> {
    const now = this.now();
    const message = String((e as Error).message);
    const log = { err: errorInfo(e), outboxId: String(row.id), kind: row.kind, attempts: row.attempts, disputeId: row.disputeId };
    if (e instanceof CaseSpacePending) {
      await this.outbox.retry(row, { at: new Date(now.getTime() + 2000), error: message, countsAsFailure: false, uncertain: row.uncertain });
      tally.retried++;
      return;
    }
    const cde = e instanceof ChatDeliveryError ? e : null;
    if (cde?.rateLimited) {
      // Being early is not a failure: no attempt is spent, and a little jitter spreads the replicas.
      const wait = (cde.retryAfterMs ?? 1000) * (1 + Math.random() * 0.1);
      await this.outbox.retry(row, { at: new Date(now.getTime() + wait), error: message, countsAsFailure: false, uncertain: row.uncertain });
      tally.retried++;
      tally.rateLimited++;
      return;
    }
    // Anything we did not classify (a bug, a lost database connection, a timeout) may have reached the platform.
    const retryable = cde ? cde.retryable : true;
    const uncertain = row.uncertain || !cde || cde.mayHaveApplied;
    const pastHorizon = now.getTime() - row.notBefore.getTime() > this.settings.retryHorizonMs;
    if (!retryable || pastHorizon) {
      const reason = retryable ? `still failing after ${Math.round(this.settings.retryHorizonMs / 3_600_000)} hours: ${message}` : message;
      await this.outbox.fail(row, now, reason);
      tally.failed++;
      this.deps.logger.error(log, 'a notification could not be delivered and will not be retried');
      // Governance hears about it now, not at the next sweep.
      await this.raiseAlerts().catch((err: unknown) => this.deps.logger.error({ err: errorInfo(err) }, 'could not queue the alert'));
      return;
    }
    const base = Math.min(2000 * 2 ** row.failures, 15 * 60_000);
    // Full-ish jitter, so replicas and rows retrying after one outage do not return in step.
    const backoff = Math.max(cde?.retryAfterMs ?? 0, base * (0.5 + Math.random() * 0.5));
    await this.outbox.retry(row, { at: new Date(now.getTime() + backoff), error: message, countsAsFailure: true, uncertain });
    tally.retried++;
    this.deps.logger.warn(log, 'a notification failed and will be retried');
  }

  /** Waits for a slot in every bucket; a long wait puts the row back instead. */
  private async limit(buckets: RateBucket[]): Promise<void> {
    const clock = this.deps.rateClock ?? systemClock;
    let waited = 0;
    for (const b of buckets) {
      const interval = b.perMinute ? 60_000 / (b.perMinute * this.settings.rateScale) : 0;
      for (;;) {
        const wait = await this.deps.limits.take(b.key, clock.now(), interval, b.burst ?? 0);
        if (wait === 0) break;
        if (waited + wait > this.settings.maxInlineWaitMs) throw new ChatDeliveryError(`held back by the ${b.key} rate limit`, true, wait, { rateLimited: true });
        await sleep(wait);
        waited += wait;
      }
    }
  }

  private delivery(row: ClaimedRow, port: ChatPort, held: { done: boolean }, extra: Partial<Delivery> = {}): Delivery {
    const clock = this.deps.rateClock ?? systemClock;
    return {
      key: row.idempotencyKey, attempt: row.attempts, uncertain: row.uncertain, since: row.firstTriedAt, known: row.platformRef,
      sent: (ref) => this.outbox.keepRef(row, ref),
      limit: (b) => this.limit(b),
      rateLimited: async (buckets, ms) => {
        held.done = true;
        const until = new Date(clock.now().getTime() + ms);
        for (const b of buckets) {
          // After the hold, one call goes first and the rest follow at the bucket's pace.
          const interval = b.perMinute ? 60_000 / (b.perMinute * this.settings.rateScale) : 0;
          await this.deps.limits.hold(b.key, until, new Date(until.getTime() + (b.burst ?? 0) * interval));
        }
        this.deps.logger.warn({ platform: port.platform, buckets: buckets.map((b) => b.key), retryAfterMs: ms }, 'the platform asked us to slow down; every replica holds back');
      },
      ...extra,
    };
  }

  private people(ids: string[]): Person[] {
    const dir = this.deps.service.directory();
    return ids.map((id) => dir.people.find((p) => p.id === id)).filter((p): p is Person => Boolean(p));
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const dispute = row.disputeId ? await this.deps.service.get({ id: row.disputeId }) : null;
    if (row.disputeId && !dispute) throw new ChatDeliveryError(`dispute ${row.disputeId} not found`, false);
    const port = this.port(row.platform ?? dispute?.raisedOn ?? null);
    const held = { done: false };
    // A Retry-After for the whole platform (one the adapter could not pin on a method).
    const whole = [{ key: `${port.platform}:*`, perMinute: null }];
    await this.limit(whole);
    try {
      await this.send(row, port, this.delivery(row, port, held), dispute);
    } catch (err) {
      if (err instanceof ChatDeliveryError && err.rateLimited && !held.done && err.retryAfterMs) {
        await this.deps.limits.hold(whole[0]!.key, new Date((this.deps.rateClock ?? systemClock).now().getTime() + err.retryAfterMs));
      }
      throw err;
    }
  }

  private async send(row: ClaimedRow, port: ChatPort, d: Delivery, dispute: Awaited<ReturnType<DisputeService['get']>>): Promise<void> {
    const e = row.payload;
    if (e.kind === 'GOVERNANCE') return port.governance(e.message, d);
    if (e.kind === 'SIGN_IN_LINK') {
      const [person] = this.people([e.personId]);
      if (!person) throw new ChatDeliveryError(`${e.personId} is no longer in the directory`, false);
      if (!port.signInLink) throw new ChatDeliveryError(`${port.platform} cannot send sign-in links`, false);
      // A relay that was down longer than the link lives: sending it now would only show the person an expired page.
      if (e.expiresAt && this.now() >= new Date(e.expiresAt)) throw new ChatDeliveryError('the sign-in link expired before the mail relay took it; the person can ask for a new one', false);
      return port.signInLink(person, e.linkId, d);
    }
    if (!dispute) throw new ChatDeliveryError(`outbox row ${row.id} has no dispute`, false);
    if (e.kind === 'DM') {
      const [person] = this.people([e.personId]);
      if (!person) throw new ChatDeliveryError(`${e.personId} is no longer in the directory`, false);
      const conv = await this.outbox.caseSpace(dispute.id, port.platform);
      const space = conv && !conv.ref.pending ? conv.ref : await sharedChannel(this.outbox, dispute.id, port.platform);
      return port.dm(person, e.message, d, space);
    }
    if (await deliverShared(this.shared, row, port, dispute, d)) return;
    const { ref: space, cardRef } = await this.caseSpace(port, dispute.id, row, d);
    switch (e.kind) {
      case 'OPEN_CASE_SPACE':
        return;
      case 'INVITE':
        return port.invite(space, this.people(e.personIds), d);
      case 'UNINVITE': {
        // Someone who left the directory is still in the register, with the ids needed to remove them.
        const known = this.people(e.personIds);
        const missing = e.personIds.filter((id) => !known.some((p) => p.id === id));
        const gone = missing.length && this.deps.registeredPeople ? await this.deps.registeredPeople(missing) : [];
        return port.uninvite(space, [...known, ...gone], d);
      }
      case 'POST':
        return port.post(space, e.message, this.people(e.message.mentions), d);
      case 'REFRESH_CARD': {
        // The card always shows the dispute as it is now, not as it was when queued.
        const card = await port.upsertCard(space, this.deps.service.view(dispute), cardRef, d);
        // An update in place keeps the card's id: nothing new to keep (a statement per refresh saved).
        if (!isDeepStrictEqual(card, cardRef)) await this.outbox.setCard(dispute.id, port.platform, card);
        return;
      }
    }
  }

  private port(platform: string | null): ChatPort {
    return (platform && this.deps.ports[platform]) || this.deps.ports[this.deps.defaultPlatform]!;
  }

  /** The dispute's case space on a platform, created once even with several replicas and crashes. */
  private async caseSpace(port: ChatPort, disputeId: string, row: ClaimedRow, d: Delivery): Promise<{ ref: ConversationRef; cardRef: ConversationRef | null }> {
    const existing = await this.outbox.caseSpace(disputeId, port.platform);
    if (existing && !existing.ref.pending) return { ref: existing.ref, cardRef: existing.cardRef };
    const now = this.now();
    if (existing) {
      // Whoever reserved it went quiet (a crash, or a call still hanging): take the reservation over,
      // so that caller's late failure cannot drop what this one makes.
      const stale = now.getTime() - existing.createdAt.getTime() > this.settings.leaseMs;
      if (!stale || !(await this.outbox.retakeCaseSpace(disputeId, port.platform, existing.createdAt, now))) {
        throw new CaseSpacePending('the case space is being created');
      }
    } else if (!(await this.outbox.reserveCaseSpace(disputeId, port.platform, now))) {
      throw new CaseSpacePending('the case space is being created');
    }
    const dispute = await this.deps.service.get({ id: disputeId });
    const created = existing?.ref.created ?? null;
    let noted = Boolean(created);
    let ref: ConversationRef;
    try {
      ref = await port.openCaseSpace(this.deps.service.view(dispute!), {
        ...d, key: `${disputeId}:space`, uncertain: row.uncertain || Boolean(existing), known: created,
        sent: async (r) => { noted = true; await this.outbox.noteCaseSpaceCreated(disputeId, port.platform, r); },
      });
    } catch (e) {
      // Nothing made: let the next attempt (this replica's or another's) try again at once.
      if (!noted) await this.outbox.releaseCaseSpace(disputeId, port.platform, now);
      throw e;
    }
    await this.outbox.setCaseSpace(disputeId, port.platform, ref);
    // Read again: an earlier maker that went quiet may have posted the card while this one was making the space.
    return { ref, cardRef: (await this.outbox.caseSpace(disputeId, port.platform))?.cardRef ?? null };
  }
}
