import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dispute } from '../../src/domain/types.ts';
import { assessedJointly, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { act, as, atStage3, cli, directoryWithOthertown, ordinaryResidence, REF, writtenDecision } from '../helpers/gates.ts';

// The audit's findings about endings and unlawful grounds (issue 23), as the professionals met them: through the
// `s117` command, against the real database. Wording never ends aftercare and never blocks; the record's choices do.

const grounds = (d: Dispute) => d.flags.filter((f) => f.code === 'UNLAWFUL_GROUND').map((f) => f.detail);
const get = async (app: TestApp) => (await app.service.get({ reference: REF }))!;

describe('ending aftercare below Stage 3', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    await app.service.raise(as('ali-khan'), fundingDispute());
  });
  afterAll(async () => { await app.close(); });

  // Seven ordinary ways of saying "end aftercare", written for this test (not the prompt's patterns).
  const endings = [
    'The duty under section 117 has now been discharged.',
    'His aftercare can now come to an end.',
    'We will close the Section 117 case from Friday.',
    'She no longer needs aftercare and it will stop.',
    's117 entitlement removed.',
    'Aftercare to cease at the end of the month.',
    'Discharge him from s117.',
  ];

  it.each(endings)('[R7.1] [R7.2] [R7.4] at Stage 1 "%s" cannot end aftercare: ending is refused, and the words alone ask once', async (words) => {
    const a = act(app);
    const input = { ...stage2Decision, outcome: 'AGREEMENT' as const, summary: words };
    const ends = await a('ali-khan', { type: 'PROPOSE_DECISION', input: { ...input, effect: 'ENDS' } });
    expect(ends).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: Ending Section 117 aftercare can only be decided at Stage 3/) });
    const asked = await a('ali-khan', { type: 'PROPOSE_DECISION', input });
    expect(asked).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: This reads as ending aftercare — is that what you mean\?/) });
    const d = await get(app);
    expect(d).toMatchObject({ status: 'OPEN', stage: 1, decisions: [] });
  });
});

describe('unlawful grounds in every free text', () => {
  let app: TestApp;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-endings-'));
    app = await testApp({ env: { DIRECTORY_FILE: directoryWithOthertown(dir) } });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R7.3] [R4.1] an ending whose only basis is a contract ending, written in the joint assessment, is flagged there', async () => {
    await atStage3(app);
    const proposed = await act(app)('eve-ford', {
      type: 'PROPOSE_DECISION',
      input: writtenDecision({
        outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', summary: 'Section 117 aftercare ends on 31 March.',
        jointAssessment: 'The provider contract ends on 31 March, so his aftercare ends then.', ...assessedJointly(),
      }),
    });
    // A prompt, never a block: the proposal stands and waits for the confirmers, who see the flag.
    expect(proposed).toMatchObject({ code: 0, err: "" });
    const d = await get(app);
    expect(d.decisions[0]).toMatchObject({ effect: 'ENDS', status: 'PROPOSED' });
    expect(grounds(d)).toEqual(['Decision 1 (joint assessment): organisational restructuring or commissioning changes']);
  });

  it('[R4.1] interim funding is read; escalating with "no agreement" and the audit\'s lawful sentences are not flagged', async () => {
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    expect((await a('ali-khan', {
      type: 'PROPOSE_DECISION',
      input: { ...stage2Decision, outcome: 'AGREEMENT', summary: 'The budget holders meet on Tuesday to agree the invoices; care continues.' },
    })).code).toBe(0);
    expect(grounds(await get(app))).toEqual([]);
    expect((await a('ali-khan', { type: 'WITHDRAW_DECISION', seq: 1, reason: 'CHC decision is awaited; aftercare continues.' })).code).toBe(0);
    expect((await a('ali-khan', { type: 'ESCALATE', reason: 'Not resolved: no agreement.' })).code).toBe(0);
    expect(grounds(await get(app))).toEqual([]);
    expect((await a('cal-reid', {
      type: 'PROPOSE_DECISION',
      input: { ...stage2Decision, interimFunding: 'The council will not fund the placement this financial year.' },
    })).code).toBe(0);
    expect(grounds(await get(app))).toEqual(['Decision 2 (interim funding): budget constraints or financial pressures']);
  });

  it('[R4.1] party reasons, an external escalation note and a CHC adjustment are read too, and never blocked', async () => {
    const a = act(app);
    await app.service.raise(as('ali-khan'), ordinaryResidence());
    expect((await a('ali-khan', {
      type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED',
      reason: 'The trust joins because the placement must wait for its budget next financial year.',
    })).code).toBe(0);
    expect((await a('ali-khan', {
      type: 'WITHDRAW_PARTY', organisationId: 'othertown-council',
      reason: 'Withdrawing: the new commissioning arrangements mean we no longer commission this service.',
    })).code).toBe(0);
    expect((await a('ali-khan', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-02', decisionDate: '2026-12-01' })).code).toBe(0);
    expect((await a('ali-khan', {
      type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-01', parties: ['anytown-icb', 'anytown-council'], personNotPenalised: true,
      amountOrShare: 'ICB share reduced because of the overspend.',
    })).code).toBe(0);
    const d = await get(app);
    expect(grounds(d)).toEqual([
      'The reason for adding Anytown Mental Health NHS Trust: budget constraints or financial pressures',
      'Anytown Council\'s reason for withdrawing Othertown Council: organisational restructuring or commissioning changes',
      'CHC funding adjustment 1 (the amount or share): budget constraints or financial pressures',
    ]);
    // Lawful reasons leave no flag.
    expect((await a('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'othertown-council', reason: 'Othertown was added in error.' })).code).toBe(0);
    expect(grounds(await get(app))).toHaveLength(3);
  });

  it('[R4.1] the note on an external escalation is read', async () => {
    const a = act(app);
    await atStage3(app);
    app.clock.set('2027-02-01T10:00:00Z');
    expect((await cli(app)('tick')).code).toBe(0);
    const routed = await a('eve-ford', {
      type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND',
      note: 'Referred to NHS England because the ICB will not pay until its restructure is complete.',
    });
    expect(routed.code).toBe(0);
    const d = await get(app);
    expect(d.stage).toBe(4);
    // The note is read and flagged. Which grounds are named is the ground model's guess: "will not pay until its
    // restructure is complete" leans on both, and since round 5 the money ground scores just under the
    // restructure (0.23 / 0.24), so only the one a pattern also names is certain.
    expect(grounds(d)).toContain(
      'The note on the escalation to NHS England (ICB-related disputes): organisational restructuring or commissioning changes',
    );
  });
});

describe('the audit\'s unseen sentences, as a dispute is raised', () => {
  let app: TestApp;
  beforeAll(async () => { app = await testApp(); });
  afterAll(async () => { await app.close(); });
  const raisedWith = async (description: string) => grounds((await app.service.raise(as('ali-khan'), fundingDispute({ description }))).dispute);

  it('[R4.1] flags "this financial year", "a nursing task so health should pay" and "mid-merger", and not the audit\'s lawful sentences', async () => {
    expect(await raisedWith('The extra hours cannot be funded this financial year.')).toEqual(['The dispute as raised: budget constraints or financial pressures']);
    expect(await raisedWith('It\'s a nursing task so health should pay.'))
      .toEqual(['The dispute as raised: disagreement about whether a service is "health" or "social care"']);
    expect(await raisedWith('Nothing can be agreed mid-merger.')).toEqual(['The dispute as raised: organisational restructuring or commissioning changes']);
    expect(await raisedWith('The service was recommissioned with the same provider and the same hours.')).toEqual([]);
    expect(await raisedWith('CHC decision is awaited; aftercare continues.')).toEqual([]);
  });

  // Missed until round 4 (kept as an `it.failing`); the round-5 model catches both, so the test now holds them.
  it('[R4.1] once missed: "within the allocation" and a bare "New commissioning arrangements."', async () => {
    expect(await raisedWith('The package has to stay within the allocation.')).toHaveLength(1);
    expect(await raisedWith('New commissioning arrangements.')).toHaveLength(1);
  });
});
