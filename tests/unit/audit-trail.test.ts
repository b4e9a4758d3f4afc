import crypto from 'node:crypto';
import { describeProblem, sealEntries, verifyChain } from '../../src/app/history-chain.ts';
import { ANONYMISED_EVENT, REMOVED_TEXT, factDelta, textDigest, type FactMap } from '../../src/app/fact-seals.ts';
import {
  addedSince, chainRoot, compareWithCheckpoints, countOf, lineDigest, replayCheckpoints, signedBody, stateOf, type Checkpoint,
} from '../../src/app/checkpoint-log.ts';

const at = new Date('2026-12-07T10:00:00Z');
const entry = (seq: number, facts: FactMap | Record<string, null> = {}, data: unknown = { note: `entry ${seq}` }, type = 'NOTE') => ({
  disputeId: 'd1', seq, at, actorId: 'ali-khan', platform: 'slack', type, data, correctsSeq: null, facts,
});
const decision = (summary: string): FactMap => ({ 'decision:1': { summary: textDigest('d1', summary), proposedBy: 'ali-khan' } });

describe('sealed facts', () => {
  it('[R11.1] seals a digest of each text, bound to its dispute, never the text', () => {
    const d = textDigest('d1', 'The ICB funds it.')!;
    expect(d).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(textDigest('d2', 'The ICB funds it.')).not.toBe(d);
    expect(JSON.stringify(decision('The ICB funds it.'))).not.toContain('ICB');
    expect(textDigest('d1', null)).toBeNull();
  });

  it('[R11.1] seals only what changed, and a fact that vanished as null', () => {
    const a = { ...decision('x'), 'step:EXPLAINED': { note: null } };
    expect(factDelta(a, { ...decision('y'), 'step:EXPLAINED': { note: null } })).toEqual(decision('y'));
    expect(factDelta(a, decision('x'))).toEqual({ 'step:EXPLAINED': null });
  });

  it('[R11.1] names a fact changed, deleted or added by hand, by the entry that last sealed it', () => {
    const chain = sealEntries([entry(1, decision('agreed')), entry(2, { 'confirmation:1:org': { personId: 'ivy' } })], null);
    expect(verifyChain(chain, { ...decision('agreed'), 'confirmation:1:org': { personId: 'ivy' } }).intact).toBe(true);
    const r = verifyChain(chain, { ...decision('changed'), 'party:org': { role: 'X' } });
    expect(r.problems.map(describeProblem)).toEqual([
      'decision 1 (summary) was changed after entry 1 sealed it',
      'the confirmation of decision 1 by org was deleted after entry 2 sealed it',
      'party org was added outside the bot (no entry seals it)',
    ]);
  });

  it('[R11.1] accepts a text removed under retention only when a retention run is recorded', () => {
    const removedRow = { 'decision:1': { summary: textDigest('d1', REMOVED_TEXT), proposedBy: 'ali-khan' } };
    const chain = sealEntries([entry(1, decision('agreed'))], null);
    expect(verifyChain(chain, removedRow).problems.map(describeProblem))
      .toEqual(['decision 1 (summary) lost its text after entry 1 sealed it, and no retention run is recorded']);
    const recorded = sealEntries([entry(1, decision('agreed')), entry(2, {}, {}, ANONYMISED_EVENT)], null);
    expect(verifyChain(recorded, removedRow)).toMatchObject({ intact: true, removedTexts: 1 });
  });

  it('[R11.1] keeps an entry\'s seal when a text in its data is swapped for its digest, and asks for the retention record', () => {
    const [sealed] = sealEntries([entry(1, {}, { note: 'Told her by phone.' })], null);
    const stripped = { ...sealed!, data: { note: { $removed: textDigest('d1', 'Told her by phone.') } } };
    expect(verifyChain([stripped]).problems.map(describeProblem)).toEqual(['a text of entry 1 was removed, and no retention run is recorded']);
    const [note, anon] = sealEntries([entry(1, {}, { note: 'Told her by phone.' }), entry(2, {}, {}, ANONYMISED_EVENT)], null);
    expect(verifyChain([{ ...note!, data: stripped.data }, anon!])).toMatchObject({ intact: true, removedTexts: 1 });
    // A different digest is an edit, not a removal.
    expect(verifyChain([{ ...note!, data: { note: { $removed: textDigest('d1', 'other') } } }, anon!]).problems)
      .toEqual([{ kind: 'edited', seq: 1 }]);
  });

  it('[R11.1] treats an entry holding sealed facts but no seal as blanked, not as older than the chain', () => {
    const [one] = sealEntries([entry(1, decision('agreed'))], null);
    expect(verifyChain([{ ...one!, hash: null, prevHash: null }]).problems).toEqual([{ kind: 'unsealed', seq: 1 }]);
    expect(verifyChain([{ ...one!, hash: null, prevHash: null, facts: null }])).toMatchObject({ intact: true, beforeChain: 1 });
  });
});

describe('signed checkpoints', () => {
  const keys = () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    return { privateKey, key: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
  };
  const sign = (k: ReturnType<typeof keys>, before: Map<string, Map<number, string | null>>, now: typeof before, prevLine: string, when: string) => {
    const body = { v: 1 as const, at: when, count: countOf(now), root: chainRoot(now), prev: prevLine ? lineDigest(prevLine) : '', key: k.key, added: addedSince(before, now) };
    return JSON.stringify({ ...body, sig: crypto.sign(null, Buffer.from(signedBody(body)), k.privateKey).toString('base64') } satisfies Checkpoint);
  };
  const s1 = stateOf([{ disputeId: 'a', seq: 1, hash: 'h1' }, { disputeId: 'a', seq: 2, hash: 'h2' }]);
  const s2 = stateOf([{ disputeId: 'a', seq: 1, hash: 'h1' }, { disputeId: 'a', seq: 2, hash: 'h2' }, { disputeId: 'a', seq: 3, hash: 'h3' }]);

  it('[R11.1] replays signed lines into the seal of every entry, and names the first entry that disagrees', () => {
    const k = keys();
    const l1 = sign(k, new Map(), s1, '', 't1');
    const l2 = sign(k, s1, s2, l1, 't2');
    const r = replayCheckpoints(`${l1}\n${l2}\n`, new Set([k.key]));
    expect(r.problems).toEqual([]);
    expect(r.last!.at).toBe('t2');
    expect(compareWithCheckpoints(r.expected, s2, true)).toEqual([]);
    const recomputed = stateOf([{ disputeId: 'a', seq: 1, hash: 'h1' }, { disputeId: 'a', seq: 2, hash: 'x2' }, { disputeId: 'a', seq: 3, hash: 'x3' }]);
    expect(compareWithCheckpoints(r.expected, recomputed, true)).toEqual([{ kind: 'rewritten', disputeId: 'a', seq: 2 }]);
    expect(compareWithCheckpoints(r.expected, stateOf([{ disputeId: 'a', seq: 1, hash: 'h1' }]), true))
      .toEqual([{ kind: 'deleted', disputeId: 'a', seq: 2 }]);
    const later = stateOf([...[1, 2, 3].map((seq) => ({ disputeId: 'a', seq, hash: `h${seq}` })), { disputeId: 'b', seq: 1, hash: null }]);
    expect(compareWithCheckpoints(r.expected, later, true)).toEqual([{ kind: 'unsealed', disputeId: 'b', seq: 1 }]);
  });

  it('[R11.1] stops at a line signed by an untrusted key, a removed line, or an edited one', () => {
    const k = keys();
    const other = keys();
    const l1 = sign(k, new Map(), s1, '', 't1');
    expect(replayCheckpoints(`${l1}\n${sign(other, s1, s2, l1, 't2')}\n`, new Set([k.key])).problems)
      .toEqual([{ kind: 'untrusted-key', line: 2, at: 't2' }]);
    expect(replayCheckpoints(`${sign(k, s1, s2, l1, 't2')}\n`, new Set([k.key])).problems).toEqual([{ kind: 'broken-link', line: 1, at: 't2' }]);
    const edited = l1.replace('"h1"', '"x1"');
    expect(replayCheckpoints(edited, new Set([k.key])).problems).toEqual([{ kind: 'bad-signature', line: 1, at: 't1' }]);
    expect(replayCheckpoints('not json', new Set([k.key])).problems).toEqual([{ kind: 'unreadable', line: 1 }]);
  });
});
