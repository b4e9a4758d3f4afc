import { activePartyIds } from './guards.ts';
import { seniorOfficers } from './participants.ts';
import type { Draft } from './stage-ops.ts';
import { CONTINUITY_REMINDER, FLAG_TEXT, UNLAWFUL_GROUND_NOTICE } from './texts.ts';
import type { UnlawfulGround } from './types.ts';
import { GROUND_TEXT } from './unlawful-grounds.ts';

/** R4.1: tell people, flag, never block. */
export function flagGrounds(draft: Draft, grounds: UnlawfulGround[], where: string): void {
  const uniq = [...new Set(grounds)];
  if (!uniq.length) return;
  for (const g of uniq) draft.flag('UNLAWFUL_GROUND', `${where}: ${GROUND_TEXT[g]}`, g);
  draft.post({
    title: `${draft.d.reference}: ${FLAG_TEXT.UNLAWFUL_GROUND}`,
    lines: [`${where} cites:`, ...uniq.map((g) => `• ${GROUND_TEXT[g]}`), UNLAWFUL_GROUND_NOTICE.replace(':', '.'), CONTINUITY_REMINDER],
    mentions: [],
  });
}

export function continuityAlert(draft: Draft, detail: string): void {
  const { d, ctx } = draft;
  draft.flag('CONTINUITY_ALERT', detail);
  const seniors = seniorOfficers(ctx.directory, activePartyIds(d));
  const msg = {
    title: `${d.reference}: URGENT — ${FLAG_TEXT.CONTINUITY_ALERT}`,
    lines: [detail, `The dispute is at Stage ${d.stage}.`, CONTINUITY_REMINDER, 'Senior officers: please make sure care is restored now, whatever the dispute.'],
    mentions: seniors.map((s) => s.id),
  };
  // R0.4: the one alert not held to working hours.
  draft.post(msg, true);
  for (const s of seniors) draft.dm(s.id, { ...msg, mentions: [] }, true);
  draft.governance({ ...msg, mentions: [] }, true);
  draft.refreshCard();
}
