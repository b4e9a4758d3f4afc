import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * One owner for an embedded database folder. PGlite is a single-process
 * database: two processes that open one folder each keep their own copy in
 * memory and overwrite each other's files, so disputes vanish. The owner
 * holds DATA_DIR/s117-owner.lock (created with O_EXCL); everyone else is
 * refused, or — the CLI — talks to the owner's local admin endpoint, whose
 * port and token the lock file carries (it is readable by its owner only).
 */

export const LOCK_FILE = 's117-owner.lock';
/** The lock and its helper files (takeover marker, half-written copies): ours, not the database's. */
export const isLockFile = (name: string): boolean => name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`);
/** How often the owner touches the lock file: another host can only judge liveness by it. */
const HEARTBEAT_MS = 10_000;
/** A lock from another host that has not been touched for this long is stale. */
const FOREIGN_STALE_MS = 90_000;
/** A half-finished takeover by a process that then died. */
const BREAKER_STALE_MS = 10_000;

export const lockInfoSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  /** The process's start time as the kernel sees it, so a reused pid is not mistaken for the owner. */
  procStart: z.string().nullable(),
  startedAt: z.string(),
  purpose: z.string(),
  /** Loopback port and secret of the owner's admin endpoint, when it serves one. */
  admin: z.object({ port: z.number().int(), token: z.string() }).nullable().default(null),
});
export type LockInfo = z.infer<typeof lockInfoSchema>;

export class DataDirLocked extends Error {
  constructor(readonly dataDir: string, readonly holder: LockInfo | null, readonly lockFile: string) {
    super(describeRefusal(dataDir, holder, lockFile));
    this.name = 'DataDirLocked';
  }
}

function describeRefusal(dataDir: string, h: LockInfo | null, lockFile: string): string {
  if (!h) return `The embedded database in ${dataDir} is being opened by another process right now. Try again in a few seconds.`;
  const who = h.purpose === 'bot' ? 'the running bot' : `another s117 command (${h.purpose})`;
  const where = h.host === os.hostname() ? `process ${h.pid}` : `process ${h.pid} on ${h.host}`;
  return `The embedded database in ${dataDir} is in use by ${who} (${where}, since ${h.startedAt}). `
    + 'Only one process may open it at a time, so that no dispute is ever lost. '
    + (h.purpose === 'bot'
      ? 'Stop the bot first, or run this command on the machine where the bot runs so it can go through the bot.'
      : 'Wait for that command to finish, then try again.')
    + ` If you are sure no such process is running, delete ${lockFile}.`;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null where /proc does not exist. */
function procStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start-up only, and only while another process is mid-takeover. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Folders this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export function readLock(dataDir: string): LockInfo | null {
  try {
    return lockInfoSchema.parse(JSON.parse(fs.readFileSync(path.join(path.resolve(dataDir), LOCK_FILE), 'utf8')));
  } catch {
    return null;
  }
}

/** Is the recorded owner gone (killed, crashed, machine restarted)? */
export function isStale(info: LockInfo, file: string): boolean {
  if (info.host !== os.hostname()) {
    const age = Date.now() - fs.statSync(file).mtimeMs;
    return age > FOREIGN_STALE_MS;
  }
  if (info.pid === process.pid) return !heldHere.has(path.dirname(file));
  if (!alive(info.pid)) return true;
  const now = procStart(info.pid);
  return info.procStart !== null && now !== null && now !== info.procStart;
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly info: LockInfo;
  /** Records the admin endpoint in the lock file so the CLI can find it. */
  advertise(admin: { port: number; token: string }): void;
  release(): void;
}

function tryCreate(file: string, info: LockInfo): boolean {
  try {
    const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
    try { fs.writeSync(fd, JSON.stringify(info)); } finally { fs.closeSync(fd); }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Removes a stale lock. Takers serialise on a second O_EXCL file and re-read
 * the lock under it, so two processes racing to take over one stale lock
 * never both remove a lock the other has just created.
 */
function breakStale(file: string, seen: string): void {
  const breaker = `${file}.breaking`;
  try {
    if (Date.now() - fs.statSync(breaker).mtimeMs > BREAKER_STALE_MS) fs.rmSync(breaker, { force: true });
  } catch { /* no breaker */ }
  let fd: number;
  try {
    fd = fs.openSync(breaker, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
  } catch {
    return; // someone else is taking over; the caller retries
  }
  try {
    fs.closeSync(fd);
    let now: string | null = null;
    try { now = fs.readFileSync(file, 'utf8'); } catch { /* already gone */ }
    if (now === seen) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

/**
 * Takes ownership of an embedded database folder, or throws DataDirLocked
 * naming who holds it. A lock left by a process that died (kill -9, power
 * loss) is taken over.
 */
export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  const dir = path.resolve(dataDir);
  // Owner-only: the folder holds the database, and this lock the admin endpoint's secret.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new DataDirLocked(dir, readLock(dir), file);
  let info: LockInfo = {
    pid: process.pid, host: os.hostname(), procStart: procStart(process.pid), startedAt: new Date().toISOString(), purpose, admin: null,
  };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, info)) break;
    if (attempt > 0) pause(50);
    let raw: string;
    try { raw = fs.readFileSync(file, 'utf8'); } catch { if (attempt < 10) continue; throw new DataDirLocked(dir, null, file); }
    const parsed = lockInfoSchema.safeParse((() => { try { return JSON.parse(raw); } catch { return null; } })());
    // An unreadable lock is either being written this instant or garbage from a crash mid-write.
    const stale = parsed.success ? isStale(parsed.data, file) : Date.now() - fs.statSync(file).mtimeMs > BREAKER_STALE_MS;
    if (!stale || attempt >= 10) throw new DataDirLocked(dir, parsed.success ? parsed.data : null, file);
    breakStale(file, raw);
  }
  heldHere.add(dir);
  const heartbeat = setInterval(() => {
    const t = new Date();
    try { fs.utimesSync(file, t, t); } catch { /* the folder was removed; nothing to keep alive */ }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    dataDir: dir,
    get info() { return info; },
    advertise(admin) {
      info = { ...info, admin };
      // Written aside and renamed in, so a reader never sees half a file.
      const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      heldHere.delete(dir);
      // Only remove the file if it is still ours (never someone's who took over after a long pause).
      const now = readLock(dir);
      if (now && now.pid === info.pid && now.startedAt === info.startedAt && now.host === info.host) fs.rmSync(file, { force: true });
    },
  };
}
