import { openDatabase, type Database } from '../../src/register/db.ts';
import { migrate, readMigrations } from '../../src/register/migrate.ts';
import { DATABASES } from '../helpers/app.ts';

// R7.1's schema change on a register that already holds endings: they keep their words and are marked as recorded
// before the structured form. Nothing is inferred from the words: "n/a" stays "n/a", with no date and no organisations.

const MIGRATION = '20261208031500_joint_assessment_facts';

describe.each(DATABASES)('R7.1 the joint assessment migration on %s', (_name, setup) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const s = await setup({ empty: true });
    cleanup = s.cleanup;
    db = await openDatabase({ databaseUrl: s.databaseUrl, dataDir: 'memory://' });
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('R7.1 existing endings keep their text and are marked as recorded before the structured form; other decisions are untouched', async () => {
    const all = readMigrations();
    expect(all.map((m) => m.name)).toContain(MIGRATION);
    await migrate(db.sql, all.filter((m) => m.name < MIGRATION));
    await db.sql.exec(`INSERT INTO "Dispute" ("id", "reference", "status", "stage", "version", "subjects", "cohort", "setting", "localCaseRef",
        "description", "currentCare", "careContinues", "endingProposal", "raisedById", "raisedAt", "raisedOn", "updatedAt")
      VALUES ('d-old', 'S117-2026-0009', 'OPEN', 3, 1, ARRAY['ENDING_AFTERCARE'], 'ADULT', 'COMMUNITY', 'AC-1', 'Ending proposed.', 'Monthly review.',
        true, true, 'ali-khan', '2026-11-02 10:00:00', 'slack', now())`);
    const decision = (seq: number, outcome: string, jointAssessment: string | null) => db.sql.query(
      `INSERT INTO "Decision" ("disputeId", "seq", "stage", "outcome", "summary", "basisNeed", "basisTests", "basisRisk", "jointAssessment",
        "proposedBy", "proposedAt", "status") VALUES ('d-old', $1, 3, $2, 's', 'n', 't', 'r', $3, 'eve-ford', '2026-11-03 10:00:00', 'SUPERSEDED')`,
      [seq, outcome, jointAssessment]);
    await decision(1, 'END_AFTERCARE', 'n/a');
    await decision(2, 'END_AFTERCARE', 'Joint review on 2 November by both organisations, with the person.');
    await decision(3, 'WRITTEN_DECISION', null);

    expect(await migrate(db.sql)).toContain(MIGRATION);
    const rows = await db.sql.query(`SELECT "seq", "jointAssessment", "jointAssessmentForm", "jointAssessedOn", "jointAssessmentOrgs",
      "personInvolved", "personNotInvolvedReason" FROM "Decision" ORDER BY "seq"`);
    const none = { jointAssessedOn: null, jointAssessmentOrgs: [], personInvolved: null, personNotInvolvedReason: null };
    expect(rows).toEqual([
      { seq: 1, jointAssessment: 'n/a', jointAssessmentForm: 'TEXT_ONLY', ...none },
      { seq: 2, jointAssessment: 'Joint review on 2 November by both organisations, with the person.', jointAssessmentForm: 'TEXT_ONLY', ...none },
      { seq: 3, jointAssessment: null, jointAssessmentForm: null, ...none },
    ]);
  });
});
