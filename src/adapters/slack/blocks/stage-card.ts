import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { actionPayload } from '../../../app/interactions/actions.ts';
import type { AllowedAction } from '../../../domain/allowed-actions.ts';
import type { DisputeView } from '../../../domain/view.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';

/** A button for an action the domain allows; its value is the shared action payload. */
export function actionButton(d: string, a: AllowedAction): Button {
  const suffix = a.verb === 'tick' || a.verb === 'person' ? `:${a.k}` : a.verb === 'confirm' ? `:${a.o}` : a.verb === 'confirm-chc' ? `:${a.n}:${a.o}` : '';
  return {
    type: 'button', action_id: `s117:${a.verb}${suffix}`, text: { type: 'plain_text', text: clip(a.label, LIMITS.buttonText), emoji: false },
    value: JSON.stringify(actionPayload(d, a)), ...(a.style ? { style: a.style } : {}),
  };
}

/** The actions drawn at the foot of the card; ticks, confirms and person steps sit beside what they act on. */
const BESIDE = new Set(['tick', 'confirm', 'person']);

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
  const tick = (k: string) => v.allowedActions.find((a): a is Extract<AllowedAction, { verb: 'tick' }> => a.verb === 'tick' && a.k === k);
  const of = (verb: 'confirm' | 'person') => v.allowedActions.filter((a) => a.verb === verb).map((a) => actionButton(d, a));
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
          ...(tick(c.key) ? { accessory: actionButton(d, tick(c.key)!) } : {}),
        });
      }
    }
    if (v.pendingDecision) {
      const p = v.pendingDecision;
      // Who has confirmed comes before what was decided: a long decision is cut at the section's limit, never the confirmations.
      blocks.push({ type: 'divider' }, section([
        `*Decision ${p.seq} waiting for every party — ${esc(p.outcome)}*`,
        ...p.confirmations.map((c) => (c.by ? `:white_check_mark: ${esc(c.organisation)} — ${esc(c.by)}, ${esc(c.at ?? '')}` : `:hourglass: ${esc(c.organisation)}`)),
      ].join('\n')), section(esc(p.summary)));
      // R7.1: the joint assessment an ending rests on, where the senior officers confirm it.
      if (p.assessment.length) blocks.push(section(esc(p.assessment.join('\n'))));
      blocks.push(...actions('confirm', of('confirm')));
    }
    const steps = v.personSteps.filter((s) => !s.done);
    if (steps.length) {
      blocks.push({ type: 'divider' }, section('*The person* — record each step when it is done'));
      blocks.push(...actions('person', of('person')));
    }
    for (const w of v.pendingWithdrawals) blocks.push(section(`:hourglass: ${esc(w)}`));
    if (v.stillNeeded.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`Still needed to close: ${esc(v.stillNeeded.join('; '))}`, LIMITS.sectionText) }] });
    const main = v.allowedActions.filter((a) => !BESIDE.has(a.verb)).map((a) => actionButton(d, a));
    if (main.length) blocks.push({ type: 'divider' }, ...actions('main', main));
  } else if (v.outcome) {
    blocks.push(section(`*Outcome:* ${esc(v.outcome)}`));
  }
  const notes = [...v.flags.map((f) => `:triangular_flag_on_post: ${esc(f)}`), ...(v.chc ? [esc(v.chc)] : [])];
  if (registerUrl) notes.push(`<${registerUrl}/register/dispute/${encodeURIComponent(v.reference)}|Open in the register>`);
  if (notes.length) blocks.push({ type: 'context', elements: notes.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn' as const, text: clip(t, LIMITS.sectionText) })) });
  return { text: esc(`${title}: ${v.dueText}`), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
