import type { Command } from 'commander';
import { calendarFromEnv } from '../boot.ts';
import { parseDate } from '../domain/date-input.ts';
import type { Env } from '../platforms.ts';
import { CliFailure, EXIT } from './failure.ts';

/** `s117 calendar add|check`: working days in England and Wales, as the bot counts them. */
export function registerCalendarCommands(program: Command, deps: { stdout: (s: string) => void; getEnv: () => Env }): void {
  const cal = program.command('calendar').description('working days in England and Wales');
  cal.command('add').argument('<date>', 'start date (YYYY-MM-DD) or instant (ISO 8601)').argument('<n>', 'working days')
    .description('the deadline of N working days after DATE (DATE itself never counts)')
    .action((date: string, n: string) => {
      const days = Number(n);
      if (!Number.isInteger(days) || days < 0) throw new CliFailure(`N must be a whole number of working days, not "${n}".`, EXIT.USAGE);
      const calendar = calendarFromEnv(deps.getEnv());
      let start: Date;
      if (/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        const r = parseDate('DATE', date);
        if (!r.ok) throw new CliFailure(r.error, EXIT.USAGE);
        start = calendar.workStartOn(r.value);
      } else start = new Date(date);
      if (!Number.isNaN(start.getTime()) && !parseDate('DATE', start.toISOString().slice(0, 10)).ok) {
        throw new CliFailure(`DATE: "${date}" is out of range; use a date from 2000 to 2100.`, EXIT.USAGE);
      }
      if (days > 3000) throw new CliFailure(`N: ${days} working days is more than anyone needs; use at most 3000.`, EXIT.USAGE);
      if (Number.isNaN(start.getTime())) throw new CliFailure(`"${date}" is not a date like 2026-12-09.`, EXIT.USAGE);
      const due = calendar.deadline(start, days);
      deps.stdout(`${calendar.describe(due, { year: true })} (${due.toISOString()})\n`);
    });
  cal.command('check').argument('<date>', 'YYYY-MM-DD').description('is DATE a working day, and if not, why').action((date: string) => {
    const r = parseDate('DATE', date);
    if (!r.ok) throw new CliFailure(r.error, EXIT.USAGE);
    const why = calendarFromEnv(deps.getEnv()).closureReason(date);
    deps.stdout(why ? `${date} is not a working day (${why}).\n` : `${date} is a working day.\n`);
  });
}
