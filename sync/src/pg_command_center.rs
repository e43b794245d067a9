//! Portfolio command center (spec 1.4) on PostgreSQL: the rows of the unit table (filtering,
//! sorting and the summary are `unitcycle_core::command_center::{view, summary}`) and bulk
//! actions, idempotent on the request id.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::ai::letters::{Channel, Recipient};
use unitcycle_core::ai::prompts::{CommandCenterAction, MoveOutInspectionNotice, RenewalLetter, RentIncreaseNotice};
use unitcycle_core::ai::Gateway;
use unitcycle_core::command_center::{self, ActionType, QueuedAction, Row, UnitSnapshot};
use unitcycle_core::command_center_jobs::{self, BulkRequest, BulkResult};
use unitcycle_core::format;
use unitcycle_core::jobs::Job;
use unitcycle_core::lifecycle;
use unitcycle_core::model::{Lease, LeaseStatus, LedgerEntry, Property, Tenant, Unit, WorkOrder};
use unitcycle_core::outbox::NewMessage;
use unitcycle_core::renewals::scan::letter_input;
use unitcycle_core::renewals::{self, RenewalPlan, RenewalRecommendation};
use uuid::Uuid;

use crate::adapter::renewals as renewal_rows;
use crate::pg::{self, PgError, Result};
use crate::pgdomain;

/// One row per unit of `properties`: its current lease (the newest non-vacant one, else the
/// newest), the top pending AI action, and the collections risk profile or churn level.
pub async fn rows(c: &impl GenericClient, properties: &[Uuid], today: NaiveDate) -> Result<Vec<Row>> {
    let rows = c
        .query(
            "WITH cur AS (
                SELECT u.id AS unit_id, (SELECT x.id FROM tenant_lease x WHERE x.unit_id = u.id
                    ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1) AS lease_id
                FROM units_unit u WHERE u.property_id = ANY($1)),
             top AS (
                SELECT unit_id, action_type, confidence_score,
                       ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY confidence_score DESC, id) AS rn
                FROM ai_action_queue WHERE status = 'pending' AND property_id = ANY($1)),
             risk AS (
                SELECT lease_id, MAX(tenant_risk_profile::text) AS profile FROM collection_case
                WHERE status IN ('open', 'payment_plan') AND property_id = ANY($1) GROUP BY lease_id),
             churn AS (
                SELECT lease_id, churn_risk_level::text AS level,
                       ROW_NUMBER() OVER (PARTITION BY lease_id ORDER BY created_at DESC, id) AS rn
                FROM renewal_recommendation WHERE property_id = ANY($1))
             SELECT u.id, u.unit_number::text, u.property_id, p.name::text, t.first_name || ' ' || t.last_name,
                    l.lease_status::text, l.monthly_rent_amount::text, u.market_rent::text, l.lease_end_date,
                    l.notice_move_out_date, l.actual_move_out_date, COALESCE(risk.profile, churn.level),
                    top.action_type::text, top.confidence_score::text
             FROM units_unit u
             JOIN properties p ON p.id = u.property_id
             JOIN cur ON cur.unit_id = u.id
             LEFT JOIN tenant_lease l ON l.id = cur.lease_id
             LEFT JOIN tenants t ON t.id = l.tenant_id
             LEFT JOIN top ON top.unit_id = u.id AND top.rn = 1
             LEFT JOIN risk ON risk.lease_id = l.id
             LEFT JOIN churn ON churn.lease_id = l.id AND churn.rn = 1
             ORDER BY p.name, u.unit_number, u.id",
            &[&properties],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let state = r.get::<_, Option<&str>>(5).and_then(LeaseStatus::parse).unwrap_or(LeaseStatus::Vacant);
            let money = |i: usize| r.get::<_, Option<&str>>(i).and_then(|t| t.parse::<Decimal>().ok());
            Row {
                unit_id: r.get(0),
                unit_number: r.get(1),
                property_id: r.get(2),
                property_name: r.get(3),
                tenant_name: if state == LeaseStatus::Vacant { None } else { r.get(4) },
                lifecycle_state: state,
                rent: money(6).unwrap_or(Decimal::ZERO),
                market_rent: money(7).unwrap_or(Decimal::ZERO),
                days_to_event: lifecycle::days_to_event_from(state, r.get(8), r.get(9), r.get(10), today),
                risk_level: r.get(11),
                ai_action: r.get::<_, Option<&str>>(12).and_then(|a| a.parse().ok()),
                ai_confidence: r.get::<_, Option<&str>>(13).and_then(|c| c.parse::<f64>().ok()),
            }
        })
        .collect())
}

/// Why a bulk request was refused as a whole (the API's 400 `detail`).
#[derive(Debug)]
pub enum BulkError {
    Refused(String),
    Pg(PgError),
}

impl From<PgError> for BulkError {
    fn from(e: PgError) -> Self {
        BulkError::Pg(e)
    }
}

impl From<tokio_postgres::Error> for BulkError {
    fn from(e: tokio_postgres::Error) -> Self {
        BulkError::Pg(e.into())
    }
}

/// One unit's part of a bulk action, drafted and ready to write.
struct Prepared {
    queue_item: Option<Uuid>,
    renewal: Option<RenewalRecommendation>,
    messages: Vec<NewMessage>,
    detail: String,
}

async fn current_lease(c: &impl GenericClient, unit_id: Uuid) -> Result<Option<Lease>> {
    Ok(pgdomain::rows(
        c,
        "tenant_lease",
        "r.unit_id = $1 ORDER BY r.lease_status = 'vacant', r.lease_begin_date DESC, r.id LIMIT 1",
        &[&unit_id],
    )
    .await?
    .into_iter()
    .next())
}

/// A drafted letter and who drafted it.
struct Letter {
    text: String,
    provider: String,
}

/// Drafts the renewal letter for `plan` through the AI gateway (runs logged in `ai_run`).
// The command center's bulk actions have not moved onto the storage port yet (the renewal scan
// and workflow have: `unitcycle_core::renewals`); until they do, they read the same inputs here.
async fn draft_letter(
    c: &impl GenericClient,
    gateway: &Arc<Gateway>,
    lease: &Lease,
    plan: &RenewalPlan,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Letter, String>> {
    let tenant: Tenant = pgdomain::must(c, "tenants", lease.tenant_id).await?;
    let unit: Unit = pgdomain::must(c, "units_unit", lease.unit_id).await?;
    let property: Property = pgdomain::must(c, "properties", lease.property_id).await?;
    let input = letter_input(Recipient::of(&tenant, &unit, &property), lease, plan, today);
    Ok(pgdomain::run_ai::<RenewalLetter>(c, gateway, input, now)
        .await?
        .map(|out| Letter { text: out.value.render(), provider: out.provider.as_str().into() })
        .map_err(|e| e.to_string()))
}

/// The renewal plan for a lease (`renewals::churn_input` + `renewals::plan_renewal`).
async fn plan_for(
    c: &impl GenericClient,
    lease: &Lease,
    vacancy: &std::collections::HashMap<Uuid, (u32, u32)>,
    today: NaiveDate,
) -> Result<RenewalPlan> {
    let entries: Vec<LedgerEntry> = pgdomain::rows(
        c,
        "tenant_ledger_entry",
        "r.tenant_id = $1 AND r.trans_date >= $2 ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
        &[&lease.tenant_id, &renewals::ledger_window_start(today)],
    )
    .await?;
    let work_orders: Vec<WorkOrder> =
        pgdomain::rows(c, "units_maintenance", "r.unit_id = $1", &[&lease.unit_id]).await?;
    let dates: Vec<NaiveDate> = work_orders.iter().map(|w| w.requested_date).collect();
    let unit: Unit = pgdomain::must(c, "units_unit", lease.unit_id).await?;
    let counts = vacancy.get(&lease.property_id).copied().unwrap_or((0, 0));
    let input = renewals::churn_input(lease, &entries, &dates, unit.market_rent, counts, today);
    Ok(renewals::plan_renewal(lease, &input, today))
}

fn ai_failed(e: impl std::fmt::Display) -> PgError {
    PgError::Setup(format!("AI drafting failed: {e}"))
}

/// The Postgres twin of `command_center_jobs::prepare`: the same rules and AI tasks.
async fn prepare(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    req: &BulkRequest,
    unit_id: Uuid,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Prepared, String>> {
    let today = now.date_naive();
    let Some(lease) = current_lease(tx, unit_id).await? else { return Ok(Err("no lease on this unit".into())) };
    let tenant: Tenant = pgdomain::must(tx, "tenants", lease.tenant_id).await?;
    let unit: Unit = pgdomain::must(tx, "units_unit", unit_id).await?;
    let property: Property = pgdomain::must(tx, "properties", lease.property_id).await?;
    let to = Recipient::of(&tenant, &unit, &property);
    let queue_item = tx
        .query_opt(
            "SELECT id, suggested_payload FROM ai_action_queue WHERE status = 'pending' AND unit_id = $1
             AND action_type = $2 ORDER BY confidence_score DESC, id LIMIT 1",
            &[&unit_id, &req.action_type.as_str()],
        )
        .await?
        .map(|r| (r.get::<_, Uuid>(0), r.get::<_, Value>(1)));
    let send_at = req.scheduled_for.unwrap_or(now);
    let message = |channel: Channel, subject: String, body: String, related: (&str, Uuid)| NewMessage {
        idempotency_key: command_center_jobs::bulk_message_key(&req.request_id, req.action_type, unit_id, channel),
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
        queue_item: queue_item.as_ref().map(|q| q.0),
        renewal: None,
        messages: Vec::new(),
        detail: String::new(),
    };
    match req.action_type {
        ActionType::RenewalOffer | ActionType::EarlyRenewalNudge => {
            if !matches!(lease.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth) {
                return Ok(Err(format!("lease is {}", lease.lease_status.label())));
            }
            let open = tx
                .query_opt(
                    "SELECT 1 FROM renewal_recommendation WHERE lease_id = $1 AND status IN ('pending', 'approved', 'sent')",
                    &[&lease.id],
                )
                .await?;
            if open.is_some() {
                return Ok(Err("a renewal offer is already open for this lease".into()));
            }
            let vacancy = pgdomain::property_vacancy(tx).await?;
            let plan = plan_for(tx, &lease, &vacancy, today).await?;
            let letter = draft_letter(tx, gateway, &lease, &plan, today, now).await?.map_err(ai_failed)?;
            let id = Uuid::new_v4();
            for ch in req.method.channels() {
                let body = if *ch == Channel::Sms {
                    command_center_jobs::renewal_sms(&to, &plan)
                } else {
                    letter.text.clone()
                };
                prepared.messages.push(message(
                    *ch,
                    format!("Your renewal offer — {} {}", to.property_name, to.unit_number),
                    body,
                    ("renewal_recommendation", id),
                ));
            }
            prepared.detail = format!("renewal offer at {}", format::money(plan.recommended_rent));
            prepared.renewal = Some(command_center_jobs::bulk_renewal(
                id,
                &lease,
                plan,
                letter.text,
                letter.provider,
                req.method,
                now,
            ));
        }
        ActionType::RentIncreaseNotice => {
            let new_rent = command_center_jobs::proposed_increase(
                queue_item.as_ref().and_then(|q| q.1.get("new_rent")),
                unit.market_rent,
                lease.monthly_rent_amount,
            );
            if new_rent <= lease.monthly_rent_amount {
                return Ok(Err("rent is already at or above the proposed rent".into()));
            }
            for ch in req.method.channels() {
                let input =
                    command_center_jobs::rent_increase_input(&to, lease.monthly_rent_amount, new_rent, today, *ch);
                let d =
                    pgdomain::run_ai::<RentIncreaseNotice>(tx, gateway, input, now).await?.map_err(ai_failed)?.value;
                let subject = d.subject.clone().unwrap_or_else(|| "Rent increase notice".into());
                prepared.messages.push(message(*ch, subject, d.render(), ("tenant_lease", lease.id)));
            }
            prepared.detail = format!("rent increase to {}", format::money(new_rent));
        }
        ActionType::MoveOutInspection => {
            let mut inspection = today;
            for ch in req.method.channels() {
                let input = command_center_jobs::move_out_input(&to, &lease, today, *ch);
                inspection = input.inspection_date;
                let d = pgdomain::run_ai::<MoveOutInspectionNotice>(tx, gateway, input, now)
                    .await?
                    .map_err(ai_failed)?
                    .value;
                let subject = d.subject.clone().unwrap_or_else(|| "Move-out inspection".into());
                prepared.messages.push(message(*ch, subject, d.render(), ("tenant_lease", lease.id)));
            }
            prepared.detail = format!("move-out inspection scheduled for {inspection}");
        }
        ActionType::ListingPrep | ActionType::EvictionPrep => {
            prepared.detail = format!("{} flagged for the team", req.action_type.label().to_lowercase());
        }
    }
    Ok(Ok(prepared))
}

/// Executes a bulk action (the Postgres twin of `command_center_jobs::execute_bulk`): one
/// `bulk_action_batch` per request id, one `bulk_action_item` per unit; each unit's records
/// and messages are written in its own transaction and never twice, however often the request
/// is retried. Units outside `properties` are skipped.
pub async fn execute_bulk(
    pool: &deadpool_postgres::Pool,
    gateway: &Arc<Gateway>,
    req: &BulkRequest,
    properties: &[Uuid],
    actor: &str,
    now: DateTime<Utc>,
) -> std::result::Result<BulkResult, BulkError> {
    if req.request_id.trim().is_empty() {
        return Err(BulkError::Refused("request_id is required so a retried request cannot act twice.".into()));
    }
    if req.unit_ids.is_empty() {
        return Err(BulkError::Refused("Select at least one unit.".into()));
    }
    let mut client = pool.get().await.map_err(PgError::from)?;
    client
        .execute(
            "INSERT INTO bulk_action_batch (id, request_id, action_type, unit_count, suggested_payload, executed_by,
                execution_method, scheduled_for, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) ON CONFLICT (request_id) DO NOTHING",
            &[
                &Uuid::new_v4(),
                &req.request_id,
                &req.action_type.as_str(),
                &(req.unit_ids.len() as i32),
                &req.suggested_payload,
                &lifecycle::truncate(actor, 100),
                &req.method.as_str(),
                &req.scheduled_for,
                &now,
            ],
        )
        .await?;
    let batch_id: Uuid =
        client.query_one("SELECT id FROM bulk_action_batch WHERE request_id = $1", &[&req.request_id]).await?.get(0);
    let in_scope: HashSet<Uuid> = client
        .query("SELECT id FROM units_unit WHERE id = ANY($1) AND property_id = ANY($2)", &[&req.unit_ids, &properties])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut result = BulkResult { batch_id, units_processed: req.unit_ids.len(), ..Default::default() };
    let mut seen = HashSet::new();
    for &unit_id in &req.unit_ids {
        if !seen.insert(unit_id) {
            continue;
        }
        if !in_scope.contains(&unit_id) {
            result.skipped.push((unit_id, "unit not found".into()));
            continue;
        }
        let tx = client.transaction().await?;
        // Claim the unit for this batch first: a retry (or a concurrent attempt) finds it taken.
        let claimed = tx
            .execute(
                "INSERT INTO bulk_action_item (id, batch_id, unit_id, outcome, detail, created_at)
                 VALUES ($1, $2, $3, 'executed', '', $4) ON CONFLICT (batch_id, unit_id) DO NOTHING",
                &[&Uuid::new_v4(), &batch_id, &unit_id, &now],
            )
            .await?
            == 1;
        if !claimed {
            result.already_done += 1;
            continue;
        }
        match prepare(&tx, gateway, req, unit_id, now).await? {
            Ok(p) => {
                if let Some(r) = &p.renewal {
                    renewal_rows::insert(&tx, r).await?;
                }
                for m in &p.messages {
                    if pgdomain::enqueue(&tx, m, now).await? {
                        result.messages_queued += 1;
                    }
                }
                if let Some(q) = p.queue_item {
                    tx.execute(
                        "UPDATE ai_action_queue SET status = 'executed', executed_at = $2, executed_by = $3,
                         execution_method = $4, bulk_batch_id = $5, updated_at = $2 WHERE id = $1",
                        &[&q, &now, &lifecycle::truncate(actor, 100), &req.method.as_str(), &batch_id],
                    )
                    .await?;
                }
                tx.execute(
                    "UPDATE bulk_action_item SET detail = $3 WHERE batch_id = $1 AND unit_id = $2",
                    &[&batch_id, &unit_id, &p.detail],
                )
                .await?;
                result.executed += 1;
            }
            Err(why) => {
                tx.execute(
                    "UPDATE bulk_action_item SET outcome = 'skipped', detail = $3 WHERE batch_id = $1 AND unit_id = $2",
                    &[&batch_id, &unit_id, &why],
                )
                .await?;
                result.skipped.push((unit_id, why));
            }
        }
        tx.commit().await?;
    }
    let summary = format!(
        "{} executed, {} skipped, {} already done; {} messages queued",
        result.executed,
        result.skipped.len(),
        result.already_done,
        result.messages_queued
    );
    client
        .execute(
            "UPDATE bulk_action_batch SET status = 'sent', result_summary = $2 WHERE id = $1",
            &[&batch_id, &summary],
        )
        .await?;
    Ok(result)
}

/// What the lifecycle rules read about each unit (its current lease and latest churn score).
async fn unit_snapshots(c: &impl GenericClient) -> Result<Vec<UnitSnapshot>> {
    let rows = c
        .query(
            "SELECT u.id, l.id, u.property_id, l.lease_status::text, l.lease_end_date, l.notice_move_out_date,
                    l.monthly_rent_amount::text, u.market_rent::text,
                    (SELECT churn_score FROM renewal_recommendation r WHERE r.lease_id = l.id
                     ORDER BY r.created_at DESC, r.id LIMIT 1)
             FROM units_unit u
             JOIN tenant_lease l ON l.id = (SELECT x.id FROM tenant_lease x WHERE x.unit_id = u.id
                 ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1)
             ORDER BY u.id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let money = |i: usize| r.get::<_, &str>(i).parse::<Decimal>().ok();
            Some(UnitSnapshot {
                unit_id: r.get(0),
                lease_id: r.get(1),
                property_id: r.get(2),
                lease_status: LeaseStatus::parse(r.get(3))?,
                lease_end_date: r.get(4),
                notice_move_out_date: r.get(5),
                current_rent: money(6)?,
                market_rent: money(7)?,
                churn_score: r.get(8),
            })
        })
        .collect())
}

async fn queued_actions(c: &impl GenericClient, since: NaiveDate) -> Result<Vec<QueuedAction>> {
    let rows = c
        .query(
            "SELECT id, unit_id, action_type::text, status::text, generated_on FROM ai_action_queue
             WHERE generated_on >= $1 OR status = 'pending'",
            &[&since],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(QueuedAction {
                id: r.get(0),
                unit_id: r.get(1),
                action_type: r.get::<_, &str>(2).parse().ok()?,
                status: r.get::<_, &str>(3).parse().ok()?,
                generated_on: r.get(4),
            })
        })
        .collect())
}

/// What one queue run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueReport {
    pub queued: usize,
    pub superseded: usize,
}

/// The nightly AI action queue (02:00, after the lifecycle classification), inside `tx`: the
/// rules (`command_center::generate`, `plan_queue`) → words from the AI gateway
/// (`command_center_jobs::worded_candidate`) → upsert; earlier pending items superseded.
pub async fn ai_action_queue(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<QueueReport> {
    let all = pg::property_ids(tx).await?;
    let rows: HashMap<Uuid, Row> = rows(tx, &all, today).await?.into_iter().map(|r| (r.unit_id, r)).collect();
    let snapshots = unit_snapshots(tx).await?;
    let mut candidates = Vec::new();
    for s in &snapshots {
        for c in command_center::generate(s, today) {
            candidates.push((s.unit_id, c));
        }
    }
    let existing = queued_actions(tx, today - chrono::Duration::days(7)).await?;
    let plan = command_center::plan_queue(&existing, &candidates, today);
    let snaps: HashMap<Uuid, &UnitSnapshot> = snapshots.iter().map(|s| (s.unit_id, s)).collect();
    for id in &plan.supersede {
        tx.execute(
            "UPDATE ai_action_queue SET status = 'superseded', updated_at = $2 WHERE id = $1 AND status = 'pending'",
            &[id, &now],
        )
        .await?;
    }
    let mut queued = 0;
    for (unit_id, c, existing_id) in &plan.upsert {
        let (Some(row), Some(snap)) = (rows.get(unit_id), snaps.get(unit_id)) else { continue };
        let input = command_center_jobs::action_input(row, snap, c, today);
        let out = pgdomain::run_ai::<CommandCenterAction>(tx, gateway, input, now).await?.map_err(ai_failed)?;
        let Some((c, w)) = command_center_jobs::worded_candidate(c, out) else { continue };
        let confidence = Decimal::from_f64_retain(c.confidence).unwrap_or(Decimal::ZERO).round_dp(2);
        tx.execute(
            "INSERT INTO ai_action_queue (id, unit_id, lease_id, property_id, action_type, description,
                suggested_payload, generated_content, confidence_score, priority, lifecycle_state, status,
                generation_reason, ai_provider, generated_on, generated_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::numeric, $10, $11, 'pending', $12, $13, $14, $15, $15)
             ON CONFLICT (unit_id, action_type, generated_on) DO UPDATE SET description = excluded.description,
                suggested_payload = excluded.suggested_payload, generated_content = excluded.generated_content,
                confidence_score = excluded.confidence_score, priority = excluded.priority,
                lifecycle_state = excluded.lifecycle_state, generation_reason = excluded.generation_reason,
                ai_provider = excluded.ai_provider, updated_at = excluded.updated_at
             WHERE ai_action_queue.status = 'pending'",
            &[
                &existing_id.unwrap_or_else(Uuid::new_v4),
                &snap.unit_id,
                &snap.lease_id,
                &snap.property_id,
                &c.action_type.as_str(),
                &w.description,
                &w.payload,
                &w.draft_content,
                &confidence.to_string(),
                &c.priority.as_str(),
                &snap.lease_status.as_str(),
                &w.reason,
                &w.provider,
                &today,
                &now,
            ],
        )
        .await?;
        queued += 1;
    }
    Ok(QueueReport { queued, superseded: plan.supersede.len() })
}

/// The scheduled run: once per day across servers.
pub async fn scheduled_queue(
    pool: &deadpool_postgres::Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<QueueReport>> {
    let job = Job::AiActionQueue.name();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    if !pgdomain::try_lock_job(&tx, job).await? || pgdomain::ran_on(&*tx, job, today).await? {
        return Ok(None);
    }
    let r = ai_action_queue(&tx, gateway, today, now).await?;
    let summary = format!("Queued {} AI actions; superseded {} from earlier days.", r.queued, r.superseded);
    let counts = serde_json::json!({"queued": r.queued, "superseded": r.superseded});
    pgdomain::record_run(&*tx, job, today, now, &summary, &counts).await?;
    tx.commit().await?;
    Ok(Some(r))
}

/// One pending queue item (`GET /ai-queue/`).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEntry {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub action_type: String,
    pub description: String,
    pub suggested_payload: Value,
    pub generated_content: Option<String>,
    pub confidence_score: f64,
    pub priority: String,
    pub lifecycle_state: String,
    pub generation_reason: String,
    pub ai_provider: String,
    pub generated_on: NaiveDate,
}

/// Pending queue items of `properties`, most urgent and confident first.
pub async fn ai_queue(
    c: &impl GenericClient,
    properties: &[Uuid],
    action_type: Option<&str>,
    priority: Option<&str>,
) -> Result<Vec<QueueEntry>> {
    let rows = c
        .query(
            "SELECT q.id, q.unit_id, u.unit_number::text, q.property_id, q.action_type::text, q.description,
                    q.suggested_payload, q.generated_content, q.confidence_score::float8, q.priority::text,
                    q.lifecycle_state::text, q.generation_reason, q.ai_provider::text, q.generated_on
             FROM ai_action_queue q JOIN units_unit u ON u.id = q.unit_id
             WHERE q.status = 'pending' AND q.property_id = ANY($1)
               AND ($2::text IS NULL OR q.action_type = $2) AND ($3::text IS NULL OR q.priority = $3)
             ORDER BY CASE q.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                      q.confidence_score DESC, q.id",
            &[&properties, &action_type, &priority],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| QueueEntry {
            id: r.get(0),
            unit_id: r.get(1),
            unit_number: r.get(2),
            property_id: r.get(3),
            action_type: r.get(4),
            description: r.get(5),
            suggested_payload: r.get(6),
            generated_content: r.get(7),
            confidence_score: r.get(8),
            priority: r.get(9),
            lifecycle_state: r.get(10),
            generation_reason: r.get(11),
            ai_provider: r.get(12),
            generated_on: r.get(13),
        })
        .collect())
}
