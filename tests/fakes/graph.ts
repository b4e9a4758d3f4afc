import http from 'node:http';
import { LoopbackServer } from './loopback.ts';
import type { FakeMicrosoftLogin } from './microsoft-login.ts';

export interface FakeChat { id: string; topic: string; members: Map<string, string>; apps: Set<string>; tenant?: string; roles?: Map<string, string> }
/** An Entra user in one tenant: a member of it, or a guest invited into it. */
export interface FakeUser { tenant: string; userType: 'Member' | 'Guest' }

/**
 * A fake Microsoft sign-in (client credentials) and the parts of Graph the bot
 * uses on loopback: team channels, and group chats with their members and
 * installed apps. Failures can be injected the way Graph answers them
 * (429 with Retry-After, 5xx, 403 for a permission never consented, and a
 * reply lost after the work was done).
 */
export class FakeGraph extends LoopbackServer {
  readonly calls: { method: string; path: string; auth: string | null; body: Record<string, unknown> }[] = [];
  readonly channels = new Map<string, string>();
  readonly chats = new Map<string, FakeChat>();
  /** The organisation's app catalogue: manifest (external) id → catalogue id. */
  readonly catalog = new Map<string, string>();
  /** Entra users Graph knows; empty means everyone. */
  readonly users = new Set<string>();
  /**
   * With a sign-in set, Graph is strict per tenant, as the real one is: a
   * token from that sign-in for Graph is needed, it acts only in its own
   * tenant (its chats and its users, `entra`), and a chat member's role must
   * match their user type (a guest is added as `guest`, never `owner`).
   */
  login: FakeMicrosoftLogin | null = null;
  readonly entra = new Map<string, FakeUser>();
  /** Requests whose path matches get 403, as when admin consent is missing. */
  deny: RegExp | null = null;
  retryAfter = 7;
  /** The fewest members a new group chat may have (tenants differ in what they accept). */
  minMembers = 1;
  private failures: { status: number; match: RegExp; afterWork: boolean }[] = [];
  private seq = 0;

  /** The next request matching `match` fails with `status`; `afterWork` does the work first and then loses the reply. */
  failNext(status: number, match = /./, opts: { times?: number; afterWork?: boolean } = {}): void {
    for (let i = 0; i < (opts.times ?? 1); i++) this.failures.push({ status, match, afterWork: opts.afterWork ?? false });
  }

  clearFailures(): void { this.failures.length = 0; }
  chatMembers(chatId: string): string[] { return [...(this.chats.get(chatId)?.members.values() ?? [])].sort(); }
  chatsTitled(topic: string): FakeChat[] { return [...this.chats.values()].filter((c) => c.topic === topic); }

  /** A chat someone else made, outside the bot. */
  addChat(topic: string, members: string[]): FakeChat {
    const chat = { id: `19:other${++this.seq}@thread.v2`, topic, members: new Map(members.map((m) => [`m-${++this.seq}`, m])), apps: new Set<string>() };
    this.chats.set(chat.id, chat);
    return chat;
  }

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = req.url ?? '';
    const [path = '', query = ''] = url.split('?');
    const method = req.method ?? '';
    const body = raw.startsWith('{') ? JSON.parse(raw) as Record<string, unknown> : Object.fromEntries(new URLSearchParams(raw));
    this.calls.push({ method, path: url, auth: req.headers.authorization ?? null, body });
    const json = (status: number, b?: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 || status === 503 ? { 'retry-after': String(this.retryAfter) } : {}) });
      res.end(b === undefined ? '' : JSON.stringify(b));
    };
    let tenant: string | null = null;
    if (this.login) {
      const who = this.login.whoseToken(req.headers.authorization);
      if (!who || who.audience !== 'https://graph.microsoft.com') return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } });
      tenant = who.tenantId;
    } else if (/\/oauth2\/v2\.0\/token$/.test(path)) {
      if (body.client_secret !== 'right-secret') return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token-1' });
    }
    if (!this.login && req.headers.authorization !== 'Bearer graph-token-1') return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    if (this.deny?.test(`${method} ${path}`)) return json(403, { error: { code: 'Forbidden', message: 'Missing role permissions on the request.' } });
    const i = this.failures.findIndex((f) => f.match.test(`${method} ${path}`));
    const fail = i >= 0 ? this.failures.splice(i, 1)[0]! : null;
    const error = (status: number) => json(status, { error: { code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: `injected ${status}` } });
    if (fail && !fail.afterWork) return error(fail.status);
    const [status, answer] = this.route(method, decodeURIComponent(path), decodeURIComponent(query), body, tenant);
    if (fail) return error(fail.status);
    json(status, answer);
  }

  /** In a strict tenant: whether Graph knows this user there, and whether `role` suits them. */
  private memberProblem(tenant: string | null, user: string, role: unknown): [number, unknown] | null {
    if (tenant === null) return null;
    const u = this.entra.get(user);
    if (!u || u.tenant !== tenant) return [404, { error: { code: 'NotFound', message: `User '${user}' not found in the tenant.` } }];
    const want = u.userType === 'Guest' ? 'guest' : 'owner';
    if (JSON.stringify(role) !== JSON.stringify([want])) {
      return [400, { error: { code: 'BadRequest', message: u.userType === 'Guest' ? 'Guest users must be added with the guest role.' : `Role ${JSON.stringify(role)} is not valid for a member of the tenant.` } }];
    }
    return null;
  }

  private route(method: string, path: string, query: string, body: Record<string, unknown>, tenant: string | null = null): [number, unknown?] {
    const userId = (bind: unknown) => /users\('([^']+)'\)$/.exec(String(bind))?.[1] ?? '';
    let u = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
    if (u && method === 'GET' && tenant !== null) {
      const user = this.entra.get(u[1]!);
      if (!user || user.tenant !== tenant) return [404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${u[1]}' does not exist.` } }];
      return [200, { id: u[1], userType: user.userType }];
    }
    u = null;
    let m = /^\/v1\.0\/teams\/([^/]+)\/channels$/.exec(path);
    if (m && method === 'POST') {
      const name = String(body.displayName);
      if (this.channels.has(name)) return [400, { error: { code: 'NameAlreadyExists', message: 'Channel name already existed, please use other name.' } }];
      const id = `19:${name}@thread.tacv2`;
      this.channels.set(name, id);
      return [201, { id, displayName: name, membershipType: body.membershipType }];
    }
    if (path === '/v1.0/chats' && method === 'POST') {
      const members = (body.members as Record<string, unknown>[] | undefined) ?? [];
      if (body.chatType !== 'group' || members.length < Math.max(1, this.minMembers)) return [400, { error: { code: 'BadRequest', message: 'A group chat needs chatType group and members.' } }];
      const ids = members.map((x) => userId(x['user@odata.bind']));
      if (ids.some((u) => !u || (this.users.size && !this.users.has(u)))) return [404, { error: { code: 'NotFound', message: 'User not found.' } }];
      for (const x of members) {
        const wrong = this.memberProblem(tenant, userId(x['user@odata.bind']), x.roles);
        if (wrong) return wrong;
      }
      const memberIds = ids.map((u) => [`m-${++this.seq}`, u] as [string, string]);
      const chat: FakeChat = {
        id: `19:chat${++this.seq}@thread.v2`, topic: String(body.topic ?? ''), members: new Map(memberIds), apps: new Set(),
        ...(tenant !== null ? { tenant } : {}), roles: new Map(memberIds.map(([m], i) => [m, String((members[i]!.roles as string[] | undefined)?.[0])])),
      };
      this.chats.set(chat.id, chat);
      return [201, { id: chat.id, topic: chat.topic, chatType: 'group', webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${tenant ?? 'tenant-1'}` }];
    }
    m = /^\/v1\.0\/users\/([^/]+)\/chats$/.exec(path);
    if (m && method === 'GET') {
      const topic = /topic eq '((?:[^']|'')*)'/.exec(query)?.[1]?.replace(/''/g, "'");
      const value = [...this.chats.values()].filter((c) => [...c.members.values()].includes(m![1]!) && (topic === undefined || c.topic === topic) && (tenant === null || c.tenant === tenant))
        .map((c) => ({ id: c.id, topic: c.topic, chatType: 'group', webUrl: null }));
      return [200, { value }];
    }
    if (path === '/v1.0/appCatalogs/teamsApps' && method === 'GET') {
      const external = /externalId eq '([^']*)'/.exec(query)?.[1] ?? '';
      const id = this.catalog.get(external);
      return [200, { value: id ? [{ id, externalId: external, displayName: 'S117 disputes' }] : [] }];
    }
    m = /^\/v1\.0\/chats\/([^/]+)\/(installedApps|members)(?:\/([^/]+))?$/.exec(path);
    const found = m ? this.chats.get(m[1]!) : undefined;
    // Another tenant's chat does not exist for this token.
    const chat = found && (tenant === null || found.tenant === tenant) ? found : undefined;
    if (m && !chat) return [404, { error: { code: 'NotFound', message: 'Chat not found.' } }];
    if (chat && m![2] === 'installedApps') {
      if (method === 'GET') return [200, { value: [...chat.apps].map((a) => ({ id: `inst-${a}`, teamsApp: { id: a } })) }];
      const app = /teamsApps\/([^/]+)$/.exec(String(body['teamsApp@odata.bind']))?.[1] ?? '';
      if (![...this.catalog.values()].includes(app)) return [404, { error: { code: 'NotFound', message: 'App not found in catalog.' } }];
      if (chat.apps.has(app)) return [409, { error: { code: 'Conflict', message: 'App is already installed.' } }];
      chat.apps.add(app);
      return [201];
    }
    if (chat && m![2] === 'members') {
      if (method === 'GET') return [200, { value: [...chat.members].map(([id, u]) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', id, userId: u, roles: ['owner'] })) }];
      if (method === 'POST') {
        const u = userId(body['user@odata.bind']);
        if (this.users.size && !this.users.has(u)) return [404, { error: { code: 'NotFound', message: 'User not found.' } }];
        if ([...chat.members.values()].includes(u)) return [409, { error: { code: 'Conflict', message: 'Already a member.' } }];
        const wrong = this.memberProblem(tenant, u, body.roles);
        if (wrong) return wrong;
        const id = `m-${++this.seq}`;
        chat.members.set(id, u);
        chat.roles?.set(id, String((body.roles as string[] | undefined)?.[0]));
        return [201, { id, userId: u }];
      }
      if (method === 'DELETE') return chat.members.delete(m![3] ?? '') ? [204] : [404, { error: { code: 'NotFound', message: 'Member not found.' } }];
    }
    return [404, { error: { code: 'NotFound', message: path } }];
  }
}
