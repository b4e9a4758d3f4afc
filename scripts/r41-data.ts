import fs from 'node:fs';
import path from 'node:path';
import type { TrainingRow } from '../src/domain/r41-classifier.ts';
import { UNLAWFUL_GROUNDS, type UnlawfulGround } from '../src/domain/types.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The labelled training files (LABELS<TAB>sentence). */
export const TRAINING_FILES = [
  'tests/fixtures/unlawful-grounds-corpus/corpus.txt', 'tests/fixtures/unlawful-grounds-corpus/training-extra.txt',
  'tests/fixtures/unlawful-grounds-corpus/training-round3.txt',
  // Round 4: written blind by another helper (trainwriter), who saw no held-out set (its header says how).
  'tests/fixtures/unlawful-grounds-corpus/training-round4.txt',
  // Round 5: three more blind writers with different personas (NHS side, council side, between and above the
  // organisations), each brought in unchanged from /work/blind (their headers say how they were written).
  'tests/fixtures/unlawful-grounds-corpus/training-round5-a.txt', 'tests/fixtures/unlawful-grounds-corpus/training-round5-b.txt',
  'tests/fixtures/unlawful-grounds-corpus/training-round5-c.txt',
];
/**
 * Round 6: two more blind writers (the person's side and providers; management and back office), brought in unchanged.
 * With held-out version 4 they are writer groups for round 6's leave-one-writer-out comparison (scripts/r41-experiment.ts);
 * round 6 shipped no new model, so the shipped model is still trained without them (ROUND6_IN_TRAINING, docs/r41-classifier.md).
 */
export const ROUND6_FILES = [
  'tests/fixtures/unlawful-grounds-corpus/training-round6-a.txt', 'tests/fixtures/unlawful-grounds-corpus/training-round6-b.txt',
];
export const ROUND6_IN_TRAINING = false;
/** Written in round 2; loaded only when cross-validation says it helps (ROUND2_IN_TRAINING). */
export const ROUND2_FILE = 'tests/fixtures/unlawful-grounds-corpus/candidates-round2.txt';
export const ROUND2_IN_TRAINING = false;
/**
 * Version 1 of the held-out set. Looked at four times, it was retired as a measure in round 3 and is
 * now training data (docs/r41-classifier.md): its rows say lawful or unlawful but not which ground, so
 * they teach the yes/no model only.
 */
export const HELDOUT_V1_FILE = 'tests/fixtures/unlawful-grounds-heldout/heldout.tsv';
/**
 * Version 2, written blind for round 3 and measured once (precision 0.879, recall 0.863). Retired as a
 * measure in round 4 and now training data like version 1 (lawful/unlawful, no ground).
 */
export const HELDOUT_V2_FILE = 'tests/fixtures/unlawful-grounds-heldout-v2/heldout.tsv';
/**
 * Version 3, written blind for round 4 and measured once (precision 0.828, recall 0.844). Retired as a measure
 * in round 5 and now training data like versions 1 and 2 (lawful/unlawful, no ground).
 */
export const HELDOUT_V3_FILE = 'tests/fixtures/unlawful-grounds-heldout-v3/heldout.tsv';
/**
 * Version 4, written blind for round 5 and measured once (round 5's model: precision 0.940, recall 0.785). A writer
 * group in round 6's leave-one-writer-out comparison. The model round 6 froze was trained on it; that model lost two
 * of the audit's story sentences and did not ship, so the shipped model is not (ROUND6_IN_TRAINING, docs/r41-classifier.md).
 */
export const HELDOUT_V4_FILE = 'tests/fixtures/unlawful-grounds-heldout-v4/heldout.tsv';
/**
 * Version 5, written blind for round 6 and held by the lead outside the repository until round 6's model was frozen:
 * the only held-out measure, read by evaluateHeldOut (counts only), never trained on.
 */
export const HELDOUT_FILE = 'tests/fixtures/unlawful-grounds-heldout-v5/heldout.tsv';
export const MODEL_FILE = 'src/domain/r41-model.ts';

function parseLabels(labels: string, where: string): UnlawfulGround[] {
  if (labels === 'LAWFUL') return [];
  const grounds = labels.split(',');
  for (const g of grounds) if (!(UNLAWFUL_GROUNDS as readonly string[]).includes(g)) throw new Error(`${where}: unknown label ${g}`);
  return grounds as UnlawfulGround[];
}

function loadLabelled(file: string): TrainingRow[] {
  return fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    .map((line, i) => ({ line, where: `${file}:${i + 1}` }))
    .filter(({ line }) => line.trim() && !line.startsWith('#'))
    .map(({ line, where }) => {
      const [labels, sentence] = line.split('\t');
      if (!labels || !sentence) throw new Error(`${where}: expected LABELS<TAB>sentence`);
      return { sentence, grounds: parseLabels(labels, where), source: file };
    });
}

// A retired held-out set's rows say lawful or unlawful but not which ground: they teach the yes/no model only.
function retiredHeldOut(file: string): TrainingRow[] {
  return loadHeldOut(file).map((r) => ({ sentence: r.sentence, grounds: [], unlawful: r.unlawful, source: file }));
}

/** The training set: the labelled files, (if chosen) round 2's sentences, and versions 1 to 3 of the held-out set. */
export function loadTraining(
  opts: { round2?: boolean; round6?: boolean; v1?: boolean; v2?: boolean; v3?: boolean; v4?: boolean } = {},
): TrainingRow[] {
  const round6 = (opts.round6 ?? ROUND6_IN_TRAINING) ? ROUND6_FILES : [];
  const files = [...TRAINING_FILES, ...((opts.round2 ?? ROUND2_IN_TRAINING) ? [ROUND2_FILE] : []), ...round6];
  const v1 = (opts.v1 ?? true) ? retiredHeldOut(HELDOUT_V1_FILE) : [];
  const v2 = (opts.v2 ?? true) ? retiredHeldOut(HELDOUT_V2_FILE) : [];
  const v3 = (opts.v3 ?? true) ? retiredHeldOut(HELDOUT_V3_FILE) : [];
  const v4 = (opts.v4 ?? ROUND6_IN_TRAINING) ? retiredHeldOut(HELDOUT_V4_FILE) : [];
  return [...files.flatMap(loadLabelled), ...v1, ...v2, ...v3, ...v4];
}

/**
 * Who wrote a training row, for leave-one-writer-out cross-validation. The original corpus and the round 1
 * and round 3 sentences were written by the people who built the detector, knowing its patterns, so they are
 * one writer ("in-house"); every blind writer (round 4's trainwriter, held-out versions 1-3, the three
 * round-5 writers) is a writer of its own.
 */
export function writerOf(source: string | undefined): string {
  const file = source ?? '';
  if (/unlawful-grounds-corpus\/(corpus|training-extra|training-round3|candidates-round2)\.txt$/.test(file)) return 'in-house';
  return file.split('/').slice(-2).join('/');
}

export interface HeldOutRow { unlawful: boolean; field: string; sentence: string }

/** A held-out file (label, field, sentence). Version 5 is read only to report counts; versions 1-4 are training data. */
export function loadHeldOut(file: string = HELDOUT_FILE): HeldOutRow[] {
  const [header, ...lines] = fs.readFileSync(path.resolve(ROOT, file), 'utf8').split('\n').filter((l) => l.trim());
  if (header !== 'label\tfield\tsentence') throw new Error(`${file}: unexpected header`);
  return lines.map((line, i) => {
    const [label, field, sentence] = line.split('\t');
    if ((label !== 'unlawful' && label !== 'lawful') || !field || !sentence) throw new Error(`${file}:${i + 2}: bad row`);
    return { unlawful: label === 'unlawful', field, sentence };
  });
}

/** The generated model module: pure data, so the domain can import it. */
export function modelSource(model: unknown): string {
  return [
    '/* eslint-disable max-len */',
    '// Generated by `npm run train:r41` (scripts/train-r41.ts) from the training set in',
    '// tests/fixtures/unlawful-grounds-corpus. Do not edit: retrain. A test checks it matches.',
    "import type { R41Model } from './r41-classifier.ts';",
    '',
    `const MODEL: R41Model = ${JSON.stringify(model)};`,
    '',
    'export const R41_MODEL = MODEL;',
    '',
  ].join('\n');
}

export function writeModelFile(model: unknown): void {
  fs.writeFileSync(path.join(ROOT, MODEL_FILE), modelSource(model));
}

export function readModelFile(): string {
  return fs.readFileSync(path.join(ROOT, MODEL_FILE), 'utf8');
}
