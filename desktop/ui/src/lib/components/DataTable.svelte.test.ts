// @vitest-environment happy-dom
// DataTable with a few thousand rows: only a window of rows is in the DOM, the filter and the
// counts agree, the keyboard moves the active row and opens it.
import { flushSync, mount, unmount } from "svelte";
import { describe, expect, it, vi } from "vitest";
import DataTable from "./DataTable.svelte";
import { by, type Column } from "./table";

type Row = { id: number; name: string; rent: number };
const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, name: `Tenant ${i + 1}`, rent: 1000 + (i % 7) }));
const columns: Column<Row>[] = [
  { key: "name", label: "Tenant", sort: by((r) => r.name) },
  { key: "rent", label: "Rent", align: "right", mono: true, sort: by((r) => r.rent) },
];

describe("DataTable", () => {
  it("renders a window, filters, counts and opens by keyboard", () => {
    const onopen = vi.fn();
    const target = document.createElement("div");
    document.body.append(target);
    const props = $state({ rows, columns, key: (r: Row) => r.id, label: "Tenants", noun: ["tenant"] as [string], onopen, query: "" });
    const t = mount(DataTable<Row>, { target, props });
    flushSync();

    const rendered = () => target.querySelectorAll("tr.dt-row").length;
    expect(rendered()).toBeGreaterThan(0);
    expect(rendered()).toBeLessThan(100);
    expect(target.querySelector(".dt-count")?.textContent).toBe("3,000 of 3,000 tenants");

    props.query = "tenant 299";
    flushSync();
    // Tenant 299, 1299, 2299 and 2990…2999, in their original order.
    expect(target.querySelector(".dt-count")?.textContent).toBe("13 of 3,000 tenants");

    const table = target.querySelector("table")!;
    table.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    flushSync();
    table.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    flushSync();
    table.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(onopen).toHaveBeenCalledWith(expect.objectContaining({ name: "Tenant 1299" }));

    unmount(t);
  });
});
