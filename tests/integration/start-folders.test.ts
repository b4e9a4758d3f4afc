import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asStartupError } from '../../src/startup.ts';
import { testApp } from '../helpers/app.ts';

// The folders a setting names outside DATA_DIR are checked when the bot starts, in one line naming the setting.
// Left to their first use, AUDIT_DIR under /proc froze the running bot at its first daily checkpoint (Node's
// recursive mkdir never returns there, and it is synchronous), and a key file behind a file named no setting.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-start-folders-'));
  fs.writeFileSync(path.join(dir, 'a-file'), '');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const startLine = async (env: Record<string, string>): Promise<string> => {
  try {
    const app = await testApp({ env });
    await app.close();
  } catch (e) {
    const failure = asStartupError(e, { PORT: 3000, HOST: '127.0.0.1' });
    expect(failure?.exitCode).toBe(78);
    return failure!.message;
  }
  return 'started';
};

describe('folders named by settings, checked at start-up', () => {
  it('AUDIT_DIR under /proc stops the start in one line naming it', async () => {
    expect(await startLine({ AUDIT_DIR: '/proc/s117-audit' })).toMatch(/^AUDIT_DIR: the bot cannot write to \/proc\/s117-audit \(.*\): set AUDIT_DIR to a folder/);
  }, 120_000);

  it('AUDIT_DIR behind a file stops the start in one line naming it', async () => {
    expect(await startLine({ AUDIT_DIR: path.join(dir, 'a-file', 'audit') })).toMatch(/^AUDIT_DIR: .*\(a file is in the way, not a folder\)/);
  }, 120_000);

  it('IDENTIFIER_KEY_FILE whose folder cannot be made stops the start in one line naming it', async () => {
    expect(await startLine({ IDENTIFIER_KEY_FILE: path.join(dir, 'a-file', 'keys', 'identifiers.key') })).toMatch(/^IDENTIFIER_KEY_FILE: /);
  }, 120_000);

  it('IDENTIFIER_KEY_FILE that is not a key file stops the start in one line naming it', async () => {
    fs.writeFileSync(path.join(dir, 'not-a-key'), 'x: [\n', { mode: 0o600 });
    const line = await startLine({ IDENTIFIER_KEY_FILE: path.join(dir, 'not-a-key') });
    expect(line.split('\n')).toEqual([expect.stringMatching(/^IDENTIFIER_KEY_FILE: The identifier key file .* is not valid JSON/)]);
  }, 120_000);
});
