/** NHS numbers: ten digits, the last a modulus-11 check digit. */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isValidNhsNumber(input: string): boolean {
  const n = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(n[9]);
}

/** What chat may show of an NHS number: its last three digits only (R11.2). */
export function maskNhsNumber(n: string | null): string | null {
  return n ? `NHS number ending ${normaliseNhsNumber(n).slice(-3)}` : null;
}
