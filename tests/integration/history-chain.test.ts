import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, DIRECTORY, testApp, type TestApp } from '../helpers/app.ts';
import type { App } from '../../src/boot.ts';
import { localCookie } from '../helpers/local-register.ts';

// Each dispute's history is a hash chain: an entry changed, removed or moved
// by hand in the database no longer matches its seal, and verify names it.

const RAISED = '2026-12-07T10:00:00Z';
const SWEPT = '2026-12-14T17:05:00Z';
const as = { personId: 'ali-khan', platform: 'slack' as const };

async function verify(app: App) {
  let out = '';
  let err = '';
  const code = await runCli(['register', 'verify'], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app });
  return { code, out, err };
}

/** Raises a dispute and acts on it through the real service, so it has several history entries. */
async function busyDispute(app: App): Promise<{ id: string; reference: string }> {
  const { dispute } = await app.service.raise(as, fundingDispute());
  for (const theme of ['funding split', 'placement', 'housing']) {
    await app.service.act(as, { reference: dispute.reference }, { type: 'ADD_THEME', theme, areas: ['QUALITY_IMPROVEMENT'] });
  }
  return dispute;
}

describe.each(DATABASES)('the tamper-evident history (%s)', (_name, make) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const db = await make();
    cleanup = db.cleanup;
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock(RAISED) });
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  it('[R11.1] an untouched register verifies, including entries the sweep wrote in bulk', async () => {
    const a = await busyDispute(app);
    await busyDispute(app);
    app.clock.set(SWEPT);
    expect(await app.service.sweepDue({ batch: 3 })).toEqual({ processed: 2, failed: 0 });
    const entries = await app.db.prisma.historyEvent.count();
    const r = await verify(app);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(`The history is intact: 2 dispute(s), ${entries} entries checked against their seals.\n`);
    // A later action chains onto the entry the batched sweep wrote.
    await app.service.act(as, { reference: a.reference }, { type: 'ADD_THEME', theme: 'after the sweep', areas: ['QUALITY_IMPROVEMENT'] });
    expect((await verify(app)).code).toBe(0);
  }, 180_000);

  it('[R11.1] names an edited, a deleted and a reordered entry by dispute reference and entry number', async () => {
    const edited = await busyDispute(app);
    const deleted = await busyDispute(app);
    const swapped = await busyDispute(app);
    const untouched = await busyDispute(app);
    await app.db.sql.query(
      `UPDATE "HistoryEvent" SET data = jsonb_set(data, '{theme}', '"nothing to see"') WHERE "disputeId" = $1 AND seq = 3`, [edited.id]);
    await app.db.sql.query('DELETE FROM "HistoryEvent" WHERE "disputeId" = $1 AND seq = 2', [deleted.id]);
    await app.db.sql.query('UPDATE "HistoryEvent" SET seq = -1 WHERE "disputeId" = $1 AND seq = 2', [swapped.id]);
    await app.db.sql.query('UPDATE "HistoryEvent" SET seq = 2 WHERE "disputeId" = $1 AND seq = 3', [swapped.id]);
    await app.db.sql.query('UPDATE "HistoryEvent" SET seq = 3 WHERE "disputeId" = $1 AND seq = -1', [swapped.id]);
    const r = await verify(app);
    expect(r.code).toBe(1);
    expect(r.err).toContain('The history has been changed outside the bot in 3 of 4 dispute(s):\n');
    expect(r.err).toContain(`  ${edited.reference}: entry 3 was changed after it was recorded\n`);
    expect(r.err).toContain(`  ${deleted.reference}: entry 2 was deleted\n`);
    expect(r.err).toContain(`  ${swapped.reference}: entry 2 was recorded as entry 3 (the order was changed)\n`);
    expect(r.err).toContain(`  ${swapped.reference}: entry 3 was recorded as entry 2 (the order was changed)\n`);
    expect(r.err).not.toContain(untouched.reference);
    expect(r.err).toMatch(/report it to your information governance lead/);
  }, 180_000);

  it('[R11.1] catches an entry whose seal was removed, and accepts entries written before the chain began', async () => {
    const later = await busyDispute(app);
    await app.db.sql.query('UPDATE "HistoryEvent" SET hash = NULL WHERE "disputeId" = $1 AND seq = 2', [later.id]);
    expect((await verify(app)).err).toContain(`${later.reference}: entry 2 has no seal (it was added outside the bot)`);

    // A register from before sealing: its old entries carry no hash; new ones chain on from there.
    const old = await busyDispute(app);
    await app.db.sql.query('UPDATE "HistoryEvent" SET hash = NULL, "prevHash" = NULL, facts = NULL WHERE "disputeId" = $1', [old.id]);
    await app.service.act(as, { reference: old.reference }, { type: 'ADD_THEME', theme: 'after the upgrade', areas: ['QUALITY_IMPROVEMENT'] });
    await app.db.sql.query('UPDATE "HistoryEvent" SET hash = NULL, "prevHash" = NULL, facts = NULL WHERE "disputeId" = $1', [later.id]);
    const r = await verify(app);
    expect(r.code).toBe(0);
    expect(r.out).toBe('The history is intact: 2 dispute(s), 1 entry checked against their seals.\n'
      + '10 older entries were written before the chain began and cannot be checked.\n');
  }, 180_000);
});

describe('the dispute page shows whether its history is intact', () => {
  let bot: Bot;
  let base: string;
  beforeAll(async () => {
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off' });
    bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock(RAISED), scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
  }, 120_000);
  afterAll(async () => { await bot.stop(); });

  it('[R11.1] says "History intact (N entries, chained)", and names the entry after it is changed', async () => {
    const d = await busyDispute(bot.app);
    const page = async () => (await fetch(`${base}/register/dispute/${d.reference}`, { headers: localCookie(bot) })).text();
    expect(await page()).toContain('History intact (5 entries, chained).');
    await bot.app.db.sql.query(`UPDATE "HistoryEvent" SET "actorId" = 'someone-else' WHERE "disputeId" = $1 AND seq = 1`, [d.id]);
    const broken = await page();
    expect(broken).not.toContain('History intact');
    expect(broken).toContain('History changed outside the bot:');
    expect(broken).toContain('<li>entry 1 was changed after it was recorded</li>');
  }, 120_000);
});

describe('s117 register verify while the bot runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-chain-'));
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('[R11.1] runs through the bot that owns the register, and exits 1 naming the changed entry', async () => {
    const env = { DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' };
    const s117 = async () => {
      let out = '';
      let err = '';
      const code = await runCli(['register', 'verify'], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env });
      return { code, out, err };
    };
    const botEnv = loadEnv({ ...env, PORT: '0', HOST: '127.0.0.1' });
    const bot = await startBot({ env: botEnv, logger: createLogger('silent'), clock: new FakeClock(RAISED), scheduler: false });
    try {
      const d = await busyDispute(bot.app);
      const ok = await s117();
      expect(ok).toMatchObject({ code: 0, out: 'The history is intact: 1 dispute(s), 5 entries checked against their seals.\n'
        + 'No signed checkpoint yet: run "s117 register checkpoint" to anchor the history outside the database.\n' });
      expect(ok.err).toMatch(/this command runs through it/);
      await bot.app.db.sql.query(`UPDATE "HistoryEvent" SET "at" = "at" - interval '1 day' WHERE "disputeId" = $1 AND seq = 4`, [d.id]);
      const bad = await s117();
      expect(bad.code).toBe(1);
      expect(bad.err).toContain(`  ${d.reference}: entry 4 was changed after it was recorded\n`);
    } finally {
      await bot.stop();
    }
  }, 180_000);
});
