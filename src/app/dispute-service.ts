import crypto from 'node:crypto';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Actor, Command, RaiseInput } from '../domain/commands.ts';
import { SYSTEM } from '../domain/commands.ts';
import { decide, type Decided } from '../domain/decide.ts';
import { DomainError } from '../domain/errors.ts';
import type { Policy } from '../domain/stage-policy.ts';
import type { Directory, Dispute } from '../domain/types.ts';
import { disputeView, type DisputeView } from '../domain/view.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../register/db.ts';
import {
  appendHistory, DISPUTE_INCLUDE, enqueueEffects, loadDispute, nextReference, saveDispute, toDomain, type Tx, VersionConflict,
} from '../register/dispute-repo.ts';
import type { Clock, Logger } from './ports.ts';

export interface ServiceDeps {
  db: Database;
  clock: Clock;
  calendar: WorkingCalendar;
  policy: Policy;
  directory: () => Directory;
  logger: Logger;
}

export interface Outcome {
  dispute: Dispute;
  notice: string | null;
  /** True when this exact request was already applied (a retry or double click). */
  duplicate: boolean;
}

type Target = { id: string } | { reference: string };

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;
const MAX_CONFLICT_RETRIES = 5;

/**
 * Runs the protocol's use cases: load, decide, then one transaction writes
 * the new state, its history and its outbox rows. Never talks to a chat
 * platform.
 */
export class DisputeService {
  constructor(private readonly deps: ServiceDeps) {}

  get calendar(): WorkingCalendar { return this.deps.calendar; }
  now(): Date { return this.deps.clock.now(); }
  get policy(): Policy { return this.deps.policy; }
  directory(): Directory { return this.deps.directory(); }

  raise(actor: Actor, input: RaiseInput, opts: { idempotencyKey?: string } = {}): Promise<Outcome> {
    return this.run(null, actor, (id, reference) => ({ type: 'RAISE', id, reference, input }), opts.idempotencyKey);
  }

  act(actor: Actor, target: Target, cmd: Exclude<Command, { type: 'RAISE' }>, opts: { idempotencyKey?: string } = {}): Promise<Outcome> {
    return this.run(target, actor, () => cmd, opts.idempotencyKey);
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

  private async run(target: Target | null, actor: Actor, build: (id: string, reference: string) => Command, key?: string): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.db.prisma.$transaction((tx) => this.runInTx(tx, target, actor, build, key), TX_OPTIONS);
      } catch (e) {
        if (e instanceof VersionConflict && attempt < MAX_CONFLICT_RETRIES) continue;
        if (isUniqueViolation(e) && key && attempt < MAX_CONFLICT_RETRIES) continue; // a twin request won the race; read its result
        throw e;
      }
    }
  }

  private async runInTx(tx: Tx, target: Target | null, actor: Actor, build: (id: string, reference: string) => Command, key?: string): Promise<Outcome> {
    if (key) {
      const seen = await tx.processedCommand.findUnique({ where: { key } });
      if (seen) {
        const dispute = seen.disputeId ? await loadDispute(tx, { id: seen.disputeId }) : null;
        if (dispute) return { dispute, notice: (seen.result as { notice?: string | null }).notice ?? null, duplicate: true };
      }
    }
    const now = this.deps.clock.now();
    const prev = target ? await loadDispute(tx, target) : null;
    if (target && !prev) {
      const ref = 'reference' in target ? target.reference : target.id;
      throw new DomainError('NO_SUCH_DISPUTE', `There is no dispute ${ref}. Check the reference (it looks like S117-2026-0042).`);
    }
    let id = prev?.id ?? '';
    let reference = prev?.reference ?? '';
    if (!prev) {
      id = crypto.randomUUID();
      reference = await nextReference(tx, Number(this.deps.calendar.localDate(now).slice(0, 4)));
    }
    const cmd = build(id, reference);
    const historyLength = cmd.type === 'CORRECT' && prev
      ? (await tx.historyEvent.aggregate({ where: { disputeId: prev.id }, _max: { seq: true } }))._max.seq ?? 0
      : undefined;
    const decided = decide(prev, cmd, { ...this.ctx(now, actor), ...(historyLength === undefined ? {} : { historyLength }) });
    if (decided.events.length) await this.persist(tx, prev, decided, now, actor);
    if (key) {
      await tx.processedCommand.create({ data: { key, disputeId: decided.next.id, result: { notice: decided.notice } as Prisma.InputJsonValue, at: now } });
    }
    return { dispute: decided.next, notice: decided.notice, duplicate: false };
  }

  private ctx(now: Date, actor: Actor) {
    return { now, actor, policy: this.deps.policy, calendar: this.deps.calendar, directory: this.deps.directory() };
  }

  private async persist(tx: Tx, prev: Dispute | null, decided: Decided, now: Date, actor: Actor): Promise<void> {
    await saveDispute(tx, prev, decided.next);
    await appendHistory(tx, decided.next.id, decided.events, { at: now, actorId: actor.personId, platform: actor.platform });
    await enqueueEffects(tx, decided.next.id, decided.next.version, decided.effects);
  }

  /**
   * One scheduler pass: every dispute whose next wake-up is due, earliest
   * first, each in its own transaction. `FOR UPDATE SKIP LOCKED` lets any
   * number of replicas share the work; the version guard makes each change
   * land once.
   */
  async sweepDue(opts: { limit?: number } = {}): Promise<{ processed: number; failed: number }> {
    const limit = opts.limit ?? 10_000;
    const now = this.deps.clock.now();
    const failed: string[] = [];
    let processed = 0;
    while (processed + failed.length < limit) {
      let claimed: string | null = null;
      try {
        const done = await this.deps.db.prisma.$transaction(async (tx) => {
          const rows = await tx.$queryRaw<{ id: string }[]>`
            SELECT "id" FROM "Dispute"
            WHERE "nextWakeAt" <= ${now} AND "status" = 'OPEN' AND NOT ("id" = ANY(${failed}::text[]))
            ORDER BY "nextWakeAt", "id"
            LIMIT 1
            FOR UPDATE SKIP LOCKED`;
          const row = rows[0];
          if (!row) return false;
          claimed = row.id;
          const prev = await loadDispute(tx, { id: row.id });
          if (!prev) return true;
          const decided = decide(prev, { type: 'SWEEP' }, this.ctx(now, SYSTEM));
          if (decided.events.length) {
            await this.persist(tx, prev, decided, now, SYSTEM);
          } else {
            // Nothing was due after all (e.g. a stale wake time): move the wake time on.
            const wake = decided.next.nextWakeAt ? new Date(decided.next.nextWakeAt) : null;
            if (wake && wake <= now) throw new Error(`dispute ${prev.reference} wakes at ${wake.toISOString()} but has nothing to do`);
            await tx.dispute.updateMany({ where: { id: prev.id, version: prev.version }, data: { nextWakeAt: wake } });
          }
          return true;
        }, TX_OPTIONS);
        if (!done) break;
        processed++;
      } catch (e) {
        if (claimed) failed.push(claimed);
        this.deps.logger.error({ err: errorInfo(e), disputeId: claimed }, 'sweep could not process a dispute; it will be retried on the next tick');
        if (!claimed) break;
      }
    }
    return { processed, failed: failed.length };
  }

  async get(target: Target): Promise<Dispute | null> {
    return loadDispute(this.deps.db.prisma as unknown as Tx, target);
  }

  /** The dispute whose case space a platform knows by this id (a channel a command was typed in). */
  async disputeForSpace(platform: string, externalId: string): Promise<Dispute | null> {
    const conv = await this.deps.db.prisma.conversation.findFirst({ where: { platform, externalId }, select: { disputeId: true } });
    return conv ? this.get({ id: conv.disputeId }) : null;
  }

  view(d: Dispute): DisputeView {
    return disputeView(d, this.deps.policy, this.deps.calendar, this.deps.directory(), this.deps.clock.now());
  }

  async history(disputeId: string) {
    return this.deps.db.prisma.historyEvent.findMany({ where: { disputeId }, orderBy: { seq: 'asc' } });
  }

  /** Every dispute raised in [from, to) (instants), oldest first, for the register export. */
  async all(range: { from?: Date; to?: Date } = {}): Promise<Dispute[]> {
    const raisedAt = { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) };
    const rows = await this.deps.db.prisma.dispute.findMany({ where: { raisedAt }, include: DISPUTE_INCLUDE, orderBy: { raisedAt: 'asc' } });
    return rows.map(toDomain);
  }

  /** Open disputes a person takes part in, soonest deadline first. */
  async openFor(personId: string): Promise<Dispute[]> {
    const rows = await this.deps.db.prisma.dispute.findMany({ where: { status: 'OPEN', participants: { some: { personId } } }, include: DISPUTE_INCLUDE });
    const out = rows.map(toDomain);
    const due = (d: Dispute) => d.stages.find((s) => s.stage === d.stage && !s.endedAt)?.dueAt ?? '9999';
    return out.sort((a, b) => due(a).localeCompare(due(b)));
  }
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'P2002' || /unique constraint/i.test(String((e as Error).message));
}

export function errorInfo(e: unknown): Record<string, unknown> {
  if (e instanceof Error) return { name: e.name, message: e.message, code: (e as { code?: unknown }).code };
  return { message: String(e) };
}
