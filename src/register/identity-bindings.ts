import type { IdentityStore } from '../app/identity-store.ts';
import type { Database } from './db.ts';

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'P2002' || /unique constraint/i.test(String((e as Error).message));
}

export class RegisterIdentityBindings implements IdentityStore {
  constructor(private readonly db: Database) {}

  async personFor(issuer: string, subject: string): Promise<string | null> {
    const row = await this.db.prisma.identityBinding.findUnique({ where: { issuer_subject: { issuer, subject } } });
    return row?.personId ?? null;
  }

  async subjectFor(personId: string, issuer: string): Promise<string | null> {
    const row = await this.db.prisma.identityBinding.findUnique({ where: { personId_issuer: { personId, issuer } } });
    return row?.subject ?? null;
  }

  async bind(issuer: string, subject: string, personId: string, now: Date): Promise<boolean> {
    try {
      await this.db.prisma.identityBinding.create({ data: { issuer, subject, personId, boundAt: now } });
      return true;
    } catch (e) {
      // Two first sign-ins racing: the keys decide, and the loser is refused.
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}
