/**
 * Which directory person a sign-in identity (issuer + subject) was bound to at
 * their first sign-in (a port: implemented in register/).
 */
export interface IdentityStore {
  /** The person bound to this identity, or null when it has never signed in. */
  personFor(issuer: string, subject: string): Promise<string | null>;
  /** The subject already bound to this person for this issuer, or null. */
  subjectFor(personId: string, issuer: string): Promise<string | null>;
  /**
   * Records the binding; false when the identity or the person (for this issuer) was bound by a sign-in that got
   * there first, so the caller refuses rather than trusting either.
   */
  bind(issuer: string, subject: string, personId: string, now: Date): Promise<boolean>;
}
