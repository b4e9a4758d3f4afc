import crypto from 'node:crypto';
import type { HistoryEntry } from './dispute-store.ts';

/** The hash the first entry of every dispute's history points back to. */
export const GENESIS = '';

/** What a history entry's seal covers: everything recorded about it, and the seal of the entry before. */
export interface ChainFields {
  disputeId: string;
  seq: number;
  at: Date;
  actorId: string;
  platform: string;
  type: string;
  data: unknown;
  correctsSeq: number | null;
}

export interface ChainedEntry extends ChainFields {
  hash: string | null;
  prevHash: string | null;
}

/**
 * JSON with every object's keys sorted, so the same entry always serialises
 * to the same bytes whatever order the database hands its JSON keys back in.
 * Dates go through toJSON first, exactly as they were stored.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/** SHA-256 (hex) of an entry together with the previous entry's hash. */
export function entryHash(e: ChainFields, prevHash: string): string {
  const body = canonicalJson({
    actorId: e.actorId, at: e.at.toISOString(), correctsSeq: e.correctsSeq ?? null, data: e.data ?? null,
    disputeId: e.disputeId, platform: e.platform, prevHash, seq: e.seq, type: e.type,
  });
  return crypto.createHash('sha256').update(body).digest('hex');
}

/** Seals new entries onto a chain whose last hash is `prevHash`, oldest first. */
export function sealEntries<T extends ChainFields>(entries: T[], prevHash: string | null): (T & { hash: string; prevHash: string })[] {
  let prev = prevHash ?? GENESIS;
  return entries.map((e) => {
    const hash = entryHash(e, prev);
    const sealed = { ...e, hash, prevHash: prev };
    prev = hash;
    return sealed;
  });
}

export type ChainProblem =
  | { kind: 'edited'; seq: number }
  | { kind: 'missing'; fromSeq: number; toSeq: number }
  | { kind: 'moved'; seq: number; originalSeq: number }
  | { kind: 'unsealed'; seq: number }
  | { kind: 'relinked'; seq: number };

export interface ChainReport {
  intact: boolean;
  /** Entries covered by the chain. */
  chained: number;
  /** Entries written before this register sealed its history (they carry no hash). */
  beforeChain: number;
  problems: ChainProblem[];
}

/**
 * Walks one dispute's history (any order; sorted here by seq) and names
 * every entry whose content, place or neighbours no longer match its seal.
 * Limit, said plainly: deleting the newest entries leaves a shorter chain
 * that is still consistent, and anyone able to recompute every later hash
 * could forge a consistent chain; the seals catch edits made by hand.
 */
export function verifyChain(entries: readonly ChainedEntry[]): ChainReport {
  const list = [...entries].sort((a, b) => a.seq - b.seq);
  const problems: ChainProblem[] = [];
  let beforeChain = 0;
  let chained = 0;
  let sealedSeen = false;
  let expectedSeq = 1;
  let prevHash: string | null = GENESIS;
  // A broken entry already explains why the next one points at the wrong hash.
  let prevBroken = false;
  const seqs = list.map((e) => e.seq);
  for (const e of list) {
    if (e.seq > expectedSeq) problems.push({ kind: 'missing', fromSeq: expectedSeq, toSeq: e.seq - 1 });
    const gap = e.seq > expectedSeq;
    expectedSeq = e.seq + 1;
    if (e.hash === null) {
      if (sealedSeen) problems.push({ kind: 'unsealed', seq: e.seq });
      else beforeChain++;
      prevHash = null;
      prevBroken = sealedSeen;
      continue;
    }
    sealedSeen = true;
    chained++;
    const stored = e.prevHash ?? GENESIS;
    const before = problems.length;
    if (entryHash(e, stored) !== e.hash) {
      const originalSeq = seqs.find((s) => s !== e.seq && entryHash({ ...e, seq: s }, stored) === e.hash);
      problems.push(originalSeq === undefined ? { kind: 'edited', seq: e.seq } : { kind: 'moved', seq: e.seq, originalSeq });
    } else if (!gap && !prevBroken && stored !== (prevHash ?? GENESIS)) {
      problems.push({ kind: 'relinked', seq: e.seq });
    }
    prevBroken = problems.length > before;
    prevHash = e.hash;
  }
  return { intact: problems.length === 0, chained, beforeChain, problems };
}

/** One plain-English line per problem, naming the entry by its number. */
export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'edited': return `entry ${p.seq} was changed after it was recorded`;
    case 'missing': return p.fromSeq === p.toSeq ? `entry ${p.fromSeq} was deleted` : `entries ${p.fromSeq} to ${p.toSeq} were deleted`;
    case 'moved': return `entry ${p.seq} was recorded as entry ${p.originalSeq} (the order was changed)`;
    case 'unsealed': return `entry ${p.seq} has no seal (it was added outside the bot)`;
    case 'relinked': return `entry ${p.seq} does not follow the entry recorded before it`;
  }
}

/** Checks one dispute's history as the register returns it. */
export function checkHistory(disputeId: string, history: readonly HistoryEntry[]): ChainReport {
  return verifyChain(history.map((h) => ({ ...h, disputeId })));
}
