import { boardReport } from '../../src/reports/board-report.ts';
import { summaryOfReport } from '../../src/reports/summary.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

function disputes() {
  const a = new Scenario();
  a.raise();
  a.run('pat-lee', { type: 'ADD_THEME', theme: 'Panel delays', areas: ['POLICY_REVISION', 'QUALITY_IMPROVEMENT'] });
  // Nobody is told anything: several person-step flags on ONE dispute, and two timeouts.
  a.sweep('2026-12-14T17:00:00Z');
  a.sweep('2026-12-30T17:00:00Z');
  const b = new Scenario();
  b.run('ali-khan', { type: 'RAISE', id: 'd2', reference: 'S117-2026-0002', input: fundingDispute({ description: 'Not until the ICB funding panel. Given our financial position.' }) });
  b.run('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'Cut to save money.' });
  return [a.dispute, b.dispute];
}

describe('one source of figures', () => {
  const period = { from: '2026-12-01', to: '2026-12-31' };
  const now = new Date('2027-01-04T10:00:00Z');

  it('[R9.2] counts disputes, not flags: one dispute flagged three times for the person is one', () => {
    const all = disputes();
    expect(all[0]!.flags.filter((f) => f.code === 'PERSON_NOT_INFORMED').length).toBeGreaterThan(1);
    const r = boardReport(all, period, calendar, directory, now);
    expect(r.legalRisk.find((l) => l.code === 'PERSON_NOT_INFORMED')!.count).toBe(1);
    expect(r.legalRisk.find((l) => l.code === 'STAGE_OVERDUE')!.count).toBe(1);
    expect(r.unlawfulGrounds.find((g) => g.ground === 'BUDGET')!.count).toBe(1);
  });

  it('[R9.2] the register summary and the Board report give the same numbers for the same period', () => {
    const all = disputes();
    const r = boardReport(all, period, calendar, directory, now);
    const s = summaryOfReport(r);
    expect(s.disputes).toBe(r.opened);
    expect(s.overdue).toBe(r.overdue.length);
    expect(s.legalRiskSignals.PERSON_NOT_INFORMED).toBe(r.legalRisk.find((l) => l.code === 'PERSON_NOT_INFORMED')!.count);
    expect(s.unlawfulGrounds).toEqual(Object.fromEntries(r.unlawfulGrounds.map((g) => [g.ground, g.count])));
  });

  it('[R9.3] groups themes by learning area in the Board report', () => {
    const r = boardReport(disputes(), period, calendar, directory, now);
    expect(r.themesByArea.map((g) => g.area)).toEqual(['POLICY_REVISION', 'QUALITY_IMPROVEMENT']);
    expect(r.themesByArea[0]!.themes).toEqual([{ theme: 'panel delays', count: 1 }]);
  });
});
