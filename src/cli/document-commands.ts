import type { Command } from 'commander';
import type { App } from '../boot.ts';
import { referralPackOf } from '../app/referral-pack.ts';
import { referralPackOffered } from '../domain/allowed-actions.ts';
import { letterPdf } from '../reports/pdf/letter-pdf.ts';
import { referralPackZip } from '../reports/pdf/pack-zip.ts';
import { referralPackPdf } from '../reports/pdf/referral-pack-pdf.ts';
import { writeOwnerOnly } from '../register/owner-only.ts';
import { CliFailure, EXIT } from './failure.ts';

/**
 * Documents out of the register: the Stage 4 referral pack and the person's letters, as files only this account can
 * read (they hold special-category data). File names are the caller's; ours never carry the person.
 */
export function registerDocumentCommands(
  dispute: Command, { withApp, stdout }: { withApp: <T>(fn: (app: App) => Promise<T>) => Promise<T>; stdout: (s: string) => void },
): void {
  dispute.command('pack').argument('<ref>', 'the reference, e.g. S117-2026-0042').argument('<file>',
    'where to write it: FILE.pdf, or FILE.zip (the PDF, the JSON and the letters)')
    .description('the Stage 4 referral pack (R5.7): chronology, positions, decisions, every stage\'s timescale, '
      + 'continuity of care, flags, evidence')
    .action(async (ref: string, file: string) => {
      if (!/\.(pdf|zip)$/i.test(file)) throw new CliFailure('FILE must end in .pdf (the referral pack) or .zip (the pack, its JSON and the letters).', EXIT.USAGE);
      await withApp(async (app) => {
        const d = await app.service.get({ reference: ref.toUpperCase() });
        if (!d) throw new CliFailure(`There is no dispute ${ref}. References look like S117-2026-0042.`, EXIT.FAILED);
        if (!referralPackOffered(d)) {
          throw new CliFailure(`${d.reference} has not reached Stage 4 (it is at Stage ${d.stage}): the referral pack is for external `
            + `escalation. "s117 dispute show ${d.reference}" prints the record.`, EXIT.FAILED);
        }
        const pack = await referralPackOf(app.service, d);
        const now = app.service.now();
        writeOwnerOnly(file, /\.zip$/i.test(file) ? await referralPackZip(pack, now) : await referralPackPdf(pack, now));
        stdout(`Wrote the Stage 4 referral pack for ${d.reference} to ${file} (readable by this account only): `
          + `${pack.chronology.length} history entries, ${pack.decisions.length} decision(s), ${pack.evidence.length} evidence item(s).\n`);
      });
    });
  dispute.command('letter').argument('<ref>', 'the reference').argument('<n>',
    'the letter number (as the history shows it)').argument('<file>', 'FILE.pdf')
    .description('a letter to the person as a PDF, exactly as recorded (R8.2)')
    .action(async (ref: string, n: string, file: string) => {
      if (!/\.pdf$/i.test(file)) throw new CliFailure('FILE must end in .pdf.', EXIT.USAGE);
      await withApp(async (app) => {
        const d = await app.service.get({ reference: ref.toUpperCase() });
        if (!d) throw new CliFailure(`There is no dispute ${ref}. References look like S117-2026-0042.`, EXIT.FAILED);
        const pack = await referralPackOf(app.service, d);
        const letter = pack.letters.find((l) => String(l.seq) === n);
        const seqs = pack.letters.map((l) => l.seq).join(', ') || 'none';
        if (!letter) throw new CliFailure(`${d.reference} has no letter ${n}; its letters are: ${seqs}.`, EXIT.FAILED);
        writeOwnerOnly(file, await letterPdf(d.reference, pack.partnership, letter, app.service.now()));
        const status = letter.sent ? `sent ${letter.sent}` : 'a draft, not yet marked sent';
        stdout(`Wrote letter ${letter.seq} of ${d.reference} to ${file} (readable by this account only; ${status}).\n`);
      });
    });
}
