import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { buildRegister } from '../fixtures/register.ts';
import { freePort, OIDC_ENV, startOidcProvider } from '../helpers/oidc.ts';
import { Browser } from '../helpers/browser.ts';

describe('the register behind OpenID Connect sign-in', () => {
  let provider: { issuer: string; close: () => void };
  let bot: Bot;
  let base: string;
  let clock: FakeClock;

  beforeAll(async () => {
    const botPort = await freePort();
    base = `http://127.0.0.1:${botPort}`;
    provider = await startOidcProvider(base);
    const issuer = provider.issuer;
    clock = new FakeClock('2026-10-05T10:00:00Z');
    const env = loadEnv({
      PORT: String(botPort), HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', PUBLIC_URL: base,
      OIDC_ISSUER: issuer, ...OIDC_ENV,
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    await buildRegister(bot, clock);
  });
  afterAll(async () => {
    await bot.stop();
    provider.close();
  });

  const refs = (t: string) => [...t.matchAll(/<a href="\/register\/dispute\/(S117-[\d-]+)">/g)].map((m) => m[1]).sort();

  it('sends a stranger to sign in, and after sign-in shows nothing to someone not in the directory', async () => {
    const b = new Browser();
    const first = await fetch(`${base}/register`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toMatch(/^\/register\/login/);
    const page = await b.signIn(base, 'mallory@example.com');
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/you are not in the Section 117 directory/);
  });

  it('shows a governance lead every dispute', async () => {
    const page = await new Browser().signIn(base, 'pat.lee@anytown.nhs.uk');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Signed in as Pat Lee/);
    expect(refs(page.text)).toEqual(['S117-2026-0001', 'S117-2026-0002', 'S117-2027-0001']);
  });

  it('shows a participant only the disputes they take part in, and lets them tag a theme with a valid CSRF token', async () => {
    const b = new Browser();
    const page = await b.signIn(base, 'lou.gray@anytown.nhs.uk');
    expect(refs(page.text)).toEqual(['S117-2027-0001']);
    expect((await b.go(`${base}/register/dispute/S117-2026-0001`)).status).toBe(404);
    const mine = await b.go(`${base}/register/dispute/S117-2027-0001`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(mine.text)![1]!;
    const saved = await b.go(`${base}/register/dispute/S117-2027-0001/themes`, { method: 'POST', form: { csrf, theme: 'Ordinary residence', area: 'POLICY_REVISION' } });
    expect(saved.text).toMatch(/<span class="tag">ordinary residence<\/span>/);
    const forged = await b.go(`${base}/register/dispute/S117-2027-0001/themes`, { method: 'POST', form: { csrf: 'forged', theme: 'x' } });
    expect(forged.status).toBe(403);
  });

  it('keeps the session in an HttpOnly, SameSite cookie and ends it on sign-out', async () => {
    const b = new Browser();
    await b.signIn(base, 'pat.lee@anytown.nhs.uk');
    const r = await fetch(`${base}/register/login`, { redirect: 'manual' });
    expect(r.headers.getSetCookie().join()).toMatch(/s117_register=.*HttpOnly.*SameSite=Lax/i);
    expect((await b.go(`${base}/register`, { follow: false })).status).toBe(200);
    expect((await b.signOut(base)).text).toMatch(/You have signed out/);
    const after = await b.go(`${base}/register`, { follow: false });
    expect(after.status).toBe(302);
    expect(after.location).toMatch(/^\/register\/login/);
  });

  it('refuses a session cookie captured before sign-out (the session is ended on the server)', async () => {
    const b = new Browser();
    await b.signIn(base, 'pat.lee@anytown.nhs.uk');
    const thief = new Browser();
    for (const [k, v] of b.jar) thief.jar.set(k, v);
    expect((await thief.go(`${base}/register`, { follow: false })).status).toBe(200);
    await b.signOut(base);
    const replay = await thief.go(`${base}/register`, { follow: false });
    expect(replay.status).toBe(302);
    expect(replay.location).toMatch(/^\/register\/login/);
    expect(await bot.app.db.prisma.webSession.count({ where: { personId: 'pat-lee', endedAt: { not: null } } })).toBeGreaterThan(0);
  });

  it('ends a session left idle longer than SESSION_IDLE_MINUTES (30 by default), and keeps one in use alive', async () => {
    const b = new Browser();
    await b.signIn(base, 'pat.lee@anytown.nhs.uk');
    clock.advanceMs(25 * 60_000);
    expect((await b.go(`${base}/register`, { follow: false })).status).toBe(200);
    clock.advanceMs(25 * 60_000);
    expect((await b.go(`${base}/register`, { follow: false })).status).toBe(200);
    clock.advanceMs(31 * 60_000);
    const idle = await b.go(`${base}/register`, { follow: false });
    expect(idle.status).toBe(302);
    expect(idle.location).toMatch(/^\/register\/login/);
  });

  it('refuses a Host header that is not PUBLIC_URL\'s (421) even with sign-in', async () => {
    const { rawRequest } = await import('../helpers/raw-http.ts');
    const r = await rawRequest(`${base}/register`, { headers: { host: 'evil.example' } });
    expect(r.status).toBe(421);
  });

  it('refuses sign-out without its CSRF token (a page elsewhere cannot sign people out), and keeps the session', async () => {
    const b = new Browser();
    await b.signIn(base, 'pat.lee@anytown.nhs.uk');
    for (const form of [undefined, { csrf: 'forged' }]) {
      const r = await b.go(`${base}/register/logout`, { method: 'POST', ...(form ? { form } : {}) });
      expect(r.status).toBe(403);
      expect(r.text).toMatch(/This sign-out form had expired, so you are still signed in/);
    }
    expect((await b.go(`${base}/register`, { follow: false })).status).toBe(200);
  });

  it('gives no access to a provider asserting a directory address with email_verified: false', async () => {
    const page = await new Browser().signIn(base, 'pat.lee@anytown.nhs.uk#unverified');
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/has not verified your e-mail address/);
    expect(page.text).not.toMatch(/S117-20/);
    expect(await bot.app.db.prisma.identityBinding.count({ where: { subject: 'pat.lee@anytown.nhs.uk#unverified' } })).toBe(0);
  });

  it('binds a person to the issuer and subject of their first sign-in, and refuses another account with the same verified address', async () => {
    const first = await new Browser().signIn(base, 'ali.khan@anytown.gov.uk');
    expect(first.status).toBe(200);
    const bound = await bot.app.db.prisma.identityBinding.findMany({ where: { personId: 'ali-khan' } });
    expect(bound.map((b) => ({ issuer: b.issuer, subject: b.subject }))).toEqual([{ issuer: provider.issuer, subject: 'ali.khan@anytown.gov.uk' }]);
    const other = await new Browser().signIn(base, 'ali.khan@anytown.gov.uk#another-account');
    expect(other.status).toBe(403);
    expect(other.text).toMatch(/This is not the account first used to sign in as this person/);
    expect(other.text).not.toMatch(/S117-20/);
    // The bound account still signs in.
    expect((await new Browser().signIn(base, 'ali.khan@anytown.gov.uk')).status).toBe(200);
  });
});
