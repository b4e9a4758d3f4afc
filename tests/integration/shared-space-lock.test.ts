import pg from 'pg';
import type { ClaimedRow } from '../../src/app/outbox.ts';
import { OutboxStore } from '../../src/register/outbox-store.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { freshPostgres, PG_URL, testApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

// A post for a home shared into another's channel is marked delivered as the shared channel's business, while a
// refusal of the share (a decline event, the sweep of unanswered invitations) copies the posts delivered so far to
// the home's own channel. On PostgreSQL the two run on different connections at once: each side is stopped here, on a
// connection of the test's own, at the point where the other must wait for it, and the test goes on only once
// PostgreSQL shows the other side waiting (pg_stat_activity), so the interleaving is the same every run. (PGlite has
// one connection: its transactions never interleave.)

const HOME = 'slack:T0ICB0001';
const run = PG_URL ? describe : describe.skip;

run('the share lock between a post left to the shared channel and a refusal (PostgreSQL)', () => {
  let app: TestApp;
  let drop: () => Promise<void>;
  let url: string;
  let other: pg.Client;
  /** Watches pg_stat_activity from outside `other`'s transaction (inside one, it would keep showing one snapshot). */
  let watcher: pg.Client;
  let store: OutboxStore;

  beforeEach(async () => {
    ({ url, drop } = await freshPostgres());
    app = await testApp({ databaseUrl: url });
    store = new OutboxStore(app.db);
    other = new pg.Client({ connectionString: url });
    watcher = new pg.Client({ connectionString: url });
    await other.connect();
    await watcher.connect();
  }, 120_000);
  afterEach(async () => {
    await other.end();
    await watcher.end();
    await app.close();
    await drop();
  });

  /** A dispute shared into the council's channel, and a post of the ICB's on its way (claimed, not delivered). */
  async function postOnItsWay(): Promise<{ disputeId: string; row: ClaimedRow; key: string }> {
    const { dispute } = await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
    await store.startShare(dispute.id, HOME, 'slack:T0COUNCIL', 'C0SHARED1', app.clock.now());
    const key = `test-post:${dispute.id}`;
    const at = app.clock.now();
    const created = await app.db.prisma.outbox.create({
      data: {
        idempotencyKey: key, disputeId: dispute.id, kind: 'POST', platform: HOME, notBefore: at, nextAttemptAt: at,
        claimToken: 'held', claimedUntil: new Date(at.getTime() + 60_000),
        payload: { kind: 'POST', message: { title: 'A post for the ICB', lines: [], mentions: [] }, notBefore: at.toISOString() },
      },
    });
    const row = { id: created.id, disputeId: dispute.id, idempotencyKey: key, claimToken: 'held' } as ClaimedRow;
    return { disputeId: dispute.id, row, key };
  }

  /** Some other connection of this database waits for a row lock, in a statement containing `text`. */
  const waitingOn = (text: string) => until(async () => {
    const r = await watcher.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [`%${text}%`]);
    return Number(r.rows[0]!.n) > 0;
  }, `a statement with ${text} to wait for the lock`);

  const refusal = () => ({
    reason: 'the invitation was declined in Slack', at: app.clock.now(), people: [],
    governance: { idempotencyKey: 'gov', platform: 'slack', message: { title: 't', lines: [], mentions: [] } },
  });

  it('a refusal written first: the post on its way is not marked delivered, so it goes to the own channel itself', async () => {
    const { disputeId, row } = await postOnItsWay();
    await other.query('BEGIN');
    await other.query(`UPDATE "SharedSpace" SET "state" = 'refused' WHERE "disputeId" = $1 AND "home" = $2`, [disputeId, HOME]);
    const leaving = store.leaveToShare(row, HOME, app.clock.now());
    await waitingOn('FOR SHARE');
    await other.query('COMMIT');
    expect(await leaving).toBe(false);
    expect((await app.db.prisma.outbox.findUnique({ where: { id: row.id } }))!.deliveredAt).toBeNull();
  });

  it('the post marked delivered first: the refusal waits for it, then copies it to the own channel', async () => {
    const { disputeId, row, key } = await postOnItsWay();
    await other.query('BEGIN');
    await other.query(`SELECT "state" FROM "SharedSpace" WHERE "disputeId" = $1 AND "home" = $2 FOR SHARE`, [disputeId, HOME]);
    const refusing = store.refuseShare(disputeId, HOME, refusal());
    await waitingOn('UPDATE');
    await other.query(`UPDATE "Outbox" SET "deliveredAt" = now(), "claimToken" = NULL WHERE "id" = $1`, [row.id]);
    await other.query('COMMIT');
    expect(await refusing).toBe(true);
    expect(await app.db.prisma.outbox.count({ where: { idempotencyKey: `${key}:own` } })).toBe(1);
  });

  it('leaving to a share still pending marks the post delivered; a second refusal queues nothing', async () => {
    const { disputeId, row, key } = await postOnItsWay();
    expect(await store.leaveToShare(row, HOME, app.clock.now())).toBe(true);
    expect((await app.db.prisma.outbox.findUnique({ where: { id: row.id } }))!.deliveredAt).not.toBeNull();
    expect(await store.refuseShare(disputeId, HOME, refusal())).toBe(true);
    expect(await store.refuseShare(disputeId, HOME, refusal())).toBe(false);
    expect(await app.db.prisma.outbox.count({ where: { idempotencyKey: `${key}:own` } })).toBe(1);
  });
});
