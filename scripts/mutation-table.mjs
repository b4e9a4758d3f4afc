// Usage: node scripts/mutation-table.mjs REPORT.json...
// One markdown row per mutated file from one or more Stryker JSON reports (the parts of a run split by
// scripts/mutation-part.mjs): mutants, killed, survived, no coverage, timed out, errors, and the score
// (killed + timed out) / (those + survived + no coverage), then the totals. A file measured in several
// parts (line ranges) is added up; a mutant reported twice (same place, same replacement) counts once:
// detected (killed or timed out) if any part detected it, else its latest verdict. Give reports of one commit only.
// A part's report (scripts/mutation-part.mjs) started from an older incremental file also carries that file's
// verdicts for files the part did not mutate: only the mutants inside the part's own `mutate` list (read from
// NAME.config.json beside NAME.json, line ranges included) are counted, so a stale verdict never enters the table.
import fs from 'node:fs';

const reports = process.argv.slice(2);
if (!reports.length) {
  console.error('Usage: node scripts/mutation-table.mjs REPORT.json...');
  process.exit(2);
}
const globRe = (glob) => new RegExp(`^${glob.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('(?:.*/)?')}$`);
/** Does the part that wrote this report mutate `file` at `line`? Without a config beside it, everything counts. */
function mutatedBy(report) {
  const config = report.replace(/\.json$/, '.config.json');
  if (!fs.existsSync(config)) return () => true;
  const entries = JSON.parse(fs.readFileSync(config, 'utf8')).mutate.map((e) => {
    const not = e.startsWith('!');
    const [, glob, from, to] = /^!?(.*?)(?::(\d+)-(\d+))?$/.exec(e);
    return { not, re: globRe(glob), from: from ? Number(from) : -Infinity, to: to ? Number(to) : Infinity };
  });
  const within = (e, file, line) => e.re.test(file) && line >= e.from && line <= e.to;
  return (file, line) => entries.some((e) => !e.not && within(e, file, line)) && !entries.some((e) => e.not && within(e, file, line));
}
const DETECTED = new Set(['Killed', 'Timeout']);
const files = new Map();
for (const report of reports) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  const counts = mutatedBy(report);
  for (const [file, f] of Object.entries(r.files)) {
    const seen = files.get(file) ?? new Map();
    for (const m of f.mutants) {
      const { line, column } = m.location.start;
      if (!counts(file, line)) continue;
      const key = `${line}:${column}:${m.location.end.line}:${m.location.end.column}:${m.mutatorName}:${m.replacement ?? ''}`;
      // Each part runs a subset of the unit suites: a mutant killed in any part is killed by the unit tier.
      if (!DETECTED.has(seen.get(key))) seen.set(key, m.status);
    }
    if (seen.size) files.set(file, seen);
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
