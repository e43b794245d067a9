//! The nightly 03:00 renewal scan (spec `renewals.tasks.nightly_renewal_scan`), written once
//! over [`RenewalsPort`]: the replica and the server run this same function.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::port::{RenewalWrite, RenewalsPort};
use super::{ChurnInput, RenewalPlan, RenewalRecommendation, RenewalStatus};
use crate::ai::letters::{Channel, Recipient, RenewalLetterInput};
use crate::ai::prompts::RenewalLetter;
use crate::ai::Gateway;
use crate::jobs::{Job, JobReport};
use crate::model::Lease;
use crate::port::{self, DraftedLetter, Records};
use crate::store::{Result, StoreError};

/// The renewal letter's input for a plan: respond within 21 days, never after the proposed start.
pub fn letter_input(recipient: Recipient, lease: &Lease, plan: &RenewalPlan, today: NaiveDate) -> RenewalLetterInput {
    RenewalLetterInput {
        recipient,
        current_rent: plan.current_rent,
        offer_rent: plan.recommended_rent,
        market_rent: Some(plan.market_rent),
        term_months: plan.recommended_term_months,
        lease_end_date: lease.lease_end_date,
        respond_by: (today + Duration::days(21)).min(plan.recommended_lease_start),
        today,
        channel: Channel::Letter,
    }
}

/// Drafts the renewal letter for a plan through the AI gateway (every call logged in `ai_run`).
/// The offline templates answer when Claude is not configured or fails.
pub fn draft_renewal_letter<R: Records>(
    records: &R,
    gateway: &Gateway,
    lease: &Lease,
    plan: &RenewalPlan,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DraftedLetter> {
    let input = letter_input(port::recipient(records, lease)?, lease, plan, today);
    let out = gateway.run::<RenewalLetter>(&input, records, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(DraftedLetter { text: out.value.render(), provider: out.provider.as_str().into() })
}

/// Reads what `compute_churn_score` needs for a lease.
pub fn load_churn_input<P: RenewalsPort + ?Sized>(
    port: &P,
    lease: &Lease,
    vacancy: &HashMap<Uuid, (u32, u32)>,
    today: NaiveDate,
) -> Result<ChurnInput> {
    let entries = port.ledger_since(lease.tenant_id, super::ledger_window_start(today))?;
    let work_orders = port.work_order_dates(lease.unit_id)?;
    let unit = port.unit(lease.unit_id)?;
    let counts = vacancy.get(&lease.property_id).copied().unwrap_or((0, 0));
    Ok(super::churn_input(lease, &entries, &work_orders, unit.market_rent, counts, today))
}

/// A new pending recommendation for `lease` with its plan and drafted letter.
pub fn new_recommendation(
    lease: &Lease,
    plan: RenewalPlan,
    letter: DraftedLetter,
    now: DateTime<Utc>,
) -> RenewalRecommendation {
    RenewalRecommendation {
        id: Uuid::new_v4(),
        lease_id: lease.id,
        tenant_id: lease.tenant_id,
        unit_id: lease.unit_id,
        property_id: lease.property_id,
        plan,
        renewal_letter_text: letter.text,
        renewal_letter_generated_at: Some(now),
        letter_provider: letter.provider,
        status: RenewalStatus::Pending,
        reviewed_by: String::new(),
        reviewed_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// What one scan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanReport {
    pub created: usize,
    pub expired: usize,
}

impl ScanReport {
    pub fn summary(&self) -> String {
        format!("Created {} renewal recommendations; {} offers expired.", self.created, self.expired)
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::RenewalScan.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::json!({"created": self.created, "expired": self.expired}),
            skipped: false,
        }
    }
}

/// The manager's note when the tenant's messages signal a high or critical churn risk.
pub fn churn_signal_note(signal: Option<(String, f64)>) -> Option<String> {
    let (risk, p) = signal?;
    matches!(risk.as_str(), "high" | "critical").then(|| {
        format!(
            "Their messages signal {risk} churn risk ({:.0}% in the communications hub's sentiment log): reach \
             out before the offer.",
            p * 100.0
        )
    })
}

/// The scan: active leases ending in 30–120 days and month-to-month leases without an open
/// recommendation get one, with churn, rent, term and a drafted letter; offers nobody answered
/// before the proposed start lapse. Letters are drafted before anything is written, then every
/// row is written in one short transaction. Idempotent: a second run finds every candidate covered.
/// The 30–120 day window, the churn inputs, the letter's dates and the lapse are on each lease's
/// property's local date at `now` (`crate::time::Days`; `today` is the run's UTC date).
pub fn renewal_scan<P: RenewalsPort>(
    port: &mut P,
    gateway: &Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ScanReport> {
    let days = crate::time::Days::of_port(port, today, now)?;
    let covered = port.leases_with_open_renewal()?;
    let vacancy = port.property_vacancy()?;
    let mut writes = Vec::new();
    for lease in port.renewal_candidates()? {
        let today = days.of(lease.property_id);
        if covered.contains(&lease.id) || !super::is_scan_candidate(&lease, today) {
            continue;
        }
        let input = load_churn_input(port, &lease, &vacancy, today)?;
        let mut plan = super::plan_renewal(&lease, &input, today);
        let letter = draft_renewal_letter(port, gateway, &lease, &plan, today, now)?;
        // The communications hub's churn signal (5.3) is for the manager reviewing the offer,
        // so it is added after the letter is drafted and never reaches the tenant.
        if let Some(note) = churn_signal_note(port.churn_signal(lease.tenant_id)?) {
            plan.rent_reasoning = format!("{} {note}", plan.rent_reasoning).trim().to_string();
        }
        writes.push(RenewalWrite::Insert(new_recommendation(&lease, plan, letter, now)));
    }
    let created = writes.len();
    let lapsed: Vec<RenewalWrite> = port
        .open_renewals()?
        .into_iter()
        .filter(|r| super::is_expired(r, days.of(r.property_id)))
        .map(|rec| RenewalWrite::Status {
            rec,
            to: RenewalStatus::Expired,
            rent: None,
            actor: "system:renewal_scan".into(),
        })
        .collect();
    let expired = lapsed.len();
    writes.extend(lapsed);
    port.write_renewals(&writes, now)?;
    Ok(ScanReport { created, expired })
}

#[cfg(test)]
mod churn_signal_tests {
    #[test]
    fn only_a_high_or_critical_signal_from_the_tenants_messages_is_noted() {
        assert_eq!(super::churn_signal_note(None), None);
        assert_eq!(super::churn_signal_note(Some(("medium".into(), 0.45))), None);
        let note = super::churn_signal_note(Some(("critical".into(), 0.82))).unwrap();
        assert!(note.contains("critical churn risk (82%"), "{note}");
    }
}
