import crypto from 'node:crypto';
import { canonicalJson } from './history-chain.ts';

/**
 * Checkpoints anchor the history outside the database. Each one is a line
 * of a JSON-lines file, signed with an Ed25519 key the database never holds,
 * listing the seal of every entry written since the one before (so the file
 * as a whole knows the seal of every entry up to its last line), with the
 * count and a root over all of them that governance also receives. Anyone
 * who rewrites rows — even recomputing every seal with the bot's own code —
 * cannot make them agree with a checkpoint without the key.
 */
export interface Checkpoint {
  v: 1;
  /** When it was taken (ISO). */
  at: string;
  /** Every history entry the register held, sealed or not. */
  count: number;
  /** SHA-256 over every (dispute, seq, seal), in order: what governance compares. */
  root: string;
  /** SHA-256 of the line before (its whole text); '' on the first. */
  prev: string;
  /** The signing public key (Ed25519, SPKI DER, base64). */
  key: string;
  /** The entries new since the line before: dispute id → [seq, seal or null for an entry older than the chain]. */
  added: Record<string, [number, string | null][]>;
  /** Ed25519 signature (base64) over the line without this field. */
  sig: string;
}

/** One stored entry as the checkpoint sees it. */
export interface EntrySeal { disputeId: string; seq: number; hash: string | null }

export type Expected = Map<string, Map<number, string | null>>;

/** SHA-256 over every entry's seal, disputes and entries in order. */
export function chainRoot(state: Expected): string {
  const h = crypto.createHash('sha256');
  for (const id of [...state.keys()].sort()) {
    for (const [seq, hash] of [...state.get(id)!].sort((a, b) => a[0] - b[0])) h.update(`${id} ${seq} ${hash ?? '-'}\n`);
  }
  return h.digest('hex');
}

export function countOf(state: Expected): number {
  let n = 0;
  for (const m of state.values()) n += m.size;
  return n;
}

export function stateOf(entries: readonly EntrySeal[]): Expected {
  const out: Expected = new Map();
  for (const e of entries) {
    const m = out.get(e.disputeId) ?? new Map<number, string | null>();
    m.set(e.seq, e.hash);
    out.set(e.disputeId, m);
  }
  return out;
}

/** The entries of `now` that `before` does not hold yet. */
export function addedSince(before: Expected, now: Expected): Checkpoint['added'] {
  const added: Checkpoint['added'] = {};
  for (const [id, m] of now) {
    const known = before.get(id);
    const fresh = [...m].filter(([seq]) => !known?.has(seq)).sort((a, b) => a[0] - b[0]);
    if (fresh.length) added[id] = fresh;
  }
  return added;
}

export const signedBody = (c: Omit<Checkpoint, 'sig'>): string => canonicalJson({ ...c, sig: undefined });

export function lineDigest(line: string): string {
  return crypto.createHash('sha256').update(line).digest('hex');
}

export type CheckpointProblem =
  | { kind: 'unreadable'; line: number }
  | { kind: 'untrusted-key'; line: number; at: string }
  | { kind: 'bad-signature'; line: number; at: string }
  | { kind: 'broken-link'; line: number; at: string }
  | { kind: 'bad-root'; line: number; at: string };

export interface Replayed { expected: Expected; last: Checkpoint | null; lines: number; problems: CheckpointProblem[] }

/**
 * Reads the checkpoint file line by line, checking each line's key,
 * signature, link to the line before and root, and adds up the seals it
 * vouches for. It stops at the first line it cannot trust: nothing after a
 * forged line is believed.
 */
export function replayCheckpoints(text: string, trusted: ReadonlySet<string>): Replayed {
  const expected: Expected = new Map();
  const problems: CheckpointProblem[] = [];
  let last: Checkpoint | null = null;
  let prevLine = '';
  let n = 0;
  for (const line of text.split('\n').filter((l) => l.trim())) {
    n++;
    let c: Checkpoint;
    try {
      c = JSON.parse(line) as Checkpoint;
      if (c.v !== 1 || typeof c.sig !== 'string' || typeof c.key !== 'string' || !c.added) throw new Error('shape');
    } catch {
      problems.push({ kind: 'unreadable', line: n });
      break;
    }
    if (!trusted.has(c.key)) { problems.push({ kind: 'untrusted-key', line: n, at: c.at }); break; }
    if (!verifySignature(c)) { problems.push({ kind: 'bad-signature', line: n, at: c.at }); break; }
    if (c.prev !== (prevLine ? lineDigest(prevLine) : '')) { problems.push({ kind: 'broken-link', line: n, at: c.at }); break; }
    for (const [id, rows] of Object.entries(c.added)) {
      const m = expected.get(id) ?? new Map<number, string | null>();
      for (const [seq, hash] of rows) m.set(seq, hash);
      expected.set(id, m);
    }
    if (chainRoot(expected) !== c.root || countOf(expected) !== c.count) { problems.push({ kind: 'bad-root', line: n, at: c.at }); break; }
    last = c;
    prevLine = line;
  }
  return { expected, last, lines: n, problems };
}

function verifySignature(c: Checkpoint): boolean {
  try {
    const key = crypto.createPublicKey({ key: Buffer.from(c.key, 'base64'), format: 'der', type: 'spki' });
    return crypto.verify(null, Buffer.from(signedBody(c)), key, Buffer.from(c.sig, 'base64'));
  } catch {
    return false;
  }
}

export function describeCheckpointProblem(p: CheckpointProblem): string {
  switch (p.kind) {
    case 'unreadable': return `checkpoint ${p.line} cannot be read (the file was edited or cut short)`;
    case 'untrusted-key': return `checkpoint ${p.line} (${p.at}) is signed by a key this register does not trust`;
    case 'bad-signature': return `checkpoint ${p.line} (${p.at}) does not match its signature (the file was edited)`;
    case 'broken-link': return `checkpoint ${p.line} (${p.at}) does not follow the checkpoint before it (a line was removed or reordered)`;
    case 'bad-root': return `checkpoint ${p.line} (${p.at}) does not add up to the root it signed`;
  }
}

export type Disagreement =
  | { kind: 'rewritten'; disputeId: string; seq: number }
  | { kind: 'deleted'; disputeId: string; seq: number }
  | { kind: 'unsealed'; disputeId: string; seq: number };

/**
 * Compares the register with what the checkpoints vouch for: per dispute,
 * the first entry whose seal is not the one signed (rewritten, blanked or
 * recomputed) or that is gone. Once a checkpoint exists the chain has begun,
 * so an entry it does not cover must be sealed.
 */
export function compareWithCheckpoints(expected: Expected, now: Expected, anchored: boolean): Disagreement[] {
  const out: Disagreement[] = [];
  for (const [id, m] of expected) {
    const stored = now.get(id);
    for (const [seq, hash] of [...m].sort((a, b) => a[0] - b[0])) {
      if (!stored?.has(seq)) { out.push({ kind: 'deleted', disputeId: id, seq }); break; }
      if (stored.get(seq) !== hash) { out.push({ kind: 'rewritten', disputeId: id, seq }); break; }
    }
  }
  if (anchored) {
    for (const [id, m] of now) {
      const known = expected.get(id);
      const blank = [...m].filter(([seq, hash]) => hash === null && !known?.has(seq)).sort((a, b) => a[0] - b[0])[0];
      if (blank) out.push({ kind: 'unsealed', disputeId: id, seq: blank[0] });
    }
  }
  return out;
}

export function describeDisagreement(d: Disagreement, reference: string, at: string): string {
  switch (d.kind) {
    case 'rewritten':
      return `${reference}: entry ${d.seq} is not the entry the checkpoint of ${at} signed (it was rewritten or its seal recomputed)`;
    case 'deleted': return `${reference}: entry ${d.seq} was deleted after the checkpoint of ${at}`;
    case 'unsealed': return `${reference}: entry ${d.seq} has no seal, though the chain had begun (its seal was removed)`;
  }
}
