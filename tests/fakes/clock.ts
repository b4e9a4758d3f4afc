import type { Clock } from '../../src/app/ports.ts';

/** The test clock: time moves only when a test says so. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start: string | Date) { this.t = new Date(start).getTime(); }
  now(): Date { return new Date(this.t); }
  set(at: string | Date): void { this.t = new Date(at).getTime(); }
  advanceMs(ms: number): void { this.t += ms; }
  advanceHours(h: number): void { this.advanceMs(h * 3_600_000); }
}
