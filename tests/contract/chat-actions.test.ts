import type { Dispute } from '../../src/domain/types.ts';
import { cardProblems } from '../helpers/adaptive-cards.ts';
import { contractBot, type ContractBot } from './setup.ts';

/**
 * The protocol's newer actions, pressed and submitted through each
 * platform's real receiver: the button opens its form, the form's
 * submission changes the register, and a Stage 1 ending is refused with
 * the one button that moves the dispute to Stage 3.
 */
describe('chat actions for parties, care, advocacy, corrections and Stage 3', () => {
  let c: ContractBot;
  let n = 0;
  beforeAll(async () => { c = await contractBot(); }, 120_000);
  afterAll(async () => { await c?.stop(); });

  const raise = async (careContinues = true): Promise<Dispute> => {
    const ali = { personId: 'ali-khan', platform: 'slack' as const };
    const d = (await c.bot.app.service.raise(ali, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: `ACT-${++n}`, nhsNumber: null, namedProfessionals: [], description: 'Who funds the placement.', currentCare: 'Supported living.',
      careContinues, endingProposal: false,
    })).dispute;
    // The buttons act on the register by dispute id; nothing here waits for the case space to be created.
    return d;
  };
  const get = async (d: Dispute) => (await c.bot.app.service.get({ id: d.id }))!;
  const driver = (name: string) => c.drivers.find((x) => x.name === name)!;

  it.each(['Slack', 'Teams', 'Loop'])('[R2.5] %s: a participant adds a party through its form, then withdraws it with a reason', async (name) => {
    const p = driver(name);
    const d = await raise();
    const opened = await p.press('ali-khan', 'add-party', { d: d.id });
    expect(opened.accepted).toBe(true);
    expect(opened.text).toMatch(/organisationId/);
    // The Teams form is a valid Adaptive Card (the forms are drawn from data, so one check covers their shape).
    if (name === 'Teams') expect(cardProblems((JSON.parse(opened.text) as { value: unknown }).value)).toEqual([]);
    // An organisation must be one from the list, by id.
    const forged = await p.submit('ali-khan', 'add-party', { organisationId: 'Anytown Mental Health NHS Trust', role: 'INTERESTED', reason: 'Provider.' }, d.id);
    expect(forged.accepted).toBe(false);
    const added = await p.submit('ali-khan', 'add-party', { organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The Trust provides the care.' }, d.id);
    expect(added.accepted).toBe(true);
    let now = await get(d);
    expect(now.parties.find((x) => x.organisationId === 'anytown-trust')).toMatchObject({ role: 'INTERESTED', addedReason: 'The Trust provides the care.', withdrawnAt: null });
    // A stranger to the dispute cannot open the form.
    expect((await p.press('lou-gray', 'withdraw-party', { d: d.id })).accepted).toBe(false);
    const withdrawn = await p.submit('ali-khan', 'withdraw-party', { organisationId: 'anytown-trust', reason: 'Not involved after all.' }, d.id);
    expect(withdrawn.accepted).toBe(true);
    // R2.5: another organisation goes only by a joint decision of the other parties: the ICB agrees too.
    expect((await get(d)).parties.find((x) => x.organisationId === 'anytown-trust')!.withdrawnAt).toBeNull();
    expect((await p.submit('ivy-nash', 'withdraw-party', { organisationId: 'anytown-trust', reason: 'Agreed.' }, d.id)).accepted).toBe(true);
    now = await get(d);
    expect(now.parties.find((x) => x.organisationId === 'anytown-trust')!.withdrawnReason).toBe('Not involved after all.');
  }, 240_000);

  it.each(['Slack', 'Teams', 'Loop'])('[R8.3] %s: after a Stage 1 agreement resolves the dispute, the person\'s steps can still be recorded in chat; "explained" only once decided', async (name) => {
    const p = driver(name);
    const d = await raise();
    const ali = { personId: 'ali-khan', platform: 'slack' as const };
    // Nothing decided yet: explaining the outcome is not offered (an explanation before the decision would not count).
    expect((await p.press('ali-khan', 'person', { d: d.id, k: 'EXPLAINED' })).accepted).toBe(false);
    await c.bot.app.service.act(ali, { id: d.id }, { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'The ICB funds 60%.', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    await c.bot.app.service.act(ali, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    await c.bot.app.service.act({ personId: 'ivy-nash', platform: 'slack' }, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect((await get(d)).status).toBe('RESOLVED');
    // Resolved, and still owed to the person: each step, and the letter's review, are recorded from chat.
    expect((await p.press('ali-khan', 'person', { d: d.id, k: 'REASSURED' })).accepted).toBe(true);
    expect((await p.press('ali-khan', 'person', { d: d.id, k: 'EXPLAINED' })).accepted).toBe(true);
    const after = await get(d);
    expect(after.personSteps.filter((x) => x.doneAt).map((x) => x.step).sort()).toEqual(['EXPLAINED', 'REASSURED']);
    const letter = after.letters.find((l) => l.decisionSeq === 1)!;
    expect((await p.press('ali-khan', 'letter', { d: d.id, n: letter.seq })).accepted).toBe(true);
    // Done is done: the step is no longer offered.
    expect((await p.press('ali-khan', 'person', { d: d.id, k: 'EXPLAINED' })).accepted).toBe(false);
  }, 240_000);

  it.each(['Slack', 'Teams'])('[R10.1] %s: recording care restored closes the continuity alert, and both stay in the history', async (name) => {
    const p = driver(name);
    const d = await raise();
    // No alert open: the action is not offered.
    expect((await p.press('ali-khan', 'care-restored', { d: d.id })).accepted).toBe(false);
    expect((await p.submit('ali-khan', 'care-change', { change: 'WITHDRAWN', detail: 'Placement ended on Friday.' }, d.id)).accepted).toBe(true);
    expect((await get(d)).flags.find((f) => f.code === 'CONTINUITY_ALERT')!.resolvedAt).toBeFalsy();
    expect((await p.press('gus-hart', 'care-restored', { d: d.id })).accepted).toBe(false);
    expect((await p.press('ali-khan', 'care-restored', { d: d.id })).accepted).toBe(true);
    const r = await p.submit('ali-khan', 'care-restored', { detail: 'Placement restored from Monday by the council.' }, d.id);
    expect(r.accepted).toBe(true);
    const alert = (await get(d)).flags.find((f) => f.code === 'CONTINUITY_ALERT')!;
    expect(alert.resolvedAt).toBeTruthy();
    expect(alert.resolution).toMatch(/Placement restored from Monday/);
    const events = (await c.bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id } })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['CARE_CHANGE_REPORTED', 'CARE_RESTORED']));
  }, 240_000);

  it.each(['Slack', 'Teams'])('[R8.1] [R11.1] %s: advocacy recorded as not appropriate, and a raised field corrected, through their forms', async (name) => {
    const p = driver(name);
    const d = await raise();
    expect((await p.submit('ali-khan', 'advocacy-na', { note: '' }, d.id)).accepted).toBe(false);
    expect((await p.submit('ali-khan', 'advocacy-na', { note: 'Has capacity and declined it.' }, d.id)).accepted).toBe(true);
    const step = (await get(d)).personSteps.find((s) => s.step === 'ADVOCACY_OFFERED')!;
    expect(step).toMatchObject({ doneBy: 'ali-khan', note: 'Not appropriate: Has capacity and declined it.' });
    expect((await p.submit('ali-khan', 'correct', { field: 'setting', value: 'Prison', reason: 'Typed wrongly at raising.' }, d.id)).accepted).toBe(true);
    expect((await get(d)).setting).toBe('PRISON');
    // A value outside the list is refused on its field and changes nothing.
    expect((await p.submit('ali-khan', 'correct', { field: 'cohort', value: 'Martian', reason: 'x' }, d.id)).accepted).toBe(false);
    expect((await get(d)).cohort).toBe('ADULT');
  }, 240_000);

  it.each(['Slack', 'Teams'])('[R7.4] %s: a Stage 1 agreement worded as ending asks once, beside a Move to Stage 3 button; pressing it moves the dispute', async (name) => {
    const p = driver(name);
    const d = await raise();
    const asked = await p.submit('ali-khan', 'decision', {
      outcome: 'AGREEMENT', effect: 'CONTINUES', basis: ['ASSESSED_NEED'],
      summary: 'We agree that Section 117 aftercare ends from 1 March.', basisNeed: 'Needs met.', basisTests: 'Tests no longer met.', basisRisk: 'Low.',
    }, d.id);
    expect(asked.accepted).toBe(false);
    expect(asked.text).toMatch(/This reads as ending aftercare — is that what you mean\?/);
    expect(asked.text).toMatch(/only be decided at Stage 3/);
    // The form stays, as typed, with the question to answer and exactly one button, which runs the move.
    expect(asked.text).toMatch(/wordingConfirmed/);
    expect(asked.text).toMatch(/We agree that Section 117 aftercare ends from 1 March/);
    expect(asked.text.match(/Move to Stage 3/g)?.length).toBe(1);
    expect(asked.text).toMatch(name === 'Slack' ? /s117:stage-3/ : /"verb":"stage-3"/);
    expect((await get(d)).stage).toBe(1);
    if (name === 'Teams') expect(cardProblems((JSON.parse(asked.text) as { value: unknown }).value)).toEqual([]);
    expect((await p.press('ali-khan', 'stage-3', { d: d.id })).accepted).toBe(true);
    const moved = await get(d);
    expect(moved.stage).toBe(3);
    expect(moved.decisions).toHaveLength(0);
    const events = (await c.bot.app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id, type: 'ESCALATED' } })).map((e) => e.data);
    expect(JSON.stringify(events)).toMatch(/ENDING_TO_STAGE_3/);
  }, 240_000);

  it.each(['Slack', 'Teams'])('[R7.1] %s: a Stage 1 decision worded "the duty under section 117 has now been discharged" cannot end aftercare', async (name) => {
    const p = driver(name);
    const d = await raise();
    const words = {
      outcome: 'AGREEMENT', effect: 'CONTINUES', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS'],
      summary: 'The duty under section 117 has now been discharged.', basisNeed: 'Needs met.', basisTests: 'Tests reviewed.', basisRisk: 'Low.',
    };
    // "Ends" is not on the Stage 1 form: a forged choice is refused on its field.
    const forged = await p.submit('ali-khan', 'decision', { ...words, effect: 'ENDS' }, d.id);
    expect(forged.accepted).toBe(false);
    expect(forged.text).toMatch(/Choose what the decision does to aftercare from the list/);
    expect((await p.submit('ali-khan', 'decision', words, d.id)).accepted).toBe(false);
    // Kept after the question: recorded as the choice says, with the question on the record.
    const kept = await p.submit('ali-khan', 'decision', { ...words, wordingConfirmed: name === 'Slack' ? ['yes'] : 'true' }, d.id);
    expect(kept.accepted).toBe(true);
    const ali = { personId: 'ali-khan', platform: 'slack' as const };
    await c.bot.app.service.act(ali, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    await c.bot.app.service.act({ personId: 'ivy-nash', platform: 'slack' }, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    const now = await get(d);
    expect(now.status).toBe('RESOLVED');
    expect(now.decisions).toEqual([expect.objectContaining({ stage: 1, outcome: 'AGREEMENT', effect: 'CONTINUES', wordingQuery: 'ENDS', basis: ['ASSESSED_NEED', 'STATUTORY_TESTS'] })]);
  }, 240_000);
});
