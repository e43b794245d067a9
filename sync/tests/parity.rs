//! Parity: one scenario on the replica's SQLite store and on the server's PostgreSQL store —
//! the demo portfolio, a day of the jobs that run through the storage port, and a sequence of
//! review actions (some refused) — then the canonical JSON of every feature table compared.
//! The jobs and workflows are the same `unitcycle_core` functions on both sides, so any
//! difference is an adapter bug. Each feature moved onto the port adds its tables here.

mod common;

use std::collections::HashMap;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use unitcycle_core::ai::Gateway;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::lifecycle::classify;
use unitcycle_core::renewals::port::RenewalsPort;
use unitcycle_core::renewals::{scan, workflow, RenewalAction, RenewalRecommendation};
use unitcycle_core::store::{RenewalFilter, Store, StoreError};
use unitcycle_sync::adapter::{self, renewals::Filter, PgPort};
use unitcycle_sync::{pg, pgdomain, tables};

/// The review actions, by the position of the recommendation in lease-id order; each outcome is
/// the resulting status or the refusal's message.
fn actions(approved_rent: Decimal) -> Vec<(usize, RenewalAction)> {
    vec![
        (0, RenewalAction::Send), // refused: not approved yet
        (0, RenewalAction::Approve { recommended_rent: Some(approved_rent) }),
        (0, RenewalAction::Send),
        (0, RenewalAction::Send), // refused: already sent
        (0, RenewalAction::Accept),
        (1, RenewalAction::Approve { recommended_rent: None }),
        (1, RenewalAction::Send),
        (1, RenewalAction::Decline),
        (2, RenewalAction::Accept), // refused: not sent
    ]
}

/// Runs the day and the actions over one store's port; returns each action's outcome.
fn scenario<P: RenewalsPort + unitcycle_core::lifecycle::port::LifecyclePort>(port: &mut P) -> Vec<String> {
    let gateway = Gateway::offline("parity".into());
    classify::classify_lease_statuses(port, today(), now()).unwrap();
    scan::renewal_scan(port, &gateway, today(), now()).unwrap();
    let mut open = port.open_renewals().unwrap();
    open.sort_by_key(|r| r.lease_id);
    let rent = open[0].plan.current_rent + Decimal::from(25);
    actions(rent)
        .into_iter()
        .map(|(i, action)| match workflow::renewal_step(port, open[i].id, &action, "user:parity", now()) {
            Ok(r) => r.status.as_str().to_string(),
            Err(e @ (StoreError::Rejected(_) | StoreError::Lifecycle(_))) => format!("refused: {e}"),
            Err(e) => panic!("{e}"),
        })
        .collect()
}

/// Renewals as canonical JSON keyed by lease, with their store-generated ids replaced.
fn renewal_rows(recs: Vec<RenewalRecommendation>) -> (Vec<Value>, HashMap<String, String>) {
    let ids: HashMap<String, String> =
        recs.iter().map(|r| (r.id.to_string(), format!("renewal-of-{}", r.lease_id))).collect();
    let mut rows: Vec<Value> = recs
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            v["id"] = Value::String(ids[&r.id.to_string()].clone());
            v
        })
        .collect();
    rows.sort_by_key(|v| v["lease_id"].as_str().unwrap_or_default().to_string());
    (rows, ids)
}

/// Numbers as values, not spellings: numeric(3,1) reads "1.0" on PostgreSQL where the replica
/// stored "1".
fn numbers_as_values(mut row: Value) -> Value {
    if let Value::Object(map) = &mut row {
        for v in map.values_mut() {
            if let Some(d) = v.as_str().filter(|s| s.contains('.')).and_then(|s| s.parse::<Decimal>().ok()) {
                *v = Value::String(d.normalize().to_string());
            }
        }
    }
    row
}

fn rename(text: String, ids: &HashMap<String, String>) -> String {
    ids.iter().fold(text, |t, (from, to)| t.replace(from, to))
}

const OUTBOX: &str = "SELECT idempotency_key, channel, recipient_name, recipient, subject, body, \
    attachment_name, related_type, status FROM outbox_message ORDER BY idempotency_key";
const STATUS_LOG: &str = "SELECT lease_id, previous_status, new_status, reason, changed_by FROM lease_status_log \
    ORDER BY lease_id, new_status, reason";

fn sqlite_text(store: &Store, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

async fn pg_text(c: &tokio_postgres::Client, sql: &str) -> Vec<Vec<String>> {
    let cols = sql.split(" FROM ").next().unwrap().trim_start_matches("SELECT ");
    let cast: Vec<String> = cols.split(", ").map(|c| format!("({c})::text")).collect();
    let sql = format!("SELECT {} FROM {}", cast.join(", "), sql.split(" FROM ").nth(1).unwrap());
    c.query(&sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get::<_, Option<String>>(i).unwrap_or_default()).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_day_on_sqlite_and_on_postgres_leaves_the_same_rows() {
    // One portfolio in both stores: generated into a replica, copied to the server.
    let db = TestDb::empty("parity").await;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 300, seed: 11, today: today() }).unwrap();
    pg::seed_from_replica(&db.pool, store.conn(), 1000).await.unwrap();

    let on_sqlite = scenario(&mut store);
    let on_pg = adapter::run(&db.pool, None, |port: &mut PgPort| Ok(scenario(port))).await.unwrap();
    assert_eq!(on_sqlite, on_pg);
    assert_eq!(
        on_sqlite.iter().map(|o| if o.starts_with("refused") { "refused" } else { o }).collect::<Vec<_>>(),
        ["refused", "approved", "sent", "refused", "accepted", "approved", "sent", "declined", "refused"]
    );

    let client = db.pool.get().await.unwrap();
    let props = pg::property_ids(&**client).await.unwrap();
    let (sqlite_recs, sqlite_ids) = renewal_rows(store.renewals(&RenewalFilter::default()).unwrap());
    let (pg_recs, pg_ids) = renewal_rows(adapter::renewals::all(&**client, &props, &Filter::default()).await.unwrap());
    assert!(sqlite_recs.len() > 10);
    assert_eq!(sqlite_recs, pg_recs, "renewal_recommendation");

    let renamed = |rows: Vec<Vec<String>>, ids: &HashMap<String, String>| {
        let mut rows: Vec<Vec<String>> =
            rows.into_iter().map(|r| r.into_iter().map(|c| rename(c, ids)).collect()).collect();
        rows.sort();
        rows
    };
    let outbox_sqlite = renamed(sqlite_text(&store, OUTBOX), &sqlite_ids);
    let outbox_pg = renamed(pg_text(&client, OUTBOX).await, &pg_ids);
    assert_eq!(outbox_sqlite.len(), 2, "two offers sent");
    assert!(outbox_sqlite.iter().all(|m| m[6].starts_with("Renewal offer")), "letter PDFs attached: {outbox_sqlite:?}");
    assert_eq!(outbox_sqlite, outbox_pg, "outbox_message");

    assert_eq!(sqlite_text(&store, STATUS_LOG), pg_text(&client, STATUS_LOG).await, "lease_status_log");
    for name in ["tenant_lease", "units_unit"] {
        let t = tables::table(name).unwrap();
        let replica = tables::sqlite_all(store.conn(), t).unwrap();
        let server: Vec<Value> = pgdomain::rows(&**client, name, "true ORDER BY r.id", &[]).await.unwrap();
        assert_eq!(replica.len(), server.len(), "{name}");
        for (a, b) in replica.into_iter().zip(server) {
            assert_eq!(numbers_as_values(a), numbers_as_values(b), "{name}");
        }
    }
    drop(client);
    db.finish().await;
}
