import fs from 'node:fs';
import { Writable } from 'node:stream';
import { Command as Program, CommanderError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseRange } from '../domain/date-input.ts';
import { boot, type App } from '../boot.ts';
import { createLogger } from '../app/logger.ts';
import type { Clock } from '../app/ports.ts';
import { loadEnv, type Env } from '../platforms.ts';
import { StartupError } from '../config/startup-error.ts';
import { DirectoryError, parseDirectory } from '../config/directory.ts';
import { directoryAdvice } from '../config/directory-advice.ts';
import { homeService, PLATFORMS } from '../platforms.ts';
import { DomainError } from '../domain/errors.ts';
import { BackupError } from '../register/backup.ts';
import { BackupKeyError } from '../register/backup-key.ts';
import { DataDirLocked } from '../register/data-dir-lock.ts';
import { DataDirExposed, writeOwnerOnly } from '../register/owner-only.ts';
import { CliFailure, EXIT } from './failure.ts';
import { registerDbCommands } from './db-commands.ts';
import { registerCalendarCommands } from './calendar-commands.ts';
import { registerDocumentCommands } from './document-commands.ts';
import { registerGovernanceCommands } from './governance-commands.ts';
import { osAccount } from './os-account.ts';
import { needsRegister, runningBot, runThroughBot } from './through-bot.ts';
import { MigrationError } from '../register/migrate.ts';
import { raisedWithin, registerRow, toCsv } from '../reports/register-export.ts';
import { summaryOfReport } from '../reports/summary.ts';
import { boardReport, lastQuarter, reportCsv } from '../reports/board-report.ts';
import { reportHtmlFile } from '../web/report-file.ts';
import { commandSchema, raiseSchema, zodProblems } from './schemas.ts';
import { formatDispute } from './format.ts';
import { actionsHelp } from './action-help.ts';
import { forCli, localTime, packageVersion } from './wording.ts';
import { tickReport } from './tick-report.ts';
import { checkpointText, checkRegister, verifyText } from './history-verify.ts';
import { checkCheckpoints } from '../register/checkpoints.ts';
import { checkpointIfDue, keyFingerprint } from '../register/checkpoint-job.ts';
import { outboxMark, outboxSince } from '../register/outbox-report.ts';
import { type HistoryNames, historyText } from '../domain/history-text.ts';
import type { AccessInput } from '../app/access-log.ts';
import { cliSeen, registerAccessCommands, visibleTo } from './access-commands.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  /** The running bot's own app: set when the bot runs this command for a local user (it owns the embedded database). */
  app?: App;
  /** The OS account that ran the command, when it ran elsewhere (through the bot); else this process's. */
  osAccount?: string;
}

export { EXIT } from './failure.ts';

function checkRange(from?: string, to?: string): void {
  const r = parseRange(from, to, { from: '--from', to: '--to' });
  if (!r.ok) throw new CliFailure(r.error, EXIT.USAGE);
}

function readStructured(file: string): unknown {
  if (!fs.existsSync(file)) throw new CliFailure(`The file ${file} does not exist.`, EXIT.USAGE);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new CliFailure(`${file} could not be read: ${(e as Error).message}`, EXIT.DATA);
  }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let env: Env | null = io.app?.env ?? null;
  const getEnv = () => (env ??= loadEnv(io.env));
  const through = await throughRunningBot(argv, io, getEnv);
  if (through !== null) return through;
  const withApp = async <T>(fn: (app: App) => Promise<T>): Promise<T> => {
    if (io.app) return fn(io.app);
    const stderr = new Writable({ write(chunk, _enc, cb) { io.stderr(String(chunk)); cb(); } });
    const logger = createLogger(getEnv().LOG_LEVEL === 'info' ? 'warn' : getEnv().LOG_LEVEL, stderr);
    const app = await boot({ env: getEnv(), logger, dbPurpose: 'cli', ...(io.clock ? { clock: io.clock } : {}) });
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  };
  // With a chat platform configured, the bot delivers: the command line has
  // only the log, and "delivering" there would mark the notification sent
  // without anyone seeing it. It leaves such rows queued instead.
  const platformConfigured = () => {
    const e = getEnv();
    return PLATFORMS.some((m) => m.configured?.(e));
  };
  const leftQueued = async (app: App) => {
    const h = await app.dispatcher.health();
    return h.pending ? `${h.pending} notification(s) are queued for the bot to send on Slack or Teams; the command line never sends chat messages itself.\n` : '';
  };
  const asActor = (app: App, id: string) => {
    if (!app.directory.people.some((p) => p.id === id)) throw new CliFailure(`--as ${id}: there is nobody with that id in ${app.directoryFile}.`, EXIT.USAGE);
    return { personId: id, platform: 'cli' as const, osAccount: io.osAccount ?? osAccount(io.env) };
  };
  const account = () => io.osAccount ?? osAccount(io.env);
  const seen = (app: App, as: string | undefined, action: AccessInput['action'], refs: string[], command: string, detail: Record<string, unknown> = {}) =>
    cliSeen(app, account(), as, action, refs, command, detail);
  const show = (app: App, d: Parameters<typeof formatDispute>[1], notice: string | null) => {
    if (notice) io.stdout(`${notice}\n`);
    io.stdout(`${formatDispute(app, d)}\n`);
  };

  const program = new Program('s117')
    .description('The Section 117 dispute bot: register, calendar and protocol from the command line.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help to see how to use it)');

  registerDbCommands(program, { stdout: io.stdout, getEnv, app: io.app, now: () => io.clock?.now() ?? new Date(), account });
  registerGovernanceCommands(program, { stdout: io.stdout, withApp, osAccount: () => io.osAccount ?? osAccount(io.env) });

  const directoryCmd = program.command('directory').description('the directory of people and organisations');
  directoryCmd.command('reload').description('read the directory file again; open disputes invite new role holders and let leavers go')
    .action(async () => {
      await withApp(async (app) => {
        const r = await app.reloadDirectory();
        io.stdout(`Reloaded ${app.directoryFile}: ${r.people} people. ${r.disputes} open dispute(s) changed to follow it.\n`);
      });
    });
  directoryCmd
    .command('check').argument('[file]', 'the directory file (default: DIRECTORY_FILE)').description('validate a directory file')
    .action((file?: string) => {
      const f = file ?? getEnv().DIRECTORY_FILE;
      // The default is missing on every fresh clone: say where the example is, not only that the file is absent.
      const start = file ? '' : ' Copy config/directory.example.yaml to it and put your partnership\'s people in it, or give a file: s117 directory check FILE.';
      if (!fs.existsSync(f)) throw new CliFailure(`The directory file ${f} does not exist.${start}`, EXIT.USAGE);
      // Read as a file, a folder was "Failed: EISDIR: illegal operation on a directory, read".
      if (!fs.statSync(f).isFile()) throw new CliFailure(`${f} is a folder, not a directory file: give the path of the directory YAML file.`, EXIT.USAGE);
      let d;
      try {
        d = parseDirectory(fs.readFileSync(f, 'utf8'), f);
      } catch (e) {
        if (e instanceof DirectoryError) throw new DirectoryError(`${e.message}\nFix each line in ${f} and run "s117 directory check" again. The bot will not start until it is valid.`, e.problems);
        throw e;
      }
      io.stdout(`${f} is valid: ${d.partnership}, ${d.organisations.length} organisations, ${d.people.length} people.\n`);
      const advice = directoryAdvice(d, homeService(getEnv()));
      if (advice.length) io.stdout(`${advice.length} thing(s) to fix (the bot starts, but these will get in the way):\n${advice.map((a) => `  - ${a}`).join('\n')}\n`);
    });

  registerCalendarCommands(program, { stdout: io.stdout, getEnv });

  const dispute = program.command('dispute').description('one dispute');
  dispute.command('show').argument('<ref>', 'the reference, e.g. S117-2026-0042').option('--json', 'print the full record as JSON')
    .option('--as <person>', 'show it only if this person may see it')
    .description('state, stages, deadlines and history').action(async (ref: string, o: { json?: boolean; as?: string }) => {
      await withApp(async (app) => {
        const found = await app.service.get({ reference: ref.toUpperCase() });
        // Someone who may not see it learns nothing, not even that it exists.
        const d = found && visibleTo(app, o.as)(found) ? found : null;
        if (!d) throw new CliFailure(`There is no dispute ${ref}${o.as ? ` that ${o.as} can see` : ''}. References look like S117-2026-0042.`, EXIT.FAILED);
        const history = await app.service.history(d.id);
        await seen(app, o.as, 'VIEW', [d.reference], 'dispute show', { json: Boolean(o.json) });
        if (o.json) {
          // The NHS number is masked here as on every screen, in a correction of it too.
          const mask = (v: unknown) => (typeof v === 'string' && v ? `*******${v.replace(/\s/g, '').slice(-3)}` : v);
          const shown = history.map((h) => {
            const data = h.data as { field?: unknown; before?: unknown; after?: unknown } | null;
            return h.type === 'CORRECTED' && data?.field === 'nhsNumber' ? { ...h, data: { ...data, before: mask(data.before), after: mask(data.after) } } : h;
          });
          io.stdout(`${JSON.stringify({ ...d, nhsNumber: d.nhsNumber ? `*******${d.nhsNumber.slice(-3)}` : null, history: shown }, null, 2)}\n`);
          return;
        }
        io.stdout(`${formatDispute(app, d)}\n\nHistory:\n`);
        const names: HistoryNames = {
          person: (id) => app.directory.people.find((p) => p.id === id)?.name ?? id,
          organisation: (id) => app.directory.organisations.find((o) => o.id === id)?.name ?? id,
          date: (iso) => localTime(app, new Date(iso)),
        };
        for (const h of history) {
          const who = app.directory.people.find((p) => p.id === h.actorId)?.name ?? h.actorId;
          const account = (h.data as { osAccount?: unknown } | null)?.osAccount;
          const via = typeof account === 'string' ? `${h.platform}, OS account ${account}` : h.platform;
          io.stdout(`  ${String(h.seq).padStart(3)}  ${localTime(app, h.at)}  ${h.type.padEnd(24)} ${who} (${via})${h.correctsSeq ? ` corrects #${h.correctsSeq}` : ''}\n`
            + `       ${historyText(h.type, h.data, d, names)}\n`);
        }
      });
    });
  registerDocumentCommands(dispute, { withApp, stdout: io.stdout });
  dispute.command('list').option('--as <person>', 'only disputes this person takes part in').description('open disputes, soonest deadline first')
    .action(async (o: { as?: string }) => {
      await withApp(async (app) => {
        const list = o.as ? await app.service.openFor(asActor(app, o.as).personId) : (await app.service.all()).filter((d) => d.status === 'OPEN');
        await seen(app, o.as, 'LIST', list.map((d) => d.reference), 'dispute list');
        if (!list.length) io.stdout('No open disputes.\n');
        for (const d of list) {
          const v = app.service.view(d);
          io.stdout(`${v.reference}  Stage ${v.stage} (${v.stageName})  ${v.dueText}${v.overdue ? '  OVERDUE' : ''}\n`);
        }
      });
    });
  dispute.command('raise').requiredOption('--as <person>', 'your directory id').requiredOption('--file <file>', 'the dispute as YAML or JSON (see docs/cli.md)')
    .option('--key <key>', 'idempotency key: running the same command twice raises one dispute')
    .option('--wording-confirmed', 'the words read as ending aftercare but it is not about ending: raise it as written '
      + '(asked once; the same as "wordingConfirmed": true in the file). If it is about ending, add ENDING_AFTERCARE to "subjects" '
      + 'instead: it starts at Stage 3')
    .description('raise a dispute').action(async (o: { as: string; file: string; key?: string; wordingConfirmed?: boolean }) => {
      const parsed = raiseSchema.safeParse(readStructured(o.file));
      if (!parsed.success) throw new CliFailure(`${o.file} is not a valid dispute:\n${zodProblems(parsed.error)}`, EXIT.DATA);
      const input = o.wordingConfirmed ? { ...parsed.data, wordingConfirmed: true } : parsed.data;
      await withApp(async (app) => {
        const r = await app.service.raise(asActor(app, o.as), input, o.key ? { idempotencyKey: `cli:${o.key}` } : {});
        if (r.duplicate) io.stdout('This was already raised (same --key); nothing changed.\n');
        show(app, r.dispute, r.notice);
      });
    });
  dispute.command('act').argument('<ref>', 'the reference').requiredOption('--as <person>', 'your directory id')
    .addOption(new Option('--json <command>', 'the action as JSON, e.g. \'{"type":"ESCALATE","reason":"no agreement"}\''))
    .option('--file <file>', 'the action as YAML or JSON').option('--key <key>', 'idempotency key')
    .description('record an action: tick, escalate, propose or confirm a decision, person steps, CHC, …').addHelpText('after', actionsHelp()).action(async (ref: string, o: { as: string; json?: string; file?: string; key?: string }) => {
      let raw: unknown;
      if (o.json) {
        try { raw = JSON.parse(o.json); } catch (e) { throw new CliFailure(`--json is not valid JSON: ${(e as Error).message}`, EXIT.USAGE); }
      } else if (o.file) raw = readStructured(o.file);
      else throw new CliFailure('Give the action with --json or --file.', EXIT.USAGE);
      const parsed = commandSchema.safeParse(raw);
      if (!parsed.success) throw new CliFailure(`The action is not valid:\n${zodProblems(parsed.error)}`, EXIT.DATA);
      await withApp(async (app) => {
        const r = await app.service.act(asActor(app, o.as), { reference: ref.toUpperCase() }, parsed.data, o.key ? { idempotencyKey: `cli:${o.key}` } : {});
        show(app, r.dispute, r.notice);
        if (platformConfigured()) io.stdout(await leftQueued(app));
        else await app.dispatcher.deliverDue();
      });
    });

  dispute.command('redact').argument('<ref>', 'the reference').requiredOption('--as <person>', 'your directory id')
    .requiredOption('--entry <n>', 'the history entry that holds the wrong value (its number in "s117 dispute show")')
    .requiredOption('--reason <text>', 'why it is removed')
    .description('remove a wrong value from one history entry (R11.1): its digest stays, so the history still verifies, and the removal is recorded')
    .action(async (ref: string, o: { as: string; entry: string; reason: string }) => {
      const entry = Number(o.entry);
      if (!Number.isInteger(entry) || entry < 1) throw new CliFailure(`--entry must be the number of a history entry, not "${o.entry}".`, EXIT.USAGE);
      await withApp(async (app) => {
        const r = await app.service.act(asActor(app, o.as), { reference: ref.toUpperCase() }, { type: 'REDACT', entry, reason: o.reason });
        io.stdout(`Removed the texts of entry ${entry} from the history of ${r.dispute.reference}; the removal is recorded with your reason.\n`);
      });
    });

  const register = program.command('register').description('the Section 117 register');
  register.command('summary')
    .option('--from <date>', 'period start (YYYY-MM-DD)').option('--to <date>', 'period end (YYYY-MM-DD)')
    .description('figures for the Partnership Board (the same figures as "s117 report" for the same period)')
    .action(async (o: { from?: string; to?: string }) => {
      checkRange(o.from, o.to);
      await withApp(async (app) => {
        const now = app.service.now();
        const all = await app.service.all();
        // Without dates: everything so far, from the first dispute raised to today.
        const first = all.map((d) => app.calendar.localDate(new Date(d.raisedAt))).sort()[0] ?? app.calendar.localDate(now);
        const period = { from: o.from ?? first, to: o.to ?? app.calendar.localDate(now) };
        // Figures only, no dispute named: logged as an export of the whole register for the period.
        await seen(app, undefined, 'EXPORT', [], 'register summary', { from: period.from, to: period.to });
        io.stdout(`${JSON.stringify(summaryOfReport(boardReport(all, period, app.calendar, app.directory, now)), null, 2)}\n`);
      });
    });
  register.command('export')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--from <date>', 'raised on or after (YYYY-MM-DD)').option('--to <date>', 'raised on or before (YYYY-MM-DD)')
    .option('--out <file>', 'write to a file instead of the screen')
    .option('--as <person>', 'only the disputes this person may see')
    .description('one row per dispute: subjects, parties, stage reached, every stage\'s start/due/met, outcome, flags')
    .action(async (o: { format: 'csv' | 'json'; from?: string; to?: string; out?: string; as?: string }) => {
      checkRange(o.from, o.to);
      await withApp(async (app) => {
        const may = visibleTo(app, o.as);
        const chosen = (await app.service.all()).filter((d) => raisedWithin(d, app.calendar, o.from, o.to) && may(d));
        await seen(app, o.as, 'EXPORT', chosen.map((d) => d.reference), 'register export', { format: o.format, from: o.from ?? null, to: o.to ?? null, file: Boolean(o.out) });
        const rows = chosen.map((d) => registerRow(d, app.directory, app.service.now()));
        const text = o.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : toCsv(rows, (iso) => localTime(app, new Date(iso)));
        if (o.out) {
          writeOwnerOnly(o.out, text);
          io.stdout(`Wrote ${rows.length} dispute(s) to ${o.out}.\n`);
        } else io.stdout(text);
      });
    });

  register.command('verify')
    .description('check every dispute\'s history against its seals and the signed checkpoints; exit 1 if anything was changed outside the bot')
    .option('--trust <key>', 'also accept checkpoints signed with this public key (base64, as "s117 register checkpoint" prints it)')
    .action(async (o: { trust?: string }) => {
      await withApp(async (app) => {
        const chains = await checkRegister(app.service);
        const r = verifyText(chains);
        const anchored = app.auditDir
          ? checkpointText(await checkCheckpoints(app.db, app.auditDir, o.trust ? [o.trust] : []), new Map(chains.map((c) => [c.id, c.reference])))
          : { ok: true, text: '' };
        if (!r.intact || !anchored.ok) throw new CliFailure(`${r.text}${anchored.text}`.trimEnd(), EXIT.FAILED);
        io.stdout(`${r.text}${anchored.text}`);
      });
    });

  register.command('checkpoint')
    .description('sign a checkpoint of the history now (the bot takes one a day), write it beside the data folder and tell governance')
    .action(async () => {
      await withApp(async (app) => {
        if (!app.auditDir) throw new CliFailure('This register is in memory: set AUDIT_DIR to the folder where checkpoints should be kept.', EXIT.USAGE);
        const r = await checkpointIfDue(app.db, app.auditDir, app.store, app.service.now(), { force: true });
        if (!r?.written) {
          const why = r ? checkpointText(r.check, new Map((await app.service.all()).map((d) => [d.id, d.reference]))).text : '';
          throw new CliFailure(`No checkpoint was signed: the history no longer matches the checkpoints before.\n${why}`.trimEnd(), EXIT.FAILED);
        }
        const c = r.checkpoint;
        io.stdout(`Signed a checkpoint of ${c.count} entries (root ${c.root}) at ${c.at}, in ${r.file}.\n`
          + `Signing key ${keyFingerprint(c.key)}; its public key, to keep with governance: ${c.key}\n`
          + 'Governance is sent the count and root through the bot.\n');
      });
    });

  program.command('report')
    .option('--from <date>', 'first day (YYYY-MM-DD); default: the start of the last full quarter')
    .option('--to <date>', 'last day (YYYY-MM-DD); default: the end of the last full quarter')
    .requiredOption('--out <file>', 'where to write it: .html (self-contained, charts included) or .csv')
    .description('the Partnership Board report for a period (R9.2)')
    .action(async (o: { from?: string; to?: string; out: string }) => {
      checkRange(o.from, o.to);
      if ((o.from && !o.to) || (!o.from && o.to)) throw new CliFailure('Give both --from and --to, or neither for the last full quarter.', EXIT.USAGE);
      if (!/\.(html?|csv)$/i.test(o.out)) throw new CliFailure('--out must end in .html or .csv.', EXIT.USAGE);
      await withApp(async (app) => {
        const now = app.service.now();
        const period = o.from && o.to ? { from: o.from, to: o.to } : lastQuarter(app.calendar.localDate(now));
        const report = boardReport(await app.service.all(), period, app.calendar, app.directory, now);
        await seen(app, undefined, 'EXPORT', report.overdue.map((x) => x.reference), 'report', { from: period.from, to: period.to });
        writeOwnerOnly(o.out, /\.csv$/i.test(o.out) ? reportCsv(report) : await reportHtmlFile(report));
        io.stdout(`Wrote the report for ${period.from} to ${period.to} to ${o.out}: ${report.opened} opened, ${report.closed} closed, ${report.openAtEnd} open at the end.\n`);
      });
    });

  registerAccessCommands(program, { stdout: io.stdout, withApp, account });

  program.command('tick').description('run one scheduler sweep and outbox delivery now').action(async () => {
    await withApp(async (app) => {
      const deliver = !platformConfigured();
      const mark = await outboxMark(app.db);
      const r = await app.scheduler.tick({ deliver });
      const swept = `Swept ${r.swept} dispute(s)${r.sweepFailures ? ` (${r.sweepFailures} failed; see the log)` : ''}`;
      if (deliver) io.stdout(`${swept}; delivered ${r.delivered} notification(s), ${r.retried} to retry, ${r.failed} failed.\n`);
      else io.stdout(`${swept}.\n${await leftQueued(app)}`);
      io.stdout(tickReport(await outboxSince(app.db, mark), app.service.now(), (d) => localTime(app, d)));
    });
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (e instanceof CliFailure) { io.stderr(`${e.message}\n`); return e.code; }
    if (e instanceof DomainError) {
      // A form's other problems too, so a person fixing a file is not sent back once per mistake.
      io.stderr(`Refused: ${forCli(e.message)}\n${e.also.map((x) => `Also: ${forCli(x.message)}\n`).join('')}`);
      return EXIT.FAILED;
    }
    if (e instanceof DirectoryError) { io.stderr(`${e.message}\n`); return EXIT.DATA; }
    if (e instanceof StartupError) { io.stderr(`${e.message}\n`); return e.exitCode; }
    if (e instanceof MigrationError) { io.stderr(`${e.message}\n`); return EXIT.FAILED; }
    if (e instanceof BackupError || e instanceof BackupKeyError) { io.stderr(`${e.message}\n`); return EXIT.FAILED; }
    if (e instanceof DataDirExposed) { io.stderr(`${e.message}\n`); return EXIT.CONFIG; }
    if (e instanceof DataDirLocked) { io.stderr(`${e.message}\n`); return EXIT.BUSY; }
    io.stderr(`Failed: ${(e as Error).message}\n`);
    return EXIT.FAILED;
  }
}

/**
 * While the bot runs on this machine and owns the embedded database, a
 * register command runs inside the bot instead (the CLI opening the folder
 * too would lose disputes). Null: run it here.
 */
async function throughRunningBot(argv: string[], io: CliIo, getEnv: () => Env): Promise<number | null> {
  if (io.app || !needsRegister(argv)) return null;
  let e: Env;
  try { e = getEnv(); } catch { return null; } // the parser reports bad settings with its own message
  if (e.DATABASE_URL || e.DATA_DIR.startsWith('memory://')) return null;
  const bot = runningBot(e.DATA_DIR);
  if (!bot) return null;
  io.stderr(`The bot is running on ${e.DATA_DIR} (process ${bot.pid}); this command runs through it.\n`);
  // The bot has its own environment: a backup key set for this command must travel with it.
  const words = argv.filter((a) => !a.startsWith('-'));
  const withKey = words[0] === 'db' && words[1] === 'backup' && e.BACKUP_KEY_FILE && !argv.some((a) => a === '--key-file' || a.startsWith('--key-file='))
    ? [...argv, '--key-file', e.BACKUP_KEY_FILE] : argv;
  try {
    const r = await runThroughBot(bot.admin, withKey, osAccount(io.env));
    io.stdout(r.out);
    io.stderr(r.err);
    return r.code;
  } catch (err) {
    io.stderr(`The running bot could not run this command: ${(err as Error).message}. Check the bot's log, or stop the bot and run the command again.\n`);
    return EXIT.FAILED;
  }
}
