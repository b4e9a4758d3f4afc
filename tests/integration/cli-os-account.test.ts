import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot } from '../../src/bot.ts';
import { runCli } from '../../src/cli/s117.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, DIRECTORY } from '../helpers/app.ts';

// `--as PERSON` names who someone says they are; the history also keeps
// which login on the server made the claim, sealed in the hash chain.

type Entry = { seq: number; type: string; actorId: string; platform: string; data: Record<string, unknown> };

function cli(env: Record<string, string>, clock: FakeClock) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env, clock });
    return { code, out, err };
  };
}

const history = async (s117: ReturnType<typeof cli>, ref: string): Promise<Entry[]> => {
  const r = await s117('dispute', 'show', ref, '--json');
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { history: Entry[] }).history;
};

describe('command-line actions record the operating-system account', () => {
  let dir: string;
  const me = os.userInfo().username;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-osacct-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it.each(DATABASES)('beside --as, in every entry the command wrote, and the chain still verifies (%s)', async (_name, database) => {
    const { databaseUrl, cleanup } = await database();
    try {
      await osAccountRecorded(databaseUrl);
    } finally {
      await cleanup();
    }
  }, 120_000);

  async function osAccountRecorded(databaseUrl: string | undefined) {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const env = { DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
    const s117 = cli(env, clock);
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);
    expect((await s117('dispute', 'act', 'S117-2026-0001', '--as', 'ali-khan', '--json', '{"type":"ADD_THEME","theme":"funding split","areas":["COMMISSIONING"]}')).code).toBe(0);
    const entries = await history(s117, 'S117-2026-0001');
    const cliEntries = entries.filter((h) => h.platform === 'cli');
    expect(cliEntries.length).toBeGreaterThanOrEqual(2);
    for (const h of cliEntries) expect(h).toMatchObject({ actorId: 'ali-khan', data: expect.objectContaining({ osAccount: me }) });
    expect((await s117('dispute', 'show', 'S117-2026-0001')).out).toContain(`(cli, OS account ${me})`);
    expect(await s117('register', 'verify')).toMatchObject({ code: 0 });
  }

  it('through the running bot: the account of whoever ran s117, not the bot\'s', async () => {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const env = { DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
    const bot = await startBot({ env: loadEnv({ ...env, PORT: '0', HOST: '127.0.0.1' }), logger: createLogger('silent'), clock, scheduler: false });
    try {
      // Under sudo the caller's own login is named too; the bot's environment has no SUDO_USER.
      const s117 = cli({ ...env, SUDO_USER: 'a-caller' }, clock);
      const r = await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
      expect(r).toMatchObject({ code: 0, err: expect.stringMatching(/runs through it/) });
      const raised = (await history(s117, 'S117-2026-0001')).filter((h) => h.platform === 'cli');
      expect(raised.length).toBeGreaterThan(0);
      for (const h of raised) expect(h.data.osAccount).toBe(`${me} (sudo from a-caller)`);
    } finally {
      await bot.stop();
    }
  }, 300_000);
});
