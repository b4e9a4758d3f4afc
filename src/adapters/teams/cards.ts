import type { Message } from '../../domain/effects.ts';
import { STAGE_OUTCOMES } from '../../domain/stage-policy.ts';
import { COHORT_TEXT, ENDING_REASON_TEXT, OUTCOME_TEXT, SETTING_TEXT, SUBJECT_TEXT } from '../../domain/texts.ts';
import type { Directory, Person, StageNo } from '../../domain/types.ts';
import { ENDING_REASONS, SUBJECTS, UNLAWFUL_GROUNDS } from '../../domain/types.ts';
import { GROUND_TEXT } from '../../domain/unlawful-grounds.ts';
import type { DisputeView } from '../../domain/view.ts';

/** The Adaptive Card schema version the manifest and every card declare (Universal Actions need 1.4+). */
export const CARD_VERSION = '1.5';

export type Card = Record<string, unknown> & { type: 'AdaptiveCard'; version: string; body: unknown[] };

/**
 * Adaptive Card text is markdown: what people typed is escaped so it shows
 * as typed (no links, emphasis or lists smuggled in). Mentions need a
 * matching entity the bot adds itself, so typed `<at>` tags mention nobody.
 */
export function escCard(text: string): string {
  return text.replace(/([\\*_`[\]()~#|>])/g, '\\$1').replace(/^(\s*)([-+]|\d+\.)\s/gm, '$1\\$2 ');
}

const tb = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text, wrap: true, ...extra });
const card = (body: unknown[], actions: unknown[] = []): Card => ({
  type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: CARD_VERSION, body, ...(actions.length ? { actions } : {}),
});
const execute = (title: string, verb: string, data: Record<string, unknown>, style?: 'positive' | 'destructive') => ({
  type: 'Action.Execute', title, verb, data: { verb, ...data }, ...(style ? { style } : {}),
});

/** A notification, with real mentions for the people Teams knows. */
export function messageCard(m: Message, mentions: Person[]): { card: Card; entities: unknown[] } {
  const known = mentions.filter((p) => p.teams);
  const body: unknown[] = [tb(escCard(m.title), { weight: 'Bolder', size: 'Medium' }), ...m.lines.map((l) => tb(escCard(l)))];
  if (mentions.length) body.push(tb(`For: ${mentions.map((p) => (p.teams ? `<at>${escCard(p.name)}</at>` : escCard(p.name))).join(', ')}`));
  const entities = known.map((p) => ({ type: 'mention', text: `<at>${escCard(p.name)}</at>`, mentioned: { id: p.teams, name: p.name } }));
  const confirm = m.confirm;
  const c = card(body, confirm ? confirm.organisations.map((o) => execute(`Confirm for ${o.name}`, 'confirm', { d: confirm.disputeId, s: confirm.seq, o: o.id }, 'positive')) : []);
  if (entities.length) c.msteams = { entities };
  return { card: c, entities };
}

/** The stage card: the root of the case thread, updated in place. */
export function stageCard(v: DisputeView, registerUrl: string | null = null): Card {
  const d = v.id;
  const title = v.status === 'OPEN' ? `${v.reference} · Stage ${v.stage} — ${v.stageName}` : `${v.reference} · Resolved`;
  const body: unknown[] = [
    tb(escCard(title), { weight: 'Bolder', size: 'Large' }),
    tb(`${v.overdue ? '⚠️ **Overdue** — ' : ''}**${escCard(v.dueText.charAt(0).toUpperCase() + v.dueText.slice(1))}**`, { color: v.overdue ? 'Attention' : 'Default' }),
    { type: 'FactSet', facts: [
      { title: 'Person', value: escCard(v.personRef) },
      { title: 'About', value: escCard(v.subjects.join('; ')) },
      { title: 'Parties', value: escCard(v.parties.map((p) => `${p.name} (${p.role})`).join('; ')) },
    ] },
  ];
  const actions: unknown[] = [];
  if (v.status === 'OPEN') {
    body.push(tb('Care and support continue while this dispute is resolved.', { isSubtle: true }));
    if (v.checklist.length) {
      body.push(tb(`**Stage ${v.stage} checklist**`, { separator: true }));
      for (const c of v.checklist) {
        body.push({
          type: 'ColumnSet', columns: [
            { type: 'Column', width: 'stretch', items: [tb(`${c.done ? '✅' : '⬜'} ${escCard(c.label)}${c.by ? ` — _${escCard(c.by)}_` : ''}`)] },
            { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [execute(c.done ? 'Untick' : 'Tick', 'tick', { d, k: c.key, s: v.stage, n: c.done ? 0 : 1 })] }] },
          ],
        });
      }
    }
    if (v.pendingDecision) {
      const p = v.pendingDecision;
      body.push(
        tb(`**Decision ${p.seq} waiting for every party — ${escCard(p.outcome)}**`, { separator: true }),
        tb(escCard(p.summary)),
        ...p.confirmations.map((c) => tb(c.by ? `✅ ${escCard(c.organisation)} — ${escCard(c.by)}, ${escCard(c.at ?? '')}` : `⏳ ${escCard(c.organisation)}`)),
        { type: 'ActionSet', actions: v.parties.filter((party) => !p.confirmations.find((c) => c.organisation === party.name)?.by)
          .map((party) => execute(`Confirm for ${party.name}`, 'confirm', { d, s: p.seq, o: party.organisationId }, 'positive')) },
      );
    }
    const steps = v.personSteps.filter((s) => !s.done);
    if (steps.length) {
      body.push(tb('**The person** — record each step when it is done', { separator: true }));
      body.push({ type: 'ActionSet', actions: steps.map((s) => execute(s.label, 'person', { d, k: s.step })) });
    }
    if (v.stillNeeded.length) body.push(tb(`Still needed to close: ${escCard(v.stillNeeded.join('; '))}`, { isSubtle: true }));
    actions.push(execute('Record a decision', 'decide', { d }, 'positive'));
    if (v.stage < 3) actions.push(execute('Escalate now', 'escalate', { d }));
    if (v.canEscalateExternally) actions.push(execute('Escalate externally', 'external', { d }, 'destructive'));
    actions.push(execute('Report a change in care', 'care-change', { d }, 'destructive'));
    if (v.pendingLetter) actions.push(execute('Review the letter to the person', 'letter', { d, n: v.pendingLetter.seq }));
  } else if (v.outcome) {
    body.push(tb(`**Outcome:** ${escCard(v.outcome)}`));
  }
  if (registerUrl) actions.push({ type: 'Action.OpenUrl', title: 'Open in the register', url: `${registerUrl}/register/dispute/${encodeURIComponent(v.reference)}` });
  for (const f of v.flags) body.push(tb(`🚩 ${escCard(f)}`, { isSubtle: true, spacing: 'None' }));
  if (v.chc) body.push(tb(escCard(v.chc), { isSubtle: true }));
  return card(body, actions);
}

const choice = (value: string, title: string) => ({ title, value });
const inputText = (id: string, label: string, opts: { multiline?: boolean; required?: boolean; value?: string; max?: number; error?: string } = {}) => ({
  type: 'Input.Text', id, label, isMultiline: opts.multiline ?? false, isRequired: opts.required ?? true, maxLength: opts.max ?? 3000,
  ...(opts.value ? { value: opts.value } : {}), errorMessage: opts.error ?? `${label}: this is required.`,
});

/** The raise form (same fields as Slack's); `errors` puts a refusal on its field. */
export function raiseCard(dir: Directory, errors: Record<string, string> = {}, values: Record<string, string> = {}): Card {
  const err = (id: string) => (errors[id] ? [tb(`⚠️ ${escCard(errors[id]!)}`, { color: 'Attention', spacing: 'None' })] : []);
  const field = (el: Record<string, unknown>) => [{ ...el, ...(values[el.id as string] ? { value: values[el.id as string] } : {}) }, ...err(el.id as string)];
  return card([
    tb('Raise a Section 117 dispute', { weight: 'Bolder', size: 'Large' }),
    tb("Care must continue while this is resolved. Do not type the person's name anywhere, or their NHS number except in its field.", { isSubtle: true }),
    ...field({ type: 'Input.ChoiceSet', id: 'subjects', label: 'What is the disagreement about?', isMultiSelect: true, isRequired: true, errorMessage: 'Choose at least one.', choices: SUBJECTS.map((s) => choice(s, SUBJECT_TEXT[s])) }),
    ...field({ type: 'Input.ChoiceSet', id: 'cohort', label: 'The person is', isRequired: true, errorMessage: 'Choose one.', value: 'ADULT', choices: Object.entries(COHORT_TEXT).map(([k, t]) => choice(k, t)) }),
    ...field({ type: 'Input.ChoiceSet', id: 'setting', label: 'They are in', isRequired: true, errorMessage: 'Choose one.', value: 'COMMUNITY', choices: Object.entries(SETTING_TEXT).map(([k, t]) => choice(k, t)) }),
    ...field({ type: 'Input.ChoiceSet', id: 'parties', label: 'The other organisation(s) in the dispute', isMultiSelect: true, isRequired: true, errorMessage: 'Choose at least one other organisation.', choices: dir.organisations.map((o) => choice(o.id, o.name)) }),
    ...field(inputText('localCaseRef', "The person's local case number", { max: 100 })),
    ...field(inputText('nhsNumber', 'NHS number (optional; only the last 3 digits are ever shown)', { required: false, max: 12 })),
    ...field({ type: 'Input.ChoiceSet', id: 'professionals', label: 'Professionals involved (optional)', isMultiSelect: true, isRequired: false, choices: dir.people.filter((p) => p.teams).map((p) => choice(p.id, p.name)) }),
    ...field(inputText('description', 'What do the organisations disagree about?', { multiline: true })),
    ...field(inputText('currentCare', 'What care does the person get now?', { multiline: true })),
    ...field({ type: 'Input.ChoiceSet', id: 'continuity', label: 'Is that care continuing while this is resolved?', style: 'expanded', isRequired: true, errorMessage: 'Choose one.', value: 'yes', choices: [choice('yes', 'Yes, care continues'), choice('no', 'No: care has been delayed, reduced or withdrawn')] }),
    ...field({ type: 'Input.Toggle', id: 'ending', title: 'This is about ending Section 117 aftercare (goes straight to Stage 3)', valueOn: 'true', valueOff: 'false', value: 'false' }),
    ...field({ type: 'Input.ChoiceSet', id: 'grounds', label: 'Reasons any party has given (optional; flagged, never blocking)', isMultiSelect: true, isRequired: false, choices: UNLAWFUL_GROUNDS.map((g) => choice(g, GROUND_TEXT[g])) }),
  ], [execute('Raise', 'raise', {}, 'positive')]);
}

/** `dialog`: inside a Teams dialog (task module), where only Action.Submit works. */
export function decisionCard(m: { d: string; reference: string; stage: StageNo }, prefill: string, errors: Record<string, string> = {}, dialog = false): Card {
  const err = (id: string) => (errors[id] ? [tb(`⚠️ ${escCard(errors[id]!)}`, { color: 'Attention', spacing: 'None' })] : []);
  const body: unknown[] = [
    tb(`Record a decision — ${escCard(m.reference)}, Stage ${m.stage}`, { weight: 'Bolder', size: 'Medium' }),
    tb('Every party organisation confirms before it takes effect.', { isSubtle: true }),
    { type: 'Input.ChoiceSet', id: 'outcome', label: 'Outcome', isRequired: true, errorMessage: 'Choose one.', value: STAGE_OUTCOMES[m.stage][0], choices: STAGE_OUTCOMES[m.stage].map((o) => choice(o, OUTCOME_TEXT[o])) },
    inputText('summary', 'What was decided', { multiline: true, value: prefill }), ...err('summary'),
    inputText('basisNeed', 'Basis in assessed need', { multiline: true }), ...err('basisNeed'),
    inputText('basisTests', 'How the statutory Section 117 tests apply', { multiline: true }), ...err('basisTests'),
    inputText('basisRisk', 'Risk of deterioration or readmission', { multiline: true }), ...err('basisRisk'),
    inputText('funding', 'Funding arrangements', { multiline: true, required: m.stage >= 3 }), ...err('funding'),
    inputText('commissioning', 'Commissioning arrangements', { multiline: true, required: m.stage >= 3 }), ...err('commissioning'),
    inputText('interimFunding', 'Interim funding (if any)', { multiline: true, required: false }),
  ];
  if (m.stage >= 3) {
    body.push(
      { type: 'Input.ChoiceSet', id: 'endingReason', label: 'If ending aftercare: why', isRequired: false, choices: ENDING_REASONS.map((r) => choice(r, ENDING_REASON_TEXT[r])) },
      inputText('jointAssessment', 'If ending aftercare: the joint assessment', { multiline: true, required: false }),
    );
  }
  return card(body, [dialog ? { type: 'Action.Submit', title: 'Propose', data: { verb: 'propose', d: m.d } } : execute('Propose', 'propose', { d: m.d, source: null }, 'positive')]);
}

export function reasonCard(verb: 'escalate-submit' | 'care-change-submit', m: { d: string; reference: string }): Card {
  if (verb === 'escalate-submit') {
    return card([tb(`Escalate ${escCard(m.reference)} now`, { weight: 'Bolder' }), inputText('reason', 'Why escalate before the deadline?', { multiline: true })],
      [execute('Escalate', verb, { d: m.d })]);
  }
  return card([
    tb(`Change in care — ${escCard(m.reference)}`, { weight: 'Bolder' }),
    { type: 'Input.ChoiceSet', id: 'change', label: 'What happened to the care?', isRequired: true, errorMessage: 'Choose one.', style: 'expanded', choices: [choice('DELAYED', 'Delayed'), choice('REDUCED', 'Reduced'), choice('WITHDRAWN', 'Withdrawn')] },
    inputText('detail', 'What exactly, and since when?', { multiline: true }),
  ], [execute('Alert the senior officers', verb, { d: m.d }, 'destructive')]);
}

export function textCard(title: string, lines: string[]): Card {
  return card([tb(escCard(title), { weight: 'Bolder' }), ...lines.map((l) => tb(escCard(l)))]);
}

export const HELP_LINES = [
  'raise — raise a dispute (a form)',
  'status — in a case thread: where this dispute stands; elsewhere: status S117-2026-0042',
  'list — your open disputes, soonest deadline first',
  'escalate <reason> — in a case thread: escalate before the deadline',
  'report [period] — governance leads: the Partnership Board report (2026-Q3, 2026-09, or two dates)',
  'help — this message',
  'In a case thread, use the buttons on the stage card, or "Record as decision" on any message.',
];
