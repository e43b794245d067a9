//! The review workflow (approve, send, accept, decline, redraft), written once over
//! [`RenewalsPort`]: the TUI, the CLI, the desktop and the server call these functions.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::port::{RenewalWrite, RenewalsPort};
use super::scan::draft_renewal_letter;
use super::{RenewalAction, RenewalRecommendation, RenewalStatus};
use crate::ai::Gateway;
use crate::documents::Attachment;
use crate::lifecycle::{self, LifecycleAction};
use crate::model::LeaseStatus;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::pdf::letter::{letter, LetterInput};
use crate::port::{self, Records};
use crate::store::{Queueing, Result, Store, StoreError};

/// The renewal letter as a printable PDF: the drafted text with the offer's figures, read from
/// the current records.
pub fn renewal_letter_pdf_input<R: Records + ?Sized>(
    records: &R,
    rec: &RenewalRecommendation,
    today: NaiveDate,
) -> Result<LetterInput> {
    use crate::format::{date, money};
    let lease = records.lease(rec.lease_id)?;
    let to = port::recipient(records, &lease)?;
    let p = &rec.plan;
    Ok(LetterInput {
        property_name: to.property_name.clone(),
        property_address: to.property_address.clone(),
        date: date(today),
        recipient: vec![
            to.full_name(),
            format!("Unit {}, {}", to.unit_number, to.property_name),
            to.property_address.clone(),
        ],
        subject: format!("Lease renewal offer for unit {}", to.unit_number),
        body: rec.renewal_letter_text.clone(),
        figures: vec![
            ("Current rent".into(), format!("{}/mo", money(p.current_rent))),
            ("Renewal rent".into(), format!("{}/mo", money(p.recommended_rent))),
            ("Term".into(), format!("{} months", p.recommended_term_months)),
            ("New lease".into(), format!("{} – {}", date(p.recommended_lease_start), date(p.recommended_lease_end))),
        ],
        banner: None,
    })
}

/// The letter about to be sent states the offered rent and no figure the plan does not hold
/// (current, offered and market rent, and the change between current and offered).
pub fn check_letter(rec: &RenewalRecommendation) -> std::result::Result<(), String> {
    let p = &rec.plan;
    let change = (p.recommended_rent - p.current_rent).abs();
    let text = &rec.renewal_letter_text;
    crate::figures::check(text, &[p.current_rent, p.recommended_rent, p.market_rent, change], "renewal letter")?;
    crate::figures::require(text, p.recommended_rent, "offered rent", "renewal letter")
}

/// Renders the offer letter PDF and stores it as a blob (none where the store keeps no blobs).
fn letter_attachment<R: Records + ?Sized>(
    records: &R,
    rec: &RenewalRecommendation,
    now: DateTime<Utc>,
) -> Result<Option<Attachment>> {
    let input = renewal_letter_pdf_input(records, rec, crate::time::today_at(records, rec.property_id, now)?)?;
    let unit = records.unit(rec.unit_id)?;
    let bytes =
        letter(&input, now).map_err(|e| StoreError::Rejected(format!("could not render the letter PDF: {e}")))?;
    Ok(records
        .put_document(&bytes, "application/pdf", now)?
        .map(|sha256| Attachment { sha256, name: format!("Renewal offer {}.pdf", unit.unit_number) }))
}

/// The rows a step writes, planned by `renewals::plan_step` and the lifecycle engine.
/// Accepting renews the lease in place: its term and rent become the offer's, a month-to-month
/// lease returns to active through the lifecycle engine (logged), and the unit's rent follows.
/// Sending queues the letter by email (with `attachment`) in the same transaction.
pub fn plan_step_writes<R: Records + ?Sized>(
    records: &R,
    rec: &RenewalRecommendation,
    action: &RenewalAction,
    actor: &str,
    attachment: Option<&Attachment>,
    now: DateTime<Utc>,
) -> Result<Vec<RenewalWrite>> {
    let (to, rent) = super::plan_step(rec, action).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let rent = rent.map(|r| (r, super::rent_increase_pct(rec.plan.current_rent, r)));
    let mut writes = vec![RenewalWrite::Status { rec: rec.clone(), to, rent, actor: lifecycle::truncate(actor, 100) }];
    match to {
        // Approved at another rent: the letter drafted for the old figure is redrafted from the
        // approved plan (the offline template, which states exactly the plan's figures), in the
        // same transaction, so no letter can say the old rent.
        RenewalStatus::Approved => {
            if let Some((r, pct)) = rent.filter(|(r, _)| *r != rec.plan.recommended_rent) {
                let plan = super::RenewalPlan { recommended_rent: r, rent_increase_pct: pct, ..rec.plan.clone() };
                let lease = records.lease(rec.lease_id)?;
                let today = crate::time::today_at(records, rec.property_id, now)?;
                let input = super::scan::letter_input(port::recipient(records, &lease)?, &lease, &plan, today);
                let text = crate::ai::letters::renewal_letter(&input).render();
                writes.push(RenewalWrite::Letter { id: rec.id, text, provider: "offline".into() });
            }
        }
        RenewalStatus::Sent => {
            check_letter(rec).map_err(StoreError::Rejected)?;
            let tenant = records.tenant(rec.tenant_id)?;
            writes.push(RenewalWrite::Enqueue(NewMessage {
                idempotency_key: format!("renewal:{}:send", rec.id),
                channel: DeliveryChannel::Email,
                recipient_name: tenant.full_name(),
                recipient: tenant.email.clone(),
                subject: "Your lease renewal offer".into(),
                body: rec.renewal_letter_text.clone(),
                attachment_sha256: attachment.map(|a| a.sha256.clone()),
                attachment_name: attachment.map(|a| a.name.clone()),
                related_type: "renewal_recommendation".into(),
                related_id: Some(rec.id),
                scheduled_for: now,
            }));
        }
        RenewalStatus::Accepted => {
            let lease = records.lease(rec.lease_id)?;
            match lease.lease_status {
                LeaseStatus::MonthToMonth => {
                    let renew = LifecycleAction::Renew {
                        lease_begin_date: rec.plan.recommended_lease_start,
                        lease_end_date: rec.plan.recommended_lease_end,
                    };
                    writes.push(RenewalWrite::Transition(lifecycle::plan_action(
                        &lease,
                        &renew,
                        actor,
                        crate::time::today_at(records, lease.property_id, now)?,
                    )?));
                }
                LeaseStatus::Active => {}
                other => {
                    return Err(StoreError::Rejected(format!(
                        "The lease is {} now; a renewal can no longer be accepted.",
                        other.label()
                    )))
                }
            }
            writes.push(RenewalWrite::RenewLease {
                lease_id: lease.id,
                unit_id: lease.unit_id,
                rent: rec.plan.recommended_rent,
                start: rec.plan.recommended_lease_start,
                end: rec.plan.recommended_lease_end,
            });
        }
        _ => {}
    }
    Ok(writes)
}

/// A review step as people take it (CLI, TUI, desktop, server): planned by the core, written in
/// one transaction; sending attaches the offer letter PDF.
pub fn renewal_step<P: RenewalsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<RenewalRecommendation> {
    let rec = port.renewal(id)?;
    if *action == RenewalAction::Send && rec.status == RenewalStatus::Approved {
        check_letter(&rec).map_err(StoreError::Rejected)?;
    }
    let attachment = if *action == RenewalAction::Send && rec.status == RenewalStatus::Approved {
        letter_attachment(port, &rec, now)?
    } else {
        None
    };
    let writes = plan_step_writes(port, &rec, action, actor, attachment.as_ref(), now)?;
    port.write_renewals(&writes, now)?;
    port.renewal(id)
}

/// Redrafts a recommendation's letter through the AI gateway (outside any transaction), then
/// stores it.
pub fn regenerate_letter<P: RenewalsPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<RenewalRecommendation> {
    let rec = port.renewal(id)?;
    let lease = port.lease(rec.lease_id)?;
    let today = crate::time::today_at(port, lease.property_id, now)?;
    let drafted = draft_renewal_letter(port, gateway, &lease, &rec.plan, today, now)?;
    port.write_renewals(&[RenewalWrite::Letter { id, text: drafted.text, provider: drafted.provider }], now)?;
    port.renewal(id)
}

/// A review step taken by a person on a replica (TUI, CLI, desktop). On a connected replica the
/// server owns renewal state: the step is applied here at once and queued for the server in the
/// same transaction (`crate::sync_actions`); a standalone replica just applies it.
pub fn replica_step(
    store: &mut Store,
    id: Uuid,
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<RenewalRecommendation> {
    let json = serde_json::to_value(action).map_err(|e| StoreError::Rejected(e.to_string()))?;
    renewal_step(&mut Queueing::on_replica(store, ENTITY, id, json)?, id, action, actor, now)
}

/// The table renewal actions are about, as named in `sync_action.entity`.
pub const ENTITY: &str = "renewal_recommendation";
