import {
  type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, CardFactory, MessageFactory, type MessagingExtensionAction,
  type MessagingExtensionActionResponse, TeamsActivityHandler, TurnContext,
} from 'botbuilder';
import type { DisputeService } from '../../app/dispute-service.ts';
import type { FormName } from '../../app/interactions/forms.ts';
import { Interactions } from '../../app/interactions/interactions.ts';
import { refusalText, type Refusal } from '../../app/interactions/refusals.ts';
import { htmlToText } from '../../app/interactions/text.ts';
import type { Logger } from '../../app/ports.ts';
import type { Person } from '../../domain/types.ts';
import { reportCharts, toPng } from '../../reports/charts.ts';
import { reportMessage } from '../../app/monthly-report.ts';
import { SIMPLE_FORMS, type SimpleFormName } from '../../app/interactions/simple-forms.ts';
import { cardActivity } from './activity-size.ts';
import { reportCard } from './report-card.ts';
import { type Card, formCard, simpleSubmitVerb, HELP_LINES, raiseCard, stageCard, textCard, escCard } from './cards.ts';

const REF = /^S117-\d{4}-\d{4,}$/i;

/** Card submissions that carry a form, and which form. */
const SUBMITS: Record<string, FormName> = {
  raise: 'raise', propose: 'decision', 'escalate-submit': 'escalate', 'care-change-submit': 'care-change', 'external-submit': 'external', 'letter-sent': 'letter',
  ...Object.fromEntries(SIMPLE_FORMS.map((f) => [simpleSubmitVerb(f), f])),
};

const cardResponse = (card: Card): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card });
/** A message shown only to the person who pressed, leaving the card they pressed as it was. */
const messageResponse = (text: string): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as never });
const strings = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/**
 * Teams activities → the inbound layer. Identities come from
 * `from.aadObjectId`; everything else (validation, authorisation, the words
 * of a refusal) is decided there. A refused card action never replaces the
 * card with an empty one and is never posted to the thread.
 */
export class S117TeamsBot extends TeamsActivityHandler {
  private readonly ix: Interactions;

  constructor(
    service: DisputeService,
    logger: Logger,
    onChange: () => void,
    private readonly registerUrl: string | null = null,
    // With several connections the history says which tenant an action came from (`teams:<tenant>`), as Slack's does.
    private readonly homeOf: (tenant: string | undefined) => string = () => 'teams',
  ) {
    super();
    this.ix = new Interactions(service, logger, onChange, registerUrl);
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

  private where(context: TurnContext): string {
    const a = context.activity;
    return this.homeOf((a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? a.conversation?.tenantId);
  }

  private person(context: TurnContext): Person | null {
    return this.ix.person(this.where(context), context.activity.from?.aadObjectId);
  }

  private async welcome(context: TurnContext): Promise<Card> {
    const r = await this.ix.home(this.person(context), this.where(context));
    if (!r.ok) return textCard('Section 117 disputes', [r.refusal.message]);
    const { mine, owe } = r.value;
    const lines = mine.length ? mine.map((v) => `${v.reference} — Stage ${v.stage}, ${v.dueText}${v.overdue ? ' (overdue)' : ''}`) : ['You have no open disputes.'];
    return textCard('Your Section 117 disputes', [...lines, ...(owe.length ? ['What you owe:', ...owe] : []), 'Type "raise" to raise a dispute, or "help".']);
  }

  private async message(context: TurnContext): Promise<void> {
    const raw = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
    // Mentions of the bot (and any other <at> tag) are not part of the command.
    const [sub = 'help', ...rest] = htmlToText(raw.replace(/<at>.*?<\/at>/g, ' ')).split(/\s+/).filter(Boolean);
    const arg = rest.join(' ');
    const reply = (title: string, lines: string[] = []) => context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(textCard(title, lines))));
    const me = this.person(context);
    const space = context.activity.conversation.id;
    const key = `teams:${context.activity.id}`;
    try {
      switch (sub.toLowerCase()) {
        case 'raise': {
          const r = this.ix.raiseForm(me, this.where(context));
          if (!r.ok) return void (await reply(r.refusal.message));
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(raiseCard(this.ix.service.directory()))));
          return;
        }
        case 'status': {
          if (me && !REF.test(arg) && !(await this.ix.service.disputeForSpace('teams', space))) {
            return void (await reply(arg ? `There is no dispute ${arg}.` : 'This is not a case thread. Say which dispute: status S117-2026-0042', HELP_LINES));
          }
          const r = await this.ix.status(me, this.where(context), REF.test(arg) ? { reference: arg.toUpperCase() } : { space });
          if (!r.ok) return void (await reply(r.refusal.message));
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(stageCard(r.value, this.registerUrl))));
          return;
        }
        case 'list':
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.welcome(context))));
          return;
        case 'escalate': {
          if (me && !(await this.ix.service.disputeForSpace('teams', space))) return void (await reply('Use "escalate <reason>" in the dispute\'s case thread.'));
          if (me && !arg) return void (await reply('Say why: escalate <reason>. The reason is recorded.'));
          const r = await this.ix.typed(me, this.where(context), space, { type: 'ESCALATE', reason: arg }, key);
          if (!r.ok) return void (await reply(refusalText(r.refusal)));
          if (!r.value.duplicate) await reply(`Escalated ${r.value.dispute.reference} to Stage ${r.value.dispute.stage}.`);
          return;
        }
        case 'report':
          return void (await this.report(context, me, arg, key));
        default:
          await reply(sub.toLowerCase() === 'help' ? 'Section 117 dispute bot' : `I don't know "${sub}".`, HELP_LINES);
      }
    } catch (e) {
      await reply(refusalText(this.ix.explain(e)));
    }
  }

  private async report(context: TurnContext, me: Person | null, arg: string, key: string): Promise<void> {
    const r = await this.ix.report(me, this.where(context), arg);
    if (!r.ok) return void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(textCard(r.refusal.message, [])))));
    // A redelivered activity (same id) posts the report once.
    if (!(await this.ix.firstTime(`${key}:report`))) return;
    const { report, period } = r.value;
    const msg = reportMessage(report, this.registerUrl);
    const charts = await reportCharts(report);
    const png = toPng(charts[0]!.svg, 600);
    const body: unknown[] = [
      { type: 'TextBlock', wrap: true, weight: 'Bolder', size: 'Medium', text: escCard(msg.title) },
      ...msg.lines.map((l) => ({ type: 'TextBlock', wrap: true, text: escCard(l) })),
    ];
    const actions = this.registerUrl ? [
      { type: 'Action.OpenUrl', title: 'Open the report', url: `${this.registerUrl}/register/report?from=${period.from}&to=${period.to}` },
      { type: 'Action.OpenUrl', title: 'Download the CSV', url: `${this.registerUrl}/register/report.csv?from=${period.from}&to=${period.to}` },
    ] : [];
    await context.sendActivity(cardActivity(reportCard(body, png, charts[0]!.description, actions)));
  }

  /**
   * A refusal, answered only to the person who pressed: the card as they
   * may see it with the reason on top, or (when they may not see the
   * dispute at all) a message that leaves their card as it was.
   */
  private async refused(me: Person | null, d: string, refusal: Refusal): Promise<AdaptiveCardInvokeResponse> {
    const seen = d && me ? await this.ix.status(me, 'teams', { id: d }) : null;
    if (seen?.ok) return cardResponse(stageCard(seen.value, this.registerUrl, refusalText(refusal), refusal.action ?? null));
    return messageResponse(refusalText(refusal));
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invoke.action.verb ?? '';
    const data = (invoke.action.data ?? {}) as Record<string, unknown>;
    const me = this.person(context);
    const key = `teams:${context.activity.id}`;
    const d = typeof data.d === 'string' ? data.d : '';
    const form = SUBMITS[verb];
    if (form) {
      const n = Number(data.n);
      const r = await this.ix.submit(me, this.where(context), form, data, { d, ...(Number.isInteger(n) ? { n } : {}), source: typeof data.source === 'string' ? data.source : null }, key);
      if (form === 'raise') {
        if (r.ok) return cardResponse(textCard(`${r.dispute.reference} is raised`, [`Its case thread is being opened and the Stage ${r.dispute.stage} participants told.`]));
        return r.refusal.code === 'NOT_IN_DIRECTORY' ? messageResponse(r.refusal.message) : cardResponse(raiseCard(this.ix.service.directory(), r.errors, strings(data)));
      }
      if (r.ok) return cardResponse(stageCard(this.ix.view(r.dispute), this.registerUrl, r.notice));
      // Wrong fields keep the form, with what was typed; anything else goes back to the card with the reason.
      // The wording question keeps the form too, with its one action (if any) beside "Propose".
      const question = r.refusal.code === 'WORDING_CHECK';
      if ((!r.refusal.action || question) && (r.refusal.code === 'INVALID_FORM' || (r.refusal.field && r.refusal.field !== 'form'))) {
        const open = await this.ix.press(me, this.where(context), FORM_VERB[form], { d, ...(data.n !== undefined ? { n: data.n } : {}) }, `${key}:reopen`);
        if (open.ok && open.value.kind === 'form') return cardResponse(formCard(open.value, r.errors, strings(data), false, r.refusal.action ?? null));
      }
      return this.refused(me, d, r.refusal);
    }
    const r = await this.ix.press(me, this.where(context), verb, data, key);
    if (!r.ok) return this.refused(me, d, r.refusal);
    if (r.value.kind === 'form') return cardResponse(formCard(r.value));
    return cardResponse(stageCard(this.ix.view(r.value.dispute), this.registerUrl, r.value.duplicate ? null : r.value.notice));
  }

  /** "Record as decision" on a message in a case thread: the decision form, prefilled with that message's words. */
  protected override async handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const text = htmlToText(action.messagePayload?.body?.content ?? '');
    const r = await this.ix.recordAsDecision(this.person(context), this.where(context), context.activity.conversation.id, text);
    if (!r.ok) return { task: { type: 'message', value: r.refusal.message } };
    if (r.value.kind !== 'form') return {};
    return { task: { type: 'continue', value: { title: 'Record a decision', card: CardFactory.adaptiveCard(formCard(r.value, {}, {}, true)) } } };
  }

  /** The dialog's submission: propose, or show the form again with the problem on its field and what was typed. */
  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const data = (action.data ?? {}) as Record<string, unknown>;
    const me = this.person(context);
    const d = typeof data.d === 'string' ? data.d : '';
    const r = await this.ix.submit(me, this.where(context), 'decision', data, { d, source: typeof data.source === 'string' ? data.source : null }, `teams:${context.activity.id}`);
    if (r.ok) return {};
    const open = await this.ix.press(me, this.where(context), 'decide', { d }, `teams:${context.activity.id}:reopen`);
    if (!open.ok || open.value.kind !== 'form') return { task: { type: 'message', value: refusalText(r.refusal) } };
    return { task: { type: 'continue', value: { title: 'Record a decision', card: CardFactory.adaptiveCard(formCard(open.value, r.errors, strings(data), true)) } } };
  }
}

const FORM_VERB: Record<Exclude<FormName, 'raise'>, string> = {
  decision: 'decide', escalate: 'escalate', 'care-change': 'care-change', external: 'external', letter: 'letter',
  // A small form is opened by the action of the same name.
  ...Object.fromEntries(SIMPLE_FORMS.map((f) => [f, f])) as Record<SimpleFormName, string>,
};
