import crypto from 'node:crypto';
import type { SimpleFormName } from '../../src/app/interactions/simple-forms.ts';
import type { Bot } from '../../src/bot.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import type { FakeBotConnector } from '../fakes/bot-connector.ts';
import { directory } from '../helpers/domain.ts';
import { blockAction, interactiveBody, slackPost, submission } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

/** What a person saw after pressing or submitting, and whether the register or a form shows it was accepted. */
export interface Answer { accepted: boolean; text: string }

/**
 * One chat platform as a person uses it, through the bot's real receiver:
 * press a card button, submit a form. The authorisation table and the
 * inbound contract run against every driver.
 */
export interface PlatformDriver {
  name: string;
  press(personId: string | null, verb: string, payload: Record<string, unknown>): Promise<Answer>;
  submit(personId: string | null, form: 'raise' | 'care-change' | 'external' | 'decision' | SimpleFormName, values: Record<string, unknown>, d?: string): Promise<Answer>;
  /** "Record as decision" on a message in the case space, as each platform sends its text; returns the summary the form shows. */
  recordAsDecision(personId: string, space: string, text: PlatformText): Promise<string>;
}

/** One message as each platform delivers its text (Slack escapes &<>, Teams sends HTML). */
export interface PlatformText { slack: string; teams: string; loop: string }

const version = async (bot: Bot, d: string) => (await bot.app.service.get({ id: d }))?.version ?? -1;

export function slackDriver(bot: Bot, fake: FakeSlackApi, base: string): PlatformDriver {
  const handle = (personId: string | null) => (personId ? directory.people.find((p) => p.id === personId)!.handles.slack! : 'U0STRANGER');
  const seen = () => fake.calls.length;
  const answerSince = async (from: number, user: string, changed: () => Promise<boolean>): Promise<Answer> => {
    const mine = () => fake.calls.slice(from).filter((c) => (c.method === 'chat.postEphemeral' && c.args.user === user) || c.method === 'views.open' || (c.method === 'chat.postMessage' && c.args.channel === user));
    const accepted = await until(async () => (mine().length ? 'answered' : (await changed()) ? 'changed' : null), 'the Slack answer');
    const calls = mine();
    return { accepted: accepted === 'changed' || calls.some((c) => c.method === 'views.open') || await changed(), text: JSON.stringify(calls.map((c) => c.args)) };
  };
  return {
    name: 'Slack',
    async press(personId, verb, payload) {
      const user = handle(personId);
      const d = String(payload.d ?? '');
      const before = await version(bot, d);
      const from = seen();
      const suffix = verb === 'tick' || verb === 'person' ? `:${String(payload.k)}` : verb === 'confirm' ? `:${String(payload.o)}` : '';
      const r = await slackPost(base, interactiveBody(blockAction(user, 'CCASE', { action_id: `s117:${verb}${suffix}`, value: JSON.stringify(payload) })), 'form');
      if (r.status !== 200) throw new Error(`Slack answered ${r.status}`);
      return answerSince(from, user, async () => (await version(bot, d)) !== before);
    },
    async submit(personId, form, values, d) {
      const user = handle(personId);
      const fixed: Record<string, string> = { raise: 's117_raise', 'care-change': 's117_care_change', external: 's117_external', decision: 's117_decision' };
      const callback = fixed[form] ?? `s117_f_${form}`;
      const before = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      const slackValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v)
        ? { type: 'multi_static_select', selected_options: v.map((value) => ({ value })) }
        // A date picker sends its date, or null when none was picked.
        : ['effectiveFrom', 'jointAssessedOn'].includes(k) ? { type: 'datepicker', selected_date: v || null }
        : ['personInvolved'].includes(k) ? { type: 'radio_buttons', selected_option: v ? { value: v } : null }
        : ['change', 'route', 'outcome', 'effect', 'cohort', 'setting', 'continuity', 'organisationId', 'role', 'field'].includes(k)
          ? { type: 'static_select', selected_option: { value: v } } : { type: 'plain_text_input', value: v }]));
      const r = await slackPost(base, interactiveBody(submission(user, { callback_id: callback, private_metadata: JSON.stringify(d ? { d } : { channel: null }) }, slackValues)), 'form');
      const after = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      // A refusal on a field comes back in the HTTP answer itself (the modal stays open).
      return { accepted: after !== before, text: r.body };
    },
    async recordAsDecision(personId, space, text) {
      const from = seen();
      const payload = {
        type: 'message_action', callback_id: 's117_record_decision', trigger_id: `trig-${crypto.randomUUID()}`, team: { id: 'T1' }, token: 'x', api_app_id: 'A1',
        user: { id: handle(personId), name: personId }, channel: { id: space, name: 'case' }, message_ts: '1700000001.000100', action_ts: '1',
        message: { type: 'message', ts: '1700000001.000100', text: text.slack, user: 'U0OTHER' }, response_url: `${fake.url}/respond/x`,
      };
      await slackPost(base, interactiveBody(payload), 'form');
      const open = await until(() => fake.calls.slice(from).find((c) => c.method === 'views.open'), 'the decision form');
      const blocks = (open.args.view as { blocks: { block_id?: string; element?: { initial_value?: string } }[] }).blocks;
      return blocks.find((b) => b.block_id === 'summary')?.element?.initial_value ?? '';
    },
  };
}

export function teamsDriver(bot: Bot, connector: FakeBotConnector, endpoint: string): PlatformDriver {
  const aad = (personId: string | null) => (personId ? directory.people.find((p) => p.id === personId)!.handles.teams! : 'not-a-known-id');
  const invoke = async (personId: string | null, verb: string, data: Record<string, unknown>) => {
    const body = {
      id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
      from: { id: `29:${personId ?? 'x'}`, name: personId ?? 'x', aadObjectId: aad(personId) }, recipient: { id: '28:bot', name: 'S117' },
      conversation: { id: '19:cases@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
      type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
    };
    const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return r.text();
  };
  return {
    name: 'Teams',
    async press(personId, verb, payload) {
      const d = String(payload.d ?? '');
      const before = await version(bot, d);
      const sentBefore = connector.sent().length;
      const text = await invoke(personId, verb, payload);
      const changed = (await version(bot, d)) !== before;
      // Nothing changed, so nothing was queued: anything in the thread now would be the answer, shown to everyone.
      const thread = connector.sent().slice(sentBefore).filter((c) => c.conversation?.startsWith('19:cases'));
      if (!changed && thread.length) throw new Error(`the answer to ${verb} was posted to the thread`);
      const form = /"Input\.|Mark as sent/.test(text);
      return { accepted: form || changed, text };
    },
    async submit(personId, form, values, d) {
      const verb = ({ raise: 'raise', decision: 'propose' } as Record<string, string>)[form] ?? `${form}-submit`;
      const before = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const text = await invoke(personId, verb, { ...data, ...(d ? { d } : {}) });
      const after = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      return { accepted: after !== before, text };
    },
    async recordAsDecision(personId, space, text) {
      const body = {
        id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
        from: { id: `29:${personId}`, name: personId, aadObjectId: aad(personId) }, recipient: { id: '28:bot', name: 'S117' },
        conversation: { id: space, conversationType: 'channel', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
        type: 'invoke', name: 'composeExtension/fetchTask',
        value: { commandId: 'recordDecision', commandContext: 'message', messagePayload: { id: '1', body: { contentType: 'html', content: text.teams } } },
      };
      const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const task = (await r.json() as { task: { value?: { card?: { content?: { body?: { id?: string; value?: string }[] } } } } }).task;
      return task.value?.card?.content?.body?.find((b) => b.id === 'summary')?.value ?? '';
    },
  };
}

/** The third, test-only platform: JSON at /loop/events, people by their directory id. */
export function loopDriver(bot: Bot, endpoint: string): PlatformDriver {
  let n = 0;
  const post = async (body: Record<string, unknown>) => {
    const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `loop-${++n}-${crypto.randomUUID()}`, ...body }) });
    return r.text();
  };
  const user = (personId: string | null) => personId ?? 'stranger';
  return {
    name: 'Loop',
    async press(personId, verb, payload) {
      const d = String(payload.d ?? '');
      const before = await version(bot, d);
      const text = await post({ kind: 'press', user: user(personId), verb, payload });
      return { accepted: /"form"/.test(text) || (await version(bot, d)) !== before, text };
    },
    async submit(personId, form, values, d) {
      const before = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      const text = await post({ kind: 'submit', user: user(personId), form, values, ...(d ? { d } : {}) });
      const after = d ? await version(bot, d) : await bot.app.db.prisma.dispute.count();
      return { accepted: after !== before, text };
    },
    async recordAsDecision(personId, space, text) {
      const r = JSON.parse(await post({ kind: 'record', user: user(personId), space, text: text.loop })) as { decision?: { prefill?: string } };
      return r.decision?.prefill ?? '';
    },
  };
}
