import type { Command } from '../../src/domain/commands.ts';
import type { PackHistoryEntry } from '../../src/reports/referral-pack.ts';
import type { SubjectHistoryEntry } from '../../src/reports/subject-export.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { Scenario } from './domain.ts';

/**
 * An ending dispute taken to Stage 4 through most of the protocol (a flag, a care change and its
 * restoration, CHC, a decision proposed, confirmed once and withdrawn, a correction, three senior
 * officers saying Stage 3 cannot resolve it, external escalation), with its history as the store keeps it.
 */
export function stage4(): { s: Scenario; history: (PackHistoryEntry & SubjectHistoryEntry)[] } {
  const s = new Scenario('2026-12-07T10:00:00Z');
  const history: (PackHistoryEntry & SubjectHistoryEntry)[] = [];
  const go = (who: string, cmd: Command, at?: string, correctsSeq: number | null = null) => {
    if (at) s.at(at);
    s.run(who, cmd);
    for (const e of s.last.events) {
      history.push({ seq: history.length + 1, at: new Date(s.now), actorId: who, platform: 'cli', type: e.type, data: e.data, correctsSeq });
    }
  };
  go('ali-khan', { type: 'RAISE', id: 'd1', reference: 'S117-2026-0001', input: fundingDispute({
    subjects: ['ENDING_AFTERCARE'], endingProposal: true, description: 'The council proposes to end aftercare. The budget is spent <today>.',
    parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' },
      { organisationId: 'anytown-trust', role: 'INTERESTED' }],
  }) });
  go('ali-khan', { type: 'PERSON_STEP', step: 'INFORMED', note: 'Told by phone.' }, '2026-12-08T10:00:00Z');
  go('gus-hart', { type: 'REPORT_CARE_CHANGE', change: 'DELAYED', detail: 'The new flat start is delayed.' });
  go('gus-hart', { type: 'RECORD_CARE_RESTORED', detail: 'Start date kept.' }, '2026-12-09T10:00:00Z');
  go('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-12-01', decisionDate: '2026-12-09' });
  go('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-02', parties: ['anytown-icb', 'anytown-council'], amountOrShare: 'ICB 100% of nursing', personNotPenalised: true });
  go('eve-ford', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'WRITTEN_DECISION', commissioning: 'The ICB commissions the flat.' } }, '2026-12-09T11:00:00Z');
  go('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
  go('eve-ford', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'The trust does not agree.' });
  go('ali-khan', { type: 'CORRECT', field: 'currentCare', value: 'Supported flat with 14 hours a week.', reason: 'Hours were wrong.', correctsSeq: 1 }, undefined, 1);
  go('eve-ford', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'The council cannot agree.' }, '2026-12-10T10:00:00Z');
  go('jon-park', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Nor can the ICB.' });
  go('oli-shaw', { type: 'STAGE_3_CANNOT_RESOLVE', reason: 'Nor the trust.' });
  go('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'DHSC', note: 'Letter to DHSC.' }, '2026-12-11T10:00:00Z');
  return { s, history };
}
