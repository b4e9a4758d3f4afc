import type { ServerResponse } from 'node:http';
import {
  type FieldErrors, type FormValues, type Option, RAISE_ENDING_QUESTION, RAISE_WORDING_ANSWERS, raiseFormSpec,
} from '../app/interactions/forms.ts';
import type { Interactions } from '../app/interactions/interactions.ts';
import { refusalText } from '../app/interactions/refusals.ts';
import type { Directory, Person } from '../domain/types.ts';
import { formPage, formValues, type WebForm } from './action-forms.ts';
import type { Viewer } from './auth.ts';
import { html } from './html.ts';
import { layout } from './pages.ts';
import { send } from './respond.ts';

/** What a form's hidden `key` may look like: made by us, random, short (as for a dispute's forms). */
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
export const RAISE_PATH = '/register/raise';

/**
 * The raise form as the web draws it: the same fields, option lists and checks as the Slack modal and the Teams card
 * (`raiseFormSpec`, `raiseInput`). `ask` is R7.2's one question, asked when the words read as ending aftercare without
 * the ending subject: a required choice at the top, its reason as the field's error.
 */
export function raiseWebForm(dir: Directory, me: Person, ask: boolean): WebForm {
  const spec = raiseFormSpec(dir);
  const others: Option[] = spec.organisations.filter((o) => o.value !== me.organisationId);
  const people: Option[] = dir.people.filter((p) => p.id !== me.id).map((p) => ({ value: p.id, label: p.name }));
  return {
    title: 'Raise a dispute',
    intro: ['Care must continue while this is resolved. Do not type the person\'s name anywhere, or their NHS number except in its field.'],
    submit: 'Raise',
    fields: [
      ...(ask ? [{
        name: 'wordingConfirmed', label: RAISE_ENDING_QUESTION, kind: 'radios' as const, options: RAISE_WORDING_ANSWERS, required: true,
      }] : []),
      { name: 'subjects', label: 'What is the disagreement about?', kind: 'checkboxes', options: spec.subjects, required: true },
      { name: 'cohort', label: 'The person is', kind: 'radios', options: spec.cohorts, required: true },
      { name: 'setting', label: 'They are in', kind: 'select', options: spec.settings, required: true },
      {
        name: 'parties', label: 'The other organisation(s) in the dispute', kind: 'checkboxes', options: others, required: true,
        hint: 'Your own organisation is added as the party raising the dispute.',
      },
      {
        name: 'localCaseRef', label: "The person's local case number", kind: 'text', required: true,
        hint: 'Used to find the case. Never their name.',
      },
      { name: 'nhsNumber', label: 'NHS number', kind: 'text', required: false, hint: '10 digits. Only the last 3 are ever shown.' },
      {
        name: 'professionals', label: 'Professionals involved', kind: 'checkboxes', options: people, required: false,
        hint: 'They are invited to the case space.',
      },
      { name: 'description', label: 'What do the organisations disagree about?', kind: 'textarea', required: true },
      { name: 'currentCare', label: 'What care does the person get now?', kind: 'textarea', required: true },
      {
        name: 'continuity', label: 'Is that care continuing while this is resolved?', kind: 'radios', required: true,
        options: [
          { value: 'yes', label: 'Yes, care continues' }, { value: 'no', label: 'No: care has been delayed, reduced or withdrawn' },
        ],
        hint: 'If not, the senior officers are alerted at once.',
      },
      {
        name: 'ending', label: 'Ending aftercare', kind: 'checkboxes', required: false,
        options: [{ value: 'ending', label: 'This is about ending Section 117 aftercare (goes straight to Stage 3)' }],
      },
      {
        name: 'grounds', label: 'Reasons any party has given', kind: 'checkboxes', options: spec.grounds, required: false,
        hint: 'These are not lawful grounds for delay. Choosing one flags it; it never stops the dispute.',
      },
    ],
  };
}

/** What a fresh form starts with: the choices most disputes make, as the chat forms default them. */
const FRESH: FormValues = { cohort: 'ADULT', setting: 'COMMUNITY', continuity: 'yes' };

/**
 * Raising a dispute from the register, for a signed-in person in the directory (an e-mail-only person has no other
 * way): the same intent as `/s117 raise` or Teams' `raise`, through the same inbound layer, recorded as raised on the
 * web. Like a dispute's forms, every post carries the session's CSRF token (checked by the caller) and a one-off key
 * made when the form was drawn, so a double click raises one dispute.
 */
export class WebRaise {
  constructor(private readonly ix: Interactions, private readonly nonce: () => string) {}

  /** GET /register/raise. */
  show(res: ServerResponse, viewer: Viewer, person: Person, csrf: string): void {
    const form = raiseWebForm(this.ix.service.directory(), person, false);
    send(res, 200, layout(form.title, viewer, formPage(form, RAISE_PATH, { csrf, key: this.nonce() }, FRESH, {}, '/register')));
  }

  /** POST /register/raise: raised (to its page), or the form again as typed with every problem on its field. */
  async submit(res: ServerResponse, viewer: Viewer, person: Person, csrf: string, body: URLSearchParams): Promise<void> {
    const nonce = body.get('key') ?? '';
    const asked = body.get('asked') === '1';
    const dir = this.ix.service.directory();
    let form = raiseWebForm(dir, person, asked);
    const { values } = formValues(form, body);
    if (!NONCE.test(nonce)) {
      const stale = html`<div class="error-summary" role="alert"><h2>There is a problem</h2>
<p>That form is out of date. Go back, reload the page and try again.</p></div><p><a href="${RAISE_PATH}">Raise a dispute</a></p>`;
      return send(res, 400, layout('Not recorded', viewer, stale, { error: true }));
    }
    const r = await this.ix.submit(person, 'web', 'raise', values, {}, `web:${person.id}:${nonce}`);
    if (r.ok) {
      const words = r.duplicate ? 'That was already recorded.'
        : `${r.dispute.reference} is raised at Stage ${r.dispute.stage}. Its participants are being told.`;
      const location = `/register/dispute/${r.dispute.reference}?notice=${encodeURIComponent(words)}`;
      return void res.writeHead(303, { location, 'cache-control': 'no-store' }).end();
    }
    // R7.2: the words read as ending aftercare without the ending subject: the form again, as typed, with the question.
    const ask = asked || Boolean(r.errors.wordingConfirmed);
    if (ask && !asked) form = raiseWebForm(dir, person, true);
    const onForm = (f: string) => form.fields.some((x) => x.name === f);
    const errors: FieldErrors = {};
    // A problem with no field on the form (there is none today) is shown at the top, as a refusal is worded.
    for (const [f, m] of Object.entries(r.errors)) {
      errors[onForm(f) ? f : 'form'] ??= onForm(f) ? m : refusalText({ ...r.refusal, message: m });
    }
    const hidden = { csrf, key: nonce, ...(ask ? { asked: '1' } : {}) };
    send(res, 400, layout(form.title, viewer, formPage(form, RAISE_PATH, hidden, values, errors, '/register'), { error: true }));
  }
}
