// Pure helpers of the vendors view (unit-tested in vendors.test.ts): the six scorecard metrics
// with their words and weights, a card's metrics as rows, bar lengths on a 0–10 scale, a
// period's words, and whether a document is within the expiry window.

/** The scorecard's six metrics in the spec's order: the card field, the words (and a column's), the weight. */
export const METRICS = [
  { key: "response_time", field: "response_time_score", label: "Response time", short: "Response", weight: 0.15 },
  { key: "first_visit", field: "first_visit_score", label: "First-visit resolution", short: "1st visit", weight: 0.25 },
  { key: "cost_accuracy", field: "cost_accuracy_score", label: "Cost accuracy", short: "Cost", weight: 0.2 },
  { key: "sla_compliance", field: "sla_compliance_score", label: "SLA compliance", short: "SLA", weight: 0.15 },
  { key: "tenant_satisfaction", field: "tenant_satisfaction_score", label: "Tenant satisfaction", short: "Tenant", weight: 0.15 },
  { key: "documentation", field: "documentation_score", label: "Documentation", short: "Docs", weight: 0.1 },
] as const;

export type MetricField = (typeof METRICS)[number]["field"];

/** A metric's words: "first_visit" → "First-visit resolution" (an unknown one humanised). */
export function metricLabel(metric: string): string {
  const known = METRICS.find((m) => m.key === metric);
  if (known) return known.label;
  const words = metric.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A card's six metric scores as [label, score] rows, in the spec's order. */
export function metricRows(card: Record<MetricField, number | null>): [string, number | null][] {
  return METRICS.map((m) => [m.label, card[m.field] ?? null]);
}

/** The length of a 0–10 score's bar on a track `track` long (clamped; none for no score). */
export function scoreLength(score: number | null, track: number): number {
  if (score === null || !Number.isFinite(score)) return 0;
  return Math.max(0, Math.min(track, (score / 10) * track));
}

/** A 0–10 score as shown: 7.84 → "7.8" ("—" for none). */
export const score10 = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : n.toFixed(1));

/** The tone of a 0–10 score: 8 and up good, under 5 bad, between a warning. */
export function scoreTone(n: number | null): "good" | "warn" | "bad" | "neutral" {
  if (n === null) return "neutral";
  if (n >= 8) return "good";
  return n < 5 ? "bad" : "warn";
}

/** A scorecard's period: "monthly" from Nov 1 → "Nov 2026"; else "Oct 1 – Dec 31, 2026"-ish words from the two dates. */
export function periodText(period: string, start: string, end: string): string {
  const [y, m] = start.split("-").map(Number);
  if (period === "monthly" && y && m) {
    return `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]} ${y}`;
  }
  return `${start} – ${end}`;
}

/** Whether a document with `days` left is within the expiry window (ending, not yet ended). */
export const expiringSoon = (days: number, window = 30): boolean => days >= 0 && days <= window;

/** Days left in words: "in 12 days", "today", "expired 3 days ago". */
export function leftText(days: number): string {
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days > 0) return `in ${days} days`;
  return days === -1 ? "expired yesterday" : `expired ${-days} days ago`;
}
