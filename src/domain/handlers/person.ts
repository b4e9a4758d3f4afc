import { continuityAlert, flagGrounds } from '../alerts.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import { refuse } from '../errors.ts';
import { mustParticipate, required } from '../guards.ts';
import { addLetter, maybeResolve } from '../resolution.ts';
import type { Draft } from '../stage-ops.ts';
import { PERSON_STEP_TEXT } from '../texts.ts';
import type { Cmd } from './types.ts';


export function reportCareChange(draft: Draft, cmd: Cmd<'REPORT_CARE_CHANGE'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'report a change in care');
  const detail = required(cmd.detail, 'detail', 'What happened to the care');
  draft.event('CARE_CHANGE_REPORTED', { change: cmd.change });
  continuityAlert(draft, `${draft.name(me.id)} reports care ${cmd.change.toLowerCase()} because of the dispute: ${detail}`);
  flagGrounds(draft, detectUnlawfulGrounds(detail), 'The care change reported');
}

export function personStep(draft: Draft, cmd: Cmd<'PERSON_STEP'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'record contact with the person');
  const step = d.personSteps.find((p) => p.step === cmd.step)!;
  if (step.doneAt && cmd.step !== 'EXPLAINED') {
    draft.notice = `"${PERSON_STEP_TEXT[cmd.step]}" was already recorded by ${draft.name(step.doneBy ?? '')}.`;
    return;
  }
  Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note: cmd.note });
  draft.event('PERSON_STEP_DONE', { step: cmd.step });
  draft.refreshCard();
  if (d.status === 'OPEN' && d.stage >= 3 && cmd.step === 'EXPLAINED') maybeResolve(draft);
}

export function draftLetterCmd(draft: Draft, cmd: Cmd<'DRAFT_LETTER'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'draft a letter');
  const dec = d.decisions.find((x) => x.seq === cmd.decisionSeq && x.status === 'CONFIRMED');
  if (!dec) refuse('NO_SUCH_DECISION', `Decision ${cmd.decisionSeq} has not been confirmed by every party, so there is nothing to explain yet.`);
  addLetter(draft, dec, me.id);
}

export function markLetterSent(draft: Draft, cmd: Cmd<'MARK_LETTER_SENT'>): void {
  const { d, ctx } = draft;
  const me = mustParticipate(d, ctx, 'mark a letter sent');
  const letter = d.letters.find((l) => l.seq === cmd.seq);
  if (!letter) refuse('NO_SUCH_LETTER', `There is no letter ${cmd.seq} on ${d.reference}.`);
  if (letter.sentAt) {
    draft.notice = `Letter ${cmd.seq} was already marked sent.`;
    return;
  }
  // R8.2: marking it sent is the professional's review.
  letter.reviewedBy = me.id;
  letter.sentAt = draft.nowIso;
  draft.event('LETTER_SENT', { seq: cmd.seq });
  const step = d.personSteps.find((p) => p.step === 'EXPLAINED')!;
  Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note: `Letter ${cmd.seq} sent` });
  draft.event('PERSON_STEP_DONE', { step: 'EXPLAINED', letter: cmd.seq });
  draft.refreshCard();
  if (d.status === 'OPEN' && d.stage >= 3) maybeResolve(draft);
}
