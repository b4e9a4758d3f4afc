// Once per `jest` run, before any worker starts: a tarball of a database as
// PGlite's initdb leaves it, so each fresh embedded database in the suites
// loads it instead of running initdb (see initdbSeed in src/register/db.ts).
// Workers inherit PGLITE_INITDB_SEED from this process. Child processes that
// the end-to-end suites start get only the environment they are given, so
// they still run initdb, as a new installation does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export default async function globalSetup() {
  if (process.env.PGLITE_INITDB_SEED) return;
  const dist = path.resolve('node_modules/@electric-sql/pglite');
  // Named by the PGlite build it came from: another version gets its own seed.
  const key = crypto.createHash('sha256')
    .update(fs.readFileSync(path.join(dist, 'package.json')))
    .update(String(fs.statSync(path.join(dist, 'dist/pglite.wasm')).size))
    .digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `s117-pglite-initdb-${key}.tar`);
  if (!fs.existsSync(file)) {
    const db = new PGlite();
    await db.waitReady;
    const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await db.close();
    // Written beside and renamed, so a run started at the same moment never reads half a file.
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, tar);
    fs.renameSync(tmp, file);
  }
  process.env.PGLITE_INITDB_SEED = file;
}
