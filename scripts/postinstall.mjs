// After `npm ci`: generate the Prisma client and compile, so `npm start`
// works at once. A production install (`npm ci --omit=dev`) has no
// TypeScript: it runs the dist/ built in a full install (the Dockerfile's
// builder stage), so there is nothing to do here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// TypeScript can be present even then (an optional peer of prisma), so the install's own flag decides.
const production = (process.env.npm_config_omit ?? '').split(/[\s,]+/).includes('dev') || process.env.NODE_ENV === 'production';
if (production || !fs.existsSync(tsc)) {
  const built = fs.existsSync(path.join(root, 'dist', 'src', 'main.js'));
  process.stdout.write(built
    ? 'Production install: using the compiled dist/.\n'
    : 'Production install without dist/: build in a full install (npm ci && npm run build) and copy dist/ here (see docs/deploy.md).\n');
  process.exit(0);
}
const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run([path.join(root, 'scripts', 'generate-prisma.mjs')]);
// Through the build key, so the first `npm start` after the install does not compile again.
const { buildIfChanged } = await import('./build-if-changed.mjs');
await buildIfChanged();
