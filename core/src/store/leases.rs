//! Leases, their lifecycle transitions and the status log.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Row, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{found, get_dec, get_json, get_uuid, optional, Result, Store, StoreError};
use crate::lifecycle::{self, LifecycleAction, LifecycleStats, Transition};
use crate::model::{Lease, LeaseStatus, LeaseStatusLog, UnitStatus};

pub(crate) const LEASE_COLS: &str = "l.id, l.lease_number, l.tenant_id, l.unit_id, l.property_id, \
    l.lease_begin_date, l.lease_end_date, l.monthly_rent_amount, l.security_deposit, l.rent_due_day, \
    l.late_fee_amount, l.grace_period_days, l.status, l.lease_status, l.lease_status_changed_at, \
    l.lease_status_changed_by, l.holdover_start_date, l.notice_date, l.notice_move_out_date, \
    l.actual_move_out_date, l.created_at, l.updated_at";
const LEASE_NCOLS: usize = 22;

pub(crate) fn lease_from_row(r: &Row<'_>) -> rusqlite::Result<Lease> {
    Ok(Lease {
        id: get_uuid(r, 0)?,
        lease_number: r.get(1)?,
        tenant_id: get_uuid(r, 2)?,
        unit_id: get_uuid(r, 3)?,
        property_id: get_uuid(r, 4)?,
        lease_begin_date: r.get(5)?,
        lease_end_date: r.get(6)?,
        monthly_rent_amount: get_dec(r, 7)?,
        security_deposit: get_dec(r, 8)?,
        rent_due_day: r.get(9)?,
        late_fee_amount: get_dec(r, 10)?,
        grace_period_days: r.get(11)?,
        status: r.get(12)?,
        lease_status: r.get(13)?,
        lease_status_changed_at: r.get(14)?,
        lease_status_changed_by: r.get(15)?,
        holdover_start_date: r.get(16)?,
        notice_date: r.get(17)?,
        notice_move_out_date: r.get(18)?,
        actual_move_out_date: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
    })
}

pub fn insert_lease(tx: &Transaction<'_>, l: &Lease) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO tenant_lease (id, lease_number, tenant_id, unit_id, property_id, lease_begin_date,
            lease_end_date, monthly_rent_amount, security_deposit, rent_due_day, late_fee_amount,
            grace_period_days, status, lease_status, lease_status_changed_at, lease_status_changed_by,
            holdover_start_date, notice_date, notice_move_out_date, actual_move_out_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        l.id.to_string(),
        l.lease_number,
        l.tenant_id.to_string(),
        l.unit_id.to_string(),
        l.property_id.to_string(),
        l.lease_begin_date,
        l.lease_end_date,
        l.monthly_rent_amount.to_string(),
        l.security_deposit.to_string(),
        l.rent_due_day,
        l.late_fee_amount.to_string(),
        l.grace_period_days,
        l.status,
        l.lease_status,
        l.lease_status_changed_at,
        l.lease_status_changed_by,
        l.holdover_start_date,
        l.notice_date,
        l.notice_move_out_date,
        l.actual_move_out_date,
        l.created_at,
        l.updated_at,
    ])?;
    Ok(())
}

/// Filters of `GET /api/v1/tenants/leases/` plus the TUI's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseFilter {
    /// Any of these states (empty = all).
    pub lease_status: Vec<LeaseStatus>,
    pub property: Option<Uuid>,
    pub unit: Option<Uuid>,
    pub tenant: Option<Uuid>,
    #[serde(rename = "lease_end_date__lte")]
    pub lease_end_date_lte: Option<NaiveDate>,
    #[serde(rename = "lease_end_date__gte")]
    pub lease_end_date_gte: Option<NaiveDate>,
    /// Case-insensitive match on tenant name, unit number or lease number.
    pub search: Option<String>,
}

/// Sort orders for lease lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LeaseSort {
    #[default]
    LeaseEndDate,
    UnitNumber,
    TenantName,
    Rent,
    Status,
}

impl LeaseSort {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            LeaseSort::LeaseEndDate => "l.lease_end_date IS NULL, l.lease_end_date, u.unit_number",
            LeaseSort::UnitNumber => "p.name, u.unit_number",
            LeaseSort::TenantName => "t.last_name, t.first_name",
            LeaseSort::Rent => "CAST(l.monthly_rent_amount AS REAL) DESC, u.unit_number",
            LeaseSort::Status => {
                "CASE l.lease_status WHEN 'notice' THEN 0 WHEN 'month_to_month' THEN 1 \
                 WHEN 'active' THEN 2 ELSE 3 END, l.lease_end_date"
            }
        }
    }
}

/// A lease with the names a list shows beside it (the spec's `LeaseLifecycleSerializer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseListRow {
    #[serde(flatten)]
    pub lease: Lease,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
}

impl LeaseFilter {
    /// Counting and stats only need the joins when searching by name or unit.
    fn count_from(&self) -> &'static str {
        if self.search.as_deref().is_some_and(|q| !q.trim().is_empty()) {
            LIST_FROM
        } else {
            "FROM tenant_lease l"
        }
    }

    pub(crate) fn where_clause(&self) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if !self.lease_status.is_empty() {
            let marks: Vec<&str> = self.lease_status.iter().map(|_| "?").collect();
            clauses.push(format!("l.lease_status IN ({})", marks.join(",")));
            for s in &self.lease_status {
                args.push(Box::new(*s));
            }
        }
        for (col, id) in [("l.property_id", self.property), ("l.unit_id", self.unit), ("l.tenant_id", self.tenant)] {
            if let Some(id) = id {
                clauses.push(format!("{col} = ?"));
                args.push(Box::new(id.to_string()));
            }
        }
        if let Some(d) = self.lease_end_date_lte {
            clauses.push("l.lease_end_date <= ?".into());
            args.push(Box::new(d));
        }
        if let Some(d) = self.lease_end_date_gte {
            clauses.push("l.lease_end_date >= ?".into());
            args.push(Box::new(d));
        }
        if let Some(q) = self.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            clauses.push(
                "(t.first_name || ' ' || t.last_name LIKE ? OR u.unit_number LIKE ? OR l.lease_number LIKE ?)".into(),
            );
            let pattern = format!("%{}%", q.replace('%', "\\%"));
            for _ in 0..3 {
                args.push(Box::new(pattern.clone()));
            }
        }
        let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        (sql, args)
    }
}

pub(crate) const LIST_FROM: &str = "FROM tenant_lease l
    JOIN tenants t ON t.id = l.tenant_id
    JOIN units_unit u ON u.id = l.unit_id
    JOIN properties p ON p.id = l.property_id";

impl Store {
    pub fn insert_lease(&mut self, lease: &Lease) -> Result<()> {
        self.transaction(|tx| Ok(insert_lease(tx, lease)?))
    }

    pub fn lease(&self, id: Uuid) -> Result<Lease> {
        let r = self.conn.query_row(
            &format!("SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.id = ?1"),
            [id.to_string()],
            lease_from_row,
        );
        found(optional(r)?, "Lease", id)
    }

    /// Finds a lease by id or by lease number (what people type).
    pub fn find_lease(&self, key: &str) -> Result<Lease> {
        if let Ok(id) = Uuid::parse_str(key.trim()) {
            return self.lease(id);
        }
        let r = self.conn.query_row(
            &format!("SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.lease_number = ?1 COLLATE NOCASE"),
            [key.trim()],
            lease_from_row,
        );
        found(optional(r)?, "Lease", key)
    }

    /// One lease with its tenant, unit and property names.
    pub fn lease_row(&self, id: Uuid) -> Result<LeaseListRow> {
        let r = self.conn.query_row(
            &format!(
                "SELECT {LEASE_COLS}, t.first_name || ' ' || t.last_name, u.unit_number, p.name {LIST_FROM} WHERE l.id = ?1"
            ),
            [id.to_string()],
            list_row,
        );
        found(optional(r)?, "Lease", id)
    }

    /// Leases matching `filter`, sorted, with paging (`limit` None = all).
    pub fn lease_rows(
        &self,
        filter: &LeaseFilter,
        sort: LeaseSort,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<Vec<LeaseListRow>> {
        let (clause, args) = filter.where_clause();
        let limit_sql = match limit {
            Some(n) => format!("LIMIT {n} OFFSET {offset}"),
            None if offset > 0 => format!("LIMIT -1 OFFSET {offset}"),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {LEASE_COLS}, t.first_name || ' ' || t.last_name, u.unit_number, p.name {LIST_FROM} {clause} ORDER BY {}, l.id {limit_sql}",
            sort.sql()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), list_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many leases match `filter` (for `count` in paginated lists).
    pub fn count_leases(&self, filter: &LeaseFilter) -> Result<u64> {
        let (clause, args) = filter.where_clause();
        let sql = format!("SELECT COUNT(*) {} {clause}", filter.count_from());
        Ok(self.conn.query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get::<_, i64>(0))? as u64)
    }

    /// Every lease in the given states (all states when empty), unjoined.
    pub fn leases_in(&self, states: &[LeaseStatus]) -> Result<Vec<Lease>> {
        let filter = LeaseFilter { lease_status: states.to_vec(), ..Default::default() };
        let (clause, args) = filter.where_clause();
        let mut stmt = self.conn.prepare(&format!("SELECT {LEASE_COLS} FROM tenant_lease l {clause}"))?;
        self.read_sane("tenant_lease", &mut stmt, rusqlite::params_from_iter(args.iter()), lease_from_row)
    }

    /// Lifecycle stats over the leases matching `filter`, computed by `core::lifecycle`.
    pub fn lifecycle_stats(&self, filter: &LeaseFilter, today: NaiveDate) -> Result<LifecycleStats> {
        let (clause, args) = filter.where_clause();
        let sql = format!("SELECT l.lease_status, l.lease_end_date {} {clause}", filter.count_from());
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut stats = LifecycleStats::default();
        while let Some(r) = rows.next()? {
            stats.add(r.get(0)?, r.get(1)?, today);
        }
        Ok(stats)
    }

    /// The unit's current lease: its most recent lease (ARCHITECTURE.md), preferring one that
    /// is not vacant.
    pub fn current_lease_for_unit(&self, unit_id: Uuid) -> Result<Option<Lease>> {
        let r = self.conn.query_row(
            &format!(
                "SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.unit_id = ?1
                 ORDER BY l.lease_status = 'vacant', l.lease_begin_date DESC LIMIT 1"
            ),
            [unit_id.to_string()],
            lease_from_row,
        );
        optional(r)
    }

    /// Every lease of a unit, newest first.
    pub fn leases_of_unit(&self, unit_id: Uuid) -> Result<Vec<Lease>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.unit_id = ?1 ORDER BY l.lease_begin_date DESC"
        ))?;
        let rows = stmt.query_map([unit_id.to_string()], lease_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `GET /status-history/`: newest first.
    pub fn status_log(&self, lease_id: Uuid) -> Result<Vec<LeaseStatusLog>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, lease_id, previous_status, new_status, reason, changed_by, metadata, created_at
             FROM lease_status_log WHERE lease_id = ?1 ORDER BY created_at DESC, rowid DESC",
        )?;
        let rows = stmt.query_map([lease_id.to_string()], |r| {
            Ok(LeaseStatusLog {
                id: get_uuid(r, 0)?,
                lease_id: get_uuid(r, 1)?,
                previous_status: r.get(2)?,
                new_status: r.get(3)?,
                reason: r.get(4)?,
                changed_by: r.get(5)?,
                metadata: get_json(r, 6)?,
                created_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Validates a manual action with the core state machine and applies it atomically.
    pub fn apply_lifecycle_action(
        &mut self,
        lease_id: Uuid,
        action: &LifecycleAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Lease, Transition)> {
        let lease = self.lease(lease_id)?;
        let today = crate::time::today_at(self, lease.property_id, now)?;
        let transition = lifecycle::plan_action(&lease, action, actor, today)?;
        self.transaction(|tx| apply_transition(tx, &transition, now))?;
        Ok((self.lease(lease_id)?, transition))
    }
}

pub(crate) fn list_row(r: &Row<'_>) -> rusqlite::Result<LeaseListRow> {
    Ok(LeaseListRow {
        lease: lease_from_row(r)?,
        tenant_name: r.get(LEASE_NCOLS)?,
        unit_number: r.get(LEASE_NCOLS + 1)?,
        property_name: r.get(LEASE_NCOLS + 2)?,
    })
}

/// Writes one transition: the lease fields, the unit status and the log row. Refuses to write
/// if the lease is no longer in the state the plan was made from.
pub fn apply_transition(tx: &Transaction<'_>, t: &Transition, now: DateTime<Utc>) -> Result<()> {
    let c = &t.changes;
    let changed = tx
        .prepare_cached(
            "UPDATE tenant_lease SET
                lease_status = ?3,
                lease_status_changed_at = ?4,
                lease_status_changed_by = ?5,
                holdover_start_date = CASE WHEN ?6 THEN NULL ELSE COALESCE(?7, holdover_start_date) END,
                notice_date = COALESCE(?8, notice_date),
                notice_move_out_date = COALESCE(?9, notice_move_out_date),
                actual_move_out_date = COALESCE(?10, actual_move_out_date),
                lease_begin_date = COALESCE(?11, lease_begin_date),
                lease_end_date = COALESCE(?12, lease_end_date),
                updated_at = ?4
             WHERE id = ?1 AND lease_status = ?2",
        )?
        .execute(params![
            t.lease_id.to_string(),
            t.from,
            t.to,
            now,
            lifecycle::truncate(&t.changed_by, 50),
            c.clear_holdover,
            c.holdover_start_date,
            c.notice_date,
            c.notice_move_out_date,
            c.actual_move_out_date,
            c.lease_begin_date,
            c.lease_end_date,
        ])?;
    if changed == 0 {
        let now_status: Option<String> = optional(tx.query_row(
            "SELECT lease_status FROM tenant_lease WHERE id = ?1",
            [t.lease_id.to_string()],
            |r| r.get(0),
        ))?;
        return Err(match now_status {
            Some(s) => StoreError::Conflict { what: "lease", now: format!("it is now {s}") },
            None => StoreError::NotFound { what: "Lease", id: t.lease_id.to_string() },
        });
    }
    let unit_status = if t.vacates_unit {
        Some(UnitStatus::Vacant)
    } else if t.occupies_unit {
        Some(UnitStatus::Occupied)
    } else {
        None
    };
    if let Some(status) = unit_status {
        tx.prepare_cached("UPDATE units_unit SET status = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
            t.unit_id.to_string(),
            status,
            now
        ])?;
    }
    tx.prepare_cached(
        "INSERT INTO lease_status_log (id, lease_id, previous_status, new_status, reason, changed_by, metadata, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        Uuid::new_v4().to_string(),
        t.lease_id.to_string(),
        t.from,
        t.to,
        lifecycle::truncate(&t.reason, lifecycle::MAX_REASON_CHARS),
        lifecycle::truncate(&t.changed_by, 100),
        t.metadata.to_string(),
        now,
    ])?;
    // Spec 2.1: notice opens the unit's turnover, in this same transaction.
    if t.to == LeaseStatus::Notice {
        super::turnover::open_on_notice(tx, t.lease_id, now)?;
    }
    Ok(())
}
