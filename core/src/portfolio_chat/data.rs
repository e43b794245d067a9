//! One snapshot of the portfolio for the chat's tools, read through the ports every store
//! implements (scoped like them): each unit's row (the command center's), the work orders with
//! their property and unit, and each lease's ledger allocated oldest-first.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::digest::Money;
use super::record::DailyDigest;
use crate::collections::port::CollectionsPort;
use crate::command_center::port::CommandCenterPort;
use crate::command_center::Row;
use crate::ledger::{allocate, Allocation};
use crate::model::WorkOrder;
use crate::rent::RentPort;
use crate::store::Result;
use crate::time::Days;
use crate::work_orders::port::MaintenancePort;

#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderRow {
    pub order: WorkOrder,
    pub property_name: String,
    pub unit_number: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeaseMoney {
    pub lease_id: Uuid,
    pub unit_id: Uuid,
    pub property_name: String,
    pub unit_number: String,
    pub tenant_name: String,
    pub ledger: Allocation,
    /// Payments received: (date, amount).
    pub payments: Vec<(NaiveDate, rust_decimal::Decimal)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioData {
    pub today: NaiveDate,
    pub units: Vec<Row>,
    pub work_orders: Vec<WorkOrderRow>,
    pub leases: Vec<LeaseMoney>,
}

impl PortfolioData {
    /// Every property's name, once, sorted.
    pub fn property_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.units.iter().map(|r| r.property_name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Every unit's row, and the work orders since `since` with their property and unit.
fn units_and_orders<P: CommandCenterPort + MaintenancePort>(
    port: &P,
    days: &Days,
    since: NaiveDate,
) -> Result<(Vec<Row>, Vec<WorkOrderRow>)> {
    let units = port.command_center_rows(days)?;
    let by_unit: HashMap<Uuid, &Row> = units.iter().map(|r| (r.unit_id, r)).collect();
    let work_orders = port
        .work_orders_since(since)?
        .into_iter()
        .map(|order| {
            let row = by_unit.get(&order.unit_id);
            WorkOrderRow {
                property_name: row.map(|r| r.property_name.clone()).unwrap_or_default(),
                unit_number: row.map(|r| r.unit_number.clone()).unwrap_or_default(),
                order,
            }
        })
        .collect();
    Ok((units, work_orders))
}

/// The digest of `today` from the same rows the snapshot holds, but the money from each lease's
/// ledger sums ([`crate::ledger::FifoSums`], one aggregate in the store); only a ledger the sums
/// cannot give exactly (a credit note) is read, allocated and summed, a chunk of leases at a
/// time. The hourly job never holds the whole portfolio's ledger (at 100,000 units it was most
/// of a gigabyte, rebuilt in each time zone's morning).
pub fn digest<P: CommandCenterPort + MaintenancePort + RentPort>(
    port: &P,
    days: &Days,
    today: NaiveDate,
    since: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DailyDigest> {
    let (units, work_orders) = units_and_orders(port, days, since)?;
    let in_scope: HashSet<Uuid> = units.iter().map(|r| r.unit_id).collect();
    let leases: Vec<Uuid> =
        port.collection_leases()?.into_iter().filter(|l| in_scope.contains(&l.unit_id)).map(|l| l.id).collect();
    let sums = port.fifo_sums(today)?;
    let mut money = Money::default();
    let mut read = Vec::new();
    for id in leases {
        match sums.get(&id) {
            Some(s) if s.exact => money.add_sums(s),
            Some(_) => read.push(id),
            None => {}
        }
    }
    for chunk in read.chunks(crate::rent::LEDGER_CHUNK) {
        let mut ledgers = port.ledgers_of(chunk)?;
        for id in chunk {
            money.add(&allocate(&ledgers.remove(id).unwrap_or_default()), today);
        }
    }
    Ok(super::digest::build_from(today, &units, &work_orders, &money, now))
}

/// Reads the snapshot. `since`: the first day of work orders read.
pub fn load<P: CommandCenterPort + MaintenancePort + CollectionsPort>(
    port: &P,
    days: &Days,
    today: NaiveDate,
    since: NaiveDate,
) -> Result<PortfolioData> {
    let (units, work_orders) = units_and_orders(port, days, since)?;
    let by_unit: HashMap<Uuid, &Row> = units.iter().map(|r| (r.unit_id, r)).collect();
    let ledgers = port.lease_ledgers()?;
    let names = port.tenant_names()?;
    let mut leases = Vec::new();
    for lease in port.collection_leases()? {
        let Some(row) = by_unit.get(&lease.unit_id) else { continue };
        let entries = ledgers.get(&lease.id).map(Vec::as_slice).unwrap_or_default();
        let payments = entries
            .iter()
            .filter(|e| e.trans_type == crate::model::TransType::Payment)
            .map(|e| (e.trans_date, e.amount))
            .collect();
        let tenant_name = names.get(&lease.tenant_id).cloned().unwrap_or_default();
        leases.push(LeaseMoney {
            lease_id: lease.id,
            unit_id: lease.unit_id,
            property_name: row.property_name.clone(),
            unit_number: row.unit_number.clone(),
            tenant_name,
            ledger: allocate(entries),
            payments,
        });
    }
    Ok(PortfolioData { today, units, work_orders, leases })
}
