import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot } from '../../src/bot.ts';
import { runCli } from '../../src/cli/s117.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { stage2Decision } from '../fixtures/disputes.ts';

// While the bot holds the embedded database, anonymising and key rotation run
// inside it: one owner of the folder, and the bot's own keys change at once.

type Entry = { type: string; actorId: string; data: Record<string, unknown> };

it('[R11.1] retention and key rotation run through the running bot, recording who ran them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-ret-bot-'));
  const me = os.userInfo().username;
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const env = { DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
  const bot = await startBot({ env: loadEnv({ ...env, PORT: '0', HOST: '127.0.0.1' }), logger: createLogger('silent'), clock, scheduler: false });
  const s117 = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: { ...env, SUDO_USER: 'a-caller' } });
    return { code, out, err };
  };
  try {
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);
    const act = (who: string, cmd: unknown) => s117('dispute', 'act', 'S117-2026-0001', '--as', who, '--json', JSON.stringify(cmd));
    expect((await act('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } })).code).toBe(0);
    expect((await act('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await act('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);

    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);
    clock.set('2046-12-08T10:00:00Z');
    const applied = await s117('retention', 'apply', '--as', 'pat-lee', '--confirm');
    expect(applied).toMatchObject({ code: 0, err: expect.stringMatching(/runs through it/) });
    expect(applied.out).toMatch(/Anonymised 1 dispute\(s\)/);
    const shown = await s117('dispute', 'show', 'S117-2026-0001', '--json');
    const last = (JSON.parse(shown.out) as { history: Entry[] }).history.at(-1)!;
    expect(last).toMatchObject({ type: 'RECORD_ANONYMISED', actorId: 'pat-lee', data: { osAccount: `${me} (sudo from a-caller)` } });

    const rotated = await s117('identifiers', 'rotate', '--confirm');
    expect(rotated).toMatchObject({ code: 0, err: expect.stringMatching(/runs through it/) });
    // The open dispute's number, under the new key, reads as before in the bot that rotated it.
    expect(rotated.out).toMatch(/^Re-encrypted 1 NHS number\(s\) under the new key/);
    expect((await s117('dispute', 'show', 'S117-2026-0002', '--json')).out).toMatch(/"nhsNumber": "\*{7}\d{3}"/);
    expect((await s117('register', 'verify')).code).toBe(0);
  } finally {
    await bot.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
