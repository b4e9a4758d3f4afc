import { activeParties, activePartyIds } from '../guards.ts';
import { closureGaps, decisionInForce } from '../resolution.ts';
import { seniorOfficers } from '../participants.ts';
import { currentStage, type Draft, escalate, personStepFlagged, personStillOwed, stageDueText } from '../stage-ops.ts';
import { CONTINUITY_REMINDER, PERSON_STEP_TEXT } from '../texts.ts';
import type { Dispute, StageInstance } from '../types.ts';

/**
 * R5.6: what Stage 3 still lacks, in words. With a joint decision in force the dispute is not "without a binding
 * resolution": what is missing is named, and external escalation is not offered (R5.7).
 */
function stage3Missing(d: Dispute): { what: string; todo: string } {
  if (!decisionInForce(d)) {
    return {
      what: 'without a binding resolution',
      todo: 'Agree the written decision now, or, in exceptional circumstances, escalate externally: '
        + 'NHS England, the Department of Health and Social Care, or formal legal advice.',
    };
  }
  const gaps = closureGaps(d);
  return {
    what: `with the joint decision in force but not yet complete: still needed, ${gaps.join('; ')}`,
    todo: 'Record what is still needed now. The parties have agreed the decision, so there is nothing to escalate externally.',
  };
}

function overdueAlert(draft: Draft, first: string): void {
  const { d, ctx } = draft;
  const seniors = seniorOfficers(ctx.directory, activePartyIds(d));
  const msg = {
    title: `${d.reference}: Stage 3 is overdue`,
    lines: [first, stage3Missing(d).todo, CONTINUITY_REMINDER],
    mentions: seniors.map((p) => p.id),
  };
  draft.post(msg);
  for (const p of seniors) draft.dm(p.id, { ...msg, mentions: [] });
  draft.governance({ ...msg, mentions: [] });
  draft.refreshCard();
}

function scheduleRepeat(draft: Draft, s: StageInstance, from: string): void {
  const cal = draft.ctx.calendar;
  const date = cal.addWorkingDaysToDate(cal.localDate(new Date(from)), draft.ctx.policy.overdueRepeatWorkingDays);
  s.reminders.push({ kind: 'OVERDUE_REPEAT', at: cal.workStartOn(date).toISOString(), sentAt: null });
}

export function sweep(draft: Draft, _cmd?: unknown): void {
  const { d, ctx } = draft;
  const now = ctx.now.getTime();
  if (d.status !== 'OPEN') {
    if (personStillOwed(d)) flagPersonSteps(draft, now);
    return;
  }
  // Catch up stage by stage: each timeout happened at its own deadline (R5.2).
  for (let s = currentStage(d); s.dueAt && !s.timedOutAt && new Date(s.dueAt).getTime() <= now; s = currentStage(d)) {
    const at = new Date(s.dueAt);
    const missing = s.stage === 3 && decisionInForce(d) ? stage3Missing(d).what : 'without a recorded resolution';
    draft.flag('STAGE_OVERDUE', `Stage ${s.stage} passed its deadline (${ctx.calendar.describe(at)}) ${missing}.`);
    if (s.stage < 3) {
      escalate(draft, 'TIMEOUT', 'deadline passed', at);
      continue;
    }
    // R5.3: Stage 3 never escalates by itself.
    s.timedOutAt = s.dueAt;
    s.met = false;
    d.overdue = true;
    draft.event('STAGE_TIMED_OUT', decisionInForce(d) ? { stage: s.stage, missing: stage3Missing(d).what } : { stage: s.stage });
    overdueAlert(draft, `The senior leadership stage passed its deadline ${stage3Missing(d).what}.`);
    scheduleRepeat(draft, s, s.dueAt);
  }
  const s = currentStage(d);
  // R5.3: while Stage 3 stays overdue the alert repeats every N working days.
  const repeat = s.timedOutAt ? s.reminders.find((r) => r.kind === 'OVERDUE_REPEAT' && !r.sentAt && new Date(r.at).getTime() <= now) : undefined;
  if (repeat) {
    repeat.sentAt = draft.nowIso;
    const late = ctx.calendar.workingDaysBetween(new Date(s.timedOutAt!), ctx.now);
    draft.event('REMINDER_SENT', { stage: s.stage, kind: 'OVERDUE_REPEAT', overdueWorkingDays: late });
    overdueAlert(draft, `Stage 3 is still overdue: ${late} working days past its deadline, ${decisionInForce(d) ? stage3Missing(d).what : 'with no binding resolution'}.`);
    scheduleRepeat(draft, s, repeat.at);
  }
  if (!s.timedOutAt) {
    const due = s.reminders.filter((r) => !r.sentAt && new Date(r.at).getTime() <= now);
    if (due.length) {
      // After downtime only the latest reminder goes out: one message, not a burst.
      for (const r of due) r.sentAt = draft.nowIso;
      const last = due[due.length - 1]!;
      const owe = whoOwes(d);
      draft.event('REMINDER_SENT', { stage: s.stage, kind: last.kind, skipped: due.length - 1 });
      draft.post({
        title: `${d.reference}: reminder — Stage ${s.stage} is ${stageDueText(draft, s)}`,
        lines: owe.lines.length ? owe.lines : ['Record the outcome of this stage before the deadline.'],
        mentions: owe.people,
      });
    }
  }
  flagPersonSteps(draft, now);
}

/** R8.3: each unticked person step past its due date is flagged once, before and after resolution. */
function flagPersonSteps(draft: Draft, now: number): void {
  const { d } = draft;
  for (const p of d.personSteps) {
    if (p.dueAt && !p.doneAt && new Date(p.dueAt).getTime() <= now && !personStepFlagged(d, p.step)) {
      draft.flag('PERSON_NOT_INFORMED', `[${p.step}] Not done yet: ${PERSON_STEP_TEXT[p.step]}.`);
      draft.post({
        title: `${d.reference}: the person has not been kept informed`,
        lines: [`Overdue: ${PERSON_STEP_TEXT[p.step]}.`, 'Disputes must never be conducted around the person (protocol section 8).'],
        mentions: [d.raisedById],
      });
    }
  }
}

/** Who still owes something at the current stage, for reminders. */
export function whoOwes(d: Dispute): { people: string[]; lines: string[] } {
  const pending = d.decisions.find((x) => x.status === 'PROPOSED');
  const lines: string[] = [];
  const people = new Set<string>();
  const stageIds = d.participants.filter((p) => p.fromStage === d.stage).map((p) => p.personId);
  if (pending) {
    const waiting = activeParties(d).filter((p) => !d.confirmations.some((c) => c.decisionSeq === pending.seq && c.organisationId === p.organisationId));
    lines.push(`Decision ${pending.seq} is waiting for confirmation from ${waiting.length} organisation(s).`);
    for (const id of stageIds) people.add(id);
  } else {
    const open = d.checklist.filter((c) => c.stage === d.stage && !c.tickedAt);
    if (open.length) lines.push('Still to do:', ...open.map((c) => `• ${c.label}`));
    for (const id of stageIds) people.add(id);
  }
  return { people: [...people], lines };
}
