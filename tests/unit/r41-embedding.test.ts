import { denseVector, features, FX } from '../../src/domain/r41-classifier.ts';
import { decodeEmbeddings, embeddingTokens } from '../../src/domain/r41-embedding.ts';
import { R41_MODEL } from '../../src/domain/r41-model.ts';

describe('the R4.1 word vectors (round 6)', () => {
  it('[R4.1] looks words up as lower-case letter runs: apostrophes, digits and punctuation break them', () => {
    expect(embeddingTokens("The ICB won't fund £1,450 a week (s117).")).toEqual(['the', 'icb', 'won', 't', 'fund', 'a', 'week', 's']);
    expect(embeddingTokens('')).toEqual([]);
  });

  it('[R4.1] decodes the int8 vectors to unit length with their scale, and the clusters per count', () => {
    // Two words, two dimensions: "budget" (127, 0) and "funding" (64, 64) at scale 0.01, clusters at count 2.
    const vectors = Buffer.from(Int8Array.from([127, 0, 64, 64]).buffer).toString('base64');
    const clusters = { 2: Buffer.from(Uint16Array.from([1, 0]).buffer).toString('base64') };
    const t = decodeEmbeddings({ dims: 2, topN: 2, words: 'budget funding', ranks: '5 9', scale: [0.01, 0.01], vectors, clusters });
    expect(t.index.get('funding')).toBe(1);
    expect([...t.rank]).toEqual([5, 9]);
    expect(t.vec[0]).toBeCloseTo(1);
    expect(t.vec[1]).toBeCloseTo(0);
    expect(Math.hypot(t.vec[2] as number, t.vec[3] as number)).toBeCloseTo(1);
    expect([...(t.clusters.get(2) ?? [])]).toEqual([1, 0]);
  });

  it('[R4.1] the shipped model uses no vector feature: round 6 measured them and shipped none', () => {
    expect(FX.clusters).toEqual([]);
    expect(FX.dense).toBe(0);
    expect(FX.subjectSim).toBe(0);
    expect(denseVector('The budget is spent, so the hours stop.')).toBeUndefined();
    expect(features('The budget is spent, so the hours stop.').some((f) => f.startsWith('%'))).toBe(false);
    expect(R41_MODEL.unlawful.dense).toBeUndefined();
  });
});
