import { continuityAlert, flagGrounds } from '../alerts.ts';
import { detectUnlawfulGrounds } from '../unlawful-grounds.ts';
import { refuse } from '../errors.ts';
import { mustParticipate, required } from '../guards.ts';
import { addLetter, closureGaps, decisionInForce, maybeResolve } from '../resolution.ts';
import { addEscalationNote, type Draft } from '../stage-ops.ts';
import { decisionToExplain, letterChanges } from '../letter.ts';
import { PERSON_STEP_TEXT } from '../texts.ts';
import type { Cmd } from './types.ts';


export function reportCareChange(draft: Draft, cmd: Cmd<'REPORT_CARE_CHANGE'>): void {
  const me = mustParticipate(draft, 'report a change in care');
  const detail = required(cmd.detail, 'detail', 'What happened to the care');
  draft.event('CARE_CHANGE_REPORTED', { change: cmd.change, detail });
  continuityAlert(draft, `${draft.name(me.id)} reports care ${cmd.change.toLowerCase()} because of the dispute: ${detail}`);
  flagGrounds(draft, detectUnlawfulGrounds(detail), 'The care change reported');
}

/** R10.1: recording that care was restored closes the open continuity alerts; both stay in the history. */
export function recordCareRestored(draft: Draft, cmd: Cmd<'RECORD_CARE_RESTORED'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'record that care was restored');
  const detail = required(cmd.detail, 'detail', 'What care was restored, and when');
  const open = d.flags.filter((f) => f.code === 'CONTINUITY_ALERT' && !f.resolvedAt);
  if (!open.length) refuse('NO_OPEN_ALERT', `${d.reference} has no open continuity-of-care alert to close.`);
  const resolution = `Care restored (recorded by ${draft.name(me.id)}): ${detail}`;
  for (const f of open) Object.assign(f, { resolvedAt: draft.nowIso, resolution });
  draft.event('CARE_RESTORED', { detail, alerts: open.map((f) => f.seq) });
  draft.post({ title: `${d.reference}: care restored`, lines: [resolution], mentions: [] });
  flagGrounds(draft, detectUnlawfulGrounds(detail), 'The care restored record');
  draft.refreshCard();
  // The open alert was the last thing keeping a decided Stage 3 or 4 dispute open (R5.6).
  if (d.status === 'OPEN' && d.stage >= 3 && decisionInForce(d) && !closureGaps(d).length) maybeResolve(draft);
}

export function personStep(draft: Draft, cmd: Cmd<'PERSON_STEP'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'record contact with the person');
  const step = d.personSteps.find((p) => p.step === cmd.step)!;
  // R5.6, R8.3: the outcome is explained once there is one; an explanation given before would not count.
  if (cmd.step === 'EXPLAINED' && !d.decisions.some((x) => x.status === 'CONFIRMED' && x.outcome !== 'ESCALATE')) {
    refuse('NO_SUCH_DECISION', 'Nothing has been decided yet, so there is no outcome to explain. Record this once every party has confirmed a decision.', 'step');
  }
  let note = cmd.note?.trim() || null;
  if (cmd.notAppropriate) {
    // R8.1: advocacy may be "not appropriate", with the reason; that counts as done.
    if (cmd.step !== 'ADVOCACY_OFFERED') refuse('INVALID_VALUE', 'Only advocacy can be recorded as not appropriate; the other steps must be done.', 'notAppropriate');
    note = `Not appropriate: ${required(cmd.note, 'note', 'The reason advocacy is not appropriate')}`;
  }
  if (step.doneAt && step.doneBy === me.id && step.note === note) {
    draft.notice = `"${PERSON_STEP_TEXT[cmd.step]}" was already recorded by ${draft.name(me.id)}.`;
    return;
  }
  // Re-recording a step replaces the current record; the history keeps the earlier one (R8.1).
  const previous = step.doneAt ? { doneBy: step.doneBy, doneAt: step.doneAt, note: step.note } : null;
  Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note });
  draft.event('PERSON_STEP_DONE', { step: cmd.step, note, ...(previous ? { previous } : {}) });
  flagGrounds(draft, detectUnlawfulGrounds(note), `The note on "${PERSON_STEP_TEXT[cmd.step]}"`);
  draft.refreshCard();
  if (d.status === 'OPEN' && d.stage >= 3 && cmd.step === 'EXPLAINED') maybeResolve(draft);
}

export function draftLetterCmd(draft: Draft, cmd: Cmd<'DRAFT_LETTER'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'draft a letter');
  const dec = d.decisions.find((x) => x.seq === cmd.decisionSeq && x.status === 'CONFIRMED');
  if (!dec) refuse('NO_SUCH_DECISION', `Decision ${cmd.decisionSeq} has not been confirmed by every party, so there is nothing to explain yet.`);
  // An agreed escalation is not an outcome: the person already has the escalation note (R8.2), and marking a letter
  // about it sent must not count as explaining the outcome (R5.6).
  if (dec.outcome === 'ESCALATE') {
    refuse('NO_SUCH_DECISION', `Decision ${cmd.decisionSeq} was to escalate, so there is no outcome to explain yet; the person has the escalation note.`);
  }
  addLetter(draft, dec, me.id);
}

function letterOf(d: Draft['d'], seq: number): Draft['d']['letters'][number] {
  const letter = d.letters.find((l) => l.seq === seq);
  if (!letter) refuse('NO_SUCH_LETTER', `There is no letter ${seq} on ${d.reference}.`);
  return letter;
}

export function markLetterSent(draft: Draft, cmd: Cmd<'MARK_LETTER_SENT'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'mark a letter sent');
  const letter = letterOf(d, cmd.seq);
  if (letter.sentAt) {
    draft.notice = `Letter ${cmd.seq} was already marked sent.`;
    return;
  }
  // R8.2: the letter is true to the record when it goes, not only when it was drafted.
  const changed = letterChanges(letter, d, draft.letterContext());
  if (changed.length) {
    refuse('LETTER_OUT_OF_DATE', `Letter ${cmd.seq} was not marked sent: the record changed after it was drafted (${changed.join('; ')}), `
      + 'so it would tell the person something that is no longer true. Redraft it, review the new draft, then mark that one sent.',
    undefined, { command: 'REDRAFT_LETTER', label: 'Redraft the letter', seq: cmd.seq });
  }
  // R8.2: marking it sent is the professional's review.
  letter.reviewedBy = me.id;
  letter.sentAt = draft.nowIso;
  draft.event('LETTER_SENT', { seq: cmd.seq });
  draft.refreshCard();
  // An escalation note tells the person where things are; only a decision letter explains the outcome (R5.6).
  if (letter.decisionSeq === null) return;
  const step = d.personSteps.find((p) => p.step === 'EXPLAINED')!;
  Object.assign(step, { doneBy: me.id, doneAt: draft.nowIso, note: `Letter ${cmd.seq} sent` });
  draft.event('PERSON_STEP_DONE', { step: 'EXPLAINED', letter: cmd.seq });
  draft.refreshCard();
  // Closing also needs any continuity alert closed (closureGaps): a letter never closes a dispute around it.
  if (d.status === 'OPEN' && d.stage >= 3) maybeResolve(draft);
}

/** R8.2: the record overtook a letter: a new draft from the record as it is now, for a professional to review. */
export function redraftLetter(draft: Draft, cmd: Cmd<'REDRAFT_LETTER'>): void {
  const { d } = draft;
  const me = mustParticipate(draft, 'redraft a letter');
  const letter = letterOf(d, cmd.seq);
  if (letter.sentAt) {
    draft.notice = `Letter ${cmd.seq} was already sent; record anything new with the person as a new step.`;
    return;
  }
  if (letter.decisionSeq === null) {
    addEscalationNote(draft);
  } else {
    const dec = decisionToExplain(d);
    if (!dec) refuse('NO_SUCH_DECISION', 'No decision is in force now, so there is no outcome to explain. Record one first.');
    addLetter(draft, dec, me.id);
  }
  draft.notice = `Letter ${cmd.seq} was redrafted from the record as it is now: review the new draft, then mark it sent.`;
  draft.refreshCard();
}
