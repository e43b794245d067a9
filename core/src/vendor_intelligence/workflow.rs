//! Vendor intelligence's jobs and reads, written once over [`MaintenancePort`]: monthly
//! scorecards (1st, 04:00), weekly price benchmarks (Sunday 03:30), daily repeat-visit
//! detection (06:00) and contract expiry (08:30); dispatch recommendations, price analysis,
//! comparisons and the dashboard's figures.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::dispatch::{self, DispatchReasoning, WarrantyCheck};
use super::price_analysis::{self, PriceAnalysisTask, PriceAnswer, PriceInput};
use super::{ExpiringDocument, PriceBenchmark, RepeatVisitAlert, VendorScorecard, WarrantyRecord};
use crate::ai::Gateway;
use crate::format::money;
use crate::jobs::{Job, JobReport};
use crate::model::{Invoice, Vendor, WorkOrder, WorkOrderStatus};
use crate::store::{Result, StoreError};
use crate::work_orders::port::{MaintenancePort, MaintenanceWrites};

/// How far back the history used for dispatch and benchmarks reaches.
const HISTORY_DAYS: i64 = 730;

/// The start of "all history" (a date both stores can hold).
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

fn by_id(orders: &[WorkOrder]) -> HashMap<Uuid, &WorkOrder> {
    orders.iter().map(|w| (w.id, w)).collect()
}

/// A job run's report from its counts.
fn report(job: Job, today: NaiveDate, summary: String, counts: serde_json::Value, skipped: bool) -> JobReport {
    JobReport { job: job.name(), run_date: today, summary, counts, skipped }
}

/// The first and last day of the month before `today`'s.
pub fn previous_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = today.with_day(1).unwrap_or(today);
    let last_prev = first_this - Duration::days(1);
    (last_prev.with_day(1).unwrap_or(last_prev), last_prev)
}

/// Scorecards for every vendor with activity in `[start, end]`.
pub fn calculate_scorecards<P: MaintenancePort + ?Sized>(
    port: &mut P,
    period: &str,
    start: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<VendorScorecard>> {
    if !matches!(period, "monthly" | "quarterly") {
        return Err(StoreError::Rejected(format!("A period is monthly or quarterly, not '{period}'.")));
    }
    let orders = port.work_orders_since(start - Duration::days(HISTORY_DAYS))?;
    let invoices = port.invoices_since(start - Duration::days(HISTORY_DAYS))?;
    let orders_by_id = by_id(&orders);
    let benchmarks: HashMap<String, Decimal> = super::price_benchmarks(&invoices, &orders_by_id, now)
        .into_iter()
        .map(|b| (b.work_category, b.average_cost_usd))
        .collect();
    let invoiced: BTreeSet<Uuid> = invoices.iter().filter_map(|i| i.work_order_id).collect();
    let all: Vec<&WorkOrder> = orders.iter().filter(|w| w.requested_date >= start).collect();
    let mut cards = Vec::new();
    for v in port.vendor_list()? {
        let input = super::ScorecardInput {
            vendor: &v,
            jobs: orders
                .iter()
                .filter(|w| w.assigned_vendor_id == Some(v.id) && w.requested_date >= start && w.requested_date <= end)
                .collect(),
            all_orders: &all,
            invoices: invoices
                .iter()
                .filter(|i| i.vendor_id == Some(v.id) && i.invoice_date >= start && i.invoice_date <= end)
                .map(|i| (i, super::invoice_category(i, &orders_by_id)))
                .collect(),
            invoiced: &invoiced,
            benchmarks: &benchmarks,
        };
        cards.extend(super::compute_scorecard(&input, period, start, end, now));
    }
    port.write_maintenance(&MaintenanceWrites { scorecards: cards.clone(), ..Default::default() }, now)?;
    Ok(cards)
}

/// The 1st-of-month job: last month's scorecards.
pub fn monthly<P: MaintenancePort + ?Sized>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let (start, end) = previous_month(today);
    let cards = calculate_scorecards(port, "monthly", start, end, now)?;
    let avg =
        if cards.is_empty() { 0.0 } else { cards.iter().map(|c| c.overall_score).sum::<f64>() / cards.len() as f64 };
    Ok(report(
        Job::VendorScorecards,
        today,
        format!("Scored {} vendors for {start} to {end}; average {avg:.1}/10.", cards.len()),
        json!({"vendors": cards.len(), "period_start": start, "period_end": end}),
        false,
    ))
}

/// This month so far (the dashboard's "recalculate").
pub fn calculate_current<P: MaintenancePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<VendorScorecard>> {
    calculate_scorecards(port, "monthly", today.with_day(1).unwrap_or(today), today, now)
}

/// Recomputes the price benchmarks from every approved invoice.
pub fn update_benchmarks<P: MaintenancePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let orders = port.work_orders_since(earliest())?;
    let invoices = port.invoices_since(earliest())?;
    let benchmarks = super::price_benchmarks(&invoices, &by_id(&orders), now);
    let samples: i32 = benchmarks.iter().map(|b| b.sample_count).sum();
    let n = benchmarks.len();
    port.write_maintenance(&MaintenanceWrites { benchmarks, ..Default::default() }, now)?;
    Ok(report(
        Job::PriceBenchmarks,
        today,
        format!("Benchmarked {n} work categories from {samples} approved invoices."),
        json!({"categories": n, "invoices": samples}),
        false,
    ))
}

/// Finds new repeat visits among the last 60 days' work orders; an alert already on record
/// keeps its resolution. The manager (`manager`, an e-mail address) is told of the new ones.
pub fn detect_repeat_visits<P: MaintenancePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
    manager: Option<&str>,
) -> Result<JobReport> {
    let orders = port.work_orders_since(today - Duration::days(2 * super::REPEAT_WINDOW_DAYS))?;
    let refs: Vec<&WorkOrder> = orders.iter().collect();
    let known: BTreeSet<Uuid> = port.repeat_alerts()?.into_iter().map(|a| a.id).collect();
    let new: Vec<RepeatVisitAlert> =
        super::detect_repeat_visits(&refs, now).into_iter().filter(|a| !known.contains(&a.id)).collect();
    let n = new.len();
    let units: HashMap<Uuid, String> = if n == 0 {
        HashMap::new()
    } else {
        port.maintenance_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect()
    };
    let lines: Vec<String> = new
        .iter()
        .map(|a| {
            format!(
                "Unit {}: {} visited {} and again {} ({} days apart)",
                units.get(&a.unit_id).map_or("?", String::as_str),
                a.work_category,
                a.first_visit_date,
                a.repeat_visit_date,
                a.days_between
            )
        })
        .collect();
    let messages = manager_notice(
        manager,
        Job::RepeatVisits,
        today,
        format!("{n} new repeat visit{}: possible callbacks", if n == 1 { "" } else { "s" }),
        &lines,
        now,
    )
    .into_iter()
    .collect();
    port.write_maintenance(&MaintenanceWrites { repeat_alerts: new, messages, ..Default::default() }, now)?;
    Ok(report(Job::RepeatVisits, today, format!("{n} new repeat visits found."), json!({"new_alerts": n}), n == 0))
}

/// The office's notice of what a job found (spec 5.4: "notify property manager"): one e-mail
/// per job and day through the outbox (its idempotency key is the job and the day, so a rerun
/// sends nothing twice); none without a manager address or without anything to say.
pub fn manager_notice(
    manager: Option<&str>,
    job: Job,
    today: NaiveDate,
    subject: String,
    lines: &[String],
    now: DateTime<Utc>,
) -> Option<crate::outbox::NewMessage> {
    let to = manager?;
    if lines.is_empty() {
        return None;
    }
    let list: Vec<String> = lines.iter().map(|l| format!("- {l}")).collect();
    Some(crate::outbox::NewMessage {
        idempotency_key: format!("{}:{today}", job.name()),
        channel: crate::outbox::DeliveryChannel::Email,
        recipient_name: "Property manager".into(),
        recipient: to.to_string(),
        subject: format!("UnitCycle: {subject}"),
        body: format!(
            "{subject} ({}):\n\n{}\n\nSent by UnitCycle's {} job.",
            crate::format::date(today),
            list.join("\n"),
            job.name()
        ),
        attachment_sha256: None,
        attachment_name: None,
        related_type: job.name().to_string(),
        related_id: None,
        scheduled_for: now,
    })
}

/// Contracts, insurance and licences expiring within 30 days.
pub fn expiring<P: MaintenancePort + ?Sized>(port: &P, today: NaiveDate) -> Result<Vec<ExpiringDocument>> {
    Ok(super::expiring_documents(&port.vendor_list()?, &port.contracts()?, today))
}

/// The 08:30 job: what expires in the next 30 days (and what has expired), e-mailed to the
/// manager when there is an address, and in the run report either way.
pub fn contract_expiry<P: MaintenancePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
    manager: Option<&str>,
) -> Result<JobReport> {
    let docs = expiring(port, today)?;
    let line = |d: &ExpiringDocument| format!("{} {} ({}) on {}", d.vendor_name, d.document, d.title, d.expires_on);
    let soon: Vec<String> = docs.iter().filter(|d| d.days_left >= 0).map(line).collect();
    let expired = docs.len() - soon.len();
    let every: Vec<String> = docs
        .iter()
        .map(|d| {
            if d.days_left < 0 {
                format!("{} — expired", line(d))
            } else {
                format!("{} — {} days left", line(d), d.days_left)
            }
        })
        .collect();
    let notice = manager_notice(
        manager,
        Job::ContractExpiry,
        today,
        format!("{} vendor documents expiring within 30 days, {expired} expired", soon.len()),
        &every,
        now,
    );
    let emailed = notice.is_some();
    port.write_maintenance(&MaintenanceWrites { messages: notice.into_iter().collect(), ..Default::default() }, now)?;
    Ok(report(
        Job::ContractExpiry,
        today,
        if docs.is_empty() {
            "No vendor contract, insurance or licence expires in the next 30 days.".into()
        } else {
            format!(
                "{} expiring in 30 days, {expired} expired{}: {}",
                soon.len(),
                if emailed { " (e-mailed to the manager)" } else { "" },
                soon.join("; ")
            )
        },
        json!({"expiring": soon.len(), "expired": expired, "emailed": emailed}),
        false,
    ))
}

/// Scorecards filtered as the list endpoint does, newest first.
pub fn scorecards<P: MaintenancePort + ?Sized>(
    port: &P,
    vendor: Option<Uuid>,
    period: Option<&str>,
    min_score: Option<f64>,
) -> Result<Vec<VendorScorecard>> {
    let mut out: Vec<VendorScorecard> = port
        .scorecards()?
        .into_iter()
        .filter(|s| vendor.is_none_or(|v| s.vendor_id == v))
        .filter(|s| period.is_none_or(|p| s.period == p))
        .filter(|s| min_score.is_none_or(|m| s.overall_score >= m))
        .collect();
    out.sort_by(|a, b| b.period_start.cmp(&a.period_start).then(b.overall_score.total_cmp(&a.overall_score)));
    Ok(out)
}

/// A vendor's scorecard with its metric breakdown and trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ScorecardDetail {
    #[schema(value_type = Object)]
    pub vendor: Vendor,
    pub latest: Option<VendorScorecard>,
    /// Each metric's score and weight in the latest scorecard.
    pub breakdown: Vec<MetricScore>,
    /// Every scorecard, oldest first.
    pub trend: Vec<VendorScorecard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct MetricScore {
    pub metric: String,
    pub score: f64,
    pub weight: f64,
    pub measured: bool,
}

pub fn scorecard_detail<P: MaintenancePort + ?Sized>(port: &P, vendor_id: Uuid) -> Result<ScorecardDetail> {
    let vendor = vendor(port, vendor_id)?;
    let mut trend = scorecards(port, Some(vendor_id), None, None)?;
    trend.reverse();
    let latest = trend.last().cloned();
    let breakdown = latest.as_ref().map_or_else(Vec::new, |c| {
        let not: Vec<String> = serde_json::from_value(c.metrics["not_measured"].clone()).unwrap_or_default();
        let scores = [
            c.response_time_score,
            c.first_visit_score,
            c.cost_accuracy_score,
            c.sla_compliance_score,
            c.tenant_satisfaction_score,
            c.documentation_score,
        ];
        super::WEIGHTS
            .iter()
            .zip(scores)
            .map(|((m, w), s)| MetricScore {
                metric: m.to_string(),
                score: s,
                weight: *w,
                measured: !not.iter().any(|n| n == m),
            })
            .collect()
    });
    Ok(ScorecardDetail { vendor, latest, breakdown, trend })
}

fn vendor<P: MaintenancePort + ?Sized>(port: &P, id: Uuid) -> Result<Vendor> {
    port.vendor_list()?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| StoreError::NotFound { what: "Vendor", id: id.to_string() })
}

/// One recommendation as the dispatch view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DispatchChoice {
    pub rank: i32,
    pub vendor_id: Uuid,
    pub vendor_name: String,
    pub overall_score: f64,
    #[schema(value_type = Object)]
    pub reasoning: serde_json::Value,
    pub estimated_cost: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RepeatWarning {
    pub is_repeat: bool,
    pub previous_visit: Option<NaiveDate>,
    pub previous_vendor: Option<String>,
    pub days_since: Option<i64>,
    pub message: String,
}

/// The spec's dispatch response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DispatchView {
    pub work_order_id: Uuid,
    pub work_category: String,
    pub unit: String,
    pub description: String,
    pub warranty_check: WarrantyCheck,
    pub recommendations: Vec<DispatchChoice>,
    pub repeat_visit_warning: RepeatWarning,
    /// `claude` or `offline`.
    pub provider: String,
    pub assigned_vendor_id: Option<Uuid>,
}

/// The dispatch recommendation of a work order: the stored one, else worked out now (with the
/// model when there is one) and stored.
pub fn dispatch<P: MaintenancePort>(
    port: &mut P,
    gateway: &Gateway,
    work_order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DispatchView> {
    let order = port.work_order(work_order_id)?;
    crate::port::in_scope(port, order.property_id, "Work order", work_order_id)?;
    let today = crate::time::today_at(port, order.property_id, now)?;
    let unit = port.unit(order.unit_id)?;
    let vendors = port.vendor_list()?;
    let names: HashMap<Uuid, &Vendor> = vendors.iter().map(|v| (v.id, v)).collect();
    let items = dispatch::warranty_items(&order.category, &order.title);
    let warranties = port.warranties()?;
    let found = dispatch::find_warranty(&warranties, order.unit_id, &items, today);
    let what = items.first().map_or_else(|| format!("{} fixtures", order.category), |i| i.to_string());
    let check = dispatch::warranty_check(found, &names, &what, &unit.unit_number);
    let history = port.work_orders_since(today - Duration::days(HISTORY_DAYS))?;
    let warning = repeat_warning(&order, &history, &names);
    let mut stored = port.dispatches(work_order_id)?;
    let provider;
    if stored.is_empty() {
        let (recs, p) = recommend(port, gateway, &order, &unit, &vendors, &history, check.clone(), today, now)?;
        provider = p;
        port.write_maintenance(&MaintenanceWrites { dispatches: recs.clone(), ..Default::default() }, now)?;
        stored = recs;
    } else {
        provider = stored[0].provider.clone();
    }
    stored.sort_by_key(|r| r.rank);
    Ok(DispatchView {
        work_order_id,
        work_category: order.category.clone(),
        unit: unit.unit_number,
        description: if order.description.is_empty() {
            order.title.clone()
        } else {
            format!("{} — {}", order.title, order.description)
        },
        warranty_check: check,
        recommendations: stored
            .iter()
            .map(|r| DispatchChoice {
                rank: r.rank,
                vendor_id: r.recommended_vendor_id,
                vendor_name: names.get(&r.recommended_vendor_id).map(|v| v.name.clone()).unwrap_or_default(),
                overall_score: r.score,
                reasoning: r.reasoning.clone(),
                estimated_cost: r.estimated_cost.clone(),
                status: r.status.clone(),
            })
            .collect(),
        repeat_visit_warning: warning,
        provider,
        assigned_vendor_id: order.assigned_vendor_id,
    })
}

#[allow(clippy::too_many_arguments)]
fn recommend<P: MaintenancePort>(
    port: &P,
    gateway: &Gateway,
    order: &WorkOrder,
    unit: &crate::model::Unit,
    vendors: &[Vendor],
    history: &[WorkOrder],
    check: WarrantyCheck,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Vec<super::VendorDispatchRecommendation>, String)> {
    let invoices = port.invoices_since(today - Duration::days(HISTORY_DAYS))?;
    let orders_by_id = by_id(history);
    let benchmark = super::price_benchmarks(&invoices, &orders_by_id, now)
        .into_iter()
        .find(|b| b.work_category == order.category)
        .map(|b| b.average_cost_usd);
    let mut sums: HashMap<Uuid, (Decimal, u32)> = HashMap::new();
    for inv in invoices.iter().filter(|i| super::invoice_category(i, &orders_by_id) == order.category) {
        if let Some(v) = inv.vendor_id {
            let e = sums.entry(v).or_default();
            e.0 += inv.total_amount;
            e.1 += 1;
        }
    }
    let avg_costs: HashMap<Uuid, Decimal> =
        sums.into_iter().map(|(v, (s, n))| (v, (s / Decimal::from(n)).round_dp(2))).collect();
    let hist: Vec<&WorkOrder> = history.iter().collect();
    let open: Vec<&WorkOrder> = history
        .iter()
        .filter(|w| matches!(w.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress) && w.id != order.id)
        .collect();
    let holder = check.warranty_vendor_id;
    let scorecards = port.scorecards()?;
    let candidates = dispatch::candidates(&order.category, vendors, &hist, &open, &scorecards, &avg_costs, holder);
    let input = dispatch::DispatchInput {
        category: order.category.clone(),
        description: order.description.clone(),
        unit_number: unit.unit_number.clone(),
        property_name: port.property(order.property_id)?.name,
        priority: order.priority.as_str().to_string(),
        tenant_notes: order.description.clone(),
        candidates: candidates.clone(),
        warranty: check,
        benchmark,
    };
    let (answer, provider) = match gateway.run::<DispatchReasoning>(&input, port, now) {
        Ok(out) => (out.value, out.provider.as_str().to_string()),
        Err(_) => (dispatch::offline_answer(&input), "offline".to_string()),
    };
    let by_vendor: HashMap<Uuid, &dispatch::Candidate> = candidates.iter().map(|c| (c.vendor_id, c)).collect();
    let top: Vec<&dispatch::AiRecommendation> = answer.recommendations.iter().take(3).collect();
    let recs = top
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let c = by_vendor.get(&r.vendor_id)?;
            let alternatives: Vec<serde_json::Value> = top
                .iter()
                .filter(|o| o.vendor_id != r.vendor_id)
                .filter_map(|o| by_vendor.get(&o.vendor_id))
                .map(|o| json!({"vendor_id": o.vendor_id, "name": o.name, "score": o.overall_score.unwrap_or(0.0)}))
                .collect();
            Some(super::VendorDispatchRecommendation {
                id: Uuid::new_v5(&order.id, format!("dispatch:{}", r.vendor_id).as_bytes()),
                work_order_id: order.id,
                recommended_vendor_id: r.vendor_id,
                rank: i as i32 + 1,
                // The score is the scorecard's, whatever a model said.
                score: c.overall_score.unwrap_or(0.0),
                reasoning: r.reasoning.clone(),
                alternatives: serde_json::Value::Array(alternatives),
                warranty_check_result: serde_json::to_value(&input.warranty).unwrap_or_default(),
                status: "pending".into(),
                created_at: now,
                estimated_cost: if r.estimated_cost_range.is_empty() {
                    dispatch::cost_range(c.avg_cost, benchmark)
                } else {
                    r.estimated_cost_range.clone()
                },
                provider: provider.clone(),
            })
        })
        .collect();
    Ok((recs, provider))
}

fn repeat_warning(order: &WorkOrder, history: &[WorkOrder], names: &HashMap<Uuid, &Vendor>) -> RepeatWarning {
    let previous = history
        .iter()
        .filter(|w| w.id != order.id && w.unit_id == order.unit_id && w.category == order.category)
        .filter_map(|w| w.completed_date.map(|d| (d, w)))
        .filter(|(d, _)| {
            *d <= order.requested_date && (order.requested_date - *d).num_days() <= super::REPEAT_WINDOW_DAYS
        })
        .max_by_key(|(d, _)| *d);
    match previous {
        None => RepeatWarning {
            is_repeat: false,
            previous_visit: None,
            previous_vendor: None,
            days_since: None,
            message: "No visit for the same unit and category in the last 30 days.".into(),
        },
        Some((d, w)) => {
            let days = (order.requested_date - d).num_days();
            let vendor = w.assigned_vendor_id.and_then(|v| names.get(&v)).map(|v| v.name.clone());
            RepeatWarning {
                is_repeat: true,
                previous_visit: Some(d),
                previous_vendor: vendor.clone(),
                days_since: Some(days),
                message: format!(
                    "Same unit/category was serviced {days} days ago{}. This may be a callback — consider requesting a warranty redo.",
                    vendor.map(|v| format!(" by {v}")).unwrap_or_default()
                ),
            }
        }
    }
}

/// Active warranty of `unit` for `item`, if any.
pub fn check_warranty<P: MaintenancePort + ?Sized>(
    port: &P,
    unit_id: Uuid,
    item: &str,
    now: DateTime<Utc>,
) -> Result<Option<WarrantyRecord>> {
    let unit = port.unit(unit_id)?;
    crate::port::in_scope(port, unit.property_id, "Unit", unit_id)?;
    let today = crate::time::today_at(port, unit.property_id, now)?;
    let items = dispatch::warranty_items("", item);
    let wanted: Vec<&str> = if items.is_empty() { vec![item.trim()] } else { items };
    let all = port.warranties()?;
    Ok(dispatch::find_warranty(&all, unit_id, &wanted, today).cloned())
}

/// Warranties filtered by unit, item type and status.
pub fn warranties<P: MaintenancePort + ?Sized>(
    port: &P,
    unit: Option<Uuid>,
    item_type: Option<&str>,
    status: Option<&str>,
) -> Result<Vec<WarrantyRecord>> {
    Ok(port
        .warranties()?
        .into_iter()
        .filter(|w| unit.is_none_or(|u| w.unit_id == u))
        .filter(|w| item_type.is_none_or(|t| w.item_type.eq_ignore_ascii_case(t)))
        .filter(|w| status.is_none_or(|s| w.status == s))
        .collect())
}

/// The spec's price analysis of an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PriceAnalysis {
    pub invoice_id: Uuid,
    pub vendor_name: String,
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    pub invoice_total: Decimal,
    pub work_category: String,
    #[schema(value_type = Object)]
    pub benchmark: serde_json::Value,
    pub deviation_pct: f64,
    pub deviation_label: String,
    pub explanation: String,
    /// `consistent`, `trending_up`, `trending_down`, `volatile`.
    pub vendor_pattern: String,
    pub recommendation: String,
    /// `approve`, `flag`, `request_itemization`.
    pub recommendation_code: String,
    /// `info`, `warning`, `critical`.
    pub severity: String,
    /// `claude` or `offline`: who worded the explanation and read the pattern (the deviation is
    /// always the arithmetic).
    pub provider: String,
}

/// The spec's price analysis of an invoice: the deviation from its category's benchmark (the
/// stored weekly one, else worked out now), the vendor's pattern over their last six invoices
/// of the category and a recommendation — worded by the model when there is one.
pub fn analyze_price<P: MaintenancePort>(
    port: &P,
    gateway: &Gateway,
    invoice_id: Uuid,
    now: DateTime<Utc>,
) -> Result<PriceAnalysis> {
    let inv = port.invoice(invoice_id)?;
    if let Some(p) = inv.property_id {
        crate::port::in_scope(port, p, "Invoice", invoice_id)?;
    }
    let orders = port.work_orders_since(earliest())?;
    let orders_by_id = by_id(&orders);
    let category = super::invoice_category(&inv, &orders_by_id);
    let invoices = port.invoices_since(earliest())?;
    let stored = port.benchmarks()?;
    let bench: Option<PriceBenchmark> = stored.into_iter().find(|b| b.work_category == category).or_else(|| {
        super::price_benchmarks(&invoices, &orders_by_id, now).into_iter().find(|b| b.work_category == category)
    });
    let vendor_name = inv.vendor_id.and_then(|v| vendor(port, v).ok()).map(|v| v.name).unwrap_or_default();
    let Some(b) = bench else {
        return Ok(PriceAnalysis {
            invoice_id,
            vendor_name,
            invoice_total: inv.total_amount,
            work_category: category.clone(),
            benchmark: serde_json::Value::Null,
            deviation_pct: 0.0,
            deviation_label: "within_range".into(),
            explanation: format!("No approved {category} invoices to compare with yet."),
            vendor_pattern: "consistent".into(),
            recommendation: "Review by hand: there is no benchmark for this category yet.".into(),
            recommendation_code: "flag".into(),
            severity: "info".into(),
            provider: "offline".into(),
        });
    };
    let pct = super::deviation_pct(inv.total_amount, b.average_cost_usd);
    let label = super::deviation_label(pct);
    let mut recent: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| {
            i.vendor_id == inv.vendor_id && i.id != inv.id && super::invoice_category(i, &orders_by_id) == category
        })
        .collect();
    recent.sort_by_key(|i| std::cmp::Reverse(i.invoice_date));
    recent.truncate(6);
    let above = recent.iter().filter(|i| i.total_amount > b.average_cost_usd).count();
    let (code, severity) = price_analysis::offline_recommendation(pct, label);
    let against = if pct >= 0.0 { format!("{pct:.0}% above") } else { format!("{:.0}% below", -pct) };
    let history = if recent.is_empty() {
        String::new()
    } else {
        format!(" {} has charged above average on {above} of their last {} invoices.", vendor_name, recent.len())
    };
    let vendor_recent: Vec<Decimal> = recent.iter().map(|i| i.total_amount).collect();
    let input = PriceInput {
        vendor_name: vendor_name.clone(),
        category: category.clone(),
        invoice_total: inv.total_amount,
        line_items: serde_json::to_value(&inv.line_items).unwrap_or_default(),
        avg: b.average_cost_usd,
        median: b.median_cost_usd,
        min: b.min_cost_usd,
        max: b.max_cost_usd,
        count: b.sample_count,
        vendor_count: b.vendor_count,
        vendor_avg: (!vendor_recent.is_empty())
            .then(|| (vendor_recent.iter().sum::<Decimal>() / Decimal::from(vendor_recent.len())).round_dp(2)),
        vendor_recent,
        offline: PriceAnswer {
            deviation_pct: pct,
            deviation_label: label.into(),
            explanation: format!(
                "This {} {category} invoice is {against} your portfolio average of {} for the same work category.{history}",
                money(inv.total_amount),
                money(b.average_cost_usd)
            ),
            vendor_pattern: vendor_pattern(&recent, b.average_cost_usd).into(),
            recommendation: code.into(),
            severity: severity.into(),
        },
    };
    let (answer, provider) = match gateway.run::<PriceAnalysisTask>(&input, port, now) {
        Ok(out) => (out.value, out.provider.as_str().to_string()),
        Err(_) => (input.offline.clone(), "offline".to_string()),
    };
    Ok(PriceAnalysis {
        invoice_id,
        vendor_name,
        invoice_total: inv.total_amount,
        work_category: category,
        benchmark: json!({
            "average": crate::format::wire::decimal_number(b.average_cost_usd),
            "median": crate::format::wire::decimal_number(b.median_cost_usd),
            "min": crate::format::wire::decimal_number(b.min_cost_usd),
            "max": crate::format::wire::decimal_number(b.max_cost_usd),
            "sample_count": b.sample_count,
            "vendor_count": b.vendor_count
        }),
        // The figure and its label are the arithmetic, whoever worded the rest.
        deviation_pct: pct,
        deviation_label: label.into(),
        explanation: answer.explanation,
        vendor_pattern: answer.vendor_pattern,
        recommendation: price_analysis::recommendation_sentence(&answer.recommendation, label).into(),
        recommendation_code: answer.recommendation,
        severity: answer.severity,
        provider,
    })
}

/// How a vendor's recent invoices (newest first) sit against the average.
fn vendor_pattern(recent: &[&Invoice], average: Decimal) -> &'static str {
    if recent.len() < 3 || average <= Decimal::ZERO {
        return "consistent";
    }
    let d: Vec<f64> = recent.iter().map(|i| super::deviation_pct(i.total_amount, average)).collect();
    let half = d.len() / 2;
    let newer = d[..half].iter().sum::<f64>() / half as f64;
    let older = d[half..].iter().sum::<f64>() / (d.len() - half) as f64;
    let spread = d.iter().cloned().fold(f64::MIN, f64::max) - d.iter().cloned().fold(f64::MAX, f64::min);
    if newer - older > 10.0 {
        "trending_up"
    } else if older - newer > 10.0 {
        "trending_down"
    } else if spread > 60.0 {
        "volatile"
    } else {
        "consistent"
    }
}

/// One vendor in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VendorComparison {
    pub vendor_id: Uuid,
    pub name: String,
    pub trade: String,
    pub latest: Option<VendorScorecard>,
    pub jobs_in_category: u32,
    #[schema(value_type = Option<String>)]
    pub avg_cost_in_category: Option<Decimal>,
    pub open_jobs: u32,
}

pub fn compare<P: MaintenancePort + ?Sized>(
    port: &P,
    vendor_ids: &[Uuid],
    category: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<VendorComparison>> {
    let orders = port.work_orders_since(today - Duration::days(HISTORY_DAYS))?;
    let invoices = port.invoices_since(today - Duration::days(HISTORY_DAYS))?;
    let orders_by_id = by_id(&orders);
    let cards = port.scorecards()?;
    let mut out = Vec::new();
    for id in vendor_ids {
        let v = vendor(port, *id)?;
        let in_cat = |c: &str| category.is_none_or(|k| k == c);
        let costs: Vec<Decimal> = invoices
            .iter()
            .filter(|i| i.vendor_id == Some(v.id) && in_cat(&super::invoice_category(i, &orders_by_id)))
            .map(|i| i.total_amount)
            .collect();
        out.push(VendorComparison {
            vendor_id: v.id,
            name: v.name.clone(),
            trade: v.trade.clone(),
            latest: cards.iter().filter(|c| c.vendor_id == v.id).max_by_key(|c| c.period_start).cloned(),
            jobs_in_category: orders
                .iter()
                .filter(|w| {
                    w.assigned_vendor_id == Some(v.id) && in_cat(&w.category) && w.status != WorkOrderStatus::Cancelled
                })
                .count() as u32,
            avg_cost_in_category: (!costs.is_empty())
                .then(|| (costs.iter().sum::<Decimal>() / Decimal::from(costs.len())).round_dp(2)),
            open_jobs: orders
                .iter()
                .filter(|w| {
                    w.assigned_vendor_id == Some(v.id)
                        && matches!(w.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress)
                })
                .count() as u32,
        });
    }
    Ok(out)
}

/// Open repeat-visit alerts (or of `status`), filtered by unit and vendor.
pub fn repeat_alerts<P: MaintenancePort + ?Sized>(
    port: &P,
    unit: Option<Uuid>,
    vendor: Option<Uuid>,
    status: Option<&str>,
) -> Result<Vec<RepeatVisitAlert>> {
    let status = status.unwrap_or("open");
    Ok(port
        .repeat_alerts()?
        .into_iter()
        .filter(|a| status == "all" || a.resolution_status == status)
        .filter(|a| unit.is_none_or(|u| a.unit_id == u))
        .filter(|a| vendor.is_none_or(|v| a.first_visit_vendor_id == Some(v) || a.repeat_visit_vendor_id == Some(v)))
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Performer {
    pub name: String,
    pub score: f64,
}

/// The dashboard's figures (the spec's stats response).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VendorStats {
    pub avg_vendor_score: f64,
    pub total_vendors: u32,
    pub top_performer: Option<Performer>,
    pub bottom_performer: Option<Performer>,
    pub active_warranties: u32,
    pub warranties_expiring_30d: u32,
    pub expiring_contracts: u32,
    pub expiring_insurance: u32,
    pub open_repeat_alerts: u32,
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    pub total_saved_warranty_ytd: Decimal,
    pub price_anomalies_this_month: u32,
}

pub fn stats<P: MaintenancePort + ?Sized>(port: &P, today: NaiveDate, now: DateTime<Utc>) -> Result<VendorStats> {
    let vendors = port.vendor_list()?;
    let cards = port.scorecards()?;
    let mut latest: HashMap<Uuid, &VendorScorecard> = HashMap::new();
    for c in &cards {
        let e = latest.entry(c.vendor_id).or_insert(c);
        if c.period_start > e.period_start {
            *e = c;
        }
    }
    let names: HashMap<Uuid, &str> = vendors.iter().map(|v| (v.id, v.name.as_str())).collect();
    let scored: Vec<(&str, f64)> =
        latest.values().map(|c| (names.get(&c.vendor_id).copied().unwrap_or(""), c.overall_score)).collect();
    let performer = |best: bool| {
        scored
            .iter()
            .max_by(|a, b| if best { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) }.then(b.0.cmp(a.0)))
            .map(|(n, s)| Performer { name: n.to_string(), score: *s })
    };
    let warranties = port.warranties()?;
    let docs = expiring(port, today)?;
    let soon = |kind: &str| docs.iter().filter(|d| d.days_left >= 0 && d.document == kind).count() as u32;
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let saved: Decimal = warranties
        .iter()
        .flat_map(|w| w.claim_history.iter())
        .filter(|c| c.date >= year_start && c.date <= today)
        .filter_map(|c| c.cost_saved)
        .sum();
    let month_start = today.with_day(1).unwrap_or(today);
    let orders = port.work_orders_since(today - Duration::days(HISTORY_DAYS))?;
    let invoices = port.invoices_since(today - Duration::days(HISTORY_DAYS))?;
    let orders_by_id = by_id(&orders);
    let bench: HashMap<String, Decimal> = super::price_benchmarks(&invoices, &orders_by_id, now)
        .into_iter()
        .map(|b| (b.work_category, b.average_cost_usd))
        .collect();
    let anomalies = invoices
        .iter()
        .filter(|i| i.invoice_date >= month_start)
        .filter(|i| {
            bench.get(&super::invoice_category(i, &orders_by_id)).is_some_and(|avg| {
                super::deviation_label(super::deviation_pct(i.total_amount, *avg)) == "significantly_above"
            })
        })
        .count() as u32;
    Ok(VendorStats {
        avg_vendor_score: if scored.is_empty() {
            0.0
        } else {
            (scored.iter().map(|(_, s)| s).sum::<f64>() / scored.len() as f64 * 10.0).round() / 10.0
        },
        total_vendors: vendors.iter().filter(|v| v.is_active).count() as u32,
        top_performer: performer(true),
        bottom_performer: performer(false),
        active_warranties: warranties.iter().filter(|w| w.in_force(today)).count() as u32,
        warranties_expiring_30d: warranties
            .iter()
            .filter(|w| w.in_force(today) && (w.warranty_end_date - today).num_days() <= super::EXPIRY_WINDOW_DAYS)
            .count() as u32,
        expiring_contracts: soon("contract"),
        expiring_insurance: soon("insurance"),
        open_repeat_alerts: port.repeat_alerts()?.iter().filter(|a| a.resolution_status == "open").count() as u32,
        total_saved_warranty_ytd: saved,
        price_anomalies_this_month: anomalies,
    })
}
