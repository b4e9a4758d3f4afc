import crypto from 'node:crypto';
import fs from 'node:fs';
import { HELDOUT_FILE, HELDOUT_V1_FILE, HELDOUT_V2_FILE } from '../../scripts/r41-data.ts';
import { evaluateHeldOut, formatFigures } from '../../scripts/r41-eval-lib.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// Version 3 of the held-out set was written blind (tests/fixtures/unlawful-grounds-heldout-v3/README.md) while
// the round-4 model was built by cross-validation on the training set only; the model was committed before v3
// was first measured (docs/r41-classifier.md). First measurement: precision 0.828, recall 0.844 (target 0.9
// both: not met). The floors sit a little under, so a regression fails while retraining on a better training
// set can still move the figures a little either way. evaluateHeldOut returns counts only, never a sentence.
const FLOOR = { precision: 0.81, recall: 0.82 };

describe('the unlawful-ground detector on the frozen held-out set', () => {
  it('[R4.1] reads version 3 of the held-out set, unchanged', () => {
    expect(sha256(HELDOUT_FILE)).toBe('04239282d81ddf7ef03738a1336712166160158511e8696dc6111813f70163a9');
  });

  it('[R4.1] versions 1 and 2, retired as measures and now training data, are unchanged (the docs quote figures on them)', () => {
    expect(sha256(HELDOUT_V1_FILE)).toBe('2eb66cc18b17f0115b0f015aa6af356ccfae02ae9d3183bfd3dd9f4c98dfcd35');
    expect(sha256(HELDOUT_V2_FILE)).toBe('92e02f8a0b47c024a58870e4b539c4c000309e423f39c46008eff77ca38b9fcd');
  });

  it(`[R4.1] held-out (version 3) precision stays at least ${FLOOR.precision} and recall at least ${FLOOR.recall}`, () => {
    const { overall } = evaluateHeldOut();
    process.stdout.write(`${formatFigures('held-out v3', overall)}\n`);
    expect(overall.tp + overall.fp + overall.fn + overall.tn).toBe(320);
    expect(overall.precision).toBeGreaterThanOrEqual(FLOOR.precision);
    expect(overall.recall).toBeGreaterThanOrEqual(FLOOR.recall);
  });
});
