import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { ARTIFACTS, axe, describeWithChromium, launchChromium, signInAt, startWebBot, type WebBot } from '../helpers/chromium.ts';

// Raising a dispute from the register in headless Chromium (Debian's), signed in through a real OpenID provider: the
// form's NHS patterns and axe-core's WCAG 2.2 AA checks, with R7.2's question asked and answered from the keyboard.

describeWithChromium('raising a dispute in a browser', () => {
  let browser: Browser;
  let web: WebBot;
  let bot: Bot;
  let base: string;

  beforeAll(async () => {
    web = await startWebBot({ clock: new FakeClock('2026-12-07T10:00:00Z'), oidc: true });
    ({ bot, base } = web);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('[R7.2] raises from the register: words that propose an ending ask once, on the form, and "No" raises it at Stage 1', async () => {
    const ali = await signInAt(browser, `${base}/register`, 'ali.khan@anytown.gov.uk', /\/register$/, { bypassCSP: true });
    await ali.click('text=Raise a dispute');
    await ali.waitForURL(/\/register\/raise$/);
    expect(await axe(ali)).toEqual([]);
    await ali.check('input[name="subjects"][value="FUNDING"]');
    await ali.check('input[name="parties"][value="anytown-icb"]');
    await ali.getByLabel("The person's local case number").fill('RWB-1');
    await ali.getByLabel('What do the organisations disagree about?').fill('The council proposes to discharge him from section 117 from January.');
    await ali.getByLabel('What care does the person get now?').fill('Supported living with 10 hours a week of floating support.');
    await ali.click('button:has-text("Raise")');
    // The question, at the top of the form as typed: the error summary takes focus and its link reaches the choice.
    expect(await ali.locator('.error-summary h2').textContent()).toBe('There is a problem');
    expect(await ali.title()).toMatch(/^Error: Raise a dispute/);
    expect(await ali.evaluate('document.activeElement && document.activeElement.className')).toBe('error-summary');
    expect(await ali.locator('legend', { hasText: 'This reads as a dispute about ending aftercare — is that what you mean?' }).count()).toBe(1);
    expect(await ali.getByLabel('What do the organisations disagree about?').inputValue()).toMatch(/proposes to discharge him/);
    expect(await axe(ali)).toEqual([]);
    await ali.screenshot({ path: path.join(ARTIFACTS, 'raise-form-question.png'), fullPage: true });
    await ali.locator('.error-summary a[href="#f-wordingConfirmed"]').click();
    await ali.check('input[name="wordingConfirmed"][value="as-chosen"]');
    await ali.locator('button:has-text("Raise")').focus();
    await ali.keyboard.press('Enter');
    await ali.waitForURL(/\/register\/dispute\/S117-\d{4}-\d{4}\?notice=/);
    expect(await ali.locator('.notice').textContent()).toMatch(/is raised at Stage 1/);
    const d = (await bot.app.service.all()).find((x) => x.localCaseRef === 'RWB-1')!;
    expect(d).toMatchObject({ stage: 1, raisedOn: 'web' });
    const raised = (await bot.app.service.history(d.id)).find((h) => h.type === 'RAISED')!;
    expect(raised.data).toMatchObject({ wordingQuery: 'ENDS' });
  });
});
