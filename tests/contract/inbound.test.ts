import type { Dispute } from '../../src/domain/types.ts';
import { until } from '../helpers/wait.ts';
import { contractBot, type ContractBot } from './setup.ts';

/**
 * One scenario replayed on every platform through its real receiver: raise
 * → tick → record a message as the decision → a refused confirm for the
 * wrong organisation → each party confirms → resolved. The same register
 * results on every platform, and the message text is decoded exactly once.
 */
describe('inbound contract', () => {
  let c: ContractBot;
  beforeAll(async () => { c = await contractBot(); }, 120_000);
  afterAll(async () => { await c?.stop(); });

  const settle = async () => {
    await c.bot.app.scheduler.tick();
    await until(async () => (await c.bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: c.clock.now() } } })) === 0, 'the outbox to drain', 30_000);
  };

  it.each(['Slack', 'Teams', 'Loop'])('%s: raise → tick → record as decision → wrong organisation refused → confirms → resolved', async (name) => {
    const driver = c.drivers.find((x) => x.name === name)!;
    const platform = name.toLowerCase();
    const before = await c.bot.app.db.prisma.dispute.count();
    const raised = await driver.submit('ali-khan', 'raise', {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: ['anytown-icb'], localCaseRef: `IN-${name}`, professionals: [],
      description: 'Who funds the \u202Esupported\u202C accommodation.', currentCare: 'Supported accommodation.', continuity: 'yes',
    });
    expect(raised.accepted).toBe(true);
    expect(await c.bot.app.db.prisma.dispute.count()).toBe(before + 1);
    const row = await c.bot.app.db.prisma.dispute.findFirstOrThrow({ where: { localCaseRef: `IN-${name}` } });
    let d = (await c.bot.app.service.get({ id: row.id }))!;
    expect(d.raisedOn).toBe(platform);
    // Bidi controls typed into a form never reach the register.
    expect(d.description).toBe('Who funds the supported accommodation.');
    await settle();
    const space = (await c.bot.app.db.prisma.conversation.findFirstOrThrow({ where: { disputeId: d.id, platform } })).externalId!;

    expect((await driver.press('ivy-nash', 'tick', { d: d.id, k: 'tests', s: 1, n: 1 })).accepted).toBe(true);

    const shown = await driver.recordAsDecision('ali-khan', space, {
      slack: 'ICB &amp; the council agree: &lt;60/40&gt;', teams: '<p>ICB &amp; the council agree: &lt;60/40&gt;</p>', loop: 'ICB & the council agree: <60/40>',
    });
    expect(shown).toBe('ICB & the council agree: <60/40>');
    const proposed = await driver.submit('ali-khan', 'decision', { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: shown, basisNeed: 'Assessed need.', basisTests: 'Tests met.', basisRisk: 'High risk.' }, d.id);
    expect(proposed.accepted).toBe(true);
    d = (await c.bot.app.service.get({ id: d.id }))!;
    expect(d.decisions[0]!.summary).toBe('ICB & the council agree: <60/40>');

    await settle();
    const wrong = await driver.press('ali-khan', 'confirm', { d: d.id, s: 1, o: 'anytown-icb' });
    expect(wrong.accepted).toBe(false);
    expect(wrong.text).toMatch(/only confirm for your own organisation/);

    expect((await driver.press('ali-khan', 'confirm', { d: d.id, s: 1, o: 'anytown-council' })).accepted).toBe(true);
    expect((await driver.press('ivy-nash', 'confirm', { d: d.id, s: 1, o: 'anytown-icb' })).accepted).toBe(true);
    const done: Dispute = (await c.bot.app.service.get({ id: d.id }))!;
    expect(done.status).toBe('RESOLVED');
    expect(done.confirmations.map((x) => x.personId).sort()).toEqual(['ali-khan', 'ivy-nash']);
  }, 240_000);

  it('every change to a dispute refreshes its card, a reported change in care included', async () => {
    const loop = c.drivers.find((x) => x.name === 'Loop')!;
    await loop.submit('ali-khan', 'raise', {
      subjects: ['FUNDING'], parties: ['anytown-icb'], localCaseRef: 'CARE-1', description: 'd', currentCare: 'c', continuity: 'yes',
    });
    const row = await c.bot.app.db.prisma.dispute.findFirstOrThrow({ where: { localCaseRef: 'CARE-1' } });
    await settle();
    const refreshes = () => c.bot.app.db.prisma.outbox.count({ where: { disputeId: row.id, kind: 'REFRESH_CARD' } });
    const before = await refreshes();
    const r = await loop.submit('ali-khan', 'care-change', { change: 'REDUCED', detail: 'Hours cut from Monday.' }, row.id);
    expect(r.accepted).toBe(true);
    expect(await refreshes()).toBe(before + 1);
    await settle();
    const d = (await c.bot.app.service.get({ id: row.id }))!;
    expect(d.flags.map((f) => f.code)).toContain('CONTINUITY_ALERT');
  }, 120_000);
});
