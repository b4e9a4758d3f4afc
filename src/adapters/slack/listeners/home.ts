import type { App } from '@slack/bolt';
import { homeView } from '../blocks/home.ts';
import type { SlackContext } from '../context.ts';

export function register(app: App, ctx: SlackContext): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    const r = await ctx.interactions.home(ctx.person(event.user), ctx.where(context));
    await client.views.publish({ user_id: event.user, view: homeView(r.ok ? r.value : null, r.ok ? null : r.refusal.message) });
  });
}
