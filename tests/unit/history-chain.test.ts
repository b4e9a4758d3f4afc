import { canonicalJson, checkHistory, describeProblem, entryHash, sealEntries, verifyChain } from '../../src/app/history-chain.ts';

const at = new Date('2026-12-07T10:00:00Z');
const entry = (seq: number, data: unknown = { n: seq }) => ({
  disputeId: 'd1', seq, at, actorId: 'ali-khan', platform: 'slack', type: 'NOTE', data, correctsSeq: null,
});

describe('the history hash chain', () => {
  it('[R11.1] serialises the same entry to the same bytes whatever order its keys come in', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(entryHash(entry(1, { x: 1, y: 2 }), '')).toBe(entryHash(entry(1, { y: 2, x: 1 }), ''));
    expect(entryHash(entry(1), '')).not.toBe(entryHash(entry(1), 'other'));
  });

  it('[R11.1] seals entries in order, each pointing at the one before, and an untouched chain verifies', () => {
    const first = sealEntries([entry(1), entry(2)], null);
    const more = sealEntries([entry(3)], first[1]!.hash);
    expect(first[0]!.prevHash).toBe('');
    expect(more[0]!.prevHash).toBe(first[1]!.hash);
    expect(verifyChain([...more, ...first])).toEqual({ intact: true, chained: 3, beforeChain: 0, removedTexts: 0, problems: [] });
    expect(checkHistory('d1', [])).toEqual({ intact: true, chained: 0, beforeChain: 0, removedTexts: 0, problems: [] });
  });

  it('[R11.1] names a changed time, a re-pointed link and a run of deleted entries', () => {
    const chain = sealEntries([1, 2, 3, 4, 5].map((n) => entry(n)), null);
    const changed = chain.map((e) => (e.seq === 2 ? { ...e, at: new Date('2026-12-08T10:00:00Z') } : e));
    expect(verifyChain(changed).problems).toEqual([{ kind: 'edited', seq: 2 }]);
    const relinked = chain.map((e) => (e.seq === 4 ? { ...e, ...sealEntries([entry(4)], 'forged')[0]! } : e));
    expect(verifyChain(relinked).problems).toEqual([{ kind: 'relinked', seq: 4 }]);
    const gap = chain.filter((e) => e.seq !== 2 && e.seq !== 3);
    expect(verifyChain(gap).problems.map(describeProblem)).toEqual(['entries 2 to 3 were deleted']);
  });
});
