import { stageCard as slackCard } from '../../src/adapters/slack/blocks/stage-card.ts';
import { escCard, stageCard as teamsCard } from '../../src/adapters/teams/cards.ts';
import { esc } from '../../src/adapters/slack/escape.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { disputeView } from '../../src/domain/view.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';

// R2.5, R3.2: a withdrawal one party has proposed waits for the others; until then the organisation is still a
// party, and the card says so where everyone sees it, on Slack and on Teams alike.

const WAITING = 'Withdrawing Anytown Mental Health NHS Trust is proposed (Not involved after all.): agreed by Anytown Council; '
  + 'waits for NHS Anytown ICB, or for Anytown Mental Health NHS Trust\'s senior officer';

function proposed(): Scenario {
  const s = new Scenario();
  s.raise();
  s.run('ali-khan', { type: 'ADD_PARTY', organisationId: 'anytown-trust', role: 'INTERESTED', reason: 'The trust provides the care.' });
  s.run('ali-khan', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Not involved after all.' });
  return s;
}

describe('a pending withdrawal on the stage card', () => {
  it('[R2.5] [R3.2] Slack and Teams show the proposal, its reason, who agreed and who it waits for; gone once agreed', () => {
    const s = proposed();
    const view = () => disputeView(s.dispute, DEFAULT_POLICY, calendar, directory);
    // As each platform escapes it, inside the card's JSON.
    const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
    expect(JSON.stringify(slackCard(view()).blocks)).toContain(inJson(`:hourglass: ${esc(WAITING)}`));
    expect(JSON.stringify(teamsCard(view()))).toContain(inJson(`⏳ ${escCard(WAITING)}`));
    s.run('gus-hart', { type: 'WITHDRAW_PARTY', organisationId: 'anytown-trust', reason: 'Agreed.' });
    expect(JSON.stringify(slackCard(view()).blocks)).not.toContain('Withdrawing');
    expect(JSON.stringify(teamsCard(view()))).not.toContain('Withdrawing');
  });
});
