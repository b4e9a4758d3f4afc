import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryError, loadDirectory, parseDirectory } from '../../src/config/directory.ts';
import { asStartupError } from '../../src/startup.ts';
import { ConfigError } from '../../src/config/env.ts';
import { loadEnv } from '../../src/platforms.ts';
import { stageParticipants } from '../../src/domain/participants.ts';
import { directory } from '../helpers/domain.ts';

const problems = (yaml: string): string[] => {
  try {
    parseDirectory(yaml, 'test.yaml');
  } catch (e) {
    if (e instanceof DirectoryError) return e.problems;
    throw e;
  }
  return [];
};

const orgs = `partnership: P
organisations:
  - { id: a-icb, name: A ICB, kind: ICB }
  - { id: a-council, name: A Council, kind: LOCAL_AUTHORITY }
`;

describe('the directory file', () => {
  // What the entry point prints is the message, each line prefixed "The bot cannot start:" unless indented.
  const startLine = (file: string): string[] => {
    try {
      loadDirectory(file);
    } catch (e) {
      const failure = asStartupError(e, { PORT: 3000, HOST: '127.0.0.1' });
      expect(failure?.exitCode).toBe(78);
      return failure!.message.split('\n');
    }
    return [];
  };

  it('refuses a DIRECTORY_FILE that is a folder in one line naming it, not with a stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dirfile-'));
    try {
      expect(startLine(dir)).toEqual([expect.stringMatching(/^DIRECTORY_FILE: .* cannot be read \(EISDIR\): give the path of the directory YAML file/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a DIRECTORY_FILE that was set but does not exist in one line (only the default falls back to the example)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dirfile-'));
    try {
      expect(startLine(path.join(dir, 'directry.yaml'))).toEqual([expect.stringMatching(/^DIRECTORY_FILE: .*directry\.yaml does not exist: give the path of your directory YAML file/)]);
      const warnings: string[] = [];
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        expect(loadDirectory('./config/directory.yaml', (m) => warnings.push(m)).directory.people.length).toBeGreaterThan(0);
      } finally {
        process.chdir(cwd);
      }
      expect(warnings).toEqual([expect.stringMatching(/does not exist, so the example directory .* is used/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where YAML that does not parse goes wrong in one line (the parser\'s excerpt of the file stays out)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dirfile-'));
    try {
      fs.writeFileSync(path.join(dir, 'd.yaml'), 'x: [\n');
      expect(startLine(path.join(dir, 'd.yaml'))).toEqual([expect.stringMatching(/^DIRECTORY_FILE: .*d\.yaml is not valid YAML: .* at line \d+, column \d+/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the shipped example', () => {
    const d = parseDirectory(fs.readFileSync('config/directory.example.yaml', 'utf8'));
    expect(d.organisations).toHaveLength(3);
    expect(d.people.find((p) => p.id === 'ali-khan')).toMatchObject({ managerId: 'bea-jones', handles: { slack: 'U0ALIKHAN1', teams: '00000000-0000-4000-8000-000000000004' }, roles: ['SOCIAL_WORKER'] });
  });

  it('names the entry and the field of each problem', () => {
    const p = problems(`${orgs}people:
  - { id: jo-smith, name: Jo Smith, organisation: a-icb, roles: [OPERATIONAL_LEED] }
  - { id: sam, name: Sam, organisation: nowhere, roles: [ADMIN], manager: ghost, email: not-an-email }
`);
    expect(p).toEqual(expect.arrayContaining([
      expect.stringMatching(/^people\[0\] \(jo-smith\)\.roles\[0\]: must be one of CARE_COORDINATOR/),
      expect.stringMatching(/^people\[1\] \(sam\)\.email: must be an e-mail address/),
    ]));
    const q = problems(`${orgs}people:
  - { id: sam, name: Sam, organisation: nowhere, roles: [ADMIN], manager: ghost }
`);
    expect(q).toEqual([
      'people[0] (sam).organisation: "nowhere" is not an organisation id in this file',
      'people[0] (sam).manager: "ghost" is not a person id in this file',
    ]);
  });

  it('refuses unknown keys, duplicate ids and bad YAML', () => {
    expect(problems(`${orgs}people: []\nsurprise: 1\n`)[0]).toMatch(/surprise/);
    expect(problems(`${orgs}  - { id: a-icb, name: Again, kind: ICB }\npeople: []\n`)).toEqual(['organisations[2] (a-icb): id is used twice']);
    expect(() => parseDirectory('partnership: [', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
  });

  it('reports a stage that would have nobody from a party organisation', () => {
    const noSenior = { ...directory, people: directory.people.filter((p) => p.id !== 'jon-park') };
    const r = stageParticipants({ parties: [{ organisationId: 'anytown-council' }, { organisationId: 'anytown-icb' }], raisedById: 'ali-khan', namedProfessionals: [], participants: [{ personId: 'ali-khan' }], legalAdviceAsked: false }, 3, noSenior);
    expect(r.gaps).toEqual(['anytown-icb']);
  });

  it('brings in team or service managers for a party with nobody else at Stage 2, and legal advisors at Stage 3 when asked', () => {
    const d = { parties: [{ organisationId: 'anytown-trust' }, { organisationId: 'anytown-council' }], raisedById: 'nia-rose', namedProfessionals: [], participants: [{ personId: 'nia-rose' }], legalAdviceAsked: true };
    expect(stageParticipants(d, 2, directory).added.map((a) => a.personId).sort()).toEqual(['cal-reid', 'max-holt']);
    expect(stageParticipants(d, 3, directory).added.map((a) => a.personId).sort()).toEqual(['eve-ford', 'fay-lowe', 'oli-shaw']);
  });
});

describe('environment configuration', () => {
  it('has defaults for everything, so nothing needs configuring to start', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', DIRECTORY_FILE: './config/directory.yaml', CLOSE_OF_BUSINESS: '17:00', TIME_ZONE: 'Europe/London' });
    expect(env.DATABASE_URL).toBeUndefined();
  });
  it('stops with a message naming each bad variable and what is wrong', () => {
    expect(() => loadEnv({ PORT: 'eighty', CLOSE_OF_BUSINESS: '5pm', LOCAL_CLOSURE_DAYS: '2026-12-24,christmas eve', DATABASE_URL: 'mysql://x' }))
      .toThrow(ConfigError);
    try {
      loadEnv({ CLOSE_OF_BUSINESS: '5pm', LOCAL_CLOSURE_DAYS: '2026-12-24,christmas eve', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      expect((e as Error).message).toMatch(/CLOSE_OF_BUSINESS: must be a time like 17:00/);
      expect((e as Error).message).toMatch(/LOCAL_CLOSURE_DAYS: "christmas eve" is not a date/);
      expect((e as Error).message).toMatch(/DATABASE_URL: must start with postgresql:\/\//);
    }
  });
});

describe('report periods', () => {
  it('[R9.2] defaults to the last full quarter and compares with the period before', async () => {
    const { lastQuarter, previousPeriod } = await import('../../src/reports/board-report.ts');
    expect(lastQuarter('2026-11-28')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(lastQuarter('2027-02-10')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(lastQuarter('2027-04-01')).toEqual({ from: '2027-01-01', to: '2027-03-31' });
    expect(previousPeriod({ from: '2026-07-01', to: '2026-09-30' })).toEqual({ from: '2026-03-31', to: '2026-06-30' });
  });
});

describe('periods typed in chat', () => {
  it('[R9.2] reads quarters, months and date ranges, and explains anything else', async () => {
    const { parsePeriod } = await import('../../src/reports/board-report.ts');
    expect(parsePeriod('', '2026-11-28')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(parsePeriod('2026-Q4', '2026-11-28')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(parsePeriod('2027-02', '2026-11-28')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(parsePeriod('2026-04-01 to 2026-06-30', '2026-11-28')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(parsePeriod('last year', '2026-11-28')).toEqual({ error: expect.stringMatching(/Use 2026-Q3, 2026-09/) });
  });
});
