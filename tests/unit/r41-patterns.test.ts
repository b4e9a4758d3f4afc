import { classify, features, type LinearModel, mentionsGroundSubject, normalise, type R41Model, score, trainModel } from '../../src/domain/r41-classifier.ts';
import { detectWith, endsAftercare, GROUND_TEXT } from '../../src/domain/unlawful-grounds.ts';
import { UNLAWFUL_GROUNDS, type UnlawfulGround } from '../../src/domain/types.ts';

// The R4.1 patterns only name a ground and lower the classifier's bar; the corpus tests judge them
// together with the trained model, so a pattern branch the model happens to cover goes unnoticed.
// Here the model is a stand-in whose verdict is fixed, so what is flagged is exactly what the
// patterns name: one phrase for each pattern (and each optional part of one), in professionals'
// wording, and the phrases that set a ground aside. Not a measure of precision or recall.
const flat = (bias: number): LinearModel => ({ bias, weights: {} });
/** p = 0.5 for "unlawful"; `top` ranks first among the grounds, the others far below. */
const stub = (top: UnlawfulGround, unlawful = 0): R41Model => ({
  unlawful: flat(unlawful),
  grounds: Object.fromEntries(UNLAWFUL_GROUNDS.map((g) => [g, flat(g === top ? 0 : -5)])) as Record<UnlawfulGround, LinearModel>,
});
// Never high enough for the classifier alone; any named ground passes the low bar; no second ground by score.
const PATTERNS_ONLY = { high: 2, low: 0, ground: 2 };

/** The grounds the patterns name in a text (the stand-in's own first choice is told apart by asking twice). */
function named(text: string): UnlawfulGround[] {
  const a = detectWith(stub('BUDGET'), text, PATTERNS_ONLY);
  const b = detectWith(stub('RESTRUCTURING'), text, PATTERNS_ONLY);
  return UNLAWFUL_GROUNDS.filter((g) => (g === 'BUDGET' ? b.includes(g) : g === 'RESTRUCTURING' ? a.includes(g) : a.includes(g)));
}

// The word-level features of rounds 1-4; round 5's additions are pinned in their own test below.
const base = (t: string) => features(t).filter((f) => !/^['^>]|^@(start|end)/.test(f));

describe('the R4.1 grounds in the protocol\'s words', () => {
  it('[R4.1] each ground is named as RULES.md R4.1 names it, in the order the protocol lists them', () => {
    expect(GROUND_TEXT).toEqual({
      BUDGET: 'budget constraints or financial pressures',
      HEALTH_VS_SOCIAL_CARE: 'disagreement about whether a service is "health" or "social care"',
      NO_LOCAL_POLICY: 'absence of a local policy or funding protocol',
      AWAITING_PANEL: 'awaiting a panel decision where needs are already identified',
      CHC_UNDETERMINED: 'a CHC dispute not yet determined',
      RESTRUCTURING: 'organisational restructuring or commissioning changes',
    });
    expect(Object.keys(GROUND_TEXT)).toEqual([...UNLAWFUL_GROUNDS]);
  });
});

describe('the R4.1 patterns, one phrase each', () => {
  it.each([
    ['The budget is spent.', 'BUDGET'],
    ['Budgets are set in April.', 'BUDGET'],
    ['Given the budgetary position.', 'BUDGET'],
    ['Given our financial position.', 'BUDGET'],
    ['Financial constraints apply.', 'BUDGET'],
    ['Cost pressures mean a delay.', 'BUDGET'],
    ['There are resource constraints.', 'BUDGET'],
    ['There is no money.', 'BUDGET'],
    ['There is no fund for it.', 'BUDGET'],
    ['There are limited funds.', 'BUDGET'],
    ['Insufficient resource.', 'BUDGET'],
    ['Not enough funding available.', 'BUDGET'],
    ['We cannot afford it.', 'BUDGET'],
    ['We can not afford it.', 'BUDGET'],
    ["We can't afford it.", 'BUDGET'],
    ['It is unaffordable.', 'BUDGET'],
    ['We could not afford to pay.', 'BUDGET'],
    ['The overspend is large.', 'BUDGET'],
    ['We overspent.', 'BUDGET'],
    ['The savings target applies.', 'BUDGET'],
    ['A saving plan applies.', 'BUDGET'],
    ['To save money.', 'BUDGET'],
    ['A cost saving exercise.', 'BUDGET'],
    ['A cost cutting exercise.', 'BUDGET'],
    ['We must cut costs.', 'BUDGET'],
    ['The deficit is large.', 'BUDGET'],
    ['Funding is exhausted.', 'BUDGET'],
    ['There is a spending freeze.', 'BUDGET'],
    ['A cheaper placement is needed.', 'BUDGET'],
    ['Cheaper options are required.', 'BUDGET'],
    ['Is it health or social care?', 'HEALTH_VS_SOCIAL_CARE'],
    ['NHS not council.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Social care versus health.', 'HEALTH_VS_SOCIAL_CARE'],
    ['It is health so they pay.', 'HEALTH_VS_SOCIAL_CARE'],
    ["It's a health task so the ICB pays.", 'HEALTH_VS_SOCIAL_CARE'],
    ['This is purely a medical need therefore not ours.', 'HEALTH_VS_SOCIAL_CARE'],
    ['That is clearly an NHS matter and so not ours.', 'HEALTH_VS_SOCIAL_CARE'],
    ['This is not a council responsibility.', 'HEALTH_VS_SOCIAL_CARE'],
    ['This is not an ICB cost.', 'HEALTH_VS_SOCIAL_CARE'],
    ['The task is social care therefore the council pays.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Unclear whether the support is health.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Who pays for social care?', 'HEALTH_VS_SOCIAL_CARE'],
    ['Health needs must be funded by the NHS.', 'HEALTH_VS_SOCIAL_CARE'],
    ['Not our responsibility, it is social care.', 'HEALTH_VS_SOCIAL_CARE'],
    ['There is no local policy.', 'NO_LOCAL_POLICY'],
    ['There are no jointly agreed funding protocols.', 'NO_LOCAL_POLICY'],
    ['We do not have a funding protocol.', 'NO_LOCAL_POLICY'],
    ['The council lacks a written framework.', 'NO_LOCAL_POLICY'],
    ['In the absence of a joint policy.', 'NO_LOCAL_POLICY'],
    ['Without a written framework.', 'NO_LOCAL_POLICY'],
    ['The protocol has not yet been signed.', 'NO_LOCAL_POLICY'],
    ['We have not yet ratified the joint funding framework.', 'NO_LOCAL_POLICY'],
    ['Pending the new protocol.', 'NO_LOCAL_POLICY'],
    ['Awaiting panel.', 'AWAITING_PANEL'],
    ['On hold until the ICB funding panel.', 'AWAITING_PANEL'],
    ['Subject to the joint funding panel.', 'AWAITING_PANEL'],
    ['The panel has not yet met.', 'AWAITING_PANEL'],
    ['The panel sits on Tuesday.', 'AWAITING_PANEL'],
    ['We referred the case to the funding panel.', 'AWAITING_PANEL'],
    ['Submitted to panel.', 'AWAITING_PANEL'],
    ['The panel date is booked.', 'AWAITING_PANEL'],
    ['When the panel decides.', 'AWAITING_PANEL'],
    ['Awaiting CHC.', 'CHC_UNDETERMINED'],
    ['Pending the outcome of the DST.', 'CHC_UNDETERMINED'],
    ['CHC outcome is unknown.', 'CHC_UNDETERMINED'],
    ['Continuing healthcare eligibility has not been decided.', 'CHC_UNDETERMINED'],
    ['Until it is known whether he is eligible for CHC.', 'CHC_UNDETERMINED'],
    ['The checklist has not been completed.', 'CHC_UNDETERMINED'],
    ['The fast track application is still pending.', 'CHC_UNDETERMINED'],
    ['CHC to be decided first.', 'CHC_UNDETERMINED'],
    ['CHC must be resolved first.', 'CHC_UNDETERMINED'],
    ['After the restructure.', 'RESTRUCTURING'],
    ['During the reorganisation.', 'RESTRUCTURING'],
    ['During the reorganization.', 'RESTRUCTURING'],
    ['We will recommission.', 'RESTRUCTURING'],
    ['It is being re-commissioned.', 'RESTRUCTURING'],
    ['We will retender.', 'RESTRUCTURING'],
    ['It is being re-tendered.', 'RESTRUCTURING'],
    ['A commissioning review.', 'RESTRUCTURING'],
    ['Changes to commissioning.', 'RESTRUCTURING'],
    ['Service cuts.', 'RESTRUCTURING'],
    ['A service reduction.', 'RESTRUCTURING'],
    ['The contract is ending.', 'RESTRUCTURING'],
    ['The block contract was not renewed.', 'RESTRUCTURING'],
    ['A trust transition.', 'RESTRUCTURING'],
    ['The new provider is not yet in place.', 'RESTRUCTURING'],
    ['The merging of two teams.', 'RESTRUCTURING'],
    ['Structural change.', 'RESTRUCTURING'],
    ['Because the day service is being decommissioned.', 'RESTRUCTURING'],
    ['As decommission.', 'RESTRUCTURING'],
    ['It was decommissioned so it ends.', 'RESTRUCTURING'],
    ['The decommissioning of the unit.', 'RESTRUCTURING'],
  ] as const)('[R4.1] "%s" names %s', (text, ground) => {
    expect(named(text)).toEqual([ground]);
  });

  it.each([
    ['His personal budget pays for it.'],
    ['His personal health budget pays for it.'],
    ['The decision is not because of the budget.'],
    ['Regardless of the panel, care goes on.'],
    ['Irrespective of CHC, care goes on.'],
    ['This has nothing to do with the restructure.'],
    ['The care coordinator visited on Monday.'],
  ])('[R4.1] "%s" names no ground', (text) => {
    expect(named(text)).toEqual([]);
  });

  it('[R4.1] setting a ground aside covers the next few words only (40 characters), not the rest of a long sentence', () => {
    expect(named('Not because of the budget, but the deficit is large.')).toEqual([]);
    expect(named('Not because of the budget as such, but as things stand today the deficit is large.')).toEqual(['BUDGET']);
  });
});

describe('the R4.1 decision: when the classifier and the patterns flag', () => {
  const th = { high: 0.5, low: 0.35, ground: 0.5 };
  it('[R4.1] the classifier alone flags at its high bar only when the text touches a ground\'s subject', () => {
    // p = 0.5 exactly: at the bar.
    expect(detectWith(stub('AWAITING_PANEL'), 'The family asked about the cost.', th)).toEqual(['AWAITING_PANEL']);
    expect(detectWith(stub('AWAITING_PANEL'), 'The move is delayed.', th)).toEqual([]);
    // Just under the high bar, with no pattern: nothing.
    expect(detectWith(stub('AWAITING_PANEL', -0.01), 'The family asked about the cost.', th)).toEqual([]);
  });

  it('[R4.1] a pattern lowers the bar to the low one, and the grounds are the model\'s first, any it is sure of, and those named', () => {
    const low = Math.log(0.35 / 0.65); // p = 0.35 exactly
    expect(detectWith(stub('AWAITING_PANEL', low), 'The overspend is large.', th)).toEqual(['BUDGET', 'AWAITING_PANEL']);
    expect(detectWith(stub('AWAITING_PANEL', low - 0.01), 'The overspend is large.', th)).toEqual([]);
    const sure: R41Model = { ...stub('CHC_UNDETERMINED'), grounds: { ...stub('CHC_UNDETERMINED').grounds, RESTRUCTURING: flat(0) } };
    // CHC (p 0.5) is first, RESTRUCTURING (p 0.5) also reaches the ground bar; the rest (p 0.007) do not.
    expect(detectWith(sure, 'The family asked about the cost.', th)).toEqual(['CHC_UNDETERMINED', 'RESTRUCTURING']);
    const unsure: R41Model = { ...stub('CHC_UNDETERMINED'), grounds: { ...stub('CHC_UNDETERMINED').grounds, RESTRUCTURING: flat(-0.01) } };
    expect(detectWith(unsure, 'The family asked about the cost.', th)).toEqual(['CHC_UNDETERMINED']);
  });

  it('[R4.1] passages: a sentence is judged with the next, lines apart, and text without letters is skipped', () => {
    // The second line alone names the ground; the first line's words do not reach it.
    expect(named('The care goes on.\nThe overspend is large.')).toEqual(['BUDGET']);
    expect(named('Care goes on. The overspend is large. He is well.')).toEqual(['BUDGET']);
    expect(named('Not because of the\nbudget.')).toEqual(['BUDGET']);
    expect(detectWith(stub('BUDGET'), '12. 34!', { high: 0, low: 0, ground: 2 })).toEqual([]);
    expect(detectWith(stub('BUDGET'), '', PATTERNS_ONLY)).toEqual([]);
    expect(detectWith(stub('BUDGET'), undefined, PATTERNS_ONLY)).toEqual([]);
  });
});

describe('R7.4: text that ends Section 117 aftercare', () => {
  it.each([
    ['Discharge him from section 117 aftercare.'],
    ['We will end his s117 aftercare.'],
    ['Bring to an end the section 117 entitlement.'],
    ['Section 117 aftercare ends on Friday.'],
    ['S117 no longer applies.'],
    ['He is no longer eligible for section 117.'],
    ['She no longer needs aftercare.'],
    ['Stopping her aftercare.'],
    ["Ending the person's aftercare."],
  ])('[R7.4] "%s" reads as ending aftercare', (text) => {
    expect(endsAftercare(text)).toBe(true);
  });

  it.each([
    ['Aftercare will not end.'],
    ['We will not end his aftercare.'],
    ['We will not ever end his aftercare.'],
    ['We will neither reduce nor end her aftercare.'],
    ['It goes on without ending his aftercare.'],
    ['We will never stop his aftercare.'],
    ['Reduce the hours of support.'],
    ['The placement ends; a new one starts under section 117.'],
    [''],
    [null],
  ])('[R7.4] "%s" does not', (text) => {
    expect(endsAftercare(text)).toBe(false);
  });

  // "won't" normalises to "won t": no word boundary before its "n", so the negation matches "n t" anywhere.
  it('[R7.4] a contracted negation ("won\'t", "don\'t … cease") does not read as ending aftercare', () => {
    expect(endsAftercare("We won't end his aftercare.")).toBe(false);
    expect(endsAftercare("We don't intend to cease s117.")).toBe(false);
    expect(endsAftercare('We will end his aftercare.')).toBe(true);
  });

  it('[R7.4] an ending written as a past fact ("the duty under section 117 has now been discharged") reads as ending', () => {
    expect(endsAftercare('The duty under section 117 has now been discharged.')).toBe(true);
    expect(endsAftercare('S117 duty discharged.')).toBe(true);
    expect(endsAftercare('Section 117 aftercare was formally ended at the review.')).toBe(true);
    expect(endsAftercare('Section 117 will not be discharged.')).toBe(false);
    expect(endsAftercare('He was discharged from hospital under section 3; section 117 aftercare applies.')).toBe(false);
  });
});

describe('the R4.1 classifier\'s parts, one by one', () => {
  it('[R4.1] normalising: abbreviations, money, numbers, apostrophes, hyphens and punctuation', () => {
    expect(normalise('Sec 117, s.117 and S 117')).toBe('s117 s117 and s117');
    expect(normalise('NHS CHC; the CCG and the ICS')).toBe('chc the icb and the icb');
    expect(normalise('The JFP asked for a DST.')).toBe('the funding panel asked for a dst');
    expect(normalise('MH and mental health')).toBe('mentalhealth and mentalhealth');
    expect(normalise('Ordinarily resident; ordinary residence')).toBe('ordinaryresidence ordinaryresidence');
    expect(normalise('This FY, this fiscal year')).toBe('this financialyear this financialyear');
    expect(normalise('re-tender and re-structure')).toBe('retender and restructure');
    expect(normalise('Cannot, can not, wont, will not, isn’t')).toBe('cannot cannot will not will not is not');
    expect(normalise('£1.5m and £ 200 and 3rd and 1,450.50')).toBe('money and money and num and num');
    expect(normalise('Organization, organisations, organised')).toBe('organise organise organise');
    expect(normalise('prioritize, prioritized')).toBe('prioritise prioritised');
    expect(normalise('a/b: c... "d" (e)')).toBe('a b c d e');
  });

  it('[R4.1] features: suffixes stripped only from longer words, pairs, cues, and a negation covering the next three words', () => {
    expect(base('delays')).toEqual(['delay', '#withhold']);
    expect(base('delayed')).toEqual(['delay', '#withhold']);
    expect(base('delaying')).toEqual(['delay', '#withhold']);
    expect(base('uses cases ended being')).toEqual(['uses', 'case', 'uses case', 'ended', 'case ended', 'being', 'ended being']);
    // The roles in order (ground, then care going on) lead: the reason-level feature of round 3.
    expect(base('budget continues')).toEqual(['@GK', 'budget', '#money', 'continu', '#continue', 'budget continu']);
    expect(base('no a b c d')).toEqual(['no', 'a', 'no a', '~a', 'b', 'a b', '~b', 'c', 'b c', '~c', 'd', 'c d']);
    expect(base('never delay')).toEqual(['@NW', 'never', 'delay', '~#withhold', 'never delay', '~delay']);
    expect(base('delay delay')).toEqual(['delay', '#withhold', 'delay delay']);
    expect(features('')).toEqual([]);
  });

  it('[R4.1] round 5 features: letter 4-grams, 5-letter word starts, the first and last role, contrast and the clause after it', () => {
    expect(features('delays').filter((f) => f.startsWith("'"))).toEqual(["'_del", "'dela", "'elay", "'lay_"]);
    // Word starts only for words longer than five letters, after the suffix strip.
    expect(features('budget delay').filter((f) => f.startsWith('^'))).toEqual(['^budge']);
    expect(features('budget continues')).toEqual(expect.arrayContaining(['@startG', '@endK']));
    const f = features('hours cut, but care continues');
    expect(f).toEqual(expect.arrayContaining(['@WBK', '@startW', '@endK', '>care', '>continu']));
    expect(f).not.toContain('>hour');
    expect(f).not.toContain('>but');
    // The last contrast word starts the clause that counts.
    expect(features('but x however y')).toEqual(expect.arrayContaining(['>y']));
    expect(features('but x however y')).not.toContain('>x');
  });

  it('[R4.1] a subject of a ground is a word start after normalising, anywhere in the text', () => {
    expect(mentionsGroundSubject('The cost is high.')).toBe(true);
    expect(mentionsGroundSubject('Which ICB pays?')).toBe(true);
    expect(mentionsGroundSubject('Adult social care.')).toBe(true);
    expect(mentionsGroundSubject('The move is delayed.')).toBe(false);
    expect(mentionsGroundSubject('He was unpaid.')).toBe(false);
  });

  it('[R4.1] scoring: a sigmoid of the bias and the weights of the features present; the grounds ranked most likely first', () => {
    expect(score({ bias: 0, weights: {} }, [])).toBe(0.5);
    expect(score({ bias: 0, weights: { a: Math.log(3) } }, ['a', 'unknown'])).toBeCloseTo(0.75, 10);
    expect(score({ bias: Math.log(3), weights: { a: -Math.log(3) } }, ['a'])).toBe(0.5);
    const model = stub('CHC_UNDETERMINED', Math.log(4));
    const r = classify({ ...model, grounds: { ...model.grounds, RESTRUCTURING: { bias: -1, weights: { s117: 2 } } } }, 'S117');
    expect(r.p).toBeCloseTo(0.8, 10);
    expect(r.grounds.map((g) => g.ground).slice(0, 2)).toEqual(['RESTRUCTURING', 'CHC_UNDETERMINED']);
    expect(r.grounds.map((g) => g.p).slice(0, 2)).toEqual([1 / (1 + Math.exp(-1)), 0.5]);
    expect(r.grounds).toHaveLength(6);
  });

  it('[R4.1] training: separable rows give a positive weight to the word that marks "yes", a negative one to "no", and drop rare words', () => {
    const rows = [
      { sentence: 'budget delay', grounds: ['BUDGET' as const] }, { sentence: 'budget pause', grounds: ['BUDGET' as const] },
      { sentence: 'care continues', grounds: [] }, { sentence: 'care goes on', grounds: [] }, { sentence: 'lonely', grounds: [] },
    ];
    const m = trainModel(rows, { epochs: 200, rate: 0.5, l2: 0, minCount: 2 });
    expect(m.unlawful.weights.budget).toBeGreaterThan(0.5);
    expect(m.unlawful.weights.care).toBeLessThan(-0.5);
    expect(m.unlawful.weights.lonely).toBeUndefined();
    expect(m.unlawful.weights.delay).toBeUndefined();
    expect(classify(m, 'budget').p).toBeGreaterThan(0.5);
    expect(classify(m, 'care').p).toBeLessThan(0.5);
    // Weights are rounded to four places, and the tiniest are left out.
    for (const w of Object.values(m.unlawful.weights)) expect(Math.abs(w)).toBeGreaterThanOrEqual(0.005);
    expect(Object.values(m.unlawful.weights).every((w) => Math.abs(w * 1e4 - Math.round(w * 1e4)) < 1e-6)).toBe(true);
    // Ground models learn from the unlawful rows only: every one of them is BUDGET.
    expect(m.grounds.BUDGET.bias).toBeGreaterThan(0);
    expect(m.grounds.RESTRUCTURING.bias).toBeLessThan(0);
    // More regularisation, smaller weights; no epochs, no weights.
    const l2 = trainModel(rows, { epochs: 200, rate: 0.5, l2: 0.5, minCount: 2 });
    expect(Math.abs(l2.unlawful.weights.budget ?? 0)).toBeLessThan(m.unlawful.weights.budget!);
    expect(trainModel(rows, { epochs: 0, rate: 0.5, l2: 0, minCount: 2 }).unlawful).toEqual({ bias: 0, weights: {} });
  });
});
