//! Broadcasts as the spec's examples read: bad input refused with a message, the filter picking
//! the tenants it names, and a send that reaches each tenant once per channel across retries.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;
use serde_json::json;

use super::*;
use crate::store::Store;

fn input(title: &str, content: &str, channels: &[&str], filter: Value) -> BroadcastInput {
    BroadcastInput {
        title: title.into(),
        content: content.into(),
        channels: channels.iter().map(|c| c.to_string()).collect(),
        recipient_filter: filter,
    }
}

fn refused(i: BroadcastInput, part: &str) {
    match NewBroadcast::checked(&i) {
        Err(e) => assert!(e.contains(part), "{e:?} should say {part:?}"),
        Ok(b) => panic!("{b:?} should be refused ({part})"),
    }
}

#[test]
fn bad_input_is_refused_with_a_message() {
    let ok = json!({});
    refused(input("", "Water off", &["email"], ok.clone()), "title is required");
    refused(input(&"x".repeat(201), "Water off", &["email"], ok.clone()), "title is longer than 200");
    refused(input("Notice", "  ", &["email"], ok.clone()), "content is required");
    refused(input("Notice", "Water off", &[], ok.clone()), "channels: pick at least one");
    refused(input("Notice", "Water off", &["fax"], ok.clone()), "'fax' is not one of: email, sms, in_app");
    refused(input("Notice", "Hi {{nickname}}", &["sms"], ok.clone()), "{{nickname}} is not a variable");
    refused(input("Notice", "Water off", &["sms"], json!(["a"])), "must be an object");
    refused(input("Notice", "Water off", &["sms"], json!({"floor": 2})), "'floor' is not a filter");
    refused(input("Notice", "Water off", &["sms"], json!({"property_id": "abc"})), "not a property id");
    refused(input("Notice", "Water off", &["sms"], json!({"unit_range": "100"})), "like \"100-199\"");
    refused(input("Notice", "Water off", &["sms"], json!({"unit_range": "199-100"})), "199 is above 100");
    refused(input("Notice", "Water off", &["sms"], json!({"lease_status": "vacant"})), "not one of: active");
    refused(input("Notice", "Water off", &["sms"], json!({"min_balance": "lots"})), "min_balance");
    refused(input("Notice", "Water off", &["sms"], json!({"min_balance": "-5"})), "min_balance");
    refused(input("Notice", "Water off", &["sms"], json!({"has_balance": "yes"})), "true or false");
}

#[test]
fn a_good_broadcast_is_normalized() {
    let p = Uuid::from_u128(7);
    let b = NewBroadcast::checked(&input(
        "  Water shut-off  ",
        "Water is off Tuesday 9-12.",
        &["SMS", "email", "sms"],
        json!({"property_id": p.to_string(), "building": "A", "unit_range": "100-199", "min_balance": 50}),
    ))
    .unwrap();
    assert_eq!(b.title, "Water shut-off");
    assert_eq!(b.channels, ["email", "sms"]);
    assert_eq!(b.filter.property_id, Some(p));
    assert_eq!(b.filter.min_balance, Some(dec!(50)));
    assert_eq!(
        b.filter.to_value(),
        json!({"property_id": p.to_string(), "building": "A", "unit_range": "100-199", "min_balance": "50"})
    );
    assert_eq!(RecipientFilter::parse(&b.filter.to_value()).unwrap(), b.filter);
    assert_eq!(
        b.filter.describe(Some("Ashford Farms")),
        "Ashford Farms, building A, units 100-199, owing at least $50.00"
    );
}

fn tenant(n: u128, email: &str, phone: &str) -> Tenant {
    Tenant {
        id: Uuid::from_u128(n),
        first_name: format!("T{n}"),
        last_name: "Doe".into(),
        email: email.into(),
        phone: phone.into(),
        date_of_birth: None,
        created_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        archived_at: None,
        forwarding_address: String::new(),
    }
}

fn candidate(n: u128, property: u128, unit: &str, building: &str, status: LeaseStatus, balance: Decimal) -> Candidate {
    let t = tenant(n, &format!("t{n}@example.com"), "+1 555 010 0000");
    let lease = Lease {
        id: Uuid::from_u128(1000 + n),
        lease_number: format!("L-{n}"),
        tenant_id: t.id,
        unit_id: Uuid::from_u128(2000 + n),
        property_id: Uuid::from_u128(property),
        lease_begin_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        lease_end_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        monthly_rent_amount: dec!(1850),
        security_deposit: dec!(1850),
        rent_due_day: 1,
        late_fee_amount: dec!(50),
        grace_period_days: 5,
        status: "current".into(),
        lease_status: status,
        lease_status_changed_at: None,
        lease_status_changed_by: String::new(),
        holdover_start_date: None,
        notice_date: None,
        notice_move_out_date: None,
        actual_move_out_date: None,
        created_at: t.created_at,
        updated_at: t.created_at,
    };
    let values = RecordValues {
        first_name: t.first_name.clone(),
        last_name: t.last_name.clone(),
        unit_number: Some(unit.into()),
        property_name: Some("Ashford Farms".into()),
        rent_amount: Some(dec!(1850)),
        balance_due: Some(balance),
        ..Default::default()
    };
    Candidate {
        tenant: t,
        lease,
        unit_number: unit.into(),
        building: Some(building.into()),
        property_name: "Ashford Farms".into(),
        values,
    }
}

fn picked(filter: Value, all: &[Candidate]) -> Vec<u128> {
    let f = RecipientFilter::parse(&filter).unwrap();
    recipients(&f, all).iter().map(|c| c.tenant.id.as_u128()).collect()
}

#[test]
fn the_filter_picks_the_tenants_it_names() {
    use LeaseStatus::*;
    let all = vec![
        candidate(1, 1, "101", "A", Active, dec!(0)),
        candidate(2, 1, "B-205", "B", Notice, dec!(120)),
        candidate(3, 1, "150", "a", MonthToMonth, dec!(49.99)),
        candidate(4, 2, "120", "A", Active, dec!(800)),
        // Tenant 1 again on a second lease: still one recipient.
        candidate(1, 2, "199", "A", Active, dec!(0)),
    ];
    let p1 = Uuid::from_u128(1).to_string();
    assert_eq!(picked(json!({}), &all), [1, 2, 3, 4]);
    assert_eq!(picked(json!({"property_id": p1}), &all), [1, 2, 3]);
    assert_eq!(picked(json!({"building": "A"}), &all), [1, 3, 4]);
    assert_eq!(picked(json!({"unit_range": "100-199"}), &all), [1, 3, 4]);
    assert_eq!(picked(json!({"unit_range": "200-299"}), &all), [2]);
    assert_eq!(picked(json!({"lease_status": "notice"}), &all), [2]);
    assert_eq!(picked(json!({"min_balance": "50"}), &all), [2, 4]);
    assert_eq!(picked(json!({"has_balance": true}), &all), [2, 3, 4]);
    assert_eq!(picked(json!({"has_balance": false}), &all), [1]);
    assert_eq!(picked(json!({"property_id": p1, "building": "A", "unit_range": "100-199"}), &all), [1, 3]);
}

#[test]
fn each_message_is_filled_in_from_the_tenants_record_or_skipped_with_the_reason() {
    let mut all = vec![candidate(1, 1, "101", "A", LeaseStatus::Active, dec!(0))];
    let mut no_email = candidate(2, 1, "102", "A", LeaseStatus::Active, dec!(0));
    no_email.tenant.email = String::new();
    let mut bad_phone = candidate(3, 1, "103", "A", LeaseStatus::Active, dec!(0));
    bad_phone.tenant.phone = "555".into();
    let mut no_unit = candidate(4, 1, "104", "A", LeaseStatus::Active, dec!(0));
    no_unit.values.unit_number = None;
    all.extend([no_email, bad_phone, no_unit]);
    let matched: Vec<&Candidate> = all.iter().collect();
    let out =
        plan("Hi {{first_name}}, unit {{unit_number}}: water off Tuesday.", &["email".into(), "sms".into()], &matched);
    let row = |n: u128, ch: &str| out.iter().find(|d| d.tenant_id.as_u128() == n && d.channel == ch).unwrap();
    assert_eq!(out.len(), 8);
    assert_eq!(row(1, "email").status, "queued");
    assert_eq!(row(1, "email").content, "Hi T1, unit 101: water off Tuesday.");
    assert_eq!(row(1, "sms").address, "+1 555 010 0000");
    assert_eq!(
        (row(2, "email").status.as_str(), row(2, "email").reason.as_deref()),
        ("skipped", Some("T2 has no email on file."))
    );
    assert_eq!(row(2, "sms").status, "queued");
    assert_eq!(row(3, "sms").status, "failed");
    assert!(row(4, "email").reason.as_deref().is_some_and(|r| r.contains("no value for {{unit_number}}")));
    assert_eq!(row(4, "email").content, "");
    let p = summarize("Water", "everyone".into(), out);
    assert_eq!((p.recipient_count, p.to_send, p.skipped, p.failed), (4, 4, 3, 1));
    assert_eq!(p.by_channel, BTreeMap::from([("email".to_string(), 2), ("sms".to_string(), 2)]));
}

fn demo() -> Store {
    let mut store = Store::in_memory().unwrap();
    let cfg = crate::demo::DemoConfig {
        units: 40,
        ..crate::demo::DemoConfig::new(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap())
    };
    crate::demo::generate(&mut store, &cfg).unwrap();
    store
}

fn outbox_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM outbox_message WHERE related_type = 'broadcast_message'", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_filtered_broadcast_sends_once_per_recipient_and_a_retry_queues_nothing_new() {
    let mut store = demo();
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 15, 0, 0).unwrap();
    let property = store.properties().unwrap()[0].id;
    // One tenant of the property has no email on file: skipped on email, reached by SMS.
    let all =
        candidates(&store, &RecipientFilter { property_id: Some(property), ..Default::default() }, "", now).unwrap();
    let quiet = all[0].tenant.id;
    store.conn().execute("UPDATE tenants SET email = '' WHERE id = ?1", [quiet.to_string()]).unwrap();

    let new = NewBroadcast::checked(&input(
        "Water shut-off",
        "Hi {{first_name}}, the water in unit {{unit_number}} is off Tuesday 9-12.",
        &["email", "sms"],
        json!({"property_id": property.to_string()}),
    ))
    .unwrap();
    let shown = preview_new(&store, &new, now).unwrap();
    let tenants = shown.recipient_count;
    assert!(tenants >= 2, "{shown:?}");
    assert_eq!(shown.skipped, 1);
    assert_eq!(shown.to_send, tenants * 2 - 1);

    let id = Uuid::from_u128(42);
    let b = create(&mut store, id, &new, "manager@example.com", now).unwrap();
    assert_eq!((b.status.as_str(), b.recipient_count, b.property_id), ("draft", 0, Some(property)));
    // Previewing a stored draft shows the same messages.
    assert_eq!(preview(&store, id, now).unwrap(), shown);

    let first = send(&mut store, id, now).unwrap();
    assert_eq!(first.queued, shown.to_send);
    assert_eq!((first.broadcast.status.as_str(), first.broadcast.sent_at), ("sent", Some(now)));
    assert_eq!(first.broadcast.recipient_count as usize, tenants);
    assert_eq!(first.broadcast.sent_count as usize, shown.to_send);
    assert_eq!(outbox_count(&store) as usize, shown.to_send);
    let skipped = first.recipients.iter().find(|r| r.status == "skipped").unwrap();
    assert_eq!((skipped.tenant_id, skipped.channel.as_str()), (quiet, "email"));
    assert!(skipped.error.contains("has no email on file"), "{skipped:?}");
    let sms = first.recipients.iter().find(|r| r.tenant_id == quiet && r.channel == "sms").unwrap();
    assert_eq!(sms.status, "sent");
    assert_eq!(sms.outbox_message_key, format!("broadcast_recipient:{}", sms.id));
    assert_eq!(preview(&store, id, now).unwrap().to_send, 0, "nothing left that can be sent");

    // A retry (the same send again) queues nothing new.
    let later = now + chrono::Duration::minutes(5);
    let again = send(&mut store, id, later).unwrap();
    assert_eq!((again.queued, again.already_sent), (0, first.queued));
    assert_eq!(outbox_count(&store) as usize, shown.to_send);
    assert_eq!(again.broadcast.sent_at, Some(now));

    // Once the address is on file, a retry reaches that tenant (once), and nobody else again.
    store.conn().execute("UPDATE tenants SET email = 'back@example.com' WHERE id = ?1", [quiet.to_string()]).unwrap();
    assert_eq!(preview(&store, id, now).unwrap().to_send, 1, "the skipped row is what a retry sends");
    let fixed = send(&mut store, id, later).unwrap();
    assert_eq!(fixed.queued, 1);
    assert_eq!(outbox_count(&store) as usize, shown.to_send + 1);
    assert_eq!(fixed.broadcast.sent_count as usize, tenants * 2);
    assert_eq!(send(&mut store, id, later).unwrap().queued, 0);
    assert_eq!(store.broadcasts().unwrap().len(), 1);
}

#[test]
fn a_broadcast_nobody_matches_is_refused_and_stays_a_draft() {
    let mut store = demo();
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 15, 0, 0).unwrap();
    let new =
        NewBroadcast::checked(&input("Notice", "Hello", &["in_app"], json!({"unit_range": "90000-90001"}))).unwrap();
    let id = Uuid::from_u128(43);
    create(&mut store, id, &new, "m", now).unwrap();
    let e = send(&mut store, id, now).unwrap_err().to_string();
    assert!(e.contains("No tenant matches the filter"), "{e}");
    assert_eq!(store.broadcast(id).unwrap().status, "draft");
    // In-app messages need no address and queue no outbox message.
    let all = NewBroadcast::checked(&input("Notice", "Hello", &["in_app"], json!({}))).unwrap();
    let id = Uuid::from_u128(44);
    create(&mut store, id, &all, "m", now).unwrap();
    let out = send(&mut store, id, now).unwrap();
    assert!(out.queued > 0 && out.recipients.iter().all(|r| r.status == "sent" && r.outbox_message_key.is_empty()));
    assert_eq!(outbox_count(&store), 0);
    // The same id with other text is refused; with the same text it is the same draft.
    assert!(create(&mut store, id, &new, "m", now).is_err());
}
