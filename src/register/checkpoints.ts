import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  addedSince, chainRoot, type Checkpoint, compareWithCheckpoints, type CheckpointProblem, countOf, type Disagreement, type EntrySeal,
  lineDigest, replayCheckpoints, signedBody, stateOf,
} from '../app/checkpoint-log.ts';
import type { Database } from './db.ts';

/**
 * Where checkpoints and their signing key live: AUDIT_DIR, or a folder
 * beside the data folder ("data-audit" for "data"). Never inside it, so a
 * backup or a copy of the database does not carry the key.
 */
export function auditDir(env: { DATA_DIR: string; AUDIT_DIR?: string | undefined }): string | null {
  if (env.AUDIT_DIR) return path.resolve(env.AUDIT_DIR);
  if (env.DATA_DIR.startsWith('memory://')) return null;
  return `${path.resolve(env.DATA_DIR)}-audit`;
}

export const KEY_FILE = 'signing-key.pem';
export const TRUSTED_FILE = 'trusted-keys';
export const LOG_FILE = 'checkpoints.jsonl';

export interface SigningKey { privateKey: crypto.KeyObject; publicKey: string; created: boolean }

const publicKeyOf = (k: crypto.KeyObject) => crypto.createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('base64');

/**
 * The Ed25519 key checkpoints are signed with, created owner-only on first
 * use; its public key is added to the keys verify trusts.
 */
export function signingKey(dir: string): SigningKey {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, KEY_FILE);
  let created = false;
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    // wx: two processes starting at once must not overwrite each other's key.
    try {
      fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
  const publicKey = publicKeyOf(privateKey);
  if (!trustedKeys(dir).has(publicKey)) {
    fs.appendFileSync(path.join(dir, TRUSTED_FILE), `${publicKey}\n`, { mode: 0o600 });
  }
  return { privateKey, publicKey, created };
}

/** The public keys verify accepts: one base64 key a line; # starts a comment. */
export function trustedKeys(dir: string): Set<string> {
  const file = path.join(dir, TRUSTED_FILE);
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));
}

/** Every history entry's seal, in one query. */
export async function storedSeals(db: Database): Promise<EntrySeal[]> {
  return db.prisma.historyEvent.findMany({
    select: { disputeId: true, seq: true, hash: true }, orderBy: [{ disputeId: 'asc' }, { seq: 'asc' }],
  });
}

function readLog(dir: string): string {
  const file = path.join(dir, LOG_FILE);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

export interface CheckpointCheck {
  /** Lines read, and the last one trusted. */
  lines: number;
  last: Checkpoint | null;
  problems: CheckpointProblem[];
  disagreements: Disagreement[];
}

/** Checks the checkpoint file and the register against it. */
export async function checkCheckpoints(db: Database, dir: string, extraTrusted: readonly string[] = []): Promise<CheckpointCheck> {
  const trusted = new Set([...trustedKeys(dir), ...extraTrusted]);
  const replayed = replayCheckpoints(readLog(dir), trusted);
  const now = stateOf(await storedSeals(db));
  const disagreements = compareWithCheckpoints(replayed.expected, now, replayed.last !== null);
  return { lines: replayed.lines, last: replayed.last, problems: replayed.problems, disagreements };
}

export type WriteResult =
  | { written: true; checkpoint: Checkpoint; file: string }
  | { written: false; check: CheckpointCheck };

/**
 * Signs and appends a checkpoint of the register as it is now — unless the
 * register already disagrees with the checkpoints before it: signing then
 * would vouch for the change, so nothing is written and the caller says so.
 */
export async function writeCheckpoint(db: Database, dir: string, now: Date): Promise<WriteResult> {
  const key = signingKey(dir);
  const text = readLog(dir);
  const replayed = replayCheckpoints(text, trustedKeys(dir));
  const seals = await storedSeals(db);
  const state = stateOf(seals);
  const disagreements = compareWithCheckpoints(replayed.expected, state, replayed.last !== null);
  if (replayed.problems.length || disagreements.length) {
    return { written: false, check: { lines: replayed.lines, last: replayed.last, problems: replayed.problems, disagreements } };
  }
  const lastLine = text.split('\n').filter((l) => l.trim()).at(-1) ?? '';
  const body: Omit<Checkpoint, 'sig'> = {
    v: 1, at: now.toISOString(), count: countOf(state), root: chainRoot(state), prev: lastLine ? lineDigest(lastLine) : '',
    key: key.publicKey,
    added: addedSince(replayed.expected, state),
  };
  const sig = crypto.sign(null, Buffer.from(signedBody(body)), key.privateKey).toString('base64');
  const checkpoint: Checkpoint = { ...body, sig };
  const file = path.join(dir, LOG_FILE);
  fs.appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  return { written: true, checkpoint, file };
}

/** When the newest checkpoint was taken, or null if there is none. */
export function lastCheckpointAt(dir: string): Date | null {
  const lines = readLog(dir).split('\n').filter((l) => l.trim());
  if (!lines.length) return null;
  try {
    return new Date((JSON.parse(lines.at(-1)!) as Checkpoint).at);
  } catch {
    return null;
  }
}
