import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encryption of embedded-database backups with a key the operator holds
 * (AES-256-GCM). A backup usually leaves the machine (a backup server, a
 * share, a tape), so whoever can read it there should see nothing without
 * the key. The key never goes into the backup; its fingerprint does, so a
 * restore can tell "the wrong key" from "a damaged file".
 *
 * File layout: MAGIC (8) | key fingerprint (8) | IV (12) | tag (16) | ciphertext.
 */

export class BackupKeyError extends Error {}

const MAGIC = Buffer.from('S117BK01', 'ascii');
const FINGERPRINT = 8;
const IV = 12;
const TAG = 16;
const HEADER = MAGIC.length + FINGERPRINT + IV + TAG;

export interface BackupKey { file: string; key: Buffer }

const fingerprint = (key: Buffer) => crypto.createHash('sha256').update('s117 backup key\0').update(key).digest().subarray(0, FINGERPRINT);

/** Makes a new random key file, owner-only; never overwrites one (that would orphan every backup made with it). */
export function newBackupKey(file: string): void {
  const target = path.resolve(file);
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupKeyError(`${target} already exists. A key file is never overwritten: backups made with it `
        + 'could no longer be restored. Choose another name.');
    }
    throw new BackupKeyError(`The key file ${target} could not be created: ${(e as Error).message}.`);
  }
  try { fs.writeSync(fd, `${crypto.randomBytes(32).toString('base64')}\n`); } finally { fs.closeSync(fd); }
}

/** Reads a key file made by `s117 db new-key`: 32 random bytes in base64, readable by its owner only. */
export function readBackupKey(file: string): BackupKey {
  const target = path.resolve(file);
  const st = fs.statSync(target, { throwIfNoEntry: false });
  if (!st) throw new BackupKeyError(`The backup key file ${target} does not exist. Make one with: s117 db new-key ${target}`);
  if (st.isDirectory()) {
    throw new BackupKeyError(`The backup key file ${target} is a folder. Give the path of the key file made by `
      + `s117 db new-key, such as ${path.join(target, 'backup.key')}.`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new BackupKeyError(`The backup key file ${target} can be read by other accounts on this computer. `
      + `Run: chmod 600 ${target}   then try again.`);
  }
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new BackupKeyError(`The backup key file ${target} cannot be read (${why}). Make it readable by the account `
      + 'that runs the bot and s117 (its owner), and by no one else.');
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new BackupKeyError(`${target} is not a backup key (it must hold 32 random bytes in base64). `
      + 'Make one with: s117 db new-key FILE (a new name: a key file is never overwritten)');
  }
  return { file: target, key };
}

export function isEncryptedBackup(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);
}

export function encryptBackup(plain: Uint8Array, k: BackupKey): Buffer {
  const iv = crypto.randomBytes(IV);
  const fp = fingerprint(k.key);
  const cipher = crypto.createCipheriv('aes-256-gcm', k.key, iv);
  // The header is authenticated too: a changed fingerprint or magic fails like a changed byte of data.
  cipher.setAAD(Buffer.concat([MAGIC, fp]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, fp, iv, cipher.getAuthTag(), body]);
}

/** The backup's plain bytes; a missing key, the wrong key or a damaged file each get their own sentence. */
export function decryptBackup(bytes: Buffer, k: BackupKey | null, file: string): Buffer {
  if (!k) {
    throw new BackupKeyError(`${file} is encrypted. Give the key it was made with: `
      + `s117 db restore ${file} --key-file KEY_FILE (or set BACKUP_KEY_FILE).`);
  }
  if (bytes.length < HEADER) throw new BackupKeyError(`${file} is damaged: it is too short to be an encrypted backup.`);
  const fp = bytes.subarray(MAGIC.length, MAGIC.length + FINGERPRINT);
  if (!fp.equals(fingerprint(k.key))) {
    throw new BackupKeyError(`The key in ${k.file} does not open ${file}: the backup was made with a different key. `
      + 'Use the key file that was set when it was made.');
  }
  const iv = bytes.subarray(MAGIC.length + FINGERPRINT, MAGIC.length + FINGERPRINT + IV);
  const tag = bytes.subarray(MAGIC.length + FINGERPRINT + IV, HEADER);
  const decipher = crypto.createDecipheriv('aes-256-gcm', k.key, iv);
  decipher.setAAD(Buffer.concat([MAGIC, fp]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(bytes.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new BackupKeyError(`${file} is damaged or was changed after it was made: it does not decrypt with the key in ${k.file}. `
      + 'Restore an earlier backup.');
  }
}
