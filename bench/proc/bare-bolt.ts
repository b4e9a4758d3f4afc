// A bare Bolt app whose listeners only ack(), in a process of its own like
// the bot under test (bench/proc/bot.ts): the yardstick for the bot's acks.
import bolt from '@slack/bolt';
import { SIGNING_SECRET } from '../../tests/helpers/slack.ts';

const app = new bolt.App({ token: 'xoxb-bench', signingSecret: SIGNING_SECRET, clientOptions: { slackApiUrl: process.argv[2] }, logLevel: bolt.LogLevel.ERROR });
app.command('/s117', async ({ ack }) => { await ack(); });
app.action(/.*/, async ({ ack }) => { await ack(); });
await app.start(0);
// HTTPReceiver keeps its server private; its address is what start() bound.
const port = ((app as unknown as { receiver: { server: { address(): { port: number } } } }).receiver.server.address()).port;
process.send!({ port });
process.on('disconnect', () => process.exit(0));
