import type { PGlite, Transaction } from '@electric-sql/pglite';

/** One turn of the event loop, so sockets are read (and requests acknowledged) before the next statement. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/**
 * The embedded database runs its statements synchronously, in wasm, on the
 * bot's own event loop, and hands its connection from one waiting caller to
 * the next in a microtask: fifty queued transactions would run back to back
 * without the loop ever reading a socket, so Slack's next request waited
 * seconds for its acknowledgement. This lane puts the callers in one
 * first-come queue and gives the event loop a turn before every statement,
 * so an incoming request waits for at most one statement, not a backlog.
 */
export function pgliteLane(db: PGlite): PGlite {
  let tail: Promise<unknown> = Promise.resolve();
  const inLane = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(yieldToIo).then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
  const yielding = (q: Queryable) => ({
    query: (async (...args: Parameters<PGlite['query']>) => { await yieldToIo(); return q.query(...args); }) as PGlite['query'],
    exec: (async (...args: Parameters<PGlite['exec']>) => { await yieldToIo(); return q.exec(...args); }) as PGlite['exec'],
  });
  const lane = {
    query: ((...args: Parameters<PGlite['query']>) => inLane(() => db.query(...args))) as PGlite['query'],
    exec: ((...args: Parameters<PGlite['exec']>) => inLane(() => db.exec(...args))) as PGlite['exec'],
    transaction: (<T>(fn: (tx: Transaction) => Promise<T>) => inLane(() => db.transaction((tx) => fn({
      ...yielding(tx),
      rollback: () => tx.rollback(),
      get closed() { return tx.closed; },
      // Anything else a transaction offers (listen, sql tags) goes straight to it.
    } as Transaction)))) as PGlite['transaction'],
  };
  // Everything else (close, dumpDataDir, waitReady, closed) is PGlite's own.
  return new Proxy(db, {
    get: (target, prop, receiver) => (prop in lane ? lane[prop as keyof typeof lane] : Reflect.get(target, prop, receiver)),
  });
}
