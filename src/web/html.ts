/** HTML that is already safe to put in a page (built by `html` or produced by our chart renderer). */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string { return this.value; }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Value = string | number | boolean | null | undefined | Safe | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof Safe) return v.value;
  return escapeHtml(String(v));
}

/** Tagged template: every interpolated value is escaped unless it is `Safe`. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0]!;
  values.forEach((v, i) => { out += render(v) + strings[i + 1]!; });
  return new Safe(out);
}

export const trusted = (s: string): Safe => new Safe(s);
