import type { Logger } from '../app/ports.ts';

/**
 * Last line of defence: an error nothing caught (a library callback, a stray
 * promise) is logged and the bot keeps serving Slack, Teams and the
 * scheduler. A burst of them means the process is not healthy any more, so
 * after `maxPerMinute` it exits and the supervisor (systemd, Docker) starts
 * it again; the outbox and the scheduler catch up from the database.
 */
export function installSafetyNet(
  logger: Logger, opts: { maxPerMinute?: number; exit?: (code: number) => void; now?: () => number } = {},
): () => void {
  const max = opts.maxPerMinute ?? 20;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const now = opts.now ?? (() => Date.now());
  const recent: number[] = [];
  const note = (kind: string, e: unknown) => {
    const err = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { message: String(e) };
    logger.error({ err, kind }, 'an error escaped its handler; the bot keeps running');
    const t = now();
    recent.push(t);
    while (recent.length && recent[0]! < t - 60_000) recent.shift();
    if (recent.length > max) {
      logger.error({ count: recent.length }, 'too many uncaught errors in a minute; exiting so the supervisor restarts the bot');
      exit(1);
    }
  };
  const onRejection = (e: unknown) => note('unhandledRejection', e);
  const onException = (e: unknown) => note('uncaughtException', e);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
