import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { readMigrations } from '../../src/register/migrate.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY, testApp, type TestApp } from '../helpers/app.ts';

/** Runs `s117 …` in-process against a real embedded database in a temp folder. */
function cli(dataDir: string, clock?: FakeClock, extraEnv: Record<string, string> = {}) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      stdout: (s) => { out += s; }, stderr: (s) => { err += s; },
      env: { DATA_DIR: dataDir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent', ...extraEnv }, ...(clock ? { clock } : {}),
    });
    return { code, out, err };
  };
}

/**
 * The same commands against one app opened on a folder, as the bot runs them for a local user. For the tests of
 * what a command does and prints: opening the folder for every command (the first R9.1 test still does, from
 * migration to export) cost each of them most of its time.
 */
function cliOn(app: TestApp) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app, clock: app.clock });
    return { code, out, err };
  };
}

describe('the s117 command line', () => {
  let dir: string;
  let app: TestApp | undefined;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-cli-')); });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const openApp = async () => {
    app = await testApp({ dataDir: path.join(dir, 'db'), clock: new FakeClock('2026-12-07T10:00:00Z'), env: { LOG_LEVEL: 'silent' } });
    return cliOn(app);
  };

  it('[R0.2] computes a deadline: `calendar add DATE N`', async () => {
    const s117 = cli(path.join(dir, 'db'));
    expect(await s117('calendar', 'add', '2026-12-23', '5')).toMatchObject({ code: 0, out: 'Monday 4 January 2027, 5pm (2027-01-04T17:00:00.000Z)\n' });
    expect(await s117('calendar', 'check', '2027-03-29')).toMatchObject({ code: 0, out: '2027-03-29 is not a working day (bank holiday: Easter Monday).\n' });
    const bad = await s117('calendar', 'add', 'soon', '5');
    expect(bad).toMatchObject({ code: 2, err: '"soon" is not a date like 2026-12-09.\n' });
    expect((await s117('calendar', 'add', '2026-12-23', 'five')).code).toBe(2);
  });

  it('never sends chat notifications through the log while Slack or Teams is configured: it leaves them queued and says so', async () => {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const s117 = cli(path.join(dir, 'db'), clock, { SLACK_BOT_TOKEN: 'xoxb-configured', SLACK_SIGNING_SECRET: 'secret' });
    await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
    const acted = await s117('dispute', 'act', 'S117-2026-0001', '--as', 'ali-khan', '--json', '{"type":"ADD_THEME","theme":"funding split","areas":["COMMISSIONING"]}');
    expect(acted).toMatchObject({ code: 0, out: expect.stringMatching(/notification\(s\) are queued for the bot to send on Slack or Teams/) });
    clock.set('2026-12-14T17:30:00Z');
    const ticked = await s117('tick');
    expect(ticked).toMatchObject({ code: 0, out: expect.stringMatching(/^Swept 1 dispute\(s\)\.\n\d+ notification\(s\) are queued for the bot/) });
    // The rows are still there for the bot: none was marked delivered.
    const summary = cli(path.join(dir, 'db'), clock);
    const again = await summary('tick');
    expect(again.out).toMatch(/delivered [1-9]\d* notification/);
  });

  it('checks a directory file and names what is wrong', async () => {
    const s117 = cli(path.join(dir, 'db'));
    expect(await s117('directory', 'check', DIRECTORY)).toMatchObject({ code: 0, out: expect.stringMatching(/is valid: Anytown Section 117 Partnership, 3 organisations, 16 people/) });
    const broken = path.join(dir, 'd.yaml');
    fs.writeFileSync(broken, 'partnership: P\norganisations:\n  - { id: a, name: A, kind: ICB }\n  - { id: b, name: B, kind: COUNCIL }\npeople: []\n');
    const r = await s117('directory', 'check', broken);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/organisations\[1\] \(b\)\.kind: must be one of ICB, LOCAL_AUTHORITY, NHS_TRUST, OTHER/);
    expect((await s117('directory', 'check', path.join(dir, 'missing.yaml'))).err).toMatch(/does not exist/);
  });

  it('[R9.1] migrates, raises, acts, ticks, shows and exports the register', async () => {
    const clock = new FakeClock('2026-12-07T10:00:00Z');
    const s117 = cli(path.join(dir, 'db'), clock);
    expect(await s117('db', 'migrate')).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`Applied ${readMigrations().length} migration`)) });
    expect(await s117('db', 'migrate')).toMatchObject({ code: 0, out: expect.stringMatching(/is up to date/) });

    const raised = await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml', '--key', 'r1');
    expect(raised).toMatchObject({ code: 0, out: expect.stringMatching(/^S117-2026-0001 — Stage 1: Frontline resolution\n {2}\d working days? left \(due Monday 14 December, 5pm\)/) });
    expect(raised.out).toMatch(/NHS number ending 919/);
    expect(raised.out).not.toMatch(/9434765919/);
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml', '--key', 'r1')).out).toMatch(/already raised/);

    const refused = await s117('dispute', 'act', 'S117-2026-0001', '--as', 'eve-ford', '--json', '{"type":"ESCALATE","reason":"x"}');
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: Only the participants of S117-2026-0001/) });
    const badJson = await s117('dispute', 'act', 'S117-2026-0001', '--as', 'ali-khan', '--json', '{"type":"ESCALATE"}');
    expect(badJson).toMatchObject({ code: 65, err: expect.stringMatching(/reason/) });

    clock.set('2026-12-14T17:30:00Z');
    expect(await s117('tick')).toMatchObject({ code: 0, out: expect.stringMatching(/^Swept 1 dispute\(s\)/) });
    const shown = await s117('dispute', 'show', 's117-2026-0001');
    expect(shown.out).toMatch(/Stage 2: Operational management escalation/);
    expect(shown.out).toMatch(/ESCALATED\s+system \(system\)/);
    expect((await s117('dispute', 'show', 'S117-2026-0999'))).toMatchObject({ code: 1, err: expect.stringMatching(/There is no dispute S117-2026-0999/) });

    const csv = await s117('register', 'export', '--format', 'csv', '--from', '2026-12-01', '--to', '2026-12-31');
    expect(csv.code).toBe(0);
    const lines = csv.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^S117-2026-0001,OPEN,.*,2,no,.*,missed,/);
    const none = await s117('register', 'export', '--format', 'json', '--from', '2027-01-01');
    expect(JSON.parse(none.out)).toEqual([]);
    const out = path.join(dir, 'register.json');
    expect((await s117('register', 'export', '--format', 'json', '--out', out)).out).toBe(`Wrote 1 dispute(s) to ${out}.\n`);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))[0]).toMatchObject({ reference: 'S117-2026-0001', stageReached: 2, stages: [{ stage: 1, met: false }, { stage: 2, met: null }] });
    expect((await s117('register', 'export', '--format', 'xml')).code).toBe(2);
    expect((await s117('register', 'export', '--from', '1 April')).err).toMatch(/--from: "1 April" is not a date\. Write it like 2026-04-01/);
  });

  it('[R6.3] records a CHC funding adjustment that each party then confirms, kept in the register', async () => {
    const s117 = await openApp();
    await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
    const act = (as: string, cmd: object) => s117('dispute', 'act', 'S117-2026-0001', '--as', as, '--json', JSON.stringify(cmd));
    expect((await act('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' })).code).toBe(0);
    const recorded = await act('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-11-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    expect(recorded.code).toBe(0);
    expect((await act('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
    // Read back from the register: one party has confirmed, the other is awaited.
    expect((await s117('dispute', 'show', 'S117-2026-0001')).out).toMatch(/Funding adjustment 1 \(from 2026-11-01\) waits for Anytown Council/);
    expect(await act('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' })).toMatchObject({ code: 1, err: expect.stringMatching(/your own organisation/) });
    expect((await act('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    const shown = await s117('dispute', 'show', 'S117-2026-0001');
    expect(shown.out).toMatch(/CHC_ADJUSTMENT_AGREED/);
    expect(shown.out).not.toMatch(/waits for/);
    expect((await act('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 'one', organisationId: 'anytown-council' })).code).toBe(65);
  });

  it('[R9.1] [R11.2] shows each history entry in words, and never a whole NHS number, even a corrected one', async () => {
    const s117 = await openApp();
    await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
    const act = (as: string, cmd: object) => s117('dispute', 'act', 'S117-2026-0001', '--as', as, '--json', JSON.stringify(cmd));
    expect((await act('ali-khan', { type: 'ESCALATE', reason: 'The ICB will not discuss the split.' })).code).toBe(0);
    expect((await act('ali-khan', { type: 'CORRECT', field: 'nhsNumber', value: '401 023 2137', reason: 'Digits transposed.', correctsSeq: 1 })).code).toBe(0);
    const shown = await s117('dispute', 'show', 'S117-2026-0001');
    expect(shown.out).toMatch(/ESCALATED .*\n {7}Escalated from Stage 1 to Stage 2: escalated early\. Reason: The ICB will not discuss the split\./);
    expect(shown.out).toMatch(/CORRECTED .*corrects #1\n {7}Corrected the NHS number: "NHS number ending 919" → "NHS number ending 137"\. Reason: Digits transposed\./);
    const json = await s117('dispute', 'show', 'S117-2026-0001', '--json');
    for (const out of [shown.out, json.out]) {
      expect(out).not.toMatch(/943\s?476\s?5919|401\s?023\s?2137/);
    }
    expect(JSON.parse(json.out).history.find((h: { type: string }) => h.type === 'CORRECTED').data).toMatchObject({ before: '*******919', after: '*******137' });
  });

  it('[R9.2] writes the Partnership Board report as a self-contained HTML file or CSV', async () => {
    const s117 = await openApp();
    await s117('dispute', 'raise', '--as', 'ali-khan', '--file', 'tests/fixtures/raise-funding.yaml');
    const out = path.join(dir, 'report.html');
    const r = await s117('report', '--from', '2026-12-01', '--to', '2026-12-31', '--out', out);
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/1 opened, 0 closed, 1 open at the end/) });
    const page = fs.readFileSync(out, 'utf8');
    expect(page).toMatch(/<style>/);
    expect((page.match(/<svg role="img"/g) ?? []).length).toBe(4);
    expect(page).not.toMatch(/href="\/register|<script|<link /);
    const csv = path.join(dir, 'report.csv');
    await s117('report', '--from', '2026-12-01', '--to', '2026-12-31', '--out', csv);
    expect(fs.readFileSync(csv, 'utf8')).toMatch(/^disputes,opened,1$/m);
    expect((await s117('report', '--from', '2026-12-01', '--out', out)).err).toMatch(/Give both --from and --to/);
    expect((await s117('report', '--out', path.join(dir, 'r.pdf'))).err).toMatch(/--out must end in .html or .csv/);
    // Default: the last full quarter (July–September when run in December).
    expect((await s117('report', '--out', csv)).out).toMatch(/for 2026-07-01 to 2026-09-30/);
  });

  it('explains itself with --help, and answers a typo with usage', async () => {
    const s117 = cli(path.join(dir, 'db'));
    const help = await s117('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/db\b.*\n.*directory/s);
    expect((await s117('register', 'export', '--help')).out).toMatch(/--format <format>/);
    expect((await s117('dispute', 'shwo')).code).toBe(2);
  });
});
