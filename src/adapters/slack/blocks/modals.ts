import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { COHORT_TEXT, ENDING_REASON_TEXT, OUTCOME_TEXT, ROUTE_TEXT, SETTING_TEXT, SUBJECT_TEXT } from '../../../domain/texts.ts';
import type { DecisionOutcome, Directory, StageNo } from '../../../domain/types.ts';
import { ENDING_REASONS, EXTERNAL_ROUTES, SUBJECTS, UNLAWFUL_GROUNDS } from '../../../domain/types.ts';
import { GROUND_TEXT } from '../../../domain/unlawful-grounds.ts';
import { STAGE_OUTCOMES } from '../../../domain/stage-policy.ts';
import { clip } from '../escape.ts';
import { LIMITS } from './limits.ts';

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });
const option = (value: string, text: string): PlainTextOption => ({ value, text: plain(clip(text, LIMITS.optionText)) });

function input(blockId: string, label: string, element: InputBlock['element'], opts: { optional?: boolean; hint?: string } = {}): InputBlock {
  return {
    type: 'input', block_id: blockId, label: plain(label), element, optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
  };
}
const text = (initial = '', multiline = false, max: number = LIMITS.sectionText) => ({
  type: 'plain_text_input' as const, action_id: 'v', multiline, max_length: max,
  ...(initial ? { initial_value: clip(initial, LIMITS.plainTextInitial) } : {}),
});

function modal(callbackId: string, title: string, submit: string, blocks: KnownBlock[], meta: object): ModalView {
  const privateMetadata = JSON.stringify(meta);
  if (privateMetadata.length > LIMITS.privateMetadata) throw new Error('private_metadata too long');
  return {
    type: 'modal', callback_id: callbackId, title: plain(clip(title, LIMITS.modalTitle)), submit: plain(clip(submit, LIMITS.modalSubmit)),
    close: plain('Cancel'), private_metadata: privateMetadata, blocks,
  };
}

/** `/s117 raise`: every field of R2.x and R3.1, in the order people think of them. */
export function raiseModal(dir: Directory, meta: { channel: string | null }): ModalView {
  return modal('s117_raise', 'Raise a dispute', 'Raise', [
    { type: 'section', text: { type: 'mrkdwn', text: 'Care must continue while this is resolved. Do not type the person\'s name or NHS number anywhere except the NHS number field.' } },
    input('subjects', 'What is the disagreement about?', { type: 'multi_static_select', action_id: 'v', options: SUBJECTS.map((s) => option(s, SUBJECT_TEXT[s])) }),
    input('cohort', 'The person is', { type: 'static_select', action_id: 'v', options: Object.entries(COHORT_TEXT).map(([k, t]) => option(k, t)) }),
    input('setting', 'They are in', { type: 'static_select', action_id: 'v', options: Object.entries(SETTING_TEXT).map(([k, t]) => option(k, t)) }),
    input('parties', 'The other organisation(s) in the dispute', {
      type: 'multi_static_select', action_id: 'v', options: dir.organisations.slice(0, LIMITS.options).map((o) => option(o.id, o.name)),
    }, { hint: 'Your own organisation is added as the party raising the dispute.' }),
    input('localCaseRef', "The person's local case number", text('', false, 100), { hint: 'Used to find the case. Never their name.' }),
    input('nhsNumber', 'NHS number (optional)', text('', false, 12), { optional: true, hint: '10 digits. Only the last 3 are ever shown in chat.' }),
    input('professionals', 'Professionals involved (optional)', { type: 'multi_users_select', action_id: 'v' }, { optional: true, hint: 'They are invited to the case channel.' }),
    input('description', 'What do the organisations disagree about?', text('', true)),
    input('currentCare', 'What care does the person get now?', text('', true)),
    input('continuity', 'Is that care continuing while this is resolved?', {
      type: 'radio_buttons', action_id: 'v',
      options: [option('yes', 'Yes, care continues'), option('no', 'No: care has been delayed, reduced or withdrawn')],
    }, { hint: 'If not, the senior officers are alerted at once.' }),
    input('ending', 'Ending aftercare', {
      type: 'checkboxes', action_id: 'v', options: [option('ending', 'This is about ending Section 117 aftercare (goes straight to Stage 3)')],
    }, { optional: true }),
    input('grounds', 'Reasons any party has given (optional)', {
      type: 'multi_static_select', action_id: 'v', options: UNLAWFUL_GROUNDS.map((g) => option(g, GROUND_TEXT[g])),
    }, { optional: true, hint: 'These are not lawful grounds for delay. Choosing one flags it; it never stops the dispute.' }),
  ], meta);
}

/** "Record as decision" (message shortcut) and the card's "Record a decision" button. */
export function decisionModal(meta: { d: string; reference: string; stage: StageNo; source: string | null }, prefill: string): ModalView {
  const outcomes = STAGE_OUTCOMES[meta.stage];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${meta.reference}*, Stage ${meta.stage}. Every party organisation confirms before it takes effect.` } },
    input('outcome', 'Outcome', { type: 'static_select', action_id: 'v', options: outcomes.map((o: DecisionOutcome) => option(o, OUTCOME_TEXT[o])) }),
    input('summary', 'What was decided', text(prefill, true)),
    input('basisNeed', 'Basis in assessed need', text('', true)),
    input('basisTests', 'How the statutory Section 117 tests apply', text('', true)),
    input('basisRisk', 'Risk of deterioration or readmission', text('', true)),
    input('funding', 'Funding arrangements', text('', true), { optional: meta.stage < 3 }),
    input('commissioning', 'Commissioning arrangements', text('', true), { optional: meta.stage < 3 }),
    input('interimFunding', 'Interim funding (if any)', text('', true), { optional: true }),
  ];
  if (meta.stage >= 3) {
    blocks.push(
      input('endingReason', 'If ending aftercare: why', { type: 'static_select', action_id: 'v', options: ENDING_REASONS.map((r) => option(r, ENDING_REASON_TEXT[r])) }, { optional: true }),
      input('jointAssessment', 'If ending aftercare: the joint assessment', text('', true), { optional: true, hint: 'Who assessed jointly, when, and what they found.' }),
    );
  }
  return modal('s117_decision', 'Record a decision', 'Propose', blocks, meta);
}

export function reasonModal(callbackId: 's117_escalate' | 's117_care_change', meta: { d: string; reference: string }): ModalView {
  if (callbackId === 's117_escalate') {
    return modal(callbackId, 'Escalate now', 'Escalate', [
      input('reason', `Why escalate ${meta.reference} before its deadline?`, text('', true)),
    ], meta);
  }
  return modal(callbackId, 'Change in care', 'Alert seniors', [
    input('change', 'What happened to the care?', {
      type: 'radio_buttons', action_id: 'v',
      options: [option('DELAYED', 'Delayed'), option('REDUCED', 'Reduced'), option('WITHDRAWN', 'Withdrawn')],
    }),
    input('detail', 'What exactly, and since when?', text('', true)),
  ], meta);
}

export function externalModal(meta: { d: string; reference: string }): ModalView {
  return modal('s117_external', 'Escalate externally', 'Record', [
    { type: 'section', text: { type: 'mrkdwn', text: 'Stage 4 is for exceptional circumstances only. Care must continue throughout.' } },
    input('route', 'Where to', { type: 'static_select', action_id: 'v', options: EXTERNAL_ROUTES.map((r) => option(r, ROUTE_TEXT[r])) }),
    input('note', 'Note (optional)', text('', true), { optional: true }),
  ], meta);
}

export function letterModal(meta: { d: string; reference: string; n: number }, letterText: string, readingAge: number): ModalView {
  return modal('s117_letter', 'Letter to the person', 'Mark as sent', [
    { type: 'section', text: { type: 'mrkdwn', text: `Reading age about ${Math.round(readingAge)}. Check it, add the person's name when you send it from your own system, then mark it sent here.` } },
    { type: 'section', text: { type: 'plain_text', text: clip(letterText, LIMITS.sectionText), emoji: false } },
  ], meta);
}

