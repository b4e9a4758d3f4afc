// The fake Slack Web API or Bot Connector in a process of its own. Served from
// the load generator's process, every call the bot made back (chat.update,
// respond(), a Teams reply) was answered on the same event loop that times
// the requests, so the bot's latencies carried that work and the bare app's,
// which makes no calls, did not. Slack's and Microsoft's servers are not on
// the sender's machine either.
import { FakeBotConnector } from '../../tests/fakes/bot-connector.ts';
import { FakeSlackApi } from '../../tests/fakes/slack-api.ts';

const fake = process.argv[2] === 'teams' ? new FakeBotConnector() : new FakeSlackApi();
await fake.start();
process.send!({ url: fake.url });
// The fakes keep every call for tests to read; a benchmark reads none, and a long run would otherwise hold them all.
const forget = setInterval(() => {
  fake.calls.length = 0;
  if (fake instanceof FakeSlackApi) fake.responses.length = 0;
}, 1000);
process.on('disconnect', () => { clearInterval(forget); void fake.stop().finally(() => process.exit(0)); });
