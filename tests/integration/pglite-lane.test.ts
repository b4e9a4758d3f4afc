import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Foreground } from '../../src/app/foreground.ts';
import { initdbSeed } from '../../src/register/db.ts';
import { pgliteLane } from '../../src/register/pglite-lane.ts';

/** A new in-memory database, from the suite's initdb tarball when there is one (tests/global-setup.mjs). */
const freshPGlite = () => {
  const seed = initdbSeed();
  return new PGlite(seed ? { loadDataDir: seed } : {});
};

// The embedded database runs on the bot's event loop. A backlog of work must
// not keep the loop from reading the next request (Slack's 3-second ack):
// between two statements the loop reads its sockets.

async function backlogWhileRequest(db: PGlite): Promise<{ doneBeforeAnswer: number; total: number }> {
  await db.exec('CREATE TABLE IF NOT EXISTS t (n int)');
  const total = 20;
  let done = 0;
  const server = http.createServer((_req, res) => res.end(String(done)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (server.address() as AddressInfo).port;
    // The request is on the wire before the backlog starts; only a free event loop answers it.
    const answered = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 0));
    const work = Array.from({ length: total }, () => db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.query('INSERT INTO t SELECT g FROM generate_series(1, 2000) g');
      await tx.query('SELECT count(*) FROM t');
    }).then(() => { done++; }));
    const doneBeforeAnswer = Number(await answered);
    await Promise.all(work);
    return { doneBeforeAnswer, total };
  } finally {
    server.close();
  }
}

describe('the embedded database leaves the event loop free for acknowledgements', () => {
  it('answers a request that arrives during a backlog of transactions after at most a couple of them', async () => {
    const raw = freshPGlite();
    const db = pgliteLane(raw);
    try {
      const r = await backlogWhileRequest(db);
      expect(r.doneBeforeAnswer).toBeLessThan(3);
      // The lane keeps PGlite's semantics: every transaction committed, in order.
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(r.total * 5 * 2000);
    } finally {
      await raw.close();
    }
  }, 120_000);

  it('rolls back a failed transaction and keeps serving the queue', async () => {
    const raw = freshPGlite();
    const db = pgliteLane(raw);
    try {
      await db.exec('CREATE TABLE u (n int primary key)');
      const failing = db.transaction(async (tx) => { await tx.query('INSERT INTO u VALUES (1)'); await tx.query('INSERT INTO u VALUES (1)'); });
      const after = db.query('INSERT INTO u VALUES (2)');
      await expect(failing).rejects.toThrow(/duplicate key/);
      await after;
      expect((await db.query<{ n: number }>('SELECT n FROM u ORDER BY n')).rows).toEqual([{ n: 2 }]);
    } finally {
      await raw.close();
    }
  });

  it('serves callers a person waits on before background ones, and still gives the background a turn', async () => {
    const raw = freshPGlite();
    const foreground = new Foreground();
    const db = pgliteLane(raw, () => foreground.isBackground());
    try {
      await db.exec('CREATE TABLE o (n serial primary key, who text)');
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      // A transaction holds the lane while both kinds of caller queue up behind it, background first. It is waited
      // for until it runs: the statement before it hands the lane on only after its caller has resumed.
      let running!: () => void;
      const started = new Promise<void>((r) => { running = r; });
      const holder = db.transaction(async (tx) => { running(); await tx.query("INSERT INTO o (who) VALUES ('holder')"); await held; });
      await started;
      const queued = [
        ...Array.from({ length: 2 }, () => foreground.runInBackground(() => db.query("INSERT INTO o (who) VALUES ('background')"))),
        ...Array.from({ length: 10 }, () => db.query("INSERT INTO o (who) VALUES ('request')")),
      ];
      release();
      await Promise.all([holder, ...queued]);
      const order = (await db.query<{ who: string }>('SELECT who FROM o ORDER BY n')).rows.map((r) => r.who);
      // Eight requests go past a waiting background caller, then it has its turn.
      expect(order).toEqual(['holder', ...Array(8).fill('request'), 'background', 'request', 'request', 'background']);
    } finally {
      await raw.close();
    }
  });
});
