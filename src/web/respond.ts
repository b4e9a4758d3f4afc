import type { IncomingMessage, ServerResponse } from 'node:http';

// How every register page is answered: one Content-Security-Policy (no scripts, no inline styles, forms post only
// to us), never cached, never framed.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function send(
  res: ServerResponse, status: number, body: string | Buffer, type = 'text/html; charset=utf-8', extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin',
    'cache-control': 'no-store', ...extra,
  });
  res.end(body);
}

/** A posted form, read up to 20 000 characters (anything longer is cut, and its fields then fail their own checks). */
export async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of req) {
    raw += String(chunk);
    if (raw.length > 20_000) break;
  }
  return new URLSearchParams(raw);
}

/**
 * The address a request came from, for rate limits. Behind the reverse proxy named by TRUSTED_PROXY every request
 * comes from the proxy, so the address it appended to X-Forwarded-For (the last one) is used; from anywhere else
 * the header is ignored, since anyone can send it.
 */
export function clientIp(req: IncomingMessage, trustedProxy?: string): string {
  const peer = (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedProxy || peer !== trustedProxy.trim() || typeof forwarded !== 'string') return peer;
  return forwarded.split(',').map((x) => x.trim()).filter(Boolean).at(-1) ?? peer;
}
