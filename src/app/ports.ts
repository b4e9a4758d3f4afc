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

/** Opaque to everything but the adapter that made it (DESIGN.md: one encode/decode pair per adapter). */
export type ConversationRef = Record<string, unknown>;

/**
 * What the protocol needs from a chat platform. Every call carries an
 * idempotency key: the outbox may call again after a crash, and the adapter
 * must make the second call a no-op where the platform allows it.
 */
export interface ChatPort {
  readonly platform: string;
  openCaseSpace(view: DisputeView, key: string): Promise<ConversationRef>;
  invite(space: ConversationRef, people: Person[], key: string): Promise<void>;
  post(space: ConversationRef, message: Message, mentions: Person[], key: string): Promise<void>;
  /** Posts the stage card the first time, then updates that same card in place. */
  upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, key: string): Promise<ConversationRef>;
  dm(person: Person, message: Message, key: string): Promise<void>;
  governance(message: Message, key: string): Promise<void>;
}

/** A platform failure; retryable ones go back to the outbox with a delay. */
export class ChatDeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs: number | null = null) {
    super(message);
    this.name = 'ChatDeliveryError';
  }
}
