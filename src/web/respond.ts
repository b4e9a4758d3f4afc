import type { IncomingMessage, ServerResponse } from 'node:http';

// How every register page is answered: one Content-Security-Policy (no scripts, no inline styles, forms post only
// to us), never cached, never framed.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function send(
  res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {},
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

/** The address the request came from, for rate limits (the proxy's X-Forwarded-For is not trusted: it is anyone's to set). */
export const clientIp = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';
