import type { App } from './boot.ts';
import { unsignedSurfaceBlocked } from './http/exposure.ts';

/** What is running, and how to connect the chat platforms. */
export function banner(
  app: App, port: number, slackMode: 'http' | 'socket' | null, teams: { mode: 'authenticated' | 'local'; port: unknown },
  /** This start's secret for the surfaces without sign-in (http/local-access.ts): the links below carry it. */
  localToken?: string,
): string {
  const e = app.env;
  const key = localToken ? `?token=${localToken}` : '';
  // Surfaces without sign-in are switched off when other computers could reach them (http/exposure.ts).
  const blocked = unsignedSurfaceBlocked(e);
  const slack = slackMode === 'http' ? `connected over HTTP at /slack/events${e.SLACK_API_URL ? ` (Web API: ${e.SLACK_API_URL})` : ''}`
    : slackMode === 'socket' ? 'connected over Socket Mode (no inbound connections needed)'
      : 'not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)';
  const spaces = e.TEAMS_CASE_SPACES === 'chat' ? 'a private group chat per dispute'
    : e.TEAMS_CASE_SPACES === 'channel' ? 'a channel per dispute (every team member sees it)'
      : 'a thread per dispute in one shared channel';
  const threadHint = e.TEAMS_CASE_SPACES === 'thread' && !e.TEAMS_CASE_CHANNEL_ID ? '; set TEAMS_CASE_CHANNEL_ID for case threads' : '';
  const tenant = e.MICROSOFT_APP_TENANT_ID ? `only tenant ${e.MICROSOFT_APP_TENANT_ID}`
    : 'NO TENANT: every activity is refused until MICROSOFT_APP_TENANT_ID is set';
  const teamsLine = teams.mode === 'authenticated'
    ? `connected at /api/messages (every token verified); ${spaces}${threadHint}; ${tenant}`
    : 'not connected: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID and MICROSOFT_APP_TYPE'
      + (!teams.port ? ' (/api/messages is not served)'
        : blocked ? ` (/api/messages is switched off: ${blocked})`
          : ` (the Bot Framework Emulator on this computer may use http://localhost:${port}/api/messages${key})`);
  // Shared threads show every dispute to everyone in the team: fine inside one organisation, not across a partnership.
  const sharedAcrossOrgs = Boolean(teams.port) && e.TEAMS_CASE_SPACES !== 'chat' && app.directory.organisations.length > 1;
  return [
    'Section 117 dispute bot is running.',
    `  HTTP:       http://localhost:${port} (/healthz, /readyz)`,
    `  Register:   http://localhost:${port}/register — ${e.OIDC_ISSUER || e.OIDC_PROVIDERS_FILE || e.SIGN_IN_LINKS === 'on'
      ? `sign-in with ${[e.OIDC_ISSUER, e.OIDC_PROVIDERS_FILE && `the providers in ${e.OIDC_PROVIDERS_FILE}`,
        e.SIGN_IN_LINKS === 'on' && 'e-mailed links'].filter(Boolean).join(', ')}`
      : blocked ? `SWITCHED OFF: no sign-in is configured (OIDC_ISSUER) and ${blocked}; set up sign-in before exposing it`
        : `local mode: no sign-in configured (OIDC_ISSUER). Open http://localhost:${port}/register${key} on this computer `
          + '(the link changes at every start; keep it to yourself)'}`,
    `  Database:   ${app.db.description}${app.appliedMigrations.length ? ` — applied ${app.appliedMigrations.length} migration(s)` : ''}`,
    `  Directory:  ${app.directoryFile} — ${app.directory.partnership}: `
      + `${app.directory.organisations.length} organisations, ${app.directory.people.length} people`,
    `  Calendar:   working days in England & Wales (${e.TIME_ZONE}), due at ${e.CLOSE_OF_BUSINESS}, `
      + `pings ${e.WORKING_HOURS_START}–${e.WORKING_HOURS_END}`,
    `  Scheduler:  ${e.SCHEDULER === 'on' ? `sweeping on "${e.SWEEP_CRON}"` : 'off (SCHEDULER=off)'}`,
    `  Slack:      ${slack}`,
    `  Teams:      ${teamsLine}`,
    ...(sharedAcrossOrgs ? [
      `  WARNING:    Teams ${e.TEAMS_CASE_SPACES} mode shows every dispute (organisations, decisions, flags) to everyone in the team,`
        + ` across ${app.directory.organisations.length} organisations.`
        + ' Use TEAMS_CASE_SPACES=chat for a private chat per dispute (docs/teams.md).',
    ] : []),
    ...(slackMode || teams.port ? [] : ['  Without a chat platform, notifications are written to this log.']),
  ].join('\n');
}
