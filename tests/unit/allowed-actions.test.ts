import { allowedActions, mayTake, referralPackOffered, type AllowedAction } from '../../src/domain/allowed-actions.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Directory, Dispute, Person, StageNo } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// What allowedActions() returns, exactly: the buttons every card renders (labels, payload, style, order).
// Scenarios are built inside each test, never while Jest collects them.

const person = (id: string): Person => directory.people.find((p) => p.id === id)!;
const acts = (d: Dispute, viewer: Person | null = null, dir: Directory = directory) => allowedActions(d, DEFAULT_POLICY, dir, viewer);
const verbs = (d: Dispute, viewer: Person | null = null) => acts(d, viewer).map((a) => a.verb);
const only = (d: Dispute, verb: AllowedAction['verb'], viewer: Person | null = null, dir: Directory = directory) =>
  acts(d, viewer, dir).filter((a) => a.verb === verb);
/** The same person after the directory moved them to another organisation (R5.8). */
const movedTo = (id: string, organisationId: string): Person => ({ ...person(id), organisationId });
const withoutOrg = (id: string): Directory => ({ ...directory, organisations: directory.organisations.filter((o) => o.id !== id) });

const tick = (k: string, s: StageNo, done = false): AllowedAction =>
  ({ verb: 'tick', k, s, n: done ? 0 : 1, label: done ? 'Untick' : 'Tick', style: null });
const INFORMED: AllowedAction = {
  verb: 'person', k: 'INFORMED', label: 'Person (and representative) told that a dispute has arisen', style: null,
};
const REASSURED: AllowedAction = { verb: 'person', k: 'REASSURED', label: 'Person reassured that their care will continue', style: null };
const EXPLAINED: AllowedAction = { verb: 'person', k: 'EXPLAINED', label: 'Decision and outcome explained to the person', style: null };
const ADVOCACY: AllowedAction = { verb: 'person', k: 'ADVOCACY_OFFERED', label: 'Advocacy offered where appropriate', style: null };
const DECIDE: AllowedAction = { verb: 'decide', label: 'Record a decision', style: 'primary' };
const ESCALATE: AllowedAction = { verb: 'escalate', label: 'Escalate now', style: null };
const EXTERNAL: AllowedAction = { verb: 'external', label: 'Escalate externally', style: 'danger' };
const CARE_CHANGE: AllowedAction = { verb: 'care-change', label: 'Report a change in care', style: 'danger' };
const ADVOCACY_NA: AllowedAction = { verb: 'advocacy-na', label: 'Advocacy not appropriate', style: null };
const ADD_PARTY: AllowedAction = { verb: 'add-party', label: 'Add a party', style: null };
const WITHDRAW_PARTY: AllowedAction = { verb: 'withdraw-party', label: 'Withdraw a party', style: null };
const CANNOT_RESOLVE: AllowedAction = { verb: 'cannot-resolve', label: 'Stage 3 cannot resolve it', style: null };
const CARE_RESTORED: AllowedAction = { verb: 'care-restored', label: 'Record care restored', style: 'primary' };
const ADJUSTMENT = {
  type: 'RECORD_CHC_ADJUSTMENT' as const, effectiveDate: '2026-11-01', parties: ['anytown-icb'],
  amountOrShare: 'ICB 100%', personNotPenalised: true,
};
const PACK: AllowedAction = { verb: 'pack', label: 'Download the Stage 4 referral pack', style: null };
const CORRECT: AllowedAction = { verb: 'correct', label: 'Correct the record', style: null };
const letter = (n: number): AllowedAction => ({ verb: 'letter', n, label: 'Review the letter to the person', style: null });
const confirm = (s: number, o: string, name: string): AllowedAction =>
  ({ verb: 'confirm', s, o, label: `Confirm for ${name}`, style: 'primary' });
const confirmChc = (n: number, o: string, name: string): AllowedAction =>
  ({ verb: 'confirm-chc', n, o, label: `Confirm CHC adjustment ${n} for ${name}`, style: 'primary' });

const agreement = {
  outcome: 'AGREEMENT' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'The ICB pays for the accommodation.', basisNeed: 'n', basisTests: 't', basisRisk: 'r',
};
const written = {
  outcome: 'WRITTEN_DECISION' as const, effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], payers: [{ organisationId: 'anytown-icb', share: '60%' }, { organisationId: 'anytown-council', share: '40%' }], summary: 'The council pays for the accommodation.', basisNeed: 'n', basisTests: 't', basisRisk: 'r',
  funding: 'Council 100%.', commissioning: 'The council commissions it.',
};

function stage1(): Scenario {
  const s = new Scenario();
  s.raise();
  return s;
}

/** An ending goes straight to Stage 3 (R7.2): ali-khan, gus-hart, eve-ford (council) and jon-park (ICB) take part. */
function stage3(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ endingProposal: true }));
  return s;
}

describe('allowed actions on an open dispute', () => {
  it('[R5.5] the shared card of a new Stage 1 dispute: its checklist, the person steps owed, then the stage actions, in order', () => {
    const s = stage1();
    const expected = [
      tick('clarify', 1), tick('tests', 1), tick('evidence', 1), tick('discussion', 1),
      INFORMED, REASSURED, ADVOCACY, DECIDE, ESCALATE, CARE_CHANGE, ADVOCACY_NA, ADD_PARTY, CORRECT,
    ];
    expect(acts(s.dispute)).toEqual(expected);
    // A frontline participant may do all of it at Stage 1.
    expect(acts(s.dispute, person('ali-khan'))).toEqual(expected);
  });

  it('[R5.5] a ticked item offers Untick; only the current stage\'s checklist is offered, with its stage', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'tests', ticked: true });
    expect(only(s.dispute, 'tick')).toEqual([tick('clarify', 1), tick('tests', 1, true), tick('evidence', 1), tick('discussion', 1)]);
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    // R8.2: the escalation drafted a note to the person, waiting for review.
    expect(acts(s.dispute)).toEqual([
      tick('joint-review', 2), tick('case-law', 2), tick('interim-funding', 2),
      INFORMED, REASSURED, ADVOCACY, DECIDE, ESCALATE, CARE_CHANGE, ADVOCACY_NA, ADD_PARTY, CORRECT, letter(1),
    ]);
  });

  it('[R3.2] a proposed decision offers one confirm per party that has not yet confirmed it, after the checklist', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    expect(verbs(s.dispute)).toEqual([
      'tick', 'tick', 'tick', 'tick', 'confirm', 'confirm', 'person', 'person', 'person',
      'decide', 'escalate', 'care-change', 'advocacy-na', 'add-party', 'correct',
    ]);
    expect(only(s.dispute, 'confirm')).toEqual([
      confirm(1, 'anytown-council', 'Anytown Council'), confirm(1, 'anytown-icb', 'NHS Anytown ICB'),
    ]);
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    expect(only(s.dispute, 'confirm')).toEqual([confirm(1, 'anytown-icb', 'NHS Anytown ICB')]);
    expect(only(s.dispute, 'confirm', person('gus-hart'))).toEqual([confirm(1, 'anytown-icb', 'NHS Anytown ICB')]);
    expect(only(s.dispute, 'confirm', person('dee-obi'))).toEqual([]);
    // An organisation no longer in the directory is named by its id.
    expect(only(s.dispute, 'confirm', null, withoutOrg('anytown-icb'))).toEqual([confirm(1, 'anytown-icb', 'anytown-icb')]);
  });

  it('[R3.2] buttons are for the decision waiting now; confirmations of a withdrawn one do not count', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'Wrong figures.' });
    expect(only(s.dispute, 'confirm')).toEqual([]);
    s.run('gus-hart', { type: 'PROPOSE_DECISION', input: { ...agreement, summary: 'The ICB pays half.' } });
    expect(only(s.dispute, 'confirm')).toEqual([
      confirm(2, 'anytown-council', 'Anytown Council'), confirm(2, 'anytown-icb', 'NHS Anytown ICB'),
    ]);
    expect(only(s.dispute, 'confirm', person('ali-khan'))).toEqual([confirm(2, 'anytown-council', 'Anytown Council')]);
  });

  it('[R5.9] at Stage 2 only a manager or lead confirms for their own organisation', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: stage2Decision });
    expect(only(s.dispute, 'confirm', person('gus-hart'))).toEqual([]);
    expect(only(s.dispute, 'confirm', person('ali-khan'))).toEqual([]);
    expect(only(s.dispute, 'confirm', person('hal-moss'))).toEqual([confirm(1, 'anytown-icb', 'NHS Anytown ICB')]);
    // Two of the confirming roles are enough as one.
    expect(only(s.dispute, 'confirm', person('cal-reid'))).toEqual([confirm(1, 'anytown-council', 'Anytown Council')]);
  });

  it('[R3.2] one person confirms for one organisation: who confirmed for another is not offered their new one', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(only(s.dispute, 'confirm', movedTo('gus-hart', 'anytown-council'))).toEqual([]);
    // Someone else of the council may, though gus-hart confirmed this decision.
    expect(only(s.dispute, 'confirm', person('ali-khan'))).toEqual([confirm(1, 'anytown-council', 'Anytown Council')]);
    // A confirmation of an earlier, withdrawn decision does not hold them back.
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'Wrong figures.' });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    expect(only(s.dispute, 'confirm', movedTo('gus-hart', 'anytown-council'))).toEqual([confirm(2, 'anytown-council', 'Anytown Council')]);
  });

  it('[R5.3][R5.7] Stage 3 offers no escalation, only the external route (senior officers) and "cannot resolve"', () => {
    const s = stage3();
    expect(acts(s.dispute)).toEqual([
      tick('joint-consideration', 3), tick('duties-risk', 3), tick('binding', 3),
      INFORMED, REASSURED, ADVOCACY, DECIDE, EXTERNAL, CARE_CHANGE, ADVOCACY_NA, ADD_PARTY, CANNOT_RESOLVE, CORRECT,
    ]);
    expect(only(s.dispute, 'external', person('eve-ford'))).toEqual([EXTERNAL]);
    expect(only(s.dispute, 'cannot-resolve', person('eve-ford'))).toEqual([CANNOT_RESOLVE]);
    expect(verbs(s.dispute, person('ali-khan'))).toEqual([
      'tick', 'tick', 'tick', 'person', 'person', 'person', 'decide', 'care-change', 'advocacy-na', 'add-party', 'correct',
    ]);
  });

  it('[R5.7] "cannot resolve" is offered once per organisation, to its senior officer, until every party has recorded it', () => {
    const s = stage3();
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The council cannot fund it.' });
    expect(only(s.dispute, 'cannot-resolve')).toEqual([CANNOT_RESOLVE]);
    expect(only(s.dispute, 'cannot-resolve', person('eve-ford'))).toEqual([]);
    expect(only(s.dispute, 'cannot-resolve', person('jon-park'))).toEqual([CANNOT_RESOLVE]);
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Nor can the ICB.' });
    expect(only(s.dispute, 'cannot-resolve')).toEqual([]);
    expect(only(s.dispute, 'cannot-resolve', person('jon-park'))).toEqual([]);
  });

  it('[R5.7] Stage 4 has no checklist, no timescale to escalate from, and no "cannot resolve"', () => {
    const s = stage3();
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The council cannot fund it.' });
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Nor can the ICB.' });
    s.run('eve-ford', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(s.dispute.stage).toBe(4);
    const note = s.dispute.letters.at(-1)!.seq;
    expect(acts(s.dispute)).toEqual([INFORMED, REASSURED, ADVOCACY, DECIDE, EXTERNAL, CARE_CHANGE, ADVOCACY_NA, ADD_PARTY, CORRECT, PACK, letter(note)]);
    expect(only(s.dispute, 'external', person('ali-khan'))).toEqual([]);
  });

  it('[R5.7] the referral pack is offered from Stage 4 on, to every participant, and stays offered once resolved', () => {
    const s = stage3();
    expect(only(s.dispute, 'pack')).toEqual([]);
    expect(mayTake(s.dispute, DEFAULT_POLICY, directory, person('jon-park'), { verb: 'pack' })).toBe(false);
    s.run('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The council cannot fund it.' });
    s.run('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Nor can the ICB.' });
    s.run('eve-ford', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(only(s.dispute, 'pack')).toEqual([PACK]);
    expect(only(s.dispute, 'pack', person('ali-khan'))).toEqual([PACK]);
    expect(referralPackOffered(s.dispute)).toBe(true);
  });

  it('[R2.4][R2.5] a party may be withdrawn only while more than two remain', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    // The trust was the last organisation in the directory outside the dispute: nobody is left to add.
    expect(acts(s.dispute).slice(-4)).toEqual([CARE_CHANGE, ADVOCACY_NA, WITHDRAW_PARTY, CORRECT]);
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    expect(only(s.dispute, 'withdraw-party')).toEqual([]);
  });

  it('[R2.5] "Add a party" is offered only while the directory has an organisation that is not a party (its form would offer nothing)', () => {
    const s = stage1();
    const outside = () => directory.organisations.filter((o) => !s.dispute.parties.some((p) => p.organisationId === o.id && !p.withdrawnAt));
    expect(outside().length).toBeGreaterThan(0);
    for (const o of outside()) s.run('ali-khan', { type: 'ADD_PARTY', organisationId: o.id, role: 'INTERESTED', reason: 'Involved in the care.' });
    expect(outside()).toEqual([]);
    expect(only(s.dispute, 'add-party')).toEqual([]);
    expect(mayTake(s.dispute, DEFAULT_POLICY, directory, person('ali-khan'), { verb: 'add-party' })).toBe(false);
    // One is withdrawn by the others jointly: there is someone to add again.
    s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
    expect(only(s.dispute, 'add-party')).toEqual([ADD_PARTY]);
  });

  it('[R8.1] a step done is no longer offered; "advocacy not appropriate" goes once advocacy is done, not before', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: null });
    expect(verbs(s.dispute).slice(4)).toEqual([
      'person', 'person', 'decide', 'escalate', 'care-change', 'advocacy-na', 'add-party', 'correct',
    ]);
    expect(only(s.dispute, 'person')).toEqual([REASSURED, ADVOCACY]);
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: 'Refused by the person.', notAppropriate: true });
    expect(only(s.dispute, 'person')).toEqual([REASSURED]);
    expect(only(s.dispute, 'advocacy-na')).toEqual([]);
  });

  it('[R10.1] an open continuity alert offers "care restored"; a restored one, or another flag, does not', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ careContinues: false, citedGrounds: ['BUDGET'] }));
    expect(acts(s.dispute).slice(-2)).toEqual([CARE_RESTORED, CORRECT]);
    s.run('ali-khan', { type: 'RECORD_CARE_RESTORED', detail: 'Support resumed on Monday.' });
    expect(s.flags()).toContain('UNLAWFUL_GROUND');
    expect(only(s.dispute, 'care-restored')).toEqual([]);
    expect(acts(s.dispute).slice(-2)).toEqual([ADD_PARTY, CORRECT]);
  });

  it('[R8.2] the newest letter not yet sent is offered for review, and none once all are sent', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    s.run('ali-khan', { type: 'ESCALATE', reason: 'Still no agreement.' });
    expect(s.dispute.letters.map((l) => l.seq)).toEqual([1, 2]);
    expect(only(s.dispute, 'letter')).toEqual([letter(2)]);
    // Note 1 announced Stage 2, which has ended: it cannot go now (R8.2), and once note 2 is sent it is not offered.
    expect(refusal(() => s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 1 }))).toMatchObject({ code: 'LETTER_OUT_OF_DATE' });
    s.run('ali-khan', { type: 'MARK_LETTER_SENT', seq: 2 });
    expect(only(s.dispute, 'letter')).toEqual([]);
    expect(only(s.dispute, 'redraft-letter')).toEqual([]);
  });
});

describe('allowed actions after resolution', () => {
  it('[R8.3] what is owed to the person, and the decision letter, stay on a resolved dispute; nothing of the stage does', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: agreement });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('RESOLVED');
    // R5.6: now that a decision took effect, explaining it is owed too.
    expect(acts(s.dispute)).toEqual([INFORMED, REASSURED, EXPLAINED, ADVOCACY, ADVOCACY_NA, CORRECT, letter(1)]);
    s.run('ali-khan', { type: 'PERSON_STEP', step: 'ADVOCACY_OFFERED', note: 'Offered; declined.' });
    expect(acts(s.dispute)).toEqual([INFORMED, REASSURED, EXPLAINED, CORRECT, letter(1)]);
  });

  it('[R5.6] a joint decision to escalate is not an outcome to explain', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...agreement, outcome: 'ESCALATE' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.stage).toBe(2);
    expect(only(s.dispute, 'person')).toEqual([INFORMED, REASSURED, ADVOCACY]);
  });

  it('[R5.6] at Stage 3 a written decision in effect makes "explained" due while the dispute stays open', () => {
    const s = stage3();
    s.run('eve-ford', { type: 'PROPOSE_DECISION', input: written });
    s.run('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(s.dispute.status).toBe('OPEN');
    expect(only(s.dispute, 'person')).toEqual([INFORMED, REASSURED, EXPLAINED, ADVOCACY]);
  });
});

describe('CHC adjustment buttons', () => {
  function chc(): Scenario {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    s.run('gus-hart', ADJUSTMENT);
    return s;
  }

  it('[R6.3] each party not yet confirmed gets its button, after the stage actions and before "correct"', () => {
    const s = chc();
    expect(acts(s.dispute).slice(-3)).toEqual([
      confirmChc(1, 'anytown-council', 'Anytown Council'), confirmChc(1, 'anytown-icb', 'NHS Anytown ICB'), CORRECT,
    ]);
    expect(only(s.dispute, 'confirm-chc', null, withoutOrg('anytown-council'))).toEqual([
      confirmChc(1, 'anytown-council', 'anytown-council'), confirmChc(1, 'anytown-icb', 'NHS Anytown ICB'),
    ]);
    s.run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(only(s.dispute, 'confirm-chc')).toEqual([confirmChc(1, 'anytown-council', 'Anytown Council')]);
    s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).not.toBeNull();
    expect(only(s.dispute, 'confirm-chc')).toEqual([]);
    // A party that joins later has nothing to confirm: the adjustment already holds.
    s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
    expect(only(s.dispute, 'confirm-chc')).toEqual([]);
    expect(only(s.dispute, 'confirm-chc', person('nia-rose'))).toEqual([]);
  });

  it('[R3.2][R6.3] who confirmed an adjustment for one organisation is not offered another\'s', () => {
    const s = chc();
    s.run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(only(s.dispute, 'confirm-chc', movedTo('gus-hart', 'anytown-council'))).toEqual([]);
    expect(only(s.dispute, 'confirm-chc', person('ali-khan'))).toEqual([confirmChc(1, 'anytown-council', 'Anytown Council')]);
  });
});

describe('mayTake', () => {
  it('accepts exactly an offered action: its verb and the payload that identifies it', () => {
    const s = stage1();
    s.run('ali-khan', { type: 'ESCALATE', reason: 'No agreement on the split.' });
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: stage2Decision });
    const hal = person('hal-moss');
    const may = (want: { verb: string } & Record<string, unknown>) => mayTake(s.dispute, DEFAULT_POLICY, directory, hal, want);
    expect(may({ verb: 'decide' })).toBe(true);
    expect(may({ verb: 'external' })).toBe(false);
    expect(may({ verb: 'care-restored' })).toBe(false);
    expect(may({ verb: 'tick', k: 'case-law', s: 2, n: 1 })).toBe(true);
    expect(may({ verb: 'tick', k: 'clarify', s: 2, n: 1 })).toBe(false);
    expect(may({ verb: 'confirm', s: 1, o: 'anytown-icb' })).toBe(true);
    expect(may({ verb: 'confirm', s: 2, o: 'anytown-icb' })).toBe(false);
    expect(may({ verb: 'confirm', s: 1, o: 'anytown-council' })).toBe(false);
    expect(may({ verb: 'person', k: 'INFORMED' })).toBe(true);
    expect(may({ verb: 'person', k: 'EXPLAINED' })).toBe(false);
    expect(may({ verb: 'letter', n: 1 })).toBe(true);
    expect(may({ verb: 'letter', n: 2 })).toBe(false);
  });

  it('[R6.3] a CHC confirmation is taken only for the adjustment and organisation offered', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    s.run('gus-hart', ADJUSTMENT);
    const may = (n: number, o: string) => mayTake(s.dispute, DEFAULT_POLICY, directory, person('gus-hart'), { verb: 'confirm-chc', n, o });
    expect(may(1, 'anytown-icb')).toBe(true);
    expect(may(2, 'anytown-icb')).toBe(false);
    expect(may(1, 'anytown-council')).toBe(false);
  });
});
