import crypto from 'node:crypto';
import { canonicalJson, GENESIS } from './history-chain.ts';

/** PRUNE: entries older than the retention period were removed (docs/access-log.md, "Retention"); the entry anchors the rest. */
export const ACCESS_ACTIONS = ['VIEW', 'LIST', 'SEARCH', 'EXPORT', 'PRUNE'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** One look at case data: who, on which surface and from where, what they did, and which disputes it showed. */
export interface AccessInput {
  /** A directory person id; `os:<account>` for the command line without --as; `local` for the register without sign-in. */
  actorId: string;
  surface: string;
  ip?: string | null;
  action: AccessAction;
  refs: readonly string[];
  /** The page or command, an export's kind, a search's kind. Never an identifier someone searched for. */
  detail?: Record<string, unknown>;
}

export interface AccessEntry {
  seq: number; at: Date; actorId: string; surface: string; ip: string | null; action: string; refs: string[];
  detail: Record<string, unknown>; hash: string; prevHash: string;
}

/**
 * Where every view, list, search and export of case data is recorded. `record` returns once the entry is
 * written: a surface records before it shows what was read, so nothing is shown that the log does not hold.
 */
export interface AccessLog {
  record(entry: AccessInput): Promise<void>;
  /** Entries at or after `since` (all without it), oldest first. */
  since(since?: Date): Promise<AccessEntry[]>;
  /**
   * Removes the entries written before `before` and records that as a PRUNE entry (who, and the anchor: the last
   * removed entry's seq and hash), in one transaction. Nothing removed, nothing recorded.
   */
  prune(before: Date, by: Omit<AccessInput, 'action' | 'refs'>): Promise<{ removed: number; throughSeq: number | null }>;
}

/** The default retention of access-log entries, in years (docs/access-log.md, "Retention", says why). */
export const DEFAULT_ACCESS_LOG_YEARS = 6;

/** The anchor a PRUNE entry holds: the removed entries ran up to `throughSeq`, the last of them sealed as `lastHash`. */
export interface PruneAnchor { throughSeq: number; lastHash: string }

function anchorOf(e: AccessEntry): PruneAnchor | null {
  const { throughSeq, lastHash } = e.detail ?? {};
  return e.action === 'PRUNE' && typeof throughSeq === 'number' && typeof lastHash === 'string' ? { throughSeq, lastHash } : null;
}

/** The actor id of the command line run without --as: the operating-system account that ran it. */
export const osActor = (account: string): string => `os:${account}`;

/** SHA-256 (hex) of an entry and the hash of the entry before it. */
export function accessHash(e: Omit<AccessEntry, 'hash' | 'prevHash'>, prevHash: string): string {
  return crypto.createHash('sha256').update(canonicalJson({
    v: 1, seq: e.seq, at: e.at.toISOString(), actorId: e.actorId, surface: e.surface, ip: e.ip ?? null,
    action: e.action, refs: e.refs, detail: e.detail ?? {}, prevHash,
  })).digest('hex');
}

export type AccessProblem =
  | { kind: 'edited'; seq: number }
  | { kind: 'missing'; fromSeq: number; toSeq: number }
  | { kind: 'relinked'; seq: number };

export interface AccessReport { intact: boolean; entries: number; problems: AccessProblem[] }

/**
 * Walks the whole access log (any order) and names every entry that no longer matches its hash, every gap in
 * the numbering, and every entry that does not follow the one before. Limit, said plainly: deleting the newest
 * entries leaves a shorter log that is still consistent, and someone who can recompute every later hash can forge
 * a consistent one; the count in `s117 access verify` and copies kept elsewhere (CSV exports) are the check on that.
 */
export function verifyAccessLog(entries: readonly AccessEntry[]): AccessReport {
  const list = [...entries].sort((a, b) => a.seq - b.seq);
  const problems: AccessProblem[] = [];
  let expected = 1;
  let prev = GENESIS;
  // Pruned under retention: the chain starts at the first kept entry, anchored by the PRUNE entry (itself sealed in the
  // chain) that names the last removed entry and its hash. Without such an entry, the missing start is reported.
  const first = list[0];
  const anchor = first && first.seq > 1
    ? list.map(anchorOf).find((a) => a?.throughSeq === first.seq - 1 && a.lastHash === first.prevHash) : undefined;
  if (first && anchor) {
    expected = first.seq;
    prev = anchor.lastHash;
  }
  let prevBroken = false;
  for (const e of list) {
    const gap = e.seq > expected;
    if (gap) problems.push({ kind: 'missing', fromSeq: expected, toSeq: e.seq - 1 });
    expected = e.seq + 1;
    const before = problems.length;
    if (accessHash(e, e.prevHash) !== e.hash) problems.push({ kind: 'edited', seq: e.seq });
    else if (!gap && !prevBroken && e.prevHash !== prev) problems.push({ kind: 'relinked', seq: e.seq });
    prevBroken = problems.length > before;
    prev = e.hash;
  }
  return { intact: problems.length === 0, entries: list.length, problems };
}

export function describeAccessProblem(p: AccessProblem): string {
  switch (p.kind) {
    case 'edited': return `access entry ${p.seq} was changed after it was recorded`;
    case 'missing':
      return p.fromSeq === p.toSeq ? `access entry ${p.fromSeq} was deleted` : `access entries ${p.fromSeq} to ${p.toSeq} were deleted`;
    case 'relinked': return `access entry ${p.seq} does not follow the entry recorded before it`;
  }
}

const CSV_HEAD = ['seq', 'at', 'who', 'surface', 'ip', 'action', 'disputes', 'detail', 'hash'];

function csvCell(v: string): string {
  // A cell a spreadsheet would run as a formula is written as text.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The log as CSV, one entry a line, with each entry's hash so a copy can be checked against the register later. */
export function accessCsv(entries: readonly AccessEntry[], name: (actorId: string) => string): string {
  const rows = entries.map((e) => [String(e.seq), e.at.toISOString(), name(e.actorId), e.surface, e.ip ?? '', e.action,
    e.refs.join(' '), canonicalJson(e.detail ?? {}), e.hash]);
  return `${[CSV_HEAD, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** An entry's detail as `key=value` words, for a screen. */
export function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail).filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
}

/** "Pat Lee (pat-lee)", "OS account alice", "this computer (no sign-in)". */
export function actorLabel(actorId: string, people: readonly { id: string; name: string }[]): string {
  if (actorId.startsWith('os:')) return `OS account ${actorId.slice(3)}`;
  if (actorId === 'local') return 'this computer (no sign-in)';
  const p = people.find((x) => x.id === actorId);
  return p ? `${p.name} (${p.id})` : actorId;
}
