import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { buildDist, runNode as run } from '../helpers/child.ts';
import { SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

// The compiled bot, as `npm start` runs it: the bodies that once killed the
// process are answered with 4xx, and an error nothing catches is logged while
// the bot keeps serving.

beforeAll(buildDist, 180_000);

describe('the process keeps serving', () => {
  it('the built bot answers the killer payloads with 4xx and still answers /healthz', async () => {
    const fake = new FakeSlackApi();
    await fake.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-net-'));
    const bot = run(['dist/src/main.js'], {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, TEAMS_CASE_CHANNEL_ID: '19:c@thread.tacv2',
    });
    try {
      const port = await until(() => /http:\/\/localhost:(\d+)/.exec(bot.out())?.[1], 'the banner', 90_000);
      const base = `http://127.0.0.1:${port}`;
      const statuses: number[] = [];
      for (const [body, type] of [['payload=null', 'form'], ['null', 'json'], ['payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5Bnull%5D%7D', 'form'], ['[]', 'json']] as const) {
        statuses.push((await slackPost(base, body, type)).status);
      }
      for (const body of ['null', '[]', '{"type":"message","from":null}']) {
        const emulator = /http:\/\/localhost:\d+(\/api\/messages\?token=\S+)\)/.exec(bot.out())![1]!;
        statuses.push((await fetch(`${base}${emulator}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status);
      }
      expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400]);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(bot.exitCode()).toBeUndefined();
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
      await fake.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('an error nothing catches is logged and the process keeps serving; a burst of them ends it for the supervisor', async () => {
    const script = `
      import http from 'node:http';
      import { installSafetyNet } from './dist/src/http/safety-net.js';
      import { createLogger } from './dist/src/app/logger.js';
      installSafetyNet(createLogger('info'), { maxPerMinute: 5 });
      http.createServer((req, res) => {
        if (req.url === '/throw') setImmediate(() => { throw new Error('thrown in a callback'); });
        if (req.url === '/reject') Promise.reject(new Error('rejected and forgotten'));
        res.end('ok');
      }).listen(0, '127.0.0.1', function () { process.stdout.write('port=' + this.address().port + '\\n'); });
    `;
    const p = run(['--input-type=module', '-e', script], {});
    const port = await until(() => /port=(\d+)/.exec(p.out())?.[1], 'the server', 90_000);
    const get = (u: string) => fetch(`http://127.0.0.1:${port}${u}`).then((r) => r.status, (e: Error) => { throw new Error(String((e as { cause?: unknown }).cause)); });
    expect(await get('/throw')).toBe(200);
    expect(await get('/reject')).toBe(200);
    await until(() => ((p.out().match(/an error escaped its handler/g) ?? []).length >= 2), 'both errors logged', 90_000);
    expect(p.out()).toMatch(/thrown in a callback/);
    expect(p.out()).toMatch(/rejected and forgotten/);
    expect(await get('/healthz')).toBe(200);
    expect(p.exitCode()).toBeUndefined();
    // The last of these may find the process already gone.
    for (let i = 0; i < 5; i++) await get('/throw').catch(() => 0);
    expect(await p.exited).toBe(1);
    expect(p.out()).toMatch(/too many uncaught errors in a minute/);
  }, 60_000);
});
