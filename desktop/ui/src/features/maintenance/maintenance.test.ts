import { describe, expect, it } from "vitest";
import {
  canDispatch, checkDate, checkMoney, checkRating, checkYears, daysText, factorBars, lifeTone, moneyText, points, ratingValue,
  reasoningLines, score10, stepsFor, unitMatches, wholePct,
} from "./maintenance";

describe("a work order's steps", () => {
  it("are all open to an open one, all but start once started, none once finished", () => {
    expect(stepsFor("open")).toEqual(["assign", "schedule", "start", "complete", "cancel"]);
    expect(stepsFor("in_progress")).toEqual(["assign", "schedule", "complete", "cancel"]);
    expect(stepsFor("completed")).toEqual([]);
    expect(stepsFor("cancelled")).toEqual([]);
    expect([canDispatch("open"), canDispatch("in_progress"), canDispatch("completed"), canDispatch("cancelled")])
      .toEqual([true, true, false, false]);
  });
});

describe("the forms' checks", () => {
  it("want a date in the backend's spelling", () => {
    expect(checkDate("2026-12-04")).toBeNull();
    expect(checkDate(" ", "Completed date")).toBe("Completed date is required.");
    expect(checkDate("12/04/2026", "Visit date")).toBe("Visit date is a date like 2026-12-04.");
  });

  it("send any decimal amount and leave the rules (negative, cents) to core", () => {
    expect(checkMoney("120.50")).toBeNull();
    expect(checkMoney("$1,200.5")).toBeNull();
    expect(moneyText("$1,200.5")).toBe("1200.5");
    expect(checkMoney("-5")).toBeNull();
    expect(checkMoney("1.999")).toBeNull();
    expect(checkMoney("")).toBe("Cost is required.");
    expect(checkMoney("twelve")).toBe("Cost is an amount like 120.50.");
  });

  it("send a whole-number rating (core refuses one outside 1 to 5) or none", () => {
    expect(checkRating("")).toBeNull();
    expect(checkRating("7")).toBeNull();
    expect(checkRating("4.5")).toBe("A tenant rating is a whole number, 1 to 5.");
    expect(ratingValue(" ")).toBeNull();
    expect(ratingValue("7")).toBe(7);
    expect(checkYears("15")).toBeNull();
    expect(checkYears("")).toBe("Expected lifespan is required.");
    expect(checkYears("ten")).toBe("Expected lifespan is a number of years, like 15.");
  });
});

describe("the words and bars", () => {
  it("say days to a date", () => {
    expect([daysText(0), daysText(1), daysText(12), daysText(-1), daysText(-3), daysText(null)])
      .toEqual(["today", "tomorrow", "in 12 days", "ended yesterday", "ended 3 days ago", "—"]);
  });

  it("tone the life used and round it", () => {
    expect([lifeTone(10), lifeTone(75), lifeTone(99.9), lifeTone(100), lifeTone(140)]).toEqual(["good", "warn", "warn", "bad", "bad"]);
    expect([wholePct(52.3), wholePct(null)]).toEqual(["52%", "—"]);
    expect([score10(7.84), score10(null)]).toEqual(["7.8", "—"]);
  });

  it("draw every factor's stored points as a share of its most", () => {
    const factors = [
      { key: "wo_frequency_score", label: "Work-order frequency", max: 30 },
      { key: "seasonal_score", label: "Season", max: 10 },
      { key: "equipment_age_score", label: "Equipment age", max: 20 },
    ];
    const bars = factorBars({ wo_frequency_score: 15, seasonal_score: 12, equipment_age_score: null }, factors);
    expect(bars.map((b) => [b.key, b.points, b.width])).toEqual([
      ["wo_frequency_score", 15, 50], ["seasonal_score", 12, 100], ["equipment_age_score", 0, 0],
    ]);
    expect(points(15, 30)).toBe("15.0 / 30");
  });

  it("list a dispatch's reasoning line by line", () => {
    expect(reasoningLines({ warranty: "Covered by Rheem until Mar 2027", track_record: "9 of 10 first visit", empty: "" }))
      .toEqual([["Warranty", "Covered by Rheem until Mar 2027"], ["Track record", "9 of 10 first visit"]]);
    expect(reasoningLines("Closest and cheapest")).toEqual([["", "Closest and cheapest"]]);
    expect(reasoningLines(["a", { b: 1 }])).toEqual([["", "a"], ["B", "1"]]);
    expect(reasoningLines(null)).toEqual([]);
  });

  it("match a unit by every word of a search", () => {
    const u = { unit_number: "A12", property_name: "Harbor View" };
    expect([unitMatches(u, "harbor a12"), unitMatches(u, "view"), unitMatches(u, "elm"), unitMatches(u, "")]).toEqual([true, true, false, true]);
  });
});
