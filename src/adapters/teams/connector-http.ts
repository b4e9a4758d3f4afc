import http from 'node:http';
import https from 'node:https';
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
type LegacyClient = NonNullable<ClientOptions['httpClient']>;
type Request = Parameters<LegacyClient['sendRequest']>[0];
type Response = Awaited<ReturnType<LegacyClient['sendRequest']>>;

/** A 429 or 5xx from the Bot Connector, in the shape chat-port's deliveryError reads (a status and a Retry-After). */
export class ConnectorCallError extends Error {
  override readonly name = 'ConnectorCallError';
  constructor(readonly statusCode: number, readonly response: { headers: { get: (h: string) => string | undefined } }, body: string) {
    super(`the Bot Connector answered ${statusCode}: ${body.slice(0, 300)}`);
  }
}

/** Headers in the compat layer's shape (only what the SDK reads back). */
function headersLike(raw: http.IncomingHttpHeaders): Response['headers'] {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  const get = (name: string) => flat[name.toLowerCase()];
  return {
    get, contains: (name: string) => name.toLowerCase() in flat,
    set: (name: string, value: string | number) => { flat[name.toLowerCase()] = String(value); },
    remove: (name: string) => { const had = name.toLowerCase() in flat; delete flat[name.toLowerCase()]; return had; },
    rawHeaders: () => ({ ...flat }), headersArray: () => Object.entries(flat).map(([name, value]) => ({ name, value })),
    headerNames: () => Object.keys(flat), headerValues: () => Object.values(flat),
    clone() { return headersLike({ ...flat }); }, toJson: () => ({ ...flat }),
  } as Response['headers'];
}

/**
 * The Bot Connector's HTTP client: every call gives up after `timeoutMs` and
 * is tried once. The SDK's own retry policy would otherwise keep a 5xx or a
 * 429 going for many seconds after the outbox gave the row up, and could
 * then post after another replica had re-sent it; the outbox retries
 * instead, with the rate limits every replica shares. A 429 or 5xx is thrown
 * as a plain error (not the SDK's RestError), which its retry policy passes
 * straight on. Proxies set up by the SDK's pipeline are kept (its agent).
 */
export function connectorHttp(timeoutMs: number): ClientOptions {
  const httpClient: LegacyClient = {
    sendRequest: (request: Request) => new Promise<Response>((resolve, reject) => {
      const url = new URL(request.url);
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = request.abortSignal ? AbortSignal.any([deadline, request.abortSignal as AbortSignal]) : deadline;
      const body: unknown = request.body;
      const agent: unknown = request.agent;
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: request.method, headers: request.headers.toJson({ preserveCase: true }), signal,
        agent: agent instanceof http.Agent ? agent : undefined,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const headers = headersLike(res.headers);
          const retryable = status === 429 || status === 408 || status >= 500;
          if (retryable) reject(new ConnectorCallError(status, { headers: { get: (h) => headers.get(h) } }, text));
          else resolve({ request, status, headers, bodyAsText: text } as Response);
        });
      });
      req.on('error', reject);
      req.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : body == null ? undefined : JSON.stringify(body));
    }),
  };
  return { httpClient };
}
