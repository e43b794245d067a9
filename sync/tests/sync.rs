//! Local-first sync end to end: the real server on a free port, SQLite replicas, the reqwest
//! client. Offline edits go through the outbox; refused ones roll back with the server's
//! reason; replicas editing the same leases in random orders always converge.

mod common;

use std::collections::{BTreeMap, HashSet};

use chrono::Duration;
use common::*;
use deadpool_postgres::Pool;
use serde_json::Value;
use unitcycle_core::demo::Rng;
use unitcycle_core::lifecycle::LifecycleAction;
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::Store;
use unitcycle_sync::client::{self, Client};
use unitcycle_sync::tables;
use unitcycle_sync::wire::LeaseWire;
use uuid::Uuid;

const ACTOR: &str = "user:a@example.com";

/// Rows of `table` on the server in property `p`, keyed by id (canonical JSON).
async fn server_rows(pool: &Pool, table: &str, p: Uuid) -> BTreeMap<String, Value> {
    let t = tables::table(table).unwrap();
    let scope = match table {
        "lease_status_log" => "r.lease_id IN (SELECT id FROM tenant_lease WHERE property_id = $1)",
        _ => "r.property_id = $1",
    };
    let sql = format!("SELECT {} FROM {table} r WHERE {scope}", tables::pg_json_expr(t));
    let client = pool.get().await.unwrap();
    client
        .query(&sql, &[&p])
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let v = tables::canonicalize(t, r.get(0)).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

/// Status-log rows written on behalf of manager A.
async fn user_log_rows(pool: &Pool) -> i64 {
    let client = pool.get().await.unwrap();
    client.query_one("SELECT COUNT(*) FROM lease_status_log WHERE changed_by = $1", &[&ACTOR]).await.unwrap().get(0)
}

fn replica_rows(store: &Store, table: &str) -> BTreeMap<String, Value> {
    let t = tables::table(table).unwrap();
    tables::sqlite_all(store.conn(), t)
        .unwrap()
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_pull_offline_edit_push_and_a_refusal_rolled_back() {
    let db = TestDb::new("e2e", 400).await;
    let url = db.serve().await;

    // Login over HTTP, then a full initial pull into an empty replica.
    let login = Client::new(&url, None).unwrap().login(MANAGER_A, PASSWORD).await.unwrap();
    let (mut store, api) = replica(&url, &login.token).await;
    let checks = client::verify(&api, &store).await.unwrap();
    assert!(checks.iter().all(|c| c.agrees()), "{checks:?}");
    assert!(checks.iter().any(|c| c.table == "tenant_lease" && c.replica > 0));
    assert_eq!(replica_rows(&store, "tenant_lease"), server_rows(&db.pool, "tenant_lease", db.properties[0]).await);

    // An offline edit is applied locally at once and queued.
    let leases = replica_rows(&store, "tenant_lease");
    let active: Vec<Uuid> = leases
        .values()
        .filter(|l| l["lease_status"] == "active" && l["lease_begin_date"].as_str() < Some("2026-06-01"))
        .map(|l| Uuid::parse_str(l["id"].as_str().unwrap()).unwrap())
        .collect();
    let (lease, _) = client::record_action(&mut store, active[0], &LifecycleAction::ConvertMtm, ACTOR, now()).unwrap();
    assert_eq!(lease.lease_status, LeaseStatus::MonthToMonth);
    assert_eq!(client::state(&store).unwrap().unwrap().pending, 1);
    let (pushed, pulled) = client::sync(&api, &store, &no_blobs(), &url, &mut |_| {}).await.unwrap();
    assert_eq!((pushed.applied, pushed.rejected.len()), (1, 0));
    assert!(pulled.rows >= 2, "the lease and its log row come back");
    assert_eq!(client::state(&store).unwrap().unwrap().pending, 0);
    for table in ["tenant_lease", "lease_status_log", "units_unit"] {
        assert_eq!(replica_rows(&store, table), server_rows(&db.pool, table, db.properties[0]).await, "{table}");
    }

    // Someone records notice on the server; the stale replica converts the lease offline.
    let l2 = active[1];
    let _: LeaseWire = api
        .post(
            &format!("/api/v1/tenants/leases/{l2}/give-notice/"),
            &serde_json::json!({"notice_date": "2026-06-01", "notice_move_out_date": "2026-07-31"}),
        )
        .await
        .unwrap();
    client::record_action(&mut store, l2, &LifecycleAction::ConvertMtm, ACTOR, now()).unwrap();
    let logs_before = replica_rows(&store, "lease_status_log").len();
    let pushed = client::push(&api, &store, &no_blobs(), 10, &mut |_| {}).await.unwrap();
    assert_eq!(pushed.rejected, vec![(l2, "Cannot convert a lease with notice given to month-to-month.".to_string())]);
    // Rolled back to the server's row, the local log row gone.
    assert_eq!(store.lease(l2).unwrap().lease_status, LeaseStatus::Notice);
    assert_eq!(replica_rows(&store, "lease_status_log").len(), logs_before - 1);
    client::pull(&api, &store, &url, 1000, &mut |_| {}).await.unwrap();
    for table in ["tenant_lease", "lease_status_log", "units_unit"] {
        assert_eq!(replica_rows(&store, table), server_rows(&db.pool, table, db.properties[0]).await, "{table}");
    }
    assert!(client::verify(&api, &store).await.unwrap().iter().all(|c| c.agrees()));
    db.finish().await;
}

/// A random action that is usually valid for the lease's local state (sometimes not: the
/// replica refuses those itself, as a person's invalid click would be refused).
fn random_action(rng: &mut Rng, status: LeaseStatus) -> LifecycleAction {
    let notice = today() - Duration::days(rng.range(0, 20));
    let give_notice = LifecycleAction::GiveNotice {
        notice_date: notice,
        notice_move_out_date: notice + Duration::days(rng.range(0, 60)),
        reason: String::new(),
    };
    match (status, rng.range(0, 9)) {
        (_, 0) => LifecycleAction::ConvertMtm,
        (LeaseStatus::Active, 1..=4) => LifecycleAction::ConvertMtm,
        (LeaseStatus::Active | LeaseStatus::MonthToMonth, _) => give_notice,
        (LeaseStatus::Notice, _) => LifecycleAction::MarkVacant { actual_move_out_date: None },
        (LeaseStatus::Vacant, _) => give_notice,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_with_random_offline_edits_always_converge() {
    let db = TestDb::new("converge", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let p0 = db.properties[0];

    for seed in [1u64, 2, 3] {
        let mut rng = Rng::new(seed);
        let mut replicas = vec![replica(&url, &token).await, replica(&url, &token).await];
        // A small set of leases, so the replicas collide often.
        let hot: Vec<Uuid> = replica_rows(&replicas[0].0, "tenant_lease")
            .values()
            .filter(|l| l["lease_status"] != "vacant")
            .take(8)
            .map(|l| Uuid::parse_str(l["id"].as_str().unwrap()).unwrap())
            .collect();
        let logged_before = user_log_rows(&db.pool).await;
        let mut created: HashSet<Uuid> = HashSet::new();
        let mut interrupted = 0;
        for _ in 0..80 {
            let which = rng.range(0, 1) as usize;
            let (store, api) = &mut replicas[which];
            match rng.range(0, 9) {
                0..=4 => {
                    let lease = *rng.pick(&hot);
                    let status = store.lease(lease).unwrap().lease_status;
                    let action = random_action(&mut rng, status);
                    if let Ok((_, id)) = client::record_action(store, lease, &action, ACTOR, now()) {
                        created.insert(id);
                    }
                }
                5 => {
                    client::push(api, store, &no_blobs(), 3, &mut |_| {}).await.unwrap();
                }
                6 => {
                    client::pull(api, store, &url, 50, &mut |_| {}).await.unwrap();
                }
                7 => {
                    // The connection drops mid-batch: the server saw the first k mutations, the
                    // replica never saw an answer and will send them all again.
                    let pending = client::pending(store).unwrap();
                    if !pending.is_empty() {
                        let k = rng.range(1, pending.len() as i64) as usize;
                        api.send_push(&pending[..k]).await.unwrap();
                        interrupted += 1;
                    }
                }
                _ => {
                    client::sync(api, store, &no_blobs(), &url, &mut |_| {}).await.unwrap();
                }
            }
        }
        // Everyone syncs until quiet: push both, then pull both.
        for (store, api) in &replicas {
            client::push(api, store, &no_blobs(), 4, &mut |_| {}).await.unwrap();
        }
        for (store, api) in &replicas {
            client::pull(api, store, &url, 100, &mut |_| {}).await.unwrap();
            assert_eq!(client::state(store).unwrap().unwrap().pending, 0);
        }

        // Nothing lost: every mutation has exactly one recorded outcome on the server.
        let pg = db.pool.get().await.unwrap();
        let ids: Vec<Uuid> = created.iter().copied().collect();
        let seen: i64 =
            pg.query_one("SELECT COUNT(*) FROM sync_mutation WHERE client_id = ANY($1)", &[&ids]).await.unwrap().get(0);
        assert_eq!(seen as usize, created.len(), "seed {seed}");
        // Nothing applied twice: one server log row per applied mutation.
        let applied: i64 = pg
            .query_one("SELECT COUNT(*) FROM sync_mutation WHERE outcome = 'applied' AND client_id = ANY($1)", &[&ids])
            .await
            .unwrap()
            .get(0);
        let logged = user_log_rows(&db.pool).await - logged_before;
        assert_eq!(logged, applied, "seed {seed}: log rows vs applied mutations");
        // Converged: both replicas hold exactly the server's rows.
        for table in ["tenant_lease", "units_unit", "lease_status_log"] {
            let server = server_rows(&db.pool, table, p0).await;
            for (i, (store, _)) in replicas.iter().enumerate() {
                assert!(
                    replica_rows(store, table) == server,
                    "seed {seed}: replica {i} differs from the server in {table}"
                );
            }
        }
        assert!(!created.is_empty(), "seed {seed} made no edits");
        eprintln!("seed {seed}: {} mutations, {applied} applied, {interrupted} interrupted pushes", created.len());
    }
    db.finish().await;
}
