/** A message in plain text; adapters escape it and render mentions their own way. */
export interface Message {
  title: string;
  lines: string[];
  /** Directory person ids to @mention. */
  mentions: string[];
  /** A decision waiting for confirmation: adapters add one "Confirm for ‹organisation›" button per party. */
  confirm?: { disputeId: string; seq: number; organisations: { id: string; name: string }[] };
}

/**
 * What the outside world must be told. The app writes these to the outbox in
 * the same transaction as the state change; `notBefore` keeps pings inside
 * working hours (R0.4).
 */
export type Effect = (
  | { kind: 'OPEN_CASE_SPACE' }
  | { kind: 'INVITE'; personIds: string[] }
  /** R5.8: people who left the directory (or the role) lose access to the case space. */
  | { kind: 'UNINVITE'; personIds: string[] }
  | { kind: 'REFRESH_CARD' }
  | { kind: 'POST'; message: Message }
  | { kind: 'DM'; personId: string; message: Message }
  | { kind: 'GOVERNANCE'; message: Message }
) & { notBefore: string };

export type EffectKind = Effect['kind'];

/** One history entry (R11.1); actor, time and platform come from the command. */
export interface DomainEvent {
  type: string;
  data: Record<string, unknown>;
  correctsSeq?: number;
}
