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
