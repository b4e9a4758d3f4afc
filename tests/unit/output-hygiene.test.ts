import { Writable } from 'node:stream';
import { createLogger } from '../../src/app/logger.ts';
import { cleanText, hasHiddenCharacters } from '../../src/domain/text-hygiene.ts';
import { csvCell } from '../../src/reports/register-export.ts';
import { safeReturnTo } from '../../src/web/query.ts';

describe('output hygiene', () => {
  it('CSV neutralises formulas in ASCII and full-width forms, and drops bidi/control characters', () => {
    for (const f of ['=1+1', '+1', '-1', '@SUM(A1)', '＝1+1', '＋1', '－1', '＠SUM(A1)']) expect(csvCell(f).startsWith("'")).toBe(true);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a\u202Eexe.txt\u0000')).toBe('aexe.txt');
  });

  it('cleanText strips RTL overrides, isolates and control characters but keeps line breaks, tabs and emoji joiners', () => {
    expect(cleanText('evil\u202Etxt.exe')).toBe('eviltxt.exe');
    expect(cleanText('a\u2066b\u2069c\u0007d\u0000')).toBe('abcd');
    expect(cleanText('line 1\r\nline 2\tx')).toBe('line 1\nline 2\tx');
    expect(cleanText('line 1\nline 2', { singleLine: true })).toBe('line 1 line 2');
    expect(cleanText('👩\u200D⚕️')).toBe('👩\u200D⚕️');
    expect(hasHiddenCharacters('ok')).toBe(false);
    expect(hasHiddenCharacters('\u202E')).toBe(true);
    // A carriage return on its own is a hidden line break; in CRLF it is only the line ending.
    expect(cleanText('a\rb')).toBe('a\nb');
    expect(hasHiddenCharacters('a\rb')).toBe(true);
    expect(hasHiddenCharacters('a\r\nb')).toBe(false);
    expect(cleanText('a\u2028b\u2029c')).toBe('a\nb\nc');
  });

  it('returnTo after sign-in is a register path, never a header break or another site', () => {
    expect(safeReturnTo('/register?page=2')).toBe('/register?page=2');
    expect(safeReturnTo(null)).toBe('/register');
    for (const bad of ['/register\r\nSet-Cookie: x=1', '//evil.example', 'https://evil.example', '/register\\..\\x', '/elsewhere', '/register%0d%0a'.replace('%0d%0a', '\n')]) {
      expect(safeReturnTo(bad)).toBeNull();
    }
  });

  it('logs never carry request bodies or free text about the person, at any level', () => {
    let out = '';
    const log = createLogger('trace', new Writable({ write(c, _e, cb) { out += String(c); cb(); } }) as never);
    log.debug({ body: 'payload=secret', description: 'Ms X lives at …', args: { text: 'about the person' }, nhsNumber: '9434765919' }, 'request');
    log.info({ err: { message: 'ok' }, payload: { text: 'free text' } }, 'x');
    expect(out).not.toMatch(/secret|Ms X|about the person|9434765919|free text/);
    expect(out).toMatch(/\[redacted\]/);
  });
});
