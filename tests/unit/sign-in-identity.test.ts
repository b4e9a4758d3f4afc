import type { IdentityStore } from '../../src/app/identity-store.ts';
import type { Directory } from '../../src/domain/types.ts';
import { identityOf, matchPerson, verifiedEmail } from '../../src/web/identity.ts';
import { directory } from '../helpers/domain.ts';

/** The binding table's rules (one subject per person and issuer, one person per identity) in memory. */
class MemoryIdentities implements IdentityStore {
  readonly rows: { issuer: string; subject: string; personId: string }[] = [];
  async personFor(issuer: string, subject: string) { return this.rows.find((r) => r.issuer === issuer && r.subject === subject)?.personId ?? null; }
  async subjectFor(personId: string, issuer: string) { return this.rows.find((r) => r.personId === personId && r.issuer === issuer)?.subject ?? null; }
  async bind(issuer: string, subject: string, personId: string) {
    if (this.rows.some((r) => (r.issuer === issuer && r.subject === subject) || (r.personId === personId && r.issuer === issuer))) return false;
    this.rows.push({ issuer, subject, personId });
    return true;
  }
}

const DEFAULT = 'https://login.example.org/';
const ICB_ISSUER = 'https://login.microsoftonline.com/icb-tenant/v2.0';
const now = new Date('2026-12-07T10:00:00Z');
const pat = directory.people.find((p) => p.id === 'pat-lee')!;
const ali = directory.people.find((p) => p.id === 'ali-khan')!;
/** The example directory with Pat's organisation naming its own issuer; the others use the default. */
const withIcbIssuer: Directory = {
  ...directory,
  organisations: directory.organisations.map((o) => (o.id === pat.organisationId ? { ...o, oidcIssuers: [ICB_ISSUER] } : o)),
};

describe('sign-in identity', () => {
  it('matches by a verified e-mail once, then by issuer + subject; the default issuer serves organisations that name none', async () => {
    const store = new MemoryIdentities();
    const first = await matchPerson({ iss: DEFAULT, sub: 's-ali', email: ali.email!.toUpperCase(), email_verified: true }, directory, DEFAULT, store, now);
    expect(first).toMatchObject({ kind: 'person', person: { id: 'ali-khan' }, firstTime: true });
    expect(store.rows).toEqual([{ issuer: 'https://login.example.org', subject: 's-ali', personId: 'ali-khan' }]);
    // Afterwards the subject is enough, whatever the e-mail claim now says.
    expect(await matchPerson({ iss: DEFAULT, sub: 's-ali' }, directory, DEFAULT, store, now)).toMatchObject({ kind: 'person', person: { id: 'ali-khan' }, firstTime: false });
  });

  it('never matches on preferred_username or an unverified e-mail', async () => {
    const store = new MemoryIdentities();
    expect(await matchPerson({ iss: DEFAULT, sub: 'x', preferred_username: ali.email }, directory, DEFAULT, store, now)).toMatchObject({ kind: 'stranger' });
    expect(await matchPerson({ iss: DEFAULT, sub: 'x', email: ali.email, email_verified: false }, directory, DEFAULT, store, now))
      .toMatchObject({ kind: 'refused', reason: expect.stringMatching(/has not verified your e-mail address/) });
    expect(await matchPerson({ iss: DEFAULT, sub: 'x', email: ali.email, email_verified: 'true' }, directory, DEFAULT, store, now)).toMatchObject({ kind: 'refused' });
    expect(store.rows).toEqual([]);
    expect(verifiedEmail({ email: 'a@b.c', xms_edov: true })).toBe('a@b.c');
  });

  it('an organisation that names its own issuer: another issuer (even the default) does not speak for its people', async () => {
    const store = new MemoryIdentities();
    const fromDefault = await matchPerson({ iss: DEFAULT, sub: 'p1', email: pat.email, email_verified: true }, withIcbIssuer, DEFAULT, store, now);
    expect(fromDefault).toMatchObject({ kind: 'stranger' });
    const fromOwn = await matchPerson({ iss: ICB_ISSUER, sub: 'p1', email: pat.email, email_verified: true }, withIcbIssuer, DEFAULT, store, now);
    expect(fromOwn).toMatchObject({ kind: 'person', person: { id: 'pat-lee' } });
    // The council still signs in with the default.
    expect(await matchPerson({ iss: DEFAULT, sub: 'a1', email: ali.email, email_verified: true }, withIcbIssuer, DEFAULT, store, now)).toMatchObject({ kind: 'person' });
  });

  it('a binding made through an issuer the organisation no longer names is refused', async () => {
    const store = new MemoryIdentities();
    await matchPerson({ iss: DEFAULT, sub: 'p1', email: pat.email, email_verified: true }, directory, DEFAULT, store, now);
    expect(await matchPerson({ iss: DEFAULT, sub: 'p1' }, withIcbIssuer, DEFAULT, store, now)).toMatchObject({ kind: 'refused' });
  });

  it('Entra: the tenant\'s issuer + object id is the identity, and the object id in the directory finds the person without an e-mail', async () => {
    const iss = 'https://login.microsoftonline.com/t1/v2.0';
    const claims = { iss, sub: 'pairwise-sub', tid: 't1', oid: ali.handles.teams };
    expect(identityOf(claims)).toEqual({ issuer: iss, subject: ali.handles.teams });
    const store = new MemoryIdentities();
    expect(await matchPerson(claims, directory, iss, store, now)).toMatchObject({ kind: 'person', person: { id: 'ali-khan' } });
    // Another account of the same tenant asserting Ali's verified address is not Ali.
    expect(await matchPerson({ iss, sub: 'y', tid: 't1', oid: 'someone-else', email: ali.email, email_verified: true }, directory, iss, store, now))
      .toMatchObject({ kind: 'refused', reason: expect.stringMatching(/not the account first used/) });
  });
});
