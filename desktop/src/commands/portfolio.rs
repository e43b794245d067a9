//! The back-office views beside inspections, mirroring the terminal app's groups: the portfolio
//! dashboard, the renewal queue with its letter PDFs, and the collections queue with each case's
//! timeline and the letters it sent. Renewals can be reviewed here too (approve, send, record the
//! tenant's answer) through the same core workflow as the TUI; collections steps, plans and
//! payments stay with the TUI, the CLI and the nightly jobs.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::ops::{id, write_document};
use super::ReportResult;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::collections::{self, CollectionAction, CollectionsDashboardStats, PaymentPlan};
use unitcycle_core::format::{money, parse_money};
use unitcycle_core::renewals::{self, RenewalAction, RenewalDashboardStats, RenewalRecommendation};
use unitcycle_core::store::{CaseFilter, InspectionFilter, LeaseListRow, PortfolioKpis, RenewalFilter, Store};

/// Everything the dashboard draws, in one round trip.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub kpis: PortfolioKpis,
    /// Vacant units as a percentage with one decimal, e.g. "7.5".
    pub vacancy_pct: String,
    pub renewals: RenewalDashboardStats,
    pub projected_revenue: String,
    pub collections: CollectionsDashboardStats,
    pub outstanding: String,
    pub collected_30_days: String,
    /// Move-in inspections per status (`in_progress`, `pending_signatures`, `finalized`, …).
    pub inspections: BTreeMap<String, u64>,
}

/// The most a queue view lists at once; the rest are counted (narrow by status to see them).
pub const QUEUE_ROWS: usize = 500;

/// A queue's first rows and how many there are in all.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Queue<T> {
    pub total: usize,
    pub rows: Vec<T>,
}

/// Who and where a renewal or case is about.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Names {
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
}

impl From<LeaseListRow> for Names {
    fn from(r: LeaseListRow) -> Names {
        Names {
            lease_number: r.lease.lease_number,
            tenant_name: r.tenant_name,
            unit_number: r.unit_number,
            property_name: r.property_name,
        }
    }
}

/// A line of the renewal queue, its money already formatted for the screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RenewalRow {
    pub renewal: RenewalRecommendation,
    pub names: Names,
    pub status_label: &'static str,
    pub current_rent: String,
    pub recommended_rent: String,
    /// The five churn factors as (key, 0–1 value) for the factor bars.
    pub factors: Vec<(&'static str, f64)>,
}

/// A line of the collections queue.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CaseRow {
    pub case: collections::CollectionCase,
    pub names: Names,
    pub balance: String,
    pub status_label: &'static str,
    pub risk_label: &'static str,
    pub tone_label: &'static str,
}

/// A case's timeline, plan and the letters that went out for it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub actions: Vec<TimelineEntry>,
    pub plan: Option<PaymentPlan>,
    pub documents: Vec<CaseDocument>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TimelineEntry {
    pub action: CollectionAction,
    pub label: &'static str,
}

/// A PDF attached to a message sent for a case (a formal notice, a certified letter).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CaseDocument {
    pub sha256: String,
    pub name: String,
    pub subject: String,
    pub created_at: chrono::DateTime<Utc>,
}

fn names(store: &Store, lease_id: Uuid) -> CmdResult<Names> {
    Ok(store.lease_row(lease_id)?.into())
}

pub fn dashboard(s: &AppState) -> CmdResult<Dashboard> {
    let now = Utc::now();
    let today = now.date_naive();
    let store = s.store()?;
    let kpis = store.portfolio_kpis(today)?;
    let recs = store.renewals(&RenewalFilter::default())?;
    let renewals = renewals::dashboard_stats(&recs);
    let cases = store.collection_cases(&CaseFilter::default())?;
    let collected = store.collected_since(today - chrono::Duration::days(30))?;
    let days = unitcycle_core::time::Days::of_port(&*store, today, now)?;
    let collections = collections::dashboard_stats(&cases, collected, &days);
    let mut inspections = BTreeMap::new();
    for row in store.move_in_inspections(&InspectionFilter::default())? {
        *inspections.entry(row.inspection.status.as_str().to_string()).or_default() += 1;
    }
    Ok(Dashboard {
        today,
        vacancy_pct: kpis.vacancy_percent().to_string(),
        kpis,
        projected_revenue: money(renewals.projected_annual_revenue_increase),
        renewals,
        outstanding: money(collections.total_outstanding),
        collected_30_days: money(collections.collected_last_30_days),
        collections,
        inspections,
    })
}

/// The renewal queue, highest churn first; `status` narrows it ("pending", "approved", …).
pub fn list_renewals(s: &AppState, status: Option<String>) -> CmdResult<Queue<RenewalRow>> {
    let mut filter = RenewalFilter::default();
    if let Some(st) = status.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        filter.status = vec![st.parse().map_err(CommandError::invalid)?];
    }
    let store = s.store()?;
    let mut recs = store.renewals(&filter)?;
    recs.sort_by(|a, b| b.plan.churn_score.total_cmp(&a.plan.churn_score));
    let total = recs.len();
    let rows = recs.into_iter().take(QUEUE_ROWS).map(|r| renewal_row(&store, r)).collect::<CmdResult<_>>()?;
    Ok(Queue { total, rows })
}

fn renewal_row(store: &Store, r: RenewalRecommendation) -> CmdResult<RenewalRow> {
    Ok(RenewalRow {
        names: names(store, r.lease_id)?,
        status_label: r.status.label(),
        current_rent: money(r.plan.current_rent),
        recommended_rent: money(r.plan.recommended_rent),
        factors: r.plan.churn_factors.entries().to_vec(),
        renewal: r,
    })
}

/// Who acts from this desktop, as the review log records it.
pub(super) fn actor() -> String {
    format!("user:{}@desktop", std::env::var("USER").unwrap_or_else(|_| "local".into()))
}

/// A review step from the desktop: `approve` (at `rent` when given, else the recommended rent),
/// `send` (the letter by email with its PDF, through the outbox, once), `accept` or `decline`.
/// The core's workflow refuses steps out of order, with its reason.
pub fn renewal_action(s: &AppState, id_text: String, action: String, rent: Option<String>) -> CmdResult<RenewalRow> {
    let action = match action.trim() {
        "approve" => RenewalAction::Approve {
            recommended_rent: rent
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(parse_money)
                .transpose()
                .map_err(CommandError::invalid)?,
        },
        "send" => RenewalAction::Send,
        "accept" => RenewalAction::Accept,
        "decline" => RenewalAction::Decline,
        other => {
            return Err(CommandError::invalid(format!(
                "'{other}' is not a renewal step (approve, send, accept or decline)"
            )))
        }
    };
    let id = id(&id_text)?;
    let mut store = s.store()?;
    let rec = unitcycle_core::renewals::workflow::replica_step(&mut store, id, &action, &actor(), Utc::now())?;
    renewal_row(&store, rec)
}

/// Renders the renewal offer letter (the drafted text with the offer's figures) to PDF, keeps
/// it in the blob store and writes a copy under `letters/` beside the replica.
pub fn renewal_letter_pdf(s: &AppState, id_text: String) -> CmdResult<ReportResult> {
    let now = Utc::now();
    let store = s.store()?;
    let rec = store.renewal(id(&id_text)?)?;
    let input = unitcycle_core::renewals::workflow::renewal_letter_pdf_input(
        &*store,
        &rec,
        unitcycle_core::time::today_at(&*store, rec.property_id, now)?,
    )?;
    let bytes = unitcycle_core::pdf::letter::letter(&input, now)?;
    let unit = names(&store, rec.lease_id)?;
    write_document(s, "letters", &format!("renewal-offer-{}-unit-{}.pdf", unit.property_name, unit.unit_number), &bytes)
}

fn case_row(store: &Store, case: collections::CollectionCase) -> CmdResult<CaseRow> {
    Ok(CaseRow {
        names: names(store, case.lease_id)?,
        balance: money(case.current_balance),
        status_label: case.status.label(),
        risk_label: case.tenant_risk_profile.label(),
        tone_label: case.tone.label(),
        case,
    })
}

/// The collections queue: open cases and cases on a plan, most overdue first; `all` adds
/// paid, escalated and written-off cases.
pub fn list_collections(s: &AppState, all: bool) -> CmdResult<Queue<CaseRow>> {
    use collections::CaseStatus;
    let filter = CaseFilter {
        status: if all { vec![] } else { vec![CaseStatus::Open, CaseStatus::PaymentPlan] },
        ..CaseFilter::default()
    };
    let store = s.store()?;
    let cases = store.collection_cases(&filter)?;
    let total = cases.len();
    let rows = cases.into_iter().take(QUEUE_ROWS).map(|c| case_row(&store, c)).collect::<CmdResult<_>>()?;
    Ok(Queue { total, rows })
}

pub fn collection_case(s: &AppState, id_text: String) -> CmdResult<CaseDetail> {
    let store = s.store()?;
    let case = store.collection_case(id(&id_text)?)?;
    let case_id = case.id;
    let documents = store
        .outbox_messages(Some(case_id), 500)?
        .into_iter()
        .filter_map(|m| {
            Some(CaseDocument {
                sha256: m.attachment_sha256?,
                name: m.attachment_name.unwrap_or_else(|| "letter.pdf".into()),
                subject: m.subject,
                created_at: m.created_at,
            })
        })
        .collect();
    Ok(CaseDetail {
        row: case_row(&store, case)?,
        actions: store
            .collection_actions(case_id)?
            .into_iter()
            .map(|a| TimelineEntry { label: a.action_type.label(), action: a })
            .collect(),
        plan: store.payment_plan(case_id)?,
        documents,
    })
}

/// Writes a stored letter (by its content hash) under `letters/` beside the replica.
pub fn save_document(s: &AppState, sha256: String, name: String) -> CmdResult<ReportResult> {
    let bytes = s.blobs.get(sha256.trim())?;
    write_document(s, "letters", &name, &bytes)
}
