import { describe, expect, it } from "vitest";
import {
  addDays, barLengths, byMoney, compsTitle, daily, dollars, factorRows, gapPct, linePath, percent, position, series,
  times, vacancyText, xAt, yAt, yRange, type Factors,
} from "./pricing";

const snap = (day: string, market: string, current: string | null = null): Factors => ({
  snapshot_date: day,
  current_rent: current,
  market_rent: market,
  recommended_rent: String(Math.round(Number(market))),
  rent_gap_amount: current === null ? "0" : (Number(current) - Number(market)).toFixed(2),
  rent_gap_pct: current === null ? 0 : Math.round(((Number(current) - Number(market)) / Number(market)) * 1000) / 10,
  days_vacant: 0,
  seasonal_factor: 0.98,
  demand_score: 0.9,
  comp_count: 4,
  confidence_score: 0.8,
  size_adjustment: 1.0555555,
  vacancy_discount: 0,
});

describe("the price history", () => {
  it("moves calendar dates across months and years", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-11-25", -89)).toBe("2026-08-28");
  });

  it("gives each day the snapshot in force on it, none before the first", () => {
    const history = [snap("2026-11-20", "1500"), snap("2026-11-23", "1470")];
    const days = daily(history, "2026-11-25", 7);
    expect(days.map((d) => d.day)).toEqual([
      "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25",
    ]);
    expect(days.map((d) => d.snapshot?.market_rent ?? null)).toEqual([null, "1500", "1500", "1500", "1470", "1470", "1470"]);
    expect(daily([], "2026-11-25", 3).every((d) => d.snapshot === null)).toBe(true);
    expect(daily(history, "2026-11-25")).toHaveLength(90);
  });

  it("draws current, market and recommended, current absent while vacant", () => {
    const days = daily([snap("2026-11-23", "1500.40"), snap("2026-11-24", "1510", "1400")], "2026-11-25", 3);
    const [current, market, recommended] = series(days);
    expect(current!.values).toEqual([null, 1400, 1400]);
    expect(market!.values).toEqual([1500.4, 1510, 1510]);
    expect(recommended!.values).toEqual([1500, 1510, 1510]);
    expect(series(days).map((s) => s.key)).toEqual(["current", "market", "recommended"]);
  });
});

describe("chart scales", () => {
  const box = { left: 50, right: 250, top: 10, bottom: 110 };

  it("pads the y range and centres a flat line", () => {
    expect(yRange([1400, null, 1500])).toEqual([1385, 1515]);
    const [lo, hi] = yRange([1500, 1500]);
    expect([lo, hi]).toEqual([1485, 1515]);
    expect(yAt(1500, [lo, hi], box)).toBe(60);
    expect(yRange([null])).toEqual([0, 1]);
  });

  it("spaces points evenly and breaks the line where a value is missing", () => {
    expect([xAt(0, 3, box), xAt(1, 3, box), xAt(2, 3, box), xAt(0, 1, box)]).toEqual([50, 150, 250, 150]);
    expect(yAt(0, [0, 100], box)).toBe(110);
    expect(yAt(100, [0, 100], box)).toBe(10);
    expect(linePath([0, 100, null, 50], [0, 100], box)).toBe("M50.0,110.0L116.7,10.0M250.0,60.0");
    expect(linePath([null, null], [0, 1], box)).toBe("");
  });

  it("scales bars to the largest, a sliver for any gap, nothing for none", () => {
    expect(barLengths([400, 100, 0.5, 0, -3], 200)).toEqual([200, 50, 2, 0, 0]);
    expect(barLengths([0, 0], 200)).toEqual([0, 0]);
    expect(barLengths([], 200)).toEqual([]);
  });
});

describe("words and figures", () => {
  it("formats whole dollars and signed gaps", () => {
    expect(dollars(1499.6)).toBe("$1,500");
    expect(dollars(-400)).toBe("-$400");
    expect([gapPct(-6.14), gapPct(0.4), gapPct(0), gapPct(null)]).toEqual(["-6.1%", "+0.4%", "+0.0%", "—"]);
    expect([times(0.98, 2), times(1.0555, 3), times(null, 2)]).toEqual(["×0.98", "×1.056", "—"]);
    expect([percent(0.8), percent(null)]).toEqual(["80%", "—"]);
  });

  it("counts a gap within 2% as at market", () => {
    expect([position(-2.1), position(-2), position(2), position(2.1), position(null)]).toEqual([
      "below market", "at market", "at market", "above market", "at market",
    ]);
  });

  it("lists every factor beside the figure", () => {
    const rows = Object.fromEntries(factorRows(snap("2026-11-25", "1500", "1400"), { strategy: "Aggressive", basis: "Internal comps" }));
    expect(rows).toMatchObject({
      "Market rent": "$1,500.00",
      "Recommended": "$1,500.00",
      "Current rent": "$1,400.00",
      "Gap": "-$100.00 (-6.7%) below market",
      "Strategy": "Aggressive",
      "Basis": "Internal comps",
      "Comps": "4",
      "Size adjustment": "×1.056",
      "Seasonal factor": "×0.98",
      "Vacancy discount": "none",
      "Demand": "90% occupied",
      "Confidence": "80%",
      "As of": "Nov 25, 2026",
    });
    const vacant = Object.fromEntries(factorRows(snap("2026-11-25", "1500"), { strategy: "Lease-up", basis: "Stored market rent" }));
    expect([vacant["Current rent"], vacant["Gap"]]).toEqual(["vacant", "— (vacant)"]);
    expect(vacancyText({ vacancy_discount: 0.025, days_vacant: 49 })).toBe("−2.5% · 49 days vacant");
    expect(vacancyText({ vacancy_discount: 0, days_vacant: 10 })).toBe("none · 10 days vacant");
  });

  it("says when a snapshot keeps only its closest comps", () => {
    expect(compsTitle(4, 4)).toBe("Comps used · 4");
    expect(compsTitle(10, 25)).toBe("Closest 10 of 25 comps");
    expect(compsTitle(0, null)).toBe("Comps used · 0");
  });

  it("sorts money strings as numbers, missing last", () => {
    const rows = [{ g: "-12.50" }, { g: null }, { g: "-400.00" }, { g: "3" }];
    expect(rows.sort(byMoney((r: { g: string | null }) => r.g)).map((r) => r.g)).toEqual(["-400.00", "-12.50", "3", null]);
  });
});
