import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * A Teams connection's certificate credential: the app registration holds the
 * certificate's public part, and the bot proves it holds the private key by
 * signing a short-lived client assertion (RFC 7523, OpenID Connect's
 * `private_key_jwt`) for each token it asks Microsoft sign-in for.
 *
 * The file is one PEM file holding the unencrypted private key and the
 * certificate, the form Azure Key Vault exports a certificate in ("PEM") and
 * Azure Identity's ClientCertificateCredential reads: one file to rotate, and
 * the key cannot drift from its certificate between two files.
 *
 * Not botframework-connector's CertificateAppCredentials: it hands MSAL a
 * SHA-1 thumbprint the caller must supply (the older RS256 + x5t form), runs
 * MSAL's authority discovery against the login host, and signs in outside
 * ConnectionLogin, so a refused certificate would not stop the start and
 * Graph would need a second sign-in path. node:crypto does the little needed.
 */
export interface ConnectionCertificate {
  file: string;
  privateKey: crypto.KeyObject;
  /** Base64url SHA-256 of the certificate's DER: the assertion's `x5t#S256` header, how Entra finds the key. */
  thumbprintSha256: string;
  /** Hex SHA-1 of the DER, upper case: the thumbprint the Entra admin centre lists beside the certificate. */
  thumbprintSha1: string;
  expires: Date;
}

/** Read and checked certificate, or a one-line problem and what to do about it. */
export type CertificateReading = { ok: true; certificate: ConnectionCertificate } | { ok: false; problem: string };

/** A certificate expiring sooner than this is named in a warning at every start. */
export const EXPIRY_WARNING_MS = 30 * 24 * 3600_000;

/** Entra accepts RSA keys of 2048 bits or more for certificate credentials. */
const MIN_RSA_BITS = 2048;

const blocks = (pem: string): { label: string; text: string }[] =>
  [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)].map((m) => ({ label: m[1]!, text: m[0] }));

const day = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * Reads a certificate file the way the start needs it checked: readable by
 * its owner only (it holds a private key), one RSA private key and the
 * certificate it belongs to, and the certificate valid now. Every refusal
 * says what to do, in one line.
 */
export function readCertificate(file: string, now: Date = new Date()): CertificateReading {
  const fail = (problem: string): CertificateReading => ({ ok: false, problem });
  let st: fs.Stats;
  let pem: string;
  try {
    st = fs.statSync(file);
    pem = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return fail(`${file} cannot be read (${why}); point it at the PEM file holding the connection's private key and certificate`);
  }
  // As the backup and identifier key files: a private key others on the machine can read is no longer private.
  if ((st.mode & 0o077) !== 0) {
    return fail(`${file} can be read by other accounts on this computer (permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')}) `
      + `and holds a private key; run chmod 600 ${file} (owned by the account that runs the bot)`);
  }
  const found = blocks(pem);
  const keys = found.filter((b) => /^(RSA |EC )?PRIVATE KEY$/.test(b.label) || b.label === 'ENCRYPTED PRIVATE KEY');
  const certs = found.filter((b) => b.label === 'CERTIFICATE');
  if (keys.some((k) => k.label === 'ENCRYPTED PRIVATE KEY') || /Proc-Type: 4,ENCRYPTED/.test(pem)) {
    return fail(`${file} holds a private key protected by a passphrase, which the bot cannot type; `
      + `write it out without one (openssl pkey -in old.pem -out key.pem) into a file only the bot's account can read`);
  }
  if (keys.length !== 1) {
    return fail(`${file} holds ${keys.length ? 'more than one private key' : 'no private key'}; it must hold exactly one `
      + '(-----BEGIN PRIVATE KEY-----) and its certificate (-----BEGIN CERTIFICATE-----), both PEM');
  }
  if (!certs.length) {
    return fail(`${file} holds no certificate; append the certificate (-----BEGIN CERTIFICATE-----, PEM) after the private key`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(keys[0]!.text);
  } catch (e) {
    return fail(`${file}: its private key cannot be read (${(e as Error).message.split('\n')[0]}); export it again as PEM`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    const type = privateKey.asymmetricKeyType?.toUpperCase() ?? 'unknown';
    return fail(`${file} holds a${type === 'RSA' ? ` ${bits}-bit` : 'n'} ${type} key; `
      + `Microsoft Entra certificate credentials need an RSA key of ${MIN_RSA_BITS} bits or more: make a new certificate with one`);
  }
  const parsed: crypto.X509Certificate[] = [];
  for (const c of certs) {
    try {
      parsed.push(new crypto.X509Certificate(c.text));
    } catch (e) {
      return fail(`${file}: a certificate in it cannot be read (${(e as Error).message.split('\n')[0]}); export it again as PEM`);
    }
  }
  // A file may carry the chain after the leaf: the leaf is the certificate whose key this is.
  const x509 = parsed.find((c) => c.checkPrivateKey(privateKey));
  if (!x509) {
    return fail(`${file}: the private key does not belong to the certificate in it `
      + '(a key from another certificate, perhaps an old one after renewal); '
      + 'put the certificate and the private key made with it in the file');
  }
  const from = new Date(x509.validFrom);
  const expires = new Date(x509.validTo);
  if (Number.isNaN(from.getTime()) || Number.isNaN(expires.getTime())) {
    return fail(`${file}: the certificate's validity dates cannot be read; export it again as PEM`);
  }
  if (expires.getTime() <= now.getTime()) {
    return fail(`${file}: the certificate expired on ${day(expires)}; make a new one, upload its public part to the app registration `
      + '(Certificates & secrets → Certificates) and put it with its private key in this file');
  }
  if (from.getTime() > now.getTime()) {
    return fail(`${file}: the certificate is not valid until ${from.toISOString()}; `
      + 'check this computer\'s clock, or use a certificate valid now');
  }
  return {
    ok: true,
    certificate: {
      file, privateKey, expires,
      thumbprintSha256: crypto.createHash('sha256').update(x509.raw).digest('base64url'),
      thumbprintSha1: crypto.createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    },
  };
}

/** Days until the certificate expires, when it is within the warning window; null otherwise. */
export function expiresSoon(c: ConnectionCertificate, now: Date = new Date()): number | null {
  const left = c.expires.getTime() - now.getTime();
  return left < EXPIRY_WARNING_MS ? Math.max(0, Math.floor(left / (24 * 3600_000))) : null;
}

/** How long an assertion is good for: Entra's guidance is 5 to 10 minutes at most. */
const ASSERTION_LIFETIME_S = 600;

/**
 * The client assertion for one token request, as the Microsoft identity
 * platform documents it for certificate credentials: PS256 (RSA-PSS with
 * SHA-256) with the certificate's SHA-256 thumbprint in `x5t#S256`; `aud`
 * the token endpoint the request goes to; `iss` and `sub` the app id; a new
 * `jti` each time, so a captured assertion cannot be played again.
 */
export function clientAssertion(c: ConnectionCertificate, appId: string, tokenUrl: string, nowMs: number = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': c.thumbprintSha256 };
  const claims = { aud: tokenUrl, iss: appId, sub: appId, jti: crypto.randomUUID(), nbf: now, iat: now, exp: now + ASSERTION_LIFETIME_S };
  const data = `${enc(header)}.${enc(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(data), {
    key: c.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return `${data}.${signature.toString('base64url')}`;
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What proves the app in a client-credentials request: its secret, or an assertion signed with its certificate. */
export function clientAuthentication(
  who: { appId: string; password: string; certificate?: ConnectionCertificate | undefined }, tokenUrl: string, nowMs: number = Date.now(),
): Record<string, string> {
  return who.certificate
    ? { client_assertion_type: JWT_BEARER, client_assertion: clientAssertion(who.certificate, who.appId, tokenUrl, nowMs) }
    : { client_secret: who.password };
}
