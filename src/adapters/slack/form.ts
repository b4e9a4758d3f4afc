import { z } from 'zod';

// Slack's view state, validated at the boundary: block_id → action 'v' → value.
const element = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_users: z.array(z.string()).nullish(),
}).passthrough();
export const viewStateSchema = z.object({ values: z.record(z.string(), z.record(z.string(), element)) });
export type ViewState = z.infer<typeof viewStateSchema>;

/** Reads one form: text, a choice, several choices or users, by block id. */
export class Form {
  private readonly values: ViewState['values'];
  constructor(state: unknown) {
    this.values = viewStateSchema.parse(state).values;
  }
  private el(block: string) { return this.values[block]?.v; }
  text(block: string): string { return (this.el(block)?.value ?? '').trim(); }
  choice(block: string): string | null { return this.el(block)?.selected_option?.value ?? null; }
  choices(block: string): string[] { return (this.el(block)?.selected_options ?? []).map((o) => o.value); }
  users(block: string): string[] { return this.el(block)?.selected_users ?? []; }
}
