// The lead's one measurement of the frozen R4.1 detector on a blind file: `npm run eval:r41:tsv -- <file.tsv>`, where the
// file is `label<TAB>field<TAB>sentence` with a header line of exactly those names and labels `unlawful` / `lawful`.
// Prints the SHA-256 of the two generated files the detector's verdicts depend on (the model and, since round 6, the
// word-vector file) and of the file measured, then counts only (overall and per field), never a sentence.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { evaluateHeldOut, formatFigures } from './r41-eval-lib.ts';
import { loadHeldOut, MODEL_FILE } from './r41-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npm run eval:r41:tsv -- <file.tsv>  (label<TAB>field<TAB>sentence, with that header)\n');
  process.exit(2);
}
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const out = (s: string) => process.stdout.write(`${s}\n`);
for (const f of [MODEL_FILE, 'src/domain/r41-embeddings.ts']) out(`${f}: SHA-256 ${sha(path.join(ROOT, f))}`);
out(`${file}: SHA-256 ${sha(path.resolve(ROOT, file))}`);
const rows = loadHeldOut(file);
const t0 = process.hrtime.bigint();
const res = evaluateHeldOut(rows);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
out(formatFigures(`${rows.length} sentences`, res.overall));
for (const [field, f] of Object.entries(res.byField).sort()) {
  out(`  ${field.padEnd(16)} P ${f.precision.toFixed(3)}  R ${f.recall.toFixed(3)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn}, tn ${f.tn})`);
}
out(`(${(ms / rows.length).toFixed(2)} ms per sentence, including loading the model on first use)`);
