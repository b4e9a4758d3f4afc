import type { Effect, Message } from '../domain/effects.ts';
import type { ConversationRef } from './ports.ts';

/** One notification, claimed by one deliverer until its lease runs out. */
export interface ClaimedRow {
  id: bigint;
  idempotencyKey: string;
  disputeId: string | null;
  kind: string;
  payload: Effect;
  /** Sends to this platform instead of the dispute's (alerts to governance). */
  platform: string | null;
  /** Claims so far, this one included. */
  attempts: number;
  /** Failed tries that were not rate limits. */
  failures: number;
  notBefore: Date;
  firstTriedAt: Date;
  /** An earlier try may have reached the platform (it crashed, or the call timed out). */
  uncertain: boolean;
  platformRef: ConversationRef | null;
  claimToken: string;
  /**
   * A card refresh: the newest refresh of the same dispute and platform queued behind it when it was claimed (none
   * behind: null). The card it sends is read after the claim, so it shows their changes too; they are done with it.
   */
  covers?: bigint | null;
}

export interface RetryPlan { at: Date; error: string; countsAsFailure: boolean; uncertain: boolean }

/** A failed or late notification governance has not been told about yet. */
export interface BadRow {
  id: bigint; disputeId: string | null; reference: string | null; kind: string; failed: boolean; lastError: string | null; notBefore: Date;
}
export interface AlertRow { idempotencyKey: string; platform: string; message: Message }

/** Figures for /readyz, /metrics and on-call: is anything stuck, failed or held back? */
export interface OutboxHealth {
  pending: number;
  /** Pending and due now (a backlog that should drain). */
  due: number;
  /** Pending rows that have failed at least once and are waiting to retry. */
  retrying: number;
  /** Undelivered longer than the alert threshold after they were due. */
  late: number;
  failed: number;
  /** Seconds since the oldest pending row was due (0 with none). */
  oldestDueSeconds: number;
  /** Rate-limit buckets a platform's Retry-After is holding back now. */
  heldBack: { key: string; until: string }[];
}

/** The dispute's case space on a platform, as the register holds it. */
export interface CaseSpaceRecord {
  ref: ConversationRef & { pending?: boolean; created?: ConversationRef };
  cardRef: ConversationRef | null;
  createdAt: Date;
}

/** One home's people shared into another home's case channel (Slack Connect), as the register holds it. */
export interface SharedSpaceRecord {
  disputeId: string;
  /** The home whose people are invited (`slack:T…`). */
  home: string;
  /** The home whose channel they are invited into. */
  host: string;
  state: 'pending' | 'accepted' | 'refused';
  channel: string;
  inviteIds: string[];
  /** Directory ids of the people invited. */
  people: string[];
  reason: string | null;
  /** When the share was started (its first invitation): an invitation unanswered long after it is treated as refused. */
  createdAt: Date;
}

/** What a refused share queues, in the transaction that records the refusal (so it happens once). */
export interface ShareRefusal {
  reason: string;
  at: Date;
  /** Governance's notice, once per dispute and home (its key makes it so across retries and replicas). */
  governance: { idempotencyKey: string; platform: string; message: Message };
  /** The people to invite into the home's own channel now. */
  people: string[];
  /**
   * Only a share still pending may be refused (an invitation nobody answered): one accepted meanwhile is left as it
   * is. Without it, any share not refused yet (a decline after an acceptance still stands).
   */
  onlyPending?: boolean;
}

/**
 * The outbox as the dispatcher needs it (SQL in register/outbox-store.ts).
 * Claims are one row at a time, in order within a dispute, leased and
 * renewed while the deliverer works; every outcome is guarded by the claim.
 */
export interface Outbox {
  claim(now: Date, leaseMs: number): Promise<ClaimedRow | null>;
  renew(row: ClaimedRow, until: Date): Promise<boolean>;
  keepRef(row: ClaimedRow, ref: ConversationRef): Promise<void>;
  /** Marks the row delivered, with the card refreshes it covers; how many of those there were. */
  delivered(row: ClaimedRow, at: Date): Promise<number>;
  retry(row: ClaimedRow, plan: RetryPlan): Promise<void>;
  fail(row: ClaimedRow, at: Date, error: string): Promise<void>;
  /** The platform is back: rows waiting out an outage backoff are due now (rate-limited ones keep their wait). */
  wake(now: Date): Promise<number>;
  /** When the next pending row falls due (null with none). */
  nextDue(): Promise<Date | null>;
  health(now: Date, lateAfterMs: number): Promise<OutboxHealth>;
  /** Marks newly failed or late rows as alerted and queues the alerts `build` makes, in one transaction. */
  raiseAlerts(now: Date, lateAfterMs: number, build: (rows: BadRow[]) => AlertRow[]): Promise<BadRow[]>;

  caseSpace(disputeId: string, platform: string): Promise<CaseSpaceRecord | null>;
  /** True when this caller may create the case space (no one else is). */
  reserveCaseSpace(disputeId: string, platform: string, now: Date): Promise<boolean>;
  /**
   * Takes over a reservation whose maker went quiet (it was made at `was`),
   * as a new one made `now`: true for one caller only, and a late failure of
   * the old maker then releases nothing.
   */
  retakeCaseSpace(disputeId: string, platform: string, was: Date, now: Date): Promise<boolean>;
  /** Keeps the space's id the moment the platform made it, before it is set up. */
  noteCaseSpaceCreated(disputeId: string, platform: string, ref: ConversationRef): Promise<void>;
  /** Drops the reservation made at `createdAt`, unless the space was made meanwhile. */
  releaseCaseSpace(disputeId: string, platform: string, createdAt: Date): Promise<void>;
  setCaseSpace(disputeId: string, platform: string, ref: ConversationRef): Promise<void>;
  setCard(disputeId: string, platform: string, card: ConversationRef): Promise<void>;

  sharedSpace(disputeId: string, home: string): Promise<SharedSpaceRecord | null>;
  /** Starts sharing `home` into `host`'s channel (pending) unless a share is already recorded; the share as it is. */
  startShare(disputeId: string, home: string, host: string, channel: string, now: Date): Promise<SharedSpaceRecord>;
  /** Adds invitations sent (their ids and the people), keeping those already noted. */
  noteShareInvites(disputeId: string, home: string, inviteIds: string[], people: string[]): Promise<void>;
  /** The invitation was accepted: true when this changed a pending share. */
  acceptShare(disputeId: string, home: string, at: Date): Promise<boolean>;
  /**
   * In one transaction: records the share as refused (only a share not refused yet: true for one caller), and
   * queues the home's own channel (its people invited, its card), a copy of every post the home's rows left to the
   * shared channel, and governance's notice. False, and nothing queued, when it was already refused.
   */
  refuseShare(disputeId: string, home: string, refusal: ShareRefusal): Promise<boolean>;
  /** The shares of a host channel (from Slack's invite events). */
  sharesOfChannel(channel: string): Promise<SharedSpaceRecord[]>;
  /** The shares of open disputes whose invitations nobody has answered yet, oldest first (few: one per dispute and home). */
  pendingShares(): Promise<SharedSpaceRecord[]>;
  /**
   * Marks a row of a shared home delivered, as the shared channel's business (its post is in the host's channel),
   * unless the share is refused: then false, and nothing changes, so the row goes to the home's own channel. Reads the
   * share under a lock that the refusal's own write waits for (and waits for it), so a refusal recorded while the row
   * was being delivered either sees the row delivered (and copies its post) or is seen here (and the row posts itself).
   */
  leaveToShare(row: ClaimedRow, home: string, at: Date): Promise<boolean>;
}

/** Shared rate-limit state (register/rate-limit-store.ts): one row per bucket, for every replica. */
export interface RateLimitStore {
  /** Takes a slot now and returns 0, or returns how long to wait (taking nothing). */
  take(key: string, now: Date, intervalMs: number, burst: number): Promise<number>;
  /**
   * Holds the bucket back until `until` (a Retry-After), never shortening a
   * longer hold; after it, calls are paced from `paceFrom` (no burst of
   * every waiting replica at once).
   */
  hold(key: string, until: Date, paceFrom?: Date): Promise<void>;
  held(now: Date): Promise<{ key: string; until: Date }[]>;
}
