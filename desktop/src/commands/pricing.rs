//! Revenue intelligence from the desktop (spec 2.2): the portfolio's rents against the market
//! from the latest pricing snapshots (the totals, a gap per property, the units below market
//! sorted by gap with every factor of their figures), a unit's 90-day price history with the
//! comps its figure used, running the pricing engine (the core's job, refused on a connected
//! replica as the TUI refuses it: the server prices those units) and a property's one-page
//! revenue-opportunity PDF (`pricing::report`), saved in the replica's reports folder.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::ops::{id, write_document};
use super::portfolio::QUEUE_ROWS;
use super::ReportResult;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::format::date;
use unitcycle_core::jobs::{Job, JobReport};
use unitcycle_core::model::Unit;
use unitcycle_core::pricing::port::PricingPort;
use unitcycle_core::pricing::report::{self, worst_first};
use unitcycle_core::pricing::{workflow, CompUsed, PricingSnapshot, RevenueOpportunity};
use unitcycle_core::store::Store;

/// Why a connected replica does not run the pricing engine itself (the TUI's words).
pub const PRICED_BY_SERVER: &str = "This replica syncs with a server, which runs the pricing engine: run it there \
     (POST /api/v1/pricing/run-engine/), then sync.";

/// Days of price history a unit's chart covers (as `pricing::workflow::history` reads it).
pub const HISTORY_DAYS: i64 = 90;

/// The revenue opportunity's totals, money as decimal strings like every figure of the app.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PricingTotals {
    pub total_units_analyzed: u32,
    pub units_below_market: u32,
    pub units_at_market: u32,
    pub units_above_market: u32,
    pub total_monthly_gap: Decimal,
    pub annual_revenue_opportunity: Decimal,
    pub avg_gap_pct: f64,
}

impl From<&RevenueOpportunity> for PricingTotals {
    fn from(o: &RevenueOpportunity) -> Self {
        PricingTotals {
            total_units_analyzed: o.total_units_analyzed,
            units_below_market: o.units_below_market,
            units_at_market: o.units_at_market,
            units_above_market: o.units_above_market,
            total_monthly_gap: o.total_monthly_gap,
            annual_revenue_opportunity: o.annual_revenue_opportunity,
            avg_gap_pct: o.avg_gap_pct,
        }
    }
}

/// One property's line: its gap and how many of its units are priced and below market.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PropertyGap {
    pub property_id: Uuid,
    pub property_name: String,
    /// Units with a snapshot, vacant ones included.
    pub units_priced: u32,
    pub units_below: u32,
    pub monthly_gap: Decimal,
    pub avg_gap_pct: f64,
}

/// A unit's latest snapshot — the figure and every factor it is made of — and its names.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PricedUnit {
    pub snapshot: PricingSnapshot,
    pub unit_number: String,
    pub property_name: String,
    pub strategy_label: &'static str,
    pub basis_label: &'static str,
}

/// Whether the pricing engine can run here, and what running it does (said before it is done).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct EngineState {
    /// None: it can run; else why not (a connected replica).
    pub refusal: Option<String>,
    pub confirm: String,
}

/// Everything the dashboard draws, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PricingDashboard {
    /// Units with a snapshot (none: the engine has not run on this replica).
    pub priced: u32,
    /// The day of the newest snapshot.
    pub as_of: Option<NaiveDate>,
    pub totals: PricingTotals,
    /// Every property with an occupied unit priced, the largest monthly gap first.
    pub properties: Vec<PropertyGap>,
    /// The units below market (of `property_id` when given), the largest shortfall first; at
    /// most `QUEUE_ROWS` of them (`below_total` counts them all).
    pub below: Vec<PricedUnit>,
    pub below_total: u32,
    /// The property the units below market are narrowed to.
    pub property_id: Option<Uuid>,
    pub engine: EngineState,
}

/// A unit's price history: its snapshots of the last 90 days and the comps of the latest.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PricingHistory {
    pub unit: Unit,
    pub property_name: String,
    /// The property's date: the chart's last day.
    pub today: NaiveDate,
    pub days: i64,
    /// Oldest first; a snapshot is written only when the unit's figures change.
    pub history: Vec<PricingSnapshot>,
    /// The latest snapshot with its labels (None: not priced in the 90 days).
    pub latest: Option<PricedUnit>,
    /// The comps the latest figure used, the most similar first (a snapshot keeps the closest
    /// `pricing::STORED_COMPS`; its `comp_count` says how many the figure averaged).
    pub comps: Vec<CompUsed>,
}

/// What running the engine now does, in the TUI's words.
pub fn run_confirm(today: NaiveDate) -> String {
    format!(
        "Run the pricing engine now for {}? It prices every unit from its comps (seasonal factor, vacancy \
         discount), writes a snapshot for each unit whose figures changed, and sets units' market rents from \
         their comps. It is the daily 04:00 job, recorded with the job runs.",
        date(today)
    )
}

fn priced(snapshot: PricingSnapshot, unit_number: String, property_name: String) -> PricedUnit {
    PricedUnit {
        strategy_label: snapshot.pricing_strategy.label(),
        basis_label: snapshot.basis.label(),
        snapshot,
        unit_number,
        property_name,
    }
}

fn engine_state(store: &Store, today: NaiveDate) -> CmdResult<EngineState> {
    let connected = unitcycle_core::sync_actions::connected(store)?;
    Ok(EngineState { refusal: connected.then(|| PRICED_BY_SERVER.to_string()), confirm: run_confirm(today) })
}

/// The dashboard from one read of the latest snapshots: the figures as
/// `pricing::workflow::opportunity` makes them, and the units below market by name.
pub fn pricing_dashboard(s: &AppState, property_id: Option<String>) -> CmdResult<PricingDashboard> {
    let only = property_id.as_deref().filter(|p| !p.trim().is_empty()).map(id).transpose()?;
    let store = s.store()?;
    let snapshots = store.latest_snapshots()?;
    let names: HashMap<Uuid, String> = store.properties()?.into_iter().map(|p| (p.id, p.name)).collect();
    if let Some(p) = only.filter(|p| !names.contains_key(p)) {
        return Err(CommandError::new("not_found", format!("Property not found: {p}")));
    }
    let opportunity = unitcycle_core::pricing::revenue_opportunity(&snapshots, &names);
    let mut counts: HashMap<Uuid, u32> = HashMap::new();
    for s in &snapshots {
        *counts.entry(s.property_id).or_default() += 1;
    }
    let properties = opportunity
        .by_property
        .iter()
        .map(|p| PropertyGap {
            property_id: p.property_id,
            property_name: p.property_name.clone(),
            units_priced: counts.get(&p.property_id).copied().unwrap_or(0),
            units_below: p.units_below,
            monthly_gap: p.monthly_gap,
            avg_gap_pct: p.avg_gap_pct,
        })
        .collect();
    let below: Vec<&PricingSnapshot> =
        worst_first(&snapshots).into_iter().filter(|s| only.is_none_or(|p| s.property_id == p)).collect();
    let mut units: HashMap<Uuid, String> = store.pricing_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect();
    let mut rows = Vec::with_capacity(below.len().min(QUEUE_ROWS));
    for snap in below.iter().take(QUEUE_ROWS) {
        // An archived unit keeps its last snapshot (the opportunity counts it): name it too.
        let unit = match units.get(&snap.unit_id) {
            Some(n) => n.clone(),
            None => {
                let n = store.unit(snap.unit_id)?.unit_number;
                units.insert(snap.unit_id, n.clone());
                n
            }
        };
        let property = names.get(&snap.property_id).cloned().unwrap_or_default();
        rows.push(priced((*snap).clone(), unit, property));
    }
    let now = Utc::now();
    Ok(PricingDashboard {
        priced: snapshots.len() as u32,
        as_of: snapshots.iter().map(|s| s.snapshot_date).max(),
        totals: PricingTotals::from(&opportunity),
        properties,
        below_total: below.len() as u32,
        below: rows,
        property_id: only,
        engine: engine_state(&store, now.date_naive())?,
    })
}

/// A unit's last 90 days of snapshots (to the property's date) and the comps of the latest.
pub fn pricing_history(s: &AppState, unit_id: String) -> CmdResult<PricingHistory> {
    let unit_id = id(&unit_id)?;
    let store = s.store()?;
    let unit = store.unit(unit_id)?;
    let property = store.property(unit.property_id)?;
    let today = unitcycle_core::time::today_of(&property, Utc::now())?;
    let history = workflow::history(&*store, unit_id, today)?;
    let mut comps: Vec<CompUsed> = match history.last() {
        Some(latest) => store.snapshot_comps(latest.id)?.into_iter().map(|c| c.comp).collect(),
        None => Vec::new(),
    };
    comps.sort_by(|a, b| b.similarity_score.total_cmp(&a.similarity_score).then(a.address.cmp(&b.address)));
    let latest = history.last().map(|l| priced(l.clone(), unit.unit_number.clone(), property.name.clone()));
    Ok(PricingHistory { property_name: property.name, unit, today, days: HISTORY_DAYS, history, latest, comps })
}

/// Runs the pricing engine now: the daily job over every unit (recorded with the job runs), or
/// one property's units. Refused on a connected replica: the server prices its units.
pub fn pricing_run_engine(s: &AppState, property_id: Option<String>) -> CmdResult<JobReport> {
    let only = property_id.as_deref().filter(|p| !p.trim().is_empty()).map(id).transpose()?;
    let now = Utc::now();
    let today = now.date_naive();
    let mut store = s.store()?;
    if unitcycle_core::sync_actions::connected(&store)? {
        return Err(CommandError::new("connected", PRICED_BY_SERVER));
    }
    match only {
        None => Ok(unitcycle_core::jobs::run_with(&mut store, Job::PricingEngine, today, now, &s.gateway)?),
        // One property's run is not the day's job: it is not recorded as one.
        Some(p) => {
            let name = store.property(p)?.name;
            let mut report = workflow::run_engine(&mut *store, Some(p), today, now)?.job_report(today);
            report.summary = format!("{name} only: {}", report.summary);
            Ok(report)
        }
    }
}

/// The property's one-page revenue-opportunity PDF from its latest snapshots, saved in the
/// reports folder beside the replica (and kept as a blob), read back to confirm its page.
pub fn pricing_report_pdf(s: &AppState, property_id: String) -> CmdResult<ReportResult> {
    let property_id = id(&property_id)?;
    let now = Utc::now();
    let report = {
        let store = s.store()?;
        let today = unitcycle_core::time::today_at(&*store, property_id, now)?;
        report::gather(&*store, property_id, today)?
    };
    if report.units_priced == 0 {
        return Err(CommandError::invalid(format!(
            "{} has no pricing snapshot yet: run the pricing engine first",
            report.property_name
        )));
    }
    let bytes = report::render(&report, now)?;
    write_document(s, "reports", &report::file_name(&report), &bytes)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;
    use unitcycle_core::format::money;

    #[test]
    fn the_dashboard_states_the_revenue_opportunity_and_the_units_below_market_by_gap() {
        let (s, _dir) = demo();
        let d = ops::pricing_dashboard(&s, None).unwrap();
        let o = workflow::opportunity(&*s.store().unwrap(), None).unwrap();
        assert_eq!(d.totals, PricingTotals::from(&o));
        assert!(d.priced > 0 && d.as_of.is_some(), "the demo runs the pricing engine");
        assert!(d.totals.units_below_market > 0, "the demo has units below market");
        assert_eq!(d.below_total, d.totals.units_below_market);
        assert_eq!(d.below.len() as u32, d.below_total.min(QUEUE_ROWS as u32));
        assert!(d.below.windows(2).all(|w| w[0].snapshot.rent_gap_amount <= w[1].snapshot.rent_gap_amount));
        for r in &d.below {
            assert!(report::below_market(&r.snapshot), "{} is not below market", r.unit_number);
            assert!(!r.unit_number.is_empty() && !r.property_name.is_empty());
            assert_eq!(
                (r.strategy_label, r.basis_label),
                (r.snapshot.pricing_strategy.label(), r.snapshot.basis.label())
            );
        }
        // The properties' lines add up to the totals.
        let sum: Decimal = d.properties.iter().map(|p| p.monthly_gap).sum();
        assert_eq!(sum, d.totals.total_monthly_gap);
        assert_eq!(d.properties.iter().map(|p| p.units_below).sum::<u32>(), d.totals.units_below_market);
        assert!(d.properties.iter().all(|p| p.units_priced > 0));
        assert_eq!(d.engine.refusal, None);
        assert!(d.engine.confirm.starts_with("Run the pricing engine now"), "{}", d.engine.confirm);

        // Narrowed to one property: only its units, the totals still the portfolio's.
        let p = d.properties.iter().find(|p| p.units_below > 0).unwrap();
        let one = ops::pricing_dashboard(&s, Some(p.property_id.to_string())).unwrap();
        assert_eq!((one.below_total, one.property_id), (p.units_below, Some(p.property_id)));
        assert!(one.below.iter().all(|r| r.snapshot.property_id == p.property_id));
        assert_eq!(one.totals, d.totals);
        assert_eq!(ops::pricing_dashboard(&s, Some(Uuid::nil().to_string())).unwrap_err().code, "not_found");
        assert_eq!(ops::pricing_dashboard(&s, Some("nope".into())).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn a_units_history_runs_ninety_days_to_its_latest_figure_with_its_comps() {
        let (s, _dir) = demo();
        let d = ops::pricing_dashboard(&s, None).unwrap();
        let worst = &d.below[0];
        let h = ops::pricing_history(&s, worst.snapshot.unit_id.to_string()).unwrap();
        assert_eq!((h.days, h.unit.id), (HISTORY_DAYS, worst.snapshot.unit_id));
        assert!(!h.history.is_empty());
        assert!(h.history.windows(2).all(|w| w[0].snapshot_date < w[1].snapshot_date), "oldest first");
        assert!(h.history.iter().all(|x| (h.today - x.snapshot_date).num_days() < HISTORY_DAYS));
        let latest = h.latest.as_ref().unwrap();
        assert_eq!(latest.snapshot, worst.snapshot);
        assert_eq!(h.history.last(), Some(&worst.snapshot));
        assert_eq!(latest.unit_number, worst.unit_number);
        assert!(h.comps.len() <= latest.snapshot.comp_count.max(0) as usize);
        assert!(h.comps.windows(2).all(|w| w[0].similarity_score >= w[1].similarity_score));
        assert_eq!(ops::pricing_history(&s, Uuid::nil().to_string()).unwrap_err().code, "not_found");
    }

    #[test]
    fn the_engine_runs_on_a_standalone_replica_and_is_refused_on_a_connected_one() {
        let (s, _dir) = demo();
        let report = ops::pricing_run_engine(&s, None).unwrap();
        assert_eq!(report.job, Job::PricingEngine.name());
        assert!(report.summary.starts_with("Priced "), "{}", report.summary);
        let p = ops::pricing_dashboard(&s, None).unwrap().properties[0].clone();
        let one = ops::pricing_run_engine(&s, Some(p.property_id.to_string())).unwrap();
        assert!(one.summary.starts_with(&format!("{} only: Priced", p.property_name)), "{}", one.summary);
        // A second run on the day writes nothing.
        assert_eq!(one.counts["written"], 0, "{}", one.summary);

        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let e = ops::pricing_run_engine(&s, None).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("connected", PRICED_BY_SERVER));
        let d = ops::pricing_dashboard(&s, None).unwrap();
        assert_eq!(d.engine.refusal.as_deref(), Some(PRICED_BY_SERVER));
    }

    #[test]
    fn a_propertys_report_is_one_page_in_the_reports_folder_stating_its_totals() {
        let (s, _dir) = demo();
        let d = ops::pricing_dashboard(&s, None).unwrap();
        let p = &d.properties[0];
        let saved = ops::pricing_report_pdf(&s, p.property_id.to_string()).unwrap();
        let path = std::path::Path::new(&saved.path);
        assert!(path.is_file(), "{}", saved.path);
        assert_eq!(path.parent().unwrap().file_name().unwrap(), "reports");
        assert!(saved.path.ends_with(".pdf") && saved.path.contains("revenue-opportunity"), "{}", saved.path);
        assert_eq!(saved.pages, ["REVENUE OPPORTUNITY"]);
        let text = unitcycle_core::pdf::page_texts(&std::fs::read(path).unwrap()).unwrap().join("\n");
        let o = workflow::opportunity(&*s.store().unwrap(), Some(p.property_id)).unwrap();
        for needle in [money(o.total_monthly_gap), money(o.annual_revenue_opportunity), report::pct(o.avg_gap_pct)] {
            assert!(text.contains(&needle), "{needle} missing from {text}");
        }
        assert_eq!(money(o.total_monthly_gap), money(p.monthly_gap));
        assert_eq!(ops::pricing_report_pdf(&s, Uuid::nil().to_string()).unwrap_err().code, "not_found");
    }

    #[test]
    fn a_replica_never_priced_shows_empty_figures_and_makes_no_report() {
        let dir = tempfile::tempdir().unwrap();
        let s =
            crate::AppState::open_with(dir.path().join("replica.db"), unitcycle_core::ai::Gateway::new(None)).unwrap();
        let action = serde_json::json!({"action": "create_property", "name": "Elm Court", "time_zone": "UTC"});
        let p = ops::record_action(&s, None, action).unwrap();
        let d = ops::pricing_dashboard(&s, None).unwrap();
        assert_eq!((d.priced, d.as_of, d.below_total), (0, None, 0));
        assert!(d.properties.is_empty() && d.below.is_empty());
        assert_eq!(d.totals.total_monthly_gap, Decimal::ZERO);
        let e = ops::pricing_report_pdf(&s, p.id.to_string()).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_str()),
            ("invalid_input", "Elm Court has no pricing snapshot yet: run the pricing engine first")
        );
    }
}
