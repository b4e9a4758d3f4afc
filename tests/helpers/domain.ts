import fs from 'node:fs';
import { WorkingCalendar } from '../../src/calendar/working-calendar.ts';
import { parseDirectory } from '../../src/config/directory.ts';
import type { Command, RaiseInput } from '../../src/domain/commands.ts';
import { decide, type Decided } from '../../src/domain/decide.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/stage-policy.ts';
import type { Directory, Dispute } from '../../src/domain/types.ts';
import { fundingDispute } from '../fixtures/disputes.ts';

export const directory = parseDirectory(fs.readFileSync('config/directory.example.yaml', 'utf8'));
export const calendar = new WorkingCalendar();

/** Drives decide() the way the app does, with a moving test clock. */
export class Scenario {
  d: Dispute | null = null;
  last!: Decided;
  now: Date;
  constructor(start = '2026-12-07T10:00:00Z') { this.now = new Date(start); }

  at(iso: string): this { this.now = new Date(iso); return this; }

  run(personId: string, cmd: Command): Decided {
    return this.runWith(directory, personId, cmd);
  }

  /** As run(), against a directory that has changed since (R5.8). */
  runWith(dir: Directory, personId: string, cmd: Command, policy: Policy = DEFAULT_POLICY, historyLength?: number): Decided {
    const ctx = { now: this.now, actor: { personId, platform: 'cli' as const }, policy, calendar, directory: dir };
    this.last = decide(this.d, cmd, historyLength === undefined ? ctx : { ...ctx, historyLength });
    this.d = this.last.next;
    return this.last;
  }

  raise(personId = 'ali-khan', input: RaiseInput = fundingDispute()): Decided {
    return this.run(personId, { type: 'RAISE', id: 'd1', reference: 'S117-2026-0001', input });
  }

  sweep(iso: string): Decided {
    this.at(iso);
    return this.run('system', { type: 'SWEEP' });
  }

  get dispute(): Dispute { return this.d!; }
  events(): string[] { return this.last.events.map((e) => e.type); }
  flags(): string[] { return this.dispute.flags.map((f) => f.code); }
  participants(): string[] { return this.dispute.participants.map((p) => p.personId).sort(); }
}

export function refusal(fn: () => unknown): { code: string; message: string; field?: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { code: string; message: string; field?: string };
    return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  }
  throw new Error('expected a refusal, but the command was accepted');
}
