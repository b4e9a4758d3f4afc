import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger.ts';
import { banner } from '../../../src/banner.ts';
import { loadEnv } from '../../../src/platforms.ts';
import { startBot, type Bot } from '../../../src/bot.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { DIRECTORY } from '../../helpers/app.ts';
import { rawRequest } from '../../helpers/raw-http.ts';
import { emulatorUrl, localCookie } from '../../helpers/local-register.ts';

const activity = JSON.stringify({ type: 'message', id: 'a1', text: 'help', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'u1' }, conversation: { id: 'c1' }, recipient: { id: 'bot' } });

async function start(extra: Record<string, string>): Promise<{ bot: Bot; base: string; logs: () => string }> {
  let logs = '';
  const sink = new Writable({ write(c, _e, cb) { logs += String(c); cb(); } });
  const env = loadEnv({ PORT: '0', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', ...extra });
  const bot = await startBot({ env, logger: createLogger('warn', sink), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
  return { bot, base: `http://127.0.0.1:${bot.address.port}`, logs: () => logs };
}

describe('serving without sign-in reaches this computer only', () => {
  it('binds 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadEnv({}).HOST).toBe('127.0.0.1');
  });

  it('a platform that is not configured has no endpoint: /api/messages and /slack/events are 404 even from 127.0.0.1', async () => {
    const s = await start({ HOST: '127.0.0.1' });
    try {
      // What a same-host proxy (socat, ssh -L, a plain proxy_pass) delivers: loopback, no forwarding header.
      const t = await rawRequest(`${s.base}/api/messages`, { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: activity });
      expect(t.status).toBe(404);
      const withToken = await rawRequest(emulatorUrl(s.base, s.bot), { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: activity });
      expect(withToken.status).toBe(404);
      const slack = await rawRequest(`${s.base}/slack/events`, { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: '{"type":"url_verification","challenge":"x"}' });
      expect(slack.status).toBe(404);
      expect(banner(s.bot.app, s.bot.address.port, s.bot.platforms, s.bot.localToken)).toMatch(/Teams: +not connected: .*\(\/api\/messages is not served\)/);
    } finally {
      await s.bot.stop();
    }
  }, 180_000);

  it('the Teams Emulator endpoint (no app id) needs the start-up token in its address, even from 127.0.0.1', async () => {
    const s = await start({ HOST: '127.0.0.1', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' });
    try {
      const post = (url: string) => rawRequest(url, { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: '{}' });
      const bare = await post(`${s.base}/api/messages`);
      expect(bare.status).toBe(401);
      expect(bare.text).toMatch(/needs the address printed when the bot started/);
      expect((await post(`${s.base}/api/messages?token=guessed`)).status).toBe(401);
      // With the token the request reaches the activity checks ('{}' is not an activity).
      expect((await post(emulatorUrl(s.base, s.bot))).status).toBe(400);
      expect(banner(s.bot.app, s.bot.address.port, s.bot.platforms, s.bot.localToken)).toContain(`/api/messages?token=${s.bot.localToken}`);
    } finally {
      await s.bot.stop();
    }
  }, 180_000);

  describe('loopback bind, local mode', () => {
    let s: Awaited<ReturnType<typeof start>>;
    let key: Record<string, string>;
    beforeAll(async () => {
      s = await start({ HOST: '127.0.0.1', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' });
      key = localCookie(s.bot);
    }, 180_000);
    afterAll(async () => { await s.bot.stop(); });

    it('serves the register to this computer by its loopback names, with the start-up link\'s cookie', async () => {
      for (const host of ['localhost', `localhost:${s.bot.address.port}`, `127.0.0.1:${s.bot.address.port}`, `[::1]:${s.bot.address.port}`]) {
        expect((await rawRequest(`${s.base}/register`, { headers: { host, ...key } })).status).toBe(200);
      }
    });

    it('refuses the register without the start-up token, even from 127.0.0.1 with no proxy header (401, saying where the link is)', async () => {
      for (const url of ['/register', '/register/report', '/register/report.csv', '/register/dispute/S117-2026-0001']) {
        const r = await rawRequest(`${s.base}${url}`, { headers: { host: 'localhost' } });
        expect(r.status).toBe(401);
        expect(r.text).toMatch(/Open the register with the link the bot printed when it started/);
        expect(r.text).not.toMatch(/S117-20/);
      }
      const wrong = await rawRequest(`${s.base}/register?token=guessed`, { headers: { host: 'localhost' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const stale = await rawRequest(`${s.base}/register`, { headers: { host: 'localhost', cookie: 's117_local=from-an-earlier-start' } });
      expect(stale.status).toBe(401);
    });

    it('the start-up link sets an HttpOnly, SameSite=Strict cookie and goes on to the same page without the token', async () => {
      const link = /Open (http:\/\/localhost:\d+\/register\?token=\S+)/.exec(banner(s.bot.app, s.bot.address.port, s.bot.platforms, s.bot.localToken))![1]!;
      const u = new URL(link);
      const r = await rawRequest(`${s.base}${u.pathname}?status=OPEN&${u.search.slice(1)}`, { headers: { host: 'localhost' } });
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/register?status=OPEN');
      const cookie = r.headers['set-cookie']![0]!;
      expect(cookie).toMatch(/^s117_local=[^;]+; Path=\/register; HttpOnly; SameSite=Strict$/);
      const page = await rawRequest(`${s.base}/register?status=OPEN`, { headers: { host: 'localhost', cookie: cookie.split(';')[0]! } });
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(s.bot.localToken);
    });

    it('DNS rebinding: a Host header that is not this machine gets 421 and no disputes', async () => {
      for (const url of ['/register', '/register/report', '/register/report.csv']) {
        const r = await rawRequest(`${s.base}${url}`, { headers: { host: 'evil.example' } });
        expect(r.status).toBe(421);
        expect(r.text).toMatch(/does not answer for the host name (&quot;|")evil\.example/);
        expect(r.text).not.toMatch(/S117-/);
      }
      const teams = await rawRequest(emulatorUrl(s.base, s.bot), { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' }, body: activity });
      expect(teams.status).toBe(421);
    });

    it('a reverse proxy on the same machine: forwarded requests are refused (403) though the socket is loopback', async () => {
      const proxied: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-host': 's117.example' }];
      for (const h of proxied) {
        const r = await rawRequest(`${s.base}/register`, { headers: { host: 'localhost', ...key, ...h } });
        expect(r.status).toBe(403);
        expect(r.text).toMatch(/came through a proxy/);
        const t = await rawRequest(emulatorUrl(s.base, s.bot), { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json', ...h }, body: activity });
        expect(t.status).toBe(403);
      }
    });
  });

  it.each([
    [{ HOST: '0.0.0.0' }, /HOST is 0\.0\.0\.0, so other computers can connect/],
    [{ HOST: '127.0.0.1', TRUSTED_PROXY: '127.0.0.1' }, /TRUSTED_PROXY is set/],
  ])('%j: the register and the Emulator endpoint are switched off, and the start-up says why', async (extra, reason) => {
    const s = await start({ ...extra, TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' });
    try {
      const r = await rawRequest(`${s.base}/register`, { headers: { host: 'localhost', ...localCookie(s.bot) } });
      expect(r.status).toBe(403);
      expect(r.text).toMatch(reason);
      expect(r.text).toMatch(/Set up sign-in \(OIDC_ISSUER\)/);
      const t = await rawRequest(emulatorUrl(s.base, s.bot), { method: 'POST', headers: { host: 'localhost', 'content-type': 'application/json' }, body: activity });
      expect(t.status).toBe(403);
      expect(s.logs()).toMatch(/the register is switched off/);
      expect(s.logs()).toMatch(/The Teams endpoint without MICROSOFT_APP_ID is switched off/);
      expect(banner(s.bot.app, s.bot.address.port, s.bot.platforms)).toMatch(new RegExp(`Register: .*SWITCHED OFF: no sign-in is configured \\(OIDC_ISSUER\\) and ${reason.source}`));
      expect((await rawRequest(`${s.base}/healthz`)).status).toBe(200);
    } finally {
      await s.bot.stop();
    }
  });

  it('/readyz says only ready or not ready, even to 127.0.0.1; details only with the admin token; HSTS behind https', async () => {
    const token = 'a-long-admin-token-of-thirty-chars';
    const s = await start({ HOST: '127.0.0.1', ADMIN_TOKEN: token, PUBLIC_URL: 'https://s117.example.nhs.uk' });
    try {
      const local = await rawRequest(`${s.base}/readyz`, { headers: { host: 'localhost' } });
      expect(JSON.parse(local.text)).toEqual({ status: 'ready' });
      expect(local.text).not.toMatch(/PGlite|memory|postgres|database/i);
      const proxied = await rawRequest(`${s.base}/readyz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(JSON.parse(proxied.text)).toEqual({ status: 'ready' });
      const wrong = await rawRequest(`${s.base}/readyz`, { headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer nope' } });
      expect(JSON.parse(wrong.text)).toEqual({ status: 'ready' });
      const admin = await rawRequest(`${s.base}/readyz`, { headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${token}` } });
      expect(JSON.parse(admin.text)).toMatchObject({ status: 'ready', detail: expect.stringMatching(/PGlite/) });
      expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await s.bot.stop();
    }
  }, 180_000);
});
