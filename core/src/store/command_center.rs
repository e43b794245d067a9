//! Command-center rows over the whole portfolio, and the AI action queue.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Transaction};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{get_dec, get_opt_uuid, get_uuid, Result, Store};
use crate::command_center::port::{
    another_attempt, queue_item_changed, BulkBatch, CommandCenterPort, CommandCenterWrite, PendingAction,
};
use crate::command_center::{ActionType, Candidate, QueueStatus, QueuedAction, Row, UnitSnapshot};
use crate::lifecycle;
use crate::model::{Lease, LeaseStatus};

/// A stored queue item with the words the AI gateway gave it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct QueueItem {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub lease_id: Option<Uuid>,
    pub property_id: Uuid,
    pub action_type: ActionType,
    pub description: String,
    pub suggested_payload: serde_json::Value,
    pub generated_content: Option<String>,
    pub confidence_score: Decimal,
    pub priority: crate::command_center::Priority,
    pub lifecycle_state: LeaseStatus,
    pub status: QueueStatus,
    pub generation_reason: String,
    pub ai_provider: String,
    pub generated_on: NaiveDate,
}

const QUEUE_COLS: &str = "id, unit_id, lease_id, property_id, action_type, description, suggested_payload, \
    generated_content, confidence_score, priority, lifecycle_state, status, generation_reason, ai_provider, generated_on";

fn queue_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueItem> {
    Ok(QueueItem {
        id: get_uuid(r, 0)?,
        unit_id: get_uuid(r, 1)?,
        lease_id: get_opt_uuid(r, 2)?,
        property_id: get_uuid(r, 3)?,
        action_type: r.get(4)?,
        description: r.get(5)?,
        suggested_payload: super::get_json(r, 6)?,
        generated_content: r.get(7)?,
        confidence_score: get_dec(r, 8)?,
        priority: r.get(9)?,
        lifecycle_state: r.get(10)?,
        status: r.get(11)?,
        generation_reason: r.get(12)?,
        ai_provider: r.get(13)?,
        generated_on: r.get(14)?,
    })
}

/// The words for a candidate (from the AI gateway).
#[derive(Debug, Clone, PartialEq)]
pub struct Worded {
    pub description: String,
    pub reason: String,
    pub payload: serde_json::Value,
    pub draft_content: String,
    pub provider: String,
}

/// Inserts or refreshes one queue item (one per unit, action type and day).
#[allow(clippy::too_many_arguments)]
pub fn upsert_queue_item(
    tx: &Transaction<'_>,
    existing: Option<Uuid>,
    snap: &UnitSnapshot,
    c: &Candidate,
    w: &Worded,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    let confidence = Decimal::from_f64_retain(c.confidence).unwrap_or(Decimal::ZERO).round_dp(2);
    tx.prepare_cached(
        "INSERT INTO ai_action_queue (id, unit_id, lease_id, property_id, action_type, description, suggested_payload,
            generated_content, confidence_score, priority, lifecycle_state, status, generation_reason, ai_provider,
            generated_on, generated_at, updated_at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'pending',?12,?13,?14,?15,?15)
         ON CONFLICT (unit_id, action_type, generated_on) DO UPDATE SET description = excluded.description,
            suggested_payload = excluded.suggested_payload, generated_content = excluded.generated_content,
            confidence_score = excluded.confidence_score, priority = excluded.priority,
            lifecycle_state = excluded.lifecycle_state, generation_reason = excluded.generation_reason,
            ai_provider = excluded.ai_provider, updated_at = excluded.updated_at
         WHERE ai_action_queue.status = 'pending'",
    )?
    .execute(params![
        existing.unwrap_or_else(Uuid::new_v4).to_string(),
        snap.unit_id.to_string(),
        snap.lease_id.map(|u| u.to_string()),
        snap.property_id.to_string(),
        c.action_type,
        w.description,
        w.payload.to_string(),
        w.draft_content,
        confidence.to_string(),
        c.priority,
        snap.lease_status,
        w.reason,
        w.provider,
        today,
        now,
    ])?;
    Ok(())
}

pub fn supersede(tx: &Transaction<'_>, ids: &[Uuid], now: DateTime<Utc>) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "UPDATE ai_action_queue SET status = 'superseded', updated_at = ?2 WHERE id = ?1 AND status = 'pending'",
    )?;
    for id in ids {
        stmt.execute(params![id.to_string(), now])?;
    }
    Ok(())
}

/// Marks a queue item executed as part of a batch.
pub fn mark_executed(
    tx: &Transaction<'_>,
    id: Uuid,
    actor: &str,
    method: &str,
    batch: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE ai_action_queue SET status = 'executed', executed_at = ?2, executed_by = ?3, execution_method = ?4,
         bulk_batch_id = ?5, updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id.to_string(), now, actor, method, batch.to_string()])?;
    Ok(())
}

/// Every unit as a command-center row (see [`Store::command_center_rows`]).
const ROWS_SQL: &str = "WITH cur AS (
                SELECT u.id AS unit_id, (SELECT id FROM tenant_lease x WHERE x.unit_id = u.id
                    ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1) AS lease_id
                FROM units_unit u),
             risk AS (
                SELECT lease_id, MAX(tenant_risk_profile) AS profile FROM collection_case
                WHERE status IN ('open', 'payment_plan') GROUP BY lease_id),
             churn AS (
                SELECT lease_id, churn_risk_level,
                       ROW_NUMBER() OVER (PARTITION BY lease_id ORDER BY created_at DESC) AS rn
                FROM renewal_recommendation)
             SELECT u.id, u.unit_number, u.property_id, p.name, t.first_name || ' ' || t.last_name,
                    l.lease_status, l.monthly_rent_amount, u.market_rent, l.lease_end_date, l.notice_move_out_date,
                    l.actual_move_out_date, COALESCE(risk.profile, churn.churn_risk_level), top.action_type,
                    top.confidence_score, l.lease_begin_date
             FROM units_unit u
             JOIN properties p ON p.id = u.property_id
             JOIN cur ON cur.unit_id = u.id
             LEFT JOIN tenant_lease l ON l.id = cur.lease_id
             LEFT JOIN tenants t ON t.id = l.tenant_id
             -- Each unit's most confident pending action through the unit's index: a window over the
             -- whole queue joined back was scanned once per unit (seconds at 20,000 units). Ties go
             -- as the window's scan gave them (priority, then the first queued), never by the random
             -- id, so a unit shows the same action on every read.
             LEFT JOIN ai_action_queue top ON top.id = (SELECT q.id FROM ai_action_queue q
                 WHERE q.unit_id = u.id AND q.status = 'pending' ORDER BY q.confidence_score DESC, q.priority, q.rowid LIMIT 1)
             LEFT JOIN risk ON risk.lease_id = l.id
             LEFT JOIN churn ON churn.lease_id = l.id AND churn.rn = 1
             ORDER BY p.name, u.unit_number";

impl Store {
    /// What the nightly rules read: every unit with its current lease and latest churn score.
    pub fn unit_snapshots(&self) -> Result<Vec<UnitSnapshot>> {
        let mut stmt = self.conn().prepare(
            "SELECT u.id, l.id, u.property_id, l.lease_status, l.lease_end_date, l.notice_move_out_date,
                    l.monthly_rent_amount, u.market_rent,
                    (SELECT churn_score FROM renewal_recommendation r WHERE r.lease_id = l.id
                     ORDER BY r.created_at DESC, r.id LIMIT 1),
                    EXISTS (SELECT 1 FROM renewal_recommendation r WHERE r.lease_id = l.id
                            AND r.status IN ('pending', 'approved', 'sent'))
             FROM units_unit u
             JOIN tenant_lease l ON l.id = (SELECT id FROM tenant_lease x WHERE x.unit_id = u.id
                 ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1)",
        )?;
        self.read_sane("units_unit", &mut stmt, [], |r| {
            Ok(UnitSnapshot {
                unit_id: get_uuid(r, 0)?,
                lease_id: get_opt_uuid(r, 1)?,
                property_id: get_uuid(r, 2)?,
                lease_status: r.get(3)?,
                lease_end_date: r.get(4)?,
                notice_move_out_date: r.get(5)?,
                current_rent: get_dec(r, 6)?,
                market_rent: get_dec(r, 7)?,
                churn_score: r.get(8)?,
                open_renewal: r.get(9)?,
            })
        })
    }

    /// Queue items of the last few days, for superseding and same-day reruns.
    pub fn queued_actions(&self, since: NaiveDate) -> Result<Vec<QueuedAction>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, unit_id, action_type, status, generated_on FROM ai_action_queue
             WHERE generated_on >= ?1 OR status = 'pending'",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok(QueuedAction {
                id: get_uuid(r, 0)?,
                unit_id: get_uuid(r, 1)?,
                action_type: r.get(2)?,
                status: r.get(3)?,
                generated_on: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pending queue items, most confident first (`/api/command-center/ai-queue/`).
    pub fn ai_queue(&self, unit: Option<Uuid>, action_type: Option<ActionType>) -> Result<Vec<QueueItem>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {QUEUE_COLS} FROM ai_action_queue WHERE status = 'pending'
             AND (?1 IS NULL OR unit_id = ?1) AND (?2 IS NULL OR action_type = ?2)
             ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                      confidence_score DESC"
        ))?;
        let rows = stmt.query_map(params![unit.map(|u| u.to_string()), action_type], queue_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Open queue items (pending or approved), most urgent and confident first.
    pub fn open_queue_items(&self) -> Result<Vec<QueueItem>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {QUEUE_COLS} FROM ai_action_queue WHERE status IN ('pending', 'approved')
             ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                      confidence_score DESC, id"
        ))?;
        let rows = stmt.query_map([], queue_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every unit as a command-center row: current lease, tenant, rent, days to event, risk and
    /// its most confident pending AI action. One query, so 100,000 units load in one pass.
    /// `days` gives each property's "today" (days to each unit's event).
    pub fn command_center_rows(&self, days: &crate::time::Days) -> Result<Vec<Row>> {
        let mut stmt = self.conn().prepare(ROWS_SQL)?;
        self.read_sane("units_unit", &mut stmt, [], |r| {
            let state: Option<LeaseStatus> = r.get(5)?;
            let state = state.unwrap_or(LeaseStatus::Vacant);
            let rent: Option<String> = r.get(6)?;
            let end: Option<NaiveDate> = r.get(8)?;
            let move_out: Option<NaiveDate> = r.get(9)?;
            let moved: Option<NaiveDate> = r.get(10)?;
            let property_id = get_uuid(r, 2)?;
            let to_event = lifecycle::days_to_event_from(state, end, move_out, moved, days.of(property_id));
            let confidence: Option<String> = r.get(13)?;
            Ok(Row {
                unit_id: get_uuid(r, 0)?,
                unit_number: r.get(1)?,
                property_id: get_uuid(r, 2)?,
                property_name: r.get(3)?,
                tenant_name: if state == LeaseStatus::Vacant { None } else { r.get(4)? },
                lifecycle_state: state,
                rent: rent.and_then(|t| t.parse().ok()).unwrap_or(Decimal::ZERO),
                market_rent: get_dec(r, 7)?,
                days_to_event: to_event,
                risk_level: r.get(11)?,
                ai_action: r.get(12)?,
                ai_confidence: confidence.and_then(|c| c.parse::<f64>().ok()),
            })
        })
    }
}

/// Applies one command-center write inside `tx` (the replica's side of
/// `CommandCenterPort::write_command_center`).
pub(crate) fn write(tx: &Transaction<'_>, w: &CommandCenterWrite, now: DateTime<Utc>) -> Result<()> {
    match w {
        CommandCenterWrite::UpsertQueueItem { id, snapshot, candidate, worded, generated_on } => {
            upsert_queue_item(tx, *id, snapshot, candidate, worded, *generated_on, now)?
        }
        CommandCenterWrite::SetStatus { id, from, to } => {
            let n = tx.execute(
                "UPDATE ai_action_queue SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
                params![id.to_string(), from, to, now],
            )?;
            if n == 0 {
                return Err(queue_item_changed());
            }
        }
        CommandCenterWrite::Supersede(ids) => supersede(tx, ids, now)?,
        CommandCenterWrite::InsertBatch(b) => {
            let n = tx.execute(
                "INSERT INTO bulk_action_batch (id, request_id, action_type, unit_count, suggested_payload, executed_by,
                    execution_method, scheduled_for, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9) ON CONFLICT (request_id) DO NOTHING",
                params![
                    b.id.to_string(),
                    b.request_id,
                    b.action_type,
                    b.unit_count as i64,
                    b.suggested_payload.to_string(),
                    b.executed_by,
                    b.execution_method,
                    b.scheduled_for,
                    now
                ],
            )?;
            if n == 0 {
                return Err(another_attempt());
            }
        }
        CommandCenterWrite::InsertItem { batch_id, unit_id, executed, detail } => {
            let n = tx.execute(
                "INSERT INTO bulk_action_item (id, batch_id, unit_id, outcome, detail, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (batch_id, unit_id) DO NOTHING",
                params![
                    Uuid::new_v4().to_string(),
                    batch_id.to_string(),
                    unit_id.to_string(),
                    if *executed { "executed" } else { "skipped" },
                    detail,
                    now
                ],
            )?;
            if n == 0 {
                return Err(another_attempt());
            }
        }
        CommandCenterWrite::MarkExecuted { id, actor, method, batch_id } => {
            mark_executed(tx, *id, actor, method, *batch_id, now)?
        }
        CommandCenterWrite::InsertRenewal(rec) => super::insert_renewal(tx, rec)?,
        CommandCenterWrite::Enqueue(msg) => {
            crate::outbox::enqueue(tx, msg, now)?;
        }
        CommandCenterWrite::FinishBatch { id, summary } => {
            tx.execute(
                "UPDATE bulk_action_batch SET status = 'sent', result_summary = ?2 WHERE id = ?1",
                params![id.to_string(), summary],
            )?;
        }
    }
    Ok(())
}

impl CommandCenterPort for Store {
    fn unit_snapshots(&self) -> Result<Vec<UnitSnapshot>> {
        Store::unit_snapshots(self)
    }

    fn command_center_rows(&self, days: &crate::time::Days) -> Result<Vec<Row>> {
        Store::command_center_rows(self, days)
    }

    fn queued_actions(&self, since: NaiveDate) -> Result<Vec<QueuedAction>> {
        Store::queued_actions(self, since)
    }

    fn current_lease(&self, unit_id: Uuid) -> Result<Option<Lease>> {
        self.current_lease_for_unit(unit_id)
    }

    fn queue_item(&self, id: Uuid) -> Result<(QueuedAction, serde_json::Value)> {
        let r = self.conn().query_row(
            "SELECT id, unit_id, action_type, status, generated_on, suggested_payload FROM ai_action_queue WHERE id = ?1",
            [id.to_string()],
            |r| {
                let item = QueuedAction {
                    id: get_uuid(r, 0)?,
                    unit_id: get_uuid(r, 1)?,
                    action_type: r.get(2)?,
                    status: r.get(3)?,
                    generated_on: r.get(4)?,
                };
                Ok((item, super::get_json(r, 5)?))
            },
        );
        super::optional(r)?.ok_or_else(|| super::StoreError::NotFound { what: "AI action", id: id.to_string() })
    }

    fn pending_action(&self, unit_id: Uuid, action_type: ActionType) -> Result<Option<PendingAction>> {
        let r = self.conn().query_row(
            "SELECT id, suggested_payload FROM ai_action_queue WHERE status IN ('pending', 'approved') AND unit_id = ?1
             AND action_type = ?2 ORDER BY CAST(confidence_score AS REAL) DESC, id LIMIT 1",
            params![unit_id.to_string(), action_type],
            |r| Ok(PendingAction { id: get_uuid(r, 0)?, suggested_payload: super::get_json(r, 1)? }),
        );
        super::optional(r)
    }

    fn units_in_scope(&self, unit_ids: &[Uuid]) -> Result<HashSet<Uuid>> {
        let mut stmt = self.conn().prepare_cached("SELECT 1 FROM units_unit WHERE id = ?1")?;
        let mut found = HashSet::new();
        for id in unit_ids {
            if stmt.exists([id.to_string()])? {
                found.insert(*id);
            }
        }
        Ok(found)
    }

    fn bulk_batch(&self, request_id: &str) -> Result<Option<BulkBatch>> {
        let found = super::optional(self.conn().query_row(
            "SELECT id, executed_by FROM bulk_action_batch WHERE request_id = ?1",
            [request_id],
            |r| Ok((get_uuid(r, 0)?, r.get::<_, String>(1)?)),
        ))?;
        let Some((id, executed_by)) = found else { return Ok(None) };
        let mut stmt = self.conn().prepare_cached("SELECT unit_id FROM bulk_action_item WHERE batch_id = ?1")?;
        let units_done = stmt.query_map([id.to_string()], |r| get_uuid(r, 0))?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(BulkBatch { id, executed_by, units_done }))
    }

    fn write_command_center(&mut self, writes: &[CommandCenterWrite], now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| writes.iter().try_for_each(|w| write(tx, w, now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each unit's lease, action, case and churn are found by key: a joined step that scans is
    /// repeated once per unit (the pending queue scanned 20,000 times took seconds).
    #[test]
    fn every_joined_step_of_the_rows_is_a_search() {
        let store = Store::in_memory().unwrap();
        let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {ROWS_SQL}")).unwrap();
        let plan: Vec<String> =
            stmt.query_map([], |r| r.get::<_, String>(3)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        let joined: Vec<&String> = plan.iter().filter(|s| s.ends_with("LEFT-JOIN")).collect();
        assert!(joined.len() >= 4, "{plan:?}");
        assert!(joined.iter().all(|s| s.starts_with("SEARCH")), "{plan:?}");
    }
}
