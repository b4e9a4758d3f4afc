import type { Dispute } from '../domain/types.ts';
import { REDACTED_EVENT } from '../app/fact-seals.ts';
import type { Database } from './db.ts';
import { appendHistory, DISPUTE_INCLUDE, toDomain, type Tx } from './dispute-repo.ts';
import {
  cipherKeyId, IdentifierKeyError, type IdentifierKeys, newIdentifierKey, nhsDigits, nhsLookupHashes, protectNhsNumber, revealNhsNumber,
  writeKeyFile, openSecret, sealSecret,
} from './identifiers.ts';
import { removeEntryTexts } from './record-removal.ts';

/** What a platform installation's secret is bound to (see sealSecret). */
export const installationLabel = (platform: string, space: string): string => `${platform} installation ${space}`;

const TX_OPTIONS = { maxWait: 30_000, timeout: 120_000 } as const;

function keysOf(db: Database): IdentifierKeys {
  if (!db.identifiers) throw new IdentifierKeyError('The identifier keys are not loaded (see boot.ts).');
  return db.identifiers;
}

/**
 * Every dispute held about the person with this NHS number (any spacing),
 * oldest first. Found by the keyed hash under every key held, then checked
 * against the decrypted number, so a hash collision can never name someone else.
 */
export async function findDisputesByNhsNumber(db: Database, nhsNumber: string): Promise<Dispute[]> {
  const keys = keysOf(db);
  const digits = nhsDigits(nhsNumber);
  if (digits.length !== 10) return [];
  const rows = await db.prisma.dispute.findMany({
    where: { nhsNumberHash: { in: nhsLookupHashes(keys, digits) } }, include: DISPUTE_INCLUDE, orderBy: { raisedAt: 'asc' },
  });
  return rows.map((r) => toDomain(r, keys)).filter((d) => d.nhsNumber === digits);
}

/** Re-encrypts and re-hashes, under the current key, every row not already under it; how many. */
async function reprotectRows(tx: Tx, keys: IdentifierKeys): Promise<number> {
  const rows = await tx.dispute.findMany({
    where: {
      OR: [
        { nhsNumberLegacy: { not: null } },
        { nhsNumberCipher: { not: null }, NOT: { nhsNumberCipher: { startsWith: `v1:${keys.current.id}:` } } },
      ],
    },
    select: { id: true, nhsNumberLegacy: true, nhsNumberCipher: true },
  });
  for (const r of rows) {
    const plain = r.nhsNumberLegacy ? nhsDigits(r.nhsNumberLegacy) : revealNhsNumber(keys, r.id, r.nhsNumberCipher);
    await tx.dispute.update({ where: { id: r.id }, data: { nhsNumberLegacy: null, ...protectNhsNumber(keys, r.id, plain || null) } });
  }
  // Platform installations' bot tokens are kept under the same key: rotated with the NHS numbers, in the same transaction.
  const installs = await tx.platformInstallation.findMany({ where: { NOT: { secretCipher: { startsWith: `v1:${keys.current.id}:` } } } });
  for (const i of installs) {
    const label = installationLabel(i.platform, i.space);
    await tx.platformInstallation.update({
      where: { platform_space: { platform: i.platform, space: i.space } },
      data: { secretCipher: sealSecret(keys, label, openSecret(keys, label, i.secretCipher)) },
    });
  }
  return rows.length;
}

/**
 * Corrections of the NHS number recorded before the history stopped holding
 * it: the number is removed from each (its digest stays, so the seal checks
 * out) and the removal is recorded in the dispute's history.
 */
async function redactLegacyCorrections(tx: Tx, keys: IdentifierKeys, now: Date): Promise<number> {
  const rows = await tx.$queryRaw<{ disputeId: string; seq: number }[]>`
    SELECT "disputeId", "seq" FROM "HistoryEvent"
    WHERE "type" = 'CORRECTED' AND "data"->>'field' = 'nhsNumber'
      AND ((jsonb_typeof("data"->'before') = 'string' AND "data"->>'before' ~ '[0-9]{4}')
        OR (jsonb_typeof("data"->'after') = 'string' AND "data"->>'after' ~ '[0-9]{4}'))
    ORDER BY "disputeId", "seq"`;
  const byDispute = new Map<string, number[]>();
  for (const r of rows) byDispute.set(r.disputeId, [...(byDispute.get(r.disputeId) ?? []), Number(r.seq)]);
  for (const [disputeId, entries] of byDispute) {
    await removeEntryTexts(tx, disputeId, entries, ['before', 'after']);
    await appendHistory(tx, disputeId, [{
      type: REDACTED_EVENT,
      data: { entries, fields: ['before', 'after'], reason: 'NHS numbers are kept encrypted, never in the history in clear' },
    }], { at: now, actorId: 'system', platform: 'system' }, keys);
  }
  return byDispute.size;
}

/**
 * At start: NHS numbers written before they were encrypted (or under a key
 * no longer current) are encrypted under the current key, and corrections
 * that held one in clear lose it, all in one transaction. The old row
 * versions are then vacuumed away, so the clear values leave the files too.
 */
export async function protectStoredIdentifiers(db: Database, now: Date): Promise<{ rows: number; histories: number }> {
  const keys = keysOf(db);
  const r = await db.prisma.$transaction(async (tx) => ({
    rows: await reprotectRows(tx, keys), histories: await redactLegacyCorrections(tx, keys, now),
  }), TX_OPTIONS);
  if (r.rows || r.histories) {
    await db.sql.exec('VACUUM FULL "Dispute"');
    await db.sql.exec('VACUUM FULL "HistoryEvent"');
  }
  return r;
}

/**
 * Key rotation: a new key becomes current (written to the key file beside
 * the old one first, so nothing is ever unreadable), every NHS number is
 * re-encrypted and re-hashed under it in one transaction, then the old key
 * is moved out of the key file into a file of its own (`identifiers.key.
 * retired-ID`), to be kept offline for restoring backups made before now.
 */
export async function rotateIdentifierKey(db: Database, now: Date): Promise<{ rows: number; keyId: string; retired: string }> {
  const keys = keysOf(db);
  if (!keys.file) {
    throw new IdentifierKeyError('This register is in memory and has no identifier key file to rotate: set IDENTIFIER_KEY_FILE.');
  }
  const file = keys.file;
  const oldCurrent = keys.current;
  const old = [...keys.all.values()];
  const fresh = newIdentifierKey(now);
  writeKeyFile(file, { current: fresh, all: [fresh, ...old], seal: keys.seal });
  keys.all = new Map([[fresh.id, fresh], ...old.map((k) => [k.id, k] as const)]);
  keys.current = fresh;
  const rows = await db.prisma.$transaction((tx) => reprotectRows(tx, keys), TX_OPTIONS);
  const retired = `${file}.retired-${old.map((k) => k.id).join('-')}`;
  writeKeyFile(retired, { current: oldCurrent, all: old, seal: keys.seal });
  writeKeyFile(file, { current: fresh, all: [fresh], seal: keys.seal });
  keys.all = new Map([[fresh.id, fresh]]);
  return { rows, keyId: fresh.id, retired };
}

/** How many NHS numbers are stored under each key id (for `s117 identifiers status`). */
export async function identifierKeyUse(db: Database): Promise<Map<string, number>> {
  const rows = await db.prisma.dispute.findMany({ where: { nhsNumberCipher: { not: null } }, select: { nhsNumberCipher: true } });
  const out = new Map<string, number>();
  for (const r of rows) out.set(cipherKeyId(r.nhsNumberCipher!), (out.get(cipherKeyId(r.nhsNumberCipher!)) ?? 0) + 1);
  return out;
}
