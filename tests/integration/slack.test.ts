import { createLogger } from '../../src/app/logger.ts';
import { loadEnv } from '../../src/platforms.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { DIRECTORY } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import {
  blockAction, checks, choice, choices, commandBody, homeSchema, interactiveBody, messageSchema, modalSchema, radio, SIGNING_SECRET, sign,
  slackPost, submission, text, users,
} from '../helpers/slack.ts';

const ALI = 'U0ALIKHAN1';
const GUS = 'U0GUSHART1';
const BEA = 'U0BEAJONE1';
const CAL = 'U0CALREID1';
const HAL = 'U0HALMOSS1';

const raiseValues = (over: Record<string, Record<string, unknown>> = {}) => ({
  subjects: choices('FUNDING', 'ACCOMMODATION'),
  cohort: choice('ADULT'),
  setting: choice('COMMUNITY'),
  parties: choices('anytown-icb'),
  localCaseRef: text('AC-104233'),
  nhsNumber: text('943 476 5919'),
  professionals: users(GUS),
  description: text('Disagreement about the split of funding for supported accommodation. <!channel> & <@U0EVEFORD1>'),
  currentCare: text('Supported accommodation with floating support.'),
  continuity: radio('yes'),
  ending: checks(),
  grounds: choices(),
  ...over,
});

describe('Slack', () => {
  let fake: FakeSlackApi;
  let bot: Bot;
  let clock: FakeClock;
  let base: string;

  beforeEach(async () => {
    fake = new FakeSlackApi();
    await fake.start();
    clock = new FakeClock('2026-12-07T10:00:00Z');
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, PUBLIC_URL: 'https://s117.example.nhs.uk',
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    base = `http://127.0.0.1:${bot.address.port}`;
  });
  afterEach(async () => {
    await bot.stop();
    await fake.stop();
  });

  const command = (user: string, t: string, channel = 'CGENERAL') => slackPost(base, commandBody(user, t, channel, `${fake.url}/respond/${user}`), 'form');
  const interact = (payload: object, headers: Record<string, string> = {}) => slackPost(base, interactiveBody(payload), 'form', headers);
  const lastView = (callback: string) => fake.of('views.open').map((c) => c.args.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string; element?: { initial_value?: string } }[] }).filter((v) => v.callback_id === callback).at(-1)!;
  const tick = () => bot.app.scheduler.tick();
  /** Ticks until nothing due is left in the outbox (the bot also delivers on its own right after a change). */
  const settle = async () => {
    await tick();
    await until(async () => (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null, failedAt: null, notBefore: { lte: clock.now() } } })) === 0, 'the outbox to drain');
  };

  it('checks the signature of every request: missing, wrong or stale signatures get 401', async () => {
    const body = commandBody(ALI, 'help', 'C1', `${fake.url}/respond/x`);
    const post = (headers: Record<string, string>) => fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post(sign(body, 'not-the-secret'))).status).toBe(401);
    expect((await post(sign(body, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 600))).status).toBe(401);
    expect((await post(sign(body))).status).toBe(200);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('answers help, unknown subcommands and strangers with something useful', async () => {
    await command(ALI, 'frobnicate');
    await command('UNOBODY', 'raise');
    await command(ALI, 'status');
    await until(() => fake.responses.length >= 3, 'three replies');
    const texts = fake.responses.map((r) => String(r.body.text));
    // Each reply follows its own ack, so they may arrive in any order.
    expect(texts).toEqual(expect.arrayContaining([
      expect.stringMatching(/I don't know "frobnicate"[\s\S]*\/s117 raise/),
      expect.stringMatching(/not in the Section 117 directory/),
      expect.stringMatching(/This is not a case channel/),
    ]));
    expect(fake.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
  });

  it('[R2.3] [R11.2] answers a bad raise form on its fields, in words a person understands', async () => {
    await command(ALI, 'raise');
    const view = await until(() => fake.of('views.open')[0]?.args.view as { callback_id: string }, 'the raise form');
    expect(modalSchema.safeParse(view).success).toBe(true);
    const r = await interact(submission(ALI, lastView('s117_raise'), raiseValues({ parties: choices(), nhsNumber: text('1234567890') })));
    expect(JSON.parse(r.body)).toEqual({ response_action: 'errors', errors: { parties: expect.stringMatching(/Choose the other organisation/) } });
    const r2 = await interact(submission(ALI, lastView('s117_raise'), raiseValues({ nhsNumber: text('1234567890') })));
    expect(JSON.parse(r2.body)).toEqual({ response_action: 'errors', errors: { nhsNumber: expect.stringMatching(/NHS number is not valid/) } });
    expect(await bot.app.db.prisma.dispute.count()).toBe(0);
  });

  it('[R5.2] [R3.2] runs a dispute from /s117 raise through an automatic escalation to a confirmed Stage 2 decision', async () => {
    // Raise.
    await command(ALI, 'raise');
    await until(() => fake.of('views.open').length, 'the raise form');
    const sub = submission(ALI, lastView('s117_raise'), raiseValues());
    const ack = await interact(sub);
    expect(ack).toEqual({ status: 200, body: '' });
    // Slack retries what it thinks it did not get: nothing happens twice.
    await interact(sub, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    const dispute = await until(() => bot.app.service.get({ reference: 'S117-2026-0001' }), 'the dispute');
    await until(async () => (await bot.app.db.prisma.processedCommand.count()) >= 1, 'the keyed write');
    expect(await bot.app.db.prisma.dispute.count()).toBe(1);

    // The case channel: private, named from the reference, participants invited, card posted and pinned, people pinged.
    // (The bot delivers at once after a change; the tick only makes sure nothing is left.)
    await settle();
    const setup = fake.methods().filter((m) => !['auth.test', 'views.open', 'chat.postEphemeral'].includes(m));
    expect(setup.slice(0, 5)).toEqual(['conversations.create', 'conversations.setPurpose', 'conversations.invite', 'chat.postMessage', 'pins.add']);
    expect(fake.of('conversations.create')[0]!.args).toMatchObject({ name: 's117-2026-0001', is_private: true });
    const channel = String(fake.of('conversations.setPurpose')[0]!.args.channel);
    expect(String(fake.of('conversations.invite')[0]!.args.users).split(',').sort()).toEqual([ALI, 'U0DEEOBI01', GUS, 'U0IVYNASH1'].sort());
    const card = fake.of('chat.postMessage')[0]!.args as { blocks: unknown[]; text: string };
    expect(messageSchema.safeParse(card).success).toBe(true);
    expect(JSON.stringify(card.blocks)).toMatch(/\d working days? left \(due Monday 14 December, 5pm\)/);
    expect(JSON.stringify(card.blocks)).toMatch(/NHS number ending 919/);
    expect(JSON.stringify(card.blocks)).toContain('<https://s117.example.nhs.uk/register/dispute/S117-2026-0001|Open in the register>');
    expect(JSON.stringify(fake.calls)).not.toMatch(/9434765919|943 476 5919/);
    const stagePost = fake.of('chat.postMessage').find((c) => c.args.channel === channel && /^S117-2026-0001: Stage 1 — Frontline/.test(String(c.args.text)))!;
    expect(JSON.stringify(stagePost.args.blocks)).toMatch(/<@U0DEEOBI01>/);
    expect(fake.of('conversations.open').map((c) => c.args.users).sort()).toEqual([ALI, 'U0DEEOBI01', GUS, 'U0IVYNASH1'].sort());
    const dm = fake.of('chat.postMessage').find((c) => String(c.args.channel).startsWith('D'))!;
    expect(JSON.stringify(dm.args.blocks)).toContain(`<#${channel}>`);

    // Status in the case channel.
    await command(GUS, 'status', channel);
    await until(() => fake.responses.length, 'status');
    expect(String(fake.responses[0]!.body.text)).toMatch(/S117-2026-0001\* — Stage 1: Frontline resolution/);

    // Tick a checklist item from the card: the card is updated in place, not re-posted.
    fake.clear();
    await interact(blockAction(GUS, channel, { action_id: 's117:tick:tests', value: JSON.stringify({ d: dispute.id, k: 'tests', s: 1, n: 1 }) }));
    await until(async () => (await bot.app.service.get({ id: dispute.id }))!.checklist.find((c) => c.key === 'tests')!.tickedBy, 'the tick');
    await settle();
    expect(fake.methods()).toEqual(['chat.update']);
    expect(JSON.stringify(fake.of('chat.update')[0]!.args.blocks)).toMatch(/Revisit the statutory Section 117 tests — _Gus Hart_/);

    // The deadline passes at 17:00 on Monday 14 December: Stage 2 starts at once, people are pinged at 09:00 the next day.
    fake.clear();
    clock.set('2026-12-14T17:00:00Z');
    await settle();
    expect((await bot.app.service.get({ id: dispute.id }))!.stage).toBe(2);
    expect(fake.methods()).toContain('chat.update');
    expect(fake.methods()).not.toContain('conversations.open');
    expect(fake.methods()).not.toContain('conversations.invite');
    fake.clear();
    clock.set('2026-12-15T09:00:00Z');
    await settle();
    expect(String(fake.of('conversations.invite')[0]!.args.users).split(',').sort()).toEqual([BEA, CAL, HAL].sort());
    const ping = fake.of('chat.postMessage').find((c) => /^S117-2026-0001: Stage 2 — Operational/.test(String(c.args.text)) && c.args.channel === channel)!;
    expect(JSON.stringify(ping.args.blocks)).toMatch(new RegExp(`<@${BEA}>.*<@${CAL}>|<@${CAL}>.*<@${BEA}>`));
    expect(fake.of('conversations.open').map((c) => c.args.users).sort()).toEqual([BEA, CAL, HAL].sort());

    // "Record as decision" on a message: a form prefilled with the message.
    fake.clear();
    await interact({
      type: 'message_action', callback_id: 's117_record_decision', team: { id: 'T1' }, user: { id: BEA, name: 'bea' }, channel: { id: channel, name: 's117-2026-0001' },
      message: { type: 'message', ts: '1700000001.000100', text: 'Agreed: ICB 60%, council 40% from 1 January.', user: BEA }, trigger_id: 'trig-short', response_url: `${fake.url}/respond/s`,
      message_ts: '1700000001.000100', action_ts: '1', token: 'x',
    });
    await until(() => fake.of('views.open').length, 'the decision form');
    const form = lastView('s117_decision');
    expect(modalSchema.safeParse(form).success).toBe(true);
    expect(form.blocks.find((b) => b.block_id === 'summary')!.element!.initial_value).toBe('Agreed: ICB 60%, council 40% from 1 January.');
    const missingBasis = await interact(submission(BEA, form, {
      outcome: choice('DECISION'), effect: radio('CONTINUES'), basis: checks('ASSESSED_NEED'), summary: text('ICB 60%, council 40%.'),
      basisNeed: text(''), basisTests: text('t'), basisRisk: text('r'),
    }));
    expect(JSON.parse(missingBasis.body)).toEqual({ response_action: 'errors', errors: { basisNeed: expect.stringMatching(/basis in assessed need is required/) } });
    await interact(submission(BEA, form, {
      outcome: choice('DECISION'), effect: radio('CONTINUES'), basis: checks('ASSESSED_NEED', 'RISK'),
      summary: text('ICB 60%, council 40% from 1 January.'), basisNeed: text('Assessed need for 24-hour support.'),
      basisTests: text('Arises from the mental disorder; reduces the risk of readmission.'), basisRisk: text('High risk of readmission without it.'),
      funding: text('ICB 60%, council 40%.'), commissioning: text(''), interimFunding: text(''),
    }));
    await until(async () => (await bot.app.service.get({ id: dispute.id }))!.decisions.length, 'the proposal');
    await settle();
    const proposalPost = fake.of('chat.postMessage').find((c) => /decision proposed/.test(String(c.args.text)))!;
    const postButtons = (proposalPost.args.blocks as { elements?: { action_id: string }[] }[]).flatMap((b) => b.elements ?? []).map((e) => e.action_id).sort();
    expect(postButtons).toEqual(['s117:confirm:anytown-council', 's117:confirm:anytown-icb']);
    const proposalCard = fake.of('chat.update').at(-1)!.args as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] };
    const confirmButtons = proposalCard.blocks.flatMap((b) => b.elements ?? []).filter((e) => e.action_id?.startsWith('s117:confirm:'));
    expect(confirmButtons.map((b) => b.action_id).sort()).toEqual(['s117:confirm:anytown-council', 's117:confirm:anytown-icb']);

    // A council manager cannot confirm for the ICB: refused, ephemeral, with the reason.
    fake.clear();
    const icbButton = confirmButtons.find((b) => b.action_id.endsWith('anytown-icb'))!;
    const councilButton = confirmButtons.find((b) => b.action_id.endsWith('anytown-council'))!;
    await interact(blockAction(BEA, channel, icbButton));
    const refusal = await until(() => fake.of('chat.postEphemeral')[0], 'the refusal');
    expect(refusal.args).toMatchObject({ channel, user: BEA, text: expect.stringMatching(/only confirm for your own organisation \(Anytown Council\)/) });
    // Each party confirms; double clicks change nothing twice.
    await interact(blockAction(CAL, channel, councilButton));
    await interact(blockAction(CAL, channel, councilButton));
    await until(async () => (await bot.app.db.prisma.confirmation.count()) === 1, 'the council confirmation');
    await interact(blockAction(HAL, channel, icbButton));
    const resolved = await until(async () => {
      const d = await bot.app.service.get({ id: dispute.id });
      return d?.status === 'RESOLVED' ? d : null;
    }, 'the resolution');
    expect(resolved.confirmations.map((c) => c.personId).sort()).toEqual(['cal-reid', 'hal-moss']);
    expect(await bot.app.db.prisma.historyEvent.count({ where: { type: 'DECISION_CONFIRMED' } })).toBe(2);
    await settle();
    expect(JSON.stringify(fake.of('chat.update').at(-1)!.args.blocks)).toMatch(/S117-2026-0001 · Resolved/);
    expect(fake.of('chat.postMessage').some((c) => /is resolved at Stage 2/.test(String(c.args.text)))).toBe(true);

    // Everything the bot sent kept within Block Kit's limits, and nobody's typed text became a mention.
    for (const c of [...fake.of('chat.postMessage'), ...fake.of('chat.update')]) expect(messageSchema.safeParse(c.args).success).toBe(true);
    expect(JSON.stringify(fake.calls)).not.toContain('<!channel>');
  });

  it('escapes what people type so nobody can ping a channel or fake a mention', async () => {
    const d = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'X1', namedProfessionals: [], description: 'd', currentCare: 'c', careContinues: true, endingProposal: false,
    })).dispute;
    await tick();
    const channel = String(fake.of('conversations.setPurpose')[0]!.args.channel);
    fake.clear();
    await command(ALI, 'escalate <!channel> pay up & <@U0EVEFORD1>', channel);
    await until(async () => (await bot.app.service.get({ id: d.id }))!.stage === 2, 'the escalation');
    const post = await until(() => fake.of('chat.postMessage').find((c) => c.args.channel === channel && /Stage 2/.test(String(c.args.text))), 'the Stage 2 post');
    const shown = JSON.stringify(post.args.blocks);
    expect(shown).toContain('&lt;!channel&gt; pay up &amp; &lt;@U0EVEFORD1&gt;');
    expect(shown).not.toContain('<!channel>');
  });

  it('retries a 429 after Retry-After without spending an attempt, holding every post back meanwhile, and gives a taken channel name a suffix', async () => {
    fake.failNext('conversations.create', { error: 'name_taken' });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'X1', namedProfessionals: [], description: 'd', currentCare: 'c', careContinues: true, endingProposal: false,
    });
    await tick();
    expect(fake.of('conversations.create').map((c) => c.args.name)).toEqual(['s117-2026-0001', 's117-2026-0001-2']);
    const waiting = await bot.app.db.prisma.outbox.findFirstOrThrow({ where: { lastError: { not: null } } });
    expect(waiting).toMatchObject({ lastError: 'Slack rate limit (429)', failures: 0 });
    const wait = waiting.nextAttemptAt.getTime() - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(1000);
    expect(wait).toBeLessThanOrEqual(1100);
    clock.advanceMs(1101);
    await until(async () => {
      await tick();
      return (await bot.app.db.prisma.outbox.count({ where: { deliveredAt: null } })) === 0;
    }, 'the outbox to drain after Retry-After', 60_000);
    expect(await bot.app.db.prisma.outbox.count({ where: { failedAt: { not: null } } })).toBe(0);
    // Retry-After held every post for every replica: none reached Slack within the second after the 429.
    const posts = fake.of('chat.postMessage');
    const limited = posts.findIndex((c) => c.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(posts.slice(limited + 1).every((c) => c.at >= posts[limited]!.at + 1000)).toBe(true);
  }, 120_000);

  it('[R9.2] posts the Partnership Board report with its charts and CSV for a governance lead, and refuses others', async () => {
    clock.set('2026-12-07T10:00:00Z');
    await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'X1', namedProfessionals: [], description: 'd', currentCare: 'c', careContinues: true, endingProposal: false,
    });
    await command(GUS, 'report', 'CGOV');
    await until(() => fake.responses.length, 'the refusal');
    expect(String(fake.responses[0]!.body.text)).toMatch(/Only governance leads can post the Partnership Board report/);
    await command('U0PATLEE01', 'report 2026-Q4', 'CGOV');
    const done = await until(() => fake.of('files.completeUploadExternal')[0], 'the upload');
    expect(done.args).toMatchObject({ channel_id: 'CGOV', initial_comment: expect.stringMatching(/Section 117 disputes: 2026-10-01 to 2026-12-31\*\nOpened 1, closed 0/) });
    expect(fake.of('files.getUploadURLExternal').map((c) => c.args.filename)).toEqual([
      's117-report-2026-10-01-by-subject.png', 's117-report-2026-10-01-timescales.png', 's117-report-2026-10-01-2026-12-31.csv',
    ]);
    expect(fake.uploads).toHaveLength(3);
    expect(fake.uploads[0]!.bytes).toBeGreaterThan(1000);
    await command('U0PATLEE01', 'report next year', 'CGOV');
    await until(() => fake.responses.some((r) => /is not a period/.test(String(r.body.text))), 'the period help');
  });

  it('shows App Home: my open disputes, what I owe, and a Raise button', async () => {
    await bot.app.service.raise({ personId: 'ali-khan', platform: 'slack' }, {
      subjects: ['FUNDING'], cohort: 'ADULT', setting: 'COMMUNITY', parties: [{ organisationId: 'anytown-council', role: 'RAISING' }, { organisationId: 'anytown-icb', role: 'RESPONDING' }],
      localCaseRef: 'X1', namedProfessionals: [], description: 'd', currentCare: 'c', careContinues: true, endingProposal: false,
    });
    const event = JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev1', event_time: 1, token: 'x', event: { type: 'app_home_opened', user: ALI, channel: 'D1', tab: 'home', event_ts: '1' } });
    expect((await slackPost(base, event, 'json')).status).toBe(200);
    const publish = await until(() => fake.of('views.publish')[0], 'App Home');
    expect(homeSchema.safeParse(publish.args.view).success).toBe(true);
    const shown = JSON.stringify(publish.args.view);
    expect(shown).toMatch(/Raise a dispute/);
    expect(shown).toMatch(/S117-2026-0001\* — Stage 1/);
    expect(shown).toMatch(/4 checklist item\(s\) for Stage 1/);
  });
});
