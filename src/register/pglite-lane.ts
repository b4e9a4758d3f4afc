import type { PGlite, Transaction } from '@electric-sql/pglite';

/** One turn of the event loop, so sockets are read (and requests acknowledged) before the next statement. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/** Waiting requests served in a row before one background caller gets its turn, so a sweep is slowed, never stopped. */
const FOREGROUND_RUN = 8;

interface Waiter { run(): void; background: boolean }

/**
 * The embedded database runs its statements synchronously, in wasm, on the
 * bot's own event loop, and hands its connection from one waiting caller to
 * the next in a microtask: fifty queued transactions would run back to back
 * without the loop ever reading a socket, so Slack's next request waited
 * seconds for its acknowledgement. This lane puts the callers in one queue
 * and gives the event loop a turn before every statement, so an incoming
 * request waits for at most one statement, not a backlog. Callers a person
 * is waiting on go before background ones (a sweep's next batch), so a click
 * waits for the sweep's current transaction at most, not for the sweep.
 */
export function pgliteLane(db: PGlite, isBackground: () => boolean = () => false): PGlite {
  const waiting: Waiter[] = [];
  let busy = false;
  // Requests served while a background caller waited; it goes next once this reaches FOREGROUND_RUN.
  let passed = 0;
  const pick = (): Waiter => {
    const foreground = waiting.findIndex((w) => !w.background);
    const background = waiting.findIndex((w) => w.background);
    const i = foreground < 0 || (background >= 0 && passed >= FOREGROUND_RUN) ? background : foreground;
    passed = background < 0 || i === background ? 0 : passed + 1;
    return waiting.splice(i, 1)[0]!;
  };
  const next = () => {
    if (busy || !waiting.length) return;
    busy = true;
    pick().run();
  };
  const inLane = <T>(fn: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    waiting.push({
      background: isBackground(),
      run: () => {
        void yieldToIo().then(fn).then(resolve, reject).finally(() => {
          busy = false;
          next();
        });
      },
    });
    next();
  });
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
