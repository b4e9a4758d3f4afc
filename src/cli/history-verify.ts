import type { DisputeService } from '../app/dispute-service.ts';
import { type ChainReport, checkHistory, describeProblem } from '../app/history-chain.ts';
import { factsOf } from '../app/fact-seals.ts';

export interface DisputeChain { reference: string; report: ChainReport }

/** Every dispute's history chain, checked one dispute at a time. */
export async function checkRegister(service: DisputeService): Promise<DisputeChain[]> {
  const out: DisputeChain[] = [];
  for (const d of await service.all()) out.push({ reference: d.reference, report: checkHistory(d.id, await service.history(d.id), factsOf(d)) });
  return out;
}

/** What "s117 register verify" prints, and whether everything was intact. */
export function verifyText(chains: readonly DisputeChain[]): { intact: boolean; text: string } {
  const broken = chains.filter((c) => !c.report.intact);
  const entries = chains.reduce((n, c) => n + c.report.chained, 0);
  const before = chains.reduce((n, c) => n + c.report.beforeChain, 0);
  const older = before
    ? `${before} older entr${before === 1 ? 'y was' : 'ies were'} written before the chain began and cannot be checked.\n` : '';
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
