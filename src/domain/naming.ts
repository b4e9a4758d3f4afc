/**
 * The name of a dispute's case space: `S117-2026-0042` → `s117-2026-0042`,
 * then `-2`, `-3` … when a name is taken. Built from the reference only, so
 * no person's name or NHS number can ever reach a channel name (R11.2).
 */
export function caseSpaceName(reference: string, attempt = 0): string {
  const base = reference.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return attempt ? `${base}-${attempt + 1}` : base;
}
