import {
  BASIS_TEXT, EFFECT_TEXT, effectiveDateRequired, effectsFor, ENDING_PROPOSER_ROLE, payersRequired, wordingDisagrees, wordingQuestion,
} from '../aftercare-effect.ts';
import type { ProposeDecisionInput } from '../commands.ts';
import { parseDate } from '../date-input.ts';
import { refuse, type Problems } from '../errors.ts';
import { activePartyIds, MAX_TEXT } from '../guards.ts';
import type { Draft } from '../stage-ops.ts';
import { AFTERCARE_EFFECTS, NEEDS_BASES, type AftercareEffect, type DecisionOutcome, type NeedsBasis, type Payer, type Person } from '../types.ts';

/** A proposal's structured facts, checked: what it does to aftercare, on what basis, who pays what from when. */
export interface DecisionStructure {
  outcome: DecisionOutcome;
  effect: AftercareEffect;
  basis: NeedsBasis[];
  payers: Payer[];
  effectiveFrom: string | null;
  wordingQuery: 'ENDS' | 'REDUCES' | null;
  /** Whether this stage can end aftercare at all (R7.4). */
  endingHere: boolean;
}

const MOVE_TO_STAGE_3 = { command: 'MOVE_TO_STAGE_3', label: 'Move to Stage 3' };
const ENDING_AT_STAGE_3 = 'Ending Section 117 aftercare can only be decided at Stage 3 by every party\'s senior officer, '
  + 'after a joint assessment (protocol section 7).';
const listOf = (effects: readonly AftercareEffect[]) => effects.map((e) => `${e} (${EFFECT_TEXT[e].toLowerCase()})`).join(', ');

/**
 * The gates of R3.3 and R7.1–R7.4 on the chosen facts. Every platform reaches them (chat forms, the CLI, the web), so
 * a form that offers only the allowed choices is a convenience, not the guard. Each independent gate reports into
 * `problems`, so a form shows every wrong choice at once; null when any was wrong.
 */
export function checkStructure(
  draft: Draft, me: Person, input: ProposeDecisionInput, problems: Problems,
): DecisionStructure | null {
  const chosen = problems.check(() => checkEffect(draft, me, input));
  // The gates below depend on the effect only in part: without a valid one they check what they can.
  const basis = problems.check(() => checkBasis(input.basis, chosen?.effect ?? null));
  const payers = problems.check(() => checkPayers(draft, input.payers ?? [], chosen ?? null));
  const effectiveFrom = problems.check(() => checkDate(input.effectiveFrom, chosen?.effect ?? null));
  if (!chosen || !basis || !payers || effectiveFrom === undefined) return null;
  const { outcome, effect, endingHere } = chosen;
  return { outcome, effect, basis, payers, effectiveFrom, wordingQuery: null, endingHere };
}

/**
 * R7.x: the words and the chosen effect disagree. Asked last, once everything else on the form is right, since it
 * asks about the choices as they stand; returns the structure with the question it raised.
 */
export function checkWording(s: DecisionStructure, input: ProposeDecisionInput, texts: (string | null | undefined)[]): DecisionStructure {
  const query = wordingDisagrees([...texts, ...s.payers.map((p) => p.share)], s.effect);
  if (query && input.wordingConfirmed !== true) {
    // Below Stage 3 an ending cannot be chosen at all: the question then offers the one way to it.
    const below = query === 'ENDS' && !s.endingHere;
    const ending = below ? ` ${ENDING_AT_STAGE_3} If that is what you mean, move the dispute to Stage 3.` : '';
    refuse(
      'WORDING_CHECK',
      `${wordingQuestion(query)} You chose "${EFFECT_TEXT[s.effect]}".${ending} `
        + 'If your choice is right, confirm it ("wordingConfirmed") and propose again; otherwise change the choice or the words.',
      'wordingConfirmed', below ? MOVE_TO_STAGE_3 : undefined,
    );
  }
  return { ...s, wordingQuery: query };
}

/** The effect chosen and what it makes the outcome: R7.4 (Stage 3 only), R7.1 (senior officers), the stage's list. */
function checkEffect(draft: Draft, me: Person, input: ProposeDecisionInput) {
  const { d, ctx } = draft;
  const stage = d.stage;
  const effect = input.effect;
  if (!effect || !(AFTERCARE_EFFECTS as readonly string[]).includes(effect)) {
    refuse('FIELD_REQUIRED', `Choose what the decision does to Section 117 aftercare ("effect"): ${listOf(AFTERCARE_EFFECTS)}.`, 'effect');
  }
  // R7.4: an ending is decided at Stage 3 only, whichever way it is chosen.
  const endingHere = ctx.policy.stages[stage].effects.includes('ENDS');
  if ((effect === 'ENDS' || input.outcome === 'END_AFTERCARE') && !endingHere) {
    refuse('ENDING_NEEDS_STAGE_3', `${ENDING_AT_STAGE_3} Move the dispute to Stage 3 to propose it there.`, 'effect', MOVE_TO_STAGE_3);
  }
  // An ending is one outcome, chosen once: "ends" with a written decision is the ending decision.
  const outcome: DecisionOutcome = effect === 'ENDS' && input.outcome === 'WRITTEN_DECISION' ? 'END_AFTERCARE' : input.outcome;
  if (outcome === 'END_AFTERCARE' && effect !== 'ENDS') {
    refuse(
      'EFFECT_DOES_NOT_MATCH_OUTCOME',
      'An ending decision ends Section 117 aftercare: choose "ENDS" as its effect ("effect"), or choose a written decision instead.',
      'effect',
    );
  }
  if (effect === 'ENDS' && !me.roles.includes(ENDING_PROPOSER_ROLE)) {
    // R7.1: not one person, not frontline: a senior officer proposes it and every party's senior officer confirms it.
    refuse('SENIOR_OFFICER_ONLY', `Only a senior officer can propose ending Section 117 aftercare ("effect": ENDS). ${ENDING_AT_STAGE_3}`,
      'effect');
  }
  const allowed = effectsFor(ctx.policy, stage, me, outcome);
  if (!allowed.includes(effect)) {
    const why = outcome === 'ESCALATE' ? 'An escalation leaves aftercare as it is while the dispute moves up (care must continue). ' : '';
    refuse('EFFECT_NOT_FOR_STAGE', `${why}At Stage ${stage} the effect ("effect") must be one of: ${listOf(allowed)}.`, 'effect');
  }
  return { effect, outcome, endingHere };
}

const BASIS_LIST = NEEDS_BASES.map((b) => `${b} (${BASIS_TEXT[b].toLowerCase()})`).join(', ');

function checkBasis(raw: readonly string[] | undefined, effect: AftercareEffect | null): NeedsBasis[] {
  const list = [...new Set(raw ?? [])];
  const unknown = list.filter((b) => !(NEEDS_BASES as readonly string[]).includes(b));
  if (unknown.length) {
    // R3.3 / R4.1: cost, budget and commissioning are not a basis, so they are not on the list to choose.
    refuse(
      'BASIS_REQUIRED',
      `"${unknown[0]}" is not a basis a decision can rest on. Choose from: ${BASIS_LIST}. `
        + 'Cost, budget or commissioning cannot be a basis (protocol section 3).',
      'basis',
    );
  }
  if (!list.length) refuse('BASIS_REQUIRED', `Choose at least one needs-led basis ("basis"): ${BASIS_LIST}.`, 'basis');
  const basis = NEEDS_BASES.filter((b) => list.includes(b));
  if (effect === 'ENDS' && !(basis.includes('ASSESSED_NEED') && basis.includes('STATUTORY_TESTS'))) {
    // Section 117(2): aftercare ends only when the person no longer needs it, which is an assessed-need test.
    refuse('BASIS_REQUIRED', 'An ending must rest on the person\'s assessed needs and the statutory Section 117 tests: '
      + 'choose both as its basis ("basis").',
      'basis');
  }
  return basis;
}

function checkPayers(draft: Draft, raw: readonly Payer[], chosen: { effect: AftercareEffect; outcome: DecisionOutcome } | null): Payer[] {
  const { d } = draft;
  const parties = activePartyIds(d);
  const payers: Payer[] = [];
  for (const p of raw) {
    const share = (p.share ?? '').trim();
    if (!parties.includes(p.organisationId)) {
      refuse('INVALID_PAYER', `${draft.orgName(p.organisationId)} is not a party to ${d.reference}, `
        + 'so it cannot be named as paying ("payers"). '
        + 'Add it as a party first, so it confirms the decision too.', 'payers');
    }
    if (!share) {
      const name = draft.orgName(p.organisationId);
      refuse('FIELD_REQUIRED', `Say what ${name} pays: its share or element, e.g. "60%" or "the accommodation" ("payers").`, 'payers');
    }
    if (share.length > MAX_TEXT) refuse('FIELD_TOO_LONG', `"payers" is too long; keep each share to ${MAX_TEXT} characters.`, 'payers');
    if (payers.some((x) => x.organisationId === p.organisationId)) {
      refuse('INVALID_PAYER', `${draft.orgName(p.organisationId)} is named twice in "payers"; name each organisation once.`, 'payers');
    }
    payers.push({ organisationId: p.organisationId, share });
  }
  if (!payers.length && chosen && payersRequired(chosen.effect, chosen.outcome)) {
    refuse('FIELD_REQUIRED', 'Say who pays what under this decision ("payers"): each paying organisation and its share.', 'payers');
  }
  return payers;
}

function checkDate(raw: string | null | undefined, effect: AftercareEffect | null): string | null {
  const v = (raw ?? '').trim();
  if (!v) {
    if (effect && effectiveDateRequired(effect)) {
      refuse('FIELD_REQUIRED', 'Say from when this applies ("effectiveFrom"), as a date like 2026-04-01.', 'effectiveFrom');
    }
    return null;
  }
  const r = parseDate('effectiveFrom', v);
  if (!r.ok) refuse('INVALID_DATE', r.error, 'effectiveFrom');
  return r.value;
}
