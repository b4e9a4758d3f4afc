import type { Dispute } from '../../src/domain/types.ts';
import { cardProblems } from '../helpers/adaptive-cards.ts';
import { until } from '../helpers/wait.ts';
import { contractBot, type ContractBot } from './setup.ts';

/**
 * R7.1 through each platform's real receiver (Bolt's HTTP receiver against the strict fake Slack Web API; botbuilder
 * against the fake Bot Connector): the decision form asks for the joint assessment's facts, each gap is refused on
 * its own field, and a complete assessment is proposed, shown to the confirmers and confirmed by both senior officers.
 */
describe('R7.1 the joint assessment of an ending, in chat', () => {
  let c: ContractBot;
  let n = 0;
  beforeAll(async () => { c = await contractBot(); }, 120_000);
  afterAll(async () => { await c?.stop(); });

  /** A dispute about ending aftercare: it starts at Stage 3 (R7.2), where the senior officers decide. */
  const raise = async (): Promise<Dispute> => (await c.bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, {
    subjects: ['ENDING_AFTERCARE'], cohort: 'ADULT', setting: 'COMMUNITY',
    parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
    localCaseRef: `JA-${++n}`, nhsNumber: null, namedProfessionals: [], description: 'The council proposes to end aftercare.',
    currentCare: 'Monthly review with the community team.', careContinues: true, endingProposal: true,
  })).dispute;
  const get = async (d: Dispute) => (await c.bot.app.service.get({ id: d.id }))!;
  const driver = (name: string) => c.drivers.find((x) => x.name === name)!;

  const ending = {
    outcome: 'WRITTEN_DECISION', effect: 'ENDS', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS'], effectiveFrom: '2027-03-01', endingReason: 'NEEDS_MET',
    summary: 'Section 117 aftercare ends on 1 March 2027.', basisNeed: 'No assessed need arising from the disorder remains.',
    basisTests: 'The statutory tests are no longer met.', basisRisk: 'Low, with a crisis plan.',
    funding: 'None after 1 March 2027.', commissioning: 'The community team closes the case with a crisis plan.',
    jointAssessment: 'Two years well and working; his tenancy and work meet the needs the support met.',
    jointAssessedOn: '2026-12-07', jointAssessmentOrganisations: ['anytown-council', 'anytown-icb'], personInvolved: 'yes', personNotInvolvedReason: '',
  };

  it.each(['Slack', 'Teams'])('R7.1 %s: the form asks for the facts; "n/a", one organisation, a future date and no reason are refused; a complete one is confirmed by both senior officers', async (name) => {
    const p = driver(name);
    const d = await raise();
    // The form: a date picker, the party organisations to choose, yes or no for the person, and why not.
    const form = await p.press('eve-ford', 'decide', { d: d.id });
    expect(form.accepted).toBe(true);
    for (const id of ['jointAssessedOn', 'jointAssessmentOrganisations', 'personInvolved', 'personNotInvolvedReason', 'jointAssessment']) {
      expect(form.text).toContain(name === 'Slack' ? `"block_id":"${id}"` : `"id":"${id}"`);
    }
    if (name === 'Slack') {
      const blocks = (JSON.parse(form.text) as { view?: { blocks: { block_id?: string; element?: { type: string } }[] } }[])[0]!.view!.blocks;
      const type = (id: string) => blocks.find((b) => b.block_id === id)?.element?.type;
      expect([type('jointAssessedOn'), type('jointAssessmentOrganisations'), type('personInvolved')]).toEqual(['datepicker', 'multi_static_select', 'radio_buttons']);
    }
    if (name === 'Teams') {
      expect(form.text).toMatch(/"type":"Input\.Date","id":"jointAssessedOn"/);
      expect(form.text).toMatch(/"type":"Input\.ChoiceSet","id":"jointAssessmentOrganisations"[^}]*"isMultiSelect":true/);
      expect(cardProblems((JSON.parse(form.text) as { value: unknown }).value)).toEqual([]);
    }

    const na = await p.submit('eve-ford', 'decision', {
      ...ending, jointAssessment: 'n/a', jointAssessedOn: '', jointAssessmentOrganisations: [], personInvolved: '',
    }, d.id);
    expect(na.accepted).toBe(false);
    for (const field of ['jointAssessedOn', 'jointAssessmentOrganisations', 'personInvolved', 'jointAssessment']) expect(na.text).toContain(`(\\"${field}`);
    if (name === 'Slack') {
      // Each refusal on its own block of the form, as Slack shows field errors.
      const errors = (JSON.parse(na.text) as { errors: Record<string, string> }).errors;
      expect(Object.keys(errors).sort()).toEqual(['jointAssessedOn', 'jointAssessment', 'jointAssessmentOrganisations', 'personInvolved']);
    }

    const one = await p.submit('eve-ford', 'decision', { ...ending, jointAssessmentOrganisations: ['anytown-council'] }, d.id);
    expect(one.accepted).toBe(false);
    expect(one.text).toMatch(/Anytown Council alone is not a joint assessment\. .*Not chosen: NHS Anytown ICB\./);

    const future = await p.submit('eve-ford', 'decision', { ...ending, jointAssessedOn: '2026-12-09' }, d.id);
    expect(future.accepted).toBe(false);
    expect(future.text).toMatch(/The joint assessment date 2026-12-09 is in the future/);

    const noReason = await p.submit('eve-ford', 'decision', { ...ending, personInvolved: 'no' }, d.id);
    expect(noReason.accepted).toBe(false);
    expect(noReason.text).toMatch(/The person was not involved in the joint assessment: say why/);
    expect((await get(d)).decisions).toEqual([]);

    const done = await p.submit('eve-ford', 'decision', ending, d.id);
    expect(done.accepted).toBe(true);
    expect((await get(d)).decisions[0]!.assessment).toEqual({
      form: 'STRUCTURED', carriedOutOn: '2026-12-07', organisations: ['anytown-council', 'anytown-icb'], personInvolved: true, personNotInvolvedReason: null,
    });
    // What the confirmers are shown, on the platform: the facts of the assessment with the proposal.
    const facts = 'Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.';
    if (name === 'Slack') {
      // The proposal posted to the case channel, with its confirm buttons.
      await until(() => c.slack.calls.find((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args).includes(facts)), 'the proposal in the case channel');
    } else {
      // Under Universal Actions the card returned replaces the form: the dispute card, with the decision waiting.
      expect(done.text).toContain(facts);
      expect(done.text).toContain('The person or their representative involved: yes.');
    }

    // Senior level: the ICB's operational lead cannot confirm an ending; both senior officers do.
    expect((await p.press('ivy-nash', 'confirm', { d: d.id, s: 1, o: 'anytown-icb' })).accepted).toBe(false);
    expect((await p.press('eve-ford', 'confirm', { d: d.id, s: 1, o: 'anytown-council' })).accepted).toBe(true);
    expect((await p.press('jon-park', 'confirm', { d: d.id, s: 1, o: 'anytown-icb' })).accepted).toBe(true);
    const after = await get(d);
    expect(after.decisions[0]!.status).toBe('CONFIRMED');
    expect(after.confirmations.map((x) => x.personId)).toEqual(['eve-ford', 'jon-park']);
  }, 240_000);
});
