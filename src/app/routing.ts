import type { Effect } from '../domain/effects.ts';
import { disputeHomes, EMAIL, fallbackFor, personHome, type Reach } from '../domain/homes.ts';
import type { Directory, Dispute } from '../domain/types.ts';

/** An effect bound for one platform; none: the dispute's own (where it was raised), as before homes. */
export type RoutedEffect = Effect & { platform?: string };

/**
 * Sends each effect to every home that has a participant in it: a case
 * space, its card and its posts in each chat home; a direct message where
 * that person works; people reached by e-mail are written to when a post
 * asks something of them (names them), since e-mail has no shared space.
 * A dispute whose people all work where it was raised is routed as before
 * (no platform on the rows), so its rows and keys are unchanged.
 */
export function routeEffects(d: Dispute, effects: Effect[], dir: Directory, reach: Reach | null): RoutedEffect[] {
  if (!reach) return effects;
  const r = fallbackFor(d.raisedOn, reach);
  const homes = disputeHomes(d, dir, r);
  // A space someone has just left may be in a home nobody else works in now: they are taken out of it all the same.
  const everHomes = [...new Set([...homes, ...disputeHomes(d, dir, r, true)])];
  const homeOf = (id: string) => {
    const p = dir.people.find((x) => x.id === id);
    return p ? personHome(p, dir, r) : r.fallback;
  };
  const onlyFallback = (list: string[]) => list.length === 1 && list[0] === r.fallback;
  if (onlyFallback(everHomes) && effects.every((e) => e.kind !== 'DM' || homeOf(e.personId) === r.fallback)) return effects;
  const chats = homes.filter((h) => h !== EMAIL);
  const everChats = everHomes.filter((h) => h !== EMAIL);
  // One e-mail per person per change: a post that names someone who is also written to directly adds nothing.
  const mailedDirectly = new Set(effects.flatMap((e) => (e.kind === 'DM' && homeOf(e.personId) === EMAIL ? [e.personId] : [])));
  const out: RoutedEffect[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case 'GOVERNANCE':
        out.push(e);
        break;
      case 'DM':
        out.push({ ...e, platform: homeOf(e.personId) });
        break;
      case 'INVITE':
        for (const h of chats) {
          const personIds = e.personIds.filter((id) => homeOf(id) === h);
          if (personIds.length) out.push({ ...e, personIds, platform: h });
        }
        break;
      case 'UNINVITE':
        // Every space that may hold them; a platform where someone has no id leaves them alone.
        for (const h of everChats) out.push({ ...e, platform: h });
        break;
      case 'POST':
        for (const h of chats) out.push({ ...e, platform: h });
        for (const id of e.message.mentions) {
          if (homeOf(id) !== EMAIL || mailedDirectly.has(id)) continue;
          out.push({ kind: 'DM', personId: id, message: e.message, notBefore: e.notBefore, platform: EMAIL });
        }
        break;
      default:
        for (const h of chats) out.push({ ...e, platform: h });
    }
  }
  return out;
}
