import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import type { Command, ProposeDecisionInput } from '../../src/domain/commands.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import type { TestApp } from './app.ts';

// Shared steps of the protocol-gates stories: the people act through the `s117` command, in-process, on the same
// running app (its real database, its clock), as the admin endpoint runs it for a local user.

export const REF = 'S117-2026-0001';
export const as = (personId: string) => ({ personId, platform: 'cli' as const });

export function cli(app: TestApp) {
  return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app, clock: app.clock });
    return { code, out, err };
  };
}

/** `s117 dispute act REF --as WHO --json CMD`. */
export function act(app: TestApp) {
  const s117 = cli(app);
  return (who: string, cmd: Command | Record<string, unknown>) => s117('dispute', 'act', REF, '--as', who, '--json', JSON.stringify(cmd));
}

/** The Stage 2 decision of the fixtures, as a Stage 3 written decision with how it is commissioned. */
export const writtenDecision = (over: Partial<ProposeDecisionInput> = {}): ProposeDecisionInput => ({
  ...stage2Decision,
  outcome: 'WRITTEN_DECISION',
  commissioning: 'The council commissions the placement; the ICB pays its share monthly.',
  ...over,
});

/** Raised by the social worker, escalated by hand to Stage 3 (council and ICB). */
export async function atStage3(app: TestApp): Promise<void> {
  const a = act(app);
  await app.service.raise(as('ali-khan'), fundingDispute());
  expect((await a('ali-khan', { type: 'ESCALATE', reason: 'The frontline staff could not settle the split.' })).code).toBe(0);
  expect((await a('cal-reid', { type: 'ESCALATE', reason: 'The managers could not settle the split either.' })).code).toBe(0);
  expect((await app.service.get({ reference: REF }))!.stage).toBe(3);
}

/** At Stage 3, both senior officers agree a written decision. */
export async function agreeAtStage3(app: TestApp): Promise<void> {
  const a = act(app);
  expect((await a('eve-ford', { type: 'PROPOSE_DECISION', input: writtenDecision() })).code).toBe(0);
  expect((await a('eve-ford', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' })).code).toBe(0);
  expect((await a('jon-park', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' })).code).toBe(0);
}

/**
 * The example directory with a second council, for ordinary-residence disputes: Othertown Council, its operational
 * lead and its senior officer. Written to `dir`; returns the file's path.
 */
export function directoryWithOthertown(dir: string, extraPeople = ''): string {
  const base = fs.readFileSync('config/directory.example.yaml', 'utf8')
    .replace('  - { id: anytown-trust,', '  - { id: othertown-council, name: Othertown Council, kind: LOCAL_AUTHORITY }\n  - { id: anytown-trust,')
    .replace('  # Governance', [
      '  - { id: ola-ward, name: Ola Ward, organisation: othertown-council, roles: [SENIOR_OFFICER], email: ola.ward@othertown.gov.uk }',
      '  - { id: ros-tate, name: Ros Tate, organisation: othertown-council, roles: [OPERATIONAL_LEAD], email: ros.tate@othertown.gov.uk }',
      extraPeople,
      '  # Governance',
    ].filter(Boolean).join('\n'));
  const file = path.join(dir, 'directory.yaml');
  fs.writeFileSync(file, base, { mode: 0o600 });
  return file;
}

export const ordinaryResidence = () => fundingDispute({
  subjects: ['ORDINARY_RESIDENCE'],
  parties: [
    { organisationId: 'anytown-council', role: 'RAISING' },
    { organisationId: 'anytown-icb', role: 'RESPONDING' },
    { organisationId: 'othertown-council', role: 'RESPONDING' },
  ],
  description: 'Anytown Council says the person was ordinarily resident in Othertown before detention.',
});
