import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isStale, LOCK_FILE, readLock, type LockInfo } from '../register/data-dir-lock.ts';

/** The first words of commands that read or write the register, and so need the database's owner. */
const REGISTER_COMMANDS = new Set(['dispute', 'register', 'report', 'tick', 'db', 'retention', 'identifiers', 'access', 'subject']);
/** Options naming files: made absolute, because the bot resolves them from its own working folder. */
const PATH_OPTIONS = new Set(['--file', '--out', '--key-file', '--csv']);

/** What the CLI sends the bot: the command, and the OS account that ran it (for the history). */
export const cliRequestSchema = z.object({ argv: z.array(z.string().max(4096)).max(64), osAccount: z.string().min(1).max(200).optional() });

export const cliReplySchema = z.object({ code: z.number().int(), out: z.string(), err: z.string() });
export type CliReply = z.infer<typeof cliReplySchema>;

/** The running bot that owns DATA_DIR on this machine and serves the CLI, if there is one. */
export function runningBot(dataDir: string): (LockInfo & { admin: { port: number; token: string } }) | null {
  const info = readLock(dataDir);
  if (!info?.admin || info.purpose !== 'bot' || info.host !== os.hostname()) return null;
  if (isStale(info, path.join(path.resolve(dataDir), LOCK_FILE))) return null;
  return info as LockInfo & { admin: { port: number; token: string } };
}

export function needsRegister(argv: string[]): boolean {
  const [first, second] = argv.filter((a) => !a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h') || first === undefined) return false;
  // A new backup key is a file of the caller's, made by the caller: nothing to do with the register.
  if (first === 'db' && second === 'new-key') return false;
  // R5.8: a reload must reach the running bot's directory, not a second copy that exits at once.
  return REGISTER_COMMANDS.has(first) || (first === 'directory' && second === 'reload');
}

export function absolutePaths(argv: string[], cwd = process.cwd()): string[] {
  return argv.map((a, i) => {
    const eq = /^(--[a-z]+)=(.*)$/.exec(a);
    if (eq && PATH_OPTIONS.has(eq[1]!)) return `${eq[1]}=${path.resolve(cwd, eq[2]!)}`;
    if (i === 2 && argv[0] === 'db' && argv[1] === 'backup' && !a.startsWith('-')) return path.resolve(cwd, a);
    // `dispute pack REF FILE` and `dispute letter REF N FILE`: the file is the last word.
    const fileWord = argv[0] === 'dispute' && ((argv[1] === 'pack' && i === 3) || (argv[1] === 'letter' && i === 4));
    if (fileWord && !a.startsWith('-')) return path.resolve(cwd, a);
    return i > 0 && PATH_OPTIONS.has(argv[i - 1]!) ? path.resolve(cwd, a) : a;
  });
}

/** Runs the command inside the running bot, on its database, over its loopback admin endpoint. */
export async function runThroughBot(admin: { port: number; token: string }, argv: string[], osAccount: string): Promise<CliReply> {
  const r = await fetch(`http://127.0.0.1:${admin.port}/cli`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ argv: absolutePaths(argv), osAccount }),
    signal: AbortSignal.timeout(120_000),
  });
  if (r.status !== 200) throw new Error(`the running bot refused the command (HTTP ${r.status})`);
  return cliReplySchema.parse(await r.json());
}
