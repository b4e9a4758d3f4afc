import bolt, { type App as BoltApp } from '@slack/bolt';

type ErrorHandler = NonNullable<ConstructorParameters<typeof bolt.HTTPReceiver>[0]['processEventErrorHandler']>;

/** A signed request whose body Bolt could not read (an `event` that is a string, say): the sender's fault, not ours. */
export class UnreadableSlackRequest extends Error {
  // Bolt's message quotes the value it choked on, which is request text: it is neither kept nor logged.
  constructor() {
    super('A signed Slack request had a body Bolt could not read; answered 400.');
    this.name = 'UnreadableSlackRequest';
  }
}

/**
 * Bolt reads the body's shape (event type, channel, user) before any
 * listener runs, and assumes Slack's shapes: a signed body with `"event": ""`
 * makes it throw a TypeError, which its receiver answers with a 500. A
 * TypeError thrown before the request was acknowledged can only come from
 * there (our listeners' failures go to app.error), so it is turned into
 * UnreadableSlackRequest, which `answerUnreadable` answers with a 400.
 */
export function markUnreadable(app: BoltApp): void {
  const process = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    let acked = false;
    const ack = event.ack;
    try {
      await process({ ...event, ack: async (response) => { acked = true; await ack(response); } });
    } catch (e) {
      if (!acked && e instanceof TypeError) throw new UnreadableSlackRequest();
      throw e;
    }
  };
}

/** The HTTP receiver's error handler: 400 for an unreadable body, Bolt's own answer for everything else. */
export const answerUnreadable: ErrorHandler = async (args) => {
  if (!(args.error instanceof UnreadableSlackRequest) || args.response.headersSent) {
    return bolt.HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  }
  args.logger.warn(args.error.message);
  args.response.writeHead(400);
  args.response.end();
  return true;
};
