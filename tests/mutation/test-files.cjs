// Which test file holds each test, learnt in Stryker's dry run, so that a mutant's
// run loads only the files holding the tests that cover it (see sequencer.cjs).
// Kept in the process and in a file in the sandbox: Stryker replaces a test
// runner process after a timeout, and the new one never sees a dry run.
const fs = require('node:fs');
const path = require('node:path');

const KEY = Symbol.for('s117.mutation.testFiles');
const FILE = '.mutation-test-files.json';

/** @returns {Map<string, string>} full test name → test file path */
function known(rootDir) {
  if (!globalThis[KEY]) {
    const file = path.join(rootDir, FILE);
    globalThis[KEY] = new Map(fs.existsSync(file) ? Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))) : []);
  }
  return globalThis[KEY];
}

function save(rootDir) {
  fs.writeFileSync(path.join(rootDir, FILE), JSON.stringify(Object.fromEntries(known(rootDir))));
}

/** The name Jest matches --testNamePattern against, and Stryker names tests by: describe blocks and test, space-separated. */
function fullName(test) {
  const names = [];
  for (let block = test; block; block = block.parent) if (block.parent) names.unshift(block.name);
  return names.join(' ').trimStart();
}

module.exports = { known, save, fullName };
