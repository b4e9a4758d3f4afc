import fs from 'node:fs';
import path from 'node:path';
import { actionCommand, actionPayload, parseAction, ACTIONS } from '../../src/app/interactions/actions.ts';
import { formCommand, raiseInput } from '../../src/app/interactions/forms.ts';
import { cleanText, cleanValues, htmlToText, slackToText } from '../../src/app/interactions/text.ts';
import { allowedActions, mayTake } from '../../src/domain/allowed-actions.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { directory, Scenario } from '../helpers/domain.ts';

const person = (id: string) => directory.people.find((p) => p.id === id)!;

describe('user text at the inbound boundary', () => {
  it('strips bidi overrides, isolates, direction marks and control characters, keeping newlines and tabs', () => {
    const typed = 'pay\u202Eyap\u2066x\u2069 \u200Eok\u200F\u0000\u0007\u001B[31m\u0085end\nnext\tcol\r\nlast';
    // The escape character goes; the harmless "[31m" after it stays as typed.
    expect(cleanText(typed)).toBe('payyapx ok[31mend\nnext\tcol\nlast');
    expect(cleanValues({ a: ['x\u202Ay'], b: 3, c: { d: '\u2067z' } })).toEqual({ a: ['xy'], b: 3, c: { d: 'z' } });
  });

  it('decodes a Teams HTML body once: tags go, entities become the characters typed', () => {
    expect(htmlToText('<p>ICB &amp; the council agreed &lt;60%&gt;</p><p>Second&nbsp;line &#39;ok&#39; &#x2764;</p>')).toBe("ICB & the council agreed <60%>\nSecond line 'ok' ❤");
    expect(htmlToText('a &amp;amp; b')).toBe('a &amp; b');
  });

  it("decodes Slack's escaped message text once, so it is not escaped twice on the way back", () => {
    expect(slackToText('ICB &amp; council &lt;agreed&gt; see <https://x.nhs.uk/a|the note> and <https://y.nhs.uk>')).toBe('ICB & council <agreed> see the note and https://y.nhs.uk');
  });
});

// Scenarios are built per test, not while Jest collects the tests: code run at collection is
// outside every test, so mutation testing would have to rerun every suite for it.
describe('the action schema (build and parse every button)', () => {
  let d: Scenario['dispute'];
  beforeEach(() => {
    const s = new Scenario();
    s.raise();
    d = s.dispute;
  });

  it('round-trips every allowed action through the payload it builds', () => {
    for (const a of allowedActions(d, DEFAULT_POLICY, directory)) {
      const parsed = parseAction(a.verb, JSON.parse(JSON.stringify(actionPayload(d.id, a))));
      expect(parsed).toMatchObject({ verb: a.verb, d: d.id });
    }
  });

  it('[R6.3] offers each party its own button to confirm a CHC funding adjustment, and the button runs that confirmation', () => {
    const s = new Scenario();
    s.raise('ali-khan', fundingDispute({ subjects: ['CHC_INTERFACE'] }));
    s.run('gus-hart', { type: 'UPDATE_CHC', status: 'ELIGIBLE', referralDate: '2026-11-01', decisionDate: '2026-12-01' });
    s.run('gus-hart', { type: 'RECORD_CHC_ADJUSTMENT', effectiveDate: '2026-11-01', parties: ['anytown-icb'], amountOrShare: 'ICB 100%', personNotPenalised: true });
    const buttons = (viewer: ReturnType<typeof person> | null) => allowedActions(s.dispute, DEFAULT_POLICY, directory, viewer).filter((a) => a.verb === 'confirm-chc');
    expect(buttons(null).map((a) => a.label)).toEqual(['Confirm CHC adjustment 1 for Anytown Council', 'Confirm CHC adjustment 1 for NHS Anytown ICB']);
    const [mine] = buttons(person('gus-hart'));
    expect(buttons(person('gus-hart'))).toHaveLength(1);
    const parsed = parseAction('confirm-chc', JSON.parse(JSON.stringify(actionPayload(s.dispute.id, mine!))))!;
    expect(actionCommand(parsed)).toEqual({ type: 'CONFIRM_CHC_ADJUSTMENT', seq: 1, organisationId: 'anytown-icb' });
    expect(mayTake(s.dispute, DEFAULT_POLICY, directory, person('gus-hart'), { verb: 'confirm-chc', n: 1, o: 'anytown-council' })).toBe(false);
    expect(parseAction('confirm-chc', { d: s.dispute.id, n: 'one', o: 'anytown-icb' })).toBeNull();
  });

  it('refuses unknown verbs and forged payloads before anything is looked up', () => {
    expect(parseAction('delete-everything', { d: d.id })).toBeNull();
    expect(parseAction('person', { d: d.id, k: 'HACKED' })).toBeNull();
    expect(parseAction('tick', { d: d.id, k: 'tests', s: 9, n: 1 })).toBeNull();
    expect(parseAction('tick', { d: d.id, k: 'tests', s: 1, n: 2 })).toBeNull();
    expect(parseAction('confirm', { d: '', s: 1, o: 'x' })).toBeNull();
    expect(parseAction('decide', null)).toBeNull();
    expect(Object.keys(ACTIONS).sort()).toEqual([
      'add-party', 'advocacy-na', 'cannot-resolve', 'care-change', 'care-restored', 'confirm', 'confirm-chc', 'correct', 'decide', 'escalate', 'external',
      'letter', 'pack', 'person', 'raise', 'redraft-letter', 'stage-3', 'tick', 'withdraw-party',
    ]);
  });
});

describe('forms', () => {
  let s: Scenario;
  beforeEach(() => {
    s = new Scenario();
    s.raise();
  });
  const base = { subjects: 'FUNDING', parties: 'anytown-icb', localCaseRef: 'A1', description: 'd', currentCare: 'c' };

  it('builds a raise from either platform\'s shape: lists as arrays or "a,b"', () => {
    const a = raiseInput({ ...base, subjects: ['FUNDING', 'SCOPE'] }, person('ali-khan'), directory);
    const b = raiseInput({ ...base, subjects: 'FUNDING,SCOPE' }, person('ali-khan'), directory);
    expect(a).toEqual(b);
    expect(a.ok && a.value.parties).toEqual([{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }]);
  });

  it('names the field of every forged option', () => {
    expect(raiseInput({ ...base, setting: 'MOON' }, person('ali-khan'), directory)).toMatchObject({ ok: false, errors: { setting: expect.stringMatching(/from the list/) } });
    expect(raiseInput({ ...base, grounds: 'BUDGET,<!channel>' }, person('ali-khan'), directory)).toMatchObject({ ok: false, errors: { grounds: expect.any(String) } });
    expect(raiseInput({ ...base, professionals: 'nobody' }, person('ali-khan'), directory)).toMatchObject({ ok: false, errors: { professionals: expect.any(String) } });
    expect(formCommand('care-change', { change: 'GONE', detail: 'x' }, s.dispute, {}, directory)).toMatchObject({ ok: false, errors: { change: expect.any(String) } });
    expect(formCommand('decision', { outcome: 'WRITTEN_DECISION' }, s.dispute, {}, directory)).toMatchObject({ ok: false, errors: { outcome: expect.any(String) } });
    // Organisations are ids from the list the form offered; roles and fields from their enums.
    expect(formCommand('add-party', { organisationId: 'Anytown ICB', role: 'RESPONDING', reason: 'x' }, s.dispute, {}, directory))
      .toMatchObject({ ok: false, errors: { organisationId: expect.stringMatching(/from the list/) } });
    expect(formCommand('add-party', { organisationId: 'anytown-trust', role: 'OWNER', reason: 'x' }, s.dispute, {}, directory))
      .toMatchObject({ ok: false, errors: { role: expect.stringMatching(/from the list/) } });
    expect(formCommand('correct', { field: 'raisedBy', value: 'x', reason: 'y' }, s.dispute, {}, directory))
      .toMatchObject({ ok: false, errors: { field: expect.stringMatching(/from the list/) } });
    expect(formCommand('care-restored', { detail: '  ' }, s.dispute, {}, directory)).toMatchObject({ ok: false, errors: { detail: expect.any(String) } });
  });
});

describe('allowed actions', () => {
  it('give a named viewer only what they may do: their own organisation\'s confirm, nothing for outsiders', () => {
    const s = new Scenario();
    s.raise();
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    const confirms = (id: string | null) => allowedActions(s.dispute, DEFAULT_POLICY, directory, id ? person(id) : null).filter((a) => a.verb === 'confirm').map((a) => a.verb === 'confirm' && a.o);
    expect(confirms(null).sort()).toEqual(['anytown-council', 'anytown-icb']);
    expect(confirms('gus-hart')).toEqual(['anytown-icb']);
    expect(allowedActions(s.dispute, DEFAULT_POLICY, directory, person('pat-lee'))).toEqual([]);
    expect(allowedActions(s.dispute, DEFAULT_POLICY, directory, person('lou-gray'))).toEqual([]);
  });
});

describe('adapters only render', () => {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  it('neither Slack nor Teams tests a stage or a role, or matches an organisation by name', () => {
    const bad: string[] = [];
    for (const f of [...files('src/adapters/slack'), ...files('src/adapters/teams')]) {
      fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/\.stage\s*[<>]=?|stage\s*[<>]=?\s*\d|\.roles\b|seesEveryDispute|maySeeDispute|organisation\s*===\s*\w+\.name/.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });
});
