/** Exit codes: 0 done, 1 refused or failed, 2 usage, 65 bad input data, 75 database busy (try later), 78 bad configuration. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, DATA: 65, BUSY: 75, CONFIG: 78 } as const;

/** A refusal the command line prints as it is (no "Failed:"), with its exit code. */
export class CliFailure extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}
