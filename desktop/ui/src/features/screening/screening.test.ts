import { describe, expect, it } from "vitest";
import type { ApplicationDetail } from "$lib/bindings";
import {
  approvalLines, denialLines, denialReasons, emptyIntake, impactLabel, queueOrder, scoreLabel, statusTone,
  toNewApplication,
} from "./screening";

const UNIT = "0b6f3c1e-2d4a-4e8b-9c1d-123456789abc";
const app = {
  first_name: "Dana", last_name: "Okafor", email: "dana@example.com", unit_number: "101", property_name: "Harbor View",
  ai_score: 44.4, ai_recommendation: "manual_review",
  risk_factors: [
    { factor: "Prior eviction on record", severity: "critical", score_impact: -30 },
    { factor: "Employment <6 months (3mo)", severity: "high", score_impact: -20 },
  ],
} as unknown as ApplicationDetail;

describe("the queue", () => {
  it("puts the waiting ones first, keeping the order within", () => {
    const rows = [
      { id: "a", status: "denied" }, { id: "b", status: "scored" }, { id: "c", status: "approved" },
      { id: "d", status: "submitted" },
    ];
    expect(queueOrder(rows).map((r) => r.id)).toEqual(["b", "d", "a", "c"]);
  });

  it("shows scores, impacts and tones", () => {
    expect(scoreLabel(null)).toBe("—");
    expect(scoreLabel(74.6)).toBe("75");
    expect(impactLabel({ score_impact: -30 })).toBe("-30");
    expect(statusTone("denied")).toBe("bad");
    expect(statusTone("approved")).toBe("good");
    expect(statusTone("conditional_approve")).toBe("warn");
    expect(statusTone("submitted")).toBe("neutral");
  });
});

describe("the intake form", () => {
  const filled = {
    ...emptyIntake(UNIT), first_name: "Dana", last_name: "Okafor", email: "dana@example.com", employer_name: "Acme",
    monthly_income: "$5,400", employment_start_date: "2023-01-15", previous_lease_months: "18", eviction_history: true,
  };

  it("becomes the core's application, without a date of birth or SSN", () => {
    const r = toNewApplication(filled);
    if (!("application" in r)) throw new Error(r.error);
    expect(r.application).toMatchObject({
      unit_id: UNIT, first_name: "Dana", monthly_income: "5400", employment_start_date: "2023-01-15",
      previous_lease_duration_months: 18, eviction_history: true, date_of_birth: null, ssn_last_four: "", num_occupants: 1,
    });
    expect(toNewApplication({ ...filled, previous_lease_months: "" })).toMatchObject({
      application: { previous_lease_duration_months: null },
    });
  });

  it("says what is not readable; the rest is the core's to check", () => {
    expect(toNewApplication({ ...filled, unit_id: "" })).toEqual({ error: "Pick the unit the application is for." });
    expect(toNewApplication({ ...filled, monthly_income: "lots" })).toEqual({
      error: "Monthly income 'lots' is not an amount, e.g. 5400.",
    });
    expect(toNewApplication({ ...filled, employment_start_date: "15/01/2023" })).toEqual({
      error: "Employed since is a date (YYYY-MM-DD).",
    });
    expect(toNewApplication({ ...filled, previous_lease_months: "1.5" })).toEqual({
      error: "Previous lease '1.5' is not a whole number of months.",
    });
    // An empty name is the core's to refuse, in its words.
    expect("application" in toNewApplication({ ...filled, first_name: "" })).toBe(true);
  });
});

describe("a decision's confirm", () => {
  it("lists what an approval records", () => {
    expect(approvalLines(app, " Extra deposit ", true)).toEqual([
      { label: "Decision", value: "Conditionally approved" },
      { label: "Applicant", value: "Dana Okafor, unit 101 at Harbor View" },
      { label: "Score", value: "44 (Manual review)" },
      { label: "Notes", value: "Extra deposit" },
      { label: "Sent", value: "Nothing is sent to the applicant; the decision is recorded with your name." },
    ]);
    expect(approvalLines(app, "", false)[3]).toEqual({ label: "Notes", value: "None" });
  });

  it("lists the notice of a denial: to the applicant's address, every factor and the reason", () => {
    expect(denialLines(app).at(-1)).toEqual({
      label: "Notice", value: "An adverse action notice is emailed to dana@example.com with these reasons:",
    });
    expect(denialReasons(app, " No references ")).toEqual([
      "Prior eviction on record", "Employment <6 months (3mo)", "No references",
    ]);
    expect(denialReasons({ risk_factors: [] }, "")).toEqual([]);
  });
});
