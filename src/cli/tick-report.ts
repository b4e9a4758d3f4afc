import type { OutboxLine } from '../register/outbox-report.ts';

const KIND: Record<string, string> = {
  OPEN_CASE_SPACE: 'open the case space', INVITE: 'invite the stage\'s people', REFRESH_CARD: 'update the stage card',
  POST: 'post in the case space', DM: 'direct message', GOVERNANCE: 'tell governance',
};

/** What `s117 tick` did with each notification, grouped: delivered, waiting, failed. */
export function tickReport(rows: OutboxLine[], now: Date, when: (d: Date) => string): string {
  const line = (r: OutboxLine) => {
    const what = [r.reference, `${KIND[r.kind] ?? r.kind.toLowerCase()}${r.to ? ` to ${r.to}` : ''}`].filter(Boolean).join(': ');
    return `  ${what}${r.title ? ` — "${r.title}"` : ''}`;
  };
  const delivered = rows.filter((r) => r.deliveredAt);
  const failed = rows.filter((r) => r.failedAt);
  const later = rows.filter((r) => !r.deliveredAt && !r.failedAt);
  const out: string[] = [];
  if (delivered.length) out.push(`Delivered (${delivered.length}):`, ...delivered.map(line));
  if (later.length) {
    const why = (r: OutboxLine) => (new Date(r.notBefore) > now
      ? `held until ${when(new Date(r.notBefore))} (working hours)`
      : `to retry${r.lastError ? ` after: ${r.lastError}` : ''}`);
    out.push(`Queued (${later.length}):`, ...later.map((r) => `${line(r)} — ${why(r)}`));
  }
  if (failed.length) {
    out.push(`Failed, not retried (${failed.length}):`, ...failed.map((r) => `${line(r)} — ${r.lastError ?? 'see the log'}`));
  }
  return out.length ? `${out.join('\n')}\n` : 'Nothing to deliver.\n';
}
