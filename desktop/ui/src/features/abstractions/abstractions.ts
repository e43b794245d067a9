// The lease abstraction review's pure parts: the schema's terms grouped as a reader expects,
// a term's value as the form shows it and back (typed by the schema), the corrections a person
// made (only the changed terms are sent), and the lease a typed number or id names.
import type { LeaseAbstraction, LeaseOption, TermDef, Value } from "$lib/bindings";

export const GROUP_OF: Record<string, string> = {};
const GROUP_TERMS: [string, string[]][] = [
  ["Parties", ["landlord_name", "landlord_address", "tenant_name", "tenant_names_all", "guarantor_name"]],
  ["Property", ["property_address", "unit_number", "square_footage", "bedrooms", "bathrooms", "parking_spaces", "storage_unit"]],
  ["Dates", ["lease_start_date", "lease_end_date", "lease_sign_date", "move_in_date", "possession_date"]],
  ["Financial", ["monthly_rent", "rent_due_day", "security_deposit", "pet_deposit", "last_month_rent_required", "late_fee_amount",
    "late_fee_grace_period_days", "nsf_fee", "rent_escalation_pct", "rent_escalation_date"]],
  ["Terms", ["lease_type", "renewal_option", "renewal_terms", "auto_renewal", "notice_to_vacate_days", "early_termination_allowed",
    "early_termination_fee"]],
  ["Policies", ["pets_allowed", "pet_restrictions", "pet_rent_monthly", "smoking_allowed", "subletting_allowed", "max_occupants",
    "guest_policy"]],
  ["Maintenance & utilities", ["tenant_maintenance_responsibilities", "landlord_maintenance_responsibilities",
    "hvac_filter_responsibility", "lawn_care_responsibility", "utilities_included", "utilities_tenant_responsibility"]],
  ["Insurance & legal", ["renters_insurance_required", "minimum_liability_coverage", "governing_law_state", "dispute_resolution",
    "lead_paint_disclosure", "mold_disclosure"]],
];
for (const [g, terms] of GROUP_TERMS) for (const t of terms) GROUP_OF[t] = g;

export type Group = { name: string; terms: TermDef[] };

/** The schema's terms by group, in the groups' order then the schema's; unknown terms last. */
export function groups(schema: TermDef[]): Group[] {
  const names = [...GROUP_TERMS.map(([g]) => g), "Other"];
  return names
    .map((name) => ({ name, terms: schema.filter((t) => (GROUP_OF[t.term] ?? "Other") === name) }))
    .filter((g) => g.terms.length > 0);
}

/** A term's label: "late_fee_grace_period_days" → "Late fee grace period days". */
export function label(term: string): string {
  const t = term.replace(/_/g, " ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The choices of an enumerated kind ("tenant|landlord"), else null. */
export function choices(kind: string): string[] | null {
  return kind.includes("|") ? kind.split("|") : null;
}

export function isBoolean(kind: string): boolean {
  return kind === "boolean";
}

/** A term's value as its input shows it. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map((x) => String(x)).join(", ");
  return String(v);
}

/** The terms as the form shows them. */
export function readTexts(a: LeaseAbstraction, schema: TermDef[]): Record<string, string> {
  const terms = (a.extracted_terms ?? {}) as Record<string, unknown>;
  return Object.fromEntries(schema.map((t) => [t.term, toText(terms[t.term])]));
}

/** An input's text as the value core checks (empty clears the term). */
export function toValue(text: string, kind: string): Value {
  const t = text.trim();
  if (!t) return null;
  if (kind === "[string]") return t.split(",").map((x) => x.trim()).filter((x) => x);
  if (kind === "boolean") {
    if (/^(true|yes|y)$/i.test(t)) return true;
    if (/^(false|no|n)$/i.test(t)) return false;
    return t;
  }
  if (kind.startsWith("integer") || kind.startsWith("float")) {
    const n = Number(t);
    return Number.isFinite(n) ? n : t;
  }
  if (kind.startsWith("decimal")) return t.replace(/^\$/, "").replace(/,/g, "");
  return t;
}

/** The corrected terms (only the changed ones), as `{term: value}`. */
export function corrections(read: Record<string, string>, edited: Record<string, string>, schema: TermDef[]): { [term: string]: Value } {
  const out: { [term: string]: Value } = {};
  for (const t of schema) {
    const from = (read[t.term] ?? "").trim();
    const to = (edited[t.term] ?? "").trim();
    if (from !== to) out[t.term] = toValue(to, t.kind);
  }
  return out;
}

/** The lease a typed lease number or id names: its id, null for none, or the sentence why not. */
export function leaseFor(text: string, leases: LeaseOption[]): { id: string | null } | string {
  const t = text.trim();
  if (!t) return { id: null };
  const byNumber = leases.find((l) => l.lease_number.toLowerCase() === t.toLowerCase());
  if (byNumber) return { id: byNumber.id };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) return { id: t.toLowerCase() };
  return `No lease is numbered "${t}": enter a lease number or id, or leave it empty.`;
}

/** The tenant term of an abstraction, for the list. */
export function tenantOf(a: LeaseAbstraction): string {
  const terms = (a.extracted_terms ?? {}) as Record<string, unknown>;
  return toText(terms.tenant_name);
}

/** A non-standard clause's severity as a badge tone. */
export function severityTone(s: string): "bad" | "warn" | "neutral" {
  return s === "critical" ? "bad" : s === "warning" ? "warn" : "neutral";
}
