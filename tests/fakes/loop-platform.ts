import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { Interactions } from '../../src/app/interactions/interactions.ts';
import { SIMPLE_FORMS } from '../../src/app/interactions/simple-forms.ts';
import type { Platform } from '../../src/platforms.ts';
import { RecordingChatPort } from './recording-chat-port.ts';

/**
 * A third chat platform that exists only in the tests: JSON over HTTP at
 * /loop/events, people known by `handles.loop`. It is built the way a real
 * platform would be — a receiver that translates requests into the inbound
 * layer's intents and renders its answers, a ChatPort for the outbox — and
 * it touches nothing in src/: it is passed to startBot beside the registry.
 */
const request = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('press'), user: z.string(), verb: z.string(), payload: z.unknown() , id: z.string() }),
  z.object({ kind: z.literal('submit'), user: z.string(), form: z.enum(['raise', 'decision', 'escalate', 'care-change', 'external', 'letter', ...SIMPLE_FORMS]), values: z.record(z.string(), z.unknown()), d: z.string().optional(), id: z.string() }),
  z.object({ kind: z.literal('record'), user: z.string(), space: z.string(), text: z.string() }),
  z.object({ kind: z.literal('status'), user: z.string(), reference: z.string() }),
]);

export const LOOP_PATH = '/loop/events';

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export function loopPlatform(port = new RecordingChatPort('loop')): Platform {
  return {
    name: 'loop',
    handleLabel: 'Loop user name',
    envSchema: z.object({}),
    banner: (_env, running) => [`Loop:       ${running ? 'connected' : 'not connected'}`],
    create(_env, logger) {
      let ix: Interactions | null = null;
      const answer = (res: ServerResponse, status: number, value: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)); };
      return {
        port,
        paths: [LOOP_PATH],
        handle: async (req: IncomingMessage, res: ServerResponse) => {
            const parsed = request.safeParse(await body(req).catch(() => null));
            if (!parsed.success || !ix) return answer(res, 400, { error: 'not a Loop request' });
            const r = parsed.data;
            const me = ix.person('loop', r.user);
            if (r.kind === 'press') {
              const p = await ix.press(me, 'loop', r.verb, r.payload, `loop:${r.id}`);
              if (!p.ok) return answer(res, 200, { refused: p.refusal.message });
              if (p.value.kind === 'form') return answer(res, 200, { form: p.value.form, decision: p.value.decision ?? null, letter: p.value.letter ?? null, simple: p.value.simple ?? null });
              return answer(res, 200, { card: ix.view(p.value.dispute).allowedActions, notice: p.value.notice });
            }
            if (r.kind === 'submit') {
              const s = await ix.submit(me, 'loop', r.form, r.values, r.d ? { d: r.d } : {}, `loop:${r.id}`);
              return answer(res, 200, s.ok ? { done: s.dispute.reference, duplicate: s.duplicate } : { errors: s.errors });
            }
            if (r.kind === 'record') {
              const p = await ix.recordAsDecision(me, 'loop', r.space, r.text);
              if (!p.ok) return answer(res, 200, { refused: p.refusal.message });
              return answer(res, 200, p.value.kind === 'form' ? { form: p.value.form, decision: p.value.decision } : {});
            }
            const s = await ix.status(me, 'loop', { reference: r.reference });
            return answer(res, 200, s.ok ? { view: s.value } : { refused: s.refusal.message });
        },
        status: () => ({ ready: true, reason: null }),
        attach(service, onChange) {
          ix = new Interactions(service, logger.child({ platform: 'loop' }), onChange);
        },
        start: async () => {},
        stop: async () => {},
        adapter: port,
      };
    },
  };
}
