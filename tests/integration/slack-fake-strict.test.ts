import bolt from '@slack/bolt';
import { FakeSlackApi } from '../fakes/slack-api.ts';

/** The fake Slack API refuses what Slack refuses, so a view or message that Slack would reject fails a test here first. */
describe('the fake Slack API is as strict as Slack on Block Kit limits', () => {
  let fake: FakeSlackApi;
  let client: InstanceType<typeof bolt.App>['client'];
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    client = new bolt.App({
      token: 'xoxb-x', signingSecret: 's', logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => bolt.LogLevel.ERROR, setName() {} },
      clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 } },
    }).client;
  });
  afterEach(async () => { await fake.stop(); });

  const plain = (text: string) => ({ type: 'plain_text' as const, text });
  const modal = (title: string, options: { text: ReturnType<typeof plain>; value: string }[]) => ({
    type: 'modal' as const, callback_id: 'x', title: plain(title), submit: plain('Add'),
    blocks: [{ type: 'input' as const, block_id: 'organisationId', label: plain('Organisation'), element: { type: 'static_select' as const, action_id: 'v', options } }],
  });
  const error = (p: Promise<unknown>) => p.then(() => null, (e: { data?: { error?: string } }) => e.data?.error ?? 'thrown');
  const org = [{ text: plain('Anytown NHS Trust'), value: 'anytown-trust' }];

  it('refuses a modal title over 24 characters, and a select with no options, with invalid_arguments', async () => {
    expect(await error(client.views.open({ trigger_id: 't', view: modal('Add a party', org) }))).toBeNull();
    expect(await error(client.views.open({ trigger_id: 't', view: modal('Add a party to S117-2026-0042', org) }))).toBe('invalid_arguments');
    expect(await error(client.views.open({ trigger_id: 't', view: modal('Add a party', []) }))).toBe('invalid_arguments');
    expect(await error(client.views.update({ view_id: 'V1', view: modal('Add a party', []) }))).toBe('invalid_arguments');
  });

  it('refuses a message whose section text is over 3000 characters with invalid_blocks', async () => {
    const section = (n: number) => [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(n) } }];
    expect(await error(client.chat.postMessage({ channel: 'C1', text: 't', blocks: section(3000) }))).toBeNull();
    expect(await error(client.chat.postMessage({ channel: 'C1', text: 't', blocks: section(3001) }))).toBe('invalid_blocks');
  });
});

/** conversations.inviteShared, as Slack's reference documents its arguments, scope and refusals. */
describe('the fake Slack API is as strict as Slack on Slack Connect invitations', () => {
  let fake: FakeSlackApi;
  const clientFor = (token: string) => new bolt.App({
    token, signingSecret: 's', logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => bolt.LogLevel.ERROR, setName() {} },
    clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 } },
  }).client;
  const error = (p: Promise<unknown>) => p.then(() => null, (e: { data?: { error?: string } }) => e.data?.error ?? 'thrown');
  let channel: string;
  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    fake.addWorkspace('T0HOST0001', 'xoxb-host', ['U0HOSTUSR1']);
    fake.addWorkspace('T0GUEST001', 'xoxb-guest', ['U0GUESTUS1']);
    fake.addWorkspace('T0HOST0001', 'xoxp-host-user', ['U0HOSTUSR1']);
    fake.connectAllowed.add('T0HOST0001');
    channel = String((await clientFor('xoxb-host').conversations.create({ name: 's117-2026-0001', is_private: true })).channel!.id);
  });
  afterEach(async () => { await fake.stop(); });
  const invite = (token: string, args: Record<string, unknown>) => error(clientFor(token).conversations.inviteShared(args as never));

  it('needs the channel and exactly one address or one user id a call', async () => {
    expect(await invite('xoxb-host', { emails: ['a@b.nhs.uk'] })).toBe('invalid_arguments');
    expect(await invite('xoxb-host', { channel })).toBe('invalid_arguments');
    expect(await invite('xoxb-host', { channel, emails: ['a@b.nhs.uk', 'c@d.nhs.uk'] })).toBe('invalid_arguments');
    expect(await invite('xoxb-host', { channel, emails: ['a@b.nhs.uk'], user_ids: ['U0GUESTUS1'] })).toBe('invalid_arguments');
    expect(await invite('xoxb-host', { channel, emails: ['a@b.nhs.uk'] })).toBeNull();
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBeNull();
    expect(fake.invites.map((i) => i.recipient)).toEqual([{ email: 'a@b.nhs.uk' }, { user: 'U0GUESTUS1', team: 'T0GUEST001' }]);
  });

  it('refuses a user token, a missing scope, a workspace that does not allow it, a bad address, an unknown user and a member', async () => {
    expect(await invite('xoxp-host-user', { channel, user_ids: ['U0GUESTUS1'] })).toBe('not_allowed_token_type');
    fake.lacking.set('T0HOST0001', new Set(['conversations.connect:write']));
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBe('missing_scope');
    fake.lacking.clear();
    fake.connectAllowed.delete('T0HOST0001');
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBe('restricted_action');
    fake.connectAllowed.add('T0HOST0001');
    fake.unpaid.add('T0HOST0001');
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBe('not_paid');
    fake.unpaid.clear();
    expect(await invite('xoxb-host', { channel, emails: ['not an address'] })).toBe('invalid_email');
    expect(await invite('xoxb-host', { channel, user_ids: ['U0NOBODY01'] })).toBe('user_not_found');
    expect(await invite('xoxb-guest', { channel, user_ids: ['U0HOSTUSR1'] })).toBe('channel_not_found');
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBeNull();
    fake.acceptInvite(fake.invites.at(-1)!.id);
    expect(await invite('xoxb-host', { channel, user_ids: ['U0GUESTUS1'] })).toBe('already_in_channel');
    // Accepted: the channel is the guest workspace's too.
    expect(await error(clientFor('xoxb-guest').chat.postMessage({ channel, text: 'hello' }))).toBeNull();
  });
});
