import { activePartyIds, isParticipant, stillEntitled } from './guards.ts';
import { decisionInForce } from './resolution.ts';
import { confirmerRoles, type Policy } from './stage-policy.ts';
import { PERSON_STEP_TEXT } from './texts.ts';
import { letterChanges } from './letter.ts';
import type { Decision, Directory, Dispute, Organisation, Person, PersonStepKey, StageNo } from './types.ts';

/**
 * A button the viewer may press, with what it carries. The field names are
 * the wire payload every platform sends back (`d` is added by the renderer):
 * k = key, s = stage or decision seq, o = organisation id, n = flag or seq.
 */
export type AllowedAction = { label: string; style: 'primary' | 'danger' | null } & (
  | { verb: 'tick'; k: string; s: StageNo; n: 0 | 1 }
  | { verb: 'confirm'; s: number; o: string }
  | { verb: 'confirm-chc'; n: number; o: string }
  | { verb: 'person'; k: PersonStepKey }
  | { verb: 'decide' }
  | { verb: 'escalate' }
  | { verb: 'external' }
  | { verb: 'care-change' }
  | { verb: 'letter'; n: number }
  | { verb: 'redraft-letter'; n: number }
  | { verb: 'add-party' }
  | { verb: 'withdraw-party' }
  | { verb: 'care-restored' }
  | { verb: 'advocacy-na' }
  | { verb: 'correct' }
  | { verb: 'cannot-resolve' }
  | { verb: 'stage-3' }
  | { verb: 'pack' }
);

export type ActionVerb = AllowedAction['verb'];

/** Who looks at the dispute: a person, or `null` for a card every participant shares. */
export type Viewer = Person | null;

/** May this person confirm the decision for their own organisation (R3.2, R5.9, R7.1)? */
function mayConfirm(d: Dispute, dec: Decision, policy: Policy, viewer: Person): boolean {
  const roles = confirmerRoles(policy, dec.stage, dec.outcome);
  if (roles && !roles.some((r) => viewer.roles.includes(r))) return false;
  // One person confirms for one organisation only.
  return !d.confirmations.some((c) => c.decisionSeq === dec.seq && c.personId === viewer.id && c.organisationId !== viewer.organisationId);
}

/**
 * What the viewer may do on this dispute now, in the order a card shows it.
 * The protocol decides; adapters render exactly this list and test nothing.
 * A named viewer who is not a participant may do nothing.
 */
export function allowedActions(d: Dispute, policy: Policy, dir: Directory, viewer: Viewer = null): AllowedAction[] {
  // R5.8: read from the directory as it is now: someone who left or lost the role may do nothing.
  if (viewer && (!isParticipant(d, viewer.id) || !stillEntitled(d, viewer.id, dir, policy))) return [];
  const out: AllowedAction[] = [];
  const orgName = (id: string) => dir.organisations.find((o) => o.id === id)?.name ?? id;
  if (d.status === 'OPEN') {
    for (const c of d.checklist.filter((x) => x.stage === d.stage)) {
      out.push({ verb: 'tick', k: c.key, s: d.stage, n: c.tickedAt ? 0 : 1, label: c.tickedAt ? 'Untick' : 'Tick', style: null });
    }
    const pending = d.decisions.find((x) => x.status === 'PROPOSED');
    if (pending) {
      for (const party of d.parties) {
        if (d.confirmations.some((c) => c.decisionSeq === pending.seq && c.organisationId === party.organisationId)) continue;
        if (viewer && (viewer.organisationId !== party.organisationId || !mayConfirm(d, pending, policy, viewer))) continue;
        const label = `Confirm for ${orgName(party.organisationId)}`;
        out.push({ verb: 'confirm', s: pending.seq, o: party.organisationId, label, style: 'primary' });
      }
    }
    personActions(d, out, 'steps');
    out.push({ verb: 'decide', label: 'Record a decision', style: 'primary' });
    // Stage 3 does not escalate by itself; from there only the external routes remain (R5.3, R5.7).
    if (d.stage < 3) out.push({ verb: 'escalate', label: 'Escalate now', style: null });
    // Not once a joint decision is in force: escalating would only stall it (R5.6).
    if (d.stage >= 3 && !decisionInForce(d) && (!viewer || viewer.roles.includes('SENIOR_OFFICER'))) {
      out.push({ verb: 'external', label: 'Escalate externally', style: 'danger' });
    }
    out.push({ verb: 'care-change', label: 'Report a change in care', style: 'danger' });
    personActions(d, out, 'advocacy');
    // R2.5: parties join or withdraw with a reason; with only two left, one cannot withdraw (R2.4). Joining needs an
    // organisation in the directory that is not a party already: with none, its form would offer nothing to choose.
    const active = activePartyIds(d);
    if (dir.organisations.some((o) => !active.includes(o.id))) out.push({ verb: 'add-party', label: 'Add a party', style: null });
    if (activePartyIds(d).length > 2) out.push({ verb: 'withdraw-party', label: 'Withdraw a party', style: null });
    // R5.7: each party's senior officer may record that Stage 3 cannot resolve it, once per organisation.
    const recorded = (o: string) => d.cannotResolve.some((c) => c.organisationId === o);
    const waiting = viewer
      ? viewer.roles.includes('SENIOR_OFFICER') && !recorded(viewer.organisationId)
      : activePartyIds(d).some((o) => !recorded(o));
    if (d.stage === 3 && waiting) out.push({ verb: 'cannot-resolve', label: 'Stage 3 cannot resolve it', style: null });
  } else {
    // R8.3: what is owed to the person stays owed after resolution, and can still be recorded here.
    personActions(d, out, 'steps');
    personActions(d, out, 'advocacy');
  }
  // R6.3: a CHC funding adjustment is confirmed by each party, one person for one organisation (R3.2), one who may
  // confirm a decision at this stage (R5.9). A CHC decision may come after the dispute is resolved, so this is not
  // limited to open disputes.
  const chcRoles = policy.stages[d.stage].confirmerRoles;
  for (const adj of d.chcAdjustments.filter((a) => !a.confirmedAt && !a.lapsedAt)) {
    for (const o of activePartyIds(d)) {
      if (adj.confirmations.some((c) => c.organisationId === o)) continue;
      if (viewer && (viewer.organisationId !== o || adj.confirmations.some((c) => c.personId === viewer.id))) continue;
      if (viewer && chcRoles && !chcRoles.some((r) => viewer.roles.includes(r))) continue;
      out.push({ verb: 'confirm-chc', n: adj.seq, o, label: `Confirm CHC adjustment ${adj.seq} for ${orgName(o)}`, style: 'primary' });
    }
  }
  // R10.1: an open continuity alert is closed by recording that care was restored.
  if (d.flags.some((f) => f.code === 'CONTINUITY_ALERT' && !f.resolvedAt)) {
    out.push({ verb: 'care-restored', label: 'Record care restored', style: 'primary' });
  }
  // R11.1: any field recorded at raising can be corrected, by a new entry that points at it.
  out.push({ verb: 'correct', label: 'Correct the record', style: null });
  // R5.7: what goes to NHS England, DHSC or the lawyers, built from the register rather than by hand.
  if (referralPackOffered(d)) out.push({ verb: 'pack', label: 'Download the Stage 4 referral pack', style: null });
  // A draft older than a letter of its kind already sent is obsolete: the person has the newer one.
  const lastSent = (note: boolean) => Math.max(0, ...d.letters.filter((x) => x.sentAt && (x.decisionSeq === null) === note).map((x) => x.seq));
  const letter = [...d.letters].reverse().find((x) => !x.sentAt && x.seq > lastSent(x.decisionSeq === null));
  // A decision's letter is drafted as it takes effect, which at Stages 1 and 2 is also when the dispute resolves.
  if (letter) out.push({ verb: 'letter', n: letter.seq, label: 'Review the letter to the person', style: null });
  // R8.2: a letter the record has overtaken is redrafted, not sent.
  if (letter && letterChanges(letter, d, { organisations: activeOrgs(d, dir) }).length) {
    out.push({ verb: 'redraft-letter', n: letter.seq, label: 'Redraft the letter', style: 'primary' });
  }
  return out;
}

/**
 * The person's steps not yet done (R8.1). "Explained" is offered only once a decision has taken effect: an
 * explanation given before it does not count (R5.6, R8.3). Advocacy may be recorded as not appropriate, with
 * the reason, while it is not yet done.
 */
function personActions(d: Dispute, out: AllowedAction[], which: 'steps' | 'advocacy'): void {
  const decided = d.decisions.some((x) => x.status === 'CONFIRMED' && x.outcome !== 'ESCALATE');
  const owed = d.personSteps.filter((x) => !x.doneAt && (x.step !== 'EXPLAINED' || decided));
  if (which === 'steps') {
    for (const s of owed) out.push({ verb: 'person', k: s.step, label: PERSON_STEP_TEXT[s.step], style: null });
  } else if (owed.some((s) => s.step === 'ADVOCACY_OFFERED')) {
    out.push({ verb: 'advocacy-na', label: 'Advocacy not appropriate', style: null });
  }
}

function activeOrgs(d: Dispute, dir: Directory): { name: string; kind: Organisation['kind'] }[] {
  return activePartyIds(d).map((id) => dir.organisations.find((o) => o.id === id)).filter((o) => o !== undefined);
}

/**
 * R5.7: the Stage 4 referral pack is offered once the dispute has reached Stage 4 (escalated externally), and stays
 * available after it is resolved: the external reviewer may ask for it again.
 */
export function referralPackOffered(d: Pick<Dispute, 'stages'>): boolean {
  return d.stages.some((s) => s.stage === 4);
}

/** Is this exact action (its verb and payload) one the viewer may take? */
export function mayTake(
  d: Dispute, policy: Policy, dir: Directory, viewer: Person, want: { verb: string } & Record<string, unknown>,
): boolean {
  return allowedActions(d, policy, dir, viewer).some((a) => {
    if (a.verb !== want.verb) return false;
    if (a.verb === 'tick') return a.k === want.k;
    if (a.verb === 'confirm') return a.s === want.s && a.o === want.o;
    if (a.verb === 'confirm-chc') return a.n === want.n && a.o === want.o;
    if (a.verb === 'person') return a.k === want.k;
    if (a.verb === 'letter' || a.verb === 'redraft-letter') return a.n === want.n;
    return true;
  });
}
