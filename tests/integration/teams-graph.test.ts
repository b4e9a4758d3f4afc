import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { GraphClient } from '../../src/adapters/teams/graph.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { ConversationRef } from '../../src/app/ports.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { disputeView } from '../../src/domain/view.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeGraph } from '../fakes/graph.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

describe('Teams channel mode (a channel per dispute, through Microsoft Graph)', () => {
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  beforeEach(async () => {
    graph = new FakeGraph();
    connector = new FakeBotConnector();
    await graph.start();
    await connector.start();
  });
  afterEach(async () => {
    await graph.stop();
    await connector.stop();
  });

  const port = (secret = 'right-secret') => new TeamsChatPort(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), {
    appId: '', tenantId: 'tenant-1', serviceUrl: connector.url, caseChannelId: null,
    channelMode: { teamId: 'team-1', graph: new GraphClient({ apiUrl: `${graph.url}/v1.0`, loginUrl: graph.url, tenantId: 'tenant-1', appId: 'app-1', appPassword: secret }) },
  }, () => directory, createLogger('silent'));

  const view = () => {
    const s = new Scenario();
    s.raise();
    return disputeView({ ...s.dispute, reference: 'S117-2026-0042' }, DEFAULT_POLICY, calendar, directory);
  };

  it('[R11.2] creates a channel named from the reference (a suffix when taken) and starts its thread with the stage card', async () => {
    graph.channels.set('s117-2026-0042', '19:someone-elses@thread.tacv2');
    const space = await port().openCaseSpace(view(), { key: 'k', attempt: 1 });
    const created = graph.calls.filter((c) => c.path.endsWith('/channels')).map((c) => c.body.displayName);
    expect(created).toEqual(['s117-2026-0042', 's117-2026-0042-2']);
    expect(graph.calls[0]!.body).toMatchObject({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default', client_id: 'app-1' });
    const thread = connector.created()[0]!;
    expect((thread.body.channelData as { channel: { id: string } }).channel.id).toBe('19:s117-2026-0042-2@thread.tacv2');
    expect(space.id).toMatch(/^19:s117-2026-0042-2@thread\.tacv2;messageid=\d+$/);
    // One token serves both calls.
    expect(graph.calls.filter((c) => c.path.includes('/token'))).toHaveLength(1);
  });

  it('a try cut off after Graph made the channel starts the thread in that channel on the next try, not in a new one', async () => {
    const sent: ConversationRef[] = [];
    const d = { key: 'd1:space', attempt: 1, sent: async (r: ConversationRef) => { sent.push(r); } };
    connector.failNext(400);
    await expect(port().openCaseSpace(view(), d)).rejects.toMatchObject({ retryable: false });
    expect(sent).toEqual([{ id: '', channel: '19:s117-2026-0042@thread.tacv2' }]);
    const space = await port().openCaseSpace(view(), { ...d, attempt: 2, uncertain: true, known: sent.at(-1)! });
    expect(graph.calls.filter((c) => c.path.endsWith('/channels')).map((c) => c.body.displayName)).toEqual(['s117-2026-0042']);
    expect(space.id).toMatch(/^19:s117-2026-0042@thread\.tacv2;messageid=\d+$/);
    // And once the thread is made, a further try reuses it as it is.
    expect(await port().openCaseSpace(view(), { ...d, attempt: 3, known: sent.at(-1)! })).toEqual(space);
    expect(connector.created().filter((c) => c.status === 200)).toHaveLength(1);
  });

  it('says plainly when Microsoft refuses the app credentials, and does not retry a refusal', async () => {
    const e = await port('wrong').openCaseSpace(view(), { key: 'k', attempt: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ retryable: false, message: expect.stringMatching(/refused the bot's app credentials: AADSTS7000215/) });
  });
});
