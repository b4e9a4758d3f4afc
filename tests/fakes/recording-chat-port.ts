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

  /** Whether the last call applied anything (false for a repeated key or a failure). */
  protected applied = false;

  /**
   * One platform call: it waits for its rate-limit bucket, a 429 holds the
   * bucket for the platform's wait, each key is applied once, and what it
   * made is reported through `d.sent`, as the real ports do.
   */
  private async record(call: Call, d: Delivery): Promise<void> {
    this.applied = false;
    this.attempts.push(call.key);
    const buckets = [{ key: `${this.platform}:${call.op}`, perMinute: null }];
    await d.limit?.(buckets);
    const f = this.failures.shift();
    if (f) {
      const limited = f.retryable && f.retryAfterMs !== null;
      const message = !f.retryable ? 'channel_not_found' : limited ? 'ratelimited (429)' : 'service_unavailable (503)';
      if (limited) await d.rateLimited?.(buckets, f.retryAfterMs!);
      throw new ChatDeliveryError(message, f.retryable, f.retryAfterMs, { rateLimited: limited, mayHaveApplied: f.retryable && !limited });
    }
    if (this.seen.has(`${call.op}:${call.key}`)) return;
    this.seen.add(`${call.op}:${call.key}`);
    this.calls.push(call);
    this.applied = true;
    await d.sent?.({ id: `${call.op}:${call.key}` });
  }

  async openCaseSpace(view: DisputeView, d: Delivery): Promise<ConversationRef> {
    const name = `s117-${view.reference.toLowerCase().replace(/^s117-/, '')}`;
    await this.record({ op: 'openCaseSpace', key: d.key, space: name }, d);
    this.spaces++;
    return { id: `C${this.spaces}`, name };
  }
  async invite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    await this.record({ op: 'invite', key: d.key, space: String(space.name), people: people.map((p) => p.id) }, d);
  }
  async uninvite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    await this.record({ op: 'uninvite', key: d.key, space: String(space.name), people: people.map((p) => p.id) }, d);
  }
  async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    await this.record({ op: 'post', key: d.key, space: String(space.name), title: message.title, mentions: mentions.map((p) => p.id) }, d);
  }
  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef> {
    await this.record({ op: card ? 'updateCard' : 'postCard', key: d.key, space: String(space.name), view }, d);
    return card ?? { id: `${space.name}-card` };
  }
  async dm(person: Person, message: Message, d: Delivery): Promise<void> {
    await this.record({ op: 'dm', key: d.key, to: person.id, title: message.title }, d);
  }
  async governance(message: Message, d: Delivery): Promise<void> {
    await this.record({ op: 'governance', key: d.key, title: message.title }, d);
  }

  ops(op: string): Call[] { return this.calls.filter((c) => c.op === op); }
}
