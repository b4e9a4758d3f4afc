import { isRemoved, type RemovedText } from './history-chain.ts';
import { textDigest } from './fact-seals.ts';

/**
 * The keys under which a history entry's data holds words someone wrote (or
 * the bot wrote about the person), as opposed to codes, ids, numbers and
 * instants. Retention removes these; the codes stay, so the Partnership
 * Board's figures and the shape of the history survive.
 */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set([
  'reason', 'detail', 'note', 'why', 'summary', 'basisNeed', 'basisTests', 'basisRisk', 'funding', 'commissioning', 'interimFunding',
  'jointAssessment', 'sourceMessage', 'text', 'amountOrShare', 'description', 'currentCare', 'localCaseRef', 'nhsNumber', 'missing',
  'escalationReason', 'resolution', 'share', 'wordingQuery', 'care', 'decision', 'personNotInvolvedReason',
]);

/** A correction's before and after are texts when the field corrected is one. */
const TEXT_FIELDS = new Set(['localCaseRef', 'nhsNumber', 'description', 'currentCare']);

const removed = (disputeId: string, s: string): RemovedText => ({ $removed: textDigest(disputeId, s)! });

/** Every string inside `v` (any depth) as its removed form; how many there were. */
function removeAll(disputeId: string, v: unknown, count: { n: number }): unknown {
  if (typeof v === 'string') {
    count.n++;
    return removed(disputeId, v);
  }
  if (isRemoved(v) || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => removeAll(disputeId, x, count));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, removeAll(disputeId, x, count)]));
}

/** The free texts of an object, at any depth, removed. */
function removeFreeText(disputeId: string, v: unknown, count: { n: number }, correctsText: boolean): unknown {
  if (isRemoved(v) || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => removeFreeText(disputeId, x, count, false));
  const o = v as Record<string, unknown>;
  const texts = correctsText || TEXT_FIELDS.has(String(o.field));
  return Object.fromEntries(Object.entries(o).map(([k, x]) => {
    // An outcome is a code (AGREEMENT) on a decision and a sentence quoting it on a resolution.
    const sentence = k === 'outcome' && typeof x === 'string' && !/^[A-Z0-9_]+$/.test(x);
    const isText = FREE_TEXT_KEYS.has(k) || sentence || (texts && (k === 'before' || k === 'after'));
    return [k, isText ? removeAll(disputeId, x, count) : removeFreeText(disputeId, x, count, false)];
  }));
}

/**
 * An entry's data with texts removed: the top-level fields named (everything
 * under them), or every free text when `fields` is null. The result seals
 * exactly as the original did (history-chain.ts sealedData).
 */
export function removeTexts(disputeId: string, data: unknown, fields: readonly string[] | null): { data: unknown; removed: number } {
  const count = { n: 0 };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { data, removed: 0 };
  if (!fields) return { data: removeFreeText(disputeId, data, count, false), removed: count.n };
  const o = data as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fields.includes(k) ? removeAll(disputeId, x, count) : x]));
  return { data: out, removed: count.n };
}
