import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, humanize, pct, plural, share } from "./format";

// Each table reads like the spec's own examples: [input, expected].
const check = <I, O>(f: (i: I) => O, cases: [I, O][]) => {
  for (const [input, expected] of cases) expect(f(input), String(input)).toBe(expected);
};

describe("formatDate", () => {
  it("formats a calendar date without shifting it", () => {
    check(formatDate, [
      ["2026-12-03", "Dec 3, 2026"],
      ["2026-01-01", "Jan 1, 2026"],
      ["2025-12-31", "Dec 31, 2025"],
      ["", ""],
      [null, ""],
      ["not a date", "not a date"],
    ]);
  });
});

describe("formatDateTime", () => {
  it("uses the property's time zone", () => {
    expect(formatDateTime("2026-12-03T18:52:00Z", "America/Los_Angeles")).toBe("Dec 3, 2026, 10:52 AM PST");
    expect(formatDateTime("2026-07-01T16:05:00Z", "America/New_York")).toBe("Jul 1, 2026, 12:05 PM EDT");
  });
  it("falls back to the system zone for an unknown one", () => {
    expect(formatDateTime("2026-12-03T18:52:00Z", "Mars/Olympus")).toBe(formatDateTime("2026-12-03T18:52:00Z"));
  });
  it("leaves unreadable input alone", () => {
    expect(formatDateTime("soon")).toBe("soon");
    expect(formatDateTime(null)).toBe("");
  });
});

describe("formatMoney", () => {
  it("formats the decimal string digit by digit", () => {
    check(formatMoney, [
      ["1234.5", "$1,234.50"],
      ["-12", "-$12.00"],
      ["0", "$0.00"],
      ["-0.00", "$0.00"],
      ["1850", "$1,850.00"],
      ["1234567.89", "$1,234,567.89"],
      ["90071992547409931.23", "$90,071,992,547,409,931.23"],
      ["0.005", "$0.01"],
      ["2.675", "$2.68"],
      ["-1.994", "-$1.99"],
      [".5", "$0.50"],
      ["abc", "abc"],
      ["", ""],
    ]);
  });
});

describe("humanize", () => {
  it("turns enum values into labels", () => {
    check(humanize, [
      ["month_to_month", "Month-to-month"],
      ["payment_plan", "Payment plan"],
      ["pending_signatures", "Pending signatures"],
      ["active", "Active"],
      ["", ""],
    ]);
  });
});

describe("numbers", () => {
  it("pct", () => {
    expect(pct(12.345)).toBe("12.3%");
    expect(pct(4, { signed: true })).toBe("+4.0%");
    expect(pct(-2.5, { signed: true, digits: 0 })).toBe("-3%");
  });
  it("share", () => {
    expect(share(1, 4)).toBe(25);
    expect(share(3, 0)).toBe(0);
  });
  it("plural", () => {
    expect(plural(1, "case")).toBe("1 case");
    expect(plural(3, "case")).toBe("3 cases");
    expect(plural(1200, "entry", "entries")).toBe("1,200 entries");
  });
});
