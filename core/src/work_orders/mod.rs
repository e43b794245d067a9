//! Work orders (`units_maintenance`) and what maintenance people record beside them —
//! equipment, warranties, vendor contracts — as actions checked here, so the terminal, the
//! desktop, the server and a replica's queued actions refuse bad input alike.

pub mod port;
pub mod workflow;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::format::{check_amount, check_date, check_text};
use crate::model::{Equipment, WorkOrder, WorkOrderPriority, WorkOrderStatus};
use crate::vendor_intelligence::{VendorContract, WarrantyRecord, ITEM_TYPES, RESOLUTIONS};

/// Work categories (the vendors' trades).
pub const CATEGORIES: &[&str] = &[
    "plumbing",
    "electrical",
    "hvac",
    "appliance",
    "general",
    "pest",
    "roofing",
    "painting",
    "cleaning",
    "flooring",
    "landscaping",
];

/// A new work order as a person enters it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewWorkOrder {
    pub unit_id: Uuid,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category: String,
    #[schema(value_type = String)]
    pub priority: WorkOrderPriority,
    pub requested_date: NaiveDate,
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
}

/// Equipment to record on a property (and optionally a unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewEquipment {
    pub property_id: Uuid,
    #[serde(default)]
    pub unit_id: Option<Uuid>,
    pub name: String,
    pub equipment_type: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default)]
    pub model_number: String,
    pub install_date: NaiveDate,
    pub expected_lifespan_years: f64,
    #[serde(default)]
    pub warranty_expiry: Option<NaiveDate>,
}

/// A warranty to record on a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewWarranty {
    pub unit_id: Uuid,
    pub item_type: String,
    pub brand: String,
    #[serde(default)]
    pub model_number: String,
    pub installed_date: NaiveDate,
    pub warranty_end_date: NaiveDate,
    #[serde(default)]
    pub warranty_vendor_id: Option<Uuid>,
    pub warranty_provider: String,
    pub coverage_type: String,
    #[serde(default)]
    pub contact: String,
}

/// A vendor's contract or compliance document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewContract {
    pub vendor_id: Uuid,
    pub contract_type: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[serde(default)]
    pub insurance_expiry: Option<NaiveDate>,
    #[serde(default)]
    pub license_expiry: Option<NaiveDate>,
    #[serde(default)]
    pub auto_renew: bool,
}

/// A person's change to maintenance records, as it travels from a replica to the server. The
/// record it is about is the queued action's `entity_id` (the new record's id for the `Add…`
/// and `Create` actions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MaintenanceAction {
    Create(NewWorkOrder),
    Assign {
        vendor_id: Uuid,
    },
    Schedule {
        scheduled_date: NaiveDate,
    },
    Start,
    Complete {
        completed_date: NaiveDate,
        #[schema(value_type = String)]
        cost: Decimal,
        #[serde(default)]
        tenant_rating: Option<i32>,
    },
    Cancel,
    AddEquipment(NewEquipment),
    AddWarranty(NewWarranty),
    AddContract(NewContract),
    /// Approve a preventive suggestion: a work order is created from it.
    ApproveSuggestion,
    DismissSuggestion,
    /// Dispatch the work order to a recommended vendor (record: the work order).
    AcceptDispatch {
        vendor_id: Uuid,
    },
    ResolveAlert {
        resolution_status: String,
    },
}

impl MaintenanceAction {
    /// The tables these actions are about, as named in `sync_action.entity`.
    pub const ENTITIES: &'static [&'static str] = &[
        "units_maintenance",
        "equipment",
        "warranty_record",
        "vendor_contract",
        "preventive_wo_suggestion",
        "repeat_visit_alert",
    ];

    pub fn entity(&self) -> &'static str {
        use MaintenanceAction::*;
        match self {
            Create(_) | Assign { .. } | Schedule { .. } | Start | Complete { .. } | Cancel | AcceptDispatch { .. } => {
                "units_maintenance"
            }
            AddEquipment(_) => "equipment",
            AddWarranty(_) => "warranty_record",
            AddContract(_) => "vendor_contract",
            ApproveSuggestion | DismissSuggestion => "preventive_wo_suggestion",
            ResolveAlert { .. } => "repeat_visit_alert",
        }
    }
}

fn check_category(category: &str) -> Result<String, String> {
    let c = category.trim().to_lowercase();
    if CATEGORIES.contains(&c.as_str()) {
        Ok(c)
    } else {
        Err(format!("Category '{category}' is not one of: {}.", CATEGORIES.join(", ")))
    }
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Result<String, String> {
    if allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(format!("{what} '{value}' is not one of: {}.", allowed.join(", ")))
    }
}

/// The work order a `Create` makes, checked.
pub fn new_work_order(id: Uuid, n: &NewWorkOrder, property_id: Uuid, now: DateTime<Utc>) -> Result<WorkOrder, String> {
    Ok(WorkOrder {
        id,
        unit_id: n.unit_id,
        property_id,
        tenant_id: n.tenant_id,
        title: check_text("Title", &n.title, 200, true)?,
        description: check_text("Description", &n.description, 4000, false)?,
        category: check_category(&n.category)?,
        priority: n.priority,
        status: WorkOrderStatus::Open,
        requested_date: check_date("Requested date", n.requested_date)?,
        completed_date: None,
        cost: Decimal::ZERO,
        assigned_vendor_id: None,
        created_at: now,
        scheduled_date: None,
        tenant_rating: None,
    })
}

/// A work order after a person's step, or why the step is refused. Finished work orders
/// (completed or cancelled) take no further steps.
pub fn step(w: &WorkOrder, action: &MaintenanceAction) -> Result<WorkOrder, String> {
    use MaintenanceAction::*;
    if matches!(w.status, WorkOrderStatus::Completed | WorkOrderStatus::Cancelled) {
        return Err(format!("Work order '{}' is {}; it takes no further steps.", w.title, w.status.as_str()));
    }
    let mut next = w.clone();
    match action {
        Assign { vendor_id } | AcceptDispatch { vendor_id } => next.assigned_vendor_id = Some(*vendor_id),
        Schedule { scheduled_date } => {
            let d = check_date("Scheduled date", *scheduled_date)?;
            if d < w.requested_date {
                return Err(format!("The visit ({d}) cannot be before the request ({}).", w.requested_date));
            }
            next.scheduled_date = Some(d);
        }
        Start => next.status = WorkOrderStatus::InProgress,
        Complete { completed_date, cost, tenant_rating } => {
            let d = check_date("Completed date", *completed_date)?;
            if d < w.requested_date {
                return Err(format!("Completion ({d}) cannot be before the request ({}).", w.requested_date));
            }
            if let Some(r) = tenant_rating {
                if !(1..=5).contains(r) {
                    return Err(format!("A tenant rating is 1 to 5, not {r}."));
                }
            }
            next.status = WorkOrderStatus::Completed;
            next.completed_date = Some(d);
            next.cost = check_amount("Cost", *cost)?;
            next.tenant_rating = *tenant_rating;
        }
        Cancel => next.status = WorkOrderStatus::Cancelled,
        other => return Err(format!("'{}' is not a step of a work order.", action_name(other))),
    }
    Ok(next)
}

fn action_name(a: &MaintenanceAction) -> String {
    serde_json::to_value(a).ok().and_then(|v| v["action"].as_str().map(str::to_string)).unwrap_or_default()
}

pub fn new_equipment(id: Uuid, n: &NewEquipment, today: NaiveDate, now: DateTime<Utc>) -> Result<Equipment, String> {
    let install = check_date("Install date", n.install_date)?;
    if install > today {
        return Err(format!("The install date ({install}) is in the future."));
    }
    if !(n.expected_lifespan_years > 0.0 && n.expected_lifespan_years <= 100.0) {
        return Err(format!(
            "An expected lifespan is more than 0 and at most 100 years, not {}.",
            n.expected_lifespan_years
        ));
    }
    Ok(Equipment {
        id,
        property_ref_id: n.property_id,
        unit_id: n.unit_id,
        name: check_text("Name", &n.name, 200, true)?,
        equipment_type: check_text("Equipment type", &n.equipment_type, 100, true)?,
        manufacturer: check_text("Manufacturer", &n.manufacturer, 100, false)?,
        model_number: check_text("Model number", &n.model_number, 100, false)?,
        install_date: install,
        age_years: ((today - install).num_days() as f64 / 365.25 * 10.0).round() / 10.0,
        expected_lifespan_years: n.expected_lifespan_years,
        warranty_expiry: n.warranty_expiry.map(|d| check_date("Warranty expiry", d)).transpose()?,
        created_at: now,
    })
}

pub fn new_warranty(id: Uuid, n: &NewWarranty, today: NaiveDate) -> Result<WarrantyRecord, String> {
    let item = ITEM_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(n.item_type.trim()))
        .ok_or_else(|| format!("Item type '{}' is not one of: {}.", n.item_type, ITEM_TYPES.join(", ")))?;
    let installed = check_date("Installed date", n.installed_date)?;
    let end = check_date("Warranty end date", n.warranty_end_date)?;
    if end < installed {
        return Err(format!("The warranty ends ({end}) before the installation ({installed})."));
    }
    Ok(WarrantyRecord {
        id,
        unit_id: n.unit_id,
        item_type: item.to_string(),
        brand: check_text("Brand", &n.brand, 100, true)?,
        model_number: check_text("Model number", &n.model_number, 100, false)?,
        installed_date: installed,
        warranty_end_date: end,
        warranty_vendor_id: n.warranty_vendor_id,
        warranty_provider: check_text("Warranty provider", &n.warranty_provider, 200, true)?,
        coverage_type: one_of("Coverage", n.coverage_type.trim(), &["full", "parts_only", "labor_only"])?,
        status: if end < today { "expired" } else { "active" }.into(),
        claim_history: Vec::new(),
        contact: check_text("Contact", &n.contact, 100, false)?,
    })
}

pub fn new_contract(id: Uuid, n: &NewContract, now: DateTime<Utc>) -> Result<VendorContract, String> {
    let start = check_date("Start date", n.start_date)?;
    let end = check_date("End date", n.end_date)?;
    if end < start {
        return Err(format!("The contract ends ({end}) before it starts ({start})."));
    }
    Ok(VendorContract {
        id,
        vendor_id: n.vendor_id,
        contract_type: one_of(
            "Contract type",
            n.contract_type.trim(),
            &["service_agreement", "insurance_certificate", "license", "w9"],
        )?,
        title: check_text("Title", &n.title, 200, true)?,
        start_date: start,
        end_date: end,
        insurance_expiry: n.insurance_expiry.map(|d| check_date("Insurance expiry", d)).transpose()?,
        license_expiry: n.license_expiry.map(|d| check_date("Licence expiry", d)).transpose()?,
        auto_renew: n.auto_renew,
        created_at: now,
    })
}

pub fn check_resolution(status: &str) -> Result<String, String> {
    one_of("Resolution", status.trim(), RESOLUTIONS)
}
