import type { DisputeStore } from '../app/dispute-store.ts';
import type { Effect } from '../domain/effects.ts';
import type { Database } from './db.ts';
import { lastCheckpointAt, type WriteResult, writeCheckpoint } from './checkpoints.ts';

const DAY_MS = 24 * 3_600_000;

/** A short name for a public key that people can compare by eye. */
export function keyFingerprint(publicKey: string): string {
  return Buffer.from(publicKey, 'base64').subarray(-32).toString('hex').slice(0, 16);
}

/**
 * Takes a checkpoint when the last one is a day old (or when asked), and
 * tells governance through the outbox: the count and root to keep, or —
 * when the register no longer agrees with the checkpoints before — that
 * nothing was signed and verify should be run. The outbox key is the
 * checkpoint's time (or the day, for a refusal), so a retry tells them once.
 */
export async function checkpointIfDue(
  db: Database, dir: string, store: Pick<DisputeStore, 'enqueueOnce'>, now: Date, opts: { force?: boolean } = {},
): Promise<WriteResult | null> {
  const last = lastCheckpointAt(dir);
  if (!opts.force && last && now.getTime() - last.getTime() < DAY_MS) return null;
  const r = await writeCheckpoint(db, dir, now);
  const at = now.toISOString();
  if (r.written) {
    const c = r.checkpoint;
    const effect: Effect = {
      kind: 'GOVERNANCE', notBefore: at,
      message: {
        title: 'History checkpoint',
        lines: [
          `The register's history was sealed at ${c.at}: ${c.count} entries, root ${c.root}.`,
          `Signed with key ${keyFingerprint(c.key)}. Keep this message: "s117 register verify" shows the same root`
            + ' while nobody has rewritten the history.',
          `The signing key's public half, to check the checkpoints on a copy ("s117 register verify --trust KEY"): ${c.key}`,
        ],
        mentions: [],
      },
    };
    await store.enqueueOnce(`checkpoint:${at}`, effect, now);
  } else {
    const effect: Effect = {
      kind: 'GOVERNANCE', notBefore: at,
      message: {
        title: 'History no longer matches its checkpoint',
        lines: [
          'The register\'s history differs from what an earlier signed checkpoint recorded, so no new checkpoint was signed.',
          'Ask your administrator to run "s117 register verify", keep a copy of the database as it is,'
            + ' and report it to your information governance lead.',
        ],
        mentions: [],
      },
    };
    await store.enqueueOnce(`checkpoint-refused:${at.slice(0, 10)}`, effect, now);
  }
  return r;
}

/**
 * The scheduler's daily checkpoint: checks the file only when one may be
 * due, so a tick every minute does not read it every minute. After a
 * refusal it looks again an hour later (governance is told once a day).
 */
export function dailyCheckpoints(
  db: Database, dir: string, store: Pick<DisputeStore, 'enqueueOnce'>, clock: { now(): Date },
): () => Promise<unknown> {
  let nextAt = 0;
  return async () => {
    const now = clock.now();
    if (now.getTime() < nextAt) return null;
    const r = await checkpointIfDue(db, dir, store, now);
    const last = lastCheckpointAt(dir);
    nextAt = r && !r.written ? now.getTime() + 3_600_000 : (last ? last.getTime() : now.getTime()) + DAY_MS;
    return r;
  };
}
