import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../app/ports.ts';
import type { InboundContext } from '../app/platform.ts';
import type { Env } from '../config/env.ts';
import { unsignedSurfaceBlocked, localOnlyRefusal } from './exposure.ts';
import type { LocalAccess } from './local-access.ts';
import { readLimited } from './body.ts';
import { json } from './server.ts';

/** What every platform's handler gets from the server: nothing that names a platform. */
export function inboundContext(env: Env, local: LocalAccess, logger: Logger): InboundContext<IncomingMessage, ServerResponse> {
  return {
    logger,
    readBody: (req) => readLimited(req),
    reply: json,
    unsignedRefusal(req, what, fix) {
      const refused = localOnlyRefusal(req, env, what, fix);
      if (refused) return refused;
      if (local.matches(local.fromQuery(req))) return null;
      return { status: 401, message: `${what} needs the address printed when the bot started (…?token=…). ${fix}` };
    },
  };
}

/** Says at start-up which surfaces without sign-in are switched off, and why. */
export function warnExposure(env: Env, logger: Logger, unverifiedEndpoints: readonly string[]): void {
  const blocked = unsignedSurfaceBlocked(env);
  if (!blocked) return;
  if (!env.OIDC_ISSUER) logger.warn({ reason: blocked }, 'the register is switched off: no sign-in is configured (OIDC_ISSUER) and it would be reachable from other computers');
  for (const what of unverifiedEndpoints) logger.warn({ reason: blocked }, `${what} is switched off: its requests cannot be verified`);
}
