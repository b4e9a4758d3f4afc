import type { Logger } from '../app/ports.ts';
import type { Env } from '../config/env.ts';
import { unsignedSurfaceBlocked, localOnlyRefusal } from './exposure.ts';
import { json, type Handler } from './server.ts';

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
  if (!env.OIDC_ISSUER) logger.warn({ reason: blocked }, 'the register is switched off: no sign-in is configured (OIDC_ISSUER) and it would be reachable from other computers');
  if (!env.MICROSOFT_APP_ID) logger.warn({ reason: blocked }, 'the Teams endpoint is switched off: without MICROSOFT_APP_ID its requests cannot be verified');
}
