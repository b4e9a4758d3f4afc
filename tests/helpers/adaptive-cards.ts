import { createRequire } from 'node:module';

// The adaptivecards package's own parser and validator (its UMD bundle needs no DOM).
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new (version?: unknown) => { eventCount: number; getEventAt(i: number): { message: string } };
  Versions: Record<string, unknown>;
  GlobalSettings: { allowPreProcessingPropertyValues?: boolean };
};

/** Problems the Adaptive Cards library finds in a card, parsed against the given schema version ([] when valid). */
export function cardProblems(card: unknown, version = '1.5'): string[] {
  const ctx = new AC.SerializationContext(AC.Versions[`v${version.replace('.', '_')}`]);
  const c = new AC.AdaptiveCard();
  c.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of c.validateProperties().validationEvents) problems.push(e.message);
  return problems;
}
