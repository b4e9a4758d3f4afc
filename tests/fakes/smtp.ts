import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail { envelopeTo: string[]; parsed: ParsedMail; raw: string }

/**
 * A mail relay on loopback, as strict as a real one where it matters: it
 * wants a login, refuses a message whose sender or recipient is not an
 * address, holds a size limit, and can be told to answer the next messages
 * with a temporary (451) or permanent (550) refusal.
 */
export class FakeSmtpRelay {
  readonly received: ReceivedMail[] = [];
  private refusals: number[] = [];
  /** Every message that reached DATA, refused or not. */
  attempts = 0;
  private server: SMTPServer;
  port = 0;
  constructor(readonly user = 'relay-user', readonly pass = 'relay-pass') {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true, disabledCommands: ['STARTTLS'], size: 256 * 1024, logger: false,
      onAuth: (auth, _s, cb) => (auth.username === this.user && auth.password === this.pass ? cb(null, { user: auth.username }) : cb(new Error('Invalid username or password'))),
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.attempts++;
          const refusal = this.refusals.shift();
          if (refusal) {
            const err = new Error(refusal >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
            err.responseCode = refusal;
            return cb(err);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            this.received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            cb();
          }, (e: Error) => cb(e));
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string { return `smtp://${this.user}:${this.pass}@127.0.0.1:${this.port}`; }

  /** Answers the next `times` messages with `code` (451: try later; 550: refused). */
  refuseNext(code: number, times = 1): void { for (let i = 0; i < times; i++) this.refusals.push(code); }

  to(address: string): ReceivedMail[] { return this.received.filter((m) => m.envelopeTo.includes(address)); }

  async stop(): Promise<void> { await new Promise<void>((resolve) => this.server.close(() => resolve())); }
}
