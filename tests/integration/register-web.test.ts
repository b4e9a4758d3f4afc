import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { boardReport } from '../../src/reports/board-report.ts';
import { FakeClock } from '../fakes/clock.ts';
import { buildRegister } from '../fixtures/register.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { localCookie } from '../helpers/local-register.ts';

describe('the register in the browser (local mode)', () => {
  let bot: Bot;
  let clock: FakeClock;
  let base: string;
  beforeAll(async () => {
    clock = new FakeClock('2026-10-05T10:00:00Z');
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off' });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
    await buildRegister(bot, clock);
  });
  afterAll(async () => { await bot.stop(); });

  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, { redirect: 'manual', headers: localCookie(bot) });
    return { status: r.status, headers: r.headers, text: await r.text() };
  };

  it('[R9.1] lists every dispute with its stage, deadline, status, flags and themes, under a strict CSP and a local-mode banner', async () => {
    const r = await get('/register');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(r.text).toMatch(/Local mode:<\/strong> sign-in is not configured/);
    expect(r.text).toMatch(/<strong>3<\/strong> disputes/);
    expect(r.text.indexOf('S117-2027-0001')).toBeLessThan(r.text.indexOf('S117-2026-0001'));
    expect(r.text).toMatch(/Open, overdue/);
    expect(r.text).toMatch(/<span class="tag">assessment quality<\/span>/);
    expect(r.text).toMatch(/Cites a ground that is not lawful/);
    expect(r.text).not.toMatch(/<script/);
    expect(r.text).not.toMatch(/9434765919/);
  });

  it('[R10.1] filters by period, organisation, subject, stage, status and flag, and sorts', async () => {
    const refs = (t: string) => [...t.matchAll(/<a href="\/register\/dispute\/(S117-[\d-]+)">/g)].map((m) => m[1]);
    expect(refs((await get('/register?org=anytown-trust')).text)).toEqual(['S117-2027-0001']);
    expect(refs((await get('/register?subject=ELIGIBILITY')).text)).toEqual(['S117-2026-0001']);
    expect(refs((await get('/register?status=RESOLVED&sort=reference&dir=asc')).text)).toEqual(['S117-2026-0001', 'S117-2026-0002']);
    expect(refs((await get('/register?status=OVERDUE')).text)).toEqual(['S117-2027-0001']);
    expect(refs((await get('/register?flag=UNLAWFUL_GROUND')).text)).toEqual(['S117-2026-0002']);
    expect(refs((await get('/register?stage=2')).text)).toEqual(['S117-2026-0002']);
    expect(refs((await get('/register?from=2026-12-01&to=2026-12-31')).text)).toEqual(['S117-2026-0002']);
    const bad = await get('/register?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/Raised from \(from\): &quot;yesterday&quot; is not a date\. Write it like 2026-04-01/);
  });

  it('[R11.1] shows a dispute\'s whole history as a timeline, each stage\'s deadline and whether it was met, and the confirmations', async () => {
    const r = await get('/register/dispute/S117-2026-0002');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/<td data-label="Stage">Stage 1<\/td><td data-label="Started">Monday 21 December 2026, 10am<\/td><td data-label="Deadline">Wednesday 30 December 2026, 5pm<\/td>/);
    expect(r.text).toMatch(/<span class="overdue">Missed<\/span>/);
    expect(r.text).toMatch(/Anytown Council: confirmed by Cal Reid/);
    expect(r.text).toMatch(/<strong>escalated<\/strong>: Escalated from Stage 1 to Stage 2: the deadline passed\n<br><span class="muted">the bot on system/);
    expect((await get('/register/dispute/S117-2099-0001')).status).toBe(404);
  });

  it('[R9.2] reports to the Partnership Board with charts drawn on the server, and as CSV', async () => {
    const r = await get('/register/report?from=2026-10-01&to=2027-02-28');
    expect(r.status).toBe(200);
    expect((r.text.match(/<svg role="img"/g) ?? []).length).toBe(4);
    expect(r.text).toMatch(/<td>Stage 1<\/td><td>3<\/td><td>1 \(33%\)<\/td><td>5<\/td>/);
    const csv = await get('/register/report.csv?from=2026-10-01&to=2027-02-28');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text).toMatch(/^disputes,opened,3$/m);
    expect((await get('/register/report?from=2027-03-01&to=2027-01-01')).text).toMatch(/from: 2027-03-01 is after to 2027-01-01\. Put the earlier date first/);
  });

  it('[R9.2] counts stages met and missed across the bank holidays exactly as the register recorded them', async () => {
    const all = await bot.app.service.all();
    const r = boardReport(all, { from: '2026-10-01', to: '2027-02-28' }, bot.app.calendar, bot.app.directory, clock.now());
    expect(r).toMatchObject({ opened: 3, closed: 2, openAtEnd: 1 });
    // Stage 1: met (A), missed over Christmas (B), missed (C). Stage 2: met (B), missed (C). Stage 3: missed (C).
    expect(r.timescales.find((t) => t.stage === 1)).toMatchObject({ decided: 3, met: 1, percent: 33 });
    expect(r.timescales.find((t) => t.stage === 2)).toMatchObject({ decided: 2, met: 1, percent: 50 });
    expect(r.timescales.find((t) => t.stage === 3)).toMatchObject({ decided: 1, met: 0, percent: 0 });
    // Stage 1 lasted 2 (A), 5 (B: 22, 23, 24, 29, 30 Dec — Christmas and the Boxing Day substitute skipped) and 5 (C) working days.
    expect(r.timescales.find((t) => t.stage === 1)!.medianWorkingDays).toBe(5);
    expect(r.unlawfulGrounds.map((g) => g.ground).sort()).toEqual(['AWAITING_PANEL', 'BUDGET']);
    expect(r.overdue.map((o) => o.reference)).toEqual(['S117-2027-0001']);
    expect(r.themes).toEqual([{ theme: 'assessment quality', count: 1 }]);
  });

  it('has nobody to sign in with in local mode, so sign-in leads back to the register', async () => {
    const r = await get('/register/login');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/register');
  });

  it('refuses a state-changing form without its CSRF token', async () => {
    const r = await fetch(`${base}/register/dispute/S117-2026-0001/themes`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...localCookie(bot) }, body: 'theme=x&csrf=forged' });
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/This form had expired, so nothing was saved/);
  });
});
