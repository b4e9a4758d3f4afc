// Usage: node scripts/mutation-table.mjs REPORT.json...
// One markdown row per mutated file from one or more Stryker JSON reports (the parts of a run split by
// scripts/mutation-part.mjs): mutants, killed, survived, no coverage, timed out, errors, and the score
// (killed + timed out) / (those + survived + no coverage), then the totals. A file measured in several
// parts (line ranges) is added up; a mutant reported twice (same place, same replacement) counts once,
// with its latest verdict.
import fs from 'node:fs';

const reports = process.argv.slice(2);
if (!reports.length) {
  console.error('Usage: node scripts/mutation-table.mjs REPORT.json...');
  process.exit(2);
}
const files = new Map();
for (const report of reports) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  for (const [file, f] of Object.entries(r.files)) {
    const seen = files.get(file) ?? new Map();
    for (const m of f.mutants) {
      const { line, column } = m.location.start;
      seen.set(`${line}:${column}:${m.location.end.line}:${m.location.end.column}:${m.mutatorName}:${m.replacement ?? ''}`, m.status);
    }
    files.set(file, seen);
  }
}
const row = (name, c) => {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  const score = valid ? `${((100 * detected) / valid).toFixed(1)} %` : '—';
  return `| ${name} | ${c.total} | ${c.Killed} | ${c.Survived} | ${c.NoCoverage} | ${c.Timeout} | ${c.errors} | ${score} |`;
};
const count = (statuses) => {
  const c = { total: 0, Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, errors: 0 };
  for (const s of statuses) {
    c.total++;
    if (s in c) c[s]++; else c.errors++;
  }
  return c;
};
console.log('| file | mutants | killed | survived | no coverage | timed out | errors | score |');
console.log('|------|--------:|-------:|---------:|------------:|----------:|-------:|------:|');
const all = [];
for (const [file, seen] of [...files].sort()) {
  all.push(...seen.values());
  console.log(row(`\`${file}\``, count(seen.values())));
}
console.log(row('**total**', count(all)));
