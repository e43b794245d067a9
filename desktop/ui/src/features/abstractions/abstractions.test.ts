import { describe, expect, it } from "vitest";
import type { LeaseAbstraction, LeaseOption, TermDef } from "$lib/bindings";
import { choices, corrections, groups, label, leaseFor, readTexts, severityTone, tenantOf, toValue } from "./abstractions";

const schema: TermDef[] = [
  { term: "tenant_name", kind: "string" },
  { term: "tenant_names_all", kind: "[string]" },
  { term: "monthly_rent", kind: "decimal" },
  { term: "bedrooms", kind: "integer" },
  { term: "pets_allowed", kind: "boolean" },
  { term: "governing_law_state", kind: "string" },
  { term: "hvac_filter_responsibility", kind: "tenant|landlord" },
];
const a = {
  extracted_terms: { tenant_name: "Maria Santos", tenant_names_all: ["Maria Santos", "Daniel Okafor"], monthly_rent: "1450.00",
    bedrooms: 2, pets_allowed: false, governing_law_state: null, hvac_filter_responsibility: null },
} as unknown as LeaseAbstraction;

describe("the abstraction review's terms", () => {
  it("are grouped as a reader expects", () => {
    expect(groups(schema).map((g) => g.name)).toEqual(["Parties", "Financial", "Property", "Policies", "Maintenance & utilities", "Insurance & legal"].sort((x, y) =>
      ["Parties", "Property", "Financial", "Policies", "Maintenance & utilities", "Insurance & legal"].indexOf(x) -
      ["Parties", "Property", "Financial", "Policies", "Maintenance & utilities", "Insurance & legal"].indexOf(y)));
    expect(label("late_fee_grace_period_days")).toBe("Late fee grace period days");
    expect(choices("tenant|landlord")).toEqual(["tenant", "landlord"]);
    expect(tenantOf(a)).toBe("Maria Santos");
    expect(severityTone("critical")).toBe("bad");
  });

  it("send only the changed terms, typed by the schema", () => {
    const read = readTexts(a, schema);
    expect(read.tenant_names_all).toBe("Maria Santos, Daniel Okafor");
    expect(read.governing_law_state).toBe("");
    expect(corrections(read, { ...read }, schema)).toEqual({});
    const edited = { ...read, governing_law_state: " Oregon ", monthly_rent: "$1,525.00", bedrooms: "3", tenant_names_all: "A, B" };
    expect(corrections(read, edited, schema)).toEqual({
      governing_law_state: "Oregon", monthly_rent: "1525.00", bedrooms: 3, tenant_names_all: ["A", "B"],
    });
    expect(corrections(read, { ...read, tenant_name: "" }, schema)).toEqual({ tenant_name: null });
    expect(toValue("yes", "boolean")).toBe(true);
    expect(toValue("maybe", "boolean")).toBe("maybe");
  });

  it("name a lease by its number or id", () => {
    const leases = [{ id: "5b7c1f0e-1111-4222-8333-944445555666", lease_number: "L-1001" }] as LeaseOption[];
    expect(leaseFor("l-1001", leases)).toEqual({ id: leases[0]!.id });
    expect(leaseFor("", leases)).toEqual({ id: null });
    expect(leaseFor("5B7C1F0E-1111-4222-8333-944445555666", [])).toEqual({ id: leases[0]!.id });
    expect(leaseFor("L-9", leases)).toMatch(/^No lease is numbered "L-9"/);
  });
});
