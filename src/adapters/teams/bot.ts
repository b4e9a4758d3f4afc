import {
  type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, CardFactory, MessageFactory, type MessagingExtensionAction,
  type MessagingExtensionActionResponse, TeamsActivityHandler, TurnContext,
} from 'botbuilder';
import type { DisputeService } from '../../app/dispute-service.ts';
import { errorInfo } from '../../app/dispute-service.ts';
import type { Logger } from '../../app/ports.ts';
import type { Actor, Command, ProposeDecisionInput, RaiseInput } from '../../domain/commands.ts';
import { DomainError } from '../../domain/errors.ts';
import type {
  Cohort, DecisionOutcome, Dispute, EndingReason, ExternalRouteKey, Person, PersonStepKey, Setting, StageNo, Subject, UnlawfulGround,
} from '../../domain/types.ts';
import { maySeeDispute, seesEveryDispute } from '../../domain/participants.ts';
import { ROUTE_TEXT } from '../../domain/texts.ts';
import { EXTERNAL_ROUTES } from '../../domain/types.ts';
import { boardReport, parsePeriod } from '../../reports/board-report.ts';
import { reportCharts, toPng } from '../../reports/charts.ts';
import { reportMessage } from '../../app/monthly-report.ts';
import { type Card, decisionCard, HELP_LINES, raiseCard, reasonCard, stageCard, textCard, CARD_VERSION, escCard } from './cards.ts';

const NOT_IN_DIRECTORY = 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add your Teams (Entra object) id to the directory file.';
const REF = /^S117-\d{4}-\d{4,}$/i;

const list = (v: unknown): string[] => (typeof v === 'string' && v ? v.split(',') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function cardResponse(card: Card): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/**
 * Teams activities → the same use cases Slack drives. Identities come from
 * `from.aadObjectId` matched to the directory; everyone else is refused.
 */
export class S117TeamsBot extends TeamsActivityHandler {
  constructor(
    private readonly service: DisputeService, private readonly logger: Logger, private readonly onChange: () => void,
    private readonly registerUrl: string | null = null,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if (context.activity.conversation.conversationType === 'personal' && context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id)) {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.welcome(context))));
      }
      await next();
    });
  }

  private card(d: Dispute): Card {
    return stageCard(this.service.view(d), this.registerUrl);
  }

  private person(context: TurnContext): Person | null {
    const aad = context.activity.from?.aadObjectId;
    return aad ? this.service.directory().people.find((p) => p.teams === aad) ?? null : null;
  }

  private actor(context: TurnContext): Actor | null {
    const p = this.person(context);
    return p ? { personId: p.id, platform: 'teams' } : null;
  }

  private disputeHere(context: TurnContext): Promise<Dispute | null> {
    return this.service.disputeForSpace('teams', context.activity.conversation.id);
  }

  private explain(e: unknown): string {
    if (e instanceof DomainError) return `Not recorded: ${e.message}`;
    this.logger.error({ err: errorInfo(e) }, 'a Teams request failed');
    return 'Something went wrong and nothing was recorded. It has been logged; please try again in a minute.';
  }

  private async act(context: TurnContext, target: { id: string }, cmd: Exclude<Command, { type: 'RAISE' }>): Promise<{ dispute: Dispute | null; text: string | null }> {
    const actor = this.actor(context);
    if (!actor) return { dispute: null, text: NOT_IN_DIRECTORY };
    try {
      const r = await this.service.act(actor, target, cmd, { idempotencyKey: `teams:${context.activity.id}` });
      this.onChange();
      return { dispute: r.dispute, text: r.notice };
    } catch (e) {
      return { dispute: null, text: this.explain(e) };
    }
  }

  private async welcome(context: TurnContext): Promise<Card> {
    const me = this.person(context);
    if (!me) return textCard('Section 117 disputes', [NOT_IN_DIRECTORY]);
    const mine = await this.service.openFor(me.id);
    const lines = mine.length ? mine.map((d) => { const v = this.service.view(d); return `${v.reference} — Stage ${v.stage}, ${v.dueText}${v.overdue ? ' (overdue)' : ''}`; }) : ['You have no open disputes.'];
    const owe = mine.flatMap((d) => {
      const v = this.service.view(d);
      const confirm = v.pendingDecision && !d.confirmations.some((c) => c.decisionSeq === v.pendingDecision!.seq && c.organisationId === me.organisationId);
      return confirm ? [`${v.reference}: confirm decision ${v.pendingDecision!.seq} for your organisation`] : [];
    });
    return textCard('Your Section 117 disputes', [...lines, ...(owe.length ? ['What you owe:', ...owe] : []), 'Type "raise" to raise a dispute, or "help".']);
  }

  private async message(context: TurnContext): Promise<void> {
    const raw = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
    // Mentions of the bot (and any other <at> tag) are not part of the command.
    const [sub = 'help', ...rest] = raw.replace(/<at>.*?<\/at>/g, ' ').replace(/<[^>]+>/g, ' ').trim().split(/\s+/).filter(Boolean);
    const arg = rest.join(' ');
    const reply = (title: string, lines: string[] = []) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(textCard(title, lines))));
    const who = this.actor(context);
    try {
      switch (sub.toLowerCase()) {
        case 'raise':
          if (!who) return void (await reply(NOT_IN_DIRECTORY));
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(raiseCard(this.service.directory()))));
          return;
        case 'status': {
          const d = REF.test(arg) ? await this.service.get({ reference: arg.toUpperCase() }) : await this.disputeHere(context);
          if (!d) return void (await reply(arg ? `There is no dispute ${arg}.` : 'This is not a case thread. Say which dispute: status S117-2026-0042', HELP_LINES));
          const me = this.person(context);
          if (!maySeeDispute(me, d)) return void (await reply(`Only the participants of ${d.reference} and governance leads can see its status.`));
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.card(d))));
          return;
        }
        case 'list':
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.welcome(context))));
          return;
        case 'escalate': {
          const d = await this.disputeHere(context);
          if (!d) return void (await reply('Use "escalate <reason>" in the dispute\'s case thread.'));
          if (!arg) return void (await reply('Say why: escalate <reason>. The reason is recorded.'));
          const r = await this.act(context, { id: d.id }, { type: 'ESCALATE', reason: arg });
          await reply(r.dispute ? `Escalated ${d.reference} to Stage ${r.dispute.stage}.` : r.text ?? '');
          return;
        }
        case 'report': {
          const me = this.person(context);
          if (!me) return void (await reply(NOT_IN_DIRECTORY));
          if (!seesEveryDispute(me)) {
            return void (await reply('Only governance leads, administrators and senior officers can post the Partnership Board report.'));
          }
          const period = parsePeriod(arg, this.service.calendar.localDate(this.service.now()));
          if ('error' in period) return void (await reply(period.error));
          const report = boardReport(await this.service.all(), period, this.service.calendar, this.service.directory(), this.service.now());
          const msg = reportMessage(report, this.registerUrl);
          const charts = await reportCharts(report);
          const png = toPng(charts[0]!.svg, 600);
          const body: unknown[] = [
            { type: 'TextBlock', wrap: true, weight: 'Bolder', size: 'Medium', text: escCard(msg.title) },
            ...msg.lines.map((l) => ({ type: 'TextBlock', wrap: true, text: escCard(l) })),
          ];
          // Teams shows images in cards from a URL or a small data URI; the full report is a link away.
          if (png.length < 24_000) body.push({ type: 'Image', url: `data:image/png;base64,${png.toString('base64')}`, altText: charts[0]!.description });
          const actions = this.registerUrl ? [
            { type: 'Action.OpenUrl', title: 'Open the report', url: `${this.registerUrl}/register/report?from=${period.from}&to=${period.to}` },
            { type: 'Action.OpenUrl', title: 'Download the CSV', url: `${this.registerUrl}/register/report.csv?from=${period.from}&to=${period.to}` },
          ] : [];
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: CARD_VERSION, body, ...(actions.length ? { actions } : {}) })));
          return;
        }
        default:
          await reply(sub.toLowerCase() === 'help' ? 'Section 117 dispute bot' : `I don't know "${sub}".`, HELP_LINES);
      }
    } catch (e) {
      await reply(this.explain(e));
    }
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invoke.action.verb;
    const data = (invoke.action.data ?? {}) as Record<string, unknown>;
    const d = str(data.d);
    const done = async (r: { dispute: Dispute | null; text: string | null }) => {
      if (r.text) await context.sendActivity(MessageFactory.text(r.text));
      return r.dispute ? cardResponse(this.card(r.dispute)) : cardResponse(textCard('Not recorded', [r.text ?? '']));
    };
    const dispute = d ? await this.service.get({ id: d }) : null;
    switch (verb) {
      case 'raise':
        return this.raise(context, data);
      case 'tick':
        return done(await this.act(context, { id: d }, { type: 'TICK_CHECKLIST', stage: Number(data.s) as StageNo, key: str(data.k), ticked: Number(data.n) === 1 }));
      case 'confirm':
        return done(await this.act(context, { id: d }, { type: 'CONFIRM_DECISION', seq: Number(data.s), organisationId: str(data.o) }));
      case 'person':
        return done(await this.act(context, { id: d }, { type: 'PERSON_STEP', step: str(data.k) as PersonStepKey, note: null }));
      case 'decide':
        if (!dispute) break;
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(decisionCard({ d, reference: dispute.reference, stage: dispute.stage }, ''))));
        return cardResponse(this.card(dispute));
      case 'propose':
        return cardResponse((await this.propose(context, data)).card);
      case 'escalate':
      case 'care-change':
        if (!dispute) break;
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reasonCard(verb === 'escalate' ? 'escalate-submit' : 'care-change-submit', { d, reference: dispute.reference }))));
        return cardResponse(this.card(dispute));
      case 'escalate-submit':
        return done(await this.act(context, { id: d }, { type: 'ESCALATE', reason: str(data.reason) }));
      case 'care-change-submit':
        return done(await this.act(context, { id: d }, { type: 'REPORT_CARE_CHANGE', change: (str(data.change) || 'DELAYED') as 'DELAYED' | 'REDUCED' | 'WITHDRAWN', detail: str(data.detail) }));
      case 'external':
        if (!dispute) break;
        return cardResponse({
          type: 'AdaptiveCard', version: CARD_VERSION, body: [
            { type: 'TextBlock', wrap: true, weight: 'Bolder', text: `Escalate ${escCard(dispute.reference)} externally (exceptional; care continues throughout)` },
            { type: 'Input.ChoiceSet', id: 'route', label: 'Where to', isRequired: true, errorMessage: 'Choose one.', choices: EXTERNAL_ROUTES.map((r) => ({ title: ROUTE_TEXT[r], value: r })) },
            { type: 'Input.Text', id: 'note', label: 'Note (optional)', isMultiline: true, isRequired: false },
          ],
          actions: [{ type: 'Action.Execute', title: 'Record', verb: 'external-submit', data: { verb: 'external-submit', d } }],
        });
      case 'external-submit':
        return done(await this.act(context, { id: d }, { type: 'RECORD_EXTERNAL_ROUTE', route: str(data.route) as ExternalRouteKey, note: str(data.note) || null }));
      case 'letter': {
        const letter = dispute?.letters.find((l) => l.seq === Number(data.n));
        if (!dispute || !letter) break;
        return cardResponse({
          type: 'AdaptiveCard', version: CARD_VERSION, body: [
            { type: 'TextBlock', wrap: true, weight: 'Bolder', text: `Letter to the person — reading age about ${Math.round(letter.readingAge)}` },
            { type: 'TextBlock', wrap: true, text: escCard(letter.text) },
          ],
          actions: [{ type: 'Action.Execute', title: 'Mark as sent', verb: 'letter-sent', data: { verb: 'letter-sent', d, n: letter.seq } }],
        });
      }
      case 'letter-sent':
        return done(await this.act(context, { id: d }, { type: 'MARK_LETTER_SENT', seq: Number(data.n) }));
    }
    return cardResponse(textCard('That button is out of date', ['Use the stage card at the top of the case thread.']));
  }

  private async raise(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const actor = this.actor(context);
    const me = this.person(context);
    const dir = this.service.directory();
    if (!actor || !me) return cardResponse(textCard('Not recorded', [NOT_IN_DIRECTORY]));
    const errors: Record<string, string> = {};
    const others = list(data.parties).filter((o) => o !== me.organisationId);
    const input: RaiseInput = {
      subjects: list(data.subjects) as Subject[], cohort: (str(data.cohort) || 'ADULT') as Cohort, setting: (str(data.setting) || 'COMMUNITY') as Setting,
      parties: [{ organisationId: me.organisationId, role: 'RAISING' }, ...others.map((o) => ({ organisationId: o, role: 'RESPONDING' as const }))],
      localCaseRef: str(data.localCaseRef), nhsNumber: str(data.nhsNumber) || null, namedProfessionals: list(data.professionals),
      description: str(data.description), currentCare: str(data.currentCare), careContinues: str(data.continuity) !== 'no',
      endingProposal: str(data.ending) === 'true', citedGrounds: list(data.grounds) as UnlawfulGround[],
    };
    if (!others.length) errors.parties = 'Choose the other organisation(s): a dispute is between at least two.';
    const problem = errors.parties ? null : await this.service.preview(actor, null, { type: 'RAISE', id: 'preview', reference: 'preview', input });
    if (problem) errors[problem.field === 'namedProfessionals' ? 'professionals' : problem.field ?? 'description'] = problem.message;
    const values = Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    if (Object.keys(errors).length) return cardResponse(raiseCard(dir, errors, values));
    try {
      const r = await this.service.raise(actor, input, { idempotencyKey: `teams:${context.activity.id}` });
      this.onChange();
      return cardResponse(textCard(`${r.dispute.reference} is raised`, [`Its case thread is being opened and the Stage ${r.dispute.stage} participants told.`]));
    } catch (e) {
      return cardResponse(raiseCard(dir, { description: this.explain(e) }, values));
    }
  }

  private async propose(context: TurnContext, data: Record<string, unknown>, dialog = false): Promise<{ ok: boolean; card: Card }> {
    const d = str(data.d);
    const dispute = await this.service.get({ id: d });
    const actor = this.actor(context);
    if (!dispute || !actor) return { ok: false, card: textCard('Not recorded', [actor ? 'That dispute no longer exists.' : NOT_IN_DIRECTORY]) };
    const input: ProposeDecisionInput = {
      outcome: (str(data.outcome) || 'AGREEMENT') as DecisionOutcome, summary: str(data.summary), basisNeed: str(data.basisNeed),
      basisTests: str(data.basisTests), basisRisk: str(data.basisRisk), funding: str(data.funding) || null, commissioning: str(data.commissioning) || null,
      interimFunding: str(data.interimFunding) || null, endingReason: (str(data.endingReason) || null) as EndingReason | null,
      jointAssessment: str(data.jointAssessment) || null, sourceMessage: str(data.source) || null,
    };
    const problem = await this.service.preview(actor, { id: d }, { type: 'PROPOSE_DECISION', input });
    if (problem) return { ok: false, card: decisionCard({ d, reference: dispute.reference, stage: dispute.stage }, input.summary, { [problem.field ?? 'summary']: problem.message }, dialog) };
    const r = await this.act(context, { id: d }, { type: 'PROPOSE_DECISION', input });
    return r.dispute
      ? { ok: true, card: textCard(`Decision proposed on ${dispute.reference}`, ['Each party organisation now confirms it on the stage card.']) }
      : { ok: false, card: textCard('Not recorded', [r.text ?? '']) };
  }

  /** "Record as decision" on a message in a case thread: the decision form, prefilled with that message. */
  protected override async handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const dispute = await this.disputeHere(context);
    const text = (action.messagePayload?.body?.content ?? '').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
    if (!this.actor(context)) return { task: { type: 'message', value: NOT_IN_DIRECTORY } };
    if (!dispute) return { task: { type: 'message', value: '"Record as decision" works on messages in a dispute\'s case thread.' } };
    const card = decisionCard({ d: dispute.id, reference: dispute.reference, stage: dispute.stage }, text, {}, true);
    return { task: { type: 'continue', value: { title: 'Record a decision', card: CardFactory.adaptiveCard(card) } } };
  }

  /** The dialog's submission: propose, or show the form again with the problem on its field. */
  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const r = await this.propose(context, (action.data ?? {}) as Record<string, unknown>, true);
    if (r.ok) return {};
    return { task: { type: 'continue', value: { title: 'Record a decision', card: CardFactory.adaptiveCard(r.card) } } };
  }
}
