import type { Directory, Dispute, Person } from './types.ts';

/**
 * Where an organisation works: a chat platform (with the Slack workspace or
 * Teams tenant it uses, when named) or e-mail. Read from the directory as
 * `slack:T0ABC`, `teams:<tenant id>` or `email`.
 */
export interface Home { platform: string; space: string | null }

export const EMAIL = 'email';

export function parseHome(text: string): Home {
  const i = text.indexOf(':');
  return i < 0 ? { platform: text, space: null } : { platform: text.slice(0, i), space: text.slice(i + 1) || null };
}

export const homeText = (h: Home): string => (h.space ? `${h.platform}:${h.space}` : h.platform);

/** The platform of a home (`slack:T0ABC` → `slack`). */
export const platformOf = (home: string): string => parseHome(home).platform;

/** Can the bot reach this person on this platform (or in this workspace)? Chat needs their id there; e-mail their address. */
export function reachableOn(p: Person, platform: string): boolean {
  const base = platformOf(platform);
  return base === EMAIL ? Boolean(p.email) : Boolean(p.handles[base]);
}

/**
 * The platforms this deployment delivers to (`available`: a platform's name,
 * or a workspace or tenant of it, `slack:T0ABC`, when it keeps a space in
 * each of several), and where a
 * person is reached when their organisation names no home: the platform the
 * dispute was raised on (or the default one), as before homes existed.
 */
export interface Reach {
  available: readonly string[]; fallback: string;
  /** Whether this deployment delivers to that workspace or tenant (a Teams connection serves one tenant); none: any. */
  serves?: (platform: string, space: string | null) => boolean;
  /**
   * Where a served home's spaces and messages go: its platform, or for a
   * platform with several connections, the key of the one serving that
   * workspace or tenant (`teams:<tenant>`); none: the platform.
   */
  homeKey?: (platform: string, space: string | null) => string;
}

/**
 * The platform a person is reached on: their own `home` if they have one,
 * else the first of their organisation's homes that is served here and on
 * which they can be reached; an organisation without homes, or a person who
 * can be reached on none of them, keeps the fallback.
 */
export function personHome(p: Person, dir: Directory, reach: Reach): string {
  const usable = (platform: string) => reach.available.includes(platform) && reachableOn(p, platform);
  const org = dir.organisations.find((o) => o.id === p.organisationId);
  const served = (h: Home) => reach.serves?.(h.platform, h.space) ?? true;
  // A workspace or tenant served as a home of its own gets its own key (`slack:T0ABC`): its people get a space there.
  const key = (h: Home) => reach.homeKey?.(h.platform, h.space)
    ?? (h.space && reach.available.includes(homeText(h)) ? homeText(h) : h.platform);
  if (p.home && usable(p.home)) {
    // Their own platform, in the workspace or tenant their organisation names for it.
    const same = org?.homes?.find((h) => h.platform === p.home && served(h));
    return same ? key(same) : p.home;
  }
  for (const h of org?.homes ?? []) if (usable(h.platform) && served(h)) return key(h);
  return reach.fallback;
}

/** Where a dispute raised on `raisedOn` reaches people whose organisation names no home. */
export function fallbackFor(raisedOn: string, reach: Reach): Reach {
  return { ...reach, fallback: reach.available.includes(raisedOn) && raisedOn !== EMAIL ? raisedOn : reach.fallback };
}

/** The people taking part in a dispute now (or, with `everyone`, who ever took part and are still in the directory). */
export function currentPeople(d: Dispute, dir: Directory, everyone = false): Person[] {
  const ids = new Set(d.participants.filter((p) => everyone || !p.leftAt).map((p) => p.personId));
  return dir.people.filter((p) => ids.has(p.id));
}

/**
 * Every home with a participant in it: each gets a case space (e-mail has none; its people are written to). With
 * `everyone`, also the homes of people who have left: a space they were in may still hold them.
 */
export function disputeHomes(d: Dispute, dir: Directory, reach: Reach, everyone = false): string[] {
  const r = fallbackFor(d.raisedOn, reach);
  const homes = [...new Set(currentPeople(d, dir, everyone).map((p) => personHome(p, dir, r)))];
  return homes.length ? homes : [r.fallback];
}
