import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { forCli } from '../../src/cli/wording.ts';
import { commandSchema } from '../../src/cli/schemas.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DIRECTORY } from '../helpers/app.ts';

// The command line as an operator meets it: its version, the actions it
// takes, what a tick did, times in the partnership's zone, refusals in its words.

describe('the s117 command line for operators', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-cli-ops-'));
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const s117 = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      stdout: (s) => { out += s; }, stderr: (s) => { err += s; },
      env: { DATA_DIR: path.join(dir, 'db'), DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' }, clock,
    });
    return { code, out, err };
  };
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('prints its version from package.json', async () => {
    const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(await s117('--version')).toMatchObject({ code: 0, out: `${version}\n` });
  });

  it('lists every action with its fields in "dispute act --help", from the schemas that check them', async () => {
    const r = await s117('dispute', 'act', '--help');
    expect(r.code).toBe(0);
    const types = (commandSchema as unknown as { options: { shape: { type: { value: string } } }[] }).options.map((o) => o.shape.type.value);
    expect(types.length).toBeGreaterThan(10);
    for (const t of types) expect(r.out).toMatch(new RegExp(`^  ${t} — `, 'm'));
    expect(r.out).toMatch(/^ {4}stage: 1 or 2 or 3 or 4$/m);
    expect(r.out).toMatch(/^ {8}outcome: one of AGREEMENT, DECISION, ESCALATE, WRITTEN_DECISION, END_AFTERCARE$/m);
    expect(r.out).toMatch(/^ {4}referralDate\?: date YYYY-MM-DD \(default null\)$/m);
    expect(r.out).toMatch(/^ {4}ticked\?: true or false \(default true\)$/m);
  });

  it('says what a tick delivered and what it queued for working hours, and shows history and the CSV in the partnership\'s time zone', async () => {
    const file = path.join(dir, 'raise.yaml');
    fs.copyFileSync('tests/fixtures/raise-funding.yaml', file);
    clock.set('2026-06-01T09:30:00Z'); // 10:30 in London (summer time)
    expect((await s117('dispute', 'raise', '--as', 'ali-khan', '--file', file)).code).toBe(0);
    const first = await s117('tick');
    expect(first.out).toMatch(/^Delivered \(\d+\):$/m);
    expect(first.out).toMatch(/^ {2}S117-2026-0001: open the case space$/m);
    expect(first.out).toMatch(/^ {2}S117-2026-0001: direct message to dee-obi — "/m);
    clock.set('2026-06-01T18:00:00Z'); // 7pm in London: the new stage's pings wait for the morning
    expect((await s117('dispute', 'act', 'S117-2026-0001', '--as', 'ali-khan', '--json', '{"type":"ESCALATE","reason":"no agreement"}')).code).toBe(0);
    const evening = await s117('tick');
    expect(evening.out).toMatch(/^Queued \(\d+\):$/m);
    expect(evening.out).toMatch(/direct message to bea-jones — ".*" — held until 2026-06-02 09:00 \(working hours\)$/m);
    expect((await s117('tick')).out).toMatch(/held until 2026-06-02 09:00/);
    const show = await s117('dispute', 'show', 'S117-2026-0001');
    expect(show.out).toMatch(/^ {4}1 {2}2026-06-01 10:30 {2}RAISED/m);
    expect(show.out).toMatch(/2026-06-01 19:00 {2}ESCALATED/);
    const csv = (await s117('register', 'export', '--format', 'csv')).out.split('\n')[1]!;
    expect(csv).toMatch(/^S117-2026-0001,OPEN,2026-06-01 10:30,cli,/);
    // R9.1: a stage left by early escalation is "escalated", not "met".
    expect(csv).toMatch(/,2026-06-01 10:30,2026-06-08 17:00,2026-06-01 19:00,escalated,2026-06-01 19:00,2026-06-15 17:00,,/);
  }, 400_000);

  it('a folder given as the directory file, or the default file missing, gets one sentence saying what to do', async () => {
    expect(await s117('directory', 'check', dir)).toMatchObject({ code: 2, err: `${dir} is a folder, not a directory file: give the path of the directory YAML file.\n` });
    const missing = await s117('directory', 'check', path.join(dir, 'nope.yaml'));
    expect(missing).toMatchObject({ code: 2, err: `The directory file ${path.join(dir, 'nope.yaml')} does not exist.\n` });
  });

  it('explains every gap in the directory: who, what is wrong, and how to fix it', async () => {
    const file = path.join(dir, 'gaps.yaml');
    fs.writeFileSync(file, [
      'partnership: P',
      'organisations:',
      '  - { id: icb, name: The ICB, kind: ICB }',
      '  - { id: council, name: The Council, kind: LOCAL_AUTHORITY }',
      '  - { id: trust, name: The Trust, kind: NHS_TRUST }',
      'people:',
      '  - { id: ann, name: Ann, organisation: icb, roles: [OPERATIONAL_LEAD, SENIOR_OFFICER, GOVERNANCE_LEAD], slack: U0ANN0001, email: ann@x.nhs.uk, manager: bob }',
      '  - { id: bob, name: Bob, organisation: council, roles: [OPERATIONAL_LEAD], email: ANN@x.nhs.uk, teams: not-a-guid }',
      '  - { id: cy, name: Cy, organisation: council, roles: [SOCIAL_WORKER] }',
    ].join('\n'));
    const r = await s117('directory', 'check', file);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/The Council \(council\) has no SENIOR_OFFICER: nobody can confirm for it at Stage 3.*Add SENIOR_OFFICER to the roles/),
      expect.stringMatching(/The Trust \(trust\) has nobody in the directory.*organisation: trust/),
      expect.stringMatching(/Cy \(cy\) has no slack or teams id: the bot cannot invite or message them.*Add slack: U… or teams: <Entra object id>/),
      expect.stringMatching(/Cy \(cy\) has no email: they cannot be matched when they sign in.*Add email:/),
      expect.stringMatching(/Bob \(bob\) has teams: "not-a-guid", which is not a Microsoft Entra object id.*Object ID/),
      expect.stringMatching(/Bob \(bob\) has the same email as Ann \(ann\)/),
      expect.stringMatching(/Ann \(ann\) has manager Bob \(bob\) from another organisation/),
      expect.stringMatching(/governance\.slack is not set.*governance: \{ slack: C…/),
    ]));
    expect(lines).toHaveLength(9);
    fs.writeFileSync(file, 'partnership: P\norganisations: []\npeople: []\n');
    const bad = await s117('directory', 'check', file);
    expect(bad.code).toBe(65);
    expect(bad.err).toMatch(/organisations: needs at least two organisations\nFix each line in .* and run "s117 directory check" again/);
  });

  it('speaks CLI in refusals written for chat buttons', () => {
    expect(forCli('At this level only Anytown Council\'s senior officer can confirm. Ask them to press "Confirm".'))
      .toBe('At this level only Anytown Council\'s senior officer can confirm. Ask them to use "Confirm" in chat, or run "s117 dispute act" with the matching action (s117 dispute act --help lists them).');
    expect(forCli('Nothing to translate.')).toBe('Nothing to translate.');
  });
});
