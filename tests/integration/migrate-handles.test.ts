import { openDatabase, type Database } from '../../src/register/db.ts';
import { migrate, readMigrations } from '../../src/register/migrate.ts';
import { DATABASES } from '../helpers/app.ts';

describe.each(DATABASES)('the person handles migration on %s', (_name, setup) => {
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

  it('keeps every Slack and Teams id already in the register, now in the handles map', async () => {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith('_h8a_person_handles'));
    expect(at).toBeGreaterThan(0);
    await migrate(db.sql, all.slice(0, at));
    await db.sql.query(`INSERT INTO "Person" ("id", "name", "organisationId", "roles", "slackId", "teamsId", "updatedAt") VALUES
      ('both', 'B', 'o', '{}', 'U1', 'aad-1', now()), ('slack-only', 'S', 'o', '{}', 'U2', NULL, now()), ('none', 'N', 'o', '{}', NULL, NULL, now())`);
    await migrate(db.sql, all);
    const rows = await db.sql.query<{ id: string; handles: unknown }>('SELECT "id", "handles" FROM "Person" ORDER BY "id"');
    expect(rows).toEqual([
      { id: 'both', handles: { slack: 'U1', teams: 'aad-1' } },
      { id: 'none', handles: {} },
      { id: 'slack-only', handles: { slack: 'U2' } },
    ]);
  });
});
