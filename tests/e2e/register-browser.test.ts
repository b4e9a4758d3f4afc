import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { buildRegister } from '../fixtures/register.ts';
import { ARTIFACTS, axe, describeWithChromium, launchChromium, signInAt, startWebBot, type WebBot } from '../helpers/chromium.ts';

// The register as people use it: headless Chromium (Debian's, installed by
// scripts/install-browser.sh) signing in through a real OpenID provider.

describeWithChromium('the register in a browser', () => {
  let browser: Browser;
  let web: WebBot;
  let bot: Bot;
  let base: string;

  beforeAll(async () => {
    const clock = new FakeClock('2026-10-05T10:00:00Z');
    web = await startWebBot({ clock, oidc: true });
    ({ bot, base } = web);
    await buildRegister(bot, clock);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  const signIn = (email: string, opts: BrowserContextOptions = {}): Promise<Page> => signInAt(browser, `${base}/register`, email, /\/register/, opts);
  const refs = async (page: Page) => (await page.locator('tbody a[href^="/register/dispute/"]').allTextContents()).sort();

  it('[R9.1] shows a governance lead every dispute, filters them, and opens a timeline', async () => {
    const page = await signIn('pat.lee@anytown.nhs.uk');
    await page.screenshot({ path: path.join(ARTIFACTS, 'governance-register.png'), fullPage: true });
    expect(await page.locator('h1').textContent()).toBe('Section 117 disputes');
    expect(await refs(page)).toEqual(['S117-2026-0001', 'S117-2026-0002', 'S117-2027-0001']);
    // Keyboard and labels: every form control has a label.
    for (const id of ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'org', 'subject', 'stage', 'status', 'flag']) {
      expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
    }
    await page.selectOption('#status', 'OVERDUE');
    await page.click('text=Apply filters');
    expect(await refs(page)).toEqual(['S117-2027-0001']);
    await page.click('text=S117-2027-0001');
    expect(await page.locator('h1').textContent()).toBe('S117-2027-0001');
    expect(await page.locator('ol.timeline li').count()).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dispute-timeline.png'), fullPage: true });
  });

  it('[R9.2] shows the Partnership Board report with its charts', async () => {
    const page = await signIn('pat.lee@anytown.nhs.uk');
    await page.goto(`${base}/register/report?from=2026-10-01&to=2027-02-28`);
    expect(await page.locator('figure svg[role="img"]').count()).toBe(4);
    const box = await page.locator('figure svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    await page.screenshot({ path: path.join(ARTIFACTS, 'board-report.png'), fullPage: true });
  });

  it('meets WCAG 2.2 AA as far as axe-core can tell, on the list, a dispute and the report', async () => {
    // axe is injected by the test; the context ignores our CSP only so that it can run.
    const page = await signIn('pat.lee@anytown.nhs.uk', { bypassCSP: true });
    const problems: string[] = [];
    for (const path of ['/register', '/register/dispute/S117-2026-0002', '/register/report?from=2026-10-01&to=2027-02-28']) {
      await page.goto(`${base}${path}`);
      const violations = await axe(page);
      problems.push(...violations.map((v) => `${path}: ${v}`));
    }
    expect(problems).toEqual([]);
    // The check is real: a page with a fault is reported.
    await page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=\\'unlabelled\\'>')");
    const found = await axe(page, ['wcag2a']);
    expect(found.map((v) => v.split(':')[0])).toContain('label');
  });

  it('[R9.1] works on a phone: the filters fit the screen, the list scrolls in its own box, the CSV downloads', async () => {
    const page = await signIn('pat.lee@anytown.nhs.uk', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, acceptDownloads: true });
    await page.goto(`${base}/register`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-register.png'), fullPage: true });
    // Nothing pushes the page sideways; only the table's own region scrolls.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    for (const id of ['from', 'org', 'flag']) {
      const box = (await page.locator(`#${id}`).boundingBox())!;
      expect({ id, right: box.x + box.width <= 390 }).toEqual({ id, right: true });
    }
    expect(await page.evaluate("(() => { const t = document.querySelector('.table-scroll'); return t.scrollWidth > t.clientWidth; })()")).toBe(true);
    expect(await page.locator('tbody').textContent()).toMatch(/Overdue by 3 working days/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download these disputes as CSV')]);
    expect(download.suggestedFilename()).toMatch(/^s117-disputes-\d{4}-\d{2}-\d{2}\.csv$/);
    await page.goto(`${base}/register/report?from=2026-10-01&to=2027-02-28`);
    expect(await page.locator('ul.summary li').count()).toBe(5);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-report.png'), fullPage: true });
  });

  it('[R9.1] reflows a dispute\'s stage table at 320 CSS pixels (WCAG 1.4.10), and takes dates as day, month and year', async () => {
    const page = await signIn('pat.lee@anytown.nhs.uk', { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    await page.goto(`${base}/register/dispute/S117-2027-0001`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-dispute.png'), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    const cell = (await page.locator('table.reflow td[data-label="Deadline"]').first().boundingBox())!;
    expect(cell.x + cell.width).toBeLessThanOrEqual(320);
    await page.goto(`${base}/register`);
    await page.fill('#from-day', '1');
    await page.fill('#from-month', '1');
    await page.fill('#from-year', '2027');
    await page.click('text=Apply filters');
    await page.waitForURL(/from-year=2027/);
    expect(await refs(page)).toEqual(['S117-2027-0001']);
  });

  it('shows a participant only their disputes, and a stranger nothing', async () => {
    const lou = await signIn('lou.gray@anytown.nhs.uk');
    expect(await refs(lou)).toEqual(['S117-2027-0001']);
    await lou.screenshot({ path: path.join(ARTIFACTS, 'participant-register.png'), fullPage: true });
    const stranger = await signIn('mallory@example.com');
    expect(await stranger.locator('.error').textContent()).toMatch(/not in the Section 117 directory/);
    expect(await stranger.locator('tbody tr').count()).toBe(0);
    await stranger.screenshot({ path: path.join(ARTIFACTS, 'stranger.png') });
  });
});
