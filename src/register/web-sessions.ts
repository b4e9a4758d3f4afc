import crypto from 'node:crypto';
import type { SessionStore } from '../app/session-store.ts';
import type { Database } from './db.ts';

export class RegisterSessions implements SessionStore {
  constructor(private readonly db: Database) {}

  async start(personId: string, now: Date): Promise<string> {
    const id = crypto.randomBytes(32).toString('base64url');
    await this.db.prisma.webSession.create({ data: { id, personId, createdAt: now, lastSeenAt: now } });
    return id;
  }

  async touch(id: string, now: Date, idleMs: number): Promise<boolean> {
    const live = await this.db.prisma.webSession.updateMany({
      where: { id, endedAt: null, lastSeenAt: { gt: new Date(now.getTime() - idleMs) } },
      data: { lastSeenAt: now },
    });
    if (live.count === 1) return true;
    await this.end(id, now);
    return false;
  }

  async end(id: string, now: Date): Promise<void> {
    await this.db.prisma.webSession.updateMany({ where: { id, endedAt: null }, data: { endedAt: now } });
  }
}
