import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import type { Card } from './cards.ts';

/**
 * Teams refuses a message over 28 KB with 413 MessageSizeTooBig, measured on
 * the activity as sent: the card's JSON, escapes and all, inside the envelope
 * (conversation, from, recipient, service URL) the SDK adds around it.
 */
export const MAX_ACTIVITY_BYTES = 28 * 1024;
/** The envelope the SDK adds to what we build; generous, so a long conversation id never tips a card over. */
const ENVELOPE_BYTES = 1536;

/** The activity carrying `card`, as the SDK will send it. */
export function cardActivity(card: Card): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Whether an activity carrying this card stays within Teams' limit once serialised and wrapped. */
export function fitsTeams(card: Card): boolean {
  return Buffer.byteLength(JSON.stringify(cardActivity(card)), 'utf8') + ENVELOPE_BYTES <= MAX_ACTIVITY_BYTES;
}
