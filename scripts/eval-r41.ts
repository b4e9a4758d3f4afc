// Prints the R4.1 detector's figures: cross-validated on the training set, then on the frozen held-out set
// (version 3: counts only, overall and per field; versions 1 and 2 are training data since rounds 3 and 4).
// `--cv` stops after the training figures (for work on the model: the held-out set must not steer it);
// `--errors` lists the cross-validation mistakes (training sentences only, never held-out ones).
import { THRESHOLDS } from '../src/domain/unlawful-grounds.ts';
import { crossValidate, evaluateHeldOut, formatFigures } from './r41-eval-lib.ts';
import { loadTraining } from './r41-data.ts';

const args = new Set(process.argv.slice(2));
const out = (s: string) => process.stdout.write(`${s}\n`);
const rows = loadTraining();
const cv = crossValidate(rows);
out(`Training set: ${rows.length} sentences, 10-fold cross-validation, thresholds ${JSON.stringify(THRESHOLDS)}`);
out(formatFigures('cross-validated', cv.figures));
for (const [src, f] of Object.entries(cv.bySource)) out(`  ${src.split('/').slice(-2).join('/').padEnd(48)} P ${f.precision.toFixed(3)}  R ${f.recall.toFixed(3)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn}, tn ${f.tn})`);
out(`  of ${cv.groundJudged} correctly flagged sentences, ${cv.groundRight} name a right ground, ${cv.groundExact} exactly the labelled grounds`);
if (args.has('--errors')) for (const e of cv.errors) out(`  ${e}`);
if (!args.has('--cv')) {
  const held = evaluateHeldOut();
  out('');
  out(formatFigures('Held-out set (frozen, version 3)', held.overall));
  for (const [field, f] of Object.entries(held.byField)) out(`  ${field.padEnd(16)} P ${f.precision.toFixed(2)}  R ${f.recall.toFixed(2)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn}, tn ${f.tn})`);
}
