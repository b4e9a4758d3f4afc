import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import type { BoardReport } from './board-report.ts';

// Charts are drawn on the server with Vega-Lite: SVG for the page (no
// script in the browser), PNG (via resvg) for chat, where SVG is not shown.
const NHS_BLUE = '#005eb8';
const CONFIG = { font: 'DejaVu Sans, Arial, sans-serif', axis: { labelFontSize: 12, titleFontSize: 12, labelLimit: 260 }, view: { stroke: null } };

// Loaded on the first chart, not with the bot: Vega takes a third of a second of CPU to load, which every process
// (each CLI command, each test file) would pay without drawing a chart. Once, one after the other: charts drawn
// together share the one load (and Jest's module linker fails on two overlapping loads of one graph).
let renderer: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile }> | undefined;
const loadRenderer = () => renderer ??= (async () => {
  const vega = await import('vega');
  return { vega, compile: (await import('vega-lite')).compile };
})().catch((e: unknown) => { renderer = undefined; throw e; }); // a failed load (EMFILE under load) is tried again next time

async function svg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await loadRenderer();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const out = await view.toSVG();
  view.finalize();
  return out;
}

export interface Chart { title: string; svg: string; description: string }

/** Breaks a label into lines of about `width` characters at spaces, so no label is ever cut short. */
export function wrapLabel(label: string, width = 26): string {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function bars(title: string, rows: { label: string; count: number }[], description: string): TopLevelSpec {
  const values = (rows.length ? rows : [{ label: 'None in this period', count: 0 }]).map((r) => ({ ...r, label: wrapLabel(r.label) }));
  const lines = Math.max(1, ...values.map((v) => v.label.split('\n').length));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, description, width: 360, height: { step: 10 + 15 * lines }, config: CONFIG,
    data: { values },
    mark: { type: 'bar', color: NHS_BLUE },
    encoding: {
      // Labels are pre-wrapped; split them into lines and never truncate them (labelLimit 0 means no limit).
      y: { field: 'label', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 0, labelExpr: "split(datum.label, '\\n')" } },
      x: { field: 'count', type: 'quantitative', title: 'Disputes', axis: { tickMinStep: 1, format: 'd' } },
    },
  };
}

/** The report's charts: by subject, by stage reached, within timescale, and the monthly trend. */
export async function reportCharts(r: BoardReport): Promise<Chart[]> {
  const specs: [string, TopLevelSpec, string][] = [
    ['Disputes by subject', bars('Disputes by subject', r.bySubject.map((s) => ({ label: s.label, count: s.count })), 'Bar chart of disputes opened in the period, by subject'),
      r.bySubject.map((s) => `${s.label}: ${s.count}`).join('; ') || 'No disputes opened.'],
    ['Disputes by stage reached', bars('Disputes by stage reached', r.byStageReached.map((s) => ({ label: `Stage ${s.stage}`, count: s.count })), 'Bar chart of disputes by the highest stage reached'),
      r.byStageReached.map((s) => `Stage ${s.stage}: ${s.count}`).join('; ')],
    ['Stages resolved within timescale', {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: 'Stages resolved within timescale', width: 420, height: { step: 28 }, config: CONFIG,
      description: 'Stacked bar chart of stages met and missed, per stage',
      data: { values: r.timescales.flatMap((t) => [{ stage: `Stage ${t.stage}`, result: 'Met', n: t.met }, { stage: `Stage ${t.stage}`, result: 'Missed', n: t.decided - t.met }]) },
      mark: 'bar',
      encoding: {
        y: { field: 'stage', type: 'nominal', title: null },
        x: { field: 'n', type: 'quantitative', title: 'Stages', stack: true, axis: { tickMinStep: 1, format: 'd' } },
        color: { field: 'result', type: 'nominal', scale: { domain: ['Met', 'Missed'], range: ['#007f3b', '#d5281b'] }, title: null },
      },
    }, r.timescales.map((t) => `Stage ${t.stage}: ${t.met} of ${t.decided} met`).join('; ')],
    ['Disputes opened and closed each month', {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: 'Disputes opened and closed each month', width: 420, height: 180, config: CONFIG,
      description: 'Line chart of disputes opened and closed per month',
      data: { values: r.monthly.flatMap((m) => [{ month: m.month, what: 'Opened', n: m.opened }, { month: m.month, what: 'Closed', n: m.closed }]) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'month', type: 'ordinal', title: null, axis: { labelAngle: 0 } },
        y: { field: 'n', type: 'quantitative', title: 'Disputes', axis: { tickMinStep: 1, format: 'd' } },
        color: { field: 'what', type: 'nominal', scale: { domain: ['Opened', 'Closed'], range: [NHS_BLUE, '#330072'] }, title: null },
      },
    }, r.monthly.map((m) => `${m.month}: ${m.opened} opened, ${m.closed} closed`).join('; ')],
  ];
  return Promise.all(specs.map(async ([title, spec, description]) => ({ title, svg: await svg(spec), description })));
}

/** A chart as PNG for chat, where SVG is not displayed. */
export function toPng(svgText: string, width = 900): Buffer {
  return new Resvg(svgText, { fitTo: { mode: 'width', value: width }, background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
