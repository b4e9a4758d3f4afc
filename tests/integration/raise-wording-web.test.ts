import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, DIRECTORY } from '../helpers/app.ts';
import { Browser } from '../helpers/browser.ts';
import { freePort, OIDC_ENV, startOidcProvider } from '../helpers/oidc.ts';
import { type Page, WebClient, words } from '../helpers/web-client.ts';

// R7.2 on the register's raise form (/register/raise), over HTTP, signed in through the test provider, on both
// databases: the same question as in chat and on the command line, drawn as a required choice on the form again.

const PROPOSES = 'The council proposes to discharge him from section 117 from January.';
const QUESTION = 'This reads as a dispute about ending aftercare — is that what you mean?';

describe.each(DATABASES)('raising with words that propose an ending, on the web (%s)', (_name, database) => {
  let provider: { issuer: string; close: () => void };
  let bot: Bot;
  let base: string;
  let cleanup: () => Promise<void>;
  let ali: Browser;
  let n = 0;

  beforeAll(async () => {
    const db = await database();
    cleanup = db.cleanup;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(base);
    const env = loadEnv({
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', PUBLIC_URL: base,
      OIDC_ISSUER: provider.issuer, ...OIDC_ENV, ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock: new FakeClock('2026-12-07T10:00:00Z'), scheduler: false });
    ali = new Browser();
    expect((await ali.signIn(base, 'ali.khan@anytown.gov.uk')).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await bot?.stop();
    provider?.close();
    await cleanup?.();
  });

  const byCase = async (ref: string) => (await bot.app.service.all()).find((d) => d.localCaseRef === ref);
  const raisedEntry = async (id: string) => (await bot.app.service.history(id)).find((h) => h.type === 'RAISED')!.data as Record<string, unknown>;
  /** What a person types and chooses (the form's own hidden fields and pre-chosen radios come from the page). */
  const typed = (ref: string, description: string) => ({
    subjects: ['FUNDING'], setting: 'COMMUNITY', parties: ['anytown-icb'], localCaseRef: ref, description,
    currentCare: 'Supported living with 10 hours a week of floating support.',
  });
  const raise = async (values: Record<string, string | string[]>, from?: Page): Promise<Page> =>
    ali.submit(from ?? await ali.go(`${base}/register/raise`), values, '/register/raise');

  it('[R7.2] web: the register offers "Raise a dispute" to a signed-in person', async () => {
    const list = await ali.go(`${base}/register`);
    expect(list.text).toContain('href="/register/raise"');
    const form = await ali.go(`${base}/register/raise`);
    expect(form.status).toBe(200);
    expect(words(form)).toMatch(/What is the disagreement about\?/);
    // The question is not asked before the words are read.
    expect(form.text).not.toContain('name="wordingConfirmed"');
  });

  it('[R7.2] web: "proposes to discharge him from section 117" comes back as typed with the question; either answer raises it', async () => {
    const kept = `RWW-${++n}`;
    const asked = await raise(typed(kept, PROPOSES));
    expect(asked.status).toBe(400);
    expect(await byCase(kept)).toBeUndefined();
    expect(words(asked)).toContain('There is a problem');
    expect(words(asked)).toContain(QUESTION);
    expect(asked.text).toMatch(/<input type="radio" id="f-wordingConfirmed-first" name="wordingConfirmed" value="ending">/);
    expect(asked.text).toMatch(/name="wordingConfirmed" value="as-chosen">/);
    // The error summary links to the question, and what was typed is still there.
    expect(asked.text).toContain('href="#f-wordingConfirmed"');
    expect(asked.text).toContain(PROPOSES);
    expect(asked.text).toMatch(/name="localCaseRef" value="RWW-\d+"/);

    const no = await raise({ ...typed(kept, PROPOSES), wordingConfirmed: 'as-chosen' }, asked);
    expect(no.status).toBe(200);
    expect(no.url).toMatch(/\/register\/dispute\/S117-\d{4}-\d{4}\?notice=/);
    expect(words(no)).toMatch(/is raised at Stage 1/);
    const d = (await byCase(kept))!;
    expect(d).toMatchObject({ stage: 1, endingProposal: false, raisedOn: 'web' });
    expect(await raisedEntry(d.id)).toMatchObject({ wordingQuery: 'ENDS' });
    // The dispute's page shows the question in its history, as the referral pack does.
    expect(words(no)).toMatch(/its words read as ending aftercare, and the raiser confirmed it is not about ending/);

    const ending = `RWW-${++n}`;
    const again = await raise(typed(ending, PROPOSES));
    expect(again.status).toBe(400);
    const yes = await raise({ ...typed(ending, PROPOSES), wordingConfirmed: 'ending' }, again);
    expect(words(yes)).toMatch(/is raised at Stage 3/);
    expect(await byCase(ending)).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ENDING_AFTERCARE'] });
  });

  it('[R7.2] web: the question left unanswered is asked again, on its field, and nothing is raised', async () => {
    const ref = `RWW-${++n}`;
    const asked = await raise(typed(ref, PROPOSES));
    const unanswered = await raise(typed(ref, PROPOSES), asked);
    expect(unanswered.status).toBe(400);
    expect(unanswered.text).toContain('href="#f-wordingConfirmed"');
    expect(await byCase(ref)).toBeUndefined();
  });

  it.each([
    'Discharged from hospital on 3 March; aftercare continues.',
    'The CMHT discharged him from its caseload but his s117 package continues.',
  ])('[R7.2] web: a lawful near-miss is raised at once, without the question: "%s"', async (description) => {
    const ref = `RWW-${++n}`;
    const page = await raise(typed(ref, description));
    expect(words(page)).toMatch(/is raised at Stage 1/);
    const d = (await byCase(ref))!;
    expect(await raisedEntry(d.id)).not.toHaveProperty('wordingQuery');
  });

  it('[R7.2] web: a raise without the session\'s CSRF token, or from someone not signed in, records nothing', async () => {
    const ref = `RWW-${++n}`;
    const form = WebClient.form(await ali.go(`${base}/register/raise`), '/register/raise');
    const forged = await ali.go(`${base}/register/raise`, { method: 'POST', form: { ...form.fields, ...typed(ref, 'Who funds the placement.'), csrf: 'not-it' } });
    expect(forged.status).toBe(403);
    const stranger = await new WebClient().go(`${base}/register/raise`, { method: 'POST', form: typed(ref, 'Who funds the placement.'), follow: false });
    expect(stranger.status).toBe(302);
    expect(await byCase(ref)).toBeUndefined();
  });
});
