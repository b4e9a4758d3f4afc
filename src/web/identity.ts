import type { IdentityStore } from '../app/identity-store.ts';
import type { Directory, Organisation, Person } from '../domain/types.ts';

// Who a sign-in is. A provider's `email` claim is only a hint: anyone who can
// make a provider (or an account at one) assert an address must not become
// the person who owns it. So a person is matched by the identity recorded at
// their first sign-in (issuer + subject) and, only for that first time, by an
// e-mail address the provider says it verified, from a provider that speaks
// for that person's organisation.

/** An issuer as configured and as claimed, compared without a trailing slash. */
export const normaliseIssuer = (iss: string): string => iss.trim().replace(/\/+$/, '');

/** The issuers that speak for an organisation: its own list, or the deployment's default (OIDC_ISSUER). */
export function issuersOf(org: Organisation | undefined, defaultIssuer: string | undefined): string[] {
  const list = org?.oidcIssuers?.length ? org.oidcIssuers : defaultIssuer ? [defaultIssuer] : [];
  return list.map(normaliseIssuer);
}

/**
 * The stable identity in a set of ID-token claims: the issuer and its subject. Microsoft Entra's object id (`oid`)
 * names the same person across app registrations where `sub` does not, so with a tenant id (`tid`) it is the subject.
 */
export function identityOf(claims: Record<string, unknown>): { issuer: string; subject: string } | null {
  const issuer = typeof claims.iss === 'string' ? normaliseIssuer(claims.iss) : '';
  const oid = typeof claims.oid === 'string' && typeof claims.tid === 'string' ? claims.oid : null;
  const subject = oid ?? (typeof claims.sub === 'string' ? claims.sub : '');
  return issuer && subject ? { issuer, subject } : null;
}

/**
 * Whether the provider vouches for the address: `email_verified: true` (OpenID Connect), or Entra's `xms_edov: true`
 * (the address's domain is verified by the tenant; Entra sends no email_verified). Never `preferred_username`.
 */
export function verifiedEmail(claims: Record<string, unknown>): string | null {
  if (typeof claims.email !== 'string' || !claims.email.includes('@')) return null;
  return claims.email_verified === true || claims.xms_edov === true ? claims.email.trim().toLowerCase() : null;
}

export type Match =
  | { kind: 'person'; person: Person; firstTime: boolean }
  /** Signed in, but nobody in the directory: they see nothing (the register's 403 page). */
  | { kind: 'stranger'; label: string }
  | { kind: 'refused'; reason: string; log: string };

const SEE_ADMIN = 'Ask your administrator to check your entry in the Section 117 directory.';

/** Matches the claims to a directory person, recording the binding the first time. */
export async function matchPerson(
  claims: Record<string, unknown>, directory: Directory, defaultIssuer: string | undefined, store: IdentityStore, now: Date,
): Promise<Match> {
  const id = identityOf(claims);
  const refuse = (reason: string, log: string): Match => ({ kind: 'refused', reason: `${reason} ${SEE_ADMIN}`, log });
  if (!id) return refuse('Your sign-in provider did not say who you are.', 'sign-in claims have no issuer or subject');
  const orgOf = (p: Person) => directory.organisations.find((o) => o.id === p.organisationId);
  const speaksFor = (p: Person) => issuersOf(orgOf(p), defaultIssuer).includes(id.issuer);
  const label = verifiedEmail(claims) ?? (typeof claims.name === 'string' ? claims.name : id.subject);

  const boundTo = await store.personFor(id.issuer, id.subject);
  if (boundTo) {
    const person = directory.people.find((p) => p.id === boundTo);
    if (!person) return { kind: 'stranger', label };
    // The organisation may have moved to another provider since: the old one no longer speaks for it.
    if (!speaksFor(person)) {
      return refuse('This sign-in provider does not speak for your organisation.',
        'sign-in binding is for an issuer the organisation no longer names');
    }
    return { kind: 'person', person, firstTime: false };
  }

  const email = verifiedEmail(claims);
  const oid = typeof claims.oid === 'string' && typeof claims.tid === 'string' ? claims.oid : null;
  // The Teams handle is the Entra object id the administrator wrote down, so it identifies as well as a binding does.
  const candidate = directory.people.find((p) => oid && p.handles.teams === oid && speaksFor(p))
    ?? directory.people.find((p) => email && p.email?.toLowerCase() === email && speaksFor(p));
  if (!candidate) {
    const claimed = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!email && claimed && directory.people.some((p) => p.email?.toLowerCase() === claimed)) {
      return refuse('Your sign-in provider has not verified your e-mail address, so the register cannot tell it is you.',
        'sign-in with an e-mail address the provider did not verify was not matched');
    }
    return { kind: 'stranger', label };
  }
  const already = await store.subjectFor(candidate.id, id.issuer);
  if (already !== null && already !== id.subject) {
    return refuse('This is not the account first used to sign in as this person.',
      'sign-in matched a person already bound to another account of the same provider');
  }
  if (already === null && !(await store.bind(id.issuer, id.subject, candidate.id, now))) {
    return refuse('Another sign-in for this person happened at the same moment: try again.', 'two first sign-ins for one person raced');
  }
  return { kind: 'person', person: candidate, firstTime: already === null };
}
