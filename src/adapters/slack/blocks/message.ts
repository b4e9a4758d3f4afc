import type { KnownBlock } from '@slack/types';
import type { Message } from '../../../domain/effects.ts';
import type { Person } from '../../../domain/types.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';
import { actionButton } from './stage-card.ts';

export function mention(p: Person): string {
  return p.handles.slack ? `<@${p.handles.slack}>` : esc(p.name);
}

/** A notification as Block Kit: escaped text, real mentions for people Slack knows. */
export function messageBlocks(m: Message, mentions: Person[], link: string | null = null): { text: string; blocks: KnownBlock[] } {
  const body = m.lines.map(esc).join('\n');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.title, LIMITS.headerText), emoji: false } },
  ];
  if (body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(body, LIMITS.sectionText) } });
  if (mentions.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`For: ${mentions.map(mention).join(', ')}`, LIMITS.sectionText) } });
  if (m.confirm) {
    const c = m.confirm;
    blocks.push({
      type: 'actions', block_id: `confirm-${c.seq}`,
      elements: c.organisations.slice(0, LIMITS.actionsElements).map((o) => actionButton(c.disputeId, { verb: 'confirm', s: c.seq, o: o.id, label: `Confirm for ${o.name}`, style: 'primary' })),
    });
  }
  if (link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: link }] });
  return { text: esc(clip(`${m.title}\n${m.lines.join('\n')}`, LIMITS.fallbackText)), blocks };
}
