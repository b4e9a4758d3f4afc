import fs from 'node:fs';
import net from 'node:net';
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { parseDate } from '../domain/date-input.ts';
import { StartupError } from './startup-error.ts';
import { DEFAULT_DIRECTORY_FILE } from './directory.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 17:00');
const isoDates = z.string().transform((s, ctx) => {
  const days = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const d of days) {
    const r = parseDate(`"${d}"`, d);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.error.replace(/^[^:]*: /, '')} (separate several with commas)` });
  }
  return days;
});
export const positiveInt = (def: number) => z.coerce.number({ error: `must be a whole number, like ${def}` }).int(`must be a whole number, like ${def}`).positive('must be more than 0').default(def);
export const optionalString = z.string().trim().min(1).optional();
const PORT_RANGE = 'must be a port number from 0 to 65535, like 3000';
/** Hours, which may be fractional: zod's own "expected number, received NaN" says nothing of what to write. */
const hours = (def: number) => z.coerce.number({ error: `must be a number of hours, like ${def}` }).positive(`must be more than 0 hours, like ${def}`).default(def);
const HOST_FORM = 'must be an address of this machine like 127.0.0.1 (this computer only) or 0.0.0.0 (all networks), or its name';
/**
 * An IP address, or a name to look up. Something shaped like an IPv4 address that is not one (999.1.1.1) is not
 * looked up as a name: where no DNS answers, that lookup can take minutes before the start fails.
 */
const hostName = (h: string) => net.isIP(h) !== 0 || (!/^[\d.]+$/.test(h) && /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(h));
const isFile = (f: string) => { try { return fs.statSync(f).isFile(); } catch { return false; } };
const THEMES_FORM = 'must list at least one theme, separated by commas, like accommodation,funding split';
const DEFAULT_THEMES = [
  'accommodation', 'funding split', 'CHC interface', 'ordinary residence', 'workforce training', 'policy gap', 'commissioning',
  'communication', 'assessment quality', 'person not involved',
];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * A URL the bot sends secrets or people to: https, except on this computer (the test fakes, a local sign-in
 * provider). Slack and Teams accept only https endpoints, and a sign-in over http would show the session to the network.
 */
export const secureUrl = (example: string) => z.string().url(`must be a URL like ${example}`).refine((u) => {
  if (!URL.canParse(u)) return true; // .url() above has said what is wrong
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, `must start with https:// (http:// only for localhost), like ${example}`);

/**
 * The variables of the bot itself (README "Configuration"). Each platform module adds its own
 * (its env.ts in src/adapters); src/platforms.ts composes them into the schema a start is checked against.
 */
export const coreEnvSchema = z.object({
  PORT: z.coerce.number({ error: PORT_RANGE }).int(PORT_RANGE).min(0, PORT_RANGE).max(65535, PORT_RANGE).default(3000),
  // This computer only unless asked: the register without sign-in must not be reachable from elsewhere.
  HOST: z.string().trim().min(1).refine(hostName, HOST_FORM).default('127.0.0.1'),
  // Compared with each request's peer address: a name ("caddy") or "yes" never matches, so rate limits would key on the
  // proxy for everyone, silently.
  TRUSTED_PROXY: z.string().trim().refine((v) => net.isIP(v) !== 0, 'must be the reverse proxy\'s IP address, like 127.0.0.1 (not a host name)').optional(),
  SESSION_IDLE_MINUTES: positiveInt(30),
  // A slow or half-sent request cannot hold a connection for long, nor can many of them starve the rest.
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HTTP_MAX_CONNECTIONS: positiveInt(500),
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must start with postgresql://').optional(),
  DATA_DIR: z.string().default('./data'),
  // Where signed history checkpoints and their key live; default: beside DATA_DIR ("data-audit"), never inside it.
  AUDIT_DIR: optionalString,
  DIRECTORY_FILE: z.string().default(DEFAULT_DIRECTORY_FILE),
  /** Key file that encrypts embedded-database backups (made by "s117 db new-key"); unset: backups are not encrypted. */
  BACKUP_KEY_FILE: optionalString,
  /** Key file that encrypts NHS numbers in the register; default: beside DATA_DIR ("data-keys/identifiers.key"), made on first start. */
  IDENTIFIER_KEY_FILE: optionalString,
  /** Retention periods per record class in whole years after resolution; see docs/retention.md for the classes and why. */
  RETENTION_YEARS: z.string().trim().regex(/^\s*(adult|child)\s*=\s*\d{1,3}\s*(,\s*(adult|child)\s*=\s*\d{1,3}\s*)*$/,
    'must name record classes and years like "adult=20,child=26" (classes: adult, child)').default('adult=20,child=26'),
  /** How many whole years access-log entries are kept before `s117 retention apply` removes them; docs/access-log.md says why 6. */
  ACCESS_LOG_RETENTION_YEARS: z.string().trim().regex(/^[1-9]\d{0,2}$/, 'must be a whole number of years from 1, like 6').default('6'),
  TIME_ZONE: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be a time zone name like Europe/London').default('Europe/London'),
  CLOSE_OF_BUSINESS: hhmm.default('17:00'),
  WORKING_HOURS_START: hhmm.default('09:00'),
  WORKING_HOURS_END: hhmm.default('17:00'),
  LOCAL_CLOSURE_DAYS: isoDates.default([]),
  PERSON_STEPS_DUE_WORKING_DAYS: positiveInt(5),
  /** Slack Connect: working days an invitation into a shared case channel may go unanswered before its organisation gets its own. */
  SHARED_CHANNEL_ANSWER_WORKING_DAYS: positiveInt(2),
  /** R5.3: working days between repeated alerts while Stage 3 stays overdue. */
  OVERDUE_REPEAT_WORKING_DAYS: positiveInt(5),
  SWEEP_CRON: z.string().refine((c) => cron.validate(c), 'must be a cron expression of five fields like "* * * * *" (every minute)').default('* * * * *'),
  SCHEDULER: z.enum(['on', 'off'], { error: 'must be on (check deadlines) or off (serve requests only, for some replicas)' }).default('on'),
  // Kept so existing configurations still start; retries are bounded by the horizon below.
  OUTBOX_MAX_ATTEMPTS: positiveInt(8),
  OUTBOX_RETRY_HORIZON_HOURS: hours(72),
  OUTBOX_ALERT_AFTER_HOURS: hours(4),
  OUTBOX_CONCURRENCY: positiveInt(4),
  PLATFORM_CALL_TIMEOUT_MS: positiveInt(10_000),
  RATE_LIMIT_SCALE: z.coerce.number({ error: 'must be a number, like 1 (the platforms\' published limits)' }).positive('must be more than 0 (1 = the platforms\' published limits)').default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace or silent' }).default('info'),
  PUBLIC_URL: secureUrl('https://s117.example.nhs.uk').optional(),
  OIDC_ISSUER: secureUrl('https://login.microsoftonline.com/<tenant>/v2.0 (the sign-in provider\'s issuer)').optional(),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  // Several sign-in providers, one per organisation (or group of them): a YAML file listing issuer, client id and the
  // file holding each client secret (src/config/oidc-providers.ts). OIDC_ISSUER, if set too, is one more.
  OIDC_PROVIDERS_FILE: z.string().trim().min(1).refine((f) => fs.existsSync(f), 'file not found: give the path of the YAML file listing the sign-in providers').optional(),
  // E-mailed single-use sign-in links for organisations without a sign-in provider: auto = when sign-in and e-mail
  // are both set up; on = also as the only way to sign in (needs SMTP_URL, SESSION_SECRET, PUBLIC_URL); off = never.
  SIGN_IN_LINKS: z.enum(['auto', 'on', 'off'], { message: 'must be auto (when sign-in and e-mail are both set up), on or off' }).default('auto'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (a long random string)').optional(),
  // A list with no theme in it would leave the Board report's learning themes (R9.3) with nothing to file under.
  REGISTER_THEMES: z.string().refine((v) => v.split(',').some((t) => t.trim()), THEMES_FORM).default(DEFAULT_THEMES.join(',')),
  // A folder passes existsSync and failed later, reading it, with a stack trace.
  PRIVACY_FILE: z.string().trim().min(1).refine(isFile, 'no such file (or it is a folder): give the path of a text file with the privacy notice').optional(),
  TERMS_FILE: z.string().trim().min(1).refine(isFile, 'no such file (or it is a folder): give the path of a text file with the terms of use').optional(),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (a long random string); /metrics and /readyz accept it as "Authorization: Bearer …"').optional(),
});

/** The bot's own settings; a platform module's environment is this and its own (src/platforms.ts). */
export type Env = z.infer<typeof coreEnvSchema>;

/** The bot's own settings that only make sense together (each platform module checks its own). */
export function coreCrossCheck(env: Env): string[] {
  const problems: string[] = [];
  // Reminders go out only between the two, so a start at or after the end would never send one.
  if (env.WORKING_HOURS_START >= env.WORKING_HOURS_END) {
    problems.push(`WORKING_HOURS_START: ${env.WORKING_HOURS_START} must be before WORKING_HOURS_END (${env.WORKING_HOURS_END}), `
      + 'or no reminder would ever go out: set them like 09:00 and 17:00');
  }
  if (env.OIDC_ISSUER) {
    if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: is needed with OIDC_ISSUER');
    if (!env.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET: is needed with OIDC_ISSUER');
    if (!env.SESSION_SECRET) problems.push('SESSION_SECRET: is needed with OIDC_ISSUER (a random string of 32 characters or more, to sign session cookies)');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: is needed with OIDC_ISSUER (the sign-in provider sends people back to PUBLIC_URL/register/callback)');
  }
  if (env.OIDC_PROVIDERS_FILE) {
    if (!env.SESSION_SECRET) problems.push('SESSION_SECRET: is needed with OIDC_PROVIDERS_FILE (a random string of 32 characters or more, to sign session cookies)');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: is needed with OIDC_PROVIDERS_FILE (the sign-in providers send people back to PUBLIC_URL/register/callback)');
  }
  if (env.SIGN_IN_LINKS === 'on') {
    // Checked against the whole environment as parsed (the e-mail module's settings included).
    const missing = ['SMTP_URL', 'MAIL_FROM', 'SESSION_SECRET', 'PUBLIC_URL'].filter((k) => !(env as Record<string, unknown>)[k]);
    if (missing.length) problems.push(`${missing.join(', ')}: ${missing.length > 1 ? 'are' : 'is'} needed with SIGN_IN_LINKS=on (the links are e-mailed, signed with SESSION_SECRET and point at PUBLIC_URL), or set SIGN_IN_LINKS=auto`);
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

/**
 * Parses once at start-up against a schema composed from the bot's and every platform's (src/platforms.ts):
 * a bad value stops the start naming the variable and what is wrong.
 */
export function parseEnv<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S, checks: readonly ((env: z.infer<S>) => string[])[], source: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(cleaned);
  const lines = r.success ? checks.flatMap((c) => c(r.data)) : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!r.success || lines.length) throw new ConfigError(lines.join('\n'));
  return r.data;
}
