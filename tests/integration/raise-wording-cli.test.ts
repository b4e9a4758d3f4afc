import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { referralPackOf } from '../../src/app/referral-pack.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { cli } from '../helpers/gates.ts';

// R7.2 as a professional meets it on the command line (`s117 dispute raise`), against both databases: a dispute raised
// with words that propose an ending, without choosing the ending subject, is asked about once. The subject decides
// where it starts; the words only ask.

const PROPOSES = 'The council proposes to discharge him from section 117 from January.';
const QUESTION = /^Refused: This reads as a dispute about ending aftercare — is that what you mean\? .*"subjects".*"wordingConfirmed"/;

describe.each(DATABASES)('raising with words that propose an ending, on the command line (%s)', (_name, database) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    const db = await database();
    cleanup = db.cleanup;
    app = await testApp(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {});
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-raise-wording-'));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A raise file as a person writes it (YAML), each with its own case number. */
  const file = (over: Record<string, unknown>) => {
    const f = path.join(dir, `raise-${++n}.yaml`);
    fs.writeFileSync(f, stringify({ ...fundingDispute({ localCaseRef: `RW-${n}` }), ...over }));
    return f;
  };
  const raise = (f: string, ...flags: string[]) => cli(app)('dispute', 'raise', '--as', 'ali-khan', '--file', f, ...flags);
  const count = () => app.db.prisma.dispute.count();
  const raisedEntry = async (reference: string) => {
    const d = (await app.service.get({ reference }))!;
    return { d, raised: (await app.service.history(d.id)).find((h) => h.type === 'RAISED')!.data as Record<string, unknown> };
  };
  const referenceIn = (out: string) => /S117-\d{4}-\d{4}/.exec(out)![0];

  it('[R7.2] "proposes to discharge him from section 117", without the ending subject, is refused once with the question; nothing is recorded', async () => {
    const before = await count();
    const asked = await raise(file({ description: PROPOSES }));
    expect(asked).toMatchObject({ code: 1, err: expect.stringMatching(QUESTION) });
    expect(await count()).toBe(before);
  });

  it('[R7.2] answered "no" (--wording-confirmed, or "wordingConfirmed": true in the file): Stage 1, and the record keeps the question', async () => {
    const byFlag = await raise(file({ description: PROPOSES }), '--wording-confirmed');
    expect(byFlag).toMatchObject({ code: 0, err: '' });
    const { d, raised } = await raisedEntry(referenceIn(byFlag.out));
    expect(d).toMatchObject({ stage: 1, endingProposal: false });
    expect(raised).toMatchObject({ endingProposal: false, wordingQuery: 'ENDS' });
    // Visible wherever the history is read: `dispute show`, the register's page and the referral pack share its words.
    const shown = await cli(app)('dispute', 'show', d.reference);
    expect(shown.out).toMatch(/Raised about .*; its words read as ending aftercare, and the raiser confirmed it is not about ending/);
    const pack = await referralPackOf(app.service, d);
    expect(pack.chronology.find((c) => /^Raised about/.test(c.what))!.what).toMatch(/its words read as ending aftercare/);

    const inFile = await raise(file({ description: PROPOSES, wordingConfirmed: true }));
    expect(inFile.code).toBe(0);
    expect((await raisedEntry(referenceIn(inFile.out))).raised).toMatchObject({ wordingQuery: 'ENDS' });
  });

  it('[R7.2] answered "yes": raised with the ending subject, it starts at Stage 3 directly', async () => {
    const r = await raise(file({ description: PROPOSES, subjects: ['FUNDING', 'ENDING_AFTERCARE'] }));
    expect(r).toMatchObject({ code: 0, err: '' });
    const { d, raised } = await raisedEntry(referenceIn(r.out));
    expect(d).toMatchObject({ stage: 3, endingProposal: true });
    expect(raised).not.toHaveProperty('wordingQuery');
  });

  // Lawful near-misses, written for this test: the question is not asked, and nothing is kept.
  it.each([
    'Discharged from hospital on 3 March; aftercare continues.',
    'The CMHT discharged him from its caseload but his s117 package continues.',
    'He has been discharged from his section 3; the split of the placement cost is disputed.',
  ])('[R7.2] a lawful near-miss raises at once at Stage 1: "%s"', async (description) => {
    const r = await raise(file({ description }));
    expect(r).toMatchObject({ code: 0, err: '' });
    const { d, raised } = await raisedEntry(referenceIn(r.out));
    expect(d.stage).toBe(1);
    expect(raised).not.toHaveProperty('wordingQuery');
  });

  it('[R7.2] `s117 dispute raise --help` names the flag and the other answer', async () => {
    const help = await cli(app)('dispute', 'raise', '--help');
    expect(help.out).toMatch(/--wording-confirmed/);
    expect(help.out).toMatch(/ENDING_AFTERCARE/);
  });
});
