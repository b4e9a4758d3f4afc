import type { Directory, Dispute, Organisation } from './types.ts';

/**
 * One case channel shared by two organisations' Slack workspaces (Slack
 * Connect) instead of a channel in each: only for a pair of organisations that
 * both name each other in the directory (`slackConnect`), so an organisation
 * whose administrators have not agreed is never shared into.
 */

/** Both organisations name each other. */
export function slackConnectAllowed(a: Organisation, b: Organisation): boolean {
  return a.id !== b.id && Boolean(a.slackConnect?.includes(b.id)) && Boolean(b.slackConnect?.includes(a.id));
}

/** The Slack workspace of a home key (`slack:T0ABC` → `T0ABC`); null for any other home. */
export function slackTeamOf(home: string): string | null {
  const m = /^slack:([TE][A-Z0-9]+)$/.exec(home);
  return m ? m[1]! : null;
}

/** The organisations taking part (or that ever took part) in a dispute that work in this Slack workspace. */
function orgsIn(d: Dispute, dir: Directory, team: string): Organisation[] {
  const ids = new Set(d.participants.map((p) => dir.people.find((x) => x.id === p.personId)?.organisationId).filter(Boolean));
  return dir.organisations.filter((o) => ids.has(o.id) && (o.homes ?? []).some((h) => h.platform === 'slack' && h.space === team));
}

/**
 * The home whose case channel this home's people are invited into instead of
 * a channel of their own, or null (a channel of its own, as without Slack
 * Connect). The host is the first, in a fixed order (where the dispute was
 * raised, then by workspace id), of the dispute's other Slack workspaces
 * whose organisations and this one's all allow each other, and which is not
 * itself shared into another: so every replica, and every later change,
 * picks the same host, and a host is never a guest.
 */
export function sharedHost(d: Dispute, dir: Directory, home: string): string | null {
  const team = slackTeamOf(home);
  if (!team) return null;
  const teams = new Set<string>();
  for (const p of d.participants) {
    const org = dir.organisations.find((o) => o.id === dir.people.find((x) => x.id === p.personId)?.organisationId);
    for (const h of org?.homes ?? []) if (h.platform === 'slack' && h.space) teams.add(h.space);
  }
  const raised = slackTeamOf(d.raisedOn);
  const order = [...teams].sort((a, b) => (a === raised ? -1 : b === raised ? 1 : a.localeCompare(b)));
  const hostOf = (t: string): string | null => {
    const guests = orgsIn(d, dir, t);
    if (!guests.length) return null;
    for (const c of order) {
      if (c === t) return null;
      const hosts = orgsIn(d, dir, c);
      if (hosts.length && guests.every((g) => hosts.every((h) => slackConnectAllowed(g, h))) && hostOf(c) === null) return `slack:${c}`;
    }
    return null;
  };
  return hostOf(team);
}
