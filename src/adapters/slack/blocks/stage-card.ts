import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { DisputeView } from '../../../domain/view.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';

/** Button values carry the dispute id and what the button is about; parsed back by `parseValue`. */
export interface ActionValue { d: string; k?: string; s?: number; o?: string; n?: number }

export function button(text: string, actionId: string, value: ActionValue, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button', action_id: actionId, text: { type: 'plain_text', text: clip(text, LIMITS.buttonText), emoji: false },
    value: JSON.stringify(value), ...(style ? { style } : {}),
  };
}

export function parseValue(raw: string | undefined): ActionValue | null {
  try {
    const v = JSON.parse(raw ?? '') as ActionValue;
    return typeof v?.d === 'string' ? v : null;
  } catch {
    return null;
  }
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } });

function actions(blockId: string, elements: Button[]): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
    out.push({ type: 'actions', block_id: `${blockId}-${i}`, elements: elements.slice(i, i + LIMITS.actionsElements) });
  }
  return out;
}

/**
 * The pinned stage card: stage, deadline in words, checklist with tick
 * buttons, parties, flags, confirmations and the actions available now.
 * Updated in place as the dispute changes.
 */
export function stageCard(v: DisputeView, registerUrl: string | null = null): { text: string; blocks: KnownBlock[] } {
  const d = v.id;
  const title = v.status === 'OPEN' ? `${v.reference} · Stage ${v.stage} — ${v.stageName}` : `${v.reference} · Resolved`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText), emoji: false } },
    section(`${v.overdue ? ':warning: *Overdue* — ' : ''}*${esc(v.dueText.charAt(0).toUpperCase() + v.dueText.slice(1))}*`),
    section([
      `*Person:* ${esc(v.personRef)}`,
      `*About:* ${esc(v.subjects.join('; '))}`,
      `*Parties:* ${esc(v.parties.map((p) => `${p.name} (${p.role})`).join('; '))}`,
    ].join('\n')),
  ];
  if (v.status === 'OPEN') {
    blocks.push(section('Care and support continue while this dispute is resolved.'));
    if (v.checklist.length) {
      blocks.push({ type: 'divider' }, section(`*Stage ${v.stage} checklist*`));
      for (const c of v.checklist) {
        blocks.push({
          type: 'section',
          text: { type: 'mrkdwn', text: clip(`${c.done ? ':white_check_mark:' : ':white_large_square:'} ${esc(c.label)}${c.by ? ` — _${esc(c.by)}_` : ''}`, LIMITS.sectionText) },
          accessory: button(c.done ? 'Untick' : 'Tick', `s117:tick:${c.key}`, { d, k: c.key, s: v.stage, n: c.done ? 0 : 1 }),
        });
      }
    }
    if (v.pendingDecision) {
      const p = v.pendingDecision;
      blocks.push({ type: 'divider' }, section([
        `*Decision ${p.seq} waiting for every party — ${esc(p.outcome)}*`,
        esc(p.summary),
        ...p.confirmations.map((c) => (c.by ? `:white_check_mark: ${esc(c.organisation)} — ${esc(c.by)}, ${esc(c.at ?? '')}` : `:hourglass: ${esc(c.organisation)}`)),
      ].join('\n')));
      blocks.push(...actions('confirm', v.parties.filter((party) => !p.confirmations.find((c) => c.organisation === party.name)?.by)
        .map((party) => button(`Confirm for ${party.name}`, `s117:confirm:${party.organisationId}`, { d, s: p.seq, o: party.organisationId }, 'primary'))));
    }
    const steps = v.personSteps.filter((s) => !s.done);
    if (steps.length) {
      blocks.push({ type: 'divider' }, section('*The person* — record each step when it is done'));
      blocks.push(...actions('person', steps.map((s) => button(s.label, `s117:person:${s.step}`, { d, k: s.step }))));
    }
    if (v.stillNeeded.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`Still needed to close: ${esc(v.stillNeeded.join('; '))}`, LIMITS.sectionText) }] });
    const main: Button[] = [button('Record a decision', 's117:decide', { d }, 'primary')];
    if (v.stage < 3) main.push(button('Escalate now', 's117:escalate', { d }));
    if (v.canEscalateExternally) main.push(button('Escalate externally', 's117:external', { d }, 'danger'));
    main.push(button('Report a change in care', 's117:care-change', { d }, 'danger'));
    if (v.pendingLetter) main.push(button('Review the letter to the person', 's117:letter', { d, n: v.pendingLetter.seq }));
    blocks.push({ type: 'divider' }, ...actions('main', main));
  } else if (v.outcome) {
    blocks.push(section(`*Outcome:* ${esc(v.outcome)}`));
  }
  const notes = [...v.flags.map((f) => `:triangular_flag_on_post: ${esc(f)}`), ...(v.chc ? [esc(v.chc)] : [])];
  if (registerUrl) notes.push(`<${registerUrl}/register/dispute/${encodeURIComponent(v.reference)}|Open in the register>`);
  if (notes.length) blocks.push({ type: 'context', elements: notes.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.sectionText) })) });
  return { text: esc(`${title}: ${v.dueText}`), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
