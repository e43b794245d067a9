//! Vendor performance intelligence (spec 5.4): monthly scorecards with six weighted metrics,
//! dispatch recommendations (warranty first), price benchmarks per work category, repeat-visit
//! alerts and contract / insurance / licence expiry.
//!
//! The six weights are the spec's: response time 15 %, first-visit resolution 25 %, cost
//! accuracy 20 %, SLA compliance 15 %, tenant satisfaction 15 %, documentation 10 % (the sixth,
//! documentation, closes the sum at 100 %). A metric with nothing to measure in the period is
//! left out and the others' weights are rescaled, so no figure is made up; the scorecard's
//! `metrics` names what was not measured.

pub mod dispatch;
pub mod price_analysis;
pub mod workflow;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::model::{Invoice, InvoiceStatus, Vendor, WorkOrder, WorkOrderPriority, WorkOrderStatus};

/// The six metrics and their weights, in the spec's order.
pub const WEIGHTS: [(&str, f64); 6] = [
    ("response_time", 0.15),
    ("first_visit", 0.25),
    ("cost_accuracy", 0.20),
    ("sla_compliance", 0.15),
    ("tenant_satisfaction", 0.15),
    ("documentation", 0.10),
];

/// A repeat visit: the same unit and work category within this many days of a completed job.
pub const REPEAT_WINDOW_DAYS: i64 = 30;
/// Documents expiring within this many days are flagged.
pub const EXPIRY_WINDOW_DAYS: i64 = 30;

/// Days to finish a job of each priority (SLA compliance).
pub fn sla_days(priority: WorkOrderPriority) -> i64 {
    match priority {
        WorkOrderPriority::Emergency => 1,
        WorkOrderPriority::High => 3,
        WorkOrderPriority::Medium => 7,
        WorkOrderPriority::Low => 14,
    }
}

/// `vendor_scorecard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VendorScorecard {
    pub id: Uuid,
    pub vendor_id: Uuid,
    /// `monthly` or `quarterly`.
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub response_time_score: f64,
    /// Percent of completed jobs with no repeat visit within 30 days.
    pub first_visit_resolution_rate: f64,
    pub first_visit_score: f64,
    pub cost_accuracy_score: f64,
    pub sla_compliance_score: f64,
    pub tenant_satisfaction_score: f64,
    pub documentation_score: f64,
    /// 0–10, the weighted mean of the measured metrics.
    pub overall_score: f64,
    pub total_jobs: i32,
    #[schema(value_type = String)]
    pub total_invoiced_usd: Decimal,
    pub created_at: DateTime<Utc>,
    /// The measurements behind each score, and `not_measured`.
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
}

/// `vendor_dispatch_recommendation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VendorDispatchRecommendation {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub recommended_vendor_id: Uuid,
    pub rank: i32,
    pub score: f64,
    #[schema(value_type = Object)]
    pub reasoning: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub alternatives: serde_json::Value,
    #[schema(value_type = Object)]
    pub warranty_check_result: serde_json::Value,
    /// `pending`, `accepted`, `rejected`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub estimated_cost: String,
    /// `claude` or `offline`.
    pub provider: String,
}

/// One claim against a warranty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WarrantyClaim {
    pub date: NaiveDate,
    pub issue: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub cost_saved: Option<Decimal>,
}

/// `warranty_record`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WarrantyRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// `HVAC`, `Dishwasher`, `Water Heater`, `Roof`, `Refrigerator`, `Washer`, `Dryer`,
    /// `Garbage Disposal`, `Microwave`, `Oven`.
    pub item_type: String,
    pub brand: String,
    pub model_number: String,
    pub installed_date: NaiveDate,
    pub warranty_end_date: NaiveDate,
    pub warranty_vendor_id: Option<Uuid>,
    pub warranty_provider: String,
    /// `full`, `parts_only`, `labor_only`.
    pub coverage_type: String,
    /// `active`, `expired`, `claimed`.
    pub status: String,
    pub claim_history: Vec<WarrantyClaim>,
    /// The provider's phone or address for claims.
    pub contact: String,
}

/// The item types a warranty may cover (the spec's list).
pub const ITEM_TYPES: &[&str] = &[
    "HVAC",
    "Dishwasher",
    "Water Heater",
    "Roof",
    "Refrigerator",
    "Washer",
    "Dryer",
    "Garbage Disposal",
    "Microwave",
    "Oven",
];

impl WarrantyRecord {
    /// In force on `today`: active and not past its end.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.status == "active" && self.warranty_end_date >= today
    }
}

/// `vendor_contract`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VendorContract {
    pub id: Uuid,
    pub vendor_id: Uuid,
    /// `service_agreement`, `insurance_certificate`, `license`, `w9`.
    pub contract_type: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub insurance_expiry: Option<NaiveDate>,
    pub license_expiry: Option<NaiveDate>,
    pub auto_renew: bool,
    pub created_at: DateTime<Utc>,
}

/// `repeat_visit_alert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RepeatVisitAlert {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub work_category: String,
    pub first_visit_date: NaiveDate,
    pub first_visit_vendor_id: Option<Uuid>,
    pub repeat_visit_date: NaiveDate,
    pub repeat_visit_vendor_id: Option<Uuid>,
    pub days_between: i32,
    /// `open`, `warranty_claim`, `vendor_credited`, `different_issue`, `dismissed`.
    pub resolution_status: String,
    pub created_at: DateTime<Utc>,
    pub first_work_order_id: Option<Uuid>,
    pub repeat_work_order_id: Option<Uuid>,
}

pub const RESOLUTIONS: &[&str] = &["open", "warranty_claim", "vendor_credited", "different_issue", "dismissed"];

/// `price_benchmark`: one row per work category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PriceBenchmark {
    pub id: Uuid,
    pub work_category: String,
    #[schema(value_type = String)]
    pub average_cost_usd: Decimal,
    #[schema(value_type = String)]
    pub median_cost_usd: Decimal,
    #[schema(value_type = String)]
    pub min_cost_usd: Decimal,
    #[schema(value_type = String)]
    pub max_cost_usd: Decimal,
    pub sample_count: i32,
    pub vendor_count: i32,
    pub updated_at: DateTime<Utc>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The work category of an invoice: its work order's, else `general`.
pub fn invoice_category(inv: &Invoice, orders: &HashMap<Uuid, &WorkOrder>) -> String {
    inv.work_order_id.and_then(|w| orders.get(&w)).map_or_else(|| "general".to_string(), |w| w.category.clone())
}

/// Invoices that count for benchmarks: approved or paid.
pub fn approved(inv: &Invoice) -> bool {
    matches!(inv.status, InvoiceStatus::Approved | InvoiceStatus::Paid)
}

/// A benchmark's id, derived from its category.
pub fn benchmark_id(category: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("price_benchmark:{category}").as_bytes())
}

/// Average / median / min / max per work category over the approved invoices.
pub fn price_benchmarks(
    invoices: &[Invoice],
    orders: &HashMap<Uuid, &WorkOrder>,
    now: DateTime<Utc>,
) -> Vec<PriceBenchmark> {
    let mut by: BTreeMap<String, (Vec<Decimal>, BTreeSet<Uuid>)> = BTreeMap::new();
    for inv in invoices.iter().filter(|i| approved(i)) {
        let e = by.entry(invoice_category(inv, orders)).or_default();
        e.0.push(inv.total_amount);
        e.1.extend(inv.vendor_id);
    }
    by.into_iter()
        .map(|(category, (mut totals, vendors))| {
            totals.sort();
            let n = totals.len();
            PriceBenchmark {
                id: benchmark_id(&category),
                average_cost_usd: (totals.iter().sum::<Decimal>() / Decimal::from(n)).round_dp(2),
                median_cost_usd: crate::stats::median(&totals).unwrap_or_default(),
                min_cost_usd: totals[0],
                max_cost_usd: totals[n - 1],
                sample_count: n as i32,
                vendor_count: vendors.len() as i32,
                work_category: category,
                updated_at: now,
            }
        })
        .collect()
}

/// Where a job stands against its category's benchmark: percent above (+) or below (−) the
/// average.
pub fn deviation_pct(amount: Decimal, average: Decimal) -> f64 {
    if average <= Decimal::ZERO {
        return 0.0;
    }
    round1(((amount - average) / average * Decimal::ONE_HUNDRED).to_f64().unwrap_or(0.0))
}

/// The label of a deviation: more than 10 % below is `below_average`, up to 10 % above
/// `within_range`, up to 25 % `slightly_above`, beyond `significantly_above`.
pub fn deviation_label(pct: f64) -> &'static str {
    if pct < -10.0 {
        "below_average"
    } else if pct <= 10.0 {
        "within_range"
    } else if pct <= 25.0 {
        "slightly_above"
    } else {
        "significantly_above"
    }
}

/// A completed job was resolved on the first visit unless the same unit needed the same
/// category again within 30 days of its completion.
pub fn first_visit_resolved(job: &WorkOrder, all: &[&WorkOrder]) -> bool {
    let Some(done) = job.completed_date else { return true };
    !all.iter().any(|w| {
        w.id != job.id
            && w.unit_id == job.unit_id
            && w.category == job.category
            && w.status != WorkOrderStatus::Cancelled
            && w.requested_date >= done
            && (w.requested_date - done).num_days() <= REPEAT_WINDOW_DAYS
    })
}

/// The inputs of one vendor's scorecard for a period.
pub struct ScorecardInput<'a> {
    pub vendor: &'a Vendor,
    /// The vendor's jobs requested in the period (cancelled ones excluded by the caller or here).
    pub jobs: Vec<&'a WorkOrder>,
    /// Every work order in the window (to find repeat visits after the vendor's jobs).
    pub all_orders: &'a [&'a WorkOrder],
    /// The vendor's invoices dated in the period, with their categories.
    pub invoices: Vec<(&'a Invoice, String)>,
    /// Work orders that have an invoice.
    pub invoiced: &'a BTreeSet<Uuid>,
    pub benchmarks: &'a HashMap<String, Decimal>,
}

/// The scorecard id: one per vendor, period and start.
pub fn scorecard_id(vendor_id: Uuid, period: &str, start: NaiveDate) -> Uuid {
    Uuid::new_v5(&vendor_id, format!("vendor_scorecard:{period}:{start}").as_bytes())
}

/// The six metrics (0–10 each) and the weighted overall, for a vendor with activity in the
/// period; `None` when it had none.
pub fn compute_scorecard(
    input: &ScorecardInput<'_>,
    period: &str,
    start: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Option<VendorScorecard> {
    let jobs: Vec<&WorkOrder> = input.jobs.iter().copied().filter(|w| w.status != WorkOrderStatus::Cancelled).collect();
    if jobs.is_empty() && input.invoices.is_empty() {
        return None;
    }
    let completed: Vec<&WorkOrder> = jobs.iter().copied().filter(|w| w.completed_date.is_some()).collect();
    let mut measured: Vec<(&str, f64)> = Vec::new();
    let mut metrics = serde_json::Map::new();

    // Response time: days from the request to the booked visit; same day 10, −2 a day.
    let waits: Vec<i64> =
        jobs.iter().filter_map(|w| w.scheduled_date.map(|s| (s - w.requested_date).num_days().max(0))).collect();
    let response = (!waits.is_empty()).then(|| {
        let avg = waits.iter().sum::<i64>() as f64 / waits.len() as f64;
        metrics.insert("avg_response_days".into(), json!(round2(avg)));
        (10.0 - 2.0 * avg).clamp(0.0, 10.0)
    });
    // First-visit resolution.
    let resolved = completed.iter().filter(|w| first_visit_resolved(w, input.all_orders)).count();
    let rate = (!completed.is_empty()).then(|| resolved as f64 / completed.len() as f64 * 100.0);
    metrics.insert("completed_jobs".into(), json!(completed.len()));
    metrics.insert("resolved_first_visit".into(), json!(resolved));
    // Cost accuracy: 10 at or below the category average, −1 per 5 % above it on average.
    let deviations: Vec<f64> = input
        .invoices
        .iter()
        .filter_map(|(inv, cat)| input.benchmarks.get(cat).map(|avg| deviation_pct(inv.total_amount, *avg)))
        .collect();
    let cost = (!deviations.is_empty()).then(|| {
        let avg = deviations.iter().sum::<f64>() / deviations.len() as f64;
        metrics.insert("avg_deviation_pct".into(), json!(round1(avg)));
        (10.0 - avg.max(0.0) / 5.0).clamp(0.0, 10.0)
    });
    // SLA compliance: completed within the priority's days.
    let on_time = completed
        .iter()
        .filter(|w| w.completed_date.is_some_and(|d| (d - w.requested_date).num_days() <= sla_days(w.priority)))
        .count();
    let sla = (!completed.is_empty()).then(|| on_time as f64 / completed.len() as f64 * 10.0);
    metrics.insert("within_sla".into(), json!(on_time));
    // Tenant satisfaction: the mean rating (1–5) doubled.
    let ratings: Vec<i32> = completed.iter().filter_map(|w| w.tenant_rating).collect();
    let satisfaction = (!ratings.is_empty()).then(|| {
        let avg = ratings.iter().sum::<i32>() as f64 / ratings.len() as f64;
        metrics.insert("avg_rating".into(), json!(round2(avg)));
        metrics.insert("ratings".into(), json!(ratings.len()));
        avg * 2.0
    });
    // Documentation: completed jobs with an invoice on record.
    let documented = completed.iter().filter(|w| input.invoiced.contains(&w.id)).count();
    let documentation = (!completed.is_empty()).then(|| documented as f64 / completed.len() as f64 * 10.0);
    metrics.insert("documented_jobs".into(), json!(documented));

    let scores = [response, rate.map(|r| r / 10.0), cost, sla, satisfaction, documentation];
    let mut not_measured = Vec::new();
    for ((name, weight), score) in WEIGHTS.iter().zip(scores) {
        match score {
            Some(s) => measured.push((name, s * weight)),
            None => not_measured.push(*name),
        }
    }
    let weight: f64 = WEIGHTS.iter().zip(scores).filter(|(_, s)| s.is_some()).map(|((_, w), _)| w).sum();
    let overall = if weight > 0.0 { measured.iter().map(|(_, p)| p).sum::<f64>() / weight } else { 0.0 };
    metrics.insert("not_measured".into(), json!(not_measured));
    metrics
        .insert("weights".into(), json!(WEIGHTS.iter().map(|(n, w)| (n.to_string(), *w)).collect::<BTreeMap<_, _>>()));
    let total_invoiced: Decimal = input.invoices.iter().map(|(i, _)| i.total_amount).sum();
    Some(VendorScorecard {
        id: scorecard_id(input.vendor.id, period, start),
        vendor_id: input.vendor.id,
        period: period.into(),
        period_start: start,
        period_end: end,
        response_time_score: round2(response.unwrap_or(0.0)),
        first_visit_resolution_rate: round1(rate.unwrap_or(0.0)),
        first_visit_score: round2(rate.map_or(0.0, |r| r / 10.0)),
        cost_accuracy_score: round2(cost.unwrap_or(0.0)),
        sla_compliance_score: round2(sla.unwrap_or(0.0)),
        tenant_satisfaction_score: round2(satisfaction.unwrap_or(0.0)),
        documentation_score: round2(documentation.unwrap_or(0.0)),
        overall_score: round1(overall),
        total_jobs: jobs.len() as i32,
        total_invoiced_usd: total_invoiced,
        created_at: now,
        metrics: serde_json::Value::Object(metrics),
    })
}

/// The alert id for a pair of visits.
pub fn alert_id(first: Uuid, repeat: Uuid) -> Uuid {
    Uuid::new_v5(&first, format!("repeat_visit_alert:{repeat}").as_bytes())
}

/// Repeat visits among `orders`: a job requested within 30 days of the completion of an
/// earlier job on the same unit and category (the latest such earlier job).
pub fn detect_repeat_visits(orders: &[&WorkOrder], now: DateTime<Utc>) -> Vec<RepeatVisitAlert> {
    let mut by: HashMap<(Uuid, &str), Vec<&WorkOrder>> = HashMap::new();
    for w in orders.iter().filter(|w| w.status != WorkOrderStatus::Cancelled) {
        by.entry((w.unit_id, w.category.as_str())).or_default().push(w);
    }
    let mut out = Vec::new();
    for ((unit_id, category), mut jobs) in by {
        jobs.sort_by_key(|w| (w.requested_date, w.id));
        for (i, repeat) in jobs.iter().enumerate() {
            let first = jobs[..i]
                .iter()
                .filter(|w| {
                    w.completed_date.is_some_and(|d| {
                        d <= repeat.requested_date && (repeat.requested_date - d).num_days() <= REPEAT_WINDOW_DAYS
                    })
                })
                .max_by_key(|w| w.completed_date);
            let Some(first) = first else { continue };
            let done = first.completed_date.unwrap_or(first.requested_date);
            out.push(RepeatVisitAlert {
                id: alert_id(first.id, repeat.id),
                unit_id,
                work_category: category.to_string(),
                first_visit_date: done,
                first_visit_vendor_id: first.assigned_vendor_id,
                repeat_visit_date: repeat.requested_date,
                repeat_visit_vendor_id: repeat.assigned_vendor_id,
                days_between: (repeat.requested_date - done).num_days() as i32,
                resolution_status: "open".into(),
                created_at: now,
                first_work_order_id: Some(first.id),
                repeat_work_order_id: Some(repeat.id),
            });
        }
    }
    out.sort_by(|a, b| b.repeat_visit_date.cmp(&a.repeat_visit_date).then(a.id.cmp(&b.id)));
    out
}

/// A document of a vendor that expires soon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ExpiringDocument {
    pub vendor_id: Uuid,
    pub vendor_name: String,
    /// The contract it comes from; null for the vendor record's own insurance.
    pub contract_id: Option<Uuid>,
    /// `contract`, `insurance` or `license`.
    pub document: String,
    pub contract_type: String,
    pub title: String,
    pub expires_on: NaiveDate,
    /// Negative when already expired.
    pub days_left: i64,
    pub auto_renew: bool,
}

/// Contracts, insurance certificates and licences expiring within 30 days of `today` (and any
/// already expired the last 30 days), soonest first.
pub fn expiring_documents(vendors: &[Vendor], contracts: &[VendorContract], today: NaiveDate) -> Vec<ExpiringDocument> {
    let names: HashMap<Uuid, &str> = vendors.iter().map(|v| (v.id, v.name.as_str())).collect();
    let window = |d: NaiveDate| {
        let left = (d - today).num_days();
        (-EXPIRY_WINDOW_DAYS..=EXPIRY_WINDOW_DAYS).contains(&left).then_some(left)
    };
    let mut out = Vec::new();
    for c in contracts {
        let name = names.get(&c.vendor_id).copied().unwrap_or("").to_string();
        let mut add = |document: &str, d: NaiveDate, auto_renew: bool| {
            if let Some(days_left) = window(d) {
                out.push(ExpiringDocument {
                    vendor_id: c.vendor_id,
                    vendor_name: name.clone(),
                    contract_id: Some(c.id),
                    document: document.into(),
                    contract_type: c.contract_type.clone(),
                    title: c.title.clone(),
                    expires_on: d,
                    days_left,
                    auto_renew,
                });
            }
        };
        add("contract", c.end_date, c.auto_renew);
        if let Some(d) = c.insurance_expiry {
            add("insurance", d, false);
        }
        if let Some(d) = c.license_expiry {
            add("license", d, false);
        }
    }
    for v in vendors.iter().filter(|v| v.is_active) {
        if let Some(days_left) = v.insurance_expiry.and_then(window) {
            out.push(ExpiringDocument {
                vendor_id: v.id,
                vendor_name: v.name.clone(),
                contract_id: None,
                document: "insurance".into(),
                contract_type: "insurance_certificate".into(),
                title: format!("{} insurance on file", v.name),
                expires_on: today + Duration::days(days_left),
                days_left,
                auto_renew: false,
            });
        }
    }
    out.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.vendor_name.cmp(&b.vendor_name)));
    out
}

/// Each vendor's latest scorecard, best overall first (ties by vendor id): the scorecards table of
/// the terminal and the desktop.
pub fn latest_scorecards(cards: Vec<VendorScorecard>) -> Vec<VendorScorecard> {
    let mut latest: HashMap<Uuid, VendorScorecard> = HashMap::new();
    for c in cards {
        match latest.get(&c.vendor_id) {
            Some(e) if e.period_start >= c.period_start => {}
            _ => {
                latest.insert(c.vendor_id, c);
            }
        }
    }
    let mut out: Vec<VendorScorecard> = latest.into_values().collect();
    out.sort_by(|a, b| b.overall_score.total_cmp(&a.overall_score).then(a.vendor_id.cmp(&b.vendor_id)));
    out
}
