import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testApp, type TestApp } from '../helpers/app.ts';
import { act, atStage3, cli, REF } from '../helpers/gates.ts';

// R9.2: every command that shows "overdue" for the same moment shows the same number; R9.3: themes are filed.

describe('figures from one source', () => {
  let app: TestApp;
  let dir: string;
  beforeEach(async () => {
    app = await testApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-figures-'));
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Overdue as `dispute show`, the export, `register summary` and the Board report each count it. */
  async function overdueEverywhere(): Promise<{ show: number; export: number; summary: number; board: number }> {
    const s117 = cli(app);
    const show = /\(OVERDUE\)/.test((await s117('dispute', 'show', REF)).out) ? 1 : 0;
    const rows = JSON.parse((await s117('register', 'export', '--format', 'json')).out) as { overdue: boolean }[];
    const summary = (JSON.parse((await s117('register', 'summary')).out) as { overdue: number }).overdue;
    const out = path.join(dir, 'board.csv');
    await s117('report', '--from', '2026-12-01', '--to', '2027-03-31', '--out', out);
    const board = fs.readFileSync(out, 'utf8').split('\n').filter((l) => l.startsWith('overdue,')).length;
    return { show, export: rows.filter((r) => r.overdue).length, summary, board };
  }

  it('[R9.2] a Stage 3 past its deadline is overdue everywhere; once escalated externally it is overdue nowhere, and Stage 3 stays "missed"', async () => {
    const s117 = cli(app);
    await atStage3(app);
    app.clock.set('2027-02-01T10:00:00Z');
    await s117('tick');
    expect(await overdueEverywhere()).toEqual({ show: 1, export: 1, summary: 1, board: 1 });

    expect((await act(app)('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: 'Cross-system dispute.' })).code).toBe(0);
    expect(await overdueEverywhere()).toEqual({ show: 0, export: 0, summary: 0, board: 0 });
    expect((await app.service.get({ reference: REF }))!.stages.find((s) => s.stage === 3)!.met).toBe(false);
  });

  it('[R9.3] a theme is filed under at least one learning area from the list', async () => {
    await atStage3(app);
    const a = act(app);
    const none = await a('eve-ford', { type: 'ADD_THEME', theme: 'funding split' });
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/areas/);
    expect((await a('eve-ford', { type: 'ADD_THEME', theme: 'funding split', areas: ['COMMISSIONING'] })).code).toBe(0);
    // Through the service (chat and the web) too: the domain refuses a theme with no area.
    await expect(app.service.act({ personId: 'eve-ford', platform: 'web' }, { reference: REF }, { type: 'ADD_THEME', theme: 'panel delays' }))
      .rejects.toMatchObject({ code: 'THEME_NEEDS_AREA', field: 'areas' });
    expect((await app.service.get({ reference: REF }))!.themes).toEqual([
      expect.objectContaining({ theme: 'funding split', areas: ['COMMISSIONING'] }),
    ]);
  });
});
