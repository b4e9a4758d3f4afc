import { features, type LinearModel, normalise, type R41Model } from '../../src/domain/r41-classifier.ts';
import { detectWith, endsAftercare } from '../../src/domain/unlawful-grounds.ts';
import { UNLAWFUL_GROUNDS, type UnlawfulGround } from '../../src/domain/types.ts';

// The optional parts of the R4.1 and R7.4 patterns, each left out once (a mutation run found these
// phrases missing from r41-patterns.test.ts), and how a text is cut into passages. The model is a
// stand-in, as there, so the patterns alone decide what is named.
const flat = (bias: number): LinearModel => ({ bias, weights: {} });
const stub = (top: UnlawfulGround, unlawful: LinearModel = flat(0)): R41Model => ({
  unlawful,
  grounds: Object.fromEntries(UNLAWFUL_GROUNDS.map((g) => [g, flat(g === top ? 0 : -5)])) as Record<UnlawfulGround, LinearModel>,
});
const PATTERNS_ONLY = { high: 2, low: 0, ground: 2 };
function named(text: string): UnlawfulGround[] {
  const a = detectWith(stub('BUDGET'), text, PATTERNS_ONLY);
  const b = detectWith(stub('RESTRUCTURING'), text, PATTERNS_ONLY);
  return UNLAWFUL_GROUNDS.filter((g) => (g === 'BUDGET' ? b.includes(g) : a.includes(g)));
}

describe('the R4.1 patterns without their optional words', () => {
  it.each([
    ['This is not council responsibility.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Health so ICB pays.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Which body pays health costs?', 'HEALTH_VS_SOCIAL_CARE'],
    ['Health need must be funded by NHS.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Health task should be paid by the ICB.', 'HEALTH_VS_SOCIAL_CARE'],
    ['There is no policy.', 'NO_LOCAL_POLICY'],
    ['We lack policy.', 'NO_LOCAL_POLICY'],
    ['In the absence of policy.', 'NO_LOCAL_POLICY'],
    ['Without policy.', 'NO_LOCAL_POLICY'],
    ['The policy has not been agreed.', 'NO_LOCAL_POLICY'],
    ['We have not agreed policy.', 'NO_LOCAL_POLICY'],
    ['We await policy.', 'NO_LOCAL_POLICY'],
    ['The panel date booked.', 'AWAITING_PANEL'],
    ['When panel meets.', 'AWAITING_PANEL'],
    ['When the funding panel meets.', 'AWAITING_PANEL'],
    ['Continuing healthcare is unclear.', 'CHC_UNDETERMINED'],
    ['CHC eligibility unclear.', 'CHC_UNDETERMINED'],
    ['Until decided whether they are continuing healthcare funded.', 'CHC_UNDETERMINED'],
    ['The continuing healthcare review is still pending.', 'CHC_UNDETERMINED'],
    ['The DST pending.', 'CHC_UNDETERMINED'],
    ['Continuing healthcare to be decided first.', 'CHC_UNDETERMINED'],
    ['Continuing healthcare must be resolved first.', 'CHC_UNDETERMINED'],
    ['A service cut.', 'RESTRUCTURING'],
    ['Contract ending.', 'RESTRUCTURING'],
    ['New provider not in place.', 'RESTRUCTURING'],
    ['Decommission so it ends.', 'RESTRUCTURING'],
  ] as const)('[R4.1] "%s" names %s', (text, ground) => {
    expect(named(text)).toEqual([ground]);
  });

  it('[R4.1] a decommissioned service mentioned beside a needs-led reason names nothing', () => {
    expect(named('Needs are met; the day centre was decommissioned last year.')).toEqual([]);
  });

  it('[R4.1] sentences are judged apart: a ground set aside in one is not set aside in the next', () => {
    expect(named('Not because of the budget. The deficit is large.')).toEqual(['BUDGET']);
  });
});

describe('R4.1 passages: a sentence with the next one, never across lines', () => {
  // "alpha" and "beta" together reach the high bar (p 0.62); either alone does not (p 0.38); "cost" touches a ground.
  const model = stub('BUDGET', { bias: -1.5, weights: { alpha: 1, beta: 1 } });
  const th = { high: 0.5, low: 0.45, ground: 2 };
  it.each([
    ['Alpha cost. Beta.', ['BUDGET']],
    ['Alpha cost. Gamma. Beta.', []],
    ['Alpha cost. 12. Beta.', ['BUDGET']],
    ['Alpha cost.\nBeta.', []],
    ['Alpha cost beta.', ['BUDGET']],
  ] as const)('[R4.1] "%s"', (text, expected) => {
    expect(detectWith(model, text, th)).toEqual(expected);
  });
});

describe('R7.4 endings without their optional words', () => {
  it.each([
    ['He will no longer need section 117.'],
    ['She will no longer require aftercare.'],
    ['We will stop aftercare.'],
    ['Care goes on. We will end his s117 aftercare.'],
    ['Terminate s117.'],
  ])('[R7.4] "%s" reads as ending aftercare', (text) => {
    expect(endsAftercare(text)).toBe(true);
  });
});

describe('R4.1 normalising: a lone punctuation mark between words', () => {
  it('[R4.1] becomes a word break, not a join', () => {
    expect(normalise('budget . delay')).toBe('budget delay');
    expect(features('budget , delay')).toContain('budget delay');
  });
});
