import fs from 'node:fs';
import path from 'node:path';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { StartupError } from '../config/startup-error.ts';

/**
 * Files holding case data are readable by the account that runs the bot and
 * nobody else: folders 0700, files 0600. PGlite's file layer ignores the
 * process umask (it chmods every file it writes to 0666), so its files are
 * tightened as it writes them, and an existing folder is tightened on open.
 */

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** Group and other bits: none may be set on anything holding case data. */
const OTHERS = 0o077;

/** For the bot's and the CLI's entry points: everything they create is owner-only unless a mode says otherwise. */
export function ownerOnlyUmask(): void {
  process.umask(OTHERS);
}

/** DATA_DIR exists and other accounts could read or change it: the bot and CLI refuse to use it. */
export class DataDirExposed extends StartupError {
  constructor(readonly dataDir: string, readonly mode: number) {
    // One line: it is the whole of what a start that refuses prints.
    const perms = mode.toString(8).padStart(4, '0');
    super(`DATA_DIR: ${dataDir} can be read or changed by other accounts on this computer (permissions ${perms}), `
      + `and it holds personal data. Run: chmod -R go-rwx ${shellQuote(dataDir)}   then start again.`, 78);
    this.name = 'DataDirExposed';
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Refuses an existing DATA_DIR that others can read, write or enter; a missing one is created owner-only later. */
export function checkDataDir(dataDir: string): void {
  const dir = path.resolve(dataDir);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir, { throwIfNoEntry: false });
  } catch {
    // Not a folder we can look at (a file in the way, no permission): making it says which, in one line.
    return;
  }
  // A file (/etc/passwd, /dev/null) is refused before its mode is looked at: the advice to chmod it would break the system.
  if (st && !st.isDirectory()) {
    throw new StartupError(`DATA_DIR: ${dir} is a file, not a folder: set DATA_DIR to a folder for the embedded database, `
      + 'like ./data or /var/lib/s117, or set DATABASE_URL to use PostgreSQL', 78);
  }
  if (st && (st.mode & OTHERS) !== 0) throw new DataDirExposed(dir, st.mode & 0o7777);
}

/** Creates a folder (and any missing parents) owner-only, and tightens it if it already exists. */
export function mkdirOwnerOnly(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  fs.chmodSync(dir, DIR_MODE);
}

/** Every file and folder under `dir` (and `dir` itself) loses its group and other bits. Symlinks are left alone. */
export function tightenTree(dir: string): void {
  const fix = (p: string, st: fs.Stats) => {
    if ((st.mode & OTHERS) !== 0) fs.chmodSync(p, st.mode & 0o7777 & ~OTHERS);
  };
  fix(dir, fs.lstatSync(dir));
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isSymbolicLink()) continue;
    const p = path.join(e.parentPath, e.name);
    try { fix(p, fs.lstatSync(p)); } catch (err) {
      // PGlite may remove a file (an old WAL segment) while we walk.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * Writes a file only its owner can read: a new file is created 0600, and an
 * existing one (perhaps left readable by an older version) is tightened
 * before the new content goes in.
 */
export function writeOwnerOnly(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w', FILE_MODE);
  try {
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** The slice of Emscripten's NODEFS that PGlite writes through, as far as we touch it. */
interface NodeFsOps {
  realPath(node: unknown): string;
  doSetAttr(arg: unknown, node: unknown, attr: unknown, chmod: (p: unknown, mode: number) => void, ...rest: unknown[]): void;
  node_ops: {
    mknod(parent: unknown, name: string, mode: number, dev: number): unknown;
    readdir(node: unknown): string[];
  };
}

/**
 * PGlite's Node filesystem with owner-only modes on every file and folder it
 * creates or chmods, whatever the umask — so new WAL segments and relation
 * files written long after start are 0600 from their first byte.
 *
 * `hidden` names files of ours that live in the folder but are no part of
 * the database (the ownership lock, which carries the admin endpoint's
 * secret): PGlite never sees them, so no dump of the database carries them.
 */
export class OwnerOnlyNodeFS extends NodeFS {
  constructor(dataDir: string, private readonly hidden: (name: string) => boolean = () => false) {
    super(dataDir);
  }

  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const r = await super.init(...args);
    const preRun = r.emscriptenOpts.preRun ?? [];
    r.emscriptenOpts.preRun = [(mod) => {
      const nodefs = (mod as unknown as { NODEFS?: NodeFsOps }).NODEFS;
      // Closed, not open, if a PGlite upgrade moves these: better no database than one others can read.
      const ops = nodefs?.node_ops;
      if (typeof nodefs?.doSetAttr !== 'function' || typeof ops?.mknod !== 'function' || typeof ops.readdir !== 'function') {
        throw new Error('This PGlite version writes its files in a way s117 cannot keep owner-only; '
          + 'use the PGlite version in package-lock.json.');
      }
      const setAttr = nodefs.doSetAttr.bind(nodefs);
      nodefs.doSetAttr = (arg, node, attr, chmod, ...rest) => setAttr(arg, node, attr, (p, mode) => chmod(p, mode & ~OTHERS), ...rest);
      const mknod = nodefs.node_ops.mknod.bind(nodefs.node_ops);
      nodefs.node_ops.mknod = (parent, name, mode, dev) => {
        const node = mknod(parent, name, mode, dev);
        const isDir = (mode & 0o170000) === 0o040000;
        fs.chmodSync(nodefs.realPath(node), isDir ? DIR_MODE : mode & 0o7777 & FILE_MODE);
        return node;
      };
      const readdir = nodefs.node_ops.readdir.bind(nodefs.node_ops);
      nodefs.node_ops.readdir = (node) => readdir(node).filter((name) => !this.hidden(name));
    }, ...preRun];
    return r;
  }
}
