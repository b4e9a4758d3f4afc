import path from 'node:path';
import { makeFolder } from './register/startup-checks.ts';
import { WorkingCalendar } from './calendar/working-calendar.ts';
import type { Env } from './platforms.ts';
import { loadDirectory } from './config/directory.ts';
import { DEFAULT_POLICY, type Policy } from './domain/stage-policy.ts';
import type { Directory } from './domain/types.ts';
import { openDatabase, type Database } from './register/db.ts';
import { migrate } from './register/migrate.ts';
import { syncDirectory } from './register/directory-sync.ts';
import { RegisterConversations } from './register/conversations.ts';
import { RegisterDisputeStore } from './register/dispute-store.ts';
import { RegisterAccessLog } from './register/access-log.ts';
import { findDisputesByCaseNumber, findDisputesByNhsNumber } from './register/subject-search.ts';
import { LogChatPort } from './adapters/log/log-chat-port.ts';
import { OutboxDispatcher } from './app/dispatcher.ts';
import { OutboxStore } from './register/outbox-store.ts';
import { DbRateLimitStore } from './register/rate-limit-store.ts';
import { registeredPeople } from './register/people.ts';
import type { Conversations } from './app/conversations.ts';
import { DisputeService, SWEEP_BATCH_POSTGRES } from './app/dispute-service.ts';
import type { DisputeStore } from './app/dispute-store.ts';
import { homeService, PLATFORMS } from './platforms.ts';
import type { Reach } from './domain/homes.ts';
import { type ChatPort, type Clock, type Logger, systemClock } from './app/ports.ts';
import { SharedSpaces } from './app/shared-spaces.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { sendMonthlyReportIfDue } from './app/monthly-report.ts';
import { auditDir } from './register/checkpoints.ts';
import { dailyCheckpoints } from './register/checkpoint-job.ts';
import { identifierKeyFile, loadIdentifierKeys } from './register/identifiers.ts';
import { protectStoredIdentifiers } from './register/identifier-rows.ts';
import { Foreground } from './app/foreground.ts';

export interface App {
  env: Env;
  db: Database;
  calendar: WorkingCalendar;
  policy: Policy;
  /** The directory in use now (R5.8: replaced by reloadDirectory without a restart). */
  readonly directory: Directory;
  directoryFile: string;
  /** Reads the directory file again; open disputes invite new role holders and let leavers go. */
  reloadDirectory(): Promise<{ people: number; disputes: number }>;
  service: DisputeService;
  store: DisputeStore;
  conversations: Conversations;
  dispatcher: OutboxDispatcher;
  scheduler: Scheduler;
  /** Invitations into another organisation's shared channel (Slack Connect): their answers, and those never answered. */
  sharedSpaces: SharedSpaces;
  ports: Record<string, ChatPort>;
  /** Requests being answered in this process, against background work (one per boot; see foreground.ts). */
  foreground: Foreground;
  appliedMigrations: string[];
  /** Where signed history checkpoints and their key are kept; null for a register in memory with no AUDIT_DIR. */
  auditDir: string | null;
  close(): Promise<void>;
}

export interface BootOptions {
  env: Env;
  logger: Logger;
  clock?: Clock;
  /** Chat platforms by name; a log-only port is always there as the fallback. */
  ports?: Record<string, ChatPort>;
  defaultPlatform?: string;
  outboxPollMs?: number;
  /** The clock rate limits run on (physical time unless a test says otherwise). */
  rateClock?: Clock;
  /** Who opens the embedded database ('bot' by default; the CLI says 'cli'), named to anyone it refuses. */
  dbPurpose?: string;
  /** The running bot's requests, when it serves any (a new one, that never sees a request, otherwise). */
  foreground?: Foreground;
}

export function calendarFromEnv(env: Env): WorkingCalendar {
  return new WorkingCalendar({
    timeZone: env.TIME_ZONE, closeOfBusiness: env.CLOSE_OF_BUSINESS, workStart: env.WORKING_HOURS_START, workEnd: env.WORKING_HOURS_END,
    extraClosures: env.LOCAL_CLOSURE_DAYS,
  });
}

/**
 * The composition root shared by the bot and the CLI: config → database
 * (migrated) → directory → register-backed ports → use cases → outbox →
 * scheduler. Nothing starts ticking here.
 */
export async function boot(opts: BootOptions): Promise<App> {
  const { env, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const calendar = calendarFromEnv(env);
  const policy: Policy = {
    ...DEFAULT_POLICY,
    personStepsDueWorkingDays: env.PERSON_STEPS_DUE_WORKING_DAYS,
    overdueRepeatWorkingDays: env.OVERDUE_REPEAT_WORKING_DAYS,
  };
  const loaded = loadDirectory(env.DIRECTORY_FILE, (m) => logger.warn(m));
  const file = loaded.file;
  let directory = loaded.directory;
  const foreground = opts.foreground ?? new Foreground();
  // Folders the settings name, checked before the database takes its seconds to open (the defaults beside DATA_DIR
  // are checked once DATA_DIR is known good, below): see makeFolder.
  const keyFile = identifierKeyFile(env);
  const keyFolder = (f: string) => makeFolder(path.dirname(f), 'IDENTIFIER_KEY_FILE',
    'like /var/lib/s117-keys/identifiers.key, apart from DATA_DIR', 'a file in a folder');
  const audit = auditDir(env);
  const auditFolder = (d: string) => makeFolder(d, 'AUDIT_DIR', 'like /var/lib/s117-audit, apart from DATA_DIR');
  if (env.IDENTIFIER_KEY_FILE && keyFile) keyFolder(keyFile);
  if (env.AUDIT_DIR && audit) auditFolder(audit);
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, purpose: opts.dbPurpose ?? 'bot', isBackground: () => foreground.isBackground(),
    migratedSeed: true,
  });
  try {
    const appliedMigrations = await migrate(db.sql);
    if (appliedMigrations.length) logger.info({ migrations: appliedMigrations }, 'database migrated');
    // Outside the database, so a copy or backup of it carries no readable NHS number.
    if (!env.IDENTIFIER_KEY_FILE && keyFile) keyFolder(keyFile);
    if (!env.AUDIT_DIR && audit) auditFolder(audit);
    db.identifiers = loadIdentifierKeys(keyFile);
    const protectedNow = await protectStoredIdentifiers(db, clock.now());
    if (protectedNow.rows || protectedNow.histories) logger.info(protectedNow, 'NHS numbers encrypted under the current identifier key');
    await syncDirectory(db, directory);
    const ports: Record<string, ChatPort> = { log: new LogChatPort(logger.child({ platform: 'log' })), ...opts.ports };
    const store = new RegisterDisputeStore(db);
    const conversations = new RegisterConversations(db);
    const service = new DisputeService({
      store, conversations, clock, calendar, policy, directory: () => directory, logger,
      access: new RegisterAccessLog(db, clock),
      subjects: { byNhsNumber: (n) => findDisputesByNhsNumber(db, n), byCaseNumber: (c) => findDisputesByCaseNumber(db, c) },
      reach: () => reachOf(directory, opts.env, Object.keys(opts.ports ?? {})),
      ...(db.kind === 'postgres' ? { sweepBatch: SWEEP_BATCH_POSTGRES } : {}),
      foreground,
    });
    const dispatcher = new OutboxDispatcher({
      outbox: new OutboxStore(db), limits: new DbRateLimitStore(db), clock, ...(opts.rateClock ? { rateClock: opts.rateClock } : {}),
      service, ports, defaultPlatform: opts.defaultPlatform ?? 'log', logger: logger.child({ part: 'outbox' }),
      registeredPeople: (ids) => registeredPeople(db, ids), foreground,
      settings: {
        retryHorizonMs: env.OUTBOX_RETRY_HORIZON_HOURS * 3_600_000, alertAfterMs: env.OUTBOX_ALERT_AFTER_HOURS * 3_600_000,
        rowTimeoutMs: env.PLATFORM_CALL_TIMEOUT_MS * 4, rateScale: env.RATE_LIMIT_SCALE, concurrency: env.OUTBOX_CONCURRENCY,
      },
    });
    // Slack Connect's invitations: the platform's events (accepted, declined) and the sweep of unanswered ones.
    const sharedSpaces = new SharedSpaces({
      outbox: new OutboxStore(db), dispute: (id) => service.get({ id }), directory: () => directory, now: () => service.now(),
      hasPort: (key) => Boolean(ports[key]), logger: logger.child({ part: 'shared-spaces' }), calendar,
      answerWorkingDays: env.SHARED_CHANNEL_ANSWER_WORKING_DAYS, onChange: () => void scheduler.deliverSoon(),
    });
    const scheduler = new Scheduler(service, dispatcher, logger.child({ part: 'scheduler' }), {
      cron: env.SWEEP_CRON, timeZone: env.TIME_ZONE, outboxPollMs: opts.outboxPollMs ?? 3000,
    }, () => sendMonthlyReportIfDue(store, service, calendar, clock.now(), env.PUBLIC_URL?.replace(/\/$/, '') ?? null),
    audit ? dailyCheckpoints(db, audit, store, clock) : undefined, () => sharedSpaces.sweepUnanswered());
    return {
      env, db, calendar, policy, directoryFile: file, service, store, conversations, dispatcher, scheduler, sharedSpaces, ports, foreground,
      appliedMigrations, auditDir: audit,
      get directory() { return directory; },
      // R5.8: a bad file is refused with its problems and the directory in use stays as it was.
      async reloadDirectory() {
        const next = loadDirectory(env.DIRECTORY_FILE, (m) => logger.warn(m)).directory;
        await syncDirectory(db, next);
        directory = next;
        const disputes = await service.followDirectory();
        logger.info({ people: next.people.length, disputes }, 'directory reloaded; open disputes follow it');
        return { people: next.people.length, disputes };
      },
      async close() {
        await scheduler.stop();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * Where people are reached, once an organisation in the directory names
 * where it works: every configured platform, in the registry's order (the
 * first chat platform takes disputes raised elsewhere, as the CLI's do).
 * Without homes in the directory, every dispute stays where it was raised.
 */
function reachOf(directory: Directory, env: Env, running: string[]): Reach | null {
  if (!directory.organisations.some((o) => o.homes?.length) && !directory.people.some((p) => p.home)) return null;
  const configured = PLATFORMS.filter((m) => m.configured?.(env)).map((m) => m.name);
  // A port handed in from outside the registry (tests run platforms that way) delivers too; the bot's own ports are
  // exactly the configured ones, so the bot and the command line route alike.
  const available = [...new Set([...configured, ...running.filter((p) => p !== 'log')])];
  // E-mail has no space to hold a dispute: people with no home of their own stay in the log rather than in a mailbox.
  const fallback = available.find((p) => p !== 'email') ?? 'log';
  const service = homeService(env);
  const serves = (platform: string, space: string | null) => (
    configured.includes(platform) ? service(platform, space).served : running.includes(platform));
  // A workspace or tenant with a port of its own (`slack:T0ABC`) is a home of its own, unless its module says otherwise.
  const homeKey = (platform: string, space: string | null) => PLATFORMS.find((m) => m.name === platform)?.homeKey?.(env, space)
    ?? (space && available.includes(`${platform}:${space}`) ? `${platform}:${space}` : platform);
  return { available, fallback, serves, homeKey };
}
