//! The renewal jobs: the nightly scan and the workflow steps that write several tables.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use uuid::Uuid;

use crate::ai::letters::{Channel, Recipient, RenewalLetterInput};
use crate::ai::prompts::RenewalLetter;
use crate::ai::Gateway;
use crate::jobs::{Job, JobReport};
use crate::ledger;
use crate::lifecycle::{self, LifecycleAction};
use crate::model::{Lease, LeaseStatus, UnitStatus};
use crate::outbox::{self, DeliveryChannel, NewMessage};
use crate::pdf::letter::LetterInput;
use crate::renewals::{self, ChurnInput, RenewalAction, RenewalRecommendation, RenewalStatus};
use crate::store::{self, Result, Store, StoreError};

/// A drafted letter and the provider that drafted it ("offline", "claude").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftedLetter {
    pub text: String,
    pub provider: String,
}

/// Who a letter is for, read from the replica.
pub fn recipient(store: &Store, lease: &Lease) -> Result<Recipient> {
    let tenant = store.tenant(lease.tenant_id)?;
    let unit = store.unit(lease.unit_id)?;
    let property = store.property(lease.property_id)?;
    Ok(Recipient {
        first_name: tenant.first_name,
        last_name: tenant.last_name,
        unit_number: unit.unit_number,
        property_address: format!("{}, {}, {} {}", property.address, property.city, property.state, property.zip_code),
        property_name: property.name,
    })
}

/// Drafts the renewal letter for a plan through the AI gateway (every call logged in `ai_run`).
/// The offline templates answer when Claude is not configured or fails.
pub fn draft_renewal_letter(
    store: &Store,
    gateway: &Gateway,
    lease: &Lease,
    plan: &renewals::RenewalPlan,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DraftedLetter> {
    let input = RenewalLetterInput {
        recipient: recipient(store, lease)?,
        current_rent: plan.current_rent,
        offer_rent: plan.recommended_rent,
        market_rent: Some(plan.market_rent),
        term_months: plan.recommended_term_months,
        lease_end_date: lease.lease_end_date,
        respond_by: (today + Duration::days(21)).min(plan.recommended_lease_start),
        today,
        channel: Channel::Letter,
    };
    let out = gateway.run::<RenewalLetter>(&input, store, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(DraftedLetter { text: out.value.render(), provider: out.provider.as_str().into() })
}

/// Reads what `compute_churn_score` needs for a lease from the replica.
pub fn churn_input(
    store: &Store,
    lease: &Lease,
    vacancy: &HashMap<Uuid, (u32, u32)>,
    today: NaiveDate,
) -> Result<ChurnInput> {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let entries = store.ledger(lease.tenant_id, Some(year_ago - Duration::days(62)))?;
    let alloc = ledger::allocate(&entries);
    let work_orders = store.work_orders(lease.unit_id)?.iter().filter(|w| w.requested_date >= year_ago).count();
    let unit = store.unit(lease.unit_id)?;
    let (total, vacant) = vacancy.get(&lease.property_id).copied().unwrap_or((0, 0));
    Ok(ChurnInput {
        charges_12mo: alloc.charge_count(year_ago) as u32,
        late_12mo: alloc.late_count(year_ago, today) as u32,
        work_orders_12mo: work_orders as u32,
        current_rent: lease.monthly_rent_amount,
        market_rent: Some(unit.market_rent),
        lease_begin_date: lease.lease_begin_date,
        property_total_units: total,
        property_vacant_units: vacant,
    })
}

/// (total units, vacant units) per property.
pub fn property_vacancy(store: &Store) -> Result<HashMap<Uuid, (u32, u32)>> {
    let mut out = HashMap::new();
    let mut stmt = store.conn().prepare(
        "SELECT property_id, COUNT(*), SUM(CASE WHEN status = 'vacant' THEN 1 ELSE 0 END) FROM units_unit GROUP BY property_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.insert(store::get_uuid(r, 0)?, (r.get::<_, u32>(1)?, r.get::<_, u32>(2)?));
    }
    Ok(out)
}

/// The nightly 03:00 scan: active leases ending in 30–120 days and month-to-month leases without
/// an open recommendation get one, with churn, rent, term and a drafted letter. Idempotent:
/// a second run finds every candidate already covered.
pub fn renewal_scan(store: &mut Store, gateway: &Gateway, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let covered = store.leases_with_open_renewal()?;
    let vacancy = property_vacancy(store)?;
    let mut recs = Vec::new();
    for lease in store.leases_in(&[LeaseStatus::Active, LeaseStatus::MonthToMonth])? {
        if covered.contains(&lease.id) || !renewals::is_scan_candidate(&lease, today) {
            continue;
        }
        let input = churn_input(store, &lease, &vacancy, today)?;
        let plan = renewals::plan_renewal(&lease, &input, today);
        let letter = draft_renewal_letter(store, gateway, &lease, &plan, today, now)?;
        recs.push(RenewalRecommendation {
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
        });
    }
    // Offers nobody answered before the proposed start lapse.
    let lapsed: Vec<RenewalRecommendation> = store
        .renewals(&store::RenewalFilter {
            status: vec![RenewalStatus::Pending, RenewalStatus::Approved, RenewalStatus::Sent],
            ..Default::default()
        })?
        .into_iter()
        .filter(|r| renewals::is_expired(r, today))
        .collect();
    let created = recs.len();
    store.transaction(|tx| {
        for r in &recs {
            store::insert_renewal(tx, r)?;
        }
        for r in &lapsed {
            store::update_renewal_status(tx, r, RenewalStatus::Expired, None, "system:renewal_scan", now)?;
        }
        Ok(())
    })?;
    Ok(JobReport {
        job: Job::RenewalScan.name(),
        run_date: today,
        summary: format!("Created {created} renewal recommendations; {} offers expired.", lapsed.len()),
        counts: serde_json::json!({"created": created, "expired": lapsed.len()}),
        skipped: false,
    })
}

/// Applies a workflow step. Accepting renews the lease in place: its term and rent become the
/// offer's, a month-to-month lease returns to active through the lifecycle engine (logged), and
/// the unit's current rent follows. `on_send` queues the letter in the same transaction.
pub fn apply_renewal_action(
    store: &mut Store,
    id: Uuid,
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
    on_send: &dyn Fn(&rusqlite::Transaction<'_>, &RenewalRecommendation) -> Result<()>,
) -> Result<RenewalRecommendation> {
    let rec = store.renewal(id)?;
    let (to, rent) = renewals::plan_step(&rec, action).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let rent_and_pct = rent.map(|r| (r, renewals::rent_increase_pct(rec.plan.current_rent, r)));
    let lease = store.lease(rec.lease_id)?;
    let renewal = if to == RenewalStatus::Accepted {
        let renew = LifecycleAction::Renew {
            lease_begin_date: rec.plan.recommended_lease_start,
            lease_end_date: rec.plan.recommended_lease_end,
        };
        match lease.lease_status {
            LeaseStatus::MonthToMonth => Some(lifecycle::plan_action(&lease, &renew, actor, now.date_naive())?),
            LeaseStatus::Active => None,
            other => {
                return Err(StoreError::Rejected(format!(
                    "The lease is {} now; a renewal can no longer be accepted.",
                    other.label()
                )))
            }
        }
    } else {
        None
    };
    store.transaction(|tx| {
        store::update_renewal_status(tx, &rec, to, rent_and_pct, actor, now)?;
        if to == RenewalStatus::Sent {
            on_send(tx, &rec)?;
        }
        if to == RenewalStatus::Accepted {
            if let Some(t) = &renewal {
                store::apply_transition(tx, t, now)?;
            }
            tx.execute(
                "UPDATE tenant_lease SET monthly_rent_amount = ?2, lease_begin_date = ?3, lease_end_date = ?4,
                 updated_at = ?5 WHERE id = ?1",
                rusqlite::params![
                    lease.id.to_string(),
                    rec.plan.recommended_rent.to_string(),
                    rec.plan.recommended_lease_start,
                    rec.plan.recommended_lease_end,
                    now
                ],
            )?;
            tx.execute(
                "UPDATE units_unit SET current_rent = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
                rusqlite::params![
                    lease.unit_id.to_string(),
                    rec.plan.recommended_rent.to_string(),
                    UnitStatus::Occupied,
                    now
                ],
            )?;
        }
        Ok(())
    })?;
    store.renewal(id)
}

/// The renewal letter as a printable PDF: the drafted text with the offer's figures.
pub fn renewal_letter_pdf_input(store: &Store, rec: &RenewalRecommendation, today: NaiveDate) -> Result<LetterInput> {
    use crate::format::{date, money};
    let lease = store.lease(rec.lease_id)?;
    let to = recipient(store, &lease)?;
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

/// A review step as people take it (CLI, TUI, server): sending queues the letter by email with
/// the letter PDF attached, in the same transaction as the status change.
pub fn renewal_step(
    store: &mut Store,
    id: Uuid,
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<RenewalRecommendation> {
    let rec = store.renewal(id)?;
    let tenant = store.tenant(rec.tenant_id)?;
    let attachment = if *action == RenewalAction::Send && rec.status == RenewalStatus::Approved {
        let input = renewal_letter_pdf_input(store, &rec, now.date_naive())?;
        let unit = store.unit(rec.unit_id)?;
        crate::documents::store_letter_pdf(store, &input, &format!("Renewal offer {}.pdf", unit.unit_number), now)?
    } else {
        None
    };
    let on_send = |tx: &rusqlite::Transaction<'_>, r: &RenewalRecommendation| {
        outbox::enqueue(
            tx,
            &NewMessage {
                idempotency_key: format!("renewal:{}:send", r.id),
                channel: DeliveryChannel::Email,
                recipient_name: tenant.full_name(),
                recipient: tenant.email.clone(),
                subject: "Your lease renewal offer".into(),
                body: r.renewal_letter_text.clone(),
                attachment_sha256: attachment.as_ref().map(|a| a.sha256.clone()),
                attachment_name: attachment.as_ref().map(|a| a.name.clone()),
                related_type: "renewal_recommendation".into(),
                related_id: Some(r.id),
                scheduled_for: now,
            },
            now,
        )
        .map(|_| ())
    };
    apply_renewal_action(store, id, action, actor, now, &on_send)
}
