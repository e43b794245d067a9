// Pure helpers of the maintenance views (unit-tested in maintenance.test.ts): which steps a work
// order takes in its status, the small checks a form makes before sending (only that a value can
// be sent at all — every rule is core's, and its refusal is shown word for word), the risk
// factors as bars, a dispatch's reasoning as lines, and the words of days and shares.
import { humanize } from "$lib/format";

export type Status = "open" | "in_progress" | "completed" | "cancelled";
export type Step = "assign" | "schedule" | "start" | "complete" | "cancel";

/** The buttons of a step, in order. */
export const STEP_LABELS: Record<Step, string> = {
  assign: "Assign",
  schedule: "Schedule",
  start: "Start",
  complete: "Complete",
  cancel: "Cancel",
};

/** The steps a work order in `status` takes: a finished one (completed, cancelled) takes none. */
export function stepsFor(status: string): Step[] {
  if (status === "open") return ["assign", "schedule", "start", "complete", "cancel"];
  if (status === "in_progress") return ["assign", "schedule", "complete", "cancel"];
  return [];
}

/** Whether a work order in `status` can be dispatched (it is not finished). */
export const canDispatch = (status: string): boolean => status === "open" || status === "in_progress";

/** A calendar date as the backend reads it ("2026-12-04"), or why not. */
export function checkDate(text: string, what = "Date"): string | null {
  const t = text.trim();
  if (t === "") return `${what} is required.`;
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? null : `${what} is a date like 2026-12-04.`;
}

/** An amount the backend can read as a decimal (core says whether it is allowed), or why not. */
export function checkMoney(text: string, what = "Cost"): string | null {
  const t = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (t === "") return `${what} is required.`;
  return /^-?\d+(\.\d+)?$/.test(t) ? null : `${what} is an amount like 120.50.`;
}

/** The decimal string of an amount as typed: "$1,200.5" → "1200.5". */
export const moneyText = (text: string): string => text.trim().replace(/^\$/, "").replace(/,/g, "");

/** A rating as typed: empty is none; otherwise a whole number (core says whether it is 1 to 5), or why not. */
export function checkRating(text: string): string | null {
  const t = text.trim();
  return t === "" || /^-?\d+$/.test(t) ? null : "A tenant rating is a whole number, 1 to 5.";
}

/** The rating to send: null when left empty. */
export const ratingValue = (text: string): number | null => (text.trim() === "" ? null : Number(text.trim()));

/** A lifespan in years as typed, or why not (core checks the range). */
export function checkYears(text: string): string | null {
  const t = text.trim();
  if (t === "") return "Expected lifespan is required.";
  return /^\d+(\.\d+)?$/.test(t) ? null : "Expected lifespan is a number of years, like 15.";
}

/** Days to a date in words: "in 12 days", "today", "ended 3 days ago" (`past` is the verb). */
export function daysText(days: number | null | undefined, past = "ended"): string {
  if (days === null || days === undefined) return "—";
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days > 0) return `in ${days} days`;
  return days === -1 ? `${past} yesterday` : `${past} ${-days} days ago`;
}

/** The tone of a share of life used: worn past 75 % warns, past 100 % is due. */
export function lifeTone(pct: number | null): "good" | "warn" | "bad" {
  if (pct === null) return "good";
  if (pct >= 100) return "bad";
  return pct >= 75 ? "warn" : "good";
}

/** A percentage as shown: 52.3 → "52%". */
export const wholePct = (pct: number | null): string => (pct === null ? "—" : `${Math.round(pct)}%`);

/** Points out of a factor's most: 12.5 of 30 → "12.5 / 30". */
export const points = (p: number | null, max: number | null): string => `${(p ?? 0).toFixed(1)} / ${max ?? "—"}`;

/** A factor as the risk table draws it: its label, points, most and bar width (% of its most). */
export type FactorBar = { key: string; label: string; points: number; max: number | null; width: number };

/** Every factor of a score beside it: the stored points of each, as a share of its most. */
export function factorBars(
  score: Record<string, unknown>,
  factors: { key: string; label: string; max: number | null }[],
): FactorBar[] {
  return factors.map((f) => {
    const raw = score[f.key];
    const p = typeof raw === "number" && Number.isFinite(raw) ? raw : 0;
    return { key: f.key, label: f.label, points: p, max: f.max, width: f.max ? Math.max(0, Math.min(100, (100 * p) / f.max)) : 0 };
  });
}

type Json = null | boolean | number | string | Json[] | { [key in string]: Json };

/** A dispatch's reasoning (an object of lines, a list or a sentence) as [label, text] lines. */
export function reasoningLines(reasoning: Json | undefined): [string, string][] {
  if (reasoning === null || reasoning === undefined) return [];
  if (typeof reasoning === "string") return reasoning.trim() ? [["", reasoning]] : [];
  if (typeof reasoning !== "object") return [["", String(reasoning)]];
  if (Array.isArray(reasoning)) return reasoning.flatMap((r) => reasoningLines(r));
  return Object.entries(reasoning)
    .filter(([, v]) => v !== null && v !== "")
    .map(([k, v]) => [humanize(k), typeof v === "object" ? JSON.stringify(v) : String(v)]);
}

/** A 0–10 score as shown: 7.84 → "7.8". */
export const score10 = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : n.toFixed(1));

/** Whether a unit matches every word of a search, against its number and property. */
export function unitMatches(u: { unit_number: string; property_name: string }, query: string): boolean {
  const hay = `${u.unit_number} ${u.property_name}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}
