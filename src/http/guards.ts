import type { Logger } from '../app/ports.ts';
import type { Env } from '../config/env.ts';
import { unsignedSurfaceBlocked, localOnlyRefusal } from './exposure.ts';
import type { LocalAccess } from './local-access.ts';
import { json, type Handler } from './server.ts';
import { slackGuard, teamsGuard } from './platform-guard.ts';

export const SLACK_EVENTS_PATH = '/slack/events';
export const TEAMS_MESSAGES_PATH = '/api/messages';

/** Every platform route goes through its checks before the SDK sees the request. */
export function guardPlatformRoute(
  path: string, h: Handler, env: Env, teamsMode: 'authenticated' | 'local', local: LocalAccess, logger?: Logger,
): Handler {
  if (path === SLACK_EVENTS_PATH && env.SLACK_SIGNING_SECRET) {
    return slackGuard(h as (req: Parameters<Handler>[0], res: Parameters<Handler>[1]) => void, env.SLACK_SIGNING_SECRET, {
      onLost: (status) => logger?.error({ status }, 'a Slack request answered at once was then refused by Bolt: what it asked for was not done'),
    });
  }
  if (path === TEAMS_MESSAGES_PATH) {
    const checked = teamsGuard(h, { authenticated: teamsMode === 'authenticated' });
    // Without an app id nothing verifies the Emulator's requests: this computer only, with the start-up token in the
    // endpoint's URL (the Emulator keeps the query string), and said so at start-up.
    if (teamsMode === 'authenticated') return checked;
    const what = 'The Teams endpoint without MICROSOFT_APP_ID';
    const fix = 'Set MICROSOFT_APP_ID to connect Teams.';
    return localOnly((req, res) => {
      if (!local.matches(local.fromQuery(req))) {
        logger?.warn('a Teams Emulator request without the start-up token was refused');
        return json(res, 401, { error: `${what} needs the address printed when the bot started (…/api/messages?token=…). ${fix}` });
      }
      return checked(req, res);
    }, env, what, fix);
  }
  return h;
}

/** Serves `h` to this computer only (see exposure.ts); everyone else gets the reason. */
export function localOnly(h: Handler, env: Env, what: string, fix: string): Handler {
  return (req, res) => {
    const refused = localOnlyRefusal(req, env, what, fix);
    if (refused) return json(res, refused.status, { error: refused.message });
    return h(req, res);
  };
}

/** Says at start-up which surfaces without sign-in are switched off, and why. */
export function warnExposure(env: Env, logger: Logger): void {
  const blocked = unsignedSurfaceBlocked(env);
  if (!blocked) return;
  if (!env.OIDC_ISSUER && !env.OIDC_PROVIDERS_FILE && env.SIGN_IN_LINKS !== 'on') logger.warn({ reason: blocked }, 'the register is switched off: no sign-in is configured (OIDC_ISSUER) and it would be reachable from other computers');
  if (!env.MICROSOFT_APP_ID) logger.warn({ reason: blocked }, 'the Teams endpoint is switched off: without MICROSOFT_APP_ID its requests cannot be verified');
}
