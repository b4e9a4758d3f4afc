import type { App } from './boot.ts';
import { unsignedSurfaceBlocked } from './http/exposure.ts';
import { type Env, PLATFORMS, type Platform, type RunningPlatform } from './platforms.ts';
import { visibilityLines } from './visibility.ts';

/** What is running, and how to connect each platform (every module says its own lines). */
export function banner(
  app: App, port: number, platforms: ReadonlyMap<string, RunningPlatform>,
  /** This start's secret for the surfaces without sign-in (http/local-access.ts): the links below carry it. */
  localToken?: string,
  modules: readonly Platform[] = PLATFORMS,
): string {
  const e = app.env as Env;
  const key = localToken ? `?token=${localToken}` : '';
  // Surfaces without sign-in are switched off when other computers could reach them (http/exposure.ts).
  const blocked = unsignedSurfaceBlocked(e);
  const ctx = { port, localToken, unsignedBlocked: blocked, directory: app.directory };
  const platformLines = modules.flatMap((m) => m.banner(e, platforms.get(m.name) ?? null, ctx)).map((l) => `  ${l}`);
  const anyDelivers = [...platforms.values()].some((p) => p.port);
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
    ...platformLines,
    ...visibilityLines(e, app.directory, modules).map((l, i) => `  ${i ? '            ' : 'Who sees:   '}${l}`),
    ...(anyDelivers ? [] : ['  Without a chat platform, notifications are written to this log.']),
  ].join('\n');
}
