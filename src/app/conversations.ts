import type { ConversationRef } from './ports.ts';

/** A dispute's case space on one platform, as recorded. */
export interface CaseSpace {
  /** Null while one replica is still creating the space. */
  ref: ConversationRef | null;
  /** The pinned stage card, once posted. */
  cardRef: ConversationRef | null;
  createdAt: Date;
}

/**
 * Where each dispute lives on each chat platform. A case space is created
 * once even with several replicas: `claim` reserves it, `opened` records the
 * platform's reference, `release` lets a failed attempt be tried again.
 */
export interface Conversations {
  /** The dispute whose case space a platform knows by this id (the channel a command was typed in). */
  disputeIdFor(platform: string, externalId: string): Promise<string | null>;
  find(disputeId: string, platform: string): Promise<CaseSpace | null>;
  /** Reserves the space for creation; false when someone else holds it already. */
  claim(disputeId: string, platform: string, at: Date): Promise<boolean>;
  opened(disputeId: string, platform: string, ref: ConversationRef): Promise<void>;
  /** Drops a reservation (only the one made at `createdAt`, when given) after a failed creation. */
  release(disputeId: string, platform: string, createdAt?: Date): Promise<void>;
  saveCard(disputeId: string, platform: string, cardRef: ConversationRef): Promise<void>;
}
