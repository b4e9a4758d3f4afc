import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { FakeSmtpRelay } from '../fakes/smtp.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES } from '../helpers/app.ts';
import { directoryWithHomes } from '../helpers/homes.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';

const ICB_PEOPLE = ['gus.hart@anytown.nhs.uk', 'ivy.nash@anytown.nhs.uk'];

describe.each(DATABASES)('e-mail as a platform, on %s', (_name, setup) => {
  let fake: FakeSlackApi;
  let relay: FakeSmtpRelay;
  let bot: Bot;
  let clock: FakeClock;
  let cleanup: () => Promise<void>;
  let tmp: string;

  beforeEach(async () => {
    const s = await setup();
    cleanup = s.cleanup;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-mail-'));
    fake = new FakeSlackApi();
    await fake.start();
    relay = new FakeSmtpRelay();
    await relay.start();
    clock = new FakeClock('2026-12-07T10:00:00Z');
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: directoryWithHomes(tmp, { 'anytown-icb': ['email'], 'anytown-council': ['slack:T0ANYTOWN'] }, 'governance@anytown.nhs.uk'), SCHEDULER: 'off',
      ...(s.databaseUrl ? { DATABASE_URL: s.databaseUrl } : {}),
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, PUBLIC_URL: 'https://s117.example.nhs.uk',
      SMTP_URL: relay.url, MAIL_FROM: 's117-noreply@anytown.nhs.uk',
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
  });
  afterEach(async () => {
    await bot.stop();
    await fake.stop();
    await relay.stop();
    await cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const pending = () => bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } });
  /** Delivers until nothing due is left, moving the clock past each backoff. */
  const settle = async () => {
    await until(async () => {
      await bot.app.scheduler.tick();
      if ((await pending()) === 0) return true;
      const next = await bot.app.db.prisma.outbox.findFirst({ where: { deliveredAt: null, failedAt: null }, orderBy: { nextAttemptAt: 'asc' } });
      if (next && next.nextAttemptAt > clock.now()) clock.set(new Date(next.nextAttemptAt.getTime() + 1).toISOString());
      return false;
    }, 'the outbox to drain');
  };
  const raise = () => bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());

  it('[R0.4] [R11.2] reaches an organisation that works by e-mail: the reference only, plain text and HTML, a link, one Message-ID per notification', async () => {
    await raise();
    await settle();
    // The council works in Slack: its space holds only people who work there.
    expect(fake.channelNames()).toEqual(['s117-2026-0001']);
    const invited = fake.of('conversations.invite').flatMap((c) => String(c.args.users).split(','));
    expect(invited).toContain('U0ALIKHAN1');
    expect(invited.filter((u) => ['U0GUSHART1', 'U0IVYNASH1'].includes(u))).toEqual([]);
    // The ICB's people are written to instead.
    for (const to of ICB_PEOPLE) expect(relay.to(to).length).toBeGreaterThan(0);
    expect(relay.to('ali.khan@anytown.gov.uk')).toEqual([]);
    for (const m of relay.received) {
      expect(m.parsed.subject).toBe('S117-2026-0001: Section 117 dispute');
      expect(m.parsed.text).toContain('https://s117.example.nhs.uk/register/dispute/S117-2026-0001');
      expect(m.parsed.html).toContain('href="https://s117.example.nhs.uk/register/dispute/S117-2026-0001"');
      expect(m.parsed.from?.text).toBe('s117-noreply@anytown.nhs.uk');
      // No NHS number however written, no names, no case text.
      expect(m.raw).not.toMatch(/9[\s-]*4[\s-]*3[\s-]*4[\s-]*7[\s-]*6[\s-]*5[\s-]*9[\s-]*1[\s-]*9/);
      expect(m.raw).not.toMatch(/Gus Hart|Ivy Nash|Ali Khan|AC-104233|floating support|supported accommodation/i);
    }
    const ids = relay.received.map((m) => `${m.parsed.messageId} ${m.envelopeTo.join()}`);
    expect(new Set(ids).size).toBe(ids.length);
    // Sent from the outbox: each row's own address on the row, so a retry can tell it was sent.
    const rows = await bot.app.db.prisma.outbox.findMany({ where: { platform: 'email' } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.deliveredAt && !r.failedAt)).toBe(true);
  });

  it('a relay that asks us to try later loses nothing and sends nothing twice', async () => {
    relay.refuseNext(451, 3);
    await raise();
    await settle();
    expect(relay.attempts).toBe(relay.received.length + 3);
    for (const to of ICB_PEOPLE) expect(relay.to(to).length).toBeGreaterThan(0);
    const byId = new Map<string, number>();
    for (const m of relay.received) for (const to of m.envelopeTo) byId.set(`${m.parsed.messageId}|${to}`, (byId.get(`${m.parsed.messageId}|${to}`) ?? 0) + 1);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
  });

  it('a relay that refuses a message for good fails that one row and tells governance once', async () => {
    relay.refuseNext(550, 1);
    await raise();
    await settle();
    const failed = await bot.app.db.prisma.outbox.findMany({ where: { failedAt: { not: null } } });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.platform).toBe('email');
    expect(failed[0]!.lastError).toMatch(/refused the message \(550\)/);
    await settle();
    const alerts = fake.of('chat.postMessage').filter((c) => c.args.channel === 'C0GOVERN1' && /could not be delivered|failed/i.test(JSON.stringify(c.args)));
    expect(alerts.length).toBe(1);
  });
});
