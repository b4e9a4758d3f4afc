import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { packMarkText, referralPack } from '../../src/reports/referral-pack.ts';
import { subjectHtml, subjectJson } from '../../src/reports/subject-export.ts';
import { stage2Decision } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';
import { stage4 } from '../helpers/stage4.ts';

// The Stage 4 referral pack (R5.7, R9.1) and the subject access export (its history: R11.1) of one dispute that went
// through most of the protocol, compared with golden files a person reads when they change
// (UPDATE_GOLDEN=1 rewrites them), plus the properties that matter most, asserted on their own.
const DIR = 'tests/fixtures/reports';

function golden(name: string, actual: string): void {
  const file = path.join(DIR, name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('the Stage 4 referral pack (R5.7, R9.1)', () => {
  const now = new Date('2026-12-14T10:00:00Z');

  it('[R5.7] [R9.1] holds every position, decision, stage, route, flag, step, CHC adjustment, history entry and evidence item', () => {
    const { s, history } = stage4();
    const pack = referralPack({ dispute: s.dispute, history, directory, calendar, policy: DEFAULT_POLICY, now });
    golden('referral-pack.json', `${JSON.stringify(pack, null, 2)}\n`);
  });

  it('[R11.2] [R9.1] masks the NHS number, and agrees with the register row and the overdue test', () => {
    const { s, history } = stage4();
    const pack = referralPack({ dispute: s.dispute, history, directory, calendar, policy: DEFAULT_POLICY, now });
    expect(pack.person.nhsNumber).toBe('NHS number ending 919');
    expect(JSON.stringify(pack)).not.toContain('943 476 5919');
    expect(pack.register.reference).toBe('S117-2026-0001');
    expect(pack.stages.map((x) => [x.stage, x.mark])).toEqual([[3, 'escalated'], [4, 'no timescale']]);
    expect(pack.overdue).toBeNull();
    // History out of order comes back in order.
    const shuffled = referralPack({ dispute: s.dispute, history: [...history].reverse(), directory, calendar, policy: DEFAULT_POLICY, now });
    expect(shuffled.chronology.map((c) => c.seq)).toEqual(history.map((h) => h.seq));
  });

  it('[R9.1] a stage still open is "open" within its timescale and "overdue" after it, by the same test as the register', () => {
    const s = new Scenario('2026-12-07T10:00:00Z');
    s.raise();
    const pack = (at: string) => referralPack({ dispute: s.dispute, history: [], directory, calendar, policy: DEFAULT_POLICY, now: new Date(at) });
    expect(pack('2026-12-08T10:00:00Z').stages[0]!.mark).toBe('open');
    expect(pack('2026-12-08T10:00:00Z').overdue).toBeNull();
    const late = pack('2026-12-15T10:00:00Z');
    expect(late.stages[0]!.mark).toBe('overdue');
    expect(late.overdue).toEqual({ stage: 1, due: 'Monday 14 December 2026, 5pm' });
    expect(late.register.overdue).toBe(true);
    expect(late.positions[0]!.statements[0]!.what).toBe(`The disagreement as raised: ${s.dispute.description}`);
    expect(late.positions[1]!.statements).toEqual([]);
  });

  it('[R9.1] every stage mark has its words', () => {
    expect(['met', 'missed', 'escalated', 'open', 'overdue', 'no timescale'].map((m) => packMarkText(m as never))).toEqual([
      'Met', 'Missed', 'Escalated', 'Open, within its timescale', 'Overdue', 'No timescale',
    ]);
  });
});

describe('the subject access export', () => {
  const date = (iso: string) => calendar.describe(new Date(iso), { year: true });

  it('[R11.1] JSON: the record whole, the NHS number unmasked, each history entry with its plain-English line', () => {
    const { s, history } = stage4();
    const json = subjectJson({ query: { kind: 'nhs-number', value: '943 476 5919' }, generatedAt: '2026-12-14T10:00:00.000Z',
      disputes: [{ dispute: s.dispute, history }] }, directory, date);
    golden('subject-export.json', json);
    const parsed = JSON.parse(json);
    expect(parsed.disputes[0].nhsNumber).toBe('9434765919');
    expect(parsed.disputes[0].history[0]).toMatchObject({ seq: 1, by: 'Ali Khan', byId: 'ali-khan', platform: 'cli', type: 'RAISED' });
  });

  it('HTML: one readable, self-contained page, user text escaped', () => {
    const { s, history } = stage4();
    const html = subjectHtml({ query: { kind: 'nhs-number', value: '943 476 5919' }, generatedAt: '2026-12-14T10:00:00.000Z',
      disputes: [{ dispute: s.dispute, history }] }, directory, date);
    golden('subject-export.html', html);
    expect(html).toContain('The budget is spent &lt;today&gt;.');
    expect(html).not.toContain('<today>');
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('HTML: a search that found nothing says so, by what was searched', () => {
    const none = (kind: 'nhs-number' | 'case-number') => subjectHtml({ query: { kind, value: 'AC-1' }, generatedAt: '2026-12-14T10:00:00.000Z',
      disputes: [] }, directory, date);
    expect(none('case-number')).toContain('<p>Found by local case number <strong>AC-1</strong>, on Monday 14 December 2026, 10am: 0 dispute(s).</p>\n'
      + '<p>The register holds no dispute with this local case number.</p>');
    expect(none('nhs-number')).toContain('<p>The register holds no dispute with this NHS number.</p>');
  });

  it('[R11.1] HTML: a resolved dispute, its history entry with who and on which platform, a person not in the directory shown by id', () => {
    const s = new Scenario('2026-12-07T10:00:00Z');
    s.raise();
    s.at('2026-12-09T10:00:00Z').run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    const letterSeq = s.dispute.letters.at(-1)?.seq;
    if (letterSeq) s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: letterSeq });
    const html = subjectHtml({ query: { kind: 'case-number', value: 'AC-104233' }, generatedAt: '2026-12-14T10:00:00.000Z',
      disputes: [{ dispute: { ...s.dispute, nhsNumber: null }, history: [{ seq: 1, at: new Date('2026-12-07T10:00:00Z'), actorId: 'zed-gone',
        platform: 'slack', type: 'RAISED', data: {}, correctsSeq: null }] }] }, directory, date);
    golden('subject-export-resolved.html', html);
    expect(html).toContain('<tr><th scope="row">Status</th><td>resolved Wednesday 9 December 2026, 10am</td></tr>');
    expect(html).toContain('<tr><th scope="row">NHS number</th><td>not recorded</td></tr>');
    expect(html).toContain('zed-gone (slack)');
  });
});
