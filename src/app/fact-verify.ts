import { changedFields, describeFact, type FactMap, REMOVED_DIGEST, type SealedFact, textDigest } from './fact-seals.ts';

export type FactProblem =
  | { kind: 'fact-changed'; key: string; fields: string[]; sealedBy: number }
  | { kind: 'fact-deleted'; key: string; sealedBy: number }
  | { kind: 'fact-unsealed'; key: string }
  | { kind: 'fact-text-removed'; key: string; fields: string[]; sealedBy: number };

interface Sealing { seq: number; facts?: Record<string, SealedFact | null> | null }

/**
 * Replays the facts each entry sealed, oldest first, and compares the last
 * sealed form of each with the dispute as it is now. A text that shows as
 * removed is accepted only when a retention run is on the record.
 */
export function checkFacts(
  entries: readonly Sealing[], current: FactMap, anonymised: boolean, disputeId?: string, legacy?: FactMap,
): { problems: FactProblem[]; removed: number } {
  const expected = new Map<string, { fact: SealedFact; seq: number }>();
  for (const e of entries) {
    for (const [key, fact] of Object.entries(e.facts ?? {})) {
      if (fact === null) expected.delete(key);
      else expected.set(key, { fact, seq: e.seq });
    }
  }
  const problems: FactProblem[] = [];
  let removed = 0;
  for (const [key, { fact, seq }] of expected) {
    const now = current[key];
    if (!now) {
      problems.push({ kind: 'fact-deleted', key, sealedBy: seq });
      continue;
    }
    // Sealed in clear by an older version (the outcome sentence): the same text if its digest is what is there now.
    // Or sealed as an older version sealed it (the NHS number as a plain digest): the same value sealed then.
    const fields = changedFields(fact, now).filter((f) => !(disputeId !== undefined && typeof fact[f] === 'string'
      && !String(fact[f]).startsWith('sha256:') && textDigest(disputeId, fact[f] as string) === now[f])
      && !(legacy?.[key] && JSON.stringify(legacy[key][f] ?? null) === JSON.stringify(fact[f] ?? null)));
    const gone = fields.filter((f) => now[f] === REMOVED_DIGEST && typeof fact[f] === 'string');
    const edited = fields.filter((f) => !gone.includes(f));
    if (gone.length && anonymised) removed += gone.length;
    else if (gone.length) problems.push({ kind: 'fact-text-removed', key, fields: gone, sealedBy: seq });
    if (edited.length) problems.push({ kind: 'fact-changed', key, fields: edited, sealedBy: seq });
  }
  for (const key of Object.keys(current)) if (!expected.has(key)) problems.push({ kind: 'fact-unsealed', key });
  // In the order of the entries that sealed them, so the first one named is the earliest thing to look at.
  problems.sort((a, b) => ('sealedBy' in a ? a.sealedBy : Infinity) - ('sealedBy' in b ? b.sealedBy : Infinity));
  return { problems, removed };
}

/** One plain-English line per fact problem, naming the entry that sealed the fact. */
export function describeFactProblem(p: FactProblem): string {
  const what = describeFact(p.key);
  switch (p.kind) {
    case 'fact-changed': return `${what} (${p.fields.join(', ')}) was changed after entry ${p.sealedBy} sealed it`;
    case 'fact-deleted': return `${what} was deleted after entry ${p.sealedBy} sealed it`;
    case 'fact-unsealed': return `${what} was added outside the bot (no entry seals it)`;
    case 'fact-text-removed': return `${what} (${p.fields.join(', ')}) lost its text after entry ${p.sealedBy} sealed it, `
      + 'and no retention run is recorded';
  }
}
