//! Command-center rows on PostgreSQL (`ai_action_queue`, `bulk_action_batch`, `bulk_action_item`
//! and the unit table's query) and the command-center port over them. The AI action queue and
//! bulk actions are `unitcycle_core::command_center::{queue, bulk}`; filtering, sorting and the
//! summary of the unit table are `unitcycle_core::command_center::{view, summary}`. This module
//! only reads and writes rows.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::command_center::port::{
    another_attempt, queue_item_changed, BulkBatch, CommandCenterPort, CommandCenterWrite, NewBatch, PendingAction,
};
use unitcycle_core::command_center::{ActionType, QueuedAction, Row, UnitSnapshot};
use unitcycle_core::doctor::{BadRow, Sane};
use unitcycle_core::lifecycle;
use unitcycle_core::model::{Lease, LeaseStatus};
use unitcycle_core::store::{StoreError, Worded};
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, PgError, Result};
use crate::pgdomain;
use crate::tables;
use crate::wire::QueueItemWire;

/// One row per unit of `properties`: its current lease (the newest non-vacant one, else the
/// newest), the top pending AI action, and the collections risk profile or churn level.
/// `days` gives each property's "today" (days to each unit's event).
pub async fn rows(c: &impl GenericClient, properties: &[Uuid], days: &unitcycle_core::time::Days) -> Result<Vec<Row>> {
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
                days_to_event: lifecycle::days_to_event_from(state, r.get(8), r.get(9), r.get(10), days.of(r.get(2))),
                risk_level: r.get(11),
                ai_action: r.get::<_, Option<&str>>(12).and_then(|a| a.parse().ok()),
                ai_confidence: r.get::<_, Option<&str>>(13).and_then(|c| c.parse::<f64>().ok()),
            }
        })
        .collect())
}

/// Pending queue items of `properties`, most urgent and confident first.
pub async fn ai_queue(
    c: &impl GenericClient,
    properties: &[Uuid],
    action_type: Option<&str>,
    priority: Option<&str>,
) -> Result<Vec<QueueItemWire>> {
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
        .map(|r| QueueItemWire {
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

/// What the queue's rules read about each unit of `properties` (its current lease and latest
/// churn score); a unit whose dates do not read back is an error of its own (see
/// `PgPort::sane_rows`).
async fn unit_snapshots(
    c: &impl GenericClient,
    properties: &[Uuid],
) -> Result<Vec<std::result::Result<UnitSnapshot, BadRow>>> {
    let rows = c
        .query(
            "SELECT u.id, l.id, u.property_id, l.lease_status::text, l.lease_end_date, l.notice_move_out_date,
                    l.monthly_rent_amount::text, u.market_rent::text,
                    (SELECT churn_score FROM renewal_recommendation r WHERE r.lease_id = l.id
                     ORDER BY r.created_at DESC, r.id LIMIT 1),
                    EXISTS (SELECT 1 FROM renewal_recommendation r WHERE r.lease_id = l.id
                            AND r.status IN ('pending', 'approved', 'sent'))
             FROM units_unit u
             JOIN tenant_lease l ON l.id = (SELECT x.id FROM tenant_lease x WHERE x.unit_id = u.id
                 ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1)
             WHERE u.property_id = ANY($1)
             ORDER BY u.id",
            &[&properties],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let money = |i: usize| r.get::<_, &str>(i).parse::<Decimal>().ok();
            let date = |i: usize, field: &str| {
                r.try_get::<_, Option<NaiveDate>>(i).map_err(|e| BadRow {
                    table: "units_unit".into(),
                    id: r.get::<_, Uuid>(0).to_string(),
                    field: field.into(),
                    value: String::new(),
                    why: format!("unreadable: {e}"),
                })
            };
            let (lease_end_date, notice_move_out_date) =
                match (date(4, "lease_end_date"), date(5, "notice_move_out_date")) {
                    (Ok(end), Ok(notice)) => (end, notice),
                    (Err(bad), _) | (_, Err(bad)) => return Some(Err(bad)),
                };
            Some(Ok(UnitSnapshot {
                unit_id: r.get(0),
                lease_id: r.get(1),
                property_id: r.get(2),
                lease_status: LeaseStatus::parse(r.get(3))?,
                lease_end_date,
                notice_move_out_date,
                current_rent: money(6)?,
                market_rent: money(7)?,
                churn_score: r.get(8),
                open_renewal: r.get(9),
            }))
        })
        .collect())
}

/// Queue items of `properties` generated on or after `since`, and every pending one.
async fn queued_actions(c: &impl GenericClient, properties: &[Uuid], since: NaiveDate) -> Result<Vec<QueuedAction>> {
    let rows = c
        .query(
            "SELECT id, unit_id, action_type::text, status::text, generated_on FROM ai_action_queue
             WHERE (generated_on >= $2 OR status = 'pending') AND property_id = ANY($1)",
            &[&properties, &since],
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

/// Inserts or refreshes today's item of a unit and action type, while it is still pending;
/// returns the id of the row written, if any.
async fn upsert_queue_item(
    tx: &Transaction<'_>,
    id: Option<Uuid>,
    snap: &UnitSnapshot,
    c: &unitcycle_core::command_center::Candidate,
    w: &Worded,
    generated_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    let confidence = Decimal::from_f64_retain(c.confidence).unwrap_or(Decimal::ZERO).round_dp(2);
    let row = tx
        .query_opt(
            "INSERT INTO ai_action_queue (id, unit_id, lease_id, property_id, action_type, description,
            suggested_payload, generated_content, confidence_score, priority, lifecycle_state, status,
            generation_reason, ai_provider, generated_on, generated_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::numeric, $10, $11, 'pending', $12, $13, $14, $15, $15)
         ON CONFLICT (unit_id, action_type, generated_on) DO UPDATE SET description = excluded.description,
            suggested_payload = excluded.suggested_payload, generated_content = excluded.generated_content,
            confidence_score = excluded.confidence_score, priority = excluded.priority,
            lifecycle_state = excluded.lifecycle_state, generation_reason = excluded.generation_reason,
            ai_provider = excluded.ai_provider, updated_at = excluded.updated_at
         WHERE ai_action_queue.status = 'pending' RETURNING id",
            &[
                &id.unwrap_or_else(Uuid::new_v4),
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
                &generated_on,
                &now,
            ],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

async fn insert_batch(tx: &Transaction<'_>, b: &NewBatch, now: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .execute(
            "INSERT INTO bulk_action_batch (id, request_id, action_type, unit_count, suggested_payload, executed_by,
                execution_method, scheduled_for, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) ON CONFLICT (request_id) DO NOTHING",
            &[
                &b.id,
                &b.request_id,
                &b.action_type.as_str(),
                &i32::try_from(b.unit_count).unwrap_or(i32::MAX),
                &b.suggested_payload,
                &lifecycle::truncate(&b.executed_by, 100),
                &b.execution_method,
                &b.scheduled_for,
                &now,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Enters rows of synced table `table` in the change log, so replicas pull them.
async fn bump(tx: &Transaction<'_>, table: &str, ids: &[Uuid]) -> Result<()> {
    match tables::table(table) {
        Some(t) => pg::bump(tx, t, ids).await,
        None => Ok(()),
    }
}

/// Applies one command-center write inside `tx`, entering every row it touches in the change
/// log: the queue, the batches and their items, and the renewals bulk offers create all sync.
async fn write(tx: &Transaction<'_>, w: &CommandCenterWrite, now: DateTime<Utc>) -> StoreResult<()> {
    let pg = |e: PgError| store_error(e);
    let db = |e: tokio_postgres::Error| store_error(e.into());
    match w {
        CommandCenterWrite::UpsertQueueItem { id, snapshot, candidate, worded, generated_on } => {
            let written =
                upsert_queue_item(tx, *id, snapshot, candidate, worded, *generated_on, now).await.map_err(pg)?;
            bump(tx, "ai_action_queue", &written.into_iter().collect::<Vec<_>>()).await.map_err(pg)?;
        }
        CommandCenterWrite::SetStatus { id, from, to } => {
            let n = tx
                .execute(
                    "UPDATE ai_action_queue SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
                    &[id, &from.as_str(), &to.as_str(), &now],
                )
                .await
                .map_err(db)?;
            if n == 0 {
                return Err(queue_item_changed());
            }
            bump(tx, "ai_action_queue", &[*id]).await.map_err(pg)?;
        }
        CommandCenterWrite::Supersede(ids) => {
            let rows = tx
                .query(
                    "UPDATE ai_action_queue SET status = 'superseded', updated_at = $2
                     WHERE id = ANY($1) AND status = 'pending' RETURNING id",
                    &[ids, &now],
                )
                .await
                .map_err(db)?;
            bump(tx, "ai_action_queue", &rows.iter().map(|r| r.get(0)).collect::<Vec<_>>()).await.map_err(pg)?;
        }
        CommandCenterWrite::InsertBatch(b) => {
            if !insert_batch(tx, b, now).await.map_err(pg)? {
                return Err(another_attempt());
            }
            bump(tx, "bulk_action_batch", &[b.id]).await.map_err(pg)?;
        }
        CommandCenterWrite::InsertItem { batch_id, unit_id, executed, detail } => {
            let outcome = if *executed { "executed" } else { "skipped" };
            let item = Uuid::new_v4();
            let n = tx
                .execute(
                    "INSERT INTO bulk_action_item (id, batch_id, unit_id, outcome, detail, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (batch_id, unit_id) DO NOTHING",
                    &[&item, batch_id, unit_id, &outcome, detail, &now],
                )
                .await
                .map_err(db)?;
            if n == 0 {
                return Err(another_attempt());
            }
            bump(tx, "bulk_action_item", &[item]).await.map_err(pg)?;
        }
        CommandCenterWrite::MarkExecuted { id, actor, method, batch_id } => {
            tx.execute(
                "UPDATE ai_action_queue SET status = 'executed', executed_at = $2, executed_by = $3,
                 execution_method = $4, bulk_batch_id = $5, updated_at = $2 WHERE id = $1",
                &[id, &now, &lifecycle::truncate(actor, 100), method, batch_id],
            )
            .await
            .map_err(db)?;
            bump(tx, "ai_action_queue", &[*id]).await.map_err(pg)?;
        }
        CommandCenterWrite::InsertRenewal(rec) => {
            crate::adapter::renewals::insert(tx, rec).await.map_err(pg)?;
            crate::adapter::renewals::bump_renewal(tx, rec.id).await.map_err(pg)?;
        }
        CommandCenterWrite::Enqueue(msg) => {
            pgdomain::enqueue(tx, msg, now).await.map_err(pg)?;
        }
        CommandCenterWrite::FinishBatch { id, summary } => {
            tx.execute(
                "UPDATE bulk_action_batch SET status = 'sent', result_summary = $2 WHERE id = $1",
                &[id, summary],
            )
            .await
            .map_err(db)?;
            bump(tx, "bulk_action_batch", &[*id]).await.map_err(pg)?;
        }
    }
    Ok(())
}

impl CommandCenterPort for PgPort {
    fn unit_snapshots(&self) -> StoreResult<Vec<UnitSnapshot>> {
        let mut out = Vec::new();
        for snapshot in self.block(unit_snapshots(self.client(), &self.scope))? {
            let bad = match snapshot {
                Ok(s) => match s.problem() {
                    None => {
                        out.push(s);
                        continue;
                    }
                    Some((field, value, why)) => BadRow {
                        table: "units_unit".into(),
                        id: s.unit_id.to_string(),
                        field: field.into(),
                        value,
                        why,
                    },
                },
                Err(bad) => bad,
            };
            self.skip(bad);
        }
        Ok(out)
    }

    fn command_center_rows(&self, days: &unitcycle_core::time::Days) -> StoreResult<Vec<Row>> {
        self.block(rows(self.client(), &self.scope, days))
    }

    fn queued_actions(&self, since: NaiveDate) -> StoreResult<Vec<QueuedAction>> {
        self.block(queued_actions(self.client(), &self.scope, since))
    }

    fn current_lease(&self, unit_id: Uuid) -> StoreResult<Option<Lease>> {
        let leases: Vec<Lease> = self.block(pgdomain::rows(
            self.client(),
            "tenant_lease",
            "r.unit_id = $1 AND r.property_id = ANY($2)
             ORDER BY r.lease_status = 'vacant', r.lease_begin_date DESC, r.id LIMIT 1",
            &[&unit_id, &self.scope],
        ))?;
        Ok(leases.into_iter().next())
    }

    fn queue_item(&self, id: Uuid) -> StoreResult<(QueuedAction, Value)> {
        let row = self.block(async {
            Ok(self
                .client()
                .query_opt(
                    "SELECT id, unit_id, action_type::text, status::text, generated_on, suggested_payload
                     FROM ai_action_queue WHERE id = $1 AND property_id = ANY($2)",
                    &[&id, &self.scope],
                )
                .await?)
        })?;
        let not_found = || StoreError::NotFound { what: "AI action", id: id.to_string() };
        let r = row.ok_or_else(not_found)?;
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("ai_action_queue.{what}: '{v}'"));
        let item = QueuedAction {
            id: r.get(0),
            unit_id: r.get(1),
            action_type: r.get::<_, &str>(2).parse().map_err(|_| bad("action_type", r.get(2)))?,
            status: r.get::<_, &str>(3).parse().map_err(|_| bad("status", r.get(3)))?,
            generated_on: r.get(4),
        };
        Ok((item, r.get(5)))
    }

    fn pending_action(&self, unit_id: Uuid, action_type: ActionType) -> StoreResult<Option<PendingAction>> {
        let row = self.block(async {
            Ok(self
                .client()
                .query_opt(
                    "SELECT id, suggested_payload FROM ai_action_queue WHERE status IN ('pending', 'approved')
                     AND unit_id = $1
                     AND action_type = $2 AND property_id = ANY($3) ORDER BY confidence_score DESC, id LIMIT 1",
                    &[&unit_id, &action_type.as_str(), &self.scope],
                )
                .await?)
        })?;
        Ok(row.map(|r| PendingAction { id: r.get(0), suggested_payload: r.get::<_, Value>(1) }))
    }

    fn units_in_scope(&self, unit_ids: &[Uuid]) -> StoreResult<HashSet<Uuid>> {
        self.block(async {
            Ok(self
                .client()
                .query(
                    "SELECT id FROM units_unit WHERE id = ANY($1) AND property_id = ANY($2)",
                    &[&unit_ids, &self.scope],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn bulk_batch(&self, request_id: &str) -> StoreResult<Option<BulkBatch>> {
        self.block(async {
            let c = self.client();
            let Some(batch) = c
                .query_opt("SELECT id, executed_by FROM bulk_action_batch WHERE request_id = $1", &[&request_id])
                .await?
            else {
                return Ok(None);
            };
            let (id, executed_by): (Uuid, String) = (batch.get(0), batch.get(1));
            let units_done = c
                .query("SELECT unit_id FROM bulk_action_item WHERE batch_id = $1", &[&id])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            Ok(Some(BulkBatch { id, executed_by, units_done }))
        })
    }

    fn write_command_center(&mut self, writes: &[CommandCenterWrite], now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(writes, now)
    }
}

impl RowWrite for CommandCenterWrite {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        write(tx, self, now).await
    }
}
