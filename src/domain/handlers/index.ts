import type { Command } from '../commands.ts';
import type { Draft } from '../stage-ops.ts';
import { confirmChcAdjustment, recordChcAdjustment, updateChc } from './chc.ts';
import { confirmDecision, proposeDecision, withdrawDecision } from './decisions.ts';
import { syncDirectory } from './directory.ts';
import { addParty, withdrawParty } from './parties.ts';
import { draftLetterCmd, markLetterSent, redraftLetter, personStep, recordCareRestored, reportCareChange } from './person.ts';
import { raise } from './raise.ts';
import { addTheme, correct, redact } from './record.ts';
import { escalateByHand, moveToStage3, recomputeDeadline, recordExternalRoute, requestLegalAdvice, stage3CannotResolve, tickChecklist } from './stage.ts';
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
  CONFIRM_CHC_ADJUSTMENT: confirmChcAdjustment,
  PERSON_STEP: personStep,
  DRAFT_LETTER: draftLetterCmd,
  MARK_LETTER_SENT: markLetterSent,
  REDRAFT_LETTER: redraftLetter,
  ADD_THEME: addTheme,
  REQUEST_LEGAL_ADVICE: requestLegalAdvice,
  RECOMPUTE_DEADLINE: recomputeDeadline,
  CORRECT: correct,
  REDACT: redact,
  SYNC_DIRECTORY: syncDirectory,
  ADD_PARTY: addParty,
  WITHDRAW_PARTY: withdrawParty,
  RECORD_CARE_RESTORED: recordCareRestored,
  MOVE_TO_STAGE_3: moveToStage3,
  STAGE_3_CANNOT_RESOLVE: stage3CannotResolve,
};

export function handle(draft: Draft, cmd: Command): void {
  (HANDLERS[cmd.type] as Handler<Command['type']>)(draft, cmd);
}
