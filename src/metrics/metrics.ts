import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ChatDeliveryError, type ChatPort } from '../app/ports.ts';
import type { RegisterGauges } from '../app/register-gauges.ts';

// Prometheus metrics. Counters and histograms live for the process and are
// fed by one-line hooks; the register's figures are read from the database at
// scrape time, so every replica reports the same truth.

const process_ = new Registry();
let defaultsOn = false;

const deliveries = new Counter({
  name: 's117_deliveries_total',
  help: 'Calls to the chat platforms by platform, operation and result (ok, retry: a retryable failure, error: a permanent one).',
  labelNames: ['platform', 'operation', 'result'] as const, registers: [process_],
});
const sweepSeconds = new Histogram({
  name: 's117_sweep_duration_seconds', help: 'How long one scheduler sweep of the register takes.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [process_],
});
const ackSeconds = new Histogram({
  name: 's117_inbound_ack_seconds',
  help: 'Time from an inbound Slack or Teams request to its HTTP response (Slack wants it within 3 seconds).',
  labelNames: ['platform', 'status'] as const, buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5], registers: [process_],
});

/** Starts timing a sweep; call the result when it ends. */
export const timeSweep = (): (() => void) => { const end = sweepSeconds.startTimer(); return () => { end(); }; };

/** Times an inbound endpoint from the request to the end of its response. */
export function timedInbound<H extends (req: IncomingMessage, res: ServerResponse) => unknown>(platform: string, handler: H): H {
  return ((req: IncomingMessage, res: ServerResponse) => {
    const end = ackSeconds.startTimer({ platform });
    res.once('finish', () => end({ status: String(res.statusCode) }));
    return handler(req, res);
  }) as H;
}

const OPERATIONS = ['openCaseSpace', 'invite', 'post', 'upsertCard', 'dm', 'governance'] as const;

/** Counts every call a chat port makes, without the port or the dispatcher knowing. */
export function instrumentPort<P extends ChatPort>(port: P): P {
  const counted = (op: string, fn: (...a: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    try {
      const r = await fn(...args);
      deliveries.inc({ platform: port.platform, operation: op, result: 'ok' });
      return r;
    } catch (e) {
      deliveries.inc({ platform: port.platform, operation: op, result: e instanceof ChatDeliveryError && e.retryable ? 'retry' : 'error' });
      throw e;
    }
  };
  return new Proxy(port, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const bound = (v as (...a: unknown[]) => Promise<unknown>).bind(target);
      return (OPERATIONS as readonly (string | symbol)[]).includes(prop) ? counted(String(prop), bound) : bound;
    },
  });
}

function registerGaugeRegistry(read: () => Promise<RegisterGauges>): Registry {
  const r = new Registry();
  let pending: Promise<RegisterGauges> | null = null;
  // One database read per scrape, shared by every gauge below.
  const figures = () => (pending ??= read().finally(() => setTimeout(() => { pending = null; }, 0)));
  const gauge = (name: string, help: string, set: (g: Gauge, f: RegisterGauges) => void, labelNames: string[] = []) => new Gauge({
    name, help, labelNames, registers: [r],
    async collect() { set(this, await figures()); },
  });
  const pendingHelp = 'Undelivered notifications: due (their time has come) or scheduled (held for working hours or a reminder).';
  gauge('s117_outbox_pending', pendingHelp, (g, f) => {
    g.set({ state: 'due' }, f.outboxDue);
    g.set({ state: 'scheduled' }, f.outboxScheduled);
  }, ['state']);
  const ageHelp = 'How long the oldest due notification has been waiting (0 when none): a growing value means delivery is stuck.';
  gauge('s117_outbox_oldest_due_age_seconds', ageHelp, (g, f) => g.set(f.outboxOldestPendingSeconds));
  gauge('s117_outbox_failed', 'Notifications that were given up on after every attempt (the reason is on the row).',
    (g, f) => g.set(f.outboxFailed));
  gauge('s117_disputes_open', 'Open disputes by stage (4: external escalation).', (g, f) => {
    for (const s of f.openByStage) g.set({ stage: String(s.stage) }, s.n);
  }, ['stage']);
  gauge('s117_disputes_overdue', 'Open disputes past their current stage\'s deadline.', (g, f) => g.set(f.overdue));
  return r;
}

/**
 * The admin token as a bearer, and nothing else: a proxy on the same machine makes remote requests look local,
 * so where a request seems to come from proves nothing.
 */
export function mayScrape(req: IncomingMessage, adminToken: string | undefined): boolean {
  const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!adminToken || !auth) return false;
  const a = crypto.createHash('sha256').update(auth).digest();
  const b = crypto.createHash('sha256').update(adminToken).digest();
  return crypto.timingSafeEqual(a, b);
}

/** The /metrics endpoint. */
export function metricsHandler(opts: { adminToken: string | undefined; gauges: () => Promise<RegisterGauges> }) {
  if (!defaultsOn) { collectDefaultMetrics({ register: process_, prefix: 's117_' }); defaultsOn = true; }
  const db = registerGaugeRegistry(opts.gauges);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!mayScrape(req, opts.adminToken)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
      res.end('Metrics are served with "Authorization: Bearer <ADMIN_TOKEN>" only.\n');
      return;
    }
    const merged = Registry.merge([process_, db]);
    const body = await merged.metrics();
    res.writeHead(200, { 'content-type': merged.contentType, 'cache-control': 'no-store' });
    res.end(body);
  };
}
