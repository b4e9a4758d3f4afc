import http from 'node:http';
import { LoopbackServer } from './loopback.ts';

export interface ConnectorCall { method: string; path: string; conversation: string | null; activityId: string | null; body: Record<string, unknown> }

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

  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0]!;
    const m = /^\/v3\/conversations(?:\/([^/]+))?(?:\/activities(?:\/([^/]+))?)?$/.exec(url);
    const body = raw ? JSON.parse(raw) as Record<string, unknown> : {};
    const call = { method: req.method ?? '', path: url, conversation: m?.[1] ? decodeURIComponent(m[1]) : null, activityId: m?.[2] ? decodeURIComponent(m[2]) : null, body };
    this.calls.push(call);
    const fail = this.failures.shift();
    if (fail) {
      res.writeHead(fail, { 'content-type': 'application/json', 'retry-after': String(this.retryAfter) }).end(JSON.stringify({ error: { code: 'Throttled', message: 'Too many requests' } }));
      return;
    }
    const id = String(++this.seq);
    let answer: Record<string, unknown> = { id };
    if (req.method === 'POST' && !call.conversation) {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const members = (body.members as { id: string }[] | undefined) ?? [];
      answer = { id: channel ? `${channel};messageid=${id}` : `a:dm-${members[0]?.id ?? 'x'}`, activityId: id };
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  failNext(status: number, times = 1): void { for (let i = 0; i < times; i++) this.failures.push(status); }
  clearFailures(): void { this.failures.length = 0; }
  created(): ConnectorCall[] { return this.calls.filter((c) => c.method === 'POST' && !c.conversation); }
  sent(conversation?: string): ConnectorCall[] { return this.calls.filter((c) => c.method === 'POST' && c.conversation && (!conversation || c.conversation === conversation)); }
  updated(): ConnectorCall[] { return this.calls.filter((c) => c.method === 'PUT'); }
  clear(): void { this.calls.length = 0; }

}
