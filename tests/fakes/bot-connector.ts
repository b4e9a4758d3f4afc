import http from 'node:http';
import zlib from 'node:zlib';
import { LoopbackServer } from './loopback.ts';
import type { FakeMicrosoftLogin } from './microsoft-login.ts';

export interface ConnectorCall {
  method: string; path: string; conversation: string | null; activityId: string | null; body: Record<string, unknown>;
  /** Whether the connector did what it asked (a failed or hung call did nothing). */
  applied: boolean; status?: number;
  /** With a sign-in set: the app whose token the call carried. */
  appId?: string;
  /** The coding the answer was sent in, when it was compressed. */
  encoding?: string;
}

/** Teams' limit on one message (learn.microsoft.com: rate limiting and message size for bots). */
export const MAX_MESSAGE_BYTES = 28 * 1024;

export type AnswerCoding = 'gzip' | 'deflate' | 'br';
const ENCODE: Record<AnswerCoding, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };

/**
 * A fault every call (or every `faultEvery`-th) meets while it is set: an
 * outage (500), a rate limit (429 + Retry-After, seconds or an HTTP date), a
 * hang (no answer, nothing done, until released), a slow answer (done,
 * answered late) or a huge one (done, answered with `bytes` of padding).
 */
export type ConnectorFault = { kind: '500' } | { kind: '429'; retryAfter: number | string } | { kind: 'hang' } | { kind: 'slow'; ms: number }
  | { kind: 'huge'; bytes: number };

/**
 * A fake Bot Connector (the activity's serviceUrl) on loopback: records every
 * call the bot makes to Teams and answers like the connector does. New
 * channel threads get ids of Teams' shape, `<channel>;messageid=<root>`.
 */
export class FakeBotConnector extends LoopbackServer {
  readonly calls: ConnectorCall[] = [];
  private seq = 1000;
  private failures: number[] = [];
  /** Retry-After sent with a failure: seconds, or an HTTP date. */
  retryAfter: number | string = 5;
  /**
   * Answers in this coding when the call's Accept-Encoding allows it, as
   * Azure's front ends do; null: always uncompressed.
   */
  compression: AnswerCoding | null = null;
  protected override readonly urlSuffix = '/';
  fault: ConnectorFault | null = null;
  faultEvery = 1;
  private faultCount = 0;
  readonly hung: http.ServerResponse[] = [];
  /**
   * With a sign-in set the connector is strict per bot, as Teams is: every
   * call needs a token from that sign-in for the Bot Framework (401), a new
   * conversation is made only in the token's own tenant, and a conversation
   * is written to only by the bot that is in it (403), which `tenantOf` (a
   * chat's tenant) and the conversations each app made or first used decide.
   */
  login: FakeMicrosoftLogin | null = null;
  tenantOf: (conversation: string) => string | null = () => null;
  private readonly owners = new Map<string, string>();

  /** Why the call's token may not do this (null: it may), as the connector refuses. */
  private refusal(req: http.IncomingMessage, call: ConnectorCall, body: Record<string, unknown>): [number, string] | null {
    if (!this.login) return null;
    const who = this.login.whoseToken(req.headers.authorization);
    if (!who || who.audience !== 'https://api.botframework.com') return [401, 'Authorization has been denied for this request.'];
    call.appId = who.appId;
    if (!call.conversation) {
      const tenant = String(body.tenantId ?? (body.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? '');
      if (tenant.toLowerCase() !== who.tenantId.toLowerCase()) return [403, `The bot is not installed in tenant ${tenant || '(none)'}.`];
      return null;
    }
    const conv = call.conversation.split(';')[0]!;
    const tenant = this.tenantOf(conv);
    if (tenant !== null && tenant.toLowerCase() !== who.tenantId.toLowerCase()) return [403, 'The bot is not part of the conversation roster.'];
    const owner = this.owners.get(conv);
    if (owner && owner !== who.appId) return [403, 'The bot is not part of the conversation roster.'];
    this.owners.set(conv, who.appId);
    return null;
  }

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0]!;
    const m = /^\/v3\/conversations(?:\/([^/]+))?(?:\/activities(?:\/([^/]+))?)?$/.exec(url);
    const body = raw ? JSON.parse(raw) as Record<string, unknown> : {};
    const call: ConnectorCall = {
      method: req.method ?? '', path: url, conversation: m?.[1] ? decodeURIComponent(m[1]) : null, activityId: m?.[2] ? decodeURIComponent(m[2]) : null, body,
      applied: false,
    };
    this.calls.push(call);
    const fail = this.failures.shift();
    const fault = !fail && this.fault && ++this.faultCount % this.faultEvery === 0 ? this.fault : null;
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (res.destroyed) return;
      let payload: Buffer = Buffer.from(JSON.stringify(json));
      if (this.compression && accepts(req.headers['accept-encoding'], this.compression)) {
        payload = ENCODE[this.compression](payload);
        call.encoding = this.compression;
        headers = { ...headers, 'content-encoding': this.compression };
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(payload);
    };
    const refuse = (status: number, retryAfter: number | string) => {
      const error = status === 429 ? { code: 'Throttled', message: 'Too many requests' } : { code: 'ServiceError', message: 'Internal server error' };
      answer(status, { error }, { 'retry-after': String(retryAfter) });
    };
    if (fail) return refuse(fail, this.retryAfter);
    const refused = this.refusal(req, call, body);
    if (refused) return answer(refused[0], { error: { code: refused[0] === 401 ? 'Unauthorized' : 'BotNotInConversationRoster', message: refused[1] } });
    // Teams refuses a message over 28 KB, measured on the activity as sent (the card inside it, base64 images and all).
    if ((req.method === 'POST' || req.method === 'PUT') && Buffer.byteLength(raw, 'utf8') > MAX_MESSAGE_BYTES) {
      return answer(413, { error: { code: 'MessageSizeTooBig', message: 'Message size too big' } });
    }
    // Teams checks an activity's mentions before doing anything: each must name text the activity carries.
    const invalid = invalidMention(body);
    if (invalid && (req.method === 'POST' || req.method === 'PUT')) {
      return answer(400, { error: { code: 'BadArgument', message: `Invalid mention entity: ${invalid}` } });
    }
    if (fault?.kind === '500') return refuse(500, this.retryAfter);
    if (fault?.kind === '429') return refuse(429, fault.retryAfter);
    if (fault?.kind === 'hang') {
      call.status = 0;
      this.hung.push(res);
      return;
    }
    call.applied = true;
    const id = String(++this.seq);
    let resource: Record<string, unknown> = { id };
    if (req.method === 'POST' && !call.conversation) {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const members = (body.members as { id: string }[] | undefined) ?? [];
      resource = { id: channel ? `${channel};messageid=${id}` : `a:dm-${members[0]?.id ?? 'x'}`, activityId: id };
      if (call.appId) this.owners.set(String(resource.id).split(';')[0]!, call.appId);
    }
    if (fault?.kind === 'huge') resource = { ...resource, padding: 'x'.repeat(fault.bytes) };
    const reply = () => answer(200, resource);
    if (fault?.kind === 'slow') setTimeout(reply, fault.ms);
    else reply();
  }

  /** Answers every hung call with a 500 (the connector recovering, having done nothing) and forgets them. */
  releaseHung(): void {
    for (const res of this.hung.splice(0)) {
      if (!res.destroyed) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ServiceError', message: 'recovered' } }));
    }
  }

  failNext(status: number, times = 1): void { for (let i = 0; i < times; i++) this.failures.push(status); }
  clearFailures(): void { this.failures.length = 0; }
  created(): ConnectorCall[] { return this.calls.filter((c) => c.method === 'POST' && !c.conversation); }
  sent(conversation?: string): ConnectorCall[] { return this.calls.filter((c) => c.method === 'POST' && c.conversation && (!conversation || c.conversation === conversation)); }
  updated(): ConnectorCall[] { return this.calls.filter((c) => c.method === 'PUT'); }
  clear(): void { this.calls.length = 0; }
}

/** Whether an Accept-Encoding header lets the answer come in `coding` (a q of 0 refuses it). */
function accepts(header: string | string[] | undefined, coding: string): boolean {
  const listed = String(header ?? '').split(',').map((p) => p.trim().toLowerCase().split(';'));
  return listed.some(([name, q]) => (name === coding || name === '*') && !/q=0(\.0*)?$/.test(q?.trim() ?? ''));
}

/**
 * Teams' rule for mentions, as the connector applies it: a `mention` entity
 * on the activity must quote text that is in the activity's `text`; one in an
 * Adaptive Card's `msteams.entities` must quote text in one of the card's
 * TextBlocks. Returns what is wrong, or null.
 */
export function invalidMention(activity: Record<string, unknown>): string | null {
  const text = typeof activity.text === 'string' ? activity.text : '';
  for (const e of (activity.entities as { type?: string; text?: string }[] | undefined) ?? []) {
    if (e?.type === 'mention' && (!e.text || !text.includes(e.text))) return `the activity's text has no ${JSON.stringify(e.text ?? '')}`;
  }
  for (const a of (activity.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined) ?? []) {
    if (a?.contentType !== 'application/vnd.microsoft.card.adaptive' || !a.content) continue;
    const blocks = JSON.stringify(a.content.body ?? []);
    const entities = (a.content.msteams as { entities?: { type?: string; text?: string; mentioned?: { id?: string } }[] } | undefined)?.entities ?? [];
    for (const e of entities) {
      if (e?.type !== 'mention') continue;
      if (!e.text || !blocks.includes(JSON.stringify(e.text).slice(1, -1))) return `the card has no ${JSON.stringify(e.text ?? '')}`;
      if (!e.mentioned?.id) return 'a mention names nobody';
    }
  }
  return null;
}
