/**
 * Slack mrkdwn treats &, < and > as control characters: `<!channel>` pings a
 * whole channel and `<@U123>` fakes a mention. Everything a person typed is
 * escaped before it is shown back (Slack's own rule: only these three).
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts to Slack's limit on a field, marking the cut. Never inside an escape
 * (`&am…` would show as typed, and a cut `&lt;` could leave a bare `&`), nor
 * between the halves of a character outside the basic plane (an emoji).
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && /^&(amp|lt|gt);/.test(text.slice(amp)) && text.indexOf(';', amp) >= cut) cut = amp;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
