import crypto from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { ChatDeliveryError, type ChatPort, type ConversationRef, type Delivery, type Logger } from '../../app/ports.ts';
import type { Message } from '../../domain/effects.ts';
import type { Directory, Person } from '../../domain/types.ts';
import type { DisputeView } from '../../domain/view.ts';
import { mailKind, mailText, referenceIn, signInMailText, type MailKind } from './mail-text.ts';
import { LINK_MINUTES, linkToken, linkUrl } from '../../app/sign-in-links.ts';

export interface EmailSettings {
  from: string;
  /** PUBLIC_URL: each e-mail links to the dispute's page in the register. */
  publicUrl: string | null;
  /** Messages a minute the relay takes from us (every replica together). */
  perMinute: number;
  /** SESSION_SECRET: sign-in links are made from it (none: this deployment sends no sign-in links). */
  linkSecret?: string | null;
}

/** The outbox key as a Message-ID: a retried send carries the same one, so mail clients show it once. */
export const messageIdFor = (key: string) => `<${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}@s117.invalid>`;

/** SMTP failures in the outbox's terms: 4xx and lost connections try again; 5xx is a refusal. */
export function mailError(e: unknown): ChatDeliveryError {
  const err = e as { responseCode?: number; code?: string; message?: string };
  const code = err.responseCode ?? 0;
  // A login the relay refuses is our configuration, not the message: it goes again once the password is put right.
  if (err.code === 'EAUTH' || code === 530 || code === 535) {
    return new ChatDeliveryError(`the mail relay refused our login (${code || err.code}): check SMTP_URL`, true);
  }
  // Refused before anything was sent (no address the relay would take): sending again changes nothing.
  if (err.code === 'EENVELOPE' && !code) return new ChatDeliveryError('the mail relay refused the address', false);
  if (code >= 500) return new ChatDeliveryError(`the mail relay refused the message (${code})`, false);
  if (code >= 400) return new ChatDeliveryError(`the mail relay asked us to try later (${code})`, true);
  // No answer to the end of the message: the relay may have taken it.
  return new ChatDeliveryError(`the mail relay could not be reached (${err.code ?? 'error'})`, true, null, { mayHaveApplied: true });
}

/**
 * E-mail as a delivery platform, for people whose organisation works in
 * neither Slack nor Teams. It has no shared space: a dispute's "space" here
 * only remembers its reference, cards live on the register's web page, and
 * people are written to one by one.
 */
export class EmailChatPort implements ChatPort {
  readonly platform = 'email';
  constructor(
    private readonly transport: Pick<Transporter, 'sendMail'>,
    private readonly settings: EmailSettings,
    private readonly directory: () => Directory,
    private readonly logger: Logger,
  ) {}

  async openCaseSpace(view: DisputeView): Promise<ConversationRef> {
    return { id: `email:${view.id}`, reference: view.reference };
  }

  /** People reached by e-mail are told they take part by the invitation's own direct message. */
  async invite(): Promise<void> {}
  async uninvite(): Promise<void> {}

  /** A post that names people by e-mail is written to each of them; there is nobody else to read it. */
  async post(space: ConversationRef, message: Message, mentions: Person[], d: Delivery): Promise<void> {
    const reference = typeof space.reference === 'string' ? space.reference : referenceIn(message);
    // One row, several people: what was sent is not kept per person, so a retry sends again to all, with the same
    // Message-IDs (mail clients show each once) rather than skipping those a first try did not reach.
    for (const p of mentions.filter((x) => x.email)) {
      const each = { ...d, key: `${d.key}:${p.id}`, known: null, sent: undefined };
      await this.send([p.email!], mailKind(message, false), reference, each);
    }
  }

  async upsertCard(_space: ConversationRef, view: DisputeView): Promise<ConversationRef> {
    return { id: `email-card:${view.id}` };
  }

  async dm(person: Person, message: Message, d: Delivery, space: ConversationRef | null): Promise<void> {
    if (!person.email) throw new ChatDeliveryError(`${person.id} has no e-mail address in the directory`, false);
    const reference = typeof space?.reference === 'string' ? space.reference : referenceIn(message);
    await this.send([person.email], mailKind(message, false), reference, d);
  }

  async governance(message: Message, d: Delivery): Promise<void> {
    const to = this.directory().governance.email;
    if (!to) {
      this.logger.warn({ title: message.title }, 'no governance e-mail address in the directory; this notice went to the log only');
      return;
    }
    await this.send([to], 'governance', referenceIn(message), d);
  }

  /** A sign-in link, made again from its id on every try, so a retry sends the same link under the same Message-ID. */
  async signInLink(person: Person, linkId: string, d: Delivery): Promise<void> {
    if (!person.email) throw new ChatDeliveryError(`${person.id} has no e-mail address in the directory`, false);
    const { linkSecret, publicUrl } = this.settings;
    if (!linkSecret || !publicUrl) throw new ChatDeliveryError('sign-in links need SESSION_SECRET and PUBLIC_URL', false);
    if (d.known) return;
    await d.limit?.([{ key: 'email:send', perMinute: this.settings.perMinute, burst: 5 }]);
    const mail = signInMailText(linkUrl(publicUrl, linkToken(linkSecret, linkId)), LINK_MINUTES, this.directory().partnership);
    const messageId = messageIdFor(d.key);
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from, to: [person.email], subject: mail.subject, text: mail.text, html: mail.html, messageId,
      });
      await d.sent?.({ id: String(info.messageId ?? messageId) });
    } catch (e) {
      throw mailError(e);
    }
  }

  private async send(to: string[], kind: MailKind, reference: string | null, d: Delivery): Promise<void> {
    // Sent before, and the relay said so: nothing to do.
    if (d.known) return;
    await d.limit?.([{ key: 'email:send', perMinute: this.settings.perMinute, burst: 5 }]);
    const link = this.settings.publicUrl && reference ? `${this.settings.publicUrl.replace(/\/$/, '')}/register/dispute/${reference}` : null;
    const mail = mailText(kind, reference, link, this.directory().partnership);
    const messageId = messageIdFor(d.key);
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from, to, subject: mail.subject, text: mail.text, html: mail.html, messageId,
      });
      await d.sent?.({ id: String(info.messageId ?? messageId) });
    } catch (e) {
      throw mailError(e);
    }
  }
}
