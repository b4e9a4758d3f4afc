import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { referralPackOf } from '../../src/app/referral-pack.ts';
import type { ProposeDecisionInput } from '../../src/domain/commands.ts';
import { assessedJointly, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { act, as, cli, REF } from '../helpers/gates.ts';

// R7.1 as the senior officers meet it on the command line, against both databases: an ending's joint assessment is
// its recorded facts (when, every party organisation, the person), not any text. "n/a" used to pass.

/** An ending proposed at Stage 3 (the dispute about ending starts there, R7.2), with its joint assessment as given. */
const ending = (over: Partial<ProposeDecisionInput> & Record<string, unknown> = {}) => ({
  type: 'PROPOSE_DECISION',
  input: {
    ...stage2Decision, outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', effectiveFrom: '2027-03-01',
    summary: 'Section 117 aftercare ends on 1 March 2027: the joint review found the needs it met are met.',
    funding: 'No Section 117 funding after 1 March 2027.', commissioning: 'The placement closes with a crisis plan in place.',
    jointAssessment: 'He has lived independently for two years without a crisis; work and his tenancy meet the needs the placement met.',
    ...assessedJointly(), ...over,
  },
});

describe.each(DATABASES)('R7.1 the joint assessment of an ending, on the command line (%s)', (_name, setup) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    app = await testApp(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {});
    await app.service.raise(as('ali-khan'), fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });
  const get = async () => (await app.service.get({ reference: REF }))!;

  it('R7.1 "n/a" as the joint assessment is refused, naming every missing fact and how to give it', async () => {
    const r = await act(app)('eve-ford', ending({ jointAssessment: 'n/a', jointAssessedOn: null, jointAssessmentOrganisations: [], personInvolved: null }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Refused: Say when the joint assessment was carried out \("jointAssessedOn"\), as a date like 2026-04-01/);
    expect(r.err).toMatch(/^Also: .*choose each one that did \("jointAssessmentOrganisations"\)\. Not chosen: Anytown Council, NHS Anytown ICB\./m);
    expect(r.err).toMatch(/^Also: Say whether the person, or their representative, was involved in the joint assessment \("personInvolved": yes or no\)\.$/m);
    expect(r.err).toMatch(/^Also: "n\/a" does not describe an assessment\. Say what the joint assessment found \("jointAssessment"\)/m);
    const d = await get();
    expect(d.decisions).toEqual([]);
    // A refusal, not the "attempted without an assessment" flag: something was given, and each gap is named.
    expect(d.flags).toEqual([]);
  });

  it('R7.1 an assessment naming only one organisation is refused: every party organisation takes part', async () => {
    const r = await act(app)('eve-ford', ending({ jointAssessmentOrganisations: ['anytown-council'] }));
    expect(r).toMatchObject({ code: 1 });
    expect(r.err).toBe('Refused: Anytown Council alone is not a joint assessment. Every party organisation takes part in the joint assessment '
      + 'of an ending (protocol section 7): choose each one that did ("jointAssessmentOrganisations"). Not chosen: NHS Anytown ICB. '
      + 'If one did not take part, assess again with it before proposing the ending.\n');
    const stranger = await act(app)('eve-ford', ending({ jointAssessmentOrganisations: ['anytown-council', 'anytown-icb', 'anytown-trust'] }));
    expect(stranger.err).toMatch(/^Refused: Anytown Mental Health NHS Trust is not a party to S117-2026-0001, so it cannot be named as taking part/);
    expect((await get()).decisions).toEqual([]);
  });

  it('R7.1 a joint assessment dated in the future, or before the dispute was raised, is refused', async () => {
    const future = await act(app)('eve-ford', ending({ jointAssessedOn: '2026-12-08' }));
    expect(future.err).toBe('Refused: The joint assessment date 2026-12-08 is in the future ("jointAssessedOn"). '
      + 'Propose the ending once the assessment has been carried out, with the date it was (today is 2026-12-07).\n');
    const before = await act(app)('eve-ford', ending({ jointAssessedOn: '2026-12-06' }));
    expect(before.err).toMatch(/^Refused: The joint assessment date 2026-12-06 is before S117-2026-0001 was raised on 2026-12-07 \("jointAssessedOn"\)/);
    const unreal = await act(app)('eve-ford', ending({ jointAssessedOn: '2026-02-30' }));
    expect(unreal.err).toMatch(/input\.jointAssessedOn: .*February 2026 has 28 days/);
    expect((await get()).decisions).toEqual([]);
  });

  it('R7.1 the person not involved, without a reason, is refused; with one it is kept', async () => {
    const r = await act(app)('eve-ford', ending({ personInvolved: false }));
    expect(r.err).toBe('Refused: The person was not involved in the joint assessment: say why ("personNotInvolvedReason"), '
      + 'for example that they declined and their advocate took part instead.\n');
    expect((await get()).decisions).toEqual([]);
    const kept = await act(app)('eve-ford', ending({ personInvolved: false, personNotInvolvedReason: 'He declined to attend; his advocate took part for him.' }));
    expect(kept.code).toBe(0);
    expect((await get()).decisions[0]!.assessment).toEqual({
      form: 'STRUCTURED', carriedOutOn: '2026-12-07', organisations: ['anytown-council', 'anytown-icb'], personInvolved: false,
      personNotInvolvedReason: 'He declined to attend; his advocate took part for him.',
    });
  });

  it('R7.1 a complete joint assessment goes through, every party confirms at senior level, and its facts are on every record', async () => {
    const a = act(app);
    expect(await a('eve-ford', ending())).toMatchObject({ code: 0, err: '' });
    const shown = await cli(app)('dispute', 'show', REF);
    expect(shown.out).toContain('Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.');
    expect(shown.out).toContain('The person or their representative involved: yes.');
    // The confirmers see the facts in the proposal posted to the case space.
    const outbox = await app.db.prisma.outbox.findMany({ where: { kind: 'POST' } });
    expect(JSON.stringify(outbox.map((o) => o.payload))).toContain('Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.');
    // Senior level only (R5.9): the operational lead cannot confirm an ending for the council.
    expect((await a('cal-reid', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(1);
    expect((await a('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
    const d = await get();
    expect(d.decisions[0]).toMatchObject({
      status: 'CONFIRMED', outcome: 'END_AFTERCARE',
      assessment: { form: 'STRUCTURED', carriedOutOn: '2026-12-07', organisations: ['anytown-council', 'anytown-icb'], personInvolved: true },
    });
    expect(d.confirmations.map((c) => c.personId)).toEqual(['eve-ford', 'jon-park']);
    // The history seals the facts: the register still verifies.
    const verify = await cli(app)('register', 'verify');
    expect(verify).toMatchObject({ code: 0 });
    const pack = await referralPackOf(app.service, d);
    expect(pack.decisions[0]!.jointAssessment).toEqual([
      'Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.',
      'The person or their representative involved: yes.',
      'What it found: He has lived independently for two years without a crisis; work and his tenancy meet the needs the placement met.',
    ]);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 's117-joint-'));
    try {
      expect((await cli(app)('subject', 'export', 'AC-104233', '--as', 'pat-lee', '--out', out)).code).toBe(0);
      const html = fs.readFileSync(path.join(out, 'subject-access.html'), 'utf8');
      expect(html).toContain('Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB. The person or their representative involved: yes.');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('R7.1 an organisation that became a party after the assessment date cannot be named as taking part in it', async () => {
    const a = act(app);
    app.clock.set('2026-12-09T10:00:00Z');
    expect((await a('eve-ford', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care.' })).code).toBe(0);
    const all = ['anytown-council', 'anytown-icb', 'anytown-trust'];
    const early = await a('eve-ford', ending({ jointAssessedOn: '2026-12-07', jointAssessmentOrganisations: all }));
    expect(early.err).toBe('Refused: Anytown Mental Health NHS Trust became a party to S117-2026-0001 on 2026-12-09, after the joint '
      + 'assessment date 2026-12-07 ("jointAssessedOn"). Every party organisation takes part in the assessment of an ending: '
      + 'assess jointly again with it, and give that date (2026-12-09 or later).\n');
    expect((await get()).decisions).toEqual([]);
    expect((await a('eve-ford', ending({ jointAssessedOn: '2026-12-09', jointAssessmentOrganisations: all }))).code).toBe(0);
  });

  it('R7.1 a summary that only stands in for an assessment is refused however it is typed', async () => {
    for (const words of ['N / A', 'n/a.', 't.b.c.', 'Not assessed', 'not yet done', 'No assessment', '???', ' - ']) {
      const r = await act(app)('eve-ford', ending({ jointAssessment: words }));
      expect(r.err).toMatch(/does not describe an assessment\. Say what the joint assessment found \("jointAssessment"\)/);
    }
    expect((await get()).decisions).toEqual([]);
    expect((await act(app)('eve-ford', ending({ jointAssessment: 'None of the needs the placement met remain: he has lived alone for two years.' }))).code).toBe(0);
  });

  it('R7.1 an ending proposed before the upgrade, on its words alone, cannot be confirmed: it is proposed again with the facts', async () => {
    const a = act(app);
    expect((await a('eve-ford', ending())).code).toBe(0);
    // As the migration leaves a proposal made before the structured form: its words, no facts.
    await app.db.prisma.decision.updateMany({ data: { jointAssessmentForm: 'TEXT_ONLY', jointAssessedOn: null, jointAssessmentOrgs: [], personInvolved: null } });
    const r = await a('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    expect(r.err).toMatch(/^Refused: Decision 1 was proposed before the joint assessment's facts were recorded with an ending/);
    expect((await get()).decisions[0]!.status).toBe('PROPOSED');
  });

  it('R7.1 a party added after the joint assessment cannot confirm the ending it took no part in', async () => {
    const a = act(app);
    expect((await a('eve-ford', ending())).code).toBe(0);
    expect((await a('eve-ford', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care.' })).code).toBe(0);
    expect((await a('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
    expect((await a('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
    const trust = await a('oli-shaw', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-trust' });
    expect(trust.err).toMatch(/did not take part in the joint assessment decision 1 rests on \(Anytown Council, NHS Anytown ICB\)/);
    expect((await get()).decisions[0]!.status).toBe('PROPOSED');
  });
});
