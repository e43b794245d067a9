// Pure helpers of the move-out inspection screens (unit-tested in move-out.test.ts): labels, the
// repair cost table's range, the damage items editor's checks, and a diff region as a CSS box.
// Which classification and items count on a photo comes from the backend (the core's rule).
import { formatMoney } from "$lib/format";

export type Classification = "pending" | "normal_wear" | "damage" | "clean" | "needs_review";

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  pending: "Pending",
  normal_wear: "Normal wear",
  damage: "Damage",
  clean: "Clean",
  needs_review: "Needs review",
};

/** Whether a person still has to classify the photo (by the classification that counts). */
export const awaitsReview = (p: { classification: Classification }): boolean =>
  p.classification === "pending" || p.classification === "needs_review";

/** The badge tone of a classification. */
export function classificationTone(c: Classification): "good" | "warn" | "bad" | "neutral" {
  if (c === "damage") return "bad";
  if (c === "needs_review" || c === "pending") return "warn";
  return c === "clean" ? "good" : "neutral";
}

/** Who concluded what, by the provider recorded on a photo. */
export function providerLabel(provider: string | null | undefined): string {
  if (provider === "claude") return "Analysed by Claude";
  if (provider === "offline") return "Offline check — classify by eye";
  return provider ? `Analysed by ${provider}` : "Not analysed yet";
}

/** "82% confident", or "" when the provider gave no confidence (the offline check). */
export function confidenceText(confidence: number | null | undefined): string {
  return confidence === null || confidence === undefined ? "" : `${Math.round(confidence * 100)}% confident`;
}

export type RepairCost = { category: string; severity: string; min: string; max: string };

/** The repair cost table's range for a category and severity; null where a person prices it (`other`). */
export function costRange(table: RepairCost[], category: string, severity: string): RepairCost | null {
  return table.find((r) => r.category === category && r.severity === severity) ?? null;
}

/** The range in words for the review form. */
export function rangeText(table: RepairCost[], category: string, severity: string): string {
  const r = costRange(table, category, severity);
  return r ? `Table: ${formatMoney(r.min)}–${formatMoney(r.max)}` : "Not in the repair cost table: enter its price";
}

/** A cost typed in the review form: empty (the table decides), or dollars and cents, zero or more. */
export function costError(v: string): string | null {
  const clean = cleanAmount(v);
  if (clean === "") return null;
  return /^\d+(\.\d{1,2})?$/.test(clean) ? null : "Dollars and cents, e.g. 150.00";
}

/** The typed amount as the backend reads it ("$1,250" → "1250"). */
export const cleanAmount = (v: string): string => v.trim().replace(/^\$/, "").replace(/,/g, "");

/** One row of the damage items editor. */
export type ItemDraft = { item: string; severity: string; category: string; estimated_cost: string };

type ItemLike = { item: string; severity: string; category: string; estimated_cost?: string | null };

/** The editor's rows, starting from the items that count on the photo. */
export function draftsOf(items: ItemLike[]): ItemDraft[] {
  return items.map((i) => ({ item: i.item, severity: i.severity, category: i.category, estimated_cost: i.estimated_cost ?? "" }));
}

/** Why the items cannot be saved as damage, or null. */
export function draftsError(drafts: ItemDraft[]): string | null {
  if (drafts.length === 0) return "Damage needs at least one item with its category and severity, so it can be priced.";
  if (drafts.some((d) => !d.item.trim())) return "Describe each item.";
  const bad = drafts.find((d) => costError(d.estimated_cost));
  return bad ? costError(bad.estimated_cost) : null;
}

/** The rooms in order, each with its photos (by photo order); rooms without photos included. */
export function byRoom<P extends { room: string; photo_order: number }>(
  rooms: { value: string; label: string }[],
  photos: P[],
): { value: string; label: string; photos: P[] }[] {
  return rooms.map((r) => ({
    ...r,
    photos: photos.filter((p) => p.room === r.value).sort((a, b) => a.photo_order - b.photo_order),
  }));
}

/** A diff region in fractions of the picture (a float the wire may carry as null, read as 0). */
export type Region = { x: number | null; y: number | null; w: number | null; h: number | null; score: number | null };

const unit = (f: number | null): number => Math.min(1, Math.max(0, f ?? 0));
const pct = (f: number): string => `${(unit(f) * 100).toFixed(2)}%`;

/** A diff region as an absolutely positioned box over the photo, kept inside it. */
export function regionBox(r: Region): { left: string; top: string; width: string; height: string } {
  const x = unit(r.x);
  const y = unit(r.y);
  return { left: pct(x), top: pct(y), width: pct(Math.min(unit(r.w), 1 - x)), height: pct(Math.min(unit(r.h), 1 - y)) };
}

/** The same box as an inline style. */
export function regionStyle(r: Region): string {
  const b = regionBox(r);
  return `left: ${b.left}; top: ${b.top}; width: ${b.width}; height: ${b.height}`;
}

/** A compared pair's status in words. */
export function pairStatusLabel(status: string): string {
  switch (status) {
    case "changed": return "Changed";
    case "unchanged": return "Unchanged";
    case "needs_review": return "Differs: look at the pair";
    case "no_move_in_photo": return "No move-in photo";
    default: return status;
  }
}

/** A difference's class in words; what the move-in recorded is never charged. */
export function differenceLabel(d: { classification: string; charge_to_tenant: boolean }): string {
  const label: Record<string, string> = {
    pre_existing: "Pre-existing — no charge",
    new_damage: "New damage",
    normal_wear: "Normal wear — no charge",
    improved: "Improved — no charge",
  };
  const text = label[d.classification] ?? d.classification;
  return d.classification === "new_damage" ? `${text}${d.charge_to_tenant ? " — tenant's charge" : ""}` : text;
}

type RunLike = { provider: string; analysed: number; needs_review: number; failed: number; still_queued: number; message: string };

/** One line about an analysis run. */
export function runSummary(run: RunLike): string {
  const parts = [
    `${run.analysed} classified`,
    `${run.needs_review} to classify by eye`,
    ...(run.failed ? [`${run.failed} failed`] : []),
    ...(run.still_queued ? [`${run.still_queued} still pending`] : []),
  ];
  return `${providerLabel(run.provider)}: ${parts.join(", ")}.${run.message ? ` ${run.message}` : ""}`;
}

/** The label of the analyse button for the active provider. */
export const analyzeLabel = (provider: string): string =>
  provider === "claude" ? "Analyse photos with Claude" : "Run the offline check";
