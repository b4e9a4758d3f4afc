import { fundingDispute } from '../fixtures/disputes.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

describe('the monthly report to governance', () => {
  let app: TestApp;
  beforeEach(async () => { app = await testApp({ env: { PUBLIC_URL: 'https://s117.example.nhs.uk' } }); });
  afterEach(async () => { await app.close(); });

  it('[R9.2] goes to the governance contacts once, on the first working day of the month, in working hours', async () => {
    app.clock.set('2026-12-07T10:00:00Z');
    await app.service.raise({ personId: 'ali-khan', platform: 'slack' }, fundingDispute());
    // 1 January 2027 is a bank holiday, so January's first working day is Monday 4 January.
    app.clock.set('2027-01-01T10:00:00Z');
    expect((await app.scheduler.tick()).monthlyReport).toBe(false);
    app.clock.set('2027-01-04T08:00:00Z');
    expect((await app.scheduler.tick()).monthlyReport).toBe(false);
    app.clock.set('2027-01-04T09:30:00Z');
    expect((await app.scheduler.tick()).monthlyReport).toBe(true);
    expect((await app.scheduler.tick()).monthlyReport).toBe(false);
    const sent = app.chat.ops('governance').filter((c) => /Section 117 disputes: 2026-12-01 to 2026-12-31/.test(c.title!));
    expect(sent).toHaveLength(1);
    const row = await app.db.prisma.outbox.findUniqueOrThrow({ where: { idempotencyKey: 'report:2027-01' } });
    expect(JSON.stringify(row.payload)).toMatch(/Opened 1, closed 0, open at the end 1/);
    expect(JSON.stringify(row.payload)).toContain('https://s117.example.nhs.uk/register/report?from=2026-12-01&to=2026-12-31');
  });
});
