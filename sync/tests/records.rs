//! Records entered by hand (issue 14 item 1): a manager creates, edits and archives properties,
//! buildings, units and tenants and posts ledger entries over the API; a connected replica does
//! the same offline and its actions reach the server and every other replica.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use unitcycle_core::records::workflow::replica_record_action;
use unitcycle_core::records::{PropertyInput, RecordAction, UnitInput};
use unitcycle_core::store::Store;
use unitcycle_sync::client;
use uuid::Uuid;

fn id_of(v: &Value) -> Uuid {
    Uuid::parse_str(v["id"].as_str().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_enters_a_property_its_units_and_their_ledger_over_the_api() {
    let db = TestDb::new("records", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };

    // A property in Los Angeles: created, granted to its creator, listed.
    let harbor = json!({"name": "Harbor View", "city": "Oakland", "state": "CA", "time_zone": "America/Los_Angeles"});
    let (s, p) = call(Method::POST, "/api/v1/properties/".into(), Some(harbor)).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!((p["time_zone"].as_str(), p["total_units"].as_i64()), (Some("America/Los_Angeles"), Some(0)));
    let pid = id_of(&p);
    let (s, list) = call(Method::GET, "/api/v1/properties/".into(), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list["results"].as_array().unwrap().iter().any(|r| r["id"] == p["id"]), "{list}");

    // Bad input is a 400 naming the field, never a 5xx.
    for (bad, why) in [
        (json!({"name": "X", "time_zone": "Mars/Olympus"}), "Unknown time zone 'Mars/Olympus'"),
        (json!({"name": ""}), "name is required"),
        (json!({"city": "no name"}), "name"),
    ] {
        let (s, v) = call(Method::POST, "/api/v1/properties/".into(), Some(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v["detail"].as_str().unwrap().contains(why), "{v}");
    }

    // A building and two units; a unit number is one per property.
    let (s, b) = call(
        Method::POST,
        "/api/v1/buildings/".into(),
        Some(json!({"property_id": pid, "name": "North", "floors": 3})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let unit = |n: &str| json!({"property_id": pid, "building_id": b["id"], "unit_number": n, "bedrooms": 2, "bathrooms": "1.5", "market_rent": "1850.00"});
    let (s, u1) = call(Method::POST, "/api/v1/units/".into(), Some(unit("101"))).await;
    assert_eq!(s, StatusCode::CREATED, "{u1}");
    let (_, u2) = call(Method::POST, "/api/v1/units/".into(), Some(unit("102"))).await;
    let (s, v) = call(Method::POST, "/api/v1/units/".into(), Some(unit("101"))).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("The property already has a unit 101.")));
    let (s, v) = call(
        Method::POST,
        "/api/v1/units/".into(),
        Some(json!({"property_id": pid, "unit_number": "9", "market_rent": "99999999999999"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, p) = call(Method::GET, format!("/api/v1/properties/{pid}/"), None).await;
    assert_eq!(p["total_units"], 2);

    // An edit changes only what it names.
    let (s, e) = call(
        Method::PATCH,
        format!("/api/v1/units/{}/", u1["id"].as_str().unwrap()),
        Some(json!({"market_rent": "1900.00"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!((e["market_rent"].as_str(), e["unit_number"].as_str()), (Some("1900.00"), Some("101")));

    // A tenant, a lease (vacant → active), and ledger entries on it.
    let ann = json!({"first_name": "Ann", "last_name": "Lee", "email": "ann.records@example.com"});
    let (s, t) = call(Method::POST, "/api/v1/tenants/".into(), Some(ann)).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let lease = json!({"unit": u1["id"], "tenant": t["id"], "lease_begin_date": "2026-12-01", "lease_end_date": "2027-11-30", "monthly_rent_amount": "1900.00"});
    let (s, l) = call(Method::POST, "/api/v1/tenants/leases/".into(), Some(lease)).await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let charge = json!({"lease_id": l["id"], "kind": "charge", "category": "utility", "amount": "40.00", "trans_date": "2026-12-01"});
    let (s, c) = call(Method::POST, "/api/v1/tenants/ledger/".into(), Some(charge)).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!((c["trans_type"].as_str(), c["due_date"].as_str()), (Some("Charge"), Some("2026-12-01")));
    let huge = json!({"lease_id": l["id"], "kind": "payment", "amount": "1000000000000", "trans_date": "2026-12-01"});
    let (s, v) = call(Method::POST, "/api/v1/tenants/ledger/".into(), Some(huge)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // A void posts the reversal (category void) and keeps the entry.
    let (s, r) = call(
        Method::DELETE,
        format!("/api/v1/tenants/ledger/{}/", c["id"].as_str().unwrap()),
        Some(json!({"reason": "billed in error"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!((r["trans_type"].as_str(), r["category"].as_str()), (Some("Payment"), Some("void")));

    // Archive: refused while a lease is in place, done for a free unit, which then leaves lists.
    let (s, v) = call(Method::DELETE, format!("/api/v1/units/{}/", u1["id"].as_str().unwrap()), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("lease in place"), "{v}");
    let (s, v) = call(Method::DELETE, format!("/api/v1/units/{}/", u2["id"].as_str().unwrap()), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["archived_at"].is_string(), "{v}");
    let (_, units) = call(Method::GET, format!("/api/v1/units/?property={pid}"), None).await;
    assert_eq!(units["count"], 1, "{units}");
    let (_, units) = call(Method::GET, format!("/api/v1/units/?property={pid}&include_archived=true"), None).await;
    assert_eq!(units["count"], 2, "{units}");

    // Another manager's property is not found; a reader may not write.
    let (s, _) =
        call(Method::PATCH, format!("/api/v1/properties/{}/", db.properties[1]), Some(json!({"name": "Mine"}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let reader = db.token(READER).await;
    let (s, _) =
        common::call(&app, Method::POST, "/api/v1/properties/", Some(&reader), body(json!({"name": "R"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_entered_offline_on_a_connected_replica_reach_the_server_and_other_replicas() {
    let db = TestDb::new("records_sync", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let (mut a, api_a) = replica(&url, &token).await;
    let (b, api_b) = replica(&url, &token).await;
    let now = now();

    // Offline on A: a property and a unit (each queued for the server in its transaction).
    let pid = Uuid::new_v4();
    let harbor =
        PropertyInput { name: "Harbor View".into(), time_zone: "America/Los_Angeles".into(), ..Default::default() };
    replica_record_action(
        &mut a,
        pid,
        &RecordAction::CreateProperty(PropertyInput { property_type: "multifamily".into(), ..harbor }),
        now,
    )
    .unwrap();
    let uid = Uuid::new_v4();
    let unit = UnitInput {
        property_id: pid,
        building_id: None,
        unit_number: "101".into(),
        floor: 1,
        bedrooms: 1,
        bathrooms: rust_decimal::Decimal::ONE,
        square_feet: 600,
        market_rent: rust_decimal::Decimal::new(150000, 2),
    };
    replica_record_action(&mut a, uid, &RecordAction::CreateUnit(unit), now).unwrap();
    // An edit of a property the server holds, and one the server will refuse (a unit number taken).
    let demo = db.properties[0];
    let rename = unitcycle_core::records::PropertyPatch { name: Some("Renamed Court".into()), ..Default::default() };
    replica_record_action(&mut a, demo, &RecordAction::UpdateProperty(rename), now).unwrap();

    let (pushed, _) = client::sync(&api_a, &a, &no_blobs(), &url, &mut |_| {}).await.unwrap();
    assert_eq!((pushed.actions_applied, pushed.actions_rejected.len()), (3, 0), "{pushed:?}");
    let c = db.pool.get().await.unwrap();
    let row = c.query_one("SELECT name, time_zone, total_units FROM properties WHERE id = $1", &[&pid]).await.unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1), row.get::<_, i32>(2)),
        ("Harbor View".into(), "America/Los_Angeles".into(), 1)
    );
    let renamed: String = c.query_one("SELECT name FROM properties WHERE id = $1", &[&demo]).await.unwrap().get(0);
    assert_eq!(renamed, "Renamed Court");

    // B pulls the new property (granted to A's user) and its unit.
    client::sync(&api_b, &b, &no_blobs(), &url, &mut |_| {}).await.unwrap();
    assert_eq!(unitcycle_core::port::Records::property(&b, pid).unwrap().name, "Harbor View");
    assert_eq!(unitcycle_core::port::Records::unit(&b, uid).unwrap().unit_number, "101");
    let verify = client::verify(&api_b, &b).await.unwrap();
    for table in ["properties", "units_unit"] {
        assert!(verify.iter().find(|c| c.table == table).unwrap().agrees(), "{verify:?}");
    }

    // A create the server refuses (the unit number is taken there meanwhile) is removed from A.
    let (s, _) = call(
        &db.router(),
        Method::POST,
        "/api/v1/units/",
        Some(&token),
        body(json!({"property_id": pid, "unit_number": "102"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let dup = Uuid::new_v4();
    let unit = UnitInput {
        property_id: pid,
        building_id: None,
        unit_number: "102".into(),
        floor: 1,
        bedrooms: 1,
        bathrooms: rust_decimal::Decimal::ONE,
        square_feet: 0,
        market_rent: rust_decimal::Decimal::ZERO,
    };
    replica_record_action(&mut a, dup, &RecordAction::CreateUnit(unit), now).unwrap();
    let (pushed, _) = client::sync(&api_a, &a, &no_blobs(), &url, &mut |_| {}).await.unwrap();
    assert_eq!(pushed.actions_rejected.len(), 1, "{pushed:?}");
    assert!(pushed.actions_rejected[0].1.contains("already has a unit 102"), "{pushed:?}");
    assert!(unitcycle_core::port::Records::unit(&a, dup).is_err(), "the refused unit is gone from A");
    let _: &Store = &a;
    db.finish().await;
}
