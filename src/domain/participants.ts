import { DEFAULT_POLICY, type Policy } from './stage-policy.ts';
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
 * Who takes part in a stage, from the roles the policy table names and the
 * directory as it is now (R5.8). Everyone stays on from earlier stages; this
 * returns who joins.
 */
export function stageParticipants(
  d: Pick<Dispute, 'raisedById' | 'namedProfessionals' | 'legalAdviceAsked'> & {
    parties: readonly { organisationId: string; withdrawnAt?: string | null }[]; participants: readonly { personId: string }[];
  },
  stage: StageNo, dir: Directory, policy: Policy = DEFAULT_POLICY,
): StageParticipants {
  const already = new Set(d.participants.map((p) => p.personId));
  const chosen = new Map<string, string>();
  const add = (personId: string, reason: string) => {
    if (!chosen.has(personId)) chosen.set(personId, reason);
  };
  const orgOf = (id: string) => dir.organisations.find((o) => o.id === id);
  const parties = d.parties.filter((p) => !p.withdrawnAt).map((p) => p.organisationId);
  const orgHas = (org: string) => [...chosen.keys()].some((id) => dir.people.find((p) => p.id === id)?.organisationId === org);
  const pol = policy.stages[stage];

  if (!d.participants.length) {
    // Whatever stage a dispute starts at (R7.2), the people who raised it take part.
    add(d.raisedById, 'raised the dispute');
    for (const p of d.namedProfessionals) add(p, 'named professional');
  }
  if (pol.lineManagersJoin) {
    for (const prof of [d.raisedById, ...d.namedProfessionals]) {
      const m = dir.people.find((p) => p.id === prof)?.managerId;
      if (m && dir.people.some((p) => p.id === m)) add(m, 'line manager of a Stage 1 professional');
    }
  }
  for (const rule of pol.participantRoles.filter((r) => !r.fallback)) {
    if (rule.whenLegalAdvice && !d.legalAdviceAsked) continue;
    for (const org of parties) {
      const kind = orgOf(org)?.kind;
      if (rule.orgKinds && (!kind || !rule.orgKinds.includes(kind))) continue;
      for (const role of rule.roles) for (const p of withRole(dir, org, role)) add(p.id, rule.reason);
    }
  }
  for (const rule of pol.participantRoles.filter((r) => r.fallback)) {
    for (const org of parties.filter((o) => !orgHas(o))) for (const role of rule.roles) for (const p of withRole(dir, org, role)) add(p.id, rule.reason);
  }

  // Stage 4 adds nobody: the senior officers of Stage 3 carry it.
  const gaps = pol.participantRoles.length === 0 ? [] : parties.filter((org) => !orgHas(org));
  return {
    added: [...chosen].filter(([id]) => !already.has(id)).map(([personId, reason]) => ({ personId, reason })),
    gaps,
  };
}

/** R3.2/R7.1: the people who may confirm for an organisation at senior level. */
export function seniorOfficers(dir: Directory, orgIds: readonly string[]): Person[] {
  return dir.people.filter((p) => orgIds.includes(p.organisationId) && p.roles.includes('SENIOR_OFFICER'));
}

/**
 * Governance leads see every dispute (status, the register, reports, subject access, the access log). Nobody else
 * does: a senior officer or an administrator sees the disputes of their own organisation (organisationWide).
 */
export function seesEveryDispute(p: Person): boolean {
  return p.roles.includes('GOVERNANCE_LEAD');
}

/**
 * Senior officers (they carry Stage 3 and 4 for their organisation) and administrators see every dispute their
 * organisation is, or ever was, a party to. Every other role sees the disputes they take part in.
 */
export function seesOrganisationDisputes(p: Person): boolean {
  return p.roles.some((r) => r === 'SENIOR_OFFICER' || r === 'ADMIN');
}

/**
 * A participant now: they have not left (R5.8: the directory sync marks who left or lost the role), and their
 * organisation, as the directory has it now, is still a party (not withdrawn). Someone who moved to another
 * organisation, or whose organisation withdrew, is a former participant: the history keeps what they did, but the
 * dispute is no longer theirs to read.
 */
export function takesPartNow(
  p: Pick<Person, 'id' | 'organisationId'>,
  d: { participants: readonly Pick<Dispute['participants'][number], 'personId' | 'leftAt'>[]; parties: readonly { organisationId: string; withdrawnAt?: string | null }[] },
): boolean {
  return d.participants.some((x) => x.personId === p.id && !x.leftAt)
    && d.parties.some((x) => x.organisationId === p.organisationId && !x.withdrawnAt);
}

/**
 * Who may see a dispute (least privilege): its participants now (takesPartNow), the senior officers and
 * administrators of its parties (withdrawn ones too), and governance.
 */
export function maySeeDispute(
  p: Person | null,
  d: { participants: readonly Pick<Dispute['participants'][number], 'personId' | 'leftAt'>[]; parties: readonly { organisationId: string; withdrawnAt?: string | null }[] },
): boolean {
  if (!p) return false;
  if (seesEveryDispute(p) || takesPartNow(p, d)) return true;
  return seesOrganisationDisputes(p) && d.parties.some((x) => x.organisationId === p.organisationId);
}
