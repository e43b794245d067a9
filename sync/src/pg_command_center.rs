//! Portfolio command center (spec 1.4) on PostgreSQL: the rows of the unit table (filtering,
//! sorting and the summary are `unitcycle_core::command_center::{view, summary}`) and bulk
//! actions, idempotent on the request id.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::ai::letters::Channel;
use unitcycle_core::ai::prompts::{MoveOutInspectionNotice, RentIncreaseNotice};
use unitcycle_core::ai::Gateway;
use unitcycle_core::command_center::{ActionType, Row};
use unitcycle_core::command_center_jobs::{self, BulkRequest, BulkResult, Method};
use unitcycle_core::format;
use unitcycle_core::lifecycle;
use unitcycle_core::model::{Lease, LeaseStatus, Property, Tenant, Unit};
use unitcycle_core::outbox::NewMessage;
use unitcycle_core::renewals::{RenewalRecommendation, RenewalStatus};
use unitcycle_core::renewals_jobs;
use uuid::Uuid;

use crate::pg::{PgError, Result};
use crate::{pg_renewals, pgdomain};

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
    let to = renewals_jobs::recipient_of(&tenant, &unit, &property);
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
            let plan = pg_renewals::plan_for(tx, &lease, &vacancy, today).await?;
            let letter = pg_renewals::draft_letter(tx, gateway, &lease, &plan, today, now).await?.map_err(ai_failed)?;
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
            prepared.renewal = Some(RenewalRecommendation {
                id,
                lease_id: lease.id,
                tenant_id: lease.tenant_id,
                unit_id,
                property_id: lease.property_id,
                plan,
                renewal_letter_text: letter.text,
                renewal_letter_generated_at: Some(now),
                letter_provider: letter.provider,
                // The manager chose to send it: approved and sent in one step.
                status: if req.method == Method::Manual { RenewalStatus::Approved } else { RenewalStatus::Sent },
                reviewed_by: String::new(),
                reviewed_at: Some(now),
                created_at: now,
                updated_at: now,
            });
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
                    pg_renewals::insert(&tx, r).await?;
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
