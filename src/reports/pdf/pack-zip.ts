import yazl from 'yazl';
import { letterFileName, packFileName, type ReferralPack } from '../referral-pack.ts';
import { letterPdf } from './letter-pdf.ts';
import { referralPackPdf } from './referral-pack-pdf.ts';

/**
 * The referral pack as a zip: the pack as JSON (the same data the PDF is drawn from, with the register's own row
 * for the dispute), the PDF, and each letter to the person as its own PDF. File names carry the reference only.
 */
export async function referralPackZip(p: ReferralPack, at: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const opts = { mtime: at, mode: 0o100600 };
  const base = packFileName(p.reference, 'pdf').replace(/\.pdf$/, '');
  zip.addBuffer(Buffer.from(`${JSON.stringify(p, null, 2)}\n`), `${base}.json`, opts);
  zip.addBuffer(await referralPackPdf(p, at), `${base}.pdf`, opts);
  for (const l of p.letters) zip.addBuffer(await letterPdf(p.reference, p.partnership, l, at),
    `letters/${letterFileName(p.reference, l.seq)}`, opts);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
