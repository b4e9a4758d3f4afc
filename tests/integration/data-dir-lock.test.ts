import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataDirLock, DataDirLocked, LOCK_FILE, readLock } from '../../src/register/data-dir-lock.ts';
import { openDatabase } from '../../src/register/db.ts';
import { runCli } from '../../src/cli/s117.ts';
import { DIRECTORY } from '../helpers/app.ts';

// One owner for an embedded database folder: PGlite keeps the database in the
// process's memory, so a second process on the folder silently diverges.

/** The pid of a process that has already exited (nothing else will have it yet). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(dir: string, fields: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  fs.writeFileSync(file, JSON.stringify({ pid: 1, host: os.hostname(), procStart: null, startedAt: '2026-11-29T01:00:00.000Z', purpose: 'bot', admin: null, ...fields }));
  return file;
}

describe('the embedded database has one owner', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-lock-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('refuses a second opener in the same process and frees the folder on close', async () => {
    const db = await openDatabase({ dataDir: dir, purpose: 'bot' });
    try {
      expect(readLock(dir)).toMatchObject({ pid: process.pid, host: os.hostname(), purpose: 'bot' });
      expect(fs.statSync(path.join(dir, LOCK_FILE)).mode & 0o077).toBe(0);
      await expect(openDatabase({ dataDir: dir, purpose: 'cli' })).rejects.toThrow(DataDirLocked);
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by the running bot \(process \d+, since .*\)\. Only one process may open it at a time/);
    } finally {
      await db.close();
    }
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  }, 60_000);

  it('refuses while another live process holds it, naming it and what to do', () => {
    const holder = spawn('sleep', ['60']);
    try {
      writeLock(dir, { pid: holder.pid, purpose: 'cli', procStart: null });
      let err: unknown;
      try { acquireDataDirLock(dir, 'bot'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(DataDirLocked);
      expect((err as Error).message).toMatch(new RegExp(`in use by another s117 command \\(cli\\) \\(process ${holder.pid},.*Wait for that command to finish`));
      expect(readLock(dir)?.pid).toBe(holder.pid);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock whose owner died (kill -9, crash), but only once', () => {
    writeLock(dir, { pid: deadPid() });
    const lock = acquireDataDirLock(dir, 'bot');
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
    expect(() => acquireDataDirLock(dir, 'cli')).toThrow(DataDirLocked);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose pid now belongs to a different process (pid reused after a restart)', () => {
    const other = spawn('sleep', ['60']);
    try {
      writeLock(dir, { pid: other.pid, procStart: '1' });
      const lock = acquireDataDirLock(dir, 'bot');
      expect(readLock(dir)?.pid).toBe(process.pid);
      lock.release();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('treats a lock left by this very pid but not held here as stale (a container restarts as pid 1)', () => {
    writeLock(dir, { pid: process.pid, procStart: null });
    const lock = acquireDataDirLock(dir, 'bot');
    lock.release();
  });

  it('trusts another host\'s lock until it stops being refreshed', () => {
    const file = writeLock(dir, { host: 'other-host.example', pid: 4242 });
    expect(() => acquireDataDirLock(dir, 'bot')).toThrow(/process 4242 on other-host\.example/);
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(file, old, old);
    const lock = acquireDataDirLock(dir, 'bot');
    lock.release();
  });

  it('the CLI is refused clearly (exit 75) while another command owns the folder', async () => {
    const lock = acquireDataDirLock(dir, 'cli');
    try {
      let err = '';
      const code = await runCli(['dispute', 'list'], { stdout: () => undefined, stderr: (s) => { err += s; }, env: { DATA_DIR: dir, DIRECTORY_FILE: DIRECTORY, LOG_LEVEL: 'silent' } });
      expect(code).toBe(75);
      expect(err).toMatch(/in use by another s117 command \(cli\)/);
    } finally {
      lock.release();
    }
  });
});
