import type { Person, Role } from '../domain/types.ts';
import type { Database } from './db.ts';

/**
 * People as the register last knew them. Someone who has left the directory
 * file is still here (their history needs them), so the bot can still find
 * their chat ids to take them out of a case space.
 */
export async function registeredPeople(db: Database, ids: string[]): Promise<Person[]> {
  if (!ids.length) return [];
  const rows = await db.prisma.person.findMany({ where: { id: { in: ids } } });
  return rows.map((r) => ({
    id: r.id, name: r.name, organisationId: r.organisationId, roles: r.roles as Role[], managerId: r.managerId,
    handles: handlesOf(r.handles), email: r.email,
  }));
}

/** The stored handles map, keeping only string ids (the column is JSON). */
function handlesOf(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
