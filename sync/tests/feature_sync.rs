//! Feature state syncs (issue 13): the server owns renewals and collections when replicas are
//! connected. Its scan results reach every replica; a replica's offline review steps go up as
//! actions applied by the same core workflow; a refused one rolls back on the replica with the
//! reason; a retried push applies nothing twice; a local scan made while connected is reconciled.

mod common;

use common::*;
use rust_decimal::Decimal;
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::workflow::{self as cases, CaseAction};
use unitcycle_core::renewals::{scan, workflow, RenewalAction, RenewalStatus};
use unitcycle_core::store::{CaseFilter, Queueing, RenewalFilter, Store};
use unitcycle_core::sync_actions;
use unitcycle_sync::client::{self, Client};
use unitcycle_sync::scheduler;
use unitcycle_sync::wire::{FeatureAction, PushRequest};

async fn sync(store: &Store, api: &Client, url: &str) -> client::PushReport {
    client::sync(api, store, &no_blobs(), url, &mut |_| {}).await.unwrap().0
}

fn status_of(store: &Store, id: uuid::Uuid) -> RenewalStatus {
    store.renewal(id).unwrap().status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_state_syncs_between_two_replicas_and_the_server() {
    let db = TestDb::new("featuresync", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let gateway = std::sync::Arc::new(Gateway::offline("tests".into()));

    // The server's nightly scan: its recommendations reach both replicas.
    let ran = scheduler::scheduled_renewal_scan(&db.pool, &gateway, today(), now()).await.unwrap().unwrap();
    assert!(ran.created > 0);
    // And its collections scan and escalation engine: the cases reach the replicas too.
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    scheduler::escalation_engine(&db.pool, &gateway, today(), now()).await.unwrap();
    let (a, api_a) = replica(&url, &token).await;
    let (b, api_b) = replica(&url, &token).await;
    let on_a = a.renewals(&RenewalFilter::default()).unwrap();
    assert!(!on_a.is_empty());
    assert_eq!(on_a.len(), b.renewals(&RenewalFilter::default()).unwrap().len());
    let cases = |s: &Store| s.conn().query_row("SELECT COUNT(*) FROM collection_case", [], |r| r.get::<_, i64>(0));
    let server_cases: i64 = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT COUNT(*) FROM collection_case WHERE property_id = $1", &[&db.properties[0]])
        .await
        .unwrap()
        .get(0);
    assert!(server_cases > 0);
    assert_eq!((cases(&a).unwrap(), cases(&b).unwrap()), (server_cases, server_cases));
    let mut pending: Vec<_> = on_a.iter().filter(|r| r.status == RenewalStatus::Pending).collect();
    pending.sort_by_key(|r| r.id);
    let (first, second) = (pending[0].id, pending[1].id);

    // Replica A, offline: approve and send one, approve another. Applied at once, queued.
    let mut a = a;
    workflow::replica_step(&mut a, first, &RenewalAction::Approve { recommended_rent: None }, "user:a", now()).unwrap();
    workflow::replica_step(&mut a, first, &RenewalAction::Send, "user:a", now()).unwrap();
    workflow::replica_step(&mut a, second, &RenewalAction::Approve { recommended_rent: None }, "user:a", now())
        .unwrap();
    assert_eq!(status_of(&a, first), RenewalStatus::Sent);
    // …and records a partial payment on the most overdue case.
    let case = a.collection_cases(&CaseFilter::default()).unwrap().remove(0);
    let half = (case.current_balance / Decimal::from(2)).round_dp(2);
    let pay = CaseAction::RecordPayment { amount: half, paid_on: today() };
    let port = &mut Queueing::on_replica(&mut a, cases::ENTITY, case.id, pay.to_json().unwrap()).unwrap();
    cases::record_payment(port, case.id, half, today(), "user:a", now()).unwrap();
    let balance_after = case.current_balance - half;
    assert_eq!(a.collection_case(case.id).unwrap().current_balance, balance_after);
    assert_eq!(sync_actions::pending(&a).unwrap().len(), 4);
    assert!(a.outbox_messages(Some(first), 5).unwrap().is_empty(), "the server sends the letter, not the replica");

    // Meanwhile someone approves and sends `second` on the server, so A's approval is refused.
    let app = db.router();
    let (s, _) =
        call(&app, axum::http::Method::POST, &format!("/api/v1/renewals/{second}/approve/"), Some(&token), None).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    let (s, _) =
        call(&app, axum::http::Method::POST, &format!("/api/v1/renewals/{second}/send/"), Some(&token), None).await;
    assert_eq!(s, axum::http::StatusCode::OK);

    let pushed = sync(&a, &api_a, &url).await;
    assert_eq!(pushed.actions_applied, 3, "{pushed:?}");
    assert_eq!(pushed.actions_rejected.len(), 1, "{pushed:?}");
    assert_eq!(pushed.actions_rejected[0].0, second);
    assert!(pushed.actions_rejected[0].1.contains("Only a pending recommendation can be approved"), "{pushed:?}");
    assert!(sync_actions::pending(&a).unwrap().is_empty());
    // A holds the server's state: its own send, and the other's send (its approval rolled back).
    assert_eq!(status_of(&a, first), RenewalStatus::Sent);
    assert_eq!(status_of(&a, second), RenewalStatus::Sent);

    // The server sent the letter once, with its PDF.
    let client = db.pool.get().await.unwrap();
    let row = client
        .query_one("SELECT COUNT(*), MIN(attachment_name) FROM outbox_message WHERE related_id = $1", &[&first])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    assert!(row.get::<_, Option<String>>(1).unwrap().starts_with("Renewal offer"));

    // The server took the payment through the same workflow; B pulls and sees A's steps.
    let server_balance: String = client
        .query_one("SELECT current_balance::text FROM collection_case WHERE id = $1", &[&case.id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(server_balance.parse::<Decimal>().unwrap(), balance_after);
    sync(&b, &api_b, &url).await;
    assert_eq!(b.collection_case(case.id).unwrap().current_balance, balance_after);
    assert_eq!(a.collection_case(case.id).unwrap().current_balance, balance_after);
    assert_eq!(status_of(&b, first), RenewalStatus::Sent);
    assert_eq!(status_of(&b, second), RenewalStatus::Sent);

    // A retried push (the answer was lost) applies nothing twice.
    let again = FeatureAction {
        client_id: uuid::Uuid::new_v4(),
        entity: workflow::ENTITY.into(),
        entity_id: first,
        action: serde_json::json!({"action": "accept"}),
    };
    let req = PushRequest { actions: vec![again.clone()], ..Default::default() };
    let first_answer = api_a.send_push_request(&req).await.unwrap();
    let retried = api_a.send_push_request(&req).await.unwrap();
    assert_eq!(first_answer.results[0].outcome, unitcycle_sync::wire::Outcome::Applied);
    assert!(retried.results[0].duplicate);
    let recorded: i64 = client
        .query_one("SELECT COUNT(*) FROM sync_mutation WHERE client_id = $1", &[&again.client_id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(recorded, 1);

    // A replica that ran the scan itself while connected is reconciled by the next pull.
    let mut b = b;
    let tomorrow = today().succ_opt().unwrap();
    scan::renewal_scan(&mut b, &Gateway::offline("local".into()), tomorrow, now()).unwrap();
    scheduler::scheduled_renewal_scan(&db.pool, &gateway, tomorrow, now()).await.unwrap().unwrap();
    sync(&b, &api_b, &url).await;
    let open_on_b = b.leases_with_open_renewal().unwrap().len();
    let open_on_server: i64 = client
        .query_one(
            "SELECT COUNT(DISTINCT lease_id) FROM renewal_recommendation WHERE property_id = $1
             AND status IN ('pending', 'approved', 'sent')",
            &[&db.properties[0]],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(open_on_b as i64, open_on_server);
    let verify = client::verify(&api_b, &b).await.unwrap();
    for table in ["renewal_recommendation", "collection_case", "collection_action", "collection_payment_plan"] {
        let check = verify.iter().find(|c| c.table == table).unwrap();
        assert!(check.agrees(), "{verify:?}");
    }
    drop(client);
    db.finish().await;
}

/// A payment recorded offline on a case the server has meanwhile closed is refused; the replica
/// drops the ledger entry and timeline row it made, and holds the server's instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_payment_leaves_no_local_ledger_entry_behind() {
    let db = TestDb::new("refusedpay", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    let (mut a, api_a) = replica(&url, &token).await;
    let case = a.collection_cases(&CaseFilter::default()).unwrap().remove(0);
    let ledger = |s: &Store| {
        s.conn()
            .query_row(
                "SELECT COUNT(*) FROM tenant_ledger_entry WHERE lease_id = ?1",
                [case.lease_id.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
    };
    let before = ledger(&a);

    // Offline, A records the whole balance as paid…
    let pay = CaseAction::RecordPayment { amount: case.current_balance, paid_on: today() };
    let port = &mut Queueing::on_replica(&mut a, cases::ENTITY, case.id, pay.to_json().unwrap()).unwrap();
    cases::record_payment(port, case.id, case.current_balance, today(), "user:a", now()).unwrap();
    assert_eq!(ledger(&a), before + 1);
    // …while the office records the same payment on the server, closing the case.
    let body = serde_json::json!({"amount": case.current_balance, "paid_on": today()});
    let (s, _) = call(
        &db.router(),
        axum::http::Method::POST,
        &format!("/api/v1/collections/{}/record-payment/", case.id),
        Some(&token),
        Some(serde_json::to_vec(&body).unwrap()),
    )
    .await;
    assert_eq!(s, axum::http::StatusCode::OK);

    let pushed = sync(&a, &api_a, &url).await;
    assert_eq!(pushed.actions_rejected.len(), 1, "{pushed:?}");
    assert!(pushed.actions_rejected[0].1.contains("Case is closed"), "{pushed:?}");
    // One payment on the ledger, the server's; the case's timeline is the server's.
    assert_eq!(ledger(&a), before + 1);
    let verify = client::verify(&api_a, &a).await.unwrap();
    for table in ["tenant_ledger_entry", "collection_case", "collection_action"] {
        let check = verify.iter().find(|c| c.table == table).unwrap();
        assert!(check.agrees(), "{verify:?}");
    }
    db.finish().await;
}

fn queue_status(store: &Store, id: uuid::Uuid) -> String {
    store.conn().query_row("SELECT status FROM ai_action_queue WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Issue 13 for the command center: the server's AI action queue and its job runs reach every
/// replica; approving, dismissing and executing queue items and bulk actions on a connected
/// replica go up as actions applied by the same core workflow; a refused one rolls back with the
/// reason; a retried push applies nothing twice; `sync verify` agrees afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_center_state_syncs_between_two_replicas_and_the_server() {
    use unitcycle_core::command_center::bulk::{BulkRequest, Method};
    use unitcycle_core::command_center::workflow::{self as ccw, ActionDone, CommandCenterAction};
    use unitcycle_core::command_center::ActionType;
    use unitcycle_core::jobs::Job;

    let db = TestDb::new("ccsync", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let gateway = std::sync::Arc::new(Gateway::offline("tests".into()));
    let local = Gateway::offline("local".into());
    let client = db.pool.get().await.unwrap();
    let server_status = |id: uuid::Uuid| {
        let client = &client;
        async move {
            client
                .query_one("SELECT status::text FROM ai_action_queue WHERE id = $1", &[&id])
                .await
                .unwrap()
                .get::<_, String>(0)
        }
    };

    // The server's 02:00 queue job: its rows and its job_run row reach both replicas.
    let ran = scheduler::scheduled_ai_action_queue(&db.pool, &gateway, today(), now()).await.unwrap().unwrap();
    assert!(ran.queued > 3, "{ran:?}");
    let (mut a, api_a) = replica(&url, &token).await;
    let (mut b, api_b) = replica(&url, &token).await;
    let on_server: i64 = client
        .query_one("SELECT COUNT(*) FROM ai_action_queue WHERE property_id = $1", &[&db.properties[0]])
        .await
        .unwrap()
        .get(0);
    assert!(on_server > 3);
    let queued = "SELECT COUNT(*) FROM ai_action_queue";
    assert_eq!((count(&a, queued), count(&b, queued)), (on_server, on_server));
    let runs = format!(
        "SELECT COUNT(*) FROM job_run WHERE job_name = '{}' AND outcome = 'succeeded'",
        Job::AiActionQueue.name()
    );
    assert_eq!((count(&a, &runs), count(&b, &runs)), (1, 1));

    let mut items = a.open_queue_items().unwrap();
    items.sort_by_key(|q| q.id);
    let (x, y) = (items[0].id, items[1].id);
    let z = items[2..].iter().find(|q| q.action_type != ActionType::RentIncreaseNotice).unwrap().id;
    let w = items.iter().find(|q| ![x, y, z].contains(&q.id)).unwrap().id;
    let act = |store: &mut Store, id, action: CommandCenterAction| {
        ccw::replica_action(store, &local, id, &action, "user:a", now(), &mut |_, _| {}).unwrap()
    };

    // B executes z while connected: applied at once, queued, and the server carries it out.
    let ActionDone::Bulk(done) = act(&mut b, z, CommandCenterAction::Execute { method: Method::Manual }) else {
        panic!("execute runs a bulk action")
    };
    assert_eq!(done.executed, 1, "{done:?}");
    assert_eq!(queue_status(&b, z), "executed");
    let pushed = sync(&b, &api_b, &url).await;
    assert_eq!((pushed.actions_applied, pushed.actions_rejected.len()), (1, 0), "{pushed:?}");
    assert_eq!(server_status(z).await, "executed");
    assert_eq!(count(&b, &format!("SELECT COUNT(*) FROM bulk_action_batch WHERE request_id = 'queue:{z}'")), 1);

    // A, not synced since, approves x, dismisses y, and dismisses z (executed on the server).
    act(&mut a, x, CommandCenterAction::Approve);
    act(&mut a, y, CommandCenterAction::Dismiss);
    act(&mut a, z, CommandCenterAction::Dismiss);
    assert_eq!((queue_status(&a, x), queue_status(&a, z)), ("approved".into(), "dismissed".into()));
    assert_eq!(sync_actions::pending(&a).unwrap().len(), 3);
    let pushed = sync(&a, &api_a, &url).await;
    assert_eq!(pushed.actions_applied, 2, "{pushed:?}");
    assert_eq!(pushed.actions_rejected.len(), 1, "{pushed:?}");
    assert_eq!(pushed.actions_rejected[0].0, z);
    assert!(pushed.actions_rejected[0].1.contains("this one is executed"), "{pushed:?}");
    // A rolled back to the server's row; the server took the other two.
    assert_eq!(queue_status(&a, z), "executed");
    assert_eq!((server_status(x).await, server_status(y).await), ("approved".into(), "dismissed".into()));
    sync(&b, &api_b, &url).await;
    assert_eq!((queue_status(&b, x), queue_status(&b, y)), ("approved".into(), "dismissed".into()));

    // A bulk action on A while connected: the server applies it as the same batch.
    let unit = a.open_queue_items().unwrap().iter().find(|q| q.id == x).unwrap().unit_id;
    let req = BulkRequest {
        request_id: "cc-sync-1".into(),
        action_type: ActionType::ListingPrep,
        unit_ids: vec![unit],
        method: Method::Manual,
        scheduled_for: None,
        suggested_payload: serde_json::json!({}),
    };
    let res = ccw::replica_bulk(&mut a, &local, &req, "user:a", now(), &mut |_, _| {}).unwrap();
    assert_eq!(res.executed, 1, "{res:?}");
    let pushed = sync(&a, &api_a, &url).await;
    assert_eq!((pushed.actions_applied, pushed.actions_rejected.len()), (1, 0), "{pushed:?}");
    let server_batch: uuid::Uuid =
        client.query_one("SELECT id FROM bulk_action_batch WHERE request_id = 'cc-sync-1'", &[]).await.unwrap().get(0);
    assert_eq!(server_batch, res.batch_id);
    sync(&b, &api_b, &url).await;
    let items_of = format!("SELECT COUNT(*) FROM bulk_action_item WHERE batch_id = '{server_batch}'");
    assert_eq!((count(&a, &items_of), count(&b, &items_of)), (1, 1));

    // A retried push (the answer was lost) applies nothing twice.
    let again = FeatureAction {
        client_id: uuid::Uuid::new_v4(),
        entity: ccw::QUEUE_ENTITY.into(),
        entity_id: w,
        action: CommandCenterAction::Approve.to_json().unwrap(),
    };
    let req = PushRequest { actions: vec![again.clone()], ..Default::default() };
    let first_answer = api_a.send_push_request(&req).await.unwrap();
    let retried = api_a.send_push_request(&req).await.unwrap();
    assert_eq!(first_answer.results[0].outcome, unitcycle_sync::wire::Outcome::Applied);
    assert!(retried.results[0].duplicate);
    assert_eq!(server_status(w).await, "approved");
    let recorded: i64 = client
        .query_one("SELECT COUNT(*) FROM sync_mutation WHERE client_id = $1", &[&again.client_id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(recorded, 1);

    // Both replicas agree with the server on every synced table.
    for (store, api) in [(&a, &api_a), (&b, &api_b)] {
        sync(store, api, &url).await;
        let verify = client::verify(api, store).await.unwrap();
        assert!(verify.iter().all(|c| c.agrees()), "{verify:?}");
    }
    drop(client);
    db.finish().await;
}
