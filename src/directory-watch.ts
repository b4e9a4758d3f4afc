import fs from 'node:fs';
import type { Logger } from './app/ports.ts';

/**
 * R5.8: the directory reloads without a restart, when its file changes or on
 * SIGHUP. A file that fails to parse is logged and the directory in use stays.
 */
interface Reloadable { directoryFile: string; reloadDirectory(): Promise<{ people: number; disputes: number }> }

export function watchDirectory(app: Reloadable, logger: Logger): () => void {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const reload = (why: string) => {
    running = running.then(async () => {
      try {
        const r = await app.reloadDirectory();
        logger.info({ why, ...r }, 'directory reloaded');
      } catch (e) {
        logger.warn({ why, err: (e as Error).message }, 'the directory file could not be reloaded; the previous directory stays in use');
      }
    });
  };
  // Editors save in several writes: wait for the file to settle.
  const soon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => reload('file changed'), 500);
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(app.directoryFile, soon);
    watcher.on('error', (e) => logger.warn({ err: e.message }, 'stopped watching the directory file; SIGHUP still reloads it'));
  } catch (e) {
    logger.warn({ err: (e as Error).message }, 'cannot watch the directory file; SIGHUP or "s117 directory reload" reloads it');
  }
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
    process.off('SIGHUP', onHup);
  };
}
