import { DomainError, Problems } from '../../src/domain/errors.ts';

// `Problems` lets a form show every field it refuses at once. No unit test read its rules (the mutation run of
// 2026-12-08 left every one of them alive, docs/mutation.md): a refusal without a field stops at once, anything that
// is not a refusal is not swallowed, a field keeps only its first refusal, and the first refusal found is the one
// thrown, carrying the others.
const fieldError = (field: string, message: string) => new DomainError('FIELD_REQUIRED', message, field);

describe('Problems: collecting field refusals', () => {
  it('collects one refusal per field, keeps the first for a field, and throws the first carrying the rest', () => {
    const p = new Problems();
    expect(p.check(() => 42)).toBe(42);
    expect(p.none).toBe(true);
    expect(p.check(() => { throw fieldError('effect', 'Choose what the decision does to aftercare.'); })).toBeUndefined();
    p.check(() => { throw fieldError('effectiveFrom', 'Give the date it takes effect.'); });
    p.check(() => { throw fieldError('effect', 'A second complaint about the same field.'); });
    expect(p.none).toBe(false);
    expect(p.found.map((e) => [e.field, e.message])).toEqual([
      ['effect', 'Choose what the decision does to aftercare.'],
      ['effectiveFrom', 'Give the date it takes effect.'],
    ]);
    let thrown: unknown;
    try { p.refuseIfAny(); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(DomainError);
    const err = thrown as DomainError;
    expect([err.code, err.field, err.message]).toEqual(['FIELD_REQUIRED', 'effect', 'Choose what the decision does to aftercare.']);
    expect(err.also.map((e) => e.field)).toEqual(['effectiveFrom']);
  });

  it('stops at once on a refusal that names no field (who may act, whether the dispute is open)', () => {
    const p = new Problems();
    const notAllowed = new DomainError('SENIOR_OFFICER_ONLY', 'Only a senior officer may propose this.');
    expect(() => p.check(() => { throw notAllowed; })).toThrow(notAllowed);
    expect(p.none).toBe(true);
  });

  it('never swallows an error that is not a refusal', () => {
    const p = new Problems();
    const bug = new TypeError('a bug, not a refusal');
    expect(() => p.check(() => { throw bug; })).toThrow(bug);
    expect(p.none).toBe(true);
  });

  it('refuses nothing when every check passed, and a refusal made alone carries nothing else', () => {
    expect(() => new Problems().refuseIfAny()).not.toThrow();
    expect(new DomainError('FIELD_REQUIRED', 'x', 'f').also).toEqual([]);
  });
});
