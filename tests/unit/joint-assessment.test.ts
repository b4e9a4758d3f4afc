import { decisionFormSpec, formCommand } from '../../src/app/interactions/forms.ts';
import { factsOf } from '../../src/app/fact-seals.ts';
import { removeTexts } from '../../src/app/record-removal.ts';
import { assessmentLines } from '../../src/domain/handlers/joint-assessment.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import type { Decision, Dispute } from '../../src/domain/types.ts';
import { formValues, formPage, webForm } from '../../src/web/action-forms.ts';
import { assessedJointly, fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { directory, Scenario } from '../helpers/domain.ts';

// R7.1: the joint assessment's facts on the web form (the NHS date pattern), in the sealed facts and the history's
// removable texts, and as readers see an ending recorded before the facts were asked for.

const person = (id: string) => directory.people.find((p) => p.id === id)!;
const org = (id: string) => directory.organisations.find((o) => o.id === id)!.name;

function endingProposed(over: Record<string, unknown> = {}): Dispute {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  s.run('eve-ford', {
    type: 'PROPOSE_DECISION',
    input: {
      ...stage2Decision, outcome: 'END_AFTERCARE', effect: 'ENDS', endingReason: 'NEEDS_MET', commissioning: 'The placement closes.',
      jointAssessment: 'Needs met by work and the tenancy.', ...assessedJointly(), ...over,
    },
  });
  return s.dispute;
}

describe('R7.1 the joint assessment on the web form', () => {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute({ subjects: ['ENDING_AFTERCARE'], endingProposal: true }));
  const d = s.dispute;
  const spec = decisionFormSpec(d, person('eve-ford'), DEFAULT_POLICY, directory);
  const form = webForm({ kind: 'form', form: 'decision', dispute: d, decision: spec });

  it('R7.1 asks for the date as day, month and year, the party organisations as checkboxes, and yes or no for the person', () => {
    expect(form.fields.find((f) => f.name === 'jointAssessedOn')!.kind).toBe('date');
    expect(form.fields.find((f) => f.name === 'jointAssessmentOrganisations')).toMatchObject({
      kind: 'checkboxes', options: [{ value: 'anytown-council', label: 'Anytown Council' }, { value: 'anytown-icb', label: 'NHS Anytown ICB' }],
    });
    expect(form.fields.find((f) => f.name === 'personInvolved')).toMatchObject({ kind: 'radios', options: [{ value: 'yes' }, { value: 'no' }] });
    const page = formPage(form, '/x', {}, {}, { jointAssessedOn: 'The joint assessment date 2026-12-09 is in the future ("jointAssessedOn").' }, '/back').value;
    expect(page).toContain('name="jointAssessedOn-day"');
    expect(page).toMatch(/class="error-summary"[\s\S]*<a href="#f-jointAssessedOn">The joint assessment date 2026-12-09 is in the future/);
  });

  it('R7.1 puts the posted facts together into the proposal the domain checks', () => {
    const posted = formValues(form, new URLSearchParams([
      ['outcome', 'WRITTEN_DECISION'], ['effect', 'ENDS'], ['basis', 'ASSESSED_NEED'], ['basis', 'STATUTORY_TESTS'],
      ['jointAssessedOn-day', '7'], ['jointAssessedOn-month', '12'], ['jointAssessedOn-year', '2026'],
      ['jointAssessmentOrganisations', 'anytown-council'], ['jointAssessmentOrganisations', 'anytown-icb'],
      ['personInvolved', 'no'], ['personNotInvolvedReason', 'He declined; his advocate attended.'], ['jointAssessment', 'Needs met.'],
    ]));
    expect(posted.errors).toEqual({});
    const r = formCommand('decision', posted.values, d, { viewer: person('eve-ford') }, directory);
    const input = (r.ok ? r.value : r.partial) as { type: string; input: Record<string, unknown> };
    expect(input.input).toMatchObject({
      outcome: 'END_AFTERCARE', jointAssessedOn: '2026-12-07', jointAssessmentOrganisations: ['anytown-council', 'anytown-icb'],
      personInvolved: false, personNotInvolvedReason: 'He declined; his advocate attended.', jointAssessment: 'Needs met.',
    });
  });
});

describe('R7.1 the joint assessment in the record', () => {
  it('R7.1 the facts are sealed with the decision; why the person was not involved is sealed as a digest and removable', () => {
    const d = endingProposed({ personInvolved: false, personNotInvolvedReason: 'He declined; his advocate attended.' });
    const sealed = factsOf(d)['decision:1']!;
    expect(sealed).toMatchObject({ jointAssessedOn: '2026-12-07', jointAssessmentOrganisations: ['anytown-council', 'anytown-icb'], personInvolved: false });
    expect(sealed.personNotInvolvedReason).toMatch(/^sha256:/);
    const removed = removeTexts(d.id, { personNotInvolvedReason: 'He declined.', assessment: { carriedOutOn: '2026-12-07' } }, null);
    expect(removed).toMatchObject({ removed: 1, data: { personNotInvolvedReason: { $removed: expect.stringMatching(/^sha256:/) }, assessment: { carriedOutOn: '2026-12-07' } } });
  });

  it('R7.1 an ending recorded before the facts were asked for seals nothing new, and says so where it is read', () => {
    const d = endingProposed();
    const dec = d.decisions[0]!;
    const old: Decision = { ...dec, jointAssessment: 'n/a', assessment: { form: 'TEXT_ONLY', carriedOutOn: null, organisations: [], personInvolved: null, personNotInvolvedReason: null } };
    const before: Decision = { ...old, assessment: null };
    // What the entries sealed before the migration still matches: the marker adds no sealed field.
    expect(factsOf({ ...d, decisions: [old] })['decision:1']).toEqual(factsOf({ ...d, decisions: [before] })['decision:1']);
    expect(assessmentLines(old, org)).toEqual([
      'Joint assessment (recorded before its date, organisations and the person\'s involvement were asked for): n/a',
    ]);
    expect(assessmentLines(dec, org)).toEqual([
      'Joint assessment carried out on 2026-12-07 by Anytown Council, NHS Anytown ICB.',
      'The person or their representative involved: yes.',
      'What it found: Needs met by work and the tenancy.',
    ]);
  });
});
