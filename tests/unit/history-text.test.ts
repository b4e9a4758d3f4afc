import { EVENT_TYPES } from '../../src/domain/effects.ts';
import { type HistoryNames, historyText } from '../../src/domain/history-text.ts';
import type { Dispute } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { Scenario } from '../helpers/domain.ts';

const names: HistoryNames = { person: (id) => `P(${id})`, organisation: (id) => `O(${id})`, date: (iso) => `D(${iso})` };

/** A Stage 2 dispute with a proposed decision and a recorded CHC adjustment, for the entries that look things up. */
function dispute(): Dispute {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING', 'CHC_INTERFACE'] }));
  s.sweep('2026-12-14T17:00:00Z');
  s.at('2026-12-15T10:00:00Z').run('bea-jones', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, summary: 'ICB pays 60%, the council 40%.' } });
  s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
  s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB from CHC start', personNotPenalised: true });
  return s.dispute;
}

describe('history in words', () => {
  // Built in beforeAll, not while Jest collects the tests (docs/mutation.md).
  let d: Dispute;
  beforeAll(() => { d = dispute(); });
  const say = (type: string, data: unknown) => historyText(type, data, d, names);

  it('[R9.1] shows what each history entry recorded — the reason, the detail, the text — not only its name', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['RAISED', { subjects: ['FUNDING', 'NOT_A_SUBJECT'], parties: [{ organisationId: 'a' }, { organisationId: 'b' }], careContinues: false, endingProposal: true },
        'Raised about Funding responsibility (health and social care contributions); NOT_A_SUBJECT, between O(a), O(b); care reported as not continuing; ending aftercare proposed'],
      ['RAISED', { subjects: ['SCOPE'], parties: [], careContinues: true, endingProposal: false }, 'Raised about Scope of aftercare services'],
      ['STAGE_STARTED', { stage: 2, dueAt: '2027-01-05T17:00:00.000Z', why: 'Stage 1 timed out.', participants: ['eve-ford', 'jon-park'] },
        'Stage 2 started, due D(2027-01-05T17:00:00.000Z); joined: P(eve-ford), P(jon-park). Stage 1 timed out.'],
      ['STAGE_STARTED', { stage: 4, dueAt: null, why: '', participants: [] }, 'Stage 4 started, with no timescale'],
      ['STAGE_ENDED', { stage: 1, reason: 'MANUAL', met: null, escalationReason: 'No agreement is possible.' }, 'Stage 1 ended: escalated early. Reason: No agreement is possible.'],
      ['STAGE_ENDED', { stage: 2, reason: 'RESOLVED', met: true, escalationReason: null }, 'Stage 2 ended: resolved (timescale met)'],
      ['STAGE_ENDED', { stage: 1, reason: 'TIMEOUT', met: false, escalationReason: 'deadline passed' }, 'Stage 1 ended: the deadline passed (timescale missed)'],
      ['ESCALATED', { from: 1, to: 2, how: 'TIMEOUT', reason: 'deadline passed' }, 'Escalated from Stage 1 to Stage 2: the deadline passed'],
      ['ESCALATED', { from: 1, to: 2, how: 'MANUAL', reason: 'No progress.' }, 'Escalated from Stage 1 to Stage 2: escalated early. Reason: No progress.'],
      ['STAGE_TIMED_OUT', { stage: 1 }, 'Stage 1 reached its deadline without a recorded resolution'],
      ['ESCALATED', { from: 1, to: 2, how: 'JOINT_DECISION', reason: 'We cannot agree.' }, 'Escalated from Stage 1 to Stage 2: the parties agreed to escalate. Reason: We cannot agree.'],
      ['ESCALATED', { from: 2, to: 3, how: 'ENDING_TO_STAGE_3', reason: '' }, 'Escalated from Stage 2 to Stage 3: ending aftercare is decided only at Stage 3'],
      ['ESCALATED', { from: 1, to: 2, how: 'SOMETHING_NEW' }, 'Escalated from Stage 1 to Stage 2: SOMETHING_NEW'],
      ['REMINDER_SENT', { stage: 2, kind: 'OVERDUE_REPEAT', overdueWorkingDays: 5 }, 'Overdue reminder for Stage 2: 5 working day(s) late'],
      ['REMINDER_SENT', { stage: 1, kind: 'HALF_WAY', skipped: 0 }, 'Reminder for Stage 1 (half way)'],
      ['FLAG_RAISED', { code: 'UNLAWFUL_GROUND', ground: 'FUNDING_DISPUTE', detail: '[UNLAWFUL_GROUND] The description says "until the ICB funding panel".' },
        'Flag: Cites a ground that is not lawful for delaying or withholding aftercare — The description says "until the ICB funding panel".'],
      ['FLAG_RAISED', { code: 'STAGE_OVERDUE', detail: '' }, 'Flag: A stage passed its deadline'],
      ['DEADLINE_RECOMPUTED', { stage: 1, before: '2026-12-14T17:00:00.000Z', after: '2026-12-15T17:00:00.000Z', reason: 'A closure day was added.' },
        'Stage 1 deadline recomputed from D(2026-12-14T17:00:00.000Z) to D(2026-12-15T17:00:00.000Z). Reason: A closure day was added.'],
      ['DEADLINE_RECOMPUTED', { stage: 4, before: null, after: null, reason: 'x' }, 'Stage 4 deadline recomputed from none to none. Reason: x'],
      ['DECISION_PROPOSED', { seq: 1, stage: 2, outcome: 'DECISION' }, 'Proposed decision 1 (Decision agreed: ICB pays 60%, the council 40%.) at Stage 2'],
      ['DECISION_PROPOSED', { seq: 9, stage: 2, outcome: 'AGREEMENT' }, 'Proposed decision 9 (Agreement reached) at Stage 2'],
      ['DECISION_PROPOSED', { seq: 9, stage: 2 }, 'Proposed decision 9 at Stage 2'],
      ['DECISION_CONFIRMED', { seq: 1, organisationId: 'anytown-icb' }, 'O(anytown-icb) confirmed decision 1 (Decision agreed: ICB pays 60%, the council 40%.)'],
      ['DECISION_WITHDRAWN', { seq: 1, reason: 'Wrong split.' }, 'Withdrew decision 1 (Decision agreed: ICB pays 60%, the council 40%.). Reason: Wrong split.'],
      ['DECISION_TOOK_EFFECT', { seq: 1, outcome: 'DECISION' }, 'Every party confirmed decision 1 (Decision agreed: ICB pays 60%, the council 40%.); it took effect'],
      ['LETTER_DRAFTED', { seq: 2, decisionSeq: null, readingAge: 9.4, kind: 'escalation note' }, 'Drafted escalation note 2 for the person (reading age 9.4)'],
      ['LETTER_DRAFTED', { seq: 3 }, 'Drafted a letter 3 for the person'],
      ['LETTER_SENT', { seq: 2 }, 'Letter 2 marked as sent to the person'],
      ['RESOLVED', { stage: 2, outcome: 'Decision agreed: ICB pays 60%.' }, 'Resolved at Stage 2: Decision agreed: ICB pays 60%.'],
      ['RESOLVED', { stage: 2 }, 'Resolved at Stage 2'],
      ['PERSON_STEP_DONE', { step: 'INFORMED', note: 'Phoned her sister.' }, 'Person (and representative) told that a dispute has arisen: Phoned her sister.'],
      ['PERSON_STEP_DONE', { step: 'EXPLAINED', letter: 2 }, 'Decision and outcome explained to the person (letter 2)'],
      ['PERSON_STEP_DONE', { step: 'REASSURED', note: null, previous: { doneBy: 'x' } }, 'Person reassured that their care will continue (replaces the earlier record)'],
      ['PERSON_STEP_DUE_AGAIN', { step: 'EXPLAINED', seq: 1, previous: { doneBy: 'ali-khan', doneAt: '2026-12-08T10:00:00.000Z', note: 'Told her early.' } },
        'The explanation recorded by P(ali-khan) on D(2026-12-08T10:00:00.000Z) ("Told her early.") no longer counts: '
        + 'decision 1 (Decision agreed: ICB pays 60%, the council 40%.) took effect after it. The outcome must be explained to the person again'],
      ['PERSON_STEP_DUE_AGAIN', { step: 'EXPLAINED', seq: 9, previous: null },
        'The explanation recorded no longer counts: decision 9 took effect after it. The outcome must be explained to the person again'],
      ['CHECKLIST_TICKED', { stage: 1, key: 'clarify' }, `Ticked: ${d.checklist.find((c) => c.stage === 1 && c.key === 'clarify')!.label}`],
      ['CHECKLIST_TICKED', { stage: 2, key: 'clarify' }, 'Ticked: clarify'],
      ['CHECKLIST_UNTICKED', { stage: 1, key: 'nope' }, 'Unticked: nope'],
      ['CARE_CHANGE_REPORTED', { change: 'WITHDRAWN', detail: 'The floating support stopped.' }, 'Care reported withdrawn: The floating support stopped.'],
      ['CARE_CHANGE_REPORTED', { change: 'DELAYED' }, 'Care reported delayed'],
      ['CHC_UPDATED', { status: 'REFERRED', referralDate: '2026-12-01', decisionDate: null }, 'NHS Continuing Healthcare: referred; referral date 2026-12-01'],
      ['CHC_UPDATED', { status: 'ELIGIBLE', referralDate: null, decisionDate: '2027-01-02' }, 'NHS Continuing Healthcare: eligible for CHC; decision date 2027-01-02'],
      ['CHC_ADJUSTMENT_RECORDED', { seq: 1, effectiveDate: '2026-10-01' }, 'CHC funding adjustment 1 proposed from 2026-10-01: ICB from CHC start'],
      ['CHC_ADJUSTMENT_RECORDED', { seq: 7, effectiveDate: '2027-01-04' }, 'CHC funding adjustment 7 proposed from 2027-01-04'],
      ['CHC_ADJUSTMENT_CONFIRMED', { seq: 1, organisationId: 'anytown-council' }, 'O(anytown-council) confirmed CHC funding adjustment 1'],
      ['CHC_ADJUSTMENT_AGREED', { seq: 1, effectiveDate: '2027-01-04' }, 'CHC funding adjustment 1 agreed by every party, from 2027-01-04'],
      ['EXTERNAL_ROUTE_RECORDED', { route: 'NHS_ENGLAND' }, 'External escalation: NHS England (ICB-related disputes)'],
      ['LEGAL_ADVICE_REQUESTED', { reason: 'Ordinary residence is disputed.' }, 'Legal advice requested. Reason: Ordinary residence is disputed.'],
      ['THEME_ADDED', { theme: 'Hospital discharge', areas: ['WORKFORCE_TRAINING', 'COMMISSIONING'] }, 'Theme added: Hospital discharge (Workforce training; Commissioning decisions)'],
      ['THEME_FILED', { theme: 'Hospital discharge', areas: [] }, 'Theme filed: Hospital discharge'],
      ['CORRECTED', { field: 'subjects', before: ['FUNDING'], after: ['FUNDING', 'SCOPE'], reason: 'Scope was missed.' },
        'Corrected what the dispute is about: "Funding responsibility (health and social care contributions)" → '
        + '"Funding responsibility (health and social care contributions); Scope of aftercare services". Reason: Scope was missed.'],
      ['CORRECTED', { field: 'parties', before: [{ organisationId: 'a', role: 'RAISING' }, null], after: [] },
        'Corrected the parties: "O(a) (raising the dispute); O() ()" → ""'],
      ['CORRECTED', { field: 'cohort', before: 'ADULT', after: 'CHILD_YOUNG_PERSON', reason: 'She is 17.' },
        'Corrected the age group: "Adult" → "Child or young person". Reason: She is 17.'],
      ['CORRECTED', { field: 'setting', before: 'COMMUNITY', after: 'PRISON' }, 'Corrected the setting: "Community" → "Prison"'],
      ['CORRECTED', { field: 'localCaseRef', before: 'AC-1', after: 'AC-2' }, 'Corrected the local case reference: "AC-1" → "AC-2"'],
      ['CORRECTED', { field: 'description', before: { a: 1 }, after: null }, 'Corrected the description: "{"a":1}" → ""'],
      ['CORRECTED', { field: 'somethingNew', before: 1, after: 2 }, 'Corrected somethingNew: "1" → "2"'],
      ['PARTICIPANT_JOINED', { personId: 'eve-ford', reason: 'holds the role now (directory)' }, 'P(eve-ford) joined: holds the role now (directory)'],
      ['PARTICIPANT_JOINED', { personId: 'eve-ford' }, 'P(eve-ford) joined'],
      ['PARTICIPANT_LEFT', { personId: 'eve-ford', reason: 'no longer in the directory' }, 'P(eve-ford) left: no longer in the directory'],
      ['PARTICIPANT_LEFT', { personId: 'eve-ford' }, 'P(eve-ford) left'],
      ['PARTY_ADDED', { organisationId: 'otherton-council', role: 'INTERESTED', reason: 'Ordinary residence.' }, 'O(otherton-council) added as a party (interested party). Reason: Ordinary residence.'],
      ['PARTY_WITHDRAWN', { organisationId: 'otherton-council', reason: 'Not responsible.' }, 'O(otherton-council) withdrawn as a party. Reason: Not responsible.'],
      ['PARTY_WITHDRAWN', { organisationId: 'otherton-council', reason: 'Not responsible.', by: 'Ola Ward, senior officer of Othertown' },
        'O(otherton-council) withdrawn as a party by Ola Ward, senior officer of Othertown. Reason: Not responsible.'],
      ['PARTY_WITHDRAWAL_AGREED', { organisationId: 'otherton-council', by: 'anytown-icb', reason: 'No reply.' }, 'O(anytown-icb) agreed to withdraw O(otherton-council). Reason: No reply.'],
      ['DECISION_LAPSED', { seq: 2, reason: 'Othertown withdrew before confirming it' }, 'Decision 2 lapsed without taking effect. Reason: Othertown withdrew before confirming it'],
      ['CHC_ADJUSTMENT_LAPSED', { seq: 1, reason: 'Its author left' }, 'CHC funding adjustment 1 lapsed without taking effect. Reason: Its author left'],
      ['CARE_RESTORED', { detail: 'Support restarted on Monday.' }, 'Care restored: Support restarted on Monday.'],
      ['CARE_RESTORED', {}, 'Care restored'],
      ['STAGE_3_CANNOT_RESOLVE', { organisationId: 'anytown-icb', reason: 'Deadlock.' }, 'O(anytown-icb) recorded that Stage 3 cannot resolve the dispute. Reason: Deadlock.'],
      ['RECORD_ANONYMISED', { recordClass: 'adult', years: 20, texts: 7 },
        'Anonymised under the retention schedule (adult record, kept 20 years after resolution): the NHS number, the case number and 7 text(s) removed'],
      ['TEXT_REDACTED', { entries: [4], reason: 'Another person\'s details.' }, 'Removed the wrong value recorded in entry 4. Reason: Another person\'s details.'],
      ['TEXT_REDACTED', { entries: [4, 6] }, 'Removed the wrong value recorded in entries 4, 6'],
      // R11.1: a removed text reads as removed, not as its digest.
      ['CORRECTED', { field: 'description', before: { $removed: 'sha256:ab' }, after: 'Right', reason: 'x' }, 'Corrected the description: "[removed]" → "Right". Reason: x'],
    ];
    for (const [type, data, expected] of cases) expect([type, say(type, data)]).toEqual([type, expected]);
    // Every event type says something of its own.
    const covered = new Set(cases.map(([t]) => t));
    expect(EVENT_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('[R9.1] names every reminder kind in words, and every field a correction can change [R11.1]', () => {
    expect(['START', 'HALFWAY', 'DAY_BEFORE', 'DUE_DAY', 'SOME_OLD_KIND'].map((kind) => say('REMINDER_SENT', { stage: 3, kind }))).toEqual([
      'Reminder for Stage 3 (start)',
      'Reminder for Stage 3 (halfway)',
      'Reminder for Stage 3 (day before)',
      'Reminder for Stage 3 (due day)',
      'Reminder for Stage 3 (some old kind)',
    ]);
    expect(say('REMINDER_SENT', { stage: 3 })).toBe('Reminder for Stage 3 ()');
    expect(say('REMINDER_SENT', { stage: 3, kind: 'OVERDUE_REPEAT' })).toBe('Overdue reminder for Stage 3:  working day(s) late');
    expect(say('CORRECTED', { field: 'currentCare', before: 'Supported living', after: 'Residential care' }))
      .toBe('Corrected the current care: "Supported living" → "Residential care"');
    expect(say('CORRECTED', { field: 'localCaseRef', before: ['AC-1', ['AC-2', { n: 3 }]], after: undefined }))
      .toBe('Corrected the local case reference: "AC-1, AC-2, {"n":3}" → ""');
    expect(say('CORRECTED', { field: 'description', before: false, after: 0, reason: '' })).toBe('Corrected the description: "false" → "0"');
    expect(say('CORRECTED', { field: 'parties', before: [{ organisationId: 'a', role: 'SOMETHING_NEW' }, { organisationId: 'b', role: 'INTERESTED' }], after: 'x' }))
      .toBe('Corrected the parties: "O(a) (SOMETHING_NEW); O(b) (interested party)" → ""');
    expect(say('CORRECTED', { field: 'subjects', before: 'FUNDING', after: ['OLD_SUBJECT'] })).toBe('Corrected what the dispute is about: "" → "OLD_SUBJECT"');
    expect(say('CORRECTED', { field: 'cohort', before: 'OLD_COHORT', after: null })).toBe('Corrected the age group: "OLD_COHORT" → ""');
    expect(say('CORRECTED', { field: 'setting', before: 'OLD_SETTING', after: 7 })).toBe('Corrected the setting: "OLD_SETTING" → "7"');
  });

  it('[R9.1] drops only a leading flag tag from a flag\'s detail', () => {
    expect(say('FLAG_RAISED', { code: 'STAGE_OVERDUE', detail: 'Stage 3 [STAGE_OVERDUE] is late.' })).toBe('Flag: A stage passed its deadline — Stage 3 [STAGE_OVERDUE] is late.');
    expect(say('FLAG_RAISED', { code: 'STAGE_OVERDUE', detail: '[stage] is late.' })).toBe('Flag: A stage passed its deadline — [stage] is late.');
    expect(say('FLAG_RAISED', { code: 'STAGE_OVERDUE', detail: '[] is late.' })).toBe('Flag: A stage passed its deadline — [] is late.');
    expect(say('FLAG_RAISED', { code: 'STAGE_OVERDUE', detail: '[STAGE_OVERDUE]is late.' })).toBe('Flag: A stage passed its deadline — [STAGE_OVERDUE]is late.');
    expect(say('FLAG_RAISED', { code: 'OLD_FLAG', detail: 7 })).toBe('Flag: OLD_FLAG — 7');
  });

  it('[R9.1] an explanation that no longer counts names only what was recorded of the earlier one', () => {
    const again = (previous: unknown) => say('PERSON_STEP_DUE_AGAIN', { step: 'EXPLAINED', seq: 9, previous });
    const tail = ' no longer counts: decision 9 took effect after it. The outcome must be explained to the person again';
    expect(again({ doneBy: 'ali-khan' })).toBe(`The explanation recorded by P(ali-khan)${tail}`);
    expect(again({ doneAt: '2026-12-08T10:00:00.000Z' })).toBe(`The explanation recorded on D(2026-12-08T10:00:00.000Z)${tail}`);
    expect(again({ note: 'By phone.' })).toBe(`The explanation recorded ("By phone.")${tail}`);
    expect(again('ali-khan')).toBe(`The explanation recorded${tail}`);
  });

  it('[R9.1] a decision found by its number shows its outcome and summary; one not found shows the stored outcome, or nothing', () => {
    expect(say('DECISION_CONFIRMED', { seq: 1, organisationId: 'anytown-council', outcome: 'AGREEMENT' }))
      .toBe('O(anytown-council) confirmed decision 1 (Decision agreed: ICB pays 60%, the council 40%.)');
    expect(say('DECISION_CONFIRMED', { seq: '1', organisationId: 'anytown-council', outcome: 'OLD_OUTCOME' }))
      .toBe('O(anytown-council) confirmed decision 1 (OLD_OUTCOME)');
    expect(say('DECISION_WITHDRAWN', { seq: 2, outcome: '' })).toBe('Withdrew decision 2');
    expect(say('CHC_ADJUSTMENT_RECORDED', { seq: '1', effectiveDate: '2026-10-01' })).toBe('CHC funding adjustment 1 proposed from 2026-10-01');
  });

  it('[R9.1] shows how a stage ended for every recorded way, with the reason unless the deadline passed', () => {
    const ended = (reason: string) => say('STAGE_ENDED', { stage: 2, reason, escalationReason: 'Because.' });
    expect(['TIMEOUT', 'MANUAL', 'JOINT_DECISION', 'ENDING_TO_STAGE_3', 'RESOLVED', 'OLD_WAY'].map(ended)).toEqual([
      'Stage 2 ended: the deadline passed',
      'Stage 2 ended: escalated early. Reason: Because.',
      'Stage 2 ended: the parties agreed to escalate. Reason: Because.',
      'Stage 2 ended: ending aftercare is decided only at Stage 3. Reason: Because.',
      'Stage 2 ended: resolved. Reason: Because.',
      'Stage 2 ended: OLD_WAY. Reason: Because.',
    ]);
    expect(say('ESCALATED', { from: 3, to: 4, how: 'RESOLVED', reason: 'x' })).toBe('Escalated from Stage 3 to Stage 4: resolved. Reason: x');
  });

  it('[R9.1] raising: care continuing or not said is not mentioned; only an explicit "not continuing" is', () => {
    expect(say('RAISED', { subjects: ['SCOPE'], parties: [{ organisationId: 'a' }] })).toBe('Raised about Scope of aftercare services, between O(a)');
    expect(say('RAISED', { subjects: ['SCOPE'], careContinues: 'false', endingProposal: 'true' })).toBe('Raised about Scope of aftercare services');
    expect(say('RAISED', { subjects: 'SCOPE', parties: 'a' })).toBe('Raised about ');
  });

  it('[R9.1] shows an unknown kind of entry by its name in words, every underscore a space', () => {
    expect(say('SOME_OLD_KIND', {})).toBe('some old kind');
    expect(say('SOME_OLD_KIND', null)).toBe('some old kind');
    expect(say('CARE_RESTORED', undefined)).toBe('Care restored');
    expect(say('CARE_RESTORED', 'detail')).toBe('Care restored');
    expect(say('CARE_RESTORED', Object.assign(['x'], { detail: 'not an entry' }))).toBe('Care restored');
  });

  it('[R11.2] never shows a whole NHS number, even in a correction of it', () => {
    const line = say('CORRECTED', { field: 'nhsNumber', before: '9434765919', after: '943 476 5870', reason: 'Typo.' });
    expect(line).toBe('Corrected the NHS number: "NHS number ending 919" → "NHS number ending 870". Reason: Typo.');
    expect(line).not.toMatch(/943\s?476/);
    expect(say('CORRECTED', { field: 'nhsNumber', before: null, after: '9434765919' })).toBe('Corrected the NHS number: "" → "NHS number ending 919"');
    expect(say('CORRECTED', { field: 'nhsNumber', before: 9434765919, after: '' })).toBe('Corrected the NHS number: "" → ""');
  });

  it('[R9.1] shows an entry of a kind this version does not know by its name, and tolerates odd data', () => {
    expect(say('SOMETHING_OLD', { a: 1 })).toBe('something old');
    expect(say('CARE_RESTORED', null)).toBe('Care restored');
    expect(say('CARE_RESTORED', ['detail'])).toBe('Care restored');
    expect(say('LEGAL_ADVICE_REQUESTED', { reason: 42 })).toBe('Legal advice requested. Reason: 42');
    expect(say('LEGAL_ADVICE_REQUESTED', { reason: { x: 1 } })).toBe('Legal advice requested');
    expect(say('THEME_ADDED', { theme: 'T', areas: 'WORKFORCE_TRAINING' })).toBe('Theme added: T');
    expect(say('RAISED', { subjects: [], parties: [null, 'x', { organisationId: 'a' }] })).toBe('Raised about , between O(), O(), O(a)');
  });
});
