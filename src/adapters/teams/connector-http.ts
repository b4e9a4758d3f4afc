import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
type LegacyClient = NonNullable<ClientOptions['httpClient']>;
type Request = Parameters<LegacyClient['sendRequest']>[0];
type Response = Awaited<ReturnType<LegacyClient['sendRequest']>>;

/** More than any activity or conversation answer: a bigger one is not the connector talking, and is not read into memory. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** The codings this client decodes, and so the only ones it asks for (the SDK would ask for some without decoding them). */
const DECODERS: Readonly<Record<string, () => zlib.Gunzip | zlib.Unzip | zlib.BrotliDecompress>> = {
  gzip: () => zlib.createGunzip(), 'x-gzip': () => zlib.createGunzip(),
  // Unzip also takes the zlib-wrapped deflate HTTP means by "deflate".
  deflate: () => zlib.createUnzip(), br: () => zlib.createBrotliDecompress(),
};
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Why a retryable answer failed, without its body: the message ends up in the outbox's lastError and in governance alerts. */
const STATUS_TEXT = (status: number) => (status === 429 ? 'rate limited' : status === 408 ? 'request timeout' : 'server error');

/**
 * A 408, 429 or 5xx from the Bot Connector: its status and Retry-After in
 * seconds, read by chat-port's deliveryError (no `response` field: the SDK
 * would take it for one of its own and fail reading it).
 */
export class ConnectorCallError extends Error {
  override readonly name = 'ConnectorCallError';
  constructor(readonly statusCode: number, readonly retryAfter: number | undefined) {
    super(`the Bot Connector answered ${statusCode} (${STATUS_TEXT(statusCode)})`);
  }
}

/**
 * Retry-After in seconds: a number of seconds, or an HTTP date measured from
 * the answer's own Date header when it has one (the two clocks may differ;
 * the connector's is the one the date was written in). Unparsable: undefined.
 */
export function retryAfterSeconds(value: string | undefined, answeredAt: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const from = answeredAt === undefined ? NaN : Date.parse(answeredAt);
  return Math.max(0, (at - (Number.isNaN(from) ? now : from)) / 1000);
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

type SignalLike = { aborted: boolean; addEventListener?: (type: 'abort', listener: () => void, options?: { once?: boolean }) => void };

/**
 * The call's deadline joined with the caller's signal. AbortSignal.any follows
 * only the platform's own signals (a look-alike is ignored, or refused by
 * newer runtimes); the SDK may hand over one from an older abort-controller
 * package, which is followed by hand.
 */
function callSignal(timeoutMs: number, outer: SignalLike | undefined): AbortSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  if (!outer) return deadline;
  if (outer instanceof AbortSignal) return AbortSignal.any([deadline, outer]);
  const joined = new AbortController();
  if (outer.aborted) joined.abort();
  else outer.addEventListener?.('abort', () => joined.abort(), { once: true });
  deadline.addEventListener('abort', () => joined.abort(deadline.reason), { once: true });
  return joined.signal;
}

/** The answer's body, decoded per Content-Encoding and capped at MAX_ANSWER_BYTES (counted decoded: a small bomb stays small). */
async function readBody(res: http.IncomingMessage): Promise<string> {
  const codings = (res.headers['content-encoding'] ?? '').split(',')
    .map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  const unknown = codings.find((c) => !DECODERS[c]);
  if (unknown) {
    res.destroy();
    throw new Error(`the Bot Connector answered in an encoding this client cannot read (${unknown})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) throw new Error(`the Bot Connector's answer was larger than ${MAX_ANSWER_BYTES} bytes and was not read`);
      chunks.push(chunk);
    }
  };
  // Codings are listed in the order they were applied: undo them last first.
  await pipeline([res, ...codings.reverse().map((c) => DECODERS[c]!()), collect] as unknown as readonly NodeJS.ReadWriteStream[]);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The Bot Connector's HTTP client: every call gives up after `timeoutMs` and
 * is tried once. The SDK's own retry policy would otherwise keep a 5xx or a
 * 429 going for many seconds after the outbox gave the row up, and could
 * then post after another replica had re-sent it; the outbox retries
 * instead, with the rate limits every replica shares. A 408, 429 or 5xx is
 * thrown as a plain error (not the SDK's RestError), which its retry policy
 * passes straight on. Proxies set up by the SDK's pipeline are kept (its agent).
 */
export function connectorHttp(timeoutMs: number): ClientOptions {
  const httpClient: LegacyClient = {
    sendRequest: (request: Request) => new Promise<Response>((resolve, reject) => {
      const url = new URL(request.url);
      const signal = callSignal(timeoutMs, request.abortSignal as SignalLike | undefined);
      const body: unknown = request.body;
      const agent: unknown = request.agent;
      const headers: Record<string, string> = request.headers.toJson({ preserveCase: true });
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'accept-encoding') delete headers[name];
      headers['accept-encoding'] = ACCEPT_ENCODING;
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: request.method, headers, signal, agent: agent instanceof http.Agent ? agent : undefined,
      }, (res) => {
        readBody(res).then((text) => {
          const status = res.statusCode ?? 0;
          const answer = headersLike(res.headers);
          if (status === 429 || status === 408 || status >= 500) {
            return reject(new ConnectorCallError(status, retryAfterSeconds(answer.get('retry-after'), answer.get('date'))));
          }
          resolve({ request, status, headers: answer, bodyAsText: text } as Response);
        }, reject);
      });
      req.on('error', reject);
      req.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : body == null ? undefined : JSON.stringify(body));
    }),
  };
  return { httpClient };
}
