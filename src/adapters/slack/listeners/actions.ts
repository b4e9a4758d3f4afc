import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { refusalText } from '../../../app/interactions/refusals.ts';
import { formModal, raiseModal } from '../blocks/modals.ts';
import type { AckPolicy } from '../ack-policy.ts';
import { type SlackContext, ephemeral } from '../context.ts';

/** Buttons on the stage card, on proposals and on App Home: translated, then answered by the inbound layer. */
export function register(app: App, ctx: SlackContext, policy: AckPolicy): void {
  // Every button is acknowledged with nothing, a link button's too (no listener of ours): what follows is a form, a
  // notice to the person, or a changed card.
  policy.answerFirst({ interaction: 'block_actions' });
  app.action<BlockAction<ButtonAction>>(/^s117:/, async ({ ack, body, action, client, context }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    const tell = ephemeral(client, user, channel);
    const me = ctx.person(user);
    const verb = action.action_id.split(':')[1] ?? '';
    if (verb === 'raise') {
      const r = ctx.interactions.raiseForm(me, ctx.where(context));
      if (!r.ok) return void (await tell(r.refusal.message));
      await client.views.open({ trigger_id: body.trigger_id, view: raiseModal(ctx.interactions.service.directory(), { channel: channel ?? null }) });
      return;
    }
    let payload: unknown = null;
    try {
      payload = JSON.parse(action.value ?? '');
    } catch {
      // Unparseable is refused below like any other forged payload.
    }
    // A retried delivery carries the same action_ts: the same key, applied once.
    const key = `slack:action:${body.container?.message_ts ?? 'home'}:${action.action_id}:${action.action_ts}:${user}`;
    const r = await ctx.interactions.press(me, ctx.where(context), verb, payload, key);
    if (!r.ok) return void (await tell(refusalText(r.refusal)));
    const p = r.value;
    if (p.kind === 'done') {
      if (p.notice && !p.duplicate) await tell(p.notice);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: formModal(p) });
  });
}
