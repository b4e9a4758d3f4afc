import { EmailChatPort, mailError } from '../../src/adapters/email/chat-port.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { ConversationRef, Delivery } from '../../src/app/ports.ts';
import { directory } from '../helpers/domain.ts';

/** The relay as nodemailer sees it: the one edge of the e-mail port. */
class Relay {
  sent: { to: string; messageId: string }[] = [];
  failNext: Error[] = [];
  async sendMail(m: { to: string[]; messageId: string }) {
    const f = this.failNext.shift();
    if (f) throw f;
    this.sent.push({ to: m.to[0]!, messageId: m.messageId });
    return { messageId: m.messageId };
  }
}
const smtpError = (props: Record<string, unknown>) => Object.assign(new Error('smtp'), props);
const person = (id: string) => directory.people.find((p) => p.id === id)!;

describe('the e-mail port', () => {
  it('a post that names several people reaches each on a retry, even after the first try reached some of them', async () => {
    const relay = new Relay();
    const port = new EmailChatPort(relay as never, { from: 'noreply@x.nhs.uk', publicUrl: null, perMinute: 600 }, () => directory, createLogger('silent'));
    const kept: ConversationRef[] = [];
    const d: Delivery = { key: 'row-1', attempt: 1, sent: async (r) => { kept.push(r); } };
    const message = { title: 'S117-2026-0001: Stage 2', lines: [], mentions: ['gus-hart', 'ivy-nash'] };
    // Gus is reached, Ivy's send is refused for now.
    const first = relay.sendMail.bind(relay);
    let calls = 0;
    relay.sendMail = async (m) => { calls++; if (calls === 2) throw smtpError({ responseCode: 451 }); return first(m); };
    await expect(port.post({ id: 'email:d1' }, message, [person('gus-hart'), person('ivy-nash')], d)).rejects.toMatchObject({ retryable: true });
    // The retry carries what the row kept, as the outbox would hand it back.
    await port.post({ id: 'email:d1' }, message, [person('gus-hart'), person('ivy-nash')], { ...d, attempt: 2, known: kept[0] ?? null });
    expect(relay.sent.map((s) => s.to).sort()).toEqual(['gus.hart@anytown.nhs.uk', 'gus.hart@anytown.nhs.uk', 'ivy.nash@anytown.nhs.uk']);
    // Gus's second copy carries the first one's Message-ID, so his mail client shows it once.
    const gus = relay.sent.filter((s) => s.to.startsWith('gus'));
    expect(gus[0]!.messageId).toBe(gus[1]!.messageId);
  });

  it('sorts the relay\'s answers: a refused login and 4xx go again, a refused message or address does not', () => {
    expect(mailError(smtpError({ code: 'EAUTH', responseCode: 535 })).retryable).toBe(true);
    expect(mailError(smtpError({ responseCode: 451 })).retryable).toBe(true);
    expect(mailError(smtpError({ code: 'ECONNECTION' }))).toMatchObject({ retryable: true, mayHaveApplied: true });
    expect(mailError(smtpError({ responseCode: 550 })).retryable).toBe(false);
    expect(mailError(smtpError({ code: 'EENVELOPE' })).retryable).toBe(false);
  });
});
