import { describe, expect, it } from "vitest";
import type { PendingProposal, ToolAnswer } from "$lib/bindings";
import { csvField, digestItems, proposalLines, providerLabel, rowHref, rowKind, rowsLabel, tableCsv } from "./chat";

const UNIT = "0b6f3c1e-2d4a-4e8b-9c1d-123456789abc";
const table = (tool: string, input: Record<string, unknown> = {}): ToolAnswer => ({
  tool, input, columns: ["Unit", "Tenant, name", "Rent"], rows: [["101", 'Rivera, "Jim"', "$1,200.00"], ["102", "Lee", "$900.00"]],
  row_ids: [UNIT, "Harbor View"], matched: 5, totals: {}, summary: "",
} as unknown as ToolAnswer);

describe("a reply's table", () => {
  it("is CSV with its headers, quoting only what needs it", () => {
    expect(csvField("Maple Court")).toBe("Maple Court");
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(tableCsv(table("query_leases"))).toBe(
      'Unit,"Tenant, name",Rent\n101,"Rivera, ""Jim""","$1,200.00"\n102,Lee,$900.00\n',
    );
    expect(tableCsv({ columns: ["A"], rows: [] })).toBe("A\n");
  });

  it("says how many rows it shows of those matched", () => {
    expect(rowsLabel(table("query_leases"))).toBe("2 of 5 rows");
    expect(rowsLabel({ rows: [["x"]], matched: 1 })).toBe("1 of 1 row");
  });

  it("opens a row's unit, lease or work order, and nothing for a property", () => {
    expect(rowHref(table("query_leases"), 0)).toBe(`#/pricing/unit/${UNIT}`);
    expect(rowHref(table("query_vacancy"), 0)).toBe(`#/pricing/unit/${UNIT}`);
    expect(rowHref(table("query_financials", { metric: "delinquency" }), 0)).toBe(`#/leases/${UNIT}`);
    expect(rowHref(table("query_financials", { metric: "rent_variance" }), 0)).toBe(`#/pricing/unit/${UNIT}`);
    expect(rowHref(table("query_maintenance"), 0)).toBe(`#/maintenance?wo=${UNIT}`);
    expect(rowKind(table("query_financials", { metric: "total_rent_roll" }))).toBeNull();
    expect(rowHref(table("query_financials", { metric: "total_rent_roll" }), 0)).toBeNull();
    expect(rowHref(table("query_leases"), 1)).toBeNull(); // not an id
    expect(rowHref(table("query_leases"), 7)).toBeNull();
  });
});

describe("the digest and a proposal", () => {
  it("reads the digest's items, as info when the type is unknown", () => {
    const d = { highlights: [{ type: "alert", text: "2 leases expiring this week" }, { type: "odd", text: "x" }, { text: 3 }, null] };
    expect(digestItems(d as never)).toEqual([
      { type: "alert", text: "2 leases expiring this week" },
      { type: "info", text: "x" },
    ]);
    expect(digestItems(null)).toEqual([]);
    expect(digestItems({ highlights: {} } as never)).toEqual([]);
  });

  it("lists exactly what a confirm creates", () => {
    const p = {
      proposal: { action_type: "work_order", title: "Fix the leak", description: "Kitchen tap", unit_id: UNIT, priority: "high" },
      summary: "Work order 'Fix the leak' for unit 101 at Harbor View, high priority",
      kind: "Work order", unit_label: "101 at Harbor View", when: "An open work order is created for the unit now.",
    } as PendingProposal;
    expect(proposalLines(p)).toEqual([
      { label: "Kind", value: "Work order" },
      { label: "Title", value: "Fix the leak" },
      { label: "Details", value: "Kitchen tap" },
      { label: "Priority", value: "high" },
      { label: "Unit", value: "101 at Harbor View" },
      { label: "When", value: "An open work order is created for the unit now." },
    ]);
    const reminder = { ...p, kind: "Reminder", unit_label: null, when: "Emailed to you at 8:00 tomorrow morning",
      proposal: { ...p.proposal, action_type: "reminder", title: "Call the roofer", description: "", unit_id: null, priority: null } };
    expect(proposalLines(reminder).map((l) => l.label)).toEqual(["Kind", "Title", "When"]);
    expect(providerLabel({ provider: "offline", model: "offline-chat-rules-v1" })).toBe("Offline rules (offline-chat-rules-v1)");
  });
});
