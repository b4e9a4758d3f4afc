import crypto from 'node:crypto';
import path from 'node:path';
import { clientAssertion, readCertificate } from '../../src/adapters/teams/certificate.ts';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { StartupError } from '../../src/config/startup-error.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { FakeBotConnector } from '../fakes/bot-connector.ts';
import type { FakeGraph } from '../fakes/graph.ts';
import { type FakeMicrosoftLogin, JWT_BEARER } from '../fakes/microsoft-login.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { aad, APP_COUNCIL, APP_NHSMAIL, COUNCIL, NHSMAIL, TwoTenants } from '../helpers/two-tenants.ts';
import { selfSigned, type TestCertificate, writePem } from '../helpers/x509.ts';

// The council's Teams connection proves itself with a certificate (certificateFile) instead of a client secret;
// NHSmail's keeps its secret. Everything the council's app does — the Bot Connector's proactive messages and card
// refreshes, Graph's chats — runs on tokens obtained with a signed client assertion, checked by a fake sign-in as
// strict as Entra. Certificates are made here, at test time: no private key is committed.
const DAY = 86_400_000;

describe('a Teams connection that signs in with a certificate', () => {
  let t: TwoTenants;
  let login: FakeMicrosoftLogin;
  let graph: FakeGraph;
  let connector: FakeBotConnector;
  let tmp: string;
  let bot: Bot;
  // Uploaded to the council's app registration; it expires in 20 days, so every start warns.
  let council: TestCertificate;
  let clock: TwoTenants['clock'];

  /** The deployment's settings, the council's certificateFile holding `pem` (with `mode`). */
  function env(pem: string[], mode = 0o600) {
    return t.env(`certificateFile: ${writePem(path.join(tmp, `council-${crypto.randomUUID()}.pem`), pem, mode)}`);
  }

  beforeAll(async () => {
    t = await TwoTenants.start('s117-cert-');
    ({ login, graph, connector, clock, tmp } = t);
    council = selfSigned('s117 anytown-council', { notAfter: new Date(Date.now() + 20 * DAY) });
    // The council's registration has a certificate and no secret at all.
    login.addCertificate(APP_COUNCIL, COUNCIL, council.cert);
    bot = await t.startBot(env([council.key, council.cert]));
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  });

  const settle = () => t.settle();
  const chatIn = (tenant: string) => t.chatIn(tenant);
  const tokenUrl = () => `${login.url}/${COUNCIL}/oauth2/v2.0/token`;

  it('warns at start that the certificate expires within 30 days, naming the connection and never the key', () => {
    const lines = t.logs.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = lines.find((l) => /certificate of Teams connection anytown-council expires in (19|20) days/.test(String(l.msg)));
    expect(warning).toMatchObject({ level: 40, connection: 'anytown-council', thumbprint: council.x509.fingerprint.replace(/:/g, '') });
    expect(t.logs).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  it('sends proactive messages and makes the council\'s chat on tokens signed in with the certificate, for the Bot Connector and Graph alike', async () => {
    const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'teams' }, fundingDispute({ namedProfessionals: ['gus-hart', 'lou-gray'] }))).dispute;
    await settle();
    const chat = chatIn(COUNCIL);
    expect(chat.topic).toBe(d.reference);
    expect(graph.chatMembers(chat.id)).toEqual(['ali-khan', 'dee-obi'].map(aad).sort());
    // The council's chat was made by the council's app, and its card and the 1:1 messages went out as that app.
    const made = graph.calls.filter((c) => c.method === 'POST' && c.path === '/v1.0/chats').map((c) => login.whoseToken(c.auth ?? undefined)?.appId);
    expect(made.sort()).toEqual([APP_NHSMAIL, APP_COUNCIL].sort());
    expect(connector.calls.filter((c) => c.status !== 200).map((c) => [c.method, c.path, c.status])).toEqual([]);
    expect(new Set(connector.sent(chat.id).map((c) => c.appId))).toEqual(new Set([APP_COUNCIL]));
    expect(connector.sent(chat.id).some((c) => new RegExp(`${d.reference} · Stage 1`).test(JSON.stringify(c.body)))).toBe(true);
    const dms = Object.fromEntries(connector.created().filter((c) => c.body.isGroup === false).map((c) => [(c.body.members as { id: string }[])[0]!.id, c.appId]));
    expect(dms[aad('dee-obi')]).toBe(APP_COUNCIL);
    // Every council sign-in was a client assertion (its registration has no secret), for both audiences.
    const councilLogins = login.logins.filter((l) => l.appId === APP_COUNCIL);
    expect(councilLogins.length).toBeGreaterThanOrEqual(2);
    expect(councilLogins.every((l) => l.ok && l.via === 'certificate')).toBe(true);
    const audiences = new Set([...login.issued.values()].filter((t) => t.appId === APP_COUNCIL).map((t) => t.audience));
    expect(audiences).toEqual(new Set(['https://api.botframework.com', 'https://graph.microsoft.com']));
    expect(login.logins.filter((l) => l.appId === APP_NHSMAIL).every((l) => l.ok && l.via === 'secret')).toBe(true);
  });

  it('handles a card action from the council\'s chat through the receiver and refreshes the card as the council\'s app', async () => {
    const d = (await bot.app.service.get({ reference: 'S117-2026-0001' }))!;
    const chat = chatIn(COUNCIL).id;
    const body = {
      id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
      from: { id: '29:dee-obi', name: 'Dee Obi', aadObjectId: aad('dee-obi') }, recipient: { id: `28:${APP_COUNCIL}`, name: 'S117' },
      conversation: { id: chat, conversationType: 'groupChat', isGroup: true, tenantId: COUNCIL }, channelData: { tenant: { id: COUNCIL } },
      type: 'invoke', name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d: d.id, k: 'tests', s: 1, n: 1 } }, trigger: 'manual' },
    };
    connector.clear();
    const r = await fetch(`http://127.0.0.1:${bot.address.port}/api/messages`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.channelToken(APP_COUNCIL, connector.url)}` },
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/Revisit the statutory Section 117 tests — _Dee Obi_/);
    await settle();
    const updated = connector.updated().filter((c) => c.conversation === chat);
    expect(updated.length).toBeGreaterThan(0);
    expect(updated.every((c) => c.status === 200 && c.appId === APP_COUNCIL)).toBe(true);
  });

  it('signs a one-tenant bot in with MICROSOFT_APP_CERTIFICATE_FILE, the shorthand for a file of one', async () => {
    const before = login.logins.length;
    // The start signs the connection in (a refusal would stop it), with the certificate.
    const single = await startBot({
      env: loadEnv({
        PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
        MICROSOFT_APP_ID: APP_COUNCIL, MICROSOFT_APP_TENANT_ID: COUNCIL, MICROSOFT_APP_CERTIFICATE_FILE: writePem(path.join(tmp, 'single.pem'), [council.key, council.cert]),
        MICROSOFT_LOGIN_URL: login.url, GRAPH_API_URL: `${graph.url}/v1.0`, TEAMS_SERVICE_URL: connector.url, TEAMS_OPENID_METADATA_URL: login.openIdUrl,
      }),
      logger: createLogger('silent'), clock, scheduler: false,
    });
    try {
      const mine = login.logins.slice(before).filter((l) => l.appId === APP_COUNCIL);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((l) => l.ok && l.via === 'certificate')).toBe(true);
    } finally {
      await single.stop();
    }
  });

  describe('the fake sign-in is as strict as Entra with an assertion', () => {
    const cert = () => {
      const r = readCertificate(writePem(path.join(tmp, 'strict.pem'), [council.key, council.cert]));
      if (!r.ok) throw new Error(r.problem);
      return r.certificate;
    };
    const ask = async (form: Record<string, string>) => {
      const r = await fetch(tokenUrl(), { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default', ...form }) });
      const answer = await r.json() as { error?: string; error_description?: string };
      return `${r.status} ${answer.error ?? 'ok'} ${/^AADSTS\d+/.exec(answer.error_description ?? '')?.[0] ?? ''}`.trim();
    };
    const asApp = (assertion: string, type = JWT_BEARER) => ask({ client_id: APP_COUNCIL, client_assertion_type: type, client_assertion: assertion });

    it('takes a good assertion once, and refuses it played again', async () => {
      const jwt = clientAssertion(cert(), APP_COUNCIL, tokenUrl());
      expect(await asApp(jwt)).toBe('200 ok');
      expect(await asApp(jwt)).toBe('401 invalid_client AADSTS50027');
      // Nor does one the bot used go twice.
      expect(await asApp(login.assertions[0]!)).toBe('401 invalid_client AADSTS50027');
    });

    it('refuses the wrong type, audience, issuer, time, key or certificate, each with Entra\'s code', async () => {
      const c = cert();
      expect(await asApp(clientAssertion(c, APP_COUNCIL, tokenUrl()), 'urn:ietf:params:oauth:grant-type:jwt-bearer')).toBe('400 invalid_request AADSTS50027');
      expect(await asApp(clientAssertion(c, APP_COUNCIL, `${login.url}/${NHSMAIL}/oauth2/v2.0/token`))).toBe('401 invalid_client AADSTS700023');
      expect(await asApp(clientAssertion(c, APP_NHSMAIL, tokenUrl()))).toBe('401 invalid_client AADSTS700021');
      expect(await asApp(clientAssertion(c, APP_COUNCIL, tokenUrl(), Date.now() - 3600_000))).toBe('401 invalid_client AADSTS700024');
      // Signed with another key under the council certificate's thumbprint; and a certificate never uploaded.
      const other = selfSigned('not uploaded');
      expect(await asApp(clientAssertion({ ...c, privateKey: crypto.createPrivateKey(other.key) }, APP_COUNCIL, tokenUrl()))).toBe('401 invalid_client AADSTS700027');
      const stranger = readCertificate(writePem(path.join(tmp, 'stranger.pem'), [other.key, other.cert]));
      expect(stranger.ok && await asApp(clientAssertion(stranger.certificate, APP_COUNCIL, tokenUrl()))).toBe('401 invalid_client AADSTS700027');
      // A registration with only a certificate takes no secret, and a request with neither is refused.
      expect(await ask({ client_id: APP_COUNCIL, client_secret: 'guess' })).toBe('401 invalid_client AADSTS7000215');
      expect(await ask({ client_id: APP_COUNCIL })).toBe('401 invalid_client AADSTS7000218');
    });
  });

  describe('a start that cannot sign in with the council\'s certificate stops, naming the connection', () => {
    const start = (pem: string[], mode?: number) => startBot({ env: env(pem, mode), logger: createLogger('silent'), clock, scheduler: false });
    afterAll(() => { env([council.key, council.cert]); });

    it('a certificate its app registration does not have (Microsoft sign-in refuses the assertion)', async () => {
      const other = selfSigned('never uploaded');
      const s = start([other.key, other.cert]);
      await expect(s).rejects.toBeInstanceOf(StartupError);
      await expect(s).rejects.toThrow(/^Microsoft sign-in refused the credentials of Teams connection anytown-council \(invalid_client\): AADSTS700027: [^\n]*Upload the public part of its certificate \(its certificateFile, or MICROSOFT_APP_CERTIFICATE_FILE\) to the app registration[^\n]*$/);
    });

    it('an expired certificate, a key file others can read, and a key that is not the certificate\'s', async () => {
      const old = selfSigned('expired', { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
      const where = '^TEAMS_CONNECTIONS_FILE \\([^)]*\\): connections\\[1\\] \\(anytown-council\\)\\.certificateFile: [^\\n]*';
      for (const [pem, mode, fix] of [
        [[old.key, old.cert], 0o600, 'the certificate expired on \\d{4}-\\d\\d-\\d\\d; make a new one'],
        [[council.key, council.cert], 0o640, 'can be read by other accounts on this computer \\(permissions 0640\\)[^\\n]*run chmod 600 '],
        [[old.key, council.cert], 0o600, 'the private key does not belong to the certificate in it'],
      ] as [string[], number, string][]) {
        const s = start(pem, mode);
        await expect(s).rejects.toBeInstanceOf(StartupError);
        await expect(s).rejects.toThrow(new RegExp(`${where}${fix}[^\\n]*$`));
      }
    });
  });
});
