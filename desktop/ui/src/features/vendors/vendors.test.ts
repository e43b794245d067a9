import { describe, expect, it } from "vitest";
import { expiringSoon, leftText, METRICS, metricLabel, metricRows, periodText, score10, scoreLength, scoreTone } from "./vendors";

describe("the scorecard's metrics", () => {
  it("are the spec's six with weights adding to one", () => {
    expect(METRICS.map((m) => m.key)).toEqual(["response_time", "first_visit", "cost_accuracy", "sla_compliance", "tenant_satisfaction", "documentation"]);
    expect(METRICS.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1);
    expect([metricLabel("first_visit"), metricLabel("sla_compliance"), metricLabel("new_metric")])
      .toEqual(["First-visit resolution", "SLA compliance", "New metric"]);
  });

  it("read a card's six scores in order", () => {
    const card = { response_time_score: 9, first_visit_score: 8, cost_accuracy_score: 7, sla_compliance_score: 6,
      tenant_satisfaction_score: 5, documentation_score: null };
    expect(metricRows(card)).toEqual([
      ["Response time", 9], ["First-visit resolution", 8], ["Cost accuracy", 7], ["SLA compliance", 6], ["Tenant satisfaction", 5], ["Documentation", null],
    ]);
  });

  it("draw a 0–10 score as a bar, clamped", () => {
    expect([scoreLength(5, 200), scoreLength(10, 200), scoreLength(12, 200), scoreLength(-1, 200), scoreLength(null, 200)]).toEqual([100, 200, 200, 0, 0]);
    expect([score10(7.84), score10(null)]).toEqual(["7.8", "—"]);
    expect([scoreTone(8), scoreTone(6.5), scoreTone(4.9), scoreTone(null)]).toEqual(["good", "warn", "bad", "neutral"]);
  });
});

describe("periods and expiry", () => {
  it("names a month and spells out other periods", () => {
    expect(periodText("monthly", "2026-11-01", "2026-11-30")).toBe("Nov 2026");
    expect(periodText("quarterly", "2026-07-01", "2026-09-30")).toBe("2026-07-01 – 2026-09-30");
  });

  it("marks what ends within 30 days, not what has ended", () => {
    expect([expiringSoon(0), expiringSoon(30), expiringSoon(31), expiringSoon(-1)]).toEqual([true, true, false, false]);
    expect([leftText(0), leftText(1), leftText(20), leftText(-1), leftText(-4)])
      .toEqual(["today", "tomorrow", "in 20 days", "expired yesterday", "expired 4 days ago"]);
  });
});
