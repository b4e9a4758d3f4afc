import { features, isUnlawful, mentionsGroundSubject, normalise, roleOf, structureFeatures, trainModel } from '../../src/domain/r41-classifier.ts';
import { detectUnlawfulGrounds } from '../../src/domain/unlawful-grounds.ts';
import { loadTraining, modelSource, readModelFile } from '../../scripts/r41-data.ts';

describe('the R4.1 classifier', () => {
  it('[R4.1] folds the abbreviations and spellings professionals use onto the same words', () => {
    expect(normalise('ASC and the LA')).toBe(normalise('adult social care and the local authority'));
    expect(normalise('S117 after-care')).toBe('s117 after care');
    expect(normalise('Section 117')).toBe('s117');
    expect(normalise('Continuing Health Care')).toBe('chc');
    expect(normalise("won't fund, can't agree")).toBe('will not fund cannot agree');
    expect(normalise('reorganization')).toBe(normalise('reorganisation'));
    expect(normalise('£1,450 a week, 50/50')).toBe('money a week num');
    expect(normalise('OR is disputed')).toBe('ordinaryresidence is disputed');
    expect(normalise('health or social care')).toBe('health or socialcare');
  });

  it('[R4.1] takes word pairs, shared cues, and marks what a negation covers', () => {
    const f = features('The placement is delayed');
    expect(f).toEqual(expect.arrayContaining(['placement', 'placement is', 'delay', '#withhold']));
    expect(features('not delayed')).toEqual(expect.arrayContaining(['~delay', '~#withhold']));
    expect(features('not delayed')).not.toContain('#withhold');
  });

  it('[R4.1] gives words their role in the reasoning, and the roles in order as features (round 3)', () => {
    expect(['budget', 'so', 'stop', 'continue', 'not', 'the'].map(roleOf)).toEqual(['G', 'C', 'W', 'K', 'N', undefined]);
    // "regardless" is a negation before it is care going on; "until" a cause word before care held back.
    expect(roleOf('regardless')).toBe('N');
    expect(roleOf('until')).toBe('C');
    expect(roleOf('recommission')).toBe('G');
    // Repeats merge, words with no role are skipped, and pairs and triples are taken in order.
    expect(structureFeatures(['the', 'budget', 'cost', 'is', 'spent', 'so', 'hours', 'stop']).sort()).toEqual(['@CW', '@GC', '@GCW', '@endW', '@startG']);
    expect(structureFeatures(['chc', 'pending', 'care', 'continue']).sort()).toEqual(['@CK', '@GC', '@GCK', '@endK', '@startG']);
    // Round 5: the first and last role, and contrast words (B) as a role of their own.
    expect(structureFeatures(['budget'])).toEqual(['@endG', '@startG']);
    expect(structureFeatures([])).toEqual([]);
    expect(['but', 'however', 'although'].map(roleOf)).toEqual(['B', 'B', 'B']);
    expect(features('The budget is spent, so the hours stop.')).toEqual(expect.arrayContaining(['@GCW']));
  });

  it('[R4.1] round 4 subject words: prefixed money words, "not engaging" and procurement touch a ground (words start-matched)', () => {
    // Seen among cross-validation mistakes on training data: with no subject word, no flag was possible.
    for (const text of ['The package is unaffordable.', 'The service is underfunded.', 'She would have to self-fund.',
      'He was invoiced for it.', 'Closed as he is not engaging.', 'She DNAd twice.', 'Re-procurement underway.',
      'The service has been remodelled.', 'The DPS is closed.', 'Waiting for the MoU.', 'Residential is too dear.']) {
      expect([text, mentionsGroundSubject(text)]).toEqual([text, true]);
    }
    expect(roleOf('unafford')).toBe('G');
    expect(mentionsGroundSubject('He attends the day centre on Tuesdays.')).toBe(false);
  });

  it('[R4.1] a training row is unlawful when it names a ground, or when it says so without one (held-out v1 rows)', () => {
    expect(isUnlawful({ grounds: ['BUDGET'] })).toBe(true);
    expect(isUnlawful({ grounds: [] })).toBe(false);
    expect(isUnlawful({ grounds: [], unlawful: true })).toBe(true);
    expect(isUnlawful({ grounds: [], unlawful: false })).toBe(false);
  });

  it('[R4.1] rows without a named ground teach the yes/no model but not the ground models', () => {
    const rows = [
      { sentence: 'hours cut due to the overspend', grounds: ['BUDGET' as const] },
      { sentence: 'the hours stay the same', grounds: [] },
      { sentence: 'the package waits because the panel is full', grounds: [], unlawful: true },
    ];
    const model = trainModel(rows, { epochs: 50, rate: 0.5, l2: 0, minCount: 1 });
    expect(model.unlawful.weights.panel).toBeGreaterThan(0);
    expect(model.grounds.AWAITING_PANEL.weights.panel).toBeUndefined();
    // Reason-level features belong to the yes/no model only.
    expect(Object.keys(model.unlawful.weights).some((f) => f.startsWith('@'))).toBe(true);
    expect(Object.keys(model.grounds.BUDGET.weights).some((f) => f.startsWith('@'))).toBe(false);
  });

  it.each([
    ['The budget holders meet on Thursday to agree the recharge.'],
    ['The service was recommissioned in October; he has the same hours with the new provider.'],
    ['The CHC decision is awaited; aftercare continues in full meanwhile.'],
    ['no agreement'],
    ['No agreement was reached at Stage 1, so we are escalating.'],
  ])('[R4.1] does not flag the lawful wording an audit found flagged: "%s"', (text) => {
    expect(detectUnlawfulGrounds(text)).toEqual([]);
  });

  it.each([
    ['We cannot fund the extra hours this financial year.', 'BUDGET'],
    ['The uplift must stay within the allocation, so it is declined.', 'BUDGET'],
    ["It's a nursing task so health should pay.", 'HEALTH_VS_SOCIAL_CARE'],
    ['Mid-merger, so the decision is on hold.', 'RESTRUCTURING'],
    ['New commissioning arrangements mean the placement cannot be extended.', 'RESTRUCTURING'],
  ] as const)('[R4.1] flags the wording an audit found missed: "%s"', (text, ground) => {
    expect(detectUnlawfulGrounds(text)).toContain(ground);
  });

  it.each([
    ['New description'],
    ['Typed in wrongly.'],
    ['The move is delayed.'],
    ['The floating support stopped tonight.'],
    ['Decision 1 is waiting for confirmation from 2 organisation(s).'],
  ])('[R4.1] flags nothing in text that cites no ground, however it reads: "%s"', (text) => {
    expect(detectUnlawfulGrounds(text)).toEqual([]);
  });

  it('[R4.1] reads a sentence with the one after it, and still finds a ground in a long text', () => {
    expect(detectUnlawfulGrounds('The budget is set. So the hours drop.')).toEqual(['BUDGET']);
    expect(detectUnlawfulGrounds('The care coordinator visited on Monday. The placement is on hold until the funding panel meets. '
      + 'His mother has been told.')).toEqual(['AWAITING_PANEL']);
    expect(detectUnlawfulGrounds('')).toEqual([]);
    expect(detectUnlawfulGrounds(null)).toEqual([]);
  });

  it('[R4.1] the committed model is exactly what training on the training set gives (run `npm run train:r41` after changing the data)', () => {
    // Last in the file: it retrains (seconds), and a mutant the quick tests above already catch stops before it.
    // Stryker's sandbox puts `// @ts-nocheck` at the top of every source file; it is not part of the model.
    expect(readModelFile().replace(/^\/\/ @ts-nocheck\n+/m, '')).toBe(modelSource(trainModel(loadTraining())));
  });
});
