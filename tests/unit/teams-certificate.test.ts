import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientAssertion, clientAuthentication, expiresSoon, JWT_BEARER, readCertificate } from '../../src/adapters/teams/certificate.ts';
import { loadConnections } from '../../src/adapters/teams/connections.ts';
import { teamsCrossCheck, type TeamsEnv } from '../../src/adapters/teams/env.ts';
import { selfSigned, writePem } from '../helpers/x509.ts';

// A Teams connection may prove itself with a certificate instead of a client secret. Its file is checked at
// start, each failure in one line naming the connection, the setting and what to do; the assertion it signs is
// the one Microsoft's identity platform documents for certificate credentials.

const A = '11111111-0000-4000-8000-00000000000a';
const DAY = 86_400_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-cert-'));
const file = (name: string) => path.join(dir, name);
const good = selfSigned('s117 anytown-council');
const expired = selfSigned('s117 old', { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });

const connectionsFile = (certificateFile: string, extra = '') => {
  const f = file('connections.yaml');
  fs.writeFileSync(f, `connections:\n  - { name: anytown-council, appId: ${A}, tenantId: tenant-b, certificateFile: ${certificateFile}${extra} }\n`);
  return f;
};
const load = (certificateFile: string, extra = '') => () => loadConnections({ TEAMS_CONNECTIONS_FILE: connectionsFile(certificateFile, extra) }, {});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a Teams connection\'s certificate file', () => {
  it('is read with its key, thumbprints and expiry; a chain after the leaf is fine', () => {
    const issuer = selfSigned('some CA');
    // Key first, then the chain with the leaf second: the leaf is the certificate the key belongs to.
    const [c] = loadConnections({ TEAMS_CONNECTIONS_FILE: connectionsFile(writePem(file('ok.pem'), [good.key, issuer.cert, good.cert])) }, {});
    expect(c!.password).toBe('');
    expect(c!.certificate!.thumbprintSha1).toBe(good.x509.fingerprint.replace(/:/g, ''));
    expect(c!.certificate!.thumbprintSha256).toBe(Buffer.from(good.x509.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url'));
    expect(c!.certificate!.expires.toISOString()).toBe(new Date(good.x509.validTo).toISOString());
    expect(expiresSoon(c!.certificate!)).toBeNull();
    expect(expiresSoon(c!.certificate!, new Date(c!.certificate!.expires.getTime() - 10.5 * DAY))).toBe(10);
  });

  it('stops the start, naming the connection, the setting and the fix, for each way the file can be wrong', () => {
    const where = /^TEAMS_CONNECTIONS_FILE \(.*connections\.yaml\): connections\[0\] \(anytown-council\)\.certificateFile: /;
    const cases: [string, () => unknown, RegExp][] = [
      ['missing', load(file('none.pem')), /none\.pem cannot be read \(ENOENT\); point it at the PEM file/],
      ['group-readable', load(writePem(file('shared.pem'), [good.key, good.cert], 0o640)), /permissions 0640\) and holds a private key; run chmod 600 /],
      ['readable by all', load(writePem(file('world.pem'), [good.key, good.cert], 0o604)), /permissions 0604\)/],
      ['no key', load(writePem(file('cert-only.pem'), [good.cert])), /holds no private key; it must hold exactly one/],
      ['no certificate', load(writePem(file('key-only.pem'), [good.key])), /holds no certificate; append the certificate/],
      ['key of another certificate', load(writePem(file('mismatch.pem'), [expired.key, good.cert])), /the private key does not belong to the certificate in it/],
      ['expired', load(writePem(file('expired.pem'), [expired.key, expired.cert])), /the certificate expired on \d{4}-\d\d-\d\d; make a new one, upload its public part/],
      ['not yet valid', load(writePem(file('future.pem'), (() => { const f = selfSigned('later', { notBefore: new Date(Date.now() + DAY) }); return [f.key, f.cert]; })())),
        /is not valid until .*check this computer's clock/],
      ['passphrase', load(writePem(file('encrypted.pem'), [crypto.createPrivateKey(good.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p' }) as string, good.cert])),
        /protected by a passphrase, which the bot cannot type; write it out without one/],
      ['EC key', load(writePem(file('ec.pem'), [crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, good.cert])),
        /holds an EC key; Microsoft Entra certificate credentials need an RSA key of 2048 bits or more/],
      ['short key', load(writePem(file('short.pem'), (() => { const s = selfSigned('short', { bits: 1024 }); return [s.key, s.cert]; })())), /holds a 1024-bit RSA key/],
      ['garbage', load(writePem(file('garbage.pem'), ['-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', good.cert])), /its private key cannot be read/],
    ];
    for (const [what, run, fix] of cases) {
      let message = '';
      try { run(); } catch (e) { message = (e as Error).message; }
      expect({ what, message }).toEqual({ what, message: expect.stringMatching(where) });
      expect({ what, message }).toEqual({ what, message: expect.stringMatching(fix) });
      expect({ what, lines: message.split('\n').length }).toEqual({ what, lines: 1 });
    }
  });

  it('is one credential: a secret and a certificate together are refused', () => {
    expect(load(writePem(file('both.pem'), [good.key, good.cert]), ', passwordEnv: X'))
      .toThrow(/connections\[0\] \(anytown-council\): give exactly one credential: passwordFile .*, passwordEnv .* or certificateFile/);
  });
});

describe('MICROSOFT_APP_CERTIFICATE_FILE, the one-connection shorthand', () => {
  const cross = (env: Record<string, string>) => teamsCrossCheck(env as unknown as TeamsEnv);

  it('signs the single-tenant bot in with its certificate instead of MICROSOFT_APP_PASSWORD', () => {
    const f = writePem(file('single.pem'), [good.key, good.cert]);
    const env = { MICROSOFT_APP_ID: A, MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_CERTIFICATE_FILE: f };
    expect(cross(env)).toEqual([]);
    const [c] = loadConnections(env);
    expect([c!.name, c!.password, c!.certificate?.thumbprintSha1]).toEqual(['default', '', good.x509.fingerprint.replace(/:/g, '')]);
  });

  it('stops the start in one line naming it: a bad file, with a secret too, or on a bot type it cannot serve', () => {
    expect(() => loadConnections({ MICROSOFT_APP_ID: A, MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_CERTIFICATE_FILE: writePem(file('single-open.pem'), [good.key, good.cert], 0o644) }))
      .toThrow(/^MICROSOFT_APP_CERTIFICATE_FILE: .*single-open\.pem can be read by other accounts .*run chmod 600 /);
    expect(cross({ MICROSOFT_APP_ID: A, MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_CERTIFICATE_FILE: '/x.pem' }))
      .toEqual([expect.stringMatching(/^MICROSOFT_APP_CERTIFICATE_FILE: set either it or MICROSOFT_APP_PASSWORD, not both/)]);
    expect(cross({ MICROSOFT_APP_ID: A, MICROSOFT_APP_TYPE: 'MultiTenant', MICROSOFT_APP_CERTIFICATE_FILE: '/x.pem' }))
      .toEqual([expect.stringMatching(/^MICROSOFT_APP_CERTIFICATE_FILE: works for a SingleTenant bot .*\(MICROSOFT_APP_TYPE is MultiTenant\)/)]);
    expect(cross({ MICROSOFT_APP_ID: A, MICROSOFT_APP_CERTIFICATE_FILE: '/x.pem' }))
      .toEqual([expect.stringMatching(/^MICROSOFT_APP_TENANT_ID \(.*\): is needed with MICROSOFT_APP_ID/)]);
    expect(cross({ MICROSOFT_APP_ID: A, MICROSOFT_APP_TENANT_ID: 't' }))
      .toEqual([expect.stringMatching(/^MICROSOFT_APP_PASSWORD \(.*or MICROSOFT_APP_CERTIFICATE_FILE for a certificate\): is needed/)]);
    expect(cross({ TEAMS_CONNECTIONS_FILE: '/c.yaml', MICROSOFT_APP_CERTIFICATE_FILE: '/x.pem' })).toEqual([expect.stringMatching(/^TEAMS_CONNECTIONS_FILE: set either it/)]);
  });
});

describe('the client assertion', () => {
  const read = readCertificate(writePem(file('assert.pem'), [good.key, good.cert]));
  if (!read.ok) throw new Error(read.problem);
  const cert = read.certificate;
  const url = 'https://login.microsoftonline.com/tenant-b/oauth2/v2.0/token';
  const decode = (jwt: string) => jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);

  it('is PS256 with the SHA-256 thumbprint, for the token endpoint, from and about the app, short-lived, with a fresh jti', () => {
    const now = Date.UTC(2026, 11, 7, 10);
    const jwt = clientAssertion(cert, A, url, now);
    const [header, claims] = decode(jwt);
    expect(header).toEqual({ alg: 'PS256', typ: 'JWT', 'x5t#S256': crypto.createHash('sha256').update(good.x509.raw).digest('base64url') });
    expect(claims).toEqual({ aud: url, iss: A, sub: A, jti: expect.stringMatching(/^[0-9a-f-]{36}$/), nbf: now / 1000, iat: now / 1000, exp: now / 1000 + 600 });
    const [h, p, s] = jwt.split('.');
    const pss = { key: good.x509.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(crypto.verify('sha256', Buffer.from(`${h}.${p}`), pss, Buffer.from(s!, 'base64url'))).toBe(true);
    // Signed with the key of the certificate in the file, and no other.
    expect(crypto.verify('sha256', Buffer.from(`${h}.${p}`), { ...pss, key: expired.x509.publicKey }, Buffer.from(s!, 'base64url'))).toBe(false);
    expect(decode(clientAssertion(cert, A, url, now))[1]!.jti).not.toBe(claims!.jti);
  });

  it('replaces the secret in a token request, and never carries both', () => {
    expect(clientAuthentication({ appId: A, password: 's' }, url)).toEqual({ client_secret: 's' });
    const withCert = clientAuthentication({ appId: A, password: '', certificate: cert }, url);
    expect(Object.keys(withCert).sort()).toEqual(['client_assertion', 'client_assertion_type']);
    expect(withCert.client_assertion_type).toBe(JWT_BEARER);
  });
});
