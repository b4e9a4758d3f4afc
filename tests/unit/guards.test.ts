import { MAX_TEXT } from '../../src/domain/guards.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/stage-policy.ts';
import type { Directory, Person, Role } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// The checks every handler starts with (guards.ts): who acts, whether they may, and the text they give.

const REF = 'S117-2026-0001';
const notParticipant = (what: string) => `Only the participants of ${REF} can ${what}. You are not one of them; ask a participant or your manager.`;
const JOINED = 'holds the role now (directory)';
const tick = (key: string, stage: 2 | 3 = 2) => ({ type: 'TICK_CHECKLIST' as const, stage, key, ticked: true });

/** The example directory with one more person, like someone already there but with other roles. */
function withPerson(id: string, organisationId: string, roles: Role[], base: Directory = directory): Directory {
  const like = directory.people.find((p) => p.id === 'cal-reid')!;
  const person: Person = { ...like, id, name: id, organisationId, roles, managerId: null };
  return { ...base, people: [...base.people, person] };
}

function atStage2(): Scenario {
  const s = new Scenario();
  s.raise();
  s.sweep('2026-12-14T17:00:00Z');
  return s;
}

function endingAtStage3(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  return s;
}

describe('who is acting', () => {
  it('refuses someone who is not in the directory, saying what to do', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('mallory', { type: 'ESCALATE', reason: 'x' }))).toEqual({
      code: 'NOT_IN_DIRECTORY', message: 'You are not in the Section 117 directory, so the bot cannot act for you. Ask your administrator to add you.',
    });
  });

  it('[R5.6] refuses anything but corrections and themes once the dispute is resolved', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    s.run('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    s.run('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect(refusal(() => s.run('ali-khan', { type: 'TICK_CHECKLIST', stage: 1, key: 'clarify', ticked: true }))).toEqual({
      code: 'DISPUTE_CLOSED', message: `${REF} is resolved; nothing more can be recorded on it except corrections and themes.`,
    });
  });
});

describe('free text', () => {
  it(`takes up to ${MAX_TEXT} characters after trimming, and refuses longer text naming the field`, () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('ali-khan', { type: 'REQUEST_LEGAL_ADVICE', reason: 'x'.repeat(MAX_TEXT + 1) }))).toEqual({
      code: 'FIELD_TOO_LONG', field: 'reason', message: '"reason" is 4001 characters; keep it to 4000 at most.',
    });
    s.run('ali-khan', { type: 'REQUEST_LEGAL_ADVICE', reason: `  ${'x'.repeat(MAX_TEXT)}  ` });
    expect(s.last.events[0]!.data).toEqual({ reason: 'x'.repeat(4000) });
  });
});

describe('joining by the role held now (R5.8)', () => {
  it('[R5.8] lets a newly appointed Local Authority mental health service lead act at Stage 2, but not an ICB one', () => {
    const s = atStage2();
    const laLead = withPerson('new-lead', 'anytown-council', ['MH_SERVICE_LEAD']);
    s.at('2026-12-15T18:00:00Z').runWith(laLead, 'new-lead', tick('case-law'));
    expect(s.events()).toEqual(['PARTICIPANT_JOINED', 'CHECKLIST_TICKED']);
    expect(s.last.events[0]!.data).toEqual({ personId: 'new-lead', reason: JOINED });
    expect(s.dispute.participants.find((p) => p.personId === 'new-lead'))
      .toEqual({ personId: 'new-lead', fromStage: 2, reason: JOINED, addedAt: '2026-12-15T18:00:00.000Z', leftAt: null });
    // Invited at once, not at the next working-hours start: they are acting now.
    expect(s.last.effects).toContainEqual({ kind: 'INVITE', personIds: ['new-lead'], notBefore: '2026-12-15T18:00:00.000Z' });
    const icbLead = withPerson('icb-lead', 'anytown-icb', ['MH_SERVICE_LEAD']);
    expect(refusal(() => s.runWith(icbLead, 'icb-lead', tick('interim-funding')))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('tick the checklist') });
  });

  it('[R5.8] lets a newly appointed team manager act at Stage 2 (one of the roles a rule names is enough)', () => {
    const s = atStage2();
    s.runWith(withPerson('new-manager', 'anytown-council', ['TEAM_MANAGER']), 'new-manager', tick('case-law'));
    expect(s.events()).toEqual(['PARTICIPANT_JOINED', 'CHECKLIST_TICKED']);
  });

  it('[R5.8] still finds the role of someone whose organisation has left the directory list', () => {
    const s = atStage2();
    const base = { ...directory, organisations: directory.organisations.filter((o) => o.id !== 'anytown-council') };
    s.runWith(withPerson('new-manager', 'anytown-council', ['TEAM_MANAGER'], base), 'new-manager', tick('case-law'));
    expect(s.events()).toEqual(['PARTICIPANT_JOINED', 'CHECKLIST_TICKED']);
  });

  it('[R5.8] lets a legal advisor join at Stage 3 only once legal advice has been asked for', () => {
    const s = endingAtStage3();
    expect(refusal(() => s.run('fay-lowe', { type: 'ESCALATE', reason: 'x' }))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('escalate the dispute') });
    s.run('eve-ford', { type: 'REQUEST_LEGAL_ADVICE', reason: 'Is the ending lawful?' });
    const newLawyer = withPerson('new-lawyer', 'anytown-council', ['LEGAL_ADVISOR']);
    s.runWith(newLawyer, 'new-lawyer', tick('duties-risk', 3));
    expect(s.events()).toEqual(['PARTICIPANT_JOINED', 'CHECKLIST_TICKED']);
  });

  it('[R5.8] [R2.5] never lets in a senior officer of an organisation that is not a party', () => {
    const s = endingAtStage3();
    expect(refusal(() => s.run('oli-shaw', tick('binding', 3)))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('tick the checklist') });
  });

  it('[R5.8] brings back a participant who left, on their own record, not a second one', () => {
    const s = endingAtStage3();
    const withoutJon = { ...directory, people: directory.people.filter((p) => p.id !== 'jon-park') };
    s.at('2026-12-08T10:00:00Z').runWith(withoutJon, 'system', { type: 'SYNC_DIRECTORY' });
    expect(s.dispute.participants.find((p) => p.personId === 'jon-park')!.leftAt).toBe('2026-12-08T10:00:00.000Z');
    s.at('2026-12-09T10:00:00Z').run('jon-park', tick('joint-consideration', 3));
    expect(s.last.events[0]).toEqual({ type: 'PARTICIPANT_JOINED', data: { personId: 'jon-park', reason: JOINED } });
    expect(s.dispute.participants.filter((p) => p.personId === 'jon-park'))
      .toEqual([{ personId: 'jon-park', fromStage: 3, reason: JOINED, addedAt: '2026-12-07T10:00:00.000Z', leftAt: null }]);
    // A participant again: the next action needs no joining.
    s.run('jon-park', tick('binding', 3));
    expect(s.events()).toEqual(['CHECKLIST_TICKED']);
  });
});

describe('who confirms (R5.9)', () => {
  const confirmerPolicy = (roles: Role[]): Policy => ({ ...DEFAULT_POLICY, stages: { ...DEFAULT_POLICY.stages, 2: { ...DEFAULT_POLICY.stages[2], confirmerRoles: roles } } });

  it('[R5.9] says "senior officer only" only when the senior officer is the one confirmer role', () => {
    const s = atStage2();
    s.run('bea-jones', { type: 'PROPOSE_DECISION', input: stage2Decision });
    const confirm = { type: 'CONFIRM_DECISION' as const, seq: 1, organisationId: 'anytown-council' };
    expect(refusal(() => s.runWith(directory, 'bea-jones', confirm, confirmerPolicy(['SERVICE_MANAGER'])))).toEqual({
      code: 'CONFIRMER_ROLE_REQUIRED', message: 'At Stage 2 only Anytown Council\'s service manager can confirm. Ask them to press "Confirm".',
    });
    expect(refusal(() => s.runWith(directory, 'bea-jones', confirm, confirmerPolicy(['SENIOR_OFFICER', 'SERVICE_MANAGER'])))).toEqual({
      code: 'CONFIRMER_ROLE_REQUIRED', message: 'At Stage 2 only Anytown Council\'s senior officer or service manager can confirm. Ask them to press "Confirm".',
    });
    expect(refusal(() => s.runWith(directory, 'bea-jones', confirm, confirmerPolicy(['SENIOR_OFFICER'])))).toEqual({
      code: 'SENIOR_OFFICER_ONLY', message: 'At Stage 2 only Anytown Council\'s senior officer can confirm. Ask them to press "Confirm".',
    });
  });
});
