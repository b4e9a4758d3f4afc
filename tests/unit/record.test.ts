import type { Command } from '../../src/domain/commands.ts';
import type { Directory, Person } from '../../src/domain/types.ts';
import { GROUND_TEXT } from '../../src/domain/unlawful-grounds.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// Themes (R9.3) and corrections (R11.1): the record handlers, pinned to their exact refusals, events and effects.

const REFRESH = { kind: 'REFRESH_CARD', notBefore: '2026-12-07T10:00:00.000Z' };
const correct = (field: string, value: unknown, over: Partial<Record<'reason' | 'correctsSeq', unknown>> = {}) =>
  ({ type: 'CORRECT', field, value, reason: 'Typed in wrongly.', correctsSeq: 1, ...over }) as unknown as Command;

/** The directory with one more person of the ICB holding only the given roles. */
const withPerson = (id: string, roles: Person['roles']): Directory => {
  const pat = directory.people.find((p) => p.id === 'pat-lee')!;
  return { ...directory, people: [...directory.people, { ...pat, id, name: `Person ${id}`, roles }] };
};

describe('[R9.3] tagging themes', () => {
  let s: Scenario;
  beforeEach(() => {
    s = new Scenario();
    s.raise();
  });

  it('[R9.3] refuses anyone who is neither a participant nor a governance lead (or admin), exactly', () => {
    expect(refusal(() => s.run('oli-shaw', { type: 'ADD_THEME', theme: 'x', areas: ['QUALITY_IMPROVEMENT'] })))
      .toEqual({ code: 'NOT_A_PARTICIPANT', message: 'Only participants and governance leads can tag themes.' });
    expect(s.dispute.themes).toEqual([]);
  });

  it('[R9.3] lets a governance lead who is not an admin, and an admin who is not a governance lead, tag themes', () => {
    s.runWith(withPerson('gov-only', ['GOVERNANCE_LEAD']), 'gov-only', { type: 'ADD_THEME', theme: 'Training', areas: ['QUALITY_IMPROVEMENT'] });
    s.runWith(withPerson('admin-only', ['ADMIN']), 'admin-only', { type: 'ADD_THEME', theme: 'Policy', areas: ['QUALITY_IMPROVEMENT'] });
    expect(s.dispute.themes.map((t) => [t.theme, t.addedBy])).toEqual([['training', 'gov-only'], ['policy', 'admin-only']]);
    expect(refusal(() => s.runWith(withPerson('lead-only', ['TEAM_MANAGER']), 'lead-only', { type: 'ADD_THEME', theme: 'x', areas: ['QUALITY_IMPROVEMENT'] })))
      .toMatchObject({ code: 'NOT_A_PARTICIPANT' });
  });

  it('[R9.3] requires a theme, and keeps it lower-case, single-spaced and at most 80 characters', () => {
    expect(refusal(() => s.run('ali-khan', { type: 'ADD_THEME', theme: '   ', areas: ['QUALITY_IMPROVEMENT'] })))
      .toEqual({ code: 'FIELD_REQUIRED', message: 'A theme is required: fill in "theme".', field: 'theme' });
    s.run('ali-khan', { type: 'ADD_THEME', theme: `Long ${'Ab '.repeat(40)}`, areas: ['QUALITY_IMPROVEMENT'] });
    expect(s.dispute.themes[0]!.theme).toBe(`long ${'ab '.repeat(25)}`);
    expect(s.dispute.themes[0]!.theme).toHaveLength(80);
  });

  it('[R9.3] records a new theme with who, when and its learning areas (each once); a new theme needs one from the list', () => {
    s.run('ali-khan', { type: 'ADD_THEME', theme: 'Housing', areas: ['COMMISSIONING', 'COMMISSIONING'] });
    expect(s.last.events).toEqual([{ type: 'THEME_ADDED', data: { theme: 'housing', areas: ['COMMISSIONING'] } }]);
    const needsArea = {
      code: 'THEME_NEEDS_AREA', field: 'areas',
      message: 'Choose at least one learning area for "transport" ("areas"): Workforce training, Policy revision, Commissioning decisions, Quality improvement '
        + '(WORKFORCE_TRAINING, POLICY_REVISION, COMMISSIONING, QUALITY_IMPROVEMENT).',
    };
    expect(refusal(() => s.run('ali-khan', { type: 'ADD_THEME', theme: 'Transport' }))).toEqual(needsArea);
    expect(refusal(() => s.run('ali-khan', { type: 'ADD_THEME', theme: 'Transport', areas: [] }))).toEqual(needsArea);
    expect(refusal(() => s.run('ali-khan', { type: 'ADD_THEME', theme: 'Transport', areas: ['FUN' as never] }))).toEqual(needsArea);
    expect(s.dispute.themes).toEqual([
      { theme: 'housing', addedBy: 'ali-khan', at: '2026-12-07T10:00:00.000Z', areas: ['COMMISSIONING'] },
    ]);
  });

  it('[R9.3] files an existing theme under further learning areas, and only says so when there is nothing new', () => {
    s.run('ali-khan', { type: 'ADD_THEME', theme: 'Housing', areas: ['WORKFORCE_TRAINING'] });
    const v = s.dispute.version;
    s.run('gus-hart', { type: 'ADD_THEME', theme: 'housing', areas: ['WORKFORCE_TRAINING', 'POLICY_REVISION'] });
    expect(s.last.events).toEqual([{ type: 'THEME_FILED', data: { theme: 'housing', areas: ['WORKFORCE_TRAINING', 'POLICY_REVISION'] } }]);
    expect(s.last.notice).toBeNull();
    expect(s.dispute.themes).toEqual([
      { theme: 'housing', addedBy: 'ali-khan', at: '2026-12-07T10:00:00.000Z', areas: ['WORKFORCE_TRAINING', 'POLICY_REVISION'] },
    ]);
    s.run('gus-hart', { type: 'ADD_THEME', theme: 'HOUSING', areas: ['POLICY_REVISION'] });
    expect(s.last).toMatchObject({ events: [], effects: [], notice: '"housing" is already tagged.' });
    s.run('gus-hart', { type: 'ADD_THEME', theme: 'housing' });
    expect(s.last).toMatchObject({ events: [], notice: '"housing" is already tagged.' });
    expect(s.dispute.themes).toHaveLength(1);
    expect(s.dispute.version).toBe(v + 1);
  });
});

describe('[R11.1] corrections', () => {
  let s: Scenario;
  beforeEach(() => {
    s = new Scenario();
    s.raise();
  });

  it('[R11.1] refuses a correction from a non-participant, without a reason, or of a field that cannot be corrected', () => {
    expect(refusal(() => s.run('oli-shaw', correct('cohort', 'ADULT')))).toEqual({
      code: 'NOT_A_PARTICIPANT',
      message: 'Only the participants of S117-2026-0001 can correct the record. You are not one of them; ask a participant or your manager.',
    });
    expect(refusal(() => s.run('ali-khan', correct('cohort', 'ADULT', { reason: ' ' }))))
      .toEqual({ code: 'FIELD_REQUIRED', message: 'A reason for the correction is required: fill in "reason".', field: 'reason' });
    expect(refusal(() => s.run('ali-khan', correct('stage', 3)))).toEqual({
      code: 'INVALID_VALUE',
      message: '"stage" cannot be corrected; choose one of subjects, parties, cohort, setting, localCaseRef, nhsNumber, description, currentCare.',
      field: 'field',
    });
    expect(s.dispute.stage).toBe(1);
  });

  it('[R11.1] refuses a correction that points at no entry of the history', () => {
    const noEntry = (seq: unknown) => ({
      code: 'NO_SUCH_ENTRY',
      message: `There is no history entry ${String(seq)} on S117-2026-0001: point the correction at an entry of its history.`,
      field: 'correctsSeq',
    });
    for (const seq of [0, -1, 1.5]) expect(refusal(() => s.run('ali-khan', correct('cohort', 'ADULT', { correctsSeq: seq })))).toEqual(noEntry(seq));
    const run = (seq: number) => s.runWith(directory, 'ali-khan', correct('setting', 'HOSPITAL', { correctsSeq: seq }), undefined, 4);
    expect(refusal(() => run(5))).toEqual(noEntry(5));
    run(4);
    expect(s.last.events).toEqual([
      { type: 'CORRECTED', data: { field: 'setting', before: 'COMMUNITY', after: 'HOSPITAL', reason: 'Typed in wrongly.' }, correctsSeq: 4 },
    ]);
  });

  it('[R11.1] corrects each text field, and refuses an empty or non-text value', () => {
    for (const field of ['localCaseRef', 'description', 'currentCare'] as const) {
      s.run('ali-khan', correct(field, `  New ${field}  `));
      expect(s.dispute[field]).toBe(`New ${field}`);
      expect(s.last.effects).toEqual([REFRESH]);
    }
    const empty = { code: 'FIELD_REQUIRED', message: 'The corrected text is required: fill in "value".', field: 'value' };
    expect(refusal(() => s.run('ali-khan', correct('description', 42)))).toEqual(empty);
    expect(refusal(() => s.run('ali-khan', correct('localCaseRef', '')))).toEqual(empty);
  });

  it('[R11.1] corrects or removes the NHS number, refusing one that is not valid', () => {
    s.run('ali-khan', correct('nhsNumber', '401 023 2137'));
    expect(s.last.events).toEqual([
      // R11.2: the history holds only what every screen shows of an NHS number; the register holds it encrypted.
      { type: 'CORRECTED', data: { field: 'nhsNumber', before: 'NHS number ending 919', after: 'NHS number ending 137', reason: 'Typed in wrongly.' }, correctsSeq: 1 },
    ]);
    const bad = { code: 'INVALID_VALUE', message: '"nhsNumber" must be a valid 10-digit NHS number (or empty to remove it).', field: 'value' };
    expect(refusal(() => s.run('ali-khan', correct('nhsNumber', '401 023 2138')))).toEqual(bad);
    expect(refusal(() => s.run('ali-khan', correct('nhsNumber', 4010232137)))).toEqual(bad);
    expect(s.dispute.nhsNumber).toBe('4010232137');
    s.run('ali-khan', correct('nhsNumber', '   '));
    expect(s.dispute.nhsNumber).toBeNull();
    s.run('ali-khan', correct('nhsNumber', '9434765919'));
    s.run('ali-khan', correct('nhsNumber', null));
    expect(s.dispute.nhsNumber).toBeNull();
  });

  it('[R11.1] refuses a cohort, setting or subjects outside the lists, naming them', () => {
    expect(refusal(() => s.run('ali-khan', correct('cohort', 'ELDERLY'))))
      .toEqual({ code: 'INVALID_VALUE', message: '"cohort" must be one of ADULT, CHILD_YOUNG_PERSON.', field: 'value' });
    expect(refusal(() => s.run('ali-khan', correct('setting', 'HOME'))))
      .toEqual({ code: 'INVALID_VALUE', message: '"setting" must be one of COMMUNITY, HOSPITAL, PRISON, OTHER_SECURE.', field: 'value' });
    const subjects = {
      code: 'INVALID_VALUE',
      message: '"subjects" must be one or more of ELIGIBILITY, SCOPE, FUNDING, ACCOMMODATION, TRANSPORT_MEDICATION_ACCESS, CHC_INTERFACE, '
        + 'CARE_ACT_INTERFACE, CHILDRENS_SERVICES_INTERFACE, ORDINARY_RESIDENCE, REDUCING_AFTERCARE, ENDING_AFTERCARE.',
      field: 'value',
    };
    for (const v of [[], 'FUNDING', ['FUNDING', 'HOUSING']]) expect(refusal(() => s.run('ali-khan', correct('subjects', v)))).toEqual(subjects);
    expect(s.dispute.subjects).toEqual(['FUNDING', 'ACCOMMODATION']);
    s.run('ali-khan', correct('subjects', ['SCOPE', 'SCOPE', 'FUNDING']));
    expect(s.dispute.subjects).toEqual(['SCOPE', 'FUNDING']);
    s.run('ali-khan', correct('cohort', 'CHILD_YOUNG_PERSON'));
    expect(s.dispute.cohort).toBe('CHILD_YOUNG_PERSON');
  });

  it('[R11.1][R2.5] corrects the parties\' roles only: a changed set of organisations or an unknown role is refused', () => {
    const useAddOrWithdraw = {
      code: 'USE_ADD_OR_WITHDRAW_PARTY',
      message: 'To add or remove an organisation, use "add a party" or "withdraw a party"; a correction changes the parties\' roles only.',
      field: 'value',
    };
    const council = { organisationId: 'anytown-council', role: 'RESPONDING' };
    const icb = { organisationId: 'anytown-icb', role: 'RAISING' };
    const trust = { organisationId: 'anytown-trust', role: 'INTERESTED' };
    for (const v of ['x', [council], [council, trust], [council, icb, trust]]) {
      expect(refusal(() => s.run('ali-khan', correct('parties', v)))).toEqual(useAddOrWithdraw);
    }
    expect(refusal(() => s.run('ali-khan', correct('parties', [council, { ...icb, role: 'JUDGE' }])))).toEqual({
      code: 'INVALID_VALUE',
      message: '"parties" must be a list of parties, each with a role from RAISING, RESPONDING, INTERESTED.',
      field: 'value',
    });
    const before = s.dispute.parties;
    expect(before.map((p) => p.role)).toEqual(['RAISING', 'RESPONDING']);
    s.run('ali-khan', correct('parties', [icb, council]));
    expect(s.dispute.parties).toEqual([{ ...before[0], role: 'RESPONDING' }, { ...before[1], role: 'RAISING' }]);
    expect(s.last.events).toEqual([
      { type: 'CORRECTED', data: { field: 'parties', before, after: s.dispute.parties, reason: 'Typed in wrongly.' }, correctsSeq: 1 },
    ]);
  });

  it('[R11.1][R4.1] flags an unlawful ground cited in a corrected text or in the reason, as "The correction"', () => {
    s.run('ali-khan', correct('currentCare', 'Reduced due to the restructure of the community teams.'));
    expect(s.dispute.flags.map((f) => [f.code, f.ground, f.detail])).toEqual([
      ['UNLAWFUL_GROUND', 'RESTRUCTURING', `The correction: ${GROUND_TEXT.RESTRUCTURING}`],
    ]);
    expect(s.last.events.map((e) => e.type)).toEqual(['CORRECTED', 'FLAG_RAISED']);
    const t = new Scenario();
    t.raise();
    t.run('ali-khan', correct('cohort', 'CHILD_YOUNG_PERSON', { reason: 'Pending continuing healthcare assessment.' }));
    expect(t.dispute.flags.map((f) => [f.ground, f.detail])).toEqual([['CHC_UNDETERMINED', `The correction: ${GROUND_TEXT.CHC_UNDETERMINED}`]]);
  });
});
