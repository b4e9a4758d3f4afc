// Characters that change how text is shown without being visible: bidi
// overrides and isolates (an RTL override can make "evil.exe" read as
// "exe.live"), C0/C1 control characters, and invisible format characters.
// Kept: tab and newline (free text has paragraphs), and the zero-width
// joiner (emoji sequences need it).
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
const LINE_BREAKS = /[\r\n\t\u2028\u2029\u0085]/g;

/** True when `s` holds a character `cleanText` would remove. */
export function hasHiddenCharacters(s: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(s) || /\r(?!\n)/.test(s);
}

/**
 * User text made safe to store and show: bidi and control characters
 * removed, CR/LF normalised to LF. `singleLine` also turns line breaks and
 * tabs into spaces (names, references, anything shown on one line).
 */
export function cleanText(s: string, opts: { singleLine?: boolean } = {}): string {
  let out = s.replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
  if (opts.singleLine) out = out.replace(LINE_BREAKS, ' ');
  else out = out.replace(/[\u2028\u2029\u0085]/g, '\n');
  return out;
}
