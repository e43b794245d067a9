//! One workflow per maintenance action, written once over [`MaintenancePort`]: the server's
//! endpoints, a replica's commands and the server's replay of a replica's queued actions all
//! come through [`apply_action`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::port::{MaintenancePort, MaintenanceWrites};
use super::{MaintenanceAction, NewWorkOrder};
use crate::model::{WorkOrder, WorkOrderStatus};
use crate::port::in_scope;
use crate::store::{Result, StoreError};
use crate::time::today_at;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// What an action changed: the record's id and its table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type, utoipa::ToSchema)]
pub struct ActionOutcome {
    pub entity: String,
    pub id: Uuid,
    /// The work order the action made or changed, when there is one.
    pub work_order_id: Option<Uuid>,
}

/// Applies `action` to record `id` (a new record's id for `Create` and `Add…`).
pub fn apply_action<P: MaintenancePort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &MaintenanceAction,
    now: DateTime<Utc>,
) -> Result<ActionOutcome> {
    use MaintenanceAction::*;
    let mut w = MaintenanceWrites::default();
    let mut work_order_id = None;
    match action {
        Create(n) => {
            let unit = port.unit(n.unit_id)?;
            in_scope(port, unit.property_id, "Unit", unit.id)?;
            if port.work_order(id).is_ok() {
                return Err(refused(format!("Work order {id} already exists.")));
            }
            w.work_orders.push(super::new_work_order(id, n, unit.property_id, now).map_err(refused)?);
            work_order_id = Some(id);
        }
        Assign { vendor_id } | AcceptDispatch { vendor_id } => {
            let order = port.work_order(id)?;
            in_scope(port, order.property_id, "Work order", id)?;
            let vendor = port.vendor_list()?.into_iter().find(|v| v.id == *vendor_id);
            let vendor = vendor.ok_or_else(|| StoreError::NotFound { what: "Vendor", id: vendor_id.to_string() })?;
            let mut next = super::step(&order, action).map_err(refused)?;
            if matches!(action, AcceptDispatch { .. }) {
                let mut recs = port.dispatches(id)?;
                if !recs.iter().any(|r| r.recommended_vendor_id == vendor.id) {
                    return Err(refused(format!(
                        "{} is not among the recommendations for this work order.",
                        vendor.name
                    )));
                }
                for r in &mut recs {
                    r.status = if r.recommended_vendor_id == vendor.id { "accepted" } else { "rejected" }.into();
                }
                w.dispatches = recs;
                if next.status == WorkOrderStatus::Open {
                    next.status = WorkOrderStatus::InProgress;
                }
            } else if !vendor.is_active {
                return Err(refused(format!("{} is not an active vendor.", vendor.name)));
            }
            w.work_orders.push(next);
            work_order_id = Some(id);
        }
        Schedule { .. } | Start | Complete { .. } | Cancel => {
            let order = port.work_order(id)?;
            in_scope(port, order.property_id, "Work order", id)?;
            w.work_orders.push(super::step(&order, action).map_err(refused)?);
            work_order_id = Some(id);
        }
        AddEquipment(n) => {
            port.property(n.property_id)?;
            in_scope(port, n.property_id, "Property", n.property_id)?;
            if let Some(u) = n.unit_id {
                if port.unit(u)?.property_id != n.property_id {
                    return Err(refused("The unit is not on that property."));
                }
            }
            let today = today_at(port, n.property_id, now)?;
            w.equipment.push(super::new_equipment(id, n, today, now).map_err(refused)?);
        }
        AddWarranty(n) => {
            let unit = port.unit(n.unit_id)?;
            in_scope(port, unit.property_id, "Unit", unit.id)?;
            let today = today_at(port, unit.property_id, now)?;
            w.warranties.push(super::new_warranty(id, n, today).map_err(refused)?);
        }
        AddContract(n) => {
            if !port.vendor_list()?.iter().any(|v| v.id == n.vendor_id) {
                return Err(StoreError::NotFound { what: "Vendor", id: n.vendor_id.to_string() });
            }
            w.contracts.push(super::new_contract(id, n, now).map_err(refused)?);
        }
        ApproveSuggestion | DismissSuggestion => {
            let s = port.suggestions()?.into_iter().find(|s| s.id == id);
            let mut s = s.ok_or_else(|| StoreError::NotFound { what: "Suggestion", id: id.to_string() })?;
            if s.status != "suggested" && s.status != "approved" {
                return Err(refused(format!("This suggestion is already {}.", s.status.replace('_', " "))));
            }
            if matches!(action, DismissSuggestion) {
                s.status = "dismissed".into();
            } else {
                let wo_id = Uuid::new_v5(&s.id, b"work_order");
                let unit = port.unit(s.unit_id)?;
                let order = NewWorkOrder {
                    unit_id: s.unit_id,
                    title: s.title.chars().take(200).collect(),
                    description: format!("{}\n\nWhy: {}", s.description, s.reasoning),
                    category: s.category.clone(),
                    priority: match s.priority.as_str() {
                        "urgent" | "high" => crate::model::WorkOrderPriority::High,
                        "low" => crate::model::WorkOrderPriority::Low,
                        _ => crate::model::WorkOrderPriority::Medium,
                    },
                    requested_date: today_at(port, unit.property_id, now)?,
                    tenant_id: None,
                };
                let mut made: WorkOrder =
                    super::new_work_order(wo_id, &order, unit.property_id, now).map_err(refused)?;
                made.scheduled_date = Some(s.suggested_date.max(made.requested_date));
                s.status = "work_order_created".into();
                s.work_order_id = Some(wo_id);
                w.work_orders.push(made);
                work_order_id = Some(wo_id);
            }
            w.suggestions.push(s);
        }
        ResolveAlert { resolution_status } => {
            let a = port.repeat_alerts()?.into_iter().find(|a| a.id == id);
            let mut a = a.ok_or_else(|| StoreError::NotFound { what: "Repeat visit alert", id: id.to_string() })?;
            a.resolution_status = super::check_resolution(resolution_status).map_err(refused)?;
            w.repeat_alerts.push(a);
        }
    }
    port.write_maintenance(&w, now)?;
    Ok(ActionOutcome { entity: action.entity().to_string(), id, work_order_id })
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &MaintenanceAction,
    now: DateTime<Utc>,
) -> Result<ActionOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, action.entity(), id, json)?, id, action, now)
}
