// What bench:teams and bench:teams-cpu share: the fake Bot Connector and the bare CloudAdapter in processes of their
// own, the card-action invoke both bots answer, and the bot started on a database with 50 disputes raised on Teams.
import { type BenchDb, type Child, forkTs } from './lib.ts';

export interface TeamsRig {
  connector: Child;
  bare: Child;
  bareUrl: string;
  /** Where the bot's replies go (its TEAMS_SERVICE_URL). */
  connectorUrl: string;
  /**
   * An Action.Execute invoke ticking a checklist item of dispute `d`, pressed by the person with Teams id `aad`. For the
   * bot, each press of a dispute flips the item (tick, untick, tick…), so every press is a change, with its card
   * refresh; pressed the same way twice, a press changes nothing. `bare`: for the bare bot, which keeps no state.
   */
  invoke(d: string, aad: string, bare?: boolean): string;
  stop(): Promise<void>;
}

export async function teamsRig(): Promise<TeamsRig> {
  const connector = forkTs('./proc/fake-platform.ts', ['teams']);
  const connectorUrl = ((await connector.first) as { url: string }).url;
  const bare = forkTs('./proc/bare-cloud-adapter.ts');
  const bareUrl = `http://127.0.0.1:${((await bare.first) as { port: number }).port}/`;
  let n = 0;
  // Presses so far of each dispute. Until 2026-12-08 the tick alternated with a counter over all presses: with 50
  // disputes pressed in turn each dispute always got the same value, so after the first round every press was one
  // that changed nothing (no write, no card refresh), and the figures measured that path.
  const presses = new Map<string, number>();
  return {
    connector, bare, bareUrl, connectorUrl,
    invoke: (d, aad, toBare = false) => {
      const k = toBare ? 1 : (presses.get(d) ?? 0) + 1;
      if (!toBare) presses.set(d, k);
      return JSON.stringify({
        type: 'invoke', name: 'adaptiveCard/action', id: `a${++n}`, channelId: 'msteams', serviceUrl: connectorUrl,
        from: { id: '29:gus', aadObjectId: aad }, recipient: { id: '28:bot' }, conversation: { id: 'a:personal', conversationType: 'personal', tenantId: 't' },
        value: { action: { type: 'Action.Execute', verb: 'tick', data: { verb: 'tick', d, k: 'clarify', s: 1, n: k % 2 } }, trigger: 'manual' },
      });
    },
    async stop() {
      await bare.stop();
      await connector.stop();
    },
  };
}

export async function post(url: string, body: string): Promise<number> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await r.text();
  return r.status;
}

/**
 * The full bot on `db`, with 50 disputes raised on Teams by Gus (ICB against the council). `url` is its endpoint in
 * Emulator mode, which answers this computer only, with the start's token in the address (as the Emulator keeps it).
 */
export async function teamsBot(rig: TeamsRig, db: BenchDb): Promise<{ bot: Child; url: string; description: string; ids: string[]; gus: string }> {
  const bot = forkTs('./proc/bot.ts');
  try {
    const started = await bot.send<{ port: number; description: string; localToken: string }>({
      op: 'start', at: new Date().toISOString(),
      env: {
        ...db.env, PORT: '0', HOST: '127.0.0.1', DIRECTORY_FILE: 'config/directory.example.yaml', SCHEDULER: 'off',
        TEAMS_CASE_CHANNEL_ID: '19:cases@thread.tacv2', TEAMS_SERVICE_URL: rig.connectorUrl,
      },
    });
    const ids = (await bot.send<{ ids: string[] }>({
      op: 'raise', n: 50, platform: 'teams', personId: 'gus-hart',
      input: { parties: [{ organisationId: 'anytown-icb', role: 'RAISING' }, { organisationId: 'anytown-council', role: 'RESPONDING' }], namedProfessionals: [] },
    })).ids;
    const gus = (await bot.send<{ teams?: string }>({ op: 'handles', personId: 'gus-hart' })).teams!;
    return { bot, url: `http://127.0.0.1:${started.port}/api/messages?token=${started.localToken}`, description: started.description, ids, gus };
  } catch (e) {
    // A bot that failed to start or raise is not left running, nor its database (the callers' `finally` is not reached).
    await bot.stop({ op: 'stop' });
    await db.cleanup();
    throw e;
  }
}
