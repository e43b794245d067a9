//! Work orders, equipment and predictive maintenance from the desktop (spec 2.3, issue 20): the
//! work orders with their units', properties' and vendors' names (open ones by default), a unit
//! picker, every change as a core `MaintenanceAction` through `work_orders::workflow::act_on_replica`
//! (queued for the server when the replica is connected, as the TUI does), a work order's
//! dispatch recommendation (`vendor_intelligence::workflow::dispatch` through the AI gateway),
//! the equipment with the share of its life used, and the latest risk scores with every factor's
//! points beside the preventive suggestions. Core checks every value and its refusal is the
//! error's detail, word for word.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::model::{Equipment, WorkOrder, WorkOrderPriority, WorkOrderStatus};
use unitcycle_core::predictive_maintenance::{self as pm, PreventiveWoSuggestion, UnitRiskScore};
use unitcycle_core::store::Store;
use unitcycle_core::vendor_intelligence::workflow::{self as vi, DispatchView};
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::workflow::{act_on_replica, ActionOutcome};
use unitcycle_core::work_orders::{MaintenanceAction, CATEGORIES};

/// The status filters of the work-order list: `open` is open or in progress (the port's open
/// work orders), `all` every one.
pub const STATUSES: [&str; 5] = ["open", "in_progress", "completed", "cancelled", "all"];

/// At most this many units answer a unit search.
pub const UNIT_CHOICES: usize = 100;

/// What a change queued on a connected replica says.
pub const QUEUED: &str = "Queued for the server: it is applied there on the next sync.";

/// A work order with the names the table shows.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct WorkOrderRow {
    pub order: WorkOrder,
    pub unit_number: String,
    pub property_name: String,
    /// None: not assigned.
    pub vendor_name: Option<String>,
    pub status_label: &'static str,
    pub priority_label: &'static str,
}

/// A property or vendor in a picker.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PickerChoice {
    pub id: Uuid,
    pub name: String,
    /// A vendor's trade (empty for a property).
    pub detail: String,
}

/// A unit in the unit picker.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct UnitChoice {
    pub id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub property_name: String,
}

/// The work-order list and what its forms offer, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct MaintenanceView {
    /// Newest request first.
    pub rows: Vec<WorkOrderRow>,
    pub status: String,
    pub property_id: Option<Uuid>,
    pub statuses: Vec<&'static str>,
    pub properties: Vec<PickerChoice>,
    /// Active vendors (the ones a work order can be assigned to), by name.
    pub vendors: Vec<PickerChoice>,
    pub categories: Vec<&'static str>,
    pub priorities: Vec<&'static str>,
    /// The day new requests and completions default to.
    pub today: NaiveDate,
    /// A connected replica queues every change for the server.
    pub queued: bool,
}

/// What a maintenance action did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct MaintenanceActed {
    pub outcome: ActionOutcome,
    /// One sentence for a person ("Work order "Leaking tap" completed.").
    pub message: String,
    /// The work order the action made or changed, as the table shows it.
    pub work_order: Option<WorkOrderRow>,
    pub queued: bool,
}

/// A piece of equipment with its names and how much of its life it has used.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct EquipmentRow {
    pub equipment: Equipment,
    pub property_name: String,
    /// None: shared by the property.
    pub unit_number: Option<String>,
    /// Share of the expected lifespan used today, as a percentage (100 = due for replacement).
    pub life_used_pct: f64,
    /// Days to the warranty's end (negative: ended); None without a warranty.
    pub warranty_days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct EquipmentView {
    /// The most worn first.
    pub rows: Vec<EquipmentRow>,
    pub properties: Vec<PickerChoice>,
    pub today: NaiveDate,
}

/// A factor of the risk score and the most points it gives.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RiskFactor {
    /// The `UnitRiskScore` field holding its points.
    pub key: &'static str,
    pub label: &'static str,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RiskRow {
    pub score: UnitRiskScore,
    pub unit_number: String,
    pub property_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SuggestionRow {
    pub suggestion: PreventiveWoSuggestion,
    pub unit_number: String,
    pub property_name: String,
}

/// The latest risk score of each unit, worst first, and the suggestions waiting for a decision.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RiskView {
    pub scores: Vec<RiskRow>,
    pub factors: Vec<RiskFactor>,
    /// Soonest first.
    pub suggestions: Vec<SuggestionRow>,
    pub property_id: Option<Uuid>,
}

/// The five factors in the order of their points on a score.
pub fn risk_factors() -> Vec<RiskFactor> {
    vec![
        RiskFactor { key: "wo_frequency_score", label: "Work-order frequency", max: pm::WEIGHT_FREQUENCY },
        RiskFactor { key: "wo_cost_score", label: "Cost trend", max: pm::WEIGHT_COST_TREND },
        RiskFactor { key: "equipment_age_score", label: "Equipment age", max: pm::WEIGHT_EQUIPMENT_AGE },
        RiskFactor { key: "repeat_issue_score", label: "Repeat issues", max: pm::WEIGHT_REPEAT },
        RiskFactor { key: "seasonal_score", label: "Season", max: pm::WEIGHT_SEASONAL },
    ]
}

/// Unit numbers, property and vendor names by id.
pub(super) struct Names {
    pub units: HashMap<Uuid, (String, Uuid)>,
    pub properties: HashMap<Uuid, String>,
    pub vendors: HashMap<Uuid, String>,
}

impl Names {
    pub fn load(store: &Store) -> CmdResult<Names> {
        Ok(Names {
            units: store.maintenance_units()?.into_iter().map(|u| (u.id, (u.unit_number, u.property_id))).collect(),
            properties: store.properties()?.into_iter().map(|p| (p.id, p.name)).collect(),
            vendors: store.vendor_list()?.into_iter().map(|v| (v.id, v.name)).collect(),
        })
    }

    /// A unit's number (an archived unit is read on its own).
    pub fn unit(&self, store: &Store, id: Uuid) -> String {
        match self.units.get(&id) {
            Some((n, _)) => n.clone(),
            None => store.unit(id).map(|u| u.unit_number).unwrap_or_else(|_| id.to_string()),
        }
    }

    pub fn property(&self, id: Uuid) -> String {
        self.properties.get(&id).cloned().unwrap_or_default()
    }

    pub fn vendor(&self, id: Option<Uuid>) -> Option<String> {
        id.map(|v| self.vendors.get(&v).cloned().unwrap_or_else(|| v.to_string()))
    }

    fn row(&self, store: &Store, order: WorkOrder) -> WorkOrderRow {
        WorkOrderRow {
            unit_number: self.unit(store, order.unit_id),
            property_name: self.property(order.property_id),
            vendor_name: self.vendor(order.assigned_vendor_id),
            status_label: order.status.label(),
            priority_label: order.priority.label(),
            order,
        }
    }
}

fn optional_id(text: Option<&str>) -> CmdResult<Option<Uuid>> {
    text.filter(|t| !t.trim().is_empty()).map(id).transpose()
}

fn properties(store: &Store) -> CmdResult<Vec<PickerChoice>> {
    Ok(store
        .properties()?
        .into_iter()
        .map(|p| PickerChoice { id: p.id, name: p.name, detail: String::new() })
        .collect())
}

fn known_property(store: &Store, property: Option<Uuid>) -> CmdResult<()> {
    match property {
        Some(p) => store.property(p).map(|_| ()).map_err(CommandError::from),
        None => Ok(()),
    }
}

/// The work orders of `status` (default `open`) and of `property_id` when given, newest
/// request first, with what the forms offer.
pub fn maintenance_view(
    s: &AppState,
    status: Option<String>,
    property_id: Option<String>,
) -> CmdResult<MaintenanceView> {
    let status = status.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or("open").to_string();
    if !STATUSES.contains(&status.as_str()) {
        return Err(CommandError::invalid(format!("Status '{status}' is not one of: {}.", STATUSES.join(", "))));
    }
    let only = optional_id(property_id.as_deref())?;
    let store = s.store()?;
    known_property(&store, only)?;
    let orders = if status == "open" { store.open_work_orders()? } else { store.work_orders_since(vi::earliest())? };
    let names = Names::load(&store)?;
    let mut rows: Vec<WorkOrderRow> = orders
        .into_iter()
        .filter(|w| status == "open" || status == "all" || w.status.as_str() == status)
        .filter(|w| only.is_none_or(|p| w.property_id == p))
        .map(|w| names.row(&store, w))
        .collect();
    rows.sort_by(|a, b| {
        b.order.requested_date.cmp(&a.order.requested_date).then(b.order.created_at.cmp(&a.order.created_at))
    });
    let mut vendors: Vec<PickerChoice> = store
        .vendor_list()?
        .into_iter()
        .filter(|v| v.is_active)
        .map(|v| PickerChoice { id: v.id, name: v.name, detail: v.trade })
        .collect();
    vendors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(MaintenanceView {
        rows,
        status,
        property_id: only,
        statuses: STATUSES.to_vec(),
        properties: properties(&store)?,
        vendors,
        categories: CATEGORIES.to_vec(),
        priorities: WorkOrderPriority::ALL.iter().map(|p| p.as_str()).collect(),
        today: Utc::now().date_naive(),
        queued: unitcycle_core::sync_actions::connected(&store)?,
    })
}

/// Units in use whose number or property matches every word of `search` (of `property_id` when
/// given), by property and number; at most `UNIT_CHOICES`.
pub fn maintenance_units(
    s: &AppState,
    search: Option<String>,
    property_id: Option<String>,
) -> CmdResult<Vec<UnitChoice>> {
    let only = optional_id(property_id.as_deref())?;
    let store = s.store()?;
    known_property(&store, only)?;
    let names: HashMap<Uuid, String> = store.properties()?.into_iter().map(|p| (p.id, p.name)).collect();
    let words: Vec<String> = search.unwrap_or_default().split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<UnitChoice> = store
        .maintenance_units()?
        .into_iter()
        .filter(|u| only.is_none_or(|p| u.property_id == p))
        .map(|u| UnitChoice {
            property_name: names.get(&u.property_id).cloned().unwrap_or_default(),
            id: u.id,
            unit_number: u.unit_number,
            property_id: u.property_id,
        })
        .filter(|u| {
            let hay = format!("{} {}", u.unit_number, u.property_name).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect();
    out.sort_by(|a, b| a.property_name.cmp(&b.property_name).then(a.unit_number.cmp(&b.unit_number)));
    out.truncate(UNIT_CHOICES);
    Ok(out)
}

/// What `action` did, in words.
fn said(action: &MaintenanceAction, row: Option<&WorkOrderRow>) -> String {
    use MaintenanceAction::*;
    let title = row.map(|r| format!("Work order \"{}\"", r.order.title)).unwrap_or_else(|| "The work order".into());
    let vendor = row.and_then(|r| r.vendor_name.clone()).unwrap_or_default();
    match action {
        Create(_) => format!("{title} created."),
        Assign { .. } => format!("{title} assigned to {vendor}."),
        AcceptDispatch { .. } => format!("{title} dispatched to {vendor}."),
        Schedule { scheduled_date } => {
            format!("{title} scheduled for {}.", unitcycle_core::format::date(*scheduled_date))
        }
        Start => format!("{title} started."),
        Complete { .. } => format!("{title} completed."),
        Cancel => format!("{title} cancelled."),
        AddEquipment(n) => format!("Equipment \"{}\" added.", n.name.trim()),
        AddWarranty(n) => format!("Warranty on the {} added.", n.item_type.trim()),
        AddContract(n) => format!("Contract \"{}\" added.", n.title.trim()),
        ApproveSuggestion => match row {
            Some(r) => format!("Suggestion approved: work order \"{}\" created.", r.order.title),
            None => "Suggestion approved.".into(),
        },
        DismissSuggestion => "Suggestion dismissed.".into(),
        ResolveAlert { resolution_status } => format!("Repeat visit marked {}.", resolution_status.replace('_', " ")),
    }
}

/// Applies a maintenance action to record `id` through the core (queued for the server on a
/// connected replica). A new work order or record (`create`, `add_…`) gets a new id when none
/// is given.
pub fn maintenance_act(
    s: &AppState,
    id_text: Option<String>,
    action: MaintenanceAction,
) -> CmdResult<MaintenanceActed> {
    use MaintenanceAction::*;
    let new = matches!(action, Create(_) | AddEquipment(_) | AddWarranty(_) | AddContract(_));
    let record = match optional_id(id_text.as_deref())? {
        Some(r) => r,
        None if new => Uuid::new_v4(),
        None => return Err(CommandError::invalid("This action needs the id of the record it is about.")),
    };
    let mut store = s.store()?;
    let outcome = act_on_replica(&mut store, record, &action, Utc::now())?;
    let queued = unitcycle_core::sync_actions::connected(&store)?;
    let work_order = match outcome.work_order_id {
        Some(w) => {
            let names = Names::load(&store)?;
            Some(names.row(&store, store.work_order(w)?))
        }
        None => None,
    };
    let mut message = said(&action, work_order.as_ref());
    if queued {
        message = format!("{message} {QUEUED}");
    }
    Ok(MaintenanceActed { outcome, message, work_order, queued })
}

/// A work order's dispatch recommendation: the stored one, else worked out now through the AI
/// gateway (the offline ranking when no model is configured) and stored. Only an open or
/// in-progress work order is dispatched.
pub fn work_order_dispatch(s: &AppState, work_order_id: String) -> CmdResult<DispatchView> {
    let wo = id(&work_order_id)?;
    let mut store = s.store()?;
    let order = store.work_order(wo)?;
    if !matches!(order.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress) {
        return Err(CommandError::invalid(format!(
            "Work order '{}' is {}; only an open one is dispatched.",
            order.title,
            order.status.as_str()
        )));
    }
    Ok(vi::dispatch(&mut *store, &s.gateway, wo, Utc::now())?)
}

/// Every piece of equipment, the most worn first.
pub fn equipment_view(s: &AppState) -> CmdResult<EquipmentView> {
    let store = s.store()?;
    let names = Names::load(&store)?;
    let today = Utc::now().date_naive();
    let mut rows: Vec<EquipmentRow> = store
        .equipment_list()?
        .into_iter()
        .map(|e| EquipmentRow {
            property_name: names.property(e.property_ref_id),
            unit_number: e.unit_id.map(|u| names.unit(&store, u)),
            life_used_pct: (pm::lifespan_used(&e, today) * 1000.0).round() / 10.0,
            warranty_days_left: e.warranty_expiry.map(|d| (d - today).num_days()),
            equipment: e,
        })
        .collect();
    rows.sort_by(|a, b| b.life_used_pct.total_cmp(&a.life_used_pct).then(a.equipment.name.cmp(&b.equipment.name)));
    Ok(EquipmentView { rows, properties: properties(&store)?, today })
}

/// The latest risk score of each unit (of `property_id` when given), worst first, and the
/// preventive suggestions waiting for a decision.
pub fn risk_view(s: &AppState, property_id: Option<String>) -> CmdResult<RiskView> {
    let only = optional_id(property_id.as_deref())?;
    let store = s.store()?;
    known_property(&store, only)?;
    let names = Names::load(&store)?;
    let scores = pm::workflow::risk_scores(&*store, only, None, None)?
        .into_iter()
        .map(|score| RiskRow {
            unit_number: names.unit(&store, score.unit_id),
            property_name: names.property(score.property_id),
            score,
        })
        .collect();
    let suggestions = pm::workflow::suggestions(&*store, None, None)?
        .into_iter()
        .filter(|x| only.is_none_or(|p| x.property_id == p))
        .map(|suggestion| SuggestionRow {
            unit_number: names.unit(&store, suggestion.unit_id),
            property_name: names.property(suggestion.property_id),
            suggestion,
        })
        .collect();
    Ok(RiskView { scores, factors: risk_factors(), suggestions, property_id: only })
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;
    use rust_decimal::Decimal;
    use unitcycle_core::work_orders::NewWorkOrder;

    fn create(s: &AppState, unit: &UnitChoice, title: &str, today: NaiveDate) -> MaintenanceActed {
        let action = MaintenanceAction::Create(NewWorkOrder {
            unit_id: unit.id,
            title: title.into(),
            description: "Drips all night".into(),
            category: "plumbing".into(),
            priority: WorkOrderPriority::High,
            requested_date: today,
            tenant_id: None,
        });
        ops::maintenance_act(s, None, action).unwrap()
    }

    #[test]
    fn the_list_shows_open_work_orders_by_default_with_names_and_filters() {
        let (s, _dir) = demo();
        let open = ops::maintenance_view(&s, None, None).unwrap();
        assert_eq!(open.status, "open");
        assert!(!open.rows.is_empty(), "the demo has open work orders");
        assert!(open
            .rows
            .iter()
            .all(|r| matches!(r.order.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress)));
        assert!(open.rows.iter().all(|r| !r.unit_number.is_empty() && !r.property_name.is_empty()));
        assert!(open.rows.windows(2).all(|w| w[0].order.requested_date >= w[1].order.requested_date));
        assert!(!open.vendors.is_empty() && open.categories.contains(&"plumbing"));
        assert!(!open.queued);

        let all = ops::maintenance_view(&s, Some("all".into()), None).unwrap();
        let done = ops::maintenance_view(&s, Some("completed".into()), None).unwrap();
        assert!(all.rows.len() > open.rows.len() && !done.rows.is_empty());
        assert!(done.rows.iter().all(|r| r.order.status == WorkOrderStatus::Completed));

        let p = open.rows[0].order.property_id;
        let one = ops::maintenance_view(&s, None, Some(p.to_string())).unwrap();
        assert!(!one.rows.is_empty() && one.rows.iter().all(|r| r.order.property_id == p));

        let e = ops::maintenance_view(&s, Some("late".into()), None).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(e.detail.starts_with("Status 'late' is not one of: open,"), "{}", e.detail);
        assert_eq!(ops::maintenance_view(&s, None, Some(Uuid::nil().to_string())).unwrap_err().code, "not_found");
    }

    #[test]
    fn a_work_order_is_created_assigned_and_completed_and_a_bad_rating_is_refused_in_words() {
        let (s, _dir) = demo();
        let view = ops::maintenance_view(&s, None, None).unwrap();
        let units = ops::maintenance_units(&s, None, None).unwrap();
        let unit = &units[0];
        let found =
            ops::maintenance_units(&s, Some(format!("{} {}", unit.property_name, unit.unit_number)), None).unwrap();
        assert!(found.iter().any(|u| u.id == unit.id), "the search finds the unit by property and number");

        let made = create(&s, unit, "Leaking kitchen tap", view.today);
        let row = made.work_order.clone().unwrap();
        assert_eq!(made.outcome.entity, "units_maintenance");
        assert_eq!((row.order.status, row.unit_number.as_str()), (WorkOrderStatus::Open, unit.unit_number.as_str()));
        assert_eq!(made.message, "Work order \"Leaking kitchen tap\" created.");
        let open = ops::maintenance_view(&s, None, None).unwrap();
        assert!(open.rows.iter().any(|r| r.order.id == row.order.id));

        let vendor = &view.vendors[0];
        let id = Some(row.order.id.to_string());
        let assigned =
            ops::maintenance_act(&s, id.clone(), MaintenanceAction::Assign { vendor_id: vendor.id }).unwrap();
        assert_eq!(assigned.work_order.unwrap().vendor_name.as_deref(), Some(vendor.name.as_str()));

        let complete = |rating: i32| MaintenanceAction::Complete {
            completed_date: view.today,
            cost: Decimal::new(12050, 2),
            tenant_rating: Some(rating),
        };
        let e = ops::maintenance_act(&s, id.clone(), complete(7)).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("invalid_input", "A tenant rating is 1 to 5, not 7."));
        let before = MaintenanceAction::Complete {
            completed_date: view.today - chrono::Duration::days(400),
            cost: Decimal::ONE,
            tenant_rating: None,
        };
        let e = ops::maintenance_act(&s, id.clone(), before).unwrap_err();
        assert!(
            e.detail.starts_with("Completion (") && e.detail.contains("cannot be before the request"),
            "{}",
            e.detail
        );

        let done = ops::maintenance_act(&s, id.clone(), complete(5)).unwrap().work_order.unwrap();
        assert_eq!(done.order.status, WorkOrderStatus::Completed);
        assert_eq!((done.order.cost, done.order.tenant_rating), (Decimal::new(12050, 2), Some(5)));
        assert!(!ops::maintenance_view(&s, None, None).unwrap().rows.iter().any(|r| r.order.id == row.order.id));
        let completed = ops::maintenance_view(&s, Some("completed".into()), None).unwrap();
        assert!(completed.rows.iter().any(|r| r.order.id == row.order.id));
        // A finished work order takes no further step.
        let e = ops::maintenance_act(&s, id, MaintenanceAction::Cancel).unwrap_err();
        assert_eq!(e.detail, "Work order 'Leaking kitchen tap' is completed; it takes no further steps.");
        // A step needs its record.
        assert_eq!(ops::maintenance_act(&s, None, MaintenanceAction::Start).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn a_dispatch_recommends_at_most_three_vendors_and_accepting_one_assigns_it() {
        let (s, _dir) = demo();
        let units = ops::maintenance_units(&s, None, None).unwrap();
        let today = Utc::now().date_naive();
        let row = create(&s, &units[1], "Kitchen sink clogged", today).work_order.unwrap();
        let view = ops::work_order_dispatch(&s, row.order.id.to_string()).unwrap();
        assert!(!view.recommendations.is_empty() && view.recommendations.len() <= 3);
        assert!(view.recommendations.windows(2).all(|w| w[0].rank < w[1].rank));
        assert_eq!(view.provider, "offline");
        let first = &view.recommendations[0];
        let accepted = ops::maintenance_act(
            &s,
            Some(row.order.id.to_string()),
            MaintenanceAction::AcceptDispatch { vendor_id: first.vendor_id },
        )
        .unwrap()
        .work_order
        .unwrap();
        assert_eq!(
            (accepted.order.assigned_vendor_id, accepted.order.status),
            (Some(first.vendor_id), WorkOrderStatus::InProgress)
        );
        // A finished work order is not dispatched.
        let done = ops::maintenance_view(&s, Some("completed".into()), None).unwrap().rows[0].order.id;
        assert_eq!(ops::work_order_dispatch(&s, done.to_string()).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn approving_a_suggestion_makes_its_work_order_and_dismissing_removes_it() {
        let (s, _dir) = demo();
        let risk = ops::risk_view(&s, None).unwrap();
        assert!(!risk.scores.is_empty(), "the demo scores its units");
        assert!(risk.scores.windows(2).all(|w| w[0].score.risk_score >= w[1].score.risk_score), "worst first");
        assert_eq!(risk.factors.iter().map(|f| f.max).sum::<f64>(), 100.0);
        let r = &risk.scores[0];
        let points = r.score.wo_frequency_score
            + r.score.wo_cost_score
            + r.score.equipment_age_score
            + r.score.repeat_issue_score
            + r.score.seasonal_score;
        assert!((points.min(100.0) - r.score.risk_score).abs() < 0.2, "{points} vs {}", r.score.risk_score);
        assert!(risk.suggestions.len() >= 2, "the demo suggests preventive work");
        let (a, b) = (&risk.suggestions[0], &risk.suggestions[1]);

        let acted =
            ops::maintenance_act(&s, Some(a.suggestion.id.to_string()), MaintenanceAction::ApproveSuggestion).unwrap();
        let wo = acted.work_order.unwrap();
        assert_eq!(Some(wo.order.id), acted.outcome.work_order_id);
        assert_eq!((wo.order.unit_id, wo.order.status), (a.suggestion.unit_id, WorkOrderStatus::Open));
        assert_eq!(wo.order.title, a.suggestion.title.chars().take(200).collect::<String>());
        assert!(ops::maintenance_view(&s, None, None).unwrap().rows.iter().any(|r| r.order.id == wo.order.id));

        ops::maintenance_act(&s, Some(b.suggestion.id.to_string()), MaintenanceAction::DismissSuggestion).unwrap();
        let after = ops::risk_view(&s, None).unwrap();
        let left: Vec<Uuid> = after.suggestions.iter().map(|x| x.suggestion.id).collect();
        assert!(!left.contains(&a.suggestion.id) && !left.contains(&b.suggestion.id));
        let e = ops::maintenance_act(&s, Some(a.suggestion.id.to_string()), MaintenanceAction::DismissSuggestion)
            .unwrap_err();
        assert_eq!(e.detail, "This suggestion is already work order created.");
    }

    #[test]
    fn equipment_lists_the_most_worn_first_and_a_new_piece_is_checked_by_core() {
        let (s, _dir) = demo();
        let v = ops::equipment_view(&s).unwrap();
        assert!(!v.rows.is_empty());
        assert!(v.rows.windows(2).all(|w| w[0].life_used_pct >= w[1].life_used_pct));
        let p = v.properties[0].id;
        let add = |install: NaiveDate| {
            MaintenanceAction::AddEquipment(unitcycle_core::work_orders::NewEquipment {
                property_id: p,
                unit_id: None,
                name: "Boiler 2".into(),
                equipment_type: "boiler".into(),
                manufacturer: "Weil-McLain".into(),
                model_number: String::new(),
                install_date: install,
                expected_lifespan_years: 20.0,
                warranty_expiry: None,
            })
        };
        let e = ops::maintenance_act(&s, None, add(v.today + chrono::Duration::days(400))).unwrap_err();
        assert!(e.detail.contains("is in the future"), "{}", e.detail);
        let acted = ops::maintenance_act(&s, None, add(v.today - chrono::Duration::days(3653))).unwrap();
        assert_eq!(
            (acted.outcome.entity.as_str(), acted.message.as_str()),
            ("equipment", "Equipment \"Boiler 2\" added.")
        );
        let row =
            ops::equipment_view(&s).unwrap().rows.into_iter().find(|r| r.equipment.id == acted.outcome.id).unwrap();
        assert!((row.life_used_pct - 50.0).abs() < 0.5, "{}", row.life_used_pct);
        assert_eq!(row.unit_number, None);
    }

    #[test]
    fn a_connected_replica_queues_the_change_for_the_server_and_says_so() {
        let (s, _dir) = demo();
        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let view = ops::maintenance_view(&s, None, None).unwrap();
        assert!(view.queued);
        let unit = &ops::maintenance_units(&s, None, None).unwrap()[0];
        let made = create(&s, unit, "Porch light out", view.today);
        assert!(made.queued && made.message.ends_with(QUEUED), "{}", made.message);
        let queued: i64 = s
            .store()
            .unwrap()
            .conn()
            .query_row("SELECT COUNT(*) FROM sync_action WHERE entity = 'units_maintenance'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(queued, 1);
    }
}
