//! `unitcycle maintenance …` and `unitcycle vendors …` end to end: the real binary on a demo
//! replica whose maintenance jobs the test runs itself (offline AI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-25";

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unitcycle"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UNITCYCLE_DB")
        .env("UNITCYCLE_AI", "offline")
        .output()
        .expect("run unitcycle")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = cli(db, args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(db, args)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// A failure is one line on stderr naming the problem.
fn fails(db: &Path, args: &[&str], contains: &str) {
    let o = cli(db, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} succeeded");
    assert!(err.contains(contains), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("replica.db");
    ok(&db, &["demo", "--units", "300", "--today", TODAY]);
    db
}

#[test]
fn risk_scores_heatmap_and_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let ran = ok(&db, &["maintenance", "score", "--today", TODAY]);
    assert!(ran.starts_with("risk-scoring (2026-11-25): Scored 300 units: "), "{ran}");
    assert!(ok(&db, &["jobs", "runs"]).contains("risk-scoring"));

    // Highest first; each score is its five factors' points (capped at 100).
    let risk = json(&db, &["maintenance", "risk", "--json"]);
    assert_eq!(risk["count"], 300);
    let results = risk["results"].as_array().unwrap();
    let scores: Vec<f64> = results.iter().map(|r| r["risk_score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for r in results {
        let sum: f64 =
            ["wo_frequency_score", "wo_cost_score", "equipment_age_score", "repeat_issue_score", "seasonal_score"]
                .iter()
                .map(|k| r[k].as_f64().unwrap())
                .sum();
        assert!((sum.min(100.0) - r["risk_score"].as_f64().unwrap()).abs() < 0.11, "{r}");
    }
    let table = ok(&db, &["maintenance", "risk", "--limit", "5"]);
    for col in ["Unit", "Score", "Level", "Freq", "Cost", "Equip", "Repeat", "Season", "Next date", "30-day", "90-day"]
    {
        assert!(table.contains(col), "{col}: {table}");
    }
    assert!(table.contains("5 of 300 units scored"), "{table}");
    let level = results[0]["risk_level"].as_str().unwrap().to_string();
    let only = json(&db, &["maintenance", "risk", "--level", &level, "--json"]);
    assert!(only["results"].as_array().unwrap().iter().all(|r| r["risk_level"] == level.as_str()));
    fails(&db, &["maintenance", "risk", "--level", "extreme"], "'extreme' is not a risk level");

    let map = ok(&db, &["maintenance", "heatmap"]);
    assert!(map.starts_with("Levels: L low (to 25) · M medium (to 50) · H high (to 75) · C critical"), "{map}");
    assert!(
        map.contains(" · 300 units · average risk ") || map.matches(" units · average risk ").count() >= 2,
        "{map}"
    );
    assert!(map.contains("    Floor "), "{map}");
    let hm = json(&db, &["maintenance", "heatmap", "--json"]);
    let counted: u64 = hm
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["by_level"].as_object().unwrap().values())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, 300);

    // Approve one suggestion by the first characters of its id: a work order is created.
    let pending = json(&db, &["maintenance", "suggestions", "--json"]);
    let pending = pending.as_array().unwrap();
    assert!(!pending.is_empty(), "the demo's riskiest units get preventive suggestions");
    let id = pending[0]["id"].as_str().unwrap().replace('-', "");
    let approved = ok(&db, &["maintenance", "approve", &id[..8]]);
    assert!(approved.starts_with("Approved: work order "), "{approved}");
    let after = json(&db, &["maintenance", "suggestions", "--all", "--json"]);
    let s = after.as_array().unwrap().iter().find(|s| s["id"] == pending[0]["id"]).unwrap();
    assert_eq!(s["status"], "work_order_created");
    let wo = s["work_order_id"].as_str().unwrap();
    let orders = json(&db, &["maintenance", "work-orders", "--open", "--json"]);
    assert!(orders["results"].as_array().unwrap().iter().any(|w| w["id"] == wo));
    fails(&db, &["maintenance", "approve", &id[..8]], "already work order created");
    if let Some(next) = pending.get(1) {
        let id = next["id"].as_str().unwrap();
        assert!(ok(&db, &["maintenance", "dismiss", id]).starts_with("Dismissed: "));
    }
    fails(&db, &["maintenance", "approve", "ffffffff"], "no suggestion");
}

#[test]
fn a_work_order_from_request_to_dispatch_and_completion() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    for job in ["vendor-scorecards", "price-benchmarks", "repeat-visits"] {
        ok(&db, &["jobs", "run", job, "--today", TODAY]);
    }
    let unit = &json(&db, &["maintenance", "work-orders", "--json"])["results"][0];
    let unit_id = unit["unit_id"].as_str().unwrap().to_string();
    let made = ok(
        &db,
        &[
            "maintenance",
            "create",
            "--unit",
            &unit_id,
            "--title",
            "Leaking kitchen faucet",
            "--category",
            "plumbing",
            "--priority",
            "high",
            "--date",
            TODAY,
        ],
    );
    assert!(
        made.starts_with("Created work order ") && made.contains("(plumbing, high priority, requested Nov 25, 2026)"),
        "{made}"
    );
    let wo: String = made["Created work order ".len()..].chars().take(8).collect();
    fails(
        &db,
        &["maintenance", "create", "--unit", &unit_id, "--title", "x", "--category", "magic", "--date", TODAY],
        "Category 'magic' is not one of",
    );

    // The dispatch view: warranty check, the top 3 with their reasoning, the repeat warning.
    let view = ok(&db, &["vendors", "dispatch", &wo]);
    for part in [
        "Warranty: ",
        "Repeat visit: ",
        "Recommended vendors (offline):",
        "  1. ",
        "Specialty",
        "Performance",
        "Workload",
    ] {
        assert!(view.contains(part), "{part}: {view}");
    }
    let d = json(&db, &["vendors", "dispatch", &wo, "--json"]);
    let recs = d["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty() && recs.len() <= 3, "{d}");
    let vendor = recs[0]["vendor_name"].as_str().unwrap().to_string();

    // Accept says what changes and changes nothing without --yes.
    let preview = ok(&db, &["vendors", "accept", &wo, "--vendor", &vendor]);
    assert!(
        preview.contains(&format!("to {vendor}:")) && preview.contains("moves from Open to In Progress"),
        "{preview}"
    );
    assert!(preview.contains("Nothing changed: run again with --yes to apply."), "{preview}");
    let open = json(&db, &["maintenance", "work-orders", "--open", "--json"]);
    let w = open["results"].as_array().unwrap().iter().find(|w| w["id"] == d["work_order_id"]).unwrap().clone();
    assert!(w["assigned_vendor_id"].is_null() && w["status"] == "open", "{w}");
    let done = ok(&db, &["vendors", "accept", &wo, "--vendor", &vendor, "--yes"]);
    assert!(done.contains(&format!("Done: work order {wo} dispatched to {vendor}.")), "{done}");
    let after = json(&db, &["vendors", "dispatch", &wo, "--json"]);
    assert_eq!(after["recommendations"][0]["status"], "accepted");
    assert_eq!(after["assigned_vendor_id"], recs[0]["vendor_id"]);

    ok(&db, &["maintenance", "schedule", &wo, "--date", "2026-11-26"]);
    let completed =
        ok(&db, &["maintenance", "complete", &wo, "--date", "2026-11-27", "--cost", "180", "--rating", "4"]);
    assert!(completed.contains("on Nov 27, 2026 at $180.00, rated 4/5"), "{completed}");
    fails(&db, &["maintenance", "cancel", &wo], "it takes no further steps");
    fails(&db, &["maintenance", "start", "zzzz"], "no work order");

    // Scorecards, a vendor's breakdown, benchmarks, stats.
    let cards = ok(&db, &["vendors", "scorecards", "--calculate", "--today", TODAY]);
    assert!(
        cards.starts_with("Calculated ") && cards.contains("Overall") && cards.contains("vendors scored"),
        "{cards}"
    );
    let list = json(&db, &["vendors", "scorecards", "--json"]);
    let overall: Vec<f64> = list.as_array().unwrap().iter().map(|c| c["overall_score"].as_f64().unwrap()).collect();
    assert!(overall.windows(2).all(|w| w[0] >= w[1]), "best first: {overall:?}");
    let show = ok(&db, &["vendors", "show", &vendor]);
    assert!(show.starts_with(&vendor) && show.contains("Overall ") && show.contains("response time"), "{show}");
    assert!(ok(&db, &["vendors", "benchmarks"]).contains("plumbing"));
    let stats = ok(&db, &["vendors", "stats", "--today", TODAY]);
    assert!(stats.contains("Average score") && stats.contains("Open repeat-visit alerts"), "{stats}");
    ok(&db, &["vendors", "alerts", "--all"]);
    let price = ok(&db, &["vendors", "analyze-price", "INV-0000001"]);
    assert!(price.starts_with("Invoice INV-0000001") && price.contains("Recommendation ("), "{price}");

    // A contract with insurance ending within 30 days is listed as expiring.
    let added = ok(
        &db,
        &[
            "vendors",
            "contract",
            "add",
            "--vendor",
            &vendor,
            "--type",
            "insurance_certificate",
            "--title",
            "Certificate of insurance 2026",
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-10",
            "--insurance-expiry",
            "2026-12-10",
        ],
    );
    assert!(added.starts_with("Added contract "), "{added}");
    let expiring = ok(&db, &["vendors", "expiring", "--today", TODAY]);
    assert!(expiring.contains("Certificate of insurance 2026") && expiring.contains("in 15 days"), "{expiring}");
    let warranty = ok(
        &db,
        &[
            "vendors",
            "warranty",
            "add",
            "--unit",
            &unit_id,
            "--item",
            "water heater",
            "--brand",
            "Rheem",
            "--installed",
            "2025-01-10",
            "--ends",
            "2031-01-10",
            "--provider",
            "Rheem Manufacturing",
        ],
    );
    assert!(warranty.contains("Rheem Water Heater on unit "), "{warranty}");
    assert!(ok(&db, &["vendors", "warranty", "list"]).contains("Rheem Manufacturing"));
    fails(&db, &["vendors", "show", "No Such Vendor Co"], "no vendor");
}
