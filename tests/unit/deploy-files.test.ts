import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { envSchema } from '../../src/platforms.ts';

// Container builds cannot run here; what can be checked without one is.
describe('deployment files', () => {
  it('compose.yaml gives the bot only settings the env schema knows', () => {
    const compose = parse(fs.readFileSync('compose.yaml', 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    const names = Object.keys(compose.services.bot!.environment ?? {});
    expect(names.length).toBeGreaterThan(10);
    const known = Object.keys(envSchema.shape);
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
    expect(compose.services.bot!.environment!.DATABASE_URL).toMatch(/^postgresql:\/\/.*@db:5432\//);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['bot', 'db', 'proxy']));
  });

  it('the Dockerfile builds in a builder stage, runs production dependencies only as a non-root user, and checks /healthz', () => {
    const docker = fs.readFileSync('Dockerfile', 'utf8');
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    expect(docker).toMatch(/npm ci --omit=dev/);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/^HEALTHCHECK[\s\S]*\/healthz/m);
    expect(docker).toMatch(/COPY --from=build \/app\/dist/);
    // Every ENV the image sets is a setting the bot knows (NODE_ENV is Node's own).
    const envBlock = /^ENV ([\s\S]*?)\nWORKDIR/m.exec(docker.split('AS runtime')[1]!)![1]!;
    const names = [...envBlock.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!).filter((n) => n !== 'NODE_ENV');
    expect(names.filter((n) => !Object.keys(envSchema.shape).includes(n))).toEqual([]);
  });

  it('the image and the systemd unit make the embedded database\'s folder owner-only (the bot refuses any other)', () => {
    expect(fs.readFileSync('Dockerfile', 'utf8')).toMatch(/chown node:node \/data && chmod 700 \/data/);
    // R11.2: the identifier key's default folder beside it, owner-only too (docs/identifiers.md).
    expect(fs.readFileSync('Dockerfile', 'utf8')).toMatch(/chown node:node \/data-keys && chmod 700 \/data-keys/);
    // AUDIT_DIR's default beside /data: without it the image's first start on PostgreSQL exits 78 (AUDIT_DIR).
    expect(fs.readFileSync('Dockerfile', 'utf8')).toMatch(/chown node:node \/data-audit && chmod 700 \/data-audit/);
    const unit = fs.readFileSync('deploy/s117.service', 'utf8');
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^UMask=0077$/m);
  });
});

/** `Key=value` lines of a systemd unit (a key may repeat: Environment=). */
function unitLines(text: string): [string, string][] {
  return text.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}

describe('deployment files match the documentation', () => {
  it('compose.yaml passes the case-space, privacy and terms settings, with the texts mounted where the bot can read them', () => {
    const compose = parse(fs.readFileSync('compose.yaml', 'utf8')) as { services: Record<string, { environment: Record<string, string>; volumes: string[] }> };
    const bot = compose.services.bot!;
    expect(Object.keys(bot.environment)).toEqual(expect.arrayContaining(['TEAMS_CASE_SPACES', 'PRIVACY_FILE', 'TERMS_FILE', 'TEAMS_TEAM_ID']));
    expect(bot.volumes).toContain('./config:/config:ro');
    // The identifier key and the audit checkpoints are used on PostgreSQL too: a recreated container must keep them.
    expect(bot.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^\w+:\/data-keys$/), expect.stringMatching(/^\w+:\/data-audit$/)]));
    expect(bot.environment.DIRECTORY_FILE).toBe('/config/directory.yaml');
  });

  it('the systemd unit gives the embedded database a folder it may write, owner-only', () => {
    const lines = unitLines(fs.readFileSync('deploy/s117.service', 'utf8'));
    const get = (k: string) => lines.filter(([key]) => key === k).map(([, v]) => v);
    const env = Object.fromEntries(get('Environment').map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]));
    const dataDir = env.DATA_DIR ?? './data';
    const absolute = dataDir.startsWith('/') ? dataDir : `${get('WorkingDirectory')[0]}/${dataDir.replace(/^\.\//, '')}`;
    expect(get('ProtectSystem')).toEqual(['strict']);
    // Under ProtectSystem=strict only the listed paths and the state directory are writable.
    const writable = [...get('ReadWritePaths').flatMap((v) => v.split(/\s+/)), ...get('StateDirectory').map((s) => `/var/lib/${s}`)];
    expect(writable.some((w) => absolute === w || absolute.startsWith(`${w}/`))).toBe(true);
    expect(get('StateDirectoryMode')).toEqual(['0700']);
    // The environment file comes after the defaults, so the administrator's settings win.
    const order = lines.map(([k]) => k);
    expect(order.lastIndexOf('Environment')).toBeLessThan(order.indexOf('EnvironmentFile'));
    expect(get('RestartPreventExitStatus')).toEqual(['78']);
  });

  it('the image runs on a supported Node LTS, while package.json still allows the Node 20 of the development machines', () => {
    const docker = fs.readFileSync('Dockerfile', 'utf8');
    const froms = [...docker.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(froms).toHaveLength(2);
    for (const major of froms) expect([22, 24]).toContain(major);
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(pkg.engines.node).toBe('>=20');
    // The types stay at the oldest Node the code must run on, so an API only newer Nodes have does not compile.
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^20\./);
  });
});

describe('.gitignore', () => {
  it('keeps copies of the register out of the repository: data, restore leftovers and backups', () => {
    const paths = ['data/PG_VERSION', 'data.before-restore-2026-12-07T10-00-00-000Z/PG_VERSION', 'elsewhere/reg.before-restore-2026-01-01T00-00-00-000Z/x',
      's117-2026-12-01.tar.gz', '.env', 'config/directory.yaml'];
    const r = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { input: paths.join('\n'), encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').sort()).toEqual([...paths].sort());
  });
});
