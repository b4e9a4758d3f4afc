import crypto from 'node:crypto';
import type { Effect } from '../domain/effects.ts';

/**
 * E-mailed single-use sign-in links. The token is an HMAC of the link's id under SESSION_SECRET, so the outbox row
 * needs to carry only the id (a retried send writes the same link) and the database keeps only the token's SHA-256:
 * someone who reads the database or a backup can neither sign in with a stored link nor make one.
 */
export const LINK_MINUTES = 15;
/**
 * Requests per address, and per client address, in one window of LINK_MINUTES. Per client address it is generous:
 * an organisation's staff often reach us from one address (its proxy or NAT).
 */
export const LINK_LIMITS = { perAddress: 3, perIp: 30 } as const;

export const linkToken = (secret: string, linkId: string): string =>
  crypto.createHmac('sha256', secret).update(`s117 sign-in link\0${linkId}`).digest('base64url');

export const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

/** The page the e-mail links to; it asks for a press of a button before the link is used (mail scanners follow links). */
export const linkUrl = (publicUrl: string, token: string): string => `${publicUrl.replace(/\/$/, '')}/register/login/link?t=${token}`;

export interface LinkRequest {
  id: string;
  /** Null for an address nobody in the directory has (or whose organisation signs in elsewhere): counted, never sent. */
  personId: string | null;
  tokenHash: string | null;
  addressHash: string;
  ipHash: string;
  now: Date;
  expiresAt: Date;
  /** The e-mail to queue with the link, in the same transaction. */
  effect: Extract<Effect, { kind: 'SIGN_IN_LINK' }> | null;
}

export type Consumed = { ok: true; personId: string } | { ok: false; why: 'used' | 'expired' | 'unknown' };

/** Where the links live (register/sign-in-links.ts). */
export interface SignInLinkStore {
  /** Records the request and, within the limits, the link and its outbox row in one transaction. */
  request(r: LinkRequest, limits: { perAddress: number; perIp: number; windowMs: number }): Promise<'queued' | 'limited' | 'counted'>;
  /** Uses a link once: the first caller gets the person, every later one `used`. */
  consume(tokenHash: string, now: Date): Promise<Consumed>;
}
