/** A refusal a person can act on: a stable code for programs, a sentence for people. */
export class DomainError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(code: string, message: string, field?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
  }
}

export function refuse(code: string, message: string, field?: string): never {
  throw new DomainError(code, message, field);
}
