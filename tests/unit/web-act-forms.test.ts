import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { decisionFormSpec } from '../../src/app/interactions/forms.ts';
import { simpleFormSpec } from '../../src/app/interactions/simple-forms.ts';
import { ConfigError } from '../../src/config/env.ts';
import { loadEnv } from '../../src/platforms.ts';
import { loadOidcProviders } from '../../src/config/oidc-providers.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { actionsPanel, formPage, formValues, webForm } from '../../src/web/action-forms.ts';
import { clientIp } from '../../src/web/respond.ts';
import { directory, Scenario } from '../helpers/domain.ts';

// The web page's forms are drawn from the same descriptions as the chat modals, with the NHS patterns; several
// sign-in providers come from one YAML file whose faults name the entry and the fix.
const person = (id: string) => directory.people.find((p) => p.id === id)!;

describe('the web forms are the chat forms, drawn as HTML', () => {
  const s = new Scenario();
  s.raise();
  const d = s.dispute;

  it('[R3.3] draws the decision form from the spec the chat modal uses: the same options, radios and checkboxes in fieldsets', () => {
    const spec = decisionFormSpec(d, person('ivy-nash'), DEFAULT_POLICY, directory);
    const form = webForm({ kind: 'form', form: 'decision', dispute: d, decision: spec });
    expect(form.fields.find((f) => f.name === 'effect')!.options).toEqual(spec.effects);
    expect(form.fields.find((f) => f.name === 'basis')!.options).toEqual(spec.bases);
    expect(form.fields.filter((f) => f.name.startsWith('pay:')).map((f) => f.name)).toEqual(spec.payers.map((o) => `pay:${o.value}`));
    const page = formPage(form, '/x', { csrf: 'c', key: 'k' }, {}, { basis: 'Choose at least one basis.' }, '/back').value;
    expect(page).toMatch(/<fieldset id="f-basis" aria-describedby="f-basis-hint f-basis-error"><legend>/);
    expect(page).toMatch(/class="error-summary" role="alert"[\s\S]*<a href="#f-basis">Choose at least one basis.<\/a>/);
    expect(page).toContain('<input type="hidden" name="csrf" value="c">');
  });

  it('[R2.5] draws a small form from its field list, and every field has its label', () => {
    const spec = simpleFormSpec('withdraw-party', d, directory);
    const page = formPage(webForm({ kind: 'form', form: 'withdraw-party', dispute: d, simple: spec }), '/x', {}, {}, {}, '/back').value;
    for (const f of spec.fields) expect(page).toContain(f.label);
    for (const [, id] of page.matchAll(/<(?:input|textarea|select)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)) expect(page).toContain(`for="${id}"`);
  });

  it('puts the date back together from day, month and year, and names a date that is not one', () => {
    const form = webForm({ kind: 'form', form: 'decision', dispute: d, decision: decisionFormSpec(d, null, DEFAULT_POLICY, directory) });
    const ok = formValues(form, new URLSearchParams('effectiveFrom-day=1&effectiveFrom-month=2&effectiveFrom-year=2027&basis=RISK&basis=ASSESSED_NEED'));
    expect(ok.values.effectiveFrom).toBe('2027-02-01');
    expect(ok.values.basis).toEqual(['RISK', 'ASSESSED_NEED']);
    expect(formValues(form, new URLSearchParams('effectiveFrom-day=40&effectiveFrom-month=2&effectiveFrom-year=2027')).errors.effectiveFrom)
      .toMatch(/From when: enter a real date/);
    expect(formValues(form, new URLSearchParams('')).values.effectiveFrom).toBe('');
  });

  it('[R3.2] shows a viewer only the buttons the domain allows them, beside what they act on', () => {
    const view = (id: string | null) => ({
      id: d.id, reference: d.reference, status: 'OPEN' as const, stage: 1, stageName: 'Frontline', dueText: 'due', overdue: false, subjects: [], parties: [],
      personRef: '', checklist: [{ key: 'k1', label: 'Clarify', done: false, by: null }], pendingDecision: null, pendingWithdrawals: [], personSteps: [], flags: [], chc: null,
      stillNeeded: [], owe: [], outcome: null, pendingLetter: null, canEscalateExternally: false,
      allowedActions: id ? [{ verb: 'tick' as const, k: 'k1', s: 1 as const, n: 1 as const, label: 'Tick', style: null }, { verb: 'decide' as const, label: 'Record a decision', style: 'primary' as const }] : [],
    });
    const panel = actionsPanel(view('x'), { csrf: 'c', key: 'k' }).value;
    expect(panel).toMatch(/Clarify <form method="post" action="\/register\/dispute\/S117-\d{4}-\d{4}\/act"[\s\S]*name="verb" value="tick"[\s\S]*Tick<span class="visually-hidden">: Clarify<\/span>/);
    expect(panel).toMatch(/<a class="button" href="\/register\/dispute\/S117-\d{4}-\d{4}\/form\/decide">Record a decision<\/a>/);
    expect(actionsPanel(view(null), {}).value).toMatch(/nothing for you to do/);
  });
});

describe('sign-in providers', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-providers-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, text: string) => { fs.writeFileSync(path.join(tmp, name), text); return path.join(tmp, name); };
  const base = { SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://s117.example.nhs.uk' };

  it('[R9.1] reads several providers from OIDC_PROVIDERS_FILE, each secret from its file, and keeps OIDC_ISSUER as one more', () => {
    const secret = file('icb.secret', 'icb-secret\n');
    const providers = file('ok.yaml', `providers:\n  - { issuer: "https://login.microsoftonline.com/icb/v2.0/", clientId: icb-app, clientSecretFile: "${secret}", label: NHSmail }\n`);
    const env = loadEnv({ ...base, OIDC_PROVIDERS_FILE: providers, OIDC_ISSUER: 'https://idp.council.example', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' });
    expect(loadOidcProviders(env)).toEqual([
      { issuer: 'https://login.microsoftonline.com/icb/v2.0', clientId: 'icb-app', clientSecret: 'icb-secret', label: 'NHSmail' },
      { issuer: 'https://idp.council.example', clientId: 'c', clientSecret: 's', label: null },
    ]);
  });

  it('stops the start naming the entry and the fix: a missing secret file, an http issuer elsewhere, an unknown key, a missing setting', () => {
    const missing = file('missing.yaml', 'providers:\n  - { issuer: "https://a.example", clientId: a, clientSecretFile: /nowhere/secret }\n');
    expect(() => loadOidcProviders(loadEnv({ ...base, OIDC_PROVIDERS_FILE: missing }))).toThrow(/providers\[0\] \(https:\/\/a\.example\)\.clientSecretFile: cannot read \/nowhere\/secret/);
    const http = file('http.yaml', 'providers:\n  - { issuer: "http://idp.example", clientId: a, clientSecretFile: /x }\n');
    expect(() => loadOidcProviders(loadEnv({ ...base, OIDC_PROVIDERS_FILE: http }))).toThrow(/providers\[0\] \(http:\/\/idp\.example\)\.issuer: must start with https:\/\//);
    const typo = file('typo.yaml', 'providers:\n  - { issuer: "https://a.example", clientID: a, clientSecretFile: /x }\n');
    expect(() => loadOidcProviders(loadEnv({ ...base, OIDC_PROVIDERS_FILE: typo }))).toThrow(ConfigError);
    expect(() => loadEnv({ OIDC_PROVIDERS_FILE: typo })).toThrow(/SESSION_SECRET: is needed with OIDC_PROVIDERS_FILE[\s\S]*PUBLIC_URL: is needed with OIDC_PROVIDERS_FILE/);
    expect(() => loadEnv({ SIGN_IN_LINKS: 'on' })).toThrow(/SMTP_URL, MAIL_FROM, SESSION_SECRET, PUBLIC_URL: are needed with SIGN_IN_LINKS=on/);
  });

  it('counts requests behind the trusted proxy by the address it forwarded, and ignores the header from anyone else', () => {
    const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
    expect(clientIp(req('127.0.0.1', '10.0.0.9, 192.0.2.7'), '127.0.0.1')).toBe('192.0.2.7');
    expect(clientIp(req('198.51.100.1', '192.0.2.7'), '127.0.0.1')).toBe('198.51.100.1');
    expect(clientIp(req('198.51.100.1', '192.0.2.7'))).toBe('198.51.100.1');
  });
});
