import { refuse } from '../errors.ts';
import { actorPerson, isParticipant, mustParticipate, required } from '../guards.ts';
import type { Draft } from '../stage-ops.ts';
import type { Cmd } from './types.ts';


export function addTheme(draft: Draft, cmd: Cmd<'ADD_THEME'>): void {
  const { d, ctx } = draft;
  const me = actorPerson(ctx);
  if (!isParticipant(d, me.id) && !me.roles.includes('GOVERNANCE_LEAD') && !me.roles.includes('ADMIN')) {
    refuse('NOT_A_PARTICIPANT', 'Only participants and governance leads can tag themes.');
  }
  const theme = required(cmd.theme, 'theme', 'A theme').toLowerCase().replace(/\s+/g, ' ').slice(0, 80);
  if (d.themes.some((t) => t.theme === theme)) {
    draft.notice = `"${theme}" is already tagged.`;
    return;
  }
  d.themes.push({ theme, addedBy: me.id, at: draft.nowIso });
  draft.event('THEME_ADDED', { theme });
}

export function correct(draft: Draft, cmd: Cmd<'CORRECT'>): void {
  const { d, ctx } = draft;
  mustParticipate(d, ctx, 'correct the record');
  const value = required(cmd.value, 'value', 'The corrected text');
  const before = d[cmd.field];
  d[cmd.field] = value;
  // R11.1: a new entry that points at what it corrects.
  draft.event('CORRECTED', { field: cmd.field, before, after: value }, cmd.correctsSeq);
  draft.refreshCard();
}
