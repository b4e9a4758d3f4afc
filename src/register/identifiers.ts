import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../config/startup-error.ts';

/**
 * The one place the NHS number is stored, shown from storage, or looked up.
 * At rest it is AES-256-GCM under a key kept outside the database, bound to
 * its dispute (a cipher text copied onto another row does not open), and it
 * is found by HMAC-SHA256 of its digits, so a search never decrypts every
 * row. Whoever holds the database without the key file sees neither.
 *
 * The key file (JSON, owner-only) holds one or more keys; the current one
 * encrypts and hashes, the others only open what they encrypted, until
 * `s117 identifiers rotate` (or the next start) moves every row onto the
 * current key.
 */

/** A key file that is missing a key, open to others or damaged: the bot does not start (or the command stops) with the fix. */
export class IdentifierKeyError extends StartupError {}

export interface IdentifierKey { id: string; enc: Buffer; mac: Buffer; created: string }

export interface IdentifierKeys {
  /** The key file, or null for a register in memory that has none (an in-process key). */
  file: string | null;
  current: IdentifierKey;
  all: Map<string, IdentifierKey>;
  /**
   * Keys the digest the history seals in place of each NHS number. Never rotated: the seals it made must check out for
   * as long as the history is kept. Without it, anyone holding the database could find a number from its seal.
   */
  seal: Buffer;
}

const FORMAT = 'v1';

/** Where the key file is: IDENTIFIER_KEY_FILE, else beside the data folder ("data-keys/identifiers.key"), never inside it. */
export function identifierKeyFile(env: { DATA_DIR: string; IDENTIFIER_KEY_FILE?: string | undefined }): string | null {
  if (env.IDENTIFIER_KEY_FILE) return path.resolve(env.IDENTIFIER_KEY_FILE);
  if (env.DATA_DIR.startsWith('memory://')) return null;
  return path.join(`${path.resolve(env.DATA_DIR)}-keys`, 'identifiers.key');
}

export function newIdentifierKey(now = new Date()): IdentifierKey {
  const id = crypto.randomBytes(6).toString('hex');
  return { id, enc: crypto.randomBytes(32), mac: crypto.randomBytes(32), created: now.toISOString() };
}

interface KeyFileJson { version: 1; current: string; seal?: string; keys: { id: string; enc: string; mac: string; created: string }[] }

type KeySet = { current: IdentifierKey; all: Iterable<IdentifierKey>; seal: Buffer };

function toJson(keys: KeySet): string {
  const body: KeyFileJson = {
    version: 1, current: keys.current.id, seal: keys.seal.toString('base64'),
    keys: [...keys.all].map((k) => ({ id: k.id, enc: k.enc.toString('base64'), mac: k.mac.toString('base64'), created: k.created })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Writes the key file owner-only, whole or not at all (a half-written key file would lose every NHS number). */
export function writeKeyFile(file: string, keys: KeySet, opts: { exclusive?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (opts.exclusive) {
    fs.writeFileSync(file, toJson(keys), { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, toJson(keys), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function parseKeyFile(file: string): IdentifierKeys {
  const st = fs.statSync(file);
  if (st.isDirectory()) {
    throw new IdentifierKeyError(`The identifier key file ${file} is a folder. `
      + 'Set IDENTIFIER_KEY_FILE to the path of a file in it (one is made on first start), such as '
      + `${path.join(file, 'identifiers.key')}.`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new IdentifierKeyError(`The identifier key file ${file} can be read by other accounts on this computer. `
      + `Run: chmod 600 ${file}   then start again.`);
  }
  let json: KeyFileJson;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson;
  } catch (e) {
    // Not the parser's message: it quotes the file, which is key material, and can run over several lines.
    const why = (e as NodeJS.ErrnoException).code ? `cannot be read (${(e as NodeJS.ErrnoException).code})` : 'is not valid JSON';
    throw new IdentifierKeyError(`The identifier key file ${file} ${why}. Restore it from your copy of it.`);
  }
  const all = new Map<string, IdentifierKey>();
  for (const k of json.keys ?? []) {
    const enc = Buffer.from(k.enc ?? '', 'base64');
    const mac = Buffer.from(k.mac ?? '', 'base64');
    if (enc.length !== 32 || mac.length !== 32 || !/^[0-9a-f]{12}$/.test(k.id ?? '')) {
      throw new IdentifierKeyError(`The identifier key file ${file} holds a damaged key ("${String(k.id)}"). `
        + 'Restore it from your copy of it.');
    }
    all.set(k.id, { id: k.id, enc, mac, created: k.created });
  }
  const current = all.get(json.current);
  if (!current) {
    throw new IdentifierKeyError(`The identifier key file ${file} names a current key ("${json.current}") it does not hold.`);
  }
  const seal = Buffer.from(json.seal ?? '', 'base64');
  if (seal.length !== 32) throw new IdentifierKeyError(`The identifier key file ${file} has no seal key. Restore it from your copy of it.`);
  return { file, current, all, seal };
}

/** In-memory registers share one key per process: nothing they hold outlives it. */
let memoryKey: IdentifierKey | null = null;
let memorySeal: Buffer | null = null;

/**
 * The identifier keys: read from the key file, which is made (owner-only,
 * in an owner-only folder) the first time, so a fresh install needs no
 * setting. A register in memory without a key file gets a key that lives
 * as long as the process.
 */
export function loadIdentifierKeys(file: string | null): IdentifierKeys {
  if (!file) {
    memoryKey ??= newIdentifierKey();
    memorySeal ??= crypto.randomBytes(32);
    return { file: null, current: memoryKey, all: new Map([[memoryKey.id, memoryKey]]), seal: memorySeal };
  }
  if (!fs.existsSync(file)) {
    const k = newIdentifierKey();
    try {
      writeKeyFile(file, { current: k, all: [k], seal: crypto.randomBytes(32) }, { exclusive: true });
    } catch (e) {
      // Two processes starting at once: the other one's key stands.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new IdentifierKeyError(`The identifier key file ${file} could not be created: ${(e as Error).message}.`);
      }
    }
  }
  return parseKeyFile(file);
}

/** Reads the key file again (another process rotated it) into the same object; false if there is no file. */
export function reloadIdentifierKeys(keys: IdentifierKeys): boolean {
  if (!keys.file || !fs.existsSync(keys.file)) return false;
  const fresh = parseKeyFile(keys.file);
  keys.current = fresh.current;
  keys.all = fresh.all;
  keys.seal = fresh.seal;
  return true;
}

/** The digits of an NHS number, whatever spaces or dashes it was typed with. */
export function nhsDigits(input: string): string {
  return input.replace(/\D/g, '');
}

const aad = (disputeId: string) => Buffer.from(`s117-nhs-number\u0000${disputeId}`);

export function nhsLookupHash(key: IdentifierKey, nhsNumber: string): string {
  return crypto.createHmac('sha256', key.mac).update(`s117-nhs-number\u0000${nhsDigits(nhsNumber)}`).digest('hex');
}

export interface ProtectedNhsNumber { nhsNumberCipher: string | null; nhsNumberHash: string | null }

/** What the register stores for a dispute's NHS number (both null when there is none). */
export function protectNhsNumber(keys: IdentifierKeys, disputeId: string, nhsNumber: string | null): ProtectedNhsNumber {
  if (!nhsNumber) return { nhsNumberCipher: null, nhsNumberHash: null };
  const k = keys.current;
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', k.enc, iv);
  c.setAAD(aad(disputeId));
  const body = Buffer.concat([c.update(nhsNumber, 'utf8'), c.final()]);
  const b = (x: Buffer) => x.toString('base64url');
  return { nhsNumberCipher: [FORMAT, k.id, b(iv), b(c.getAuthTag()), b(body)].join(':'), nhsNumberHash: nhsLookupHash(k, nhsNumber) };
}

/** The key id a stored cipher text was made with. */
export function cipherKeyId(cipher: string): string {
  return cipher.split(':')[1] ?? '';
}

/** The NHS number a row holds, decrypted; a missing key or a changed cipher text is an error naming the dispute. */
export function revealNhsNumber(keys: IdentifierKeys, disputeId: string, cipher: string | null): string | null {
  if (!cipher) return null;
  const [format, keyId, iv, tag, body] = cipher.split(':');
  if (format !== FORMAT || !keyId || !iv || !tag || body === undefined) {
    throw new IdentifierKeyError(`The NHS number of dispute ${disputeId} is not in a form this version can read.`);
  }
  let k = keys.all.get(keyId);
  // Rotated by another process (the command line while the bot ran on PostgreSQL): read the file again once.
  if (!k && reloadIdentifierKeys(keys)) k = keys.all.get(keyId);
  if (!k) {
    throw new IdentifierKeyError(`The NHS number of dispute ${disputeId} was encrypted with identifier key ${keyId}, which is not in `
      + `${keys.file ?? 'this process'}. If the key file was moved, lost or not mounted, put it back at that path; if the key was `
      + 'retired by a rotation, add it (from the copy kept then) to the key file\'s "keys" list. See docs/identifiers.md.');
  }
  const d = crypto.createDecipheriv('aes-256-gcm', k.enc, Buffer.from(iv, 'base64url'));
  d.setAAD(aad(disputeId));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new IdentifierKeyError(`The stored NHS number of dispute ${disputeId} does not decrypt: it was changed outside the bot.`);
  }
}

/** What the history seals for a dispute's NHS number: an HMAC, bound to the dispute, under the seal key. */
export function nhsSealDigest(keys: IdentifierKeys, disputeId: string, nhsNumber: string | null): string | null {
  if (nhsNumber === null) return null;
  const mac = crypto.createHmac('sha256', keys.seal).update(`s117-nhs-seal\u0000${disputeId}\u0000${nhsDigits(nhsNumber)}`);
  return `hmac-sha256:${mac.digest('hex')}`;
}

/** Every hash the NHS number may be stored under (one per key held, the current first): finds rows mid-rotation too. */
export function nhsLookupHashes(keys: IdentifierKeys, nhsNumber: string): string[] {
  return [keys.current, ...[...keys.all.values()].filter((k) => k !== keys.current)].map((k) => nhsLookupHash(k, nhsNumber));
}

/**
 * Another secret kept under the identifier key (a Slack workspace's bot token): AES-256-GCM, bound to `label` (what it
 * is and whose), so a cipher text copied onto another row does not open. Same format as an NHS number's.
 */
export function sealSecret(keys: IdentifierKeys, label: string, secret: string): string {
  const k = keys.current;
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', k.enc, iv);
  c.setAAD(Buffer.from(`s117-secret\u0000${label}`));
  const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  const b = (x: Buffer) => x.toString('base64url');
  return [FORMAT, k.id, b(iv), b(c.getAuthTag()), b(body)].join(':');
}

/** The secret sealSecret stored for `label`; a missing key or a changed cipher text is an error naming `label`. */
export function openSecret(keys: IdentifierKeys, label: string, cipher: string): string {
  const [format, keyId, iv, tag, body] = cipher.split(':');
  if (format !== FORMAT || !keyId || !iv || !tag || body === undefined) {
    throw new IdentifierKeyError(`The stored secret of ${label} is not in a form this version can read.`);
  }
  let k = keys.all.get(keyId);
  if (!k && reloadIdentifierKeys(keys)) k = keys.all.get(keyId);
  if (!k) {
    throw new IdentifierKeyError(`The stored secret of ${label} was encrypted with identifier key ${keyId}, which is not in `
      + `${keys.file ?? 'this process'}; put the key file back (see docs/identifiers.md).`);
  }
  const d = crypto.createDecipheriv('aes-256-gcm', k.enc, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(`s117-secret\u0000${label}`));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  } catch {
    throw new IdentifierKeyError(`The stored secret of ${label} does not decrypt: it was changed outside the bot.`);
  }
}
