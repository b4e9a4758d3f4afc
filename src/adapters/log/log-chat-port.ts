import type { ChatPort, ConversationRef, Logger } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';

/**
 * The platform of a bot with no Slack or Teams configured: every
 * notification is written to the log, so the protocol still runs (and can be
 * watched) on a laptop.
 */
export class LogChatPort implements ChatPort {
  readonly platform = 'log';
  constructor(private readonly logger: Logger) {}

  async openCaseSpace(view: DisputeView): Promise<ConversationRef> {
    const name = `s117-${view.reference.toLowerCase().replace(/^s117-/, '')}`;
    this.logger.info({ space: name }, `case space opened for ${view.reference}`);
    return { id: name, name };
  }
  async invite(space: ConversationRef, people: Person[]): Promise<void> {
    this.logger.info({ space: space.name, people: people.map((p) => p.id) }, 'participants invited');
  }
  async uninvite(space: ConversationRef, people: Person[]): Promise<void> {
    this.logger.info({ space: space.name, people: people.map((p) => p.id) }, 'participants removed');
  }
  async post(space: ConversationRef, message: Message, mentions: Person[]): Promise<void> {
    this.logger.info({ space: space.name, mentions: mentions.map((p) => p.id), lines: message.lines }, message.title);
  }
  async upsertCard(space: ConversationRef, view: DisputeView, card: ConversationRef | null): Promise<ConversationRef> {
    this.logger.info({ space: space.name, stage: view.stage, due: view.dueText, updated: Boolean(card) }, `stage card for ${view.reference}`);
    return { id: `${view.reference}-card` };
  }
  async dm(person: Person, message: Message): Promise<void> {
    this.logger.info({ to: person.id, lines: message.lines }, `direct message: ${message.title}`);
  }
  async governance(message: Message): Promise<void> {
    this.logger.info({ lines: message.lines }, `governance: ${message.title}`);
  }
}
