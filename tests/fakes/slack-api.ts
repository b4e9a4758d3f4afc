import http from 'node:http';
import { slackBuckets } from '../../src/adapters/slack/rate-tiers.ts';
import { LoopbackServer } from './loopback.ts';
import { homeSchema, messageSchema, modalSchema } from '../helpers/slack.ts';

/** What Slack would say is wrong with a view (Block Kit's published limits), or null. */
export function viewProblem(view: unknown): string | null {
  const v = (typeof view === 'string' ? JSON.parse(view) : view) as { type?: string } | undefined;
  const r = (v?.type === 'home' ? homeSchema : modalSchema).safeParse(v);
  return r.success ? null : r.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/view/${i.path.join('/')}]`).join('; ');
}

const refused = (error: string, message: string) => ({ ok: false, error, response_metadata: { messages: [message] } });

/** What Slack would say is wrong with a message's blocks, or null (no blocks is plain text). */
function blocksProblem(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  const b = typeof blocks === 'string' ? JSON.parse(blocks) as unknown : blocks;
  const r = messageSchema.safeParse({ text: '', blocks: b });
  return r.success ? null : r.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/${i.path.join('/')}]`).join('; ');
}

/**
 * A fault every API call (or every `every`-th) meets while it is set: an
 * outage (500), a rate limit (429 + Retry-After), a hang (no answer until the
 * client gives up), a slow answer, or a call applied and then answered 500.
 */
export type SlackFault =
  | { kind: '500' } | { kind: '429'; retryAfter: number } | { kind: 'hang' } | { kind: 'slow'; ms: number } | { kind: 'apply-then-fail' }
  /** Applied, then no answer ever: the caller dies or times out not knowing. */
  | { kind: 'apply-then-hang' };

export interface ApiCall { method: string; args: Record<string, unknown>; at: number; status?: number; /** The workspace of the token the call was made with. */ team: string | null }
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
  private channels = new Map<string, { id: string; name: string; purpose: string; members: Set<string>; team: string | null; sharedWith: Set<string> }>();
  /** Slack Connect invitations sent (conversations.inviteShared), as Slack keeps them until accepted or declined. */
  readonly invites: { id: string; channel: string; team: string; recipient: { email?: string; user?: string }; state: 'sent' | 'accepted' | 'declined' }[] = [];
  /** Workspaces whose administrators allow Slack Connect (none by default: Slack's answer is restricted_action). */
  readonly connectAllowed = new Set<string>();
  /** Workspaces on a plan without Slack Connect (not_paid). */
  readonly unpaid = new Set<string>();
  /** Scopes a workspace's installation lacks (missing_scope), by team. */
  readonly lacking = new Map<string, Set<string>>();
  /** People's e-mail addresses in each workspace (Slack matches an invitation's address to its member). */
  private readonly emails = new Map<string, { team: string; user: string }>();
  /** The token of the call being answered. */
  private token = '';
  /** Workspaces by bot token; none registered: every token is workspace T1's (one workspace, as before). */
  private readonly teams = new Map<string, { team: string; users: Set<string> }>();
  private messages: { channel: string; ts: string; text: string; metadata?: unknown }[] = [];
  private seq = 0;
  socketUrl = '';
  /** Set to inject a fault into every call (see SlackFault); `faultEvery` n applies it to every n-th call only. */
  fault: SlackFault | null = null;
  faultEvery = 1;
  /** Only these methods meet the fault (all when null). */
  faultMethods: string[] | null = null;
  /** When set, enforce Slack's published tier limits times this scale, answering 429 with Retry-After beyond them. */
  enforceScale: number | null = null;
  private faultCount = 0;
  private gcra = new Map<string, number>();
  private held = new Map<string, number>();
  readonly hung: http.ServerResponse[] = [];

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
    if (path === '/oauth/v2/authorize') return this.authorizePage(req, res);
    const method = path.replace(/^\/api\//, '');
    if (method === 'oauth.v2.access') {
      const reply = this.oauthAccess(req, args);
      this.calls.push({ method, args: { ...args, client_secret: args.client_secret ? '(given)' : undefined }, at: Date.now(), status: 200, team: null });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      return;
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '') || String(args.token ?? '');
    const team = this.teams.size ? this.teams.get(token)?.team ?? null : 'T1';
    this.token = token;
    const call: ApiCall = { method, args, at: Date.now(), team };
    this.calls.push(call);
    const hold = this.holds.findIndex((h) => h.method === method && h.match(args, team));
    if (hold >= 0) {
      // The call has reached Slack (and is recorded); its answer waits until the test lets it go.
      const [h] = this.holds.splice(hold, 1);
      h!.reached(call);
      void h!.released.then(() => this.respond(method, args, team, call, res));
      return;
    }
    this.respond(method, args, team, call, res);
  }

  private readonly holds: { method: string; match: (args: Record<string, unknown>, team: string | null) => boolean; reached: (c: ApiCall) => void; released: Promise<void> }[] = [];

  /**
   * Holds the answer to the next call of `method` that `match` accepts until `release()`: a test can then do
   * something else while the bot is mid-call (deterministically, with no sleeps). `reached` resolves once it is held.
   */
  holdNext(method: string, match: (args: Record<string, unknown>, team: string | null) => boolean = () => true): { reached: Promise<ApiCall>; release(): void } {
    let reached!: (c: ApiCall) => void;
    let release!: () => void;
    const r = new Promise<ApiCall>((res) => { reached = res; });
    const released = new Promise<void>((res) => { release = res; });
    this.holds.push({ method, match, reached, released });
    return { reached: r, release };
  }

  private respond(method: string, args: Record<string, unknown>, team: string | null, call: ApiCall, res: http.ServerResponse): void {
    const send = (reply: Reply) => {
      call.status = reply.status ?? 200;
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    };
    const queued = this.queued.get(method)?.shift();
    if (queued) return send(queued);
    const limited = this.overLimit(method, args);
    if (limited) return send({ status: 429, headers: { 'retry-after': String(limited) }, body: { ok: false, error: 'ratelimited' } });
    // auth.test meets a fault only when named, so bots in fault tests can start.
    const hit = this.fault && (this.faultMethods ? this.faultMethods.includes(method) : method !== 'auth.test');
    const fault = hit && ++this.faultCount % this.faultEvery === 0 ? this.fault : null;
    // A token of no workspace is refused, as Slack refuses a revoked or mistyped one.
    if (this.teams.size && !team) return send({ body: { ok: false, error: 'invalid_auth' } });
    const refusal = this.workspaceRefusal(method, args, team);
    if (refusal) return send({ body: { ok: false, error: refusal } });
    if (!fault) return send({ body: this.answer(method, args, team) });
    switch (fault.kind) {
      case '500': return send({ status: 500, body: { ok: false, error: 'internal_error' } });
      case '429': return send({ status: 429, headers: { 'retry-after': String(fault.retryAfter) }, body: { ok: false, error: 'ratelimited' } });
      case 'hang': call.status = 0; this.hung.push(res); return;
      case 'slow': setTimeout(() => send({ body: this.answer(method, args, team) }), fault.ms); return;
      case 'apply-then-fail': this.answer(method, args, team); return send({ status: 500, body: { ok: false, error: 'internal_error' } });
      case 'apply-then-hang': this.answer(method, args, team); call.status = 0; this.hung.push(res); return;
    }
  }

  /** Seconds to wait when a call breaks the (scaled) published limit of any of its buckets, else 0. */
  private overLimit(method: string, args: Record<string, unknown>): number {
    if (!this.enforceScale) return 0;
    const now = Date.now();
    const buckets = slackBuckets(method, typeof args.channel === 'string' ? args.channel : undefined).filter((b) => b.perMinute);
    for (const b of buckets) {
      const held = this.held.get(b.key) ?? 0;
      if (held > now) return Math.ceil((held - now) / 1000);
    }
    for (const b of buckets) {
      const interval = 60_000 / (b.perMinute! * this.enforceScale);
      // Slack allows short bursts: the bot's own allowance plus one call of slack.
      const tolerance = ((b.burst ?? 0) + 1) * interval;
      const tat = Math.max(this.gcra.get(b.key) ?? 0, now);
      if (tat - now > tolerance) {
        const wait = Math.max(1, Math.ceil((tat - tolerance - now) / 1000));
        this.held.set(b.key, now + wait * 1000);
        return wait;
      }
    }
    for (const b of buckets) this.gcra.set(b.key, Math.max(this.gcra.get(b.key) ?? 0, now) + 60_000 / (b.perMinute! * this.enforceScale));
    return 0;
  }

  /** Answers every hung call with a 500 (the platform recovering) and forgets them. */
  releaseHung(): void {
    for (const res of this.hung.splice(0)) {
      if (!res.destroyed) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'internal_error' }));
    }
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

  /**
   * Slack's answers for a call that reaches across workspaces: a channel made
   * in another workspace is not found, and a user who is not a member of this
   * one cannot be invited (Slack Connect aside, which this fake does not do).
   */
  private workspaceRefusal(method: string, a: Record<string, unknown>, team: string | null): string | null {
    if (!this.teams.size) return null;
    const channel = this.channels.get(String(a.channel ?? ''));
    // A Slack Connect channel is one channel in both workspaces once the invitation is accepted.
    if (channel && channel.team !== team && !(team && channel.sharedWith.has(team))) return 'channel_not_found';
    const users = [...this.teams.values()].find((t) => t.team === team)?.users;
    if (method === 'conversations.invite' && users) {
      if (String(a.users ?? '').split(',').filter(Boolean).some((u) => !users.has(u))) return 'user_not_found';
    }
    if ((method === 'conversations.open' || method === 'conversations.kick') && users) {
      const who = String(a.users ?? a.user ?? '');
      if (who && !users.has(who)) return 'user_not_found';
    }
    return null;
  }

  /**
   * The Slack app's OAuth settings, as its "Basic Information" and "OAuth & Permissions" pages hold them: the
   * install flow's authorize page and oauth.v2.access check the bot against these.
   */
  oauthApp: { clientId: string; clientSecret: string; redirectUrls: string[] } | null = null;
  /** Who presses "Allow" on the next authorize page: a workspace and its installing user (and members). */
  installer: { team: string; name: string; user: string; users: string[]; deny?: boolean; enterprise?: boolean } | null = null;
  private codes = new Map<string, { team: string; name: string; user: string; users: string[]; redirectUri: string | null; expiresAt: number; used: boolean; enterprise: boolean }>();
  /** Tokens given back with auth.revoke. */
  readonly revoked: string[] = [];

  /**
   * Slack's authorize page (oauth/v2/authorize), with the person already signed in as `installer` pressing Allow
   * (or Cancel): a redirect back with a code, or with error=access_denied. As Slack does, it refuses an unknown
   * client id or a redirect_uri that is not one of the app's Redirect URLs, on its own page (no redirect).
   */
  private authorizePage(req: http.IncomingMessage, res: http.ServerResponse): void {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const app = this.oauthApp;
    const page = (status: number, text: string): void => { res.writeHead(status, { 'content-type': 'text/plain' }).end(text); };
    if (!app || q.get('client_id') !== app.clientId) return page(400, 'invalid_client_id');
    const redirect = q.get('redirect_uri') ?? app.redirectUrls[0] ?? '';
    // Slack: the redirect_uri must match (or be under) a Redirect URL configured for the app.
    if (!app.redirectUrls.some((u) => redirect === u || redirect.startsWith(`${u}/`))) return page(400, 'bad_redirect_uri');
    if (!q.get('scope')) return page(400, 'invalid_scope');
    const who = this.installer;
    if (!who) return page(400, 'not signed in to any workspace');
    const back = new URL(redirect);
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    if (who.deny) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `${Date.now()}.${++this.seq}.${Math.random().toString(36).slice(2)}`;
      this.codes.set(code, { ...who, redirectUri: q.get('redirect_uri'), expiresAt: Date.now() + 10 * 60_000, used: false, enterprise: Boolean(who.enterprise) });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  /**
   * oauth.v2.access as documented: the client authenticates with HTTP Basic or client_id/client_secret; the code is
   * the app's, unexpired (10 minutes) and single-use; redirect_uri must be the one the authorize step was given.
   */
  private oauthAccess(req: http.IncomingMessage, a: Record<string, unknown>): Record<string, unknown> {
    const app = this.oauthApp;
    let id = typeof a.client_id === 'string' ? a.client_id : '';
    let secret = typeof a.client_secret === 'string' ? a.client_secret : '';
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (basic) [id = '', secret = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    if (!id) return { ok: false, error: 'invalid_arguments' };
    if (!app || id !== app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const code = typeof a.code === 'string' ? a.code : '';
    const c = this.codes.get(code);
    if (!c || c.used || c.expiresAt < Date.now()) return { ok: false, error: 'invalid_code' };
    c.used = true;
    const given = typeof a.redirect_uri === 'string' ? a.redirect_uri : null;
    if (c.redirectUri !== null && given !== c.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    const token = `xoxb-${c.team}-${++this.seq}`;
    this.addWorkspace(c.team, token, c.users);
    return {
      ok: true, access_token: token, token_type: 'bot', scope: 'chat:write,commands', bot_user_id: 'UBOT', app_id: 'A0S117APP',
      team: { id: c.team, name: c.name }, enterprise: c.enterprise ? { id: 'E0GRID', name: 'Grid' } : null,
      is_enterprise_install: c.enterprise, authed_user: { id: c.user },
    };
  }

  /** Serves a second (third…) workspace: calls with `token` act in `team`, whose members are `users`. */
  addWorkspace(team: string, token: string, users: string[]): void {
    this.teams.set(token, { team, users: new Set(users) });
  }

  /** Gives people of a workspace their e-mail addresses, as their Slack profiles hold them. */
  addEmails(team: string, byEmail: Record<string, string>): void {
    for (const [email, user] of Object.entries(byEmail)) this.emails.set(email.toLowerCase(), { team, user });
  }

  /**
   * conversations.inviteShared as Slack's reference has it: a bot token with conversations.connect:write, a channel of
   * the caller's workspace, and exactly one address (`emails`) or one user id (`user_ids`) a call; refused when the
   * inviting workspace does not allow Slack Connect (restricted_action) or is not on a paid plan (not_paid).
   */
  private inviteShared(a: Record<string, unknown>, team: string | null): Record<string, unknown> {
    // A user token (xoxp-) or an app-level one (xapp-) may not: conversations.connect:write is a bot scope.
    if (!this.token.startsWith('xoxb-')) return { ok: false, error: 'not_allowed_token_type' };
    if (team && this.lacking.get(team)?.has('conversations.connect:write')) {
      return { ok: false, error: 'missing_scope', needed: 'conversations.connect:write', provided: 'chat:write' };
    }
    if (typeof a.channel !== 'string' || !a.channel) return { ok: false, error: 'invalid_arguments' };
    const channel = this.channels.get(a.channel);
    if (!channel || channel.team !== team) return { ok: false, error: 'channel_not_found' };
    const list = (v: unknown): string[] | null => (v === undefined ? null : Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : []);
    const emails = list(a.emails);
    const users = list(a.user_ids);
    // Either emails or user_ids, and only one address or one user id a call.
    if ((emails === null) === (users === null)) return { ok: false, error: 'invalid_arguments' };
    const one = (emails ?? users)!;
    if (one.length !== 1 || !one[0]) return { ok: false, error: 'invalid_arguments' };
    if (team && this.unpaid.has(team)) return { ok: false, error: 'not_paid' };
    if (!team || !this.connectAllowed.has(team)) return { ok: false, error: 'restricted_action' };
    let recipient: { email?: string; user?: string; team?: string };
    if (emails) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(one[0])) return { ok: false, error: 'invalid_email' };
      const known = this.emails.get(one[0].toLowerCase());
      recipient = { email: one[0], ...(known ? { user: known.user, team: known.team } : {}) };
    } else {
      const home = [...this.teams.values()].find((t) => t.users.has(one[0]!));
      if (!home) return { ok: false, error: 'user_not_found' };
      recipient = { user: one[0], team: home.team };
    }
    if (recipient.user && channel.members.has(recipient.user)) return { ok: false, error: 'already_in_channel' };
    const id = `I${String(++this.seq).padStart(8, '0')}`;
    this.invites.push({ id, channel: channel.id, team, recipient, state: 'sent' });
    return { ok: true, invite_id: id, is_legacy_shared_channel: false };
  }

  /**
   * The invitee accepts (in their own workspace): they join the channel, which their workspace now shares. The
   * shared_channel_invite_accepted event Slack sends the inviting workspace's app, for the test to deliver signed.
   */
  acceptInvite(id: string): Record<string, unknown> {
    const inv = this.invites.find((i) => i.id === id)!;
    const c = this.channels.get(inv.channel)!;
    const guest = (inv.recipient as { team?: string }).team ?? null;
    inv.state = 'accepted';
    if (inv.recipient.user) c.members.add(inv.recipient.user);
    if (guest) c.sharedWith.add(guest);
    return {
      type: 'shared_channel_invite_accepted', approval_required: false,
      invite: { id, inviting_team: { id: inv.team }, recipient_email: inv.recipient.email, recipient_user_id: inv.recipient.user },
      channel: { id: c.id, is_private: true, is_im: false, name: c.name },
      teams_in_channel: [{ id: inv.team }, ...(guest ? [{ id: guest }] : [])],
      accepting_user: { id: inv.recipient.user ?? 'U0UNKNOWN1', team_id: guest },
      event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
    };
  }

  /** The invitee (or their administrator) declines: the shared_channel_invite_declined event for the inviting app. */
  declineInvite(id: string): Record<string, unknown> {
    const inv = this.invites.find((i) => i.id === id)!;
    const c = this.channels.get(inv.channel)!;
    const guest = (inv.recipient as { team?: string }).team ?? null;
    inv.state = 'declined';
    return {
      type: 'shared_channel_invite_declined',
      invite: { id, inviting_team: { id: inv.team }, recipient_email: inv.recipient.email },
      channel: { id: c.id, is_private: true, is_im: false, name: c.name },
      declining_team_id: guest, teams_in_channel: [{ id: inv.team }],
      declining_user: { id: inv.recipient.user ?? 'U0UNKNOWN1', team_id: guest },
      event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    };
  }

  /** The case channels made in a workspace (by its token), by name. */
  channelsIn(team: string): { id: string; name: string; members: string[] }[] {
    return [...this.channels.values()].filter((c) => c.team === team).map((c) => ({ id: c.id, name: c.name, members: [...c.members].sort() }));
  }

  private answer(method: string, a: Record<string, unknown>, team: string | null = 'T1'): Record<string, unknown> {
    const ts = () => `1700000000.${String(++this.seq).padStart(6, '0')}`;
    switch (method) {
      case 'auth.revoke': {
        const token = [...this.teams.entries()].find(([, t]) => t.team === team)?.[0];
        if (token) { this.teams.delete(token); this.revoked.push(token); }
        return { ok: true, revoked: true };
      }
      case 'auth.test': return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: team ?? 'T1', user: 's117' };
      case 'conversations.create': {
        const name = String(a.name);
        // Channel names are unique within a workspace; another workspace may have one of the same name.
        if ([...this.channels.values()].some((c) => c.name === name && c.team === team)) return { ok: false, error: 'name_taken' };
        const id = `C${String(++this.seq).padStart(8, '0')}`;
        this.channels.set(id, { id, name, purpose: '', members: new Set(['UBOT']), team, sharedWith: new Set() });
        return { ok: true, channel: { id, name, is_private: a.is_private === true || a.is_private === 'true' } };
      }
      case 'conversations.setPurpose': {
        const c = this.channels.get(String(a.channel));
        if (c) c.purpose = String(a.purpose);
        return { ok: true };
      }
      case 'conversations.list':
        return { ok: true, channels: [...this.channels.values()].filter((c) => c.team === team).map((c) => ({ id: c.id, name: c.name, purpose: { value: c.purpose } })), response_metadata: { next_cursor: '' } };
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
      case 'conversations.history': {
        // Newest first, a page at a time like Slack (default 100); `oldest` is ignored (the fake's ts are not times).
        const all = this.messages.filter((m) => m.channel === a.channel).reverse();
        const from = Number(a.cursor ?? 0);
        const limit = Number(a.limit ?? 100);
        const page = all.slice(from, from + limit);
        const more = from + limit < all.length;
        return { ok: true, has_more: more, messages: page.map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })), response_metadata: { next_cursor: more ? String(from + limit) : '' } };
      }
      case 'conversations.join': {
        const c = this.channels.get(String(a.channel));
        if (!c) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { id: c.id } };
      }
      case 'chat.postMessage': {
        if (blocksProblem(a.blocks)) return refused('invalid_blocks', blocksProblem(a.blocks)!);
        const m = { channel: String(a.channel), ts: ts(), text: String(a.text ?? ''), metadata: a.metadata };
        this.messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.update':
        if (blocksProblem(a.blocks)) return refused('invalid_blocks', blocksProblem(a.blocks)!);
        return { ok: true, channel: a.channel, ts: a.ts };
      case 'chat.postEphemeral': return { ok: true, message_ts: ts() };
      case 'pins.add': return { ok: true };
      case 'views.open': case 'views.push': case 'views.publish': case 'views.update': {
        // Slack refuses a view outside Block Kit's limits (a title over 24 characters, a select with no options).
        const problem = viewProblem(a.view);
        if (problem) return refused('invalid_arguments', problem);
        return { ok: true, view: { id: `V${++this.seq}` } };
      }
      case 'conversations.inviteShared': return this.inviteShared(a, team);
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

  /** Messages Slack holds (posted, including by calls answered with a failure after they were applied). */
  posted(): { channel: string; ts: string; text: string; metadata?: unknown }[] { return [...this.messages]; }
  /** Adds messages to a channel's history directly (a busy DM). */
  seed(channel: string, n: number): void {
    for (let i = 0; i < n; i++) this.messages.push({ channel, ts: `1700000000.${String(++this.seq).padStart(6, '0')}`, text: `chatter ${i}` });
  }
  channelNames(): string[] { return [...this.channels.values()].map((c) => c.name); }
  /** Who is in a channel now (the bot included), as invitations and kicks left it. */
  members(channel: string): string[] { return [...(this.channels.get(channel)?.members ?? [])].sort(); }
  methods(): string[] { return this.calls.map((c) => c.method); }
  of(method: string): ApiCall[] { return this.calls.filter((c) => c.method === method); }
  clear(): void { this.calls.length = 0; this.responses.length = 0; }

}
