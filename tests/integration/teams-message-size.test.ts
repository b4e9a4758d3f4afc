import crypto from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { cardActivity, MAX_ACTIVITY_BYTES } from '../../src/adapters/teams/activity-size.ts';
import { reportCard } from '../../src/adapters/teams/report-card.ts';
import { createLogger } from '../../src/app/logger.ts';
import { FakeBotConnector, MAX_MESSAGE_BYTES } from '../fakes/bot-connector.ts';
import { directory } from '../helpers/domain.ts';

const CHANNEL = '19:cases@thread.tacv2;messageid=1';

describe('Teams\' 28 KB message limit', () => {
  let connector: FakeBotConnector;
  let adapter: CloudAdapter;
  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  });
  afterEach(async () => { await connector.stop(); });

  /** Sends an activity into a channel thread through the real SDK; the connector's status for it. */
  const send = async (activity: ReturnType<typeof cardActivity>) => {
    await adapter.continueConversationAsync('', {
      channelId: 'msteams', serviceUrl: connector.url, conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', name: '' }, bot: { id: '', name: 'S117' },
    }, async (ctx) => { await ctx.sendActivity(activity); }).catch(() => undefined);
    return connector.calls.at(-1)!;
  };

  it('the fake connector refuses an activity over 28 KB with 413 MessageSizeTooBig, as Teams does, and takes one just under', async () => {
    expect(MAX_MESSAGE_BYTES).toBe(MAX_ACTIVITY_BYTES);
    const text = (n: number) => ({ type: 'AdaptiveCard' as const, version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(n) }] });
    const over = await send(cardActivity(text(MAX_ACTIVITY_BYTES)));
    expect(over).toMatchObject({ status: 413, applied: false });
    const under = await send(cardActivity(text(MAX_ACTIVITY_BYTES - 2048)));
    expect(under).toMatchObject({ status: 200, applied: true });
  });

  it('a notification too big for Teams is a refusal, not a retry', async () => {
    const port = new TeamsChatPort(adapter, { appId: '', tenantId: 't1', serviceUrl: connector.url, caseChannelId: '19:cases@thread.tacv2', channelMode: null }, () => directory, createLogger('silent'));
    const long = Array.from({ length: 40 }, () => 'y'.repeat(1000));
    const e = await port.post({ id: CHANNEL, serviceUrl: connector.url, tenantId: 't1', kind: 'thread', rootId: '1' }, { title: 't', lines: long, mentions: [] }, [], { key: 'big', attempt: 1 })
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ retryable: false });
    expect(String((e as Error).message)).toMatch(/413/);
  });

  it('the report\'s chart is measured as sent (base64 in the card), so a 24 KB chart never makes a card Teams refuses', async () => {
    const lines = [{ type: 'TextBlock', text: 'Section 117 disputes: 2026-10-01 to 2026-12-31' }];
    // Just under the 24,000 bytes the old check allowed: as base64 it is 31,868 bytes, over the limit on its own.
    const big = crypto.randomBytes(23_900);
    const card = reportCard(lines, big, 'A bar chart', []);
    expect(JSON.stringify(card)).not.toContain('data:image/png');
    expect(await send(cardActivity(card))).toMatchObject({ status: 200 });
    // A chart that fits is shown inline.
    const small = reportCard(lines, crypto.randomBytes(12_000), 'A bar chart', []);
    expect(JSON.stringify(small)).toContain('data:image/png;base64,');
    const sent = await send(cardActivity(small));
    expect(sent).toMatchObject({ status: 200 });
    // The largest chart that is kept still leaves room for the envelope: measured, not guessed.
    let n = 12_000;
    while (JSON.stringify(reportCard(lines, crypto.randomBytes(n + 500), 'A bar chart', [])).includes('data:image')) n += 500;
    expect(await send(cardActivity(reportCard(lines, crypto.randomBytes(n), 'A bar chart', [])))).toMatchObject({ status: 200 });
    expect(JSON.stringify(connector.calls.at(-1)!.body)).toContain('data:image/png');
  });
});
