/**
 * Every reason the protocol refuses a command. Programs (the CLI's exit
 * codes, adapters choosing how to answer, tests) match on these, so a new
 * refusal is added here and a misspelt one does not compile.
 */
// Only the type below is read; no code reads this array at run time, so a changed entry cannot change behaviour.
// Stryker disable StringLiteral,ArrayDeclaration: read as a type only
export const ERROR_CODES = [
  'ADMIN_ONLY', 'ALREADY_RAISED', 'CHC_NOT_DECIDED', 'DECISION_NOT_OPEN', 'DISPUTE_CLOSED', 'DUPLICATE_PARTY', 'ENDING_NEEDS_STAGE_3',
  'ENDING_UNLAWFUL_REASON', 'EXTERNAL_NEEDS_STAGE_3',
  'FIELD_REQUIRED', 'FIELD_TOO_LONG', 'INVALID_DATE', 'INVALID_NHS_NUMBER', 'NOT_A_PARTICIPANT', 'NOT_A_PARTY', 'NOT_CURRENT_STAGE',
  'NOT_IN_DIRECTORY', 'NO_DEADLINE', 'NO_SUCH_DECISION', 'NO_SUCH_DISPUTE', 'NO_SUCH_ITEM', 'NO_SUCH_LETTER', 'OUTCOME_NOT_FOR_STAGE',
  'PERSON_PENALISED', 'RAISER_NOT_PARTY', 'SENIOR_OFFICER_ONLY', 'TOO_FEW_PARTIES', 'UNKNOWN_ORGANISATION', 'UNKNOWN_PERSON',
  'USE_EXTERNAL_ESCALATION', 'WRONG_ORGANISATION', 'CONFIRMER_ROLE_REQUIRED', 'ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION',
  'STATUTORY_PARTY_MISSING', 'NO_OPEN_ALERT', 'INVALID_VALUE', 'USE_ADD_OR_WITHDRAW_PARTY', 'NO_SUCH_ENTRY', 'STAGE_3_NOT_EXHAUSTED',
  'ROUTE_NEEDS_ICB', 'NO_SUCH_ADJUSTMENT',
  'EFFECT_NOT_FOR_STAGE', 'EFFECT_DOES_NOT_MATCH_OUTCOME', 'BASIS_REQUIRED', 'INVALID_PAYER', 'WORDING_CHECK',
  'DECISION_IN_FORCE', 'JOINT_ASSESSMENT_INCOMPLETE', 'LETTER_OUT_OF_DATE', 'THEME_NEEDS_AREA', 'WITHDRAWAL_NOT_YOURS',
] as const;
// Stryker restore StringLiteral,ArrayDeclaration

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refusal a person can act on: a stable code for programs, a sentence for people. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** The one thing the person can do instead, when there is one (e.g. move to Stage 3). */
  readonly action: RefusalAction | undefined;
  /**
   * The other fields found wrong in the same check, one refusal each: a form shows them all at once, so a person
   * answering from e-mail is not sent back once per mistake. Programs still match on the first one's code.
   */
  readonly also: readonly DomainError[];
  constructor(code: ErrorCode, message: string, field?: string, action?: RefusalAction, also: readonly DomainError[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
    this.action = action;
    this.also = also;
  }
}

/**
 * Collects field refusals instead of stopping at the first, for checks that are independent of each other. Each check
 * is run as it was (they are pure: nothing is changed until every check has passed); a refusal that names no field
 * (who may act, whether the dispute is open) still stops at once, and a field keeps only its first refusal.
 */
export class Problems {
  readonly found: DomainError[] = [];
  check<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof DomainError) || !e.field) throw e;
      if (!this.found.some((x) => x.field === e.field)) this.found.push(e);
      return undefined;
    }
  }
  get none(): boolean {
    return this.found.length === 0;
  }
  /** Refuses with the first problem found (the one a single check would have given), carrying the rest. */
  refuseIfAny(): void {
    const [first, ...rest] = this.found;
    if (first) throw new DomainError(first.code, first.message, first.field, first.action, rest);
  }
}

export interface RefusalAction { command: string; label: string; seq?: number }

export function refuse(code: ErrorCode, message: string, field?: string, action?: RefusalAction): never {
  throw new DomainError(code, message, field, action);
}
