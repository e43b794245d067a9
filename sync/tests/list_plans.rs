//! Lists that do not grow with the portfolio: every list endpoint's page is read in an index's
//! order (with sorting switched off, PostgreSQL's plan has no full Sort node, so no page sorts
//! the whole scope), and a list's count is served from the read cache until something is written.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;
use unitcycle_sync::server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_is_read_in_an_indexs_order() {
    let db = TestDb::new("plans", 450).await;
    let client = db.pool.get().await.unwrap();
    client.batch_execute("SET enable_sort = off; SET enable_seqscan = off").await.unwrap();
    for (table, order) in server::list_orders() {
        let sql = format!("EXPLAIN SELECT r.id FROM {table} r ORDER BY {order} LIMIT 50");
        let plan: Vec<String> = client.query(&sql, &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
        let plan = plan.join("\n");
        // An incremental sort only orders rows the index gives in order already (ties of a
        // unique key); a full Sort would read the whole scope first.
        let full_sort =
            plan.lines().any(|l| l.trim_start().trim_start_matches("->").trim_start().starts_with("Sort  ("));
        assert!(!full_sort, "{table} ORDER BY {order} sorts:\n{plan}");
        assert!(plan.contains("Index"), "{table} ORDER BY {order} reads no index:\n{plan}");
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_count_follows_every_write() {
    let db = TestDb::new("countcache", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let count = |path: &'static str| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            let (s, page) = call(&app, Method::GET, path, Some(&token), None).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            page["count"].as_u64().unwrap()
        }
    };
    let path = "/api/v1/tenants/leases/?lease_status=notice&page_size=5";
    let before = count(path).await;
    assert_eq!(count(path).await, before, "the same figure, from the cache");
    // A write through the API: the next list counts it.
    let (_, active) =
        call(&app, Method::GET, "/api/v1/tenants/leases/?lease_status=active&page_size=1", Some(&token), None).await;
    let id = active["results"][0]["id"].as_str().unwrap().to_string();
    let notice = json!({"notice_date": today().to_string(), "notice_move_out_date": (today() + chrono::Duration::days(45)).to_string(),
        "reason": "Relocating"});
    let (s, v) =
        call(&app, Method::POST, &format!("/api/v1/tenants/leases/{id}/give-notice/"), Some(&token), body(notice))
            .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(count(path).await, before + 1, "the notice is counted");
    let units_before = count("/api/v1/units/?page_size=5").await;
    // A write straight to the database that enters the change log (as every synced write does).
    client_write(&db).await;
    assert_eq!(count("/api/v1/units/?page_size=5").await, units_before - 1, "an archived unit leaves the count");
    db.finish().await;
}

/// Archives one unit of manager A's property and logs the change, as the server's writes do.
async fn client_write(db: &TestDb) {
    let c = db.pool.get().await.unwrap();
    let id: uuid::Uuid = c
        .query_one(
            "SELECT id FROM units_unit WHERE property_id = $1 AND archived_at IS NULL ORDER BY unit_number LIMIT 1",
            &[&db.properties[0]],
        )
        .await
        .unwrap()
        .get(0);
    c.execute("UPDATE units_unit SET archived_at = now() WHERE id = $1", &[&id]).await.unwrap();
    c.execute(
        "INSERT INTO sync_row_version (entity, row_id, property_id) VALUES ('units_unit', $1, $2)
         ON CONFLICT (entity, row_id) DO UPDATE
         SET change_seq = nextval(pg_get_serial_sequence('sync_row_version', 'change_seq'))",
        &[&id, &db.properties[0]],
    )
    .await
    .unwrap();
}
