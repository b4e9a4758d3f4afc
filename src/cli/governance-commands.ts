import type { Command } from 'commander';
import type { App } from '../boot.ts';
import { dueForDisposal, parseRetentionYears, RECORD_CLASSES } from '../app/retention.ts';
import { identifierKeyUse, rotateIdentifierKey } from '../register/identifier-rows.ts';
import { CliFailure, EXIT } from './failure.ts';
import { localTime } from './wording.ts';

interface GovernanceIo {
  stdout: (s: string) => void;
  withApp: <T>(fn: (app: App) => Promise<T>) => Promise<T>;
  /** The OS account that ran the command (recorded in the history beside the person). */
  osAccount: () => string;
}

/**
 * Who may dispose of records: a person the directory names as a governance
 * lead, who says so with --as, and confirms with --confirm. The OS account
 * that ran it is recorded beside them.
 */
function governanceLead(app: App, id: string | undefined, what: string): { id: string; name: string } {
  if (!id) throw new CliFailure(`${what} needs a governance lead: add --as YOUR_DIRECTORY_ID.`, EXIT.USAGE);
  const p = app.directory.people.find((x) => x.id === id);
  if (!p) throw new CliFailure(`--as ${id}: there is nobody with that id in ${app.directoryFile}.`, EXIT.USAGE);
  if (!p.roles.includes('GOVERNANCE_LEAD')) {
    throw new CliFailure(`--as ${id}: ${p.name} is not a GOVERNANCE_LEAD in ${app.directoryFile}; only a governance lead can ${what}. `
      + 'Ask your information governance lead to run it.', EXIT.FAILED);
  }
  return { id: p.id, name: p.name };
}

/** `s117 retention` and `s117 identifiers`: disposal under the retention schedule, and the key that protects NHS numbers. */
export function registerGovernanceCommands(program: Command, io: GovernanceIo): void {
  const retention = program.command('retention')
    .description('resolved disputes whose retention period has ended (see docs/retention.md)')
    .option('--json', 'print the list as JSON')
    .action(async (o: { json?: boolean }) => {
      await io.withApp(async (app) => {
        const years = parseRetentionYears(app.env.RETENTION_YEARS);
        const due = dueForDisposal(await app.service.all(), years, app.service.now());
        if (o.json) {
          io.stdout(`${JSON.stringify({ years, due }, null, 2)}\n`);
          return;
        }
        io.stdout(`Retention periods (years after resolution): ${RECORD_CLASSES.map((c) => `${c} ${years[c]}`).join(', ')}.\n`);
        if (!due.length) {
          io.stdout('No dispute is due for anonymisation.\n');
          return;
        }
        io.stdout(`${due.length} dispute(s) due for anonymisation:\n`);
        for (const x of due) {
          const when = (iso: string) => localTime(app, new Date(iso));
          io.stdout(`  ${x.reference}  ${x.recordClass} record, resolved ${when(x.resolvedAt)}, due ${when(x.dueAt)}\n`);
        }
        io.stdout('A governance lead anonymises them with: s117 retention apply --as THEIR_ID --confirm\n');
      });
    });
  retention.command('apply')
    .description('anonymise every dispute due: NHS number, case number and free text removed; the history still verifies')
    .option('--as <person>', 'your directory id: a GOVERNANCE_LEAD')
    .option('--confirm', 'you have checked the list ("s117 retention") and no hold (a complaint, an inquiry, litigation) applies')
    .action(async (o: { as?: string; confirm?: boolean }) => {
      await io.withApp(async (app) => {
        const lead = governanceLead(app, o.as, 'anonymise records');
        const years = parseRetentionYears(app.env.RETENTION_YEARS);
        const now = app.service.now();
        const due = dueForDisposal(await app.service.all(), years, now);
        if (!o.confirm) {
          const refs = due.map((x) => x.reference).join(', ') || 'none';
          throw new CliFailure(`Nothing was changed: ${due.length} dispute(s) are due (${refs}). `
            + 'Anonymising cannot be undone: check that no hold applies (a complaint, an inquiry, litigation), '
            + 'then run it again with --confirm.', EXIT.USAGE);
        }
        let done = 0;
        for (const x of due) {
          // One transaction per dispute: a failure leaves the others done and this one as it was.
          const r = await app.store.anonymise(x.id, {
            at: now, actorId: lead.id, platform: 'cli',
            data: { recordClass: x.recordClass, years: x.years, resolvedAt: x.resolvedAt, osAccount: io.osAccount() },
          });
          if (r?.done) {
            done++;
            io.stdout(`  ${x.reference}: anonymised (${r.texts} text(s) removed from its history)\n`);
          }
        }
        // Outside the transactions (VACUUM cannot run in one): the removed texts leave the data files too.
        if (done) await app.store.compactRemoved();
        // The access log's own period (docs/access-log.md, "Retention"): older entries go, the removal is an entry.
        const logYears = Number(app.env.ACCESS_LOG_RETENTION_YEARS);
        const before = new Date(now);
        before.setUTCFullYear(before.getUTCFullYear() - logYears);
        const pruned = await app.service.accessLog?.prune(before, {
          actorId: lead.id, surface: 'cli', detail: { command: 'retention apply', years: logYears, osAccount: io.osAccount() },
        });
        if (pruned?.removed) {
          io.stdout(`Removed ${pruned.removed} access log entr${pruned.removed === 1 ? 'y' : 'ies'} older than ${logYears} years `
            + `(up to entry ${pruned.throughSeq}); "s117 access verify" checks the rest from there.\n`);
        }
        io.stdout(`Anonymised ${done} dispute(s), recorded in each one's history as done by ${lead.name} (OS account ${io.osAccount()}). `
          + 'Run "s117 register verify" to see the history still checks out.\n');
      });
    });

  const ids = program.command('identifiers').description('the key that encrypts NHS numbers in the register (see docs/identifiers.md)');
  ids.command('status').description('where the key file is, and how many NHS numbers each key holds').action(async () => {
    await io.withApp(async (app) => {
      const keys = app.db.identifiers!;
      const use = await identifierKeyUse(app.db);
      io.stdout(`Identifier key file: ${keys.file ?? '(none: a register in memory, with a key for this process only)'}\n`
        + `Current key: ${keys.current.id} (made ${keys.current.created})\n`
        + `NHS numbers stored: ${[...use].map(([k, n]) => `${n} under ${k}`).join(', ') || 'none'}\n`);
    });
  });
  ids.command('rotate')
    .description('make a new key, re-encrypt and re-hash every NHS number under it, and retire the old key to a file of its own')
    .option('--confirm', 'you have read docs/identifiers.md and will keep the retired key with the backups made before now')
    .action(async (o: { confirm?: boolean }) => {
      if (!o.confirm) {
        throw new CliFailure('Nothing was changed. Read docs/identifiers.md ("Rotating the key"), then run it again with --confirm.',
          EXIT.USAGE);
      }
      await io.withApp(async (app) => {
        const r = await rotateIdentifierKey(app.db, app.service.now());
        io.stdout(`Re-encrypted ${r.rows} NHS number(s) under the new key ${r.keyId}.\n`
          + `The old key is in ${r.retired}: move it offline with the backups made before now (they need it to be read), `
          + 'or destroy it if you keep no such backup.\n');
      });
    });
}
