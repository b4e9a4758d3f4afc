import crypto from 'node:crypto';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Actor, Command, RaiseInput } from '../domain/commands.ts';
import { SYSTEM } from '../domain/commands.ts';
import { decide, type Decided } from '../domain/decide.ts';
import { DomainError } from '../domain/errors.ts';
import type { Message } from '../domain/effects.ts';
import type { Policy } from '../domain/stage-policy.ts';
import { takesPartNow } from '../domain/participants.ts';
import type { Directory, Dispute } from '../domain/types.ts';
import { disputeView, type DisputeView } from '../domain/view.ts';
import type { Conversations } from './conversations.ts';
import { type DisputeStore, type DisputeTx, type HistoryEntry, needsTransaction, type Target, WriteConflict } from './dispute-store.ts';
import type { Clock, Logger } from './ports.ts';
import { withCardRefresh } from './card-refresh.ts';
import { routeEffects } from './routing.ts';
import type { Reach } from '../domain/homes.ts';
import { Foreground } from './foreground.ts';
import type { AccessInput, AccessLog } from './access-log.ts';
import type { SubjectFinder } from './subject-access.ts';

export interface ServiceDeps {
  store: DisputeStore;
  conversations: Conversations;
  clock: Clock;
  calendar: WorkingCalendar;
  policy: Policy;
  directory: () => Directory;
  logger: Logger;
  /** The platforms delivered to, for disputes whose organisations work in different places; none: the dispute's own only. */
  reach?: () => Reach | null;
  /** Disputes per sweep transaction, when no requests are waiting and while they are (the embedded database's sizes unless given). */
  sweepBatch?: SweepBatch;
  /** The running bot's requests: a sweep takes smaller steps while people wait (none counted when not given). */
  foreground?: Foreground;
  /** Where every view, list, search and export of case data is recorded (boot always gives one). */
  access?: AccessLog;
  /** The register's look-ups of one person, for subject access. */
  subjects?: SubjectFinder;
}

export interface Outcome {
  dispute: Dispute;
  notice: string | null;
  /** True when this exact request was already applied (a retry or double click). */
  duplicate: boolean;
}

export type { Target } from './dispute-store.ts';

export interface SweepBatch { idle: number; busy: number }

/**
 * Disputes per sweep transaction on the embedded database: few enough that one batch's statements keep the event
 * loop responsive. It runs each statement on the event loop, so a batch's bulk inserts hold the loop for as long as
 * they are large; while requests are coming in, batches of two let the acknowledgement of a click through.
 */
const SWEEP_BATCH: SweepBatch = { idle: 20, busy: 2 };
/** PostgreSQL runs the statements off the event loop: larger batches save round trips, smaller ones would not help a waiting request. */
export const SWEEP_BATCH_POSTGRES: SweepBatch = { idle: 50, busy: 50 };
const SWEEP_FAILED = 'sweep could not process a dispute; it will be retried on the next tick';

/**
 * One turn of the event loop. A sweep decides and renders each dispute in plain JavaScript, and a batch's held-back
 * writes resolve at once: without a turn between disputes, a batch would hold the loop for its whole length and a
 * click arriving meanwhile would wait for it to be acknowledged.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The command to run, given the id and reference a new dispute will get. */
type BuildCommand = (id: string, reference: string) => Command;

const MAX_CONFLICT_RETRIES = 5;

const isTarget = (d: Dispute, t: Target): boolean => ('id' in t ? d.id === t.id : d.reference === t.reference);

/**
 * Runs the protocol's use cases: load, decide, then one transaction (or one statement) writes the new state, its
 * history and its outbox rows. Never talks to a chat platform.
 */
export class DisputeService {
  private readonly foreground: Foreground;

  constructor(private readonly deps: ServiceDeps) {
    this.foreground = deps.foreground ?? new Foreground();
  }

  get calendar(): WorkingCalendar { return this.deps.calendar; }
  now(): Date { return this.deps.clock.now(); }
  get policy(): Policy { return this.deps.policy; }
  directory(): Directory { return this.deps.directory(); }

  raise(actor: Actor, input: RaiseInput, opts: { idempotencyKey?: string } = {}): Promise<Outcome> {
    return this.run(null, actor, (id, reference) => ({ type: 'RAISE', id, reference, input }), opts.idempotencyKey);
  }

  /**
   * `loaded` is the dispute as the caller has just read it (to check who may act): the write starts from it instead
   * of reading it again, guarded by its version, so if it changed meanwhile the write conflicts and the retry reads it.
   */
  act(
    actor: Actor, target: Target, cmd: Exclude<Command, { type: 'RAISE' }>, opts: { idempotencyKey?: string; loaded?: Dispute } = {},
  ): Promise<Outcome> {
    return this.run(target, actor, () => cmd, opts.idempotencyKey, opts.loaded);
  }

  /**
   * Would this command be accepted? Decides without writing, so a form can
   * answer on the field before it closes (Slack wants that answer at once).
   */
  async preview(actor: Actor, target: Target | null, cmd: Command): Promise<DomainError | null> {
    try {
      const prev = target ? await this.get(target) : null;
      if (target && !prev) return new DomainError('NO_SUCH_DISPUTE', 'That dispute no longer exists.');
      decide(prev, cmd, this.ctx(this.deps.clock.now(), actor));
      return null;
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
  }

  private async run(target: Target | null, actor: Actor, build: BuildCommand, key?: string, loaded?: Dispute): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const known = attempt === 1 && loaded && target && isTarget(loaded, target) ? loaded : undefined;
        // On a dispute just read (a click, a form) the writes go as one statement, without a transaction's round
        // trips (BEGIN, one per write, COMMIT: most of a card action's turn); what cannot, runs in a transaction.
        const fn = (tx: DisputeTx) => this.runInTx(tx, target, actor, build, key, known);
        return (known && await this.deps.store.oneStatement?.(fn).catch(needsTransaction)) || await this.deps.store.transaction(fn);
      } catch (e) {
        if (e instanceof WriteConflict && attempt < MAX_CONFLICT_RETRIES) {
          if (e.reason === 'version') continue;
          if (key) continue; // a twin request won the race; read its result
        }
        throw e;
      }
    }
  }

  private async runInTx(
    tx: DisputeTx, target: Target | null, actor: Actor, build: BuildCommand, key?: string, known?: Dispute,
  ): Promise<Outcome> {
    const seenBefore = async (): Promise<Outcome | null> => {
      const s = key ? await tx.processed(key) : null;
      const dispute = s?.disputeId ? await tx.load({ id: s.disputeId }) : null;
      return dispute ? { dispute, notice: s!.notice, duplicate: true } : null;
    };
    // From a copy just read, the key is looked up only if the command would write nothing: one that writes records
    // its key with the change, and a key already there fails it (WriteConflict 'duplicate'), so the retry finds it.
    const seen = known ? null : await seenBefore();
    if (seen) return seen;
    const now = this.deps.clock.now();
    let prev = target ? known ?? await tx.load(target) : null;
    if (target && !prev) {
      const ref = 'reference' in target ? target.reference : target.id;
      throw new DomainError('NO_SUCH_DISPUTE', `There is no dispute ${ref}. Check the reference (it looks like S117-2026-0042).`);
    }
    let id = prev?.id ?? '';
    let reference = prev?.reference ?? '';
    if (!prev) {
      id = crypto.randomUUID();
      reference = await tx.nextReference(Number(this.deps.calendar.localDate(now).slice(0, 4)));
    }
    const cmd = build(id, reference);
    const historyLength = (cmd.type === 'CORRECT' || cmd.type === 'REDACT') && prev
      ? await tx.historyLength(prev.id)
      : undefined;
    const ctx = { ...this.ctx(now, actor), ...(historyLength === undefined ? {} : { historyLength }) };
    const decideOn = (d: Dispute | null): Decided | DomainError => {
      try {
        return decide(d, cmd, ctx);
      } catch (e) {
        if (e instanceof DomainError) return e;
        throw e;
      }
    };
    let outcome = decideOn(prev);
    // A refusal, or nothing to write, writes nothing: no version guard would catch a copy the caller read before a
    // change, so it is decided again on the dispute as it is now, if it moved on.
    if (known && (outcome instanceof DomainError || !outcome.events.length)) {
      const replay = await seenBefore(); // answered as the first time, not "already done"
      if (replay) return replay;
      const fresh = await this.changedSince(tx, known);
      if (fresh) {
        prev = fresh;
        outcome = decideOn(prev);
      }
    }
    if (outcome instanceof DomainError) throw outcome;
    const decided = outcome;
    if (decided.events.length) await this.persist(tx, prev, decided, now, actor);
    if (key) {
      await tx.recordProcessed(key, { disputeId: decided.next.id, notice: decided.notice }, now);
    }
    return { dispute: decided.next, notice: decided.notice, duplicate: false };
  }

  /** The dispute as it is now, if it changed since `copy` was read (its version first: one row, not the dispute); else null. */
  private async changedSince(tx: DisputeTx, copy: Dispute): Promise<Dispute | null> {
    const now = tx.version && (await tx.version(copy.id)) === copy.version ? null : await tx.load({ id: copy.id });
    return now && now.version !== copy.version ? now : null;
  }

  /** R5.8: every open dispute follows the directory as it is now; returns how many changed. */
  async followDirectory(): Promise<number> {
    let changed = 0;
    for (const d of (await this.all()).filter((x) => x.status === 'OPEN')) {
      const before = d.version;
      const r = await this.act(SYSTEM, { id: d.id }, { type: 'SYNC_DIRECTORY' });
      if (r.dispute.version !== before) changed++;
    }
    return changed;
  }

  private ctx(now: Date, actor: Actor) {
    return { now, actor, policy: this.deps.policy, calendar: this.deps.calendar, directory: this.deps.directory() };
  }

  private async persist(tx: DisputeTx, prev: Dispute | null, decided: Decided, now: Date, actor: Actor): Promise<void> {
    await tx.save(prev, decided.next);
    // The OS account rides in each entry's data, so the hash chain seals it with the rest.
    const events = actor.osAccount
      ? decided.events.map((e) => ({ ...e, data: { ...e.data, osAccount: actor.osAccount } }))
      : decided.events;
    await tx.appendHistory(decided.next.id, events, { at: now, actorId: actor.personId, platform: actor.platform });
    // Sealed first, then emptied: the entry keeps each removed text's digest, so its seal still checks out.
    for (const e of decided.events.filter((x) => x.type === 'TEXT_REDACTED')) {
      const { entries, fields } = e.data as { entries: number[]; fields?: string[] };
      await tx.removeTexts(decided.next.id, entries, fields ?? null);
    }
    const effects = withCardRefresh(prev, decided.effects, now);
    const routed = routeEffects(decided.next, effects, this.deps.directory(), this.deps.reach?.() ?? null);
    await tx.enqueueEffects(decided.next.id, decided.next.version, routed);
  }

  /**
   * One scheduler pass: every dispute whose next wake-up is due, earliest
   * first, claimed and written in batches (one transaction, a few bulk
   * statements per batch). The store skips disputes another replica holds,
   * so any number of replicas share the work; the version guard makes each
   * change land once. A batch that fails to write is retried one dispute at
   * a time, so one bad dispute never holds back the rest.
   */
  sweepDue(opts: { limit?: number; batch?: number } = {}): Promise<{ processed: number; failed: number }> {
    return this.foreground.runInBackground(() => this.sweepAll(opts));
  }

  private async sweepAll(opts: { limit?: number; batch?: number }): Promise<{ processed: number; failed: number }> {
    const limit = opts.limit ?? 10_000;
    const sizes = opts.batch ? { idle: opts.batch, busy: opts.batch } : this.deps.sweepBatch ?? SWEEP_BATCH;
    const idle = Math.max(1, sizes.idle);
    const busy = Math.max(1, Math.min(idle, sizes.busy));
    const now = this.deps.clock.now();
    const failed: string[] = [];
    let processed = 0;
    // After a failed batch, this many disputes go one per transaction to find the culprit.
    let singles = 0;
    let step = 1;
    while (processed + failed.length < limit) {
      await turn();
      // Small while requests come in; otherwise growing back to full size, so the first batch is never a large one.
      step = this.foreground.requestsWaiting() ? busy : Math.min(idle, step * 2);
      const size = singles > 0 ? 1 : Math.min(step, limit - processed - failed.length);
      let claimed: string[] = [];
      try {
        const r = await this.deps.store.transaction(async (tx) => {
          claimed = await tx.claimDueBatch(now, failed, size);
          if (!claimed.length) return null;
          return this.sweepBatch(tx, claimed, now);
        });
        if (!r) break;
        processed += r.done;
        for (const id of r.refused) failed.push(id);
        if (singles > 0) singles--;
      } catch (e) {
        if (size > 1) {
          // Nothing of the batch was written; take the same disputes again one by one.
          singles = size;
          continue;
        }
        if (claimed.length) failed.push(...claimed);
        if (singles > 0) singles--;
        this.deps.logger.error({ err: errorInfo(e), disputeId: claimed[0] ?? null }, SWEEP_FAILED);
        if (!claimed.length) break;
      }
    }
    return { processed, failed: failed.length };
  }

  /** Decides every claimed dispute, then writes them all through one batching view of the transaction. */
  private async sweepBatch(tx: DisputeTx, ids: string[], now: Date): Promise<{ done: number; refused: string[] }> {
    const prevs = await tx.loadMany(ids);
    const refused: string[] = [];
    const writes: { prev: Dispute; decided: Decided }[] = [];
    for (const prev of prevs) {
      await turn();
      try {
        const decided = decide(prev, { type: 'SWEEP' }, this.ctx(now, SYSTEM));
        const wake = decided.next.nextWakeAt ? new Date(decided.next.nextWakeAt) : null;
        if (!decided.events.length && wake && wake <= now) {
          throw new Error(`dispute ${prev.reference} wakes at ${wake.toISOString()} but has nothing to do`);
        }
        writes.push({ prev, decided });
      } catch (e) {
        refused.push(prev.id);
        this.deps.logger.error({ err: errorInfo(e), disputeId: prev.id }, SWEEP_FAILED);
      }
    }
    const batch = await tx.batch(writes.filter((w) => w.decided.events.length).map((w) => w.prev.id));
    for (const { prev, decided } of writes) {
      await turn();
      if (decided.events.length) await this.persist(batch.tx, prev, decided, now, SYSTEM);
      // Nothing was due after all (e.g. a stale wake time): move the wake time on.
      else await tx.setWake(prev.id, prev.version, decided.next.nextWakeAt ? new Date(decided.next.nextWakeAt) : null);
    }
    await batch.flush();
    // A claimed id that no longer loads was deleted under us: nothing to do, and nothing failed.
    return { done: ids.length - refused.length, refused };
  }

  /**
   * Records a view, list, search or export of case data. Without an access log (a use case run in a unit test)
   * there is nowhere to write it; the bot, the register and the command line always have one.
   */
  recordAccess(entry: AccessInput): Promise<void> {
    return this.deps.access ? this.deps.access.record(entry) : Promise.resolve();
  }

  /** The access log, to read (governance) and verify. */
  get accessLog(): AccessLog | null { return this.deps.access ?? null; }

  /** The register's look-ups of one person (subject access); null where the register offers none. */
  get subjects(): SubjectFinder | null { return this.deps.subjects ?? null; }

  get(target: Target): Promise<Dispute | null> {
    return this.deps.store.get(target);
  }

  /**
   * True the first time this key is seen, recorded at once: a replayed chat
   * command that changes nothing in the register (a report) still runs once.
   */
  async firstTime(key: string): Promise<boolean> {
    try {
      return await this.deps.store.transaction(async (tx) => {
        if (await tx.processed(key)) return false;
        await tx.recordProcessed(key, { disputeId: null, notice: null }, this.deps.clock.now());
        return true;
      });
    } catch (e) {
      if (e instanceof WriteConflict) return false;
      throw e;
    }
  }

  /**
   * A notice to governance through `platform`, queued once per key however
   * many replicas or restarts ask (the outbox keeps the key); delivered, and
   * retried, like every other notification.
   */
  tellGovernanceOnce(key: string, message: Message, platform: string): Promise<boolean> {
    const now = this.deps.clock.now();
    return this.deps.store.enqueueOnce(key, { kind: 'GOVERNANCE', message, notBefore: now.toISOString() }, now, platform);
  }

  /** The dispute whose case space a platform knows by this id (a channel a command was typed in). */
  async disputeForSpace(platform: string, externalId: string): Promise<Dispute | null> {
    const id = await this.deps.conversations.disputeIdFor(platform, externalId);
    return id ? this.get({ id }) : null;
  }

  view(d: Dispute): DisputeView {
    return disputeView(d, this.deps.policy, this.deps.calendar, this.deps.directory(), this.deps.clock.now());
  }

  history(disputeId: string): Promise<HistoryEntry[]> {
    return this.deps.store.history(disputeId);
  }

  /** Every dispute raised in [from, to) (instants), oldest first, for the register export. */
  all(range: { from?: Date; to?: Date } = {}): Promise<Dispute[]> {
    return this.deps.store.all(range);
  }

  /** Open disputes a person takes part in, soonest deadline first. */
  /** The open disputes the person takes part in now (a former participant's are no longer theirs: takesPartNow). */
  async openFor(personId: string): Promise<Dispute[]> {
    const person = this.deps.directory().people.find((p) => p.id === personId);
    if (!person) return [];
    const out = (await this.deps.store.openFor(personId)).filter((d) => takesPartNow(person, d));
    const due = (d: Dispute) => d.stages.find((s) => s.stage === d.stage && !s.endedAt)?.dueAt ?? '9999';
    return out.sort((a, b) => due(a).localeCompare(due(b)));
  }
}

export function errorInfo(e: unknown): Record<string, unknown> {
  if (e instanceof Error) return { name: e.name, message: e.message, code: (e as { code?: unknown }).code };
  return { message: String(e) };
}
