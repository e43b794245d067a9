// Pure helpers of the revenue intelligence views (unit-tested in pricing.test.ts): the price
// history as a daily series, the chart's scales and paths, the gap bars' widths, and the words
// of a snapshot's factors. Every figure comes from the backend's snapshots; nothing is estimated.
import { formatDate, formatMoney, pct } from "$lib/format";

/** Days of price history a unit's chart covers (the backend's `pricing_history` window). */
export const HISTORY_DAYS = 90;
/** A unit is at market within this share of its market rent (±2 %), as the core counts it. */
export const AT_MARKET_PCT = 2;

/** The figures of a snapshot the chart and the factors read (a `PricingSnapshot`'s fields). */
export type Figures = {
  snapshot_date: string;
  current_rent: string | null;
  market_rent: string;
  recommended_rent: string;
};

/**
 * The factors of a snapshot beside its figure (a `PricingSnapshot`'s fields; a float is
 * `number | null` on the wire, null standing for a value JSON cannot carry).
 */
export type Factors = Figures & {
  rent_gap_amount: string;
  rent_gap_pct: number | null;
  days_vacant: number;
  seasonal_factor: number | null;
  demand_score: number | null;
  comp_count: number;
  confidence_score: number | null;
  size_adjustment: number | null;
  vacancy_discount: number | null;
};

/** `iso` (a calendar date) moved by `n` days, on the UTC calendar so no zone shifts it. */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const t = Date.UTC(y!, m! - 1, d!) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The snapshot in force on each of the `days` days up to `today`, oldest first: a unit's history
 * holds only the days its figures changed, so each day has the latest on or before it (null
 * before the first). `history` is oldest first, as the backend sends it.
 */
export function daily<T extends { snapshot_date: string }>(
  history: T[],
  today: string,
  days: number = HISTORY_DAYS,
): { day: string; snapshot: T | null }[] {
  const out: { day: string; snapshot: T | null }[] = [];
  let next = 0;
  let current: T | null = null;
  for (let back = days - 1; back >= 0; back--) {
    const day = addDays(today, -back);
    while (next < history.length && history[next]!.snapshot_date <= day) current = history[next++]!;
    out.push({ day, snapshot: current });
  }
  return out;
}

export type SeriesKey = "current" | "market" | "recommended";

/** One line of the price chart: a value per day (null where there is none). */
export type Series = { key: SeriesKey; label: string; colour: string; values: (number | null)[] };

const num = (v: string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** The chart's three lines over the days: current rent (null while vacant), market, recommended. */
export function series(days: { snapshot: Figures | null }[]): Series[] {
  return [
    { key: "current", label: "Current rent", colour: "#D97706", values: days.map((d) => num(d.snapshot?.current_rent)) },
    { key: "market", label: "Market rent", colour: "#0D9488", values: days.map((d) => num(d.snapshot?.market_rent)) },
    { key: "recommended", label: "Recommended", colour: "#0F172A", values: days.map((d) => num(d.snapshot?.recommended_rent)) },
  ];
}

/**
 * The y range of a chart of `values`: the lowest to the highest with room above and below
 * (15 % of the spread, at least 1 % of the top and at least $1), rounded out to whole dollars,
 * so a flat line sits mid-chart. [0, 1] when there is no value.
 */
export function yRange(values: (number | null)[]): [number, number] {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return [0, 1];
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const pad = Math.max((hi - lo) * 0.15, Math.abs(hi) * 0.01, 1);
  return [Math.floor(lo - pad), Math.ceil(hi + pad)];
}

/** A plotting box in SVG units: x from left to right, y from top to bottom. */
export type Box = { left: number; right: number; top: number; bottom: number };

/** The x of point `i` of `n`, evenly spaced across the box (a single point in the middle). */
export function xAt(i: number, n: number, box: Box): number {
  return n > 1 ? box.left + (i * (box.right - box.left)) / (n - 1) : (box.left + box.right) / 2;
}

/** The y of `v` in the range [lo, hi], hi at the top of the box. */
export function yAt(v: number, [lo, hi]: [number, number], box: Box): number {
  const span = hi - lo || 1;
  return box.bottom - ((v - lo) / span) * (box.bottom - box.top);
}

/** An SVG path through the values; a null breaks the line (a gap, not a drop to zero). */
export function linePath(values: (number | null)[], range: [number, number], box: Box): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${xAt(i, values.length, box).toFixed(1)},${yAt(v, range, box).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/**
 * Bar lengths for `values` on a track `track` long, scaled to the largest; a positive value
 * gets at least `min` so it never reads as none; zero or less gets nothing.
 */
export function barLengths(values: number[], track: number, min = 2): number[] {
  const top = Math.max(0, ...values);
  return values.map((v) => (v > 0 && top > 0 ? Math.min(track, Math.max(min, (v / top) * track)) : 0));
}

/** Whole dollars for an axis or a bar: 1499.6 → "$1,500". */
export function dollars(n: number): string {
  const r = Math.round(n);
  return `${r < 0 ? "-" : ""}$${Math.abs(r).toLocaleString("en-US")}`;
}

/** A gap percentage: "-6.1%", "+0.4%" ("—" when there is none). */
export const gapPct = (p: number | null): string => (p === null ? "—" : pct(p, { signed: true }));

/** Below, at or above market, as the core counts a gap (±2 %). */
export function position(gap: number | null): "below market" | "at market" | "above market" {
  if (gap !== null && gap < -AT_MARKET_PCT) return "below market";
  if (gap !== null && gap > AT_MARKET_PCT) return "above market";
  return "at market";
}

/** The vacancy discount and the days vacant it counts from. */
export function vacancyText(s: { vacancy_discount: number | null; days_vacant: number }): string {
  const discount = s.vacancy_discount ?? 0;
  if (discount > 0) return `−${(discount * 100).toFixed(1)}% · ${s.days_vacant} days vacant`;
  return s.days_vacant > 0 ? `none · ${s.days_vacant} days vacant` : "none";
}

/** A share (0–1) as a whole percentage: 0.8 → "80%" ("—" when there is none). */
export const percent = (share: number | null): string => (share === null ? "—" : `${Math.round(share * 100)}%`);

/** A multiplying factor: times(0.98, 2) → "×0.98" ("—" when there is none). */
export const times = (factor: number | null, digits: number): string =>
  factor === null ? "—" : `×${factor.toFixed(digits)}`;

/**
 * A snapshot's figure and every factor it is made of, as [label, value] rows (the TUI's "Why
 * this figure"). `labels` are the backend's words for the strategy and the basis.
 */
export function factorRows(s: Factors, labels: { strategy: string; basis: string }): [string, string][] {
  const gap = s.current_rent === null
    ? "— (vacant)"
    : `${formatMoney(s.rent_gap_amount)} (${gapPct(s.rent_gap_pct)}) ${position(s.rent_gap_pct)}`;
  return [
    ["Market rent", formatMoney(s.market_rent)],
    ["Recommended", formatMoney(s.recommended_rent)],
    ["Current rent", s.current_rent === null ? "vacant" : formatMoney(s.current_rent)],
    ["Gap", gap],
    ["Strategy", labels.strategy],
    ["Basis", labels.basis],
    ["Comps", String(s.comp_count)],
    ["Size adjustment", times(s.size_adjustment, 3)],
    ["Seasonal factor", times(s.seasonal_factor, 2)],
    ["Vacancy discount", vacancyText(s)],
    ["Demand", s.demand_score === null ? "—" : `${percent(s.demand_score)} occupied`],
    ["Confidence", percent(s.confidence_score)],
    ["As of", formatDate(s.snapshot_date)],
  ];
}

/** "Comps used · 4", or "Closest 10 of 25 comps" when the snapshot keeps only the closest. */
export function compsTitle(shown: number, used: number | null | undefined): string {
  const all = Math.max(used ?? shown, 0);
  return all > shown ? `Closest ${shown} of ${all} comps` : `Comps used · ${shown}`;
}

/** A comparator of decimal strings (money), for sortable columns. */
export const byMoney = <T>(f: (row: T) => string | null | undefined) => (a: T, b: T): number => {
  const x = f(a);
  const y = f(b);
  if (x === y) return 0;
  if (x === null || x === undefined) return 1;
  if (y === null || y === undefined) return -1;
  return Number(x) - Number(y);
};
