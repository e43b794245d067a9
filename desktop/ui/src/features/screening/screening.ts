// The screening view's pure parts: the queue's order, a score as shown, a status's tone, the
// intake form read into the core's NewApplication (the core checks the rest and its words are
// shown), and the lines a confirm lists: exactly what an approval or a denial records.
import type { ApplicationDetail, ApplicationListItem, NewApplication, ScreeningFactor } from "$lib/bindings";
import type { Tone } from "$lib/components/badge";
import { formatMoney, humanize } from "$lib/format";

/** Submitted or scored: a person still decides it. */
export function isWaiting(status: string): boolean {
  return status === "submitted" || status === "screening" || status === "scored";
}

/** Waiting ones first, the order within kept (newest first, as the core lists them). */
export function queueOrder<T extends Pick<ApplicationListItem, "status">>(rows: T[]): T[] {
  return [...rows.filter((r) => isWaiting(r.status)), ...rows.filter((r) => !isWaiting(r.status))];
}

/** A score as shown: "62", or "—" when not scored. */
export function scoreLabel(score: number | null | undefined): string {
  return score === null || score === undefined ? "—" : String(Math.round(score));
}

/** The badge tone of an application's status or recommendation. */
export function statusTone(status: string): Tone {
  switch (status) {
    case "approved":
    case "approve":
      return "good";
    case "conditionally_approved":
    case "conditional_approve":
    case "manual_review":
    case "scored":
      return "warn";
    case "denied":
    case "deny":
      return "bad";
    default:
      return "neutral";
  }
}

/** A risk factor's deduction as shown: "-30". */
export function impactLabel(f: Pick<ScreeningFactor, "score_impact">): string {
  return f.score_impact > 0 ? `+${f.score_impact}` : String(f.score_impact);
}

/** What the intake form holds, as typed. */
export type IntakeForm = {
  unit_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  employer_name: string;
  monthly_income: string;
  employment_start_date: string;
  previous_landlord_name: string;
  previous_lease_months: string;
  eviction_history: boolean;
};

export function emptyIntake(unitId = ""): IntakeForm {
  return {
    unit_id: unitId, first_name: "", last_name: "", email: "", phone: "", employer_name: "", monthly_income: "",
    employment_start_date: "", previous_landlord_name: "", previous_lease_months: "", eviction_history: false,
  };
}

/** The form as the core's NewApplication, or what is not readable (the core checks the rest). */
export function toNewApplication(f: IntakeForm): { application: NewApplication } | { error: string } {
  if (!f.unit_id) return { error: "Pick the unit the application is for." };
  const income = f.monthly_income.replace(/[$,\s]/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(income)) return { error: `Monthly income '${f.monthly_income}' is not an amount, e.g. 5400.` };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.employment_start_date.trim())) {
    return { error: "Employed since is a date (YYYY-MM-DD)." };
  }
  const months = f.previous_lease_months.trim();
  if (months && !/^\d+$/.test(months)) return { error: `Previous lease '${months}' is not a whole number of months.` };
  return {
    application: {
      unit_id: f.unit_id,
      first_name: f.first_name,
      last_name: f.last_name,
      email: f.email,
      phone: f.phone,
      date_of_birth: null,
      ssn_last_four: "",
      employer_name: f.employer_name,
      employer_phone: "",
      job_title: "",
      monthly_income: income,
      employment_start_date: f.employment_start_date.trim(),
      income_verification_type: "",
      previous_address: "",
      previous_landlord_name: f.previous_landlord_name,
      previous_landlord_phone: "",
      previous_rent: null,
      previous_lease_duration_months: months ? Number(months) : null,
      reason_for_leaving: "",
      eviction_history: f.eviction_history,
      num_occupants: 1,
      has_pets: false,
      pet_details: "",
    },
  };
}

type Who = Pick<ApplicationDetail, "first_name" | "last_name" | "unit_number" | "property_name">;
const applicant = (a: Who) => `${a.first_name} ${a.last_name}, unit ${a.unit_number} at ${a.property_name}`;

/** What an approval records, line by line. */
export function approvalLines(
  a: Who & Pick<ApplicationDetail, "ai_score" | "ai_recommendation">,
  notes: string,
  conditional: boolean,
): { label: string; value: string }[] {
  return [
    { label: "Decision", value: conditional ? "Conditionally approved" : "Approved" },
    { label: "Applicant", value: applicant(a) },
    { label: "Score", value: `${scoreLabel(a.ai_score)} (${humanize(a.ai_recommendation) || "not scored"})` },
    { label: "Notes", value: notes.trim() || "None" },
    { label: "Sent", value: "Nothing is sent to the applicant; the decision is recorded with your name." },
  ];
}

/** The reasons an adverse action notice gives: each risk factor, then the typed reason. */
export function denialReasons(a: Pick<ApplicationDetail, "risk_factors">, reason: string): string[] {
  const reasons = a.risk_factors.map((f) => f.factor);
  if (reason.trim()) reasons.push(reason.trim());
  return reasons;
}

/** What a denial records, line by line (the reasons are listed apart, see `denialReasons`). */
export function denialLines(a: Who & Pick<ApplicationDetail, "email" | "ai_score">): { label: string; value: string }[] {
  return [
    { label: "Decision", value: "Denied" },
    { label: "Applicant", value: applicant(a) },
    { label: "Score", value: scoreLabel(a.ai_score) },
    { label: "Notice", value: `An adverse action notice is emailed to ${a.email} with these reasons:` },
  ];
}

/** An income as shown, from the core's decimal string. */
export function income(amount: string): string {
  return formatMoney(amount);
}
