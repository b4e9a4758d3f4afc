import type { App } from '../boot.ts';
import type { Clock } from '../app/ports.ts';
import type { Command, RaiseInput } from '../domain/commands.ts';
import { DomainError } from '../domain/errors.ts';
import type { Dispute, Role } from '../domain/types.ts';

/** The demo's clock: time moves only when the simulation says so. */
export class SimulatedClock implements Clock {
  constructor(private t: number) {}
  now(): Date { return new Date(this.t); }
  set(at: Date): void { this.t = at.getTime(); }
}

type Act = Exclude<Command, { type: 'RAISE' }>;

/**
 * What a story can do to its dispute. Every call goes through the real use
 * cases, so the register ends up exactly as if people had done it in chat.
 */
export class Story {
  dispute: Dispute | null = null;
  constructor(private readonly app: App) {}

  private get d(): Dispute {
    if (!this.dispute) throw new Error('the story has not raised its dispute yet');
    return this.dispute;
  }

  /** Today, in the partnership's calendar (the simulated clock's day). */
  today(): string {
    return this.app.calendar.localDate(this.app.service.now());
  }

  /** The dispute's party organisations, as the record holds them. */
  parties(): string[] {
    return this.d.parties.filter((p) => !p.withdrawnAt).map((p) => p.organisationId);
  }

  async refresh(): Promise<Dispute> {
    this.dispute = await this.app.service.get({ id: this.d.id });
    return this.d;
  }

  async raise(by: string, input: RaiseInput): Promise<void> {
    this.dispute = (await this.app.service.raise({ personId: by, platform: 'slack' }, input)).dispute;
  }

  async act(by: string, cmd: Act): Promise<void> {
    this.dispute = (await this.app.service.act({ personId: by, platform: by === 'pat-lee' ? 'web' : 'slack' }, { id: this.d.id }, cmd)).dispute;
  }

  /** The participants of an organisation who could speak for it now, the roles the stage wants first. */
  private candidates(organisationId: string): string[] {
    const people = this.app.directory.people;
    const wanted: Role[] = this.d.stage >= 3 || this.d.endingProposal ? ['SENIOR_OFFICER'] : [];
    const ids = [...new Set(this.d.participants.map((p) => p.personId))]
      .map((id) => people.find((p) => p.id === id))
      .filter((p) => p?.organisationId === organisationId);
    ids.sort((a, b) => Number(b!.roles.some((r) => wanted.includes(r))) - Number(a!.roles.some((r) => wanted.includes(r))));
    return ids.map((p) => p!.id);
  }

  /** Acts as the first participant of the organisation whom the protocol lets do it. */
  async actFor(organisationId: string, cmd: Act): Promise<void> {
    let last: unknown = null;
    for (const id of this.candidates(organisationId)) {
      try {
        await this.act(id, cmd);
        return;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        last = e;
      }
    }
    throw last ?? new Error(`nobody from ${organisationId} takes part in ${this.d.reference}`);
  }

  /** Proposes for the first party, then every party confirms: the decision takes effect. */
  async decideTogether(input: Extract<Act, { type: 'PROPOSE_DECISION' }>['input'], confirmers?: string[]): Promise<number> {
    const parties = this.d.parties.map((p) => p.organisationId);
    await this.actFor(parties[0]!, { type: 'PROPOSE_DECISION', input });
    const seq = Math.max(...this.d.decisions.map((x) => x.seq));
    for (const org of confirmers ?? parties) await this.actFor(org, { type: 'CONFIRM_DECISION', seq, organisationId: org });
    return seq;
  }

  /** A professional from the raising side does the step with the person. */
  async personStep(step: 'INFORMED' | 'REASSURED' | 'EXPLAINED' | 'ADVOCACY_OFFERED', note: string | null = null): Promise<void> {
    await this.act(this.d.raisedById, { type: 'PERSON_STEP', step, note });
  }

  /** Reviews and sends the newest letter (drafting one for the decision if the protocol has not). */
  async sendLetter(decisionSeq: number): Promise<void> {
    if (!this.d.letters.some((l) => l.decisionSeq === decisionSeq)) await this.act(this.d.raisedById, { type: 'DRAFT_LETTER', decisionSeq });
    const letter = this.d.letters.filter((l) => l.decisionSeq === decisionSeq).at(-1)!;
    if (letter.sentAt) return;
    try {
      await this.act(this.d.raisedById, { type: 'MARK_LETTER_SENT', seq: letter.seq });
    } catch (e) {
      // The record moved on since drafting (R8.2): send the redraft, as a professional would.
      if (!(e instanceof DomainError) || e.code !== 'LETTER_OUT_OF_DATE') throw e;
      await this.act(this.d.raisedById, { type: 'REDRAFT_LETTER', seq: letter.seq });
      await this.act(this.d.raisedById, { type: 'MARK_LETTER_SENT', seq: this.d.letters.at(-1)!.seq });
    }
  }
}

/** One step of a story: when it may run, and what it does. */
export interface Step {
  /** Calendar days after the previous step (or after the story's start). */
  after: number;
  /** Wait, too, until the dispute has reached this stage (time-outs run on their own calendar). */
  atStage?: number;
  run: (s: Story) => Promise<void>;
}

export interface Script { startDay: number; steps: Step[] }

/**
 * Runs every story day by day: the scheduler sweeps each working morning and
 * after close of business, as the real one would, and a story's steps run
 * mid-morning when they are due.
 */
export async function simulate(app: App, clock: SimulatedClock, start: Date, days: number, scripts: Script[], onDay?: (day: number) => void): Promise<void> {
  const day0 = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const state = scripts.map((script) => ({ script, story: new Story(app), next: 0, lastAt: day0 + script.startDay * 86_400_000 }));
  for (let day = 0; day <= days; day++) {
    const at = (h: number, m = 0) => new Date(day0 + day * 86_400_000 + (h * 60 + m) * 60_000);
    clock.set(at(9, 5));
    await app.scheduler.tick();
    clock.set(at(10, 30));
    // People act on weekdays; the scheduler's own calendar decides what a working day is.
    const weekday = ![0, 6].includes(clock.now().getUTCDay());
    for (const st of weekday ? state : []) {
      if (day < st.script.startDay) continue;
      for (;;) {
        const step = st.script.steps[st.next];
        if (!step) break;
        if (clock.now().getTime() - st.lastAt < step.after * 86_400_000 - 3_600_000) break;
        if (step.atStage && st.story.dispute && (await st.story.refresh()).stage < step.atStage) break;
        try {
          await step.run(st.story);
        } catch (e) {
          throw new Error(`demo story ${state.indexOf(st) + 1}, step ${st.next + 1} (day ${day}${st.story.dispute ? `, ${st.story.dispute.reference}` : ''}): ${(e as Error).message}`, { cause: e });
        }
        st.next += 1;
        st.lastAt = clock.now().getTime();
      }
    }
    clock.set(at(17, 5));
    await app.scheduler.tick();
    onDay?.(day);
  }
}
