import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './app/ports.ts';

/**
 * R5.8: the directory reloads without a restart, when its file changes or on
 * SIGHUP. A file that fails to parse is logged and the directory in use stays.
 *
 * Editors and configuration tools often save by writing a new file and renaming
 * it over the old one. A watch on the file itself follows the old inode and goes
 * quiet after the first such save, so the folder is watched instead, and a
 * periodic look at the file (size, time, inode) catches whatever a folder watch
 * misses (network shares, container bind mounts): a change applies within
 * `pollMs` however the file was replaced.
 */
interface Reloadable { directoryFile: string; reloadDirectory(): Promise<{ people: number; disputes: number }> }

export interface WatchOptions { settleMs?: number; pollMs?: number }

function signature(file: string): string | null {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null; // mid-rename: the next look sees the new file
  }
}

export function watchDirectory(app: Reloadable, logger: Logger, opts: WatchOptions = {}): () => void {
  const settleMs = opts.settleMs ?? 500;
  const pollMs = opts.pollMs ?? 20_000;
  const file = path.resolve(app.directoryFile);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let seen = signature(file);
  const reload = (why: string) => {
    running = running.then(async () => {
      seen = signature(file);
      try {
        const r = await app.reloadDirectory();
        logger.info({ why, ...r }, 'directory reloaded');
      } catch (e) {
        logger.warn({ why, err: (e as Error).message }, 'the directory file could not be reloaded; the previous directory stays in use');
      }
    });
  };
  // Editors save in several writes: wait for the file to settle.
  const soon = (why: string) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (signature(file) !== seen) reload(why);
    }, settleMs);
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(path.dirname(file), (_event, name) => {
      if (!name || path.basename(String(name)) === path.basename(file)) soon('file changed');
    });
    watcher.on('error', (e) => logger.warn({ err: e.message }, 'stopped watching the directory folder; the file is still checked'));
  } catch (e) {
    logger.warn({ err: (e as Error).message }, 'cannot watch the directory folder; the file is checked regularly, and SIGHUP reloads it');
  }
  const poll = setInterval(() => { if (signature(file) !== seen) soon('file changed (periodic check)'); }, pollMs);
  poll.unref();
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return () => {
    if (timer) clearTimeout(timer);
    clearInterval(poll);
    watcher?.close();
    process.off('SIGHUP', onHup);
  };
}
