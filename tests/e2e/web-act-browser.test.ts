import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSmtpRelay } from '../fakes/smtp.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { ARTIFACTS, axe, describeWithChromium, launchChromium, signInAt, startWebBot, type WebBot } from '../helpers/chromium.ts';
import { OIDC_ENV } from '../helpers/oidc.ts';
import { until } from '../helpers/wait.ts';

// Acting on a dispute's web page as people do: headless Chromium (Debian's), signing in through a real OpenID
// provider, proposing a decision from one organisation and confirming it from another, with the keyboard-reachable
// NHS form patterns and axe-core's WCAG 2.2 AA checks on the pages that act.

describeWithChromium('acting on a dispute in a browser', () => {
  let browser: Browser;
  let web: WebBot;
  let bot: Bot;
  let base: string;
  let ref: string;

  beforeAll(async () => {
    web = await startWebBot({ clock: new FakeClock('2026-12-07T10:00:00Z'), oidc: true });
    ({ bot, base } = web);
    ref = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute.reference;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  const signIn = (email: string): Promise<Page> =>
    signInAt(browser, `${base}/register/dispute/${ref}`, email, new RegExp(`/register/dispute/${ref}`), { bypassCSP: true });

  it('[R3.2] proposes a decision on the web page and confirms it from another organisation, each recorded as from the web', async () => {
    const ivy = await signIn('ivy.nash@anytown.nhs.uk');
    expect(await axe(ivy)).toEqual([]);
    await ivy.click('text=Record a decision');
    await ivy.waitForURL(/\/form\/decide/);
    // Sent with nothing chosen: the error summary comes first and takes the reader to the field.
    await ivy.click('button:has-text("Propose")');
    expect(await ivy.locator('.error-summary h2').textContent()).toBe('There is a problem');
    // Every problem at once (NHS error summary): the title says so, focus is on the summary, each link reaches its field.
    expect(await ivy.title()).toMatch(/^Error: Record a decision/);
    expect(await ivy.evaluate('document.activeElement && document.activeElement.className')).toBe('error-summary');
    expect(await ivy.locator('.error-summary a').count()).toBe(7);
    expect(await ivy.locator('.error-message').count()).toBe(7);
    await ivy.locator('.error-summary a[href="#f-basisNeed"]').click();
    expect(await ivy.evaluate('document.activeElement && document.activeElement.id')).toBe('f-basisNeed');
    expect(await axe(ivy)).toEqual([]);
    await ivy.screenshot({ path: path.join(ARTIFACTS, 'decision-form-errors.png'), fullPage: true });
    await ivy.check('input[name="outcome"][value="AGREEMENT"]');
    await ivy.check('input[name="effect"][value="CHANGES"]');
    await ivy.check('input[name="basis"][value="ASSESSED_NEED"]');
    await ivy.getByLabel('Day').fill('1');
    await ivy.getByLabel('Month').fill('1');
    await ivy.getByLabel('Year').fill('2027');
    await ivy.getByLabel('What NHS Anytown ICB pays (its share or element)').fill('60%');
    await ivy.getByLabel('What Anytown Council pays (its share or element)').fill('40%');
    await ivy.getByLabel('What was decided').fill('The ICB pays 60% and the council 40% from 1 January.');
    await ivy.getByLabel('Basis in assessed need').fill('Assessed need for supported accommodation.');
    await ivy.getByLabel('How the statutory Section 117 tests apply').fill('Meets a need arising from the disorder.');
    await ivy.getByRole('textbox', { name: 'Risk of deterioration or readmission' }).fill('High risk without it.');
    await ivy.click('button:has-text("Propose")');
    await ivy.waitForURL(new RegExp(`/register/dispute/${ref}\\?notice=`));
    expect(await ivy.locator('.notice').count()).toBe(1);
    expect(await ivy.locator('.act-panel').textContent()).toMatch(/Decision waiting for confirmation/);

    const dee = await signIn('dee.obi@anytown.gov.uk');
    const confirm = dee.locator('button:has-text("Confirm for Anytown Council")');
    expect(await confirm.count()).toBe(1);
    // Nobody confirms for an organisation other than their own: no such button.
    expect(await dee.locator('button:has-text("Confirm for NHS Anytown ICB")').count()).toBe(0);
    await dee.screenshot({ path: path.join(ARTIFACTS, 'dispute-act-panel.png'), fullPage: true });
    expect(await axe(dee)).toEqual([]);
    await confirm.focus();
    await dee.keyboard.press('Enter');
    await dee.waitForURL(/notice=/);
    const d = (await bot.app.service.get({ reference: ref }))!;
    const history = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id, type: { in: ['DECISION_PROPOSED', 'DECISION_CONFIRMED'] } }, orderBy: { seq: 'asc' } });
    expect(history.map((h) => [h.type, h.actorId, h.platform])).toEqual([
      ['DECISION_PROPOSED', 'ivy-nash', 'web'], ['DECISION_CONFIRMED', 'dee-obi', 'web'],
    ]);
    expect(await dee.locator('ol.timeline').textContent()).toMatch(/Dee Obi on web/);
  });
});

describeWithChromium('taking part by e-mail only, in a browser', () => {
  let browser: Browser;
  let web: WebBot;
  let bot: Bot;
  let relay: FakeSmtpRelay;
  let base: string;
  let ref: string;

  beforeAll(async () => {
    relay = new FakeSmtpRelay();
    await relay.start();
    // No sign-in provider at all: every organisation signs in with e-mailed links.
    web = await startWebBot({
      clock: new FakeClock('2026-12-07T10:00:00Z'),
      env: { SESSION_SECRET: OIDC_ENV.SESSION_SECRET, SIGN_IN_LINKS: 'on', SMTP_URL: relay.url, MAIL_FROM: 's117-noreply@anytown.nhs.uk' },
    });
    ({ bot, base } = web);
    ref = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute())).dispute.reference;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await relay?.stop();
  });

  it('[R9.1] chooses the organisation, asks for a link, signs in with it from the e-mail and ticks a checklist item', async () => {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    await page.goto(`${base}/register/dispute/${ref}`);
    expect(await page.locator('legend').first().textContent()).toBe('Which organisation do you work for?');
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('NHS Anytown ICB').check();
    await page.click('button:has-text("Continue")');
    await page.click('button:has-text("Send me a sign-in link")');
    expect(await page.locator('.error-summary a').textContent()).toBe('Enter your work e-mail address');
    expect(await axe(page)).toEqual([]);
    await page.getByLabel('Your work e-mail address').fill('ivy.nash@anytown.nhs.uk');
    await page.click('button:has-text("Send me a sign-in link")');
    expect(await page.locator('h1').textContent()).toBe('Check your e-mail');
    await until(async () => {
      await bot.app.scheduler.tick();
      return relay.to('ivy.nash@anytown.nhs.uk').some((m) => m.parsed.subject === 'Sign in to the Section 117 register');
    }, 'the sign-in e-mail', 60_000);
    const mail = relay.to('ivy.nash@anytown.nhs.uk').find((m) => m.parsed.subject === 'Sign in to the Section 117 register')!;
    await page.goto(/https?:\/\/\S+\/register\/login\/link\?t=\S+/.exec(String(mail.parsed.text))![0]);
    await page.click('button:has-text("Sign in")');
    await page.goto(`${base}/register/dispute/${ref}`);
    expect(await page.locator('header').textContent()).toMatch(/Signed in as Ivy Nash/);
    await page.locator('button:has-text("Tick")').first().click();
    await page.waitForURL(/notice=/);
    const d = (await bot.app.service.get({ reference: ref }))!;
    const ticked = await bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id, type: 'CHECKLIST_TICKED' } });
    expect(ticked.map((h) => [h.actorId, h.platform])).toEqual([['ivy-nash', 'web']]);
  });
});
