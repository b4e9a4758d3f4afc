import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseHome } from '../domain/homes.ts';
import { ORG_KINDS, ROLES, type Directory } from '../domain/types.ts';
import { projectFile } from './paths.ts';
import { fileProblems, parseYaml, plainEnglish, whyUnreadable } from './file-problems.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, like anytown-icb');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `slack:T0ABC` (the workspace's team id), `teams:<tenant id>`, `email`, or a platform name alone. */
const home = z.string().trim().refine((h) => {
  const { platform, space } = parseHome(h);
  if (!/^[a-z][a-z0-9-]*$/.test(platform)) return false;
  if (platform === 'slack' && space) return /^[TE][A-Z0-9]{2,}$/.test(space);
  if (platform === 'teams' && space) return GUID.test(space);
  return platform !== 'email' || !space;
}, 'must be slack:T… (the Slack workspace\'s team id), teams:<Microsoft Entra tenant id> or email').transform(parseHome);

const directorySchema = z.object({
  partnership: z.string().min(1, 'is required: the partnership\'s name'),
  organisations: z.array(z.object({
    id,
    name: z.string().min(1, 'is required'),
    kind: z.enum(ORG_KINDS, { message: `must be one of ${ORG_KINDS.join(', ')}` }),
    homes: z.array(home).min(1, 'lists where the organisation works, like [teams:<tenant id>, email]; leave it out to use wherever a dispute is raised').optional(),
    /** The OpenID Connect issuers this organisation's people sign in with (OIDC_ISSUER when not given). */
    oidcIssuers: z.array(z.string().url('must be the sign-in provider\'s issuer URL, like https://login.microsoftonline.com/<tenant>/v2.0'))
      .min(1, 'give at least one issuer, or leave oidcIssuers out to use OIDC_ISSUER').optional(),
    /** The organisations it will share one Slack Connect case channel with; each must name it back. */
    slackConnect: z.array(id).optional(),
  }).strict()).min(2, 'needs at least two organisations'),
  people: z.array(z.object({
    id,
    name: z.string().min(1, 'is required'),
    organisation: z.string(),
    roles: z.array(z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` })).min(1, 'needs at least one role'),
    manager: z.string().optional(),
    slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U01ABCDEF').optional(),
    teams: z.string().min(1).optional(),
    /** Any other platform's user id, keyed by platform name. */
    handles: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'platform names are lower-case'), z.string().min(1).max(200)).optional(),
    email: z.string().email('must be an e-mail address').optional(),
    home: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a platform name, like email, slack or teams').optional(),
  }).strict()),
  governance: z.object({ slack: z.string().optional(), teams: z.string().optional(), email: z.string().email('must be an e-mail address').optional() }).strict().optional(),
}).strict();

export class DirectoryError extends Error {
  constructor(message: string, readonly problems: string[]) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export function parseDirectory(text: string, source = 'directory'): Directory {
  const yaml = parseYaml(text);
  if (!yaml.ok) throw new DirectoryError(`${source} is not valid YAML: ${yaml.at}`, [yaml.at]);
  const raw = yaml.raw;
  const r = directorySchema.safeParse(raw, { error: plainEnglish });
  if (!r.success) {
    const problems = fileProblems(r.error, raw, 'partnership');
    throw new DirectoryError(`${source} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
  }
  const d = r.data;
  const problems: string[] = [];
  const dup = <T extends { id: string }>(list: T[], what: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => { if (seen.has(x.id)) problems.push(`${what}[${i}] (${x.id}): id is used twice`); seen.add(x.id); });
  };
  dup(d.organisations, 'organisations');
  dup(d.people, 'people');
  const orgs = new Set(d.organisations.map((o) => o.id));
  const people = new Set(d.people.map((p) => p.id));
  d.organisations.forEach((o, i) => {
    for (const other of o.slackConnect ?? []) {
      if (other === o.id) problems.push(`organisations[${i}] (${o.id}).slackConnect: an organisation cannot share a channel with itself; take "${other}" out`);
      else if (!orgs.has(other)) problems.push(`organisations[${i}] (${o.id}).slackConnect: "${other}" is not an organisation id in this file`);
    }
  });
  d.people.forEach((p, i) => {
    if (p.home === 'email' && !p.email) problems.push(`people[${i}] (${p.id}).home: email needs their e-mail address: add email: …`);
    if (!orgs.has(p.organisation)) problems.push(`people[${i}] (${p.id}).organisation: "${p.organisation}" is not an organisation id in this file`);
    if (p.manager && !people.has(p.manager)) problems.push(`people[${i}] (${p.id}).manager: "${p.manager}" is not a person id in this file`);
    if (p.manager === p.id) problems.push(`people[${i}] (${p.id}).manager: a person cannot be their own manager`);
  });
  if (problems.length) throw new DirectoryError(`${source} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
  return {
    partnership: d.partnership,
    organisations: d.organisations.map(({ homes, ...o }) => (homes ? { ...o, homes } : o)),
    people: d.people.map((p) => ({
      id: p.id, name: p.name, organisationId: p.organisation, roles: p.roles, managerId: p.manager ?? null,
      handles: { ...p.handles, ...(p.slack ? { slack: p.slack } : {}), ...(p.teams ? { teams: p.teams } : {}) }, email: p.email ?? null,
      ...(p.home ? { home: p.home } : {}),
    })),
    governance: { slack: d.governance?.slack ?? null, teams: d.governance?.teams ?? null, ...(d.governance?.email ? { email: d.governance.email } : {}) },
  };
}


/** Where DIRECTORY_FILE points when it is not set (relative to the working directory, as the setting is). */
export const DEFAULT_DIRECTORY_FILE = './config/directory.yaml';

/**
 * Loads DIRECTORY_FILE. Only when it is left at its default and that file does not exist does the shipped example
 * stand in (with a warning), so `npm start` works on a fresh clone; a path someone set that does not exist is a
 * typo, and starting on the example's invented people would send a partnership's notifications to nobody.
 */
export function loadDirectory(file: string, warn: (msg: string) => void = () => {}): { directory: Directory; file: string } {
  let chosen = file;
  if (!fs.existsSync(file) && path.resolve(file) !== path.resolve(DEFAULT_DIRECTORY_FILE)) {
    const problem = `${file} does not exist: give the path of your directory YAML file (docs/directory.md), or unset DIRECTORY_FILE to try the bot with the example people`;
    throw new DirectoryError(problem, [problem]);
  }
  if (!fs.existsSync(file)) {
    chosen = projectFile(path.join('config', 'directory.example.yaml'));
    warn(`The directory file ${file} does not exist, so the example directory ${chosen} is used. Copy it to ${file} and put your partnership's people in it.`);
  }
  let text: string;
  try {
    text = fs.readFileSync(chosen, 'utf8');
  } catch (e) {
    const problem = `${chosen} cannot be read (${whyUnreadable(e)}): give the path of the directory YAML file, `
      + 'readable by the bot\'s account';
    throw new DirectoryError(problem, [problem]);
  }
  return { directory: parseDirectory(text, chosen), file: chosen };
}

