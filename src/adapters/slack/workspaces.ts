import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../app/ports.ts';
import { StartupError } from '../../config/startup-error.ts';
import { entryLabel, fileProblems, parseYaml, plainEnglish, whyUnreadable } from '../../config/file-problems.ts';
import { SlackAuth, type PlatformStatus } from './slack-auth.ts';
import type { Workspaces } from './receiver.ts';

/** One workspace the app is installed in, as configured: its team id and where its bot token is. */
export interface WorkspaceConfig {
  teamId: string; name: string | null; token: string;
  /** Its own app's signing secret (one app per workspace), or null: the app's shared one, SLACK_SIGNING_SECRET. */
  signingSecret: string | null;
}

const TEAM_ID = /^[TE][A-Z0-9]{2,30}$/;
const entry = z.object({
  team: z.string().regex(TEAM_ID, 'must be a Slack team id (T… or, for Enterprise Grid, E…)'),
  name: z.string().max(200).optional(),
  token_file: z.string().min(1).optional(),
  token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable').optional(),
  signing_secret_file: z.string().min(1).optional(),
  signing_secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable').optional(),
}).strict()
  .refine((w) => Boolean(w.token_file) !== Boolean(w.token_env), { message: 'give token_file or token_env (one of them)' })
  .refine((w) => !(w.signing_secret_file && w.signing_secret_env), { message: 'give signing_secret_file or signing_secret_env, not both' });
const fileSchema = z.object({ workspaces: z.array(entry).min(1, 'list at least one workspace') }).strict();

/** Thrown for a workspaces file that cannot be used; the message names the file, the entry and the fix (exit 78). */
export class WorkspacesFileError extends StartupError {
  constructor(message: string) { super(message, 78); this.name = 'WorkspacesFileError'; }
}

/**
 * SLACK_WORKSPACES_FILE: the workspaces the one Slack app is installed in,
 * each with its own bot token (the signing secret is the app's, one for
 * all). Tokens are read from a file or an environment variable, never
 * written in this file, so it can be kept with the directory.
 */
export function loadWorkspaces(file: string, env: Record<string, string | undefined> = process.env): WorkspaceConfig[] {
  const where = `SLACK_WORKSPACES_FILE (${file})`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorkspacesFileError(`${where}: cannot be read (${whyUnreadable(e)}); point it at a YAML file with a "workspaces:" list`);
  }
  const yaml = parseYaml(text);
  if (!yaml.ok) throw new WorkspacesFileError(`${where}: is not YAML (${yaml.at}); point it at a YAML file with a "workspaces:" list`);
  const raw = yaml.raw;
  const r = fileSchema.safeParse(raw, { error: plainEnglish });
  if (!r.success) throw new WorkspacesFileError(fileProblems(r.error, raw, 'workspaces').map((p) => `${where}: ${p}`).join('\n'));
  const at = (n: number, field?: string) => entryLabel(raw, ['workspaces', n, ...(field ? [field] : [])]);
  const seen = new Set<string>();
  return r.data.workspaces.map((w, n) => {
    if (seen.has(w.team)) {
      throw new WorkspacesFileError(`${where}: ${at(n, 'team')}: ${w.team} is listed twice; list each workspace once`);
    }
    seen.add(w.team);
    const secretOf = (field: string, fromEnv: string | undefined, fromFile: string | undefined, what: string): string | null => {
      if (fromEnv) {
        const v = env[fromEnv];
        if (!v) throw new WorkspacesFileError(`${where}: ${at(n, `${field}_env`)}: ${fromEnv} is not set; set it to ${what}`);
        return v.trim();
      }
      if (!fromFile) return null;
      try {
        return fs.readFileSync(fromFile, 'utf8').trim();
      } catch (e) {
        throw new WorkspacesFileError(`${where}: ${at(n, `${field}_file`)}: ${fromFile} cannot be read (${whyUnreadable(e)}); `
          + `put ${what} in it`);
      }
    };
    const token = secretOf('token', w.token_env, w.token_file, "the workspace's xoxb- bot token")!;
    if (!/^xoxb-/.test(token)) {
      throw new WorkspacesFileError(`${where}: ${at(n)}: the token is not a bot token (xoxb-…): give the workspace's bot token, `
        + 'from the app\'s OAuth & Permissions page');
    }
    const signingSecret = secretOf('signing_secret', w.signing_secret_env, w.signing_secret_file, "that workspace's app's signing secret");
    return { teamId: w.team, name: w.name ?? null, token, signingSecret };
  });
}

/** The team ids a workspaces file lists, for `serves` (cheap; tokens are not read). Empty when it cannot be read. */
export function listedTeams(file: string): string[] {
  try {
    const r = fileSchema.safeParse(parse(fs.readFileSync(file, 'utf8')));
    return r.success ? r.data.workspaces.map((w) => w.team) : [];
  } catch {
    return [];
  }
}

/** One installation of the app: a workspace, its bot token's client, and whether Slack accepted the token. */
export interface Installation {
  /** Null for the single SLACK_BOT_TOKEN until Slack says which workspace it is for. */
  readonly teamId: string | null;
  readonly name: string | null;
  readonly client: WebClient;
  readonly auth: SlackAuth;
  readonly token: string;
  /** Configured (SLACK_BOT_TOKEN, SLACK_WORKSPACES_FILE), or installed through the install link (kept in the register). */
  readonly source: 'config' | 'register';
}

type InstallationConfig = { teamId: string | null; name: string | null; token: string };

/**
 * The workspaces the app is installed in here. A request from any other is
 * refused by the receiver; Bolt's authorize hook picks the installation of
 * the request's workspace; each has its own Web API client, so its rate
 * limits are its own. With the install flow on, installations kept in the
 * register join the configured ones while the bot runs.
 */
export class Installations implements Workspaces {
  all: Installation[];
  private refreshing: Promise<void> | null = null;
  private lastRefresh = 0;

  constructor(
    configs: InstallationConfig[],
    private readonly makeClient: (token: string) => WebClient, private readonly logger: Logger,
    private readonly opts: {
      /** Slack's install flow is on: every workspace is a home of its own, however many are installed yet. */
      installFlow?: boolean;
      /** Reads the register's installations again (another replica may have installed or removed one). */
      refresh?: () => Promise<void>;
    } = {},
  ) {
    this.all = configs.map((c) => this.make(c, 'config'));
  }

  private make(c: InstallationConfig, source: Installation['source']): Installation {
    const client = this.makeClient(c.token);
    return { ...c, client, source, auth: new SlackAuth(client, c.token, this.logger.child({ team: c.teamId ?? 'token' })) };
  }

  /** Several configured workspaces (each its own home `slack:T…`), the install flow, or the one token of SLACK_BOT_TOKEN. */
  get several(): boolean { return Boolean(this.opts.installFlow) || this.all.length > 1; }

  /** Whether a configured entry (not the register) holds this workspace. */
  configured(teamId: string): boolean {
    return this.all.some((i) => i.teamId === teamId && i.source === 'config');
  }

  /**
   * The register's installations as they are now: new ones join (their tokens checked with Slack in the background),
   * gone ones leave, a new token replaces the old. Configured workspaces are never touched. The teams added.
   */
  setRegistered(list: InstallationConfig[]): string[] {
    const added: string[] = [];
    const keep = this.all.filter((i) => i.source === 'config');
    const fresh: Installation[] = [];
    for (const c of list) {
      if (!c.teamId || keep.some((i) => i.teamId === c.teamId)) continue;
      const had = this.all.find((i) => i.teamId === c.teamId && i.source === 'register');
      if (had && had.token === c.token) { fresh.push(had); continue; }
      if (had) had.auth.stop();
      const i = this.make(c, 'register');
      void i.auth.start();
      fresh.push(i);
      if (!had) added.push(c.teamId);
    }
    for (const gone of this.all.filter((i) => i.source === 'register' && !fresh.includes(i))) gone.auth.stop();
    this.all = [...keep, ...fresh];
    return added;
  }

  /** Forgets a workspace installed through the install link (uninstalled, or its token revoked). */
  dropRegistered(teamId: string): void {
    const gone = this.all.filter((i) => i.source === 'register' && i.teamId === teamId);
    for (const i of gone) i.auth.stop();
    this.all = this.all.filter((i) => !gone.includes(i));
  }

  /** The token of a workspace's installation now, or null when it has none (not installed yet, or uninstalled). */
  tokenFor(teamId: string): string | null {
    return this.all.find((i) => i.teamId === teamId)?.token ?? null;
  }

  private find(teamId: string): Installation | null {
    const named = this.all.find((i) => i.teamId === teamId);
    if (named) return named;
    // The single token's workspace is whatever Slack says; until it has said, a request may be for it.
    const single = this.all.length === 1 && this.all[0]!.teamId === null ? this.all[0]! : null;
    if (!single) return null;
    const known = single.auth.teamId();
    return known === null || known === teamId ? single : null;
  }

  /** With the install flow, a workspace not known here is looked for in the register once more (at most every 2 s). */
  async serves(teamId: string): Promise<boolean> {
    if (this.find(teamId)) return true;
    if (!this.opts.refresh) return false;
    if (!this.refreshing && Date.now() - this.lastRefresh >= 2000) {
      this.lastRefresh = Date.now();
      this.refreshing = this.opts.refresh().catch((e: unknown) => {
        this.logger.warn({ err: { message: (e as Error).message } }, 'could not read the Slack installations from the register');
      }).finally(() => { this.refreshing = null; });
    }
    if (this.refreshing) await this.refreshing;
    return this.find(teamId) !== null;
  }

  /** Bolt's authorize hook: the installation of the request's workspace. */
  async authorize(
    source: { teamId?: string | undefined; enterpriseId?: string | undefined },
  ): Promise<{ botToken: string; botUserId: string; botId: string; teamId?: string }> {
    const teamId = source.teamId ?? source.enterpriseId ?? null;
    const i = teamId ? this.find(teamId) : this.all.length === 1 ? this.all[0]! : null;
    if (!i) throw new Error(`no installation of the app for the Slack workspace ${teamId ?? '(none named)'}`);
    const wrong = this.mismatch(i);
    if (wrong) throw new Error(wrong);
    return { ...(await i.auth.authorize()), ...(teamId ? { teamId } : {}) };
  }

  async start(): Promise<void> {
    await Promise.all(this.all.map(async (i) => {
      await i.auth.start();
      const told = i.auth.teamId();
      // A token pasted into the wrong workspace's entry would post as another workspace's bot.
      if (i.teamId && told && told !== i.teamId) {
        const fix = `the bot token listed for Slack workspace ${i.teamId} belongs to ${told}; fix SLACK_WORKSPACES_FILE`;
        this.logger.error({ configured: i.teamId, token: told }, fix);
      }
    }));
  }

  /** Why this installation must not be used: its token is another workspace's (it would act as that workspace's bot). */
  private mismatch(i: Installation): string | null {
    const told = i.auth.teamId();
    return i.teamId && told && told !== i.teamId
      ? `the bot token listed for Slack workspace ${i.teamId} belongs to ${told}; fix SLACK_WORKSPACES_FILE` : null;
  }

  status(): PlatformStatus {
    const waiting = this.all.map((i) => {
      const wrong = this.mismatch(i);
      return { i, s: wrong ? { ready: false, reason: wrong } : i.auth.status() };
    }).filter((x) => !x.s.ready);
    if (!waiting.length) return { ready: true, reason: null };
    const reasons = waiting.map((x) => (this.several ? `${x.i.teamId}: ${x.s.reason}` : x.s.reason));
    return { ready: false, reason: reasons.join('; ') };
  }

  stop(): void {
    for (const i of this.all) i.auth.stop();
  }
}
