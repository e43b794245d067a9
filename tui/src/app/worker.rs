//! The background worker: one thread owns the [`Store`], runs queries and lifecycle actions,
//! and reports back over a channel, so drawing never waits on the database.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::escalation::MessagePreview;
use unitcycle_core::collections::workflow::{self as collections_workflow, CaseAction};
use unitcycle_core::collections::{
    CollectionAction, CollectionCase, CollectionsError, EscalationStep, PaymentPlan, PlanTerms,
};
use unitcycle_core::command_center::bulk::{BulkRequest, BulkResult};
use unitcycle_core::command_center::workflow as cc_workflow;
use unitcycle_core::command_center::{ActionType, Row as CcRow};
use unitcycle_core::import::{self, ImportKind, ImportReport, ImportRequest, Override, IMPORT_ACTOR};
use unitcycle_core::jobs::{Job, JobReport};
use unitcycle_core::lifecycle::{LifecycleAction, LifecycleStats, Transition};
use unitcycle_core::model::{Lease, LeaseStatusLog, LedgerEntry, Property, Tenant, Unit, Vendor, WorkOrder};
use unitcycle_core::pricing::port::PricingPort;
use unitcycle_core::pricing::{self, MarketComp, PricingSnapshot, RevenueOpportunity};
use unitcycle_core::renewals::workflow;
use unitcycle_core::renewals::{RenewalAction, RenewalRecommendation};
use unitcycle_core::store::{CaseFilter, RenewalFilter};
use unitcycle_core::store::{LeaseFilter, LeaseListRow, LeaseSort, PortfolioKpis, PropertyGrid, Store, StoreError};
use unitcycle_core::store::{QueueItem, Queueing, CONNECTED_REFUSAL};
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow::{self as turnover_workflow, CaseDetail, TurnoverAction};
use unitcycle_core::turnover::{self, DeductionLetter, TurnoverCase};
use uuid::Uuid;

pub mod broadcast;
pub mod chat;
pub mod inbox;
pub mod lease_gen;
pub mod listings;
pub mod maintenance;
pub mod onboarding;
pub mod screening;
pub mod showings;
pub mod staging;

/// Which screen asked; the answer goes back to it (if it is still open).
pub type ScreenId = u64;

#[derive(Debug, Clone)]
pub enum Request {
    Meta,
    Kpis {
        today: NaiveDate,
    },
    Properties,
    /// A property by id or name prefix, with its unit grid.
    Property {
        key: String,
        today: NaiveDate,
    },
    /// A unit with its lease, ledger and the rest of its detail; `now` dates its price history.
    Unit {
        unit_id: Uuid,
        now: DateTime<Utc>,
    },
    /// The order of the leases matching a filter (their ids), their lifecycle stats and the
    /// first page of rows from `offset`: asked when the filter or sort changes.
    LeaseOrder {
        seq: u64,
        filter: LeaseFilter,
        sort: LeaseSort,
        today: NaiveDate,
        offset: usize,
        limit: usize,
    },
    /// The rows of these leases (a page of an order the screen holds), from `offset`.
    LeaseRows {
        seq: u64,
        offset: usize,
        ids: Vec<Uuid>,
    },
    Expiring {
        today: NaiveDate,
        days: i64,
        limit: usize,
    },
    /// A lease by id or lease number.
    Lease {
        key: String,
    },
    Apply {
        lease_id: Uuid,
        action: LifecycleAction,
        actor: String,
        now: DateTime<Utc>,
    },
    /// A new lease on a vacant unit to the tenant with `tenant_email` (vacant → active).
    NewLease {
        unit_id: Uuid,
        tenant_email: String,
        terms: unitcycle_core::lifecycle::new_lease::LeaseTerms,
        actor: String,
        now: DateTime<Utc>,
    },
    /// Every unit of the portfolio as a command-center row, with its top AI action's wording.
    CommandCenter {
        today: NaiveDate,
    },
    /// The pending AI queue item of `action_type` for each unit (the bulk panel's previews).
    CcPreviews {
        seq: u64,
        units: Vec<Uuid>,
        action_type: ActionType,
    },
    /// Runs a bulk action, reporting [`Data::CcProgress`] as units are done.
    CcBulk {
        req: Box<BulkRequest>,
        actor: String,
        now: DateTime<Utc>,
    },
    /// Every renewal recommendation with its unit, tenant and property names.
    Renewals,
    /// A workflow step on each of `ids` (sending queues the letter by email in the outbox).
    RenewalAct {
        ids: Vec<Uuid>,
        action: RenewalAction,
        actor: String,
        now: DateTime<Utc>,
    },
    RenewalLetter {
        id: Uuid,
        text: String,
        now: DateTime<Utc>,
    },
    /// Collections cases (open ones unless `all`), most days overdue first.
    Cases {
        all: bool,
    },
    /// A case, with when its next step is due at `now`.
    Case {
        id: Uuid,
        now: DateTime<Utc>,
    },
    /// What sending the case's next step now would send (drafted, nothing written).
    CasePreview {
        id: Uuid,
        now: DateTime<Utc>,
    },
    /// A case action at `now`; its dates count from the case's property's local date.
    CaseAct {
        id: Uuid,
        op: CaseOp,
        actor: String,
        now: DateTime<Utc>,
    },
    /// Reads a CSV to import (UTF-8 text); a connected replica refuses, as `unitcycle import` does.
    ImportRead {
        path: PathBuf,
    },
    /// Imports a file, or with `dry_run` plans it: every row or none (`core::import`).
    Import {
        kind: ImportKind,
        csv: String,
        overrides: Vec<Override>,
        dry_run: bool,
        today: NaiveDate,
        now: DateTime<Utc>,
    },
    /// Writes the rent roll as CSV to `path`, whole or not at all.
    ExportRentRoll {
        path: PathBuf,
    },
    /// Every turnover case as a board card, its figures on its property's date at `now`.
    TurnoverBoard {
        today: NaiveDate,
        now: DateTime<Utc>,
    },
    /// A turnover case with its checklist and deductions (`turnover::workflow::detail`).
    TurnoverCase {
        id: Uuid,
        now: DateTime<Utc>,
    },
    /// The deduction letter generating would write now, drafted from the record (nothing written).
    TurnoverLetterDraft {
        id: Uuid,
    },
    /// A turnover action, applied on the replica and queued for the server when connected.
    TurnoverAct {
        id: Uuid,
        action: TurnoverAction,
        actor: String,
        now: DateTime<Utc>,
    },
    /// The revenue opportunity of the latest pricing snapshots, and the units below market with
    /// their names and every sort order of them.
    Pricing,
    /// A unit's 90-day price history, on its property's date at `now`, and its latest comps.
    PricingHistory {
        unit_id: Uuid,
        now: DateTime<Utc>,
    },
    /// Maintenance risk and vendor intelligence (`worker::maintenance`).
    Maintenance(maintenance::MaintRequest),
    /// Tenant screening (`worker::screening`).
    Screening(screening::ScreeningRequest),
    /// Lease generation and e-signing (`worker::lease_gen`).
    LeaseGen(lease_gen::LeaseGenRequest),
    /// The unified inbox (`worker::inbox`).
    Inbox(inbox::InboxRequest),
    /// Broadcasts (`worker::broadcast`).
    Broadcast(broadcast::BroadcastRequest),
    /// Tenant onboarding and the knowledge base (`worker::onboarding`).
    Onboarding(onboarding::OnboardingRequest),
    /// Showings and the tour funnel (`worker::showings`).
    Showings(showings::ShowingsRequest),
    /// The listings board and the lead inbox (`worker::listings`).
    Listings(listings::ListingsRequest),
    /// Virtual staging (`worker::staging`).
    Staging(staging::StagingRequest),
    /// A question to the portfolio chat (`worker::chat`).
    Ask(chat::Ask),
    /// The chat's confirms, history and digest (`worker::chat`).
    Chat(chat::ChatRequest),
    /// Runs a job now through `jobs::run_with`, as the schedule would (recorded in `job_run`).
    RunJob {
        job: Job,
        today: NaiveDate,
        now: DateTime<Utc>,
    },
    /// A records action on record `id` (for a new record, its id), applied with
    /// `records::workflow::replica_record_action` (queued for the server on a connected replica).
    Record {
        id: Uuid,
        action: Box<unitcycle_core::records::RecordAction>,
        now: DateTime<Utc>,
    },
}

/// Units between two progress reports of a bulk run.
pub const BULK_CHUNK: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct CcData {
    pub rows: Vec<CcRow>,
    /// Per row: the description of its top pending AI action ("Offer renewal @ $1,150").
    pub ai_labels: Vec<Option<String>>,
    /// Every sort order of `rows`, made here so a key press on the screen only filters.
    pub orders: unitcycle_core::command_center::Orders,
    /// The filter bar's choices: properties by name, risk levels by rank.
    pub properties: Vec<(Uuid, String)>,
    pub risks: Vec<String>,
}

impl CcData {
    /// Everything the screen derives from the rows, worked out off the draw thread.
    pub fn new(rows: Vec<CcRow>, ai_labels: Vec<Option<String>>) -> CcData {
        let orders = unitcycle_core::command_center::Orders::new(&rows);
        let mut properties: Vec<(Uuid, String)> =
            rows.iter().map(|r| (r.property_id, r.property_name.clone())).collect();
        properties.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        properties.dedup_by_key(|p| p.0);
        let mut risks: Vec<String> = rows.iter().filter_map(|r| r.risk_level.clone()).collect();
        let rank = |r: &str| unitcycle_core::command_center::risk_rank(Some(r));
        risks.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
        risks.dedup();
        CcData { rows, ai_labels, orders, properties, risks }
    }
}

/// What a collections key does to a case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseOp {
    /// The next step; `override_schedule` sends it ahead of the schedule (logged on the case).
    SendNextStep {
        override_schedule: bool,
    },
    OfferPlan {
        terms: PlanTerms,
        start: NaiveDate,
    },
    RecordPayment {
        amount: Decimal,
        paid_on: NaiveDate,
    },
    Escalate,
    Note(String),
}

/// Names shown next to a renewal or a case.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub unit: String,
    pub tenant: String,
    /// The tenant's email: where an emailed letter or offer goes.
    pub email: String,
    pub property: String,
}

#[derive(Debug, Clone)]
pub struct RenewalRow {
    pub rec: RenewalRecommendation,
    pub names: Names,
    /// The current lease's end date (none for a month-to-month lease).
    pub lease_end: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub case: CollectionCase,
    pub names: Names,
}

#[derive(Debug, Clone)]
pub struct CaseData {
    pub row: CaseRow,
    pub actions: Vec<CollectionAction>,
    pub plan: Option<PaymentPlan>,
    /// The next step and the first date the schedule allows it, or why there is none.
    pub next_step: Result<(&'static EscalationStep, NaiveDate), CollectionsError>,
}

/// A card of the turnover board: the case, its names and its figures on its property's date.
#[derive(Debug, Clone)]
pub struct TurnoverCard {
    pub case: TurnoverCase,
    pub names: Names,
    pub days_in_stage: i64,
    pub days_vacant: i32,
    /// Days left before the deduction letter is due (negative: overdue); None once generated.
    pub letter_days_left: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct TurnoverBoardData {
    pub cards: Vec<TurnoverCard>,
    /// The date the pipeline figures are taken on (the first case's property's).
    pub today: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct TurnoverCaseData {
    pub detail: CaseDetail,
    pub names: Names,
    pub days_vacant: i32,
}

/// A unit below market on the revenue screen: its latest snapshot and its names.
#[derive(Debug, Clone)]
pub struct PricingRow {
    pub snapshot: PricingSnapshot,
    pub unit: String,
    pub property: String,
}

#[derive(Debug, Clone)]
pub struct PricingData {
    pub opportunity: RevenueOpportunity,
    /// The units below market (more than 2 % under), as the opportunity counts them.
    pub rows: Vec<PricingRow>,
    /// Every sort order of `rows`, made here so a key press on the screen only picks one.
    pub orders: super::screens::pricing::Orders,
    /// Units with a snapshot (none: the engine has not run on this replica).
    pub priced: usize,
    /// The day of the newest snapshot.
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct PricingHistoryData {
    pub unit: Unit,
    pub property_name: String,
    /// The property's date: the chart's last day.
    pub today: NaiveDate,
    /// The last 90 days of snapshots, oldest first.
    pub history: Vec<PricingSnapshot>,
    /// The comps the latest snapshot used.
    pub comps: Vec<MarketComp>,
}

#[derive(Debug, Clone)]
pub struct PropertyData {
    pub property: Property,
    /// The property's buildings in use.
    pub buildings: Vec<unitcycle_core::model::Building>,
    pub stats: LifecycleStats,
    pub grid: PropertyGrid,
}

#[derive(Debug, Clone)]
pub struct UnitData {
    pub unit: Unit,
    pub property_name: String,
    /// The property's IANA time zone (its local today dates ledger entries).
    pub time_zone: String,
    pub building_name: String,
    /// The property's buildings in use (the unit form chooses among them).
    pub buildings: Vec<unitcycle_core::model::Building>,
    pub lease: Option<Lease>,
    pub tenant: Option<Tenant>,
    /// The current lease's ledger, oldest first.
    pub ledger: Vec<LedgerEntry>,
    pub balance: Decimal,
    pub work_orders: Vec<WorkOrder>,
    /// Vendors assigned to this unit's work orders (for insurance facts).
    pub vendors: Vec<Vendor>,
    /// The latest renewal recommendation for the current lease.
    pub renewal: Option<RenewalRecommendation>,
    /// The current lease's open collections case.
    pub case: Option<CollectionCase>,
    /// The unit's last 90 days of pricing snapshots, oldest first (the Market Intelligence card).
    pub pricing: Vec<PricingSnapshot>,
    /// The property's date the pricing history runs to.
    pub today: NaiveDate,
    /// The unit's latest maintenance risk score.
    pub risk: Option<unitcycle_core::predictive_maintenance::UnitRiskScore>,
    /// The contracts of the vendors on this unit's work orders (insurance and licence expiry).
    pub contracts: Vec<unitcycle_core::vendor_intelligence::VendorContract>,
}

#[derive(Debug, Clone)]
pub struct LeaseData {
    pub row: LeaseListRow,
    pub log: Vec<LeaseStatusLog>,
    pub balance: Decimal,
    pub tenant: Tenant,
    /// The property's IANA time zone: the lease's day counts and new ledger entries use its
    /// local date.
    pub time_zone: String,
}

#[derive(Debug, Clone)]
pub enum Data {
    Meta {
        synced: bool,
    },
    Kpis(PortfolioKpis),
    Properties(Vec<Property>),
    Property(Box<PropertyData>),
    Unit(Box<UnitData>),
    LeaseOrder {
        seq: u64,
        order: Vec<Uuid>,
        stats: LifecycleStats,
        offset: usize,
        rows: Vec<LeaseListRow>,
    },
    LeasePage {
        seq: u64,
        offset: usize,
        rows: Vec<LeaseListRow>,
    },
    Expiring(Vec<LeaseListRow>),
    Lease(Box<LeaseData>),
    Applied {
        transition: Box<Transition>,
    },
    /// A new lease was signed (its number).
    LeaseSigned(String),
    Renewals(Vec<RenewalRow>),
    /// How many recommendations a step moved, and why any were refused.
    RenewalsActed {
        done: usize,
        errors: Vec<String>,
    },
    LetterSaved,
    /// Text back from `$EDITOR` (delivered by the shell, not the worker).
    Edited(String),
    /// A CSV read for import.
    ImportFile {
        text: String,
    },
    /// What an import did, or in a dry run would do.
    ImportReport(Box<ImportReport>),
    /// The rent roll was written: how many units, where.
    Exported {
        path: String,
        units: usize,
    },
    Cases(Vec<CaseRow>),
    Case(Box<CaseData>),
    /// The messages the next step would send, for its confirm.
    CasePreview(Vec<MessagePreview>),
    /// The case after an operation, with a one-line summary of what happened.
    CaseActed {
        case: Box<CollectionCase>,
        summary: String,
    },
    CommandCenter(Box<CcData>),
    CcPreviews {
        seq: u64,
        items: Vec<(Uuid, Option<QueueItem>)>,
    },
    /// A bulk run's progress; not an answer (the request is still outstanding).
    CcProgress {
        done: usize,
        total: usize,
    },
    CcBulkDone(Box<BulkResult>),
    TurnoverBoard(Box<TurnoverBoardData>),
    TurnoverCase(Box<TurnoverCaseData>),
    /// The deduction letter as generating it would write it.
    TurnoverLetter(Box<DeductionLetter>),
    /// The case after an action, with a one-line summary of what happened.
    TurnoverActed {
        case: Box<TurnoverCase>,
        summary: String,
    },
    Pricing(Box<PricingData>),
    PricingHistory(Box<PricingHistoryData>),
    /// What a job run now did.
    JobRan(Box<JobReport>),
    Maintenance(maintenance::MaintData),
    Screening(screening::ScreeningData),
    LeaseGen(lease_gen::LeaseGenData),
    Inbox(inbox::InboxData),
    Broadcast(broadcast::BroadcastData),
    Onboarding(onboarding::OnboardingData),
    Showings(showings::ShowingsData),
    Listings(listings::ListingsData),
    Staging(staging::StagingData),
    Answered(Box<chat::Answered>),
    /// A chat reply as it streams (the text so far, or a tool call); not an answer.
    ChatStream(String),
    Chat(chat::ChatData),
    /// A records action was written: the id of the row, and whether it is queued for the server.
    RecordSaved {
        id: Uuid,
        queued: bool,
    },
    Error(String),
}

impl Data {
    /// Reports on a request still running (not its answer).
    fn is_progress(&self) -> bool {
        matches!(
            self,
            Data::CcProgress { .. } | Data::ChatStream(_) | Data::Staging(staging::StagingData::Progress { .. })
        )
    }
}

pub struct Worker {
    tx: Sender<(ScreenId, Request)>,
    rx: Receiver<(ScreenId, Data)>,
    pending: usize,
}

impl Worker {
    /// `gateway` drafts letters and collections messages (offline in tests).
    pub fn spawn(mut store: Store, gateway: Gateway) -> Worker {
        let (req_tx, req_rx) = mpsc::channel::<(ScreenId, Request)>();
        let (data_tx, data_rx) = mpsc::channel();
        thread::spawn(move || {
            for (id, req) in req_rx {
                let progress_tx = data_tx.clone();
                let mut progress = |d: Data| {
                    let _ = progress_tx.send((id, d));
                };
                let data = answer(&mut store, &gateway, req, &mut progress)
                    .unwrap_or_else(|e| Data::Error(super::words::humanize(&e.to_string())));
                if data_tx.send((id, data)).is_err() {
                    break;
                }
            }
        });
        Worker { tx: req_tx, rx: data_rx, pending: 0 }
    }

    pub fn send(&mut self, id: ScreenId, req: Request) {
        if self.tx.send((id, req)).is_ok() {
            self.pending += 1;
        }
    }

    /// Answers that have arrived, without waiting.
    pub fn try_recv(&mut self) -> Option<(ScreenId, Data)> {
        let got = self.rx.try_recv().ok();
        if got.as_ref().is_some_and(|(_, d)| !d.is_progress()) {
            self.pending -= 1;
        }
        got
    }

    /// Waits up to `timeout` for the next answer while any request is outstanding.
    pub fn recv_timeout(&mut self, timeout: Duration) -> Option<(ScreenId, Data)> {
        if self.pending == 0 {
            return None;
        }
        match self.rx.recv_timeout(timeout) {
            Ok(got) => {
                if !got.1.is_progress() {
                    self.pending -= 1;
                }
                Some(got)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    pub fn pending(&self) -> usize {
        self.pending
    }
}

fn answer(
    store: &mut Store,
    gateway: &Gateway,
    req: Request,
    progress: &mut dyn FnMut(Data),
) -> Result<Data, StoreError> {
    Ok(match req {
        Request::Meta => Data::Meta { synced: store.has_sync_state()? },
        Request::Kpis { today } => Data::Kpis(store.portfolio_kpis(today)?),
        Request::Properties => {
            Data::Properties(store.properties()?.into_iter().filter(|p| p.archived_at.is_none()).collect())
        }
        Request::Property { key, today } => {
            let property = store.find_property(&key)?;
            let filter = LeaseFilter { property: Some(property.id), ..Default::default() };
            let stats = store.lifecycle_stats(&filter, today)?;
            let grid = store.property_grid(property.id)?;
            let buildings = store.buildings(property.id)?.into_iter().filter(|b| b.archived_at.is_none()).collect();
            Data::Property(Box::new(PropertyData { property, buildings, stats, grid }))
        }
        Request::Unit { unit_id, now } => {
            let unit = store.unit(unit_id)?;
            let property = store.property(unit.property_id)?;
            let today = unitcycle_core::time::today_of(&property, now)?;
            let pricing = pricing::workflow::history(&*store, unit_id, today)?;
            let all_buildings = store.buildings(unit.property_id)?;
            let building_name = unit
                .building_id
                .and_then(|b| all_buildings.iter().find(|x| x.id == b))
                .map(|x| x.name.clone())
                .unwrap_or_default();
            let buildings = all_buildings.into_iter().filter(|b| b.archived_at.is_none()).collect();
            let lease = store.current_lease_for_unit(unit_id)?;
            let (renewal, case) = match &lease {
                Some(l) => (
                    store
                        .renewals(&RenewalFilter { lease: Some(l.id), ..Default::default() })?
                        .into_iter()
                        .max_by_key(|r| r.created_at),
                    store.open_case_for_lease(l.id)?,
                ),
                None => (None, None),
            };
            let (tenant, ledger, balance) = match &lease {
                Some(l) => {
                    let ledger: Vec<LedgerEntry> =
                        store.ledger(l.tenant_id, None)?.into_iter().filter(|e| e.lease_id == Some(l.id)).collect();
                    (Some(store.tenant(l.tenant_id)?), ledger, store.lease_balance(l.id)?)
                }
                None => (None, Vec::new(), Decimal::ZERO),
            };
            let work_orders = store.work_orders(unit_id)?;
            let vendors = store
                .vendors()?
                .into_iter()
                .filter(|v| work_orders.iter().any(|w| w.assigned_vendor_id == Some(v.id)))
                .collect::<Vec<Vendor>>();
            let risk =
                unitcycle_core::predictive_maintenance::workflow::risk_scores(&*store, None, Some(unit_id), None)?
                    .into_iter()
                    .next();
            let contracts = unitcycle_core::work_orders::port::MaintenancePort::contracts(&*store)?
                .into_iter()
                .filter(|c| vendors.iter().any(|v| v.id == c.vendor_id))
                .collect();
            Data::Unit(Box::new(UnitData {
                unit,
                property_name: property.name,
                time_zone: property.time_zone,
                building_name,
                buildings,
                lease,
                tenant,
                ledger,
                balance,
                work_orders,
                vendors,
                renewal,
                case,
                pricing,
                today,
                risk,
                contracts,
            }))
        }
        Request::LeaseOrder { seq, filter, sort, today, offset, limit } => {
            let order = store.lease_order(&filter, sort)?;
            let stats = store.lifecycle_stats(&filter, today)?;
            let offset = offset.min(order.len().saturating_sub(1));
            let rows = store.lease_rows_by_id(&order[offset..(offset + limit).min(order.len())])?;
            Data::LeaseOrder { seq, order, stats, offset, rows }
        }
        Request::LeaseRows { seq, offset, ids } => Data::LeasePage { seq, offset, rows: store.lease_rows_by_id(&ids)? },
        Request::Expiring { today, days, limit } => Data::Expiring(store.expiring_leases(today, days, limit)?),
        Request::Lease { key } => {
            let lease = store.find_lease(&key)?;
            let row = store.lease_row(lease.id)?;
            let log = store.status_log(lease.id)?;
            let balance = store.lease_balance(lease.id)?;
            let tenant = store.tenant(lease.tenant_id)?;
            let time_zone = store.property(lease.property_id)?.time_zone;
            Data::Lease(Box::new(LeaseData { row, log, balance, tenant, time_zone }))
        }
        Request::NewLease { unit_id, tenant_email, terms, actor, now } => {
            if unitcycle_core::sync_actions::connected(store)? {
                return Err(StoreError::Rejected(
                    "This replica syncs with a server, which numbers leases: sign the lease there.".into(),
                ));
            }
            let tenant = store
                .tenant_by_email(&tenant_email)?
                .ok_or_else(|| StoreError::Rejected(format!("No tenant has the email '{tenant_email}'.")))?;
            let lease = unitcycle_core::lifecycle::new_lease::new_lease(store, unit_id, tenant.id, terms, &actor, now)?;
            Data::LeaseSigned(lease.lease_number)
        }
        Request::Apply { lease_id, action, actor, now } => {
            let (_, transition) = store.apply_lifecycle_action(lease_id, &action, &actor, now)?;
            Data::Applied { transition: Box::new(transition) }
        }
        Request::CommandCenter { today } => {
            // Days to each unit's event count from its property's local date.
            let days = unitcycle_core::time::Days::of_port(store, today, crate::commands::now_on(today))?;
            let rows = store.command_center_rows(&days)?;
            let mut labels: std::collections::HashMap<(Uuid, ActionType), (Decimal, String)> = Default::default();
            for q in store.ai_queue(None, None)? {
                let e = labels.entry((q.unit_id, q.action_type)).or_insert((q.confidence_score, q.description.clone()));
                if q.confidence_score > e.0 {
                    *e = (q.confidence_score, q.description);
                }
            }
            let ai_labels =
                rows.iter().map(|r| r.ai_action.and_then(|a| labels.remove(&(r.unit_id, a))).map(|(_, d)| d)).collect();
            Data::CommandCenter(Box::new(CcData::new(rows, ai_labels)))
        }
        Request::CcPreviews { seq, units, action_type } => {
            let mut items = Vec::with_capacity(units.len());
            for u in units {
                let item = store.ai_queue(Some(u), Some(action_type))?.into_iter().next();
                items.push((u, item));
            }
            Data::CcPreviews { seq, items }
        }
        Request::CcBulk { req, actor, now } => {
            let mut report = |done: usize, total: usize| {
                if done % BULK_CHUNK == 0 && done < total {
                    progress(Data::CcProgress { done, total });
                }
            };
            // On a connected replica the bulk action is also queued for the server.
            let result = cc_workflow::replica_bulk(store, gateway, &req, &actor, now, &mut report)?;
            Data::CcBulkDone(Box::new(result))
        }
        Request::Renewals => {
            let recs = store.renewals(&RenewalFilter::default())?;
            let mut rows = Vec::with_capacity(recs.len());
            for rec in recs {
                let names = names(store, rec.unit_id, rec.tenant_id, rec.property_id)?;
                let lease_end = store.lease(rec.lease_id)?.lease_end_date;
                rows.push(RenewalRow { rec, names, lease_end });
            }
            Data::Renewals(rows)
        }
        Request::RenewalAct { ids, action, actor, now } => {
            let (mut done, mut errors) = (0, Vec::new());
            for id in ids {
                match renewal_step(store, id, &action, &actor, now) {
                    Ok(()) => done += 1,
                    Err(e) => errors.push(e.to_string()),
                }
            }
            Data::RenewalsActed { done, errors }
        }
        Request::RenewalLetter { id, text, now } => {
            store.set_renewal_letter(id, &text, "edited", now)?;
            Data::LetterSaved
        }
        Request::Cases { all } => {
            use unitcycle_core::collections::CaseStatus;
            let filter = CaseFilter {
                status: if all { vec![] } else { vec![CaseStatus::Open, CaseStatus::PaymentPlan] },
                ..Default::default()
            };
            let mut rows = Vec::new();
            for case in store.collection_cases(&filter)? {
                let names = names(store, case.unit_id, case.tenant_id, case.property_id)?;
                rows.push(CaseRow { case, names });
            }
            rows.sort_by(|a, b| b.case.days_overdue.cmp(&a.case.days_overdue).then(a.names.unit.cmp(&b.names.unit)));
            Data::Cases(rows)
        }
        Request::Case { id, now } => {
            let case = store.collection_case(id)?;
            let names = names(store, case.unit_id, case.tenant_id, case.property_id)?;
            let actions = store.collection_actions(id)?;
            let plan = store.payment_plan(id)?;
            let next_step = collections_workflow::next_step_due(store, &case, now)?;
            Data::Case(Box::new(CaseData { row: CaseRow { case, names }, actions, plan, next_step }))
        }
        Request::CasePreview { id, now } => {
            Data::CasePreview(collections_workflow::preview_next_step(store, gateway, id, now)?)
        }
        Request::CaseAct { id, op, actor, now } => {
            use unitcycle_core::format::money;
            // On a connected replica the action is also queued for the server.
            let queued = match &op {
                CaseOp::SendNextStep { override_schedule } => {
                    CaseAction::SendNextStep { override_schedule: *override_schedule }
                }
                CaseOp::OfferPlan { terms, start } => CaseAction::OfferPlan { terms: *terms, start_date: *start },
                CaseOp::RecordPayment { amount, paid_on } => {
                    CaseAction::RecordPayment { amount: *amount, paid_on: *paid_on }
                }
                CaseOp::Escalate => CaseAction::Escalate,
                CaseOp::Note(text) => CaseAction::AddNote { text: text.clone() },
            };
            let store = &mut Queueing::on_replica(store, collections_workflow::ENTITY, id, queued.to_json()?)?;
            let (case, summary) = match op {
                CaseOp::SendNextStep { override_schedule } => {
                    let c = collections_workflow::send_next_step(store, gateway, id, override_schedule, &actor, now)?;
                    let summary = format!("Step {} sent ({} tone)", c.escalation_level, c.tone.label());
                    (c, summary)
                }
                CaseOp::OfferPlan { terms, start } => {
                    let (c, p) = collections_workflow::offer_plan(store, gateway, id, terms, start, now)?;
                    let summary = format!(
                        "Plan offered: {} installments of {} from {start}",
                        p.num_installments,
                        money(p.installment_amount)
                    );
                    (c, summary)
                }
                CaseOp::RecordPayment { amount, paid_on } => {
                    let (c, o) = collections_workflow::record_payment(store, id, amount, paid_on, &actor, now)?;
                    let summary = format!(
                        "Recorded {}; balance {}; case {}",
                        money(amount),
                        money(o.new_balance),
                        c.status.label()
                    );
                    (c, summary)
                }
                CaseOp::Escalate => {
                    let c = collections_workflow::escalate(store, gateway, id, &actor, now)?;
                    let summary = format!("Case {}", c.status.label());
                    (c, summary)
                }
                CaseOp::Note(text) => {
                    (collections_workflow::add_note(store, id, &text, &actor, now)?, "Note added".into())
                }
            };
            Data::CaseActed { case: Box::new(case), summary }
        }
        Request::TurnoverBoard { today, now } => {
            let days = unitcycle_core::time::Days::of_port(store, today, now)?;
            let mut cards = Vec::new();
            for case in store.turnover_cases()? {
                let names = case_names(store, &case)?;
                let today = days.of(case.property_id);
                cards.push(TurnoverCard {
                    days_in_stage: turnover::days_in_stage(&case, today),
                    days_vacant: turnover::days_vacant(&case, today),
                    letter_days_left: turnover::letter_days_left(&case, today),
                    names,
                    case,
                });
            }
            // The pipeline figures on one date, as the server's: the first case's property's.
            let today = cards.first().map_or(today, |c| days.of(c.case.property_id));
            Data::TurnoverBoard(Box::new(TurnoverBoardData { cards, today }))
        }
        Request::TurnoverCase { id, now } => {
            let detail = turnover_workflow::detail(&*store, id, now)?;
            let names = case_names(store, &detail.case)?;
            let today = unitcycle_core::time::today_at(&*store, detail.case.property_id, now)?;
            let days_vacant = turnover::days_vacant(&detail.case, today);
            Data::TurnoverCase(Box::new(TurnoverCaseData { detail, names, days_vacant }))
        }
        Request::TurnoverLetterDraft { id } => Data::TurnoverLetter(Box::new(draft_letter(store, id)?)),
        Request::TurnoverAct { id, action, actor, now } => {
            let before = TurnoverPort::turnover_case(&*store, id)?;
            let names = case_names(store, &before)?;
            let queued = unitcycle_core::sync_actions::connected(store)?;
            let (case, summary) = match &action {
                // The letter's PDF goes to the replica's documents; the summary says where.
                TurnoverAction::GenerateDeductionLetter => {
                    let mut port = Queueing::on_replica(store, turnover_workflow::ENTITY, id, action.to_json()?)?;
                    let generated = turnover_workflow::generate_deduction_letter(&mut port, id, now)?;
                    let place = match (&generated.document, unitcycle_core::documents::blob_store(store)) {
                        (Some(hash), Some(blobs)) => format!("PDF saved to {}", blobs.path(hash)?.display()),
                        _ => "no PDF kept (this replica has no documents folder)".to_string(),
                    };
                    let on = unitcycle_core::format::date(generated.date);
                    (generated.case, format!("Deduction letter generated on {on}: {place}"))
                }
                _ => {
                    let case = turnover_workflow::act_on_replica(store, id, &action, &actor, now)?;
                    let summary = turnover_summary(store, &action, &before, &case, &names)?;
                    (case, summary)
                }
            };
            let summary = if queued { format!("{summary} · queued for the server") } else { summary };
            Data::TurnoverActed { case: Box::new(case), summary }
        }
        Request::Pricing => Data::Pricing(Box::new(pricing_data(store)?)),
        Request::PricingHistory { unit_id, now } => {
            let unit = store.unit(unit_id)?;
            let property = store.property(unit.property_id)?;
            let today = unitcycle_core::time::today_of(&property, now)?;
            let history = pricing::workflow::history(&*store, unit_id, today)?;
            let mut comps = match history.last() {
                Some(s) => store.snapshot_comps(s.id)?,
                None => Vec::new(),
            };
            // The closest comps first (stored in id order).
            comps.sort_by(|a, b| b.comp.similarity_score.total_cmp(&a.comp.similarity_score));
            Data::PricingHistory(Box::new(PricingHistoryData {
                unit,
                property_name: property.name,
                today,
                history,
                comps,
            }))
        }
        Request::Maintenance(req) => Data::Maintenance(maintenance::answer(store, gateway, req)?),
        Request::Screening(req) => Data::Screening(screening::answer(store, req)?),
        Request::LeaseGen(req) => Data::LeaseGen(lease_gen::answer(store, req)?),
        Request::Inbox(req) => Data::Inbox(inbox::answer(store, req)?),
        Request::Broadcast(req) => Data::Broadcast(broadcast::answer(store, req)?),
        Request::Onboarding(req) => Data::Onboarding(onboarding::answer(store, gateway, req)?),
        Request::Showings(req) => Data::Showings(showings::answer(store, req)?),
        Request::Listings(req) => Data::Listings(listings::answer(store, gateway, req)?),
        Request::Staging(req) => {
            Data::Staging(staging::answer(store, gateway, req, &mut |d| progress(Data::Staging(d)))?)
        }
        Request::Ask(ask) => {
            Data::Answered(Box::new(chat::answer(store, gateway, ask, &mut |s| progress(Data::ChatStream(s)))?))
        }
        Request::Chat(req) => Data::Chat(chat::run(store, req)?),
        Request::RunJob { job, today, now } => {
            // The server prices a connected replica's units (and sets their market rents).
            if job == Job::PricingEngine && unitcycle_core::sync_actions::connected(store)? {
                return Err(StoreError::Rejected(PRICED_BY_SERVER.into()));
            }
            if job == Job::RiskScoring && unitcycle_core::sync_actions::connected(store)? {
                return Err(StoreError::Rejected(SCORED_BY_SERVER.into()));
            }
            Data::JobRan(Box::new(unitcycle_core::jobs::run_with(store, job, today, now, gateway)?))
        }
        Request::ImportRead { path } => {
            refuse_if_connected(store)?;
            Data::ImportFile { text: read_csv(&path)? }
        }
        Request::Import { kind, csv, overrides, dry_run, today, now } => {
            refuse_if_connected(store)?;
            let req = ImportRequest { csv: &csv, overrides: &overrides, dry_run, actor: IMPORT_ACTOR };
            Data::ImportReport(Box::new(kind.import(store, &req, today, now)?))
        }
        Request::Record { id, action, now } => {
            let queued = unitcycle_core::sync_actions::connected(store)?;
            let id = unitcycle_core::records::workflow::replica_record_action(store, id, &action, now)?;
            Data::RecordSaved { id, queued }
        }
        Request::ExportRentRoll { path } => {
            let rows = store.rent_roll()?;
            write_whole(&path, import::write_rent_roll(&rows).as_bytes())?;
            Data::Exported { path: path.display().to_string(), units: rows.len() }
        }
    })
}

/// The revenue screen's data from one read of the latest snapshots: the opportunity as
/// `pricing::workflow::opportunity` figures it, and the units below market by name.
fn pricing_data(store: &Store) -> Result<PricingData, StoreError> {
    use std::collections::HashMap;
    let snapshots = store.latest_snapshots()?;
    let properties: HashMap<Uuid, String> = store.properties()?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut units: HashMap<Uuid, String> = store.pricing_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect();
    let opportunity = pricing::revenue_opportunity(&snapshots, &properties);
    let (priced, as_of) = (snapshots.len(), snapshots.iter().map(|s| s.snapshot_date).max());
    let mut rows = Vec::new();
    for snapshot in snapshots {
        if snapshot.current_rent.is_none() || snapshot.rent_gap_pct >= -pricing::AT_MARKET_PCT {
            continue;
        }
        // An archived unit keeps its last snapshot (the opportunity counts it): name it too.
        let unit = match units.get(&snapshot.unit_id) {
            Some(n) => n.clone(),
            None => {
                let n = store.unit(snapshot.unit_id)?.unit_number;
                units.insert(snapshot.unit_id, n.clone());
                n
            }
        };
        let property = properties.get(&snapshot.property_id).cloned().unwrap_or_default();
        rows.push(PricingRow { snapshot, unit, property });
    }
    let orders = super::screens::pricing::Orders::new(&rows);
    Ok(PricingData { opportunity, rows, orders, priced, as_of })
}

/// Why a connected replica does not run the pricing engine itself.
pub const PRICED_BY_SERVER: &str =
    "This replica syncs with a server, which runs the pricing engine: run it there (POST /api/v1/pricing/run-engine/), then sync.";

/// Why a connected replica does not score maintenance risk itself.
pub const SCORED_BY_SERVER: &str = "This replica syncs with a server, which scores maintenance risk: run it there \
    (POST /api/v1/predictive-maintenance/risk-scores/compute/), then sync.";

/// The server is the system of record of a connected replica: import there, then sync.
fn refuse_if_connected(store: &Store) -> Result<(), StoreError> {
    if unitcycle_core::sync_actions::connected(store)? {
        return Err(StoreError::Rejected(CONNECTED_REFUSAL.into()));
    }
    Ok(())
}

/// A CSV file's text, or why it cannot be imported (the CLI's messages).
fn read_csv(path: &Path) -> Result<String, StoreError> {
    let bytes =
        std::fs::read(path).map_err(|e| StoreError::Rejected(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| StoreError::Rejected(format!("{} is not UTF-8 text; export it as CSV (UTF-8)", path.display())))
}

/// Writes `bytes` to `path` through a temporary file beside it, so a failure leaves no half file.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| StoreError::Rejected(format!("cannot write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).and_then(|_| tmp.as_file().sync_all()).map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

fn names(store: &Store, unit: Uuid, tenant: Uuid, property: Uuid) -> Result<Names, StoreError> {
    let tenant = store.tenant(tenant)?;
    Ok(Names {
        unit: store.unit(unit)?.unit_number,
        tenant: tenant.full_name(),
        email: tenant.email,
        property: store.property(property)?.name,
    })
}

/// The names on a turnover case: its unit, its property and the tenant of the lease given notice on.
fn case_names(store: &Store, case: &TurnoverCase) -> Result<Names, StoreError> {
    let lease = store.lease(case.lease_id)?;
    names(store, case.unit_id, lease.tenant_id, case.property_id)
}

/// The deduction letter as `generate_deduction_letter` would draft it now (nothing written).
fn draft_letter(store: &Store, id: Uuid) -> Result<DeductionLetter, StoreError> {
    Ok(turnover_workflow::draft_deduction_letter(store, id)?.letter)
}

/// What a turnover action did, in a line.
fn turnover_summary(
    store: &Store,
    action: &TurnoverAction,
    before: &TurnoverCase,
    case: &TurnoverCase,
    names: &Names,
) -> Result<String, StoreError> {
    use unitcycle_core::format::money;
    let letter = if before.deduction_letter_generated && !case.deduction_letter_generated {
        "; the deduction letter must be generated again"
    } else {
        ""
    };
    Ok(match action {
        TurnoverAction::AdvanceStage { .. } => format!(
            "Moved unit {} · {} from {} to {}",
            names.unit,
            names.property,
            before.stage.label(),
            case.stage.label()
        ),
        TurnoverAction::AddDeduction { category, description, amount, .. } => {
            let category = unitcycle_core::turnover::DeductionCategory::parse(category).map_or("", |c| c.label());
            format!("Deduction added: {category}: {} ({}); a approves it{letter}", description.trim(), money(*amount))
        }
        TurnoverAction::ApproveDeduction { deduction_id, approved } => {
            let d = store.turnover_deductions(case.id)?.into_iter().find(|d| d.id == *deduction_id);
            let what = d.map_or_else(
                || "the deduction".to_string(),
                |d| format!("{}: {} ({})", d.category.label(), d.description, money(d.amount)),
            );
            let done = if *approved { "Approved" } else { "Approval withdrawn from" };
            format!("{done} {what}; {}{letter}", unitcycle_core::turnover::refund_words(case.refund_amount))
        }
        TurnoverAction::CompleteItem { item_id, .. } => {
            let item = store.turnover_checklist(case.id)?.into_iter().find(|i| i.id == *item_id);
            let what = item.map_or_else(String::new, |i| format!(" {} at {}", i.item, money(i.actual_cost)));
            format!(
                "Done:{what}; make-ready cost {} of {}",
                money(case.make_ready_actual_cost),
                money(case.make_ready_estimated_cost)
            )
        }
        TurnoverAction::GenerateDeductionLetter => "Deduction letter generated".to_string(),
    })
}

/// One renewal workflow step; sending queues the letter (with its PDF) in the same transaction.
fn renewal_step(
    store: &mut Store,
    id: Uuid,
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    workflow::replica_step(store, id, action, actor, now).map(|_| ())
}
