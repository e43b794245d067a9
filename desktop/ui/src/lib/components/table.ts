import type { Snippet } from "svelte";

/** A DataTable column. */
export type Column<T> = {
  /** Unique within the table; also the row field read when there is no `value`. */
  key: string;
  label: string;
  /** The cell's plain value: shown when there is no `render`, and searched by the filter box. */
  value?: (row: T) => string | number | null | undefined;
  /** Makes the header a sort button. */
  sort?: (a: T, b: T) => number;
  align?: "right";
  /** Numbers, money and ids: JetBrains Mono, tabular figures. */
  mono?: boolean;
  /** Custom cell content (a snippet declared at the top level of the parent's markup). */
  render?: Snippet<[T]>;
  /** CSS width of the column (the table uses a fixed layout so virtual rows never jiggle). */
  width?: string;
};

/** A row key: the backend's id. */
export type RowKey = string | number;

/** A comparator from a field reader: `sort: by((r) => r.balance_cents)`; strings compare naturally. */
export function by<T>(f: (row: T) => string | number | null | undefined): (a: T, b: T) => number {
  return (a, b) => {
    const x = f(a);
    const y = f(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y), "en", { numeric: true, sensitivity: "base" });
  };
}

/** The plain value of a cell. */
export function cellValue<T>(row: T, col: Column<T>): string {
  const v = col.value ? col.value(row) : (row as Record<string, unknown>)[col.key];
  return v === null || v === undefined ? "" : String(v);
}
