/**
 * Text from a chat platform, made plain before anything else sees it.
 *
 * Bidirectional overrides and isolates (U+202A–202E, U+2066–2069), the
 * direction marks U+200E/U+200F and C0/C1 control characters can make a
 * stored reason read differently from what was typed ("Trojan Source"), or
 * break the CSV and the letter. Newline and tab are kept: people type them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE, '');
}

/** Cleans every string in a submitted form (or a list of them), leaving other values alone. */
export function cleanValues<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanValues(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, cleanValues(v)])) as T;
  }
  return value;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function entities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/**
 * A Teams message body (HTML) as the words a person wrote: paragraphs and
 * line breaks become newlines, tags go, entities are decoded once — so
 * "ICB &amp; the council" is stored as "ICB & the council".
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return cleanText(entities(text)).replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Slack's message text escapes exactly &, < and >; links and mentions are
 * `<…>` tokens. Shown as the reader saw them: `<http://x|label>` → label,
 * `<@U1>` stays an opaque token (escaped again when shown), then &amp; &lt;
 * &gt; are decoded once, so nothing is escaped twice.
 */
export function slackToText(text: string): string {
  const unlinked = text.replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2').replace(/<((?:https?|mailto):[^>]+)>/g, '$1');
  return cleanText(unlinked.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}
