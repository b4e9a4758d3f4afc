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
    slack: r.slackId, teams: r.teamsId, email: r.email,
  }));
}
