// Status words → tone. One table for every badge in the app, so "approved" is the same colour
// on the renewals queue and in a lease's history.

export type Tone = "good" | "warn" | "high" | "bad" | "vacant" | "neutral";

const TONES: Record<string, Tone> = {
  // lease lifecycle
  active: "good",
  month_to_month: "warn",
  notice: "high",
  vacant: "vacant",
  // risk levels
  low: "good",
  medium: "warn",
  high: "high",
  critical: "bad",
  // workflow states
  draft: "neutral",
  pending: "warn",
  pending_signatures: "warn",
  in_progress: "warn",
  approved: "good",
  sent: "good",
  accepted: "good",
  paid: "good",
  finalized: "good",
  completed: "good",
  current: "good",
  declined: "bad",
  rejected: "bad",
  overdue: "bad",
  defaulted: "bad",
  failed: "bad",
  cancelled: "neutral",
  closed: "neutral",
};

export function toneOf(status: string): Tone {
  return TONES[status] ?? "neutral";
}
