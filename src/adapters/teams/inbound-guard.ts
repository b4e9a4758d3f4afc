import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { InboundContext } from '../../app/platform.ts';

// Every request to /api/messages is read, size-limited and shape-checked
// here, before botbuilder sees it: the SDK assumes a well-formed body.

/** Our Teams handler takes the already-read body from here instead of the stream. */
export interface BufferedActivityRequest extends IncomingMessage { rawBody?: Buffer }

function singleHeader(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = z.custom<Record<string, unknown>>(isObject, 'must be an object');
const idObj = obj.pipe(z.object({ id: z.string().max(500) }).passthrough());

const activity = z.object({
  type: z.string().min(1).max(100),
  id: z.string().max(500).optional(),
  text: z.string().max(100_000).optional(),
  channelId: z.string().max(100).optional(),
  serviceUrl: z.string().max(2000).optional(),
  from: idObj.optional(),
  recipient: idObj.optional(),
  conversation: idObj.optional(),
  attachments: z.array(obj).max(50).optional(),
  entities: z.array(obj).max(100).optional(),
  membersAdded: z.array(idObj).max(500).optional(),
  membersRemoved: z.array(idObj).max(500).optional(),
  channelData: obj.optional(),
  replyToId: z.string().max(500).optional(),
  name: z.string().max(200).optional(),
  timestamp: z.string().max(100).optional(),
  localTimestamp: z.string().max(100).optional(),
  expiration: z.string().max(100).optional(),
}).passthrough();

const invokeOk = z.union([
  z.object({ name: z.literal('adaptiveCard/action'), value: obj.pipe(z.object({ action: obj }).passthrough()) }).passthrough(),
  // "Record as decision" from a message: the message extension's dialog is fetched, then submitted.
  z.object({ name: z.enum(['composeExtension/fetchTask', 'composeExtension/submitAction']), value: obj }).passthrough(),
]);

/** In front of botbuilder: a Bot Framework activity, or a plain 4xx. */
export function teamsGuard(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, opts: { authenticated: boolean },
): (req: IncomingMessage, res: ServerResponse, ctx: InboundContext<IncomingMessage, ServerResponse>) => Promise<void> {
  return async (req, res, ctx) => {
    const json = (r: ServerResponse, status: number, body: unknown) => ctx.reply(r, status, body);
    if (req.method !== 'POST') return json(res, 405, { error: 'POST activities here.' });
    // A token is checked by botbuilder; without one there is nothing to check.
    const bearer = /^Bearer \S+$/.test(singleHeader(req, 'authorization') ?? '');
    if (opts.authenticated && !bearer) return json(res, 401, { error: 'Unauthorized.' });
    const body = await ctx.readBody(req);
    if (!body) return json(res, 413, { error: 'The request is too large.' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return json(res, 400, { error: 'The body must be a Bot Framework activity in JSON.' });
    }
    if (!isObject(parsed)) return json(res, 400, { error: 'The body must be a JSON object (a Bot Framework activity).' });
    const r = activity.safeParse(parsed);
    if (!r.success) return json(res, 400, { error: `The activity is not valid: ${r.error.issues[0]!.path.join('.') || 'body'}.` });
    // The only invokes the bot answers are card actions and the message extension's dialog, each with an object value.
    if (parsed.type === 'invoke' && !invokeOk.safeParse(parsed).success) {
      return json(res, 400, { error: 'Only adaptive card actions and the Record as decision dialog are accepted as invokes.' });
    }
    (req as BufferedActivityRequest).rawBody = body;
    return handler(req, res);
  };
}
