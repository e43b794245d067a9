// The five escalation steps as the queue and the case page name them.
export const STEP_NAMES: Record<number, string> = {
  0: "Not started",
  1: "SMS reminder",
  2: "Email notice",
  3: "Formal notice",
  4: "Plan offer",
  5: "Legal warning",
};

export const stepName = (level: number): string => STEP_NAMES[level] ?? `Step ${level}`;

/** Risk profiles → the badge's tone words. */
export const RISK_STATUS: Record<string, string> = {
  good_history: "low",
  standard: "medium",
  repeat_offender: "high",
  chronic: "critical",
};

/** A calendar date `days` after `iso` ("2026-12-03"), as ISO. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The form's amount check (the backend reads it again with the CLI's words). */
export function amountError(v: string): string | null {
  const clean = v.trim().replace(/^\$/, "").replace(/,/g, "");
  if (clean === "") return "Amount is required";
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return "Dollars and cents, e.g. 1250.00";
  if (Number(clean) <= 0) return "The amount must be more than zero";
  return null;
}

export function dateError(v: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? null : "A date, YYYY-MM-DD";
}
