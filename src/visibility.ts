import { seesEveryDispute, seesOrganisationDisputes } from './domain/participants.ts';
import type { Directory } from './domain/types.ts';
import { type Env, type Platform, PLATFORMS } from './platforms.ts';

const names = (list: readonly { name: string }[], max = 4): string => {
  if (!list.length) return 'nobody in the directory yet';
  const shown = list.slice(0, max).map((p) => p.name).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
};

/**
 * What is visible to whom, in plain words, for the start-up banner and `docs/governance.md`: the same rules the
 * register, chat and the command line apply (domain/participants.ts), and what each surface shows beyond them:
 * the register here, each configured platform in its own words (its module's `visibility`).
 */
export function visibilityLines(env: Env, directory: Directory, modules: readonly Platform[] = PLATFORMS): string[] {
  const governance = directory.people.filter(seesEveryDispute);
  const orgWide = directory.people.filter((p) => !seesEveryDispute(p) && seesOrganisationDisputes(p));
  const lines = [
    `Governance leads see every dispute, the access log and subject-access search (${names(governance)}).`,
    `Senior officers and administrators see the disputes their own organisation is or was a party to (${names(orgWide)}).`,
    'Everyone else sees only the disputes they take part in; people outside the directory see nothing.',
    'Every view, list, search and export of case data is written to the access log (s117 access log).',
  ];
  lines.push(env.OIDC_ISSUER || env.OIDC_PROVIDERS_FILE || env.SIGN_IN_LINKS === 'on'
    ? 'The register web page shows each signed-in person what the rules above allow.'
    : 'The register web page has no sign-in (OIDC_ISSUER): it answers this computer only and shows every dispute to whoever uses it; '
      + 'its views are logged as "this computer".');
  for (const m of modules) if (m.visibility && (m.configured?.(env) ?? true)) lines.push(m.visibility(env));
  return lines;
}
