import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * Self-signed X.509 certificates made at test time with node:crypto alone (no
 * private key is committed, and no openssl is needed): a DER writer just big
 * enough for a v3 certificate with a subject CN and chosen validity dates,
 * which openssl 3.0's `req -x509` cannot back-date.
 */

const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const int = (b: Buffer): Buffer => tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const parts = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) parts.unshift(0x80 | (v & 0x7f));
    out.push(...parts);
  }
  return tlv(0x06, Buffer.from(out));
};
const time = (d: Date): Buffer => {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280: UTCTime through 2049, GeneralizedTime after.
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
};
const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

export interface TestCertificate {
  /** PEM of the certificate alone: what is uploaded to the app registration. */
  cert: string;
  /** PEM of the private key (PKCS#8). */
  key: string;
  x509: crypto.X509Certificate;
}

/** A self-signed RSA certificate for `cn`, valid from `notBefore` to `notAfter` (default: a day ago to a year on). */
export function selfSigned(cn: string, opts: { notBefore?: Date; notAfter?: Date; bits?: number } = {}): TestCertificate {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048 });
  const now = Date.now();
  // A positive serial: the top bit clear, and not zero.
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))),
    int(serial),
    SHA256_RSA,
    name(cn),
    seq(time(opts.notBefore ?? new Date(now - 86_400_000)), time(opts.notAfter ?? new Date(now + 365 * 86_400_000))),
    name(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const der = seq(tbs, SHA256_RSA, tlv(0x03, Buffer.from([0]), signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, key, x509: new crypto.X509Certificate(cert) };
}

/** Writes `key` then `cert` (the file a connection's certificateFile names), owner-only unless `mode` says otherwise. */
export function writePem(file: string, parts: string[], mode = 0o600): string {
  fs.writeFileSync(file, parts.join(''), { mode });
  fs.chmodSync(file, mode);
  return file;
}
