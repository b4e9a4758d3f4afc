import type { App, MessageShortcut } from '@slack/bolt';
import { refusalText } from '../../../app/interactions/refusals.ts';
import { slackToText } from '../../../app/interactions/text.ts';
import { formModal } from '../blocks/modals.ts';
import type { AckPolicy } from '../ack-policy.ts';
import { type SlackContext, ephemeral } from '../context.ts';

/** "Record as decision" on any message in a case channel: a decision form prefilled with that message. */
export function register(app: App, ctx: SlackContext, policy: AckPolicy): void {
  // Acknowledged with nothing before the listener runs: it answers with a form or an ephemeral message.
  policy.answerFirst({ interaction: 'message_action' }).answerFirst({ interaction: 'shortcut' });
  app.shortcut<MessageShortcut>('s117_record_decision', async ({ ack, shortcut, client, context }) => {
    await ack();
    const tell = ephemeral(client, shortcut.user.id, shortcut.channel.id);
    try {
      // Slack's text is escaped (&amp;); decoded once here so the form shows, and stores, what was written.
      const text = slackToText(shortcut.message.text ?? '');
      const r = await ctx.interactions.recordAsDecision(ctx.person(shortcut.user.id), ctx.where(context), shortcut.channel.id, text);
      if (!r.ok) return void (await tell(r.refusal.message));
      if (r.value.kind !== 'form') return;
      await client.views.open({ trigger_id: shortcut.trigger_id, view: formModal(r.value, shortcut.message.ts) });
    } catch (e) {
      await tell(refusalText(ctx.interactions.explain(e)));
    }
  });
}
