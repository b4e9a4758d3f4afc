import fs from 'node:fs';
import zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { boardReport } from '../../src/reports/board-report.ts';
import { reportCharts, toPng, wrapLabel } from '../../src/reports/charts.ts';
import { letterPdf } from '../../src/reports/pdf/letter-pdf.ts';
import { referralPackZip } from '../../src/reports/pdf/pack-zip.ts';
import { referralPackPdf } from '../../src/reports/pdf/referral-pack-pdf.ts';
import { referralPack, type ReferralPack } from '../../src/reports/referral-pack.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';
import { stage4 } from '../helpers/stage4.ts';

// The documents drawn from the register (R5.7 pack, R8.2 letters, R9.2 charts), read back the way a
// reader's tools do: the PDF's text and tags, the zip's entries, the charts' SVG and PNG.
const now = new Date('2026-12-14T10:00:00Z');

/** The PDF's content streams, inflated. */
function pdfStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  for (const m of pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    try { out.push(zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1')); } catch { /* not deflated */ }
  }
  return out;
}

/** The text a PDF draws, one line per text run (pdfkit writes the standard fonts' text as hex strings in TJ arrays). */
function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const body of pdfStreams(pdf)) {
    for (const t of body.matchAll(/\[([^\]]*)\] TJ/g)) {
      lines.push([...t[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
    }
  }
  return `${lines.join('\n')}\n`;
}
/** The same text with lines a paragraph was wrapped at joined again (pdfkit keeps the space at the break). */
const flat = (text: string) => text.replace(/ \n/g, ' ');
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

function pack(): ReferralPack {
  const { s, history } = stage4();
  return referralPack({ dispute: s.dispute, history, directory, calendar, policy: DEFAULT_POLICY, now });
}

describe('the referral pack as a PDF (R5.7)', () => {
  it('[R5.7] draws every section of the pack in reading order, as the golden text a person has read', async () => {
    const text = pdfText(await referralPackPdf(pack(), now));
    const file = 'tests/fixtures/reports/referral-pack.pdf.txt';
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('[R5.7] is a tagged PDF in English with its title shown, headings and lists tagged, page furniture as artifacts', async () => {
    const buf = await referralPackPdf(pack(), now);
    const pdf = buf.toString('latin1');
    expect(pdf.startsWith('%PDF-1.7')).toBe(true);
    expect(pdf).toContain('/Lang (en-GB)');
    expect(pdf).toContain('/MarkInfo');
    expect(pdf).toMatch(/\/Marked true/);
    expect(pdf).toMatch(/\/DisplayDocTitle true/);
    const content = pdfStreams(buf).join('\n');
    const pages = count(pdfText(buf), /^Page \d+ of \d+$/gm);
    expect(pages).toBeGreaterThan(1);
    expect(count(content, /\/Artifact <<\s*\/Type \/Pagination/g)).toBe(pages);
    expect(count(content, /\/Artifact <<\s*\/Type \/Layout/g)).toBeGreaterThan(0);
    expect(pdf).toContain('/StructTreeRoot');
    expect(count(pdf, /\/S \/H1\b/g)).toBe(1);
    expect(count(pdf, /\/S \/H2\b/g)).toBe(10); // nine numbered sections and the letter
    expect(count(pdf, /\/S \/L\b/g)).toBeGreaterThan(3);
    expect(pdf).toContain('(Section 117 dispute bot \\(pdfkit\\))');
  });

  it('[R5.7] says when a stage is overdue, and what is missing when nothing was recorded', async () => {
    const s = new Scenario('2026-12-07T10:00:00Z');
    s.raise();
    const p = referralPack({ dispute: s.dispute, history: [], directory, calendar, policy: DEFAULT_POLICY, now: new Date('2026-12-15T10:00:00Z') });
    const text = flat(pdfText(await referralPackPdf(p, now)));
    for (const line of [
      'Open at Stage 1 (Frontline resolution)',
      'Stage 1 is overdue: it was due Monday 14 December 2026, 5pm.',
      'not yet recorded',
      'Nothing recorded by this organisation.',
      'No decision was recorded.',
      'No delay, reduction or withdrawal of care was reported during the dispute.',
      'None cited.',
      'Page 1 of 2',
      'Page 2 of 2',
    ]) expect(text).toContain(line);
  });
});

describe('letters and the pack zip (R8.2, R5.7, R11.2)', () => {
  it('[R8.2] a letter PDF is the letter as recorded, with its status above it', async () => {
    const p = pack();
    const l = { ...p.letters[0]!, sent: 'Monday 14 December 2026, 9am', reviewedBy: 'Bea Jones' };
    const text = flat(pdfText(await letterPdf(p.reference, p.partnership, l, now)));
    expect(text).toContain('Letter 1 to the person (S117-2026-0001)');
    expect(text).toContain('Sent Monday 14 December 2026, 9am; drafted Friday 11 December 2026, 10am; reviewed by Bea Jones; reading age');
    expect(text).toContain('S117-2026-0001 · Letter 1 · Anytown Section 117 Partnership · OFFICIAL-SENSITIVE: PERSONAL');
    const draft = flat(pdfText(await letterPdf(p.reference, p.partnership, p.letters[0]!, now)));
    expect(draft).toContain('Draft: not yet marked sent; drafted Friday 11 December 2026, 10am; reading age');
    expect(draft).not.toContain('reviewed by');
    expect((await letterPdf(p.reference, p.partnership, l, now)).toString('latin1')).toContain('(Section 117 dispute S117-2026-0001: letter 1 to the person)');
  });

  it('[R5.7] [R11.2] the zip holds the pack as JSON and PDF and each letter, named by reference only, owner-only', async () => {
    const p = pack();
    const zip = await referralPackZip(p, now);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files).sort()).toEqual([
      'S117-2026-0001-stage-4-referral-pack.json', 'S117-2026-0001-stage-4-referral-pack.pdf', 'letters/S117-2026-0001-letter-1.pdf',
    ]);
    expect(JSON.parse(Buffer.from(files['S117-2026-0001-stage-4-referral-pack.json']!).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(p)));
    expect(Buffer.from(files['S117-2026-0001-stage-4-referral-pack.pdf']!).toString('latin1').startsWith('%PDF')).toBe(true);
    expect(pdfText(Buffer.from(files['letters/S117-2026-0001-letter-1.pdf']!))).toContain('Letter 1 to the person (S117-2026-0001)');
    // The central directory's external attributes carry the Unix mode: regular file, 0600.
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect((zip.readUInt32LE(cd + 38) >>> 16).toString(8)).toBe('100600');
  });
});

describe('the Board report charts (R9.2)', () => {
  it('[R9.2] labels wrap at spaces near the width and are never cut', () => {
    expect(wrapLabel('Funding responsibility (health and social care contributions)')).toBe('Funding responsibility\n(health and social care\ncontributions)');
    expect(wrapLabel('one two three', 7)).toBe('one two\nthree');
    expect(wrapLabel('one two', 7)).toBe('one two');
    expect(wrapLabel('averyveryverylongword x', 5)).toBe('averyveryverylongword\nx');
    expect(wrapLabel('')).toBe('');
  });

  it('[R9.2] four charts, each with a title and a text description of its figures', async () => {
    const s = new Scenario('2026-12-07T10:00:00Z');
    s.raise();
    const r = boardReport([s.dispute], { from: '2026-12-01', to: '2026-12-31' }, calendar, directory, new Date('2027-01-04T10:00:00Z'));
    const charts = await reportCharts(r);
    expect(charts.map((c) => [c.title, c.description])).toEqual([
      ['Disputes by subject', 'Accommodation and "accommodation-plus": 1; Funding responsibility (health and social care contributions): 1'],
      ['Disputes by stage reached', 'Stage 1: 1; Stage 2: 0; Stage 3: 0; Stage 4: 0'],
      ['Stages resolved within timescale', 'Stage 1: 0 of 0 met; Stage 2: 0 of 0 met; Stage 3: 0 of 0 met'],
      ['Disputes opened and closed each month', '2026-12: 1 opened, 0 closed'],
    ]);
    const [bySubject, byStage, timescale, monthly] = charts.map((c) => c.svg);
    expect(bySubject).toMatch(/^<svg/);
    expect(bySubject).toContain('fill="#005eb8"');
    expect(bySubject).toContain('Funding responsibility');
    expect(bySubject).toContain('contributions)');
    expect(bySubject).toContain('>Disputes by subject<');
    expect(byStage).toContain('Stage 4');
    expect(timescale).toContain('fill="#d5281b"');
    expect(timescale).toContain('Missed');
    expect(monthly).toContain('stroke="#005eb8"');
    expect(monthly).toContain('stroke="#330072"');
    expect(monthly).toContain('2026-12');
    const empty = await reportCharts(boardReport([], { from: '2026-12-01', to: '2026-12-31' }, calendar, directory, new Date('2027-01-04T10:00:00Z')));
    expect(empty[0]!.description).toBe('No disputes opened.');
    expect(empty[0]!.svg).toContain('None in this period');
  });

  it('[R9.2] a chart as PNG for chat, on white, at the width asked', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="10" height="10" fill="#005eb8"/></svg>';
    const png = toPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 450]);
    const small = toPng(svg, 200);
    expect([small.readUInt32BE(16), small.readUInt32BE(20)]).toEqual([200, 100]);
  });
});
