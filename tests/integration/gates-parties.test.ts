import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testApp, type TestApp } from '../helpers/app.ts';
import { act, as, cli, directoryWithOthertown, ordinaryResidence, REF } from '../helpers/gates.ts';

// R2.5 / R3.2: who may withdraw an organisation, and what a withdrawal may never do.

const othertownResponsible = {
  outcome: 'AGREEMENT' as const,
  effect: 'TRANSFERS' as const,
  basis: ['ASSESSED_NEED' as const, 'STATUTORY_TESTS' as const],
  payers: [{ organisationId: 'othertown-council', share: 'all of the aftercare' }],
  effectiveFrom: '2027-01-01',
  summary: 'Othertown Council is responsible for the aftercare from 1 January.',
  basisNeed: 'The assessed need for supported accommodation arises from the mental disorder.',
  basisTests: 'The person was ordinarily resident in Othertown immediately before detention.',
  basisRisk: 'A move of responsibility without a handover would risk deterioration.',
};

describe('withdrawing a party', () => {
  let app: TestApp;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-parties-'));
    app = await testApp({ env: { DIRECTORY_FILE: directoryWithOthertown(dir) } });
    await app.service.raise(as('ali-khan'), ordinaryResidence());
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R2.5] [R3.2] one participant cannot withdraw Othertown, and its withdrawal never makes "Othertown Council is responsible" take effect', async () => {
    const a = act(app);
    expect((await a('ali-khan', { type: 'PROPOSE_DECISION', input: othertownResponsible })).code).toBe(0);
    expect((await a('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);

    // Anytown alone cannot remove the one organisation that has not agreed.
    const alone = await a('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'othertown-council', reason: 'Othertown is not answering.' });
    expect(alone).toMatchObject({ code: 0, out: expect.stringMatching(/^ {2}Parties: Anytown Council \(raising the dispute\); NHS Anytown ICB \(responding\); Othertown Council \(responding\)$/m) });
    let d = (await app.service.get({ reference: REF }))!;
    expect(d.parties.find((p) => p.organisationId === 'othertown-council')!.withdrawnAt).toBeNull();
    expect(d.decisions[0]!.status).toBe('PROPOSED');

    // The ICB agrees too: a joint decision of the others, with the reason. Othertown goes; the decision does not hold.
    expect((await a('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'othertown-council', reason: 'Othertown has not replied in 4 weeks.' })).code).toBe(0);
    d = (await app.service.get({ reference: REF }))!;
    expect(d.parties.find((p) => p.organisationId === 'othertown-council')!.withdrawnAt).not.toBeNull();
    expect(d.decisions[0]).toMatchObject({ status: 'WITHDRAWN', effectiveAt: null });
    expect(d.status).toBe('OPEN');
    const shown = (await cli(app)('dispute', 'show', REF)).out;
    expect(shown).toMatch(/Othertown Council withdrawn as a party by joint decision of Anytown Council \(Ali Khan\), NHS Anytown ICB \(Gus Hart\)\. Reason: Othertown is not answering\./);
    expect(shown).toMatch(/Decision 1 lapsed without taking effect\. Reason: Othertown Council withdrew before confirming it/);
    expect(shown).not.toMatch(/DECISION_TOOK_EFFECT/);
  });

  it('[R2.5] an organisation withdraws itself only through its senior officer; a pending CHC adjustment it never confirmed lapses', async () => {
    const a = act(app);
    expect((await a('ali-khan', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-02', decisionDate: '2026-12-01' })).code).toBe(0);
    expect((await a('ali-khan', {
      type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-12-01', parties: ['anytown-icb', 'othertown-council'], amountOrShare: 'ICB pays 100% from 1 December',
      personNotPenalised: true,
    })).code).toBe(0);
    expect((await a('ali-khan', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('gus-hart', { type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);

    const lead = await a('ros-tate', { type: 'WITHDRAW_PARTY', organisationId: 'othertown-council', reason: 'Not ours.' });
    expect(lead).toMatchObject({ code: 1, err: "Refused: Only Othertown Council's senior officer can withdraw Othertown Council from S117-2026-0001. Ask them to do it.\n" });

    expect((await a('ola-ward', { type: 'WITHDRAW_PARTY', organisationId: 'othertown-council', reason: 'The person never lived in Othertown.' })).code).toBe(0);
    const d = (await app.service.get({ reference: REF }))!;
    expect(d.parties.find((p) => p.organisationId === 'othertown-council')!.withdrawnReason).toBe('The person never lived in Othertown.');
    expect(d.chcAdjustments[0]).toMatchObject({ confirmedAt: null, lapsedReason: 'Othertown Council withdrew before confirming it' });
    expect(app.service.view(d).allowedActions.map((x) => x.verb)).not.toContain('confirm-chc');
  });
});
