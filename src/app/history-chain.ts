import crypto from 'node:crypto';
import type { HistoryEntry } from './dispute-store.ts';
import { ANONYMISED_EVENT, type FactMap, REDACTED_EVENT, type SealedFact, textDigest } from './fact-seals.ts';
import { checkFacts, describeFactProblem, type FactProblem } from './fact-verify.ts';

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
  /**
   * The facts this entry seals (see fact-seals.ts); null or absent on entries
   * sealed before facts were, whose seal covers the entry alone.
   */
  facts?: Record<string, SealedFact | null> | null;
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

/** A text retention removed from an entry's data keeps its digest here, so the seal still checks out. */
export interface RemovedText { $removed: string }

export function isRemoved(v: unknown): v is RemovedText {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.keys(v).length === 1 && typeof (v as RemovedText).$removed === 'string';
}

/** An entry's data as its seal covers it: every text as its digest, a removed text as the digest it left. */
export function sealedData(disputeId: string, data: unknown): unknown {
  if (typeof data === 'string') return textDigest(disputeId, data);
  if (isRemoved(data)) return data.$removed;
  if (Array.isArray(data)) return data.map((x) => sealedData(disputeId, x));
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, sealedData(disputeId, v)]));
  return data ?? null;
}

function redactedEntries(data: unknown): number[] {
  const entries = data && typeof data === 'object' ? (data as { entries?: unknown }).entries : undefined;
  return Array.isArray(entries) ? entries.filter((n): n is number => Number.isInteger(n)) : [];
}

export function countRemoved(data: unknown): number {
  if (isRemoved(data)) return 1;
  if (Array.isArray(data)) return data.reduce((n: number, x) => n + countRemoved(x), 0);
  if (data && typeof data === 'object') return Object.values(data).reduce((n: number, x) => n + countRemoved(x), 0);
  return 0;
}

/**
 * SHA-256 (hex) of an entry together with the previous entry's hash. An
 * entry that seals facts covers them and its texts as digests (version 2);
 * an older entry is checked as it was sealed.
 */
export function entryHash(e: ChainFields, prevHash: string): string {
  if (e.facts) {
    return crypto.createHash('sha256').update(canonicalJson({
      v: 2, actorId: e.actorId, at: e.at.toISOString(), correctsSeq: e.correctsSeq ?? null, data: sealedData(e.disputeId, e.data ?? null),
      disputeId: e.disputeId, facts: e.facts, platform: e.platform, prevHash, seq: e.seq, type: e.type,
    })).digest('hex');
  }
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
  | { kind: 'relinked'; seq: number }
  | { kind: 'text-removed'; seq: number }
  | FactProblem;

export interface ChainReport {
  intact: boolean;
  /** Entries covered by the chain. */
  chained: number;
  /** Entries written before this register sealed its history (they carry no hash). */
  beforeChain: number;
  /** Texts removed by a recorded retention run (their digests still check out). */
  removedTexts: number;
  problems: ChainProblem[];
}

/**
 * Walks one dispute's history (any order; sorted here by seq) and names
 * every entry whose content, place or neighbours no longer match its seal.
 * Given the dispute's facts as they are now, also names every fact that no
 * longer matches the entry that sealed it, or that no entry sealed.
 * Limit, said plainly: deleting the newest entries leaves a shorter chain
 * that is still consistent, and anyone able to recompute every later hash
 * could forge a consistent chain; the signed checkpoints kept outside the
 * database (src/register/checkpoints.ts) catch both.
 */
export function verifyChain(entries: readonly ChainedEntry[], current?: FactMap, legacy?: FactMap): ChainReport {
  const list = [...entries].sort((a, b) => a.seq - b.seq);
  const problems: ChainProblem[] = [];
  let beforeChain = 0;
  let chained = 0;
  let sealedSeen = false;
  let expectedSeq = 1;
  let prevHash: string | null = GENESIS;
  // A broken entry already explains why the next one points at the wrong hash.
  let prevBroken = false;
  let factsSeen = false;
  let removedTexts = 0;
  const anonymised = list.some((e) => e.type === ANONYMISED_EVENT);
  // A redaction names the entries it removed texts from; a removed text elsewhere has no record.
  const redacted = new Set(list.filter((e) => e.type === REDACTED_EVENT).flatMap((e) => redactedEntries(e.data)));
  const seqs = list.map((e) => e.seq);
  for (const e of list) {
    const removed = countRemoved(e.data);
    if (removed && (anonymised || redacted.has(e.seq))) removedTexts += removed;
    else if (removed) problems.push({ kind: 'text-removed', seq: e.seq });
    if (e.seq > expectedSeq) problems.push({ kind: 'missing', fromSeq: expectedSeq, toSeq: e.seq - 1 });
    const gap = e.seq > expectedSeq;
    expectedSeq = e.seq + 1;
    // Once entries seal facts, one that does not was written (or rewritten) outside the bot.
    // An entry that holds sealed facts was written by a bot that seals: without its seal, it was blanked.
    if (e.hash === null || (factsSeen && !e.facts)) {
      if (sealedSeen || e.facts) problems.push({ kind: 'unsealed', seq: e.seq });
      else beforeChain++;
      prevHash = null;
      prevBroken = sealedSeen;
      continue;
    }
    sealedSeen = true;
    factsSeen ||= Boolean(e.facts);
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
  if (current && factsSeen) {
    const facts = checkFacts(list, current, anonymised, list[0]?.disputeId, legacy);
    removedTexts += facts.removed;
    problems.push(...facts.problems);
  }
  return { intact: problems.length === 0, chained, beforeChain, removedTexts, problems };
}

/** One plain-English line per problem, naming the entry by its number. */
export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'edited': return `entry ${p.seq} was changed after it was recorded`;
    case 'missing': return p.fromSeq === p.toSeq ? `entry ${p.fromSeq} was deleted` : `entries ${p.fromSeq} to ${p.toSeq} were deleted`;
    case 'moved': return `entry ${p.seq} was recorded as entry ${p.originalSeq} (the order was changed)`;
    case 'unsealed': return `entry ${p.seq} has no seal (it was added outside the bot)`;
    case 'relinked': return `entry ${p.seq} does not follow the entry recorded before it`;
    case 'text-removed': return `a text of entry ${p.seq} was removed, and no retention run is recorded`;
    default: return describeFactProblem(p);
  }
}

/** Checks one dispute's history as the register returns it, and, given the dispute as it is now, the facts it seals. */
export function checkHistory(disputeId: string, history: readonly HistoryEntry[], current?: FactMap, legacy?: FactMap): ChainReport {
  return verifyChain(history.map((h) => ({ ...h, disputeId })), current, legacy);
}
