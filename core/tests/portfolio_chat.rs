//! Portfolio chat (spec 3.3), the offline path: questions a manager asks, answered from the demo
//! portfolio by the spec's tools; each expected figure is worked out here from the records
//! directly. A question it cannot map gets what it can answer, never a number.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::format::money;
use unitcycle_core::model::{LeaseStatus, WorkOrderStatus};
use unitcycle_core::portfolio_chat::data::{load, PortfolioData};
use unitcycle_core::portfolio_chat::offline::{answer, HELP};
use unitcycle_core::store::Store;
use unitcycle_core::time::Days;
use unitcycle_core::work_orders::port::MaintenancePort;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn portfolio() -> (Store, PortfolioData) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 420, seed: 21, today: today() }).unwrap();
    let data = load(&store, &Days::uniform(today()), today(), today() - Duration::days(400)).unwrap();
    (store, data)
}

#[test]
fn forty_questions_a_manager_asks_are_answered_from_the_records() {
    let (store, data) = portfolio();
    let rows = store.command_center_rows(&Days::uniform(today())).unwrap();
    let props = data.property_names();
    let (a, b) = (&props[0], &props[1]);
    let count = |f: &dyn Fn(&unitcycle_core::command_center::Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let orders = store.work_orders_since(today() - Duration::days(400)).unwrap();
    let wo_count = |f: &dyn Fn(&unitcycle_core::model::WorkOrder) -> bool| orders.iter().filter(|w| f(w)).count();
    let prop_of =
        |unit: uuid::Uuid| rows.iter().find(|r| r.unit_id == unit).map(|r| r.property_name.clone()).unwrap_or_default();
    let rent_roll: Decimal = rows.iter().filter(|r| r.lifecycle_state != LeaseStatus::Vacant).map(|r| r.rent).sum();
    let rent_roll_a: Decimal =
        rows.iter().filter(|r| &r.property_name == a && r.lifecycle_state != LeaseStatus::Vacant).map(|r| r.rent).sum();
    let a_first = a.split_whitespace().next().unwrap();
    let typo: String = {
        let mut w: Vec<char> = a_first.chars().collect();
        w.swap(1, 2);
        w.into_iter().collect()
    };
    let vacant = count(&|r| r.lifecycle_state == LeaseStatus::Vacant);

    // (question, the figure the answer must state, the rows it must list)
    let cases: Vec<(String, String, Option<usize>)> = vec![
        (
            format!("How many month-to-month leases at {a}?"),
            count(&|r| &r.property_name == a && r.lifecycle_state == LeaseStatus::MonthToMonth).to_string(),
            None,
        ),
        (
            format!("month to month tenants at {b}"),
            count(&|r| &r.property_name == b && r.lifecycle_state == LeaseStatus::MonthToMonth).to_string(),
            None,
        ),
        ("Which leases are on notice?".into(), count(&|r| r.lifecycle_state == LeaseStatus::Notice).to_string(), None),
        (
            format!("tenants on notice at {a}"),
            count(&|r| &r.property_name == a && r.lifecycle_state == LeaseStatus::Notice).to_string(),
            None,
        ),
        (
            "leases expiring in the next 60 days".into(),
            count(&|r| {
                r.lifecycle_state == LeaseStatus::Active && r.days_to_event.is_some_and(|d| (0..=60).contains(&d))
            })
            .to_string(),
            None,
        ),
        (
            "what leases expire within 30 days?".into(),
            count(&|r| {
                r.lifecycle_state == LeaseStatus::Active && r.days_to_event.is_some_and(|d| (0..=30).contains(&d))
            })
            .to_string(),
            None,
        ),
        (
            format!("leases ending in the next 90 days at {b}"),
            count(&|r| {
                &r.property_name == b
                    && r.lifecycle_state == LeaseStatus::Active
                    && r.days_to_event.is_some_and(|d| (0..=90).contains(&d))
            })
            .to_string(),
            None,
        ),
        (
            "how many active leases do we have".into(),
            count(&|r| r.lifecycle_state == LeaseStatus::Active).to_string(),
            None,
        ),
        ("vacant units".into(), vacant.to_string(), Some(vacant)),
        ("What's our vacancy?".into(), vacant.to_string(), None),
        (
            format!("empty units at {a}"),
            count(&|r| &r.property_name == a && r.lifecycle_state == LeaseStatus::Vacant).to_string(),
            None,
        ),
        (
            format!("vacancies at {b} with market rent"),
            money(
                rows.iter()
                    .filter(|r| &r.property_name == b && r.lifecycle_state == LeaseStatus::Vacant)
                    .map(|r| r.market_rent)
                    .sum(),
            ),
            None,
        ),
        (
            "how much rent are we losing on vacant units".into(),
            money(rows.iter().filter(|r| r.lifecycle_state == LeaseStatus::Vacant).map(|r| r.market_rent).sum()),
            None,
        ),
        ("open work orders".into(), wo_count(&|w| w.status == WorkOrderStatus::Open).to_string(), None),
        ("in progress maintenance".into(), wo_count(&|w| w.status == WorkOrderStatus::InProgress).to_string(), None),
        ("completed work orders".into(), wo_count(&|w| w.status == WorkOrderStatus::Completed).to_string(), None),
        ("urgent work orders".into(), wo_count(&|w| w.priority.as_str() == "urgent").to_string(), None),
        ("high priority repairs".into(), wo_count(&|w| w.priority.as_str() == "high").to_string(), None),
        (
            format!("open maintenance at {a}"),
            wo_count(&|w| w.status == WorkOrderStatus::Open && &prop_of(w.unit_id) == a).to_string(),
            None,
        ),
        (format!("work orders at {b}"), wo_count(&|w| &prop_of(w.unit_id) == b).to_string(), None),
        (
            "top 5 open work orders".into(),
            wo_count(&|w| w.status == WorkOrderStatus::Open).to_string(),
            Some(5.min(wo_count(&|w| w.status == WorkOrderStatus::Open))),
        ),
        ("low priority tickets".into(), wo_count(&|w| w.priority.as_str() == "low").to_string(), None),
        ("what's the rent roll?".into(), money(rent_roll), None),
        (format!("rent roll at {a}"), money(rent_roll_a), None),
        (format!("rent roll at {typo}"), money(rent_roll_a), None),
        ("total monthly rent roll across the portfolio".into(), money(rent_roll), None),
        (
            "which units are furthest under market".into(),
            count(&|r| r.lifecycle_state != LeaseStatus::Vacant && r.market_rent > r.rent).to_string(),
            None,
        ),
        (
            format!("rent variance at {b}"),
            count(&|r| &r.property_name == b && r.lifecycle_state != LeaseStatus::Vacant && r.market_rent > r.rent)
                .to_string(),
            None,
        ),
        (
            "who is below market rent".into(),
            count(&|r| r.lifecycle_state != LeaseStatus::Vacant && r.market_rent > r.rent).to_string(),
            None,
        ),
        ("medium priority work orders".into(), wo_count(&|w| w.priority.as_str() == "medium").to_string(), None),
        (
            format!("urgent repairs at {b}"),
            wo_count(&|w| w.priority.as_str() == "urgent" && &prop_of(w.unit_id) == b).to_string(),
            None,
        ),
        (format!("occupied leases at {b}"), count(&|r| &r.property_name == b).to_string(), None),
        ("closed work orders".into(), wo_count(&|w| w.status == WorkOrderStatus::Completed).to_string(), None),
        ("mtm leases".into(), count(&|r| r.lifecycle_state == LeaseStatus::MonthToMonth).to_string(), None),
        (
            format!("tenants at {a} moving out"),
            count(&|r| &r.property_name == a && r.lifecycle_state == LeaseStatus::Notice).to_string(),
            None,
        ),
        (
            "unoccupied units with pricing".into(),
            money(rows.iter().filter(|r| r.lifecycle_state == LeaseStatus::Vacant).map(|r| r.market_rent).sum()),
            None,
        ),
    ];
    let mut right = 0;
    for (question, figure, listed) in &cases {
        let reply = answer(&data, question);
        // A count opens the sentence ("12 month-to-month leases at …"); money appears in it.
        let stated = if figure.starts_with('$') {
            reply.text.contains(figure.as_str())
        } else {
            reply.text.starts_with(&format!("{figure} "))
        };
        let ok = stated && listed.is_none_or(|n| reply.answer.as_ref().is_some_and(|a| a.rows.len() == n));
        if ok {
            right += 1;
        } else {
            println!(
                "MISSED: {question} → {} (expected {figure}; tool {:?} {:?})",
                reply.text, reply.tool, reply.input
            );
        }
    }
    // Money questions answered from the ledger, the figures worked out here.
    let ledgers = {
        use unitcycle_core::collections::port::CollectionsPort;
        store.lease_ledgers().unwrap()
    };
    let past_due: Decimal = ledgers
        .values()
        .map(|e| unitcycle_core::ledger::allocate(e).overdue(today()).map(|c| c.open_amount).sum::<Decimal>())
        .sum();
    let this_month = |d: NaiveDate| {
        d >= NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() && d <= NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    };
    let received: Decimal = ledgers
        .values()
        .flatten()
        .filter(|e| e.trans_type == unitcycle_core::model::TransType::Payment && this_month(e.trans_date))
        .map(|e| e.amount)
        .sum();
    let money_cases = [
        ("what's our delinquency?".to_string(), money(past_due)),
        ("who owes us money".to_string(), money(past_due)),
        ("how much revenue did we receive this month".to_string(), money(received)),
        ("income this month by property".to_string(), money(received)),
    ];
    for (question, figure) in &money_cases {
        let reply = answer(&data, question);
        if reply.text.contains(figure.as_str()) {
            right += 1;
        } else {
            println!("MISSED: {question} → {} (expected {figure})", reply.text);
        }
    }
    let total = cases.len() + money_cases.len();
    println!("offline chat: {right} of {total} questions answered right");
    assert_eq!(total, 40);
    assert!(right >= 36, "{right} of {total}");
}

#[test]
fn a_question_it_cannot_map_gets_what_it_can_answer_and_no_number() {
    let (_, data) = portfolio();
    for q in ["what's the weather tomorrow?", "tell me a joke", "how are you"] {
        let reply = answer(&data, q);
        assert_eq!(reply.text, HELP, "{q}");
        assert!(reply.answer.is_none() && reply.tool.is_none());
        assert_eq!(reply.provider, "offline");
    }
}

#[test]
fn a_property_that_does_not_exist_is_named_with_the_ones_that_do() {
    let (_, data) = portfolio();
    let err = unitcycle_core::portfolio_chat::tools::run(
        &data,
        "query_leases",
        &serde_json::json!({"property_name": "Zzyzx Quarters"}),
    )
    .unwrap_err();
    assert!(err.contains("No property is called 'Zzyzx Quarters'"), "{err}");
    let err = unitcycle_core::portfolio_chat::tools::run(
        &data,
        "query_leases",
        &serde_json::json!({"lease_status": "happy"}),
    )
    .unwrap_err();
    assert!(err.contains("lease_status must be one of"), "{err}");
}

#[test]
fn on_a_replica_a_conversation_keeps_each_question_with_its_answer_and_the_tool_it_used() {
    use unitcycle_core::portfolio_chat::port::ChatPort;
    use unitcycle_core::portfolio_chat::workflow as wf;
    let (mut store, _) = portfolio();
    let now = today().and_hms_opt(14, 0, 0).unwrap().and_utc();
    let gateway = unitcycle_core::ai::Gateway::offline("test".into());
    let c = wf::create_conversation(&mut store, uuid::Uuid::from_bytes([1; 16]), "pat@example.com", "", now).unwrap();
    let mut seen = Vec::new();
    let (q, a) = wf::send_message(&mut store, &gateway, c.id, "pat@example.com", "open work orders", now, &mut |e| {
        seen.push(format!("{e:?}").split(['{', '(']).next().unwrap_or_default().trim().to_string())
    })
    .unwrap();
    assert_eq!(seen, ["ToolCall", "ToolResult", "TextDelta"]);
    assert_eq!((q.role.as_str(), a.role.as_str()), ("user", "assistant"));
    assert_eq!(a.tool_calls[0]["name"], "query_maintenance");
    assert!(a.content.contains("offline"));
    assert_eq!(store.chat_messages(c.id).unwrap().len(), 2);
    assert_eq!(store.conversation(c.id).unwrap().unwrap().title, "open work orders");
    let err = wf::messages(&store, c.id, "someone@else.com").unwrap_err();
    assert!(err.to_string().contains("No conversation"), "{err}");
    let d = wf::daily_digest(&mut store, today(), now).unwrap();
    assert_eq!(wf::daily_digest(&mut store, today(), now).unwrap(), d, "built once a day");
    assert!(d.highlights.as_array().unwrap().iter().any(|h| h["type"] == "info"));
}

#[test]
fn month_to_month_tenants_paying_more_than_200_under_market_are_listed_with_the_gap() {
    let (store, data) = portfolio();
    let rows = store.command_center_rows(&Days::uniform(today())).unwrap();
    let a = &data.property_names()[0];
    let expected: Vec<&unitcycle_core::command_center::Row> = rows
        .iter()
        .filter(|r| &r.property_name == a && r.lifecycle_state == LeaseStatus::MonthToMonth)
        .filter(|r| r.market_rent - r.rent > Decimal::from(200))
        .collect();
    let gap: Decimal = expected.iter().map(|r| r.market_rent - r.rent).sum();
    let reply = answer(&data, &format!("which month-to-month tenants at {a} pay more than $200 under market?"));
    let table = reply.answer.expect("a table");
    assert_eq!(table.rows.len(), expected.len(), "{}", reply.text);
    assert!(reply.text.starts_with(&format!("{} month-to-month", expected.len())), "{}", reply.text);
    assert!(
        reply.text.contains(&money(gap)) && reply.text.contains("more than $200.00 under market"),
        "{}",
        reply.text
    );
}

#[test]
fn a_proposed_work_order_is_created_only_when_the_manager_confirms_it_and_only_once() {
    use unitcycle_core::portfolio_chat::action;
    use unitcycle_core::portfolio_chat::workflow as wf;
    let (mut store, data) = portfolio();
    let now = today().and_hms_opt(15, 0, 0).unwrap().and_utc();
    let gateway = unitcycle_core::ai::Gateway::offline("test".into());
    let row = data.units.iter().find(|r| r.unit_number.len() >= 3).unwrap();
    let (unit, prop) = (row.unit_id, row.property_name.clone());
    let c = wf::create_conversation(&mut store, uuid::Uuid::new_v4(), "pat@example.com", "", now).unwrap();
    let q = format!("Create a work order for unit {} at {prop}: urgent leaking kitchen faucet", row.unit_number);
    let (_, reply) = wf::send_message(&mut store, &gateway, c.id, "pat@example.com", &q, now, &mut |_| {}).unwrap();
    assert_eq!(reply.tool_calls[0]["name"], "create_action", "{}", reply.content);
    assert!(reply.content.contains("once you confirm"), "{}", reply.content);
    let (_, proposal) = wf::pending_proposal(&reply).expect("a proposal waiting for its confirm");
    assert_eq!(proposal.unit_id, Some(unit));
    assert_eq!(
        (proposal.title.as_str(), proposal.priority.as_deref()),
        ("Urgent leaking kitchen faucet", Some("emergency"))
    );
    let before = store.work_orders_since(today() - Duration::days(1)).unwrap().len();
    assert_eq!(store.work_orders_since(today() - Duration::days(1)).unwrap().len(), before, "nothing yet");

    let done =
        wf::confirm_action(&mut store, c.id, reply.id, "pat@example.com", None, now, action::act_on_replica).unwrap();
    let order = store.work_order(done.work_order_id.unwrap()).unwrap();
    assert_eq!((order.unit_id, order.status), (unit, WorkOrderStatus::Open));
    assert_eq!((order.category.as_str(), order.priority.as_str()), ("plumbing", "emergency"));
    assert!(done.summary.contains("opened"), "{}", done.summary);
    let err = wf::confirm_action(&mut store, c.id, reply.id, "pat@example.com", None, now, action::act_on_replica)
        .unwrap_err();
    assert!(err.to_string().contains("created already"), "{err}");
    let err = wf::confirm_action(&mut store, c.id, reply.id, "eve@example.com", None, now, action::act_on_replica)
        .unwrap_err();
    assert!(err.to_string().contains("No conversation"), "{err}");
    assert_eq!(store.work_orders_since(today() - Duration::days(1)).unwrap().len(), before + 1);
}

#[test]
fn a_confirmed_reminder_is_emailed_to_the_manager_on_its_morning() {
    use unitcycle_core::portfolio_chat::action;
    use unitcycle_core::portfolio_chat::workflow as wf;
    let (mut store, _) = portfolio();
    let now = today().and_hms_opt(15, 0, 0).unwrap().and_utc();
    let gateway = unitcycle_core::ai::Gateway::offline("test".into());
    let c = wf::create_conversation(&mut store, uuid::Uuid::new_v4(), "pat@example.com", "", now).unwrap();
    let (_, reply) = wf::send_message(
        &mut store,
        &gateway,
        c.id,
        "pat@example.com",
        "remind me to call the roofer",
        now,
        &mut |_| {},
    )
    .unwrap();
    let (_, p) = wf::pending_proposal(&reply).unwrap();
    assert_eq!((p.action_type.as_str(), p.title.as_str()), ("reminder", "Call the roofer"));
    let due = today() + Duration::days(2);
    let done =
        wf::confirm_action(&mut store, c.id, reply.id, "pat@example.com", Some(due), now, action::act_on_replica)
            .unwrap();
    let sent = store.outbox_messages(Some(done.id), 5).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].recipient.as_str(), sent[0].subject.as_str()),
        ("pat@example.com", "Reminder: Call the roofer")
    );
    assert_eq!(sent[0].scheduled_for, due.and_hms_opt(8, 0, 0).unwrap().and_utc(), "08:00, no unit: UTC");
    // A day already past is refused and nothing is queued.
    let (_, again) =
        wf::send_message(&mut store, &gateway, c.id, "pat@example.com", "follow up with the insurer", now, &mut |_| {})
            .unwrap();
    let err = wf::confirm_action(
        &mut store,
        c.id,
        again.id,
        "pat@example.com",
        Some(today() - Duration::days(1)),
        now,
        action::act_on_replica,
    )
    .unwrap_err();
    assert!(err.to_string().contains("has passed"), "{err}");
    assert!(wf::pending_proposal(&store_message(&store, c.id, again.id)).is_some(), "still waiting");
}

fn store_message(store: &Store, c: uuid::Uuid, id: uuid::Uuid) -> unitcycle_core::portfolio_chat::record::ChatMessage {
    use unitcycle_core::portfolio_chat::port::ChatPort;
    store.chat_messages(c).unwrap().into_iter().find(|m| m.id == id).unwrap()
}

#[test]
fn the_digest_is_written_by_six_in_the_morning_wherever_each_property_is() {
    use chrono::TimeZone;
    use unitcycle_core::portfolio_chat::workflow::digest_due;
    let ny = unitcycle_core::time::zone("America/New_York").unwrap();
    let la = unitcycle_core::time::zone("America/Los_Angeles").unwrap();
    let at = |h| chrono::Utc.with_ymd_and_hms(2026, 12, 3, h, 0, 0).unwrap();
    let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    // 10:00 UTC is 05:00 in New York: the 3rd's digest is not due yet; the 2nd's (from LA) is.
    assert_eq!(digest_due(&[ny, la], at(10)), Some((d.pred_opt().unwrap(), at(14) - Duration::days(1))));
    // 11:00 UTC: New York's morning. 14:00 UTC: Los Angeles' too, so the digest is written again.
    assert_eq!(digest_due(&[ny, la], at(11)), Some((d, at(11))));
    assert_eq!(digest_due(&[ny, la], at(14)), Some((d, at(14))));
    assert_eq!(digest_due(&[], at(6)), Some((d, at(6))), "no property: UTC");
}

/// The job's digest reads each lease's ledger a chunk at a time; its figures are the ones the
/// whole snapshot gives.
#[test]
fn the_digest_read_in_chunks_has_the_snapshots_figures() {
    use unitcycle_core::portfolio_chat::{data, digest};
    let (store, snapshot) = portfolio();
    let now = today().and_hms_opt(14, 0, 0).unwrap().and_utc();
    let whole = digest::build(&snapshot, now);
    let chunked = data::digest(&store, &Days::uniform(today()), today(), today() - Duration::days(400), now).unwrap();
    assert_eq!(chunked, whole);
    assert!(whole.metrics["past_due_leases"].as_u64().unwrap() > 0, "{}", whole.metrics);
    assert_ne!(whole.metrics["due_this_month"], "0", "{}", whole.metrics);
}
