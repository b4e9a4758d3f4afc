import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv } from '../../src/platforms.ts';
import type { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY } from './app.ts';
import { freePort, OIDC_ENV, startOidcProvider } from './oidc.ts';

// What the real-browser suites share: Debian's headless Chromium (installed by scripts/install-browser.sh), axe-core's
// WCAG checks, and a bot on loopback with the register's sign-in through a real OpenID provider.

const CHROMIUM = '/usr/bin/chromium';
const AXE = path.resolve('node_modules/axe-core/axe.min.js');
/** Where the suites leave screenshots for people to look at. */
export const ARTIFACTS = path.resolve('test-artifacts', 'register');

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) process.stdout.write('Browser tests skipped: Chromium is not installed (npm run install:browser).\n');
/** `describe` where Chromium is installed, `describe.skip` (with a line saying why) where it is not. */
export const describeWithChromium = haveChromium ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The WCAG 2.2 AA tags axe-core checks by default. */
export const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * axe-core's violations on the page, as "rule: first nodes". axe is injected by the test, so the page's context must
 * have been made with `bypassCSP: true` (the register's CSP allows no scripts).
 */
export async function axe(page: Page, tags: string[] = WCAG_AA): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`) as Promise<string[]>;
}

/** A fresh context signed in through the test provider's login (and consent) pages from `start`; waits for `landing`. */
export async function signInAt(browser: Browser, start: string, email: string, landing: RegExp, opts: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await browser.newContext(opts)).newPage();
  await page.goto(start);
  await page.fill('input[name="login"]', email);
  await page.fill('input[name="password"]', 'any');
  await page.click('button[type="submit"]');
  if (page.url().includes('/interaction/')) await page.click('button[type="submit"]'); // consent
  await page.waitForURL(landing);
  return page;
}

export interface WebBot { bot: Bot; base: string; stop(): Promise<void> }

/**
 * The bot on a free loopback port, with the example directory, the register in memory and no scheduler; with `oidc`,
 * signing in through a real OpenID provider of its own. `env` adds to (or overrides) that.
 */
export async function startWebBot(opts: { clock: FakeClock; oidc?: boolean; env?: Record<string, string> }): Promise<WebBot> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = opts.oidc ? await startOidcProvider(base) : null;
  const env = loadEnv({
    PORT: String(port), HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', PUBLIC_URL: base,
    ...(provider ? { OIDC_ISSUER: provider.issuer, ...OIDC_ENV } : {}), ...opts.env,
  });
  const bot = await startBot({ env, logger: createLogger('silent'), clock: opts.clock, scheduler: false });
  return {
    bot, base,
    async stop() {
      await bot.stop();
      provider?.close();
    },
  };
}
