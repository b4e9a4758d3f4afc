// Work on the model: leave-one-writer-out scores once, then the best thresholds over a grid, per writer figures,
// and (with an output path) the grouped-CV mistakes, training sentences only. Usage: tsx scripts/r41-experiment.ts [label] [errors-file]
import fs from 'node:fs';
import { FX, isUnlawful, TRAIN_OPTIONS } from '../src/domain/r41-classifier.ts';
import { flags } from '../src/domain/unlawful-grounds.ts';
import { bestThresholds, figuresAt, foldScores, writerFolds } from './r41-eval-lib.ts';
import { loadTraining, writerOf } from './r41-data.ts';

const [label = 'run', errorsFile] = process.argv.slice(2);
// FX and TRAIN_OPTIONS overrides as JSON in R41_FX / R41_OPT (work on the model only).
Object.assign(FX, JSON.parse(process.env.R41_FX ?? '{}'));
Object.assign(TRAIN_OPTIONS, JSON.parse(process.env.R41_OPT ?? '{}'));
const rows = loadTraining();
const t0 = Date.now();
const scores = foldScores(rows, writerFolds(rows).fold);
const best = bestThresholds(rows, scores);
const bare = bestThresholds(rows, scores, undefined, undefined, [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, Infinity]);
const noGate = bestThresholds(rows, scores.map((ps) => ps.map((x) => ({ ...x, subject: true }))));
const fmt = (x: { high: number; low: number; bare: number; figures: { precision: number; recall: number } }) =>
  `min ${Math.min(x.figures.precision, x.figures.recall).toFixed(3)} P ${x.figures.precision.toFixed(3)} R ${x.figures.recall.toFixed(3)} at ${x.high}/${x.low}/${x.bare}`;
const { byGroup } = figuresAt(rows, scores, best);
const f = best.figures;
const lines = [`${label}: grouped min ${Math.min(f.precision, f.recall).toFixed(3)} P ${f.precision.toFixed(3)} R ${f.recall.toFixed(3)} F1 ${f.f1.toFixed(3)} at ${best.high}/${best.low} (${((Date.now() - t0) / 1000).toFixed(0)} s)`];
lines.push(`    rule variants: + bare threshold ${fmt(bare)}; no subject gate ${fmt(noGate)}`);
for (const [w, g] of Object.entries(byGroup).sort()) lines.push(`    ${w.padEnd(46)} P ${g.precision.toFixed(3)} R ${g.recall.toFixed(3)}`);
process.stdout.write(`${lines.join('\n')}\n`);
fs.appendFileSync('/tmp/r41round5-experiments.log', `${lines.join('\n')}\n`);
if (errorsFile) {
  const errs = rows.map((r, i) => {
    const flagged = (scores[i] ?? []).some((s) => flags(s, best));
    if (flagged === isUnlawful(r)) return '';
    const p = Math.max(...(scores[i] ?? []).map((s) => s.p)).toFixed(2);
    return `${flagged ? 'FP' : 'FN'} p=${p} subj=${(scores[i] ?? []).some((s) => s.subject) ? 1 : 0} [${writerOf(r.source)}] ${r.sentence}`;
  }).filter(Boolean);
  fs.writeFileSync(errorsFile, `${errs.join('\n')}\n`);
}
