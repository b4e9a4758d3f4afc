import { sharedHost } from '../domain/shared-spaces.ts';
import type { Directory, Dispute, Person } from '../domain/types.ts';
import type { ClaimedRow, Outbox } from './outbox.ts';
import { type ChatPort, type ConversationRef, type Delivery, type Logger, ShareRefused } from './ports.ts';
import { refuseShare } from './shared-spaces.ts';

/** What delivering a row of a home shared into another home's channel needs of the dispatcher. */
export interface SharedDelivery {
  outbox(): Outbox;
  ports(): Record<string, ChatPort>;
  directory(): Directory;
  now(): Date;
  logger(): Logger;
  people(ids: string[]): Person[];
  registeredPeople(ids: string[]): Promise<Person[]>;
  /** The dispute's case space on a platform, made once even with several replicas and crashes. */
  caseSpace(port: ChatPort, disputeId: string, row: ClaimedRow, d: Delivery): Promise<{ ref: ConversationRef }>;
  delivery(row: ClaimedRow, port: ChatPort): Delivery;
}

/** The host's channel a home's people are shared into (a direct message links there), unless the share was refused. */
export async function sharedChannel(outbox: Outbox, disputeId: string, home: string): Promise<ConversationRef | null> {
  const share = await outbox.sharedSpace(disputeId, home);
  if (!share || share.state === 'refused') return null;
  const host = await outbox.caseSpace(disputeId, share.host);
  return host && !host.ref.pending ? host.ref : null;
}

/**
 * A row for a home whose people work in another home's channel (Slack Connect): invitations go out from the host's
 * channel, and posts and the card are the host's rows' business (one channel, one copy). True when the row was dealt
 * with so; false when the home has (or is to have) a channel of its own: no share allowed, one already refused for
 * this dispute, or a channel of its own made before sharing was allowed.
 */
export async function deliverShared(x: SharedDelivery, row: ClaimedRow, port: ChatPort, dispute: Dispute, d: Delivery): Promise<boolean> {
  const e = row.payload;
  const outbox = x.outbox();
  const home = port.platform;
  let share = await outbox.sharedSpace(dispute.id, home);
  if (share?.state === 'refused') return false;
  const host = share?.host ?? sharedHost(dispute, x.directory(), home);
  const hostPort = host ? x.ports()[host] : undefined;
  if (!share) {
    if (!host || !hostPort?.inviteShared || !(hostPort.canShareWith?.(home) ?? true)) return false;
    if (await outbox.caseSpace(dispute.id, home)) return false;
  }
  const hd = x.delivery(row, hostPort ?? port);
  // Its rows may come before the host's own: the host's channel is made here then (once, however many ask).
  const hostSpace = hostPort ? (await x.caseSpace(hostPort, dispute.id, row, hd)).ref : null;
  share ??= await outbox.startShare(dispute.id, home, host!, String(hostSpace!.id), x.now());
  if (share.state === 'refused') return false;
  const held = share;
  const refuse = async (reason: string, people: string[]) => {
    const hasPort = (k: string) => Boolean(x.ports()[k]);
    if (await refuseShare(outbox, dispute, x.directory(), held, reason, people, x.now(), hasPort)) {
      x.logger().warn({ disputeId: dispute.id, home, host: held.host, reason },
        'Slack Connect was refused; that workspace gets a channel of its own');
    }
  };
  // Done as the shared channel's business, unless the share was refused while this row was on its way (a decline
  // event, the sweep of unanswered invitations): then false, and the row goes to the home's own channel as if it had
  // come after the refusal. Checked and marked delivered under the lock the refusal takes, so the refusal's copy of
  // the posts so far has this row's post or this row posts it itself, never neither and never both.
  const leave = async () => outbox.leaveToShare(row, home, x.now());
  if (!hostPort?.inviteShared || !hostSpace) {
    // The host's connection is gone or no longer shares (settings changed): its people must not be left out.
    await refuse(`${held.host} can no longer share its channel`, e.kind === 'INVITE' ? e.personIds : []);
    return true;
  }
  switch (e.kind) {
    case 'INVITE': {
      // On a retry, whoever an earlier try of this row already invited (noted one by one below) is not invited again.
      const people = x.people(e.personIds).filter((p) => d.attempt <= 1 || !held.people.includes(p.id));
      try {
        for (const p of people) {
          const ids = await hostPort.inviteShared(hostSpace, [p], home, hd);
          await outbox.noteShareInvites(dispute.id, home, ids, [p.id]);
        }
      } catch (err) {
        if (!(err instanceof ShareRefused)) throw err;
        // Its own channel, people, card and posts are queued with the refusal, in one transaction.
        await refuse(err.message, e.personIds);
        return true;
      }
      // Refused meanwhile: the refusal's invitation may have been written before these people were noted.
      return leave();
    }
    case 'UNINVITE': {
      const known = x.people(e.personIds);
      const missing = e.personIds.filter((id) => !known.some((p) => p.id === id));
      const gone = missing.length ? await x.registeredPeople(missing) : [];
      await hostPort.uninvite(hostSpace, [...known, ...gone], hd);
      return leave();
    }
    case 'POST': {
      // Not in the channel until they accept: those it names hear now, in their own workspace. Everything else is in
      // the channel's history when they join, or copied to their own channel if they never do.
      if (held.state === 'pending') {
        for (const person of x.people(e.message.mentions.filter((id) => held.people.includes(id)))) {
          const once = { ...d, key: `${row.idempotencyKey}:dm:${person.id}`, known: null, sent: async () => undefined };
          await port.dm(person, e.message, once, hostSpace);
        }
      }
      return leave();
    }
    default:
      // The card lives in the host's channel, refreshed by the host's rows.
      return leave();
  }
}
