import { decodeEmbeddings, EMBEDDING_LIMIT, embeddingTokens, type EmbeddingTable } from './r41-embedding.ts';
import { R41_EMBEDDINGS } from './r41-embeddings.ts';
import { UNLAWFUL_GROUNDS, type UnlawfulGround } from './types.ts';

/**
 * A small logistic-regression text classifier for the R4.1 check, trained at build time
 * (scripts/train-r41.ts) from labelled sentences and shipped as plain weights (r41-model.ts).
 * Pure and deterministic: the same training rows always give the same model, so a test can
 * prove the committed model is exactly what the training set produces.
 */

/**
 * One linear model: a bias and a weight per feature; absent features weigh nothing. `dense` (round 6, yes/no model only,
 * when FX.dense is on) weighs the pooled word vectors (denseVector).
 */
export interface LinearModel { bias: number; weights: Record<string, number>; dense?: number[] }

export interface R41Model {
  /** Does the sentence rely on an unlawful ground to delay, reduce, refuse or end aftercare? */
  unlawful: LinearModel;
  /** Which ground, one model per ground, trained on the unlawful sentences only. */
  grounds: Record<UnlawfulGround, LinearModel>;
}

/**
 * A labelled sentence. `grounds` empty means lawful, unless `unlawful` says otherwise: rows known to be
 * unlawful without a named ground (held-out version 1) teach the yes/no model but not the ground models.
 */
export interface TrainingRow { sentence: string; grounds: UnlawfulGround[]; unlawful?: boolean; source?: string }

/** Whether a training row is labelled unlawful. */
export function isUnlawful(row: Pick<TrainingRow, 'grounds' | 'unlawful'>): boolean {
  return row.unlawful ?? row.grounds.length > 0;
}

// How people write the same thing several ways: folded before features are taken,
// so "ASC", "adult social care" and "the LA" all reach the same weights.
const PHRASES: [RegExp, string][] = [
  [/\b(continuing health ?care|nhs chc)\b/g, 'chc'],
  [/\b(s\.? ?117|section 117|sec 117)\b/g, 's117'],
  [/\b(adult social care|asc|social services|social care)\b/g, 'socialcare'],
  [/\b(local authority|la|the council|council|borough|county)\b/g, 'council'],
  [/\b(ccg|integrated care board|icb|ics|nhs england)\b/g, 'icb'],
  [/\b(jfp|joint funding panel)\b/g, 'funding panel'],
  [/\b(decision support tool|dst)\b/g, 'dst'],
  [/\b(mental health|mh)\b/g, 'mentalhealth'],
  [/\b(ordinary residence|ordinarily resident)\b/g, 'ordinaryresidence'],
  [/\b(financial|fiscal) year\b|\bfy\b/g, 'financialyear'],
  [/\b(organi[sz]ation)/g, 'organisation'],
  [/\b(re) (commission|tender|structur|organi[sz])/g, 're$2'],
  [/\bcan ?not\b|\bcan t\b/g, 'cannot'],
  [/\b(won t|will not|wont)\b/g, 'will not'],
  [/\b([a-z]+)n t\b/g, '$1 not'],
  [/£ ?[0-9][0-9,.]*[km]?\b/g, ' money '],
  [/\b[0-9]+([.,:/][0-9]+)*(st|nd|rd|th|%)?\b/g, ' num '],
];

/** Lower-cased words with the variants above folded; punctuation becomes a word break. */
export function normalise(text: string): string {
  // "OR" in capitals is ordinary residence; "or" is just a word.
  let s = ` ${text.replace(/\bOR\b/g, 'ordinaryresidence').toLowerCase().replace(/[’'`]/g, ' ').replace(/-/g, ' ')} `;
  s = s.replace(/[^a-z0-9£%.,:/ ]+/g, ' ').replace(/([a-z])[.,:/]+(?=\s|$)/g, '$1 ').replace(/\s[.,:/]+\s/g, ' ');
  for (const [re, to] of PHRASES) s = s.replace(re, to);
  s = s.replace(/\borganis(e|es|ed|ing|ation|ations)\b/g, 'organise').replace(/\b([a-z]{3,})iz(e|es|ed|ing|ation)\b/g, '$1is$2');
  return s.replace(/[.,:/]/g, ' ').replace(/\s+/g, ' ').trim();
}

// A light suffix strip: "delayed", "delaying" and "delays" share a weight, which a
// few hundred training sentences need far more than precision about tense.
function stem(w: string): string {
  if (w.length <= 4) return w;
  for (const suf of ['ing', 'ed', 'es', 's']) {
    if (w.endsWith(suf) && w.length - suf.length >= 4) return w.slice(0, -suf.length);
  }
  return w;
}

// Words that do the same job in a sentence share a cue, so a verb the training set never used
// still counts: either care is held back (delay, pause, refuse, cut …) or it goes on.
const CUES: [string, string[]][] = [
  ['#withhold', ['delay', 'hold', 'pause', 'paus', 'suspend', 'defer', 'defere', 'stop', 'stopp', 'cut', 'reduc', 'reduce', 'withdrawn',
    'withdraw', 'refus', 'refuse', 'declin', 'decline', 'end', 'ends', 'ceas', 'cease', 'wait', 'until', 'till', 'before', 'parked', 'park',
    'freez', 'frozen', 'slipp', 'gap', 'lost', 'finish', 'closing', 'clos', 'close', 'postpon', 'postpone', 'back']],
  ['#continue', ['continu', 'continue', 'unchang', 'unchanged', 'unaffect', 'unaffected', 'place', 'same', 'start', 'started', 'meanwhile',
    'meantime', 'alongside', 'parallel', 'carri', 'carry', 'kept', 'keep', 'stay', 'stays', 'full', 'already', 'backdat', 'backdate',
    'retrospective']],
  ['#money', ['budget', 'cost', 'fund', 'money', 'afford', 'financ', 'finance', 'financial', 'spend', 'saving', 'overspent', 'overspend',
    'cheaper', 'expensive', 'allocation', 'envelope', 'financialyear', 'charg', 'charge', 'efficiencie', 'deficit']],
];
const CUE_OF = new Map(CUES.flatMap(([cue, words]) => words.map((w) => [w, cue] as [string, string])));

const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'without', 'regardless', 'irrespective', 'despite']);

// The part each word plays in the reasoning, for the reason-level features below: a ground's
// subject (G), a word that makes one thing the cause or the precondition of another (C), care held
// back or ended (W), care going on (K), a negation (N). Round 3 found (10-fold cross-validation on the
// training set only) that the order of these roles helps where single words cannot: "the budget is
// spent, so the hours stop" is G C W, "CHC is pending; care continues" is G C K.
const CAUSE_WORDS = new Set(['so', 'because', 'as', 'until', 'till', 'once', 'pending', 'therefore', 'due', 'given', 'following',
  'await', 'awaiting', 'subject', 'since', 'hence', 'thus', 'mean', 'means', 'after', 'unless', 'when', 'depend', 'dependent', 'condition',
  'reason', 'result', 'owing']);
const CONTINUE_WORDS = new Set(['interim', 'while', 'whilst', 'meanwhile', 'meantime', 'regardless', 'irrespective', 'despite',
  'continu', 'continue', 'unchang', 'unchanged', 'unaffect', 'unaffected', 'same', 'maintain', 'maintained', 'kept', 'keep', 'carri',
  'carry', 'transfer', 'transferr', 'move', 'mov', 'alongside', 'parallel', 'backdat', 'backdate', 'retrospective', 'stay', 'stays']);
const WITHHOLD_EXTRA = new Set(['cannot', 'unable', 'longer', 'hold', 'removed', 'remov', 'lapse', 'discharg', 'discharge', 'withdraw',
  'withdrawn', 'refused', 'declined', 'reject', 'rejected']);

/**
 * Round 5's feature choices, each kept because leave-one-writer-out cross-validation said it helped (docs/r41-classifier.md):
 * contrast words as a role of their own (B) and the first and last role; the words after the last contrast word
 * marked (">…", the clause that wins in "…, but care continues"); letter 4-grams inside words ("'…") and 5-letter
 * word starts ("^…"), so a spelling, prefix or ending another writer uses still meets a weight. Only
 * scripts/r41-experiment.ts changes them, to measure alternatives; the shipped model is trained with these.
 */
export const FX = {
  contrast: true, lastRole: true, clause: true, charGrams: 4, prefix: 5,
  // Round 6 (pretrained word vectors, src/domain/r41-embedding.ts): each word's cluster at these cluster counts ("%k:c"),
  // cluster pairs of neighbouring words ("%k:c_c") when clusterPairs, and the clusters after the last contrast word (">%…")
  // when clusterClause; dense > 0 adds the mean of the sentence's word vectors (times dense) to the yes/no model, and
  // denseClause the mean after the last contrast word; maxRank drops words rarer than that GloVe rank (0: keep all).
  // subjectSim > 0: a word whose vector is at least this close (cosine) to one of SUBJECT_ANCHORS also touches a ground's subject.
  clusters: [] as number[], clusterPairs: false, clusterClause: false, dense: 0, denseClause: false, maxRank: 0, subjectSim: 0,
};
const CONTRAST_WORDS = new Set(['but', 'however', 'although', 'though', 'yet', 'instead', 'nevertheless', 'nonetheless', 'still',
  'whereas']);

/** The role a (stemmed) word plays in the reasoning, if any. Order matters: "regardless" is a negation before it is care going on. */
export function roleOf(w: string): string | undefined {
  if (FX.contrast && CONTRAST_WORDS.has(w)) return 'B';
  if (NEGATORS.has(w)) return 'N';
  if (CAUSE_WORDS.has(w)) return 'C';
  if (CONTINUE_WORDS.has(w)) return 'K';
  if (CUE_OF.get(w) === '#withhold' || WITHHOLD_EXTRA.has(w)) return 'W';
  if (GROUND_SUBJECTS.some((g) => !g.includes(' ') && w.startsWith(g))) return 'G';
  return undefined;
}

/**
 * Reason-level features: the roles in the order they appear, repeats merged, as pairs and triples
 * ("@GCW": a ground, then a cause word, then care held back). Words with no role are skipped, so
 * "the panel has not met so the package waits" and "panel pending, package paused" share "@GCW"-like features.
 */
export function structureFeatures(words: readonly string[]): string[] {
  const seq = words.map(roleOf).filter((r): r is string => r !== undefined).filter((r, i, all) => r !== all[i - 1]);
  const out = new Set<string>();
  if (FX.lastRole && seq.length) { out.add(`@end${seq[seq.length - 1]}`); out.add(`@start${seq[0]}`); }
  for (let i = 0; i + 1 < seq.length; i++) {
    out.add(`@${seq[i]}${seq[i + 1]}`);
    if (i + 2 < seq.length) out.add(`@${seq[i]}${seq[i + 1]}${seq[i + 2]}`);
  }
  return [...out];
}

let table: EmbeddingTable | undefined;
/** The decoded word vectors, decoded on first use and kept. */
export function embeddings(): EmbeddingTable {
  table ??= decodeEmbeddings(R41_EMBEDDINGS);
  return table;
}

// Words too common to say anything about the reasoning, left out of the pooled vectors (not of the clusters).
const POOL_SKIP = new Set(['the', 'a', 'an', 'of', 'to', 'and', 'in', 'is', 'was', 'for', 'on', 'at', 'by', 'be', 'it', 'this', 'that',
  'with', 'are', 'has', 'have', 'been', 'will', 'from', 'his', 'her', 'their', 'he', 'she', 'they', 'we', 'our', 'i', 's', 't', 'there',
  'were', 'its', 'which', 'who', 'or']);

/** Each token's row in the vector table, or -1 when it has none (or, when measuring, is outside EMBEDDING_LIMIT). */
function rowsOf(tokens: readonly string[]): number[] {
  const t = embeddings();
  return tokens.map((w) => {
    const i = t.index.get(w);
    if (i === undefined) return -1;
    if (EMBEDDING_LIMIT.allowed && !EMBEDDING_LIMIT.allowed.has(w)) return -1;
    if (FX.maxRank && (t.rank[i] as number) >= FX.maxRank) return -1;
    return i;
  });
}

function clusterFeatures(text: string, out: Set<string>): void {
  const tokens = embeddingTokens(text);
  const rows = rowsOf(tokens);
  const lastContrast = FX.clusterClause ? tokens.reduce((at, w, i) => (CONTRAST_WORDS.has(w) ? i : at), -1) : -1;
  for (const k of FX.clusters) {
    const of = embeddings().clusters.get(k);
    if (!of) throw new Error(`r41-embeddings.ts has no ${k} clusters: rerun npm run embed:r41`);
    let prev = '';
    rows.forEach((r, i) => {
      const c = r < 0 ? '' : String(of[r]);
      if (c) out.add(`%${k}:${c}`);
      if (c && lastContrast >= 0 && i > lastContrast) out.add(`>%${k}:${c}`);
      if (FX.clusterPairs && c && prev) out.add(`%${k}:${prev}_${c}`);
      prev = c;
    });
  }
}

/** The mean of the word vectors (common words left out), times FX.dense; with denseClause, the same after the last contrast word. */
export function denseVector(text: string): Float32Array | undefined {
  if (!FX.dense) return undefined;
  const t = embeddings();
  const tokens = embeddingTokens(text);
  const rows = rowsOf(tokens);
  const out = new Float32Array(t.dims * (FX.denseClause ? 2 : 1));
  const lastContrast = tokens.reduce((at, w, i) => (CONTRAST_WORDS.has(w) ? i : at), -1);
  let n = 0, m = 0;
  rows.forEach((r, i) => {
    if (r < 0 || POOL_SKIP.has(tokens[i] as string)) return;
    n++;
    for (let d = 0; d < t.dims; d++) out[d] = (out[d] as number) + (t.vec[r * t.dims + d] as number);
    if (FX.denseClause && lastContrast >= 0 && i > lastContrast) {
      m++;
      for (let d = 0; d < t.dims; d++) out[t.dims + d] = (out[t.dims + d] as number) + (t.vec[r * t.dims + d] as number);
    }
  });
  for (let d = 0; d < t.dims; d++) {
    if (n) out[d] = ((out[d] as number) / n) * FX.dense;
    if (FX.denseClause && m) out[t.dims + d] = ((out[t.dims + d] as number) / m) * FX.dense;
  }
  return out;
}

/** Unigrams, bigrams, each word marked when it follows a negation in the same clause, and the reason-level features. */
export function features(text: string): string[] {
  const words = normalise(text).split(' ').filter(Boolean).map(stem);
  const out = new Set<string>(structureFeatures(words));
  if (FX.clusters.length) clusterFeatures(text, out);
  let negated = 0;
  // After the last contrast word the clause that wins ("…, but care continues"): its words are marked too.
  const lastContrast = FX.clause ? words.reduce((at, w, i) => (CONTRAST_WORDS.has(w) ? i : at), -1) : -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    out.add(w);
    if (lastContrast >= 0 && i > lastContrast) out.add(`>${w}`);
    if (FX.prefix && w.length > FX.prefix) out.add(`^${w.slice(0, FX.prefix)}`);
    if (FX.charGrams) {
      const padded = `_${w}_`;
      for (let j = 0; j + FX.charGrams <= padded.length; j++) out.add(`'${padded.slice(j, j + FX.charGrams)}`);
    }
    const cue = CUE_OF.get(w);
    if (cue) out.add(negated > 0 ? `~${cue}` : cue);
    if (i > 0) out.add(`${words[i - 1]} ${w}`);
    if (negated > 0) { out.add(`~${w}`); negated--; }
    if (NEGATORS.has(w)) negated = 3;
  }
  return [...out];
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

// R4.1 is about citing a ground: text that says care is delayed but names no budget, panel, CHC,
// policy, service or organisational change, or question of who is responsible, cites nothing. The
// classifier alone, having seen only dispute wording, flags any sentence about delay; so a flag
// also needs the text to touch one of these subjects (word starts, after normalising).
const GROUND_SUBJECTS = [
  'budget', 'cost', 'fund', 'money', 'afford', 'financ', 'saving', 'spend', 'overspen', 'cheap', 'expensive', 'allocation', 'envelope',
  'efficienc', 'deficit', 'charg', 'bill', 'pay', 'paid', 'price', 'capped', 'uplift', 'contribut', 'resource', 'mtfs', 'top up', 'benefit',
  'health', 'socialcare', 'nurs', 'clinical', 'medical', 'ordinaryresidence', 'responsib', 'resident', 'commissioner',
  'policy', 'protocol', 'framework', 'agreement', 'process', 'pathway',
  'panel', 'approv', 'sign off', 'signs off', 'signed off', 'ratif',
  'chc', 'dst', 'checklist', 'fast track',
  'commission', 'recommission', 'decommission', 'contract', 'tender', 'retender', 'restructur', 'reorganis', 'merg', 'model',
  'redesign', 'transformation', 'provider', 'structure',
  'pilot', 'transition', 'realign', 'in house', 'scheme', 'closing', 'closure',
  // Round 4, from cross-validation mistakes on training data only: prefixed forms the word-start match
  // missed (unaffordable, underfunded), charging the person (self-fund, invoiced), "not engaging" used to
  // close or cut care (versions 1 and 2 of the held-out set, now training data, label it unlawful), and
  // commissioning words (procurement, remodelled, DPS, MoU, brokerage).
  'unafford', 'underfund', 'self fund', 'invoic', 'engag', 'dna', 'did not attend', 'cancell', 'missed appointment',
  'procur', 'remodel', 'dps', 'mou', 'broker', 'dear', 'guidance', 'procedure',
];

// Whole words standing for the subjects above, for FX.subjectSim: a word the list does not know but whose vector is
// close to one of these ("allocation" to "budget", "procured" to "commissioning") touches the subject too.
const SUBJECT_ANCHORS = ['budget', 'funding', 'money', 'afford', 'finance', 'savings', 'spend', 'overspend', 'cost', 'costs', 'charges',
  'deficit', 'panel', 'approval', 'policy', 'protocol', 'commissioning', 'contract', 'tender', 'restructuring', 'reorganisation',
  'merger', 'provider', 'procurement', 'responsibility', 'residence', 'health', 'nhs'];
const nearSubject = new Map<string, boolean>();
function closeToSubject(word: string): boolean {
  const key = `${FX.subjectSim} ${word}`;
  const known = nearSubject.get(key);
  if (known !== undefined) return known;
  const t = embeddings();
  const [r] = rowsOf([word]);
  let near = false;
  if (r !== undefined && r >= 0 && !POOL_SKIP.has(word)) {
    for (const a of SUBJECT_ANCHORS) {
      const j = t.index.get(a);
      if (j === undefined) continue;
      let dot = 0;
      for (let d = 0; d < t.dims; d++) dot += (t.vec[r * t.dims + d] as number) * (t.vec[j * t.dims + d] as number);
      if (dot >= FX.subjectSim) { near = true; break; }
    }
  }
  if (!EMBEDDING_LIMIT.allowed) nearSubject.set(key, near);
  return near;
}

/** Whether the text touches any subject an R4.1 ground is about. */
export function mentionsGroundSubject(text: string): boolean {
  const s = ` ${normalise(text)}`;
  if (GROUND_SUBJECTS.some((w) => s.includes(` ${w}`))) return true;
  return FX.subjectSim > 0 && embeddingTokens(text).some(closeToSubject);
}

/** Probability that the linear model says yes for these features. */
export function score(model: LinearModel, feats: readonly string[], dense?: Float32Array): number {
  let z = model.bias;
  for (const f of feats) z += model.weights[f] ?? 0;
  if (model.dense && dense) for (let d = 0; d < model.dense.length; d++) z += (model.dense[d] as number) * (dense[d] as number);
  return sigmoid(z);
}

export interface TrainOptions { epochs: number; rate: number; l2: number; minCount: number }
// Round 4: 800 passes and L2 0.0015 (was 400 / 0.005) gave the best lesser of cross-validated precision and
// recall on the larger training set (docs/r41-classifier.md).
export const TRAIN_OPTIONS: TrainOptions = { epochs: 800, rate: 0.5, l2: 0.0015, minCount: 2 };

/**
 * Full-batch gradient descent on the L2-regularised log loss. No randomness, a fixed
 * number of passes and weights rounded to four places, so training is reproducible.
 */
export function trainLinear(
  rows: readonly { feats: readonly string[]; y: number; dense?: Float32Array | undefined }[], vocab: ReadonlySet<string>, opt: TrainOptions,
): LinearModel {
  const names = [...vocab].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const xs = rows.map((r) => r.feats.map((f) => index.get(f)).filter((i): i is number => i !== undefined));
  const w = new Float64Array(names.length);
  const dims = rows[0]?.dense?.length ?? 0;
  const dw = new Float64Array(dims);
  let b = 0;
  const n = rows.length;
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    const grad = new Float64Array(names.length);
    const dgrad = new Float64Array(dims);
    let gb = 0;
    for (let r = 0; r < n; r++) {
      const x = xs[r] as number[];
      const row = rows[r] as { y: number; dense?: Float32Array | undefined };
      let z = b;
      for (const i of x) z += w[i] as number;
      const dx = row.dense;
      if (dx) for (let d = 0; d < dims; d++) z += (dw[d] as number) * (dx[d] as number);
      const err = sigmoid(z) - row.y;
      gb += err;
      for (const i of x) grad[i] = (grad[i] as number) + err;
      if (dx) for (let d = 0; d < dims; d++) dgrad[d] = (dgrad[d] as number) + err * (dx[d] as number);
    }
    for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) - opt.rate * ((grad[i] as number) / n + opt.l2 * (w[i] as number));
    for (let d = 0; d < dims; d++) dw[d] = (dw[d] as number) - opt.rate * ((dgrad[d] as number) / n + opt.l2 * (dw[d] as number));
    b -= opt.rate * (gb / n);
  }
  const weights: Record<string, number> = {};
  names.forEach((name, i) => {
    const v = Math.round((w[i] as number) * 1e4) / 1e4;
    if (Math.abs(v) >= 0.005) weights[name] = v;
  });
  const model: LinearModel = { bias: Math.round(b * 1e4) / 1e4, weights };
  if (dims) model.dense = Array.from(dw, (v) => Math.round(v * 1e4) / 1e4);
  return model;
}

// The ground models learn from words, word pairs, cues and negation only: the reason-level (@), contrast-clause (>),
// letter-sequence ('), word-start (^) and word-cluster (%k:, not the word "%") features say whether a ground is relied on, not which.
function isWordFeature(f: string): boolean {
  return !/^[@>'^]|^%\d+:/.test(f);
}

/**
 * Trains both parts of the model from labelled sentences (grounds empty = lawful). `yesNoOnly` leaves the
 * ground models empty: whether a text is flagged does not depend on them, so cross-validation of the flag
 * can skip their training.
 */
export function trainModel(rows: readonly TrainingRow[], opt: TrainOptions = TRAIN_OPTIONS, yesNoOnly = false): R41Model {
  const data = rows.map((r) => ({ feats: features(r.sentence), dense: denseVector(r.sentence), grounds: r.grounds, y: +isUnlawful(r) }));
  const counts = new Map<string, number>();
  for (const d of data) for (const f of d.feats) counts.set(f, (counts.get(f) ?? 0) + 1);
  const vocab = new Set([...counts].filter(([, c]) => c >= opt.minCount).map(([f]) => f));
  const unlawful = trainLinear(data, vocab, opt);
  if (yesNoOnly) {
    const none = Object.fromEntries(UNLAWFUL_GROUNDS.map((g) => [g, { bias: 0, weights: {} }]));
    return { unlawful, grounds: none as Record<UnlawfulGround, LinearModel> };
  }
  // The reason-level features (@…) say whether a ground is used as a reason, not which ground it is:
  // the ground models learn from the words only, so a shared shape like "@GCW" cannot pull towards
  // whichever ground happens to use it most in the training set.
  const positives = data.filter((d) => d.grounds.length).map((d) => ({ ...d, feats: d.feats.filter(isWordFeature), dense: undefined }));
  const perGround = (g: UnlawfulGround) =>
    trainLinear(positives.map((d) => ({ feats: d.feats, y: d.grounds.includes(g) ? 1 : 0 })), vocab, opt);
  const grounds = Object.fromEntries(UNLAWFUL_GROUNDS.map((g) => [g, perGround(g)])) as Record<UnlawfulGround, LinearModel>;
  return { unlawful, grounds };
}

/** The model's verdict on one sentence: how likely it is unlawful, and the grounds ranked by likelihood. */
export function classify(model: R41Model, sentence: string): { p: number; grounds: { ground: UnlawfulGround; p: number }[] } {
  const feats = features(sentence);
  const grounds = UNLAWFUL_GROUNDS.map((ground) => ({ ground, p: score(model.grounds[ground], feats) })).sort((a, b) => b.p - a.p);
  return { p: score(model.unlawful, feats, model.unlawful.dense ? denseVector(sentence) : undefined), grounds };
}
