import type { Env } from './env.ts';
import { seesEveryDispute, seesOrganisationDisputes } from '../domain/participants.ts';
import type { Directory } from '../domain/types.ts';

const names = (list: readonly { name: string }[], max = 4): string => {
  if (!list.length) return 'nobody in the directory yet';
  const shown = list.slice(0, max).map((p) => p.name).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
};

/**
 * What is visible to whom, in plain words, for the start-up banner and `docs/governance.md`: the same rules the
 * register, chat and the command line apply (domain/participants.ts), and what each surface shows beyond them.
 */
export function visibilityLines(env: Env, directory: Directory): string[] {
  const governance = directory.people.filter(seesEveryDispute);
  const orgWide = directory.people.filter((p) => !seesEveryDispute(p) && seesOrganisationDisputes(p));
  const teams = Boolean(env.MICROSOFT_APP_ID || env.TEAMS_CASE_CHANNEL_ID);
  const lines = [
    `Governance leads see every dispute, the access log and subject-access search (${names(governance)}).`,
    `Senior officers and administrators see the disputes their own organisation is or was a party to (${names(orgWide)}).`,
    'Everyone else sees only the disputes they take part in; people outside the directory see nothing.',
    'Every view, list, search and export of case data is written to the access log (s117 access log).',
  ];
  lines.push(env.OIDC_ISSUER
    ? 'The register web page shows each signed-in person what the rules above allow.'
    : 'The register web page has no sign-in (OIDC_ISSUER): it answers this computer only and shows every dispute to whoever uses it; '
      + 'its views are logged as "this computer".');
  if (teams) {
    lines.push(env.TEAMS_CASE_SPACES === 'chat'
      ? 'Teams: a private group chat per dispute, with its participants only.'
      : env.TEAMS_CASE_SPACES === 'channel'
        ? 'Teams: a channel per dispute; everyone in the team can read it. Set TEAMS_CASE_SPACES=chat for a private group chat per dispute.'
        : 'Teams: case threads in one shared channel; everyone in that channel\'s team can read every case thread. '
          + 'Set TEAMS_CASE_SPACES=chat (needs the Graph consent in docs) for a private group chat per dispute.');
  }
  if (env.SLACK_BOT_TOKEN) lines.push('Slack: a private channel per dispute, with its participants only.');
  return lines;
}
