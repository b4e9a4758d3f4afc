import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/env.ts';
import { loadEnv } from '../../src/platforms.ts';
import { StartupError } from '../../src/config/startup-error.ts';
import { makeDataDir, makeFolder } from '../../src/register/startup-checks.ts';
import { checkDataDir } from '../../src/register/owner-only.ts';
import { DataDirLocked } from '../../src/register/data-dir-lock.ts';
import { asStartupError, cannotStartText } from '../../src/startup.ts';

// The fast half of "every start-up failure is one line naming the setting" (tests/e2e/start-failures.test.ts runs
// the compiled bot): each bad setting is found before anything starts, and its message names it first.
const refusal = (env: Record<string, string>): string[] => {
  try {
    loadEnv(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as StartupError).exitCode).toBe(78);
    return (e as Error).message.split('\n');
  }
  return [];
};

const SLACK_ID = '1111111111.2222222222';
const SLACK_SECRET = '0123456789abcdef0123456789abcdef';

describe('settings checked at start-up', () => {
  it.each([
    [{ TIME_ZONE: 'Europe/Londres' }, /^TIME_ZONE: must be a time zone name like Europe\/London$/],
    [{ REGISTER_THEMES: ' , ,,' }, /^REGISTER_THEMES: must list at least one theme, separated by commas/],
    [{ SWEEP_CRON: '*/5 * *' }, /^SWEEP_CRON: must be a cron expression/],
    [{ PUBLIC_URL: 'http://s117.example.nhs.uk' }, /^PUBLIC_URL: must start with https:\/\/ \(http:\/\/ only for localhost\)/],
    [{ SLACK_API_URL: 'http://slack.example.org/api/' }, /^SLACK_API_URL: must start with https:\/\//],
    [{ GRAPH_API_URL: 'http://graph.example.org/v1.0' }, /^GRAPH_API_URL: must start with https:\/\//],
    [{ MICROSOFT_APP_ID: 'x', MICROSOFT_APP_TENANT_ID: 't' }, /^MICROSOFT_APP_PASSWORD \(.*\): is needed with MICROSOFT_APP_ID/],
    [{ MICROSOFT_APP_ID: 'x', MICROSOFT_APP_PASSWORD: 'p' }, /^MICROSOFT_APP_TENANT_ID \(.*\): is needed with MICROSOFT_APP_ID/],
    [{ MICROSOFT_APP_TYPE: 'MultiTenant' }, /^MICROSOFT_APP_ID: is needed with MICROSOFT_APP_TYPE/],
    [{ MICROSOFT_APP_TENANT_ID: 'bbbbbbbb-0000-4000-8000-0000000000bb' }, /^MICROSOFT_APP_ID: is needed with MICROSOFT_APP_TENANT_ID .*or leave both unset to run without Teams$/],
    [{ TRUSTED_PROXY: 'caddy' }, /^TRUSTED_PROXY: must be the reverse proxy's IP address, like 127\.0\.0\.1 \(not a host name\)$/],
    [{ WORKING_HOURS_START: '18:00' }, /^WORKING_HOURS_START: 18:00 must be before WORKING_HOURS_END \(17:00\), or no reminder would ever go out/],
    [{ WORKING_HOURS_START: '09:00', WORKING_HOURS_END: '09:00' }, /^WORKING_HOURS_START: 09:00 must be before WORKING_HOURS_END \(09:00\)/],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, /^SLACK_BOT_TOKEN: is needed with SLACK_APP_TOKEN/],
    [{ SLACK_CLIENT_ID: 'abc', SLACK_CLIENT_SECRET: SLACK_SECRET }, /^SLACK_CLIENT_ID: must be the Slack app's Client ID \(digits\.digits/],
    [{ SLACK_CLIENT_ID: SLACK_ID, SLACK_CLIENT_SECRET: 'xyz' }, /^SLACK_CLIENT_SECRET: must be the Slack app's Client Secret/],
    [{ SLACK_CLIENT_ID: SLACK_ID }, /^SLACK_CLIENT_SECRET: is needed with SLACK_CLIENT_ID for Slack's install flow/],
    [{ SLACK_CLIENT_SECRET: SLACK_SECRET }, /^SLACK_CLIENT_ID: is needed with SLACK_CLIENT_SECRET/],
    [{ SLACK_CLIENT_ID: SLACK_ID, SLACK_CLIENT_SECRET: SLACK_SECRET, SLACK_SIGNING_SECRET: 's' }, /^PUBLIC_URL: is needed with SLACK_CLIENT_ID/],
    [{ SLACK_CLIENT_ID: SLACK_ID, SLACK_CLIENT_SECRET: SLACK_SECRET, PUBLIC_URL: 'https://s117.example.nhs.uk' }, /^SLACK_SIGNING_SECRET: is needed with SLACK_CLIENT_ID/],
    [{ SLACK_CLIENT_ID: SLACK_ID, SLACK_CLIENT_SECRET: SLACK_SECRET, PUBLIC_URL: 'https://s117.example.nhs.uk', SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' },
      /^SLACK_BOT_TOKEN: with SLACK_CLIENT_ID each workspace installs through/],
  ])('%j is refused in one line naming the setting', (env, line) => {
    expect(refusal(env as Record<string, string>)).toEqual([expect.stringMatching(line)]);
  });

  it('a tenant with a case channel and no app id is an Emulator trial, and starts', () => {
    expect(refusal({ MICROSOFT_APP_TENANT_ID: 'tenant-1', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' })).toEqual([]);
  });

  // zod's own wording ("Invalid input: expected number, received NaN") names neither what is wanted nor an example.
  it.each([
    [{ PORT: 'abc' }, /^PORT: must be a port number from 0 to 65535, like 3000$/],
    [{ PORT: '70000' }, /^PORT: must be a port number from 0 to 65535, like 3000$/],
    [{ HTTP_MAX_CONNECTIONS: 'lots' }, /^HTTP_MAX_CONNECTIONS: must be a whole number/],
    [{ OUTBOX_RETRY_HORIZON_HOURS: 'abc' }, /^OUTBOX_RETRY_HORIZON_HOURS: must be a number .*like 72/],
    [{ OUTBOX_ALERT_AFTER_HOURS: 'soon' }, /^OUTBOX_ALERT_AFTER_HOURS: must be a number .*like 4/],
    [{ RATE_LIMIT_SCALE: 'x' }, /^RATE_LIMIT_SCALE: must be a number/],
    [{ SCHEDULER: 'maybe' }, /^SCHEDULER: must be on .* or off/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace or silent$/],
    [{ MICROSOFT_APP_ID: 'x', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TYPE: 'Weird' }, /^MICROSOFT_APP_TYPE: must be SingleTenant .*MultiTenant or UserAssignedMSI/],
    [{ SMTP_URL: 'smtp://relay.example:notaport', MAIL_FROM: 'a@b.example' }, /^SMTP_URL: must be the mail relay as smtp:\/\/user:password@relay\.example:587/],
    [{ PRIVACY_FILE: os.tmpdir() }, /^PRIVACY_FILE: .*a text file/],
    [{ TERMS_FILE: os.tmpdir() }, /^TERMS_FILE: .*a text file/],
    [{ SLACK_BOT_TOKEN: 'xapp-1-pasted-in-the-wrong-place', SLACK_SIGNING_SECRET: 's' }, /^SLACK_BOT_TOKEN: must be the app's bot token \(xoxb-/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, /^SLACK_APP_TOKEN: must be the app-level token \(xapp-/],
    [{ HOST: '999.1.1.1' }, /^HOST: must be an address of this machine like 127\.0\.0\.1/],
  ])('%j is refused with what to write instead, not zod\'s own words', (env, line) => {
    const lines = refusal(env as Record<string, string>);
    expect(lines).toEqual([expect.stringMatching(line)]);
    expect(lines[0]).not.toMatch(/Invalid (input|option)|expected|received/);
  });

  it('accepts what the tests and a local sign-in provider use: http on this computer, a MultiTenant bot without a tenant', () => {
    expect(refusal({ PUBLIC_URL: 'http://127.0.0.1:3000', TEAMS_SERVICE_URL: 'http://localhost:4000/', OIDC_ISSUER: 'http://[::1]:5000',
      OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', SESSION_SECRET: 'x'.repeat(32) })).toEqual([]);
    expect(refusal({ MICROSOFT_APP_ID: 'x', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TYPE: 'MultiTenant', TIME_ZONE: 'America/New_York', SWEEP_CRON: '*/5 * * * *' })).toEqual([]);
  });
});

describe('the data folder', () => {
  it('refuses a folder under /proc at once (Node\'s recursive mkdir never returns there)', () => {
    expect(() => makeDataDir('/proc/s117-unit/data')).toThrow(/^DATA_DIR: the bot cannot write to \/proc\/s117-unit\/data \(it cannot be made there\): set DATA_DIR to/);
  });

  it('makes a missing folder owner-only, level by level, and refuses one behind a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-datadir-'));
    try {
      makeDataDir(path.join(dir, 'a', 'b'));
      expect(fs.statSync(path.join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(path.join(dir, 'a', 'b'))).toEqual([]);
      fs.writeFileSync(path.join(dir, 'file'), '');
      expect(() => makeDataDir(path.join(dir, 'file', 'data'))).toThrow(/^DATA_DIR: .*\(a file is in the way, not a folder\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DATA_DIR that already exists', () => {
  it('refuses a file (/dev/null, /etc/passwd) as not a folder, and never advises changing its permissions', () => {
    let thrown: unknown;
    try { checkDataDir('/dev/null'); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(StartupError);
    expect((thrown as StartupError).exitCode).toBe(78);
    expect((thrown as Error).message).toMatch(/^DATA_DIR: \/dev\/null is a file, not a folder: set DATA_DIR to a folder for the embedded database, like \.\/data/);
    expect((thrown as Error).message).not.toMatch(/chmod/);
  });

  it('names DATA_DIR first when others can read the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-datadir-open-'));
    try {
      fs.chmodSync(dir, 0o755);
      expect(() => checkDataDir(dir)).toThrow(/^DATA_DIR: .* can be read or changed by other accounts .*Run: chmod -R go-rwx /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a folder the bot cannot write names the account in brackets, and a key file\'s setting asks for a file', () => {
    expect(() => makeFolder('/proc/s117-unit/keys', 'IDENTIFIER_KEY_FILE', 'like /var/lib/s117-keys/identifiers.key', 'a file in a folder'))
      .toThrow(/^IDENTIFIER_KEY_FILE: the bot cannot write to \/proc\/s117-unit\/keys \(.*\): set IDENTIFIER_KEY_FILE to a file in a folder that the bot's account \(.+\) may write, like /);
  });
});

describe('the entry point\'s one line', () => {
  const where = { PORT: 3000, HOST: '127.0.0.1' };
  it('names the port or host when the server cannot listen, and leaves faults of ours alone', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen' });
    expect(asStartupError(inUse, where)?.message).toMatch(/^PORT: 3000 on 127\.0\.0\.1 is already in use .*: stop that program or set PORT to a free port$/);
    const noAddress = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL', syscall: 'listen' });
    expect(asStartupError(noAddress, where)?.message).toMatch(/^HOST: 127\.0\.0\.1 is not an address of this machine/);
    expect(asStartupError(new TypeError('x is undefined'), where)).toBeNull();
  });

  it('names HOST when its name cannot be looked up (getaddrinfo, before any listen)', () => {
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nowhere.invalid' });
    expect(asStartupError(unknown, { PORT: 3000, HOST: 'nowhere.invalid' })?.message).toMatch(/^HOST: nowhere\.invalid is not an address of this machine/);
  });

  it('asks to try again later (75) when another process has the data folder', () => {
    expect(asStartupError(new DataDirLocked('/d', null, '/d/s117-owner.lock'), where)?.exitCode).toBe(75);
    // A second bot on the same folder: told to stop the first or take its own DATA_DIR, not to "run this command" elsewhere.
    const holder = { pid: 4242, host: os.hostname(), procStart: null, purpose: 'bot', startedAt: '2026-12-08T03:00:00.000Z', admin: null };
    const twin = asStartupError(new DataDirLocked('/d', holder, '/d/s117-owner.lock'), where);
    expect({ code: twin?.exitCode, message: twin?.message }).toEqual({ code: 75, message: 'DATA_DIR: the embedded database in /d is in use by the running bot '
      + '(process 4242, since 2026-12-08T03:00:00.000Z); two bots cannot share one folder. Stop that bot, or give this one a DATA_DIR (and PORT) '
      + 'of its own. If you are sure no such process is running, delete /d/s117-owner.lock.' });
  });

  it('prefixes each setting\'s line, and keeps indented detail as it is', () => {
    expect(cannotStartText(new StartupError('A: one\nB: two\n  detail'))).toBe('The bot cannot start: A: one\nThe bot cannot start: B: two\n  detail\n');
  });
});
