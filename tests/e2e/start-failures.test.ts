import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildDist, runNode } from '../helpers/child.ts';
import { until } from '../helpers/wait.ts';
import { selfSigned, writePem } from '../helpers/x509.ts';

// A newcomer who gets a setting wrong meets one line that names the setting and says what to do, and the process
// exits 78 (EX_CONFIG) at once, so systemd (RestartPreventExitStatus=78) does not restart it every five seconds.
// Never a stack trace, never a start that waits for ever. This runs the compiled bot exactly as `npm start` does.

beforeAll(buildDist, 180_000);

let dir: string;
let busy: net.Server;
let busyPort: number;
let closedPort: number;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-fail-'));
  fs.writeFileSync(path.join(dir, 'a-file'), '');
  // A Teams connection whose certificate file (private key and certificate, made now) the group can read.
  const cert = selfSigned('s117 start-failures');
  writePem(path.join(dir, 'teams.pem'), [cert.key, cert.cert], 0o640);
  fs.writeFileSync(path.join(dir, 'connections.yaml'), 'connections:\n  - { name: anytown-council, appId: 22222222-0000-4000-8000-0000000000b2, '
    + `tenantId: bbbbbbbb-0000-4000-8000-0000000000bb, certificateFile: ${path.join(dir, 'teams.pem')} }\n`);
  busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each case costs a whole process start. Settings that only the schema checks (cron, https, half-set pairs) are
// covered line by line in tests/unit/startup-settings.test.ts; one of them stays here to prove the whole path.
type Case = [what: string, env: () => Record<string, string>, setting: string];
const cases: Case[] = [
  ['a time zone that does not exist', () => ({ TIME_ZONE: 'Europe/Londres' }), 'TIME_ZONE'],
  ['a Teams app id without its secret and tenant', () => ({ MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555' }), 'MICROSOFT_APP_PASSWORD'],
  ['a Teams certificate file other accounts can read', () => ({ TEAMS_CONNECTIONS_FILE: path.join(dir, 'connections.yaml') }), 'TEAMS_CONNECTIONS_FILE'],
  ['a Slack token without its signing secret', () => ({ SLACK_BOT_TOKEN: 'xoxb-1' }), 'SLACK_SIGNING_SECRET'],
  ['a PostgreSQL that is not running', () => ({ DATABASE_URL: `postgresql://s117:pw@127.0.0.1:${closedPort}/s117` }), 'DATABASE_URL'],
  ['a port another program holds', () => ({ PORT: String(busyPort) }), 'PORT'],
  ['an address this machine does not have', () => ({ HOST: '192.0.2.1' }), 'HOST'],
  ['a data folder under /proc (Node\'s own mkdir never returns there)', () => ({ DATA_DIR: '/proc/s117-data' }), 'DATA_DIR'],
  ['a data folder behind a file', () => ({ DATA_DIR: path.join(dir, 'a-file', 'data') }), 'DATA_DIR'],
  // Was "Run: chmod -R go-rwx /dev/null": advice that would break the machine, and no setting named.
  ['a data folder that is a file', () => ({ DATA_DIR: '/dev/null' }), 'DATA_DIR'],
  ['a directory file that was set but does not exist (a typo must not start on the example people)', () => ({ DIRECTORY_FILE: path.join(dir, 'directry.yaml') }), 'DIRECTORY_FILE'],
];

describe('npm start with one bad setting', () => {
  it.each(cases)('%s: exits 78 with one line naming it and no stack trace', async (_what, env, setting) => {
    // The seeds (initdb's, and the migrated one boot takes for memory://) spare the cases that get as far as the
    // database a few seconds of CPU each; no case here is about migrating.
    const seed: Record<string, string> = {};
    for (const k of ['PGLITE_INITDB_SEED', 'PGLITE_MIGRATED_SEED']) if (process.env[k]) seed[k] = process.env[k]!;
    const bot = runNode(['dist/src/main.js'], {
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: 'config/directory.example.yaml', ...seed, ...env(),
    });
    try {
      // Bounded: a start that hangs fails here. Generous, as two shared cores can take a while to load the bot.
      await until(() => bot.exitCode() !== undefined, `the bot to give up on ${setting}`, 150_000);
    } finally {
      bot.child.kill('SIGKILL');
    }
    const lines = bot.err().split('\n').filter((l) => l.trim());
    expect({ code: bot.exitCode(), lines }).toEqual({ code: 78, lines: [expect.stringMatching(new RegExp(`^The bot cannot start: [A-Z_ ]*\\b${setting}\\b.*: .+`))] });
    expect(bot.err()).not.toMatch(/^\s+at /m);
  });
});

describe('npm start', () => {
  it('runs the compiled bot without compiling again when no source changed', () => {
    const scripts = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('node scripts/build-if-changed.mjs && node dist/src/main.js');
    const before = fs.statSync('dist/src/main.js').mtimeMs;
    const r = spawnSync(process.execPath, ['scripts/build-if-changed.mjs'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.statSync('dist/src/main.js').mtimeMs).toBe(before);
  });
});
