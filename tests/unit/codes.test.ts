import { DomainError, ERROR_CODES, type ErrorCode, refuse } from '../../src/domain/errors.ts';
import { type DomainEvent, EVENT_TYPES } from '../../src/domain/effects.ts';

// The unions are checked by the compiler (`npx tsc --noEmit` covers tests/):
// each @ts-expect-error below fails the type check the day a misspelt code
// or event type starts to compile.
describe('error codes and event types are closed lists', () => {
  it('refuses an unknown error code at compile time', () => {
    // @ts-expect-error 'NO_SUCH_DISPUT' is not an error code
    const e = new DomainError('NO_SUCH_DISPUT', 'typo');
    expect(e.code).toBe('NO_SUCH_DISPUT');
    // @ts-expect-error nor is an arbitrary string
    expect(() => refuse('OOPS' as string, 'typo')).toThrow(DomainError);
  });

  it('refuses an unknown event type at compile time', () => {
    // @ts-expect-error 'RAISE' is a command, not an event
    const ev: DomainEvent = { type: 'RAISE', data: {} };
    expect(ev.type).toBe('RAISE');
  });

  it('lists each code and each event type once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    const code: ErrorCode = 'WRONG_ORGANISATION';
    expect(ERROR_CODES).toContain(code);
  });
});
