//! Bulk actions on selected units (`POST /api/v1/portfolio/command-center/actions/`), written
//! once over [`CommandCenterPort`]: the TUI and the server call the same function.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::port::{CommandCenterPort, CommandCenterWrite, NewBatch, PendingAction};
use super::ActionType;
use crate::ai::letters::{Channel, MoveOutInspectionInput, Recipient, RentIncreaseInput};
use crate::ai::prompts::{MoveOutInspectionNotice, RentIncreaseNotice};
use crate::ai::Gateway;
use crate::lifecycle;
use crate::model::{Lease, LeaseStatus, Tenant};
use crate::outbox::NewMessage;
use crate::port::recipient;
use crate::renewals::scan::{draft_renewal_letter, load_churn_input};
use crate::renewals::{self, RenewalRecommendation, RenewalStatus};
use crate::store::{Result, StoreError};

fn rejected(e: impl std::fmt::Display) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// How a bulk action reaches tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
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
    format!("{}:{}", super::bulk_item_key(request_id, action_type, unit_id), channel.as_str())
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
pub fn renewal_sms(to: &Recipient, plan: &renewals::RenewalPlan) -> String {
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
    to: &Recipient,
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
pub fn move_out_input(to: &Recipient, lease: &Lease, today: NaiveDate, channel: Channel) -> MoveOutInspectionInput {
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
    lease: &Lease,
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

/// What every renewal offer of one request reads once: leases that already have an open offer
/// and each property's vacancy.
struct RenewalContext {
    open: HashSet<Uuid>,
    vacancy: HashMap<Uuid, (u32, u32)>,
}

/// One unit's part of a bulk action, drafted and ready to write.
struct Prepared {
    queue_item: Option<Uuid>,
    renewal: Option<RenewalRecommendation>,
    messages: Vec<NewMessage>,
    detail: String,
}

/// The message of one unit on one channel; the key makes the outbox send it once per request.
fn message(
    req: &BulkRequest,
    unit_id: Uuid,
    tenant: &Tenant,
    channel: Channel,
    (subject, body): (String, String),
    (related_type, related_id): (&str, Uuid),
    send_at: DateTime<Utc>,
) -> NewMessage {
    NewMessage {
        idempotency_key: bulk_message_key(&req.request_id, req.action_type, unit_id, channel),
        channel,
        recipient_name: tenant.full_name(),
        recipient: if channel == Channel::Sms { tenant.phone.clone() } else { tenant.email.clone() },
        subject,
        body,
        attachment_sha256: None,
        attachment_name: None,
        related_type: related_type.into(),
        related_id: Some(related_id),
        scheduled_for: send_at,
    }
}

/// Reads one unit and drafts its messages (AI calls, no transaction); `Err(reason)` when the
/// unit is skipped.
#[allow(clippy::too_many_arguments)]
fn prepare<P: CommandCenterPort>(
    port: &P,
    gateway: &Gateway,
    req: &BulkRequest,
    renewal: &mut Option<RenewalContext>,
    unit_id: Uuid,
    chosen: Option<&PendingAction>,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Prepared, String>> {
    let Some(lease) = port.current_lease(unit_id)? else {
        return Ok(Err("no lease on this unit".into()));
    };
    // Letter dates, effective dates and inspection dates count from the property's local date.
    let today = crate::time::today_at(port, lease.property_id, now)?;
    let tenant = port.tenant(lease.tenant_id)?;
    let to = recipient(port, &lease)?;
    let queue_item = match chosen {
        Some(item) => Some(item.clone()),
        None => port.pending_action(unit_id, req.action_type)?,
    };
    let send_at = req.scheduled_for.unwrap_or(now);
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
            let ctx = match renewal {
                Some(ctx) => ctx,
                None => renewal.insert(RenewalContext {
                    open: port.leases_with_open_renewal()?,
                    vacancy: port.property_vacancy()?,
                }),
            };
            if !ctx.open.insert(lease.id) {
                return Ok(Err("a renewal offer is already open for this lease".into()));
            }
            let input = load_churn_input(port, &lease, &ctx.vacancy, today)?;
            let plan = renewals::plan_renewal(&lease, &input, today);
            let letter = draft_renewal_letter(port, gateway, &lease, &plan, today, now)?;
            let id = Uuid::new_v4();
            for ch in req.method.channels() {
                let body = if *ch == Channel::Sms { renewal_sms(&to, &plan) } else { letter.text.clone() };
                let subject = format!("Your renewal offer — {} {}", to.property_name, to.unit_number);
                prepared.messages.push(message(
                    req,
                    unit_id,
                    &tenant,
                    *ch,
                    (subject, body),
                    ("renewal_recommendation", id),
                    send_at,
                ));
            }
            prepared.detail = format!("renewal offer at {}", crate::format::money(plan.recommended_rent));
            prepared.renewal = Some(bulk_renewal(id, &lease, plan, letter.text, letter.provider, req.method, now));
        }
        ActionType::RentIncreaseNotice => {
            let unit = port.unit(unit_id)?;
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
                let d = gateway.run::<RentIncreaseNotice>(&input, port, now).map_err(rejected)?.value;
                let subject = d.subject.clone().unwrap_or_else(|| "Rent increase notice".into());
                prepared.messages.push(message(
                    req,
                    unit_id,
                    &tenant,
                    *ch,
                    (subject, d.render()),
                    ("tenant_lease", lease.id),
                    send_at,
                ));
            }
            prepared.detail = format!("rent increase to {}", crate::format::money(new_rent));
        }
        ActionType::MoveOutInspection => {
            let inspection = today + Duration::days(3);
            for ch in req.method.channels() {
                let input = move_out_input(&to, &lease, today, *ch);
                let d = gateway.run::<MoveOutInspectionNotice>(&input, port, now).map_err(rejected)?.value;
                let subject = d.subject.clone().unwrap_or_else(|| "Move-out inspection".into());
                prepared.messages.push(message(
                    req,
                    unit_id,
                    &tenant,
                    *ch,
                    (subject, d.render()),
                    ("tenant_lease", lease.id),
                    send_at,
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
/// unit, never a unit twice however often the request is retried. Units outside the port's scope
/// are skipped.
pub fn execute_bulk<P: CommandCenterPort>(
    port: &mut P,
    gateway: &Gateway,
    req: &BulkRequest,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<BulkResult> {
    execute_bulk_with_progress(port, gateway, req, actor, now, &mut |_, _| {})
}

/// [`execute_bulk`], calling `progress(units_done, units_total)` as units are drafted (the
/// terminal app's progress bar). Every unit is read and drafted first (AI calls, no transaction
/// open); then the batch, its items, the records and the messages are written in one
/// transaction, so a failure leaves nothing half done and a retry starts clean.
pub fn execute_bulk_with_progress<P: CommandCenterPort>(
    port: &mut P,
    gateway: &Gateway,
    req: &BulkRequest,
    actor: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BulkResult> {
    run_bulk(port, gateway, req, Uuid::new_v4(), None, actor, now, progress)
}

/// [`execute_bulk_with_progress`] with the id a new batch takes (a connected replica names it,
/// so the server's batch is the same record) and, when one queue item is executed, that item
/// (else each unit's most confident open item of the action type is marked executed).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_bulk<P: CommandCenterPort>(
    port: &mut P,
    gateway: &Gateway,
    req: &BulkRequest,
    new_batch_id: Uuid,
    chosen: Option<PendingAction>,
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
    let actor = lifecycle::truncate(actor, 100);
    let earlier = port.bulk_batch(&req.request_id)?;
    if earlier.as_ref().is_some_and(|b| b.executed_by != actor) {
        return Err(rejected(format!(
            "request_id '{}' belongs to another user's request; send a new request_id.",
            req.request_id
        )));
    }
    let batch_id = earlier.as_ref().map_or(new_batch_id, |b| b.id);
    let done = earlier.as_ref().map(|b| b.units_done.clone()).unwrap_or_default();
    let in_scope = port.units_in_scope(&req.unit_ids)?;
    let mut writes = Vec::new();
    if earlier.is_none() {
        writes.push(CommandCenterWrite::InsertBatch(NewBatch {
            id: batch_id,
            request_id: req.request_id.clone(),
            action_type: req.action_type,
            unit_count: req.unit_ids.len(),
            suggested_payload: req.suggested_payload.clone(),
            executed_by: actor.clone(),
            execution_method: req.method.as_str().into(),
            scheduled_for: req.scheduled_for,
        }));
    }
    let mut result = BulkResult { batch_id, units_processed: req.unit_ids.len(), ..Default::default() };
    let mut seen = HashSet::new();
    let mut renewal = None;
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
        if !in_scope.contains(&unit_id) {
            result.skipped.push((unit_id, "unit not found".into()));
            continue;
        }
        match prepare(port, gateway, req, &mut renewal, unit_id, chosen.as_ref(), now)? {
            Ok(p) => {
                writes.push(CommandCenterWrite::InsertItem { batch_id, unit_id, executed: true, detail: p.detail });
                writes.extend(p.renewal.map(CommandCenterWrite::InsertRenewal));
                result.messages_queued += p.messages.len();
                writes.extend(p.messages.into_iter().map(CommandCenterWrite::Enqueue));
                writes.extend(p.queue_item.map(|id| CommandCenterWrite::MarkExecuted {
                    id,
                    actor: actor.clone(),
                    method: req.method.as_str().into(),
                    batch_id,
                }));
                result.executed += 1;
            }
            Err(why) => {
                writes.push(CommandCenterWrite::InsertItem { batch_id, unit_id, executed: false, detail: why.clone() });
                result.skipped.push((unit_id, why));
            }
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
    writes.push(CommandCenterWrite::FinishBatch { id: batch_id, summary });
    port.write_command_center(&writes, now)?;
    Ok(result)
}
