// @vitest-environment happy-dom
// The revenue intelligence views in a DOM with the Tauri bridge mocked: the dashboard states the
// command's totals, a bar per property, the units below market by gap with their factors, and
// the engine's refusal on a connected replica; a unit's page draws its three lines and factors.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const snapshot = (unit: string, current: string, market: string, gap: string, pct: number) => ({
  id: `s-${unit}`, unit_id: unit, property_id: "p1", snapshot_date: "2026-11-25", current_rent: current,
  market_rent: market, recommended_rent: market, rent_per_sqft: null, market_rent_per_sqft: null,
  rent_gap_amount: gap, rent_gap_pct: pct, days_vacant: 0, seasonal_factor: 0.98, demand_score: 0.9,
  comp_count: 12, confidence_score: 0.8, pricing_strategy: "aggressive", created_at: "2026-11-25T04:00:00Z",
  basis: "internal", reason: "12 occupied 2-bed/1-bath units at this property average $1,500.00.",
  size_adjustment: 1.0, vacancy_discount: 0,
});
const row = (unit: string, n: string, current: string, gap: string, pct: number) => ({
  snapshot: snapshot(unit, current, "1500.00", gap, pct), unit_number: n, property_name: "Harbor View",
  strategy_label: "Aggressive", basis_label: "Internal comps",
});

let refusal: string | null = null;
const dashboard = () => ({
  priced: 40, as_of: "2026-11-25",
  totals: { total_units_analyzed: 36, units_below_market: 2, units_at_market: 30, units_above_market: 4,
    total_monthly_gap: "500.00", annual_revenue_opportunity: "6000.00", avg_gap_pct: -1.3 },
  properties: [
    { property_id: "p1", property_name: "Harbor View", units_priced: 30, units_below: 2, monthly_gap: "500.00", avg_gap_pct: -4.2 },
    { property_id: "p2", property_name: "Elm Court", units_priced: 10, units_below: 0, monthly_gap: "0", avg_gap_pct: 0.5 },
  ],
  below: [row("u2", "A2", "1100.00", "-400.00", -26.7), row("u1", "A1", "1400.00", "-100.00", -6.7)],
  below_total: 2, property_id: null,
  engine: { refusal, confirm: "Run the pricing engine now for Nov 25, 2026? …" },
});
const history = {
  unit: { id: "u2", property_id: "p1", building_id: null, unit_number: "A2", floor: 1, bedrooms: 2, bathrooms: "1",
    square_feet: 900, market_rent: "1500.00", current_rent: "1100.00", status: "occupied",
    created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" },
  property_name: "Harbor View", today: "2026-11-25", days: 90,
  history: [{ ...snapshot("u2", "1100.00", "1470.00", "-370.00", -25.2), id: "h1", snapshot_date: "2026-09-26" },
    snapshot("u2", "1100.00", "1500.00", "-400.00", -26.7)],
  latest: row("u2", "A2", "1100.00", "-400.00", -26.7),
  comps: [{ source: "internal", address: "Unit A7", bedrooms: 2, bathrooms: "1", square_feet: 910, rent: "1525.00", distance_miles: 0, similarity_score: 0.95 }],
};

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    if (cmd === "pricing_dashboard") return dashboard();
    if (cmd === "pricing_history") return history;
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

describe("revenue intelligence", () => {
  let view: ReturnType<typeof mount> | null = null;
  const open = async (hash: string) => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    document.body.innerHTML = '<main id="main"></main>';
    view = mount(View, { target: document.getElementById("main")! });
    flushSync();
    await settle();
  };
  afterEach(() => {
    if (view) unmount(view);
    view = null;
    refusal = null;
  });

  it("states the totals, a bar per property and the units below market by gap", async () => {
    await open("#/pricing");
    expect(text("main h1")).toBe("Revenue intelligence");
    expect([text("#pricing-analyzed"), text("#pricing-below"), text("#pricing-monthly"), text("#pricing-annual"), text("#pricing-avg")])
      .toEqual(["36", "2", "$500.00", "$6,000.00", "-1.3%"]);
    const bars = [...document.querySelectorAll("#pricing-gap-bars .gap-bar")].map((g) => g.getAttribute("data-key"));
    expect(bars).toEqual(["p1", "p2"]);
    expect(document.querySelector("#pricing-gap-bars [data-key=p2] rect.bar")?.getAttribute("width")).toBe("0");
    const rows = [...document.querySelectorAll("#pricing-units tr.dt-row")].map((r) => r.getAttribute("data-key"));
    expect(rows).toEqual(["u2", "u1"]);
    const first = document.querySelector("#pricing-units tr.dt-row")!.textContent!;
    for (const f of ["A2", "$1,100.00", "-$400.00", "-26.7%", "Aggressive", "80%", "Internal comps (12)", "×0.98"]) expect(first).toContain(f);
    expect((document.querySelector("#pricing-run") as HTMLButtonElement).disabled).toBe(false);
  });

  it("disables the engine with the reason on a connected replica", async () => {
    refusal = "This replica syncs with a server, which runs the pricing engine: run it there (POST /api/v1/pricing/run-engine/), then sync.";
    await open("#/pricing");
    expect((document.querySelector("#pricing-run") as HTMLButtonElement).disabled).toBe(true);
    expect(text("#pricing-engine-refusal")).toBe(refusal);
  });

  it("draws a unit's 90 days with the factors and comps of its figure", async () => {
    await open("#/pricing/unit/u2");
    // The history is its own chunk: wait for it to load, then for its data.
    await vi.waitFor(() => expect(text("main h1")).toBe("Unit A2 price history"), { timeout: 10_000 });
    await settle();
    const paths = [...document.querySelectorAll("#pricing-history-chart path.series")];
    expect(paths.map((p) => p.getAttribute("data-series"))).toEqual(["current", "market", "recommended"]);
    expect(paths.every((p) => (p.getAttribute("d") ?? "").startsWith("M"))).toBe(true);
    const factors = text("#pricing-factors")!;
    for (const f of ["$1,500.00", "Aggressive", "Internal comps", "×0.98", "×1.000", "80%", "90% occupied", "12 occupied 2-bed"]) expect(factors).toContain(f);
    expect(text("#pricing-comps-h")).toBe("Closest 1 of 12 comps");
    expect(text("#pricing-comps")).toContain("$1,525.00");
    expect(document.querySelectorAll("#pricing-history-table tbody tr")).toHaveLength(2);
  });
});
