import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebClient } from '@slack/web-api';
import type { InstallationStore } from '../../app/platform.ts';
import type { Logger } from '../../app/ports.ts';
import type { Directory } from '../../domain/types.ts';
import { BOT_SCOPES } from './scopes.ts';

export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';
/** How long an install started at /slack/install may take to come back (Slack's codes live 10 minutes too). */
const STATE_TTL_MS = 10 * 60_000;
const COOKIE = 's117_slack_install';

export interface InstallFlowDeps {
  clientId: string;
  clientSecret: string;
  /** PUBLIC_URL without its trailing slash: where Slack sends the installer back. */
  publicUrl: string;
  /** Slack's authorize page (https://slack.com/oauth/v2/authorize, or GovSlack's or a test server's). */
  authorizeUrl: string;
  /** A Web API client without a token: oauth.v2.access, auth.test and auth.revoke with the new token. */
  client: WebClient;
  store: () => InstallationStore | null;
  directory: () => Directory;
  /** Whether SLACK_WORKSPACES_FILE lists this workspace (installing it here too would give it two tokens). */
  configured: (teamId: string) => boolean;
  /** The installation is kept: the bot serves the workspace from now on. */
  installed: (teamId: string) => Promise<void>;
  now: () => Date;
  logger: Logger;
}

const hash = (state: string) => crypto.createHash('sha256').update(state).digest('hex');
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer', ...headers,
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Section 117 disputes</title>
<style>body{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#212b32}
a.button{display:inline-block;background:#007f3b;color:#fff;padding:.6rem 1.2rem;text-decoration:none;font-weight:bold;border-radius:4px}
code{background:#f0f4f5;padding:.1rem .3rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const sameSecret = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The organisations whose homes name this Slack workspace. */
function homeOf(dir: Directory, teamId: string): { id: string; name: string }[] {
  return dir.organisations.filter((o) => (o.homes ?? []).some((h) => h.platform === 'slack' && h.space === teamId))
    .map((o) => ({ id: o.id, name: o.name }));
}

/**
 * Slack's OAuth v2 install flow (api.slack.com/authentication/oauth-v2), the
 * steps @slack/oauth's InstallProvider takes, with the installation kept in
 * the register: /slack/install gives an "Add to Slack" page whose link
 * carries a one-time state (kept as a hash until used, 10 minutes at most,
 * and bound to this browser by a cookie); /slack/oauth_redirect takes the
 * state once, exchanges the code with oauth.v2.access, and keeps the bot
 * token (encrypted) only for a workspace the directory names as an
 * organisation's home. Anything else gets a page saying what to do.
 */
export class InstallFlow {
  constructor(private readonly deps: InstallFlowDeps) {}

  private get redirectUri(): string { return `${this.deps.publicUrl}${SLACK_OAUTH_REDIRECT_PATH}`; }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === SLACK_INSTALL_PATH) return await this.start(res);
      return await this.finish(req, res, url.searchParams);
    } catch (e) {
      this.deps.logger.error({ err: { name: (e as Error).name, message: (e as Error).message } }, 'the Slack install flow failed');
      return page(res, 500, 'Slack was not installed', '<p>Something went wrong on our side. Nothing was installed; '
        + 'try again in a few minutes. '
        + 'If it keeps happening, the bot\'s log says why.</p>');
    }
  };

  private async start(res: ServerResponse): Promise<void> {
    const store = this.deps.store();
    if (!store) return page(res, 503, 'Not ready yet', '<p>The bot is still starting. Try again in a minute.</p>');
    const state = crypto.randomBytes(32).toString('base64url');
    const now = this.deps.now();
    if (!(await store.putState('slack', hash(state), new Date(now.getTime() + STATE_TTL_MS), now))) {
      const wait = '<p>Too many installs were started in the last ten minutes. Try again later.</p>';
      return page(res, 429, 'Too many installs under way', wait, { 'retry-after': '600' });
    }
    const link = new URL(this.deps.authorizeUrl);
    link.searchParams.set('client_id', this.deps.clientId);
    link.searchParams.set('scope', BOT_SCOPES.join(','));
    link.searchParams.set('redirect_uri', this.redirectUri);
    link.searchParams.set('state', state);
    const secure = this.deps.publicUrl.startsWith('https:') ? '; Secure' : '';
    // Bound to this browser: a link someone else started cannot be finished here (nor ours in theirs).
    const cookie = `${COOKIE}=${state}; Path=/slack/; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}${secure}`;
    return page(res, 200, 'Add Section 117 disputes to Slack', `<p>This installs the Section 117 dispute bot in your Slack workspace, with
the permissions its manifest lists (${BOT_SCOPES.map((s) => `<code>${s}</code>`).join(', ')}).
A workspace administrator may need to approve it.</p>
<p>The workspace must be named as your organisation's home in the bot's directory; otherwise you will be told which line to add.</p>
<p><a class="button" href="${escapeHtml(link.toString())}">Add to Slack</a></p>
<p>The link works once, in this browser, for ten minutes.</p>`, { 'set-cookie': cookie });
  }

  private async finish(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
    const again = `<p><a href="${SLACK_INSTALL_PATH}">Start again</a>.</p>`;
    const state = q.get('state') ?? '';
    const cookie = cookieOf(req, COOKIE) ?? '';
    const clear = { 'set-cookie': `${COOKIE}=; Path=/slack/; HttpOnly; SameSite=Lax; Max-Age=0` };
    const store = this.deps.store();
    if (!store) return page(res, 503, 'Not ready yet', `<p>The bot is still starting.</p>${again}`);
    // Taken once, whatever follows: a state seen here is never good again.
    const taken = state && cookie && sameSecret(state, cookie) ? await store.takeState('slack', hash(state), this.deps.now()) : false;
    if (!taken) {
      this.deps.logger.warn({}, 'a Slack install came back with a state that is unknown, used, expired or not this browser\'s; refused');
      return page(res, 400, 'This install link has expired', '<p>It was already used, is more than ten minutes old, '
        + 'or was started in another '
        + `browser. Nothing was installed.</p>${again}`, clear);
    }
    const denied = q.get('error');
    if (denied) {
      return page(res, 400, 'Slack was not installed', `<p>Slack said <code>${escapeHtml(denied)}</code>: `
        + 'the installation was cancelled or '
        + `not approved. Nothing was installed.</p>${again}`, clear);
    }
    const code = q.get('code');
    if (!code) return page(res, 400, 'Slack was not installed', `<p>Slack sent no code back. Nothing was installed.</p>${again}`, clear);
    let access: Record<string, unknown>;
    try {
      access = await this.deps.client.oauth.v2.access({
        client_id: this.deps.clientId, client_secret: this.deps.clientSecret, code, redirect_uri: this.redirectUri,
      }) as unknown as Record<string, unknown>;
    } catch (e) {
      const said = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
      this.deps.logger.warn({ slack: said }, 'Slack refused to exchange an install code (oauth.v2.access)');
      const fix = said === 'bad_redirect_uri'
        ? ` Add <code>${escapeHtml(this.redirectUri)}</code> to the app's Redirect URLs (OAuth &amp; Permissions).`
        : said === 'invalid_client_id' || said === 'bad_client_secret' ? ' SLACK_CLIENT_ID or SLACK_CLIENT_SECRET is not this app\'s.' : '';
      const refusal = `<p>Slack refused the installation: <code>${escapeHtml(said)}</code>.${fix}</p>${again}`;
      return page(res, 502, 'Slack was not installed', refusal, clear);
    }
    const team = access.team as { id?: string; name?: string } | undefined;
    const token = typeof access.access_token === 'string' ? access.access_token : '';
    const teamId = team?.id ?? '';
    if (access.is_enterprise_install === true || !teamId || access.token_type !== 'bot' || !token.startsWith('xoxb-')) {
      await this.revoke(token);
      return page(res, 400, 'Slack was not installed', '<p>Only an installation in one workspace, with a bot, can be used '
        + '(not an organisation-wide '
        + `Enterprise Grid installation).</p>${again}`, clear);
    }
    const teamName = team?.name ?? teamId;
    const orgs = homeOf(this.deps.directory(), teamId);
    if (!orgs.length) {
      // Not kept, and given back: an installation nobody's home names would act for nobody.
      await this.revoke(token);
      const refused = 'a Slack workspace the directory names as no organisation\'s home tried to install the app; refused';
      this.deps.logger.warn({ team: teamId }, refused);
      const named = `<strong>${escapeHtml(teamName)}</strong> (<code>${escapeHtml(teamId)}</code>)`;
      return page(res, 403, 'This workspace is not in the directory', `<p>Slack workspace ${named}
is not the home of any organisation in the bot's directory, so nothing was installed.</p>
<p>Ask the bot's administrator to add it to your organisation's line in the directory file, for example
<code>homes: ["slack:${escapeHtml(teamId)}"]</code>, and then install again.</p>${again}`, clear);
    }
    if (this.deps.configured(teamId)) {
      // Not given back: the same app's bot token in the same workspace is the one the file holds.
      return page(res, 409, 'Already installed', `<p>Slack workspace <code>${escapeHtml(teamId)}</code> is listed in `
        + 'SLACK_WORKSPACES_FILE with a token of its own. '
        + 'Remove it there first to install it through this link.</p>', clear);
    }
    const who = await this.deps.client.auth.test({ token });
    if (who.team_id !== teamId) throw new Error(`the token Slack gave for ${teamId} is ${String(who.team_id)}'s`);
    const now = this.deps.now();
    const user = access.authed_user as { id?: string } | undefined;
    await store.save({
      platform: 'slack', space: teamId, name: teamName, secret: token, installedBy: user?.id ?? null, installedAt: now,
      detail: {
        botUserId: String(access.bot_user_id ?? who.user_id ?? ''), botId: who.bot_id ? String(who.bot_id) : null,
        appId: access.app_id ? String(access.app_id) : null, scopes: access.scope ? String(access.scope) : null,
      },
    }, now);
    this.deps.logger.info({ team: teamId, organisations: orgs.map((o) => o.id) }, 'the Slack app was installed in a workspace');
    await this.deps.installed(teamId);
    return page(res, 200, 'Installed', `<p>The Section 117 dispute bot is installed in
<strong>${escapeHtml(teamName)}</strong>, the Slack home of
${orgs.map((o) => escapeHtml(o.name)).join(', ')}. People there can use <code>/s117</code> now.</p>`, clear);
  }

  /** Gives back a token we will not keep (best effort: Slack uninstalls the app when its last token is revoked). */
  private async revoke(token: string): Promise<void> {
    if (!token) return;
    try {
      await this.deps.client.auth.revoke({ token });
    } catch (e) {
      this.deps.logger.warn({ err: { message: (e as Error).message } }, 'could not give back a Slack token that was not kept');
    }
  }
}
