import crypto from 'node:crypto';
import { LINK_LIMITS, linkToken, sha256, type LinkRequest } from '../../src/app/sign-in-links.ts';
import { RegisterSignInLinks } from '../../src/register/sign-in-links.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';

// The e-mailed sign-in links' store on each database: a link and its e-mail are written together, the limits count
// every request (known address or not), and a link is used once even when two presses race.
describe.each(DATABASES)('sign-in links (%s)', (_name, setup) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let store: RegisterSignInLinks;
  beforeAll(async () => {
    const s = await setup();
    cleanup = s.cleanup;
    app = await testApp(s.databaseUrl ? { databaseUrl: s.databaseUrl } : {});
    store = new RegisterSignInLinks(app.db);
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const WINDOW = { ...LINK_LIMITS, windowMs: 15 * 60_000 };
  const ask = (personId: string | null, address: string, ip: string, now = app.clock.now()): { r: LinkRequest; token: string } => {
    const id = crypto.randomUUID();
    const token = linkToken('secret-of-the-test', id);
    return {
      token,
      r: {
        id, personId, tokenHash: personId ? sha256(token) : null, addressHash: sha256(address), ipHash: sha256(ip), now,
        expiresAt: new Date(now.getTime() + 15 * 60_000),
        effect: personId ? { kind: 'SIGN_IN_LINK', personId, linkId: id, notBefore: now.toISOString() } : null,
      },
    };
  };

  it('[R9.1] writes the link and its e-mail in one go, keeps only the token\'s hash, and uses the link once however many press it', async () => {
    const { r, token } = ask('lou-gray', 'lou', 'ip-1');
    expect(await store.request(r, WINDOW)).toBe('queued');
    const row = await app.db.prisma.outbox.findUnique({ where: { idempotencyKey: `sign-in:${r.id}` } });
    expect(row).toMatchObject({ kind: 'SIGN_IN_LINK', platform: 'email', disputeId: null });
    expect(JSON.stringify(await app.db.prisma.signInLink.findMany())).not.toContain(token);
    const presses = await Promise.all(Array.from({ length: 4 }, () => store.consume(sha256(token), app.clock.now())));
    expect(presses.filter((p) => p.ok)).toEqual([{ ok: true, personId: 'lou-gray' }]);
    expect(presses.filter((p) => !p.ok)).toEqual(Array(3).fill({ ok: false, why: 'used' }));
    expect(await store.consume(sha256('made-up'), app.clock.now())).toEqual({ ok: false, why: 'unknown' });
  });

  it('[R9.1] refuses an expired link, and counts requests for unknown addresses against the same limits without sending anything', async () => {
    const { r, token } = ask('nia-rose', 'nia', 'ip-2');
    await store.request(r, WINDOW);
    expect(await store.consume(sha256(token), new Date(app.clock.now().getTime() + 15 * 60_000 + 1))).toEqual({ ok: false, why: 'expired' });
    // Per address from one client: a stranger asking for a colleague's links again and again is stopped…
    for (let i = 0; i < LINK_LIMITS.perAddress; i++) expect(await store.request(ask(null, 'nobody', 'ip-3').r, WINDOW)).toBe('counted');
    expect(await store.request(ask(null, 'nobody', 'ip-3').r, WINDOW)).toBe('limited');
    // …without locking the colleague out: their own request, from their own address, still goes.
    expect(await store.request(ask('oli-shaw', 'nobody', 'ip-4').r, WINDOW)).toBe('queued');
    // Per client address: LINK_LIMITS.perIp requests in the window, whatever addresses they name.
    for (let i = 0; i < LINK_LIMITS.perIp; i++) expect(await store.request(ask(null, `someone-${i}`, 'ip-5').r, WINDOW)).toBe('counted');
    expect(await store.request(ask('oli-shaw', 'oli', 'ip-5').r, WINDOW)).toBe('limited');
    // A window later the client may ask again.
    expect(await store.request(ask('oli-shaw', 'oli', 'ip-5', new Date(app.clock.now().getTime() + 16 * 60_000)).r, WINDOW)).toBe('queued');
    expect(await app.db.prisma.outbox.count({ where: { kind: 'SIGN_IN_LINK' } })).toBe(4);
  });
});
