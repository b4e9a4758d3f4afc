import type { Command } from '../../src/domain/commands.ts';
import type { Directory } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// R2.4 / R2.5: adding and withdrawing parties, pinned to their exact refusals, events and effects.

const CONTINUITY = 'Care and support must continue while this dispute is resolved. It must not be delayed, reduced or withdrawn.';
const TRUST = 'Anytown Mental Health NHS Trust';
const add = (organisationId: string, reason = 'The Trust provides the care.', role = 'INTERESTED'): Command =>
  ({ type: 'ADD_PARTY', organisationId, role, reason }) as Command;
const withdraw = (organisationId: string, reason = 'The Trust no longer provides care.'): Command => ({ type: 'WITHDRAW_PARTY', organisationId, reason });
const propose = { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } } as Command;
const confirm = (seq: number, organisationId: string): Command => ({ type: 'CONFIRM_DECISION', seq, organisationId });
const confirmChc = (organisationId: string): Command => ({ type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId });
/** R2.5: the council and the ICB jointly withdraw the trust (each through a participant of its own). */
const jointly = (s: Scenario, reason?: string, council = 'ali-khan', icb = 'gus-hart') => {
  s.run(council, withdraw('anytown-trust', reason));
  s.run(icb, withdraw('anytown-trust', reason));
};

/** Raised by the trust against the council and the ICB. */
function threeParties(): Scenario {
  const s = new Scenario();
  s.raise('lou-gray', fundingDispute({
    subjects: ['CHC_INTERFACE'],
    parties: [
      { organisationId: 'anytown-trust', role: 'RAISING' },
      { organisationId: 'anytown-council', role: 'RESPONDING' },
      { organisationId: 'anytown-icb', role: 'RESPONDING' },
    ],
  }));
  return s;
}

describe('[R2.5] adding a party', () => {
  it('[R2.5] refuses a non-participant, a missing reason and an organisation not in the directory, exactly', () => {
    const s = new Scenario();
    s.raise();
    expect(refusal(() => s.run('oli-shaw', add('anytown-trust')))).toEqual({
      code: 'NOT_A_PARTICIPANT',
      message: 'Only the participants of S117-2026-0001 can add a party. You are not one of them; ask a participant or your manager.',
    });
    expect(refusal(() => s.run('ali-khan', add('anytown-trust', ' ')))).toEqual({
      code: 'FIELD_REQUIRED', message: 'A reason for adding the organisation is required: fill in "reason".', field: 'reason',
    });
    expect(refusal(() => s.run('ali-khan', add('nowhere-council')))).toEqual({
      code: 'UNKNOWN_ORGANISATION', message: '"nowhere-council" is not an organisation in the directory ("organisationId").', field: 'organisationId',
    });
    expect(s.dispute.parties.map((p) => p.organisationId)).toEqual(['anytown-council', 'anytown-icb']);
  });

  it('[R2.5] records the party with its reason, invites its people for the stage and tells the case space', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', add('anytown-trust'));
    expect(s.last.events).toEqual([
      { type: 'PARTY_ADDED', data: { organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care.' } },
    ]);
    const at = '2026-12-07T10:00:00.000Z';
    expect(s.last.effects).toEqual([
      { kind: 'INVITE', personIds: ['nia-rose'], notBefore: at },
      {
        kind: 'POST',
        message: {
          title: `S117-2026-0001: ${TRUST} joins as a party (interested party)`,
          lines: ['Added by Ali Khan. Reason: The Trust provides the care.', CONTINUITY],
          mentions: ['nia-rose'],
        },
        notBefore: at,
      },
      { kind: 'REFRESH_CARD', notBefore: at },
    ]);
    expect(s.dispute.parties.at(-1)).toEqual({
      organisationId: 'anytown-trust', role: 'INTERESTED', addedAt: at, addedReason: 'The Trust provides the care.', withdrawnAt: null, withdrawnReason: null,
    });
    expect(s.dispute.participants.at(-1)).toEqual({ personId: 'nia-rose', fromStage: 1, reason: 'operational lead of an added party', addedAt: at, leftAt: null });
  });

  it('[R2.5] only notes a party that is already there, and re-admits a withdrawn one in place, inviting nobody twice', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', add('anytown-icb'));
    expect(s.last).toMatchObject({ events: [], effects: [], notice: 'NHS Anytown ICB is already a party to S117-2026-0001.' });
    s.run('ali-khan', add('anytown-trust'));
    jointly(s);
    s.at('2026-12-08T11:00:00Z').run('ali-khan', add('anytown-trust', 'Back after all.', 'RESPONDING'));
    expect(s.last.events).toEqual([{ type: 'PARTY_ADDED', data: { organisationId: 'anytown-trust', role: 'RESPONDING', reason: 'Back after all.' } }]);
    // Its operational lead is still a participant: nobody new to invite or mention.
    expect(s.last.effects.map((e) => e.kind)).toEqual(['POST', 'REFRESH_CARD']);
    expect(s.last.effects[0]).toMatchObject({ message: { title: `S117-2026-0001: ${TRUST} joins as a party (responding)`, mentions: [] } });
    expect(s.dispute.parties).toHaveLength(3);
    expect(s.dispute.parties[2]).toEqual({
      organisationId: 'anytown-trust', role: 'RESPONDING', addedAt: '2026-12-08T11:00:00.000Z', addedReason: 'Back after all.', withdrawnAt: null, withdrawnReason: null,
    });
  });

  it('[R2.5] at Stage 4 invites the added party\'s Stage 3 people', () => {
    const s = new Scenario();
    s.raise();
    s.sweep('2026-12-14T17:00:00Z');
    s.sweep(s.dispute.stages[1]!.dueAt!);
    s.sweep(s.dispute.stages[2]!.dueAt!);
    s.run('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: null });
    expect(s.dispute.stage).toBe(4);
    s.run('eve-ford', add('anytown-trust'));
    expect(s.last.effects[0]).toMatchObject({ kind: 'INVITE', personIds: ['oli-shaw'] });
    expect(s.dispute.participants.at(-1)).toMatchObject({ personId: 'oli-shaw', fromStage: 4, reason: 'senior officer of an added party' });
  });

  it('[R2.5] says which proposed decision now needs the added party, and none when no decision waits', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', propose);
    s.run('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'Wrong figures.' });
    s.run('ali-khan', add('anytown-trust'));
    expect(s.last.effects[1]).toMatchObject({ message: { lines: ['Added by Ali Khan. Reason: The Trust provides the care.', CONTINUITY] } });
    jointly(s);
    s.run('ali-khan', propose);
    s.run('ali-khan', add('anytown-trust', 'Back.'));
    expect(s.last.effects[0]).toMatchObject({
      message: { lines: ['Added by Ali Khan. Reason: Back.', `Decision 2 now needs ${TRUST}'s confirmation too.`, CONTINUITY] },
    });
  });
});

describe('[R2.4][R2.5] withdrawing a party', () => {
  it('[R2.5] refuses a non-participant, a missing reason and an organisation that is not (or no longer) a party, exactly', () => {
    const s = new Scenario();
    s.raise();
    const notAParty = { code: 'NOT_A_PARTY', message: `${TRUST} is not a party to S117-2026-0001.`, field: 'organisationId' };
    expect(refusal(() => s.run('ali-khan', withdraw('anytown-trust')))).toEqual(notAParty);
    s.run('ali-khan', add('anytown-trust'));
    expect(refusal(() => s.run('eve-ford', withdraw('anytown-trust')))).toEqual({
      code: 'NOT_A_PARTICIPANT',
      message: 'Only the participants of S117-2026-0001 can withdraw a party. You are not one of them; ask a participant or your manager.',
    });
    expect(refusal(() => s.run('ali-khan', withdraw('anytown-trust', '')))).toEqual({
      code: 'FIELD_REQUIRED', message: 'A reason for withdrawing the organisation is required: fill in "reason".', field: 'reason',
    });
    jointly(s);
    expect(refusal(() => s.run('ali-khan', withdraw('anytown-trust')))).toEqual(notAParty);
    expect(s.dispute.parties.map((p) => [p.organisationId, p.withdrawnReason])).toEqual([
      ['anytown-council', null], ['anytown-icb', null], ['anytown-trust', 'The Trust no longer provides care.'],
    ]);
  });

  it('[R2.4] never leaves the dispute without an ICB and a Local Authority among at least two parties', () => {
    const s = threeParties();
    const missing = (name: string) => ({
      code: 'STATUTORY_PARTY_MISSING',
      message: `${name} cannot withdraw: a dispute needs at least two parties, among them an ICB and a Local Authority. `
        + 'Add the organisation that takes its place first.',
      field: 'organisationId',
    });
    expect(refusal(() => s.run('lou-gray', withdraw('anytown-council')))).toEqual(missing('Anytown Council'));
    expect(refusal(() => s.run('lou-gray', withdraw('anytown-icb')))).toEqual(missing('NHS Anytown ICB'));
    // An organisation gone from the directory counts as neither.
    const noTrust: Directory = { ...directory, organisations: directory.organisations.filter((o) => o.id !== 'anytown-trust') };
    expect(refusal(() => s.runWith(noTrust, 'lou-gray', withdraw('anytown-council')))).toMatchObject({ code: 'STATUTORY_PARTY_MISSING' });
    expect(s.dispute.parties.every((p) => p.withdrawnAt === null)).toBe(true);
  });

  it('[R2.5] an organisation withdraws itself only through its senior officer, recorded with its reason', () => {
    const s = threeParties();
    expect(refusal(() => s.run('lou-gray', withdraw('anytown-trust')))).toEqual({
      code: 'SENIOR_OFFICER_ONLY', message: `Only ${TRUST}'s senior officer can withdraw ${TRUST} from S117-2026-0001. Ask them to do it.`,
    });
    s.at('2026-12-08T11:00:00Z').run('oli-shaw', withdraw('anytown-trust'));
    const at = '2026-12-08T11:00:00.000Z';
    const by = `Oli Shaw, senior officer of ${TRUST}`;
    expect(s.last.events).toEqual([{ type: 'PARTY_WITHDRAWN', data: { organisationId: 'anytown-trust', reason: 'The Trust no longer provides care.', by } }]);
    expect(s.last.effects).toEqual([
      {
        kind: 'POST',
        message: { title: `S117-2026-0001: ${TRUST} is no longer a party`, lines: [`Withdrawn by ${by}. Reason: The Trust no longer provides care.`], mentions: [] },
        notBefore: at,
      },
      { kind: 'REFRESH_CARD', notBefore: at },
    ]);
    expect(s.dispute.parties[0]).toMatchObject({ withdrawnAt: at, withdrawnReason: 'The Trust no longer provides care.' });
  });

  it('[R2.5][R3.2] another organisation is withdrawn only by a joint decision of every other party, each agreeing once', () => {
    const s = threeParties();
    s.run('dee-obi', withdraw('anytown-trust', 'The Trust does not provide this care.'));
    expect(s.events()).toEqual(['PARTY_WITHDRAWAL_AGREED']);
    expect(s.dispute.parties[0]!.withdrawnAt).toBeNull();
    expect(s.last.effects[0]).toMatchObject({ message: { lines: [
      'Dee Obi: The Trust does not provide this care.',
      `It is a joint decision: ${TRUST} stays a party until NHS Anytown ICB also agree, or ${TRUST}'s senior officer withdraws it.`,
    ] } });
    s.run('dee-obi', withdraw('anytown-trust', 'Again.'));
    expect(s.last).toMatchObject({ events: [], notice: `Anytown Council has already agreed to withdraw ${TRUST}.` });
    s.run('gus-hart', withdraw('anytown-trust', 'Agreed.'));
    expect(s.events()).toEqual(['PARTY_WITHDRAWAL_AGREED', 'PARTY_WITHDRAWN']);
    expect(s.last.events[1]!.data).toEqual({
      organisationId: 'anytown-trust', reason: 'The Trust does not provide this care.', by: 'joint decision of Anytown Council (Dee Obi), NHS Anytown ICB (Gus Hart)',
    });
    expect(s.dispute.pendingWithdrawals).toEqual([]);
  });

  it('[R2.5][R3.2] a withdrawal never makes a decision take effect: one the withdrawn party confirmed still waits for the others', () => {
    const s = threeParties();
    s.run('dee-obi', propose);
    s.run('dee-obi', confirm(1, 'anytown-council'));
    s.run('lou-gray', confirm(1, 'anytown-trust'));
    s.run('oli-shaw', withdraw('anytown-trust'));
    expect(s.events()).toEqual(['PARTY_WITHDRAWN']);
    expect(s.dispute.status).toBe('OPEN');
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    expect(s.dispute.status).toBe('RESOLVED');
  });

  it('[R2.5][R3.2] a decision the withdrawn party never confirmed lapses, even when every remaining party confirmed it', () => {
    const s = threeParties();
    s.run('dee-obi', propose);
    s.run('dee-obi', confirm(1, 'anytown-council'));
    s.run('gus-hart', confirm(1, 'anytown-icb'));
    s.run('oli-shaw', withdraw('anytown-trust'));
    expect(s.events()).toEqual(['PARTY_WITHDRAWN', 'DECISION_LAPSED']);
    expect(s.dispute.decisions.map((d) => d.status)).toEqual(['WITHDRAWN']);
    expect(s.dispute.status).toBe('OPEN');
  });

  it('[R6.3] a CHC adjustment is never agreed by a withdrawal: one the party confirmed still waits; one it did not lapses', () => {
    const s = threeParties();
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-07', decisionDate: '2026-12-10' });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-10-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-11-01', parties: ['anytown-icb'], amountOrShare: 'ICB 50%', personNotPenalised: true });
    s.run('gus-hart', confirmChc('anytown-icb'));
    s.run('lou-gray', confirmChc('anytown-trust'));
    s.run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 2, organisationId: 'anytown-icb' });
    s.run('dee-obi', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 2, organisationId: 'anytown-council' });
    s.run('oli-shaw', withdraw('anytown-trust'));
    expect(s.events()).toEqual(['PARTY_WITHDRAWN', 'CHC_ADJUSTMENT_LAPSED']);
    expect(s.dispute.chcAdjustments.map((a) => [a.confirmedAt, a.lapsedReason ?? null])).toEqual([
      [null, null], [null, `${TRUST} withdrew before confirming it`],
    ]);
    expect(refusal(() => s.run('ivy-nash', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 2, organisationId: 'anytown-icb' }))).toMatchObject({ code: 'DECISION_NOT_OPEN' });
    expect(refusal(() => s.run('lou-gray', confirmChc('anytown-trust')))).toMatchObject({ code: 'NOT_A_PARTICIPANT' });
    s.run('dee-obi', confirmChc('anytown-council'));
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBe('2026-12-07T10:00:00.000Z');
  });
});

describe('[R2.5][R3.2] two withdrawals proposed at once', () => {
  // A fourth party (a second trust) so that two organisations can be proposed for withdrawal at the same time and
  // the dispute still keeps an ICB and a Local Authority.
  const lou = directory.people.find((p) => p.id === 'lou-gray')!;
  const four: Directory = {
    ...directory,
    organisations: [...directory.organisations, { ...directory.organisations.find((o) => o.id === 'anytown-trust')!, id: 'othertown-trust', name: 'Othertown NHS Trust' }],
    people: [...directory.people, { ...lou, id: 'zoe-ward', name: 'Zoe Ward', organisationId: 'othertown-trust', managerId: null, handles: {}, email: null }],
  };

  it('[R2.5] an agreement counts towards the organisation it names, never another proposal', () => {
    const s = new Scenario();
    s.runWith(four, 'lou-gray', {
      type: 'RAISE', id: 'd1', reference: 'S117-2026-0001',
      input: fundingDispute({
        subjects: ['CHC_INTERFACE'], namedProfessionals: ['ali-khan', 'gus-hart'],
        parties: [
          { organisationId: 'anytown-trust', role: 'RAISING' },
          { organisationId: 'anytown-council', role: 'RESPONDING' },
          { organisationId: 'anytown-icb', role: 'RESPONDING' },
          { organisationId: 'othertown-trust', role: 'INTERESTED' },
        ],
      }),
    });
    // The council proposes withdrawing Othertown's trust, then Anytown's trust.
    s.runWith(four, 'ali-khan', withdraw('othertown-trust', 'Othertown NHS Trust has no part in the care.'));
    s.runWith(four, 'ali-khan', withdraw('anytown-trust'));
    // The ICB agrees to the second only: Anytown's trust waits for Othertown's trust's agreement; Othertown's trust
    // still waits for the ICB and Anytown's trust.
    s.runWith(four, 'gus-hart', withdraw('anytown-trust'));
    const byTarget = Object.fromEntries(s.dispute.pendingWithdrawals!.map((w) => [w.organisationId, w.agreements.map((a) => a.organisationId).sort()]));
    expect(byTarget).toEqual({
      'othertown-trust': ['anytown-council'],
      'anytown-trust': ['anytown-council', 'anytown-icb'],
    });
    expect(s.dispute.parties.filter((p) => !p.withdrawnAt).map((p) => p.organisationId).sort())
      .toEqual(['anytown-council', 'anytown-icb', 'anytown-trust', 'othertown-trust']);
  });
});
