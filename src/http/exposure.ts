import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

// Who can reach the parts of the bot that have no sign-in of their own: the
// register in local mode (no OIDC_ISSUER) and the Teams Emulator endpoint (no
// MICROSOFT_APP_ID). "This computer only" must mean it: the connecting
// socket is loopback, nothing forwarded the request (a reverse proxy on the
// same machine makes every visitor look local), and the Host header names
// this machine (a web page elsewhere can point its own domain at 127.0.0.1:
// DNS rebinding).

export interface ExposureSettings { HOST: string; PUBLIC_URL?: string | undefined; TRUSTED_PROXY?: string | undefined }

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];
/** Headers a proxy adds; their presence means the socket's address is not the visitor's. */
export const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'x-forwarded-server', 'x-original-host'];

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return LOOPBACK_ADDRESSES.has(address) || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}

/** The bind address answers this machine only. */
export function isLoopbackBind(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || isLoopbackAddress(h);
}

/** Host names a request may carry: PUBLIC_URL's and the loopback names. */
export function allowedHostNames(s: ExposureSettings): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (s.PUBLIC_URL) names.add(new URL(s.PUBLIC_URL).hostname.toLowerCase());
  const bind = s.HOST.trim().toLowerCase();
  if (bind && bind !== '0.0.0.0' && bind !== '::') names.add(bind);
  return names;
}

/** The Host header's name without the port; null when missing or malformed. */
export function hostName(req: IncomingMessage): string | null {
  const raw = req.headers.host;
  if (!raw || raw.length > 300) return null;
  try {
    return new URL(`http://${raw}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function hostAllowed(req: IncomingMessage, s: ExposureSettings): boolean {
  const h = hostName(req);
  return h !== null && allowedHostNames(s).has(h);
}

export function forwarded(req: IncomingMessage): boolean {
  return FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
}

/**
 * Why a surface without sign-in cannot be served at all with these settings
 * (said at start-up and on every refused request), or null when it may answer
 * this computer.
 */
export function unsignedSurfaceBlocked(s: ExposureSettings): string | null {
  if (s.TRUSTED_PROXY) return 'TRUSTED_PROXY is set, so requests come through a proxy and the bot cannot tell who is on this computer';
  if (!isLoopbackBind(s.HOST)) return `HOST is ${s.HOST}, so other computers can connect`;
  return null;
}

export interface Refusal { status: number; message: string }

/** For a request to a surface without sign-in: null to serve it, or the refusal. */
export function localOnlyRefusal(req: IncomingMessage, s: ExposureSettings, what: string, fix: string): Refusal | null {
  const blocked = unsignedSurfaceBlocked(s);
  if (blocked) return { status: 403, message: `${what} is switched off: ${blocked}. ${fix}` };
  if (forwarded(req)) return { status: 403, message: `${what} answers this computer only, and this request came through a proxy. ${fix}` };
  if (!isLoopbackAddress(req.socket.remoteAddress)) return { status: 403, message: `${what} answers this computer only. ${fix}` };
  if (!hostAllowed(req, s)) return { status: 421, message: `${what} does not answer for the host name "${String(req.headers.host ?? '').slice(0, 100)}". Use http://localhost.` };
  return null;
}

/** For any request to the register: a Host that is not ours is refused (421) even with sign-in. */
export function hostRefusal(req: IncomingMessage, s: ExposureSettings): Refusal | null {
  if (hostAllowed(req, s)) return null;
  const h = hostName(req);
  // An IP address cannot be rebound to another site; names must be PUBLIC_URL's.
  if (h && isIP(h.replace(/^\[|\]$/g, ''))) return null;
  return { status: 421, message: `This server does not answer for the host name "${String(req.headers.host ?? '').slice(0, 100)}". Use the address in PUBLIC_URL.` };
}
