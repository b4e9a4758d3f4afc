import { stageParticipants } from '../participants.ts';
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
  const left = d.participants.filter((p) => !p.leftAt && !dir.people.some((x) => x.id === p.personId));
  for (const p of left) {
    p.leftAt = draft.nowIso;
    draft.event('PARTICIPANT_LEFT', { personId: p.personId, reason: 'no longer in the directory' });
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
