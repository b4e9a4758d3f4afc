/**
 * Slack mrkdwn treats &, < and > as control characters: `<!channel>` pings a
 * whole channel and `<@U123>` fakes a mention. Everything a person typed is
 * escaped before it is shown back (Slack's own rule: only these three).
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to Slack's limit on a field, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
