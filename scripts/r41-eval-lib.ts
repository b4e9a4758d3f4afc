import { isUnlawful, TRAIN_OPTIONS, trainModel, type TrainingRow, type TrainOptions } from '../src/domain/r41-classifier.ts';
import { detectUnlawfulGrounds, detectWith, flags, scorePassages, THRESHOLDS, type PassageScore } from '../src/domain/unlawful-grounds.ts';
import { HELDOUT_FILE, loadHeldOut, writerOf, type HeldOutRow } from './r41-data.ts';

/** Binary confusion counts: "positive" means flagged as relying on an unlawful ground. */
export interface Confusion { tp: number; fp: number; fn: number; tn: number }

export interface Figures extends Confusion { precision: number; recall: number; f1: number }

export function figures(c: Confusion): Figures {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return { ...c, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

function tally(c: Confusion, expected: boolean, flagged: boolean): void {
  if (expected && flagged) c.tp++;
  else if (expected) c.fn++;
  else if (flagged) c.fp++;
  else c.tn++;
}

// A fixed shuffle (a small LCG, seed 117) so folds mix the two source files the same way every run.
export function foldOf(n: number, k: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 117;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const fold = new Array<number>(n);
  order.forEach((row, pos) => { fold[row] = pos % k; });
  return fold;
}

export interface CvResult {
  figures: Figures;
  /** The same, for each training file: held-out version 1 (another writer's sentences) is the closest to unseen text. */
  bySource: Record<string, Figures>;
  groundRight: number; groundExact: number; groundJudged: number; errors: string[];
}

/** k-fold cross-validation on the training set: each row judged by a model trained without it. */
export function crossValidate(rows: readonly TrainingRow[], k = 10, th = THRESHOLDS, opt: TrainOptions = TRAIN_OPTIONS): CvResult {
  return crossValidateFolds(rows, foldOf(rows.length, k), th, opt);
}

/** The writer groups of the training rows, in a fixed order, and each row's group index. */
export function writerFolds(rows: readonly TrainingRow[]): { writers: string[]; fold: number[] } {
  const writers = [...new Set(rows.map((r) => writerOf(r.source)))].sort();
  return { writers, fold: rows.map((r) => writers.indexOf(writerOf(r.source))) };
}

/**
 * Leave-one-writer-out cross-validation: each writer's rows are judged by a model trained on every other
 * writer's only. Random folds mix a writer's sentences into training and test, so the model has already
 * seen how that person writes; a new writer's held-out set does not give it that (rounds 1-4 lost 0.03-0.08).
 * `bySource` is by writer here.
 */
export function crossValidateByWriter(rows: readonly TrainingRow[], th = THRESHOLDS, opt: TrainOptions = TRAIN_OPTIONS): CvResult {
  const { fold } = writerFolds(rows);
  const res = crossValidateFolds(rows, fold, th, opt);
  return res;
}

/** Each row's passage scores from a model trained without its fold: thresholds can then be swept without retraining. */
export function foldScores(rows: readonly TrainingRow[], fold: readonly number[], opt: TrainOptions = TRAIN_OPTIONS): PassageScore[][] {
  const out = new Array<PassageScore[]>(rows.length);
  const k = Math.max(...fold) + 1;
  for (let f = 0; f < k; f++) {
    const model = trainModel(rows.filter((_, i) => fold[i] !== f), opt, true);
    rows.forEach((r, i) => { if (fold[i] === f) out[i] = scorePassages(model, r.sentence); });
  }
  return out;
}

/** The flag counts at given thresholds from cached scores, pooled and by group. */
export function figuresAt(rows: readonly TrainingRow[], scores: readonly PassageScore[][], th: { high: number; low: number; bare?: number },
  groupOf: (r: TrainingRow) => string = (r) => writerOf(r.source)): { figures: Figures; byGroup: Record<string, Figures> } {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const by: Record<string, Confusion> = {};
  rows.forEach((r, i) => {
    const flagged = (scores[i] as PassageScore[]).some((s) => flags(s, th));
    tally(c, isUnlawful(r), flagged);
    tally((by[groupOf(r)] ??= { tp: 0, fp: 0, fn: 0, tn: 0 }), isUnlawful(r), flagged);
  });
  return { figures: figures(c), byGroup: Object.fromEntries(Object.entries(by).map(([g, t]) => [g, figures(t)])) };
}

/** The thresholds with the best lesser of pooled precision and recall (ties: the higher F1), over a fixed grid. */
export function bestThresholds(rows: readonly TrainingRow[], scores: readonly PassageScore[][],
  highs = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7], lows = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
  bares: number[] = [Infinity]): { high: number; low: number; bare: number; figures: Figures } {
  let best = { high: THRESHOLDS.high, low: THRESHOLDS.low, bare: Infinity, figures: figuresAt(rows, scores, THRESHOLDS).figures };
  const key = (f: Figures) => Math.min(f.precision, f.recall) * 10 + f.f1;
  for (const high of highs) for (const low of lows) for (const bare of bares) {
    if (low > high || bare <= high) continue;
    const f = figuresAt(rows, scores, { high, low, bare }).figures;
    if (key(f) > key(best.figures) + 1e-12) best = { high, low, bare, figures: f };
  }
  return best;
}

function crossValidateFolds(rows: readonly TrainingRow[], fold: readonly number[], th = THRESHOLDS, opt: TrainOptions = TRAIN_OPTIONS): CvResult {
  const k = Math.max(...fold) + 1;
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const bySource: Record<string, Confusion> = {};
  let groundRight = 0, groundExact = 0, groundJudged = 0;
  const errors: string[] = [];
  for (let f = 0; f < k; f++) {
    const model = trainModel(rows.filter((_, i) => fold[i] !== f), opt);
    rows.forEach((r, i) => {
      if (fold[i] !== f) return;
      const got = detectWith(model, r.sentence, th);
      const expected = isUnlawful(r);
      tally(c, expected, got.length > 0);
      tally((bySource[writerOf(r.source)] ??= { tp: 0, fp: 0, fn: 0, tn: 0 }), expected, got.length > 0);
      if (expected !== got.length > 0) errors.push(`${expected ? 'missed' : 'false flag'} [${(r.source ?? '').split('/').slice(-2).join('/')}]: ${r.sentence}`);
      // Rows with no named ground (held-out version 1) count for the yes/no figures only.
      if (r.grounds.length && got.length) {
        groundJudged++;
        if (got.some((g) => r.grounds.includes(g))) groundRight++;
        if ([...got].sort().join() === [...r.grounds].sort().join()) groundExact++;
      }
    });
  }
  const perSource = Object.fromEntries(Object.entries(bySource).map(([src, t]) => [src, figures(t)]));
  return { figures: figures(c), bySource: perSource, groundRight, groundExact, groundJudged, errors };
}

/**
 * The shipped detector on a held-out set (by default version 5, the file HELDOUT_FILE names): counts only,
 * per field as well as overall, never a sentence, so a measurement cannot show which ones were missed.
 */
export function evaluateHeldOut(rows: readonly HeldOutRow[] = loadHeldOut(HELDOUT_FILE)): { overall: Figures; byField: Record<string, Figures> } {
  const overall: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const byField: Record<string, Confusion> = {};
  for (const row of rows) {
    const flagged = detectUnlawfulGrounds(row.sentence).length > 0;
    tally(overall, row.unlawful, flagged);
    tally((byField[row.field] ??= { tp: 0, fp: 0, fn: 0, tn: 0 }), row.unlawful, flagged);
  }
  return { overall: figures(overall), byField: Object.fromEntries(Object.entries(byField).map(([f, c]) => [f, figures(c)])) };
}

export function formatFigures(name: string, f: Figures): string {
  return [
    `${name}: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}, F1 ${f.f1.toFixed(3)}`,
    '                     flagged  not flagged',
    `  labelled unlawful  ${String(f.tp).padStart(7)}  ${String(f.fn).padStart(11)}`,
    `  labelled lawful    ${String(f.fp).padStart(7)}  ${String(f.tn).padStart(11)}`,
  ].join('\n');
}
