import crypto from 'node:crypto';
import { type IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import { afterAnswers, ANSWERED_HOLD_MS, answersWaiting } from '../../app/foreground.ts';
import type { InboundContext } from '../../app/platform.ts';

// Every request to /slack/events is read, size-limited, verified and
// shape-checked here, before Bolt sees it: Bolt assumes a well-formed body,
// and reads `body.ssl_check` from whatever JSON.parse returned (a signed
// `payload=null` once took the whole bot down).

/** Slack's own limit for stale requests. */
export const SLACK_MAX_AGE_SECONDS = 300;
/** Clocks drift; a request signed further in the future than this is a replay being prepared. */
export const SLACK_MAX_FUTURE_SECONDS = 60;

/** Bolt takes an already-read body from here instead of the stream. */
export interface BufferedRequest extends IncomingMessage {
  rawBody?: Buffer;
  /** Already answered by slackGuard (at this performance.now()): Bolt's acknowledgement goes nowhere. */
  answered?: number;
}

/** Answered requests waiting at most; beyond this each goes to Bolt at once, as Slack's own backpressure. */
export const MAX_ANSWERED_WAITING = 500;
/**
 * Bolt checks the timestamp again when it processes an answered request; one
 * this close to the 5-minute limit goes to Bolt at once instead, so it cannot
 * be answered here and then refused there.
 */
const ANSWER_FIRST_MAX_AGE_SECONDS = SLACK_MAX_AGE_SECONDS - 30;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = z.custom<Record<string, unknown>>(isObject, 'must be an object');
const idObj = obj.pipe(z.object({ id: z.string().max(500) }).passthrough());

// Only what the SDKs and our listeners rely on without checking; the rest passes through.
const slackInteraction = z.object({
  type: z.string().min(1).max(100),
  user: idObj.optional(),
  team: idObj.nullish(),
  channel: idObj.nullish(),
  container: obj.optional(),
  actions: z.array(obj.pipe(z.object({ action_id: z.string().max(255).optional() }).passthrough())).max(50).optional(),
  view: obj.pipe(z.object({
    id: z.string().optional(), callback_id: z.string().max(255).optional(),
    private_metadata: z.string().max(3000).optional(), state: obj.optional(),
  }).passthrough()).optional(),
  trigger_id: z.string().max(500).optional(),
  response_url: z.string().max(2000).optional(),
  // Slack sends no `event` with an interaction; Bolt takes a body that has one for an event and reads it as an object.
  event: obj.optional(),
}).passthrough();
const slackEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().max(500) }).passthrough(),
  z.object({
    type: z.literal('event_callback'), event: obj.pipe(z.object({ type: z.string().max(100) }).passthrough()),
    team_id: z.string().max(100).optional(), event_id: z.string().max(200).optional(),
  }).passthrough(),
  z.object({ type: z.literal('app_rate_limited') }).passthrough(),
]);
const slackCommand = z.object({
  command: z.string().min(1).max(100), text: z.string().max(4000).default(''), user_id: z.string().min(1).max(100),
  channel_id: z.string().max(100).optional(), trigger_id: z.string().max(500).optional(), response_url: z.string().max(2000).optional(),
});

export type Verdict = { ok: true } | { ok: false; status: number; error: string };
/** A readable Slack body, and whether the bot's answer to it is always an empty 200 (see slackGuard). */
export type SlackVerdict = { ok: true; emptyAnswer: boolean } | { ok: false; status: number; error: string };

/**
 * Interactions every listener of ours acknowledges with nothing, first thing:
 * a button (block_actions), a message or global shortcut. A form's
 * submission (view_submission) is answered with its errors, so it is not here.
 */
const EMPTY_ANSWER_INTERACTIONS = new Set(['block_actions', 'message_action', 'shortcut']);
const bad = (status: number, error: string): { ok: false; status: number; error: string } => ({ ok: false, status, error });

function singleHeader(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/** Signature and timestamp, as Slack documents them, with a bound on the future too. */
export function verifySlack(req: IncomingMessage, body: Buffer, secret: string, nowSeconds: number): Verdict {
  const sig = singleHeader(req, 'x-slack-signature');
  const ts = singleHeader(req, 'x-slack-request-timestamp');
  const shapeOk = sig && ts && /^\d{1,12}$/.test(ts) && /^v0=[0-9a-f]{64}$/.test(sig);
  if (!shapeOk) return bad(401, 'The request is not signed by Slack.');
  const age = nowSeconds - Number(ts);
  if (age > SLACK_MAX_AGE_SECONDS) return bad(401, 'The request is too old.');
  if (age < -SLACK_MAX_FUTURE_SECONDS) return bad(401, 'The request is timestamped in the future.');
  const expected = Buffer.from(`v0=${crypto.createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`);
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return bad(401, 'The request is not signed by Slack.');
  return { ok: true };
}

export function slackShape(req: IncomingMessage, body: Buffer): SlackVerdict {
  const type = (singleHeader(req, 'content-type') ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payloads = form.getAll('payload');
    if (payloads.length > 1) return bad(400, 'payload: give it once.');
    if (payloads.length === 1) {
      let parsed: unknown;
      try { parsed = JSON.parse(payloads[0]!); } catch { return bad(400, 'payload: is not JSON.'); }
      if (!isObject(parsed)) return bad(400, 'payload: must be a JSON object.');
      return slackInteraction.safeParse(parsed).success
        ? { ok: true, emptyAnswer: EMPTY_ANSWER_INTERACTIONS.has(parsed.type as string) }
        : bad(400, 'payload: is not a Slack interaction.');
    }
    const fields = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k)]));
    if (Object.values(fields).some((v) => v.length > 1)) return bad(400, 'The form repeats a field.');
    // The /s117 command acknowledges with nothing and answers through response_url.
    return slackCommand.safeParse(Object.fromEntries(form)).success ? { ok: true, emptyAnswer: true } : bad(400, 'The form is not a Slack command.');
  }
  if (type === 'application/json' || type.startsWith('application/json;')) {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { return bad(400, 'The body is not JSON.'); }
    if (!isObject(parsed)) return bad(400, 'The body must be a JSON object.');
    return slackEvent.safeParse(parsed).success ? { ok: true, emptyAnswer: false } : bad(400, 'The body is not a Slack event.');
  }
  return bad(415, 'Slack sends forms or JSON.');
}

export interface SlackGuardOptions {
  nowSeconds?: () => number;
  /** Told when Bolt refuses a request that was already answered (Slack will not send it again). */
  onLost?: (status: number) => void;
}

/**
 * Where Bolt writes its answer to a request already answered: nowhere, but
 * a refusal (a status other than 200) is reported, since the click it
 * carried is then lost.
 */
function answeredResponse(req: IncomingMessage, onLost: (status: number) => void): ServerResponse {
  const res = new ServerResponse(req);
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  (res as unknown as { writeHead: (...a: unknown[]) => ServerResponse }).writeHead = (...a) => {
    if (a[0] !== 200) onLost(Number(a[0]));
    return writeHead(...a);
  };
  return res;
}

/** Whether a verified request whose answer is empty may be answered here (see slackGuard). */
function answerFirst(req: IncomingMessage, nowSeconds: number): boolean {
  // Bolt reads a form only under exactly this content type; any other spelling goes to Bolt for its answer.
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return false;
  if (nowSeconds - Number(singleHeader(req, 'x-slack-request-timestamp')) > ANSWER_FIRST_MAX_AGE_SECONDS) return false;
  return answersWaiting() < MAX_ANSWERED_WAITING;
}

export function slackGuard(
  listener: RequestListener, secret: string, opts: SlackGuardOptions = {},
): (req: IncomingMessage, res: ServerResponse, ctx: InboundContext<IncomingMessage, ServerResponse>) => Promise<void> {
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (req, res, ctx) => {
    const json = (status: number, body: unknown) => ctx.reply(res, status, body);
    if (req.method !== 'POST') return json(405, { error: 'POST Slack requests here.' });
    const body = await ctx.readBody(req);
    if (!body) return json(413, { error: 'The request is too large.' });
    const type = (singleHeader(req, 'content-type') ?? '').toLowerCase();
    // Slack's unsigned connectivity check: Bolt answers it and drops anything else in the body.
    const sslCheck = type === 'application/x-www-form-urlencoded'
      && new URLSearchParams(body.toString('utf8')).get('ssl_check') === '1';
    let answered = false;
    if (!sslCheck) {
      const v = verifySlack(req, body, secret, nowSeconds());
      if (!v.ok) return json(v.status, { error: v.error });
      const s = slackShape(req, body);
      if (!s.ok) return json(s.status, { error: s.error });
      answered = s.emptyAnswer && answerFirst(req, nowSeconds());
    }
    (req as BufferedRequest).rawBody = body;
    if (!answered) return listener(req, res);
    (req as BufferedRequest).answered = performance.now();
    res.writeHead(200);
    res.end();
    afterAnswers(() => listener(req, answeredResponse(req, opts.onLost ?? (() => {}))), ANSWERED_HOLD_MS);
  };
}

