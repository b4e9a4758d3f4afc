import type { RoutedEffect } from './routing.ts';
import type { DomainEvent, Effect } from '../domain/effects.ts';
import type { Dispute } from '../domain/types.ts';
import type { ChainFields } from './history-chain.ts';

/** How a use case names a dispute: by its internal id or by its reference (S117-2026-0042). */
export type Target = { id: string } | { reference: string };

/** One history entry as stored (R11.1), oldest first. */
export interface HistoryEntry extends Omit<ChainFields, 'disputeId'> {
  /** The entry's seal in the history's hash chain; null on entries written before sealing began. */
  hash: string | null;
  prevHash: string | null;
}

/**
 * Another writer got there first: the dispute's version moved on, or a twin
 * request with the same idempotency key was recorded. Nothing was written,
 * so the use case may load again and retry.
 */
export class WriteConflict extends Error {
  constructor(message: string, readonly reason: 'version' | 'duplicate') {
    super(message);
    this.name = 'WriteConflict';
  }
}

/**
 * A write the store cannot send as part of one statement (DisputeStore.oneStatement): thrown before anything is
 * written, so the use case runs in a transaction instead.
 */
export class NeedsTransaction extends Error {
  constructor(what: string) {
    super(`${what} needs a transaction`);
    this.name = 'NeedsTransaction';
  }
}

/** For a catch: null when the use case could not be one statement (so it runs in a transaction), else rethrows. */
export function needsTransaction(e: unknown): null {
  if (e instanceof NeedsTransaction) return null;
  throw e;
}

/** What a command already produced, kept under its idempotency key. */
export interface ProcessedCommand { disputeId: string | null; notice: string | null }

/** Everything one use case may read and write inside its one transaction. */
export interface DisputeTx {
  load(target: Target): Promise<Dispute | null>;
  /** The dispute's version as the register holds it now (null: no such dispute), where that is cheaper than a load. */
  version?(disputeId: string): Promise<number | null>;
  /** Writes `next` over `prev`; throws WriteConflict when `prev` is no longer the stored version. */
  save(prev: Dispute | null, next: Dispute): Promise<void>;
  appendHistory(disputeId: string, events: DomainEvent[], meta: { at: Date; actorId: string; platform: string }): Promise<void>;
  /**
   * Replaces the texts of the named entries' data by their digests ({ "$removed": digest }): the fields named, or
   * every free text when null. The seals are unchanged (they cover texts as digests); a recorded removal must name them.
   */
  removeTexts(disputeId: string, entries: readonly number[], fields: readonly string[] | null): Promise<number>;
  /** How many history entries a dispute has (R11.1: a correction must point at one of them). */
  historyLength(disputeId: string): Promise<number>;
  /** Queues the effects of version `version`; the same version queued twice is one set of rows. */
  enqueueEffects(disputeId: string, version: number, effects: RoutedEffect[]): Promise<void>;
  /** S117-YYYY-NNNN: the next reference of `year`, never reused. */
  nextReference(year: number): Promise<string>;
  processed(key: string): Promise<ProcessedCommand | null>;
  recordProcessed(key: string, result: ProcessedCommand, at: Date): Promise<void>;
  /**
   * Locks the open dispute that wakes earliest at or before `now`, skipping
   * `skip` and rows another replica holds; null when none is due.
   */
  claimDue(now: Date, skip: readonly string[]): Promise<string | null>;
  /** Like claimDue, but up to `limit` disputes at once, earliest first. */
  claimDueBatch(now: Date, skip: readonly string[], limit: number): Promise<string[]>;
  loadMany(ids: readonly string[]): Promise<Dispute[]>;
  /**
   * A view of this transaction that holds back the repetitive writes of many
   * disputes (save, history, effects) and sends them in bulk at flush().
   */
  batch(ids: readonly string[]): Promise<{ tx: DisputeTx; flush(): Promise<void> }>;
  /** Moves the wake-up time of a dispute that had nothing to do (guarded by version). */
  setWake(id: string, version: number, wake: Date | null): Promise<void>;
}

/** The register of disputes, as the use cases need it. */
export interface DisputeStore {
  /** Runs `fn` in one transaction: everything it wrote lands, or nothing does. */
  transaction<T>(fn: (tx: DisputeTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with its reads sent at once, outside any transaction, and all its writes sent together afterwards as
   * one atomic statement, conditional on the guarded dispute write (a version that moved on throws WriteConflict and
   * writes nothing). A write that cannot be part of it throws NeedsTransaction, having written nothing. For a
   * command on a dispute the caller has just read: its reads are then only what the guard covers.
   */
  oneStatement?<T>(fn: (tx: DisputeTx) => Promise<T>): Promise<T>;
  get(target: Target): Promise<Dispute | null>;
  history(disputeId: string): Promise<HistoryEntry[]>;
  /** Every dispute raised in [from, to), oldest first. */
  all(range?: { from?: Date; to?: Date }): Promise<Dispute[]>;
  /** Open disputes the person takes part in (any order). */
  openFor(personId: string): Promise<Dispute[]>;
  /** Has an effect with this key been queued already (a monthly report, say)? */
  hasQueued(key: string): Promise<boolean>;
  /**
   * Anonymises one dispute in one transaction of its own (retention): identifiers and free text removed from its rows
   * and history, recorded as a RECORD_ANONYMISED entry. Null when there is no such dispute; done false when it was already.
   */
  anonymise(
    disputeId: string, meta: { at: Date; actorId: string; platform: string; data: Record<string, unknown> },
  ): Promise<{ done: boolean; texts: number } | null>;
  /** After a batch of anonymisations: the old row versions that held the removed texts are rewritten out of the data files. */
  compactRemoved(): Promise<void>;
  /** Queues one effect not tied to a dispute, once per key (to `platform`, else the default); false when the key was already there. */
  enqueueOnce(key: string, effect: Effect, at: Date, platform?: string): Promise<boolean>;
}
