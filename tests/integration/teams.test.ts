import crypto from 'node:crypto';
import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { cardProblems } from '../helpers/adaptive-cards.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import { directory } from '../helpers/domain.ts';
import { emulatorUrl } from '../helpers/local-register.ts';

const CASES = '19:cases@thread.tacv2';
const aad = (personId: string) => directory.people.find((p) => p.id === personId)!.handles.teams!;

type Attachment = { contentType: string; content: { body: unknown[]; actions?: unknown[] } & Record<string, unknown> };
const cardOf = (body: Record<string, unknown>) => (body.attachments as Attachment[] | undefined)?.[0]?.content
  ?? ((body.activity as { attachments?: Attachment[] } | undefined)?.attachments?.[0]?.content);

describe('Microsoft Teams', () => {
  let connector: FakeBotConnector;
  let bot: Bot;
  let clock: FakeClock;
  let endpoint: string;

  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    clock = new FakeClock('2026-12-07T10:00:00Z');
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      TEAMS_CASE_CHANNEL_ID: CASES, TEAMS_SERVICE_URL: connector.url, MICROSOFT_APP_TENANT_ID: 'tenant-1', PUBLIC_URL: 'https://s117.example.nhs.uk',
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    endpoint = emulatorUrl(`http://127.0.0.1:${bot.address.port}`, bot);
  });
  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  const activity = (personId: string, conversation: { id: string; conversationType: string }, extra: Record<string, unknown>) => ({
    id: `act-${crypto.randomUUID()}`, channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
    from: { id: `29:${personId}`, name: personId, aadObjectId: aad(personId) }, recipient: { id: '28:bot', name: 'S117' },
    conversation: { ...conversation, tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } }, ...extra,
  });
  const send = async (body: object) => {
    const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  };
  const personal = (personId: string) => ({ id: `a:personal-${personId}`, conversationType: 'personal' });
  const invoke = (personId: string, conversation: { id: string; conversationType: string }, verb: string, data: Record<string, unknown>) =>
    send(activity(personId, conversation, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' } }));
  const settle = async () => {
    await bot.app.scheduler.tick();
    await until(async () => (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0, 'the outbox to drain');
  };

  it('[R5.2] [R3.2] runs a dispute from "raise" through an automatic escalation to a confirmed Stage 2 decision', async () => {
    // "raise" in the personal chat answers with the form.
    await send(activity('ali-khan', personal('ali-khan'), { type: 'message', text: 'raise' }));
    const form = cardOf(connector.sent(`a:personal-ali-khan`)[0]!.body)!;
    expect(cardProblems(form)).toEqual([]);

    // A bad submission is answered on the card, on the field.
    const bad = await invoke('ali-khan', personal('ali-khan'), 'raise', { subjects: 'FUNDING', parties: '', localCaseRef: 'AC-1', description: 'd', currentCare: 'c', continuity: 'yes' });
    expect(JSON.stringify(bad.body)).toMatch(/Choose the other organisation/);
    const good = await invoke('ali-khan', personal('ali-khan'), 'raise', {
      subjects: 'FUNDING,ACCOMMODATION', cohort: 'ADULT', setting: 'COMMUNITY', parties: 'anytown-icb', localCaseRef: 'AC-104233', nhsNumber: '943 476 5919',
      professionals: 'gus-hart', description: 'The split of funding for supported accommodation. [click](http://evil) **now**', currentCare: 'Supported accommodation.', continuity: 'yes', ending: 'false',
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(good.body)).toMatch(/S117-2026-0001 is raised/);
    const dispute = (await bot.app.service.get({ reference: 'S117-2026-0001' }))!;
    expect(dispute.raisedOn).toBe('teams');

    // The case thread: a new thread in the case channel whose root is the stage card; people mentioned and messaged 1:1.
    connector.clear();
    await settle();
    const thread = connector.created().find((c) => (c.body.channelData as { channel?: { id: string } }).channel?.id === CASES)!;
    const root = cardOf(thread.body)!;
    expect(cardProblems(root)).toEqual([]);
    expect(JSON.stringify(root)).toMatch(/S117-2026-0001 · Stage 1 — Frontline resolution/);
    expect(JSON.stringify(root)).toMatch(/\d working days? left [\\]*\(due Monday 14 December, 5pm/);
    expect(JSON.stringify(root)).toContain('"type":"Action.OpenUrl","title":"Open in the register","url":"https://s117.example.nhs.uk/register/dispute/S117-2026-0001"');
    expect(JSON.stringify(connector.calls)).not.toMatch(/9434765919|943 476 5919/);
    const threadId = (await bot.app.db.prisma.conversation.findFirstOrThrow({ where: { platform: 'teams' } })).externalId!;
    expect(threadId).toMatch(new RegExp(`^${CASES.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};messageid=\\d+$`));
    const dms = connector.created().filter((c) => c.body.isGroup === false).map((c) => (c.body.members as { id: string }[])[0]!.id);
    expect(dms.sort()).toEqual(['ali-khan', 'dee-obi', 'gus-hart', 'ivy-nash'].map(aad).sort());
    // The stage's people are mentioned in the card (msteams.entities), and Teams took every call: an activity-level
    // mention with no matching text is refused with 400 "Invalid mention entity", and that notification is lost.
    expect(connector.calls.filter((c) => c.status !== 200).map((c) => [c.method, c.path, c.status])).toEqual([]);
    const stagePost = connector.sent(threadId).find((c) => /Stage 1 — Frontline/.test(JSON.stringify(c.body)) && /"type":"mention"/.test(JSON.stringify(c.body)))!;
    expect(stagePost.body.entities ?? []).toEqual([]);
    const stageCardEntities = (cardOf(stagePost.body)!.msteams as { entities: { mentioned: { id: string } }[] }).entities;
    expect(stageCardEntities.map((e) => e.mentioned.id).sort()).toEqual(['ali-khan', 'gus-hart', 'dee-obi', 'ivy-nash'].map(aad).sort());
    for (const c of connector.sent(threadId)) expect(cardProblems(cardOf(c.body))).toEqual([]);
    // What people typed shows as typed: no live link or emphasis smuggled into a card.
    expect(JSON.stringify(connector.calls)).not.toContain('[click](http://evil)');

    // Tick from the card: the invoke answers with the updated card, and the root card is updated in place.
    connector.clear();
    const ticked = await invoke('gus-hart', { id: threadId, conversationType: 'channel' }, 'tick', { d: dispute.id, k: 'tests', s: 1, n: 1 });
    expect(JSON.stringify(ticked.body)).toMatch(/Revisit the statutory Section 117 tests — _Gus Hart_/);
    await settle();
    expect(connector.updated().map((c) => [c.conversation, c.activityId])).toEqual([[threadId, threadId.split('=')[1]]]);

    // The deadline passes: Stage 2 at once, people told at 09:00 the next working day.
    connector.clear();
    clock.set('2026-12-14T17:00:00Z');
    await settle();
    expect((await bot.app.service.get({ id: dispute.id }))!.stage).toBe(2);
    expect(connector.updated()).toHaveLength(1);
    expect(connector.created()).toEqual([]);
    clock.set('2026-12-15T09:00:00Z');
    await settle();
    expect(connector.created().filter((c) => c.body.isGroup === false).map((c) => (c.body.members as { id: string }[])[0]!.id).sort())
      .toEqual(['bea-jones', 'cal-reid', 'hal-moss'].map(aad).sort());

    // "Record as decision" on a message in the thread: a dialog prefilled with that message.
    const fetchTask = await send(activity('bea-jones', { id: threadId, conversationType: 'channel' }, {
      type: 'invoke', name: 'composeExtension/fetchTask',
      value: { commandId: 'recordDecision', commandContext: 'message', messagePayload: { id: '1', body: { contentType: 'html', content: '<p>Agreed: ICB 60%, council 40%.</p>' } } },
    }));
    const dialog = (fetchTask.body as { task: { type: string; value: { card: { content: unknown } } } }).task;
    expect(dialog.type).toBe('continue');
    expect(cardProblems(dialog.value.card.content)).toEqual([]);
    expect(JSON.stringify(dialog.value.card.content)).toContain('"value":"Agreed: ICB 60%, council 40%."');
    const submitted = await send(activity('bea-jones', { id: threadId, conversationType: 'channel' }, {
      type: 'invoke', name: 'composeExtension/submitAction',
      value: { commandId: 'recordDecision', commandContext: 'message', data: {
        verb: 'propose', d: dispute.id, outcome: 'DECISION', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 'ICB 60%, council 40% from 1 January.', basisNeed: 'Assessed need for 24-hour support.',
        basisTests: 'Arises from the mental disorder.', basisRisk: 'High risk of readmission.', funding: 'ICB 60%, council 40%.',
      } },
    }));
    expect(submitted.status).toBe(200);
    await until(async () => (await bot.app.service.get({ id: dispute.id }))!.decisions.length, 'the proposal');

    await settle();
    const proposal = connector.sent(threadId).map((c) => cardOf(c.body)).find((c) => /decision proposed/.test(JSON.stringify(c)))!;
    expect(cardProblems(proposal)).toEqual([]);
    expect((proposal.actions as { verb: string; data: { o: string } }[]).map((a) => `${a.verb}:${a.data.o}`).sort()).toEqual(['confirm:anytown-council', 'confirm:anytown-icb']);

    // Confirmations: the wrong organisation is refused; each party confirms; a repeat changes nothing.
    const wrong = await invoke('bea-jones', { id: threadId, conversationType: 'channel' }, 'confirm', { d: dispute.id, s: 1, o: 'anytown-icb' });
    expect(JSON.stringify(wrong.body)).toMatch(/only confirm for your own organisation/);
    await invoke('cal-reid', { id: threadId, conversationType: 'channel' }, 'confirm', { d: dispute.id, s: 1, o: 'anytown-council' });
    await invoke('cal-reid', { id: threadId, conversationType: 'channel' }, 'confirm', { d: dispute.id, s: 1, o: 'anytown-council' });
    const last = await invoke('hal-moss', { id: threadId, conversationType: 'channel' }, 'confirm', { d: dispute.id, s: 1, o: 'anytown-icb' });
    expect(JSON.stringify(last.body)).toMatch(/S117-2026-0001 · Resolved/);
    const resolved = (await bot.app.service.get({ id: dispute.id }))!;
    expect(resolved.status).toBe('RESOLVED');
    expect(resolved.confirmations.map((c) => c.personId).sort()).toEqual(['cal-reid', 'hal-moss']);
    await settle();
  });

  it('refuses people who are not in the directory, with the reason', async () => {
    const r = await send({ ...activity('ali-khan', personal('ali-khan'), { type: 'message', text: 'raise' }), from: { id: '29:x', aadObjectId: 'not-a-known-id' } });
    expect(r.status).toBe(200);
    expect(JSON.stringify(connector.sent()[0]!.body)).toMatch(/not in the Section 117 directory/);
  });

  it('greets a person in the personal chat with their open disputes and what they owe', async () => {
    const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'teams' }, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'X1', namedProfessionals: [], description: 'd', currentCare: 'c', careContinues: true, endingProposal: false,
    })).dispute;
    await bot.app.service.act({ personId: 'ali-khan', platform: 'teams' }, { id: d.id }, { type: 'PROPOSE_DECISION', input: { outcome: 'AGREEMENT', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], summary: 's', basisNeed: 'n', basisTests: 't', basisRisk: 'r' } });
    await send(activity('dee-obi', personal('dee-obi'), { type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }] }));
    const welcome = cardOf(connector.sent('a:personal-dee-obi')[0]!.body)!;
    expect(cardProblems(welcome)).toEqual([]);
    expect(JSON.stringify(welcome)).toMatch(/S117-2026-0001 — Stage 1/);
    expect(JSON.stringify(welcome)).toMatch(/confirm decision 1 for your organisation/);
  });

  it('[R9.2] answers "report" for a governance lead with the headline figures, a chart and links, and refuses others', async () => {
    await send(activity('gus-hart', personal('gus-hart'), { type: 'message', text: 'report' }));
    expect(JSON.stringify(connector.sent('a:personal-gus-hart')[0]!.body)).toMatch(/Only governance leads/);
    await send(activity('pat-lee', personal('pat-lee'), { type: 'message', text: 'report 2026-Q4' }));
    const card = cardOf(connector.sent('a:personal-pat-lee')[0]!.body)!;
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toMatch(/Section 117 disputes: 2026-10-01 to 2026-12-31/);
    expect(JSON.stringify(card)).toContain('https://s117.example.nhs.uk/register/report.csv?from=2026-10-01&to=2026-12-31');
  });

  it('answers help and unknown commands with the list of commands', async () => {
    await send(activity('ali-khan', personal('ali-khan'), { type: 'message', text: '<at>S117</at> frobnicate' }));
    expect(JSON.stringify(connector.sent()[0]!.body)).toMatch(/I don't know \\"frobnicate\\"[\s\S]*raise/);
  });
});

describe('Microsoft Teams with an app id', () => {
  it('verifies every inbound token: none or a bad one gets 401', async () => {
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'tenant-1', MICROSOFT_APP_TYPE: 'SingleTenant',
    });
    const bot = await startBot({ env, logger: createLogger('silent'), scheduler: false });
    try {
      const url = `http://127.0.0.1:${bot.address.port}/api/messages`;
      const body = JSON.stringify({ type: 'message', text: 'help', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', from: { id: '29:x' }, recipient: { id: '28:bot' }, conversation: { id: 'a:1' } });
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body })).status).toBe(401);
    } finally {
      await bot.stop();
    }
  });
});
