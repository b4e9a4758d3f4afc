import fs from 'node:fs';
import { parse } from 'yaml';
import { envSchema } from '../../src/config/env.ts';

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
    const unit = fs.readFileSync('deploy/s117.service', 'utf8');
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^UMask=0077$/m);
  });
});
