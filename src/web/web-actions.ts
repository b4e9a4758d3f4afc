import crypto from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ACTIONS, type Verb } from '../app/interactions/actions.ts';
import type { FieldErrors, FormName, FormValues } from '../app/interactions/forms.ts';
import { Interactions, type Pressed } from '../app/interactions/interactions.ts';
import { refusalText, type Refusal } from '../app/interactions/refusals.ts';
import type { DisputeService } from '../app/dispute-service.ts';
import type { Logger } from '../app/ports.ts';
import type { Dispute, Person } from '../domain/types.ts';
import { actionButton, errorSummary, formPage, formValues, webForm } from './action-forms.ts';
import type { Viewer } from './auth.ts';
import { html } from './html.ts';
import { layout } from './pages.ts';
import { send } from './respond.ts';

/** What a form's hidden `key` may look like: made by us, random, short. */
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** The wire fields an action's payload may carry besides the dispute (allowed-actions.ts names them). */
const PAYLOAD_FIELDS = ['k', 's', 'o', 'n'] as const;

type Answered = Promise<void>;

/** A button or form that is not one the page drew (an old page, or made up). */
const STALE: Refusal = {
  code: 'STALE_BUTTON', message: "That button is out of date. Reload the dispute's page and use the buttons there.",
};

/**
 * Acting on a dispute from its web page: the same intents as a chat card, through the same inbound layer, recorded
 * as coming from the web. Every post carries the session's CSRF token and a one-off key made when the form was
 * drawn, so a double click, a reload of the answer or a browser's retry records the action once.
 */
export class WebActions {
  readonly ix: Interactions;
  constructor(service: DisputeService, private readonly logger: Logger, onChange: () => void) {
    this.ix = new Interactions(service, logger, onChange);
  }

  /** A fresh one-off key for a form about to be drawn. */
  static nonce(): string {
    return crypto.randomBytes(18).toString('base64url');
  }

  /** The request's key, bound to the person: another person's key (or a made-up one) cannot replay their action. */
  private key(person: Person, body: URLSearchParams): string | null {
    const nonce = body.get('key') ?? '';
    return NONCE.test(nonce) ? `web:${person.id}:${nonce}` : null;
  }

  private refused(res: ServerResponse, viewer: Viewer, d: Dispute, refusal: Refusal, csrf: string, status = 400): void {
    // The one action a refusal may offer (move to Stage 3, redraft the letter) is drawn as its button.
    const offer = refusal.action
      ? html`<p>${actionButton(d.reference, d.id, refusal.action, { csrf, key: WebActions.nonce() })}</p>` : '';
    send(res, status, layout(`Not recorded — ${d.reference}`, viewer, html`${errorSummary([{ field: null, message: refusalText(refusal) }])}${offer}
<p><a href="/register/dispute/${d.reference}">Back to ${d.reference}</a></p>`, { error: true }));
  }

  private done(res: ServerResponse, d: Dispute, notice: string | null, duplicate: boolean): void {
    const words = duplicate ? 'That was already recorded.' : notice ?? 'Recorded.';
    res.writeHead(303, { location: `/register/dispute/${d.reference}?notice=${encodeURIComponent(words)}`, 'cache-control': 'no-store' }).end();
  }

  /** POST …/act: an action that happens at once (tick, confirm, a step for the person). */
  async act(res: ServerResponse, viewer: Viewer, person: Person, d: Dispute, csrf: string, body: URLSearchParams): Answered {
    const verb = body.get('verb') ?? '';
    const key = this.key(person, body);
    const payload: Record<string, string> = { d: d.id };
    for (const f of PAYLOAD_FIELDS) if (body.has(f)) payload[f] = body.get(f)!;
    if (!key || !(verb in ACTIONS) || 'form' in ACTIONS[verb as Verb]) {
      return this.refused(res, viewer, d, STALE, csrf);
    }
    const r = await this.ix.press(person, 'web', verb, payload, key);
    if (!r.ok) return this.refused(res, viewer, d, r.refusal, csrf, r.refusal.code === 'NOT_ALLOWED' ? 403 : 400);
    if (r.value.kind === 'done') return this.done(res, r.value.dispute, r.value.notice, r.value.duplicate);
    return this.refused(res, viewer, d, STALE, csrf);
  }

  /** GET …/form/VERB: the form an action opens, if the person may take it now. */
  async showForm(res: ServerResponse, viewer: Viewer, person: Person, d: Dispute, verb: string, query: URLSearchParams, csrf: string): Answered {
    const opened = await this.open(person, d, verb, query);
    if (!opened.ok) return this.refused(res, viewer, d, opened.refusal, csrf, opened.refusal.code === 'NOT_ALLOWED' ? 403 : 400);
    const form = webForm(opened.value);
    const prefill = opened.value.decision?.prefill ? { summary: opened.value.decision.prefill } : {};
    send(res, 200, layout(form.title, viewer, formPage(form, this.formAction(d, verb, query), { csrf, key: WebActions.nonce() }, prefill, {},
      `/register/dispute/${d.reference}`)));
  }

  /** POST …/form/VERB: the submitted form, shown again as typed with its errors when it is refused. */
  async submitForm(res: ServerResponse, viewer: Viewer, person: Person, d: Dispute, verb: string, query: URLSearchParams, csrf: string, body: URLSearchParams): Answered {
    const opened = await this.open(person, d, verb, query);
    if (!opened.ok) return this.refused(res, viewer, d, opened.refusal, csrf, opened.refusal.code === 'NOT_ALLOWED' ? 403 : 400);
    const key = this.key(person, body);
    if (!key) return this.refused(res, viewer, d, STALE, csrf);
    const asked = body.has('wordingConfirmed') || body.get('asked') === '1';
    let form = webForm(opened.value, asked ? 'asked' : null);
    const { values, errors: dateErrors } = formValues(form, body);
    const again = (errors: FieldErrors, extra = html``) => send(res, 400, layout(form.title, viewer,
      formPage(form, this.formAction(d, verb, query), { csrf, key: body.get('key')!, ...(asked ? { asked: '1' } : {}) }, values, errors, `/register/dispute/${d.reference}`, extra),
      { error: true }));
    const n = query.get('n');
    // A date that could not be read is passed on as known: the rest of the form is still checked (never acted on),
    // so the person sees every problem at once rather than one round trip per mistake.
    const r = await this.ix.submit(person, 'web', opened.value.form as Exclude<FormName, 'raise'>, values as FormValues,
      { d: d.id, ...(n !== null && /^\d+$/.test(n) ? { n: Number(n) } : {}), source: null, known: dateErrors }, key);
    if (r.ok) return this.done(res, r.dispute, r.notice, r.duplicate);
    // The one action a refusal may offer (move to Stage 3, redraft the letter) is drawn as its button above the form.
    const offer = r.refusal.action ? html`<p>${actionButton(d.reference, d.id, r.refusal.action, { csrf, key: WebActions.nonce() })}</p>` : html``;
    if (r.errors.wordingConfirmed && !asked && opened.value.form === 'decision') {
      // The words and the chosen effect disagree: the form again, as typed, with the one question to answer.
      form = webForm(opened.value, 'asked');
      return send(res, 400, layout(form.title, viewer, formPage(form, this.formAction(d, verb, query), { csrf, key: body.get('key')!, asked: '1' }, values,
        { wordingConfirmed: r.errors.wordingConfirmed }, `/register/dispute/${d.reference}`, offer), { error: true }));
    }
    // A refusal with an offer and nothing else to correct is answered on a page of its own, with the offer.
    if (r.refusal.action && Object.keys(r.errors).length === 1) return this.refused(res, viewer, d, r.refusal, csrf);
    const known = Object.fromEntries(Object.entries(r.errors).map(([f, m]) => [form.fields.some((x) => x.name === f) ? f : 'form', m]));
    return again(known, offer);
  }

  private formAction(d: Dispute, verb: string, query: URLSearchParams): string {
    const n = query.get('n');
    return `/register/dispute/${d.reference}/form/${verb}${n !== null ? `?n=${encodeURIComponent(n)}` : ''}`;
  }

  /** Opening a form is pressing its button: the inbound layer checks the person may take that action now. */
  private async open(person: Person, d: Dispute, verb: string, query: URLSearchParams) {
    if (!(verb in ACTIONS) || !('form' in ACTIONS[verb as Verb]) || verb === 'raise') {
      return { ok: false as const, refusal: STALE };
    }
    const payload: Record<string, string> = { d: d.id };
    for (const f of PAYLOAD_FIELDS) if (query.has(f)) payload[f] = query.get(f)!;
    // Opening a form changes nothing, so its key is never recorded.
    const r = await this.ix.press(person, 'web', verb, payload, `web:open:${WebActions.nonce()}`);
    if (!r.ok) return r;
    if (r.value.kind !== 'form') return { ok: false as const, refusal: STALE };
    return { ok: true as const, value: r.value as Extract<Pressed, { kind: 'form' }> };
  }
}
