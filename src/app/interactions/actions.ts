import { z } from 'zod';
import type { AllowedAction } from '../../domain/allowed-actions.ts';
import type { Command } from '../../domain/commands.ts';
import { PERSON_STEPS } from '../../domain/types.ts';

/**
 * Every button and card action, on every platform: one entry per verb, with
 * the zod schema of its payload. Renderers build payloads with
 * `actionPayload`, receivers parse them with `parseAction`; nothing else
 * reads a payload. An entry either runs a command at once (`command`) or
 * opens a form whose submission does the work (`form`).
 *
 * To add an action: add its verb to `AllowedAction` (domain), an entry here,
 * and (for a form) a form in forms.ts. Adapters need no change.
 */
const id = z.string().trim().min(1).max(120);
const int = z.coerce.number().int().min(0).max(100_000);
const stage = z.coerce.number().int().min(1).max(4).transform((n) => n as 1 | 2 | 3 | 4);

export const ACTIONS = {
  raise: { payload: z.object({}), form: 'raise' },
  tick: {
    payload: z.object({ d: id, k: z.string().min(1).max(60), s: stage, n: z.coerce.number().pipe(z.union([z.literal(0), z.literal(1)])) }),
    command: (p: { k: string; s: 1 | 2 | 3 | 4; n: 0 | 1 }): Command => (
      { type: 'TICK_CHECKLIST', stage: p.s, key: p.k, ticked: p.n === 1 }),
  },
  confirm: {
    payload: z.object({ d: id, s: int, o: id }),
    command: (p: { s: number; o: string }): Command => ({ type: 'CONFIRM_DECISION', seq: p.s, organisationId: p.o }),
  },
  'confirm-chc': {
    payload: z.object({ d: id, n: int, o: id }),
    command: (p: { n: number; o: string }): Command => ({ type: 'CONFIRM_CHC_ADJUSTMENT', seq: p.n, organisationId: p.o }),
  },
  person: {
    payload: z.object({ d: id, k: z.enum(PERSON_STEPS) }),
    command: (p: { k: (typeof PERSON_STEPS)[number] }): Command => ({ type: 'PERSON_STEP', step: p.k, note: null }),
  },
  decide: { payload: z.object({ d: id }), form: 'decision' },
  escalate: { payload: z.object({ d: id }), form: 'escalate' },
  'care-change': { payload: z.object({ d: id }), form: 'care-change' },
  external: { payload: z.object({ d: id }), form: 'external' },
  letter: { payload: z.object({ d: id, n: int }), form: 'letter' },
  // R8.2: the action a refused "mark sent" offers when the record changed since drafting.
  'redraft-letter': {
    payload: z.object({ d: id, n: int }),
    command: (p: { n: number }): Command => ({ type: 'REDRAFT_LETTER', seq: p.n }),
  },
  'add-party': { payload: z.object({ d: id }), form: 'add-party' },
  'withdraw-party': { payload: z.object({ d: id }), form: 'withdraw-party' },
  'care-restored': { payload: z.object({ d: id }), form: 'care-restored' },
  'advocacy-na': { payload: z.object({ d: id }), form: 'advocacy-na' },
  correct: { payload: z.object({ d: id }), form: 'correct' },
  'cannot-resolve': { payload: z.object({ d: id }), form: 'cannot-resolve' },
  // R7.4: the one action a refused Stage 1 or 2 ending offers.
  'stage-3': {
    payload: z.object({ d: id }),
    command: (): Command => ({ type: 'MOVE_TO_STAGE_3', reason: 'Ending Section 117 aftercare was proposed, which only Stage 3 can decide.' }),
  },
  // R5.7: answered with where to download the referral pack; nothing is recorded.
  pack: { payload: z.object({ d: id }), link: 'pack' },
} as const;

export type Verb = keyof typeof ACTIONS;
export const VERBS = Object.keys(ACTIONS) as Verb[];
export type ParsedAction = { [V in Verb]: { verb: V } & z.infer<(typeof ACTIONS)[V]['payload']> }[Verb];

/** The payload a button carries for an allowed action on dispute `d` (validated as it is built). */
export function actionPayload(d: string, a: AllowedAction): Record<string, string | number> {
  const { label: _label, style: _style, verb, ...rest } = a;
  const payload = { d, ...rest };
  ACTIONS[verb].payload.parse(payload);
  return payload;
}

/**
 * A payload from a platform, checked against its verb's schema: a forged or
 * stale payload is refused here, before any lookup. Option values must be in
 * their lists; organisations are ids.
 */
export function parseAction(verb: string, payload: unknown): ParsedAction | null {
  if (!(verb in ACTIONS)) return null;
  const r = ACTIONS[verb as Verb].payload.safeParse(payload ?? {});
  return r.success ? ({ verb, ...r.data } as ParsedAction) : null;
}

/** The command an immediate action runs, or null when the action opens a form. */
export function actionCommand(a: ParsedAction): Command | null {
  const spec = ACTIONS[a.verb] as { command?: (p: never) => Command };
  return spec.command ? spec.command(a as never) : null;
}
