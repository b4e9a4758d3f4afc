/** A refusal a person can act on: a stable code for programs, a sentence for people. */
export class DomainError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  /** The one thing the person can do instead, when there is one (e.g. move to Stage 3). */
  readonly action: RefusalAction | undefined;
  constructor(code: string, message: string, field?: string, action?: RefusalAction) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
    this.action = action;
  }
}

export interface RefusalAction { command: string; label: string }

export function refuse(code: string, message: string, field?: string, action?: RefusalAction): never {
  throw new DomainError(code, message, field, action);
}
