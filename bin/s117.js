#!/usr/bin/env node
// The `s117` command. Runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('The bot is not built yet. Run "npm run build" (npm install does it for you), then try again.\n');
  process.exit(1);
}
await import(entry.href);
