//! One snapshot of the portfolio for the chat's tools, read through the ports every store
//! implements (scoped like them): each unit's row (the command center's), the work orders with
//! their property and unit, and each lease's ledger allocated oldest-first.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::collections::port::CollectionsPort;
use crate::command_center::port::CommandCenterPort;
use crate::command_center::Row;
use crate::ledger::{allocate, Allocation};
use crate::model::WorkOrder;
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

/// Reads the snapshot. `since`: the first day of work orders read.
pub fn load<P: CommandCenterPort + MaintenancePort + CollectionsPort>(
    port: &P,
    days: &Days,
    today: NaiveDate,
    since: NaiveDate,
) -> Result<PortfolioData> {
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
