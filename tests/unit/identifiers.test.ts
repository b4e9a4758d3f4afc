import { caseSpaceName } from '../../src/domain/naming.ts';
import { isValidNhsNumber, maskNhsNumber } from '../../src/domain/nhs-number.ts';
import { detectUnlawfulGrounds } from '../../src/domain/unlawful-grounds.ts';

describe('NHS numbers', () => {
  it('accepts numbers whose modulus-11 check digit matches, with or without spaces', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('401-023-2137')).toBe(true);
    // A remainder of 0 gives check digit 11, written as 0.
    expect(isValidNhsNumber('401 023 2110')).toBe(true);
    expect(isValidNhsNumber('4010232111')).toBe(false);
  });
  it('refuses wrong check digits, check digit 10, and anything not ten digits', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('1000000010')).toBe(false); // remainder gives check digit 10: never issued
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
    expect(isValidNhsNumber('94347659a9')).toBe(false);
  });
  it('[R11.2] shows only the last three digits', () => {
    expect(maskNhsNumber('943 476 5919')).toBe('NHS number ending 919');
    expect(maskNhsNumber(null)).toBeNull();
    // The last three digits, not the last three characters as typed.
    expect(maskNhsNumber('943 476 591 9')).toBe('NHS number ending 919');
    expect(maskNhsNumber('')).toBeNull();
  });
});

describe('case space names', () => {
  it('[R11.2] are the reference in lower case, with a numbered suffix when the name is taken', () => {
    expect(caseSpaceName('S117-2026-0042')).toBe('s117-2026-0042');
    expect(caseSpaceName('S117-2026-0042', 1)).toBe('s117-2026-0042-2');
    expect(caseSpaceName('S117 2026/0042', 2)).toBe('s117-2026-0042-3');
  });
});

describe('unlawful grounds in free text', () => {
  it.each([
    ['We cannot agree because of budget constraints this year.', 'BUDGET'],
    ['Financial pressures across the system.', 'BUDGET'],
    ['It is a health or social care question, not ours.', 'HEALTH_VS_SOCIAL_CARE'],
    ['There is no local policy for this.', 'NO_LOCAL_POLICY'],
    ['Support is on hold awaiting panel.', 'AWAITING_PANEL'],
    ["We're waiting: CHC not yet decided.", 'CHC_UNDETERMINED'],
    ['Pending continuing healthcare assessment.', 'CHC_UNDETERMINED'],
    ['Due to the restructure of the community teams.', 'RESTRUCTURING'],
    ['Commissioning changes from April.', 'RESTRUCTURING'],
  ])('[R4.1] finds a ground in "%s"', (text, ground) => {
    expect(detectUnlawfulGrounds(text)).toContain(ground);
  });
  it('[R4.1] does not flag ordinary needs-led text', () => {
    expect(detectUnlawfulGrounds('Assessed need for 24-hour support; risk of readmission is high. The panel agreed the plan last week.')).toEqual([]);
  });
});
