import fs from 'node:fs';
import { DateTime } from 'luxon';
import type { App } from '../boot.ts';
import { projectFile } from '../config/paths.ts';

/** The version in package.json (`s117 --version`). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Refusals are written for chat, where people press buttons; on the command
 * line the same step is a command.
 */
export function forCli(message: string): string {
  return message.replace(/(Ask them to )?press "([^"]+)"\.?/g, (_m, ask: string | undefined, button: string) => `${ask ? 'Ask them to ' : ''}use "${button}" in chat, or run "s117 dispute act" with the matching action (s117 dispute act --help lists them).`);
}

/** An instant in the partnership's time zone, e.g. 2026-12-07 10:00 (the CLI's history and lists). */
export function localTime(app: App, at: Date): string {
  return DateTime.fromJSDate(at, { zone: app.env.TIME_ZONE }).toFormat('yyyy-MM-dd HH:mm');
}
