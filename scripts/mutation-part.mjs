// Usage: node scripts/mutation-part.mjs NAME FILE_OR_GLOB... [--stryker-option value ...]
//   e.g. node scripts/mutation-part.mjs handlers 'src/domain/handlers/**/*.ts' --concurrency 2
// Arguments from the first one starting with "--" are passed to `stryker run` as they are.
// MUTATION_FIRST="tests/unit/x.test.ts ..." runs those test files first for a static mutant
// (tests/mutation/sequencer.cjs): much faster when the mutated file's own tests kill it.
// Mutation-tests part of the code with its own incremental file and report, so a
// long run split into parts keeps what each part measured (Stryker's incremental
// file is the last run's report: a narrowed run would drop the other parts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const [name, ...mutate] = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
if (!name || !mutate.length) {
  console.error('Usage: node scripts/mutation-part.mjs NAME FILE_OR_GLOB...');
  process.exit(2);
}
const dir = 'reports/mutation/parts';
fs.mkdirSync(dir, { recursive: true });
const config = JSON.parse(fs.readFileSync('stryker.config.json', 'utf8'));
delete config.$schema;
Object.assign(config, {
  mutate,
  incrementalFile: `${dir}/${name}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `${dir}/${name}.json` },
});
fs.writeFileSync(`${dir}/${name}.config.json`, JSON.stringify(config, null, 2));
const r = spawnSync('npx', ['stryker', 'run', `${dir}/${name}.config.json`, ...options], { stdio: 'inherit' });
process.exit(r.status ?? 1);
