import type { Command } from '../commands.ts';
import type { Draft } from '../stage-ops.ts';
import { recordChcAdjustment, updateChc } from './chc.ts';
import { confirmDecision, proposeDecision, withdrawDecision } from './decisions.ts';
import { draftLetterCmd, markLetterSent, personStep, reportCareChange } from './person.ts';
import { raise } from './raise.ts';
import { addTheme, correct } from './record.ts';
import { escalateByHand, recomputeDeadline, recordExternalRoute, requestLegalAdvice, tickChecklist } from './stage.ts';
import { sweep } from './sweep.ts';
import type { Handler, HandlerMap } from './types.ts';

export const HANDLERS: HandlerMap = {
  RAISE: raise,
  SWEEP: sweep,
  TICK_CHECKLIST: tickChecklist,
  ESCALATE: escalateByHand,
  PROPOSE_DECISION: proposeDecision,
  CONFIRM_DECISION: confirmDecision,
  WITHDRAW_DECISION: withdrawDecision,
  REPORT_CARE_CHANGE: reportCareChange,
  RECORD_EXTERNAL_ROUTE: recordExternalRoute,
  UPDATE_CHC: updateChc,
  RECORD_CHC_ADJUSTMENT: recordChcAdjustment,
  PERSON_STEP: personStep,
  DRAFT_LETTER: draftLetterCmd,
  MARK_LETTER_SENT: markLetterSent,
  ADD_THEME: addTheme,
  REQUEST_LEGAL_ADVICE: requestLegalAdvice,
  RECOMPUTE_DEADLINE: recomputeDeadline,
  CORRECT: correct,
};

export function handle(draft: Draft, cmd: Command): void {
  (HANDLERS[cmd.type] as Handler<Command['type']>)(draft, cmd);
}
