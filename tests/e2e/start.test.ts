import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMigrations } from '../../src/register/migrate.ts';
import { buildDist, runNode } from '../helpers/child.ts';
import { until } from '../helpers/wait.ts';

// The README's promise: with nothing configured the bot starts on the
// embedded database, serves /healthz and /readyz, and stops cleanly on SIGTERM.
// This runs the compiled bot exactly as `npm start` does.

beforeAll(buildDist, 180_000);

const startBot = (env: Record<string, string>) => runNode(['dist/src/main.js'], env);

describe('npm start', () => {
  it('starts with nothing configured, answers health checks, and shuts down gracefully on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-start-'));
    try {
      // Nothing configured, run from a folder with no config/directory.yaml: the default directory file is missing,
      // so the example people stand in (a DIRECTORY_FILE someone set must exist).
      const bot = runNode([path.resolve('dist/src/main.js')], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data') }, dir);
      const port = await until(() => /http:\/\/localhost:(\d+)/.exec(bot.out())?.[1], 'the banner', 150_000);
      expect(bot.out()).toMatch(new RegExp(`Database: {3}embedded PGlite in .*data — applied ${readMigrations().length} migration`));
      expect(bot.out()).toMatch(/Slack: {6}not connected: set SLACK_BOT_TOKEN/);
      expect(bot.out()).toMatch(/Teams: {6}not connected: set MICROSOFT_APP_ID/);
      expect(bot.out()).toMatch(/example directory/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(bot.out()).toMatch(/stopping: finishing the current sweep/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a bad setting, naming the variable and the fix', async () => {
    const bot = startBot({ CLOSE_OF_BUSINESS: '5pm', DATABASE_URL: 'mysql://localhost/x' });
    expect(await bot.exited).toBe(78);
    expect(bot.err()).toMatch(/CLOSE_OF_BUSINESS: must be a time like 17:00/);
    expect(bot.err()).toMatch(/DATABASE_URL: must start with postgresql:\/\//);
  });
});
