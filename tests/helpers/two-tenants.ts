import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/app/logger.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { loadEnv, type Env } from '../../src/platforms.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeGraph } from '../fakes/graph.ts';
import { FakeMicrosoftLogin } from '../fakes/microsoft-login.ts';
import { directory } from './domain.ts';
import { directoryWithHomes } from './homes.ts';
import { until } from './wait.ts';

// "Two tenants": the ICB (and the trust) on NHSmail's Microsoft Entra tenant, the council on its own, each with its
// own single-tenant app registration, one deployment with one Teams connection per tenant. The fake sign-in, Graph
// and Bot Connector are as strict as Microsoft's: each refuses a token of another app or tenant.

export const NHSMAIL = 'aaaaaaaa-0000-4000-8000-0000000000aa';
export const COUNCIL = 'bbbbbbbb-0000-4000-8000-0000000000bb';
export const APP_NHSMAIL = '11111111-0000-4000-8000-0000000000a1';
export const APP_COUNCIL = '22222222-0000-4000-8000-0000000000b2';
/** A person's Entra object id, and their organisation, from the example directory. */
export const aad = (personId: string): string => directory.people.find((p) => p.id === personId)!.handles.teams!;
export const org = (personId: string): string => directory.people.find((p) => p.id === personId)!.organisationId;

export class TwoTenants {
  readonly login = new FakeMicrosoftLogin();
  readonly graph = new FakeGraph();
  readonly connector = new FakeBotConnector();
  readonly clock = new FakeClock('2026-12-07T10:00:00Z');
  /** What the bot logged at warn and above, as JSON lines (a test may empty it). */
  logs = '';
  bot!: Bot;

  private constructor(readonly tmp: string) {}

  /**
   * The fakes started, the directory written (each organisation's home its tenant) and every person a user of their
   * organisation's tenant, the trust's Lou Gray a guest in NHSmail's. NHSmail's app is registered with its secret;
   * the council's registration (a secret or a certificate) is the suite's to make.
   */
  static async start(prefix: string): Promise<TwoTenants> {
    const t = new TwoTenants(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    directoryWithHomes(t.tmp, { 'anytown-icb': [`teams:${NHSMAIL}`], 'anytown-trust': [`teams:${NHSMAIL}`], 'anytown-council': [`teams:${COUNCIL}`] });
    const { login, graph, connector } = t;
    await Promise.all([login.start(), graph.start(), connector.start()]);
    login.register(APP_NHSMAIL, NHSMAIL, 'nhsmail-secret');
    graph.login = login;
    connector.login = login;
    graph.catalog.set(APP_NHSMAIL, 'cat-nhsmail').set(APP_COUNCIL, 'cat-council');
    for (const p of directory.people) {
      if (!p.handles.teams) continue;
      graph.entra.set(p.handles.teams, { tenant: org(p.id) === 'anytown-council' ? COUNCIL : NHSMAIL, userType: p.id === 'lou-gray' ? 'Guest' : 'Member' });
    }
    connector.tenantOf = (conversation) => graph.chats.get(conversation)?.tenant ?? null;
    return t;
  }

  /**
   * The deployment's settings: the connections file lists NHSmail's connection (its secret in an environment
   * variable) and the council's, with `councilCredential` (`passwordFile: …` or `certificateFile: …`).
   */
  env(councilCredential: string, databaseUrl?: string): Env {
    fs.writeFileSync(path.join(this.tmp, 'connections.yaml'), [
      'connections:',
      `  - { name: nhsmail, appId: ${APP_NHSMAIL}, tenantId: ${NHSMAIL}, passwordEnv: S117_TEST_NHSMAIL_SECRET, catalogAppId: cat-nhsmail }`,
      `  - { name: anytown-council, appId: ${APP_COUNCIL}, tenantId: ${COUNCIL}, ${councilCredential}, catalogAppId: cat-council }`,
    ].join('\n'));
    process.env.S117_TEST_NHSMAIL_SECRET = 'nhsmail-secret';
    return loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: path.join(this.tmp, 'directory.yaml'), SCHEDULER: 'off',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      TEAMS_CONNECTIONS_FILE: path.join(this.tmp, 'connections.yaml'), TEAMS_CASE_SPACES: 'chat',
      MICROSOFT_LOGIN_URL: this.login.url, GRAPH_API_URL: `${this.graph.url}/v1.0`, TEAMS_SERVICE_URL: this.connector.url,
      TEAMS_OPENID_METADATA_URL: this.login.openIdUrl,
    });
  }

  /** The bot on these settings, its warnings kept in `logs`. */
  async startBot(env: Env): Promise<Bot> {
    const sink = new Writable({ write: (c, _e, cb) => { this.logs += String(c); cb(); } });
    this.bot = await startBot({ env, logger: createLogger('warn', sink), clock: this.clock, scheduler: false });
    return this.bot;
  }

  /** Ticks until nothing due is left in the outbox. */
  async settle(): Promise<void> {
    await until(async () => {
      await this.bot.app.scheduler.tick();
      return (await this.bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: this.clock.now() } } })) === 0;
    }, 'the outbox to drain');
  }

  /** The case chat in a tenant. */
  chatIn(tenant: string): ReturnType<FakeGraph['chats']['get']> & object {
    return [...this.graph.chats.values()].find((c) => c.tenant === tenant)!;
  }

  async stop(): Promise<void> {
    await this.bot?.stop();
    await Promise.all([this.login.stop(), this.graph.stop(), this.connector.stop()]);
    fs.rmSync(this.tmp, { recursive: true, force: true });
    delete process.env.S117_TEST_NHSMAIL_SECRET;
  }
}
