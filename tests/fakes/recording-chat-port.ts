import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery } from '../../src/app/ports.ts';
import type { Message } from '../../src/domain/effects.ts';
import type { Person } from '../../src/domain/types.ts';
import type { DisputeView } from '../../src/domain/view.ts';

export interface Call { op: string; key: string; space?: string; to?: string; title?: string; mentions?: string[]; people?: string[]; view?: DisputeView }

/**
 * A ChatPort that records what a platform would receive. Like a real
 * platform with idempotency keys, it applies each key once; `failNext` makes
 * the next calls fail the way a rate-limited API does.
 */
export class RecordingChatPort implements ChatPort {
  readonly platform: string;
  readonly calls: Call[] = [];
  readonly attempts: string[] = [];
  private failures: { retryable: boolean; retryAfterMs: number | null }[] = [];
  private seen = new Set<string>();
  private spaces = 0;

  constructor(platform = 'recording') { this.platform = platform; }

  /** Fails the next n calls: a 429 (with retryAfterMs), an outage (retryAfterMs null) or a refusal (retryable false). */
  failNext(n: number, opts: { retryable?: boolean; retryAfterMs?: number | null } = {}): void {
    for (let i = 0; i < n; i++) this.failures.push({ retryable: opts.retryable ?? true, retryAfterMs: opts.retryAfterMs === undefined ? 1000 : opts.retryAfterMs });
  }

  private record(call: Call): void {
    this.attempts.push(call.key);
    const f = this.failures.shift();
    if (f) {
      const limited = f.retryable && f.retryAfterMs !== null;
      const message = !f.retryable ? 'channel_not_found' : limited ? 'ratelimited (429)' : 'service_unavailable (503)';
      throw new ChatDeliveryError(message, f.retryable, f.retryAfterMs, { rateLimited: limited, mayHaveApplied: f.retryable && !limited });
    }
    if (this.seen.has(`${call.op}:${call.key}`)) return;
    this.seen.add(`${call.op}:${call.key}`);
    this.calls.push(call);
  }

  async openCaseSpace(view: DisputeView, { key }: Delivery): Promise<ConversationRef> {
    const name = `s117-${view.reference.toLowerCase().replace(/^s117-/, '')}`;
    this.record({ op: 'openCaseSpace', key, space: name });
    this.spaces++;
    return { id: `C${this.spaces}`, name };
  }
  async invite(space: ConversationRef, people: Person[], { key }: Delivery): Promise<void> {
    this.record({ op: 'invite', key, space: String(space.name), people: people.map((p) => p.id) });
  }
  async uninvite(space: ConversationRef, people: Person[], { key }: Delivery): Promise<void> {
    this.record({ op: 'uninvite', key, space: String(space.name), people: people.map((p) => p.id) });
  }
  async post(space: ConversationRef, message: Message, mentions: Person[], { key }: Delivery): Promise<void> {
    this.record({ op: 'post', key, space: String(space.name), title: message.title, mentions: mentions.map((p) => p.id) });
  }
  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, { key }: Delivery): Promise<ConversationRef> {
    this.record({ op: card ? 'updateCard' : 'postCard', key, space: String(space.name), view });
    return card ?? { id: `${space.name}-card` };
  }
  async dm(person: Person, message: Message, { key }: Delivery): Promise<void> {
    this.record({ op: 'dm', key, to: person.id, title: message.title });
  }
  async governance(message: Message, { key }: Delivery): Promise<void> {
    this.record({ op: 'governance', key, title: message.title });
  }

  ops(op: string): Call[] { return this.calls.filter((c) => c.op === op); }
}
