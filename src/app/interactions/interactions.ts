import { mayTake } from '../../domain/allowed-actions.ts';
import type { Actor, Command } from '../../domain/commands.ts';
import { maySeeDispute, seesEveryDispute } from '../../domain/participants.ts';
import type { Dispute, Person } from '../../domain/types.ts';
import { platformOf } from '../../domain/homes.ts';
import { disputeView, type DisputeView } from '../../domain/view.ts';
import { boardReport, parsePeriod, type BoardReport, type Period } from '../../reports/board-report.ts';
import type { DisputeService } from '../dispute-service.ts';
import type { Logger } from '../ports.ts';
import { ACTIONS, actionCommand, parseAction, type ParsedAction } from './actions.ts';
import { decisionFormSpec, type DecisionFormSpec, DOMAIN_FIELD, formCommand, raiseInput, type FieldErrors, type FormName, type FormValues } from './forms.ts';
import { isSimpleForm, simpleFormSpec, type SimpleFormSpec } from './simple-forms.ts';
import { explain, refusals, type Refusal } from './refusals.ts';
import { cleanText, cleanValues } from './text.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };
/** A form's answer: done, or the fields to correct (the form stays open with what was typed). */
/** A change made: the dispute after it, any notice, and whether this exact request had been applied already. */
export interface Done { dispute: Dispute; notice: string | null; duplicate: boolean }
export type FormAnswer = ({ ok: true } & Done) | { ok: false; errors: FieldErrors; refusal: Refusal };
export type Target = { id: string } | { reference: string } | { space: string };

/** What pressing a button leads to: a change made, or a form to show. */
export type Pressed =
  | { kind: 'done'; dispute: Dispute; notice: string | null; duplicate: boolean }
  | {
    kind: 'form'; form: Exclude<FormName, 'raise'>; dispute: Dispute;
    decision?: DecisionFormSpec & { prefill?: string };
    letter?: { n: number; text: string; readingAge: number };
    simple?: SimpleFormSpec;
  };

const no = <T>(refusal: Refusal): Answer<T> => ({ ok: false, refusal });
const yes = <T>(value: T): Answer<T> => ({ ok: true, value });

/**
 * The one inbound layer. Adapters turn platform payloads into these intents
 * (raise, act, open a form, status, list, report, home) and render what
 * comes back; identity, validation, authorisation and the wording of
 * refusals all happen here, the same for every platform.
 */
export class Interactions {
  constructor(
    readonly service: DisputeService,
    private readonly logger: Logger,
    /** Called after a change so the outbox delivers now rather than at the next poll. */
    private readonly onChange: () => void,
    /** PUBLIC_URL without its trailing slash: where links to the register point (null: not reachable from chat). */
    private readonly registerUrl: string | null = null,
  ) {}

  /** The directory person behind a platform user id, or null for a stranger. */
  person(platform: string, handle: string | null | undefined): Person | null {
    if (!handle) return null;
    return this.service.directory().people.find((p) => personHandle(p, platformOf(platform)) === handle) ?? null;
  }

  /** The view of a dispute for this viewer (null: the card every participant shares). */
  view(d: Dispute, viewer: Person | null = null): DisputeView {
    return disputeView(d, this.service.policy, this.service.calendar, this.service.directory(), this.service.now(), viewer);
  }

  /** Loads a dispute the person may see, or says why not (never naming it to someone who may not). */
  async dispute(person: Person | null, platform: string, target: Target): Promise<Answer<Dispute>> {
    if (!person) return no(refusals.notInDirectory(platformOf(platform)));
    const d = 'space' in target ? await this.service.disputeForSpace(platformOf(platform), target.space) : await this.service.get(target);
    if (!d) return no('reference' in target ? refusals.noSuchDispute(target.reference) : refusals.noSuchDispute());
    if (!maySeeDispute(person, d)) return no(refusals.maySee());
    return yes(d);
  }

  /**
   * Where a dispute stands, for this person. The access log holds the look before it is answered: the platforms
   * acknowledge a command before they ask (Slack's three seconds are never spent here), and an answer never goes
   * out without its entry.
   */
  async status(person: Person | null, platform: string, target: Target): Promise<Answer<DisputeView>> {
    const r = await this.dispute(person, platform, target);
    if (!r.ok) return r;
    await this.service.recordAccess({ actorId: person!.id, surface: platformOf(platform), action: 'VIEW', refs: [r.value.reference], detail: { command: 'status' } });
    return yes(this.view(r.value, person));
  }

  /** The person's open disputes, soonest deadline first (logged like status). */
  async list(person: Person | null, platform: string, command = 'list'): Promise<Answer<DisputeView[]>> {
    if (!person) return no(refusals.notInDirectory(platformOf(platform)));
    const mine = await this.service.openFor(person.id);
    await this.service.recordAccess({ actorId: person.id, surface: platformOf(platform), action: 'LIST', refs: mine.map((d) => d.reference), detail: { command } });
    return yes(mine.map((d) => this.view(d, person)));
  }

  /** Home: the open disputes and, from the same allowed actions the cards show, what the person owes. */
  async home(person: Person | null, platform: string): Promise<Answer<{ mine: DisputeView[]; owe: string[] }>> {
    const r = await this.list(person, platform, 'home');
    if (!r.ok) return r;
    return yes({ mine: r.value, owe: r.value.flatMap(oweLines) });
  }

  /** The raise form may be opened by anyone in the directory. */
  raiseForm(person: Person | null, platform: string): Answer<null> {
    return person ? yes(null) : no(refusals.notInDirectory(platformOf(platform)));
  }

  /**
   * A button press. The payload is parsed against its verb's schema; the
   * person must be in the directory and allowed to see the dispute before
   * anything about it is read; a form (or the letter) opens only when the
   * action is one the domain allows this person now.
   */
  async press(person: Person | null, platform: string, verb: string, payload: unknown, key: string): Promise<Answer<Pressed>> {
    if (!person) return no(refusals.notInDirectory(platformOf(platform)));
    const a = parseAction(verb, payload);
    if (!a || a.verb === 'raise') return no(refusals.stale());
    const found = await this.dispute(person, platform, { id: a.d });
    if (!found.ok) return found;
    const d = found.value;
    if (a.verb === 'pack') {
      if (!this.mayTake(d, person, a)) return no(refusals.mayNotDo());
      return yes({ kind: 'done', dispute: d, notice: packNotice(d.reference, this.registerUrl), duplicate: false });
    }
    const cmd = actionCommand(a);
    if (cmd) {
      const r = await this.command(person, platform, d, cmd, key);
      return r.ok ? yes({ kind: 'done', ...r.value }) : r;
    }
    if (!this.mayTake(d, person, a)) return no(d.status === 'OPEN' ? refusals.mayNotDo() : refusals.resolved());
    return yes(this.formFor(a, d, person));
  }

  /** "Record as decision" on a message: the decision form prefilled with the message, if the person may propose here. */
  async recordAsDecision(person: Person | null, platform: string, space: string, text: string): Promise<Answer<Pressed>> {
    if (!person) return no(refusals.notInDirectory(platformOf(platform)));
    const d = await this.service.disputeForSpace(platformOf(platform), space);
    if (!d) return no(refusals.notCaseSpace('"Record as decision"'));
    if (!maySeeDispute(person, d)) return no(refusals.maySee());
    if (!this.mayTake(d, person, { verb: 'decide' })) return no(d.status === 'OPEN' ? refusals.mayNotDo() : refusals.resolved());
    const form = this.formFor({ verb: 'decide', d: d.id }, d, person);
    return yes({ ...form, decision: { ...form.decision!, prefill: cleanText(text) } });
  }

  private mayTake(d: Dispute, person: Person, a: { verb: string } & Record<string, unknown>): boolean {
    return mayTake(d, this.service.policy, this.service.directory(), person, a);
  }

  private formFor(a: ParsedAction, d: Dispute, person: Person): Extract<Pressed, { kind: 'form' }> {
    const form = (ACTIONS[a.verb] as { form?: Exclude<FormName, 'raise'> }).form!;
    if (a.verb === 'letter') {
      const l = d.letters.find((x) => x.seq === a.n)!;
      return { kind: 'form', form, dispute: d, letter: { n: l.seq, text: l.text, readingAge: l.readingAge } };
    }
    if (isSimpleForm(form)) return { kind: 'form', form, dispute: d, simple: simpleFormSpec(form, d, this.service.directory()) };
    const decision = form === 'decision' ? { decision: decisionFormSpec(d, person, this.service.policy, this.service.directory()) } : {};
    return { kind: 'form', form, dispute: d, ...decision };
  }

  /**
   * A submitted form, written before the form closes: on any refusal the
   * answer names the field, so the platform keeps the form open with what
   * was typed. A retried submission (same key) answers `duplicate`.
   */
  async submit(
    person: Person | null, platform: string, form: FormName, values: FormValues,
    meta: { d?: string; n?: number; source?: string | null; known?: FieldErrors }, key: string,
  ): Promise<FormAnswer> {
    const first = form === 'raise' ? 'subjects' : FIRST_FIELD[form];
    const fail = (refusal: Refusal, field = refusal.field ?? first): FormAnswer =>
      ({ ok: false, errors: fieldErrors(refusal, field), refusal });
    const invalid = (errors: FieldErrors): FormAnswer =>
      ({ ok: false, errors, refusal: { code: 'INVALID_FORM', message: Object.values(errors)[0]! } });
    if (!person) return fail(refusals.notInDirectory(platformOf(platform)));
    const clean = cleanValues(values);
    try {
      if (form === 'raise') {
        const input = raiseInput(clean, person, this.service.directory());
        if (!input.ok) return invalid(input.errors);
        const r = await this.service.raise(this.actor(person, platform), input.value, { idempotencyKey: key });
        this.onChange();
        return { ok: true, dispute: r.dispute, notice: r.notice, duplicate: r.duplicate };
      }
      const found = await this.dispute(person, platform, { id: meta.d ?? '' });
      if (!found.ok) return fail(found.refusal);
      const cmd = formCommand(form, clean, found.value, {
        ...(meta.n !== undefined ? { n: meta.n } : {}), source: meta.source ?? null, viewer: person, policy: this.service.policy,
      }, this.service.directory());
      const known = meta.known ?? {};
      if (!cmd.ok || Object.keys(known).length) {
        // Not acted on: every problem the form and the domain can find without acting, each on its field, so the
        // person corrects them all in one go. The domain is asked about the command as far as it could be read.
        const errors: FieldErrors = { ...known, ...(cmd.ok ? {} : cmd.errors) };
        const asked = cmd.ok ? cmd.value : cmd.partial;
        const more = asked ? await this.service.preview(this.actor(person, platform), { id: found.value.id }, asked) : null;
        if (more) for (const [f, m] of Object.entries(fieldErrors(explain(more, this.logger), 'form'))) errors[f] ??= m;
        return invalid(errors);
      }
      const r = await this.command(person, platform, found.value, cmd.value, key);
      if (!r.ok) return fail(r.refusal);
      return { ok: true, ...r.value };
    } catch (e) {
      return fail(explain(e, this.logger));
    }
  }

  /** The Partnership Board report, for those who see every dispute; `period` as typed. */
  async report(person: Person | null, platform: string, period: string): Promise<Answer<{ report: BoardReport; period: Period }>> {
    if (!person) return no(refusals.notInDirectory(platformOf(platform)));
    if (!seesEveryDispute(person)) return no(refusals.reportOnly());
    const p = parsePeriod(cleanText(period), this.service.calendar.localDate(this.service.now()));
    if ('error' in p) return no({ code: 'BAD_PERIOD', message: p.error });
    const report = boardReport(await this.service.all(), p, this.service.calendar, this.service.directory(), this.service.now());
    await this.service.recordAccess({
      actorId: person.id, surface: platformOf(platform), action: 'EXPORT', refs: report.overdue.map((o) => o.reference), detail: { command: 'report', from: p.from, to: p.to },
    });
    return yes({ report, period: p });
  }

  /** An unexpected failure in an adapter, logged and put in words. */
  explain(e: unknown): Refusal {
    return explain(e, this.logger);
  }

  /** True the first time a platform request id is seen: a replayed command or report is answered once. */
  firstTime(key: string): Promise<boolean> {
    return this.service.firstTime(key);
  }

  /** A typed command (escalate with a reason) in a case space. */
  async typed(
    person: Person | null, platform: string, space: string, cmd: Exclude<Command, { type: 'RAISE' }>, key: string,
  ): Promise<Answer<Done>> {
    const found = await this.dispute(person, platform, { space });
    if (!found.ok) return found;
    return this.command(person!, platform, found.value, cleanValues(cmd), key);
  }

  /**
   * Who acts, and where from: `platform` may be a home key (`slack:T0ABC`, a workspace of several), which the history
   * records so a decision confirmed in the ICB's workspace says so; people, refusals and spaces go by the platform.
   */
  private actor(person: Person, platform: string): Actor {
    return { personId: person.id, platform: platform as Actor['platform'] };
  }

  private async command(person: Person, platform: string, d: Dispute, cmd: Exclude<Command, { type: 'RAISE' }> | Command, key: string) {
    try {
      const actor = this.actor(person, platform);
      const r = await this.service.act(actor, { id: d.id }, cmd as Exclude<Command, { type: 'RAISE' }>, { idempotencyKey: key, loaded: d });
      this.onChange();
      return yes({ dispute: r.dispute, notice: r.notice, duplicate: r.duplicate });
    } catch (e) {
      return no<Done>(explain(e, this.logger));
    }
  }
}

/** A refusal as the form's fields: its own field (or `fallback`) and every other field found wrong with it. */
function fieldErrors(refusal: Refusal, fallback: string): FieldErrors {
  const on = (f: string) => DOMAIN_FIELD[f] ?? f;
  const out: FieldErrors = { [on(refusal.field ?? fallback)]: refusal.message };
  for (const x of refusal.also ?? []) out[on(x.field)] ??= x.message;
  return out;
}

const FIRST_FIELD: Record<Exclude<FormName, 'raise'>, string> = {
  decision: 'summary', escalate: 'reason', 'care-change': 'detail', external: 'route', letter: 'letter',
  'add-party': 'organisationId', 'withdraw-party': 'organisationId', 'care-restored': 'detail', 'advocacy-na': 'note',
  correct: 'value', 'cannot-resolve': 'reason',
};

/**
 * R5.7: where the referral pack is. Chat never carries the file: the register's page serves it to those who may see
 * the dispute, after they sign in, so a forwarded message gives nobody the pack.
 */
export function packNotice(reference: string, registerUrl: string | null): string {
  const cli = `or run "s117 dispute pack ${reference} FILE.pdf" (or FILE.zip) on the bot's computer`;
  return registerUrl
    ? `The Stage 4 referral pack for ${reference} (PDF, or a zip with the JSON): ${registerUrl}/register/dispute/${reference}/pack.pdf — the zip: ${registerUrl}/register/dispute/${reference}/pack.zip. Sign in to download it, ${cli}.`
    : `The Stage 4 referral pack for ${reference} is on the dispute's page in the register (PUBLIC_URL is not set, so there is no link to give), ${cli}.`;
}

/** A person's handle on a platform (their user id there). */
export function personHandle(p: Person, platform: string): string | null {
  return p.handles[platform] ?? null;
}

/** What the viewer owes on one dispute, read from the actions the domain allows them. */
export function oweLines(v: DisputeView): string[] {
  const out: string[] = [];
  for (const a of v.allowedActions) {
    if (a.verb === 'confirm') out.push(`${v.reference}: confirm decision ${a.s} for your organisation`);
    if (a.verb === 'confirm-chc') out.push(`${v.reference}: confirm CHC funding adjustment ${a.n} for your organisation`);
  }
  const ticks = v.allowedActions.filter((a) => a.verb === 'tick' && a.n === 1).length;
  if (ticks && !v.pendingDecision) out.push(`${v.reference}: ${ticks} checklist item(s) for Stage ${v.stage}`);
  const letter = v.allowedActions.find((a) => a.verb === 'letter');
  if (letter) out.push(`${v.reference}: review the letter to the person and mark it sent`);
  return out;
}
