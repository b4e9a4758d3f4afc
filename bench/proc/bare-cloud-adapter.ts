// A bare CloudAdapter bot answering a card action with a fixed card, in a
// process of its own like the bot under test (bench/proc/bot.ts): the
// yardstick for the bot's Teams turns (Emulator mode: no tokens).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

const bare = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
// About the size of the bot's answer to a tick (a stage card of ~4.3 KB): the answer's serialising and sending are
// then counted on both sides (an empty card made the yardstick's answer a tenth of the bot's).
const card = {
  type: 'AdaptiveCard', version: '1.5',
  body: Array.from({ length: 21 }, (_, i) => ({ type: 'TextBlock', wrap: true, text: `Line ${i}: ${'a card as long as the bot answers with. '.repeat(3)}` })),
  actions: Array.from({ length: 6 }, (_, i) => ({ type: 'Action.Execute', title: `Action ${i}`, verb: `verb${i}`, data: { verb: `verb${i}`, d: 'dispute-id', n: 1 } })),
};
const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += String(c); });
  req.on('end', async () => {
    let status = 200;
    let out: unknown;
    const response = {
      socket: req.socket, status(c: number) { status = c; return response; }, header() { return response; },
      send(b?: unknown) { out = b; return response; }, end() { return response; },
    };
    await bare.process({ body: JSON.parse(raw), headers: req.headers, method: 'POST' }, response, async (ctx) => {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } } });
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end(out === undefined ? '' : JSON.stringify(out));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
process.send!({ port: (server.address() as AddressInfo).port });
// bench/teams-cpu.ts asks for this process's CPU time, as it asks the bot's.
process.on('message', (m: { id: number }) => {
  const u = process.cpuUsage();
  process.send!({ id: m.id, value: { ms: (u.user + u.system) / 1000 } });
});
process.on('disconnect', () => process.exit(0));
