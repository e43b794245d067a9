import { describe, expect, it } from "vitest";
import type { BuilderLeaseRow, LibraryClause, SignerStatus } from "$lib/bindings";
import {
  defaultChoice, defaultTerms, editBlocked, emailTo, inPersonLines, jurisdictionNote, riskTone, sendSigners,
  signerTimes, signingSummary, termsOf, toRequest,
} from "./builder";

const UNIT = "0b6f3c1e-2d4a-4e8b-9c1d-123456789abc";

describe("the terms form", () => {
  it("defaults to a 12-month term from the first of next month at the unit's rent", () => {
    expect(defaultTerms("1450.00", new Date(2026, 11, 5))).toMatchObject({
      start_date: "2027-01-01", end_date: "2027-12-31", monthly_rent: "1450", security_deposit: "1450",
      late_fee: "50", grace_days: "5", rent_due_day: "1", variables: {},
    });
    expect(defaultTerms("0", new Date(2026, 0, 31)).start_date).toBe("2026-02-01");
  });

  it("becomes the core's request, with only the variables typed", () => {
    const f = {
      ...defaultTerms("1450", new Date(2026, 11, 5)), tenant_name: "Alex Rivera", tenant_email: "alex@example.com",
      monthly_rent: "$1,450.50", variables: { landlord_paid_utilities: "water", sprinkler_status: " " },
    };
    const r = toRequest(UNIT, f, ["c1", "c2"]);
    if (!("request" in r)) throw new Error(r.error);
    expect(r.request).toEqual({
      unit_id: UNIT, clause_ids: ["c1", "c2"],
      lease_terms: {
        tenant_name: "Alex Rivera", tenant_email: "alex@example.com", start_date: "2027-01-01", end_date: "2027-12-31",
        monthly_rent: "1450.50", security_deposit: "1450", late_fee: "50", grace_days: 5, rent_due_day: 1,
        variables: { landlord_paid_utilities: "water" },
      },
    });
  });

  it("says what is not readable; the rest is the core's to check", () => {
    const f = defaultTerms("1450", new Date(2026, 11, 5));
    expect(toRequest("", f, [])).toEqual({ error: "Pick the unit the lease is for." });
    expect(toRequest(UNIT, { ...f, end_date: "" }, [])).toEqual({ error: "End date is a date (YYYY-MM-DD)." });
    expect(toRequest(UNIT, { ...f, late_fee: "lots" }, [])).toEqual({ error: "Late fee 'lots' is not an amount, e.g. 1450." });
    expect(toRequest(UNIT, { ...f, grace_days: "2.5" }, [])).toEqual({ error: "Grace days '2.5' is not a whole number." });
    // An empty tenant is the core's to refuse, in its words.
    expect("request" in toRequest(UNIT, f, [])).toBe(true);
  });
});

describe("editing a draft", () => {
  it("loads the draft's terms into the form, and they read back as the same request", () => {
    const lease_terms = {
      tenant_name: "Alex Rivera", tenant_email: "alex@example.com", start_date: "2027-01-01", end_date: "2027-12-31",
      monthly_rent: "1450.00", security_deposit: "1000", late_fee: "50", grace_days: 5, rent_due_day: 1,
      variables: { landlord_paid_utilities: "water" },
    };
    const f = termsOf(lease_terms);
    expect(f).toEqual({
      tenant_name: "Alex Rivera", tenant_email: "alex@example.com", start_date: "2027-01-01", end_date: "2027-12-31",
      monthly_rent: "1450.00", security_deposit: "1000", late_fee: "50", grace_days: "5", rent_due_day: "1",
      variables: { landlord_paid_utilities: "water" },
    });
    const r = toRequest(UNIT, f, ["c1"]);
    if (!("request" in r)) throw new Error(r.error);
    expect(r.request.lease_terms).toEqual(lease_terms);
    expect(termsOf({ start_date: "2027-01-01", end_date: "2027-12-31", monthly_rent: "900" })).toMatchObject({
      tenant_name: "", security_deposit: "", grace_days: "", variables: {},
    });
  });

  it("is for a draft not yet sent; otherwise it says why not", () => {
    expect(editBlocked("draft")).toBe("");
    expect(editBlocked("review")).toBe("");
    expect(editBlocked("sent_for_signing")).toBe("Only a draft not yet sent can be edited: this lease is sent for signing.");
    expect(editBlocked("voided")).toContain("voided");
  });
});

describe("the clause library", () => {
  const clause = (over: Partial<LibraryClause>) =>
    ({ id: "x", default_chosen: false, required_here: false, prohibited_here: null, ...over }) as LibraryClause;

  it("starts from the standard set and the state's required clauses", () => {
    expect(defaultChoice([
      clause({ id: "a", default_chosen: true }), clause({ id: "b" }), clause({ id: "c", required_here: true }),
    ])).toEqual(["a", "c"]);
  });

  it("says what the state requires or prohibits, with the statute", () => {
    expect(jurisdictionNote(clause({ required_here: true }), "CA")).toBe("Required in CA");
    expect(jurisdictionNote(clause({ prohibited_here: "Cal. Civ. Code § 1942.1" }), "CA")).toBe(
      "Prohibited in CA (Cal. Civ. Code § 1942.1)");
    expect(jurisdictionNote(clause({}), "TX")).toBe("");
  });

  it("flags risk above 70", () => {
    expect([10, 45, 70, 71, 95].map(riskTone)).toEqual(["good", "warn", "warn", "bad", "bad"]);
  });
});

describe("signing", () => {
  const signer = (over: Partial<SignerStatus>) =>
    ({ id: "s", signer_role: "tenant", signer_name: "Alex Rivera", signer_email: "alex@example.com", status: "pending",
      viewed_at: null, signed_at: null, expires_at: "2027-01-01T00:00:00Z", ...over }) as SignerStatus;
  const row = (status: string, signers: SignerStatus[]) =>
    ({ status, signers, tenant_name: "Alex Rivera", tenant_email: "alex@example.com" }) as unknown as BuilderLeaseRow;

  it("sums up each lease's signatures", () => {
    expect(signingSummary(row("draft", []))).toBe("Not sent");
    expect(signingSummary(row("voided", []))).toBe("Voided");
    expect(signingSummary(row("partially_signed", [signer({ status: "signed" }), signer({})]))).toBe("1 of 2 signed");
    expect(signingSummary(row("fully_signed", [signer({ status: "signed" })]))).toBe("Fully signed");
  });

  it("shows when a signer viewed and signed, else their status", () => {
    expect(signerTimes(signer({}))).toBe("Pending");
    const t = signerTimes(signer({ viewed_at: "2027-01-02T18:00:00Z", signed_at: "2027-01-02T18:05:00Z" }));
    expect(t).toMatch(/^Viewed .* · Signed /);
  });

  it("names the tenant and the manager only when a manager address is given", () => {
    expect(sendSigners(row("draft", []), "Pat", "  ")).toEqual([]);
    expect(sendSigners(row("draft", []), "", "pat@example.com")).toEqual([
      { signer_role: "tenant", signer_name: "Alex Rivera", signer_email: "alex@example.com" },
      { signer_role: "property_manager", signer_name: "Property Manager", signer_email: "pat@example.com" },
    ]);
  });

  it("lists what the confirms show", () => {
    expect(emailTo({ recipient_name: "Alex Rivera", recipient: "alex@example.com" })).toBe("To Alex Rivera <alex@example.com>");
    expect(inPersonLines(signer({}), " Alex Rivera ")).toEqual([
      { label: "Signer", value: "Alex Rivera (Tenant)" },
      { label: "Typed signature", value: "Alex Rivera" },
      { label: "Consent", value: "They have read every page on this screen and agree to sign electronically." },
    ]);
  });
});
