import { ChatDeliveryError } from '../../app/ports.ts';
import { clientAuthentication, type ConnectionCertificate } from './certificate.ts';

export interface GraphSettings {
  apiUrl: string; loginUrl: string; tenantId: string; appId: string; appPassword: string; timeoutMs?: number;
  /** Signs in with this certificate instead of appPassword. */
  certificate?: ConnectionCertificate | undefined;
}

/**
 * Microsoft Graph refused for want of a permission: the tenant's
 * administrator has not consented. Retryable, slowly: once consent is
 * granted the waiting notifications go through.
 */
export class GraphConsentError extends ChatDeliveryError {
  constructor(readonly permission: string, detail: string) {
    super(`Microsoft Graph refused: the bot lacks the ${permission} permission (${detail}). A Microsoft Entra administrator must grant admin consent to it.`, true, 15 * 60_000);
    this.name = 'GraphConsentError';
  }
}

/** Any other refusal, with Graph's status. */
export class GraphError extends ChatDeliveryError {
  constructor(message: string, readonly status: number, retryable: boolean, retryAfterMs: number | null = null) {
    // A 429 is Graph asking us to slow down (it costs no attempt); a 5xx may have been applied.
    super(message, retryable, retryAfterMs, { rateLimited: status === 429, mayHaveApplied: status >= 500 });
    this.name = 'GraphError';
  }
}

export interface GraphChat { id: string; topic: string | null; webUrl: string | null }
/** A chat member's role: Graph adds a guest in the tenant only as `guest`, and everyone else here as `owner` (able to add people). */
export type ChatRole = 'owner' | 'guest';
export interface GraphMember { id: string; userId: string }

interface Reply { status: number; body: Record<string, unknown> & { error?: { code?: string; message?: string } }; headers: Headers }

// Shares a new participant the whole conversation, so they see the stage card
// and what was said before they joined.
const FULL_HISTORY = '0001-01-01T00:00:00Z';

/**
 * The little of Microsoft Graph the bot uses: a channel per dispute in the
 * partnership's team, or a group chat per dispute whose members follow the
 * protocol. App-only token (client credentials), cached until a minute
 * before it expires.
 */
export class GraphClient {
  private token: { value: string; until: number } | null = null;
  private catalogIds = new Map<string, string>();
  private joinAs = new Map<string, ChatRole>();
  constructor(private readonly s: GraphSettings, private readonly now: () => number = Date.now) {}

  private get base(): string { return this.s.apiUrl.replace(/\/$/, ''); }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    const url = `${this.s.loginUrl.replace(/\/$/, '')}/${encodeURIComponent(this.s.tenantId)}/oauth2/v2.0/token`;
    const r = await fetch(url, {
      method: 'POST', signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials', client_id: this.s.appId,
        ...clientAuthentication({ appId: this.s.appId, password: this.s.appPassword, certificate: this.s.certificate }, url, this.now()),
        scope: 'https://graph.microsoft.com/.default',
      }),
    }).catch((e: Error) => { throw new ChatDeliveryError(`Microsoft sign-in could not be reached: ${e.message}`, true); });
    const body = await r.json().catch(() => ({})) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!r.ok || !body.access_token) throw new ChatDeliveryError(`Microsoft sign-in refused the bot's app credentials: ${body.error_description ?? r.status}`, r.status >= 500);
    this.token = { value: body.access_token, until: this.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await fetch(`${this.base}${path}`, {
      method, signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${await this.accessToken()}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).catch((e: Error) => { throw new ChatDeliveryError(`Microsoft Graph could not be reached: ${e.message}`, true, null, { mayHaveApplied: method !== 'GET' }); });
    const text = await r.text().catch(() => '');
    let parsed: Reply['body'] = {};
    try { parsed = text ? JSON.parse(text) as Reply['body'] : {}; } catch { /* an empty or non-JSON body (204, a proxy's error page) */ }
    return { status: r.status, body: parsed, headers: r.headers };
  }

  /** A failed Graph call in the outbox's terms; `permission` names what a 403 means is missing. */
  private failure(r: Reply, what: string, permission: string): ChatDeliveryError {
    const detail = r.body.error?.message ?? r.body.error?.code ?? '';
    if (r.status === 429) {
      const after = Number(r.headers.get('retry-after') ?? 1);
      return new GraphError(`Microsoft Graph rate limit (429) while trying to ${what}`, 429, true, Math.max(1, Number.isFinite(after) ? after : 1) * 1000);
    }
    if (r.status === 403) return new GraphConsentError(permission, `${what}: ${detail}`);
    // Graph's 503s often say when to come back; other refusals are final.
    const wait = Number(r.headers.get('retry-after'));
    return new GraphError(`Microsoft Graph refused to ${what} (${r.status}): ${detail}`, r.status, r.status >= 500, r.status >= 500 && wait > 0 ? wait * 1000 : null);
  }

  /** Creates a standard channel; null when the name is taken (the caller tries another). */
  async createChannel(teamId: string, displayName: string, description: string): Promise<{ id: string } | null> {
    const r = await this.call('POST', `/teams/${encodeURIComponent(teamId)}/channels`, { displayName, description, membershipType: 'standard' });
    if (r.status < 300 && typeof r.body.id === 'string') return { id: r.body.id };
    if (r.status === 400 && /NameAlreadyExists|already exists/i.test(`${r.body.error?.code} ${r.body.error?.message}`)) return null;
    throw this.failure(r, 'create the channel', 'Channel.Create.Group');
  }

  /**
   * The role a user gets in a chat: `guest` for a guest in this tenant
   * (Graph refuses them any other), `owner` for its own people. Read once per
   * user (needs User.Read.All); without that consent, or for a user Graph
   * does not know, `owner`, and Graph's answer to the add says the rest.
   */
  async roleOf(userId: string): Promise<ChatRole> {
    const known = this.joinAs.get(userId);
    if (known) return known;
    const r = await this.call('GET', `/users/${encodeURIComponent(userId)}?$select=id,userType`);
    if (r.status === 403 || r.status === 404 || r.status === 400) return 'owner';
    if (r.status >= 300) throw this.failure(r, 'read whether a member is a guest', 'User.Read.All');
    const role: ChatRole = String(r.body.userType).toLowerCase() === 'guest' ? 'guest' : 'owner';
    this.joinAs.set(userId, role);
    return role;
  }

  /** A group chat with these members (Entra object ids), each able to add people (guests as guests). */
  async createGroupChat(topic: string, memberIds: string[]): Promise<GraphChat> {
    const members = [];
    for (const id of memberIds) {
      members.push({ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: [await this.roleOf(id)], 'user@odata.bind': `${this.base}/users('${id}')` });
    }
    const r = await this.call('POST', '/chats', { chatType: 'group', topic, members });
    if (r.status < 300 && typeof r.body.id === 'string') return { id: r.body.id, topic, webUrl: typeof r.body.webUrl === 'string' ? r.body.webUrl : null };
    throw this.failure(r, 'create the group chat', 'Chat.Create');
  }

  /** A member's group chats with this topic (to find a chat an interrupted attempt created). */
  async chatsOf(userId: string, topic: string): Promise<GraphChat[]> {
    const filter = encodeURIComponent(`topic eq '${topic.replace(/'/g, "''")}'`);
    const r = await this.call('GET', `/users/${encodeURIComponent(userId)}/chats?$filter=${filter}`);
    if (r.status >= 300) throw this.failure(r, 'look for an existing chat', 'Chat.ReadBasic.All');
    const chats = (r.body.value as { id: string; topic?: string | null; webUrl?: string | null; chatType?: string }[] | undefined) ?? [];
    return chats.filter((c) => c.topic === topic && (c.chatType ?? 'group') === 'group').map((c) => ({ id: c.id, topic: c.topic ?? null, webUrl: c.webUrl ?? null }));
  }

  /** The app catalog's own id for the Teams app whose manifest id is `externalId` (cached). */
  async catalogAppId(externalId: string): Promise<string> {
    const known = this.catalogIds.get(externalId);
    if (known) return known;
    const filter = encodeURIComponent(`externalId eq '${externalId.replace(/'/g, "''")}'`);
    const r = await this.call('GET', `/appCatalogs/teamsApps?$filter=${filter}`);
    if (r.status >= 300) throw this.failure(r, 'find the app in the organisation\'s app catalogue', 'AppCatalog.Read.All');
    const id = (r.body.value as { id: string }[] | undefined)?.[0]?.id;
    if (!id) throw new ChatDeliveryError(`The Teams app ${externalId} is not in the organisation's app catalogue: a Teams administrator must upload dist/teams-app.zip (Teams admin centre → Manage apps → Upload)`, false);
    this.catalogIds.set(externalId, id);
    return id;
  }

  /** Installs the app in a chat so the bot can post there; already installed is fine. */
  async installApp(chatId: string, catalogId: string): Promise<void> {
    const r = await this.call('POST', `/chats/${encodeURIComponent(chatId)}/installedApps`, { 'teamsApp@odata.bind': `${this.base}/appCatalogs/teamsApps/${catalogId}` });
    if (r.status < 300 || r.status === 409) return;
    throw this.failure(r, 'install the app in the chat', 'TeamsAppInstallation.ReadWriteSelfForChat.All');
  }

  async appInstalled(chatId: string, catalogId: string): Promise<boolean> {
    const r = await this.call('GET', `/chats/${encodeURIComponent(chatId)}/installedApps?$expand=teamsApp`);
    if (r.status >= 300) throw this.failure(r, 'check the apps in the chat', 'TeamsAppInstallation.ReadWriteSelfForChat.All');
    return ((r.body.value as { teamsApp?: { id?: string } }[] | undefined) ?? []).some((a) => a.teamsApp?.id === catalogId);
  }

  async chatMembers(chatId: string): Promise<GraphMember[]> {
    const r = await this.call('GET', `/chats/${encodeURIComponent(chatId)}/members`);
    if (r.status >= 300) throw this.failure(r, 'list the chat\'s members', 'ChatMember.ReadWrite.All');
    return ((r.body.value as { id: string; userId?: string }[] | undefined) ?? []).filter((m) => m.userId).map((m) => ({ id: m.id, userId: m.userId! }));
  }

  /** Adds a person with the whole history; false when Entra does not know the id. */
  async addChatMember(chatId: string, userId: string): Promise<boolean> {
    const r = await this.call('POST', `/chats/${encodeURIComponent(chatId)}/members`, {
      '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: [await this.roleOf(userId)], visibleHistoryStartDateTime: FULL_HISTORY,
      'user@odata.bind': `${this.base}/users('${userId}')`,
    });
    if (r.status < 300 || r.status === 409) return true;
    if (r.status === 404 || (r.status === 400 && /user|member/i.test(`${r.body.error?.code} ${r.body.error?.message}`))) return false;
    throw this.failure(r, 'add a member to the chat', 'ChatMember.ReadWrite.All');
  }

  /** Removes a membership; one already gone is fine. */
  async removeChatMember(chatId: string, membershipId: string): Promise<void> {
    const r = await this.call('DELETE', `/chats/${encodeURIComponent(chatId)}/members/${encodeURIComponent(membershipId)}`);
    if (r.status < 300 || r.status === 404) return;
    throw this.failure(r, 'remove a member from the chat', 'ChatMember.ReadWrite.All');
  }
}
