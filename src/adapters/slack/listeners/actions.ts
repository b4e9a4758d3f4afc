import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { PersonStepKey, StageNo } from '../../../domain/types.ts';
import { decisionModal, externalModal, letterModal, raiseModal, reasonModal } from '../blocks/modals.ts';
import { parseValue } from '../blocks/stage-card.ts';
import { type SlackContext, NOT_IN_DIRECTORY, ephemeral } from '../context.ts';

/** Buttons on the stage card, on proposals and on App Home. */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(/^s117:/, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    const tell = ephemeral(client, user, channel);
    // A retried delivery carries the same action_ts: the same key, applied once.
    const key = `slack:action:${body.container?.message_ts ?? 'home'}:${action.action_id}:${action.action_ts}:${user}`;
    const verb = action.action_id.split(':')[1];
    if (verb === 'raise') {
      if (!ctx.actor(user)) return void (await tell(NOT_IN_DIRECTORY));
      await client.views.open({ trigger_id: body.trigger_id, view: raiseModal(ctx.service.directory(), { channel: channel ?? null }) });
      return;
    }
    const v = parseValue(action.value);
    if (!v) return void (await tell('That button is out of date. Use the pinned card in the case channel.'));
    const target = { id: v.d };
    try {
      switch (verb) {
        case 'tick':
          await ctx.act(user, target, { type: 'TICK_CHECKLIST', stage: (v.s ?? 0) as StageNo, key: v.k ?? '', ticked: v.n === 1 }, key, tell);
          return;
        case 'confirm':
          await ctx.act(user, target, { type: 'CONFIRM_DECISION', seq: v.s ?? 0, organisationId: v.o ?? '' }, key, tell);
          return;
        case 'person':
          await ctx.act(user, target, { type: 'PERSON_STEP', step: v.k as PersonStepKey, note: null }, key, tell);
          return;
      }
      // The rest open a form; the form's submission does the work.
      const d = await ctx.service.get(target);
      if (!d) return void (await tell('That dispute no longer exists.'));
      const m = { d: d.id, reference: d.reference };
      if (verb === 'decide') await client.views.open({ trigger_id: body.trigger_id, view: decisionModal({ ...m, stage: d.stage, source: null }, '') });
      else if (verb === 'escalate') await client.views.open({ trigger_id: body.trigger_id, view: reasonModal('s117_escalate', m) });
      else if (verb === 'care-change') await client.views.open({ trigger_id: body.trigger_id, view: reasonModal('s117_care_change', m) });
      else if (verb === 'external') await client.views.open({ trigger_id: body.trigger_id, view: externalModal(m) });
      else if (verb === 'letter') {
        const letter = d.letters.find((l) => l.seq === v.n);
        if (!letter) return void (await tell('That letter is no longer waiting for review.'));
        await client.views.open({ trigger_id: body.trigger_id, view: letterModal({ ...m, n: letter.seq }, letter.text, letter.readingAge) });
      }
    } catch (e) {
      await tell(ctx.explain(e));
    }
  });
}
