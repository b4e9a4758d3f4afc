import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

export interface ConnectorCall {
  method: string; path: string; conversation: string | null; activityId: string | null; body: Record<string, unknown>;
  /** When it arrived (ms), and whether the connector did what it asked (a failed or hung call did nothing). */
  at: number; applied: boolean; status?: number;
}

/**
 * A fault every call (or every `faultEvery`-th) meets while it is set: an
 * outage (500), a rate limit (429 + Retry-After), a hang (no answer, nothing
 * done, until released) or a slow answer (done, answered late).
 */
export type ConnectorFault = { kind: '500' } | { kind: '429'; retryAfter: number } | { kind: 'hang' } | { kind: 'slow'; ms: number };

/**
 * A fake Bot Connector (the activity's serviceUrl) on loopback: records every
 * call the bot makes to Teams and answers like the connector does. New
 * channel threads get ids of Teams' shape, `<channel>;messageid=<root>`.
 */
export class FakeBotConnector extends LoopbackServer {
  readonly calls: ConnectorCall[] = [];
  private seq = 1000;
  private failures: number[] = [];
  /** Seconds sent in Retry-After with a 429. */
  retryAfter = 5;
  protected override readonly urlSuffix = '/';
  fault: ConnectorFault | null = null;
  faultEvery = 1;
  private faultCount = 0;
  readonly hung: http.ServerResponse[] = [];

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0]!;
    const m = /^\/v3\/conversations(?:\/([^/]+))?(?:\/activities(?:\/([^/]+))?)?$/.exec(url);
    const body = raw ? JSON.parse(raw) as Record<string, unknown> : {};
    const call: ConnectorCall = {
      method: req.method ?? '', path: url, conversation: m?.[1] ? decodeURIComponent(m[1]) : null, activityId: m?.[2] ? decodeURIComponent(m[2]) : null, body,
      at: Date.now(), applied: false,
    };
    this.calls.push(call);
    const fail = this.failures.shift();
    const fault = !fail && this.fault && ++this.faultCount % this.faultEvery === 0 ? this.fault : null;
    const refuse = (status: number, retryAfter: number) => {
      call.status = status;
      const error = status === 429 ? { code: 'Throttled', message: 'Too many requests' } : { code: 'ServiceError', message: 'Internal server error' };
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': String(retryAfter) }).end(JSON.stringify({ error }));
    };
    if (fail) return refuse(fail, this.retryAfter);
    if (fault?.kind === '500') return refuse(500, this.retryAfter);
    if (fault?.kind === '429') return refuse(429, fault.retryAfter);
    if (fault?.kind === 'hang') {
      call.status = 0;
      this.hung.push(res);
      return;
    }
    call.applied = true;
    const id = String(++this.seq);
    let answer: Record<string, unknown> = { id };
    if (req.method === 'POST' && !call.conversation) {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const members = (body.members as { id: string }[] | undefined) ?? [];
      answer = { id: channel ? `${channel};messageid=${id}` : `a:dm-${members[0]?.id ?? 'x'}`, activityId: id };
    }
    const reply = () => {
      call.status = 200;
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };
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
