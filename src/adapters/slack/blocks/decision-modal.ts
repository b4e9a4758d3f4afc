import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { type DecisionFormSpec, type FormValues, type Option, payerField, PERSON_INVOLVED_OPTIONS } from '../../../app/interactions/forms.ts';
import { clip, esc } from '../escape.ts';
import { LIMITS } from './limits.ts';
import { input, modal, option, text } from './modals.ts';
import { actionButton } from './stage-card.ts';
import type { AllowedAction } from '../../../domain/allowed-actions.ts';

type Spec = DecisionFormSpec & { prefill?: string };
/** The question, and (below Stage 3, for words that read as ending) the one action that leads to an ending. */
export interface Question { text: string; action: AllowedAction | null }

/**
 * The decision form. What it does to aftercare and its needs-led basis are choices from lists the inbound layer made
 * for this person at this stage (an ending is on the list only at Stage 3, for a senior officer). `keep` is what was
 * typed when the form is shown again; `question` is the one question asked when the words and the choice disagree.
 */
export function decisionModal(spec: Spec, source: string | null, keep: FormValues = {}, question: Question | null = null): ModalView {
  const str = (id: string, fallback = '') => (typeof keep[id] === 'string' ? keep[id] as string : fallback);
  const listOf = (id: string): string[] => (Array.isArray(keep[id]) ? keep[id] as string[] : str(id) ? [str(id)] : []);
  const opts = (list: Option[]): PlainTextOption[] => list.slice(0, LIMITS.options).map((o) => option(o.value, o.label));
  const chosen = (list: Option[], id: string) => opts(list).filter((o) => listOf(id).includes(o.value!));
  const select = (id: string, list: Option[]): InputBlock['element'] => {
    const initial = chosen(list, id)[0];
    return { type: 'static_select', action_id: 'v', options: opts(list), ...(initial ? { initial_option: initial } : {}) };
  };
  const box = (id: string, initial = '') => text(str(id, initial), true);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${esc(spec.title)}*. Every party organisation confirms before it takes effect.` } },
  ];
  if (question) {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${esc(question.text)}*`, LIMITS.sectionText) } },
      ...(question.action
        ? [{ type: 'actions' as const, block_id: 'question-action', elements: [actionButton(spec.d, question.action)] }] : []),
      input('wordingConfirmed', 'Is your choice of what the decision does to aftercare right?', {
        type: 'checkboxes', action_id: 'v', options: [option('yes', 'Yes, my choice is what I mean')],
      }, { optional: true, hint: 'If not, change the choice (or the words) below.' }),
    );
  }
  const effects = chosen(spec.effects, 'effect');
  const bases = chosen(spec.bases, 'basis');
  blocks.push(
    input('outcome', 'Outcome', select('outcome', spec.outcomes)),
    input('effect', 'What does the decision do to Section 117 aftercare?', {
      type: 'radio_buttons', action_id: 'v', options: opts(spec.effects), ...(effects[0] ? { initial_option: effects[0] } : {}),
    }),
    input('basis', 'What is it based on? (needs-led grounds)', {
      type: 'checkboxes', action_id: 'v', options: opts(spec.bases), ...(bases.length ? { initial_options: bases } : {}),
    }, { hint: 'Cost, budget or commissioning cannot be a basis.' }),
    input('effectiveFrom', 'From when', {
      type: 'datepicker', action_id: 'v', ...(/^\d{4}-\d{2}-\d{2}$/.test(str('effectiveFrom')) ? { initial_date: str('effectiveFrom') } : {}),
    }, { optional: true, hint: 'Needed unless aftercare continues unchanged.' }),
    ...spec.payers.map((o) => input(payerField(o.value), `What ${clip(o.label, 200)} pays (its share or element)`,
      text(str(payerField(o.value)), false, 3000), {
      optional: true, hint: 'Leave empty if it pays nothing under this decision.',
    })),
    input('summary', 'What was decided', box('summary', spec.prefill ?? '')),
    input('basisNeed', 'Basis in assessed need', box('basisNeed')),
    input('basisTests', 'How the statutory Section 117 tests apply', box('basisTests')),
    input('basisRisk', 'Risk of deterioration or readmission', box('basisRisk')),
    input('funding', 'Funding arrangements', box('funding'), { optional: !spec.fundingRequired }),
    input('commissioning', 'Commissioning arrangements', box('commissioning'), { optional: !spec.fundingRequired }),
    input('interimFunding', 'Interim funding (if any)', box('interimFunding'), { optional: true }),
  );
  if (spec.endingFields) {
    // R7.1: the joint assessment as facts. Optional here because only an ending needs them; the domain names each
    // one missing on its own block.
    const orgs = chosen(spec.assessmentOrganisations, 'jointAssessmentOrganisations');
    const involved = chosen(PERSON_INVOLVED_OPTIONS, 'personInvolved')[0];
    blocks.push(
      input('endingReason', 'If ending aftercare: why', select('endingReason', spec.endingReasons), { optional: true }),
      input('jointAssessedOn', 'If ending aftercare: when the joint assessment was carried out', {
        type: 'datepicker', action_id: 'v', ...(/^\d{4}-\d{2}-\d{2}$/.test(str('jointAssessedOn')) ? { initial_date: str('jointAssessedOn') } : {}),
      }, { optional: true, hint: 'Not in the future, and not before the dispute was raised.' }),
      input('jointAssessmentOrganisations', 'If ending aftercare: the organisations that took part', {
        type: 'multi_static_select', action_id: 'v', options: opts(spec.assessmentOrganisations),
        ...(orgs.length ? { initial_options: orgs } : {}),
      }, { optional: true, hint: 'Every party organisation takes part: an ending is never assessed by one alone.' }),
      input('personInvolved', 'If ending aftercare: was the person (or their representative) involved?', {
        type: 'radio_buttons', action_id: 'v', options: opts(PERSON_INVOLVED_OPTIONS), ...(involved ? { initial_option: involved } : {}),
      }, { optional: true }),
      input('personNotInvolvedReason', 'If they were not involved: why', text(str('personNotInvolvedReason'), true, 3000),
        { optional: true }),
      input('jointAssessment', 'If ending aftercare: what the joint assessment found', box('jointAssessment'),
        { optional: true, hint: 'The person\'s assessed needs, and how each is now met.' }),
    );
  }
  return modal('s117_decision', 'Record a decision', 'Propose', blocks, { d: spec.d, reference: spec.reference, source });
}
