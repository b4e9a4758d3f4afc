import { ChatDeliveryError, type ConversationRef, type Delivery } from '../../src/app/ports.ts';
import type { Message } from '../../src/domain/effects.ts';
import type { Person } from '../../src/domain/types.ts';
import type { DisputeView } from '../../src/domain/view.ts';
import { RecordingChatPort } from './recording-chat-port.ts';

/**
 * The test-only "loop" platform's ChatPort, complete enough to pass the same
 * contract as Slack and Teams: people are known by `handles.loop`, `@name`
 * is its only live markup (typed text has it neutralised), private spaces
 * keep their members, and people it cannot reach are reported to governance.
 * Failures and once-per-key behaviour come from RecordingChatPort.
 */
export class LoopChatPort extends RecordingChatPort {
  readonly sent: { space: string; text: string }[] = [];
  readonly direct: { to: string; text: string }[] = [];
  readonly toGovernance: string[] = [];
  readonly cards: { kind: 'post' | 'update'; body: string }[] = [];
  private readonly memberships = new Map<string, Set<string>>();

  constructor() { super('loop'); }

  private static text(m: Message): string {
    return [m.title, ...m.lines].join('\n').replace(/@/g, '＠');
  }

  override async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    await super.post(space, message, mentions, d);
    if (!this.applied) return;
    const tags = mentions.map((p) => p.handles.loop).filter(Boolean).map((h) => `@${h}`);
    this.sent.push({ space: space.id, text: [LoopChatPort.text(message), ...tags].join(' ') });
  }

  override async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null, d: Delivery): Promise<ConversationRef> {
    const ref = await super.upsertCard(space, view, card, d);
    if (!this.applied && !card) return ref;
    this.cards.push({ kind: card ? 'update' : 'post', body: `${view.reference} · Stage ${view.stage} — ${view.stageName}\nPerson: ${view.personRef}` });
    return ref;
  }

  override async invite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    await super.invite(space, people, d);
    const members = this.memberships.get(space.id) ?? new Set<string>();
    this.memberships.set(space.id, members);
    for (const p of people) if (p.handles.loop) members.add(p.handles.loop);
    const unreachable = people.filter((p) => !p.handles.loop);
    if (unreachable.length) this.toGovernance.push(`Cannot reach on loop: ${unreachable.map((p) => p.name).join(', ')}`);
  }

  override async uninvite(space: ConversationRef, people: Person[], d: Delivery): Promise<void> {
    await super.uninvite(space, people, d);
    for (const p of people) if (p.handles.loop) this.memberships.get(space.id)?.delete(p.handles.loop);
  }

  override async dm(person: Person, message: Message, d: Delivery): Promise<void> {
    if (!person.handles.loop) throw new ChatDeliveryError(`${person.id} has no loop handle in the directory`, false);
    await super.dm(person, message, d);
    if (!this.applied) return;
    this.direct.push({ to: person.handles.loop, text: LoopChatPort.text(message) });
  }

  override async governance(message: Message, d: Delivery): Promise<void> {
    await super.governance(message, d);
    if (!this.applied) return;
    this.toGovernance.push(LoopChatPort.text(message));
  }

  members(spaceId: string): string[] {
    return [...(this.memberships.get(spaceId) ?? [])].sort();
  }
}
