import type { Message } from '../domain/effects.ts';
import type { BadRow } from './outbox.ts';

const KIND: Record<string, string> = {
  OPEN_CASE_SPACE: 'opening the case space', INVITE: 'inviting participants', REFRESH_CARD: 'updating the stage card',
  POST: 'a message in the case space', DM: 'a direct message', GOVERNANCE: 'a notice to governance',
};

/** The one alert governance gets about notifications that failed or are late: what, which disputes, and what to do. */
export function alertMessage(rows: BadRow[], lateAfterMs: number): Message {
  const failed = rows.filter((r) => r.failed);
  const late = rows.filter((r) => !r.failed);
  const hours = Math.round(lateAfterMs / 3_600_000);
  const lines: string[] = [];
  if (failed.length) lines.push(`${failed.length} notification(s) could not be delivered and will not be retried.`);
  if (late.length) {
    lines.push(`${late.length} notification(s) are still waiting more than ${hours} hour(s) after they were due; the bot keeps trying.`);
  }
  for (const r of rows.slice(0, 10)) {
    lines.push(`• ${r.reference ?? 'governance'}: ${KIND[r.kind] ?? r.kind}${r.lastError ? ` (${r.lastError.slice(0, 120)})` : ''}`);
  }
  if (rows.length > 10) lines.push(`…and ${rows.length - 10} more.`);
  lines.push('Check that the bot can reach Slack and Teams (its /readyz page says why not),'
    + ' and tell the people on these disputes directly if a deadline is close.');
  return { title: 'Some dispute notifications have not been delivered', lines, mentions: [] };
}
