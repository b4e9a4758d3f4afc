/**
 * Where each dispute lives on each chat platform, as the use cases need it:
 * a command typed in a case channel or thread acts on that channel's dispute.
 * Creating case spaces and keeping the stage card's reference is the
 * outbox's business (it does both while delivering).
 */
export interface Conversations {
  /** The dispute whose case space a platform knows by this id (the channel a command was typed in). */
  disputeIdFor(platform: string, externalId: string): Promise<string | null>;
}
