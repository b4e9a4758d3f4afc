import type { IncomingMessage, ServerResponse } from 'node:http';
import bolt, { type App as BoltApp, type Receiver } from '@slack/bolt';
import type { Logger } from '../../app/ports.ts';
import { type AckPolicy, LateAckError } from './ack-policy.ts';
import type { AfterAck } from './after-ack-gate.ts';
import type { AnswerQueue } from './answer-queue.ts';
import { isSslCheck, parse, type SlackRequest, type SlackRequestKind, verify } from './request.ts';

const { HTTPModuleFunctions: http } = bolt;
type ReceiverEvent = Parameters<BoltApp['processEvent']>[0];

/** Slack retries what it does not see acknowledged in 3 s; keys make the retry harmless. */
const UNACKNOWLEDGED_AFTER_MS = 3001;

/** Which workspaces have the app installed here: a request from any other is refused. */
export interface Workspaces {
  /** True when `teamId` has an installation (or, for a single token not yet checked with Slack, may have). */
  serves(teamId: string): boolean | Promise<boolean>;
}

/** A Slack app's signing secret, and the workspaces its requests may come from (null: any workspace served here). */
export interface SigningSecret {
  secret: string; teams: string[] | null;
  /** Further workspaces it signs for (the shared app's, installed through the install link while running). */
  also?: (team: string) => boolean;
}

export interface SlackReceiverDeps {
  /** One per Slack app: a request must be signed by one of them, for one of that app's workspaces. */
  signingSecrets: SigningSecret[];
  logger: Logger;
  policy: AckPolicy;
  queue: AnswerQueue;
  afterAck: AfterAck;
  workspaces: Workspaces;
  nowSeconds?: () => number;
}

/** What the HTTP server lends each request (see app/platform.ts, InboundContext). */
export interface RequestIo {
  /** The body within the server's size limit, or null when it is larger (the rest is drained, not stored). */
  readBody(req: IncomingMessage): Promise<Buffer | null>;
}

function reply(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error }));
}

/** A signed request whose body Bolt could not read (an `event` that is a string, say): the sender's fault, not ours. */
function unreadable(e: unknown, acked: boolean): boolean {
  // Bolt reads the body's shape (event type, channel, user) before any listener runs and assumes Slack's shapes;
  // a TypeError before the request was acknowledged can only come from there (listeners' failures go to app.error).
  return !acked && e instanceof TypeError;
}

/**
 * Slack's inbound edge over HTTP, as a Bolt receiver (Bolt's extension point
 * for where requests come from): `handle` is mounted on the bot's own HTTP
 * server. Each request is read once (within the server's size limit), verified once, parsed
 * once, checked against the installed workspaces, and then either
 *  - answered with an empty 200 at once, when the acknowledgement policy says
 *    its listener's answer is always empty, and processed from the answer
 *    queue once no other request is waiting for its answer; or
 *  - processed now, and answered by the listener's ack() (a form's errors).
 * Nothing here is module-level: every collaborator is passed in.
 */
export class SlackReceiver implements Receiver {
  private app: BoltApp | null = null;

  constructor(private readonly deps: SlackReceiverDeps) {}

  init(app: BoltApp): void { this.app = app; }
  // The bot's HTTP server is where requests arrive; the adapter starts and stops it.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  readonly handle = async (req: IncomingMessage, res: ServerResponse, io: RequestIo): Promise<void> => {
    const { logger } = this.deps;
    if (req.method !== 'POST') return reply(res, 405, 'POST Slack requests here.');
    const raw = await io.readBody(req);
    if (!raw) return reply(res, 413, 'The request is too large.');
    // Slack's unsigned connectivity check: answered, and nothing else in the body is read.
    if (isSslCheck(req, raw)) return http.buildSSLCheckResponse(res);
    const now = (this.deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))();
    let v: ReturnType<typeof verify> = { ok: false, status: 401, error: 'The request is not signed by Slack.' };
    let signer: SigningSecret | null = null;
    for (const s of this.deps.signingSecrets) {
      v = verify(req, raw, s.secret, now);
      if (v.ok) { signer = s; break; }
      // Stale or from the future is the same answer for every secret.
      if (v.error !== 'The request is not signed by Slack.') break;
    }
    if (!v.ok) return reply(res, v.status, v.error);
    const p = parse(req, raw);
    if (!p.ok) return reply(res, p.status, p.error);
    if (p.what.kind === 'url_verification') return http.buildUrlVerificationResponse(res, { challenge: p.what.challenge });
    if (p.what.kind === 'ssl_check') return http.buildSSLCheckResponse(res);
    // Signed by one workspace's app but naming another's workspace: that app is not installed there.
    // p.teamId is the workspace Bolt will take the token of; a body naming none is refused when the signer's app
    // is only some workspaces' (Bolt would fall back to the only installation, which need not be the signer's).
    const signedFor = (team: string | null | undefined) =>
      !signer?.teams || (typeof team === 'string' && (signer.teams.includes(team) || Boolean(signer.also?.(team))));
    if (p.teamId === null || !signedFor(p.teamId) || (p.teamId !== undefined && !(await this.deps.workspaces.serves(p.teamId)))) {
      logger.warn({ team: p.teamId }, 'a Slack request from a workspace without an installation of the app was refused');
      return reply(res, 401, 'This Slack workspace has not installed the app here.');
    }
    const what = p.what;
    const base = {
      body: p.body,
      retryNum: http.extractRetryNumFromHTTPRequest(req),
      retryReason: http.extractRetryReasonFromHTTPRequest(req),
    };
    if (this.deps.policy.answersFirst(what) && this.deps.queue.hasRoom) return this.answerFirst(res, base, what);
    return this.answerFromListener(res, base, p);
  };

  /** Answered empty now; processed from the queue, with an ack that refuses to carry anything (see AckPolicy). */
  private answerFirst(res: ServerResponse, base: Omit<ReceiverEvent, 'ack'>, what: SlackRequestKind): void {
    const arrived = performance.now();
    http.buildNoBodyResponse(res, 200);
    const ack: ReceiverEvent['ack'] = async (response?: unknown) => {
      if (response !== undefined && response !== '') throw new LateAckError(what);
    };
    this.deps.queue.defer(() => {
      this.deps.afterAck.process(this.app!, { ...base, ack }, () => this.deps.queue.startBy(arrived)).catch((e: unknown) => {
        // Slack has its 200 and will not send it again: what it asked for was not done, and only the log can say so.
        this.deps.logger.error({ err: { name: (e as Error).name, code: (e as { code?: string }).code } },
          'a Slack request answered at once could not be processed: what it asked for was not done');
      });
    }, arrived);
  }

  private async answerFromListener(res: ServerResponse, base: Omit<ReceiverEvent, 'ack'>, p: SlackRequest): Promise<void> {
    const { logger } = this.deps;
    let acked = false;
    // No listener acknowledged it in time: Slack gives up at 3 s, so say so rather than hold the connection.
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      logger.warn({ kind: p.what.kind }, 'a Slack request was not acknowledged within 3 seconds');
      if (!res.headersSent) http.buildNoBodyResponse(res, 404);
    }, UNACKNOWLEDGED_AFTER_MS);
    const ack: ReceiverEvent['ack'] = async (response?: unknown) => {
      if (acked) throw new bolt.ReceiverMultipleAckError();
      acked = true;
      clearTimeout(timer);
      http.buildContentResponse(res, response);
    };
    try {
      await this.deps.afterAck.process(this.app!, { ...base, ack });
    } catch (e) {
      clearTimeout(timer);
      if (res.headersSent) {
        logger.error({ err: { name: (e as Error).name } }, 'a Slack request failed after it was acknowledged');
      } else if (unreadable(e, acked)) {
        // Bolt's message quotes the value it choked on, which is request text: it is neither kept nor logged.
        logger.warn('a signed Slack request had a body Bolt could not read; answered 400');
        http.buildNoBodyResponse(res, 400);
      } else if (e instanceof bolt.AuthorizationError) {
        http.buildNoBodyResponse(res, 401);
      } else {
        logger.error({ err: { name: (e as Error).name, message: (e as Error).message } }, 'Bolt could not process a Slack request');
        http.buildNoBodyResponse(res, 500);
      }
      acked = true;
    }
  }
}
