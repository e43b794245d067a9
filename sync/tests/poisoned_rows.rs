//! A PostgreSQL store holding rows an older build let in (a lease ending in the year 10000, a
//! term that ends before it begins) still runs every scheduled job: each job reads past the bad
//! rows with a warning and names them in its report, and `unitcycle-server verify`
//! (`verify::scan`) lists every one of them. An amount at the edge of its column is valid.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::Value;
use unitcycle_core::jobs::Job;
use unitcycle_sync::{scheduler, verify};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poisoned_store_runs_every_job_and_verify_lists_the_bad_rows() {
    let db = TestDb::new("poisoned", 400).await;
    let c = db.pool.get().await.unwrap();
    let id = |sql: &'static str| {
        let c = &c;
        async move { c.query_one(sql, &[]).await.unwrap().get::<_, Uuid>(0) }
    };
    let far = id("SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id LIMIT 1").await;
    let backwards = id("SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id DESC LIMIT 1").await;
    let edge = id("SELECT id FROM tenant_ledger_entry WHERE trans_type = 'Charge' ORDER BY id LIMIT 1").await;
    c.execute("UPDATE tenant_lease SET lease_end_date = '10000-01-01' WHERE id = $1", &[&far]).await.unwrap();
    c.execute("UPDATE tenant_lease SET lease_end_date = lease_begin_date - 1 WHERE id = $1", &[&backwards])
        .await
        .unwrap();
    c.execute("UPDATE tenant_ledger_entry SET amount = 99999999.99 WHERE id = $1", &[&edge]).await.unwrap();

    let bad = verify::scan(&**c).await.unwrap();
    let find = |id: Uuid, field: &str| {
        bad.iter()
            .find(|b| b.id == id.to_string() && b.field == field)
            .unwrap_or_else(|| panic!("{id}.{field} is reported: {bad:#?}"))
    };
    let b = find(far, "lease_end_date");
    assert_eq!((b.table.as_str(), b.value.as_str()), ("tenant_lease", "10000-01-01"));
    assert!(b.why.contains("outside the dates UnitCycle keeps"), "{}", b.why);
    let b = find(backwards, "lease_end_date");
    assert!(b.why.contains("is before lease_begin_date"), "{}", b.why);
    assert_eq!(bad.len(), 2, "only the poisoned rows; an amount at the column's edge is valid: {bad:#?}");

    let far_unit: Uuid = c.query_one("SELECT unit_id FROM tenant_lease WHERE id = $1", &[&far]).await.unwrap().get(0);
    let gateway = Arc::new(unitcycle_core::ai::Gateway::offline("tests draft offline".into()));
    let mut named = Vec::new();
    for job in Job::all() {
        let report = scheduler::run_job_report(&db.pool, &gateway, job, now())
            .await
            .unwrap_or_else(|e| panic!("{} fails the whole portfolio: {e}", job.name()));
        let Some(report) = report else {
            assert_eq!(job, Job::InitialReclassification, "{} ran", job.name());
            continue;
        };
        if let Some(n) = report.counts.get("skipped_rows").and_then(Value::as_u64) {
            assert!(n > 0);
            assert!(report.summary.contains("unitcycle-server verify"), "{}: {}", job.name(), report.summary);
            let rows = report.counts["bad_rows"].to_string();
            // The lease, or its unit in the command center's unit list.
            let named_far = rows.contains(&far.to_string()) || rows.contains(&far_unit.to_string());
            assert!(named_far, "{}: {rows}", job.name());
            named.push(job);
        }
    }
    for job in [Job::ClassifyLeaseStatuses, Job::RenewalScan, Job::CollectionsScan] {
        assert!(named.contains(&job), "{} met the year-10000 lease and said so: {named:?}", job.name());
    }
    // A daily run records what it read past, so replicas see it too.
    let counts: Value = c
        .query_one(
            "SELECT counts FROM job_run WHERE job_name = $1 AND outcome = 'succeeded'",
            &[&Job::ClassifyLeaseStatuses.name()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(counts["skipped_rows"], 1, "{counts}");
    // The classification left the bad lease as it was (it could not read it).
    let status: String =
        c.query_one("SELECT lease_status::text FROM tenant_lease WHERE id = $1", &[&far]).await.unwrap().get(0);
    assert_eq!(status, "active");
    // The API answers around it (a GET of the lists that hold it is not a 503).
    let property: Uuid =
        c.query_one("SELECT property_id FROM tenant_lease WHERE id = $1", &[&far]).await.unwrap().get(0);
    let manager = if property == db.properties[0] { MANAGER_A } else { MANAGER_B };
    let token = db.token(manager).await;
    let app = db.router();
    let one = format!("/api/v1/tenants/leases/{far}/");
    for url in
        ["/api/v1/tenants/leases/", "/api/v1/tenants/leases/lifecycle-stats/", "/api/v1/portfolio/command-center/"]
    {
        let (status, v) = call(&app, axum::http::Method::GET, url, Some(&token), None).await;
        assert_eq!(status, axum::http::StatusCode::OK, "GET {url}: {v}");
    }
    // The bad lease itself cannot be read; that is not a database to retry.
    let (status, v) = call(&app, axum::http::Method::GET, &one, Some(&token), None).await;
    assert_eq!(status, axum::http::StatusCode::INTERNAL_SERVER_ERROR, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("unitcycle-server verify"), "{v}");
    drop(c);
    db.finish().await;
}
