//! The escalation engine keeps the schedule's law and its pace: a demo built 90 days back is
//! run forward with the spec's schedule (rent hourly — here daily —, the 08:00 scan, the engine
//! every 4 hours at :30) up to today, and no case ever moves more than one step in a run, sends
//! a step sooner than the schedule's gap after the previous one, or reaches the legal step
//! before day 12 of its schedule (plus the gaps of a backlog).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::escalation::escalation_engine;
use unitcycle_core::collections::scan::collections_scan;
use unitcycle_core::collections::workflow as cj;
use unitcycle_core::collections::{self, late_fee_date, min_gap_days, StepClock, STEP_ACTION_TYPES};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::{CaseFilter, Store};
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0).unwrap().and_utc()
}

#[test]
fn ninety_days_of_the_schedule_advance_each_case_one_paced_step_at_a_time() {
    let today = d("2026-11-25");
    let start = today - Duration::days(90);
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 40, seed: 21, today: start }).unwrap();
    let gateway = Gateway::offline("tests use the offline provider".into());
    let mut levels: HashMap<Uuid, u8> = HashMap::new();
    let mut day = start;
    let mut runs = 0;
    while day <= today {
        unitcycle_core::rent::post_rent_charges(&mut store, day, at(day, 1, 0)).unwrap();
        collections_scan(&mut store, day, at(day, 8, 0)).unwrap();
        for hour in [0, 4, 8, 12, 16, 20] {
            escalation_engine(&mut store, &gateway, day, at(day, hour, 30)).unwrap();
            runs += 1;
            for c in store.collection_cases(&CaseFilter::default()).unwrap() {
                let before = levels.insert(c.id, c.escalation_level).unwrap_or(0);
                assert!(c.escalation_level <= before + 1, "{} jumped {before} → {} on {day}", c.id, c.escalation_level);
            }
        }
        day += Duration::days(1);
    }
    assert_eq!(runs, 91 * 6);

    let cases = store.collection_cases(&CaseFilter::default()).unwrap();
    assert!(cases.iter().any(|c| c.escalation_level == 5), "some case reached the legal step");
    for c in &cases {
        let grace = store.lease(c.lease_id).unwrap().grace_period_days;
        let steps: Vec<_> = store
            .collection_actions(c.id)
            .unwrap()
            .into_iter()
            .filter(|a| STEP_ACTION_TYPES.contains(&a.action_type))
            .collect();
        // One step per level, in order.
        let order: Vec<u8> = steps.iter().map(|a| a.escalation_level).collect();
        assert_eq!(order, (1..=c.escalation_level).collect::<Vec<_>>(), "{}", c.id);
        // Each step on or after its day of the schedule (counted after the grace period), and
        // at least the schedule's gap after the one before. Demo properties are in US zones, so
        // the engine's 00:30 UTC run is on the day before locally: compare on local dates.
        let zone = unitcycle_core::time::zone(&store.property(c.property_id).unwrap().time_zone).unwrap();
        let on = |t: DateTime<Utc>| unitcycle_core::time::local_date(zone, t);
        let clock = StepClock { due_date: c.due_date, grace_period_days: grace, last_step_on: None };
        for (i, a) in steps.iter().enumerate() {
            let step = collections::step(a.escalation_level).unwrap();
            assert!(on(a.created_at) >= clock.due_on(step), "{} step {} early", c.id, step.level);
            if i > 0 {
                let gap = (on(a.created_at) - on(steps[i - 1].created_at)).num_days();
                assert!(gap >= min_gap_days(step.level), "{} step {}: {gap} days after the last", c.id, step.level);
            }
        }
        // No message claims a notice its case's timeline does not hold before it.
        for (i, a) in steps.iter().enumerate() {
            let text = a.message_text.to_lowercase();
            if text.contains("despite") || text.contains("earlier notice") {
                assert!(i > 0, "{} step {} claims earlier notices on an empty timeline", c.id, a.escalation_level);
                let n = i.to_string();
                assert!(
                    i == 1 || text.contains(&n),
                    "{} step {}: {i} notices before it: {text}",
                    c.id,
                    a.escalation_level
                );
            }
        }
        if let Some(legal) = steps.iter().find(|a| a.escalation_level == 5) {
            let day_one = late_fee_date(c.due_date, grace);
            assert!((on(legal.created_at) - day_one).num_days() + 1 >= 12, "{}", c.id);
            assert!((on(legal.created_at) - on(steps[0].created_at)).num_days() >= 11, "{}", c.id);
        }
    }
}

#[test]
fn send_reminder_refuses_to_jump_ahead_unless_overridden_and_logs_the_override() {
    let today = d("2026-11-25");
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 9, today }).unwrap();
    collections_scan(&mut store, today, at(today, 8, 0)).unwrap();
    let gateway = Gateway::offline("tests use the offline provider".into());
    let case = store.collection_cases(&CaseFilter::default()).unwrap().remove(0);
    // The first step is due (the most overdue case is past its grace period): it goes.
    let c = cj::send_next_step(&mut store, &gateway, case.id, false, "user:pm", at(today, 15, 0)).unwrap();
    assert_eq!(c.escalation_level, 1);
    // The second is not due until two days after the first: refused, saying when.
    let due_on = match cj::next_step_due(&store, &c, at(today, 16, 0)).unwrap() {
        Ok((step, due_on)) => {
            assert_eq!(step.level, 2);
            due_on
        }
        Err(e) => panic!("{e}"),
    };
    assert!(due_on >= today + Duration::days(2), "{due_on}");
    let err = cj::send_next_step(&mut store, &gateway, case.id, false, "user:pm", at(today, 16, 0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Step 2 (Detailed notice) is ahead of schedule: it is due on {due_on}. Send it earlier only with an override."
        )
    );
    assert_eq!(store.collection_case(case.id).unwrap().escalation_level, 1);
    // With the override it goes, and the timeline says who sent it early.
    let c = cj::send_next_step(&mut store, &gateway, case.id, true, "user:pm", at(today, 16, 0)).unwrap();
    assert_eq!(c.escalation_level, 2);
    let timeline = store.collection_actions(case.id).unwrap();
    let note = timeline.iter().find(|a| a.action_type == collections::ActionType::Note).expect("an override note");
    assert_eq!(
        note.message_text,
        format!("Step 2 (Detailed notice) sent ahead of schedule by user:pm (it was due on {due_on}).")
    );
    assert!(c.notes.contains("sent ahead of schedule by user:pm"), "{}", c.notes);
    // A step that is due needs no override and logs none.
    let later = due_on + Duration::days(30);
    let c = cj::send_next_step(&mut store, &gateway, case.id, false, "user:pm", at(later, 16, 0)).unwrap();
    assert_eq!(c.escalation_level, 3);
    let notes = store.collection_actions(case.id).unwrap().iter().filter(|a| a.action_type.as_str() == "note").count();
    assert_eq!(notes, 1);
}
