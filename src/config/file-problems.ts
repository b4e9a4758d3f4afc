import { parse } from 'yaml';
import type { z } from 'zod';

/**
 * How every settings file (the directory, the sign-in providers, the Teams connections, the Slack workspaces) says
 * what is wrong with its content: the entry by its id or name, the field, and what to write, in plain English. The
 * validator's own wording ("Invalid input: expected string, received number", "Unrecognized key") names neither
 * what the field holds nor how to fix it, and a number where text goes is the commonest slip in YAML (an unquoted
 * id or year).
 */

const EXPECTED: Record<string, string> = {
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false',
  array: 'a list (lines starting with "- ")', object: 'a set of "name: value" lines',
};

function describe(input: unknown): string {
  if (input === null) return 'empty';
  if (typeof input === 'number') return `the number ${input}`;
  if (typeof input === 'boolean') return `${input}`;
  if (typeof input === 'string') return 'text';
  if (Array.isArray(input)) return 'a list';
  return 'a set of "name: value" lines';
}

const quoted = (keys: readonly PropertyKey[]) => keys.map((k) => `"${String(k)}"`).join(', ');

/**
 * zod's messages, where a schema gives none of its own, as a person fixing the file needs them (zod uses a message
 * given on a schema before this, so the fields' own wording stands). Passed to safeParse as its `error`.
 */
export const plainEnglish = (iss: z.core.$ZodRawIssue): string | undefined => {
  const field = iss.path?.length ? String(iss.path[iss.path.length - 1]) : null;
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return field ? `is missing: add ${field}: to this entry` : 'is missing';
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      const quote = iss.expected === 'string' && (typeof iss.input === 'number' || typeof iss.input === 'boolean')
        ? `: put it in quotes, like "${String(iss.input)}"` : '';
      return `must be ${expected} (it is ${describe(iss.input)})${quote}`;
    }
    case 'unrecognized_keys': {
      const one = iss.keys.length === 1;
      return `has ${quoted(iss.keys)}, which ${one ? 'is not a field' : 'are not fields'} here: check ${one ? 'its' : 'their'} `
        + `spelling (names are case-sensitive), or remove ${one ? 'it' : 'them'}`;
    }
    case 'too_small': {
      const n = Number(iss.minimum);
      if (iss.origin === 'string') return n <= 1 ? 'must not be empty' : `must be at least ${n} characters long`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must list at least ${n}`;
      return `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(iss.maximum);
      if (iss.origin === 'string') return `must be at most ${n} characters long: shorten it`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must list at most ${n}`;
      return `must be at most ${n}`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (iss.format === 'email') return 'must be an e-mail address, like jo.smith@nhs.net';
      if (iss.format === 'url') return 'must be a web address starting with https://';
      return 'is not in the form this field takes (see the example file in config/ or docs/)';
    default:
      return 'is not valid here: see the example file in config/ or docs/ for what this field takes';
  }
};

/** Names the entry ("people[3] (jo-smith).name") rather than a bare index: by its id, name, team or issuer. */
export function entryLabel(raw: unknown, path: readonly PropertyKey[]): string {
  let label = '';
  let node: unknown = raw;
  for (const k of path) {
    node = (node as Record<PropertyKey, unknown> | null | undefined)?.[k];
    label += typeof k === 'number' ? `[${k}]` : `${label ? '.' : ''}${String(k)}`;
    if (typeof k !== 'number' || !node || typeof node !== 'object') continue;
    const e = node as Record<string, unknown>;
    const name = [e.id, e.name, e.team, e.issuer].find((v) => typeof v === 'string' && v.trim());
    if (name) label += ` (${String(name)})`;
  }
  return label;
}

/**
 * One line per problem, `entry.field: what is wrong and what to write`. `top` is what the file starts with, for a
 * file that is empty or is not a set of "name: value" lines at all.
 */
export function fileProblems(error: z.ZodError, raw: unknown, top: string): string[] {
  return error.issues.map((i) => {
    if (!i.path.length && (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw))) {
      return `the file is empty or not a set of "name: value" lines: start it with ${top}:`;
    }
    return `${entryLabel(raw, i.path) || 'the file'}: ${i.message}`;
  });
}

/** Why a file could not be read: the system's code (ENOENT, EACCES, EISDIR), or its message when it has none. */
export const whyUnreadable = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * YAML text parsed, or where the parser stopped. Only the first line of its message: the rest quotes the lines
 * around the fault, which would break the one line a start-up failure prints (and could put case text or a secret
 * from the file in a log).
 */
export function parseYaml(text: string): { ok: true; raw: unknown } | { ok: false; at: string } {
  try {
    return { ok: true, raw: parse(text) as unknown };
  } catch (e) {
    return { ok: false, at: (e as Error).message.split('\n')[0]!.trim().replace(/:$/, '') };
  }
}
