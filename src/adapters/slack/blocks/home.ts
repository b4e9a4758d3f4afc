import type { HomeView, KnownBlock } from '@slack/types';
import type { Dispute, Person } from '../../../domain/types.ts';
import type { DisputeView } from '../../../domain/view.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';

/** App Home: my open disputes, what I owe, and a way to raise one. */
export function homeView(me: Person | null, mine: { d: Dispute; v: DisputeView }[]): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Section 117 disputes', emoji: false } },
    {
      type: 'actions', block_id: 'home-actions',
      elements: [{ type: 'button', action_id: 's117:raise', style: 'primary', text: { type: 'plain_text', text: 'Raise a dispute', emoji: false }, value: 'raise' }],
    },
  ];
  if (!me) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'You are not in the Section 117 directory yet. Ask your administrator to add your Slack id.' } });
    return { type: 'home', blocks };
  }
  const owe: string[] = [];
  for (const { d, v } of mine) {
    if (v.pendingDecision) {
      const mineToConfirm = d.parties.some((p) => p.organisationId === me.organisationId)
        && !d.confirmations.some((c) => c.decisionSeq === v.pendingDecision!.seq && c.organisationId === me.organisationId);
      if (mineToConfirm) owe.push(`• *${esc(v.reference)}*: confirm decision ${v.pendingDecision.seq} for your organisation`);
    }
    const stageItems = v.checklist.filter((c) => !c.done);
    if (stageItems.length && d.participants.some((p) => p.personId === me.id && p.fromStage === d.stage)) {
      owe.push(`• *${esc(v.reference)}*: ${stageItems.length} checklist item(s) for Stage ${v.stage}`);
    }
  }
  blocks.push(
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*What you owe*\n${owe.length ? owe.join('\n') : 'Nothing right now.'}`, LIMITS.sectionText) } },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: '*Your open disputes* (soonest deadline first)' } },
  );
  if (!mine.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'None.' } });
  for (const { v } of mine.slice(0, 40)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*${esc(v.reference)}* — Stage ${v.stage}: ${esc(v.stageName)}\n${v.overdue ? ':warning: ' : ''}${esc(v.dueText)}`, LIMITS.sectionText) },
    });
  }
  return { type: 'home', blocks: blocks.slice(0, LIMITS.modalBlocks) };
}
