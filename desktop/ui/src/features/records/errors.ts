import { CommandFailure } from "$lib/ipc";

// Which form field a refusal is about: the core's messages name the field first or say which
// value was wrong ("Unknown time zone 'Mars/Olympus': …", "Property name is required.").

/** [words in the message, field key] in the order they are tried. */
export type FieldRule = [RegExp, string];

/** The field a message is about, or null for a message about the whole form. */
export function fieldOf(detail: string, rules: FieldRule[]): string | null {
  for (const [re, field] of rules) if (re.test(detail)) return field;
  return null;
}

/** Where a refused write is shown: beside the field it is about, else above the form. */
export function placeRefusal(err: unknown, rules: FieldRule[]): { errors: Record<string, string>; formError: string | null } {
  const detail = err instanceof CommandFailure ? err.detail : String(err);
  const field = fieldOf(detail, rules);
  return field ? { errors: { [field]: detail }, formError: null } : { errors: {}, formError: detail };
}
