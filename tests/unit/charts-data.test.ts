import { reportCharts } from '../../src/reports/charts.ts';
import type { BoardReport } from '../../src/reports/board-report.ts';

// The within-timescale chart draws, per stage, the stages met and the stages missed (decided less met). Its tests
// (documents.test.ts) read the charts' descriptions, so the mutation run of 2026-12-08 (docs/mutation.md) found the
// bars' figures unpinned: each bar's figures are read back from the SVG's accessible labels.
describe('the within-timescale chart', () => {
  it('[R9.2] draws met and missed (decided less met) for each stage', async () => {
    const r = {
      bySubject: [], byStageReached: [{ stage: 1, count: 3 }], monthly: [],
      timescales: [{ stage: 1, decided: 3, met: 1, percent: 33, medianWorkingDays: 2 }],
    } as unknown as BoardReport;
    const chart = (await reportCharts(r)).find((c) => c.title === 'Stages resolved within timescale')!;
    const bars = [...chart.svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!).filter((l) => l.startsWith('Stages: '));
    expect(bars).toEqual(['Stages: 1; stage: Stage 1; result: Met', 'Stages: 2; stage: Stage 1; result: Missed']);
  });
});
