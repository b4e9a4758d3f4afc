import { effectsFor, payersRequired, readsAsEnding, readsAsReducing, wordingDisagrees } from '../../src/domain/aftercare-effect.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';

// The rules of aftercare-effect.ts read directly. The mutation run of 2026-12-08 (docs/mutation.md) found each of
// these unpinned by decision-effect.test.ts, which drives them through the decision form and the story.
const senior = { roles: ['SENIOR_OFFICER' as const] };

describe('what a decision may do, and what it must say', () => {
  it('[R3.1] an escalation keeps aftercare going: "continues" is its only effect, whoever proposes it', () => {
    expect(effectsFor(DEFAULT_POLICY, 3, senior, 'ESCALATE')).toEqual(['CONTINUES']);
    expect(effectsFor(DEFAULT_POLICY, 1, null, 'ESCALATE')).toEqual(['CONTINUES']);
  });

  it('[R5.6] a written decision names who pays even when care simply continues; an agreement to carry on does not', () => {
    expect(payersRequired('CONTINUES', 'WRITTEN_DECISION')).toBe(true);
    expect(payersRequired('CONTINUES', 'AGREEMENT')).toBe(false);
    expect(payersRequired('CHANGES', 'AGREEMENT')).toBe(true);
    expect(payersRequired('ENDS', 'WRITTEN_DECISION')).toBe(false);
  });
});

describe('the wording check (a prompt, never a block)', () => {
  it('[R7.4] a decision chosen as a reduction is not asked whether it reads as one; a "changes" decision is', () => {
    const words = ['Support reduced from 12 to 6 hours a week.'];
    expect(wordingDisagrees(words, 'REDUCES')).toBeNull();
    expect(wordingDisagrees(words, 'ENDS')).toBeNull();
    expect(wordingDisagrees(words, 'CHANGES')).toBe('REDUCES');
  });

  it('[R7.4] blank fields are ignored', () => {
    expect(wordingDisagrees([null, undefined, '', '   '], 'CONTINUES')).toBeNull();
  });

  it('[R7.4] reads "s. 117" as section 117', () => {
    expect(readsAsEnding('The s. 117 duty is discharged.')).toBe(true);
    expect(readsAsEnding('The s.117 duty is discharged.')).toBe(true);
  });

  it('[R7.4] a cut in hours is a reduction only when the new figure is lower, whatever its number of digits', () => {
    expect(readsAsReducing('Visits go from 20 to 10 hours a week.')).toBe(true);
    expect(readsAsReducing('Visits go from 12 to 12 hours a week.')).toBe(false);
    expect(readsAsReducing('Visits go from 6 to 12 hours a week.')).toBe(false);
  });

  it('[R7.4] one reducing sentence among others is enough', () => {
    expect(readsAsReducing('Care continues as planned.\nSupport goes from 12 to 6 hours a week.')).toBe(true);
  });
});
