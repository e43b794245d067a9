// The lease builder's pure parts: the terms form (its defaults, a draft's terms loaded back into
// it for editing, and read into the core's request; the core checks the rest and its words are
// shown), whether a lease may be edited, a risk's tone, each signer's
// status as the leases list shows it, the signers a send names, and the lines the confirms list.
import type {
  BuilderLeaseRow, BuilderRequest, GenerationTerms, LibraryClause, SignerInput, SignerStatus, SigningEmail,
} from "$lib/bindings";
import type { Tone } from "$lib/components/badge";
import { formatDateTime, humanize } from "$lib/format";

/** The spec's flag: clauses scoring above it are shown to a person. */
export const RISK_FLAG = 70;

/** What the terms form holds, as typed. */
export type TermsForm = {
  tenant_name: string;
  tenant_email: string;
  start_date: string;
  end_date: string;
  monthly_rent: string;
  security_deposit: string;
  late_fee: string;
  grace_days: string;
  rent_due_day: string;
  /** Values for the clauses' other `{{variables}}` (named by the assembly as missing). */
  variables: Record<string, string>;
};

const iso = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/** A 12-month term from the first of next month, at the unit's rent with a month's deposit. */
export function defaultTerms(rent: string, today: Date = new Date()): TermsForm {
  const start = new Date(today.getFullYear(), today.getMonth() + 1, 1);
  const end = new Date(start.getFullYear() + 1, start.getMonth(), 0);
  const r = Number(rent) > 0 ? String(Number(rent)) : "";
  return {
    tenant_name: "", tenant_email: "", start_date: iso(start), end_date: iso(end), monthly_rent: r,
    security_deposit: r, late_fee: "50", grace_days: "5", rent_due_day: "1", variables: {},
  };
}

/** A draft's terms as the form holds them, to edit (an amount or day left out is empty). */
export function termsOf(t: GenerationTerms): TermsForm {
  const text = (v: string | number | undefined) => (v === undefined ? "" : String(v));
  return {
    tenant_name: t.tenant_name ?? "", tenant_email: t.tenant_email ?? "", start_date: t.start_date,
    end_date: t.end_date, monthly_rent: t.monthly_rent, security_deposit: text(t.security_deposit),
    late_fee: text(t.late_fee), grace_days: text(t.grace_days), rent_due_day: text(t.rent_due_day),
    variables: { ...(t.variables ?? {}) },
  };
}

/** Why a lease cannot be edited ("" for a draft not yet sent, which can). */
export function editBlocked(status: string): string {
  if (status === "draft" || status === "review") return "";
  return `Only a draft not yet sent can be edited: this lease is ${humanize(status).toLowerCase()}.`;
}

const amount = (t: string) => t.replace(/[$,\s]/g, "");

/** The form as the core's request, or what is not readable (the core checks the rest). */
export function toRequest(
  unitId: string, f: TermsForm, clauseIds: string[],
): { request: BuilderRequest } | { error: string } {
  if (!unitId) return { error: "Pick the unit the lease is for." };
  for (const [label, v] of [["Start date", f.start_date], ["End date", f.end_date]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return { error: `${label} is a date (YYYY-MM-DD).` };
  }
  for (const [label, v] of [["Monthly rent", f.monthly_rent], ["Security deposit", f.security_deposit],
    ["Late fee", f.late_fee]] as const) {
    if (!/^\d+(\.\d{1,2})?$/.test(amount(v))) return { error: `${label} '${v}' is not an amount, e.g. 1450.` };
  }
  for (const [label, v] of [["Grace days", f.grace_days], ["Rent due day", f.rent_due_day]] as const) {
    if (!/^\d+$/.test(v.trim())) return { error: `${label} '${v}' is not a whole number.` };
  }
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.variables)) if (v.trim()) variables[k] = v;
  return {
    request: {
      unit_id: unitId,
      clause_ids: clauseIds,
      lease_terms: {
        tenant_name: f.tenant_name,
        tenant_email: f.tenant_email,
        start_date: f.start_date.trim(),
        end_date: f.end_date.trim(),
        monthly_rent: amount(f.monthly_rent),
        security_deposit: amount(f.security_deposit),
        late_fee: amount(f.late_fee),
        grace_days: Number(f.grace_days.trim()),
        rent_due_day: Number(f.rent_due_day.trim()),
        variables,
      },
    },
  };
}

/** The tone of a risk score: flagged above 70, worth a look above 40. */
export function riskTone(score: number): Tone {
  return score > RISK_FLAG ? "bad" : score > 40 ? "warn" : "good";
}

/** What the state says of a clause: "Required in CA", "Prohibited in CA (statute)", or "". */
export function jurisdictionNote(c: Pick<LibraryClause, "required_here" | "prohibited_here">, state: string): string {
  if (c.prohibited_here !== null) return `Prohibited in ${state}${c.prohibited_here ? ` (${c.prohibited_here})` : ""}`;
  return c.required_here ? `Required in ${state}` : "";
}

/** The clauses chosen by default for a library: the standard set and the state's required ones. */
export function defaultChoice(clauses: LibraryClause[]): string[] {
  return clauses.filter((c) => c.default_chosen || c.required_here).map((c) => c.id);
}

/** "2 of 2 signed" (or "Not sent" before anyone is asked). */
export function signingSummary(row: Pick<BuilderLeaseRow, "signers" | "status">): string {
  if (row.status === "fully_signed") return "Fully signed";
  if (!row.signers.length) return row.status === "voided" ? "Voided" : "Not sent";
  const signed = row.signers.filter((s) => s.status === "signed").length;
  return `${signed} of ${row.signers.length} signed`;
}

/** A signer's line: "Viewed Jan 2, 2027, 10:00 AM · Signed …", or their status. */
export function signerTimes(s: Pick<SignerStatus, "status" | "viewed_at" | "signed_at">): string {
  const parts = [
    s.viewed_at ? `Viewed ${formatDateTime(s.viewed_at)}` : "",
    s.signed_at ? `Signed ${formatDateTime(s.signed_at)}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : humanize(s.status);
}

/** Who a send names: the tenant and the countersigning manager when an address is given; none
 * (the core's default: the lease's tenant and the manager in Settings) otherwise. */
export function sendSigners(
  row: Pick<BuilderLeaseRow, "tenant_name" | "tenant_email">, managerName: string, managerEmail: string,
): SignerInput[] {
  if (!managerEmail.trim()) return [];
  return [
    { signer_role: "tenant", signer_name: row.tenant_name, signer_email: row.tenant_email },
    { signer_role: "property_manager", signer_name: managerName.trim() || "Property Manager",
      signer_email: managerEmail.trim() },
  ];
}

/** The heading of an email in the send confirm: "To Alex Rivera <alex@example.com>". */
export function emailTo(m: Pick<SigningEmail, "recipient_name" | "recipient">): string {
  return `To ${m.recipient_name} <${m.recipient}>`;
}

/** What signing in person records, line by line. */
export function inPersonLines(s: Pick<SignerStatus, "signer_name" | "signer_role">, typed: string) {
  return [
    { label: "Signer", value: `${s.signer_name} (${humanize(s.signer_role)})` },
    { label: "Typed signature", value: typed.trim() },
    { label: "Consent", value: "They have read every page on this screen and agree to sign electronically." },
  ];
}
