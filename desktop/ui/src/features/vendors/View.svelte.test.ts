// @vitest-environment happy-dom
// The vendors view in a DOM with the Tauri bridge mocked: the scorecards best first with the six
// metrics, a vendor's breakdown as bars, a repeat-visit alert resolved through core, and the
// warranties and contracts ending within 30 days highlighted.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const card = (vendor: string, overall: number) => ({
  id: `c-${vendor}`, vendor_id: vendor, period: "monthly", period_start: "2026-11-01", period_end: "2026-11-30",
  response_time_score: 9, first_visit_resolution_rate: 0.8, first_visit_score: 8, cost_accuracy_score: 7, sla_compliance_score: 6,
  tenant_satisfaction_score: 5, documentation_score: 4, overall_score: overall, total_jobs: 12, total_invoiced_usd: "3400.00",
  created_at: "2026-12-01T04:00:00Z", metrics: {},
});
const alert = { id: "al1", unit_id: "u1", work_category: "plumbing", first_visit_date: "2026-11-02", first_visit_vendor_id: "v1",
  repeat_visit_date: "2026-11-20", repeat_visit_vendor_id: "v1", days_between: 18, resolution_status: "open",
  created_at: "2026-11-21T06:00:00Z", first_work_order_id: null, repeat_work_order_id: null };
let alerts = [{ alert, unit_number: "A1", first_vendor: "Ace Plumbing", repeat_vendor: "Ace Plumbing" }];
const acts: unknown[] = [];
const view = () => ({
  cards: [{ card: card("v1", 8.6), name: "Ace Plumbing", trade: "plumbing" }, { card: card("v2", 6.1), name: "Bolt Electric", trade: "electrical" }],
  alerts,
  warranties: [
    { warranty: { id: "w1", unit_id: "u1", item_type: "Dishwasher", brand: "Whirlpool", model_number: "", installed_date: "2025-01-01",
      warranty_end_date: "2026-12-20", warranty_vendor_id: null, warranty_provider: "Whirlpool", coverage_type: "full", status: "active",
      claim_history: [], contact: "" }, unit_number: "A1", vendor_name: null, days_left: 16, expiring: true },
    { warranty: { id: "w2", unit_id: "u2", item_type: "HVAC", brand: "Carrier", model_number: "", installed_date: "2025-01-01",
      warranty_end_date: "2028-01-01", warranty_vendor_id: "v1", warranty_provider: "Carrier", coverage_type: "parts_only", status: "active",
      claim_history: [], contact: "" }, unit_number: "B2", vendor_name: "Ace Plumbing", days_left: 393, expiring: false },
  ],
  contracts: [{ contract: { id: "k1", vendor_id: "v2", contract_type: "service_agreement", title: "Electrical service 2026",
    start_date: "2026-01-01", end_date: "2026-12-31", insurance_expiry: null, license_expiry: null, auto_renew: false,
    created_at: "2026-01-01T00:00:00Z" }, vendor_name: "Bolt Electric", days_left: 27, expiring: true }],
  expiring: [{ vendor_id: "v2", vendor_name: "Bolt Electric", contract_id: "k1", document: "contract", contract_type: "service_agreement",
    title: "Electrical service 2026", expires_on: "2026-12-31", days_left: 27, auto_renew: false }],
  stats: { avg_vendor_score: 7.4, total_vendors: 2, top_performer: { name: "Ace Plumbing", score: 8.6 }, bottom_performer: null,
    active_warranties: 2, warranties_expiring_30d: 1, expiring_contracts: 1, expiring_insurance: 0, open_repeat_alerts: alerts.length,
    total_saved_warranty_ytd: 0, price_anomalies_this_month: 0 },
  resolutions: ["warranty_claim", "vendor_credited", "different_issue", "dismissed"], window_days: 30, today: "2026-12-04",
});

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd === "vendors_view") return view();
    if (cmd === "vendor_scorecard") return {
      vendor: { id: "v1", name: "Ace Plumbing", trade: "plumbing", contact_name: "Ann", email: "", phone: "555-0100", license_number: "",
        insurance_expiry: null, hourly_rate: "80", is_active: true, created_at: "2026-01-01T00:00:00Z" },
      latest: card("v1", 8.6), trend: [card("v1", 8.6)],
      breakdown: [["response_time", 9, 0.15], ["first_visit", 8, 0.25], ["cost_accuracy", 7, 0.2], ["sla_compliance", 6, 0.15],
        ["tenant_satisfaction", 5, 0.15], ["documentation", 4, 0.1]].map(([metric, score, weight]) => ({ metric, score, weight, measured: metric !== "documentation" })),
    };
    if (cmd === "maintenance_act") {
      acts.push(args);
      alerts = [];
      return { outcome: { entity: "repeat_visit_alert", id: "al1", work_order_id: null }, message: "Repeat visit marked vendor credited.", work_order: null, queued: false };
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

describe("vendors", () => {
  let app: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (app) unmount(app);
    app = null;
  });

  it("lists the scorecards, draws a vendor's metrics, resolves an alert and marks what expires", async () => {
    window.location.hash = "#/vendors";
    document.body.innerHTML = '<main id="main"></main>';
    app = mount(View, { target: document.getElementById("main")! });
    flushSync();
    await settle();
    expect(text("main h1")).toBe("Vendors");
    expect(text("#vendor-avg")).toBe("7.4");
    const rows = [...document.querySelectorAll("#vendor-scorecards tr.dt-row")];
    expect(rows.map((r) => r.getAttribute("data-key"))).toEqual(["v1", "v2"]);
    for (const f of ["Ace Plumbing", "Nov 2026", "8.6", "9.0", "8.0", "7.0", "6.0", "5.0", "4.0", "12"]) expect(rows[0]!.textContent).toContain(f);

    (rows[0]!.querySelector("td") as HTMLElement).click();
    await settle();
    expect(text("#vendor-detail-name")).toBe("Ace Plumbing");
    const bars = [...document.querySelectorAll("#vendor-metric-bars .metric-bar")].map((g) => g.getAttribute("data-key"));
    expect(bars).toEqual(["response_time", "first_visit", "cost_accuracy", "sla_compliance", "tenant_satisfaction", "documentation"]);
    expect(text("#vendor-metric-bars [data-key=first_visit] .figure")).toBe("8.0/10 · 25%");
    expect(text("#vendor-metric-bars [data-key=documentation] .figure")).toBe("4.0/10 · 10% · n/m");

    expect(document.querySelector("#warranties tr[data-key=w1]")!.classList.contains("expiring")).toBe(true);
    expect(document.querySelector("#warranties tr[data-key=w2]")!.classList.contains("expiring")).toBe(false);
    expect(document.querySelector("#contracts tr[data-key=k1]")!.classList.contains("expiring")).toBe(true);
    expect(text("#expiring-docs")).toContain("Electrical service 2026");

    const select = document.querySelector("#repeat-alerts tr[data-key=al1] .alert-resolution") as HTMLSelectElement;
    select.value = "vendor_credited";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    (document.querySelector("#repeat-alerts tr[data-key=al1] .alert-resolve") as HTMLElement).click();
    await settle();
    expect(acts).toEqual([{ id: "al1", action: { action: "resolve_alert", resolution_status: "vendor_credited" } }]);
    expect(document.querySelector("#repeat-alerts")).toBeNull();
    expect(text("#repeat-alerts-h")).toBe("Repeat-visit alerts · 0 open");
  });
});
