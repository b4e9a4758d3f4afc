import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import type { Logger } from '../app/ports.ts';
import { Foreground } from '../app/foreground.ts';

/** Paths that machines poll, not people. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** How long a client may take, and how many may be connected at once (README "Configuration"). */
export interface ServerLimits {
  /** The whole request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included: a half-sent body cannot hold a connection longer. */
  requestTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 500 };

/** A client that went away mid-request: its business, not a fault of ours. */
function aborted(req: http.IncomingMessage, e: Error & { code?: string }): boolean {
  return req.destroyed || e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.message === 'aborted';
}

/**
 * The bot's one HTTP server. Health endpoints live here; the Slack, Teams
 * and register issues mount their routes with `route()`.
 */
export class HttpServer {
  private readonly routes = new Map<string, Handler>();
  private readonly prefixes: [string, Handler][] = [];
  private readonly server: http.Server;

  constructor(
    private readonly logger: Logger, private readonly ready: () => Promise<{ ok: boolean; detail: string }>,
    private readonly opts: {
      adminToken?: string | undefined; hsts?: boolean; limits?: Partial<ServerLimits>;
      /** The running bot's count of requests people wait on (see app/foreground.ts); a server of its own otherwise. */
      foreground?: Foreground;
    } = {},
  ) {
    const foreground = opts.foreground ?? new Foreground();
    this.route('/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    this.route('/readyz', async (req, res) => {
      const r = await this.ready().catch((e: Error) => ({ ok: false, detail: e.message }));
      // The detail names the database (host, user, name): only the admin token sees it, never "whoever looks local".
      const detail = this.mayseeDetail(req) ? { detail: r.detail } : {};
      json(res, r.ok ? 200 : 503, { status: r.ok ? 'ready' : 'not ready', ...detail });
    });
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    // Node checks these timeouts on a timer; it must tick well within the shortest one.
    const checkEvery = Math.max(50, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 2)));
    this.server = http.createServer({
      headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: checkEvery,
    }, (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      // Background work (a sweep) takes smaller steps while a person waits for an answer; a load balancer's or
      // Prometheus's probes every few seconds are nobody waiting, and would keep the sweep small for ever.
      if (!PROBES.has(path)) res.once('close', foreground.requestStarted());
      // Behind https (PUBLIC_URL), browsers are told never to use plain http for this host.
      if (this.opts.hsts) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const h = this.routes.get(path) ?? this.prefixes.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1];
      if (!h) return json(res, 404, { error: `Nothing is served at ${path}. Try /healthz or /readyz.` });
      // A handler that throws synchronously is caught the same way as one that rejects.
      Promise.resolve().then(() => h(req, res)).catch((e: Error) => {
        if (aborted(req, e)) return this.logger.debug({ path }, 'the client went away before its request was read');
        this.logger.error({ err: { message: e.message }, path }, 'request failed');
        if (!res.headersSent) json(res, 500, { error: 'Something went wrong; it has been logged.' });
      });
    });
    this.server.maxConnections = limits.maxConnections;
  }

  private mayseeDetail(req: http.IncomingMessage): boolean {
    const token = this.opts.adminToken;
    const given = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token || !given) return false;
    const a = crypto.createHash('sha256').update(token).digest();
    const b = crypto.createHash('sha256').update(given).digest();
    return crypto.timingSafeEqual(a, b);
  }

  route(path: string, h: Handler): void {
    this.routes.set(path, h);
  }

  /** Everything under `prefix` (e.g. /register and /register/…). */
  routePrefix(prefix: string, h: Handler): void {
    this.prefixes.push([prefix, h]);
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeIdleConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
