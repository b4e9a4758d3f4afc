import type { App, MessageShortcut } from '@slack/bolt';
import { decisionModal } from '../blocks/modals.ts';
import { type SlackContext, NOT_IN_DIRECTORY, ephemeral } from '../context.ts';

/** "Record as decision" on any message in a case channel: a decision form prefilled with that message. */
export function register(app: App, ctx: SlackContext): void {
  app.shortcut<MessageShortcut>('s117_record_decision', async ({ ack, shortcut, client }) => {
    await ack();
    const tell = ephemeral(client, shortcut.user.id, shortcut.channel.id);
    if (!ctx.actor(shortcut.user.id)) return void (await tell(NOT_IN_DIRECTORY));
    try {
      const d = await ctx.disputeIn(shortcut.channel.id);
      if (!d) return void (await tell('"Record as decision" works on messages in a dispute\'s case channel.'));
      if (d.status !== 'OPEN') return void (await tell(`${d.reference} is already resolved.`));
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: decisionModal({ d: d.id, reference: d.reference, stage: d.stage, source: shortcut.message.ts }, shortcut.message.text ?? ''),
      });
    } catch (e) {
      await tell(ctx.explain(e));
    }
  });
}
