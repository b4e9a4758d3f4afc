import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { FakeClock } from '../fakes/clock.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

/**
 * `s117 dispute act` as a professional types it, against a real embedded database in a folder. The commands run
 * against one app opened on that folder, as the bot runs them for a local user: opening the folder for every
 * command (covered in tests/integration/cli.test.ts and security/data-files.test.ts) cost a minute of CPU here.
 */
function cli(app: TestApp) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app, clock: app.clock });
    return { code, out, err };
  };
}

const agreement = (over: Record<string, unknown>) => JSON.stringify({
  type: 'PROPOSE_DECISION',
  input: {
    outcome: 'AGREEMENT', effect: 'CONTINUES', basis: ['ASSESSED_NEED'], summary: 'The ICB funds it.',
    basisNeed: 'Needs assessed.', basisTests: 'Tests reviewed.', basisRisk: 'Low.', ...over,
  },
});

describe('what a decision does to aftercare, on the command line', () => {
  let dir: string;
  let app: TestApp;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-effect-'));
    app = await testApp({ dataDir: path.join(dir, 'db'), clock: new FakeClock('2026-12-07T10:00:00Z'), env: { LOG_LEVEL: 'silent' } });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R7.1] a Stage 1 decision worded "the duty under section 117 has now been discharged" cannot end aftercare', async () => {
    const s117 = cli(app);
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml')).code).toBe(0);
    const act = (who: string, json: string) => s117('dispute', 'act', 'S117-2026-0001', '--as', who, '--json', json);
    const words = 'The duty under section 117 has now been discharged.';
    // The choice is required, and named when it is missing or not one of the list.
    const missing = await act('ali-khan', JSON.stringify({ type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', summary: words, basisNeed: 'n', basisTests: 't', basisRisk: 'r' } }));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/input\.effect: is required: what the decision does to aftercare, one of CONTINUES, CHANGES, REDUCES, TRANSFERS, ENDS/);
    expect(missing.err).toMatch(/input\.basis: is required: a list of one or more of ASSESSED_NEED, STATUTORY_TESTS, RISK/);
    const budget = await act('ali-khan', agreement({ basis: ['BUDGET'] }));
    expect(budget.err).toMatch(/input\.basis\.0: must be one of ASSESSED_NEED, STATUTORY_TESTS, RISK/);
    // Ending is refused below Stage 3, whatever the words; the words alone ask once.
    const ends = await act('ali-khan', agreement({ effect: 'ENDS', summary: words }));
    expect(ends).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: Ending Section 117 aftercare can only be decided at Stage 3/) });
    const asked = await act('ali-khan', agreement({ summary: words }));
    expect(asked).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: This reads as ending aftercare — is that what you mean\? .*"wordingConfirmed"/) });
    expect((await act('ali-khan', agreement({ summary: words, wordingConfirmed: true }))).code).toBe(0);
    expect((await act('ali-khan', '{"type":"CONFIRM_DECISION","seq":1,"organisationId":"anytown-council"}')).code).toBe(0);
    expect((await act('gus-hart', '{"type":"CONFIRM_DECISION","seq":1,"organisationId":"anytown-icb"}')).code).toBe(0);
    const shown = await s117('dispute', 'show', 'S117-2026-0001');
    expect(shown.out).toMatch(/RESOLVED|resolved/);
    expect(shown.out).not.toMatch(/End Section 117 aftercare/);
  }, 120_000);
});
