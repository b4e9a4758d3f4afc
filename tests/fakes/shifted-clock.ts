import type { Clock } from '../../src/app/ports.ts';

/**
 * Real time moved to a chosen moment, the same in every process given the
 * same `epochMs` (the real instant that is `at`): replicas in child processes
 * agree on leases and deadlines. `skip` jumps ahead (a lease running out).
 */
export class ShiftedClock implements Clock {
  private extra = 0;
  constructor(private readonly at: number, private readonly epochMs: number) {}
  now(): Date { return new Date(this.at + (Date.now() - this.epochMs) + this.extra); }
  skip(ms: number): void { this.extra += ms; }
}
