import type { DisputeService } from '../app/dispute-service.ts';
import { type ChainReport, checkHistory, describeProblem } from '../app/history-chain.ts';
import { factsOf, legacyFactsOf } from '../app/fact-seals.ts';
import { describeCheckpointProblem, describeDisagreement } from '../app/checkpoint-log.ts';
import type { CheckpointCheck } from '../register/checkpoints.ts';

export interface DisputeChain { id: string; reference: string; report: ChainReport }

/** Every dispute's history chain, checked one dispute at a time. */
export async function checkRegister(service: DisputeService): Promise<DisputeChain[]> {
  const out: DisputeChain[] = [];
  for (const d of await service.all()) {
    out.push({ id: d.id, reference: d.reference, report: checkHistory(d.id, await service.history(d.id), factsOf(d), legacyFactsOf(d)) });
  }
  return out;
}

/** What "s117 register verify" prints, and whether everything was intact. */
export function verifyText(chains: readonly DisputeChain[]): { intact: boolean; text: string } {
  const broken = chains.filter((c) => !c.report.intact);
  const entries = chains.reduce((n, c) => n + c.report.chained, 0);
  const before = chains.reduce((n, c) => n + c.report.beforeChain, 0);
  const removed = chains.reduce((n, c) => n + c.report.removedTexts, 0);
  const older = (before
    ? `${before} older entr${before === 1 ? 'y was' : 'ies were'} written before the chain began and cannot be checked.\n` : '')
    + (removed ? `${removed} text(s) were removed under retention; their digests still check out.\n` : '');
  if (!broken.length) {
    const checked = `${entries} entr${entries === 1 ? 'y' : 'ies'} checked against their seals`;
    return { intact: true, text: `The history is intact: ${chains.length} dispute(s), ${checked}.\n${older}` };
  }
  const lines = broken.flatMap((c) => c.report.problems.map((p) => `  ${c.reference}: ${describeProblem(p)}\n`));
  return {
    intact: false,
    text: `The history has been changed outside the bot in ${broken.length} of ${chains.length} dispute(s):\n${lines.join('')}${older}`
      + 'Do not correct these rows by hand. Keep a copy of the database as it is now, compare it with your latest backup, '
      + 'and report it to your information governance lead.\n',
  };
}

/** What verify adds about the signed checkpoints kept outside the database; ok false when the register disagrees with them. */
export function checkpointText(check: CheckpointCheck, references: ReadonlyMap<string, string>): { ok: boolean; text: string } {
  const last = check.last;
  const bad = [
    ...check.problems.map((p) => `  ${describeCheckpointProblem(p)}\n`),
    ...check.disagreements.map((d) => {
      const reference = references.get(d.disputeId) ?? `a deleted dispute (${d.disputeId})`;
      return `  ${describeDisagreement(d, reference, last?.at ?? '')}\n`;
    }),
  ];
  if (bad.length) {
    return {
      ok: false,
      text: `The history does not match its signed checkpoints${last ? ` (the last trusted one: ${last.at})` : ''}:\n${bad.join('')}`
        + 'Do not sign a new checkpoint. Keep a copy of the database and the checkpoint file as they are, '
        + 'and report it to your information governance lead.\n',
    };
  }
  if (!last) {
    return { ok: true, text: 'No signed checkpoint yet: run "s117 register checkpoint" to anchor the history outside the database.\n' };
  }
  return {
    ok: true,
    text: `It matches ${check.lines} signed checkpoint(s); the last, at ${last.at}, sealed ${last.count} entries (root ${last.root}).\n`,
  };
}
