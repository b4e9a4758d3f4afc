import type { Command } from '../../src/domain/commands.ts';
import type { Message } from '../../src/domain/effects.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// The CHC track (handlers/chc.ts), pinned without a database: refusals, events, posts, the dispute after.

const REF = 'S117-2026-0001';
const T0 = '2026-12-07T10:00:00.000Z';
const notParticipant = (what: string) => `Only the participants of ${REF} can ${what}. You are not one of them; ask a participant or your manager.`;
const posts = (s: Scenario): (Message & { notBefore: string })[] => s.last.effects.flatMap((e) => (e.kind === 'POST' ? [{ ...e.message, notBefore: e.notBefore }] : []));
const chc = (status: 'NOT_REFERRED' | 'REFERRED' | 'ASSESSMENT' | 'ELIGIBLE' | 'NOT_ELIGIBLE'): Command =>
  ({ type: 'UPDATE_CHC', status, referralDate: '2026-11-02', decisionDate: status === 'ELIGIBLE' || status === 'NOT_ELIGIBLE' ? '2026-12-01' : null });
const adjust = (over: Partial<Extract<Command, { type: 'RECORD_CHC_ADJUSTMENT' }>> = {}): Command => ({
  type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-01', parties: ['anytown-icb', 'anytown-council'], amountOrShare: 'ICB pays 100% from the CHC decision',
  personNotPenalised: true, ...over,
});
const PARALLEL = 'NHS Continuing Healthcare runs in parallel. It does not pause Section 117 or its deadlines.';
const UNTIL = 'Until CHC eligibility is decided, Section 117 aftercare continues where the statutory test is met.';

function chcDispute(): Scenario {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['FUNDING', 'CHC_INTERFACE'] }));
  return s;
}

function decided(): Scenario {
  const s = chcDispute();
  s.run('gus-hart', chc('ELIGIBLE'));
  return s;
}

describe('updating the CHC track', () => {
  it('[R6.1] records the status on the record and posts that CHC runs in parallel, with the interim duty while undecided', () => {
    const s = chcDispute();
    s.run('gus-hart', chc('REFERRED'));
    expect(s.dispute.chc).toEqual({ status: 'REFERRED', referralDate: '2026-11-02', decisionDate: null, updatedAt: T0 });
    expect(s.last.events).toEqual([{ type: 'CHC_UPDATED', data: { status: 'REFERRED', referralDate: '2026-11-02', decisionDate: null } }]);
    expect(posts(s)).toEqual([{ title: `${REF}: CHC referred`, lines: [PARALLEL, UNTIL], mentions: [], notBefore: T0 }]);
    expect(s.last.effects.map((e) => e.kind)).toEqual(['POST', 'REFRESH_CARD']);
    s.run('gus-hart', chc('ASSESSMENT'));
    expect(posts(s)[0]!.lines).toEqual([PARALLEL, UNTIL]);
  });

  it.each(['ELIGIBLE', 'NOT_ELIGIBLE'] as const)('[R6.1] once CHC is decided (%s) the interim line is dropped', (status) => {
    const s = chcDispute();
    s.run('gus-hart', chc(status));
    expect(s.last.events).toEqual([{ type: 'CHC_UPDATED', data: { status, referralDate: '2026-11-02', decisionDate: '2026-12-01' } }]);
    expect(posts(s)).toEqual([{
      title: `${REF}: CHC ${status === 'ELIGIBLE' ? 'eligible for CHC' : 'not eligible for CHC'}`, lines: [PARALLEL], mentions: [], notBefore: T0,
    }]);
  });

  it('[R6.1] only participants update the track', () => {
    const s = chcDispute();
    expect(refusal(() => s.run('lou-gray', chc('REFERRED')))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('update the CHC track') });
  });
});

describe('recording a CHC funding adjustment', () => {
  it('[R6.3] refuses before a CHC decision, while CHC is still being assessed', () => {
    const s = chcDispute();
    const undecided = { code: 'CHC_NOT_DECIDED', message: 'Record the CHC decision first: a funding adjustment follows a CHC decision.' };
    expect(refusal(() => s.run('ali-khan', adjust()))).toEqual(undecided);
    s.run('gus-hart', chc('ASSESSMENT'));
    expect(refusal(() => s.run('ali-khan', adjust()))).toEqual(undecided);
  });

  it('[R6.3] accepts an adjustment after a NOT_ELIGIBLE decision too', () => {
    const s = chcDispute();
    s.run('gus-hart', chc('NOT_ELIGIBLE'));
    s.run('ali-khan', adjust());
    expect(s.dispute.chcAdjustments).toHaveLength(1);
  });

  it('[R6.3] refuses a non-participant, a penalising adjustment, a malformed or future date, and a blank amount', () => {
    const s = decided();
    expect(refusal(() => s.run('lou-gray', adjust()))).toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('record a CHC funding adjustment') });
    expect(refusal(() => s.run('ali-khan', adjust({ personNotPenalised: false })))).toEqual({
      code: 'PERSON_PENALISED', field: 'personNotPenalised',
      message: 'A retrospective adjustment must not penalise the person: confirm "personNotPenalised" once that is true.',
    });
    const badDate = { code: 'INVALID_DATE', field: 'effectiveDate', message: 'Give the effective date as YYYY-MM-DD ("effectiveDate").' };
    expect(refusal(() => s.run('ali-khan', adjust({ effectiveDate: '1 Dec 2026' })))).toEqual(badDate);
    expect(refusal(() => s.run('ali-khan', adjust({ effectiveDate: 'x2026-12-01' })))).toEqual(badDate);
    expect(refusal(() => s.run('ali-khan', adjust({ effectiveDate: '2026-12-01x' })))).toEqual(badDate);
    expect(refusal(() => s.run('ali-khan', adjust({ effectiveDate: '2026-12-08' })))).toEqual({
      code: 'INVALID_DATE', field: 'effectiveDate',
      message: 'The effective date 2026-12-08 is in the future; a retrospective adjustment takes effect on or before today.',
    });
    expect(refusal(() => s.run('ali-khan', adjust({ amountOrShare: '  ' })))).toEqual({
      code: 'FIELD_REQUIRED', field: 'amountOrShare', message: 'The amount or share is required: fill in "amountOrShare".',
    });
    expect(s.dispute.chcAdjustments).toEqual([]);
  });

  it('[R6.3] records a proposed adjustment (today counts as retrospective) that holds only once every party confirms', () => {
    const s = decided();
    s.run('ali-khan', adjust({ effectiveDate: '2026-12-07' }));
    expect(s.dispute.chcAdjustments).toEqual([{
      seq: 1, effectiveDate: '2026-12-07', parties: ['anytown-icb', 'anytown-council'], amountOrShare: 'ICB pays 100% from the CHC decision',
      personNotPenalised: true, recordedBy: 'ali-khan', at: T0, confirmations: [], confirmedAt: null,
    }]);
    expect(s.last.events).toEqual([{ type: 'CHC_ADJUSTMENT_RECORDED', data: { seq: 1, effectiveDate: '2026-12-07' } }]);
    expect(posts(s)).toEqual([{
      title: `${REF}: CHC funding adjustment 1 recorded`,
      lines: ['From 2026-12-07: ICB pays 100% from the CHC decision. The person is not penalised.',
        'It holds when every party organisation has confirmed it: Anytown Council, NHS Anytown ICB.'],
      mentions: [], notBefore: T0,
    }]);
    expect(s.last.effects.map((e) => e.kind)).toEqual(['POST', 'REFRESH_CARD']);
  });
});

describe('confirming a CHC funding adjustment', () => {
  function recorded(): Scenario {
    const s = decided();
    s.run('ali-khan', adjust());
    return s;
  }

  it('[R6.3] refuses an unknown adjustment, a non-party, another organisation, and a non-participant', () => {
    const s = recorded();
    expect(refusal(() => s.run('lou-gray', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' })))
      .toEqual({ code: 'NOT_A_PARTICIPANT', message: notParticipant('confirm a CHC funding adjustment') });
    expect(refusal(() => s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 2, organisationId: 'anytown-council' })))
      .toEqual({ code: 'NO_SUCH_ADJUSTMENT', message: `There is no CHC funding adjustment 2 on ${REF}.` });
    expect(refusal(() => s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-trust' })))
      .toEqual({ code: 'NOT_A_PARTY', message: `Anytown Mental Health NHS Trust is not a party to ${REF}.` });
    expect(refusal(() => s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' }))).toEqual({
      code: 'WRONG_ORGANISATION', message: 'You can only confirm for your own organisation (Anytown Council), not for NHS Anytown ICB.',
    });
  });

  it('[R6.3] the first confirmation posts who is still awaited; the last one makes it hold', () => {
    const s = recorded();
    s.at('2026-12-08T11:00:00Z').run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    expect(s.last.events).toEqual([{ type: 'CHC_ADJUSTMENT_CONFIRMED', data: { seq: 1, organisationId: 'anytown-council' } }]);
    expect(posts(s)).toEqual([{
      title: `${REF}: Anytown Council confirmed CHC funding adjustment 1`,
      lines: ['Confirmed by Ali Khan. Still waiting for: NHS Anytown ICB.'], mentions: [], notBefore: '2026-12-08T11:00:00.000Z',
    }]);
    s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    expect(s.last.events).toEqual([]);
    expect(s.last.notice).toBe('Anytown Council already confirmed CHC funding adjustment 1 (Ali Khan).');
    s.at('2026-12-09T12:00:00Z').run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(s.last.events).toEqual([
      { type: 'CHC_ADJUSTMENT_CONFIRMED', data: { seq: 1, organisationId: 'anytown-icb' } },
      { type: 'CHC_ADJUSTMENT_AGREED', data: { seq: 1, effectiveDate: '2026-12-01' } },
    ]);
    expect(posts(s)).toEqual([{
      title: `${REF}: CHC funding adjustment 1 agreed by every party`, lines: ['From 2026-12-01: ICB pays 100% from the CHC decision.'],
      mentions: [], notBefore: '2026-12-09T12:00:00.000Z',
    }]);
    expect(s.dispute.chcAdjustments[0]!.confirmedAt).toBe('2026-12-09T12:00:00.000Z');
    s.at('2026-12-10T12:00:00Z').run('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(s.last.notice).toBe('CHC funding adjustment 1 was agreed by every party on 2026-12-09; there is nothing left to confirm.');
  });

  it('[R6.3] [R5.9] from Stage 2 the frontline alone cannot confirm an adjustment for its organisation', () => {
    const s = chcDispute();
    s.sweep('2026-12-14T17:00:00Z');
    expect(s.dispute.stage).toBe(2);
    s.run('gus-hart', chc('ELIGIBLE'));
    s.run('ali-khan', adjust());
    expect(refusal(() => s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' }))).toEqual({
      code: 'CONFIRMER_ROLE_REQUIRED',
      message: 'At Stage 2 only Anytown Council\'s team manager, service manager, operational lead, mental health service lead or senior officer '
        + 'can confirm a CHC funding adjustment. Ask them to press "Confirm".',
    });
    s.run('bea-jones', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    expect(s.dispute.chcAdjustments[0]!.confirmations.map((c) => c.personId)).toEqual(['bea-jones']);
  });

  it('[R6.3] [R3.2] one person cannot confirm for two organisations, even after moving between them', () => {
    const s = recorded();
    s.run('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' });
    const moved = { ...directory, people: directory.people.map((p) => (p.id === 'ali-khan' ? { ...p, organisationId: 'anytown-icb' } : p)) };
    expect(refusal(() => s.runWith(moved, 'ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' }))).toEqual({
      code: 'ALREADY_CONFIRMED_FOR_ANOTHER_ORGANISATION',
      message: 'You already confirmed CHC funding adjustment 1 for Anytown Council. Someone else must confirm for NHS Anytown ICB.',
    });
  });
});
