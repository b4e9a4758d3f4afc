import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/s117.ts';
import { FakeSlackApi } from '../../fakes/slack-api.ts';
import { DIRECTORY, startSlackBot, type SlackBot } from '../../helpers/app.ts';
import { until } from '../../helpers/wait.ts';
import { commandBody, slackPost } from '../../helpers/slack.ts';
import { localCookie } from '../../helpers/local-register.ts';

// The inputs that once looped forever or blocked the event loop for a minute:
// each is now refused at once with a message naming the field.
describe('dates and ranges: the denial-of-service inputs are refused at every door', () => {
  let fake: FakeSlackApi;
  let base: string;
  let running: SlackBot;

  beforeAll(async () => {
    running = await startSlackBot();
    ({ fake, base } = running);
  }, 180_000);
  afterAll(() => running.stop());

  it.each([
    ['/register/report?from=2026-13-01&to=2027-01-01', /from: 2026-13-01 has no month 13/],
    ['/register/report.csv?from=2026-13-01&to=2027-01-01', /no month 13/],
    ['/register/report?from=1000-01-01&to=9999-12-31', /from: 1000-01-01 is out of range/],
    ['/register/report.csv?from=1000-01-01&to=9999-12-31', /out of range/],
    ['/register/report?from=2020-01-01&to=2026-01-01', /longer than 5 years/],
    ['/register/report?from=2026-02-30&to=2026-03-01', /February 2026 has 28 days/],
    ['/register?from=2026-13-45', /Raised from \(from\): 2026-13-45 has no month 13/],
    ['/register?page=1e400', /page: must be a whole number/],
    ['/register?org=%00', /org: contains characters that are not allowed/],
    ['/register?org=nowhere', /org: is not an organisation in the directory/],
    ['/register?stage=9', /stage: must be 1, 2, 3 or 4/],
  ])('web %s → 400 naming the field', async (url, message) => {
    const r = await fetch(`${base}${url}`, { headers: localCookie(running.bot) });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(message);
  });

  it('chat: `/s117 report 1000-01-01 9999-12-31` through the real Slack receiver gets a reply naming the problem, and the bot keeps answering', async () => {
    for (const text of ['report 1000-01-01 9999-12-31', 'report 2026-13-01 2027-01-01']) {
      const r = await slackPost(base, commandBody('U0PATLEE01', text, 'CGOV', `${fake.url}/respond/pat`), 'form');
      expect(r.status).toBe(200);
    }
    await until(() => fake.responses.length >= 2, 'both replies');
    expect(fake.responses.map((r) => String(r.body.text))).toEqual([
      expect.stringMatching(/from: 1000-01-01 is out of range/), expect.stringMatching(/from: 2026-13-01 has no month 13/),
    ]);
    expect(fake.of('files.completeUploadExternal')).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('CLI: `s117 report` and `register export` refuse the same ranges with usage errors naming the option', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dates-'));
    try {
      const run = async (...argv: string[]) => {
        let err = '';
        const code = await runCli(argv, { stdout: () => undefined, stderr: (s) => { err += s; }, env: { DATA_DIR: path.join(dir, 'db'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' } });
        return { code, err };
      };
      expect(await run('report', '--from', '1000-01-01', '--to', '9999-12-31', '--out', path.join(dir, 'r.csv'))).toEqual({ code: 2, err: expect.stringMatching(/^--from: 1000-01-01 is out of range/) });
      expect(await run('report', '--from', '2026-13-01', '--to', '2027-01-01', '--out', path.join(dir, 'r.csv'))).toEqual({ code: 2, err: expect.stringMatching(/^--from: 2026-13-01 has no month 13/) });
      expect(await run('register', 'export', '--from', '2026-02-30')).toEqual({ code: 2, err: expect.stringMatching(/^--from: 2026-02-30 is not a real date/) });
      expect(await run('calendar', 'check', '2026-02-30')).toEqual({ code: 2, err: expect.stringMatching(/^DATE: 2026-02-30 is not a real date/) });
      expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
