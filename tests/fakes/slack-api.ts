import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

export interface ApiCall { method: string; args: Record<string, unknown>; at: number }
type Reply = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

/**
 * A fake Slack Web API on loopback: it records every call the bot makes and
 * answers like Slack (ok/error bodies, 429 with Retry-After). It also takes
 * `response_url` posts, so `respond()` can be checked.
 */
export class FakeSlackApi extends LoopbackServer {
  readonly calls: ApiCall[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  readonly uploads: { path: string; bytes: number }[] = [];
  private queued = new Map<string, Reply[]>();
  private channels = new Map<string, { id: string; name: string; purpose: string; members: Set<string> }>();
  private messages: { channel: string; ts: string; text: string; metadata?: unknown }[] = [];
  private seq = 0;
  socketUrl = '';

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const args = this.parse(raw, String(req.headers['content-type'] ?? ''));
    if (path.startsWith('/upload/')) {
      this.uploads.push({ path, bytes: Buffer.byteLength(raw) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (path.startsWith('/respond/')) {
      this.responses.push({ path, body: args });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    this.calls.push({ method, args, at: Date.now() });
    const queued = this.queued.get(method)?.shift();
    const reply = queued ?? { body: this.answer(method, args) };
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private parse(raw: string, type: string): Record<string, unknown> {
    if (type.includes('json')) return raw ? JSON.parse(raw) as Record<string, unknown> : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      try {
        out[k] = /^[[{]/.test(v) || v === 'true' || v === 'false' ? JSON.parse(v) : v;
      } catch {
        out[k] = v;
      }
    }
    return out;
  }

  private answer(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `1700000000.${String(++this.seq).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test': return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 's117' };
      case 'conversations.create': {
        const name = String(a.name);
        if ([...this.channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
        const id = `C${String(++this.seq).padStart(8, '0')}`;
        this.channels.set(id, { id, name, purpose: '', members: new Set(['UBOT']) });
        return { ok: true, channel: { id, name, is_private: a.is_private === true || a.is_private === 'true' } };
      }
      case 'conversations.setPurpose': {
        const c = this.channels.get(String(a.channel));
        if (c) c.purpose = String(a.purpose);
        return { ok: true };
      }
      case 'conversations.list':
        return { ok: true, channels: [...this.channels.values()].map((c) => ({ id: c.id, name: c.name, purpose: { value: c.purpose } })), response_metadata: { next_cursor: '' } };
      case 'conversations.invite': {
        const c = this.channels.get(String(a.channel));
        for (const u of String(a.users ?? '').split(',').filter(Boolean)) c?.members.add(u);
        return { ok: true, channel: { id: a.channel } };
      }
      case 'conversations.kick': {
        const c = this.channels.get(String(a.channel));
        if (!c?.members.has(String(a.user))) return { ok: false, error: 'not_in_channel' };
        c.members.delete(String(a.user));
        return { ok: true };
      }
      case 'conversations.open': return { ok: true, channel: { id: `D${String(a.users)}` } };
      case 'conversations.history':
        return { ok: true, messages: this.messages.filter((m) => m.channel === a.channel).reverse().map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })) };
      case 'chat.postMessage': {
        const m = { channel: String(a.channel), ts: ts(), text: String(a.text ?? ''), metadata: a.metadata };
        this.messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.update': return { ok: true, channel: a.channel, ts: a.ts };
      case 'chat.postEphemeral': return { ok: true, message_ts: ts() };
      case 'pins.add': return { ok: true };
      case 'views.open': case 'views.publish': case 'views.update': return { ok: true, view: { id: `V${++this.seq}` } };
      case 'apps.connections.open': return { ok: true, url: this.socketUrl };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.seq}`;
        return { ok: true, file_id: id, upload_url: `${this.url}/upload/${id}` };
      }
      case 'files.completeUploadExternal': return { ok: true, files: (a.files as { id: string }[] | undefined ?? []).map((f) => ({ id: f.id })) };
      default: return { ok: false, error: 'unknown_method' };
    }
  }

  /** The next call(s) to `method` get this answer instead. */
  failNext(method: string, reply: { error?: string; status?: number; retryAfter?: number }, times = 1): void {
    const list = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i++) {
      list.push(reply.status === 429
        ? { status: 429, headers: { 'retry-after': String(reply.retryAfter ?? 1) }, body: { ok: false, error: 'ratelimited' } }
        : { body: { ok: false, error: reply.error ?? 'internal_error' } });
    }
    this.queued.set(method, list);
  }

  /** Who is in a channel now (the bot included), as invitations and kicks left it. */
  members(channel: string): string[] { return [...(this.channels.get(channel)?.members ?? [])].sort(); }
  methods(): string[] { return this.calls.map((c) => c.method); }
  of(method: string): ApiCall[] { return this.calls.filter((c) => c.method === method); }
  clear(): void { this.calls.length = 0; this.responses.length = 0; }

}
