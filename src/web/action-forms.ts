import { ACTIONS, actionPayload, type Verb } from '../app/interactions/actions.ts';
import { CARE_CHANGE_OPTIONS, type DecisionFormSpec, type FieldErrors, type FormValues, type Option, payerField, PERSON_INVOLVED_OPTIONS, ROUTE_OPTIONS } from '../app/interactions/forms.ts';
import type { Pressed } from '../app/interactions/interactions.ts';
import type { SimpleFormSpec } from '../app/interactions/simple-forms.ts';
import type { AllowedAction } from '../domain/allowed-actions.ts';
import type { DisputeView } from '../domain/view.ts';
import { html, type Safe } from './html.ts';

/**
 * The dispute's actions as HTML forms. Nothing here decides what a person may do: the page draws exactly the
 * allowed actions the inbound layer gives for this viewer, and each form is drawn from the same description the
 * chat platforms draw their modals from (the decision form's spec, the small forms' field lists). Patterns from
 * the NHS service manual: an error summary first, one label per field, radios and checkboxes in a fieldset with a
 * legend, the error message above the field it belongs to, dates as day, month and year.
 */

/** One field as the web draws it. */
export interface WebField {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'select' | 'radios' | 'checkboxes' | 'date';
  options?: Option[];
  required: boolean;
  hint?: string;
}

/** A form as the web draws it. */
export interface WebForm { title: string; intro: string[]; submit: string; fields: WebField[]; letter?: string }

/** The id an input carries (form field names hold `:` and other characters a fragment link would trip on). */
export const fieldId = (name: string) => `f-${name.replace(/[^a-z0-9-]/gi, '-')}`;

type FormPressed = Extract<Pressed, { kind: 'form' }>;

/** The form a pressed action opens, in web terms. */
export function webForm(p: FormPressed, askWording: string | null = null): WebForm {
  const ref = p.dispute.reference;
  switch (p.form) {
    case 'decision': return decisionForm(p.decision!, askWording);
    case 'escalate': return {
      title: `Escalate ${ref} now`, intro: [], submit: 'Escalate',
      fields: [{ name: 'reason', label: `Why escalate ${ref} before its deadline?`, kind: 'textarea', required: true }],
    };
    case 'care-change': return {
      title: `Report a change in care — ${ref}`, intro: ['Senior officers are alerted at once.'], submit: 'Alert seniors',
      fields: [
        { name: 'change', label: 'What happened to the care?', kind: 'radios', options: CARE_CHANGE_OPTIONS, required: true },
        { name: 'detail', label: 'What exactly, and since when?', kind: 'textarea', required: true },
      ],
    };
    case 'external': return {
      title: `Escalate ${ref} externally`, intro: ['Stage 4 is for exceptional circumstances only. Care must continue throughout.'], submit: 'Record',
      fields: [
        { name: 'route', label: 'Where to', kind: 'radios', options: ROUTE_OPTIONS, required: true },
        { name: 'note', label: 'Note (optional)', kind: 'textarea', required: false },
      ],
    };
    case 'letter': {
      const l = p.letter!;
      return {
        title: `Letter to the person — ${ref}`,
        intro: [`Reading age about ${Math.round(l.readingAge)}. Check it, add the person's name when you send it from your own system, then mark it sent here.`],
        submit: 'Mark as sent', fields: [], letter: l.text,
      };
    }
    default: return simpleForm(p.simple!);
  }
}

function simpleForm(spec: SimpleFormSpec): WebForm {
  return {
    title: spec.title, intro: spec.intro ? [spec.intro] : [], submit: spec.submit,
    fields: spec.fields.map((f) => ({
      name: f.id, label: f.label, required: f.required, ...(f.hint ? { hint: f.hint } : {}),
      kind: f.options ? (f.options.length <= 8 ? 'radios' : 'select') : f.multiline ? 'textarea' : 'text',
      ...(f.options ? { options: f.options } : {}),
    })),
  };
}

function decisionForm(spec: DecisionFormSpec & { prefill?: string }, askWording: string | null): WebForm {
  const fields: WebField[] = [];
  if (askWording) {
    fields.push({
      name: 'wordingConfirmed', label: 'Is your choice of what the decision does to aftercare right?', kind: 'checkboxes', required: false,
      options: [{ value: 'yes', label: 'Yes, my choice is what I mean' }], hint: 'If not, change the choice (or the words) below.',
    });
  }
  fields.push(
    { name: 'outcome', label: 'Outcome', kind: 'radios', options: spec.outcomes, required: true },
    { name: 'effect', label: 'What does the decision do to Section 117 aftercare?', kind: 'radios', options: spec.effects, required: true },
    { name: 'basis', label: 'What is it based on? (needs-led grounds)', kind: 'checkboxes', options: spec.bases, required: true, hint: 'Cost, budget or commissioning cannot be a basis.' },
    { name: 'effectiveFrom', label: 'From when', kind: 'date', required: false, hint: 'Needed unless aftercare continues unchanged. For example, 27 3 2026' },
    ...spec.payers.map((o): WebField => ({
      name: payerField(o.value), label: `What ${o.label} pays (its share or element)`, kind: 'text', required: false,
      hint: 'Leave empty if it pays nothing under this decision.',
    })),
    { name: 'summary', label: 'What was decided', kind: 'textarea', required: true },
    { name: 'basisNeed', label: 'Basis in assessed need', kind: 'textarea', required: true },
    { name: 'basisTests', label: 'How the statutory Section 117 tests apply', kind: 'textarea', required: true },
    { name: 'basisRisk', label: 'Risk of deterioration or readmission', kind: 'textarea', required: true },
    { name: 'funding', label: 'Funding arrangements', kind: 'textarea', required: spec.fundingRequired },
    { name: 'commissioning', label: 'Commissioning arrangements', kind: 'textarea', required: spec.fundingRequired },
    { name: 'interimFunding', label: 'Interim funding (if any)', kind: 'textarea', required: false },
  );
  if (spec.endingFields) {
    fields.push(
      { name: 'endingReason', label: 'If ending aftercare: why', kind: 'radios', options: spec.endingReasons, required: false },
      // R7.1: the joint assessment as facts; "optional" because only an ending needs them (the domain names each one missing).
      {
        name: 'jointAssessedOn', label: 'If ending aftercare: when the joint assessment was carried out', kind: 'date', required: false,
        hint: 'Not in the future, and not before the dispute was raised. For example, 27 3 2026',
      },
      {
        name: 'jointAssessmentOrganisations', label: 'If ending aftercare: the organisations that took part', kind: 'checkboxes',
        options: spec.assessmentOrganisations, required: false, hint: 'Every party organisation takes part: an ending is never assessed by one alone.',
      },
      { name: 'personInvolved', label: 'If ending aftercare: was the person (or their representative) involved?', kind: 'radios', options: PERSON_INVOLVED_OPTIONS, required: false },
      { name: 'personNotInvolvedReason', label: 'If they were not involved: why', kind: 'textarea', required: false },
      { name: 'jointAssessment', label: 'If ending aftercare: what the joint assessment found', kind: 'textarea', required: false, hint: "The person's assessed needs, and how each is now met." },
    );
  }
  return { title: `Record a decision — ${spec.title}`, intro: ['Every party organisation confirms before it takes effect.'], submit: 'Propose', fields };
}

/** The posted form as the inbound layer reads it: lists for checkboxes, text for the rest, the date put back together. */
export function formValues(form: WebForm, body: URLSearchParams): { values: FormValues; errors: FieldErrors } {
  const values: FormValues = {};
  const errors: FieldErrors = {};
  for (const f of form.fields) {
    if (f.kind === 'checkboxes') { values[f.name] = body.getAll(f.name); continue; }
    if (f.kind !== 'date') { values[f.name] = body.get(f.name) ?? ''; continue; }
    const parts = (['day', 'month', 'year'] as const).map((p) => (body.get(`${f.name}-${p}`) ?? '').trim());
    if (parts.every((x) => x === '')) { values[f.name] = ''; continue; }
    const [day, month, year] = parts as [string, string, string];
    if (parts.some((x) => !/^\d{1,4}$/.test(x)) || year.length !== 4 || Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) {
      errors[f.name] = `${f.label}: enter a real date as day, month and year, like 27 3 2026.`;
      continue;
    }
    values[f.name] = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  }
  return { values, errors };
}

/** "There is a problem": every error, each linking to its field (the NHS error summary). */
export function errorSummary(errors: { field: string | null; message: string }[]): Safe {
  if (!errors.length) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2><ul>${errors.map((e) => html`<li>${e.field ? html`<a href="#${fieldId(e.field)}">${e.message}</a>` : e.message}</li>`)}</ul></div>`;
}

function field(f: WebField, value: unknown, error: string | undefined): Safe {
  const id = fieldId(f.name);
  const text = typeof value === 'string' ? value : '';
  const chosen = Array.isArray(value) ? (value as string[]) : text ? [text] : [];
  const describedBy = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = describedBy ? html` aria-describedby="${describedBy}"` : '';
  const hint = f.hint ? html`<span class="hint muted" id="${id}-hint">${f.hint}</span>` : '';
  const err = error ? html`<span class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${error}</span>` : '';
  const label = html`${f.label}${f.required ? '' : html` <span class="muted">(optional)</span>`}`;
  const group = (inner: Safe) => html`<div class="form-group${error ? ' form-group-error' : ''}">${inner}</div>`;
  switch (f.kind) {
    case 'text': return group(html`<label for="${id}">${label}</label>${hint}${err}<input id="${id}" name="${f.name}" value="${text}" maxlength="3000"${aria}>`);
    case 'textarea': return group(html`<label for="${id}">${label}</label>${hint}${err}<textarea id="${id}" name="${f.name}" rows="4" maxlength="3000"${aria}>${text}</textarea>`);
    case 'select': return group(html`<label for="${id}">${label}</label>${hint}${err}<select id="${id}" name="${f.name}"${aria}><option value="">Choose…</option>${
      (f.options ?? []).map((o) => html`<option value="${o.value}"${chosen.includes(o.value) ? html` selected` : ''}>${o.label}</option>`)}</select>`);
    case 'radios':
    case 'checkboxes': {
      const type = f.kind === 'radios' ? 'radio' : 'checkbox';
      // The first choice carries the field's id, so the error summary's link lands in the group.
      return group(html`<fieldset id="${id}"${aria}><legend>${label}</legend>${hint}${err}<div class="choices">${(f.options ?? []).map((o, i) => {
        const oid = i === 0 ? `${id}-first` : `${id}-${i}`;
        return html`<div class="choice"><input type="${type}" id="${oid}" name="${f.name}" value="${o.value}"${chosen.includes(o.value) ? html` checked` : ''}><label for="${oid}">${o.label}</label></div>`;
      })}</div></fieldset>`);
    }
    case 'date': {
      const [y, m, d] = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text.split('-') : ['', '', ''];
      // The day field carries the field's id, so the error summary's link lands on the first box.
      const part = (p: string, l: string, v: string, w: string) => {
        const pid = p === 'day' ? id : `${id}-${p}`;
        return html`<div class="date-item"><label for="${pid}">${l}</label><input class="${w}" id="${pid}" name="${f.name}-${p}" inputmode="numeric" value="${v ? String(Number(v)) : ''}"></div>`;
      };
      return group(html`<fieldset class="date-input" role="group"${aria}><legend>${label}</legend>${hint}${err}<div class="date-items">${
        part('day', 'Day', d!, 'w2')}${part('month', 'Month', m!, 'w2')}${part('year', 'Year', y!, 'w4')}</div></fieldset>`);
    }
  }
}

/** A whole form page's body: the summary, the fields as typed, and the hidden tokens that make it safe to send once. */
export function formPage(form: WebForm, action: string, hidden: Record<string, string>, values: FormValues, errors: FieldErrors, back: string, extra: Safe = html``): Safe {
  // In the order the fields are on the page (the summary reads like the form), anything not on a field first.
  const order = (f: string) => form.fields.findIndex((x) => x.name === f);
  const list = Object.entries(errors).sort(([a], [b]) => order(a) - order(b))
    .map(([f, message]) => ({ field: order(f) >= 0 ? f : null, message }));
  return html`${errorSummary(list)}${extra}
${form.intro.map((p) => html`<p>${p}</p>`)}
${form.letter ? html`<pre class="letter">${form.letter}</pre>` : ''}
<form method="post" action="${action}" novalidate class="act">
${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${form.fields.map((f) => field(f, values[f.name], errors[f.name]))}
<button type="submit">${form.submit}</button> <a href="${back}">Cancel</a>
</form>`;
}

/** A verb whose button opens a form (shown on a page of its own) rather than acting at once. */
export const opensForm = (verb: Verb) => 'form' in ACTIONS[verb];

/** The button for one allowed action: a link to its form, or a form that posts the action at once. */
export function actionButton(reference: string, disputeId: string, a: AllowedAction, hidden: Record<string, string>, text: string | Safe = a.label): Safe {
  const { d: _d, ...payload } = actionPayload(disputeId, a);
  const cls = a.style === 'danger' ? 'button warning' : a.style === 'primary' ? 'button' : 'button secondary';
  if (opensForm(a.verb)) {
    const q = new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]));
    return html`<a class="${cls}" href="/register/dispute/${reference}/form/${a.verb}${q.size ? `?${q.toString()}` : ''}">${text}</a>`;
  }
  return html`<form method="post" action="/register/dispute/${reference}/act" class="inline">${
    Object.entries({ ...hidden, verb: a.verb, ...Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, String(v)])) })
      .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="${cls}">${text}</button></form>`;
}

/**
 * The live card on the web: the stage, what is still needed, and every action this viewer may take, beside what it
 * acts on where it has a place (a checklist item, the pending decision, a step for the person), the rest below.
 */
export function actionsPanel(v: DisputeView, hidden: Record<string, string>): Safe {
  const button = (a: AllowedAction, text?: string | Safe) => actionButton(v.reference, v.id, a, hidden, text);
  const used = new Set<AllowedAction>();
  const take = (a: AllowedAction | undefined, text?: string | Safe) => {
    if (!a) return html``;
    used.add(a);
    return button(a, text);
  };
  const tick = (k: string) => v.allowedActions.find((a) => a.verb === 'tick' && a.k === k);
  const step = (k: string) => v.allowedActions.find((a) => a.verb === 'person' && a.k === k);
  const confirms = v.allowedActions.filter((a) => a.verb === 'confirm');
  const checklist = v.checklist.length ? html`<h3>Stage ${v.stage} checklist</h3><ul class="checklist">${v.checklist.map((c) => {
    const a = tick(c.key);
    return html`<li>${c.done ? '✓ ' : ''}${c.label}${c.by ? html` <span class="muted">(${c.by})</span>` : ''} ${
      take(a, a ? html`${a.label}<span class="visually-hidden">: ${c.label}</span>` : undefined)}</li>`;
  })}</ul>` : '';
  const pending = v.pendingDecision ? html`<h3>Decision waiting for confirmation</h3><p><strong>${v.pendingDecision.outcome}</strong>: ${v.pendingDecision.summary}</p>
${v.pendingDecision.assessment.length ? html`<ul class="joint-assessment">${v.pendingDecision.assessment.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
<ul>${v.pendingDecision.confirmations.map((c) => html`<li>${c.organisation}: ${c.by ? html`confirmed by ${c.by}` : 'not confirmed'}</li>`)}</ul>
<p>${confirms.map((a) => take(a))}</p>` : '';
  const person = v.personSteps.some((s) => !s.done) ? html`<h3>The person</h3><ul>${v.personSteps.filter((s) => !s.done).map((s) => {
    const a = step(s.step);
    return html`<li>${s.label}: not yet ${take(a, a ? html`Record as done<span class="visually-hidden">: ${s.label}</span>` : undefined)}</li>`;
  })}</ul>` : '';
  const rest = v.allowedActions.filter((a) => !used.has(a));
  return html`<section class="act-panel" aria-labelledby="act-title"><h2 id="act-title">${v.status === 'OPEN' ? `Stage ${v.stage}: ${v.stageName}` : 'Resolved'}</h2>
<p>${v.dueText}${v.overdue ? html` <span class="overdue">Overdue</span>` : ''}</p>
${v.stillNeeded.length ? html`<p><strong>Still needed:</strong></p><ul>${v.stillNeeded.map((s) => html`<li>${s}</li>`)}</ul>` : ''}
${checklist}${pending}${person}
${rest.length ? html`<h3>What you can do</h3><p class="actions">${rest.map((a) => button(a))}</p>` : v.allowedActions.length ? '' : html`<p class="muted">There is nothing for you to do on this dispute now.</p>`}
</section>`;
}
