import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Message } from '../domain/effects.ts';
import { platformOf } from '../domain/homes.ts';
import type { Directory, Dispute } from '../domain/types.ts';
import type { Outbox, SharedSpaceRecord } from './outbox.ts';
import type { Logger } from './ports.ts';

/** The organisations of a dispute that work in a home (`slack:T…`), by name, for governance's notice. */
function orgNames(d: Dispute, dir: Directory, home: string): string {
  const team = home.slice(home.indexOf(':') + 1);
  const ids = new Set(d.participants.map((p) => dir.people.find((x) => x.id === p.personId)?.organisationId));
  const names = dir.organisations.filter((o) => ids.has(o.id) && (o.homes ?? []).some((h) => h.space === team))
    .map((o) => o.name);
  return names.length ? names.join(', ') : home;
}

/**
 * Governance's notice of a refused share, or of an invitation nobody answered in `unanswered` working days: the
 * reference and the organisations only (no person, no case text).
 */
export function shareRefusedNotice(d: Dispute, dir: Directory, share: SharedSpaceRecord, reason: string, unanswered?: number): Message {
  const guests = orgNames(d, dir, share.home);
  const hosts = orgNames(d, dir, share.host);
  const fallback = 'Their people now have a channel of their own in their own workspace, with the stage card and a copy of everything'
    + ' posted so far; nothing was lost.';
  const later = 'To share channels in later disputes, both workspaces\' Slack administrators must allow Slack Connect with each other'
    + ' (see docs/slack.md, "Slack Connect").';
  if (unanswered !== undefined) {
    const days = `${unanswered} working day${unanswered === 1 ? '' : 's'}`;
    return {
      title: `${d.reference}: a Slack Connect invitation was not answered`,
      lines: [
        `${guests} did not answer the invitation into ${hosts}'s case channel within ${days}.`,
        fallback,
        'If they accept it later, the shared channel works too, but the bot keeps posting for them in their own channel only.',
        later,
      ],
      mentions: [],
    };
  }
  return {
    title: `${d.reference}: Slack Connect was refused`,
    lines: [`${guests} could not be brought into ${hosts}'s case channel with Slack Connect (${reason}).`, fallback, later],
    mentions: [],
  };
}

/**
 * Records a share as refused, once for every replica and retry, and queues in
 * the same transaction the home's own channel (its people, its card, every
 * post so far) and governance's one notice. True when this call did it.
 * `unanswered` (working days): the invitation was not answered in that time,
 * so only a share still pending is refused (an acceptance that won the race stands).
 */
export async function refuseShare(
  outbox: Outbox, d: Dispute, dir: Directory, share: SharedSpaceRecord, reason: string, people: string[], at: Date,
  hasPort: (key: string) => boolean, unanswered?: number,
): Promise<boolean> {
  // Governance's channel is the platform's first connection's, as for every other notice.
  const platform = hasPort(platformOf(share.host)) ? platformOf(share.host) : share.host;
  return outbox.refuseShare(d.id, share.home, {
    reason, at, people: [...new Set([...share.people, ...people])], ...(unanswered !== undefined ? { onlyPending: true } : {}),
    governance: {
      idempotencyKey: `share-refused:${d.id}:${share.home}:governance`, platform,
      message: shareRefusedNotice(d, dir, share, reason, unanswered),
    },
  });
}

export interface SharedSpaceDeps {
  outbox: Outbox;
  dispute(id: string): Promise<Dispute | null>;
  directory(): Directory;
  now(): Date;
  hasPort(key: string): boolean;
  logger: Logger;
  calendar: WorkingCalendar;
  /** Working days an invitation may stay unanswered before its home gets a channel of its own (SHARED_CHANNEL_ANSWER_WORKING_DAYS). */
  answerWorkingDays: number;
  /** Asks the outbox to deliver now (a refusal queued a channel to open). */
  onChange(): void;
}

/** What a platform tells us about an invitation into a shared channel (Slack's shared_channel_invite_* events). */
export interface SharedSpaceEvents {
  /** Accepted (and approved, where the workspace's administrators must approve): the people work in the shared channel. */
  accepted(platform: string, channel: string, team: string | null, inviteId: string | null): Promise<void>;
  /** Declined (by the person or an administrator): the home gets its own channel, and governance hears once. */
  declined(platform: string, channel: string, team: string | null, inviteId: string | null, reason: string): Promise<void>;
}

export class SharedSpaces implements SharedSpaceEvents {
  constructor(private readonly deps: SharedSpaceDeps) {}

  /** The share an event is about: by the invitation's id, else by the invited workspace. */
  private async find(platform: string, channel: string, team: string | null, inviteId: string | null): Promise<SharedSpaceRecord | null> {
    const shares = (await this.deps.outbox.sharesOfChannel(channel)).filter((s) => platformOf(s.host) === platform);
    return shares.find((s) => inviteId && s.inviteIds.includes(inviteId))
      ?? shares.find((s) => team && s.home === `${platform}:${team}`) ?? null;
  }

  async accepted(platform: string, channel: string, team: string | null, inviteId: string | null): Promise<void> {
    const share = await this.find(platform, channel, team, inviteId);
    if (!share) return;
    if (await this.deps.outbox.acceptShare(share.disputeId, share.home, this.deps.now())) {
      this.deps.logger.info({ disputeId: share.disputeId, home: share.home, host: share.host },
        'a Slack Connect invitation was accepted; the case channel is shared');
    } else if (share.state === 'refused') {
      // Too late: the home's own channel already has its people, card and posts, and stays their channel. Reopening
      // the share would leave two channels each claiming the home's posts; Slack has let them into the host's channel,
      // which works as any member's (presses there act once), and the bot posts nothing more for them there.
      this.deps.logger.info({ disputeId: share.disputeId, home: share.home, host: share.host, refused: share.reason },
        'a Slack Connect invitation was accepted after that workspace got a channel of its own; its own channel stays');
    }
  }

  /**
   * Invitations nobody has answered within the working days allowed (R0.1's calendar: weekends, England and Wales
   * bank holidays and local closures do not count) are treated as refused: the home gets a channel of its own and
   * governance one notice. The refusal's guard makes it once whichever replica's sweep, or which retry, gets there.
   */
  async sweepUnanswered(): Promise<number> {
    const now = this.deps.now();
    const days = this.deps.answerWorkingDays;
    let done = 0;
    for (const share of await this.deps.outbox.pendingShares()) {
      // Due like a stage (R0.2): close of business on the Nth working day after the day the invitation went.
      if (this.deps.calendar.deadline(share.createdAt, days) > now) continue;
      try {
        const d = await this.deps.dispute(share.disputeId);
        // A resolved dispute needs no channel opened for it now; its invitation is left as it is.
        if (!d || d.status !== 'OPEN') continue;
        const reason = `not answered within ${days} working day${days === 1 ? '' : 's'}`;
        if (await refuseShare(this.deps.outbox, d, this.deps.directory(), share, reason, [], now, this.deps.hasPort, days)) {
          done++;
          this.deps.logger.warn({ disputeId: d.id, home: share.home, host: share.host, workingDays: days },
            'a Slack Connect invitation was not answered in time; that workspace gets a channel of its own');
        }
      } catch (err) {
        // One share that cannot be read or refused must not hold back every newer one: the next tick tries it again.
        this.deps.logger.error({ err, disputeId: share.disputeId, home: share.home },
          'an unanswered Slack Connect invitation could not be handled');
      }
    }
    if (done) this.deps.onChange();
    return done;
  }

  async declined(platform: string, channel: string, team: string | null, inviteId: string | null, reason: string): Promise<void> {
    const share = await this.find(platform, channel, team, inviteId);
    if (!share || share.state === 'refused') return;
    const d = await this.deps.dispute(share.disputeId);
    if (!d) return;
    if (await refuseShare(this.deps.outbox, d, this.deps.directory(), share, reason, [], this.deps.now(), this.deps.hasPort)) {
      this.deps.logger.warn({ disputeId: d.id, home: share.home, host: share.host, reason },
        'a Slack Connect invitation was declined; that workspace gets a channel of its own');
      this.deps.onChange();
    }
  }
}
