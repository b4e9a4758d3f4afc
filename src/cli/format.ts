import type { App } from '../boot.ts';
import type { Dispute } from '../domain/types.ts';

/** A dispute as a screenful of text for the terminal. */
export function formatDispute(app: App, d: Dispute): string {
  const v = app.service.view(d);
  const lines = [
    `${v.reference} — ${v.status === 'OPEN' ? `Stage ${v.stage}: ${v.stageName}` : 'Resolved'}${v.overdue ? ' (OVERDUE)' : ''}`,
    `  ${v.dueText}`,
    `  Person: ${v.personRef}`,
    `  About: ${v.subjects.join('; ')}`,
    `  Parties: ${v.parties.map((p) => `${p.name} (${p.role})`).join('; ')}`,
  ];
  if (v.checklist.length) lines.push('  Checklist:', ...v.checklist.map((c) => `    [${c.done ? 'x' : ' '}] ${c.label}${c.by ? ` — ${c.by}` : ''}`));
  if (v.pendingDecision) {
    const p = v.pendingDecision;
    lines.push(`  Decision ${p.seq} waiting for confirmation (${p.outcome}): ${p.summary}`, ...p.assessment.map((l) => `    ${l}`),
      ...p.confirmations.map((c) => `    ${c.by ? '✓' : '·'} ${c.organisation}${c.by ? ` — ${c.by}, ${c.at}` : ''}`));
  }
  lines.push('  Stages:');
  for (const s of d.stages) {
    const due = s.dueAt ? app.calendar.describe(new Date(s.dueAt)) : 'no timescale';
    const state = s.endedAt ? `ended ${s.endReason?.toLowerCase()}, timescale ${s.met === true ? 'met' : s.met === false ? 'missed' : 'n/a'}` : s.timedOutAt ? 'overdue' : 'open';
    lines.push(`    ${s.stage}. started ${app.calendar.describe(new Date(s.startedAt))}, due ${due} — ${state}`);
  }
  lines.push('  The person:', ...v.personSteps.map((p) => `    [${p.done ? 'x' : ' '}] ${p.label}`));
  if (v.chc) lines.push(`  ${v.chc}`);
  for (const w of v.pendingWithdrawals) lines.push(`  ${w}`);
  if (v.flags.length) lines.push(`  Flags: ${v.flags.join('; ')}`);
  if (v.stillNeeded.length) lines.push(`  Still needed to close: ${v.stillNeeded.join('; ')}`);
  if (v.outcome) lines.push(`  Outcome: ${v.outcome}`);
  return lines.join('\n');
}
