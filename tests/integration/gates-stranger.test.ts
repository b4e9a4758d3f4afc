import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dispute } from '../../src/domain/types.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { act, as, cli, REF, writtenDecision } from '../helpers/gates.ts';

// The stranger's probe, round 2: paths the first round of story tests did not walk, driven through the `s117`
// command on the real database with the clock moved (quarter ends, bank holidays, restarts).

const get = async (app: TestApp): Promise<Dispute> => (await app.service.get({ reference: REF }))!;
const json = (out: string) => JSON.parse(out) as Record<string, unknown>;

describe("the stranger's probe, round 2", () => {
  let app: TestApp;
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-gates-stranger-')); });
  afterEach(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R9.2] [R9.1] a quarter\'s figures do not change after it ends: a Stage 3 that timed out in it stays missed and overdue there', async () => {
    app = await testApp({ clock: new FakeClock('2026-09-01T08:00:00Z') });
    const s117 = cli(app);
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
    expect((await get(app)).stage).toBe(3);
    app.clock.set('2026-09-23T08:00:00Z');
    expect((await s117('tick')).code).toBe(0);
    app.clock.set('2026-10-01T08:00:00Z');
    const q3 = ['register', 'summary', '--from', '2026-07-01', '--to', '2026-09-30'];
    const before = json((await s117(...q3)).out);
    expect(before).toMatchObject({ timescales: { 'Stage 3': { decided: 1, met: 0 } }, overdue: 1, open: 1 });
    // Resolved in the next quarter.
    app.clock.set('2026-10-05T09:00:00Z');
    const dec = writtenDecision({ effect: 'CONTINUES', payers: [{ organisationId: 'anytown-council', share: 'all of it, as now' }], effectiveFrom: null });
    expect((await a('eve-ford', { type: 'PROPOSE_DECISION', input: dec })).err).toBe('');
    expect((await a('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
    const d1 = await get(app);
    const letter = d1.letters.find((l) => l.decisionSeq === 1)!;
    expect((await a('ali-khan', { type: 'MARK_LETTER_SENT', seq: letter.seq })).err).toBe('');
    expect((await get(app)).status).toBe('RESOLVED');
    const after = json((await s117(...q3)).out);
    expect(after).toMatchObject({ timescales: before.timescales, overdue: before.overdue, open: before.open });
  }, 600_000); // a dozen commands and a sweep over a month: minutes on a loaded two-core machine

  it('[R8.2] a letter drafted before the subjects were corrected is not marked sent unchanged', async () => {
    app = await testApp();
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    const agree = { ...stage2Decision, outcome: 'AGREEMENT' as const };
    expect((await a('ali-khan', { type: 'PROPOSE_DECISION', input: agree })).err).toBe('');
    expect((await a('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
    const d = await get(app);
    expect(d.status).toBe('RESOLVED');
    const letter = d.letters.find((l) => l.decisionSeq === 1)!;
    expect(letter.text).toMatch(/where you live/);
    expect((await a('ali-khan', { type: 'CORRECT', field: 'subjects', value: ['FUNDING', 'TRANSPORT_MEDICATION_ACCESS'], reason: 'It was about transport, not accommodation.', correctsSeq: 1 })).code).toBe(0);
    const sent = await a('ali-khan', { type: 'MARK_LETTER_SENT', seq: letter.seq });
    expect(sent).toMatchObject({ code: 1, err: expect.stringMatching(/record changed after it was drafted/) });
  });

  it('[R8.2] [R0.3] an escalation note drafted before a deadline was recomputed is not sent with the old date', async () => {
    const dataDir = path.join(dir, 'data');
    app = await testApp({ dataDir, clock: new FakeClock('2026-12-07T10:00:00Z') });
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    expect((await a('ali-khan', { type: 'ESCALATE', reason: 'The frontline staff could not settle the split.' })).code).toBe(0);
    const note = (await get(app)).letters.find((l) => l.decisionSeq === null)!;
    await app.close();
    // Restarted with a local closure day inside Stage 2: an administrator recomputes the deadline.
    app = await testApp({ dataDir, clock: new FakeClock('2026-12-08T10:00:00Z'), env: { LOCAL_CLOSURE_DAYS: '2026-12-10' } });
    expect((await act(app)('pat-lee', { type: 'RECOMPUTE_DEADLINE', reason: 'The council office closes on 10 December.' })).err).toBe('');
    const sent = await act(app)('ali-khan', { type: 'MARK_LETTER_SENT', seq: note.seq });
    expect(sent).toMatchObject({ code: 1, err: expect.stringMatching(/record changed after it was drafted/) });
  });

  it('[R6.3] [R3.2] a CHC adjustment names only organisations that are parties, so every payer confirms it', async () => {
    app = await testApp();
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    expect((await a('ali-khan', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' })).code).toBe(0);
    const r = await a('ali-khan', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-01', parties: ['anytown-trust'], amountOrShare: 'The trust refunds November.', personNotPenalised: true });
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/Anytown Mental Health NHS Trust is not a party/) });
  });

  it('[R7.2] [R7.4] [R3.1] a correction that makes the record say aftercare ended asks once; the answer, the alert and the flag stay', async () => {
    app = await testApp();
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    const fix = { type: 'CORRECT', field: 'currentCare', value: 'None: his Section 117 aftercare was discharged on 30 November.', reason: 'Updated care.', correctsSeq: 1 };
    const asked = await a('ali-khan', fix);
    expect(asked).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: This reads as ending aftercare — is that what you mean\?/) });
    expect(asked.err).toMatch(/move it to Stage 3/);
    expect((await get(app)).currentCare).toMatch(/^Supported accommodation/);
    // The professional says yes: the record says so, keeps the answer, and the senior officers hear at once (R3.1).
    expect((await a('ali-khan', { ...fix, wordingConfirmed: true })).err).toBe('');
    const d = await get(app);
    expect(d).toMatchObject({ stage: 1, status: 'OPEN', currentCare: fix.value });
    expect(d.flags.filter((f) => f.code === 'CONTINUITY_ALERT' && !f.resolvedAt)).toHaveLength(1);
    const corrected = (await app.service.history(d.id)).find((e) => e.type === 'CORRECTED')!;
    expect(corrected.data).toMatchObject({ field: 'currentCare', wordingQuery: 'ENDS' });
    // A description that proposes ending asks the same, once; a lawful hospital discharge does not ask.
    const desc = { type: 'CORRECT', field: 'description', value: 'The council wants to bring his s117 aftercare to an end.', reason: 'Clearer.', correctsSeq: 1 };
    expect((await a('ali-khan', desc)).err).toMatch(/^Refused: This reads as ending aftercare — is that what you mean\?/);
    const lawful = { ...desc, value: 'After discharge from hospital the ICB and council disagree on who funds the placement.' };
    expect((await a('ali-khan', lawful)).err).toBe('');
  });

  it('[R4.1] the reason for removing a value from the history is read too, and its flag stays', async () => {
    app = await testApp();
    await app.service.raise(as('ali-khan'), fundingDispute());
    const s117 = cli(app);
    const r = await s117('dispute', 'redact', REF, '--as', 'ali-khan', '--entry', '1', '--reason', 'Care was delayed until the funding panel meets, so the text is wrong.');
    expect(r.code).toBe(0);
    const d = await get(app);
    expect(d.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => f.detail))
      .toEqual([expect.stringMatching(/^The reason for removing a value from the history: /)]);
  });
});
