import fs from 'node:fs';
import path from 'node:path';
import type { Command as Program } from 'commander';
import type { App } from '../boot.ts';
import { type AccessInput, accessCsv, actorLabel, describeAccessProblem, detailText, osActor, verifyAccessLog } from '../app/access-log.ts';
import { findSubject, parseSubjectQuery, searchDetail, subjectRecord } from '../app/subject-access.ts';
import { parseDate } from '../domain/date-input.ts';
import { maySeeDispute, seesEveryDispute } from '../domain/participants.ts';
import type { Dispute } from '../domain/types.ts';
import { writeOwnerOnly } from '../register/owner-only.ts';
import { subjectHtml, subjectJson } from '../reports/subject-export.ts';
import { CliFailure, EXIT } from './failure.ts';
import { localTime } from './wording.ts';

export interface AccessDeps {
  stdout: (s: string) => void;
  withApp: <T>(fn: (app: App) => Promise<T>) => Promise<T>;
  /** The OS account that ran the command. */
  account: () => string;
}

/**
 * Records a look at case data before it is printed. Run as a person (--as), the entry names them and the OS
 * account; otherwise the OS account that ran the command.
 */
export function cliSeen(
  app: App, account: string, as: string | undefined, action: AccessInput['action'], refs: string[], command: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const who = as ? { osAccount: account } : {};
  const actorId = as ?? osActor(account);
  return app.service.recordAccess({ actorId, surface: 'cli', action, refs, detail: { command, ...who, ...detail } });
}

/** With --as, only what that person may see (domain/participants.ts); without it, the operator sees the register. */
export function visibleTo(app: App, as: string | undefined): (d: Dispute) => boolean {
  const p = as ? app.directory.people.find((x) => x.id === as) : null;
  if (as && !p) throw new CliFailure(`--as ${as}: there is nobody with that id in ${app.directoryFile}.`, EXIT.USAGE);
  return (d) => !p || maySeeDispute(p, d);
}

/** A governance lead named with --as: subject access acts for a person, and the access log says which. */
function governanceLead(app: App, id: string): string {
  const p = app.directory.people.find((x) => x.id === id);
  if (!p) throw new CliFailure(`--as ${id}: there is nobody with that id in ${app.directoryFile}.`, EXIT.USAGE);
  if (!seesEveryDispute(p)) {
    const why = 'only governance leads can search for a person or export what is held about them';
    throw new CliFailure(`--as ${id}: ${p.name} is not a governance lead; ${why}.`, EXIT.FAILED);
  }
  return p.id;
}

/** `s117 access log|verify` and `s117 subject search|export`. */
export function registerAccessCommands(program: Program, deps: AccessDeps): void {
  const { stdout, withApp, account } = deps;
  const access = program.command('access').description('the access log: who viewed, listed, searched or exported case data');
  access.command('log')
    .option('--since <date>', 'only entries on or after this day (YYYY-MM-DD)')
    .option('--csv <file>', 'write the entries to a CSV file (owner-only) instead of the screen')
    .description('show the access log, oldest first (reading it is logged too)')
    .action(async (o: { since?: string; csv?: string }) => {
      if (o.since) {
        const r = parseDate('--since', o.since);
        if (!r.ok) throw new CliFailure(r.error, EXIT.USAGE);
      }
      await withApp(async (app) => {
        const entries = await app.service.accessLog!.since(o.since ? app.calendar.startOfDay(o.since) : undefined);
        await app.service.recordAccess({
          actorId: osActor(account()), surface: 'cli', action: o.csv ? 'EXPORT' : 'VIEW', refs: [],
          detail: { command: 'access log', since: o.since ?? null, entries: entries.length },
        });
        const people = app.directory.people;
        if (o.csv) {
          writeOwnerOnly(o.csv, accessCsv(entries, (id) => actorLabel(id, people)));
          stdout(`Wrote ${entries.length} access log entr${entries.length === 1 ? 'y' : 'ies'} to ${o.csv}.\n`);
          return;
        }
        if (!entries.length) stdout('The access log has no entries for that period.\n');
        for (const e of entries) {
          const detail = detailText(e.detail);
          const where = `${e.surface}${e.ip ? ` ${e.ip}` : ''}`;
          stdout(`${String(e.seq).padStart(5)}  ${localTime(app, e.at)}  ${actorLabel(e.actorId, people)}  ${where}  ${e.action}`
            + `${e.refs.length ? `  ${e.refs.join(' ')}` : ''}${detail ? `  (${detail})` : ''}\n`);
        }
      });
    });
  access.command('verify')
    .description('check every access log entry against its hash and the entry before; exit 1 if any was changed or deleted')
    .action(async () => {
      await withApp(async (app) => {
        const r = verifyAccessLog(await app.service.accessLog!.since());
        if (!r.intact) {
          const lines = r.problems.map((p) => `  - ${describeAccessProblem(p)}`).join('\n');
          throw new CliFailure(`The access log was changed outside the bot:\n${lines}\n`
            + 'Keep a copy of the database as it is and tell your information governance lead.', EXIT.FAILED);
        }
        stdout(`The access log is intact: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}, each sealed and following the one before.\n`);
      });
    });

  const subject = program.command('subject').description('subject access: everything held about one person');
  subject.command('search').argument('<id>', 'an NHS number (spaces allowed) or a local case number')
    .requiredOption('--as <person>', 'your directory id (a governance lead)')
    .description('the disputes held about one person')
    .action(async (raw: string, o: { as: string }) => {
      const q = parseSubjectQuery(raw);
      if ('error' in q) throw new CliFailure(q.error, EXIT.USAGE);
      await withApp(async (app) => {
        const me = governanceLead(app, o.as);
        const found = await findSubject(app.service.subjects!, q);
        await cliSeen(app, account(), me, 'SEARCH', found.map((m) => m.reference), 'subject search', searchDetail(q, found.length));
        const by = q.kind === 'nhs-number' ? 'NHS number' : 'local case number';
        if (!found.length) return void stdout(`The register holds no dispute with this ${by}.\n`);
        stdout(`${found.length} dispute(s): ${found.map((m) => m.reference).join(', ')}\n`);
      });
    });
  subject.command('export').argument('<id>', 'an NHS number (spaces allowed) or a local case number')
    .requiredOption('--as <person>', 'your directory id (a governance lead)')
    .requiredOption('--out <dir>', 'the folder to write subject-access.html and subject-access.json into (made owner-only)')
    .description('everything held about one person (disputes, history, letters, decisions) as a readable document and JSON')
    .action(async (raw: string, o: { as: string; out: string }) => {
      const q = parseSubjectQuery(raw);
      if ('error' in q) throw new CliFailure(q.error, EXIT.USAGE);
      await withApp(async (app) => {
        const me = governanceLead(app, o.as);
        const found = await findSubject(app.service.subjects!, q);
        const record = await subjectRecord(app.service, q, found, app.service.now());
        fs.mkdirSync(o.out, { recursive: true, mode: 0o700 });
        const date = (iso: string) => localTime(app, new Date(iso));
        const refs = found.map((m) => m.reference);
        await cliSeen(app, account(), me, 'EXPORT', refs, 'subject export', { export: 'subject-access', ...searchDetail(q, found.length) });
        const html = path.join(o.out, 'subject-access.html');
        const json = path.join(o.out, 'subject-access.json');
        writeOwnerOnly(html, subjectHtml(record, app.directory, date));
        writeOwnerOnly(json, subjectJson(record, app.directory, date));
        stdout(`Wrote ${found.length} dispute(s) to ${html} and ${json}. The export is in the access log.\n`);
      });
    });
}
