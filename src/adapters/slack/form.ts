import { z } from 'zod';
import type { FormValues } from '../../app/interactions/forms.ts';

// Slack's view state, validated at the boundary: block_id → action 'v' → value.
const element = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_date: z.string().nullish(),
}).passthrough();
export const viewStateSchema = z.object({ values: z.record(z.string(), z.record(z.string(), element)) });

/**
 * A submitted modal as the flat record every platform gives the inbound
 * layer: field → text or chosen values. Slack users chosen in a user picker
 * become directory person ids (`toPerson`); an unknown one stays as it is
 * and is refused on its field.
 */
export function formValues(state: unknown, toPerson: (slackId: string) => string | null): FormValues {
  const parsed = viewStateSchema.safeParse(state);
  if (!parsed.success) return {};
  const out: FormValues = {};
  for (const [block, actions] of Object.entries(parsed.data.values)) {
    const el = actions.v;
    if (!el) continue;
    if (el.selected_users) out[block] = el.selected_users.map((u) => toPerson(u) ?? u);
    else if (el.selected_options) out[block] = el.selected_options.map((o) => o.value);
    else if (el.selected_option !== undefined) out[block] = el.selected_option?.value ?? '';
    else if (el.selected_date !== undefined) out[block] = el.selected_date ?? '';
    else out[block] = el.value ?? '';
  }
  return out;
}
