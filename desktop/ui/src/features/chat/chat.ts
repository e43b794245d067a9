// The chat view's pure parts: a reply's table as CSV, its "n of m rows", where a row opens, the
// digest's items, and the lines of what a proposal creates (shown before anything is created).
import type { ChatTurn, DailyDigest, PendingProposal, ToolAnswer } from "$lib/bindings";
import { href } from "$lib/router.svelte";

/** One CSV field, quoted only when it needs to be (as the terminal's CSV). */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV: the column headers, then one line per row. */
export function tableCsv(t: Pick<ToolAnswer, "columns" | "rows">): string {
  const line = (cells: string[]) => `${cells.map(csvField).join(",")}\n`;
  return line(t.columns) + t.rows.map(line).join("");
}

/** "3 of 12 rows": the rows shown of those matched before the limit cut the table. */
export function rowsLabel(t: Pick<ToolAnswer, "rows" | "matched">): string {
  return `${t.rows.length} of ${t.matched} ${t.matched === 1 ? "row" : "rows"}`;
}

/** What a table's rows are: units, leases, work orders, or nothing the app opens (properties). */
export function rowKind(t: Pick<ToolAnswer, "tool" | "input">): "unit" | "lease" | "work_order" | null {
  const metric = (t.input as Record<string, unknown> | null)?.["metric"];
  switch (t.tool) {
    case "query_leases":
    case "query_vacancy":
      return "unit";
    case "query_maintenance":
      return "work_order";
    case "query_financials":
      return metric === "delinquency" ? "lease" : metric === "rent_variance" ? "unit" : null;
    default:
      return null;
  }
}

/** Where row `i` opens (a unit's page, a lease, a work order), or null when it has no page. */
export function rowHref(t: Pick<ToolAnswer, "tool" | "input" | "row_ids">, i: number): string | null {
  const id = t.row_ids[i];
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  switch (rowKind(t)) {
    case "unit":
      return href(["pricing", "unit", id]);
    case "lease":
      return href(["leases", id]);
    case "work_order":
      return href(["maintenance"], { wo: id });
    default:
      return null;
  }
}

export type DigestItem = { type: "alert" | "info" | "success"; text: string };

/** The digest's highlights (`[{type, text}]`), anything else left out. */
export function digestItems(d: Pick<DailyDigest, "highlights"> | null): DigestItem[] {
  const list = Array.isArray(d?.highlights) ? (d.highlights as unknown[]) : [];
  return list.flatMap((h) => {
    const x = h as { type?: unknown; text?: unknown } | null;
    if (!x || typeof x.text !== "string") return [];
    const type = x.type === "alert" || x.type === "success" ? x.type : "info";
    return [{ type, text: x.text }];
  });
}

/** What confirming creates, line by line: kind, title, details, priority, unit, when. */
export function proposalLines(p: PendingProposal): { label: string; value: string }[] {
  const lines = [
    { label: "Kind", value: p.kind },
    { label: "Title", value: p.proposal.title },
  ];
  if (p.proposal.description) lines.push({ label: "Details", value: p.proposal.description });
  if (p.proposal.priority) lines.push({ label: "Priority", value: p.proposal.priority });
  if (p.unit_label) lines.push({ label: "Unit", value: p.unit_label });
  lines.push({ label: "When", value: p.when });
  return lines;
}

/** The provider line of a turn: "Offline rules (offline-chat-rules-v1)" or "Claude (model)". */
export function providerLabel(t: Pick<ChatTurn, "provider" | "model">): string {
  return `${t.provider === "offline" ? "Offline rules" : "Claude"} (${t.model})`;
}
