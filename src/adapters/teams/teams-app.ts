import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { DisputeService } from '../../app/dispute-service.ts';
import { errorInfo } from '../../app/dispute-service.ts';
import type { Logger } from '../../app/ports.ts';
import type { TeamsEnv as Env } from './env.ts';
import type { Directory } from '../../domain/types.ts';
import { S117TeamsBot } from './bot.ts';
import { type DisputeMembers, TeamsChatPort } from './chat-port.ts';
import { caseSpaceSettings } from './case-spaces.ts';
import { connectorHttp } from './connector-http.ts';
import { BOT_CONNECTOR_AUDIENCE, checkConnections, claimedAudience, ConnectionLogin, connectionsCredentials } from './connection-auth.ts';
import { type ConnectionSettings, homeKeyFor, loadConnections, type TeamsConnection } from './connections.ts';
import { expiresSoon } from './certificate.ts';

/** Where the Bot Framework publishes the keys that sign what the Bot Connector sends bots. */
export const BOT_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
/** The Teams variables beyond the single connection's. */
type TeamsEnv = Env & ConnectionSettings & { TEAMS_OPENID_METADATA_URL?: string | undefined };

/**
 * Bot Framework's own endpoints, all given: the SDK takes either all of them
 * or none. The OpenID metadata may point elsewhere (a national cloud, tests).
 */
function channelAuthOptions(env: TeamsEnv): Record<string, string | boolean> {
  return {
    ToChannelFromBotLoginUrl: `${env.MICROSOFT_LOGIN_URL.replace(/\/$/, '')}/botframework.com`,
    ToChannelFromBotOAuthScope: BOT_CONNECTOR_AUDIENCE,
    ToBotFromChannelTokenIssuer: BOT_CONNECTOR_AUDIENCE,
    OAuthUrl: BOT_CONNECTOR_AUDIENCE,
    ToBotFromChannelOpenIdMetadataUrl: env.TEAMS_OPENID_METADATA_URL ?? BOT_OPENID_METADATA_URL,
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

export const TEAMS_MESSAGES_PATH = '/api/messages';
const MAX_BODY = 1_000_000;

export interface TeamsAdapter {
  /** 'authenticated' with an app id (every token verified), 'local' for the Bot Framework Emulator (loopback only). */
  mode: 'authenticated' | 'local';
  /** Present when Teams is configured as a platform (an app id, or a case channel for local trials). */
  port: TeamsChatPort | null;
  /** Every connection's port by its key (`teams` is `port`; `teams:<tenant>` the further connections'). */
  ports: Record<string, TeamsChatPort>;
  connections: readonly TeamsConnection[];
  /** Signs each connection in: a refused secret stops the start (StartupError), naming the connection. */
  check(): Promise<void>;
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
  attach(service: DisputeService, onChange: () => void): void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('request too large')); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The tenant an activity says it comes from, when that is not the configured one (null: accept it). A valid token
 * proves the sender is Microsoft's Bot Connector for our app, not which organisation's people are talking: an app
 * installed elsewhere (or a guest's home tenant) must not reach this partnership's disputes. Both places Teams puts
 * the tenant must agree; with an app id and no tenant configured, nothing is accepted (closed until it is set).
 */
export function tenantRefusal(activity: Record<string, unknown>, configured: string | undefined, authenticated: boolean): string | null {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const conversation = activity.conversation as { tenantId?: unknown } | undefined;
  const given = [channelData?.tenant?.id, conversation?.tenantId].filter((t) => t !== undefined).map(String);
  // The Emulator sends no tenant; with none configured it is only ever a local trial.
  if (!configured) return authenticated ? (given[0] ?? '(none)') : null;
  const want = configured.toLowerCase();
  if (given.length === 0) return '(none)';
  return given.every((t) => t.toLowerCase() === want) ? null : given.find((t) => t.toLowerCase() !== want)!;
}

/** Who raised a dispute and who takes part now, for starting its chat. */
export const disputeMembers = (service: DisputeService): DisputeMembers => async (id) => {
  const d = await service.get({ id });
  return d ? { raisedById: d.raisedById, participants: d.participants.map((p) => p.personId) } : null;
};

/**
 * Microsoft Teams through the Bot Framework SDK (kept inside this folder: the
 * SDK is archived upstream, and a move to its successor must stay local).
 */
export function createTeamsAdapter(env: Env, logger: Logger, directory: () => Directory): TeamsAdapter {
  const log = logger.child({ platform: 'teams' });
  const tenv = env as TeamsEnv;
  const connections = loadConnections(tenv);
  for (const c of connections) {
    const days = c.certificate ? expiresSoon(c.certificate) : null;
    // Expired stops the start (connections.ts); soon is said at every start, while there is time to rotate.
    if (days !== null) {
      log.warn({ connection: c.name, expires: c.certificate!.expires.toISOString(), thumbprint: c.certificate!.thumbprintSha1 },
        `the certificate of Teams connection ${c.name} expires in ${days} day${days === 1 ? '' : 's'}: upload a new one to its app registration and put it in its certificateFile (docs/teams.md, "Certificates")`);
    }
  }
  const authenticated = connections.length > 0;
  const logins = connections.map((c) => new ConnectionLogin(c, env.MICROSOFT_LOGIN_URL, env.PLATFORM_CALL_TIMEOUT_MS));
  const byApp = new Map(connections.map((c) => [c.appId.toLowerCase(), c]));
  // One adapter for every connection: an inbound token is checked against all our app ids, and each reply,
  // proactive message and new conversation is signed as the app of the connection it belongs to.
  // A managed identity or a multi-tenant registration has no secret of ours to sign in with: the SDK's own
  // credentials serve that single connection, as before connections.
  const sdkCredentials = !tenv.TEAMS_CONNECTIONS_FILE && (env.MICROSOFT_APP_TYPE === 'UserAssignedMSI' || env.MICROSOFT_APP_TYPE === 'MultiTenant');
  const http = connectorHttp(env.PLATFORM_CALL_TIMEOUT_MS);
  const auth = !authenticated ? new ConfigurationBotFrameworkAuthentication({}, undefined, undefined, undefined, http)
    : sdkCredentials ? new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: env.MICROSOFT_APP_ID, MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD,
      MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID, MicrosoftAppType: env.MICROSOFT_APP_TYPE,
    }, undefined, undefined, undefined, http)
      : new ConfigurationBotFrameworkAuthentication(channelAuthOptions(tenv), connectionsCredentials(logins), undefined, undefined, http);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // A proactive turn (the outbox posting) has nobody to apologise to, and its caller handles the error.
    if (context.activity.type === 'event' && context.activity.name === 'ContinueConversation') throw error;
    log.error({ err: errorInfo(error), activity: context.activity.type }, 'a Teams turn failed');
    await context.sendActivity('Something went wrong and nothing was recorded. It has been logged; please try again in a minute.').catch(() => undefined);
  };
  const enabled = authenticated || Boolean(env.TEAMS_CASE_CHANNEL_ID);
  const ports: Record<string, TeamsChatPort> = {};
  let port: TeamsChatPort | null = null;
  if (authenticated) {
    for (const [i, c] of connections.entries()) {
      const p: TeamsChatPort = new TeamsChatPort(adapter, { ...caseSpaceSettings(env, c, i === 0), governanceVia: port }, directory, log.child({ connection: c.name }));
      port ??= p;
      ports[c.key] = p;
    }
  } else if (enabled) {
    port = new TeamsChatPort(adapter, caseSpaceSettings(env), directory, log);
    ports[port.platform] = port;
  }
  let bot: S117TeamsBot | null = null;
  return {
    mode: authenticated ? 'authenticated' : 'local',
    port,
    ports,
    connections,
    check: () => checkConnections(sdkCredentials ? [] : logins, (connection, message) => log.warn({ connection, err: { message } }, 'a Teams connection could not sign in at start-up; its messages wait until it can')),
    attach(service, onChange) {
      bot = new S117TeamsBot(service, log, onChange, env.PUBLIC_URL?.replace(/\/$/, '') ?? null, (tenant) => homeKeyFor(connections, tenant));
      for (const p of Object.values(ports)) p.useDisputes(disputeMembers(service), (key, message) => service.tellGovernanceOnce(key, message, 'teams'));
    },
    async handler(req, res) {
      const send = (status: number, body?: unknown) => {
        if (res.headersSent) return;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.method !== 'POST') return send(405, { error: 'POST activities here.' });
      // Without an app id nothing can be verified: only the Emulator on this machine may talk to the bot.
      const remote = req.socket.remoteAddress ?? '';
      if (!authenticated && !['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
        return send(401, { error: 'Teams is not configured (MICROSOFT_APP_ID); only local Emulator requests are accepted.' });
      }
      let body: Record<string, unknown>;
      try {
        // Already read and checked by the HTTP layer's guard when it is there.
        const pre = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
        body = JSON.parse(pre ? pre.toString('utf8') : await readBody(req)) as Record<string, unknown>;
      } catch {
        return send(400, { error: 'The body must be a Bot Framework activity in JSON.' });
      }
      if (!bot) return send(503, { error: 'starting up' });
      let status = 200;
      let out: unknown;
      const response = {
        socket: req.socket,
        status(code: number) { status = code; return response; },
        header(name: string, value: unknown) { res.setHeader(name, String(value)); return response; },
        send(b?: unknown) { out = b; return response; },
        // Sent once process() returns, so its error text can be replaced first.
        end() { return response; },
      };
      const b = bot;
      let ran = false;
      // Set inside the turn; an object, so the compiler does not take it for still null afterwards.
      const tenant: { refused: string | null; connection: string | null } = { refused: null, connection: null };
      let failure: string | null = null;
      try {
        // Checked once the token is (so a forged request still gets 401), and before the bot acts on anything:
        // the activity's tenant must be the tenant of the connection whose app id the token is for.
        await adapter.process({ body, headers: req.headers, method: req.method }, response, async (ctx) => {
          ran = true;
          const identity = ctx.turnState.get<{ getClaimValue(c: string): string | null } | undefined>(ctx.adapter.BotIdentityKey);
          const c = authenticated ? byApp.get((identity?.getClaimValue('aud') ?? '').toLowerCase()) : undefined;
          tenant.connection = c?.name ?? null;
          tenant.refused = tenantRefusal(body, authenticated ? c?.tenantId ?? '(no connection)' : env.MICROSOFT_APP_TENANT_ID, authenticated);
          if (tenant.refused === null) await b.run(ctx);
        });
      } catch (e) {
        failure = (e as Error).message;
        status = 500;
      }
      // botbuilder answers failures with its internal error text: say only what the caller needs, and log one line.
      // A failure before our logic ran is the token being refused (forged, for an app id we have no connection
      // for, or its keys unreachable).
      if (authenticated && !ran && status >= 400) {
        const aud = claimedAudience(req.headers.authorization);
        const known = aud !== null && byApp.has(aud.toLowerCase());
        log.warn({ status, appId: aud, ...(failure ? { err: { message: failure.slice(0, 200) } } : {}) }, known || aud === null
          ? 'a Teams request was refused before it reached the bot (its token could not be verified)'
          : 'a Teams request was refused: its token is for an app id no Teams connection has');
        status = 401;
      } else if (failure) {
        log.warn({ err: { message: failure } }, 'botbuilder could not process a request');
      }
      if (tenant.refused !== null) {
        log.warn({ tenant: tenant.refused.slice(0, 100), connection: tenant.connection }, 'a Teams activity from a tenant this bot is not configured for was refused');
        status = 401;
      }
      if (status === 401 || status === 403) out = { error: 'Unauthorized.' };
      else if (status >= 500) out = { error: 'The activity could not be processed.' };
      send(status, out);
    },
  };
}
