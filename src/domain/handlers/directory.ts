import { stillEntitled } from '../guards.ts';
import { stageParticipants } from '../participants.ts';
import { lapseChcAdjustment, lapseDecision } from './parties.ts';
import type { Draft } from '../stage-ops.ts';
import type { StageNo } from '../types.ts';

/**
 * R5.8: an open dispute follows the directory as it is now. New role holders
 * for the stages reached so far join and are invited; people who left the
 * directory lose access. Nothing is deleted: the history keeps who did what.
 */
export function syncDirectory(draft: Draft): void {
  const { d, ctx } = draft;
  if (d.status !== 'OPEN') return;
  const dir = ctx.directory;
  const left = d.participants.filter((p) => !p.leftAt && !stillEntitled(d, p.personId, dir, ctx.policy));
  for (const p of left) {
    p.leftAt = draft.nowIso;
    const reason = dir.people.some((x) => x.id === p.personId)
      ? 'no longer holds a role for this dispute in a party organisation'
      : 'no longer in the directory';
    draft.event('PARTICIPANT_LEFT', { personId: p.personId, reason });
  }
  const joined: string[] = [];
  // Only the stages this dispute has reached: an ending that started at Stage 3 (R7.2) never had Stage 1 or 2 people.
  const reached = [...new Set(d.stages.map((x) => x.stage))].filter((s): s is StageNo => s <= 3);
  for (const s of reached) {
    const current = { ...d, participants: d.participants.filter((p) => !p.leftAt) };
    for (const a of stageParticipants(current, s, dir, ctx.policy).added) {
      if (!dir.people.some((x) => x.id === a.personId)) continue;
      const reason = `${a.reason} (joined when the directory changed)`;
      const existing = d.participants.find((p) => p.personId === a.personId);
      if (existing) Object.assign(existing, { leftAt: null, reason });
      else d.participants.push({ personId: a.personId, fromStage: d.stage, reason, addedAt: draft.nowIso, leftAt: null });
      draft.event('PARTICIPANT_JOINED', { personId: a.personId, reason });
      joined.push(a.personId);
    }
  }
  if (left.length) draft.effects.push({ kind: 'UNINVITE', personIds: left.map((p) => p.personId), notBefore: draft.nowIso });
  lapseLeaversProposals(draft, left.map((p) => p.personId), joined);
  if (joined.length) {
    draft.effects.push({ kind: 'INVITE', personIds: joined, notBefore: draft.pingAt });
    draft.post({
      title: `${d.reference}: new people join from the directory`,
      lines: [`${joined.map((id) => draft.name(id)).join(', ')}: now in a role at this dispute's stage, so able to act on it at once.`],
      mentions: joined,
    });
  }
  if (left.length || joined.length) draft.refreshCard();
}

/**
 * R5.8: a proposal waiting for confirmation whose author can no longer act lapses: nobody is left to speak for it.
 * The history says why, and the people who hold the role now are pinged to propose again if they agree.
 */
function lapseLeaversProposals(draft: Draft, leavers: string[], joined: string[]): void {
  const { d, ctx } = draft;
  if (!leavers.length) return;
  const fallback = d.participants.filter((p) => !p.leftAt && p.fromStage === d.stage && stillEntitled(d, p.personId, ctx.directory, ctx.policy));
  const ping = joined.length ? joined : fallback.map((p) => p.personId);
  for (const dec of d.decisions.filter((x) => x.status === 'PROPOSED' && leavers.includes(x.proposedBy))) {
    lapseDecision(draft, dec, `${draft.name(dec.proposedBy)}, who proposed it, no longer holds the role`, ping);
  }
  for (const adj of d.chcAdjustments.filter((a) => !a.confirmedAt && !a.lapsedAt && leavers.includes(a.recordedBy))) {
    lapseChcAdjustment(draft, adj, `${draft.name(adj.recordedBy)}, who recorded it, no longer holds the role`, ping);
  }
}
