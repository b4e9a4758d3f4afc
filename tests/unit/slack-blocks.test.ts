import { formModal } from '../../src/adapters/slack/blocks/modals.ts';
import { stageCard } from '../../src/adapters/slack/blocks/stage-card.ts';
import { clip, esc } from '../../src/adapters/slack/escape.ts';
import { LIMITS } from '../../src/adapters/slack/blocks/limits.ts';
import { simpleFormSpec, SIMPLE_FORMS } from '../../src/app/interactions/simple-forms.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { disputeView } from '../../src/domain/view.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';
import { messageSchema, modalSchema } from '../helpers/slack.ts';

/** An escape cut in half: `&` not starting a whole `&amp;`, `&lt;` or `&gt;`. */
const BROKEN_ENTITY = /&(?!(amp|lt|gt);)/;

describe('Slack blocks within Slack\'s limits, without losing what matters', () => {
  it('a cut never splits an escape such as &amp;, nor an emoji, and stays within the limit', () => {
    const typed = 'Smith & Sons <care> agreed & then > disagreed 😀 & more';
    const escaped = esc(typed);
    for (let max = 2; max < escaped.length; max++) {
      const cut = clip(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(BROKEN_ENTITY);
      expect(cut).not.toMatch(/[\uD800-\uDBFF]…$/);
      expect(cut.endsWith('…')).toBe(true);
    }
    expect(clip(escaped, escaped.length)).toBe(escaped);
  });

  it('[R3.2] the per-organisation confirmations on the stage card come before a long decision, so a cut never drops them', () => {
    const s = new Scenario();
    s.raise();
    const summary = 'Smith & Sons provide the care; the split of funding & commissioning follows the assessed need. '.repeat(31).slice(0, 2990);
    s.run('ali-khan', { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', summary, basisNeed: 'n', basisTests: 't', basisRisk: 'r', effect: 'CONTINUES', basis: ['ASSESSED_NEED'] } });
    const view = disputeView(s.dispute, DEFAULT_POLICY, calendar, directory);
    const card = stageCard(view);
    expect(messageSchema.safeParse(card).success).toBe(true);
    const text = JSON.stringify(card.blocks);
    for (const c of view.pendingDecision!.confirmations) expect(text).toContain(`:hourglass: ${esc(c.organisation)}`);
    for (const b of card.blocks) {
      const t = (b as { text?: { text?: string } }).text?.text ?? '';
      expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(t).not.toMatch(BROKEN_ENTITY);
    }
  });

  it.each(SIMPLE_FORMS)('the %s form\'s modal keeps the whole reference (the title bar holds 24 characters)', (form) => {
    const s = new Scenario();
    s.raise();
    const d = { ...s.dispute, reference: 'S117-2026-10042' };
    const modal = formModal({ kind: 'form', form, dispute: d, simple: simpleFormSpec(form, d, directory) });
    expect(modalSchema.safeParse(modal).success).toBe(true);
    expect(modal.title.text).not.toContain('…');
    expect(JSON.stringify(modal.blocks[0])).toContain('S117-2026-10042');
  });
});
