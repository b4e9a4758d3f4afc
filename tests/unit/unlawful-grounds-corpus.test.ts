import { detectUnlawfulGrounds, endsAftercare } from '../../src/domain/unlawful-grounds.ts';
import { UNLAWFUL_GROUNDS } from '../../src/domain/types.ts';
import { isUnlawful } from '../../src/domain/r41-classifier.ts';
import { loadTraining } from '../../scripts/r41-data.ts';

// The training set (corpus.txt, training-extra.txt, training-round3.txt, training-round4.txt, the three round-5
// files, and held-out versions 1-3, retired as measures in rounds 3, 4 and 5) is what the classifier learns from,
// so figures here are in-sample: they show the detector fits its own data, not that it generalises. Honest figures
// come from leave-one-writer-out cross-validation (npm run eval:r41) and the frozen held-out set version 4, which
// the lead adds after the round-5 freeze (unlawful-grounds-heldout.test.ts).
// What the training set does not cover, so a good score here is not over-read:
// - only British English as written by professionals; no text-speak, heavy typos or other languages;
// - sarcasm, quotations of someone else's view, and long negations are few;
// - "not engaging" used to withhold care has no ground of its own in the protocol's list, and no examples.
const rows = loadTraining();

describe('the unlawful-ground detector on its training set', () => {
  it('[R4.1] has at least 300 labelled sentences, about half lawful, covering every ground', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    const lawful = rows.filter((r) => !isUnlawful(r)).length;
    expect(lawful / rows.length).toBeGreaterThanOrEqual(0.45);
    expect(lawful / rows.length).toBeLessThanOrEqual(0.6);
    for (const g of UNLAWFUL_GROUNDS) expect(rows.filter((r) => r.grounds.includes(g)).length).toBeGreaterThanOrEqual(15);
  });

  it('[R4.1] flags what the data labels unlawful and not what it labels lawful (in-sample, at least 0.95 each)', () => {
    let tp = 0, fp = 0, fn = 0, groundRight = 0;
    const wrong: string[] = [];
    for (const r of rows) {
      const got = detectUnlawfulGrounds(r.sentence);
      const unlawful = isUnlawful(r);
      // Held-out version 1 rows name no ground: they count for flagging, not for the ground named.
      if (unlawful && got.length) { tp++; if (!r.grounds.length || got.some((g) => r.grounds.includes(g))) groundRight++; }
      else if (unlawful) { fn++; wrong.push(`missed: ${r.sentence}`); }
      else if (got.length) { fp++; wrong.push(`false ${got.join(',')}: ${r.sentence}`); }
    }
    process.stdout.write(`detector on its ${rows.length} training sentences: precision ${(tp / (tp + fp)).toFixed(3)}, `
      + `recall ${(tp / (tp + fn)).toFixed(3)}\n${wrong.join('\n')}\n`);
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.95);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.95);
    // The ground named is one the data gives, nearly always: it is what the person is told.
    expect(groundRight / tp).toBeGreaterThanOrEqual(0.95);
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
