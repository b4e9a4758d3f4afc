import { CSS } from '../../src/web/assets.ts';
import { disputePage, registerPage } from '../../src/web/pages.ts';
import { parseListQuery, parseReportQuery } from '../../src/web/query.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

// The register's forms and pages as the NHS service manual and WCAG 2.2 ask: dates as day, month and year fields,
// and tables that reflow on a phone (1.4.10) instead of pushing the page sideways.
const q = (s: string) => new URLSearchParams(s);

describe('dates in the register use the NHS date-input pattern', () => {
  it('the list filters ask for day, month and year in a labelled group, with no browser date picker', () => {
    const page = registerPage(calendar, directory, [], 0, { from: '2026-03-07' }, new Date('2026-12-07T10:00:00Z')).value;
    expect(page).not.toMatch(/type="date"/);
    const from = /<fieldset class="date-input" id="from"[\s\S]*?<\/fieldset>/.exec(page)![0];
    expect(from).toMatch(/<legend>Raised from<\/legend>/);
    for (const [part, label, value] of [['day', 'Day', '7'], ['month', 'Month', '3'], ['year', 'Year', '2026']]) {
      expect(from).toContain(`<label for="from-${part}">${label}</label>`);
      expect(from).toMatch(new RegExp(`id="from-${part}" name="from-${part}" inputmode="numeric" value="${value}"`));
    }
    expect(page).toMatch(/<fieldset class="date-input" id="to"[\s\S]*?name="to-year"/);
  });

  it('puts the three fields back together, and names the field and what is missing when one is left out', () => {
    expect(parseListQuery(q('from-day=7&from-month=3&from-year=2026&to-day=30&to-month=9&to-year=2026'), directory))
      .toEqual({ filters: { from: '2026-03-07', to: '2026-09-30' }, errors: [] });
    expect(parseListQuery(q('from-day=&from-month=&from-year='), directory)).toEqual({ filters: {}, errors: [] });
    expect(parseListQuery(q('from-day=7&from-year=2026'), directory).errors).toEqual(['Raised from (from): enter the month too, like 27 3 2026.']);
    expect(parseListQuery(q('to-day=31&to-month=2&to-year=2026'), directory).errors).toEqual([expect.stringMatching(/^Raised to \(to\): 2026-02-31 is not a real date: February 2026 has 28 days/)]);
    expect(parseListQuery(q('from-day=7&from-month=March&from-year=2026'), directory).errors).toEqual(['Raised from (from): use numbers only for the day, month and year, like 27 3 2026.']);
    // Links and scripts keep the one-field form.
    expect(parseListQuery(q('from=2026-03-07'), directory).filters).toEqual({ from: '2026-03-07' });
  });

  it('the report period reads the same fields', () => {
    expect(parseReportQuery(q('from-day=1&from-month=7&from-year=2026&to-day=30&to-month=9&to-year=2026')))
      .toEqual({ ok: true, value: expect.objectContaining({ from: '2026-07-01', to: '2026-09-30' }) });
    expect(parseReportQuery(q('from-day=1&from-month=7&from-year=26&to=2026-09-30'))).toEqual({ ok: false, error: 'From (from): the year must have 4 digits, like 2026.' });
  });
});

describe('the dispute page on a phone (WCAG 1.4.10 reflow)', () => {
  const s = new Scenario();
  s.raise();
  const page = disputePage(calendar, directory, s.dispute, [], [], 'csrf', false, { intact: true, chained: 0, beforeChain: 0, removedTexts: 0, problems: [] }).value;

  it('labels every cell of the stage table with its column, so a row can stand alone', () => {
    const table = /<table class="reflow">([\s\S]*?)<\/table>/.exec(page)![1]!;
    const headers = [...table.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    const rows = table.split('<tr>').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([...row.matchAll(/<td data-label="([^"]*)">/g)].map((m) => m[1])).toEqual(headers);
  });

  it('stacks the rows under 40rem, each cell after its label, with the headings kept for screen readers', () => {
    const narrow = /@media \(max-width:40rem\)\{([\s\S]*?)\}\n@media print/.exec(CSS)![1]!;
    expect(narrow).toMatch(/table\.reflow tr\{display:block/);
    expect(narrow).toMatch(/table\.reflow td\{display:grid/);
    expect(narrow).toMatch(/table\.reflow td::before\{content:attr\(data-label\)/);
    expect(narrow).toMatch(/table\.reflow thead\{position:absolute;width:1px;height:1px;overflow:hidden/);
    // Nothing forces the stage table wider than the screen.
    expect(CSS).not.toMatch(/table\.reflow[^{]*\{[^}]*min-width/);
  });
});
