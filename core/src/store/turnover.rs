//! Turnover rows on the replica (spec 2.1) and the replica's side of [`TurnoverPort`].

use chrono::{DateTime, Utc};
use rusqlite::{params, Row, Transaction};
use uuid::Uuid;

use super::leases::{lease_from_row, LEASE_COLS};
use super::{found, get_dec, get_opt_uuid, get_uuid, opt_uuid, Queueing, Result, Store, StoreError};
use crate::model::{Lease, LeaseStatus};
use crate::turnover::port::{TurnoverPort, TurnoverWrite};
use crate::turnover::{ChecklistItem, TurnoverCase, TurnoverDeduction};

const CASE_COLS: &str = "id, lease_id, unit_id, property_id, stage, notice_date, expected_move_out, actual_move_out, \
    inspection_date, make_ready_start, make_ready_complete, listed_date, leased_date, new_lease_id, \
    inspection_work_order_id, security_deposit, total_deductions, refund_amount, deduction_letter_generated, \
    deduction_letter_date, make_ready_estimated_cost, make_ready_actual_cost, days_vacant, target_days_to_lease, \
    stage_entered, created_at, updated_at";
const DEDUCTION_COLS: &str = "id, case_id, category, description, amount, photo_url, ai_detected, approved, created_at";
const ITEM_COLS: &str = "id, case_id, category, item, completed, completed_by, completed_at, estimated_cost, \
    actual_cost, vendor_id, work_order_id";

/// `INSERT` of every column of `cols` into `table`; on the same id, `upsert` updates every column
/// (never `REPLACE`: that deletes the row, and the cascade would take its children), else skips.
pub(super) fn insert_sql(table: &str, cols: &str, upsert: bool) -> String {
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let on_conflict = if upsert {
        let sets: Vec<String> = names.iter().skip(1).map(|c| format!("{c} = excluded.{c}")).collect();
        format!("ON CONFLICT (id) DO UPDATE SET {}", sets.join(", "))
    } else {
        "ON CONFLICT DO NOTHING".to_string()
    };
    format!("INSERT INTO {table} ({cols}) VALUES ({}) {on_conflict}", marks.join(", "))
}

fn case_from_row(r: &Row<'_>) -> rusqlite::Result<TurnoverCase> {
    Ok(TurnoverCase {
        id: get_uuid(r, 0)?,
        lease_id: get_uuid(r, 1)?,
        unit_id: get_uuid(r, 2)?,
        property_id: get_uuid(r, 3)?,
        stage: r.get(4)?,
        notice_date: r.get(5)?,
        expected_move_out: r.get(6)?,
        actual_move_out: r.get(7)?,
        inspection_date: r.get(8)?,
        make_ready_start: r.get(9)?,
        make_ready_complete: r.get(10)?,
        listed_date: r.get(11)?,
        leased_date: r.get(12)?,
        new_lease_id: get_opt_uuid(r, 13)?,
        inspection_work_order_id: get_opt_uuid(r, 14)?,
        security_deposit: get_dec(r, 15)?,
        total_deductions: get_dec(r, 16)?,
        refund_amount: get_dec(r, 17)?,
        deduction_letter_generated: r.get(18)?,
        deduction_letter_date: r.get(19)?,
        make_ready_estimated_cost: get_dec(r, 20)?,
        make_ready_actual_cost: get_dec(r, 21)?,
        days_vacant: r.get(22)?,
        target_days_to_lease: r.get(23)?,
        stage_entered: r.get(24)?,
        created_at: r.get(25)?,
        updated_at: r.get(26)?,
    })
}

fn deduction_from_row(r: &Row<'_>) -> rusqlite::Result<TurnoverDeduction> {
    Ok(TurnoverDeduction {
        id: get_uuid(r, 0)?,
        case_id: get_uuid(r, 1)?,
        category: r.get(2)?,
        description: r.get(3)?,
        amount: get_dec(r, 4)?,
        photo_url: r.get(5)?,
        ai_detected: r.get(6)?,
        approved: r.get(7)?,
        created_at: r.get(8)?,
    })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<ChecklistItem> {
    Ok(ChecklistItem {
        id: get_uuid(r, 0)?,
        case_id: get_uuid(r, 1)?,
        category: r.get(2)?,
        item: r.get(3)?,
        completed: r.get(4)?,
        completed_by: r.get(5)?,
        completed_at: r.get(6)?,
        estimated_cost: get_dec(r, 7)?,
        actual_cost: get_dec(r, 8)?,
        vendor_id: get_opt_uuid(r, 9)?,
        work_order_id: get_opt_uuid(r, 10)?,
    })
}

/// Inserts or replaces a case (`insert`: skipped when the lease already has one).
fn put_case(tx: &Transaction<'_>, c: &TurnoverCase, insert: bool) -> rusqlite::Result<usize> {
    tx.prepare_cached(&insert_sql("turnover_case", CASE_COLS, !insert))?.execute(params![
        c.id.to_string(),
        c.lease_id.to_string(),
        c.unit_id.to_string(),
        c.property_id.to_string(),
        c.stage,
        c.notice_date,
        c.expected_move_out,
        c.actual_move_out,
        c.inspection_date,
        c.make_ready_start,
        c.make_ready_complete,
        c.listed_date,
        c.leased_date,
        opt_uuid(c.new_lease_id),
        opt_uuid(c.inspection_work_order_id),
        c.security_deposit.to_string(),
        c.total_deductions.to_string(),
        c.refund_amount.to_string(),
        c.deduction_letter_generated,
        c.deduction_letter_date,
        c.make_ready_estimated_cost.to_string(),
        c.make_ready_actual_cost.to_string(),
        c.days_vacant,
        c.target_days_to_lease,
        c.stage_entered,
        c.created_at,
        c.updated_at,
    ])
}

fn put_item(tx: &Transaction<'_>, i: &ChecklistItem) -> rusqlite::Result<usize> {
    tx.prepare_cached(&insert_sql("turnover_checklist", ITEM_COLS, true))?.execute(params![
        i.id.to_string(),
        i.case_id.to_string(),
        i.category,
        i.item,
        i.completed,
        i.completed_by,
        i.completed_at,
        i.estimated_cost.to_string(),
        i.actual_cost.to_string(),
        opt_uuid(i.vendor_id),
        opt_uuid(i.work_order_id),
    ])
}

fn put_deduction(tx: &Transaction<'_>, d: &TurnoverDeduction) -> rusqlite::Result<usize> {
    tx.prepare_cached(&insert_sql("turnover_deduction", DEDUCTION_COLS, true))?.execute(params![
        d.id.to_string(),
        d.case_id.to_string(),
        d.category,
        d.description,
        d.amount.to_string(),
        d.photo_url,
        d.ai_detected,
        d.approved,
        d.created_at,
    ])
}

/// Opens the turnover case of a lease just moved to notice, inside the transition's
/// transaction (nothing when the lease already has one).
pub(super) fn open_on_notice(tx: &Transaction<'_>, lease_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let lease = tx.query_row(
        &format!("SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.id = ?1"),
        [lease_id.to_string()],
        lease_from_row,
    )?;
    let today = lease.notice_date.unwrap_or(now.date_naive());
    if let Ok((case, checklist)) = crate::turnover::open_case(&lease, today, now) {
        apply_turnover_writes(tx, &[TurnoverWrite::Open { case, checklist }])?;
    }
    Ok(())
}

/// Applies turnover writes inside `tx` (the replica's side of `TurnoverPort::write_turnover`).
pub(super) fn apply_turnover_writes(tx: &Transaction<'_>, writes: &[TurnoverWrite]) -> Result<()> {
    for w in writes {
        match w {
            TurnoverWrite::Open { case, checklist } => {
                if put_case(tx, case, true)? == 1 {
                    for item in checklist {
                        put_item(tx, item)?;
                    }
                }
            }
            TurnoverWrite::Update { case, read_at } => {
                let stored: Option<DateTime<Utc>> = super::optional(tx.query_row(
                    "SELECT updated_at FROM turnover_case WHERE id = ?1",
                    [case.id.to_string()],
                    |r| r.get(0),
                ))?;
                match stored {
                    None => return Err(StoreError::NotFound { what: "Turnover case", id: case.id.to_string() }),
                    Some(at) if at != *read_at => {
                        return Err(StoreError::Conflict {
                            what: "turnover case",
                            now: "someone else changed it".into(),
                        })
                    }
                    Some(_) => put_case(tx, case, false)?,
                };
            }
            TurnoverWrite::Deduction(d) => {
                put_deduction(tx, d)?;
            }
            TurnoverWrite::Item(i) => {
                put_item(tx, i)?;
            }
        }
    }
    Ok(())
}

impl Store {
    fn turnover_rows<T>(&self, sql: &str, arg: &str, map: impl Fn(&Row<'_>) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([arg], map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl TurnoverPort for Store {
    fn turnover_cases(&self) -> Result<Vec<TurnoverCase>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {CASE_COLS} FROM turnover_case ORDER BY created_at DESC, id"))?;
        let rows = stmt.query_map([], case_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn turnover_case(&self, id: Uuid) -> Result<TurnoverCase> {
        found(
            self.turnover_rows(
                &format!("SELECT {CASE_COLS} FROM turnover_case WHERE id = ?1"),
                &id.to_string(),
                case_from_row,
            )?
            .pop(),
            "Turnover case",
            id,
        )
    }

    fn turnover_deductions(&self, case_id: Uuid) -> Result<Vec<TurnoverDeduction>> {
        self.turnover_rows(
            &format!("SELECT {DEDUCTION_COLS} FROM turnover_deduction WHERE case_id = ?1 ORDER BY created_at, id"),
            &case_id.to_string(),
            deduction_from_row,
        )
    }

    fn turnover_checklist(&self, case_id: Uuid) -> Result<Vec<ChecklistItem>> {
        self.turnover_rows(
            &format!("SELECT {ITEM_COLS} FROM turnover_checklist WHERE case_id = ?1 ORDER BY category, item, id"),
            &case_id.to_string(),
            item_from_row,
        )
    }

    fn notice_leases_without_case(&self) -> Result<Vec<Lease>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.lease_status = ?1
             AND NOT EXISTS (SELECT 1 FROM turnover_case c WHERE c.lease_id = l.id) ORDER BY l.id"
        ))?;
        self.read_sane("tenant_lease", &mut stmt, [LeaseStatus::Notice], lease_from_row)
    }

    fn leases_of_unit(&self, unit_id: Uuid) -> Result<Vec<Lease>> {
        Store::leases_of_unit(self, unit_id)
    }

    fn write_turnover(&mut self, writes: &[TurnoverWrite], _now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply_turnover_writes(tx, writes))
    }
}

impl TurnoverPort for Queueing<'_> {
    fn turnover_cases(&self) -> Result<Vec<TurnoverCase>> {
        self.store.turnover_cases()
    }

    fn turnover_case(&self, id: Uuid) -> Result<TurnoverCase> {
        TurnoverPort::turnover_case(&*self.store, id)
    }

    fn turnover_deductions(&self, case_id: Uuid) -> Result<Vec<TurnoverDeduction>> {
        self.store.turnover_deductions(case_id)
    }

    fn turnover_checklist(&self, case_id: Uuid) -> Result<Vec<ChecklistItem>> {
        self.store.turnover_checklist(case_id)
    }

    fn notice_leases_without_case(&self) -> Result<Vec<Lease>> {
        self.store.notice_leases_without_case()
    }

    fn leases_of_unit(&self, unit_id: Uuid) -> Result<Vec<Lease>> {
        Store::leases_of_unit(self.store, unit_id)
    }

    fn write_turnover(&mut self, writes: &[TurnoverWrite], now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_turnover(writes, now) };
        self.store.transaction(|tx| {
            apply_turnover_writes(tx, writes)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
