import type { Directory, Dispute, Person, Role, StageNo } from './types.ts';

export interface StageParticipants {
  /** People newly joining at this stage, with why. */
  added: { personId: string; reason: string }[];
  /** Party organisations with nobody of their own at this stage (reported, never silent). */
  gaps: string[];
}

function withRole(dir: Directory, orgId: string, role: Role): Person[] {
  return dir.people.filter((p) => p.organisationId === orgId && p.roles.includes(role));
}

/**
 * Who takes part in a stage (issue 2, "Stage participants"). Everyone stays
 * on from earlier stages; this returns who joins.
 */
export function stageParticipants(d: Pick<Dispute, 'parties' | 'raisedById' | 'namedProfessionals' | 'participants' | 'legalAdviceAsked'>, stage: StageNo, dir: Directory): StageParticipants {
  const already = new Set(d.participants.map((p) => p.personId));
  const chosen = new Map<string, string>();
  const add = (personId: string, reason: string) => {
    if (!chosen.has(personId)) chosen.set(personId, reason);
  };
  const orgOf = (id: string) => dir.organisations.find((o) => o.id === id);
  const parties = d.parties.map((p) => p.organisationId);

  if (!d.participants.length) {
    // Whatever stage a dispute starts at (R7.2), the people who raised it take part.
    add(d.raisedById, 'raised the dispute');
    for (const p of d.namedProfessionals) add(p, 'named professional');
  }
  if (stage === 1) {
    for (const org of parties) for (const p of withRole(dir, org, 'OPERATIONAL_LEAD')) add(p.id, 'operational lead');
  } else if (stage === 2) {
    for (const prof of [d.raisedById, ...d.namedProfessionals]) {
      const m = dir.people.find((p) => p.id === prof)?.managerId;
      if (m && dir.people.some((p) => p.id === m)) add(m, 'line manager of a Stage 1 professional');
    }
    for (const org of parties) {
      const kind = orgOf(org)?.kind;
      if (kind === 'ICB') for (const p of withRole(dir, org, 'OPERATIONAL_LEAD')) add(p.id, 'ICB operational lead');
      if (kind === 'LOCAL_AUTHORITY') for (const p of withRole(dir, org, 'MH_SERVICE_LEAD')) add(p.id, 'mental health service lead');
    }
    for (const org of parties) {
      const has = [...chosen.keys()].some((id) => dir.people.find((p) => p.id === id)?.organisationId === org);
      if (!has) {
        for (const p of [...withRole(dir, org, 'TEAM_MANAGER'), ...withRole(dir, org, 'SERVICE_MANAGER')]) add(p.id, 'team or service manager');
      }
    }
  } else if (stage === 3) {
    for (const org of parties) for (const p of withRole(dir, org, 'SENIOR_OFFICER')) add(p.id, 'senior officer');
    if (d.legalAdviceAsked) for (const org of parties) for (const p of withRole(dir, org, 'LEGAL_ADVISOR')) add(p.id, 'legal advisor');
  }

  const orgHas = (org: string) => [...chosen.keys()].some((id) => dir.people.find((p) => p.id === id)?.organisationId === org);
  // Stage 4 adds nobody: the senior officers of Stage 3 carry it.
  const gaps = stage === 4 ? [] : parties.filter((org) => !orgHas(org));
  return {
    added: [...chosen].filter(([id]) => !already.has(id)).map(([personId, reason]) => ({ personId, reason })),
    gaps,
  };
}

/** R3.2/R7.1: the people who may confirm for an organisation at senior level. */
export function seniorOfficers(dir: Directory, orgIds: readonly string[]): Person[] {
  return dir.people.filter((p) => orgIds.includes(p.organisationId) && p.roles.includes('SENIOR_OFFICER'));
}

/** Governance leads, administrators and senior officers see every dispute (status, the register, reports). */
export function seesEveryDispute(p: Person): boolean {
  return p.roles.some((r) => r === 'GOVERNANCE_LEAD' || r === 'ADMIN' || r === 'SENIOR_OFFICER');
}

/** Who may see a dispute: its participants, and those who see every dispute. */
export function maySeeDispute(p: Person | null, d: Pick<Dispute, 'participants'>): boolean {
  return Boolean(p && (seesEveryDispute(p) || d.participants.some((x) => x.personId === p.id)));
}
