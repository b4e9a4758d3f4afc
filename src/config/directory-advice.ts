import type { Directory, Organisation, Person, Role } from '../domain/types.ts';

// `s117 directory check` beyond validity: gaps that make the protocol stall
// or people unreachable, each naming who, what is wrong and how to fix it.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLATFORMS = ['slack', 'teams'] as const;
const HANDLE_HINT = { slack: 'slack: U…', teams: 'teams: <Entra object id>' } as const;
const CHANNEL_HINT = { slack: 'C… (the channel id)', teams: '"19:…@thread.tacv2" (the channel id)' } as const;

/** "Who has what problem: why it matters. How to fix it." */
const say = (who: string, problem: string, fix: string) => `${who} ${problem} ${fix}`;

function organisationGaps(d: Directory): string[] {
  const out: string[] = [];
  for (const o of d.organisations) {
    const org = `${o.name} (${o.id})`;
    const people = d.people.filter((p) => p.organisationId === o.id);
    const has = (r: Role) => people.some((p) => p.roles.includes(r));
    if (!people.length) {
      out.push(say(org, 'has nobody in the directory: disputes involving it cannot invite or confirm for it.',
        `Add its people under "people:" with organisation: ${o.id}.`));
      continue;
    }
    if (!has('OPERATIONAL_LEAD')) {
      out.push(say(org, 'has no OPERATIONAL_LEAD: nobody from it is invited at Stage 1 unless named.',
        'Add OPERATIONAL_LEAD to the roles of its Section 117 lead.'));
    }
    if (!has('SENIOR_OFFICER')) {
      out.push(say(org, 'has no SENIOR_OFFICER: nobody can confirm for it at Stage 3 or for an ending.',
        'Add SENIOR_OFFICER to the roles of its director or deputy.'));
    }
  }
  if (!d.people.some((p) => p.roles.includes('GOVERNANCE_LEAD'))) {
    out.push(say('Nobody', 'is a GOVERNANCE_LEAD: alerts and monthly reports have no one to go to.',
      'Add GOVERNANCE_LEAD to the roles of the partnership\'s governance lead.'));
  }
  return out;
}

function personGaps(d: Directory, p: Person, platforms: readonly ('slack' | 'teams')[]): string[] {
  const out: string[] = [];
  const who = `${p.name} (${p.id})`;
  if (platforms.length && !platforms.some((k) => p.handles[k])) {
    out.push(say(who, `has no ${platforms.join(' or ')} id: the bot cannot invite or message them, and reports it to governance.`,
      `Add ${platforms.map((k) => HANDLE_HINT[k]).join(' or ')}.`));
  }
  const teams = p.handles.teams;
  if (teams && !GUID.test(teams)) {
    out.push(say(who, `has teams: "${teams}", which is not a Microsoft Entra object id (a GUID like 8f3c2a10-…).`,
      'Copy the Object ID from their user page in the Entra admin centre.'));
  }
  if (!p.email) {
    const unless = teams ? ' except by their Entra object id' : '';
    out.push(say(who, `has no email: they cannot be matched when they sign in to the register${unless}.`,
      'Add email: their work address.'));
  }
  const manager = p.managerId ? d.people.find((m) => m.id === p.managerId) : null;
  if (manager && manager.organisationId !== p.organisationId) {
    out.push(say(who, `has manager ${manager.name} (${manager.id}) from another organisation: Stage 2 invites the manager.`,
      'Check that this is intended.'));
  }
  return out;
}

/** Does this deployment deliver to a home, and what would connect it? (From the platform modules.) */
export type HomeService = (platform: string, space: string | null) => { served: boolean; hint: string | null };

function homeGaps(d: Directory, service: HomeService): string[] {
  const out: string[] = [];
  for (const o of d.organisations) {
    const org = `${o.name} (${o.id})`;
    for (const h of o.homes ?? []) {
      const { served, hint } = service(h.platform, h.space);
      if (served) continue;
      const where = h.space ? `${h.platform}:${h.space}` : h.platform;
      const problem = `works in ${where}, which this bot is not connected to:`
        + ' its people are reached in its next home, or where each dispute was raised.';
      const fix = hint ? `Set ${hint}, or take ${where} out of its homes.`
        : `No platform called ${h.platform} is known: use slack, teams or email.`;
      out.push(say(org, problem, fix));
    }
    if ((o.homes ?? []).some((h) => h.platform === 'email')) {
      for (const p of d.people.filter((x) => x.organisationId === o.id && !x.email && !Object.keys(x.handles).length)) {
        const problem = `works at ${o.name}, which works by e-mail, but has no email: the bot cannot reach them.`;
        out.push(say(`${p.name} (${p.id})`, problem, 'Add email: their work address.'));
      }
    }
  }
  return out;
}

/**
 * Slack Connect is opened only for a pair that names each other: a one-sided allowance is a half-made agreement
 * (the other organisation's administrators have not said yes), and a pair without two Slack workspaces has nothing
 * to share.
 */
function slackConnectGaps(d: Directory): string[] {
  const out: string[] = [];
  const slackHome = (o: Organisation) => (o.homes ?? []).some((h) => h.platform === 'slack' && h.space);
  for (const o of d.organisations) {
    for (const otherId of o.slackConnect ?? []) {
      const other = d.organisations.find((x) => x.id === otherId);
      if (!other) continue;
      const org = `${o.name} (${o.id})`;
      if (!other.slackConnect?.includes(o.id)) {
        const problem = `allows Slack Connect with ${other.name} (${other.id}), which does not allow it back:`
          + ' their people get a channel of their own in each workspace.';
        const fix = `Add ${o.id} to the slackConnect list of ${other.id} once its Slack administrators agree,`
          + ` or take ${other.id} out of ${o.id}'s.`;
        out.push(say(org, problem, fix));
      } else if (!slackHome(o) || !slackHome(other)) {
        const missing = !slackHome(o) ? o : other;
        const problem = `allows Slack Connect with ${other.name} (${other.id}), but ${missing.id} names no Slack workspace`
          + ' among its homes: there is no channel to share.';
        out.push(say(org, problem,
          `Give ${missing.id} its workspace in homes (slack:T…), or take the pair out of slackConnect.`));
      }
    }
  }
  return out;
}

export function directoryAdvice(d: Directory, service: HomeService | null = null): string[] {
  const platforms = PLATFORMS.filter((k) => d.people.some((p) => p.handles[k]));
  const homes = service ? homeGaps(d, service) : [];
  const out = [...organisationGaps(d), ...homes, ...slackConnectGaps(d), ...d.people.flatMap((p) => personGaps(d, p, platforms))];
  for (const key of ['email', 'slack', 'teams'] as const) {
    const seen = new Map<string, string>();
    const valueOf = (p: Person) => (key === 'email' ? p.email : p.handles[key]);
    for (const p of d.people) {
      const v = valueOf(p)?.toLowerCase();
      if (!v) continue;
      const first = seen.get(v);
      if (first) {
        const problem = `has the same ${key} as ${first} ("${valueOf(p)}"): sign-in and messages would reach the wrong person.`;
        out.push(say(`${p.name} (${p.id})`, problem, 'Give each person their own.'));
      } else seen.set(v, `${p.name} (${p.id})`);
    }
  }
  for (const k of platforms) {
    if (!d.governance[k]) {
      out.push(say(`governance.${k}`, `is not set: governance alerts on ${k === 'slack' ? 'Slack' : 'Teams'} have nowhere to go.`,
        `Add governance: { ${k}: ${CHANNEL_HINT[k]} }.`));
    }
  }
  return out;
}
