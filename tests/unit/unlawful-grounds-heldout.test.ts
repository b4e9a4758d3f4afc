import crypto from 'node:crypto';
import fs from 'node:fs';
import { HELDOUT_FILE, HELDOUT_V1_FILE, HELDOUT_V2_FILE, HELDOUT_V3_FILE, HELDOUT_V4_FILE } from '../../scripts/r41-data.ts';
import { evaluateHeldOut, formatFigures } from '../../scripts/r41-eval-lib.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// Version 5 of the held-out set was written blind and held by the lead, who added it to
// tests/fixtures/unlawful-grounds-heldout-v5/ only after round 6 froze a model (docs/r41-classifier.md). That model
// (round 5's features retrained on more writers) measured 0.925 / 0.745 once, but lost two of the audit's story
// sentences, so round 5's model stays shipped; on version 5 it gives precision 0.910, recall 0.710 (a second look).
// The floors sit a little under that, so a model change that loses ground on text nobody tuned to fails here.
// evaluateHeldOut returns counts only.
const V5 = {
  REQUIRED: true,
  SHA256: '2bc6b71d3588d1dabc1c89353d8da102d38cdc901501aff8f6fb6ba6097d14a0',
  FLOOR: { precision: 0.9, recall: 0.7 },
};
const present = fs.existsSync(HELDOUT_FILE);
const required = V5.REQUIRED || process.env.R41_REQUIRE_HELDOUT === '1';
const missing = `held-out version 5 (${HELDOUT_FILE}) is not in the repository yet: the lead adds it after round 6's freeze`;
if (!present && !required) process.stderr.write(`SKIPPED [R4.1]: ${missing}.\n`);

describe('the unlawful-ground detector on the frozen held-out set', () => {
  it('[R4.1] versions 1-4, retired as measures and now training data, are unchanged (the docs quote figures on them)', () => {
    expect(sha256(HELDOUT_V1_FILE)).toBe('2eb66cc18b17f0115b0f015aa6af356ccfae02ae9d3183bfd3dd9f4c98dfcd35');
    expect(sha256(HELDOUT_V2_FILE)).toBe('92e02f8a0b47c024a58870e4b539c4c000309e423f39c46008eff77ca38b9fcd');
    expect(sha256(HELDOUT_V3_FILE)).toBe('04239282d81ddf7ef03738a1336712166160158511e8696dc6111813f70163a9');
    expect(sha256(HELDOUT_V4_FILE)).toBe('d952973faac3df9f5a37cdc5a07bdca1a3bb57a05e7243cb5b1ee928b04042ea');
  });

  if (!present && required) {
    it('[R4.1] held-out version 5 is present (required)', () => {
      throw new Error(`${missing}; R41_REQUIRE_HELDOUT or V5.REQUIRED asks for it.`);
    });
    return;
  }
  // Skipped, visibly, while the file is absent: Jest lists it as skipped, with the reason in its name.
  const itV5 = present ? it : it.skip;

  itV5(`[R4.1] reads version 5 of the held-out set, unchanged${present ? '' : ` (SKIPPED: ${missing})`}`, () => {
    if (!V5.SHA256) throw new Error(`pin the SHA-256 of ${HELDOUT_FILE} in V5.SHA256: it is ${sha256(HELDOUT_FILE)}`);
    expect(sha256(HELDOUT_FILE)).toBe(V5.SHA256);
  });

  itV5(`[R4.1] held-out (version 5) precision and recall stay at or above the floors the lead set${present ? '' : ' (SKIPPED: not present)'}`, () => {
    const { overall } = evaluateHeldOut();
    process.stdout.write(`${formatFigures('held-out v5', overall)}\n`);
    if (!V5.FLOOR.precision || !V5.FLOOR.recall) throw new Error('set V5.FLOOR from the first measurement (npm run eval:r41 -- --heldout)');
    expect(overall.tp + overall.fp + overall.fn + overall.tn).toBeGreaterThanOrEqual(200);
    expect(overall.precision).toBeGreaterThanOrEqual(V5.FLOOR.precision);
    expect(overall.recall).toBeGreaterThanOrEqual(V5.FLOOR.recall);
  });
});
