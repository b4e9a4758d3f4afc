import fs from 'node:fs';
import { detectUnlawfulGrounds, endsAftercare } from '../../src/domain/unlawful-grounds.ts';
import { UNLAWFUL_GROUNDS, type UnlawfulGround } from '../../src/domain/types.ts';

// What the corpus does not cover, so a good score here is not over-read:
// - only British English as written by professionals; no text-speak, heavy typos or other languages;
// - grounds implied across several sentences ("The budget is set. So the hours drop.") are judged sentence by sentence;
// - sarcasm, quotations of someone else's view, and long negations ("we do not accept that the budget ...") are few;
// - lawful mentions of money are mostly "personal budget" and agreed splits, not every finance term.
const rows = fs.readFileSync('tests/fixtures/unlawful-grounds-corpus/corpus.txt', 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [labels, sentence] = l.split('\t') as [string, string];
    return { sentence, expected: labels === 'LAWFUL' ? [] : (labels.split(',') as UnlawfulGround[]) };
  });

describe('the unlawful-ground detector, measured', () => {
  it('[R4.1] has a labelled corpus of at least 150 sentences covering every ground, positive and lawful', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    for (const g of UNLAWFUL_GROUNDS) expect(rows.filter((r) => r.expected.includes(g)).length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((r) => !r.expected.length).length).toBeGreaterThanOrEqual(50);
  });

  it('[R4.1] reaches precision and recall of at least 0.9 on the corpus', () => {
    let tp = 0, fp = 0, fn = 0;
    const misses: string[] = [];
    for (const r of rows) {
      const got = detectUnlawfulGrounds(r.sentence);
      for (const g of got) if (r.expected.includes(g)) tp++; else { fp++; misses.push(`false ${g}: ${r.sentence}`); }
      for (const g of r.expected) if (!got.includes(g)) { fn++; misses.push(`missed ${g}: ${r.sentence}`); }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    process.stdout.write(`unlawful-ground detector on ${rows.length} sentences: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${misses.join('\n')}\n`);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('[R4.1] gives every labelled sentence exactly its labels, but for the two known misses', () => {
    // Pinned so that any change to a pattern that changes a verdict on the corpus is seen, not only one that
    // pulls the totals below 0.9. The misses are the detector's known limits, kept visible here.
    const KNOWN = new Map<string, string[]>([
      ['The panel is yet to decide, so the move is delayed.', []],
      ['The team has been restructured and nobody holds the budget line.', ['BUDGET', 'RESTRUCTURING']],
    ]);
    const wrong = rows.filter((r) => {
      const got = [...detectUnlawfulGrounds(r.sentence)].sort();
      return JSON.stringify(got) !== JSON.stringify(KNOWN.get(r.sentence) ?? [...r.expected].sort());
    }).map((r) => `${r.expected.join(',') || 'LAWFUL'}: ${r.sentence} → ${detectUnlawfulGrounds(r.sentence).join(',') || 'LAWFUL'}`);
    expect(wrong).toEqual([]);
  });

  it('[R4.1] catches the wordings an audit found missed, and not a lawful needs-met ending that mentions decommissioning', () => {
    expect(detectUnlawfulGrounds('Not until the ICB funding panel.')).toEqual(['AWAITING_PANEL']);
    expect(detectUnlawfulGrounds('Given our financial position.')).toEqual(['BUDGET']);
    expect(detectUnlawfulGrounds('There is no joint funding policy.')).toEqual(['NO_LOCAL_POLICY']);
    expect(detectUnlawfulGrounds('The service was recommissioned.')).toEqual(['RESTRUCTURING']);
    expect(detectUnlawfulGrounds('Hours were cut to save money.')).toEqual(['BUDGET']);
    expect(detectUnlawfulGrounds('It is health, so the ICB should pay.')).toEqual(['HEALTH_VS_SOCIAL_CARE']);
    expect(detectUnlawfulGrounds('Needs are met. The day service has since been decommissioned.')).toEqual([]);
  });

  it('[R7.4] recognises text that ends aftercare, and tells reducing apart from ending', () => {
    expect(endsAftercare('We agree to end Section 117 aftercare from 1 March.')).toBe(true);
    expect(endsAftercare('Section 117 ends on discharge from the team.')).toBe(true);
    expect(endsAftercare('He is no longer eligible for s117.')).toBe(true);
    expect(endsAftercare('Stop her aftercare at the end of the month.')).toBe(true);
    expect(endsAftercare('Reduce the floating support from 12 to 8 hours a week.')).toBe(false);
    expect(endsAftercare('This does not end Section 117 aftercare.')).toBe(false);
    expect(endsAftercare('The ICB pays 60% and the council 40%.')).toBe(false);
  });
});
