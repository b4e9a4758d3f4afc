import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  CARE_CHANGE_OPTIONS, type FormValues, type Option, RAISE_ENDING_QUESTION, RAISE_WORDING_ANSWERS, raiseFormSpec, ROUTE_OPTIONS,
} from '../../../app/interactions/forms.ts';
import type { Pressed } from '../../../app/interactions/interactions.ts';
import type { Refusal } from '../../../app/interactions/refusals.ts';
import type { SimpleFormSpec } from '../../../app/interactions/simple-forms.ts';
import { actionButton } from './stage-card.ts';
import { decisionModal } from './decision-modal.ts';
import type { Directory } from '../../../domain/types.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';

export const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });
export const option = (value: string, text: string): PlainTextOption => ({ value, text: plain(clip(text, LIMITS.optionText)) });

export function input(blockId: string, label: string, element: InputBlock['element'], opts: { optional?: boolean; hint?: string } = {}): InputBlock {
  return {
    type: 'input', block_id: blockId, label: plain(label), element, optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
  };
}
export const text = (initial = '', multiline = false, max: number = LIMITS.sectionText) => ({
  type: 'plain_text_input' as const, action_id: 'v', multiline, max_length: max,
  ...(initial ? { initial_value: clip(initial, LIMITS.plainTextInitial) } : {}),
});

export function modal(callbackId: string, title: string, submit: string, blocks: KnownBlock[], meta: object): ModalView {
  const privateMetadata = JSON.stringify(meta);
  if (privateMetadata.length > LIMITS.privateMetadata) throw new Error('private_metadata too long');
  return {
    type: 'modal', callback_id: callbackId, title: plain(clip(title, LIMITS.modalTitle)), submit: plain(clip(submit, LIMITS.modalSubmit)),
    close: plain('Cancel'), private_metadata: privateMetadata, blocks,
  };
}

/**
 * `/s117 raise`: every field of R2.x and R3.1, in the order people think of them. `keep` is what was typed when the
 * form is shown again (people chosen as their Slack ids); `question` is R7.2's one question, asked when the words read
 * as ending aftercare without the ending subject: drawn at the top as a required choice, so its answer has a block.
 */
export function raiseModal(dir: Directory, meta: { channel: string | null }, keep: FormValues = {}, question: string | null = null): ModalView {
  const spec = raiseFormSpec(dir);
  const opts = (list: Option[]) => list.slice(0, LIMITS.options).map((o) => option(o.value, o.label));
  const str = (id: string) => (typeof keep[id] === 'string' ? keep[id] as string : '');
  const listOf = (id: string): string[] => (Array.isArray(keep[id]) ? (keep[id] as unknown[]).map(String) : str(id) ? [str(id)] : []);
  const chosen = (list: PlainTextOption[], id: string) => list.filter((o) => listOf(id).includes(o.value!));
  const many = (id: string, list: Option[]) => {
    const all = opts(list);
    const initial = chosen(all, id);
    return { type: 'multi_static_select' as const, action_id: 'v', options: all, ...(initial.length ? { initial_options: initial } : {}) };
  };
  const one = (type: 'static_select' | 'radio_buttons', id: string, all: PlainTextOption[]) => {
    const initial = chosen(all, id)[0];
    return { type, action_id: 'v', options: all, ...(initial ? { initial_option: initial } : {}) } as InputBlock['element'];
  };
  const boxes = (id: string, all: PlainTextOption[]) => {
    const initial = chosen(all, id);
    return { type: 'checkboxes' as const, action_id: 'v', options: all, ...(initial.length ? { initial_options: initial } : {}) };
  };
  const people = listOf('professionals').filter((u) => /^[UW][A-Z0-9]+$/.test(u));
  const asked: KnownBlock[] = question ? [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${esc(question)}*`, LIMITS.sectionText) } },
    input('wordingConfirmed', RAISE_ENDING_QUESTION, one('radio_buttons', 'wordingConfirmed', opts(RAISE_WORDING_ANSWERS))),
  ] : [];
  return modal('s117_raise', 'Raise a dispute', 'Raise', [
    { type: 'section', text: { type: 'mrkdwn', text: 'Care must continue while this is resolved. Do not type the person\'s name or NHS number anywhere except the NHS number field.' } },
    ...asked,
    input('subjects', 'What is the disagreement about?', many('subjects', spec.subjects)),
    input('cohort', 'The person is', one('static_select', 'cohort', opts(spec.cohorts))),
    input('setting', 'They are in', one('static_select', 'setting', opts(spec.settings))),
    input('parties', 'The other organisation(s) in the dispute', many('parties', spec.organisations),
      { hint: 'Your own organisation is added as the party raising the dispute.' }),
    input('localCaseRef', "The person's local case number", text(str('localCaseRef'), false, 100), { hint: 'Used to find the case. Never their name.' }),
    input('nhsNumber', 'NHS number (optional)', text(str('nhsNumber'), false, 12), { optional: true, hint: '10 digits. Only the last 3 are ever shown in chat.' }),
    input('professionals', 'Professionals involved (optional)', { type: 'multi_users_select', action_id: 'v', ...(people.length ? { initial_users: people } : {}) },
      { optional: true, hint: 'They are invited to the case channel.' }),
    input('description', 'What do the organisations disagree about?', text(str('description'), true)),
    input('currentCare', 'What care does the person get now?', text(str('currentCare'), true)),
    input('continuity', 'Is that care continuing while this is resolved?', one('radio_buttons', 'continuity',
      [option('yes', 'Yes, care continues'), option('no', 'No: care has been delayed, reduced or withdrawn')]), { hint: 'If not, the senior officers are alerted at once.' }),
    input('ending', 'Ending aftercare', boxes('ending', [option('ending', 'This is about ending Section 117 aftercare (goes straight to Stage 3)')]), { optional: true }),
    input('grounds', 'Reasons any party has given (optional)', many('grounds', spec.grounds),
      { optional: true, hint: 'These are not lawful grounds for delay. Choosing one flags it; it never stops the dispute.' }),
  ], meta);
}

type FormPressed = Extract<Pressed, { kind: 'form' }>;

/** The form a button (or the message shortcut) opened, drawn from what the inbound layer says it asks. */
export function formModal(p: FormPressed, source: string | null = null): ModalView {
  const m = { d: p.dispute.id, reference: p.dispute.reference };
  switch (p.form) {
    case 'decision': return decisionModal(p.decision!, source);
    case 'escalate': return modal('s117_escalate', 'Escalate now', 'Escalate', [input('reason', `Why escalate ${m.reference} before its deadline?`, text('', true))], m);
    case 'care-change': return modal('s117_care_change', 'Change in care', 'Alert seniors', [
      input('change', 'What happened to the care?', { type: 'radio_buttons', action_id: 'v', options: CARE_CHANGE_OPTIONS.map((o) => option(o.value, o.label)) }),
      input('detail', 'What exactly, and since when?', text('', true)),
    ], m);
    case 'external': return modal('s117_external', 'Escalate externally', 'Record', [
      { type: 'section', text: { type: 'mrkdwn', text: 'Stage 4 is for exceptional circumstances only. Care must continue throughout.' } },
      input('route', 'Where to', { type: 'static_select', action_id: 'v', options: ROUTE_OPTIONS.map((o) => option(o.value, o.label)) }),
      input('note', 'Note (optional)', text('', true), { optional: true }),
    ], m);
    case 'letter': {
      const l = p.letter!;
      return modal('s117_letter', 'Letter to the person', 'Mark as sent', [
        { type: 'section', text: { type: 'mrkdwn', text: `Reading age about ${Math.round(l.readingAge)}. Check it, add the person's name when you send it from your own system, then mark it sent here.` } },
        { type: 'section', text: { type: 'plain_text', text: clip(l.text, LIMITS.sectionText), emoji: false } },
      ], { ...m, n: l.n });
    }
    default: return simpleModal(p.simple!, m);
  }
}

/** The callback id of a small form's modal. */
export const simpleCallback = (form: string) => `s117_f_${form}`;

/** A small form, drawn from its field list. */
function simpleModal(spec: SimpleFormSpec, meta: { d: string; reference: string }): ModalView {
  // Slack cuts a modal's title at 24 characters, which would cut the reference: the title says what the form does,
  // and the first line says on which dispute.
  const heading = `*${esc(spec.title)}*${spec.intro ? `\n${esc(spec.intro)}` : ''}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: clip(heading, LIMITS.sectionText) } }];
  for (const f of spec.fields) {
    const opts = { optional: !f.required, ...(f.hint ? { hint: f.hint } : {}) };
    if (f.options) {
      const options = f.options.slice(0, LIMITS.options).map((o) => option(o.value, o.label));
      blocks.push(input(f.id, f.label, { type: 'static_select', action_id: 'v', options }, opts));
    } else blocks.push(input(f.id, f.label, text('', f.multiline), opts));
  }
  return modal(simpleCallback(spec.form), spec.heading, spec.submit, blocks, meta);
}

/** A submission refused with one thing to do instead (R7.4): the modal becomes the reason and that button. */
export function refusalModal(d: string, refusal: Refusal & { action: NonNullable<Refusal['action']> }): ModalView {
  return {
    type: 'modal', title: plain('Not recorded'), close: plain('Close'), private_metadata: JSON.stringify({ d }),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(esc(refusal.message), LIMITS.sectionText) } },
      { type: 'actions', block_id: 'refusal-action', elements: [actionButton(d, refusal.action)] },
    ],
  };
}
