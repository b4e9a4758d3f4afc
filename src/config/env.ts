import fs from 'node:fs';
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { parseDate } from '../domain/date-input.ts';
import { StartupError } from './startup-error.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 17:00');
const isoDates = z.string().transform((s, ctx) => {
  const days = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const d of days) {
    const r = parseDate(`"${d}"`, d);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.error.replace(/^[^:]*: /, '')} (separate several with commas)` });
  }
  return days;
});
const positiveInt = (def: number) => z.coerce.number().int('must be a whole number').positive('must be more than 0').default(def);
const optionalString = z.string().trim().min(1).optional();
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * A URL the bot sends secrets or people to: https, except on this computer (the test fakes, a local sign-in
 * provider). Slack and Teams accept only https endpoints, and a sign-in over http would show the session to the network.
 */
const secureUrl = (example: string) => z.string().url(`must be a URL like ${example}`).refine((u) => {
  if (!URL.canParse(u)) return true; // .url() above has said what is wrong
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, `must start with https:// (http:// only for localhost), like ${example}`);

/** Every environment variable the bot reads (README "Configuration"). */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // This computer only unless asked: the register without sign-in must not be reachable from elsewhere.
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  TRUSTED_PROXY: optionalString,
  SESSION_IDLE_MINUTES: positiveInt(30),
  // A slow or half-sent request cannot hold a connection for long, nor can many of them starve the rest.
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HTTP_MAX_CONNECTIONS: positiveInt(500),
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must start with postgresql://').optional(),
  DATA_DIR: z.string().default('./data'),
  // Where signed history checkpoints and their key live; default: beside DATA_DIR ("data-audit"), never inside it.
  AUDIT_DIR: optionalString,
  DIRECTORY_FILE: z.string().default('./config/directory.yaml'),
  /** Key file that encrypts embedded-database backups (made by "s117 db new-key"); unset: backups are not encrypted. */
  BACKUP_KEY_FILE: optionalString,
  /** Key file that encrypts NHS numbers in the register; default: beside DATA_DIR ("data-keys/identifiers.key"), made on first start. */
  IDENTIFIER_KEY_FILE: optionalString,
  /** Retention periods per record class in whole years after resolution; see docs/retention.md for the classes and why. */
  RETENTION_YEARS: z.string().trim().regex(/^\s*(adult|child)\s*=\s*\d{1,3}\s*(,\s*(adult|child)\s*=\s*\d{1,3}\s*)*$/,
    'must name record classes and years like "adult=20,child=26" (classes: adult, child)').default('adult=20,child=26'),
  TIME_ZONE: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be a time zone name like Europe/London').default('Europe/London'),
  CLOSE_OF_BUSINESS: hhmm.default('17:00'),
  WORKING_HOURS_START: hhmm.default('09:00'),
  WORKING_HOURS_END: hhmm.default('17:00'),
  LOCAL_CLOSURE_DAYS: isoDates.default([]),
  PERSON_STEPS_DUE_WORKING_DAYS: positiveInt(5),
  /** R5.3: working days between repeated alerts while Stage 3 stays overdue. */
  OVERDUE_REPEAT_WORKING_DAYS: positiveInt(5),
  SWEEP_CRON: z.string().refine((c) => cron.validate(c), 'must be a cron expression of five fields like "* * * * *" (every minute)').default('* * * * *'),
  SCHEDULER: z.enum(['on', 'off']).default('on'),
  // Kept so existing configurations still start; retries are bounded by the horizon below.
  OUTBOX_MAX_ATTEMPTS: positiveInt(8),
  OUTBOX_RETRY_HORIZON_HOURS: z.coerce.number().positive('must be more than 0 (hours)').default(72),
  OUTBOX_ALERT_AFTER_HOURS: z.coerce.number().positive('must be more than 0 (hours)').default(4),
  OUTBOX_CONCURRENCY: positiveInt(4),
  PLATFORM_CALL_TIMEOUT_MS: positiveInt(10_000),
  RATE_LIMIT_SCALE: z.coerce.number().positive('must be more than 0 (1 = the platforms\' published limits)').default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: secureUrl('https://s117.example.nhs.uk').optional(),
  OIDC_ISSUER: secureUrl('https://login.microsoftonline.com/<tenant>/v2.0 (the sign-in provider\'s issuer)').optional(),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (a long random string)').optional(),
  REGISTER_THEMES: z.string().default('accommodation,funding split,CHC interface,ordinary residence,workforce training,policy gap,commissioning,communication,assessment quality,person not involved'),
  PRIVACY_FILE: z.string().trim().min(1).refine((f) => fs.existsSync(f), 'file not found: give the path of a text file with the privacy notice').optional(),
  TERMS_FILE: z.string().trim().min(1).refine((f) => fs.existsSync(f), 'file not found: give the path of a text file with the terms of use').optional(),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (a long random string); /metrics and /readyz accept it as "Authorization: Bearer …"').optional(),
  // Read by the Slack and Teams adapters; listed here so a typo stops the start.
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: secureUrl('https://slack.com/api/').optional(),
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  TEAMS_TEAM_ID: optionalString,
  TEAMS_CASE_CHANNEL_ID: optionalString,
  TEAMS_CASE_SPACES: z.enum(['thread', 'channel', 'chat'], { message: 'must be chat (a private group chat per dispute, recommended), thread (a thread per dispute in TEAMS_CASE_CHANNEL_ID) or channel (a channel per dispute, through Microsoft Graph)' }).default('thread'),
  TEAMS_PRIVATE_FALLBACK: z.enum(['none', 'thread'], { message: 'must be none (wait for the Graph consent) or thread (use TEAMS_CASE_CHANNEL_ID until it is granted)' }).default('none'),
  TEAMS_APP_CATALOG_ID: optionalString,
  GRAPH_API_URL: secureUrl('https://graph.microsoft.com/v1.0').default('https://graph.microsoft.com/v1.0'),
  MICROSOFT_LOGIN_URL: secureUrl('https://login.microsoftonline.com').default('https://login.microsoftonline.com'),
  TEAMS_SERVICE_URL: secureUrl('https://smba.trafficmanager.net/uk/').default('https://smba.trafficmanager.net/uk/'),
  // E-mail for people whose organisation works in neither Slack nor Teams.
  SMTP_URL: z.string().trim().regex(/^smtps?:\/\/[^/\s]+/, 'must be the mail relay as smtp://user:password@relay.example:587 (or smtps:// for port 465)').optional(),
  MAIL_FROM: z.string().trim().email('must be the address e-mails come from, like s117-noreply@anytown.nhs.uk').optional(),
  MAIL_PER_MINUTE: positiveInt(60),
});

export type Env = z.infer<typeof envSchema>;

/** Settings that only make sense together. */
function crossCheck(env: Env): string[] {
  const problems: string[] = [];
  if (env.OIDC_ISSUER) {
    if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: is needed with OIDC_ISSUER');
    if (!env.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET: is needed with OIDC_ISSUER');
    if (!env.SESSION_SECRET) problems.push('SESSION_SECRET: is needed with OIDC_ISSUER (a random string of 32 characters or more, to sign session cookies)');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: is needed with OIDC_ISSUER (the sign-in provider sends people back to PUBLIC_URL/register/callback)');
  }
  if (env.SMTP_URL && !env.MAIL_FROM) problems.push('MAIL_FROM: is needed with SMTP_URL (the address e-mails come from)');
  if (env.MAIL_FROM && !env.SMTP_URL) problems.push('SMTP_URL: is needed with MAIL_FROM (the mail relay, like smtp://user:password@relay.example:587)');
  // Half a Teams set-up fails inside botbuilder with an assertion; say which setting is missing instead.
  const type = env.MICROSOFT_APP_TYPE ?? 'SingleTenant';
  if (env.MICROSOFT_APP_ID) {
    const missing = [
      type !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD ? 'MICROSOFT_APP_PASSWORD (the client secret of the bot\'s app registration)' : null,
      type !== 'MultiTenant' && !env.MICROSOFT_APP_TENANT_ID ? `MICROSOFT_APP_TENANT_ID (your Microsoft Entra tenant id; a ${type} bot needs it)` : null,
    ].filter(Boolean);
    if (missing.length) problems.push(`${missing.join(' and ')}: ${missing.length > 1 ? 'are' : 'is'} needed with MICROSOFT_APP_ID; set ${missing.length > 1 ? 'them' : 'it'}, or unset MICROSOFT_APP_ID to run without Teams`);
  } else if (env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TYPE) {
    problems.push(`MICROSOFT_APP_ID: is needed with ${env.MICROSOFT_APP_PASSWORD ? 'MICROSOFT_APP_PASSWORD' : 'MICROSOFT_APP_TYPE'} (the bot's app id from its Azure Bot resource), or leave both unset to run without Teams`);
  }
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    problems.push(`SLACK_BOT_TOKEN: is needed with ${env.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} (the xoxb- token from the Slack app's OAuth page), or leave both unset to run without Slack`);
  }
  return problems;
}

/** A setting that is wrong or missing: one line per setting, `NAME: what is wrong and what to do`. */
export class ConfigError extends StartupError {
  constructor(message: string) {
    super(message, 78);
    this.name = 'ConfigError';
  }
}

/** Parses once at start-up; a bad value stops the start naming the variable and what is wrong. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  const lines = r.success ? crossCheck(r.data) : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!r.success || lines.length) throw new ConfigError(lines.join('\n'));
  return r.data;
}
