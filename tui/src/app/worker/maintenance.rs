//! The worker's maintenance and vendor requests (spec 2.3 and 5.4): the risk heatmap, a unit's
//! risk card with its pending suggestions, the vendor scorecards, alerts and expiring
//! documents, a work order's dispatch view, and maintenance actions through
//! `act_on_replica` (queued for the server when connected); the invoice processing queue and
//! approving an invoice as read (spec 3.2).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use unitcycle_core::invoice_processing::replica;
use unitcycle_core::invoice_processing::workflow::{self as invoices, ApproveExtraction};
use unitcycle_core::model::{Unit, WorkOrderStatus};
use unitcycle_core::predictive_maintenance::{workflow as pm, HeatmapProperty, PreventiveWoSuggestion, UnitRiskScore};
use unitcycle_core::store::{Store, StoreError};
use unitcycle_core::vendor_intelligence::workflow::{self as vi, DispatchView};
use unitcycle_core::vendor_intelligence::{ExpiringDocument, RepeatVisitAlert, VendorScorecard};
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::workflow::{act_on_replica, ActionOutcome};
use unitcycle_core::work_orders::MaintenanceAction;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum MaintRequest {
    /// The heatmap of every property, with each unit's latest score.
    Heatmap,
    /// A unit's latest risk score and its suggestions waiting for a decision.
    UnitRisk { unit_id: Uuid },
    /// Each vendor's latest scorecard, the open repeat-visit alerts and the documents expiring
    /// within 30 days of `today`.
    Vendors { today: NaiveDate },
    /// A work order's dispatch recommendation (worked out and stored on first asking).
    Dispatch { work_order_id: Uuid, now: DateTime<Utc> },
    /// A maintenance action on record `id`.
    Act { id: Uuid, action: MaintenanceAction, now: DateTime<Utc> },
    /// The invoice processing queue (spec 3.2).
    Invoices,
    /// Approve an invoice's extraction as read.
    ApproveInvoice { invoice_id: Uuid, now: DateTime<Utc> },
}

#[derive(Debug, Clone)]
pub struct HeatmapData {
    pub map: Vec<HeatmapProperty>,
    /// Units with a score (none: the risk scoring has not run on this replica).
    pub scored: usize,
}

#[derive(Debug, Clone)]
pub struct UnitRiskData {
    pub unit: Unit,
    pub property_name: String,
    /// The property's IANA time zone (a suggestion approved now is requested on its date).
    pub time_zone: String,
    pub score: Option<UnitRiskScore>,
    pub suggestions: Vec<PreventiveWoSuggestion>,
}

/// A scorecard with its vendor's name and trade.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub card: VendorScorecard,
    pub name: String,
    pub trade: String,
}

/// A repeat-visit alert with its unit number and vendors' names.
#[derive(Debug, Clone)]
pub struct AlertRow {
    pub alert: RepeatVisitAlert,
    pub unit: String,
    pub first_vendor: String,
    pub repeat_vendor: String,
}

#[derive(Debug, Clone)]
pub struct VendorsData {
    /// Each vendor's latest scorecard, best overall first.
    pub cards: Vec<ScoreRow>,
    pub alerts: Vec<AlertRow>,
    pub expiring: Vec<ExpiringDocument>,
    pub today: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct DispatchData {
    pub view: DispatchView,
    pub title: String,
    pub status: WorkOrderStatus,
}

#[derive(Debug, Clone)]
pub enum MaintData {
    Heatmap(Box<HeatmapData>),
    UnitRisk(Box<UnitRiskData>),
    Vendors(Box<VendorsData>),
    Dispatch(Box<DispatchData>),
    Acted(Box<(MaintenanceAction, ActionOutcome)>),
    Invoices(Vec<InvoiceAiExtraction>),
    InvoiceApproved(Box<InvoiceAiExtraction>),
}

pub fn answer(store: &mut Store, gateway: &Gateway, req: MaintRequest) -> Result<MaintData, StoreError> {
    Ok(match req {
        MaintRequest::Heatmap => {
            let map = pm::heatmap(&*store, None)?;
            let scored = store.latest_risk_scores()?.len();
            MaintData::Heatmap(Box::new(HeatmapData { map, scored }))
        }
        MaintRequest::UnitRisk { unit_id } => {
            let unit = store.unit(unit_id)?;
            let property = store.property(unit.property_id)?;
            let score = pm::risk_scores(&*store, None, Some(unit_id), None)?.into_iter().next();
            let suggestions = pm::suggestions(&*store, None, Some(unit_id))?;
            MaintData::UnitRisk(Box::new(UnitRiskData {
                unit,
                property_name: property.name,
                time_zone: property.time_zone,
                score,
                suggestions,
            }))
        }
        MaintRequest::Vendors { today } => {
            let vendors: HashMap<Uuid, (String, String)> =
                store.vendor_list()?.into_iter().map(|v| (v.id, (v.name, v.trade))).collect();
            let name = |id: Option<Uuid>| id.and_then(|v| vendors.get(&v)).map_or("—".to_string(), |v| v.0.clone());
            let cards = unitcycle_core::vendor_intelligence::latest_scorecards(store.scorecards()?)
                .into_iter()
                .map(|card| {
                    let (name, trade) = vendors.get(&card.vendor_id).cloned().unwrap_or_default();
                    ScoreRow { card, name, trade }
                })
                .collect();
            let units: HashMap<Uuid, String> =
                store.maintenance_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect();
            let mut alerts: Vec<AlertRow> = vi::repeat_alerts(&*store, None, None, None)?
                .into_iter()
                .map(|alert| AlertRow {
                    unit: units.get(&alert.unit_id).cloned().unwrap_or_default(),
                    first_vendor: name(alert.first_visit_vendor_id),
                    repeat_vendor: name(alert.repeat_visit_vendor_id),
                    alert,
                })
                .collect();
            alerts.sort_by(|a, b| b.alert.repeat_visit_date.cmp(&a.alert.repeat_visit_date).then(a.unit.cmp(&b.unit)));
            let expiring = vi::expiring(&*store, today)?;
            MaintData::Vendors(Box::new(VendorsData { cards, alerts, expiring, today }))
        }
        MaintRequest::Dispatch { work_order_id, now } => {
            let order = store.work_order(work_order_id)?;
            let view = vi::dispatch(store, gateway, work_order_id, now)?;
            MaintData::Dispatch(Box::new(DispatchData { view, title: order.title, status: order.status }))
        }
        MaintRequest::Act { id, action, now } => {
            let outcome = act_on_replica(store, id, &action, now)?;
            MaintData::Acted(Box::new((action, outcome)))
        }
        MaintRequest::Invoices => MaintData::Invoices(invoices::processing_queue(&*store, None)?),
        MaintRequest::ApproveInvoice { invoice_id, now } => {
            let done = replica::approve(store, gateway, invoice_id, &ApproveExtraction::default(), now)?;
            MaintData::InvoiceApproved(Box::new(done))
        }
    })
}
