import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { buildRegister } from '../fixtures/register.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { wrapLabel } from '../../src/reports/charts.ts';
import { localCookie } from '../helpers/local-register.ts';

// What the register's pages tell a busy reader at a glance: how late, what
// next, a short summary, and the same list as a spreadsheet.
describe('the register list and report, for reading at a glance', () => {
  let bot: Bot;
  let base: string;
  const clock = new FakeClock('2026-10-05T10:00:00Z');
  beforeAll(async () => {
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off' });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
    await buildRegister(bot, clock); // ends on 25 February 2027; S117-2027-0001 is overdue at Stage 3 since 22 February
  }, 300_000);
  afterAll(async () => { await bot.stop(); });
  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, { headers: localCookie(bot) });
    return { status: r.status, headers: r.headers, text: await r.text() };
  };

  it('[R10.1] says by how many working days an open dispute is overdue, and what has to happen next', async () => {
    const r = await get('/register');
    const row = r.text.slice(r.text.indexOf('/register/dispute/S117-2027-0001'), r.text.indexOf('</tr>', r.text.indexOf('/register/dispute/S117-2027-0001')));
    expect(row).toMatch(/<span class="overdue">Overdue by 3 working days<\/span>/);
    expect(row).toMatch(/<td>Senior officers: a written decision now, or escalate externally<\/td>/);
    expect(r.text).toMatch(/<th scope="col">Next action<\/th>/);
    expect(r.text).toMatch(/<td>None: resolved<\/td>/);
    expect(r.text).toMatch(/<div class="table-scroll"/);
  });

  it('[R9.1] downloads the filtered list as CSV, dates in the partnership\'s time zone', async () => {
    const page = await get('/register?status=RESOLVED');
    expect(page.text).toMatch(/href="\/register\/disputes\.csv\?status=RESOLVED" download/);
    const csv = await get('/register/disputes.csv?status=RESOLVED');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="s117-disputes-2027-02-25.csv"');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('reference,status,stage,subjects,parties,cohort,setting,raised,deadline,overdue_working_days,next_action,outcome,flags,themes');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['S117-2026-0001', 'S117-2026-0002']);
    const open = (await get('/register/disputes.csv?status=OVERDUE')).text.trim().split('\n');
    expect(open).toHaveLength(2);
    expect(open[1]).toMatch(/^S117-2027-0001,OPEN,3,.*,2027-01-11,2027-02-22,3,"Senior officers: a written decision now, or escalate externally",/);
    expect((await get('/register/disputes.csv?from=someday')).status).toBe(400);
  });

  it('[R9.2] opens the report with a short summary, and keeps each chart\'s figures in a list', async () => {
    const r = await get('/register/report?from=2026-10-01&to=2027-02-28');
    const summary = /<ul class="summary">([\s\S]*?)<\/ul>/.exec(r.text)![1]!;
    expect(summary.match(/<li>/g)).toHaveLength(5);
    expect(summary).toMatch(/<li>3 opened, 2 closed; 1 open at the end of the period\.<\/li>/);
    expect(summary).toMatch(/<li>1 overdue now: listed below\.<\/li>/);
    expect(r.text).toMatch(/<details><summary>Disputes by subject: the figures<\/summary><ul><li>/);
  });

  it('wraps long chart labels onto lines instead of cutting them', async () => {
    expect(wrapLabel('Funding responsibility (health and social care contributions)')).toBe('Funding responsibility\n(health and social care\ncontributions)');
    const r = await get('/register/report?from=2026-10-01&to=2027-02-28');
    // Every word of the longest subject is drawn; nothing ends in an ellipsis.
    expect(r.text).toContain('<tspan>Funding responsibility</tspan><tspan x="0" dy="14">(health and social care</tspan><tspan x="0" dy="14">contributions)</tspan>');
    expect(r.text).not.toMatch(/…<\/text>/);
  });
});
