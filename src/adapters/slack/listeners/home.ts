import type { App } from '@slack/bolt';
import { homeView } from '../blocks/home.ts';
import type { SlackContext } from '../context.ts';

export function register(app: App, ctx: SlackContext): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const me = ctx.person(event.user);
    const mine = me ? await ctx.service.openFor(me.id) : [];
    await client.views.publish({ user_id: event.user, view: homeView(me, mine.map((d) => ({ d, v: ctx.service.view(d) }))) });
  });
}
