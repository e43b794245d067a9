//! Vendor intelligence from the desktop (spec 5.4, issue 20): each vendor's latest scorecard
//! (overall and the six metrics), a vendor's metric breakdown and trend
//! (`vendor_intelligence::workflow::scorecard_detail`), the open repeat-visit alerts (resolved
//! with a `ResolveAlert` maintenance action), the warranties and contracts with the ones ending
//! within 30 days marked, and the contracts, insurance and licences expiring (`expiring`).
//! "Look for repeat visits" runs the daily 06:00 repeat-visit job now, except on a connected
//! replica, where the server runs it (as the pricing engine is refused there).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::maintenance::Names;
use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::jobs::{Job, JobReport};
use unitcycle_core::vendor_intelligence::workflow::{self as vi, ScorecardDetail, VendorStats};
use unitcycle_core::vendor_intelligence::{
    ExpiringDocument, RepeatVisitAlert, VendorContract, VendorScorecard, WarrantyRecord, EXPIRY_WINDOW_DAYS,
    RESOLUTIONS,
};
use unitcycle_core::work_orders::port::MaintenancePort;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ScoreRow {
    pub card: VendorScorecard,
    pub name: String,
    pub trade: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AlertRow {
    pub alert: RepeatVisitAlert,
    pub unit_number: String,
    pub first_vendor: Option<String>,
    pub repeat_vendor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct WarrantyRow {
    pub warranty: WarrantyRecord,
    pub unit_number: String,
    pub vendor_name: Option<String>,
    /// Days to its end (negative: ended).
    pub days_left: i64,
    /// In force and ending within 30 days.
    pub expiring: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ContractRow {
    pub contract: VendorContract,
    pub vendor_name: String,
    /// Days to its end (negative: ended).
    pub days_left: i64,
    /// Ending within 30 days (not yet ended).
    pub expiring: bool,
}

/// The vendors screen in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct VendorsView {
    /// Each vendor's latest scorecard, best overall first.
    pub cards: Vec<ScoreRow>,
    /// Open repeat-visit alerts, the latest repeat first.
    pub alerts: Vec<AlertRow>,
    /// The soonest ending first.
    pub warranties: Vec<WarrantyRow>,
    /// The soonest ending first.
    pub contracts: Vec<ContractRow>,
    /// Contracts, insurance and licences expiring within 30 days (or expired in the last 30).
    pub expiring: Vec<ExpiringDocument>,
    pub stats: VendorStats,
    /// How an alert may be resolved (`open` excluded).
    pub resolutions: Vec<&'static str>,
    pub window_days: i64,
    pub today: NaiveDate,
    /// None: "look for repeat visits" can run here; else why not (a connected replica).
    pub detect_refusal: Option<String>,
}

/// Why a connected replica does not look for repeat visits itself.
pub const DETECTED_BY_SERVER: &str = "This replica syncs with a server, which looks for repeat visits daily at 06:00: \
     its alerts arrive with the next sync.";

fn soon(days_left: i64) -> bool {
    (0..=EXPIRY_WINDOW_DAYS).contains(&days_left)
}

pub fn vendors_view(s: &AppState) -> CmdResult<VendorsView> {
    let store = s.store()?;
    let now = Utc::now();
    let today = now.date_naive();
    let names = Names::load(&store)?;
    let trades: HashMap<Uuid, String> = store.vendor_list()?.into_iter().map(|v| (v.id, v.trade)).collect();
    let cards = unitcycle_core::vendor_intelligence::latest_scorecards(store.scorecards()?)
        .into_iter()
        .map(|card| ScoreRow {
            name: names.vendor(Some(card.vendor_id)).unwrap_or_default(),
            trade: trades.get(&card.vendor_id).cloned().unwrap_or_default(),
            card,
        })
        .collect();
    let mut alerts: Vec<AlertRow> = vi::repeat_alerts(&*store, None, None, None)?
        .into_iter()
        .map(|alert| AlertRow {
            unit_number: names.unit(&store, alert.unit_id),
            first_vendor: names.vendor(alert.first_visit_vendor_id),
            repeat_vendor: names.vendor(alert.repeat_visit_vendor_id),
            alert,
        })
        .collect();
    alerts.sort_by(|a, b| {
        b.alert.repeat_visit_date.cmp(&a.alert.repeat_visit_date).then(a.unit_number.cmp(&b.unit_number))
    });
    let mut warranties: Vec<WarrantyRow> = store
        .warranties()?
        .into_iter()
        .map(|w| {
            let days_left = (w.warranty_end_date - today).num_days();
            WarrantyRow {
                unit_number: names.unit(&store, w.unit_id),
                vendor_name: names.vendor(w.warranty_vendor_id),
                expiring: w.in_force(today) && soon(days_left),
                days_left,
                warranty: w,
            }
        })
        .collect();
    warranties.sort_by(|a, b| a.days_left.cmp(&b.days_left).then(a.unit_number.cmp(&b.unit_number)));
    let mut contracts: Vec<ContractRow> = store
        .contracts()?
        .into_iter()
        .map(|c| {
            let days_left = (c.end_date - today).num_days();
            ContractRow {
                vendor_name: names.vendor(Some(c.vendor_id)).unwrap_or_default(),
                expiring: soon(days_left),
                days_left,
                contract: c,
            }
        })
        .collect();
    contracts.sort_by(|a, b| a.days_left.cmp(&b.days_left).then(a.vendor_name.cmp(&b.vendor_name)));
    Ok(VendorsView {
        cards,
        alerts,
        warranties,
        contracts,
        expiring: vi::expiring(&*store, today)?,
        stats: vi::stats(&*store, today, now)?,
        resolutions: RESOLUTIONS.iter().copied().filter(|r| *r != "open").collect(),
        window_days: EXPIRY_WINDOW_DAYS,
        today,
        detect_refusal: unitcycle_core::sync_actions::connected(&store)?.then(|| DETECTED_BY_SERVER.to_string()),
    })
}

/// Runs the repeat-visit job now (recorded with the job runs): a job of the last 60 days on a
/// unit and trade done within 30 days of the previous one becomes an open alert. Refused on a
/// connected replica: the server runs it.
pub fn vendors_detect_repeats(s: &AppState) -> CmdResult<JobReport> {
    let now = Utc::now();
    let mut store = s.store()?;
    if unitcycle_core::sync_actions::connected(&store)? {
        return Err(CommandError::new("connected", DETECTED_BY_SERVER));
    }
    Ok(unitcycle_core::jobs::run_with(&mut store, Job::RepeatVisits, now.date_naive(), now, &s.gateway)?)
}

/// A vendor's latest scorecard with its metric breakdown, and every scorecard oldest first.
pub fn vendor_scorecard(s: &AppState, vendor_id: String) -> CmdResult<ScorecardDetail> {
    let vendor = id(&vendor_id)?;
    Ok(vi::scorecard_detail(&*s.store()?, vendor)?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;
    use chrono::Duration;
    use rust_decimal::Decimal;
    use unitcycle_core::model::WorkOrderPriority;
    use unitcycle_core::work_orders::{MaintenanceAction, NewWorkOrder};

    #[test]
    fn the_scorecards_are_each_vendors_latest_best_first_with_a_six_metric_breakdown() {
        let (s, _dir) = demo();
        let v = ops::vendors_view(&s).unwrap();
        assert!(!v.cards.is_empty(), "the demo scores its vendors");
        assert!(v.cards.windows(2).all(|w| w[0].card.overall_score >= w[1].card.overall_score));
        let mut ids: Vec<Uuid> = v.cards.iter().map(|c| c.card.vendor_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), v.cards.len(), "one card per vendor");
        assert!(v.cards.iter().all(|c| !c.name.is_empty()));
        let best = &v.cards[0];
        let d = ops::vendor_scorecard(&s, best.card.vendor_id.to_string()).unwrap();
        assert_eq!(d.latest.as_ref().map(|c| c.id), Some(best.card.id));
        assert_eq!(d.breakdown.len(), 6);
        assert!((d.breakdown.iter().map(|m| m.weight).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(ops::vendor_scorecard(&s, Uuid::nil().to_string()).unwrap_err().code, "not_found");
        assert!(!v.resolutions.contains(&"open") && v.resolutions.contains(&"warranty_claim"));
    }

    #[test]
    fn expiring_documents_are_marked_and_a_repeat_visit_is_found_and_resolved() {
        let (s, _dir) = demo();
        let v = ops::vendors_view(&s).unwrap();
        assert!(!v.warranties.is_empty() && !v.contracts.is_empty());
        assert!(v.warranties.windows(2).all(|w| w[0].days_left <= w[1].days_left));
        for w in &v.warranties {
            assert_eq!(w.expiring, w.warranty.in_force(v.today) && (0..=30).contains(&w.days_left));
        }
        for c in &v.contracts {
            assert_eq!(c.expiring, (0..=30).contains(&c.days_left), "{}", c.contract.title);
        }
        assert!(v.expiring.iter().all(|d| d.days_left.abs() <= 30));

        // A plumbing job done two days ago and another asked for today on the same unit: a
        // repeat visit, found when the repeat-visit job runs.
        let unit = &ops::maintenance_units(&s, None, None).unwrap()[0];
        let order = |title: &str, requested: NaiveDate| {
            let action = MaintenanceAction::Create(NewWorkOrder {
                unit_id: unit.id,
                title: title.into(),
                description: String::new(),
                category: "plumbing".into(),
                priority: WorkOrderPriority::Medium,
                requested_date: requested,
                tenant_id: None,
            });
            ops::maintenance_act(&s, None, action).unwrap().outcome.id
        };
        let first = order("Tap drips", v.today - Duration::days(3));
        let done = MaintenanceAction::Complete {
            completed_date: v.today - Duration::days(2),
            cost: Decimal::new(9500, 2),
            tenant_rating: Some(4),
        };
        ops::maintenance_act(&s, Some(first.to_string()), done).unwrap();
        let again = order("Tap drips again", v.today);
        let report = ops::vendors_detect_repeats(&s).unwrap();
        assert_eq!(report.job, Job::RepeatVisits.name());
        let v = ops::vendors_view(&s).unwrap();
        assert!(v.alerts.iter().all(|a| a.alert.resolution_status == "open"));
        let a = v.alerts.iter().find(|a| a.alert.repeat_work_order_id == Some(again)).expect("the repeat visit");
        // The previous job is ours unless the demo's own plumbing job on the unit came later.
        assert!(a.alert.first_work_order_id.is_some() && (0..=2).contains(&a.alert.days_between), "{a:?}");
        assert_eq!(a.unit_number, unit.unit_number);
        let resolve = |status: &str| MaintenanceAction::ResolveAlert { resolution_status: status.into() };
        let e = ops::maintenance_act(&s, Some(a.alert.id.to_string()), resolve("fixed")).unwrap_err();
        assert!(e.detail.starts_with("Resolution 'fixed' is not one of:"), "{}", e.detail);
        let acted = ops::maintenance_act(&s, Some(a.alert.id.to_string()), resolve("warranty_claim")).unwrap();
        assert_eq!(acted.message, "Repeat visit marked warranty claim.");
        let after = ops::vendors_view(&s).unwrap();
        assert!(!after.alerts.iter().any(|x| x.alert.id == a.alert.id));
        assert_eq!(after.stats.open_repeat_alerts as usize, after.alerts.len());
    }

    #[test]
    fn a_connected_replica_leaves_repeat_visits_to_the_server() {
        let (s, _dir) = demo();
        assert_eq!(ops::vendors_view(&s).unwrap().detect_refusal, None);
        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let e = ops::vendors_detect_repeats(&s).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("connected", DETECTED_BY_SERVER));
        assert_eq!(ops::vendors_view(&s).unwrap().detect_refusal.as_deref(), Some(DETECTED_BY_SERVER));
    }
}
