import { DomainError, type ErrorCode } from '../../domain/errors.ts';
import type { AllowedAction } from '../../domain/allowed-actions.ts';
import type { Logger } from '../ports.ts';

/**
 * Why something was not done: a stable code for programs and tests, a
 * sentence for people, and (sometimes) the one action to take instead,
 * drawn as a button on the answer.
 */
export interface Refusal {
  code: RefusalCode; message: string; field?: string; action?: AllowedAction;
  /** Other fields found wrong in the same check (a form shows them all, each on its field). */
  also?: { field: string; message: string }[];
}

/**
 * The inbound layer's own reasons, beside the protocol's: programs and tests match on them, so a misspelt one does not
 * compile.
 */
export const INTERACTION_REFUSAL_CODES = [
  'NOT_ALLOWED_TO_SEE', 'NOT_ALLOWED', 'STALE_BUTTON', 'NOT_A_CASE_SPACE', 'REPORT_NOT_ALLOWED', 'INVALID_FORM', 'BAD_PERIOD', 'FAILED',
] as const;

export type RefusalCode = ErrorCode | (typeof INTERACTION_REFUSAL_CODES)[number];

/** The button for a protocol refusal's suggested action (R7.4: move to Stage 3). */
const REFUSAL_ACTIONS: Record<string, (label: string, seq?: number) => AllowedAction> = {
  MOVE_TO_STAGE_3: (label) => ({ verb: 'stage-3', label, style: 'primary' }),
  REDRAFT_LETTER: (label, seq) => ({ verb: 'redraft-letter', n: seq ?? 0, label, style: 'primary' }),
};

/** How each platform's people are told which id to give their administrator. */
const HANDLE_TEXT: Record<string, string> = { slack: 'Slack member id', teams: 'Teams (Entra object) id' };

/**
 * Every refusal the inbound layer gives, in one place. None of them names a
 * dispute, a party or a person: they go to people who may not see the case.
 */
export const refusals = {
  notInDirectory: (platform: string): Refusal => ({
    code: 'NOT_IN_DIRECTORY',
    message: 'You are not in the Section 117 directory, so the bot cannot act for you. '
      + `Ask your administrator to add your ${HANDLE_TEXT[platform] ?? `${platform} id`} to the directory file.`,
  }),
  maySee: (): Refusal => ({
    code: 'NOT_ALLOWED_TO_SEE',
    message: 'Only the participants of that dispute, senior officers and governance leads can see it. '
      + 'Ask a participant if you need to know more.',
  }),
  mayNotDo: (): Refusal => ({
    code: 'NOT_ALLOWED',
    message: 'That is not something you can do on this dispute now. The buttons on the card show what you can do; '
      + 'ask a participant or your manager if you think you should.',
  }),
  stale: (): Refusal => ({
    code: 'STALE_BUTTON', message: 'That button is out of date. Use the card at the top of the case channel or thread.',
  }),
  noSuchDispute: (ref?: string): Refusal => ({
    code: 'NO_SUCH_DISPUTE',
    message: ref ? `There is no dispute ${ref}. References look like S117-2026-0042.` : 'That dispute no longer exists.',
  }),
  notCaseSpace: (what: string): Refusal => ({ code: 'NOT_A_CASE_SPACE', message: `${what} works in a dispute's case channel or thread.` }),
  reportOnly: (): Refusal => ({
    code: 'REPORT_NOT_ALLOWED', message: 'Only governance leads can post the Partnership Board report: it covers the disputes of every organisation. Senior officers see the figures for their own organisation on the report page of the register.',
  }),
  resolved: (): Refusal => ({
    code: 'DISPUTE_CLOSED', message: 'That dispute is resolved; nothing more can be recorded on it here.',
  }),
};

const FAILED = 'Something went wrong and nothing was recorded. It has been logged; please try again in a minute, '
  + 'and tell your administrator if it keeps happening.';

/** A thrown error as a refusal: the protocol's own reasons as they are, anything else logged and apologised for. */
export function explain(e: unknown, logger: Logger): Refusal {
  if (e instanceof DomainError) {
    const action = e.action ? REFUSAL_ACTIONS[e.action.command]?.(e.action.label, e.action.seq) : undefined;
    const also = e.also.filter((x) => x.field).map((x) => ({ field: x.field!, message: x.message }));
    return { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...(action ? { action } : {}), ...(also.length ? { also } : {}) };
  }
  logger.error({ err: e instanceof Error ? { name: e.name, message: e.message } : { message: String(e) } }, 'an interaction failed');
  return { code: 'FAILED', message: FAILED };
}

/** The words a refusal is shown in. */
export function refusalText(r: Refusal): string {
  return r.code === 'FAILED' || r.code === 'NOT_IN_DIRECTORY' ? r.message : `Not recorded: ${r.message}`;
}
