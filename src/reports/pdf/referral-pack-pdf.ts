import { packMarkText, type ReferralPack } from '../referral-pack.ts';
import { TaggedDocument } from './document.ts';
import { letterPdfInto } from './letter-pdf.ts';

const KIND_TEXT: Record<string, string> = { ICB: 'ICB', LOCAL_AUTHORITY: 'local authority', NHS_TRUST: 'NHS trust',
  OTHER: 'other partner' };

/** R5.7: the Stage 4 referral pack as an accessible PDF, section by section in the order a reviewer reads it. */
export async function referralPackPdf(p: ReferralPack, at: Date): Promise<Buffer> {
  const doc = await TaggedDocument.create({
    title: `Section 117 dispute ${p.reference}: Stage 4 referral pack`,
    header: `${p.reference} · Stage 4 referral pack · ${p.partnership} · OFFICIAL-SENSITIVE: PERSONAL`,
    subject: 'Chronology, positions, decisions, timescales, continuity of care, flags and evidence from the Section 117 register',
    at,
  });
  doc.heading(1, `Section 117 dispute ${p.reference}: Stage 4 referral pack`);
  doc.paragraph(`${p.partnership}. Produced from the Section 117 register on ${p.generatedAtText}. `
    + 'Everything here is as the register records it; nothing was written for this pack. '
    + 'The person is identified only by their local case reference and a masked NHS number.', { muted: true });
  doc.field('Status', p.status === 'OPEN' ? `Open at Stage ${p.stage} (${p.stageName})` : `Resolved at Stage ${p.stage}`);
  doc.field('Person', [`case ${p.person.caseReference}`, p.person.nhsNumber, p.person.cohort, p.person.setting].filter(Boolean).join(', '));
  doc.field('About', p.subjects.join('; '));
  doc.field('External escalation',
    p.externalRoutes.length
      ? p.externalRoutes.map((r) => `${r.route}, recorded by ${r.by} on ${r.at}${r.note ? ` (${r.note})` : ''}`).join('; ')
      : 'not yet recorded');

  doc.heading(2, '1. The disagreement');
  doc.paragraph(p.description);
  doc.heading(3, 'Parties');
  doc.list(p.parties.map((x) => `${x.organisation} (${KIND_TEXT[x.kind] ?? x.kind}): ${x.role}`
    + `${x.added ? `; added ${x.added}` : ''}${x.withdrawn ? `; withdrawn ${x.withdrawn}` : ''}`));

  doc.heading(2, '2. Timescales: every stage and its deadline');
  if (p.overdue) doc.paragraph(`Stage ${p.overdue.stage} is overdue: it was due ${p.overdue.due}.`, { bold: true });
  for (const s of p.stages) {
    doc.heading(3, `Stage ${s.stage}: ${s.name}`);
    doc.field('Timescale', packMarkText(s.mark));
    doc.field('Started', s.started);
    doc.field('Deadline', s.due ?? 'none (no timescale)');
    doc.field('Ended', s.ended ? `${s.ended}${s.how ? `, ${s.how}` : ''}` : 'not ended');
    if (s.escalationReason) doc.field('Reason for escalation', s.escalationReason);
  }

  doc.heading(2, "3. Each organisation's position");
  for (const o of p.positions) {
    doc.heading(3, `${o.organisation} (${o.role})`);
    doc.list(o.statements.map((s) => `${s.at}, ${s.by}: ${s.what}`), 'Nothing recorded by this organisation.');
  }
  if (p.cannotResolve.length) {
    doc.heading(3, 'Stage 3 cannot resolve it (senior officers)');
    doc.list(p.cannotResolve.map((c) => `${c.organisation}, ${c.by}, ${c.at}: ${c.reason}`));
  }

  doc.heading(2, '4. Decisions and their basis');
  if (!p.decisions.length) doc.paragraph('No decision was recorded.');
  for (const x of p.decisions) {
    doc.heading(3, `Decision ${x.seq}: ${x.outcome} (Stage ${x.stage}, ${x.status})`);
    doc.paragraph(x.summary);
    doc.field('Effect on aftercare', `${x.effect}${x.effectiveFrom ? `, from ${x.effectiveFrom}` : ''}`);
    doc.field('Basis', x.basis.join('; '));
    doc.field('Assessed need', x.basisNeed);
    doc.field('Section 117 tests', x.basisTests);
    doc.field('Risk of deterioration or readmission', x.basisRisk);
    doc.field('Who pays', x.payers.length ? x.payers.map((y) => `${y.organisation}: ${y.share}`).join('; ') : 'not recorded');
    if (x.funding) doc.field('Funding', x.funding);
    if (x.commissioning) doc.field('Commissioning', x.commissioning);
    if (x.interimFunding) doc.field('Interim funding', x.interimFunding);
    if (x.wordingQuery) doc.field('Note', x.wordingQuery);
    if (x.jointAssessment.length) doc.field('Joint assessment', x.jointAssessment.join(' '));
    doc.field('Proposed', `${x.proposedBy}, ${x.proposedAt}`);
    doc.field('Took effect', x.tookEffect ?? 'no');
    doc.list(x.confirmations.map((c) => `${c.organisation}: ${c.by ? `confirmed by ${c.by}, ${c.at}` : 'not confirmed'}`));
  }

  doc.heading(2, '5. Continuity of care during the dispute');
  doc.paragraph(p.continuity.reminder, { bold: true });
  doc.field('Care when the dispute was raised', p.continuity.careAtRaising);
  doc.field('Confirmed to continue at raising', p.continuity.careContinues ? 'yes' : 'no');
  doc.heading(3, 'Reports that care was delayed, reduced or withdrawn');
  doc.list(p.continuity.alerts.map((a) => `${a.at}: ${a.detail.replace(/\.$/, '')}. ${a.resolved ? `Care restored ${a.resolved}${a.resolution ? `: ${a.resolution}` : ''}.` : 'Not yet restored.'}`),
    'No delay, reduction or withdrawal of care was reported during the dispute.');
  if (p.chc) {
    doc.heading(3, 'NHS Continuing Healthcare (parallel track)');
    doc.paragraph(`${p.chc.status}${p.chc.referralDate ? `; referred ${p.chc.referralDate}` : ''}`
      + `${p.chc.decisionDate ? `; decided ${p.chc.decisionDate}` : ''}. `
      + 'CHC consideration never pauses the Section 117 stages.');
    const agreed = (a: { agreed: boolean }) => (a.agreed ? 'agreed by every party' : 'not agreed');
    doc.list(p.chc.adjustments.map((a) => `Adjustment from ${a.from}: ${a.amountOrShare} (${agreed(a)})`),
      'No funding adjustment.');
  }

  doc.heading(2, '6. Flags');
  doc.heading(3, 'Grounds that are not lawful reasons to delay or withhold aftercare (protocol section 4)');
  doc.list(p.flags.unlawfulGrounds.map((f) => `${f.ground} (${f.at}): ${f.detail}`), 'None cited.');
  doc.heading(3, 'Legal-risk signals');
  doc.list(p.flags.legalRisk.map((f) => `${f.signal} (${f.at}): ${f.detail}${f.resolved ? `. Resolved ${f.resolved}` : ''}`), 'None.');

  doc.heading(2, '7. The person');
  const done = (s: ReferralPack['personSteps'][number]) => `done by ${s.by ?? 'unknown'}, ${s.at}${s.note ? ` (${s.note})` : ''}`;
  doc.list(p.personSteps.map((s) => `${s.step}: ${s.done ? done(s) : 'not yet'}`));

  doc.heading(2, '8. Chronology');
  doc.paragraph('Every entry in the dispute\'s history, oldest first, as the register recorded it.', { muted: true });
  doc.numbered(p.chronology.map((h) => `${h.at}, ${h.by} (${h.platform}): ${h.what}`
    + `${h.correctsSeq ? ` [corrects entry ${h.correctsSeq}]` : ''}`));

  doc.heading(2, '9. Index of evidence');
  doc.list(p.evidence.map((e) => `${e.id}. ${e.kind}, ${e.at}: ${e.what} (${e.where})`));

  for (const l of p.letters) {
    doc.pageBreak();
    letterPdfInto(doc, p.reference, l, 3);
  }
  return doc.end();
}
