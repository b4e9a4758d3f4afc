import type { HomeView, KnownBlock } from '@slack/types';
import type { DisputeView } from '../../../domain/view.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';

/** App Home: my open disputes, what I owe, and a way to raise one. */
export function homeView(home: { mine: DisputeView[]; owe: string[] } | null, refusal: string | null = null): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Section 117 disputes', emoji: false } },
    {
      type: 'actions', block_id: 'home-actions',
      elements: [{ type: 'button', action_id: 's117:raise', style: 'primary', text: { type: 'plain_text', text: 'Raise a dispute', emoji: false }, value: '{}' }],
    },
  ];
  if (!home) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: esc(refusal ?? 'You are not in the Section 117 directory yet. Ask your administrator to add your Slack id.') } });
    return { type: 'home', blocks };
  }
  const owe = home.owe.map((l) => `• ${esc(l)}`);
  blocks.push(
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*What you owe*\n${owe.length ? owe.join('\n') : 'Nothing right now.'}`, LIMITS.sectionText) } },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: '*Your open disputes* (soonest deadline first)' } },
  );
  if (!home.mine.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'None.' } });
  for (const v of home.mine.slice(0, 40)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*${esc(v.reference)}* — Stage ${v.stage}: ${esc(v.stageName)}\n${v.overdue ? ':warning: ' : ''}${esc(v.dueText)}`, LIMITS.sectionText) },
    });
  }
  return { type: 'home', blocks: blocks.slice(0, LIMITS.modalBlocks) };
}
