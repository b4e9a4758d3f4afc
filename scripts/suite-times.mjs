// Refreshes tests/suite-times.json, the times tests/sequencer.mjs orders suites by when Jest has no cache (CI),
// from the report of a whole run:
//   node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile=/tmp/jest.json
//   node scripts/suite-times.mjs /tmp/jest.json [more.json …]
// Suites the reports do not mention keep their old time; suites that no longer exist are dropped.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'tests', 'suite-times.json');
const reports = process.argv.slice(2);
if (!reports.length) {
  process.stderr.write('Give one or more files written by jest --json --outputFile=FILE.\n');
  process.exit(2);
}
const times = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
for (const report of reports) {
  for (const r of JSON.parse(fs.readFileSync(report, 'utf8')).testResults) {
    // From tests/ on, so a report written in another clone (CI's) names the same suites.
    const name = r.name.split(path.sep).join('/');
    const rel = name.slice(name.lastIndexOf('/tests/') + 1);
    times[rel] = Math.round((r.endTime - r.startTime) / 100) / 10;
  }
}
const kept = Object.entries(times).filter(([rel]) => fs.existsSync(path.join(root, rel))).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
fs.writeFileSync(file, `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`);
process.stdout.write(`Wrote ${kept.length} suite times to ${path.relative(root, file)}.\n`);
