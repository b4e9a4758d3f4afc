import { boardReport, reportCsv } from '../../src/reports/board-report.ts';
import { csvCell, raisedWithin, registerRow, toCsv } from '../../src/reports/register-export.ts';
import { summarise, summaryOfReport } from '../../src/reports/summary.ts';
import type { Dispute } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

// Three disputes whose figures can be worked out by hand (the comments give the working):
//   A raised Mon 7 Dec, person told, resolved by agreement Wed 9 Dec: Stage 1 met in 2 working days.
//   B raised Tue 8 Dec citing a budget and a panel (two R4.1 grounds), a theme; swept at Stage 1's
//     deadline (Tue 15 Dec 17:00, 5 working days): Stage 1 missed, Stage 2 due Thu 31 Dec 17:00, still open.
//   C raised Tue 10 Nov, resolved Fri 20 Nov after its Stage 1 deadline (17 Nov): missed, in November.
function resolvedOn(id: string, reference: string, raised: string, resolved: string): Dispute {
  const s = new Scenario(raised);
  s.run('ali-khan', { type: 'RAISE', id, reference, input: fundingDispute() });
  s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
  s.at(resolved).run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
  s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
  s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
  return s.dispute;
}

function disputes(): { a: Dispute; b: Dispute; c: Dispute } {
  const a = resolvedOn('d1', 'S117-2026-0001', '2026-12-07T10:00:00Z', '2026-12-09T10:00:00Z');
  const b = new Scenario('2026-12-08T10:00:00Z');
  b.run('ali-khan', {
    type: 'RAISE', id: 'd2', reference: 'S117-2026-0002',
    input: fundingDispute({ subjects: ['FUNDING'], description: 'Not until the ICB funding panel. Given our financial position.' }),
  });
  b.run('pat-lee', { type: 'ADD_THEME', theme: 'Panel delays', areas: ['COMMISSIONING'] });
  b.sweep('2026-12-15T17:00:00Z');
  const c = resolvedOn('d3', 'S117-2026-0003', '2026-11-10T10:00:00Z', '2026-11-20T10:00:00Z');
  return { a, b: b.dispute, c };
}

const december = { from: '2026-12-01', to: '2026-12-31' };
const now = new Date('2027-01-04T10:00:00Z');
const FUNDING = 'Funding responsibility (health and social care contributions)';
const ACCOMMODATION = 'Accommodation and "accommodation-plus"';

describe('the Board report (R9.2)', () => {
  it('[R9.2] gives every figure of a period, worked out by hand from three disputes', () => {
    const { a, b, c } = disputes();
    const r = boardReport([a, b, c], december, calendar, directory, now);
    expect(r).toEqual({
      period: december,
      partnership: 'Anytown Section 117 Partnership',
      opened: 2, // A and B (C was raised in November)
      closed: 1, // A
      openAtEnd: 1, // B
      bySubject: [{ subject: 'FUNDING', label: FUNDING, count: 2 }, { subject: 'ACCOMMODATION', label: ACCOMMODATION, count: 1 }],
      byOrganisation: [{ organisation: 'Anytown Council', count: 2 }, { organisation: 'NHS Anytown ICB', count: 2 }],
      byStageReached: [{ stage: 1, count: 1 }, { stage: 2, count: 1 }, { stage: 3, count: 0 }, { stage: 4, count: 0 }],
      byOutcome: [{ outcome: 'Agreement reached', count: 1 }],
      timescales: [
        // A met (2 working days), B missed (5): 50 %, median 3.5.
        { stage: 1, decided: 2, met: 1, percent: 50, medianWorkingDays: 3.5 },
        { stage: 2, decided: 0, met: 0, percent: null, medianWorkingDays: null },
        { stage: 3, decided: 0, met: 0, percent: null, medianWorkingDays: null },
      ],
      // Taken at the end of the period (31 Dec 23:59:59), before `now`: B's Stage 2 was due at 17:00 that day.
      overdue: [{ reference: 'S117-2026-0002', stage: 2, dueAt: '2026-12-31T17:00:00.000Z' }],
      unlawfulGrounds: [
        { ground: 'BUDGET', label: 'budget constraints or financial pressures', count: 1 },
        { ground: 'AWAITING_PANEL', label: 'awaiting a panel decision where needs are already identified', count: 1 },
      ],
      legalRisk: [
        { code: 'STAGE_OVERDUE', label: 'A stage passed its deadline', count: 1 },
        { code: 'CONTINUITY_ALERT', label: 'Care reported delayed, reduced or withdrawn', count: 0 },
        { code: 'ENDING_WITHOUT_JOINT_ASSESSMENT', label: 'Ending proposed without a joint assessment', count: 0 },
        // B was flagged three times for the person: one dispute.
        { code: 'PERSON_NOT_INFORMED', label: 'The person has not been kept informed', count: 1 },
      ],
      personInvolvement: [
        { step: 'INFORMED', label: 'Person (and representative) told that a dispute has arisen', done: 1, of: 2 },
        { step: 'REASSURED', label: 'Person reassured that their care will continue', done: 0, of: 2 },
        // Explaining is owed only once there is a decision (A's): B's does not count.
        { step: 'EXPLAINED', label: 'Decision and outcome explained to the person', done: 0, of: 1 },
        { step: 'ADVOCACY_OFFERED', label: 'Advocacy offered where appropriate', done: 0, of: 2 },
      ],
      themes: [{ theme: 'panel delays', count: 1 }],
      themesByArea: [{ area: 'COMMISSIONING', label: 'Commissioning decisions', themes: [{ theme: 'panel delays', count: 1 }] }],
      monthly: [{ month: '2026-12', opened: 2, closed: 1 }],
      changes: [
        'Disputes opened: 2 (up from 1 in the previous period)',
        'Open at the end of the period: 1 (up from 0 in the previous period)',
        'Stage 1 within timescale: 50% (up from 0%)',
        'Unlawful-ground flags: 2 (up from 0 in the previous period)',
        'New theme: panel delays (1)',
      ],
    });
  });

  it('[R9.2] says what went down since the period before, and that nothing changed when nothing did', () => {
    const { a, b, c } = disputes();
    // January after December: nothing opened or closed, B still open; Stage 1 figures absent on one side.
    const jan = boardReport([a, b, c], { from: '2027-01-01', to: '2027-01-31' }, calendar, directory, new Date('2027-02-01T10:00:00Z'));
    expect(jan.changes).toEqual([
      'Disputes opened: 0 (down from 2 in the previous period)',
      'Disputes closed: 0 (down from 1 in the previous period)',
      'Unlawful-ground flags: 0 (down from 2 in the previous period)',
    ]);
    // Stage 2 of B was missed on 31 Dec: it is in December's figures, not January's.
    expect(jan.timescales[1]).toEqual({ stage: 2, decided: 0, met: 0, percent: null, medianWorkingDays: null });
    const quiet = boardReport([a, b, c], { from: '2027-03-01', to: '2027-03-31' }, calendar, directory, new Date('2027-04-01T10:00:00Z'));
    expect(quiet.changes).toEqual(['No change in the headline figures since the previous period.']);
    expect(quiet.opened).toBe(0);
    expect(quiet.openAtEnd).toBe(1);
  });

  it('[R9.2] a timescale figure that went down, and a median of an odd number of stages', () => {
    const { a, b, c } = disputes();
    const late = resolvedOn('d4', 'S117-2026-0004', '2026-12-01T10:00:00Z', '2026-12-21T10:00:00Z');
    const early = resolvedOn('d5', 'S117-2026-0005', '2026-11-02T10:00:00Z', '2026-11-03T10:00:00Z');
    const r = boardReport([a, b, c, late, early], december, calendar, directory, now);
    // December: A met (2 days), B missed (5), D4 missed (Tue 1 → Mon 21 Dec: 14 working days). 1 of 3 = 33 %.
    expect(r.timescales[0]).toEqual({ stage: 1, decided: 3, met: 1, percent: 33, medianWorkingDays: 5 });
    // November: C missed, D5 met: 50 %.
    expect(r.changes).toContain('Stage 1 within timescale: 33% (down from 50%)');
  });

  it('[R9.2] months run across a year end, each with what opened and closed in it', () => {
    const { a, b, c } = disputes();
    const r = boardReport([a, b, c], { from: '2026-11-01', to: '2027-01-31' }, calendar, directory, now);
    expect(r.monthly).toEqual([
      { month: '2026-11', opened: 1, closed: 1 },
      { month: '2026-12', opened: 2, closed: 1 },
      { month: '2027-01', opened: 0, closed: 0 },
    ]);
    // Taken at `now` (4 Jan), before the period's end.
    expect(r.overdue).toEqual([{ reference: 'S117-2026-0002', stage: 2, dueAt: '2026-12-31T17:00:00.000Z' }]);
  });

  it('[R9.2] a dispute still open at the period end is not overdue before its deadline', () => {
    const { b } = disputes();
    const r = boardReport([b], { from: '2026-12-01', to: '2026-12-20' }, calendar, directory, now);
    expect(r.openAtEnd).toBe(1);
    expect(r.overdue).toEqual([]);
    // Resolved after the period's end: still open at its end.
    const { a } = disputes();
    expect(boardReport([a], { from: '2026-12-01', to: '2026-12-08' }, calendar, directory, now)).toMatchObject({ opened: 1, closed: 0, openAtEnd: 1 });
  });

  it('[R9.3] themes are grouped by learning area, and an old theme filed under none has its own group', () => {
    const { b } = disputes();
    const old: Dispute = { ...b, themes: [...b.themes, { theme: 'slow replies', addedBy: 'pat-lee', at: b.raisedAt, areas: [] }] };
    const r = boardReport([old], december, calendar, directory, now);
    expect(r.themesByArea).toEqual([
      { area: 'COMMISSIONING', label: 'Commissioning decisions', themes: [{ theme: 'panel delays', count: 1 }] },
      { area: null, label: 'Not yet filed under a learning area', themes: [{ theme: 'slow replies', count: 1 }] },
    ]);
  });

  it('[R9.2] an organisation the directory no longer lists is shown by its id', () => {
    const { b } = disputes();
    const gone: Dispute = { ...b, parties: [...b.parties, { ...b.parties[0]!, organisationId: 'old-trust' }] };
    const r = boardReport([gone], december, calendar, directory, now);
    expect(r.byOrganisation).toEqual([
      { organisation: 'Anytown Council', count: 1 }, { organisation: 'NHS Anytown ICB', count: 1 }, { organisation: 'old-trust', count: 1 },
    ]);
  });

  it('[R9.2] the report as CSV: section, item, value, one figure a row', () => {
    const { a, b, c } = disputes();
    expect(reportCsv(boardReport([a, b, c], december, calendar, directory, now))).toBe(`section,item,value
period,from,2026-12-01
period,to,2026-12-31
disputes,opened,2
disputes,closed,1
disputes,open at end,1
by subject,${FUNDING},2
by subject,"Accommodation and ""accommodation-plus""",1
by organisation,Anytown Council,2
by organisation,NHS Anytown ICB,2
by stage reached,Stage 1,1
by stage reached,Stage 2,1
by stage reached,Stage 3,0
by stage reached,Stage 4,0
by outcome,Agreement reached,1
within timescale,Stage 1 met,1
within timescale,Stage 1 decided,2
within timescale,Stage 1 percent,50
median working days,Stage 1,3.5
within timescale,Stage 2 met,0
within timescale,Stage 2 decided,0
within timescale,Stage 2 percent,
median working days,Stage 2,
within timescale,Stage 3 met,0
within timescale,Stage 3 decided,0
within timescale,Stage 3 percent,
median working days,Stage 3,
overdue,S117-2026-0002,"Stage 2, due 2026-12-31T17:00:00.000Z"
unlawful grounds (R4.1),budget constraints or financial pressures,1
unlawful grounds (R4.1),awaiting a panel decision where needs are already identified,1
legal-risk signals (R10.1),A stage passed its deadline,1
legal-risk signals (R10.1),"Care reported delayed, reduced or withdrawn",0
legal-risk signals (R10.1),Ending proposed without a joint assessment,0
legal-risk signals (R10.1),The person has not been kept informed,1
person involvement,Person (and representative) told that a dispute has arisen,1 of 2
person involvement,Person reassured that their care will continue,0 of 2
person involvement,Decision and outcome explained to the person,0 of 1
person involvement,Advocacy offered where appropriate,0 of 2
themes,panel delays,1
monthly,2026-12 opened,2
monthly,2026-12 closed,1
changes,,Disputes opened: 2 (up from 1 in the previous period)
changes,,Open at the end of the period: 1 (up from 0 in the previous period)
changes,,Stage 1 within timescale: 50% (up from 0%)
changes,,Unlawful-ground flags: 2 (up from 0 in the previous period)
changes,,New theme: panel delays (1)
`);
  });
});

describe('the register (R9.1) and its summary (R9.2)', () => {
  it('[R9.1] one row per dispute: parties by name, the highest stage reached, flags counted, grounds once, person steps', () => {
    const { a, b } = disputes();
    expect(registerRow(b, directory, now)).toEqual({
      reference: 'S117-2026-0002', status: 'OPEN', raisedAt: '2026-12-08T10:00:00.000Z', raisedOn: 'cli', subjects: ['FUNDING'],
      cohort: 'ADULT', setting: 'COMMUNITY',
      parties: [
        { organisation: 'Anytown Council', kind: 'LOCAL_AUTHORITY', role: 'RAISING' },
        { organisation: 'NHS Anytown ICB', kind: 'ICB', role: 'RESPONDING' },
      ],
      stageReached: 2,
      overdue: true,
      stages: [
        { stage: 1, start: '2026-12-08T10:00:00.000Z', due: '2026-12-15T17:00:00.000Z', end: '2026-12-15T17:00:00.000Z', met: false, endReason: 'TIMEOUT' },
        { stage: 2, start: '2026-12-15T17:00:00.000Z', due: '2026-12-31T17:00:00.000Z', end: null, met: null, endReason: null },
      ],
      outcome: null,
      resolvedAt: null,
      flags: { UNLAWFUL_GROUND: 2, STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 3 },
      unlawfulGrounds: ['BUDGET', 'AWAITING_PANEL'],
      themes: ['panel delays'],
      personSteps: { INFORMED: false, REASSURED: false, EXPLAINED: false, ADVOCACY_OFFERED: false },
    });
    expect(registerRow(a, directory, now)).toMatchObject({ status: 'RESOLVED', stageReached: 1, overdue: false, flags: {}, unlawfulGrounds: [], personSteps: { INFORMED: true } });
  });

  it('[R9.2] overdue is the same test everywhere: at `now` when given, else as the last sweep left an open dispute', () => {
    const { a, b } = disputes();
    expect(registerRow(b, directory, new Date('2026-12-20T10:00:00Z')).overdue).toBe(false);
    expect(registerRow(b, directory, new Date('2027-01-01T10:00:00Z')).overdue).toBe(true);
    expect(registerRow({ ...b, overdue: true }, directory).overdue).toBe(true);
    expect(registerRow({ ...b, overdue: false }, directory).overdue).toBe(false);
    expect(registerRow({ ...a, overdue: true }, directory).overdue).toBe(false);
  });

  it('[R9.1] a party the directory no longer lists keeps its id and kind OTHER', () => {
    const { b } = disputes();
    const gone: Dispute = { ...b, parties: [{ ...b.parties[0]!, organisationId: 'old-trust' }] };
    expect(registerRow(gone, directory).parties).toEqual([{ organisation: 'old-trust', kind: 'OTHER', role: 'RAISING' }]);
  });

  it('[R9.1] a dispute is raised within a period of local dates, either end open or inclusive', () => {
    const { b } = disputes(); // raised 8 Dec
    expect(raisedWithin(b, calendar)).toBe(true);
    expect(raisedWithin(b, calendar, '2026-12-08', '2026-12-08')).toBe(true);
    expect(raisedWithin(b, calendar, '2026-12-09')).toBe(false);
    expect(raisedWithin(b, calendar, undefined, '2026-12-07')).toBe(false);
    expect(raisedWithin(b, calendar, '2026-12-01', undefined)).toBe(true);
    // Local time: 23:30 UTC on 31 Jul is 1 Aug in London.
    expect(raisedWithin({ ...b, raisedAt: '2026-07-31T23:30:00Z' }, calendar, '2026-08-01', '2026-08-31')).toBe(true);
  });

  it('[R9.1] the register as CSV: labels, each stage\'s mark, flags, grounds, themes and person steps; instants in local time', () => {
    const { a, b, c } = disputes();
    const rows = [a, b, c].map((d) => registerRow(d, directory, now));
    const csv = toCsv(rows, (iso) => `local(${iso.slice(0, 10)})`);
    const [header, ...lines] = csv.split('\n');
    expect(header).toBe('reference,status,raised_at,raised_on,subjects,cohort,setting,parties,stage_reached,overdue,'
      + 'stage1_start,stage1_due,stage1_end,stage1_timescale,stage2_start,stage2_due,stage2_end,stage2_timescale,'
      + 'stage3_start,stage3_due,stage3_end,stage3_timescale,stage4_start,stage4_due,stage4_end,stage4_timescale,'
      + 'outcome,resolved_at,flags,unlawful_grounds,themes,person_informed,person_reassured,outcome_explained,advocacy_offered');
    const outcome = 'Agreement reached: The ICB pays 60% and the council 40% of the supported accommodation from 1 January.';
    expect(lines).toEqual([
      `S117-2026-0001,RESOLVED,local(2026-12-07),cli,"${FUNDING}; Accommodation and ""accommodation-plus""",Adult,Community,`
        + 'Anytown Council (raising); NHS Anytown ICB (responding),1,no,local(2026-12-07),local(2026-12-14),local(2026-12-09),met,'
        + `,,,,,,,,,,,,${outcome},local(2026-12-09),,,,yes,no,no,no`,
      `S117-2026-0002,OPEN,local(2026-12-08),cli,${FUNDING},Adult,Community,Anytown Council (raising); NHS Anytown ICB (responding),2,yes,`
        + 'local(2026-12-08),local(2026-12-15),local(2026-12-15),missed,local(2026-12-15),local(2026-12-31),,,,,,,,,,,'
        + ',,UNLAWFUL_GROUND:2; STAGE_OVERDUE:1; PERSON_NOT_INFORMED:3,BUDGET; AWAITING_PANEL,panel delays,no,no,no,no',
      `S117-2026-0003,RESOLVED,local(2026-11-10),cli,"${FUNDING}; Accommodation and ""accommodation-plus""",Adult,Community,`
        + 'Anytown Council (raising); NHS Anytown ICB (responding),1,no,local(2026-11-10),local(2026-11-17),local(2026-11-20),missed,'
        + `,,,,,,,,,,,,${outcome},local(2026-11-20),,,,yes,no,no,no`,
      '',
    ]);
    // Without `at`, instants as stored; a value the labels do not know is written as it is.
    const odd = toCsv([{ ...rows[1]!, subjects: ['NEW_SUBJECT'], cohort: 'X', setting: 'Y' }]);
    expect(odd.split('\n')[1]).toMatch(/^S117-2026-0002,OPEN,2026-12-08T10:00:00\.000Z,cli,NEW_SUBJECT,X,Y,/);
  });

  it('[R9.2] the summary of register rows counts disputes, stages decided and met, and each signal once a dispute', () => {
    const { a, b, c } = disputes();
    const rows = [a, b, c].map((d) => registerRow(d, directory, now));
    expect(summarise(rows)).toEqual({
      disputes: 3, open: 1, resolved: 2,
      bySubject: { FUNDING: 3, ACCOMMODATION: 2 },
      byStageReached: { 'Stage 1': 2, 'Stage 2': 1 },
      byOutcome: { 'Agreement reached': 2, open: 1 },
      timescales: { 'Stage 1': { decided: 3, met: 1 } },
      overdue: 1,
      unlawfulGrounds: { BUDGET: 1, AWAITING_PANEL: 1 },
      legalRiskSignals: { STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 1 },
      themes: { 'panel delays': 1 },
    });
    // A closed dispute without an outcome line is counted as resolved.
    expect(summarise([{ ...rows[0]!, outcome: null }]).byOutcome).toEqual({ resolved: 1 });
    expect(summarise([])).toEqual({
      disputes: 0, open: 0, resolved: 0, bySubject: {}, byStageReached: {}, byOutcome: {}, timescales: {}, overdue: 0,
      unlawfulGrounds: {}, legalRiskSignals: {}, themes: {},
    });
  });

  it('[R9.2] the summary the CLI prints is the Board report\'s figures for the period, leaving out empty rows', () => {
    const { a, b, c } = disputes();
    const r = boardReport([a, b, c], december, calendar, directory, now);
    expect(summaryOfReport(r)).toEqual({
      period: december,
      disputes: 2, open: 1, resolved: 1,
      bySubject: { FUNDING: 2, ACCOMMODATION: 1 },
      byStageReached: { 'Stage 1': 1, 'Stage 2': 1 },
      byOutcome: { 'Agreement reached': 1 },
      timescales: { 'Stage 1': { decided: 2, met: 1 } },
      overdue: 1,
      unlawfulGrounds: { BUDGET: 1, AWAITING_PANEL: 1 },
      legalRiskSignals: { STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 1 },
      themes: { 'panel delays': 1 },
    });
  });
});

describe('the register CSV and summary: the cases the three disputes do not reach', () => {
  it('[R9.1] an escalated stage is "escalated", every person step done is "yes", and an empty cell is empty', () => {
    const { b } = disputes();
    const row = registerRow(b, directory, now);
    const escalated = {
      ...row,
      stages: [{ stage: 1, start: '2026-12-08T10:00:00.000Z', due: null, end: '2026-12-09T10:00:00.000Z', met: null, endReason: 'MANUAL' }],
      personSteps: { INFORMED: true, REASSURED: true, EXPLAINED: true, ADVOCACY_OFFERED: true },
    };
    const cells = toCsv([escalated]).split('\n')[1]!.split(',');
    expect(cells.slice(10, 14)).toEqual(['2026-12-08T10:00:00.000Z', '', '2026-12-09T10:00:00.000Z', 'escalated']);
    expect(cells.slice(-4)).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
  });

  it('[R9.2] [R10.1] the summary counts each legal-risk signal a dispute carries, once a dispute', () => {
    const { b } = disputes();
    const row = registerRow(b, directory, now);
    const flagged = { ...row, flags: { CONTINUITY_ALERT: 2, ENDING_WITHOUT_JOINT_ASSESSMENT: 1, STAGE_OVERDUE: 1, PERSON_NOT_INFORMED: 3, UNLAWFUL_GROUND: 2 } };
    expect(summarise([flagged, flagged]).legalRiskSignals).toEqual({
      STAGE_OVERDUE: 2, CONTINUITY_ALERT: 2, ENDING_WITHOUT_JOINT_ASSESSMENT: 2, PERSON_NOT_INFORMED: 2,
    });
  });
});
