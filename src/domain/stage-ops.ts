import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Actor } from './commands.ts';
import type { DomainEvent, DomainEventType, Effect, Message } from './effects.ts';
import { draftEscalationNote, letterFacts, type LetterContext } from './letter.ts';
import { stageParticipants } from './participants.ts';
import { timeLeftText } from './time-left.ts';
import type { Policy } from './stage-policy.ts';
import { CONTINUITY_REMINDER, FLAG_TEXT } from './texts.ts';
import type { Directory, Dispute, FlagCode, Reminder, StageInstance, StageNo, UnlawfulGround } from './types.ts';

export interface DecideContext {
  now: Date;
  actor: Actor;
  policy: Policy;
  calendar: WorkingCalendar;
  directory: Directory;
  /** How many history entries the dispute has (R11.1: a correction points at one of them). */
  historyLength?: number;
}

/** The working state of one decide() call: the dispute being changed and what it produces. */
export class Draft {
  readonly events: DomainEvent[] = [];
  readonly effects: Effect[] = [];
  notice: string | null = null;
  constructor(readonly d: Dispute, readonly ctx: DecideContext) {}

  get nowIso(): string { return this.ctx.now.toISOString(); }
  /** R0.4: people are pinged in working hours; the register changes at once. */
  get pingAt(): string { return this.ctx.calendar.nextWorkingMoment(this.ctx.now).toISOString(); }

  event(type: DomainEventType, data: Record<string, unknown> = {}, correctsSeq?: number): void {
    this.events.push(correctsSeq === undefined ? { type, data } : { type, data, correctsSeq });
  }
  /** R0.4: `urgent` (a continuity-of-care alert, R3.1) goes out at once, day or night. */
  private when(urgent: boolean): string { return urgent ? this.nowIso : this.pingAt; }
  post(message: Message, urgent = false): void { this.effects.push({ kind: 'POST', message, notBefore: this.when(urgent) }); }
  dm(personId: string, message: Message, urgent = false): void { this.effects.push({ kind: 'DM', personId, message, notBefore: this.when(urgent) }); }
  governance(message: Message, urgent = false): void { this.effects.push({ kind: 'GOVERNANCE', message, notBefore: this.when(urgent) }); }
  refreshCard(): void {
    if (!this.effects.some((e) => e.kind === 'REFRESH_CARD')) this.effects.push({ kind: 'REFRESH_CARD', notBefore: this.nowIso });
  }

  flag(code: FlagCode, detail: string, ground: UnlawfulGround | null = null): void {
    const seq = this.d.flags.reduce((m, f) => Math.max(m, f.seq), 0) + 1;
    this.d.flags.push({ seq, code, ground, detail, at: this.nowIso, resolvedAt: null, resolution: null });
    this.event('FLAG_RAISED', { code, ground, detail });
  }

  /** R8.2: the organisations actually party to the dispute now, for the person's letter. */
  letterContext(): LetterContext {
    const orgs = this.d.parties.filter((p) => !p.withdrawnAt).map((p) => this.ctx.directory.organisations.find((o) => o.id === p.organisationId));
    return { organisations: orgs.filter((o) => o !== undefined).map((o) => ({ name: o.name, kind: o.kind })) };
  }

  /** A draft letter or note for a professional to review before it is marked sent (R8.2). */
  addLetter(letter: { text: string; gradeLevel: number; readingAge: number }, decisionSeq: number | null): void {
    const d = this.d;
    const seq = d.letters.reduce((m, l) => Math.max(m, l.seq), 0) + 1;
    const { text, gradeLevel, readingAge } = letter;
    // R8.2: what it was drafted from, so that marking it sent can check it is still true.
    d.letters.push({ seq, decisionSeq, text, gradeLevel, readingAge, draftedAt: this.nowIso, reviewedBy: null, sentAt: null, facts: letterFacts(d, decisionSeq, this.letterContext()) });
    this.event('LETTER_DRAFTED', { seq, decisionSeq, readingAge, kind: decisionSeq === null ? 'escalation note' : 'decision letter' });
  }

  name(personId: string): string {
    return this.ctx.directory.people.find((p) => p.id === personId)?.name ?? personId;
  }
  orgName(orgId: string): string {
    return this.ctx.directory.organisations.find((o) => o.id === orgId)?.name ?? orgId;
  }
}

export function currentStage(d: Dispute): StageInstance {
  const s = d.stages.find((x) => x.stage === d.stage && x.endedAt === null) ?? d.stages[d.stages.length - 1];
  if (!s) throw new Error(`dispute ${d.reference} has no stage`);
  return s;
}

/** Reminder points of a stage: start, halfway, one working day before, and on the day. */
export function plannedReminders(cal: WorkingCalendar, start: Date, workingDays: number | null): Reminder[] {
  const out: Reminder[] = [{ kind: 'START', at: cal.nextWorkingMoment(start).toISOString(), sentAt: null }];
  if (!workingDays) return out;
  const startDate = cal.localDate(start);
  const due = cal.addWorkingDaysToDate(startDate, workingDays);
  const candidates: [Reminder['kind'], string][] = [
    ['HALFWAY', cal.addWorkingDaysToDate(startDate, Math.ceil(workingDays / 2))],
    ['DAY_BEFORE', cal.previousWorkingDate(due)],
    ['DUE_DAY', due],
  ];
  const seenDates = new Set([cal.localDate(new Date(out[0]!.at))]);
  for (const [kind, date] of candidates) {
    // Never two reminders on one day: a short stage folds them together.
    if (seenDates.has(date) || date <= startDate) continue;
    seenDates.add(date);
    out.push({ kind, at: cal.workStartOn(date).toISOString(), sentAt: null });
  }
  return out;
}

export function stageDueText(draft: Draft, s: StageInstance): string {
  if (!s.dueAt) return 'no timescale (exceptional external escalation)';
  return timeLeftText(draft.ctx.calendar, new Date(s.dueAt), draft.ctx.now);
}

/**
 * Open a stage: deadline computed once (R0.3), checklist, participants
 * invited and pinged. `at` is when the stage began: the previous stage's
 * deadline when a timeout is caught up late, so a bot that was down never
 * stretches the protocol's timescales.
 */
export function startStage(draft: Draft, stage: StageNo, why: string, at: Date = draft.ctx.now): void {
  const { d, ctx } = draft;
  const pol = ctx.policy.stages[stage];
  const dueAt = pol.workingDays === null ? null : ctx.calendar.deadline(at, pol.workingDays).toISOString();
  const inst: StageInstance = {
    stage, startedAt: at.toISOString(), dueAt, workingDays: pol.workingDays, endedAt: null, endReason: null, met: null,
    timedOutAt: null, escalationReason: null, reminders: plannedReminders(ctx.calendar, at, pol.workingDays),
  };
  // The START reminder is this very announcement; reminders whose time passed while catching up are skipped.
  for (const r of inst.reminders) if (r.kind === 'START' || new Date(r.at) <= ctx.now) r.sentAt = draft.nowIso;
  d.stage = stage;
  d.stages.push(inst);
  for (const item of pol.checklist) d.checklist.push({ stage, key: item.key, label: item.label, tickedBy: null, tickedAt: null });

  const { added, gaps } = stageParticipants(d, stage, ctx.directory, ctx.policy);
  for (const a of added) d.participants.push({ personId: a.personId, fromStage: stage, reason: a.reason, addedAt: draft.nowIso, leftAt: null });
  draft.event('STAGE_STARTED', { stage, dueAt, why, participants: added.map((a) => a.personId) });
  if (added.length) draft.effects.push({ kind: 'INVITE', personIds: added.map((a) => a.personId), notBefore: draft.pingAt }); // an invitation notifies people too (R0.4)
  draft.refreshCard();

  const due = stageDueText(draft, inst);
  const todo = pol.checklist.map((c) => `• ${c.label}`);
  // R5.2: everyone at the new stage is pinged, including those who continue from the last one.
  const mentions = d.participants.map((p) => p.personId).filter((id) => ctx.directory.people.some((p) => p.id === id));
  draft.post({
    title: `${d.reference}: Stage ${stage} — ${pol.name}`,
    lines: [why, `This stage ${inst.dueAt ? 'is' : 'has'} ${due}.`, ...(todo.length ? ['What this stage must do:', ...todo] : []), CONTINUITY_REMINDER],
    mentions,
  });
  for (const id of added.map((a) => a.personId)) {
    draft.dm(id, {
      title: `You are part of ${d.reference}, Stage ${stage} — ${pol.name}`,
      lines: [why, `The stage ${inst.dueAt ? 'is' : 'has'} ${due}.`, 'Open the case channel to see the checklist and record decisions.'],
      mentions: [],
    });
  }
  for (const org of gaps) {
    const detail = `${draft.orgName(org)} has nobody in the directory for Stage ${stage} (${pol.participantsText}).`;
    draft.flag('PARTICIPANT_GAP', detail);
    draft.governance({
      title: `${d.reference}: ${FLAG_TEXT.PARTICIPANT_GAP}`,
      lines: [detail, 'Add the right people to the directory file, then run "s117 directory check".'],
      mentions: [],
    });
  }
}

export function endStage(draft: Draft, reason: NonNullable<StageInstance['endReason']>, escalationReason: string | null = null, at: Date = draft.ctx.now): StageInstance {
  const s = currentStage(draft.d);
  s.endedAt = at.toISOString();
  s.endReason = reason;
  s.escalationReason = escalationReason;
  // R9.1: met only when resolved by a confirmed agreement or decision on time; a stage left by
  // escalation (early, joint or external) is "escalated" (null), and a timeout is missed.
  // A mark once set never changes: a Stage 3 that timed out stays "missed" when it is later left for Stage 4.
  if (s.met === null) {
    s.met = reason === 'TIMEOUT' ? false : reason !== 'RESOLVED' || s.dueAt === null ? null : at.getTime() <= new Date(s.dueAt).getTime();
  }
  if (reason === 'TIMEOUT') s.timedOutAt ??= s.endedAt;
  // The dispute is overdue only while its current stage is (R9.2); the stage keeps its "missed" mark.
  draft.d.overdue = false;
  draft.event('STAGE_ENDED', { stage: s.stage, reason, met: s.met, escalationReason });
  return s;
}

/** R5.2/R5.4: leave the current stage for the next one (at `at`: see startStage). */
export function escalate(draft: Draft, how: 'TIMEOUT' | 'MANUAL' | 'JOINT_DECISION', reason: string, at: Date = draft.ctx.now): void {
  const from = draft.d.stage;
  const to = (from + 1) as StageNo;
  endStage(draft, how, reason, at);
  // Decisions still waiting for confirmation belong to the stage that ended.
  for (const dec of draft.d.decisions) if (dec.status === 'PROPOSED') dec.status = 'SUPERSEDED';
  const why = how === 'TIMEOUT'
    ? `Stage ${from} reached its deadline without a recorded resolution, so the dispute has moved to Stage ${to} automatically.`
    : how === 'MANUAL'
      ? `${draft.name(draft.ctx.actor.personId)} escalated the dispute from Stage ${from}. Reason: ${reason}`
      : `The parties agreed to escalate from Stage ${from}.`;
  draft.event('ESCALATED', { from, to, how, reason, at: at.toISOString() });
  startStage(draft, to, why, at);
  addEscalationNote(draft);
}

/** R8.2: a short note for the person for each escalation: care goes on, who now looks at it, by when. */
export function addEscalationNote(draft: Draft): void {
  const s = currentStage(draft.d);
  const dueText = s.dueAt ? draft.ctx.calendar.describe(new Date(s.dueAt), { year: true }).replace(/, \d+(:\d+)?[ap]m$/, '') : null;
  draft.addLetter(draftEscalationNote(draft.d, s.stage, dueText, 'The Section 117 team', draft.letterContext()), null);
}

/** The earliest instant the scheduler must look at this dispute again. */
export function nextWake(d: Dispute): string | null {
  // R8.3: a resolved dispute still wakes for its unticked person steps until the person is told the outcome.
  if (d.status !== 'OPEN' && !personStillOwed(d)) return null;
  const times: string[] = [];
  const s = d.stages.find((x) => x.stage === d.stage && x.endedAt === null);
  if (s) {
    if (s.dueAt && !s.timedOutAt) times.push(s.dueAt);
    for (const r of s.reminders) if (!r.sentAt && (!s.timedOutAt || r.kind === 'OVERDUE_REPEAT')) times.push(r.at);
  }
  for (const p of d.personSteps) {
    if (p.dueAt && !p.doneAt && !personStepFlagged(d, p.step)) times.push(p.dueAt);
  }
  if (!times.length) return null;
  return times.reduce((a, b) => (new Date(a) < new Date(b) ? a : b));
}

/** R8.3: resolved, but the person has not yet been told of the outcome. */
export function personStillOwed(d: Dispute): boolean {
  return d.status === 'RESOLVED' && d.personSteps.some((p) => p.step === 'EXPLAINED' && !p.doneAt);
}

export function personStepFlagged(d: Dispute, step: string): boolean {
  return d.flags.some((f) => f.code === 'PERSON_NOT_INFORMED' && f.detail.startsWith(`[${step}]`));
}
