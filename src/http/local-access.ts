import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// The surfaces without sign-in (the register in local mode, the Teams
// Emulator endpoint) cannot tell "this computer" from the socket: a proxy on
// the same machine (nginx's plain proxy_pass, socat, ssh -L) makes every
// visitor's request arrive from 127.0.0.1 with no forwarding header. So they
// also need a secret that only someone who can read the bot's start-up output
// holds: a token made afresh at every start, printed in the banner as a link
// (as a notebook server does). Opening the link once sets a cookie.

/** The cookie a browser keeps after opening the start-up link. */
export const LOCAL_COOKIE = 's117_local';

/** Where a person who lacks the link is told to find it. */
export const WHERE_THE_LINK_IS = 'Open the register with the link the bot printed when it started (it looks like '
  + 'http://localhost:3000/register?token=…; it changes at every start). Whoever started the bot can find it in its '
  + 'start-up output or log. To use the register without that link, set up sign-in (OIDC_ISSUER).';

function same(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

export class LocalAccess {
  /** Never logged; printed once, in the banner. */
  readonly token: string;

  constructor(token: string = crypto.randomBytes(24).toString('base64url')) {
    this.token = token;
  }

  matches(given: string | null | undefined): boolean {
    return typeof given === 'string' && given.length > 0 && same(given, this.token);
  }

  /** `?token=` on the request's URL. */
  fromQuery(req: IncomingMessage): string | null {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  }

  fromCookie(req: IncomingMessage): string | null {
    for (const part of String(req.headers.cookie ?? '').split(';')) {
      const i = part.indexOf('=');
      if (i > 0 && part.slice(0, i).trim() === LOCAL_COOKIE) return decodeURIComponent(part.slice(i + 1).trim());
    }
    return null;
  }

  /** The cookie that stands for the token from now until the bot stops (a restart makes a new token). */
  cookie(secure: boolean): string {
    return `${LOCAL_COOKIE}=${this.token}; Path=/register; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  /** A secret derived from the token for the register's forms (a different value, so a form never carries the token). */
  csrf(): string {
    return crypto.createHmac('sha256', this.token).update('register-forms').digest('base64url');
  }
}
