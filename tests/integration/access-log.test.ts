import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { AccessEntry } from '../../src/app/access-log.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { Browser } from '../helpers/browser.ts';
import { directoryWithOthertown, ordinaryResidence } from '../helpers/gates.ts';
import { emulatorUrl } from '../helpers/local-register.ts';
import { freePort, OIDC_ENV, startOidcProvider } from '../helpers/oidc.ts';
import { commandBody, SIGNING_SECRET, slackPost } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

// The access log, least privilege and subject access, driven as people use them: Slack and Teams through their real
// receivers against fakes, the register in a browser behind a real OpenID Connect provider, and the `s117` command.
// One bot per database. Organisation A is Anytown Council and the ICB; organisation B is Othertown Council, whose
// senior officer (Oto) takes part in nothing of A's.

const OTO = '  - { id: oto-sen, name: Oto Sen, organisation: othertown-council, roles: [SENIOR_OFFICER], slack: U0OTOSEN01, '
  + 'teams: 00000000-0000-4000-8000-000000000099, email: oto.sen@othertown.gov.uk }';
const SLACK: Record<string, string> = { 'ali-khan': 'U0ALIKHAN1', 'eve-ford': 'U0EVEFORD1', 'oto-sen': 'U0OTOSEN01', 'pat-lee': 'U0PATLEE01' };
const TEAMS: Record<string, string> = { 'jon-park': '00000000-0000-4000-8000-000000000013', 'oto-sen': '00000000-0000-4000-8000-000000000099' };

// Person X: two disputes (the NHS number typed with and without spaces). Person Y: one.
const X_NHS = '943 476 5919';
const Y_NHS = '401 023 2137';
const D1 = 'S117-2026-0001';
const D2 = 'S117-2026-0002';
const D3 = 'S117-2026-0003';
const Y_TEXT = 'Person Y has a dispute about transport to a day centre (YMARKER).';

describe.each(DATABASES)('the access log, who sees what, and subject access (%s)', (_name, database) => {
  let bot: Bot;
  let base: string;
  let slack: FakeSlackApi;
  let connector: FakeBotConnector;
  let provider: { issuer: string; close: () => void };
  let cleanup: () => Promise<void>;
  let tmp: string;

  beforeAll(async () => {
    const db = await database();
    cleanup = db.cleanup;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-access-'));
    slack = new FakeSlackApi();
    connector = new FakeBotConnector();
    await slack.start();
    await connector.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(base);
    const env = loadEnv({
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: directoryWithOthertown(tmp, OTO), SCHEDULER: 'off',
      PUBLIC_URL: base, OIDC_ISSUER: provider.issuer, ...OIDC_ENV,
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`,
      TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
    const ali = { personId: 'ali-khan', platform: 'cli' as const };
    await bot.app.service.raise(ali, fundingDispute({ nhsNumber: X_NHS, localCaseRef: 'AC-104233', description: 'Person X: the funding split (XMARKER one).' }));
    await bot.app.service.raise(ali, fundingDispute({ nhsNumber: Y_NHS, localCaseRef: 'AC-200001', description: Y_TEXT, currentCare: 'Day centre, YCARE.' }));
    await bot.app.service.raise(ali, { ...ordinaryResidence(), nhsNumber: X_NHS.replace(/ /g, ''), localCaseRef: 'AC-104299', description: 'Person X: where they lived (XMARKER two).' });
  }, 180_000);
  afterAll(async () => {
    await bot?.stop();
    await slack?.stop();
    await connector?.stop();
    provider?.close();
    await cleanup?.();
  });

  const log = () => bot.app.service.accessLog!.since();
  const entriesBy = async (actorId: string) => (await log()).filter((e) => e.actorId === actorId);
  const s117 = async (osAccount: string, ...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app: bot.app, osAccount });
    return { code, out, err };
  };
  /** `/s117 TEXT` typed by a person in Slack; resolves with what the bot answered them. */
  const slash = async (personId: string, text: string): Promise<string> => {
    const url = `${slack.url}/respond/${crypto.randomUUID()}`;
    const r = await slackPost(base, commandBody(SLACK[personId]!, text, 'CGENERAL', url), 'form');
    expect(r.status).toBe(200);
    const answer = await until(() => slack.responses.find((x) => url.endsWith(x.path)), 'the Slack answer');
    return JSON.stringify(answer.body);
  };
  /** A message typed to the bot in Teams (a personal chat); resolves with the cards it sent back. */
  const teams = async (personId: string, text: string): Promise<string> => {
    const conversation = `a:personal-${personId}-${crypto.randomUUID()}`;
    const body = {
      id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(), type: 'message', text,
      from: { id: `29:${personId}`, name: personId, aadObjectId: TEAMS[personId] }, recipient: { id: '28:bot', name: 'S117' },
      conversation: { id: conversation, conversationType: 'personal', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
    };
    const r = await fetch(emulatorUrl(base, bot), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBeLessThan(300);
    const sent = await until(() => connector.sent().filter((c) => c.conversation === conversation), 'the Teams answer');
    return JSON.stringify(sent);
  };
  const signIn = async (email: string) => {
    const b = new Browser();
    expect((await b.signIn(base, email)).status).toBe(200);
    return b;
  };
  const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const has = (entries: AccessEntry[], want: Partial<AccessEntry>) => expect(entries).toEqual(expect.arrayContaining([expect.objectContaining(want)]));

  it('records a view, a list and an export on every surface: Slack, Teams, the register and the command line', async () => {
    expect(await slash('eve-ford', `status ${D1}`)).toMatch(new RegExp(D1));
    expect(await slash('ali-khan', 'list')).toMatch(new RegExp(D1));
    expect(await teams('jon-park', `status ${D1}`)).toMatch(new RegExp(D1));

    const pat = await signIn('pat.lee@anytown.nhs.uk');
    expect((await pat.go(`${base}/register/dispute/${D1}`)).status).toBe(200);
    expect((await pat.go(`${base}/register/disputes.csv`)).text).toMatch(new RegExp(D2));
    // A form shows case data too; a document that does not exist (no referral pack before Stage 4) exports nothing.
    await pat.go(`${base}/register/dispute/${D1}/form/escalate`);
    expect((await pat.go(`${base}/register/dispute/${D1}/pack.pdf`)).status).toBe(404);

    expect((await s117('alice', 'dispute', 'show', D1)).code).toBe(0);
    expect((await s117('alice', 'register', 'export')).code).toBe(0);
    expect((await s117('alice', 'dispute', 'list', '--as', 'ali-khan')).code).toBe(0);

    const all = await log();
    has(all, { actorId: 'eve-ford', surface: 'slack', action: 'VIEW', refs: [D1], ip: null });
    has(all, { actorId: 'ali-khan', surface: 'slack', action: 'LIST', refs: expect.arrayContaining([D1, D2, D3]) as unknown as string[] });
    has(all, { actorId: 'jon-park', surface: 'teams', action: 'VIEW', refs: [D1] });
    has(all, { actorId: 'pat-lee', surface: 'web', action: 'LIST', refs: [D3, D2, D1] });
    has(all, { actorId: 'pat-lee', surface: 'web', action: 'VIEW', refs: [D1] });
    has(all, { actorId: 'pat-lee', surface: 'web', action: 'EXPORT', refs: [D3, D2, D1] });
    has(all, { actorId: 'pat-lee', surface: 'web', action: 'VIEW', refs: [D1], detail: { form: 'escalate' } });
    expect(all.filter((e) => e.surface === 'web' && (e.detail as { document?: string }).document)).toEqual([]);
    has(all, { actorId: 'os:alice', surface: 'cli', action: 'VIEW', refs: [D1] });
    has(all, { actorId: 'os:alice', surface: 'cli', action: 'EXPORT', refs: [D1, D2, D3] });
    has(all, { actorId: 'ali-khan', surface: 'cli', action: 'LIST', detail: { command: 'dispute list', osAccount: 'alice' } });
    if (bot.app.db.kind === 'pglite') {
      expect((await s117('alice', 'db', 'backup', path.join(tmp, 'backup.tar.gz'))).code).toBe(0);
      has(await log(), { actorId: 'os:alice', surface: 'cli', action: 'EXPORT', detail: { command: 'db backup', disputes: 'all', encrypted: false } });
    }
    // From where: the browser's address on the web.
    expect(all.filter((e) => e.surface === 'web').every((e) => /127\.0\.0\.1$/.test(e.ip ?? ''))).toBe(true);
  });

  it('shows a senior officer of organisation B nothing of organisation A\'s dispute on any surface, and their own organisation\'s in full', async () => {
    const before = (await log()).length;
    expect(await slash('oto-sen', `status ${D1}`)).not.toMatch(/Stage 1|funding/i);
    expect(await slash('oto-sen', 'list')).not.toMatch(new RegExp(D1));
    expect(await teams('oto-sen', `status ${D1}`)).not.toMatch(/Stage 1:/);

    const oto = await signIn('oto.sen@othertown.gov.uk');
    const list = await oto.go(`${base}/register`);
    expect(list.text).toMatch(new RegExp(D3));
    expect(list.text).not.toMatch(new RegExp(`${D1}|${D2}`));
    expect((await oto.go(`${base}/register/dispute/${D1}`)).status).toBe(404);
    expect((await oto.go(`${base}/register/dispute/${D3}`)).status).toBe(200);
    const csv = (await oto.go(`${base}/register/disputes.csv`)).text;
    expect(csv).toMatch(new RegExp(D3));
    expect(csv).not.toMatch(new RegExp(`${D1}|${D2}`));
    expect((await oto.go(`${base}/register/report.csv?from=2026-12-01&to=2026-12-31`)).status).toBe(200);

    const show = await s117('oto', 'dispute', 'show', D1, '--as', 'oto-sen');
    expect(show.code).toBe(1);
    expect(show.out).toBe('');
    const exported = await s117('oto', 'register', 'export', '--as', 'oto-sen');
    expect(exported.out).toMatch(new RegExp(D3));
    expect(exported.out).not.toMatch(new RegExp(`${D1}|${D2}`));

    // Nothing of A's was shown to Oto, so nothing of A's is in the log under Oto's name.
    const mine = (await log()).slice(before).filter((e) => e.actorId === 'oto-sen');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.flatMap((e) => e.refs).filter((r) => r !== D3)).toEqual([]);

    // Organisation A's senior officer sees both of A's disputes on the register, though she takes part in neither yet.
    const eve = await signIn('eve.ford@anytown.gov.uk');
    const hers = (await eve.go(`${base}/register`)).text;
    expect(hers).toMatch(new RegExp(D1));
    expect(hers).toMatch(new RegExp(D2));
  });

  it('exports everything held about one person, found by NHS number in any spacing, and nothing about anyone else', async () => {
    const pat = await signIn('pat.lee@anytown.nhs.uk');
    const form = await pat.go(`${base}/register/subject`);
    expect(form.status).toBe(200);
    const found = await pat.go(`${base}/register/subject`, { method: 'POST', form: { csrf: csrfOf(form.text), q: ' 9434 765919 ' } });
    expect(found.text).toMatch(new RegExp(`${D1}[\\s\\S]*${D3}`));
    expect(found.text).not.toMatch(new RegExp(D2));
    const doc = await pat.go(`${base}/register/subject/export`, { method: 'POST', form: { csrf: csrfOf(found.text), q: '943 476 5919', format: 'html' } });
    expect(doc.text).toMatch(/XMARKER one[\s\S]*XMARKER two/);
    expect(doc.text).toMatch(/Raised the dispute|raised/i);
    expect(doc.text).not.toMatch(/YMARKER|YCARE|401 023 2137|AC-200001/);
    const json = JSON.parse((await pat.go(`${base}/register/subject/export`, { method: 'POST', form: { csrf: csrfOf(found.text), q: X_NHS, format: 'json' } })).text) as {
      disputes: { reference: string; nhsNumber: string; history: { text: string }[] }[];
    };
    expect(json.disputes.map((d) => d.reference)).toEqual([D1, D3]);
    expect(json.disputes.every((d) => d.history.length > 0)).toBe(true);
    expect(JSON.stringify(json)).not.toMatch(/YMARKER|YCARE|4010232137|401 023 2137/);

    const out = path.join(tmp, 'sar');
    const cli = await s117('pat', 'subject', 'export', '9434765919', '--as', 'pat-lee', '--out', out);
    expect(cli.code).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(out, 'subject-access.json'), 'utf8')) as { disputes: { reference: string }[] };
    expect(file.disputes.map((d) => d.reference)).toEqual([D1, D3]);
    const html = fs.readFileSync(path.join(out, 'subject-access.html'), 'utf8');
    expect(html).toMatch(/XMARKER two/);
    expect(html).not.toMatch(/YMARKER|YCARE/);
    expect(fs.statSync(path.join(out, 'subject-access.html')).mode & 0o077).toBe(0);
    expect((await s117('pat', 'subject', 'search', 'ac-200001', '--as', 'pat-lee')).out).toMatch(new RegExp(`^1 dispute\\(s\\): ${D2}`));

    // Only governance: a senior officer is refused on the command line and on the web.
    expect((await s117('eve', 'subject', 'search', X_NHS, '--as', 'eve-ford')).code).toBe(1);
    expect((await (await signIn('eve.ford@anytown.gov.uk')).go(`${base}/register/subject`)).status).toBe(403);

    // The searches and exports are logged, by whom and what they found, and the log never holds the number.
    const pats = await entriesBy('pat-lee');
    has(pats, { surface: 'web', action: 'SEARCH', refs: [D1, D3] });
    has(pats, { surface: 'web', action: 'EXPORT', refs: [D1, D3] });
    has(pats, { surface: 'cli', action: 'EXPORT', refs: [D1, D3] });
    has(pats, { surface: 'cli', action: 'SEARCH', refs: [D2] });
    expect(JSON.stringify(await log())).not.toMatch(/9434765919|943 476 5919|9434 765919|AC-200001/i);
  });

  it('acknowledges a Slack command without waiting for the access log, and answers only once the entry is written', async () => {
    const service = bot.app.service;
    const real = service.recordAccess.bind(service);
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    service.recordAccess = async (e) => { await held; return real(e); };
    try {
      const url = `${slack.url}/respond/${crypto.randomUUID()}`;
      const r = await slackPost(base, commandBody(SLACK['eve-ford']!, `status ${D1}`, 'CGENERAL', url), 'form');
      // Acknowledged while the entry is still held back: Slack's three seconds are never spent on the log.
      expect(r.status).toBe(200);
      const before = (await log()).length;
      expect(slack.responses.some((x) => url.endsWith(x.path))).toBe(false);
      release();
      await until(() => slack.responses.find((x) => url.endsWith(x.path)), 'the Slack answer');
      expect((await log()).length).toBe(before + 1);
    } finally {
      service.recordAccess = real;
    }
  });

  it('lets governance read the log on the web and the command line, and names an entry changed or deleted behind the bot\'s back', async () => {
    const pat = await signIn('pat.lee@anytown.nhs.uk');
    const page = await pat.go(`${base}/register/access`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Oto Sen \(oto-sen\)/);
    expect((await pat.go(`${base}/register/access.csv`)).text).toMatch(/^seq,at,who,surface,ip,action,disputes,detail,hash\r\n1,/);
    expect((await (await signIn('oto.sen@othertown.gov.uk')).go(`${base}/register/access`)).status).toBe(403);
    const csv = path.join(tmp, 'access.csv');
    expect((await s117('pat', 'access', 'log', '--since', '2026-12-07', '--csv', csv)).code).toBe(0);
    expect(fs.readFileSync(csv, 'utf8')).toMatch(/OS account alice/);
    expect((await s117('pat', 'access', 'log')).out).toMatch(/Eve Ford \(eve-ford\)\s+slack\s+VIEW\s+S117-2026-0001/);

    expect((await s117('pat', 'access', 'verify')).out).toMatch(/The access log is intact: \d+ entries/);
    await bot.app.db.prisma.$executeRawUnsafe(`UPDATE "AccessLog" SET "refs" = '{}' WHERE seq = 2`);
    await bot.app.db.prisma.$executeRawUnsafe('DELETE FROM "AccessLog" WHERE seq = 4');
    const broken = await s117('pat', 'access', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/access entry 2 was changed after it was recorded/);
    expect(broken.err).toMatch(/access entry 4 was deleted/);
  });
});
