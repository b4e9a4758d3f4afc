import type { App } from './bootstrap.ts';
import { unsignedSurfaceBlocked } from '../http/exposure.ts';

/** What is running, and how to connect the chat platforms. */
export function banner(app: App, port: number, slackMode: 'http' | 'socket' | null, teams: { mode: 'authenticated' | 'local'; port: unknown }): string {
  const e = app.env;
  const slack = slackMode === 'http' ? `connected over HTTP at /slack/events${e.SLACK_API_URL ? ` (Web API: ${e.SLACK_API_URL})` : ''}`
    : slackMode === 'socket' ? 'connected over Socket Mode (no inbound connections needed)'
      : 'not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)';
  const teamsLine = teams.mode === 'authenticated'
    ? `connected at /api/messages (every token verified)${e.TEAMS_CASE_CHANNEL_ID ? '' : '; set TEAMS_CASE_CHANNEL_ID for case threads'}`
    : `not connected: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID and MICROSOFT_APP_TYPE (${unsignedSurfaceBlocked(e) ? `/api/messages is switched off: ${unsignedSurfaceBlocked(e)}` : '/api/messages answers the local Bot Framework Emulator only'})`;
  return [
    'Section 117 dispute bot is running.',
    `  HTTP:       http://localhost:${port} (/healthz, /readyz)`,
    `  Register:   http://localhost:${port}/register — ${e.OIDC_ISSUER ? `sign-in with ${e.OIDC_ISSUER}`
      : unsignedSurfaceBlocked(e) ? `SWITCHED OFF: no sign-in is configured (OIDC_ISSUER) and ${unsignedSurfaceBlocked(e)}; set up sign-in before exposing it`
        : 'local mode: no sign-in configured (OIDC_ISSUER), so it answers this computer only'}`,
    `  Database:   ${app.db.description}${app.appliedMigrations.length ? ` — applied ${app.appliedMigrations.length} migration(s)` : ''}`,
    `  Directory:  ${app.directoryFile} — ${app.directory.partnership}: ${app.directory.organisations.length} organisations, ${app.directory.people.length} people`,
    `  Calendar:   working days in England & Wales (${e.TIME_ZONE}), due at ${e.CLOSE_OF_BUSINESS}, pings ${e.WORKING_HOURS_START}–${e.WORKING_HOURS_END}`,
    `  Scheduler:  ${e.SCHEDULER === 'on' ? `sweeping on "${e.SWEEP_CRON}"` : 'off (SCHEDULER=off)'}`,
    `  Slack:      ${slack}`,
    `  Teams:      ${teamsLine}`,
    ...(slackMode || teams.port ? [] : ['  Without a chat platform, notifications are written to this log.']),
  ].join('\n');
}
