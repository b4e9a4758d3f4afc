import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../boot.ts';
import { errorInfo } from '../app/dispute-service.ts';
import type { Logger } from '../app/ports.ts';
import { runCli } from './s117.ts';
import { cliRequestSchema } from './through-bot.ts';

const MAX_BODY = 64 * 1024;

export interface AdminServer {
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The `s117` command's way in while the bot owns the embedded database: a
 * loopback-only endpoint that runs a CLI command on the bot's own register.
 * Its secret lives only in the lock file, readable by the bot's OS user —
 * who could read the database files anyway.
 */
export async function startAdminServer(app: App, logger: Logger): Promise<AdminServer> {
  const token = crypto.randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (req.method !== 'POST' || req.url !== '/cli') return reply(404, { error: 'not found' });
    if (auth.length !== expected.length || !crypto.timingSafeEqual(auth, expected)) return reply(401, { error: 'unauthorised' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let parsed;
      try {
        parsed = cliRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        return reply(400, { error: 'body must be JSON' });
      }
      if (!parsed.success) return reply(400, { error: 'body must be {"argv": [strings]}' });
      let out = '';
      let err = '';
      // The caller's account as it reports it: only the bot's own account (or root) can read the token to call here.
      const osAccount = parsed.data.osAccount ?? 'unknown (an older s117)';
      runCli(parsed.data.argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app, osAccount })
        .then((code) => {
          logger.info({ command: parsed.data.argv.slice(0, 2).join(' '), code }, 'ran a CLI command for a local user');
          reply(200, { code, out, err });
        })
        .catch((e: unknown) => {
          logger.error({ err: errorInfo(e) }, 'CLI command through the bot failed');
          reply(500, { error: 'failed' });
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    token,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
