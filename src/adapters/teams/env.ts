import { z } from 'zod';
import { type Env, optionalString, secureUrl } from '../../config/env.ts';

/** Teams' variables (README "Configuration"): composed into the bot's schema, so a typo stops the start. */
export const teamsEnvSchema = z.object({
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  // A single-tenant bot's certificate instead of MICROSOFT_APP_PASSWORD (connections.ts, certificate.ts).
  MICROSOFT_APP_CERTIFICATE_FILE: optionalString,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'must be SingleTenant (the default), MultiTenant or UserAssignedMSI, as the bot\'s Azure Bot resource says' }).optional(),
  TEAMS_TEAM_ID: optionalString,
  TEAMS_CASE_CHANNEL_ID: optionalString,
  TEAMS_CASE_SPACES: z.enum(['thread', 'channel', 'chat'], { message: 'must be chat (a private group chat per dispute, recommended), thread (a thread per dispute in TEAMS_CASE_CHANNEL_ID) or channel (a channel per dispute, through Microsoft Graph)' }).default('thread'),
  TEAMS_PRIVATE_FALLBACK: z.enum(['none', 'thread'], { message: 'must be none (wait for the Graph consent) or thread (use TEAMS_CASE_CHANNEL_ID until it is granted)' }).default('none'),
  TEAMS_APP_CATALOG_ID: optionalString,
  GRAPH_API_URL: secureUrl('https://graph.microsoft.com/v1.0').default('https://graph.microsoft.com/v1.0'),
  MICROSOFT_LOGIN_URL: secureUrl('https://login.microsoftonline.com').default('https://login.microsoftonline.com'),
  TEAMS_SERVICE_URL: secureUrl('https://smba.trafficmanager.net/uk/').default('https://smba.trafficmanager.net/uk/'),
  // One connection per tenant (see connections.ts); MICROSOFT_APP_* is the shorthand for a file of one.
  TEAMS_CONNECTIONS_FILE: optionalString,
  TEAMS_OPENID_METADATA_URL: secureUrl('https://login.botframework.com/v1/.well-known/openidconfiguration')
    .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
});

export type TeamsEnv = Env & z.infer<typeof teamsEnvSchema>;

/** Half a Teams set-up fails inside botbuilder with an assertion; say which setting is missing instead. */
export function teamsCrossCheck(env: TeamsEnv): string[] {
  if (env.TEAMS_CONNECTIONS_FILE && (env.MICROSOFT_APP_ID || env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_CERTIFICATE_FILE)) {
    return ['TEAMS_CONNECTIONS_FILE: set either it or MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, not both (put that connection in the file as its first entry)'];
  }
  const type = env.MICROSOFT_APP_TYPE ?? 'SingleTenant';
  if (env.MICROSOFT_APP_CERTIFICATE_FILE) {
    if (env.MICROSOFT_APP_PASSWORD) {
      return ['MICROSOFT_APP_CERTIFICATE_FILE: set either it or MICROSOFT_APP_PASSWORD, not both (the bot signs in with one credential)'];
    }
    // The SDK's own sign-in serves managed identities and multi-tenant bots; ours, which signs the assertion, is per tenant.
    if (type !== 'SingleTenant' || !env.MICROSOFT_APP_ID) {
      return [`MICROSOFT_APP_CERTIFICATE_FILE: works for a SingleTenant bot with MICROSOFT_APP_ID and MICROSOFT_APP_TENANT_ID${type !== 'SingleTenant' ? ` (MICROSOFT_APP_TYPE is ${type})` : ''}; `
        + 'set them, or unset it'];
    }
  }
  if (env.MICROSOFT_APP_ID) {
    const missing = [
      type !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD && !env.MICROSOFT_APP_CERTIFICATE_FILE
        ? 'MICROSOFT_APP_PASSWORD (the client secret of the bot\'s app registration, or MICROSOFT_APP_CERTIFICATE_FILE for a certificate)' : null,
      type !== 'MultiTenant' && !env.MICROSOFT_APP_TENANT_ID ? `MICROSOFT_APP_TENANT_ID (your Microsoft Entra tenant id; a ${type} bot needs it)` : null,
    ].filter(Boolean);
    if (missing.length) return [`${missing.join(' and ')}: ${missing.length > 1 ? 'are' : 'is'} needed with MICROSOFT_APP_ID; set ${missing.length > 1 ? 'them' : 'it'}, or unset MICROSOFT_APP_ID to run without Teams`];
  } else if (env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TYPE
    || (env.MICROSOFT_APP_TENANT_ID && !env.TEAMS_CONNECTIONS_FILE && !env.TEAMS_CASE_CHANNEL_ID)) {
    // The tenant alone used to start without Teams and say nothing: half a set-up is refused, whichever half. With a
    // case channel and no app id it is an Emulator trial (the tenant names the trial's tenant), which runs unverified.
    const given = env.MICROSOFT_APP_PASSWORD ? 'MICROSOFT_APP_PASSWORD' : env.MICROSOFT_APP_TYPE ? 'MICROSOFT_APP_TYPE' : 'MICROSOFT_APP_TENANT_ID';
    return [`MICROSOFT_APP_ID: is needed with ${given} (the bot's app id from its Azure Bot resource), or leave both unset to run without Teams`];
  }
  return [];
}
