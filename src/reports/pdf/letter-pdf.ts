import type { ReferralPack } from '../referral-pack.ts';
import { TaggedDocument } from './document.ts';

type PackLetter = ReferralPack['letters'][number];

/** R8.2: the letter exactly as recorded (its text is the record; nothing is reworded here), with its status above it. */
export function letterPdfInto(doc: TaggedDocument, reference: string, l: PackLetter, level: 1 | 3 = 1): void {
  doc.heading(level === 1 ? 1 : 2, `Letter ${l.seq} to the person (${reference})`);
  doc.paragraph(`${l.sent ? `Sent ${l.sent}` : 'Draft: not yet marked sent'}; drafted ${l.drafted}`
    + `${l.reviewedBy ? `; reviewed by ${l.reviewedBy}` : ''}; reading age ${l.readingAge}.`, { muted: true });
  doc.rule();
  doc.paragraph(l.text);
}

/** The person's letter as its own PDF, in the same style as the referral pack. */
export async function letterPdf(reference: string, partnership: string, l: PackLetter, at: Date): Promise<Buffer> {
  const doc = await TaggedDocument.create({
    title: `Section 117 dispute ${reference}: letter ${l.seq} to the person`,
    header: `${reference} · Letter ${l.seq} · ${partnership} · OFFICIAL-SENSITIVE: PERSONAL`,
    subject: 'A letter explaining a Section 117 dispute to the person it is about',
    at,
  });
  letterPdfInto(doc, reference, l);
  return doc.end();
}
