import crypto from 'node:crypto';
import { z } from 'zod';
import { LIMITS } from '../../src/adapters/slack/blocks/limits.ts';

export const SIGNING_SECRET = 'test-signing-secret';

export function sign(body: string, secret = SIGNING_SECRET, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = `v0=${crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(ts) };
}

/** POSTs a signed request to the bot's /slack/events, as Slack would. */
export async function slackPost(base: string, body: string, type: 'form' | 'json', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const r = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', ...sign(body), ...headers },
    body,
  });
  return { status: r.status, body: await r.text() };
}

export function commandBody(user: string, text: string, channel: string, responseUrl: string, trigger = `trig-${crypto.randomUUID()}`): string {
  return new URLSearchParams({
    token: 'x', team_id: 'T1', team_domain: 'anytown', channel_id: channel, channel_name: 'x', user_id: user, user_name: user,
    command: '/s117', text, api_app_id: 'A1', response_url: responseUrl, trigger_id: trigger,
  }).toString();
}

export function interactiveBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission as Slack sends it, from a view the bot opened and the values a person entered. */
export function submission(user: string, view: { callback_id: string; private_metadata?: string }, values: Record<string, Record<string, unknown>>, viewId = `V-${crypto.randomUUID()}`) {
  return {
    type: 'view_submission', team: { id: 'T1' }, user: { id: user, name: user }, api_app_id: 'A1', token: 'x', trigger_id: `trig-${crypto.randomUUID()}`,
    view: {
      id: viewId, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', hash: 'h', team_id: 'T1', app_id: 'A1', bot_id: 'BBOT',
      title: { type: 'plain_text', text: 't' }, blocks: [], state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { v }])) },
    },
  };
}

export function blockAction(user: string, channel: string | null, action: { action_id: string; value: string }, messageTs = '1700000000.000001') {
  return {
    type: 'block_actions', team: { id: 'T1' }, user: { id: user, name: user }, api_app_id: 'A1', token: 'x', trigger_id: `trig-${crypto.randomUUID()}`,
    container: { type: 'message', message_ts: messageTs, channel_id: channel },
    ...(channel ? { channel: { id: channel, name: 'x' } } : {}),
    message: { ts: messageTs, text: '' },
    actions: [{ type: 'button', block_id: 'b', action_id: action.action_id, value: action.value, action_ts: `${Date.now() / 1000}`, text: { type: 'plain_text', text: 'x' } }],
  };
}

export const text = (value: string) => ({ type: 'plain_text_input', value });
export const choice = (value: string) => ({ type: 'static_select', selected_option: { value } });
export const choices = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });
export const users = (...ids: string[]) => ({ type: 'multi_users_select', selected_users: ids });
export const radio = (value: string) => ({ type: 'radio_buttons', selected_option: { value } });
export const checks = (...values: string[]) => ({ type: 'checkboxes', selected_options: values.map((value) => ({ value })) });

// ---- Block Kit limits as zod schemas: every view and message the bot sends must pass ----
const plainText = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) => z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) });
const textObj = (max: number) => z.union([plainText(max), mrkdwn(max)]);
const option = z.object({ text: plainText(LIMITS.optionText), value: z.string().max(150) });
const buttonEl = z.object({ type: z.literal('button'), action_id: z.string().max(255), text: plainText(LIMITS.buttonText), value: z.string().max(LIMITS.actionValue).optional(), style: z.enum(['primary', 'danger']).optional(), url: z.string().optional() });
const element = z.union([
  buttonEl,
  // Slack refuses a view whose initial choice is not one of the element's options, or a max_selected_items below 1.
  z.object({
    type: z.enum(['static_select', 'multi_static_select', 'radio_buttons', 'checkboxes']), action_id: z.string(), options: z.array(option).min(1).max(LIMITS.options),
    initial_option: option.optional(), initial_options: z.array(option).min(1).optional(), max_selected_items: z.number().int().min(1).optional(),
  }).passthrough().superRefine((e, ctx) => {
    const values = new Set(e.options.map((o) => o.value));
    for (const o of [...(e.initial_option ? [e.initial_option] : []), ...(e.initial_options ?? [])]) {
      if (!values.has(o.value)) ctx.addIssue({ code: 'custom', message: `initial option ${o.value} is not among the options` });
    }
  }),
  z.object({ type: z.literal('plain_text_input'), action_id: z.string(), max_length: z.number().max(3000).optional(), initial_value: z.string().max(LIMITS.plainTextInitial).optional(), multiline: z.boolean().optional() }),
  z.object({ type: z.enum(['multi_users_select', 'users_select']), action_id: z.string() }).passthrough(),
  z.object({ type: z.literal('datepicker'), action_id: z.string(), initial_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(),
]);
const block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: plainText(LIMITS.headerText), block_id: z.string().optional() }),
  z.object({ type: z.literal('section'), text: textObj(LIMITS.sectionText), accessory: buttonEl.optional(), block_id: z.string().optional() }),
  z.object({ type: z.literal('divider'), block_id: z.string().optional() }),
  z.object({ type: z.literal('context'), elements: z.array(textObj(LIMITS.sectionText)).min(1).max(LIMITS.contextElements), block_id: z.string().optional() }),
  z.object({ type: z.literal('actions'), elements: z.array(buttonEl).min(1).max(LIMITS.actionsElements), block_id: z.string().max(255).optional() }),
  z.object({ type: z.literal('input'), block_id: z.string(), label: plainText(LIMITS.inputLabel), element, optional: z.boolean().optional(), hint: plainText(2000).optional() }),
]);
export const messageSchema = z.object({ text: z.string().max(40000), blocks: z.array(block).max(LIMITS.messageBlocks) }).passthrough();
export const modalSchema = z.object({
  type: z.literal('modal'), callback_id: z.string().max(255), title: plainText(LIMITS.modalTitle), submit: plainText(LIMITS.modalSubmit).optional(),
  close: plainText(24).optional(), private_metadata: z.string().max(LIMITS.privateMetadata).optional(), blocks: z.array(block).max(LIMITS.modalBlocks),
});
export const homeSchema = z.object({ type: z.literal('home'), blocks: z.array(block).max(LIMITS.modalBlocks) });
