// Usage: node scripts/mutation-survivors.mjs [REPORT.json] [FILE_SUBSTRING]
// Lists the mutants Stryker's JSON report says survived or had no coverage,
// file by file, with the line as written and the replacement, and prints the
// score per file and for src/domain and src/calendar.
import fs from 'node:fs';

const [report = 'reports/mutation/mutation.json', only = ''] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(report, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const totals = {};
const add = (k, d, u) => { totals[k] ??= { d: 0, u: 0 }; totals[k].d += d; totals[k].u += u; };
for (const [file, f] of Object.entries(r.files).sort()) {
  const lines = f.source.split('\n');
  const d = f.mutants.filter((m) => DETECTED.has(m.status)).length;
  const left = f.mutants.filter((m) => UNDETECTED.has(m.status));
  add(file.split('/').slice(0, 2).join('/'), d, left.length);
  add(file, d, left.length);
  if (!file.includes(only) || !left.length) continue;
  console.log(`\n${file}: ${d}/${d + left.length} detected (${((100 * d) / (d + left.length)).toFixed(1)} %), ${left.length} left`);
  for (const m of left.sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
    const { line, column } = m.location.start;
    const code = (lines[line - 1] ?? '').trim().slice(0, 160);
    console.log(`  ${line}:${column} ${m.status} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? '').slice(0, 120)}\n      ${code}`);
  }
}
console.log('\nScore (killed + timed out) / (those + survived + no coverage):');
for (const [k, t] of Object.entries(totals)) {
  if (k.split('/').length === 2) console.log(`  ${k.padEnd(16)} ${t.d}/${t.d + t.u} = ${((100 * t.d) / (t.d + t.u)).toFixed(1)} %`);
}
