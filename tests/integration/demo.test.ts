import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv } from '../../src/platforms.ts';
import { buildDemo, demoEnv, prepareFolder } from '../../src/demo/build-demo.ts';
import { localCookie } from '../helpers/local-register.ts';

// `npm run demo` builds its register by running the real protocol with a
// simulated clock; this runs the same builder (not the server forever) and
// reads the result through the register's own pages.

describe('the demo partnership', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 's117-demo-test-'));
  let bot: Bot;
  let base: string;
  afterAll(async () => {
    await bot?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('builds a register with disputes at every stage, resolved, overdue, flagged and themed, with letters', async () => {
    const r = await buildDemo(path.join(folder, 'demo'), new Date('2027-03-15T12:00:00Z'));
    // R9.2: the dispute escalated externally after an overdue Stage 3 is at Stage 4, which has no deadline: not overdue.
    expect(r).toMatchObject({ disputes: 11, open: 5, resolved: 6, overdue: 1 });
    expect(fs.readdirSync(path.join(folder, 'demo')).sort()).toEqual(['.s117-demo', 'db', 'directory.yaml']);

    bot = await startBot({ env: loadEnv({ ...demoEnv(path.join(folder, 'demo')), PORT: '0', HOST: '127.0.0.1' }), logger: createLogger('silent'), scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
    const count = async (query: string) => {
      const page = await (await fetch(`${base}/register?${query}`, { headers: localCookie(bot) })).text();
      return Number(/<strong>(\d+)<\/strong> dispute/.exec(page)?.[1]);
    };
    expect(await count('status=OPEN&stage=1')).toBe(2);
    expect(await count('status=OPEN&stage=2')).toBe(1);
    expect(await count('status=OPEN&stage=3')).toBe(1);
    expect(await count('status=OPEN&stage=4')).toBe(1);
    expect(await count('status=RESOLVED&stage=1')).toBe(2);
    expect(await count('status=RESOLVED&stage=2')).toBe(2);
    expect(await count('status=RESOLVED&stage=3')).toBe(2);
    expect(await count('status=OVERDUE')).toBe(1); // the same figure as the summary (R9.2)
    for (const flag of ['UNLAWFUL_GROUND', 'CONTINUITY_ALERT', 'STAGE_OVERDUE', 'PERSON_NOT_INFORMED']) expect(await count(`flag=${flag}`)).toBeGreaterThan(0);

    const all = await bot.app.service.all();
    expect(all.filter((d) => d.themes.length).length).toBeGreaterThanOrEqual(8);
    expect(all.flatMap((d) => d.letters).filter((l) => l.sentAt).length).toBeGreaterThanOrEqual(5);
    expect(all.some((d) => d.externalRoutes.length)).toBe(true);
    expect(all.some((d) => d.decisions.some((x) => x.status === 'PROPOSED'))).toBe(true);

    const report = await fetch(`${base}/register/report?from=2026-11-01&to=2027-03-31`, { headers: localCookie(bot) });
    expect(report.status).toBe(200);
    expect(await report.text()).toMatch(/Opened<\/span><strong>11</);
  }, 600_000);

  it('leads from / to the register, and serves the privacy notice and terms linked from every page', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/register');
    const register = await (await fetch(`${base}/register`, { headers: localCookie(bot) })).text();
    expect(register).toMatch(/href="\/privacy"/);
    expect(register).toMatch(/href="\/terms"/);
    expect(await (await fetch(`${base}/privacy`)).text()).toMatch(/NHS number.*never shown/);
    expect((await fetch(`${base}/terms`)).status).toBe(200);
  });

  it('never wipes a folder it did not make', () => {
    const mine = path.join(folder, 'not-the-demo');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'precious.txt'), 'keep me');
    expect(() => prepareFolder(mine)).toThrow(/was not made by the demo/);
    expect(fs.readFileSync(path.join(mine, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
