// Prints the R4.1 detector's figures: leave-one-writer-out and 10-fold cross-validation on the training set,
// then the frozen held-out set (version 4, if the lead has added it: counts only, overall and per field;
// versions 1-3 are training data since rounds 3, 4 and 5).
// Model changes and thresholds are chosen by the leave-one-writer-out figures (round 5, docs/r41-classifier.md).
// `--cv` stops after the training figures (for work on the model: the held-out set must not steer it);
// `--errors` lists the leave-one-writer-out mistakes (training sentences only, never held-out ones);
// `--sweep` also prints, for both kinds of cross-validation, the thresholds with the best lesser of precision and recall;
// `--heldout` prints only the held-out figures (the lead's one measurement of a frozen model).
import fs from 'node:fs';
import path from 'node:path';
import { THRESHOLDS } from '../src/domain/unlawful-grounds.ts';
import {
  bestThresholds, crossValidate, foldOf, crossValidateByWriter, evaluateHeldOut, figuresAt, foldScores, formatFigures, writerFolds, type CvResult,
} from './r41-eval-lib.ts';
import { HELDOUT_FILE, loadHeldOut, loadTraining } from './r41-data.ts';

const args = new Set(process.argv.slice(2));
const out = (s: string) => process.stdout.write(`${s}\n`);
const line = (name: string, f: CvResult['figures']) =>
  `  ${name.padEnd(48)} P ${f.precision.toFixed(3)}  R ${f.recall.toFixed(3)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn}, tn ${f.tn})`;

if (!args.has('--heldout')) {
  const rows = loadTraining();
  out(`Training set: ${rows.length} sentences, thresholds ${JSON.stringify(THRESHOLDS)}`);
  const grouped = crossValidateByWriter(rows);
  out('');
  out(formatFigures('Leave-one-writer-out cross-validation (chooses the model)', grouped.figures));
  out(`  lesser of precision and recall: ${Math.min(grouped.figures.precision, grouped.figures.recall).toFixed(3)}`);
  for (const [w, f] of Object.entries(grouped.bySource).sort()) out(line(w, f));
  out(`  of ${grouped.groundJudged} correctly flagged sentences, ${grouped.groundRight} name a right ground, ${grouped.groundExact} exactly the labelled grounds`);
  if (args.has('--errors')) for (const e of grouped.errors) out(`  ${e}`);
  const cv = crossValidate(rows);
  out('');
  out(formatFigures('10-fold cross-validation (random folds; reported, not used to choose)', cv.figures));
  for (const [w, f] of Object.entries(cv.bySource).sort()) out(line(w, f));
  if (args.has('--sweep')) {
    for (const [name, fold] of [['leave-one-writer-out', writerFolds(rows).fold], ['10-fold', foldOf(rows.length, 10)]] as const) {
      const scores = foldScores(rows, fold);
      const best = bestThresholds(rows, scores);
      const at = figuresAt(rows, scores, THRESHOLDS).figures;
      out(`${name}: shipped thresholds P ${at.precision.toFixed(3)} R ${at.recall.toFixed(3)}; best ${best.high}/${best.low}: `
        + `P ${best.figures.precision.toFixed(3)} R ${best.figures.recall.toFixed(3)}`);
    }
  }
}
if (!args.has('--cv')) {
  out('');
  if (!fs.existsSync(path.resolve(import.meta.dirname, '..', HELDOUT_FILE))) {
    out(`Held-out set version 5: not present (${HELDOUT_FILE}); the lead adds it after the round-6 freeze.`);
  } else {
    const held = evaluateHeldOut(loadHeldOut(HELDOUT_FILE));
    out(formatFigures('Held-out set (frozen, version 4)', held.overall));
    for (const [field, f] of Object.entries(held.byField)) out(`  ${field.padEnd(16)} P ${f.precision.toFixed(2)}  R ${f.recall.toFixed(2)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn}, tn ${f.tn})`);
  }
}
