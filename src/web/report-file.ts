import { CSS } from './assets.ts';
import { layout, reportPage } from './pages.ts';
import type { BoardReport } from '../reports/board-report.ts';
import { reportCharts } from '../reports/charts.ts';

/** The Board report as one HTML file (styles and charts inline) to e-mail or print. */
export async function reportHtmlFile(r: BoardReport): Promise<string> {
  const page = layout(`Partnership Board report, ${r.period.from} to ${r.period.to}`, null, reportPage(r, await reportCharts(r)));
  const partnership = r.partnership.replace(/[<>&"]/g, '');
  return page
    .replace('<link rel="stylesheet" href="/register/assets/app.css">', `<style>${CSS}</style>`)
    // A file has no site to navigate: keep the text, drop the links and the period form.
    .replace(/<form class="filters"[\s\S]*?<\/form>/, '')
    .replace(/<header>[\s\S]*?<\/header>/, `<header><strong>Section 117 register — ${partnership}</strong></header>`)
    .replace(/<a href="\/register[^"]*">([^<]*)<\/a>/g, '$1');
}
