import http from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import { Foreground } from '../../src/app/foreground.ts';
import type { Logger } from '../../src/app/ports.ts';
import { AckPolicy } from '../../src/adapters/slack/ack-policy.ts';
import { AfterAck, Gate } from '../../src/adapters/slack/after-ack-gate.ts';
import { AnswerQueue } from '../../src/adapters/slack/answer-queue.ts';
import { type SigningSecret, SlackReceiver } from '../../src/adapters/slack/receiver.ts';
import { SIGNING_SECRET } from './slack.ts';

/** The whole body (these tests send small ones). */
export async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface BareReceiverApp {
  app: InstanceType<typeof bolt.App>;
  policy: AckPolicy;
  url: string;
  errors: Error[];
  stop(): Promise<void>;
}

/**
 * A bare Bolt app on our receiver, served by a plain node:http server on
 * loopback: the receiver's behaviour without the rest of the bot.
 */
export async function bareReceiverApp(opts: {
  apiUrl: string; gate?: number; logger?: Logger; serves?: (team: string) => boolean;
  /** One per Slack app (default: the tests' one secret, for any workspace). */
  signingSecrets?: SigningSecret[];
}): Promise<BareReceiverApp> {
  const foreground = new Foreground();
  const policy = new AckPolicy();
  const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } } as unknown as Logger;
  const receiver = new SlackReceiver({
    signingSecrets: opts.signingSecrets ?? [{ secret: SIGNING_SECRET, teams: null }], logger: opts.logger ?? silent, policy, queue: new AnswerQueue(foreground),
    afterAck: new AfterAck(new Gate(opts.gate ?? 4)), workspaces: { serves: opts.serves ?? (() => true) },
  });
  const app = new bolt.App({
    token: 'xoxb-test', receiver, logLevel: bolt.LogLevel.ERROR, clientOptions: { slackApiUrl: opts.apiUrl },
  });
  const errors: Error[] = [];
  app.error(async (e) => { errors.push(e); });
  const server = http.createServer((req, res) => {
    const done = foreground.requestStarted();
    res.once('close', done);
    void receiver.handle(req, res, { readBody: (r) => readBody(r, 1_000_000) });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    app, policy, url: `http://127.0.0.1:${port}/slack/events`, errors,
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
