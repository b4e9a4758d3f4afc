import type { Bot } from '../../src/bot.ts';
import type { Dispute } from '../../src/domain/types.ts';
import type { PlatformDriver } from './drivers.ts';
import { contractBot, type ContractBot } from './setup.ts';

/**
 * Every card action × every kind of person, on every platform, through the
 * real receivers. Only a participant may act, and someone who may not see
 * the dispute learns nothing about it from the refusal.
 */
const ROLES: [string, string | null, boolean][] = [
  // label, person, may see the dispute
  ['stranger', null, false],
  ['other organisation', 'lou-gray', false],
  ['team manager (not a participant)', 'hal-moss', false],
  ['senior officer (not yet a participant)', 'jon-park', true],
  ['governance lead', 'pat-lee', true],
  ['participant', 'gus-hart', true],
];

type Row = { verb: string; payload: (d: Dispute) => Record<string, unknown>; participant: boolean };
const ACTIONS: Row[] = [
  { verb: 'decide', payload: (d) => ({ d: d.id }), participant: true },
  { verb: 'escalate', payload: (d) => ({ d: d.id }), participant: true },
  { verb: 'care-change', payload: (d) => ({ d: d.id }), participant: true },
  // Stage 1: external escalation is not open to anyone yet; there is no letter.
  { verb: 'external', payload: (d) => ({ d: d.id }), participant: false },
  { verb: 'letter', payload: (d) => ({ d: d.id, n: 1 }), participant: false },
  { verb: 'person', payload: (d) => ({ d: d.id, k: 'INFORMED' }), participant: true },
  { verb: 'tick', payload: (d) => ({ d: d.id, k: 'tests', s: 1, n: 1 }), participant: true },
  { verb: 'confirm', payload: (d) => ({ d: d.id, s: 1, o: 'anytown-icb' }), participant: true },
  { verb: 'add-party', payload: (d) => ({ d: d.id }), participant: true },
  // Only two parties: neither can withdraw (R2.4). No continuity alert is open; Stage 3 has not begun.
  { verb: 'withdraw-party', payload: (d) => ({ d: d.id }), participant: false },
  { verb: 'care-restored', payload: (d) => ({ d: d.id }), participant: false },
  { verb: 'cannot-resolve', payload: (d) => ({ d: d.id }), participant: false },
  { verb: 'advocacy-na', payload: (d) => ({ d: d.id }), participant: true },
  { verb: 'correct', payload: (d) => ({ d: d.id }), participant: true },
  // Last: it moves the dispute (R7.4), so every earlier row sees Stage 1.
  { verb: 'stage-3', payload: (d) => ({ d: d.id }), participant: true },
];

const CASE_DATA = [/S117-2026-\d+/, /AUTH-CASE-7/, /919\b/, /AUTHTABLE/, /Anytown/];

describe('authorisation table', () => {
  let c: ContractBot;
  let bot: Bot;
  let drivers: PlatformDriver[];

  beforeAll(async () => {
    c = await contractBot();
    bot = c.bot;
    drivers = c.drivers;
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const raise = async (): Promise<Dispute> => {
    const ali = { personId: 'ali-khan', platform: 'slack' as const };
    const d = (await bot.app.service.raise(ali, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'AUTH-CASE-7', nhsNumber: '9434765919', namedProfessionals: ['gus-hart'], description: 'AUTHTABLE description', currentCare: 'AUTHTABLE care',
      careContinues: true, endingProposal: false,
    })).dispute;
    await bot.app.service.act(ali, { id: d.id }, { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'AUTHTABLE summary', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    return (await bot.app.service.get({ id: d.id }))!;
  };

  it.each(['Slack', 'Teams', 'Loop'])('%s: every action × every role — 0 wrong acceptances, and no case data to those who may not see it', async (platform) => {
    const driver = drivers.find((x) => x.name === platform)!;
    const d = await raise();
    const wrong: string[] = [];
    const leaks: string[] = [];
    for (const [label, person, maySee] of ROLES) {
      for (const a of ACTIONS) {
        const r = await driver.press(person, a.verb, a.payload(d));
        const expected = person === 'gus-hart' && a.participant;
        if (r.accepted !== expected) wrong.push(`${label} ${a.verb}: ${r.accepted ? 'accepted' : 'refused'} — ${r.text.slice(0, 300)}`);
        if (!maySee) for (const re of CASE_DATA) if (re.test(r.text)) leaks.push(`${label} ${a.verb}: ${re} in ${r.text.slice(0, 300)}`);
        if (!r.accepted && !/not|only|out of date|cannot/i.test(r.text)) wrong.push(`${label} ${a.verb}: refused without a reason`);
      }
    }
    expect(wrong).toEqual([]);
    expect(leaks).toEqual([]);
  }, 240_000);

  it.each(['Slack', 'Teams', 'Loop'])('%s: a forged option value never reaches the register; the form names the field', async (platform) => {
    const driver = drivers.find((x) => x.name === platform)!;
    const d = await raise();
    const raiseForm = {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: ['anytown-icb'], localCaseRef: 'AC-9', description: 'd', currentCare: 'c', continuity: 'yes',
    };
    const forged: [Parameters<PlatformDriver['submit']>[1], Record<string, unknown>, string | undefined, RegExp][] = [
      ['raise', { ...raiseForm, cohort: 'HACKED<b>' }, undefined, /Choose who the person is from the list/],
      ['raise', { ...raiseForm, subjects: ['=HYPERLINK("http://evil")'] }, undefined, /Choose what the disagreement is about from the list/],
      ['raise', { ...raiseForm, parties: ['Anytown Council ICB'] }, undefined, /Choose the organisations from the list/],
      ['care-change', { change: '<!channel> HACKED', detail: 'x' }, d.id, /Choose what happened to the care from the list/],
      ['external', { route: 'PRESS', note: '' }, d.id, /Choose where to escalate from the list/],
      ['add-party', { organisationId: 'Anytown Mental Health NHS Trust', role: 'INTERESTED', reason: 'r' }, d.id, /Choose organisation from the list/],
      ['add-party', { organisationId: 'anytown-trust', role: 'OWNER', reason: 'r' }, d.id, /Choose its part in the dispute from the list/],
      ['correct', { field: 'raisedBy', value: 'HACKED', reason: 'r' }, d.id, /Choose what to correct from the list/],
      ['decision', { outcome: 'END_AFTERCARE', summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r' }, d.id, /Choose an outcome from the list/],
    ];
    for (const [form, values, target, message] of forged) {
      const r = await driver.submit('gus-hart', form, values, target);
      expect({ form, accepted: r.accepted }).toEqual({ form, accepted: false });
      expect(r.text).toMatch(message);
    }
    const history = JSON.stringify(await bot.app.service.history(d.id));
    expect(history).not.toMatch(/HACKED|HYPERLINK|PRESS/);
  }, 240_000);
});
