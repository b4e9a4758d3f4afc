import type PDFDocumentClass from 'pdfkit';

// The one renderer every document out of the register goes through (the Stage 4 referral pack, the person's
// letter): one look, and the accessibility a screen-reader user needs from a PDF. The document is tagged (a
// structure tree of headings, paragraphs and lists in reading order), says its language (en-GB) and shows its
// title rather than its file name; page headers and footers are marked as artifacts so they are not read aloud
// on every page. The fonts are the PDF standard fonts (nothing to ship, nothing read from the disk), which hold
// the Windows-1252 characters: anything else is replaced, visibly, rather than dropped.

const MARGIN = 56;
const BODY = 11;
const INK = '#212b32'; // NHS identity: text colour, AAA contrast on white
const MUTED = '#4c6272';
const RULE = '#d8dde0';

/** Windows-1252 beyond Latin-1: what the standard fonts draw besides U+0020–U+007E and U+00A0–U+00FF. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can draw: tabs to spaces, other control characters dropped, anything else outside Windows-1252 as "?". */
// Signs the history's texts use that the standard fonts cannot draw: spelled in ASCII rather than shown as "?".
const ASCII_FOR: Record<string, string> = { '→': '->', '←': '<-', '≥': '>=', '≤': '<=', '≠': '!=' };

export function drawable(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\t/g, '  ').replace(/\r\n?/g, '\n')) {
    const c = ch.codePointAt(0)!;
    if (ch === '\n' || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || CP1252_EXTRA.has(ch)) out += ch;
    else if (c === 0x2212) out += '-';
    else if (ASCII_FOR[ch]) out += ASCII_FOR[ch];
    else if (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0)) out += '?';
  }
  return out;
}

export interface DocumentMeta {
  /** Shown as the window title and read first (displayTitle). */
  title: string;
  /** The running header on every page: the dispute reference, never the person. */
  header: string;
  subject: string;
  /** The instant the document is dated (the info dictionary's dates): the caller's clock, never this module's. */
  at: Date;
}

type Struct = ReturnType<PDFKit.PDFDocument['struct']>;

// Loaded with the first document, not with the bot: pdfkit takes a fifth of a second of CPU to load, which every
// process (each CLI command, each test file) would pay without writing a PDF. Once, however many start together.
let pdfkit: Promise<typeof PDFDocumentClass> | undefined;
const loadPdfkit = () => pdfkit ??= import('pdfkit').then((m) => m.default)
  .catch((e: unknown) => { pdfkit = undefined; throw e; }); // a failed load is tried again with the next document

/** A tagged document being written: headings, paragraphs, label/value lines and lists, in reading order. */
export class TaggedDocument {
  readonly doc: PDFKit.PDFDocument;
  private readonly root: Struct;
  private readonly done: Promise<Buffer>;

  static async create(meta: DocumentMeta): Promise<TaggedDocument> {
    return new TaggedDocument(meta, await loadPdfkit());
  }

  private constructor(private readonly meta: DocumentMeta, PDFDocument: typeof PDFDocumentClass) {
    this.doc = new PDFDocument({
      size: 'A4', margins: { top: MARGIN + 14, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
      tagged: true, lang: 'en-GB', displayTitle: true, pdfVersion: '1.7', bufferPages: true, autoFirstPage: true,
      info: {
        Title: drawable(meta.title), Subject: drawable(meta.subject), Author: 'Section 117 dispute bot',
        Creator: 'Section 117 dispute bot', Producer: 'Section 117 dispute bot (pdfkit)', CreationDate: meta.at, ModDate: meta.at,
      },
    });
    const chunks: Buffer[] = [];
    this.doc.on('data', (c: Buffer) => chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
    this.doc.fillColor(INK).font('Helvetica');
  }

  /** H1 for the title, H2 for sections, H3 within them. */
  heading(level: 1 | 2 | 3, text: string): this {
    const size = level === 1 ? 20 : level === 2 ? 15 : 12.5;
    // A heading is kept with at least a few lines of what follows it.
    if (this.doc.y > this.doc.page.height - this.doc.page.margins.bottom - size * 5) this.doc.addPage();
    if (level > 1) this.doc.moveDown(level === 2 ? 0.8 : 0.4);
    this.root.add(this.doc.struct(`H${level}`, {}, () => {
      this.doc.font('Helvetica-Bold').fontSize(size).fillColor(INK).text(drawable(text));
    }));
    this.doc.font('Helvetica').fontSize(BODY).moveDown(0.3);
    return this;
  }

  paragraph(text: string, opts: { muted?: boolean; bold?: boolean } = {}): this {
    for (const para of drawable(text).split(/\n{2,}/)) {
      this.root.add(this.doc.struct('P', {}, () => {
        this.doc.font(opts.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY).fillColor(opts.muted ? MUTED : INK).text(para,
          { paragraphGap: 4 });
      }));
    }
    this.doc.fillColor(INK).font('Helvetica');
    return this;
  }

  /** "Label: value" as one paragraph, the label in bold. */
  field(label: string, value: string | null | undefined): this {
    this.root.add(this.doc.struct('P', {}, () => {
      this.doc.fontSize(BODY).fillColor(INK).font('Helvetica-Bold').text(`${drawable(label)}: `, { continued: true })
        .font('Helvetica').text(drawable(value === null || value === undefined || value === '' ? '—' : value), { paragraphGap: 2 });
    }));
    return this;
  }

  /** A bulleted list, tagged as L / LI / Lbl / LBody by pdfkit. */
  list(items: string[], empty = 'None.'): this {
    return this.items(items, empty, { bulletRadius: 2, textIndent: 12 });
  }

  /** A numbered list (the chronology, the evidence index). */
  numbered(items: string[], empty = 'None.'): this {
    return this.items(items, empty, { listType: 'numbered', textIndent: 20 });
  }

  /** Either list: the same tagging and spacing, only the marker and its indent differ. */
  private items(items: string[], empty: string, marker: Record<string, unknown>): this {
    if (!items.length) return this.paragraph(empty);
    const list = this.doc.struct('L');
    this.root.add(list);
    this.doc.font('Helvetica').fontSize(BODY).fillColor(INK)
      .list(items.map(drawable), { structParent: list, ...marker, paragraphGap: 3 } as PDFKit.Mixins.TextOptions);
    list.end();
    this.doc.moveDown(0.3);
    return this;
  }

  /** A thin line between sections: decoration, so an artifact. */
  rule(): this {
    const { doc } = this;
    doc.markContent('Artifact', { type: 'Layout' });
    const y = doc.y + 4;
    doc.moveTo(doc.page.margins.left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.endMarkedContent();
    doc.y = y + 8;
    return this;
  }

  pageBreak(): this {
    this.doc.addPage();
    return this;
  }

  /** Finishes the document: running header and page numbers (artifacts) on every page, then the bytes. */
  async end(): Promise<Buffer> {
    this.root.end();
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.markContent('Artifact', { type: 'Pagination' });
      doc.font('Helvetica').fontSize(8.5).fillColor(MUTED);
      doc.text(drawable(this.meta.header), MARGIN, MARGIN - 14, { width: doc.page.width - 2 * MARGIN, lineBreak: false });
      doc.text(`Page ${i + 1 - range.start} of ${range.count}`, MARGIN, doc.page.height - MARGIN + 6, {
        width: doc.page.width - 2 * MARGIN, align: 'right', lineBreak: false,
      });
      doc.endMarkedContent();
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return this.done;
  }
}
