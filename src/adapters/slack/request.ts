import type { IncomingMessage } from 'node:http';
import bolt from '@slack/bolt';
import { z } from 'zod';

// A Slack request is verified once and parsed once, here, before Bolt sees
// it: Bolt assumes a well-formed body (it read `body.ssl_check` from
// whatever JSON.parse returned, and a signed `payload=null` once took the
// whole bot down), so anything that is not one of Slack's shapes gets a
// plain 4xx instead.

/** Slack's own limit for stale requests. */
export const SLACK_MAX_AGE_SECONDS = 300;
/** Clocks drift; a request signed further in the future than this is a replay being prepared. */
export const SLACK_MAX_FUTURE_SECONDS = 60;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = z.custom<Record<string, unknown>>(isObject, 'must be an object');
const idObj = obj.pipe(z.object({ id: z.string().max(500) }).passthrough());

// Only what Bolt and our listeners rely on without checking; the rest passes through.
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
  team_id: z.string().max(100).optional(),
}).passthrough();

/** What a request is, for the acknowledgement policy (see AckPolicy). */
export type SlackRequestKind =
  | { kind: 'command'; name: string }
  | { kind: 'interaction'; type: string }
  | { kind: 'event'; type: string };

/** A verified, parsed Slack request: the body exactly as Bolt's listeners receive it. */
export interface SlackRequest {
  body: Record<string, unknown>;
  what: SlackRequestKind | { kind: 'ssl_check' } | { kind: 'url_verification'; challenge: string };
  /** The workspace Bolt will authorize it for (see teamOf): undefined when the body names none, null when not an id. */
  teamId: string | null | undefined;
}

export type Refusal = { ok: false; status: number; error: string };
const bad = (status: number, error: string): Refusal => ({ ok: false, status, error });

function singleHeader(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/**
 * Signature and timestamp as Slack documents them (Bolt's own public check),
 * with the header shapes and a bound on the future checked first.
 */
export function verify(req: IncomingMessage, body: Buffer, secret: string, nowSeconds: number): { ok: true } | Refusal {
  const sig = singleHeader(req, 'x-slack-signature');
  const ts = singleHeader(req, 'x-slack-request-timestamp');
  if (!sig || !ts || !/^\d{1,12}$/.test(ts) || !/^v0=[0-9a-f]{64}$/.test(sig)) return bad(401, 'The request is not signed by Slack.');
  const age = nowSeconds - Number(ts);
  if (age > SLACK_MAX_AGE_SECONDS) return bad(401, 'The request is too old.');
  if (age < -SLACK_MAX_FUTURE_SECONDS) return bad(401, 'The request is timestamped in the future.');
  try {
    bolt.verifySlackRequest({
      signingSecret: secret, body: body.toString('utf8'),
      headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': Number(ts) }, nowMilliseconds: nowSeconds * 1000,
    });
  } catch {
    return bad(401, 'The request is not signed by Slack.');
  }
  return { ok: true };
}

/**
 * The workspace Bolt's authorize hook will be asked for: Bolt's own choice (its buildSource, mirrored here, as Bolt
 * does not export it) of team id, else enterprise id. The receiver checks exactly this one, since a body may name
 * one workspace in `team_id` and another in `team.id` or `authorizations`: checking a different field than Bolt
 * reads would let one app's signing secret act with another workspace's token. `undefined`: the body names none;
 * `null`: Bolt would be handed something that is not a team id at all.
 */
export function teamOf(body: Record<string, unknown>): string | null | undefined {
  const o = (v: unknown): Record<string, unknown> | undefined => (isObject(v) ? v : undefined);
  const chosen = ((): { team: unknown; enterprise: unknown } => {
    if (body.event !== undefined) {
      const a = Array.isArray(body.authorizations) && body.authorizations[0] !== undefined ? o(body.authorizations[0]) ?? {} : null;
      return {
        team: a && a.team_id !== null ? a.team_id : body.team_id,
        enterprise: a ? (a.enterprise_id !== null ? a.enterprise_id : undefined) : body.enterprise_id,
      };
    }
    if (body.command !== undefined) return { team: body.team_id, enterprise: body.enterprise_id };
    const team = o(body.team);
    const enterprise = o(body.enterprise)?.id ?? team?.enterprise_id;
    const teamOrUser = team ? team.id : o(body.user)?.team_id;
    if (body.type === 'view_submission' || body.type === 'view_closed') {
      return { team: o(body.view)?.app_installed_team_id || teamOrUser, enterprise };
    }
    return { team: teamOrUser, enterprise };
  })();
  const id = chosen.team ?? chosen.enterprise;
  if (id === undefined || id === null) return undefined;
  return typeof id === 'string' && id ? id : null;
}

/** Whether this is Slack's unsigned connectivity check (answered without a signature; nothing else in it is read). */
export function isSslCheck(req: IncomingMessage, raw: Buffer): boolean {
  const type = (singleHeader(req, 'content-type') ?? '').toLowerCase();
  return type === 'application/x-www-form-urlencoded' && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1';
}

/** The body parsed once, into what Bolt's listeners receive, or why it is not one of Slack's shapes. */
export function parse(req: IncomingMessage, raw: Buffer): ({ ok: true } & SlackRequest) | Refusal {
  const type = (singleHeader(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payloads = form.getAll('payload');
    if (payloads.length > 1) return bad(400, 'payload: give it once.');
    if (payloads.length === 1) {
      let parsed: unknown;
      try { parsed = JSON.parse(payloads[0]!); } catch { return bad(400, 'payload: is not JSON.'); }
      if (!isObject(parsed)) return bad(400, 'payload: must be a JSON object.');
      if (!slackInteraction.safeParse(parsed).success) return bad(400, 'payload: is not a Slack interaction.');
      return { ok: true, body: parsed, what: { kind: 'interaction', type: parsed.type as string }, teamId: teamOf(parsed) };
    }
    const fields = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k)]));
    if (Object.values(fields).some((v) => v.length > 1)) return bad(400, 'The form repeats a field.');
    const flat = Object.fromEntries(form);
    const c = slackCommand.safeParse(flat);
    if (!c.success) return bad(400, 'The form is not a Slack command.');
    return { ok: true, body: flat, what: { kind: 'command', name: c.data.command }, teamId: teamOf(flat) };
  }
  if (type === 'application/json') {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { return bad(400, 'The body is not JSON.'); }
    if (!isObject(parsed)) return bad(400, 'The body must be a JSON object.');
    const e = slackEvent.safeParse(parsed);
    if (!e.success) return bad(400, 'The body is not a Slack event.');
    if (e.data.type === 'url_verification') {
      return { ok: true, body: parsed, what: { kind: 'url_verification', challenge: e.data.challenge }, teamId: undefined };
    }
    const eventType = e.data.type === 'event_callback' ? String(e.data.event.type) : e.data.type;
    return { ok: true, body: parsed, what: { kind: 'event', type: eventType }, teamId: teamOf(parsed) };
  }
  return bad(415, 'Slack sends forms or JSON.');
}
