//! The command-center jobs: the nightly AI action queue and bulk-action execution.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ai::letters::{ActionInput, Channel, MoveOutInspectionInput, RentIncreaseInput};
use crate::ai::prompts::{CommandCenterAction, MoveOutInspectionNotice, RentIncreaseNotice};
use crate::ai::{Gateway, ProviderKind};
use crate::command_center::{self, ActionType, Row, MIN_CONFIDENCE};
use crate::jobs::{Job, JobReport};
use crate::model::LeaseStatus;
use crate::outbox::{self, NewMessage};
use crate::port::recipient;
use crate::renewals::port::RenewalsPort;
use crate::renewals::scan::{draft_renewal_letter, load_churn_input};
use crate::renewals::{self, RenewalRecommendation, RenewalStatus};
use crate::store::{self, Result, Store, StoreError, Worded};

fn rejected(e: impl std::fmt::Display) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// The nightly queue (02:00, after the lifecycle classification): rules → words from the AI
/// gateway → upsert; yesterday's pending items superseded. Running twice changes nothing.
pub fn ai_action_queue(
    store: &mut Store,
    gateway: &Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let rows: HashMap<Uuid, Row> = store.command_center_rows(today)?.into_iter().map(|r| (r.unit_id, r)).collect();
    let snapshots = store.unit_snapshots()?;
    let mut candidates = Vec::new();
    for s in &snapshots {
        for c in command_center::generate(s, today) {
            candidates.push((s.unit_id, c));
        }
    }
    let existing = store.queued_actions(today - Duration::days(7))?;
    let plan = command_center::plan_queue(&existing, &candidates, today);
    let snaps: HashMap<Uuid, &command_center::UnitSnapshot> = snapshots.iter().map(|s| (s.unit_id, s)).collect();

    let mut writes = Vec::new();
    for (unit_id, c, existing_id) in &plan.upsert {
        let (Some(row), Some(snap)) = (rows.get(unit_id), snaps.get(unit_id)) else { continue };
        let input = action_input(row, snap, c, today);
        let out = gateway.run::<CommandCenterAction>(&input, store, now).map_err(rejected)?;
        let Some((candidate, worded)) = worded_candidate(c, out) else { continue };
        writes.push(((*snap).clone(), candidate, worded, *existing_id));
    }
    let (superseded, written) = (plan.supersede.len(), writes.len());
    store.transaction(|tx| {
        store::supersede(tx, &plan.supersede, now)?;
        for (snap, c, w, existing) in &writes {
            store::upsert_queue_item(tx, *existing, snap, c, w, today, now)?;
        }
        Ok(())
    })?;
    Ok(JobReport {
        job: Job::AiActionQueue.name(),
        run_date: today,
        summary: format!("Queued {written} AI actions; superseded {superseded} from earlier days."),
        counts: serde_json::json!({"queued": written, "superseded": superseded}),
        skipped: false,
    })
}

/// The AI input wording one queue candidate.
pub fn action_input(
    row: &Row,
    snap: &command_center::UnitSnapshot,
    c: &command_center::Candidate,
    today: NaiveDate,
) -> ActionInput {
    ActionInput {
        action_type: c.action_type,
        tenant_name: row.tenant_name.clone().unwrap_or_default(),
        unit_number: row.unit_number.clone(),
        property_name: row.property_name.clone(),
        lifecycle_state: snap.lease_status.as_str().into(),
        current_rent: snap.current_rent,
        market_rent: snap.market_rent,
        proposed_rent: c.proposed_rent,
        term_months: Some(12),
        days_to_event: c.days_to_event,
        days_in_state: c.days_in_state,
        event_date: c.event_date,
        balance: None,
        today,
    }
}

/// The candidate as worded by the AI; a model's own confidence counts when a model answered
/// (offline, the rules' does). None when the confidence is below `MIN_CONFIDENCE`.
pub fn worded_candidate(
    c: &command_center::Candidate,
    out: crate::ai::AiOutput<<CommandCenterAction as crate::ai::Task>::Output>,
) -> Option<(command_center::Candidate, Worded)> {
    let mut candidate = c.clone();
    if out.provider != ProviderKind::Offline {
        candidate.confidence = out.value.confidence.to_f64().unwrap_or(candidate.confidence);
        candidate.priority = command_center::priority_for(candidate.confidence);
    }
    if candidate.confidence < MIN_CONFIDENCE {
        return None;
    }
    let worded = Worded {
        description: out.value.description,
        reason: out.value.reason,
        payload: out.value.payload,
        draft_content: out.value.draft_content,
        provider: out.provider.as_str().into(),
    };
    Some((candidate, worded))
}

/// How a bulk action reaches tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Email,
    Sms,
    Both,
    Manual,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Email => "email",
            Method::Sms => "sms",
            Method::Both => "both",
            Method::Manual => "manual",
        }
    }

    pub fn channels(self) -> &'static [Channel] {
        match self {
            Method::Email => &[Channel::Email],
            Method::Sms => &[Channel::Sms],
            Method::Both => &[Channel::Email, Channel::Sms],
            Method::Manual => &[],
        }
    }
}

/// `POST /api/command-center/actions/`: `{ action_type, unit_ids, method, scheduled_for? }` plus
/// the client's request id, which makes a retried request a no-op for units already done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub request_id: String,
    pub action_type: ActionType,
    pub unit_ids: Vec<Uuid>,
    pub method: Method,
    pub scheduled_for: Option<DateTime<Utc>>,
    #[serde(default)]
    pub suggested_payload: serde_json::Value,
}

/// What a bulk run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub batch_id: Uuid,
    pub units_processed: usize,
    pub executed: usize,
    /// Already done by an earlier attempt of the same request.
    pub already_done: usize,
    pub skipped: Vec<(Uuid, String)>,
    pub messages_queued: usize,
}

/// The outbox key of one unit's message on one channel of a bulk request.
pub fn bulk_message_key(request_id: &str, action_type: ActionType, unit_id: Uuid, channel: Channel) -> String {
    format!("{}:{}", command_center::bulk_item_key(request_id, action_type, unit_id), channel.as_str())
}

/// The rent a rent-increase notice proposes: the queued suggestion, else the market rent capped
/// at +8% (whole dollars).
pub fn proposed_increase(
    suggested: Option<&serde_json::Value>,
    market_rent: Decimal,
    current_rent: Decimal,
) -> Decimal {
    suggested
        .and_then(|v| {
            v.as_str().and_then(|s| s.parse::<Decimal>().ok()).or_else(|| v.as_f64().and_then(Decimal::from_f64_retain))
        })
        .unwrap_or_else(|| market_rent.min(current_rent * Decimal::new(108, 2)).round_dp(0))
}

/// The SMS version of a renewal offer (the full letter goes by email or post).
pub fn renewal_sms(to: &crate::ai::letters::Recipient, plan: &renewals::RenewalPlan) -> String {
    format!(
        "{}: your renewal offer for unit {} is {}/mo for {} months. Details sent by email/letter.",
        to.property_name,
        to.unit_number,
        crate::format::money(plan.recommended_rent),
        plan.recommended_term_months
    )
}

/// A rent-increase notice: effective in 30 days, answer within 14.
pub fn rent_increase_input(
    to: &crate::ai::letters::Recipient,
    current_rent: Decimal,
    new_rent: Decimal,
    today: NaiveDate,
    channel: Channel,
) -> RentIncreaseInput {
    RentIncreaseInput {
        recipient: to.clone(),
        current_rent,
        new_rent,
        effective_date: today + Duration::days(30),
        respond_by: today + Duration::days(14),
        today,
        channel,
    }
}

/// A move-out inspection notice: the inspection three days out.
pub fn move_out_input(
    to: &crate::ai::letters::Recipient,
    lease: &crate::model::Lease,
    today: NaiveDate,
    channel: Channel,
) -> MoveOutInspectionInput {
    MoveOutInspectionInput {
        recipient: to.clone(),
        move_out_date: lease.notice_move_out_date,
        inspection_date: today + Duration::days(3),
        inspection_time: None,
        today,
        channel,
    }
}

/// The renewal a bulk renewal offer creates: the manager chose to send it, so it is approved and
/// sent in one step (approved only when nothing is sent).
pub fn bulk_renewal(
    id: Uuid,
    lease: &crate::model::Lease,
    plan: renewals::RenewalPlan,
    letter_text: String,
    letter_provider: String,
    method: Method,
    now: DateTime<Utc>,
) -> RenewalRecommendation {
    RenewalRecommendation {
        id,
        lease_id: lease.id,
        tenant_id: lease.tenant_id,
        unit_id: lease.unit_id,
        property_id: lease.property_id,
        plan,
        renewal_letter_text: letter_text,
        renewal_letter_generated_at: Some(now),
        letter_provider,
        status: if method == Method::Manual { RenewalStatus::Approved } else { RenewalStatus::Sent },
        reviewed_by: String::new(),
        reviewed_at: Some(now),
        created_at: now,
        updated_at: now,
    }
}

/// One unit's part of a bulk action, drafted and ready to write.
struct Prepared {
    queue_item: Option<Uuid>,
    renewal: Option<RenewalRecommendation>,
    messages: Vec<NewMessage>,
    detail: String,
}

fn prepare(
    store: &Store,
    gateway: &Gateway,
    req: &BulkRequest,
    unit_id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Prepared, String>> {
    let Some(lease) = store.current_lease_for_unit(unit_id)? else {
        return Ok(Err("no lease on this unit".into()));
    };
    let tenant = store.tenant(lease.tenant_id)?;
    let to = recipient(store, &lease)?;
    let queue_item = store.ai_queue(Some(unit_id), Some(req.action_type))?.into_iter().next();
    let send_at = req.scheduled_for.unwrap_or(now);
    let message = |channel: Channel, subject: String, body: String, related: (&str, Uuid)| NewMessage {
        idempotency_key: bulk_message_key(&req.request_id, req.action_type, unit_id, channel),
        channel,
        recipient_name: tenant.full_name(),
        recipient: if channel == Channel::Sms { tenant.phone.clone() } else { tenant.email.clone() },
        subject,
        body,
        attachment_sha256: None,
        attachment_name: None,
        related_type: related.0.into(),
        related_id: Some(related.1),
        scheduled_for: send_at,
    };
    let mut prepared = Prepared {
        queue_item: queue_item.as_ref().map(|q| q.id),
        renewal: None,
        messages: Vec::new(),
        detail: String::new(),
    };
    match req.action_type {
        ActionType::RenewalOffer | ActionType::EarlyRenewalNudge => {
            if !matches!(lease.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth) {
                return Ok(Err(format!("lease is {}", lease.lease_status.label())));
            }
            if store.leases_with_open_renewal()?.contains(&lease.id) {
                return Ok(Err("a renewal offer is already open for this lease".into()));
            }
            let vacancy = store.property_vacancy()?;
            let input = load_churn_input(store, &lease, &vacancy, today)?;
            let plan = renewals::plan_renewal(&lease, &input, today);
            let letter = draft_renewal_letter(store, gateway, &lease, &plan, today, now)?;
            let id = Uuid::new_v4();
            for ch in req.method.channels() {
                let body = if *ch == Channel::Sms { renewal_sms(&to, &plan) } else { letter.text.clone() };
                prepared.messages.push(message(
                    *ch,
                    format!("Your renewal offer — {} {}", to.property_name, to.unit_number),
                    body,
                    ("renewal_recommendation", id),
                ));
            }
            prepared.detail = format!("renewal offer at {}", crate::format::money(plan.recommended_rent));
            prepared.renewal = Some(bulk_renewal(id, &lease, plan, letter.text, letter.provider, req.method, now));
        }
        ActionType::RentIncreaseNotice => {
            let unit = store.unit(unit_id)?;
            let new_rent = proposed_increase(
                queue_item.as_ref().and_then(|q| q.suggested_payload.get("new_rent")),
                unit.market_rent,
                lease.monthly_rent_amount,
            );
            if new_rent <= lease.monthly_rent_amount {
                return Ok(Err("rent is already at or above the proposed rent".into()));
            }
            for ch in req.method.channels() {
                let input = rent_increase_input(&to, lease.monthly_rent_amount, new_rent, today, *ch);
                let d = gateway.run::<RentIncreaseNotice>(&input, store, now).map_err(rejected)?.value;
                prepared.messages.push(message(
                    *ch,
                    d.subject.clone().unwrap_or_else(|| "Rent increase notice".into()),
                    d.render(),
                    ("tenant_lease", lease.id),
                ));
            }
            prepared.detail = format!("rent increase to {}", crate::format::money(new_rent));
        }
        ActionType::MoveOutInspection => {
            let inspection = today + Duration::days(3);
            for ch in req.method.channels() {
                let input = move_out_input(&to, &lease, today, *ch);
                let d = gateway.run::<MoveOutInspectionNotice>(&input, store, now).map_err(rejected)?.value;
                prepared.messages.push(message(
                    *ch,
                    d.subject.clone().unwrap_or_else(|| "Move-out inspection".into()),
                    d.render(),
                    ("tenant_lease", lease.id),
                ));
            }
            prepared.detail = format!("move-out inspection scheduled for {inspection}");
        }
        ActionType::ListingPrep | ActionType::EvictionPrep => {
            prepared.detail = format!("{} flagged for the team", req.action_type.label().to_lowercase());
        }
    }
    Ok(Ok(prepared))
}

/// Executes a bulk action: one `bulk_action_batch` per request id, one `bulk_action_item` per
/// unit, each unit's records and messages written in one transaction and never twice.
pub fn execute_bulk(
    store: &mut Store,
    gateway: &Gateway,
    req: &BulkRequest,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<BulkResult> {
    execute_bulk_with_progress(store, gateway, req, actor, now, &mut |_, _| {})
}

/// [`execute_bulk`], calling `progress(units_done, units_total)` after each unit (the terminal
/// app's progress bar).
pub fn execute_bulk_with_progress(
    store: &mut Store,
    gateway: &Gateway,
    req: &BulkRequest,
    actor: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BulkResult> {
    if req.request_id.trim().is_empty() {
        return Err(rejected("request_id is required so a retried request cannot act twice."));
    }
    if req.unit_ids.is_empty() {
        return Err(rejected("Select at least one unit."));
    }
    let today = now.date_naive();
    let batch_id = store.transaction(|tx| {
        tx.execute(
            "INSERT INTO bulk_action_batch (id, request_id, action_type, unit_count, suggested_payload, executed_by,
                execution_method, scheduled_for, status, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9) ON CONFLICT (request_id) DO NOTHING",
            rusqlite::params![
                Uuid::new_v4().to_string(),
                req.request_id,
                req.action_type,
                req.unit_ids.len() as i64,
                req.suggested_payload.to_string(),
                actor,
                req.method.as_str(),
                req.scheduled_for,
                now
            ],
        )?;
        let id: String =
            tx.query_row("SELECT id FROM bulk_action_batch WHERE request_id = ?1", [&req.request_id], |r| r.get(0))?;
        Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(e.to_string()))
    })?;
    let done: std::collections::HashSet<Uuid> = {
        let mut stmt = store.conn().prepare("SELECT unit_id FROM bulk_action_item WHERE batch_id = ?1")?;
        let rows = stmt.query_map([batch_id.to_string()], |r| store::get_uuid(r, 0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut result = BulkResult { batch_id, units_processed: req.unit_ids.len(), ..Default::default() };
    let mut seen = std::collections::HashSet::new();
    let total = req.unit_ids.len();
    for (n, &unit_id) in req.unit_ids.iter().enumerate() {
        progress(n, total);
        if !seen.insert(unit_id) {
            continue;
        }
        if done.contains(&unit_id) {
            result.already_done += 1;
            continue;
        }
        let (outcome, detail, prepared) = match prepare(store, gateway, req, unit_id, today, now)? {
            Ok(p) => ("executed", p.detail.clone(), Some(p)),
            Err(why) => ("skipped", why, None),
        };
        store.transaction(|tx| {
            tx.execute(
                "INSERT INTO bulk_action_item (id, batch_id, unit_id, outcome, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![Uuid::new_v4().to_string(), batch_id.to_string(), unit_id.to_string(), outcome, detail, now],
            )?;
            if let Some(p) = &prepared {
                if let Some(r) = &p.renewal {
                    store::insert_renewal(tx, r)?;
                }
                for m in &p.messages {
                    if outbox::enqueue(tx, m, now)? {
                        result.messages_queued += 1;
                    }
                }
                if let Some(q) = p.queue_item {
                    store::mark_executed(tx, q, actor, req.method.as_str(), batch_id, now)?;
                }
            }
            Ok(())
        })?;
        match prepared {
            Some(_) => result.executed += 1,
            None => result.skipped.push((unit_id, detail)),
        }
    }
    progress(total, total);
    let summary = format!(
        "{} executed, {} skipped, {} already done; {} messages queued",
        result.executed,
        result.skipped.len(),
        result.already_done,
        result.messages_queued
    );
    store.conn().execute(
        "UPDATE bulk_action_batch SET status = 'sent', result_summary = ?2 WHERE id = ?1",
        rusqlite::params![batch_id.to_string(), summary],
    )?;
    Ok(result)
}
