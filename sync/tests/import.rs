//! The rent-roll import on the central server (issue 14 item 2): the three fixtures of
//! `tests/fixtures` imported by a manager (granted to them, entered in the change log so a
//! replica pulls them), re-imports creating nothing, bad rows refusing the whole file, and the
//! day's jobs finding work on the imported portfolio.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::Value;
use unitcycle_core::ai::Gateway;
use unitcycle_core::jobs::Job;
use unitcycle_sync::scheduler;
use uuid::Uuid;

const APPFOLIO: &str = include_str!("../../tests/fixtures/rent_roll_appfolio.csv");
const BUILDIUM: &str = include_str!("../../tests/fixtures/rent_roll_buildium.csv");
const YARDI: &str = include_str!("../../tests/fixtures/rent_roll_yardi.csv");
/// `Resident=ignore,Unit Type=bedrooms`, URL-encoded.
const YARDI_MAP: &str = "map=Resident%3Dignore%2CUnit%20Type%3Dbedrooms";

async fn post(app: &axum::Router, token: &str, query: &str, csv: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/import/rent-roll/?{query}");
    call(app, Method::POST, &uri, Some(token), Some(csv.as_bytes().to_vec())).await
}

fn created(v: &Value, kind: &str) -> u64 {
    v["counts"][kind]["created"].as_u64().unwrap()
}

async fn count(db: &TestDb, sql: &str, ids: &[Uuid]) -> i64 {
    db.pool.get().await.unwrap().query_one(sql, &[&ids]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_imports_the_fixtures_once_and_replicas_and_jobs_see_them() {
    let db = TestDb::new("import", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let reader = db.token(READER).await;

    // Only a manager imports.
    let (s, v) = post(&app, &reader, "", APPFOLIO).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // A dry run writes nothing and says what it would do.
    let (s, dry) = post(&app, &a, "dry_run=true", APPFOLIO).await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(dry["applied"], false);
    assert_eq!(created(&dry, "leases"), 12);
    assert_eq!(dry["mapping"][0]["field"], "property_name");

    let mut imported: Vec<Uuid> = Vec::new();
    for (csv, query, units, leases, balances) in
        [(APPFOLIO, "dry_run=false", 14, 12, 5), (BUILDIUM, "", 12, 11, 4), (YARDI, YARDI_MAP, 12, 11, 4)]
    {
        let (s, v) = post(&app, &a, query, csv).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["applied"], true, "{v}");
        assert_eq!(created(&v, "units"), units, "{v}");
        assert_eq!(created(&v, "leases"), leases, "{v}");
        assert_eq!(created(&v, "opening_balances"), balances, "{v}");
        imported
            .extend(v["property_ids"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().parse::<Uuid>().unwrap()));
        // The same file again creates nothing.
        let (s, again) = post(&app, &a, query, csv).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["applied"], false, "{again}");
        for kind in ["properties", "buildings", "units", "tenants", "leases", "opening_balances"] {
            assert_eq!(created(&again, kind), 0, "{kind}: {again}");
        }
        assert_eq!(again["counts"]["leases"]["matched"], leases, "{again}");
    }
    assert_eq!(imported.len(), 5);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tenant_lease WHERE property_id = ANY($1)", &imported).await, 34);

    // Granted to the importer, not to another manager.
    let (_, props) = call(&app, Method::GET, "/api/v1/properties/?page_size=100", Some(&a), None).await;
    let names: Vec<&str> = props["results"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for name in ["Birchwood Court", "Juniper Flats", "Cobalt Row Townhomes", "Heron Pointe", "Quarry Hill Apts"] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    let (_, props_b) = call(&app, Method::GET, "/api/v1/properties/?page_size=100", Some(&b), None).await;
    assert!(!props_b.to_string().contains("Birchwood Court"));

    // Every written row is in the change log: a replica pulls them.
    let in_log = count(
        &db,
        "SELECT COUNT(*) FROM sync_row_version v JOIN tenant_lease l ON l.id = v.row_id
         WHERE v.entity = 'tenant_lease' AND l.property_id = ANY($1)",
        &imported,
    )
    .await;
    assert_eq!(in_log, 34);
    let url = db.serve().await;
    let (replica, _) = replica(&url, &a).await;
    let pulled: i64 = replica
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM tenant_lease l JOIN properties p ON p.id = l.property_id
             WHERE p.name IN ('Birchwood Court', 'Juniper Flats', 'Cobalt Row Townhomes', 'Heron Pointe', 'Quarry Hill Apts')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pulled, 34);
    let opening: i64 = replica
        .conn()
        .query_row("SELECT COUNT(*) FROM tenant_ledger_entry WHERE category = 'opening_balance'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(opening, 13);
    // A connected replica refuses a local import.
    let mut replica = replica;
    let req = unitcycle_core::import::ImportRequest { csv: APPFOLIO, overrides: &[], dry_run: false, actor: "t" };
    let other = "Property,Unit,Tenant,Lease Start,Rent\nNew Place,1,\"Doe, Jan\",01/01/2026,900\n";
    let err = unitcycle_core::import::import_rent_roll(
        &mut replica,
        &unitcycle_core::import::ImportRequest { csv: other, ..req },
        today(),
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("connected to a server"), "{err}");

    // A transactions file lands on the imported leases once.
    let tx = "Date,Property,Unit,Description,Charge,Payment\n\
        06/01/2026,Heron Pointe,10,Rent Jun 2026,\"$1,200.00\",\n\
        06/02/2026,Heron Pointe,10,Payment - ACH,,1200\n";
    let uri = "/api/v1/import/ledger/";
    let (s, v) = call(&app, Method::POST, uri, Some(&a), Some(tx.as_bytes().to_vec())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["counts"]["ledger_entries"]["created"], 2, "{v}");
    let (s, v) = call(&app, Method::POST, uri, Some(&a), Some(tx.as_bytes().to_vec())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["counts"]["ledger_entries"]["matched"], 2, "{v}");
    let (s, v) = call(&app, Method::POST, uri, Some(&b), Some(tx.as_bytes().to_vec())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "another manager's units are not theirs: {v}");

    // The day's jobs find work on the imported portfolio.
    let gateway = std::sync::Arc::new(Gateway::offline("tests".into()));
    // In the schedule's order: the 02:00 queue, the 03:00 renewal scan, the 08:00 collections scan.
    for job in [Job::AiActionQueue, Job::RenewalScan, Job::CollectionsScan] {
        scheduler::run_job(&db.pool, &gateway, job, now()).await.unwrap();
    }
    let recs = count(&db, "SELECT COUNT(*) FROM renewal_recommendation r JOIN tenant_lease l ON l.id = r.lease_id WHERE l.property_id = ANY($1)", &imported).await;
    let cases = count(&db, "SELECT COUNT(*) FROM collection_case WHERE property_id = ANY($1)", &imported).await;
    let queue = count(
        &db,
        "SELECT COUNT(*) FROM ai_action_queue q JOIN units_unit u ON u.id = q.unit_id WHERE u.property_id = ANY($1)",
        &imported,
    )
    .await;
    assert!(recs >= 10, "{recs}");
    assert_eq!(cases, 10);
    assert!(queue >= 5, "{queue}");
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_a_bad_row_is_refused_whole_with_every_bad_line() {
    let db = TestDb::new("import_bad", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let csv = "Property,Address,Unit,Tenant,Lease Start,Lease End,Rent,Past Due\n\
        Sorrel House,5 Fir St,1,\"Doe, Jan\",01/01/2026,12/31/2026,\"$1,200.00\",(25.00)\n\
        Sorrel House,5 Fir St,2,\"Roe, Kit\",2026-02-30,12/31/2026,1200,0\n\
        Sorrel House,5 Fir St,3,\"Poe, Lu\",01/01/2026,12/31/2026,-5,0\n";
    for dry in ["true", "false"] {
        let (s, v) = post(&app, &a, &format!("dry_run={dry}"), csv).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v["detail"].as_str().unwrap().contains("2 bad rows"), "{v}");
        let lines: Vec<u64> = v["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, vec![3, 4], "{v}");
        assert_eq!(v["applied"], false);
    }
    let n = count(&db, "SELECT COUNT(*) FROM properties WHERE id <> ALL($1) AND name = 'Sorrel House'", &[]).await;
    assert_eq!(n, 0);
    // Bad input is a 400 with a detail, never a 5xx.
    for (query, body) in [("", "Name,Rent\nA,1\n"), ("map=Unit%3Dflat", csv), ("", ""), ("dry_run=maybe", csv)] {
        let (s, v) = post(&app, &a, query, body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
        assert!(v["detail"].is_string(), "{v}");
    }
    let (s, v) = call(&app, Method::POST, "/api/v1/import/rent-roll/", Some(&a), Some(vec![0xff, 0xfe, 0x00])).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    db.finish().await;
}
