import { stage2Decision } from '../fixtures/disputes.ts';
import { refusal, Scenario } from '../helpers/domain.ts';

// The person's side of a dispute (handlers/person.ts): care changes, care restored, the person steps and the letters.

const REF = 'S117-2026-0001';
const notParticipant = (what: string) => ({
  code: 'NOT_A_PARTICIPANT',
  message: `Only the participants of ${REF} can ${what}. You are not one of them; ask a participant or your manager.`,
});
const written = { type: 'PROPOSE_DECISION' as const, input: { ...stage2Decision, outcome: 'WRITTEN_DECISION' as const, commissioning: 'The council commissions.' } };
const confirm = (seq: number, organisationId: string) => ({ type: 'CONFIRM_DECISION' as const, seq, organisationId });

function atStage3(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  s.run('bea-jones', { type: 'ESCALATE', reason: 'No agreement on the split at operational level.' });
  return s;
}

describe('care changes and care restored', () => {
  it('[R3.1] [R4.1] a care change is recorded with its detail, alerts, and is read for unlawful grounds', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('oli-shaw', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'x' }))).toEqual(notParticipant('report a change in care'));
    expect(refusal(() => s.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: '  ' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'detail', message: 'What happened to the care is required: fill in "detail".' });
    s.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: ' Hours were cut to save money. ' });
    expect(s.last.events).toStrictEqual([
      { type: 'CARE_CHANGE_REPORTED', data: { change: 'REDUCED', detail: 'Hours were cut to save money.' } },
      { type: 'FLAG_RAISED', data: { code: 'CONTINUITY_ALERT', ground: null, detail: 'Gus Hart reports care reduced because of the dispute: Hours were cut to save money.' } },
      { type: 'FLAG_RAISED', data: { code: 'UNLAWFUL_GROUND', ground: 'BUDGET', detail: 'The care change reported: budget constraints or financial pressures' } },
    ]);
  });

  it('[R10.1] care restored closes only the continuity alerts still open, says so in the case space, and is read for unlawful grounds', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'x' })))
      .toEqual({ code: 'NO_OPEN_ALERT', message: `${REF} has no open continuity-of-care alert to close.` });
    // Flags 1 (the alert) and 2 (the ground it cites).
    s.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'Hours were cut to save money.' });
    expect(refusal(() => s.run('oli-shaw', { type: 'RECORD_CARE_RESTORED', detail: 'x' }))).toEqual(notParticipant('record that care was restored'));
    expect(refusal(() => s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: ' ' })))
      .toEqual({ code: 'FIELD_REQUIRED', field: 'detail', message: 'What care was restored, and when is required: fill in "detail".' });
    s.at('2026-12-08T10:00:00Z').run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'Hours back to 12 a week from today.' });
    const first = 'Care restored (recorded by Ali Khan): Hours back to 12 a week from today.';
    expect(s.last.events).toStrictEqual([{ type: 'CARE_RESTORED', data: { detail: 'Hours back to 12 a week from today.', alerts: [1] } }]);
    expect(s.last.effects).toEqual([
      { kind: 'POST', message: { title: `${REF}: care restored`, lines: [first], mentions: [] }, notBefore: '2026-12-08T10:00:00.000Z' },
      { kind: 'REFRESH_CARD', notBefore: '2026-12-08T10:00:00.000Z' },
    ]);
    // Flag 3: a second alert. Restoring it leaves the first alert's record, and the unlawful-ground flag, as they were.
    s.run('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'WITHDRAWN', detail: 'Support stopped.' });
    s.at('2026-12-09T10:00:00Z').run('gus-hart', { type: 'RECORD_CARE_RESTORED', detail: 'Restarted once budget pressures eased.' });
    expect(s.last.events.map((e) => [e.type, e.data])).toEqual([
      ['CARE_RESTORED', { detail: 'Restarted once budget pressures eased.', alerts: [3] }],
      ['FLAG_RAISED', { code: 'UNLAWFUL_GROUND', ground: 'BUDGET', detail: 'The care restored record: budget constraints or financial pressures' }],
    ]);
    expect(s.dispute.flags.slice(0, 3).map((f) => [f.seq, f.code, f.resolvedAt, f.resolution])).toEqual([
      [1, 'CONTINUITY_ALERT', '2026-12-08T10:00:00.000Z', first],
      [2, 'UNLAWFUL_GROUND', null, null],
      [3, 'CONTINUITY_ALERT', '2026-12-09T10:00:00.000Z', 'Care restored (recorded by Gus Hart): Restarted once budget pressures eased.'],
    ]);
    expect(refusal(() => s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'x' }))).toMatchObject({ code: 'NO_OPEN_ALERT' });
  });
});

describe('the person steps', () => {
  it('[R8.1] records a step with its note trimmed, once; the same record again is a notice, anyone else\'s or another note replaces it', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('oli-shaw', { type: 'PERSON_STEP', step: 'INFORMED', note: null }))).toEqual(notParticipant('record contact with the person'));
    s.at('2026-12-08T09:30:00Z').run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: '  Phoned Mr X.  ' });
    expect(s.last.events).toStrictEqual([{ type: 'PERSON_STEP_DONE', data: { step: 'INFORMED', note: 'Phoned Mr X.' } }]);
    // Stage 1 does not wait on the person steps: nothing but the card changes.
    expect(s.last.effects).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-08T09:30:00.000Z' }]);
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'REASSURED', note: '   ' });
    expect(s.dispute.personSteps[1]).toMatchObject({ doneBy: 'ali-khan', note: null });

    const again = s.at('2026-12-08T10:00:00Z').run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Phoned Mr X. ' });
    expect(again).toMatchObject({ events: [], effects: [], notice: '"Person (and representative) told that a dispute has arisen" was already recorded by Ali Khan.' });

    s.at('2026-12-09T10:00:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Phoned Mr X.' });
    expect(s.last.events).toStrictEqual([{
      type: 'PERSON_STEP_DONE',
      data: { step: 'INFORMED', note: 'Phoned Mr X.', previous: { doneBy: 'ali-khan', doneAt: '2026-12-08T09:30:00.000Z', note: 'Phoned Mr X.' } },
    }]);
    s.at('2026-12-10T10:00:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Met Mr X and his sister.' });
    expect(s.dispute.personSteps[0]).toMatchObject({ doneBy: 'gus-hart', doneAt: '2026-12-10T10:00:00.000Z', note: 'Met Mr X and his sister.' });
  });

  it('[R8.1] only advocacy may be "not appropriate", and then with the reason', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'x', notAppropriate: true }))).toEqual({
      code: 'INVALID_VALUE', field: 'notAppropriate', message: 'Only advocacy can be recorded as not appropriate; the other steps must be done.',
    });
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: null, notAppropriate: true }))).toEqual({
      code: 'FIELD_REQUIRED', field: 'note', message: 'The reason advocacy is not appropriate is required: fill in "note".',
    });
  });

  it('[R5.6] refuses "explained" while the only decision is still a proposal, with its exact message', () => {
    const s = new Scenario();
    s.raise();
    const nothing = {
      code: 'NO_SUCH_DECISION', field: 'step',
      message: 'Nothing has been decided yet, so there is no outcome to explain. Record this once every party has confirmed a decision.',
    };
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    expect(refusal(() => s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null }))).toEqual(nothing);
  });

  it('[R5.6] [R8.3] explaining a Stage 1 agreement after it resolved the dispute records the step and nothing else', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'EXPLAINED', note: null });
    expect(s.last.events).toStrictEqual([{ type: 'PERSON_STEP_DONE', data: { step: 'EXPLAINED', note: null } }]);
  });

  it('[R5.6] at Stage 3 a step other than "explained" does not look at closing', () => {
    const s = atStage3();
    s.run('eve-ford', written);
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.run('jon-park', confirm(1, 'anytown-icb'));
    s.at('2026-12-16T10:00:00Z').run('gus-hart', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    expect(s.last.effects).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-16T10:00:00.000Z' }]);
    expect(s.dispute.status).toBe('OPEN');
  });
});

describe('letters', () => {
  it('[R5.6] [R8.2] [R8.3] a letter about a decision a later one replaced is not marked sent, and does not explain the outcome', () => {
    const s = atStage3();
    s.run('eve-ford', written);
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.run('jon-park', confirm(1, 'anytown-icb'));
    s.run('eve-ford', { ...written, input: { ...written.input, summary: 'The council funds 70%, the ICB 30%.' } });
    s.run('eve-ford', confirm(2, 'anytown-council'));
    s.run('jon-park', confirm(2, 'anytown-icb'));
    expect(s.dispute.letters.map((l) => [l.seq, l.decisionSeq])).toEqual([[1, null], [2, null], [3, 1], [4, 2]]);
    expect(s.dispute.status).toBe('OPEN');

    expect(refusal(() => s.at('2026-12-16T10:00:00Z').run('gus-hart', { type: 'MARK_LETTER_SENT', seq: 3 }))).toEqual({
      code: 'LETTER_OUT_OF_DATE',
      message: 'Letter 3 was not marked sent: the record changed after it was drafted (the decision (decision 2 replaced decision 1)), '
        + 'so it would tell the person something that is no longer true. Redraft it, review the new draft, then mark that one sent.',
    });
    expect(s.dispute.letters[2]).toMatchObject({ reviewedBy: null, sentAt: null });
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')).toMatchObject({ doneAt: null });
    expect(s.dispute.status).toBe('OPEN');

    s.at('2026-12-16T11:00:00Z').run('gus-hart', { type: 'MARK_LETTER_SENT', seq: 4 });
    expect(s.events()).toEqual(['LETTER_SENT', 'PERSON_STEP_DONE', 'STAGE_ENDED', 'RESOLVED']);
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R5.6] [R8.2] drafts no outcome letter for an agreed escalation: the person has the escalation note', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'ESCALATE', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'We cannot agree.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ivy-nash', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.stage).toBe(2);
    expect(refusal(() => s.run('ali-khan', { type: 'DRAFT_LETTER', decisionSeq: 1 }))).toEqual({
      code: 'NO_SUCH_DECISION', message: 'Decision 1 was to escalate, so there is no outcome to explain yet; the person has the escalation note.',
    });
    expect(s.dispute.letters.map((l) => l.decisionSeq)).toEqual([null]);
  });

  it('[R8.2] [R5.6] drafts a letter for a confirmed decision only; marking a decision letter sent explains the outcome, an escalation note does not', () => {
    const s = atStage3();
    // Letters 1 and 2: the notes for the escalations to Stages 2 and 3.
    expect(s.dispute.letters.map((l) => [l.seq, l.decisionSeq])).toEqual([[1, null], [2, null]]);
    s.run('eve-ford', written);
    const unconfirmed = (n: number) => ({ code: 'NO_SUCH_DECISION', message: `Decision ${n} has not been confirmed by every party, so there is nothing to explain yet.` });
    expect(refusal(() => s.run('eve-ford', { type: 'DRAFT_LETTER', decisionSeq: 1 }))).toEqual(unconfirmed(1));
    s.run('eve-ford', confirm(1, 'anytown-council'));
    s.run('jon-park', confirm(1, 'anytown-icb'));
    expect(s.dispute.letters.map((l) => [l.seq, l.decisionSeq])).toEqual([[1, null], [2, null], [3, 1]]);
    expect(refusal(() => s.run('eve-ford', { type: 'DRAFT_LETTER', decisionSeq: 2 }))).toEqual(unconfirmed(2));
    expect(refusal(() => s.run('oli-shaw', { type: 'DRAFT_LETTER', decisionSeq: 1 }))).toEqual(notParticipant('draft a letter'));
    s.run('jon-park', { type: 'DRAFT_LETTER', decisionSeq: 1 });
    const redrafted = s.dispute.letters[3]!;
    expect(s.last.events).toStrictEqual([{ type: 'LETTER_DRAFTED', data: { seq: 4, decisionSeq: 1, readingAge: redrafted.readingAge, kind: 'decision letter' } }]);
    expect(redrafted).toMatchObject({ seq: 4, decisionSeq: 1, reviewedBy: null, sentAt: null });
    expect(redrafted.text.split('\n').slice(-2)).toEqual(['Yours sincerely,', 'Jon Park']);

    expect(refusal(() => s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 9 }))).toEqual({ code: 'NO_SUCH_LETTER', message: `There is no letter 9 on ${REF}.` });
    expect(refusal(() => s.run('oli-shaw', { type: 'MARK_LETTER_SENT', seq: 2 }))).toEqual(notParticipant('mark a letter sent'));
    s.at('2026-12-16T10:00:00Z').run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 2 });
    expect(s.last.events).toStrictEqual([{ type: 'LETTER_SENT', data: { seq: 2 } }]);
    expect(s.last.effects).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-16T10:00:00.000Z' }]);
    expect(s.dispute.letters[1]).toMatchObject({ reviewedBy: 'ali-khan', sentAt: '2026-12-16T10:00:00.000Z' });
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')).toMatchObject({ doneAt: null });
    expect(s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 2 })).toMatchObject({ events: [], effects: [], notice: 'Letter 2 was already marked sent.' });

    s.at('2026-12-16T11:00:00Z').run('gus-hart', { type: 'MARK_LETTER_SENT', seq: 3 });
    expect(s.events()).toEqual(['LETTER_SENT', 'PERSON_STEP_DONE', 'STAGE_ENDED', 'RESOLVED']);
    expect(s.last.events[1]).toStrictEqual({ type: 'PERSON_STEP_DONE', data: { step: 'EXPLAINED', letter: 3 } });
    expect(s.dispute.personSteps.find((p) => p.step === 'EXPLAINED')).toMatchObject({ doneBy: 'gus-hart', doneAt: '2026-12-16T11:00:00.000Z', note: 'Letter 3 sent' });
    expect(s.dispute.status).toBe('RESOLVED');

    // Resolved: sending the other letter, or explaining again, is recorded, and the dispute does not resolve a second time.
    s.at('2026-12-17T10:00:00Z').run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 4 });
    expect(s.last.events).toStrictEqual([{ type: 'LETTER_SENT', data: { seq: 4 } }, { type: 'PERSON_STEP_DONE', data: { step: 'EXPLAINED', letter: 4 } }]);
    expect(s.last.effects).toEqual([{ kind: 'REFRESH_CARD', notBefore: '2026-12-17T10:00:00.000Z' }]);
    s.run('eve-ford', { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Went over it again with his sister.' });
    expect(s.last.events).toStrictEqual([{
      type: 'PERSON_STEP_DONE',
      data: { step: 'EXPLAINED', note: 'Went over it again with his sister.', previous: { doneBy: 'ali-khan', doneAt: '2026-12-17T10:00:00.000Z', note: 'Letter 4 sent' } },
    }]);
  });
});
