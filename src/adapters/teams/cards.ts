import { actionPayload } from '../../app/interactions/actions.ts';
import {
  CARE_CHANGE_OPTIONS, payerField, PERSON_INVOLVED_OPTIONS, RAISE_ENDING_QUESTION, RAISE_WORDING_ANSWERS, raiseFormSpec, ROUTE_OPTIONS, type FieldErrors,
} from '../../app/interactions/forms.ts';
import type { Pressed } from '../../app/interactions/interactions.ts';
import type { AllowedAction } from '../../domain/allowed-actions.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
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

/**
 * A notification, with real mentions for the people Teams knows. The
 * mentions live in the card (`msteams.entities`, each quoting its `<at>`
 * text in a TextBlock), never on the activity: Teams refuses an activity
 * whose mention entities quote text the activity does not have (400).
 */
export function messageCard(m: Message, mentions: Person[]): { card: Card } {
  const known = mentions.filter((p) => p.handles.teams);
  const body: unknown[] = [tb(escCard(m.title), { weight: 'Bolder', size: 'Medium' }), ...m.lines.map((l) => tb(escCard(l)))];
  if (mentions.length) body.push(tb(`For: ${mentions.map((p) => (p.handles.teams ? `<at>${escCard(p.name)}</at>` : escCard(p.name))).join(', ')}`));
  const entities = known.map((p) => ({ type: 'mention', text: `<at>${escCard(p.name)}</at>`, mentioned: { id: p.handles.teams, name: p.name } }));
  const confirm = m.confirm;
  const c = card(body, confirm ? confirm.organisations.map((o) => actionButton(confirm.disputeId, { verb: 'confirm', s: confirm.seq, o: o.id, label: `Confirm for ${o.name}`, style: 'primary' })) : []);
  if (entities.length) c.msteams = { entities };
  return { card: c };
}

/** An Action.Execute for an action the domain allows; its data is the shared action payload. */
export function actionButton(d: string, a: AllowedAction) {
  return execute(a.label, a.verb, actionPayload(d, a), a.style === 'primary' ? 'positive' : a.style === 'danger' ? 'destructive' : undefined);
}

/** The actions drawn at the foot of the card; ticks, confirms and person steps sit beside what they act on. */
const BESIDE = new Set(['tick', 'confirm', 'person']);

/**
 * The stage card: the root of the case thread, updated in place. `banner`
 * is a line for the one person the card is re-rendered for (why their press
 * was refused, or a notice), never posted to the thread.
 */
export function stageCard(
  v: DisputeView, registerUrl: string | null = null, banner: string | null = null, bannerAction: AllowedAction | null = null,
): Card {
  const d = v.id;
  const title = v.status === 'OPEN' ? `${v.reference} · Stage ${v.stage} — ${v.stageName}` : `${v.reference} · Resolved`;
  const of = (verb: string) => v.allowedActions.filter((a) => a.verb === verb).map((a) => actionButton(d, a));
  const body: unknown[] = [
    ...(banner ? [tb(`⚠️ ${escCard(banner)}`, { color: 'Attention', weight: 'Bolder' })] : []),
    // The one thing to do instead of what was refused (R7.4), right under the reason.
    ...(bannerAction ? [{ type: 'ActionSet', actions: [actionButton(d, bannerAction)] }] : []),
    tb(escCard(title), { weight: 'Bolder', size: 'Large' }),
    tb(`${v.overdue ? '⚠️ **Overdue** — ' : ''}**${escCard(v.dueText.charAt(0).toUpperCase() + v.dueText.slice(1))}**`, { color: v.overdue ? 'Attention' : 'Default' }),
    { type: 'FactSet', facts: [
      { title: 'Person', value: escCard(v.personRef) },
      { title: 'About', value: escCard(v.subjects.join('; ')) },
      { title: 'Parties', value: escCard(v.parties.map((p) => `${p.name} (${p.role})`).join('; ')) },
    ] },
  ];
  if (v.status === 'OPEN') {
    body.push(tb('Care and support continue while this dispute is resolved.', { isSubtle: true }));
    if (v.checklist.length) {
      body.push(tb(`**Stage ${v.stage} checklist**`, { separator: true }));
      for (const c of v.checklist) {
        const tick = v.allowedActions.find((a) => a.verb === 'tick' && a.k === c.key);
        body.push({
          type: 'ColumnSet', columns: [
            { type: 'Column', width: 'stretch', items: [tb(`${c.done ? '✅' : '⬜'} ${escCard(c.label)}${c.by ? ` — _${escCard(c.by)}_` : ''}`)] },
            ...(tick ? [{ type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [actionButton(d, tick)] }] }] : []),
          ],
        });
      }
    }
    if (v.pendingDecision) {
      const p = v.pendingDecision;
      body.push(
        tb(`**Decision ${p.seq} waiting for every party — ${escCard(p.outcome)}**`, { separator: true }),
        tb(escCard(p.summary)),
        // R7.1: the joint assessment an ending rests on, where the senior officers confirm it.
        ...p.assessment.map((l) => tb(escCard(l), { spacing: 'None' })),
        ...p.confirmations.map((c) => tb(c.by ? `✅ ${escCard(c.organisation)} — ${escCard(c.by)}, ${escCard(c.at ?? '')}` : `⏳ ${escCard(c.organisation)}`)),
      );
      const confirms = of('confirm');
      if (confirms.length) body.push({ type: 'ActionSet', actions: confirms });
    }
    const steps = of('person');
    if (steps.length) {
      body.push(tb('**The person** — record each step when it is done', { separator: true }));
      body.push({ type: 'ActionSet', actions: steps });
    }
    for (const w of v.pendingWithdrawals) body.push(tb(`⏳ ${escCard(w)}`));
    if (v.stillNeeded.length) body.push(tb(`Still needed to close: ${escCard(v.stillNeeded.join('; '))}`, { isSubtle: true }));
  } else if (v.outcome) {
    body.push(tb(`**Outcome:** ${escCard(v.outcome)}`));
  }
  // Teams shows at most five actions in one set, so the card's actions come in sets of five.
  const main = v.allowedActions.filter((a) => !BESIDE.has(a.verb)).map((a) => actionButton(d, a));
  const actions: unknown[] = main.slice(0, registerUrl ? 4 : 5);
  for (let i = actions.length; i < main.length; i += 5) body.push({ type: 'ActionSet', actions: main.slice(i, i + 5) });
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
const errorsOf = (errors: FieldErrors) => (id: string) => (errors[id] ? [tb(`⚠️ ${escCard(errors[id]!)}`, { color: 'Attention', spacing: 'None' })] : []);

/** The raise form (same fields and option lists as Slack's); `errors` puts a refusal on its field. */
export function raiseCard(dir: Directory, errors: FieldErrors = {}, values: Record<string, string> = {}): Card {
  const spec = raiseFormSpec(dir);
  const err = errorsOf(errors);
  const opts = (list: { value: string; label: string }[]) => list.map((o) => choice(o.value, o.label));
  const field = (el: Record<string, unknown>) => [{ ...el, ...(values[el.id as string] ? { value: values[el.id as string] } : {}) }, ...err(el.id as string)];
  return card([
    tb('Raise a Section 117 dispute', { weight: 'Bolder', size: 'Large' }),
    tb("Care must continue while this is resolved. Do not type the person's name anywhere, or their NHS number except in its field.", { isSubtle: true }),
    // R7.2: the words read as ending aftercare without the ending subject: the one question, asked once, as a required
    // choice above what was typed.
    ...('wordingConfirmed' in errors || 'wordingConfirmed' in values ? [
      tb(`**${escCard(errors.wordingConfirmed ?? RAISE_ENDING_QUESTION)}**`, { color: 'Attention' }),
      { type: 'Input.ChoiceSet', id: 'wordingConfirmed', label: RAISE_ENDING_QUESTION, style: 'expanded', isRequired: true, errorMessage: 'Choose one.',
        ...(values.wordingConfirmed ? { value: values.wordingConfirmed } : {}), choices: opts(RAISE_WORDING_ANSWERS) },
    ] : []),
    ...field({ type: 'Input.ChoiceSet', id: 'subjects', label: 'What is the disagreement about?', isMultiSelect: true, isRequired: true, errorMessage: 'Choose at least one.', choices: opts(spec.subjects) }),
    ...field({ type: 'Input.ChoiceSet', id: 'cohort', label: 'The person is', isRequired: true, errorMessage: 'Choose one.', value: 'ADULT', choices: opts(spec.cohorts) }),
    ...field({ type: 'Input.ChoiceSet', id: 'setting', label: 'They are in', isRequired: true, errorMessage: 'Choose one.', value: 'COMMUNITY', choices: opts(spec.settings) }),
    ...field({ type: 'Input.ChoiceSet', id: 'parties', label: 'The other organisation(s) in the dispute', isMultiSelect: true, isRequired: true, errorMessage: 'Choose at least one other organisation.', choices: opts(spec.organisations) }),
    ...field(inputText('localCaseRef', "The person's local case number", { max: 100 })),
    ...field(inputText('nhsNumber', 'NHS number (optional; only the last 3 digits are ever shown)', { required: false, max: 12 })),
    ...field({ type: 'Input.ChoiceSet', id: 'professionals', label: 'Professionals involved (optional)', isMultiSelect: true, isRequired: false, choices: dir.people.filter((p) => p.handles.teams).map((p) => choice(p.id, p.name)) }),
    ...field(inputText('description', 'What do the organisations disagree about?', { multiline: true })),
    ...field(inputText('currentCare', 'What care does the person get now?', { multiline: true })),
    ...field({ type: 'Input.ChoiceSet', id: 'continuity', label: 'Is that care continuing while this is resolved?', style: 'expanded', isRequired: true, errorMessage: 'Choose one.', value: 'yes', choices: [choice('yes', 'Yes, care continues'), choice('no', 'No: care has been delayed, reduced or withdrawn')] }),
    ...field({ type: 'Input.Toggle', id: 'ending', title: 'This is about ending Section 117 aftercare (goes straight to Stage 3)', valueOn: 'true', valueOff: 'false', value: 'false' }),
    ...field({ type: 'Input.ChoiceSet', id: 'grounds', label: 'Reasons any party has given (optional; flagged, never blocking)', isMultiSelect: true, isRequired: false, choices: opts(spec.grounds) }),
  ], [execute('Raise', 'raise', {}, 'positive')]);
}

type FormPressed = Extract<Pressed, { kind: 'form' }>;

/**
 * The form a button opened, shown in place of the card for the person who
 * pressed it (`dialog`: inside a Teams dialog, where only Action.Submit
 * works). `values` keeps what was typed when a submission is refused.
 */
export function formCard(p: FormPressed, errors: FieldErrors = {}, values: Record<string, string> = {}, dialog = false, action: AllowedAction | null = null): Card {
  const err = errorsOf(errors);
  const d = p.dispute.id;
  const ref = escCard(p.dispute.reference);
  const keep = (el: Record<string, unknown>) => [{ ...el, ...(values[el.id as string] ? { value: values[el.id as string] } : {}) }, ...err(el.id as string)];
  const submit = (title: string, verb: string, data: Record<string, unknown>, style?: 'positive' | 'destructive') =>
    (dialog ? { type: 'Action.Submit', title, data: { verb, d, ...data } } : execute(title, verb, { d, ...data }, style));
  switch (p.form) {
    case 'decision': {
      const spec = p.decision!;
      const body: unknown[] = [
        tb(`Record a decision — ${escCard(spec.title)}`, { weight: 'Bolder', size: 'Medium' }),
        tb('Every party organisation confirms before it takes effect.', { isSubtle: true }),
        // The words and the chosen effect disagreed: the one question, asked once, with what was typed kept below.
        ...('wordingConfirmed' in errors || 'wordingConfirmed' in values ? [
          tb(`**${escCard(errors.wordingConfirmed ?? 'Is your choice of what the decision does to aftercare right?')}**`, { color: 'Attention' }),
          { type: 'Input.Toggle', id: 'wordingConfirmed', title: 'Yes, my choice is what I mean', valueOn: 'true', valueOff: 'false', value: values.wordingConfirmed ?? 'false' },
        ] : []),
        ...keep({ type: 'Input.ChoiceSet', id: 'outcome', label: 'Outcome', isRequired: true, errorMessage: 'Choose one.', value: spec.outcomes[0]?.value, choices: spec.outcomes.map((o) => choice(o.value, o.label)) }),
        ...keep({ type: 'Input.ChoiceSet', id: 'effect', label: 'What does the decision do to Section 117 aftercare?', style: 'expanded', isRequired: true, errorMessage: 'Choose one.', choices: spec.effects.map((o) => choice(o.value, o.label)) }),
        ...keep({ type: 'Input.ChoiceSet', id: 'basis', label: 'What is it based on? (needs-led grounds; cost, budget or commissioning cannot be a basis)', isMultiSelect: true, style: 'expanded', isRequired: true, errorMessage: 'Choose at least one.', choices: spec.bases.map((o) => choice(o.value, o.label)) }),
        ...keep({ type: 'Input.Date', id: 'effectiveFrom', label: 'From when (needed unless aftercare continues unchanged)', isRequired: false }),
        ...spec.payers.flatMap((o) => keep(inputText(payerField(o.value), `What ${escCard(o.label)} pays (its share or element; empty if nothing)`, { required: false }))),
        ...keep(inputText('summary', 'What was decided', { multiline: true, ...(spec.prefill ? { value: spec.prefill } : {}) })),
        ...keep(inputText('basisNeed', 'Basis in assessed need', { multiline: true })),
        ...keep(inputText('basisTests', 'How the statutory Section 117 tests apply', { multiline: true })),
        ...keep(inputText('basisRisk', 'Risk of deterioration or readmission', { multiline: true })),
        ...keep(inputText('funding', 'Funding arrangements', { multiline: true, required: spec.fundingRequired })),
        ...keep(inputText('commissioning', 'Commissioning arrangements', { multiline: true, required: spec.fundingRequired })),
        ...keep(inputText('interimFunding', 'Interim funding (if any)', { multiline: true, required: false })),
      ];
      if (spec.endingFields) {
        body.push(
          ...keep({ type: 'Input.ChoiceSet', id: 'endingReason', label: 'If ending aftercare: why', isRequired: false, choices: spec.endingReasons.map((o) => choice(o.value, o.label)) }),
          // R7.1: the joint assessment as facts; optional on the card since only an ending needs them (the domain names each one missing).
          ...keep({ type: 'Input.Date', id: 'jointAssessedOn', label: 'If ending aftercare: when the joint assessment was carried out (not in the future, not before the dispute was raised)', isRequired: false }),
          ...keep({ type: 'Input.ChoiceSet', id: 'jointAssessmentOrganisations', label: 'If ending aftercare: the organisations that took part (every party organisation)', isMultiSelect: true, isRequired: false, choices: spec.assessmentOrganisations.map((o) => choice(o.value, o.label)) }),
          ...keep({ type: 'Input.ChoiceSet', id: 'personInvolved', label: 'If ending aftercare: was the person (or their representative) involved?', style: 'expanded', isRequired: false, choices: PERSON_INVOLVED_OPTIONS.map((o) => choice(o.value, o.label)) }),
          ...keep(inputText('personNotInvolvedReason', 'If they were not involved: why', { multiline: true, required: false })),
          ...keep(inputText('jointAssessment', "If ending aftercare: what the joint assessment found (the person's assessed needs, and how each is now met)", { multiline: true, required: false })),
        );
      }
      return card(body, [submit('Propose', 'propose', {}, 'positive'), ...(action && !dialog ? [actionButton(d, action)] : [])]);
    }
    case 'escalate':
      return card([tb(`Escalate ${ref} now`, { weight: 'Bolder' }), ...keep(inputText('reason', 'Why escalate before the deadline?', { multiline: true }))],
        [submit('Escalate', 'escalate-submit', {})]);
    case 'care-change':
      return card([
        tb(`Change in care — ${ref}`, { weight: 'Bolder' }),
        ...keep({ type: 'Input.ChoiceSet', id: 'change', label: 'What happened to the care?', isRequired: true, errorMessage: 'Choose one.', style: 'expanded', choices: CARE_CHANGE_OPTIONS.map((o) => choice(o.value, o.label)) }),
        ...keep(inputText('detail', 'What exactly, and since when?', { multiline: true })),
      ], [submit('Alert the senior officers', 'care-change-submit', {}, 'destructive')]);
    case 'external':
      return card([
        tb(`Escalate ${ref} externally (exceptional; care continues throughout)`, { weight: 'Bolder' }),
        ...keep({ type: 'Input.ChoiceSet', id: 'route', label: 'Where to', isRequired: true, errorMessage: 'Choose one.', choices: ROUTE_OPTIONS.map((o) => choice(o.value, o.label)) }),
        ...keep(inputText('note', 'Note (optional)', { multiline: true, required: false })),
      ], [submit('Record', 'external-submit', {})]);
    case 'letter': {
      const l = p.letter!;
      return card([
        tb(`Letter to the person — reading age about ${Math.round(l.readingAge)}`, { weight: 'Bolder' }),
        tb(escCard(l.text)),
        ...err('letter'),
      ], [submit('Mark as sent', 'letter-sent', { n: l.n })]);
    }
    default: {
      const spec = p.simple!;
      const body: unknown[] = [tb(escCard(spec.title), { weight: 'Bolder' }), ...(spec.intro ? [tb(escCard(spec.intro), { isSubtle: true })] : [])];
      for (const f of spec.fields) {
        const label = f.hint ? `${f.label} (${f.hint})` : f.label;
        body.push(...keep(f.options
          ? { type: 'Input.ChoiceSet', id: f.id, label, isRequired: f.required, errorMessage: 'Choose one.', choices: f.options.map((o) => choice(o.value, o.label)) }
          : inputText(f.id, label, { multiline: f.multiline, required: f.required })));
      }
      return card(body, [submit(spec.submit, simpleSubmitVerb(spec.form), {})]);
    }
  }
}

/** The Action.Execute verb a small form's submit button carries. */
export const simpleSubmitVerb = (form: string) => `${form}-submit`;

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
