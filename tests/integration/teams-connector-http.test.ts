import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChatPort } from '../../src/adapters/teams/chat-port.ts';
import { connectorHttp, MAX_ANSWER_BYTES, retryAfterSeconds } from '../../src/adapters/teams/connector-http.ts';
import { createLogger } from '../../src/app/logger.ts';
import { ChatDeliveryError, type ChatPort, type ConversationRef } from '../../src/app/ports.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { disputeView } from '../../src/domain/view.ts';
import { FakeBotConnector } from '../fakes/bot-connector.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { calendar, directory, Scenario } from '../helpers/domain.ts';
import { until } from '../helpers/wait.ts';

const CASES = '19:cases@thread.tacv2';
const d = { key: 'k1', attempt: 1 };

function view() {
  const s = new Scenario();
  s.raise('ali-khan', fundingDispute());
  return disputeView({ ...s.dispute, reference: 'S117-2026-0042' }, DEFAULT_POLICY, calendar, directory);
}

/** What the port's call failed with (it must fail). */
async function failure(call: Promise<unknown>): Promise<ChatDeliveryError> {
  const e = await call.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ChatDeliveryError);
  return e as ChatDeliveryError;
}

describe('the Bot Connector client (our HTTP client inside the SDK) against a fake connector on loopback', () => {
  let fake: FakeBotConnector;
  let port: ChatPort;
  let chat: ConversationRef;
  beforeEach(async () => {
    fake = new FakeBotConnector();
    await fake.start();
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, undefined, undefined, undefined, connectorHttp(10_000)));
    port = new TeamsChatPort(adapter, {
      appId: '', tenantId: 't1', serviceUrl: fake.url, caseChannelId: CASES, channelMode: null,
    }, () => directory, createLogger('silent'));
    chat = { id: '19:chat-1@thread.v2', serviceUrl: fake.url, tenantId: 't1', rootId: null, kind: 'chat' };
  });
  afterEach(async () => { await fake.stop(); });

  it.each(['gzip', 'deflate', 'br'] as const)('reads a %s-compressed answer: the activity id comes back and the call is made once', async (coding) => {
    fake.compression = coding;
    const space = await port.openCaseSpace(view(), d);
    expect(space.id).toBe(`${CASES};messageid=1001`);
    const card = await port.upsertCard(chat, view(), null, { key: 'k2', attempt: 1 });
    expect(card.id).toBe('1002');
    expect(fake.created()).toHaveLength(1);
    expect(fake.sent()).toHaveLength(1);
    expect(fake.calls.map((c) => c.encoding)).toEqual([coding, coding]);
  });

  it('takes a 408 as a call that may have been applied, to be retried like a 5xx, not as a refusal', async () => {
    fake.failNext(408);
    const timedOut = await failure(port.upsertCard(chat, view(), null, d));
    expect(timedOut).toMatchObject({ retryable: true, mayHaveApplied: true, rateLimited: false });
    expect(timedOut.message).toMatch(/408/);
    // A refusal is still final.
    fake.failNext(400);
    expect(await failure(port.upsertCard(chat, view(), null, d))).toMatchObject({ retryable: false });
  });

  it('keeps a 5xx answer\'s body out of the error (it ends in lastError and governance alerts): its status and a fixed description', async () => {
    fake.compression = 'gzip';
    fake.failNext(503);
    const outage = await failure(port.upsertCard(chat, view(), null, d));
    expect(outage).toMatchObject({ retryable: true, mayHaveApplied: true });
    expect(outage.message).toMatch(/503 \(server error\)/);
    expect(outage.message).not.toMatch(/Internal server error|ServiceError/);
  });

  it('honours a Retry-After given as an HTTP date, measured from the answer\'s own Date', async () => {
    // Whole seconds both: 30 s ahead of the moment the fake's Date header is written (at most a second later).
    fake.retryAfter = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000).toUTCString();
    fake.failNext(429);
    const limited = await failure(port.upsertCard(chat, view(), null, d));
    expect(limited).toMatchObject({ retryable: true, rateLimited: true });
    expect(limited.retryAfterMs).toBeGreaterThanOrEqual(28_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it.each([null, 'gzip'] as const)('stops reading an answer over the size cap (compression %s) and fails it as one that may have applied', async (coding) => {
    fake.compression = coding;
    fake.fault = { kind: 'huge', bytes: MAX_ANSWER_BYTES + 1 };
    const huge = await failure(port.upsertCard(chat, view(), null, d));
    expect(huge).toMatchObject({ retryable: true, mayHaveApplied: true });
    expect(huge.message).toMatch(/larger than 1048576 bytes/);
    // An answer just under the cap is read.
    fake.fault = { kind: 'huge', bytes: MAX_ANSWER_BYTES - 1000 };
    expect((await port.upsertCard(chat, view(), null, d)).id).toBe('1002');
  });

  it('follows a caller\'s abort signal that is not one of the platform\'s own (AbortSignal.any would not)', async () => {
    const { httpClient } = connectorHttp(10_000);
    const listeners: (() => void)[] = [];
    const lookAlike = { aborted: false, addEventListener: (_: 'abort', l: () => void) => { listeners.push(l); }, removeEventListener: () => undefined };
    const request = (abortSignal: unknown) => ({
      url: `${fake.url}v3/conversations/c1/activities`, method: 'POST', body: JSON.stringify({ type: 'message' }), abortSignal,
      headers: { toJson: () => ({ 'content-type': 'application/json', 'Accept-Encoding': 'gzip,deflate' }) },
    }) as unknown as Parameters<NonNullable<typeof httpClient>['sendRequest']>[0];
    const answered = await httpClient!.sendRequest(request(lookAlike));
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.bodyAsText!)).toEqual({ id: '1001' });
    // Aborting the look-alike aborts the call.
    fake.fault = { kind: 'hang' };
    const hung = httpClient!.sendRequest(request(lookAlike));
    await until(() => fake.hung.length > 0, 'the call to reach the connector');
    for (const l of listeners.splice(0)) l();
    const stopped = await hung.then(() => null, (e: unknown) => e as Error);
    expect(stopped?.message).toMatch(/aborted/);
    // By the caller, not by the call's own deadline.
    expect(stopped?.message).not.toMatch(/timeout/);
    fake.releaseHung();
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it('is read as seconds, or as an HTTP date from the answer\'s Date (else from now); unreadable is undefined', () => {
    expect(retryAfterSeconds('7', undefined, now)).toBe(7);
    expect(retryAfterSeconds('Mon, 07 Dec 2026 10:00:20 GMT', 'Mon, 07 Dec 2026 10:00:05 GMT', now)).toBe(15);
    expect(retryAfterSeconds('Mon, 07 Dec 2026 10:00:20 GMT', undefined, now)).toBe(20);
    expect(retryAfterSeconds('Mon, 07 Dec 2026 09:59:00 GMT', undefined, now)).toBe(0);
    expect(retryAfterSeconds('soon', undefined, now)).toBeUndefined();
    expect(retryAfterSeconds(undefined, undefined, now)).toBeUndefined();
  });
});
