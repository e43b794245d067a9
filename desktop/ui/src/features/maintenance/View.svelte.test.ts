// @vitest-environment happy-dom
// The maintenance views in a DOM with the Tauri bridge mocked: the open work orders with their
// names, a work order's steps behind small forms (core's refusal of a rating of 7 shown in its
// words, a completion leaving the open list), the dispatch's vendors, and the risk tab's factor
// points beside each score with a suggestion approved into a work order.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const order = (id: string, title: string, status = "open") => ({
  order: {
    id, unit_id: `u-${id}`, property_id: "p1", tenant_id: null, title, description: "Drips all night", category: "plumbing",
    priority: "high", status, requested_date: "2026-12-01", completed_date: status === "completed" ? "2026-12-04" : null,
    cost: status === "completed" ? "120.50" : "0", assigned_vendor_id: null, created_at: "2026-12-01T10:00:00Z",
    scheduled_date: null, tenant_rating: status === "completed" ? 5 : null,
  },
  unit_number: id.toUpperCase(), property_name: "Harbor View", vendor_name: null,
  status_label: status === "completed" ? "Completed" : "Open", priority_label: "High",
});

let rows = [order("a1", "Leaking tap"), order("a2", "Broken heater")];
const calls: [string, Record<string, unknown>][] = [];
const view = () => ({
  rows, status: "open", property_id: null, statuses: ["open", "in_progress", "completed", "cancelled", "all"],
  properties: [{ id: "p1", name: "Harbor View", detail: "" }],
  vendors: [{ id: "v1", name: "Ace Plumbing", detail: "plumbing" }],
  categories: ["plumbing", "general"], priorities: ["low", "medium", "high", "emergency"], today: "2026-12-04", queued: false,
});
const score = {
  id: "r1", unit_id: "u-a1", property_id: "p1", score_date: "2026-11-30", risk_score: 62.5, risk_level: "high",
  wo_frequency_score: 22.5, wo_cost_score: 10, equipment_age_score: 14, repeat_issue_score: 10, seasonal_score: 6,
  predicted_next_wo_date: "2026-12-20", predicted_next_wo_type: "plumbing", predicted_cost_30_days: "100",
  predicted_cost_90_days: "300", wo_count_12_months: 6, total_cost_12_months: "900", avg_days_between_wo: 40,
  created_at: "2026-11-30T05:00:00Z", repeated_keywords: ["leaking"],
};
let suggestions = [{
  suggestion: { id: "s1", unit_id: "u-a1", risk_score_id: "r1", title: "Inspect water heater", description: "Flush and check",
    priority: "high", category: "plumbing", estimated_cost: "150.00", reasoning: "Leaks three times this year",
    suggested_date: "2026-12-10", status: "suggested", work_order_id: null, created_at: "2026-11-30T05:00:00Z", property_id: "p1" },
  unit_number: "A1", property_name: "Harbor View",
}];

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    calls.push([cmd, args]);
    if (cmd === "maintenance_view") return view();
    if (cmd === "list_properties") return [];
    if (cmd === "risk_view") return {
      scores: [{ score, unit_number: "A1", property_name: "Harbor View" }], suggestions, property_id: null,
      factors: [
        { key: "wo_frequency_score", label: "Work-order frequency", max: 30 }, { key: "wo_cost_score", label: "Cost trend", max: 20 },
        { key: "equipment_age_score", label: "Equipment age", max: 20 }, { key: "repeat_issue_score", label: "Repeat issues", max: 20 },
        { key: "seasonal_score", label: "Season", max: 10 },
      ],
    };
    if (cmd === "work_order_dispatch") return {
      work_order_id: "a1", work_category: "plumbing", unit: "A1", description: "Leaking tap",
      warranty_check: { has_warranty: false, message: "No active warranty for sink fixtures on unit A1.", warranty_id: null, item_type: null,
        warranty_vendor: null, warranty_vendor_id: null, warranty_end: null, coverage: null, contact: null },
      recommendations: [{ rank: 1, vendor_id: "v1", vendor_name: "Ace Plumbing", overall_score: 8.4,
        reasoning: { track_record: "9 of 10 fixed on the first visit" }, estimated_cost: "$120–$180", status: "pending" }],
      repeat_visit_warning: { is_repeat: false, previous_visit: null, previous_vendor: null, days_since: null, message: "" },
      provider: "offline", assigned_vendor_id: null,
    };
    if (cmd === "maintenance_act") {
      const a = args.action as Record<string, unknown>;
      if (a.action === "complete" && a.tenant_rating === 7) throw { code: "invalid_input", detail: "A tenant rating is 1 to 5, not 7." };
      if (a.action === "complete") {
        const done = order("a1", "Leaking tap", "completed");
        rows = rows.filter((r) => r.order.id !== "a1");
        return { outcome: { entity: "units_maintenance", id: "a1", work_order_id: "a1" }, message: "Work order \"Leaking tap\" completed.", work_order: done, queued: false };
      }
      if (a.action === "approve_suggestion") {
        suggestions = [];
        return { outcome: { entity: "preventive_wo_suggestion", id: "s1", work_order_id: "w9" }, message: "Suggestion approved: work order \"Inspect water heater\" created.", work_order: null, queued: false };
      }
    }
    throw { code: "unknown", detail: `no command ${cmd}` };
  }),
}));

import View from "./View.svelte";

const settle = async () => {
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};
const text = (css: string) => document.querySelector(css)?.textContent?.trim() ?? null;
const click = async (css: string) => {
  (document.querySelector(css) as HTMLElement).click();
  await settle();
};
const type = (css: string, value: string) => {
  const el = document.querySelector(css) as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
};

describe("maintenance", () => {
  let app: ReturnType<typeof mount> | null = null;
  const open = async (hash: string) => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    document.body.innerHTML = '<main id="main"></main>';
    app = mount(View, { target: document.getElementById("main")! });
    flushSync();
    await settle();
  };
  afterEach(() => {
    if (app) unmount(app);
    app = null;
  });

  it("lists the open work orders, completes one through a form and shows core's refusal in words", async () => {
    await open("#/maintenance");
    expect(text("main h1")).toBe("Maintenance");
    const keys = [...document.querySelectorAll("#work-orders tr.dt-row")].map((r) => r.getAttribute("data-key"));
    expect(keys).toEqual(["a1", "a2"]);
    expect(document.querySelector("#work-orders tr.dt-row")!.textContent).toContain("Harbor View");
    await click("#work-orders tr.dt-row[data-key=a1] td");
    expect(text("#wo-title")).toBe("Leaking tap");
    expect([...document.querySelectorAll("#wo-detail .steps button")].map((b) => b.id))
      .toEqual(["wo-assign", "wo-schedule", "wo-start", "wo-complete", "wo-cancel", "wo-dispatch"]);

    await click("#wo-complete");
    type("#wo-cost", "120.50");
    type("#wo-rating", "7");
    await click("#wo-step-submit");
    expect(text("#wo-step-error")).toBe("A tenant rating is 1 to 5, not 7.");
    const sent = calls.filter(([c]) => c === "maintenance_act").at(-1)![1];
    expect(sent).toEqual({ id: "a1", action: { action: "complete", completed_date: "2026-12-04", cost: "120.50", tenant_rating: 7 } });

    type("#wo-rating", "5");
    await click("#wo-step-submit");
    expect(document.querySelector("#wo-step-error")).toBeNull();
    expect(text("#wo-finished")).toBe("This work order is completed: it takes no further steps.");
    expect(text("#wo-cost-shown")).toBe("$120.50");
    expect([...document.querySelectorAll("#work-orders tr.dt-row")].map((r) => r.getAttribute("data-key"))).toEqual(["a2"]);
  });

  it("shows a dispatch's vendors with their reasoning", async () => {
    rows = [order("a1", "Leaking tap")];
    await open("#/maintenance");
    await click("#work-orders tr.dt-row[data-key=a1] td");
    await click("#wo-dispatch");
    expect(text("#wo-warranty")).toBe("No active warranty for sink fixtures on unit A1.");
    const choice = text("#wo-dispatch-panel .dispatch-choice[data-key=v1]")!;
    for (const f of ["1. Ace Plumbing", "8.4/10", "$120–$180", "Track record:", "9 of 10 fixed"]) expect(choice).toContain(f);
  });

  it("puts every factor's points beside the score and approves a suggestion into a work order", async () => {
    await open("#/maintenance/risk");
    await vi.waitFor(() => expect(document.querySelector("#risk-scores")).not.toBeNull());
    const cells = [...document.querySelectorAll("#risk-scores tr[data-key=u-a1] td.factor")].map((c) => c.getAttribute("data-factor"));
    expect(cells).toEqual(["wo_frequency_score", "wo_cost_score", "equipment_age_score", "repeat_issue_score", "seasonal_score"]);
    expect(text("#risk-scores tr[data-key=u-a1] td.factor[data-factor=wo_frequency_score]")).toContain("22.5 / 30");
    await click("#risk-suggestions tr[data-key=s1] .suggestion-approve");
    expect(text("#risk-result")).toContain("Suggestion approved: work order \"Inspect water heater\" created.");
    expect(document.querySelector("#risk-open-wo")).not.toBeNull();
    expect(document.querySelector("#risk-suggestions")).toBeNull();
  });
});
