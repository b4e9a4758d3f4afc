import type { Directory } from '../domain/types.ts';
import type { Database } from './db.ts';

/**
 * Copies the directory file into the register so reports and the register
 * page can name organisations and people. The file stays the source of
 * truth; people who leave it stay in the register (their history needs them).
 */
export async function syncDirectory(db: Database, dir: Directory): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    for (const o of dir.organisations) {
      await tx.organisation.upsert({ where: { id: o.id }, create: { id: o.id, name: o.name, kind: o.kind }, update: { name: o.name, kind: o.kind } });
    }
    for (const p of dir.people) {
      const data = {
        name: p.name, organisationId: p.organisationId, roles: p.roles, managerId: p.managerId, handles: { ...p.handles }, email: p.email,
      };
      await tx.person.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: data });
    }
  }, { maxWait: 30_000, timeout: 60_000 });
}
