import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { FormName } from '../../../app/interactions/forms.ts';
import { SIMPLE_FORMS } from '../../../app/interactions/simple-forms.ts';
import { decisionModal } from '../blocks/decision-modal.ts';
import { raiseModal, refusalModal, simpleCallback } from '../blocks/modals.ts';
import { type SlackContext, ephemeral } from '../context.ts';
import { formValues } from '../form.ts';

const metaSchema = z.object({
  d: z.string().max(120).optional(), n: z.number().int().optional(), source: z.string().max(60).nullish(), channel: z.string().max(60).nullish(),
}).passthrough();

function meta(raw: string | undefined): z.infer<typeof metaSchema> {
  try {
    const r = metaSchema.safeParse(JSON.parse(raw ?? '{}'));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

const FORMS: Record<string, FormName> = {
  s117_raise: 'raise', s117_decision: 'decision', s117_escalate: 'escalate', s117_care_change: 'care-change', s117_external: 'external', s117_letter: 'letter',
  ...Object.fromEntries(SIMPLE_FORMS.map((f) => [simpleCallback(f), f])),
};

/**
 * Every modal's submission. The change is written before the modal closes:
 * a refusal keeps it open with the reason on the field and everything
 * typed still there. A retried submission (same view id) is applied once
 * and confirmed once. Answered by the listener (never first): the answer
 * carries the form's errors.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(/^s117_/, async ({ ack, body, view, client, context }) => {
    const form = FORMS[view.callback_id];
    if (!form) return void (await ack());
    const m = meta(view.private_metadata);
    const user = body.user.id;
    const values = formValues(view.state, (u) => ctx.person(u)?.id ?? null);
    const r = await ctx.interactions.submit(ctx.person(user), ctx.where(context), form, values, {
      ...(m.d ? { d: m.d } : {}), ...(m.n !== undefined ? { n: m.n } : {}), source: m.source ?? null,
    }, `slack:view:${view.id}`);
    if (!r.ok && r.errors.wordingConfirmed && !('wordingConfirmed' in view.state.values) && m.d) {
      // The words and the chosen effect disagree: the form is shown again, as typed, with the one question to answer.
      const open = await ctx.interactions.press(ctx.person(user), ctx.where(context), 'decide', { d: m.d }, `slack:view:${view.id}:ask`);
      if (open.ok && open.value.kind === 'form' && open.value.decision) {
        return void (await ack({ response_action: 'update', view: decisionModal(open.value.decision, m.source ?? null, values, { text: r.errors.wordingConfirmed, action: r.refusal.action ?? null }) }));
      }
    }
    if (!r.ok && form === 'raise' && r.errors.wordingConfirmed && !('wordingConfirmed' in view.state.values)) {
      // R7.2: the words read as ending aftercare without the ending subject. Slack puts an error only on a block of the
      // view, so the form is shown again, as typed, with the question as a required choice at the top.
      const keep = formValues(view.state, (u) => u);
      return void (await ack({
        response_action: 'update', view: raiseModal(ctx.interactions.service.directory(), { channel: m.channel ?? null }, keep, r.errors.wordingConfirmed),
      }));
    }
    if (!r.ok && r.refusal.action && m.d) {
      return void (await ack({ response_action: 'update', view: refusalModal(m.d, { ...r.refusal, action: r.refusal.action }) }));
    }
    if (!r.ok) {
      // Slack shows errors only on input blocks of this view; anything else goes on the first one.
      const blocks = new Set(Object.keys(view.state.values));
      const first = [...blocks][0];
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(r.errors)) {
        const at = blocks.has(field) ? field : first;
        if (at) errors[at] ??= message;
      }
      if (Object.keys(errors).length) return void (await ack({ response_action: 'errors', errors }));
      await ack();
      return void (await ephemeral(client, user, m.channel ?? undefined)(`Not recorded: ${r.refusal.message}`));
    }
    await ack();
    if (r.duplicate) return;
    const tell = ephemeral(client, user, form === 'raise' ? m.channel ?? undefined : undefined);
    if (form === 'raise') await tell(`${r.dispute.reference} is raised. Its private case channel is being created and the Stage ${r.dispute.stage} participants invited.`);
    else if (r.notice) await tell(r.notice);
  });
}
