import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../config/env.ts';
import { fileProblems, parseYaml, plainEnglish, whyUnreadable } from '../../config/file-problems.ts';
import { type ConnectionCertificate, readCertificate } from './certificate.ts';

/**
 * One Teams connection: a single-tenant app registration and its Azure Bot in
 * one Microsoft Entra tenant. Since July 2025 Azure creates single-tenant bots
 * only, so a partnership whose organisations work in several tenants (NHSmail,
 * each council's own) has one connection per tenant.
 */
export interface TeamsConnection {
  /** How people and logs name it (`nhsmail`, `anytown-council`). */
  name: string;
  appId: string;
  tenantId: string;
  /** The client secret of the app registration ('' when it signs in with a certificate). */
  password: string;
  /** The certificate it signs in with instead of a secret (certificateFile in the connections file). */
  certificate?: ConnectionCertificate | undefined;
  /**
   * Which outbox rows and case spaces are this connection's: `teams` for the
   * first (so a one-connection deployment keeps the rows it always had),
   * `teams:<tenant id>` for each other.
   */
  key: string;
  /** Its own tenant's case channel, team and app catalogue id (the file may give them; see case-spaces.ts). */
  caseChannelId?: string | undefined;
  teamId?: string | undefined;
  catalogAppId?: string | undefined;
}

/** The variables connections are read from. */
export interface ConnectionSettings {
  MICROSOFT_APP_ID?: string | undefined;
  MICROSOFT_APP_PASSWORD?: string | undefined;
  MICROSOFT_APP_CERTIFICATE_FILE?: string | undefined;
  MICROSOFT_APP_TENANT_ID?: string | undefined;
  TEAMS_CONNECTIONS_FILE?: string | undefined;
}

export const PRIMARY_KEY = 'teams';

/** The key of the connection at `index` in the list (see TeamsConnection.key). */
export const connectionKey = (index: number, tenantId: string): string => (index === 0 ? PRIMARY_KEY : `teams:${tenantId.toLowerCase()}`);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const entry = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a short name of lower-case letters, digits and dashes, like nhsmail or anytown-council'),
  appId: z.string().regex(GUID, 'must be the app registration\'s application (client) id, a GUID (Entra admin centre → App registrations)'),
  tenantId: z.string().trim().min(1, 'must be the Microsoft Entra tenant id (Entra admin centre → Overview)').regex(/^[^\s/]+$/, 'must be the tenant id, without spaces or slashes'),
  passwordFile: z.string().min(1).optional(),
  passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable, like TEAMS_NHSMAIL_SECRET').optional(),
  // A PEM file with the private key and the certificate whose public part is uploaded to the app registration.
  certificateFile: z.string().min(1, 'must be the path of the PEM file holding the private key and the certificate').optional(),
  // What TEAMS_CASE_CHANNEL_ID, TEAMS_TEAM_ID and TEAMS_APP_CATALOG_ID say for the first connection, in this one's tenant.
  caseChannelId: z.string().min(1).optional(),
  teamId: z.string().min(1).optional(),
  catalogAppId: z.string().min(1).optional(),
}).strict().refine((c) => [c.passwordFile, c.passwordEnv, c.certificateFile].filter(Boolean).length === 1, {
  message: 'give exactly one credential: passwordFile (a file holding the client secret), passwordEnv (a variable holding it) '
    + 'or certificateFile (a PEM file holding the private key and certificate)',
});
const file = z.object({ connections: z.array(entry).min(1, 'lists at least one connection') }).strict();

type Entry = z.infer<typeof entry>;

/** Where a problem is, as every settings file says it: the setting, the file, and the entry by its name. */
const inFile = (path: string) => `TEAMS_CONNECTIONS_FILE (${path})`;
const entryAt = (i: number, name: string, field: string) => `connections[${i}] (${name}).${field}`;

/** The connections file as written (no secrets read), or null when there is none. */
function readFile(path: string): Entry[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${inFile(path)}: cannot be read (${whyUnreadable(e)}); point it at the YAML file of Teams connections`);
  }
  const yaml = parseYaml(text);
  if (!yaml.ok) throw new ConfigError(`${inFile(path)}: is not YAML (${yaml.at}); point it at a YAML file with a "connections:" list`);
  const raw = yaml.raw;
  const r = file.safeParse(raw, { error: plainEnglish });
  if (!r.success) throw new ConfigError(fileProblems(r.error, raw, 'connections').map((p) => `${inFile(path)}: ${p}`).join('\n'));
  const list = r.data.connections;
  for (const [field, what] of [['name', 'name'], ['appId', 'app id'], ['tenantId', 'tenant']] as const) {
    const seen = new Set<string>();
    for (const [i, c] of list.entries()) {
      const v = c[field].toLowerCase();
      // One connection per tenant: a tenant's people and chats are reached through exactly one app.
      if (seen.has(v)) {
        throw new ConfigError(`${inFile(path)}: ${entryAt(i, c.name, field)}: another connection has the same ${what} `
          + `(${c[field]}); each tenant has one connection`);
      }
      seen.add(v);
    }
  }
  return list;
}

type Listed = Omit<TeamsConnection, 'password'>[];
// Routing asks for every person of every change: the file is read once per parsed environment.
const listed = new WeakMap<ConnectionSettings, Listed>();

/** The connections' names, app ids, tenants and keys, without their secrets (routing needs no more). */
export function connectionList(env: ConnectionSettings): Listed {
  let list = listed.get(env);
  if (!list) {
    list = readList(env);
    listed.set(env, list);
  }
  return list;
}

function readList(env: ConnectionSettings): Listed {
  if (env.TEAMS_CONNECTIONS_FILE) {
    if (env.MICROSOFT_APP_ID) {
      throw new ConfigError('TEAMS_CONNECTIONS_FILE: set either it or MICROSOFT_APP_ID, not both '
        + '(put the MICROSOFT_APP_* connection in the file as its first entry)');
    }
    return readFile(env.TEAMS_CONNECTIONS_FILE).map((c, i) => ({
      name: c.name, appId: c.appId, tenantId: c.tenantId, key: connectionKey(i, c.tenantId),
      ...(c.caseChannelId ? { caseChannelId: c.caseChannelId } : {}), ...(c.teamId ? { teamId: c.teamId } : {}),
      ...(c.catalogAppId ? { catalogAppId: c.catalogAppId } : {}),
    }));
  }
  if (!env.MICROSOFT_APP_ID) return [];
  return [{ name: 'default', appId: env.MICROSOFT_APP_ID, tenantId: env.MICROSOFT_APP_TENANT_ID ?? '', key: PRIMARY_KEY }];
}

/**
 * Every Teams connection this deployment has: the ones in
 * TEAMS_CONNECTIONS_FILE, or the one MICROSOFT_APP_* describes (a shorthand
 * for a file of one). Secrets and certificates are read here, so a missing,
 * exposed, mismatched or expired one stops the start.
 */
export function loadConnections(env: ConnectionSettings, vars: NodeJS.ProcessEnv = process.env, now: Date = new Date()): TeamsConnection[] {
  if (!env.TEAMS_CONNECTIONS_FILE) {
    const file = env.MICROSOFT_APP_CERTIFICATE_FILE;
    return connectionList(env).map((c) => {
      if (!file) return { ...c, password: env.MICROSOFT_APP_PASSWORD ?? '' };
      const read = readCertificate(file, now);
      if (!read.ok) throw new ConfigError(`MICROSOFT_APP_CERTIFICATE_FILE: ${read.problem}`);
      return { ...c, password: '', certificate: read.certificate };
    });
  }
  const where = inFile(env.TEAMS_CONNECTIONS_FILE);
  const entries = readFile(env.TEAMS_CONNECTIONS_FILE);
  return connectionList(env).map((c, i) => {
    const e = entries[i]!;
    if (e.certificateFile) {
      const read = readCertificate(e.certificateFile, now);
      if (!read.ok) {
        throw new ConfigError(`${where}: ${entryAt(i, c.name, 'certificateFile')}: ${read.problem}`);
      }
      return { ...c, password: '', certificate: read.certificate };
    }
    let password: string | undefined;
    if (e.passwordFile) {
      try {
        password = fs.readFileSync(e.passwordFile, 'utf8').trim();
      } catch (err) {
        throw new ConfigError(`${where}: ${entryAt(i, c.name, 'passwordFile')}: ${e.passwordFile} cannot be read (${whyUnreadable(err)}); `
          + `it holds the client secret of connection ${c.name}`);
      }
    } else {
      password = vars[e.passwordEnv!]?.trim();
    }
    if (!password) {
      const what = e.passwordFile ? `${entryAt(i, c.name, 'passwordFile')}: ${e.passwordFile} is empty`
        : `${entryAt(i, c.name, 'passwordEnv')}: ${e.passwordEnv} is not set`;
      throw new ConfigError(`${where}: ${what}; it must hold the client secret of connection ${c.name}`);
    }
    return { ...c, password };
  });
}

/** The home key of a tenant's connection (its port's key), the primary connection's when no connection serves it. */
export function homeKeyFor(list: readonly { tenantId: string; key: string }[], tenant: string | null | undefined): string {
  return connectionForTenant(list, tenant)?.key ?? PRIMARY_KEY;
}

/** The connection serving a tenant (case-insensitive, as Entra's GUIDs are), if any. */
export function connectionForTenant<C extends { tenantId: string }>(list: readonly C[], tenant: string | null | undefined): C | null {
  if (!tenant) return null;
  const t = tenant.toLowerCase();
  return list.find((c) => c.tenantId.toLowerCase() === t) ?? null;
}
