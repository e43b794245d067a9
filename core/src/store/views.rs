//! Read-only views the screens need: a property's unit grid, balances and portfolio KPIs.
//!
//! Each view is one or two queries; the rows are joined here so the terminal app never builds SQL.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::leases::{lease_from_row, LEASE_COLS, LIST_FROM};
use super::{get_dec, get_uuid, optional, LeaseFilter, LeaseListRow, LeaseSort, Result, Store};
use crate::lifecycle::LifecycleStats;
use crate::model::{Building, Lease, LeaseStatus, TransType, Unit};

/// One hex of the property grid: a unit with its current lease and tenant.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct UnitGridRow {
    pub unit: Unit,
    pub building_name: String,
    /// The unit's current lease: the newest one that is not vacant, else the newest one.
    pub lease: Option<Lease>,
    pub tenant_name: Option<String>,
}

impl UnitGridRow {
    /// The lifecycle state shown for the unit: its lease's `lease_status`, vacant without a lease.
    pub fn lease_status(&self) -> LeaseStatus {
        self.lease.as_ref().map_or(LeaseStatus::Vacant, |l| l.lease_status)
    }
}

/// A property's units grouped as the grid draws them.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PropertyGrid {
    pub buildings: Vec<Building>,
    /// Ordered by building name, floor, unit number.
    pub units: Vec<UnitGridRow>,
}

/// One property's line on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PropertyKpi {
    pub property_id: Uuid,
    pub name: String,
    pub city: String,
    pub units: u64,
    /// Units without an active, month-to-month or notice lease.
    pub vacant_units: u64,
    pub lifecycle: LifecycleStats,
}

/// Portfolio totals for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PortfolioKpis {
    pub properties: u64,
    pub buildings: u64,
    pub units: u64,
    pub vacant_units: u64,
    pub lifecycle: LifecycleStats,
    pub per_property: Vec<PropertyKpi>,
}

impl PortfolioKpis {
    /// Vacant units as a percentage with one decimal, e.g. `7.5`.
    pub fn vacancy_percent(&self) -> Decimal {
        if self.units == 0 {
            return Decimal::ZERO;
        }
        (Decimal::from(self.vacant_units) * Decimal::from(100) / Decimal::from(self.units)).round_dp(1)
    }
}

/// Whether a lease keeps its unit occupied.
fn occupies(status: LeaseStatus) -> bool {
    matches!(status, LeaseStatus::Active | LeaseStatus::MonthToMonth | LeaseStatus::Notice)
}

/// The same choice as [`Store::current_lease_for_unit`]: non-vacant first, then the newest begin date.
fn better(candidate: &Lease, current: &Lease) -> bool {
    let key = |l: &Lease| (l.lease_status != LeaseStatus::Vacant, l.lease_begin_date);
    key(candidate) > key(current)
}

impl Store {
    /// The units of a property with their current lease and tenant name, for the hex grid.
    pub fn property_grid(&self, property_id: Uuid) -> Result<PropertyGrid> {
        let buildings = self.buildings(property_id)?;
        let names: HashMap<Uuid, &str> = buildings.iter().map(|b| (b.id, b.name.as_str())).collect();
        let order: HashMap<Uuid, usize> = buildings.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LEASE_COLS}, t.first_name || ' ' || t.last_name FROM tenant_lease l
             JOIN tenants t ON t.id = l.tenant_id WHERE l.property_id = ?1"
        ))?;
        let mut current: HashMap<Uuid, (Lease, String)> = HashMap::new();
        let rows = stmt.query_map([property_id.to_string()], |r| Ok((lease_from_row(r)?, r.get::<_, String>(22)?)))?;
        for row in rows {
            let (lease, tenant) = row?;
            match current.get(&lease.unit_id) {
                Some((held, _)) if !better(&lease, held) => {}
                _ => {
                    current.insert(lease.unit_id, (lease, tenant));
                }
            }
        }
        let mut units: Vec<UnitGridRow> = self
            .units(property_id)?
            .into_iter()
            .map(|unit| {
                let (lease, tenant_name) = match current.remove(&unit.id) {
                    Some((l, t)) => (Some(l), Some(t)),
                    None => (None, None),
                };
                let building_name = unit.building_id.and_then(|b| names.get(&b)).map_or("", |n| n).to_string();
                UnitGridRow { unit, building_name, lease, tenant_name }
            })
            .collect();
        units.sort_by(|a, b| {
            let ka = (a.unit.building_id.and_then(|id| order.get(&id).copied()), a.unit.floor);
            let kb = (b.unit.building_id.and_then(|id| order.get(&id).copied()), b.unit.floor);
            ka.cmp(&kb).then_with(|| natural(&a.unit.unit_number).cmp(&natural(&b.unit.unit_number)))
        });
        Ok(PropertyGrid { buildings, units })
    }

    /// Charges minus payments on a lease's ledger: what the tenant owes (negative = credit).
    pub fn lease_balance(&self, lease_id: Uuid) -> Result<Decimal> {
        let mut stmt =
            self.conn.prepare_cached("SELECT trans_type, amount FROM tenant_ledger_entry WHERE lease_id = ?1")?;
        let mut rows = stmt.query([lease_id.to_string()])?;
        let mut balance = Decimal::ZERO;
        while let Some(r) = rows.next()? {
            let amount = get_dec(r, 1)?;
            match r.get::<_, TransType>(0)? {
                TransType::Charge => balance += amount,
                TransType::Payment => balance -= amount,
            }
        }
        Ok(balance)
    }

    /// Units per lifecycle state, expiring leases and vacancy, for the whole portfolio and per property.
    pub fn portfolio_kpis(&self, today: NaiveDate) -> Result<PortfolioKpis> {
        let mut per_property: Vec<PropertyKpi> = self
            .properties()?
            .into_iter()
            .filter(|p| p.archived_at.is_none())
            .map(|p| PropertyKpi {
                property_id: p.id,
                name: p.name,
                city: p.city,
                units: 0,
                vacant_units: 0,
                lifecycle: LifecycleStats::default(),
            })
            .collect();
        let index: HashMap<Uuid, usize> = per_property.iter().enumerate().map(|(i, p)| (p.property_id, i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT property_id, COUNT(*) FROM units_unit WHERE archived_at IS NULL GROUP BY property_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if let Some(&i) = Uuid::parse_str(&id).ok().and_then(|id| index.get(&id)) {
                per_property[i].units = r.get::<_, i64>(1)? as u64;
            }
        }
        let mut occupied: HashMap<usize, std::collections::HashSet<String>> = HashMap::new();
        let mut stmt =
            self.conn.prepare_cached("SELECT property_id, unit_id, lease_status, lease_end_date FROM tenant_lease")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let Some(&i) = Uuid::parse_str(&id).ok().and_then(|id| index.get(&id)) else { continue };
            let status: LeaseStatus = r.get(2)?;
            per_property[i].lifecycle.add(status, r.get(3)?, today);
            if occupies(status) {
                occupied.entry(i).or_default().insert(r.get(1)?);
            }
        }
        let mut lifecycle = LifecycleStats::default();
        for (i, p) in per_property.iter_mut().enumerate() {
            let taken = occupied.get(&i).map_or(0, |s| s.len() as u64);
            p.vacant_units = p.units.saturating_sub(taken);
            merge(&mut lifecycle, &p.lifecycle);
        }
        let buildings: i64 =
            self.conn.query_row("SELECT COUNT(*) FROM buildings WHERE archived_at IS NULL", [], |r| r.get(0))?;
        Ok(PortfolioKpis {
            properties: per_property.len() as u64,
            buildings: buildings as u64,
            units: per_property.iter().map(|p| p.units).sum(),
            vacant_units: per_property.iter().map(|p| p.vacant_units).sum(),
            lifecycle,
            per_property,
        })
    }

    /// Active leases ending between `today` and `today + days`, soonest first, at most `limit`.
    pub fn expiring_leases(&self, today: NaiveDate, days: i64, limit: usize) -> Result<Vec<super::LeaseListRow>> {
        let filter = LeaseFilter {
            lease_status: vec![LeaseStatus::Active],
            lease_end_date_gte: Some(today),
            lease_end_date_lte: Some(today + chrono::Duration::days(days)),
            ..Default::default()
        };
        self.lease_rows(&filter, super::LeaseSort::LeaseEndDate, 0, Some(limit))
    }

    /// The same rows as [`Store::lease_rows`], found in two steps for deep pages of large
    /// portfolios: the sort runs over ids only, then the page's rows are read by primary key.
    pub fn lease_page(
        &self,
        filter: &LeaseFilter,
        sort: LeaseSort,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<LeaseListRow>> {
        let order = self.lease_order(filter, sort)?;
        let end = offset.saturating_add(limit).min(order.len());
        self.lease_rows_by_id(order.get(offset..end).unwrap_or_default())
    }

    /// The ids of the leases matching `filter`, in `sort` order: one sort of ids that a screen
    /// keeps, so any position (the end of 100,000 leases as much as the start) is then a read
    /// of the rows it draws by primary key, never an OFFSET that walks every row before it.
    pub fn lease_order(&self, filter: &LeaseFilter, sort: LeaseSort) -> Result<Vec<Uuid>> {
        let (clause, args) = filter.where_clause();
        let sql = format!("SELECT l.id {LIST_FROM} {clause} ORDER BY {}, l.id", sort.sql());
        let mut stmt = self.conn.prepare(&sql)?;
        let ids = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| get_uuid(r, 0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// These leases with their names, in the order given (ids no longer present are skipped:
    /// a lease removed since its screen took the order).
    pub fn lease_rows_by_id(&self, ids: &[Uuid]) -> Result<Vec<LeaseListRow>> {
        let mut stmt = self.conn.prepare_cached(&row_by_id_sql())?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = optional(stmt.query_row([id.to_string()], super::leases::list_row))? {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// Whether this replica is linked to a central server (`unitcycle login` was run).
    pub fn has_sync_state(&self) -> Result<bool> {
        // Linked to a server once `unitcycle login` has written a sync_state row.
        let n: i64 = self.conn.query_row("SELECT COUNT(*) FROM sync_state", [], |r| r.get(0))?;
        Ok(n > 0)
    }
}

/// One lease with its names, by primary key (a page of a held order is these reads).
fn row_by_id_sql() -> String {
    format!(
        "SELECT {LEASE_COLS}, t.first_name || ' ' || t.last_name, u.unit_number, p.name {LIST_FROM} WHERE l.id = ?1"
    )
}

fn merge(total: &mut LifecycleStats, part: &LifecycleStats) {
    total.total_leases += part.total_leases;
    total.active += part.active;
    total.month_to_month += part.month_to_month;
    total.notice += part.notice;
    total.vacant += part.vacant;
    total.expiring_30_days += part.expiring_30_days;
    total.expiring_60_days += part.expiring_60_days;
    total.expiring_90_days += part.expiring_90_days;
}

/// Sort key that orders "2" before "10" inside unit numbers like "A-2" and "A-10".
fn natural(text: &str) -> (String, u64, String) {
    let digits_at = text.find(|c: char| c.is_ascii_digit()).unwrap_or(text.len());
    let rest = &text[digits_at..];
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let number = rest[..digits_end].parse().unwrap_or(0);
    (text[..digits_at].to_string(), number, rest[digits_end..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoConfig};

    fn demo_store() -> (Store, NaiveDate) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut store = Store::in_memory().unwrap();
        demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today }).unwrap();
        (store, today)
    }

    #[test]
    fn the_grid_has_every_unit_once_with_its_current_lease() {
        let (store, _) = demo_store();
        let p = &store.properties().unwrap()[0];
        let grid = store.property_grid(p.id).unwrap();
        assert_eq!(grid.units.len(), store.units(p.id).unwrap().len());
        for row in &grid.units {
            let expected = store.current_lease_for_unit(row.unit.id).unwrap();
            assert_eq!(row.lease.as_ref().map(|l| l.id), expected.map(|l| l.id), "unit {}", row.unit.unit_number);
            assert_eq!(row.lease.is_some(), row.tenant_name.is_some());
        }
    }

    #[test]
    fn kpis_add_up_to_the_lifecycle_stats() {
        let (store, today) = demo_store();
        let k = store.portfolio_kpis(today).unwrap();
        assert_eq!(k.lifecycle, store.lifecycle_stats(&LeaseFilter::default(), today).unwrap());
        assert_eq!(k.units, 120);
        assert!(k.vacant_units <= k.units);
        assert_eq!(k.per_property.iter().map(|p| p.units).sum::<u64>(), 120);
    }

    #[test]
    fn balance_is_charges_minus_payments() {
        let (store, _) = demo_store();
        let lease = store.leases_in(&[LeaseStatus::Active]).unwrap().remove(0);
        let mut expected = Decimal::ZERO;
        for e in store.ledger(lease.tenant_id, None).unwrap().iter().filter(|e| e.lease_id == Some(lease.id)) {
            match e.trans_type {
                TransType::Charge => expected += e.amount,
                TransType::Payment => expected -= e.amount,
            }
        }
        assert_eq!(store.lease_balance(lease.id).unwrap(), expected);
    }

    /// Paging at page size, page size + 1 and 0 gives exactly the rows of `lease_rows`.
    #[test]
    fn lease_page_matches_lease_rows() {
        let (store, _) = demo_store();
        let filter = LeaseFilter::default();
        for sort in [LeaseSort::LeaseEndDate, LeaseSort::TenantName, LeaseSort::Rent, LeaseSort::Status] {
            for (offset, limit) in [(0, 25), (25, 26), (0, 0), (110, 50), (500, 10)] {
                let ids = |rows: Vec<LeaseListRow>| rows.into_iter().map(|r| r.lease.id).collect::<Vec<_>>();
                assert_eq!(
                    ids(store.lease_page(&filter, sort, offset, limit).unwrap()),
                    ids(store.lease_rows(&filter, sort, offset, Some(limit)).unwrap()),
                    "{sort:?} {offset} {limit}"
                );
            }
        }
    }

    /// A page of the held order costs the same at the end of 100,000 leases as at the start:
    /// each row is a search by key in every table, never a scan.
    #[test]
    fn a_row_of_a_page_is_found_by_key_in_every_table() {
        let (store, _) = demo_store();
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {}", row_by_id_sql())).unwrap();
        let plan: Vec<String> =
            stmt.query_map(["x"], |r| r.get::<_, String>(3)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        assert_eq!(plan.len(), 4, "{plan:?}");
        assert!(plan.iter().all(|step| step.starts_with("SEARCH")), "{plan:?}");
    }

    #[test]
    fn a_page_of_the_order_is_the_offset_page() {
        let (store, _) = demo_store();
        for sort in [LeaseSort::UnitNumber, LeaseSort::Status] {
            let order = store.lease_order(&LeaseFilter::default(), sort).unwrap();
            let tail = store.lease_rows_by_id(&order[order.len() - 7..]).unwrap();
            let by_offset = store.lease_rows(&LeaseFilter::default(), sort, order.len() - 7, Some(7)).unwrap();
            assert_eq!(tail, by_offset, "{sort:?}");
        }
        assert!(store.lease_rows_by_id(&[Uuid::nil()]).unwrap().is_empty(), "a lease gone since is skipped");
    }

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut v = vec!["A-10", "A-2", "B-1", "A-1"];
        v.sort_by_key(|s| natural(s));
        assert_eq!(v, ["A-1", "A-2", "A-10", "B-1"]);
        assert!(!Store::in_memory().unwrap().has_sync_state().unwrap());
    }
}
