import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import type { Logger } from '../app/ports.ts';
import { requestStarted } from '../app/foreground.ts';
import { forwarded, isLoopbackAddress } from './exposure.ts';

/** Paths that machines poll, not people. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

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
    private readonly opts: { adminToken?: string | undefined; hsts?: boolean } = {},
  ) {
    this.route('/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    this.route('/readyz', async (req, res) => {
      const r = await this.ready().catch((e: Error) => ({ ok: false, detail: e.message }));
      // The detail names the database; only this computer or an administrator sees it.
      const detail = this.mayseeDetail(req) ? { detail: r.detail } : {};
      json(res, r.ok ? 200 : 503, { status: r.ok ? 'ready' : 'not ready', ...detail });
    });
    this.server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      // Background work (a sweep) takes smaller steps while a person waits for an answer; a load balancer's or
      // Prometheus's probes every few seconds are nobody waiting, and would keep the sweep small for ever.
      if (!PROBES.has(path)) res.once('close', requestStarted());
      // Behind https (PUBLIC_URL), browsers are told never to use plain http for this host.
      if (this.opts.hsts) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const h = this.routes.get(path) ?? this.prefixes.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1];
      if (!h) return json(res, 404, { error: `Nothing is served at ${path}. Try /healthz or /readyz.` });
      // A handler that throws synchronously is caught the same way as one that rejects.
      Promise.resolve().then(() => h(req, res)).catch((e: Error) => {
        this.logger.error({ err: { message: e.message }, path }, 'request failed');
        if (!res.headersSent) json(res, 500, { error: 'Something went wrong; it has been logged.' });
      });
    });
  }

  private mayseeDetail(req: http.IncomingMessage): boolean {
    if (isLoopbackAddress(req.socket.remoteAddress) && !forwarded(req)) return true;
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
