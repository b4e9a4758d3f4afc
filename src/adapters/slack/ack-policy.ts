import type { SlackRequestKind } from './request.ts';

/** A kind of request whose acknowledgement is always empty: a command by name, an interaction or event by type. */
export type AnsweredFirst = { command: string } | { interaction: string } | { event: string };

/**
 * Which requests the receiver answers with an empty 200 the moment they are
 * verified, before Bolt processes them: Slack wants its answer within 3 s,
 * and a burst of clicks should not wait behind the work the clicks cause.
 * Each listener module declares its own kinds where it registers its
 * listener (`policy.answerFirst(…)` beside `app.command(…)`), so whoever
 * changes what a listener acknowledges sees the promise it makes.
 *
 * A listener whose request was answered first can no longer put anything in
 * the answer: an `ack(body)` there throws LateAckError (Bolt reports it
 * through app.error) instead of going nowhere.
 */
export class AckPolicy {
  private readonly commands = new Set<string>();
  private readonly interactions = new Set<string>();
  private readonly events = new Set<string>();

  answerFirst(kind: AnsweredFirst): this {
    if ('command' in kind) this.commands.add(kind.command);
    else if ('interaction' in kind) this.interactions.add(kind.interaction);
    else this.events.add(kind.event);
    return this;
  }

  answersFirst(what: SlackRequestKind): boolean {
    switch (what.kind) {
      case 'command': return this.commands.has(what.name);
      case 'interaction': return this.interactions.has(what.type);
      case 'event': return this.events.has(what.type);
    }
  }
}

/** A listener tried to answer, with content, a request the policy had already answered empty. */
export class LateAckError extends Error {
  readonly code = 'S117_SLACK_LATE_ACK';
  constructor(what: SlackRequestKind) {
    const name = what.kind === 'command' ? what.name : `${what.kind} ${what.type}`;
    super(`ack() was given a response for ${name}, which the acknowledgement policy answers empty before its listener runs; `
      + 'reply with respond() or a message instead, or take it out of the policy where the listener is registered.');
    this.name = 'LateAckError';
  }
}
