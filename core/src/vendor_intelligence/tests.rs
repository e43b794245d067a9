//! Spec 5.4 by example: the six weights, each metric with hand-worked figures, warranty-first
//! dispatch, repeat visits, benchmarks and expiry.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::dispatch::{self, candidates, offline_answer, rank, DispatchInput};
use super::*;
use crate::ai::prompts::Task;
use crate::model::{Invoice, InvoiceStatus, Vendor, WorkOrder, WorkOrderPriority, WorkOrderStatus};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 4, 0, 0).unwrap()
}

fn vendor(name: &str, trade: &str) -> Vendor {
    Vendor {
        id: Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes()),
        name: name.into(),
        trade: trade.into(),
        contact_name: String::new(),
        email: String::new(),
        phone: String::new(),
        license_number: String::new(),
        insurance_expiry: None,
        hourly_rate: dec!(80),
        is_active: true,
        created_at: now(),
    }
}

fn job(v: &Vendor, unit: Uuid, category: &str, requested: NaiveDate, done_after: Option<i64>) -> WorkOrder {
    WorkOrder {
        id: Uuid::new_v4(),
        unit_id: unit,
        property_id: Uuid::nil(),
        tenant_id: None,
        title: format!("{category} job"),
        description: String::new(),
        category: category.into(),
        priority: WorkOrderPriority::Medium,
        status: if done_after.is_some() { WorkOrderStatus::Completed } else { WorkOrderStatus::Open },
        requested_date: requested,
        completed_date: done_after.map(|d| requested + Duration::days(d)),
        cost: dec!(100),
        assigned_vendor_id: Some(v.id),
        created_at: now(),
        scheduled_date: Some(requested + Duration::days(1)),
        tenant_rating: None,
    }
}

fn invoice(v: &Vendor, w: &WorkOrder, total: Decimal) -> Invoice {
    Invoice {
        id: Uuid::new_v4(),
        vendor_id: Some(v.id),
        property_id: None,
        unit_id: Some(w.unit_id),
        work_order_id: Some(w.id),
        invoice_number: "INV".into(),
        invoice_date: w.completed_date.unwrap_or(w.requested_date),
        due_date: None,
        subtotal: total,
        tax: Decimal::ZERO,
        total_amount: total,
        status: InvoiceStatus::Approved,
        confidence_score: None,
        created_at: now(),
        line_items: Vec::new(),
    }
}

#[test]
fn the_six_weights_are_the_specs_and_sum_to_one() {
    let w: HashMap<&str, f64> = WEIGHTS.iter().copied().collect();
    assert_eq!(w["response_time"], 0.15);
    assert_eq!(w["first_visit"], 0.25);
    assert_eq!(w["cost_accuracy"], 0.20);
    assert_eq!(w["sla_compliance"], 0.15);
    assert_eq!(w["tenant_satisfaction"], 0.15);
    assert_eq!(w["documentation"], 0.10);
    assert!((WEIGHTS.iter().map(|(_, w)| w).sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn a_scorecard_by_hand() {
    let v = vendor("ProFlow Plumbing", "plumbing");
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let start = day(2026, 6, 1);
    // Four jobs, booked a day after the request (response 10 − 2×1 = 8).
    let mut j1 = job(&v, a, "plumbing", day(2026, 6, 2), Some(2)); // done in 2 days (SLA 7) ✓
    j1.tenant_rating = Some(5);
    let mut j2 = job(&v, b, "plumbing", day(2026, 6, 5), Some(10)); // 10 days: late
    j2.tenant_rating = Some(3);
    let j3 = job(&v, a, "plumbing", day(2026, 6, 10), Some(1)); // a repeat of j1 (4 days after it was done)
    let j4 = job(&v, Uuid::new_v4(), "plumbing", day(2026, 6, 20), None); // open, another unit
    let all = [&j1, &j2, &j3, &j4];
    // Invoices: j1 at the average, j2 20 % above it → mean deviation 10 % → 10 − 10/5 = 8.
    let i1 = invoice(&v, &j1, dec!(100));
    let i2 = invoice(&v, &j2, dec!(120));
    let benchmarks: HashMap<String, Decimal> = [("plumbing".to_string(), dec!(100))].into();
    let invoiced: BTreeSet<Uuid> = [j1.id, j2.id].into();
    let input = ScorecardInput {
        vendor: &v,
        jobs: all.to_vec(),
        all_orders: &all,
        invoices: vec![(&i1, "plumbing".into()), (&i2, "plumbing".into())],
        invoiced: &invoiced,
        benchmarks: &benchmarks,
    };
    let c = compute_scorecard(&input, "monthly", start, day(2026, 6, 30), now()).unwrap();
    assert_eq!(c.response_time_score, 8.0);
    // Completed 3; j1 was followed by j3 within 30 days → 2 of 3 first-visit: 66.7 %.
    assert_eq!(c.first_visit_resolution_rate, 66.7);
    assert_eq!(c.first_visit_score, 6.67);
    assert_eq!(c.cost_accuracy_score, 8.0);
    // 2 of 3 within SLA → 6.67.
    assert_eq!(c.sla_compliance_score, 6.67);
    // Ratings 5 and 3 → 4 × 2 = 8.
    assert_eq!(c.tenant_satisfaction_score, 8.0);
    // 2 of 3 completed jobs invoiced → 6.67.
    assert_eq!(c.documentation_score, 6.67);
    // 8×.15 + 6.667×.25 + 8×.20 + 6.667×.15 + 8×.15 + 6.667×.10 = 7.333 → 7.3
    assert_eq!(c.overall_score, 7.3);
    assert_eq!(c.total_jobs, 4);
    assert_eq!(c.total_invoiced_usd, dec!(220));
    assert_eq!(c.metrics["not_measured"], serde_json::json!([]));
}

#[test]
fn unmeasured_metrics_are_left_out_and_the_weights_rescaled() {
    let v = vendor("Quiet Co", "general");
    let mut j = job(&v, Uuid::new_v4(), "general", day(2026, 6, 2), Some(1));
    j.scheduled_date = Some(day(2026, 6, 2)); // same day: 10
    let all = [&j];
    let none: BTreeSet<Uuid> = BTreeSet::new();
    let bench = HashMap::new();
    let input = ScorecardInput {
        vendor: &v,
        jobs: vec![&j],
        all_orders: &all,
        invoices: vec![],
        invoiced: &none,
        benchmarks: &bench,
    };
    let c = compute_scorecard(&input, "monthly", day(2026, 6, 1), day(2026, 6, 30), now()).unwrap();
    // Measured: response 10, first visit 10, SLA 10, documentation 0 → (1.5+2.5+1.5+0)/(.15+.25+.15+.10) = 8.46
    assert_eq!(c.overall_score, 8.5);
    assert_eq!(c.metrics["not_measured"], serde_json::json!(["cost_accuracy", "tenant_satisfaction"]));
    // No activity: no scorecard.
    let idle = ScorecardInput {
        vendor: &v,
        jobs: vec![],
        all_orders: &[],
        invoices: vec![],
        invoiced: &none,
        benchmarks: &bench,
    };
    assert!(compute_scorecard(&idle, "monthly", day(2026, 6, 1), day(2026, 6, 30), now()).is_none());
}

#[test]
fn a_repeat_visit_is_the_same_unit_and_category_within_30_days_of_completion() {
    let v = vendor("Quick Plumb", "plumbing");
    let unit = Uuid::new_v4();
    let first = job(&v, unit, "plumbing", day(2026, 3, 1), Some(4)); // done 03-05
    let repeat = job(&v, unit, "plumbing", day(2026, 3, 28), None); // 23 days later
    let other_category = job(&v, unit, "electrical", day(2026, 3, 10), None);
    let too_late = job(&v, unit, "plumbing", day(2026, 5, 30), None);
    let alerts = detect_repeat_visits(&[&first, &repeat, &other_category, &too_late], now());
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    assert_eq!((a.first_visit_date, a.repeat_visit_date, a.days_between), (day(2026, 3, 5), day(2026, 3, 28), 23));
    assert_eq!(a.id, alert_id(first.id, repeat.id));
    assert_eq!(a.resolution_status, "open");
}

#[test]
fn benchmarks_are_average_median_min_max_of_approved_invoices_per_category() {
    let v = vendor("A", "plumbing");
    let w = vendor("B", "plumbing");
    let j = job(&v, Uuid::new_v4(), "plumbing", day(2026, 1, 1), Some(1));
    let orders: HashMap<Uuid, &WorkOrder> = [(j.id, &j)].into();
    let mut rejected = invoice(&v, &j, dec!(9999));
    rejected.status = InvoiceStatus::Rejected;
    let inv = [invoice(&v, &j, dec!(180)), invoice(&w, &j, dec!(310)), invoice(&v, &j, dec!(510)), rejected];
    let b = price_benchmarks(&inv, &orders, now());
    assert_eq!(b.len(), 1);
    let b = &b[0];
    assert_eq!(b.work_category, "plumbing");
    assert_eq!(
        (b.average_cost_usd, b.median_cost_usd, b.min_cost_usd, b.max_cost_usd),
        (dec!(333.33), dec!(310), dec!(180), dec!(510))
    );
    assert_eq!((b.sample_count, b.vendor_count), (3, 2));
}

#[test]
fn deviation_labels() {
    assert_eq!(deviation_pct(dec!(450), dec!(333)), 35.1);
    for (pct, label) in [
        (-10.1, "below_average"),
        (-10.0, "within_range"),
        (10.0, "within_range"),
        (10.1, "slightly_above"),
        (25.0, "slightly_above"),
        (25.1, "significantly_above"),
    ] {
        assert_eq!(deviation_label(pct), label, "{pct}");
    }
}

fn warranty(unit: Uuid, item: &str, end: NaiveDate, holder: Option<Uuid>) -> WarrantyRecord {
    WarrantyRecord {
        id: Uuid::new_v4(),
        unit_id: unit,
        item_type: item.into(),
        brand: "Whirlpool".into(),
        model_number: String::new(),
        installed_date: day(2025, 1, 15),
        warranty_end_date: end,
        warranty_vendor_id: holder,
        warranty_provider: "Whirlpool".into(),
        coverage_type: "full".into(),
        status: "active".into(),
        claim_history: vec![],
        contact: "1-800-253-1301".into(),
    }
}

#[test]
fn a_covered_item_is_always_dispatched_to_the_warranty_holder() {
    let unit = Uuid::new_v4();
    let best = vendor("ApplianceCare Pros", "appliance");
    let holder = vendor("Whirlpool Service", "warranty");
    let vendors = vec![best.clone(), holder.clone()];
    let cards = vec![VendorScorecard {
        id: Uuid::new_v4(),
        vendor_id: best.id,
        period: "monthly".into(),
        period_start: day(2026, 6, 1),
        period_end: day(2026, 6, 30),
        response_time_score: 10.0,
        first_visit_resolution_rate: 100.0,
        first_visit_score: 10.0,
        cost_accuracy_score: 10.0,
        sla_compliance_score: 10.0,
        tenant_satisfaction_score: 10.0,
        documentation_score: 10.0,
        overall_score: 9.9,
        total_jobs: 10,
        total_invoiced_usd: dec!(1000),
        created_at: now(),
        metrics: serde_json::json!({}),
    }];
    let today = day(2026, 7, 1);
    let w = [warranty(unit, "Dishwasher", day(2027, 1, 15), Some(holder.id))];
    let items = dispatch::warranty_items("appliance", "Dishwasher not draining");
    assert_eq!(items, vec!["Dishwasher"]);
    let found = dispatch::find_warranty(&w, unit, &items, today);
    let names: HashMap<Uuid, &Vendor> = vendors.iter().map(|v| (v.id, v)).collect();
    let check = dispatch::warranty_check(found, &names, "Dishwasher", "B-112");
    assert!(check.has_warranty && check.warranty_vendor_id == Some(holder.id));
    let c = candidates("appliance", &vendors, &[], &[], &cards, &HashMap::new(), check.warranty_vendor_id);
    let input = DispatchInput {
        category: "appliance".into(),
        description: "Dishwasher not draining".into(),
        unit_number: "B-112".into(),
        property_name: "Maple".into(),
        priority: "medium".into(),
        tenant_notes: String::new(),
        candidates: c.clone(),
        warranty: check,
        benchmark: None,
    };
    let answer = offline_answer(&input);
    assert_eq!(answer.recommendations[0].vendor_id, holder.id, "the holder first, above a 9.9 vendor");
    assert!(answer.warranty_applies);
    // A model that puts anyone else first is refused (and the offline ranking answers).
    let mut wrong = answer.clone();
    wrong.recommendations.swap(0, 1);
    assert!(dispatch::DispatchReasoning::check(&input, &wrong).is_err());
    // An expired warranty does not apply.
    assert!(dispatch::find_warranty(&w, unit, &items, day(2027, 1, 16)).is_none());
    // Without a warranty, the best score is first.
    assert_eq!(rank(candidates("appliance", &vendors, &[], &[], &cards, &HashMap::new(), None))[0].vendor_id, best.id);
}

#[test]
fn dispatch_reasoning_states_the_figures() {
    let v = vendor("ProFlow Plumbing LLC", "plumbing");
    let c = dispatch::Candidate {
        vendor_id: v.id,
        name: v.name.clone(),
        trade: "plumbing".into(),
        overall_score: Some(8.7),
        first_visit_rate: Some(92.0),
        jobs: 20,
        jobs_in_category: 19,
        open_jobs: 1,
        avg_cost: Some(dec!(285)),
        warranty_holder: false,
    };
    let none = dispatch::warranty_check(None, &HashMap::new(), "plumbing fixtures", "B-112");
    assert_eq!(none.message, "No active warranty found for plumbing fixtures in Unit B-112.");
    let r = dispatch::reasoning(&c, "plumbing", Some(dec!(310)), &none);
    assert_eq!(r["specialty_match"], "Primary specialty: plumbing (95% of jobs)");
    assert_eq!(r["performance"], "8.7/10 overall, 92% first-visit resolution");
    assert_eq!(r["workload"], "1 open job (low)");
    assert_eq!(r["cost_history"], "Avg $285.00 for plumbing (below benchmark $310.00)");
    assert_eq!(dispatch::cost_range(Some(dec!(285)), None), "$250-320");
}

#[test]
fn documents_expiring_within_30_days() {
    let v = vendor("Volt Masters", "electrical");
    let today = day(2026, 7, 1);
    let c = VendorContract {
        id: Uuid::new_v4(),
        vendor_id: v.id,
        contract_type: "service_agreement".into(),
        title: "Annual electrical".into(),
        start_date: day(2025, 7, 20),
        end_date: day(2026, 7, 20),
        insurance_expiry: Some(day(2026, 12, 1)),
        license_expiry: Some(day(2026, 7, 31)),
        auto_renew: false,
        created_at: now(),
    };
    let docs = expiring_documents(&[v], &[c], today);
    let got: Vec<(&str, i64)> = docs.iter().map(|d| (d.document.as_str(), d.days_left)).collect();
    assert_eq!(got, vec![("contract", 19), ("license", 30)]);
}

fn price_input() -> super::price_analysis::PriceInput {
    use super::price_analysis::{PriceAnswer, PriceInput};
    PriceInput {
        vendor_name: "Metro Pipe & Drain".into(),
        category: "plumbing".into(),
        invoice_total: dec!(450),
        line_items: serde_json::json!([{"description": "Snake main line", "amount": 450}]),
        avg: dec!(300),
        median: dec!(280),
        min: dec!(150),
        max: dec!(520),
        count: 12,
        vendor_count: 4,
        vendor_avg: Some(dec!(410)),
        vendor_recent: vec![dec!(420), dec!(400)],
        offline: PriceAnswer {
            deviation_pct: deviation_pct(dec!(450), dec!(300)),
            deviation_label: "significantly_above".into(),
            explanation: "This $450.00 plumbing invoice is 50% above your portfolio average of $300.00.".into(),
            vendor_pattern: "consistent".into(),
            recommendation: "flag".into(),
            severity: "warning".into(),
        },
    }
}

#[test]
fn the_price_prompt_is_the_specs_filled_with_the_invoice_and_benchmark() {
    use super::price_analysis::PriceAnalysisTask;
    let p = PriceAnalysisTask::prompt(&price_input());
    assert!(p.starts_with("Analyze this vendor invoice against portfolio benchmarks.\nInvoice:\n- Vendor: Metro Pipe & Drain\n- Work category: plumbing\n- Total: $450.00\n"));
    assert!(p.contains("Benchmarks for \"plumbing\":\n- Average: $300.00\n- Median: $280.00\n- Min: $150.00\n- Max: $520.00\n- Sample size: 12 invoices from 4 vendors"));
    assert!(p.contains("- Average charge for this category: $410.00\n- Last 6 invoices: $420.00, $400.00"));
    assert!(p.ends_with("\"severity\": \"info|warning|critical\"\n}"));
}

#[test]
fn a_model_may_word_the_price_analysis_but_not_change_a_figure() {
    use super::price_analysis::PriceAnalysisTask;
    let i = price_input();
    assert_eq!(i.offline.deviation_pct, 50.0);
    let good = super::price_analysis::PriceAnswer {
        explanation:
            "At $450.00 against a $300.00 average this is high, though Metro's last jobs were $420.00 and $400.00."
                .into(),
        recommendation: "request_itemization".into(),
        ..i.offline.clone()
    };
    assert_eq!(PriceAnalysisTask::check(&i, &good), Ok(()));
    let invented =
        super::price_analysis::PriceAnswer { explanation: "A fair price would be $350.00.".into(), ..good.clone() };
    assert!(PriceAnalysisTask::check(&i, &invented).unwrap_err().contains("$350.00"));
    let moved = super::price_analysis::PriceAnswer { deviation_pct: 20.0, ..good.clone() };
    assert!(PriceAnalysisTask::check(&i, &moved).unwrap_err().contains("50.0"));
    let off_list = super::price_analysis::PriceAnswer { recommendation: "pay".into(), ..good };
    assert!(PriceAnalysisTask::check(&i, &off_list).unwrap_err().starts_with("recommendation must be one of"));
    assert_eq!(PriceAnalysisTask::offline(&i), Some(i.offline.clone()));
}

#[test]
fn offline_price_recommendations_follow_the_deviation() {
    use super::price_analysis::{offline_recommendation, recommendation_sentence};
    assert_eq!(offline_recommendation(60.0, "significantly_above"), ("request_itemization", "critical"));
    assert_eq!(offline_recommendation(30.0, "significantly_above"), ("flag", "warning"));
    assert_eq!(offline_recommendation(12.0, "slightly_above"), ("flag", "info"));
    assert_eq!(offline_recommendation(-20.0, "below_average"), ("approve", "info"));
    assert_eq!(
        recommendation_sentence("flag", "significantly_above"),
        "Flag for review. Consider requesting itemized breakdown or negotiating rate."
    );
}

#[test]
fn the_manager_is_emailed_once_a_day_and_only_with_something_to_say() {
    use super::workflow::manager_notice;
    use crate::jobs::Job;
    let lines = vec!["TrueFix contract (HVAC service) on 2026-07-20 — 19 days left".to_string()];
    let m = manager_notice(
        Some("pm@example.com"),
        Job::ContractExpiry,
        day(2026, 7, 1),
        "1 expiring".into(),
        &lines,
        now(),
    )
    .unwrap();
    assert_eq!(m.idempotency_key, "contract-expiry:2026-07-01");
    assert_eq!(m.recipient, "pm@example.com");
    assert_eq!(m.subject, "UnitCycle: 1 expiring");
    assert!(m.body.contains("- TrueFix contract (HVAC service) on 2026-07-20 — 19 days left"), "{}", m.body);
    assert_eq!(manager_notice(None, Job::ContractExpiry, day(2026, 7, 1), "x".into(), &lines, now()), None);
    assert_eq!(
        manager_notice(Some("pm@example.com"), Job::RepeatVisits, day(2026, 7, 1), "x".into(), &[], now()),
        None
    );
    use crate::delivery::manager_from;
    assert_eq!(manager_from(Some(" pm@example.com ".into())).as_deref(), Some("pm@example.com"));
    for bad in ["", "pm", "pm@", "@example.com", "pm@localhost", "p m@example.com"] {
        assert_eq!(manager_from(Some(bad.into())), None, "{bad}");
    }
}
