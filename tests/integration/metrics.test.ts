import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv } from '../../src/platforms.ts';
import { FakeClock } from '../fakes/clock.ts';
import { RecordingChatPort } from '../fakes/recording-chat-port.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { buildRegister } from '../fixtures/register.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { emulatorUrl } from '../helpers/local-register.ts';

const TOKEN = 'metrics-admin-token-for-tests-0123456789';

/** One sample's value from Prometheus text, e.g. value(text, 's117_disputes_open{stage="3"}'). */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : undefined;
}

describe('/metrics', () => {
  let bot: Bot;
  let clock: FakeClock;
  let base: string;
  const chat = new RecordingChatPort('slack');
  beforeAll(async () => {
    clock = new FakeClock('2026-10-05T10:00:00Z');
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', ADMIN_TOKEN: TOKEN });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false, ports: { slack: chat } });
    base = `http://127.0.0.1:${bot.address.port}`;
  }, 120_000);
  afterAll(async () => { await bot.stop(); });

  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => {
    const r = await fetch(`${base}/metrics`, { headers });
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  };

  it('reports open disputes by stage, overdue disputes, deliveries by platform and result, and sweep duration, in Prometheus format', async () => {
    chat.failNext(1, { retryable: true, retryAfterMs: 10 });
    await buildRegister(bot, clock);
    await bot.app.scheduler.tick();
    const m = await scrape();
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.text).toMatch(/# TYPE s117_disputes_open gauge/);
    // buildRegister leaves one dispute open at Stage 3, overdue, and two resolved.
    expect(value(m.text, 's117_disputes_open{stage="3"}')).toBe(1);
    expect(value(m.text, 's117_disputes_open{stage="1"}')).toBe(0);
    expect(value(m.text, 's117_disputes_overdue')).toBe(1);
    expect(value(m.text, 's117_deliveries_total{platform="slack",operation="openCaseSpace",result="ok"}')).toBeGreaterThanOrEqual(3);
    // The one failed call (whichever notification went first) is counted as a retry, and nothing as a permanent error.
    const samples = m.text.split('\n').filter((l) => l.startsWith('s117_deliveries_total{platform="slack"'));
    const sum = (result: string) => samples.filter((l) => l.includes(`result="${result}"`)).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    expect({ retry: sum('retry'), error: sum('error') }).toEqual({ retry: 1, error: 0 });
    expect(value(m.text, 's117_sweep_duration_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(m.text).toMatch(/^s117_process_cpu_user_seconds_total /m);
  }, 300_000);

  it('shows the outbox depth and how long the oldest due notification has waited, by the bot\'s clock', async () => {
    clock.set('2027-03-01T10:00:00Z');
    await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
    let m = await scrape();
    const due = value(m.text, 's117_outbox_pending{state="due"}')!;
    expect(due).toBeGreaterThan(0);
    expect(value(m.text, 's117_outbox_oldest_due_age_seconds')).toBe(0);
    clock.advanceMs(90_000);
    m = await scrape();
    expect(value(m.text, 's117_outbox_oldest_due_age_seconds')).toBe(90);
    await bot.app.dispatcher.deliverDue();
    m = await scrape();
    expect(value(m.text, 's117_outbox_pending{state="due"}')).toBe(0);
    expect(value(m.text, 's117_outbox_oldest_due_age_seconds')).toBe(0);
  });

  it('times inbound platform requests from arrival to response; a bot without ADMIN_TOKEN serves no /metrics at all', async () => {
    // A second bot with Teams (the Emulator endpoint) and no ADMIN_TOKEN; the figures are the process's, so this
    // bot's /metrics shows its request.
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off', TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2' });
    const other = await startBot({ env, logger: createLogger('silent'), scheduler: false });
    try {
      const otherBase = `http://127.0.0.1:${other.address.port}`;
      const r = await fetch(emulatorUrl(otherBase, other), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await r.text();
      const m = await scrape();
      expect(value(m.text, `s117_inbound_ack_seconds_count{platform="teams",status="${r.status}"}`)).toBe(1);
      const closed = await fetch(`${otherBase}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(closed.status).toBe(404);
      expect(await closed.text()).not.toMatch(/s117_/);
    } finally {
      await other.stop();
    }
  }, 120_000);

  it('is open to the admin token only: not to this computer without it (a same-host proxy looks like this computer)', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-token' })).status).toBe(401);
    const withToken = await scrape({ authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' });
    expect(withToken.status).toBe(200);
    expect(withToken.text).toMatch(/s117_disputes_open/);
  });
});
