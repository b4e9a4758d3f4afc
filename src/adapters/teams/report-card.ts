import { fitsTeams } from './activity-size.ts';
import { type Card, CARD_VERSION } from './cards.ts';

/**
 * The report's card: its lines and links, and the chart inline when the
 * whole activity still fits Teams' limit. The chart travels as base64 (a
 * third larger than the PNG), so only the serialised card can tell; a chart
 * that does not fit is left out, and the full report is a link away.
 */
export function reportCard(body: unknown[], png: Buffer, altText: string, actions: unknown[]): Card {
  const card = (blocks: unknown[]): Card => ({
    type: 'AdaptiveCard', version: CARD_VERSION, body: blocks, ...(actions.length ? { actions } : {}),
  });
  const withChart = card([...body, { type: 'Image', url: `data:image/png;base64,${png.toString('base64')}`, altText }]);
  return fitsTeams(withChart) ? withChart : card(body);
}
