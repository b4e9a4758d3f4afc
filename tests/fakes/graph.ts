import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

/** A fake Microsoft sign-in (client credentials) and Graph channel API on loopback. */
export class FakeGraph extends LoopbackServer {
  readonly calls: { method: string; path: string; auth: string | null; body: Record<string, unknown> }[] = [];
  readonly channels = new Map<string, string>();

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const path = req.url ?? '';
    const body = raw.startsWith('{') ? JSON.parse(raw) as Record<string, unknown> : Object.fromEntries(new URLSearchParams(raw));
    this.calls.push({ method: req.method ?? '', path, auth: req.headers.authorization ?? null, body });
    const json = (status: number, b: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b)); };
    if (/\/oauth2\/v2\.0\/token$/.test(path)) {
      if (body.client_secret !== 'right-secret') return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token-1' });
    }
    const m = /^\/v1\.0\/teams\/([^/]+)\/channels$/.exec(path);
    if (m && req.method === 'POST') {
      if (req.headers.authorization !== 'Bearer graph-token-1') return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      const name = String(body.displayName);
      if (this.channels.has(name)) return json(400, { error: { code: 'NameAlreadyExists', message: 'Channel name already existed, please use other name.' } });
      const id = `19:${name}@thread.tacv2`;
      this.channels.set(name, id);
      return json(201, { id, displayName: name, membershipType: body.membershipType });
    }
    json(404, { error: { code: 'NotFound', message: path } });
  }
}
