import type { UnlawfulGround } from './types.ts';

/** R4.1: the grounds, in the words the protocol uses. */
export const GROUND_TEXT: Record<UnlawfulGround, string> = {
  BUDGET: 'budget constraints or financial pressures',
  HEALTH_VS_SOCIAL_CARE: 'disagreement about whether a service is "health" or "social care"',
  NO_LOCAL_POLICY: 'absence of a local policy or funding protocol',
  AWAITING_PANEL: 'awaiting a panel decision where needs are already identified',
  CHC_UNDETERMINED: 'a CHC dispute not yet determined',
  RESTRUCTURING: 'organisational restructuring or commissioning changes',
};

// Phrases people actually write in e-mails and case notes. Matching is on
// lower-cased text with punctuation folded to spaces; a hit flags, never blocks.
const PATTERNS: Record<UnlawfulGround, RegExp[]> = {
  BUDGET: [/\bbudget/, /\bfinancial pressure/, /\bcost pressure/, /\bno (money|funds?|funding available)\b/, /\bcan ?not afford\b/, /\bcan t afford\b/, /\boverspen[dt]/, /\bsavings? target/],
  HEALTH_VS_SOCIAL_CARE: [/\b(is|is it|it s|whether) (a )?(health|social care) (need|service|or)\b/, /\bhealth (or|vs|versus) social care\b/, /\bsocial care (or|vs|versus) health\b/, /\bnot (a )?(health|social care) (need|responsibility|service)\b/],
  NO_LOCAL_POLICY: [/\bno (local )?(policy|funding protocol|agreed protocol)\b/, /\babsence of (a )?(local )?(policy|protocol)\b/, /\bwithout (a )?(local )?(policy|protocol)\b/],
  AWAITING_PANEL: [/\bawait(ing)? (the )?(funding )?panel\b/, /\bpending (the )?(funding )?panel\b/, /\buntil (the )?(funding )?panel\b/, /\bpanel (has not|hasn t|not yet) (met|decided)\b/],
  CHC_UNDETERMINED: [/\b(await(ing)?|pending|until) (the )?(chc|continuing healthcare)\b/, /\bchc (is )?(not yet|undetermined|outstanding|pending)\b/, /\bcontinuing healthcare (is )?(not yet|undetermined|outstanding|pending)\b/],
  RESTRUCTURING: [/\brestructur/, /\breorganis/, /\bcommissioning (change|changes|review|intentions)\b/, /\bre ?commissioning\b/, /\bservice reduction/, /\bdecommission/],
};

export function detectUnlawfulGrounds(text: string | null | undefined): UnlawfulGround[] {
  if (!text) return [];
  const norm = ` ${text.toLowerCase().replace(/[’'`]/g, ' ').replace(/[^a-z0-9]+/g, ' ')} `;
  return (Object.keys(PATTERNS) as UnlawfulGround[]).filter((g) => PATTERNS[g].some((re) => re.test(norm)));
}
