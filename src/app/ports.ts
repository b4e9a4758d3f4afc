import type { Message } from '../domain/effects.ts';
import type { Person } from '../domain/types.ts';
import type { DisputeView } from '../domain/view.ts';

export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Opaque to everything but the adapter that made it (DESIGN.md: one
 * encode/decode pair per adapter), except `id`: the platform's own id of the
 * space, stored to find the dispute a command was typed in.
 */
export type ConversationRef = { id: string } & Record<string, unknown>;

/**
 * A platform rate-limit bucket (a method, a tier, a channel), shared by every
 * replica. `perMinute` null means "no pacing, only honour Retry-After".
 */
export interface RateBucket { key: string; perMinute: number | null; burst?: number }

/** Which outbox row a call delivers, and how many times it has been tried (1 = first). */
export interface Delivery {
  key: string;
  attempt: number;
  /** A previous try may have reached the platform (a crash, a timeout): look for what it made before repeating it. */
  uncertain?: boolean;
  /** When this row was first tried: a look-up for what it made need search no further back. */
  since?: Date;
  /** What an earlier try of this row already produced (kept by `sent`). */
  known?: ConversationRef | null;
  /** Keep the platform's id of what this call made, the moment it is known. */
  sent?(ref: ConversationRef): Promise<void>;
  /** Waits for a slot in these buckets; throws a rate-limited ChatDeliveryError when the wait would be long. */
  limit?(buckets: RateBucket[]): Promise<void>;
  /** The platform answered 429: hold these buckets back for every replica. */
  rateLimited?(buckets: RateBucket[], retryAfterMs: number): Promise<void>;
}

/**
 * What the protocol needs from a chat platform. Every call carries the
 * outbox row's idempotency key: the outbox may call again after a crash, and
 * the adapter must make a repeated call a no-op (on a retry it can look for
 * what the key already produced).
 */
export interface ChatPort {
  readonly platform: string;
  openCaseSpace(view: DisputeView, d: Delivery): Promise<ConversationRef>;
  invite(space: ConversationRef, people: Person[], d: Delivery): Promise<void>;
  /**
   * Takes people out of a private case space (they left the dispute's parties
   * or the directory). The history keeps what they did; someone already gone
   * is not an error. Spaces every team member sees anyway leave it a no-op.
   */
  uninvite(space: ConversationRef, people: Person[], d: Delivery): Promise<void>;
  post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void>;
  /** Posts (and pins) the stage card the first time, then updates that same card in place. */
  upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef>;
  /** A direct message; `space` (when the case space exists) lets the adapter link to it. */
  dm(person: Person, message: Message, d: Delivery, space: ConversationRef | null): Promise<void>;
  governance(message: Message, d: Delivery): Promise<void>;
  /** An e-mailed single-use sign-in link (only a platform that writes to addresses has it). */
  signInLink?(person: Person, linkId: string, d: Delivery): Promise<void>;
  /**
   * Invites people of another workspace (`guest`, its home key) into this port's case space, shared between the two
   * (Slack Connect); the invitations' ids. Throws ShareRefused when the platform or an administrator will not share
   * (the caller gives them a space of their own); other failures are retried as usual. Only a platform that can.
   */
  inviteShared?(space: ConversationRef, people: Person[], guest: string, d: Delivery): Promise<string[]>;
  /** Whether a request from the guest's workspace in a shared space can be trusted as the same app's (see inviteShared). */
  canShareWith?(guest: string): boolean;
}

/** The platform will not share the space with the other workspace: its people get one of their own. */
export class ShareRefused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ShareRefused';
  }
}

/** A platform failure; retryable ones go back to the outbox with a delay. */
export class ChatDeliveryError extends Error {
  /** A 429 or our own limiter: the platform is fine, we were early. Costs the row no attempt. */
  readonly rateLimited: boolean;
  /** The platform may have applied the call before failing (timeout, 5xx, network): look before repeating it. */
  readonly mayHaveApplied: boolean;
  constructor(
    message: string, readonly retryable: boolean, readonly retryAfterMs: number | null = null,
    opts: { rateLimited?: boolean; mayHaveApplied?: boolean } = {},
  ) {
    super(message);
    this.name = 'ChatDeliveryError';
    this.rateLimited = opts.rateLimited ?? false;
    this.mayHaveApplied = opts.mayHaveApplied ?? false;
  }
}
