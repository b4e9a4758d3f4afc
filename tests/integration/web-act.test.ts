import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSmtpRelay } from '../fakes/smtp.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { freePort, OIDC_ENV, startOidcProvider } from '../helpers/oidc.ts';
import { until } from '../helpers/wait.ts';
import { type Page, WebClient, words } from '../helpers/web-client.ts';

// The register's web page as a full place to act, over HTTP: each organisation signs in through its own provider
// (the ICB and the council each have one) or, for the trust, with a single-use link e-mailed through a real SMTP
// server; then the same actions a chat card offers, through the same inbound layer and its refusals.
describe('acting on a dispute from the web page, signed in through one\'s own organisation', () => {
  let icbIdp: { issuer: string; close: () => void };
  let councilIdp: { issuer: string; close: () => void };
  let relay: FakeSmtpRelay;
  let bot: Bot;
  let base: string;
  let tmp: string;
  let ref: string;
  let disputeId: string;
  const clock = new FakeClock('2026-12-07T10:00:00Z');

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-web-act-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    [icbIdp, councilIdp] = [await startOidcProvider(base), await startOidcProvider(base)];
    relay = new FakeSmtpRelay();
    await relay.start();
    let dir = fs.readFileSync(DIRECTORY, 'utf8');
    dir = dir.replace('{ id: anytown-icb, name: NHS Anytown ICB, kind: ICB }', `{ id: anytown-icb, name: NHS Anytown ICB, kind: ICB, oidcIssuers: ["${icbIdp.issuer}"] }`)
      .replace('{ id: anytown-council, name: Anytown Council, kind: LOCAL_AUTHORITY }', `{ id: anytown-council, name: Anytown Council, kind: LOCAL_AUTHORITY, oidcIssuers: ["${councilIdp.issuer}"] }`);
    fs.writeFileSync(path.join(tmp, 'directory.yaml'), dir);
    fs.writeFileSync(path.join(tmp, 'secret'), `${OIDC_ENV.OIDC_CLIENT_SECRET}\n`);
    fs.writeFileSync(path.join(tmp, 'providers.yaml'), [
      'providers:',
      `  - { issuer: "${icbIdp.issuer}", clientId: s117, clientSecretFile: "${path.join(tmp, 'secret')}", label: NHSmail }`,
      `  - { issuer: "${councilIdp.issuer}", clientId: s117, clientSecretFile: "${path.join(tmp, 'secret')}" }`,
    ].join('\n'));
    const env = loadEnv({
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: path.join(tmp, 'directory.yaml'), SCHEDULER: 'off',
      PUBLIC_URL: base, OIDC_PROVIDERS_FILE: path.join(tmp, 'providers.yaml'), SESSION_SECRET: OIDC_ENV.SESSION_SECRET,
      SMTP_URL: relay.url, MAIL_FROM: 's117-noreply@anytown.nhs.uk',
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    const raised = await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute({
      parties: [
        { organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }, { organisationId: 'anytown-trust', role: 'RESPONDING' },
      ],
      namedProfessionals: ['gus-hart', 'lou-gray'],
    }));
    ref = raised.dispute.reference;
    disputeId = raised.dispute.id;
  }, 120_000);
  afterAll(async () => {
    await bot?.stop();
    icbIdp?.close();
    councilIdp?.close();
    await relay?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  // A relay slowed by a busy machine may time out and be retried: time moves on a little at each look, so the retry comes.
  const settle = () => until(async () => {
    await bot.app.scheduler.tick();
    // Time moves on only while nothing is being sent: a slow relay must not see its row's lease run out under it
    // (the row would be claimed again and the same e-mail sent twice, which is what leases allow after a crash).
    const sending = await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, claimedUntil: { gt: clock.now() } } });
    if (!sending) clock.advanceMs(2_000);
    return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0;
  }, 'the outbox to drain', 60_000);

  /** Signs in through the organisation's provider, chosen on the sign-in page. */
  async function viaProvider(org: string, email: string): Promise<WebClient> {
    const web = new WebClient();
    const choose = await web.go(`${base}/register`);
    expect(words(choose)).toMatch(/Which organisation do you work for\?/);
    const login = await web.submit(choose, { org });
    const done = await web.providerLogin(login, email);
    expect(done.url).toMatch(new RegExp(`^${base}/register`));
    return web;
  }

  /** Asks for a sign-in link and returns the page shown. */
  async function askForLink(web: WebClient, email: string): Promise<Page> {
    const choose = await web.go(`${base}/register`);
    const form = await web.submit(choose, { org: 'anytown-trust' });
    expect(words(form)).toMatch(/Your work e-mail address/);
    return web.submit(form, { email }, '/register/login/email');
  }

  const signInMails = (to: string) => relay.to(to).filter((m) => m.parsed.subject === 'Sign in to the Section 117 register');
  const linkIn = (to: string) => {
    const mail = signInMails(to).at(-1)!;
    return /https?:\/\/\S+\/register\/login\/link\?t=[A-Za-z0-9_-]{43}/.exec(String(mail.parsed.text))![0];
  };

  let ivy: WebClient;
  let dee: WebClient;
  let lou: WebClient;

  it('[R9.1] lets each person choose their organisation and sign in through its own provider, and no other provider speaks for them', async () => {
    ivy = await viaProvider('anytown-icb', 'ivy.nash@anytown.nhs.uk');
    expect(words(await ivy.go(`${base}/register`))).toMatch(/Signed in as Ivy Nash/);
    dee = await viaProvider('anytown-council', 'dee.obi@anytown.gov.uk');
    expect(words(await dee.go(`${base}/register`))).toMatch(/Signed in as Dee Obi/);
    // The ICB's provider asserting a council address does not make anyone that council officer.
    const web = new WebClient();
    const login = await web.submit(await web.go(`${base}/register`), { org: 'anytown-icb' });
    const page = await web.providerLogin(login, 'eve.ford@anytown.gov.uk');
    expect(page.status).toBe(403);
    expect(words(page)).not.toMatch(/Signed in as Eve Ford/);
  });

  it('[R9.1] e-mails a single-use link, through the outbox, to a person whose organisation has no provider, and answers alike for any other address', async () => {
    lou = new WebClient();
    const known = await askForLink(lou, 'Lou.Gray@anytown.nhs.uk');
    const unknown = await askForLink(new WebClient(), 'nobody@anytown.nhs.uk');
    const otherOrg = await askForLink(new WebClient(), 'ivy.nash@anytown.nhs.uk');
    const same = (p: Page) => words(p).replace(/If \S+ is the address/, 'If ADDRESS is the address').replace(/Signed in as [^]*?Sign out/, '');
    expect(known.status).toBe(200);
    expect(same(unknown)).toEqual(same(known));
    expect(same(otherOrg)).toEqual(same(known));
    await settle();
    expect(signInMails('lou.gray@anytown.nhs.uk').length).toBe(1);
    expect(signInMails('nobody@anytown.nhs.uk')).toEqual([]);
    expect(signInMails('ivy.nash@anytown.nhs.uk')).toEqual([]);
    const link = linkIn('lou.gray@anytown.nhs.uk');
    // Only the token's hash is kept.
    const token = new URL(link).searchParams.get('t')!;
    const rows = await bot.app.db.prisma.signInLink.findMany();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(await bot.app.db.prisma.outbox.findMany({ where: { kind: 'SIGN_IN_LINK' } }), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(token);
    // Opening the link changes nothing (mail scanners open links); pressing its button signs in.
    const landing = await lou.go(link);
    expect(words(landing)).toMatch(/Press the button to sign in/);
    const signedIn = await lou.submit(landing, {}, '/register/login/link');
    expect(words(signedIn)).toMatch(/Signed in as Lou Gray/);
    // Used once: a second press (or someone else with the e-mail) gets a clear page and a way to ask again.
    const other = new WebClient();
    const spent = await other.submit(await other.go(link), {}, '/register/login/link');
    expect(spent.status).toBe(410);
    expect(words(spent)).not.toMatch(/Signed in as/);
    const replay = await lou.submit(await lou.go(link), {}, '/register/login/link');
    expect(replay.status).toBe(410);
    expect(words(replay)).toMatch(/already been used.*Ask for a new one/);
    expect(WebClient.form(replay, '/register/login/email').fields.csrf).toBeTruthy();
  });

  it('[R9.1] refuses an expired link with a way to ask for a new one, retries a refusing relay, and limits requests per address', async () => {
    const nia = new WebClient();
    relay.refuseNext(451);
    await askForLink(nia, 'nia.rose@anytown.nhs.uk');
    await until(async () => {
      await bot.app.scheduler.tick();
      clock.advanceMs(5_000);
      return signInMails('nia.rose@anytown.nhs.uk').length === 1;
    }, 'the link to arrive after one refusal');
    const link = linkIn('nia.rose@anytown.nhs.uk');
    await settle();
    expect(signInMails('nia.rose@anytown.nhs.uk').length).toBe(1);
    clock.advanceMs(16 * 60_000);
    const late = await nia.submit(await nia.go(link), {}, '/register/login/link');
    expect(late.status).toBe(410);
    expect(words(late)).toMatch(/expired.*Ask for a new one/);
    // Three requests for one address in a window; the fourth is refused and sends nothing.
    for (let i = 0; i < 3; i++) expect((await askForLink(new WebClient(), 'oli.shaw@anytown.nhs.uk')).status).toBe(200);
    expect((await askForLink(new WebClient(), 'oli.shaw@anytown.nhs.uk')).status).toBe(429);
    await settle();
    expect(signInMails('oli.shaw@anytown.nhs.uk').length).toBe(3);
  });

  const page = (web: WebClient) => web.go(`${base}/register/dispute/${ref}`);

  it('[R3.3] shows every problem with a decision at once, each linked to its field, without recording anything', async () => {
    const form = await ivy.go(`${base}/register/dispute/${ref}/form/decide`);
    // A date that cannot be read, nothing chosen, the words left out: one answer names them all, in the page's order.
    const bad = await ivy.submit(form, { 'effectiveFrom-day': '31', 'effectiveFrom-month': '13', 'effectiveFrom-year': '2027', basisNeed: 'Kept as typed' }, /\/form\/decide/);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<title>Error: Record a decision/);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(bad.text)![0];
    expect(summary).toContain('There is a problem');
    expect(summary).toMatch(/autofocus/);
    const linked = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(linked).toEqual(['f-outcome', 'f-effect', 'f-basis', 'f-effectiveFrom', 'f-summary', 'f-basisTests', 'f-basisRisk']);
    // Each field carries its own message too, and what was typed stays.
    for (const id of linked) expect(bad.text).toContain(`id="${id}-error"`);
    expect(bad.text).toContain('>Kept as typed</textarea>');
    expect(words(bad)).toMatch(/enter a real date/);
    // Only the date left to correct: the domain's own gates answer too (the date and the payers are asked for once a
    // choice that changes care is made), and the date is named again.
    const chosen = await ivy.submit(form, {
      outcome: 'AGREEMENT', effect: 'CHANGES', basis: ['ASSESSED_NEED'], 'effectiveFrom-day': '1', 'effectiveFrom-month': '13', 'effectiveFrom-year': '2027',
      summary: 'S', basisNeed: 'N', basisTests: 'T', basisRisk: 'R',
    }, /\/form\/decide/);
    expect(chosen.status).toBe(400);
    const second = /<div class="error-summary"[\s\S]*?<\/div>/.exec(chosen.text)![0];
    expect(second).toContain('href="#f-effectiveFrom"');
    expect(second).toMatch(/who pays what/i);
    expect((await bot.app.service.get({ id: disputeId }))!.decisions).toEqual([]);
  });

  it('[R3.2] proposes a decision on the web page from the form the chat modal is drawn from, and confirms it from two other organisations once each', async () => {
    const open = await page(ivy);
    expect(words(open)).toMatch(/What you can do/);
    // A form with faults comes back as typed, with the NHS error summary linking to each field.
    const form = await ivy.go(`${base}/register/dispute/${ref}/form/decide`);
    expect(words(form)).toMatch(/What was decided/);
    const bad = await ivy.submit(form, { outcome: 'AGREEMENT', effect: 'CHANGES', summary: 'Kept as typed' }, /\/form\/decide/);
    expect(bad.status).toBe(400);
    expect(words(bad)).toMatch(/There is a problem/);
    expect(bad.text).toContain('href="#f-basis"');
    expect(bad.text).toContain('>Kept as typed</textarea>');
    const proposed = await ivy.submit(bad, {
      basis: ['ASSESSED_NEED', 'RISK'], 'effectiveFrom-day': '1', 'effectiveFrom-month': '1', 'effectiveFrom-year': '2027',
      'pay:anytown-icb': '60%', 'pay:anytown-council': '40%', summary: 'The ICB pays 60% and the council 40% from 1 January.',
      basisNeed: 'Assessed need for supported accommodation.', basisTests: 'Meets a need arising from the disorder.', basisRisk: 'High risk without it.',
    }, /\/form\/decide/);
    expect(proposed.status).toBe(200);
    expect(words(proposed)).toMatch(/Signed in as Ivy Nash/);
    const d1 = (await bot.app.service.get({ id: disputeId }))!;
    const pending = d1.decisions.find((x) => x.status === 'PROPOSED')!;
    expect(pending.effectiveFrom).toBe('2027-01-01');
    expect([...pending.payers].sort((a, b) => b.share.localeCompare(a.share))).toEqual([{ organisationId: 'anytown-icb', share: '60%' }, { organisationId: 'anytown-council', share: '40%' }]);

    // The council confirms; a double press (same form, same key) is recorded once.
    const councilPage = await page(dee);
    const confirm = WebClient.form(councilPage, `/register/dispute/${ref}/act`);
    expect(councilPage.text).toContain('Confirm for Anytown Council');
    expect(councilPage.text).not.toContain('Confirm for Anytown Mental Health NHS Trust');
    const councilForm = councilPage.text.match(/<form method="post" action="\/register\/dispute\/[^"]+\/act" class="inline">(?:(?!<\/form>)[\s\S])*?value="anytown-council"[\s\S]*?<\/form>/)![0];
    const fields = WebClient.form({ ...councilPage, text: councilForm }).fields;
    expect(confirm.action).toBe(`${base}/register/dispute/${ref}/act`);
    const first = await dee.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: fields });
    const second = await dee.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: fields });
    expect(words(first)).not.toMatch(/There is a problem/);
    expect(words(second)).toMatch(/already recorded/);
    // The trust, signed in with its e-mailed link, confirms for the trust.
    const trustPage = await page(lou);
    const trustForm = trustPage.text.match(/<form method="post" action="\/register\/dispute\/[^"]+\/act" class="inline">(?:(?!<\/form>)[\s\S])*?value="anytown-trust"[\s\S]*?<\/form>/)![0];
    await lou.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: WebClient.form({ ...trustPage, text: trustForm }).fields });
    const confirmations = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId, type: { in: ['DECISION_PROPOSED', 'DECISION_CONFIRMED'] } }, orderBy: { seq: 'asc' } });
    expect(confirmations.map((h) => [h.type, h.actorId, h.platform])).toEqual([
      ['DECISION_PROPOSED', 'ivy-nash', 'web'], ['DECISION_CONFIRMED', 'dee-obi', 'web'], ['DECISION_CONFIRMED', 'lou-gray', 'web'],
    ]);
    expect(words(await page(lou))).toMatch(/dee obi on web|Dee Obi on web/i);
  });

  it('[R2.5] [R5.3] draws every form a card button opens as an HTML form, each field labelled', async () => {
    const open = await page(dee);
    const links = [...open.text.matchAll(/<a class="button[^"]*" href="([^"]+\/form\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links.map((l) => l.replace(/.*\/form\/([a-z0-9-]+).*/, '$1')).sort()).toEqual(
      expect.arrayContaining(['advocacy-na', 'care-change', 'correct', 'decide', 'escalate', 'withdraw-party']));
    for (const l of links) {
      const form = await dee.go(`${base}${l}`);
      expect({ l, status: form.status }).toEqual({ l, status: 200 });
      const ids = [...form.text.matchAll(/<(?:input|textarea|select)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
      for (const id of ids) expect({ l, id, labelled: form.text.includes(`for="${id}"`) }).toEqual({ l, id, labelled: true });
    }
    // A reason left out is named on its field, and nothing is recorded.
    const escalate = await dee.go(`${base}/register/dispute/${ref}/form/escalate`);
    const refused = await dee.submit(escalate, { reason: '' }, /\/form\/escalate/);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#f-reason"');
    expect((await bot.app.service.get({ id: disputeId }))!.stage).toBe(1);
  });

  it('[R3.2] refuses a forged or cross-site post: no button for what a person may not do, a post for it refused, a form without the session\'s token refused', async () => {
    // The trust cannot confirm for the ICB: it is not on the page, and a forged post of it is refused with the reason.
    const before = await bot.app.db.prisma.confirmation.count();
    const trustPage = await page(lou);
    expect(trustPage.text).not.toContain('value="anytown-icb"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(trustPage.text)![1]!;
    const forged = await lou.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: { csrf, key: 'forgedkeyforgedkey0001', verb: 'confirm', s: '1', o: 'anytown-icb' } });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(words(forged)).toMatch(/There is a problem.*Not recorded/);
    // A form another site made (no token, or someone else's) changes nothing.
    const cross = await ivy.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: { csrf: 'not-the-token', key: 'crosssitekeycrosssite01', verb: 'confirm', s: '1', o: 'anytown-icb' } });
    expect(cross.status).toBe(403);
    expect(words(cross)).toMatch(/This form had expired, so nothing was recorded/);
    expect(await bot.app.db.prisma.confirmation.count()).toBe(before);
    // Someone who is not a participant does not see the dispute at all.
    const kit = await viaProvider('anytown-icb', 'kit.webb@anytown.nhs.uk');
    expect((await kit.go(`${base}/register/dispute/${ref}/act`, { method: 'POST', form: { csrf: 'x', verb: 'confirm', s: '1', o: 'anytown-icb' } })).status).toBe(404);
  });
});
