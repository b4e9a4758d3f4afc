import type { IncomingMessage } from 'node:http';

/** The largest request body a platform endpoint reads. */
export const MAX_PLATFORM_BODY = 1_000_000;

/** The body, or null when it is larger than `max` (the rest is drained, not stored). */
export async function readLimited(req: IncomingMessage, max = MAX_PLATFORM_BODY): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) { req.resume(); return null; }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) { req.resume(); return null; }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

