//! Portfolio command center (spec 1.4): the nightly AI action rules, superseding, the unit list's
//! filters and sort, and bulk-action planning. Pure functions over plain snapshots; the AI action
//! queue job ([`queue`]) and bulk actions ([`bulk`]) are written once over [`port::CommandCenterPort`].

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{string_enum, LeaseStatus};

pub mod bulk;
pub mod port;
pub mod queue;
pub mod workflow;

string_enum! {
    /// `ai_action_queue.action_type`.
    ActionType {
        RenewalOffer => "renewal_offer", "Renewal offer";
        EarlyRenewalNudge => "early_renewal_nudge", "Early renewal nudge";
        RentIncreaseNotice => "rent_increase_notice", "Rent increase notice";
        MoveOutInspection => "move_out_inspection", "Move-out inspection";
        ListingPrep => "listing_prep", "Listing prep";
        EvictionPrep => "eviction_prep", "Eviction prep";
    }
}

string_enum! {
    /// `ai_action_queue.priority`.
    Priority {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
        Urgent => "urgent", "Urgent";
    }
}

string_enum! {
    /// `ai_action_queue.status`.
    QueueStatus {
        Pending => "pending", "Pending Review";
        Approved => "approved", "Approved — Ready to Send";
        Executed => "executed", "Executed";
        Dismissed => "dismissed", "Dismissed";
        Superseded => "superseded", "Superseded (newer recommendation exists)";
    }
}

/// Below this, a recommendation is not surfaced (spec: `if score < 0.60: return`).
pub const MIN_CONFIDENCE: f64 = 0.60;

/// What the rules read about one unit and its current lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct UnitSnapshot {
    pub unit_id: Uuid,
    pub lease_id: Option<Uuid>,
    pub property_id: Uuid,
    pub lease_status: LeaseStatus,
    pub lease_end_date: Option<NaiveDate>,
    pub notice_move_out_date: Option<NaiveDate>,
    pub current_rent: Decimal,
    pub market_rent: Decimal,
    /// The latest churn score (renewals), when known.
    pub churn_score: Option<f64>,
    /// The lease has a renewal offer open (pending, approved or sent): the queue offers no
    /// second one, which the bulk action would refuse.
    pub open_renewal: bool,
}

/// A recommendation the rules produce, before the AI gateway words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Candidate {
    pub action_type: ActionType,
    pub confidence: f64,
    pub priority: Priority,
    /// Rent to offer or raise to.
    pub proposed_rent: Option<Decimal>,
    pub days_to_event: Option<i64>,
    pub days_in_state: Option<i64>,
    pub event_date: Option<NaiveDate>,
}

/// `priority = score > 0.85 and 'urgent' or 'medium'`.
pub fn priority_for(confidence: f64) -> Priority {
    if confidence > 0.85 {
        Priority::Urgent
    } else {
        Priority::Medium
    }
}

fn round2(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

fn candidate(action_type: ActionType, confidence: f64) -> Candidate {
    let confidence = round2(confidence);
    Candidate {
        action_type,
        confidence,
        priority: priority_for(confidence),
        proposed_rent: None,
        days_to_event: None,
        days_in_state: None,
        event_date: None,
    }
}

/// The nightly rules (spec `generate_ai_action_queue`), with an offline confidence from the
/// facts: low churn makes a renewal likelier, a bigger market gap makes an increase likelier.
/// Recommendations under 0.60 are dropped.
pub fn generate(s: &UnitSnapshot, today: NaiveDate) -> Vec<Candidate> {
    let churn = s.churn_score.unwrap_or(0.4);
    let gap = s.market_rent - s.current_rent;
    let mut out = Vec::new();
    match s.lease_status {
        LeaseStatus::Active => {
            if let Some(end) = s.lease_end_date.filter(|_| !s.open_renewal) {
                let days = (end - today).num_days();
                if (60..=90).contains(&days) {
                    let mut c = candidate(ActionType::EarlyRenewalNudge, 0.55 + 0.4 * (1.0 - churn));
                    c.days_to_event = Some(days);
                    c.event_date = Some(end);
                    out.push(c);
                }
            }
        }
        LeaseStatus::MonthToMonth => {
            let holdover = s.lease_end_date.map(|end| (today - end).num_days());
            if gap > Decimal::from(50) {
                let gap_share =
                    rust_decimal::prelude::ToPrimitive::to_f64(&(gap / s.market_rent.max(Decimal::ONE))).unwrap_or(0.0);
                let mut c = candidate(
                    ActionType::RentIncreaseNotice,
                    0.6 + (gap_share / 0.10).min(1.0) * 0.25 + 0.1 * (1.0 - churn),
                );
                // Raise toward market by at most 8 %, in whole dollars.
                let cap = s.current_rent * Decimal::new(108, 2);
                c.proposed_rent = Some(s.market_rent.min(cap).round_dp(0));
                c.days_in_state = holdover;
                out.push(c);
            }
            if holdover.is_some_and(|d| d > 30) && !s.open_renewal {
                let d = holdover.unwrap_or(0);
                let mut c =
                    candidate(ActionType::RenewalOffer, 0.55 + 0.2 * (d as f64 / 180.0).min(1.0) + 0.2 * (1.0 - churn));
                c.proposed_rent =
                    Some(s.current_rent.max(s.market_rent.min(s.current_rent * Decimal::new(105, 2))).round_dp(0));
                c.days_in_state = Some(d);
                out.push(c);
            }
        }
        LeaseStatus::Notice => {
            let days = s.notice_move_out_date.map(|m| (m - today).num_days());
            let mut c =
                candidate(ActionType::MoveOutInspection, if days.is_some_and(|d| d <= 30) { 0.95 } else { 0.8 });
            c.days_to_event = days;
            c.event_date = s.notice_move_out_date;
            out.push(c);
            if days.is_some_and(|d| d <= 14) {
                let mut c = candidate(ActionType::ListingPrep, 0.9);
                c.days_to_event = days;
                c.event_date = s.notice_move_out_date;
                out.push(c);
            }
        }
        LeaseStatus::Vacant => {}
    }
    out.retain(|c| c.confidence >= MIN_CONFIDENCE);
    out
}

/// A queued recommendation as the planner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct QueuedAction {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub action_type: ActionType,
    pub status: QueueStatus,
    pub generated_on: NaiveDate,
}

/// What tonight's run writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueuePlan {
    /// Pending items from an earlier day: marked superseded.
    pub supersede: Vec<Uuid>,
    /// (unit, candidate) to insert, or to refresh in place when already generated today.
    pub upsert: Vec<(Uuid, Candidate, Option<Uuid>)>,
}

/// Supersedes yesterday's pending items and upserts today's (one per unit and action type), so
/// running twice on the same day changes nothing the second time.
pub fn plan_queue(existing: &[QueuedAction], today_candidates: &[(Uuid, Candidate)], today: NaiveDate) -> QueuePlan {
    let mut plan = QueuePlan::default();
    for q in existing {
        if q.status == QueueStatus::Pending && q.generated_on < today {
            plan.supersede.push(q.id);
        }
    }
    for (unit, c) in today_candidates {
        let today_row =
            existing.iter().find(|q| q.unit_id == *unit && q.action_type == c.action_type && q.generated_on == today);
        match today_row {
            // Already acted on today (executed, dismissed…): leave it.
            Some(q) if q.status != QueueStatus::Pending => {}
            Some(q) => plan.upsert.push((*unit, c.clone(), Some(q.id))),
            None => plan.upsert.push((*unit, c.clone(), None)),
        }
    }
    plan
}

string_enum! {
    /// Command-center sort orders.
    SortBy {
        DaysToEvent => "days_to_event", "Days to event";
        Rent => "rent", "Rent";
        Unit => "unit", "Unit";
        Confidence => "confidence", "AI confidence";
        Risk => "risk", "Risk";
    }
}

/// One row of the command center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Row {
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub property_name: String,
    pub tenant_name: Option<String>,
    pub lifecycle_state: LeaseStatus,
    pub rent: Decimal,
    pub market_rent: Decimal,
    pub days_to_event: Option<i64>,
    /// Collections risk profile or churn level, whichever the unit has ('low'…'critical').
    pub risk_level: Option<String>,
    pub ai_action: Option<ActionType>,
    pub ai_confidence: Option<f64>,
}

/// The filter bar (every filter of the spec).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Filter {
    pub lifecycle_states: Vec<LeaseStatus>,
    pub property: Option<Uuid>,
    pub risk_level: Option<String>,
    pub min_rent: Option<Decimal>,
    pub max_rent: Option<Decimal>,
    /// Only rows whose days to event are within this many days (|days| ≤ n).
    pub days_to_event: Option<i64>,
    pub with_ai_action: bool,
    pub sort_by: Option<SortBy>,
    pub descending: bool,
}

impl Filter {
    pub fn matches(&self, r: &Row) -> bool {
        (self.lifecycle_states.is_empty() || self.lifecycle_states.contains(&r.lifecycle_state))
            && self.property.is_none_or(|p| p == r.property_id)
            && self.risk_level.as_deref().is_none_or(|k| r.risk_level.as_deref() == Some(k))
            && self.min_rent.is_none_or(|m| r.rent >= m)
            && self.max_rent.is_none_or(|m| r.rent <= m)
            && self.days_to_event.is_none_or(|n| r.days_to_event.is_some_and(|d| d.abs() <= n))
            && (!self.with_ai_action || r.ai_action.is_some())
    }
}

/// Risk levels of both kinds (collections profiles, churn levels) on one scale, for sorting.
pub fn risk_rank(level: Option<&str>) -> u8 {
    match level {
        Some("critical" | "chronic") => 4,
        Some("high" | "repeat_offender") => 3,
        Some("medium" | "standard") => 2,
        Some("low" | "good_history") => 1,
        _ => 0,
    }
}

/// Indices of the rows to show, filtered and sorted (stable, so ties keep unit order).
/// Rows without a value for the sort key go last either way.
pub fn view(rows: &[Row], f: &Filter) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).filter(|&i| f.matches(&rows[i])).collect();
    let sort = f.sort_by.unwrap_or(SortBy::DaysToEvent);
    idx.sort_by(|&a, &b| compare(sort, f.descending, &rows[a], &rows[b]));
    idx
}

fn compare(sort: SortBy, desc: bool, ra: &Row, rb: &Row) -> std::cmp::Ordering {
    let ord = |o: std::cmp::Ordering| if desc { o.reverse() } else { o };
    match sort {
        SortBy::DaysToEvent => match (ra.days_to_event, rb.days_to_event) {
            (Some(x), Some(y)) => ord(x.cmp(&y)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        },
        SortBy::Rent => ord(ra.rent.cmp(&rb.rent)),
        SortBy::Unit => ord((&ra.property_name, &ra.unit_number).cmp(&(&rb.property_name, &rb.unit_number))),
        SortBy::Confidence => ord(ra.ai_confidence.unwrap_or(-1.0).total_cmp(&rb.ai_confidence.unwrap_or(-1.0))),
        SortBy::Risk => ord(risk_rank(ra.risk_level.as_deref()).cmp(&risk_rank(rb.risk_level.as_deref()))),
    }
}

/// Every sort order of a set of rows, made once when the rows load (off the screen's thread),
/// so a filter or sort key press only filters a ready order: one pass over the rows instead of
/// a sort. [`Orders::view`] gives exactly [`view`]'s answer (a stable sort of all rows, then
/// filtered, keeps the same relative order as filtering first).
#[derive(Debug, Clone, Default)]
pub struct Orders {
    orders: Vec<(SortBy, bool, Vec<u32>)>,
}

impl Orders {
    pub fn new(rows: &[Row]) -> Orders {
        let mut orders = Vec::with_capacity(SortBy::ALL.len() * 2);
        for &sort in SortBy::ALL {
            for desc in [false, true] {
                let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
                idx.sort_by(|&a, &b| compare(sort, desc, &rows[a as usize], &rows[b as usize]));
                orders.push((sort, desc, idx));
            }
        }
        Orders { orders }
    }

    /// The rows to show, as [`view`] would order them; `rows` must be the rows these orders
    /// were made from (a mismatch falls back to sorting).
    pub fn view(&self, rows: &[Row], f: &Filter) -> Vec<usize> {
        let sort = f.sort_by.unwrap_or(SortBy::DaysToEvent);
        match self.orders.iter().find(|(s, d, idx)| *s == sort && *d == f.descending && idx.len() == rows.len()) {
            Some((_, _, idx)) => idx.iter().map(|&i| i as usize).filter(|&i| f.matches(&rows[i])).collect(),
            None => view(rows, f),
        }
    }
}

/// The command center's summary counts over the rows shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Summary {
    pub active_count: u64,
    pub mtm_count: u64,
    pub notice_count: u64,
    pub vacant_count: u64,
}

pub fn summary<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Summary {
    let mut s = Summary::default();
    for r in rows {
        match r.lifecycle_state {
            LeaseStatus::Active => s.active_count += 1,
            LeaseStatus::MonthToMonth => s.mtm_count += 1,
            LeaseStatus::Notice => s.notice_count += 1,
            LeaseStatus::Vacant => s.vacant_count += 1,
        }
    }
    s
}

/// Total rent of the selected rows (the footer's "Total rent selected").
pub fn total_rent<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Decimal {
    rows.into_iter().map(|r| r.rent).sum()
}

/// The idempotency key of one unit's part of a bulk request: a retried request carries the same
/// request id, so each unit is executed (and messaged) at most once.
pub fn bulk_item_key(request_id: &str, action_type: ActionType, unit_id: Uuid) -> String {
    format!("bulk:{request_id}:{}:{unit_id}", action_type.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// The ready orders answer every filter and sort exactly as sorting on each key press does.
    #[test]
    fn ready_orders_match_sorting_each_time() {
        let states = [LeaseStatus::Active, LeaseStatus::MonthToMonth, LeaseStatus::Notice, LeaseStatus::Vacant];
        let rows: Vec<Row> = (0..60u32)
            .map(|i| Row {
                unit_id: Uuid::from_u128(u128::from(i)),
                unit_number: format!("{}", 100 + i % 7),
                property_id: Uuid::from_u128(u128::from(1000 + i % 2)),
                property_name: format!("P{}", i % 2),
                tenant_name: None,
                lifecycle_state: states[(i % 4) as usize],
                rent: Decimal::from(1000 + (i * 37) % 5 * 100),
                market_rent: dec!(1500),
                days_to_event: (i % 5 != 0).then_some(i64::from(i % 9) - 3),
                risk_level: (i % 3 == 0).then(|| "high".to_string()),
                ai_action: (i % 4 == 1).then_some(ActionType::RenewalOffer),
                ai_confidence: (i % 4 == 1).then_some(f64::from(i % 3) / 3.0),
            })
            .collect();
        let orders = Orders::new(&rows);
        for &sort in SortBy::ALL {
            for descending in [false, true] {
                for with_ai_action in [false, true] {
                    let f = Filter { sort_by: Some(sort), descending, with_ai_action, ..Default::default() };
                    assert_eq!(orders.view(&rows, &f), view(&rows, &f), "{sort:?} desc={descending}");
                }
                let f = Filter {
                    sort_by: Some(sort),
                    descending,
                    lifecycle_states: vec![LeaseStatus::Notice],
                    ..Default::default()
                };
                assert_eq!(orders.view(&rows, &f), view(&rows, &f));
            }
        }
        assert_eq!(Orders::default().view(&rows, &Filter::default()), view(&rows, &Filter::default()));
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn snap(status: LeaseStatus, end: Option<&str>, rent: Decimal, market: Decimal) -> UnitSnapshot {
        UnitSnapshot {
            unit_id: Uuid::from_u128(1),
            lease_id: Some(Uuid::from_u128(2)),
            property_id: Uuid::from_u128(3),
            lease_status: status,
            lease_end_date: end.map(d),
            notice_move_out_date: None,
            current_rent: rent,
            market_rent: market,
            churn_score: Some(0.2),
            open_renewal: false,
        }
    }

    fn types(cs: &[Candidate]) -> Vec<ActionType> {
        cs.iter().map(|c| c.action_type).collect()
    }

    #[test]
    fn early_renewal_nudge_between_60_and_90_days() {
        let today = d("2026-11-25");
        let check = |end: &str, expected: bool| {
            let cs = generate(&snap(LeaseStatus::Active, Some(end), dec!(1000), dec!(1100)), today);
            assert_eq!(types(&cs) == [ActionType::EarlyRenewalNudge], expected, "{end}");
        };
        check("2027-01-23", false); // 59 days
        check("2027-01-24", true); // 60
        check("2027-02-23", true); // 90
        check("2027-02-24", false); // 91
    }

    #[test]
    fn month_to_month_gap_over_50_gets_a_rent_increase() {
        let today = d("2026-11-25");
        // Holdover 20 days: only the gap rule can fire.
        let end = Some("2026-11-05");
        assert!(types(&generate(&snap(LeaseStatus::MonthToMonth, end, dec!(1000), dec!(1050)), today)).is_empty());
        let cs = generate(&snap(LeaseStatus::MonthToMonth, end, dec!(1000), dec!(1050.01)), today);
        assert_eq!(types(&cs), [ActionType::RentIncreaseNotice]);
        assert_eq!(cs[0].proposed_rent, Some(dec!(1050)));
        let big = generate(&snap(LeaseStatus::MonthToMonth, end, dec!(1000), dec!(1300)), today);
        assert_eq!(big[0].proposed_rent, Some(dec!(1080)), "capped at 8%");
    }

    #[test]
    fn month_to_month_over_30_days_gets_a_renewal_offer() {
        let today = d("2026-11-25");
        let at =
            |end: &str| types(&generate(&snap(LeaseStatus::MonthToMonth, Some(end), dec!(1000), dec!(1000)), today));
        assert!(at("2026-10-26").is_empty()); // 30 days
        assert_eq!(at("2026-10-25"), [ActionType::RenewalOffer]); // 31 days
        let both = generate(&snap(LeaseStatus::MonthToMonth, Some("2026-06-01"), dec!(1000), dec!(1175)), today);
        assert_eq!(types(&both), [ActionType::RentIncreaseNotice, ActionType::RenewalOffer]);
        // A lease with a renewal offer open gets no second one (the bulk action would refuse it).
        let open = UnitSnapshot {
            open_renewal: true,
            ..snap(LeaseStatus::MonthToMonth, Some("2026-06-01"), dec!(1000), dec!(1175))
        };
        assert_eq!(types(&generate(&open, today)), [ActionType::RentIncreaseNotice]);
        let early = UnitSnapshot {
            open_renewal: true,
            ..snap(LeaseStatus::Active, Some("2027-02-01"), dec!(1000), dec!(1000))
        };
        assert!(generate(&early, today).is_empty());
    }

    #[test]
    fn notice_gets_an_inspection_and_listing_prep_within_14_days() {
        let today = d("2026-11-25");
        let at = |move_out: &str| {
            let mut s = snap(LeaseStatus::Notice, Some("2027-06-30"), dec!(1000), dec!(1000));
            s.notice_move_out_date = Some(d(move_out));
            types(&generate(&s, today))
        };
        assert_eq!(at("2026-12-10"), [ActionType::MoveOutInspection]); // 15 days
        assert_eq!(at("2026-12-09"), [ActionType::MoveOutInspection, ActionType::ListingPrep]); // 14 days
        assert!(generate(&snap(LeaseStatus::Vacant, None, dec!(0), dec!(1000)), today).is_empty());
    }

    #[test]
    fn low_confidence_is_not_surfaced_and_high_is_urgent() {
        let today = d("2026-11-25");
        let mut s = snap(LeaseStatus::Active, Some("2027-02-01"), dec!(1000), dec!(1100));
        s.churn_score = Some(0.9); // 0.55 + 0.04 = 0.59
        assert!(generate(&s, today).is_empty());
        s.churn_score = Some(0.0); // 0.95
        let cs = generate(&s, today);
        assert_eq!((cs[0].confidence, cs[0].priority), (0.95, Priority::Urgent));
        assert_eq!(priority_for(0.85), Priority::Medium);
        assert_eq!(priority_for(0.86), Priority::Urgent);
    }

    #[test]
    fn superseding_and_same_day_reruns() {
        let today = d("2026-11-25");
        let unit = Uuid::from_u128(1);
        let c = candidate(ActionType::RenewalOffer, 0.8);
        let yesterday = QueuedAction {
            id: Uuid::from_u128(10),
            unit_id: unit,
            action_type: ActionType::RenewalOffer,
            status: QueueStatus::Pending,
            generated_on: d("2026-11-24"),
        };
        let executed = QueuedAction { id: Uuid::from_u128(11), status: QueueStatus::Executed, ..yesterday.clone() };
        let plan = plan_queue(&[yesterday.clone(), executed], &[(unit, c.clone())], today);
        assert_eq!(plan.supersede, vec![Uuid::from_u128(10)]);
        assert_eq!(plan.upsert, vec![(unit, c.clone(), None)]);
        // Second run the same day: today's row is refreshed in place, nothing new is added.
        let todays = QueuedAction { id: Uuid::from_u128(12), generated_on: today, ..yesterday.clone() };
        let plan = plan_queue(std::slice::from_ref(&todays), &[(unit, c.clone())], today);
        assert!(plan.supersede.is_empty());
        assert_eq!(plan.upsert, vec![(unit, c.clone(), Some(Uuid::from_u128(12)))]);
        // Executed today: left alone.
        let done = QueuedAction { status: QueueStatus::Executed, ..todays };
        assert!(plan_queue(&[done], &[(unit, c)], today).upsert.is_empty());
    }

    fn row(n: u32, state: LeaseStatus, rent: Decimal, days: Option<i64>, risk: Option<&str>) -> Row {
        Row {
            unit_id: Uuid::from_u128(n as u128),
            unit_number: format!("A{n:03}"),
            property_id: Uuid::from_u128(if n % 2 == 0 { 100 } else { 200 }),
            property_name: "Harbor".into(),
            tenant_name: Some(format!("Tenant {n}")),
            lifecycle_state: state,
            rent,
            market_rent: rent,
            days_to_event: days,
            risk_level: risk.map(str::to_string),
            ai_action: (n % 3 == 0).then_some(ActionType::RenewalOffer),
            ai_confidence: (n % 3 == 0).then_some(0.7 + n as f64 / 100.0),
        }
    }

    #[test]
    fn filters_and_sorts_like_the_filter_bar() {
        use LeaseStatus::*;
        let rows = vec![
            row(1, Active, dec!(1200), Some(87), Some("medium")),
            row(2, MonthToMonth, dec!(1100), None, Some("low")),
            row(3, Notice, dec!(1250), Some(12), Some("low")),
            row(4, Notice, dec!(1450), Some(23), Some("high")),
            row(5, Vacant, dec!(0), Some(40), None),
            row(6, MonthToMonth, dec!(975), None, Some("critical")),
        ];
        let ids = |f: &Filter| view(&rows, f).into_iter().map(|i| rows[i].unit_number.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&Filter::default()), ["A003", "A004", "A005", "A001", "A002", "A006"]);
        assert_eq!(
            ids(&Filter { lifecycle_states: vec![MonthToMonth, Notice], ..Default::default() }),
            ["A003", "A004", "A002", "A006"]
        );
        assert_eq!(
            ids(&Filter { min_rent: Some(dec!(1100)), max_rent: Some(dec!(1250)), ..Default::default() }),
            ["A003", "A001", "A002"]
        );
        assert_eq!(ids(&Filter { risk_level: Some("low".into()), ..Default::default() }), ["A003", "A002"]);
        assert_eq!(
            ids(&Filter { property: Some(Uuid::from_u128(100)), ..Default::default() }),
            ["A004", "A002", "A006"]
        );
        assert_eq!(ids(&Filter { days_to_event: Some(30), ..Default::default() }), ["A003", "A004"]);
        assert_eq!(ids(&Filter { with_ai_action: true, ..Default::default() }), ["A003", "A006"]);
        assert_eq!(ids(&Filter { sort_by: Some(SortBy::Rent), descending: true, ..Default::default() })[0], "A004");
        assert_eq!(
            ids(&Filter { sort_by: Some(SortBy::Risk), descending: true, ..Default::default() })[..2],
            ["A006", "A004"]
        );
        assert_eq!(
            ids(&Filter { sort_by: Some(SortBy::Confidence), descending: true, ..Default::default() })[..2],
            ["A006", "A003"]
        );
        let s = summary(rows.iter());
        assert_eq!((s.active_count, s.mtm_count, s.notice_count, s.vacant_count), (1, 2, 2, 1));
        assert_eq!(total_rent(rows.iter().take(3)), dec!(3550));
    }

    #[test]
    fn bulk_keys_are_stable_per_request_and_unit() {
        let u = Uuid::from_u128(5);
        assert_eq!(
            bulk_item_key("req-1", ActionType::RenewalOffer, u),
            bulk_item_key("req-1", ActionType::RenewalOffer, u)
        );
        assert_ne!(
            bulk_item_key("req-1", ActionType::RenewalOffer, u),
            bulk_item_key("req-2", ActionType::RenewalOffer, u)
        );
    }
}
