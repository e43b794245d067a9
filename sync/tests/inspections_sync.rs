//! Move-in inspections (spec 4.4) done offline on a replica and pushed to the central server:
//! the real server on a free port, SQLite replicas with their blob stores, the reqwest client.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use deadpool_postgres::Pool;
use serde_json::Value;
use unitcycle_core::blobs::{sha256_hex, BlobStore};
use unitcycle_core::inspections::quality::test_images;
use unitcycle_core::inspections::{ConditionRating, InspectionDetail, InspectionStatus, SignerRole};
use unitcycle_core::store::{LeaseFilter, Store};
use unitcycle_sync::client::{self, Client, PushReport};
use unitcycle_sync::inspections::push as push_inspections;
use unitcycle_sync::tables;
use unitcycle_sync::wire::{Outcome, PushRequest};
use uuid::Uuid;

/// A device: its replica, its blob directory and its connection to the server.
struct Device {
    store: Store,
    blobs: BlobStore,
    api: Client,
    url: String,
    _dir: tempfile::TempDir,
}

impl Device {
    async fn new(url: &str, token: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("replica.db")).unwrap();
        let blobs = BlobStore::beside(&dir.path().join("replica.db"));
        client::set_server(&store, url, MANAGER_A).unwrap();
        let api = Client::new(url, Some(token.to_string())).unwrap();
        let device = Device { store, blobs, api, url: url.to_string(), _dir: dir };
        device.sync().await;
        device
    }

    async fn sync(&self) -> (PushReport, client::PullReport) {
        client::sync(&self.api, &self.store, &self.blobs, &self.url, &mut |_| {}).await.unwrap()
    }

    async fn push(&self) -> PushReport {
        client::push(&self.api, &self.store, &self.blobs, 10, &mut |_| {}).await.unwrap()
    }

    fn inspections_pending(&self) -> i64 {
        client::state(&self.store).unwrap().unwrap().inspections_pending
    }

    /// Starts an inspection for the first lease this device holds.
    fn start(&mut self, at: DateTime<Utc>) -> InspectionDetail {
        let lease = self.store.lease_rows(&LeaseFilter::default(), Default::default(), 0, Some(1)).unwrap().remove(0);
        self.store.create_move_in_inspection(lease.lease.id, "Dana Inspector", at.date_naive(), at).unwrap()
    }

    /// Makes the inspection signable (signing needs 100 % completeness): a photo of every room
    /// that has none and a rating for every unrated item. Returns the photos added.
    fn complete(&mut self, id: Uuid, at: DateTime<Utc>) -> usize {
        let mut added = 0;
        for (n, room) in self.detail(id).rooms.iter().enumerate() {
            if room.photos.is_empty() {
                let photo = test_images::sharp_nth(n + 1);
                self.store.add_move_in_photo(&self.blobs, room.room.id, "room.jpg", &photo, None, at).unwrap();
                added += 1;
            }
            for item in room.items.iter().filter(|i| i.rating().is_none()) {
                self.store.rate_move_in_item(item.id, Some(ConditionRating::Good), None, at).unwrap();
            }
        }
        added
    }

    fn detail(&self, id: Uuid) -> InspectionDetail {
        self.store.move_in_detail(id).unwrap()
    }

    fn rows(&self, id: Uuid) -> [Vec<Value>; 4] {
        tables::sqlite_inspection(self.store.conn(), &id.to_string()).unwrap()
    }
}

fn at(minutes: i64) -> DateTime<Utc> {
    now() + Duration::minutes(minutes)
}

async fn server_rows(pool: &Pool, id: Uuid) -> [Vec<Value>; 4] {
    push_inspections::server_rows(&**pool.get().await.unwrap(), id).await.unwrap()
}

async fn count(pool: &Pool, sql: &str) -> i64 {
    pool.get().await.unwrap().query_one(sql, &[]).await.unwrap().get(0)
}

async fn server_has_blob(pool: &Pool, hash: &str) -> bool {
    let c = pool.get().await.unwrap();
    c.query_opt("SELECT 1 FROM blob WHERE sha256 = $1", &[&hash]).await.unwrap().is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_inspection_is_pushed_whole_and_reaches_another_device() {
    let db = TestDb::new("insp_e2e", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;

    // Offline on device A: start, two photos of the first room, one of them deleted again.
    let d = a.start(at(0));
    let id = d.inspection.id;
    let room = d.rooms[0].room.id;
    let photo = test_images::sharp();
    let other = test_images::jpeg(&test_images::checkerboard(800, 600, 24, 30, 210));
    let (kept, _) = a.store.add_move_in_photo(&a.blobs, room, "living.jpg", &photo, None, at(1)).unwrap();
    let (gone, _) = a.store.add_move_in_photo(&a.blobs, room, "again.jpg", &other, None, at(2)).unwrap();
    assert_eq!(a.inspections_pending(), 1);
    let (pushed, _) = a.sync().await;
    assert_eq!((pushed.inspections_applied, pushed.blobs_uploaded), (1, 2), "{pushed:?}");
    assert_eq!(a.inspections_pending(), 0);
    assert_eq!(server_rows(&db.pool, id).await[2].len(), 2);

    // Still offline: the second photo deleted, every item rated, both signatures, finalized.
    a.store.delete_move_in_photo(gone.id, at(3)).unwrap();
    for item in d.rooms.iter().flat_map(|r| &r.items) {
        a.store.rate_move_in_item(item.id, Some(ConditionRating::Good), Some("clean"), at(4)).unwrap();
    }
    let photographed = a.complete(id, at(4));
    let ink = test_images::signature();
    a.store.sign_move_in(&a.blobs, id, SignerRole::Tenant, "Terry Tenant", &ink, at(5)).unwrap();
    a.store.sign_move_in(&a.blobs, id, SignerRole::Manager, "Morgan Manager", &ink, at(6)).unwrap();
    a.store.finalize_move_in(id, at(7)).unwrap();
    let (pushed, _) = a.sync().await;
    assert_eq!(
        (pushed.inspections_applied, pushed.blobs_uploaded),
        (1, 1 + photographed),
        "only the other rooms' photos and the signature are new: {pushed:?}"
    );
    assert!(pushed.inspections_rejected.is_empty() && pushed.inspections_deferred.is_empty());

    // The server holds exactly the replica's rows, and the blobs they name.
    assert_eq!(server_rows(&db.pool, id).await, a.rows(id));
    assert_eq!(a.detail(id).inspection.status, InspectionStatus::Finalized);
    for bytes in [&photo, &ink] {
        assert!(server_has_blob(&db.pool, &sha256_hex(bytes)).await);
    }
    let deleted = format!("SELECT COUNT(*) FROM sync_row_version WHERE row_id = '{}'", gone.id);
    assert_eq!(count(&db.pool, &deleted).await, 0, "a deleted photo leaves the change log too");
    assert!(client::verify(&a.api, &a.store).await.unwrap().iter().all(|c| c.agrees()));

    // Device B pulls the same inspection and can open its photo and signatures offline.
    let b = Device::new(&url, &token).await;
    assert_eq!(b.detail(id), a.detail(id));
    let hash = kept.blob_hash().unwrap();
    assert_eq!(b.blobs.get(hash).unwrap(), photo);
    assert_eq!(b.api.get_blob(hash).await.unwrap(), photo);
    assert_eq!(b.blobs.get(&sha256_hex(&ink)).unwrap(), ink);

    // Nothing is pushed again, from either device.
    let mutations = count(&db.pool, "SELECT COUNT(*) FROM sync_mutation").await;
    assert_eq!(a.push().await, PushReport::default());
    assert_eq!(b.push().await, PushReport::default());
    assert_eq!((a.inspections_pending(), b.inspections_pending()), (0, 0));
    assert_eq!(count(&db.pool, "SELECT COUNT(*) FROM sync_mutation").await, mutations);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_an_inspection_the_server_has_finalized_is_refused_and_rolled_back() {
    let db = TestDb::new("insp_final", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    let id = d.inspection.id;
    a.store.add_move_in_photo(&a.blobs, d.rooms[0].room.id, "living.jpg", &test_images::sharp(), None, at(1)).unwrap();
    a.complete(id, at(1));
    a.sync().await;
    let mut b = Device::new(&url, &token).await;
    assert_eq!(b.detail(id), a.detail(id));

    // A signs and finalizes; B, not synced since, writes a note on the same inspection.
    let ink = test_images::signature();
    a.store.sign_move_in(&a.blobs, id, SignerRole::Tenant, "Terry Tenant", &ink, at(2)).unwrap();
    a.store.sign_move_in(&a.blobs, id, SignerRole::Manager, "Morgan Manager", &ink, at(3)).unwrap();
    a.store.finalize_move_in(id, at(4)).unwrap();
    assert_eq!(a.sync().await.0.inspections_applied, 1);
    b.store.set_move_in_room_notes(d.rooms[0].room.id, "scuff by the door", at(5)).unwrap();
    assert_eq!(b.inspections_pending(), 1);

    let pushed = b.push().await;
    assert_eq!(pushed.inspections_applied, 0);
    assert_eq!(
        pushed.inspections_rejected,
        vec![(
            id,
            "The server's copy: this inspection was finalized on 2026-06-15 12:04 UTC and can no longer be changed."
                .to_string()
        )]
    );
    // Rolled back to the server's copy: finalized, the note gone, nothing left to push.
    assert_eq!(b.detail(id), a.detail(id));
    assert_eq!(b.detail(id).rooms[0].room.notes, "");
    assert_eq!(b.inspections_pending(), 0);
    assert_eq!(server_rows(&db.pool, id).await, a.rows(id));

    // The finalized inspection is final on the replica too; attaching the report still syncs.
    let report = b.blobs.put(b"%PDF-1.7 condition report").unwrap();
    b.store.set_move_in_report(id, &report, at(6)).unwrap();
    let pushed = b.push().await;
    assert_eq!((pushed.inspections_applied, pushed.blobs_uploaded), (1, 1), "{pushed:?}");
    assert_eq!(server_rows(&db.pool, id).await[0][0]["condition_report_url"], format!("blob:{report}"));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_whose_blob_the_server_lacks_is_refused_clearly_and_kept() {
    let db = TestDb::new("insp_blob", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    let id = d.inspection.id;
    let photo = test_images::sharp();
    a.store.add_move_in_photo(&a.blobs, d.rooms[0].room.id, "living.jpg", &photo, None, at(1)).unwrap();
    let hash = sha256_hex(&photo);

    // Sent without uploading the photo first: nothing applied, nothing recorded.
    let pending = client::pending_inspections(&a.store).unwrap();
    let req = PushRequest { mutations: Vec::new(), inspections: pending.clone(), ..Default::default() };
    let answer = a.api.send_push_request(&req).await.unwrap();
    assert_eq!(answer.results[0].outcome, Outcome::Deferred);
    assert_eq!(
        answer.results[0].detail,
        format!("The server has no blob {hash}; upload each with PUT /api/v1/blobs/{{sha256}}, then push again.")
    );
    assert!(server_rows(&db.pool, id).await[0].is_empty());
    assert_eq!(count(&db.pool, "SELECT COUNT(*) FROM sync_mutation").await, 0);

    // The blob gone from this device as well: the push says so and keeps the inspection.
    let path = a.blobs.path(&hash).unwrap();
    std::fs::rename(&path, path.with_extension("away")).unwrap();
    let pushed = a.push().await;
    assert_eq!(pushed.inspections_deferred, vec![(id, answer.results[0].detail.clone())]);
    assert_eq!(a.inspections_pending(), 1);
    assert_eq!(a.detail(id).rooms[0].photos.len(), 1, "nothing rolled back");

    // Back on disk: the same mutation goes through, blob first.
    std::fs::rename(path.with_extension("away"), &path).unwrap();
    assert_eq!(client::pending_inspections(&a.store).unwrap()[0].client_id, pending[0].client_id);
    let pushed = a.push().await;
    assert_eq!((pushed.inspections_applied, pushed.blobs_uploaded, pushed.duplicates), (1, 1, 0));
    assert!(server_has_blob(&db.pool, &hash).await);
    assert_eq!(server_rows(&db.pool, id).await, a.rows(id));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_push_is_answered_again_not_applied_twice() {
    let db = TestDb::new("insp_retry", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    let id = d.inspection.id;
    a.store.add_move_in_photo(&a.blobs, d.rooms[0].room.id, "living.jpg", &test_images::sharp(), None, at(1)).unwrap();

    // The server applies the push but the answer never arrives.
    let pending = client::pending_inspections(&a.store).unwrap();
    client::upload_blobs(&a.api, &a.store, &a.blobs, &pending).await.unwrap();
    let req = PushRequest { mutations: Vec::new(), inspections: pending.clone(), ..Default::default() };
    let first = a.api.send_push_request(&req).await.unwrap();
    assert_eq!((first.results[0].outcome, first.results[0].duplicate), (Outcome::Applied, false));
    let seq = "SELECT MAX(change_seq) FROM sync_row_version";
    let after_first = count(&db.pool, seq).await;

    // The next push sends the same mutation: answered from the record, not applied again.
    let pushed = a.push().await;
    assert_eq!((pushed.inspections_applied, pushed.duplicates, pushed.blobs_uploaded), (1, 1, 0));
    assert_eq!(count(&db.pool, seq).await, after_first, "no row was written again");
    let recorded = format!("SELECT COUNT(*) FROM sync_mutation WHERE client_id = '{}'", pending[0].client_id);
    assert_eq!(count(&db.pool, &recorded).await, 1);
    assert_eq!(a.inspections_pending(), 0);
    assert_eq!(server_rows(&db.pool, id).await, a.rows(id));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_that_break_the_rules_are_refused_with_the_reason() {
    let db = TestDb::new("insp_rules", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    a.store.add_move_in_photo(&a.blobs, d.rooms[0].room.id, "living.jpg", &test_images::sharp(), None, at(1)).unwrap();
    let base = client::pending_inspections(&a.store).unwrap().remove(0);
    client::upload_blobs(&a.api, &a.store, &a.blobs, std::slice::from_ref(&base)).await.unwrap();

    let refused = |api: Client, mut m: unitcycle_sync::wire::InspectionPush| async move {
        m.client_id = Uuid::new_v4();
        let req = PushRequest { mutations: Vec::new(), inspections: vec![m], ..Default::default() };
        let r = api.send_push_request(&req).await.unwrap().results.remove(0);
        assert_eq!(r.outcome, Outcome::Rejected, "{}", r.detail);
        assert!(r.rows.is_empty(), "the server has no such inspection to roll back to");
        r.detail
    };
    let mut unsigned = base.clone();
    unsigned.inspection["status"] = "finalized".into();
    unsigned.inspection["finalized_at"] = "2026-06-15T12:05:00Z".into();
    assert_eq!(
        refused(a.api.clone(), unsigned).await,
        "Cannot finalize: finalizing needs both signatures; missing: tenant and manager."
    );
    let mut stray = base.clone();
    stray.photos[0]["room_id"] = Uuid::new_v4().to_string().into();
    assert_eq!(
        refused(a.api.clone(), stray).await,
        format!("Photo {} is not in a room of this inspection.", base.photos[0]["id"].as_str().unwrap())
    );
    let mut moved = base.clone();
    moved.inspection["unit_id"] = Uuid::new_v4().to_string().into();
    assert!(refused(a.api.clone(), moved).await.starts_with(&format!("Lease {} is for unit", d.inspection.lease_id)));
    let other = Client::new(&url, Some(db.token(MANAGER_B).await)).unwrap();
    assert_eq!(
        refused(other, base.clone()).await,
        format!("You may not change inspections of property {}.", d.inspection.property_id)
    );
    assert_eq!(count(&db.pool, "SELECT COUNT(*) FROM sync_mutation WHERE outcome = 'rejected'").await, 4);

    // A refusal whose answer was lost (sent under the replica's own client id): the next push
    // gets it again and rolls the replica back to what the server has, here nothing.
    let mut forged = base.clone();
    forged.inspection["status"] = "finalized".into();
    let req = PushRequest { mutations: Vec::new(), inspections: vec![forged], ..Default::default() };
    a.api.send_push_request(&req).await.unwrap();
    let pushed = a.push().await;
    assert_eq!(pushed.duplicates, 1);
    assert_eq!(pushed.inspections_rejected.len(), 1, "{pushed:?}");
    assert!(a.store.move_in_detail(d.inspection.id).is_err(), "the refused inspection is gone");
    assert_eq!(a.inspections_pending(), 0);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_on_one_inspection_keep_each_others_photos_and_local_notes() {
    let db = TestDb::new("insp_two", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    let id = d.inspection.id;
    a.sync().await;
    let mut b = Device::new(&url, &token).await;

    // B writes a note offline; A adds a photo and syncs.
    b.store.set_move_in_room_notes(d.rooms[0].room.id, "scuff by the door", at(1)).unwrap();
    let photo = test_images::sharp();
    a.store.add_move_in_photo(&a.blobs, d.rooms[1].room.id, "kitchen.jpg", &photo, None, at(2)).unwrap();
    assert_eq!(a.sync().await.0.inspections_applied, 1);

    // A pull does not overwrite B's unpushed note; A's photo, new to B, lands.
    client::pull(&b.api, &b.store, &b.url, 100, &mut |_| {}).await.unwrap();
    assert_eq!(b.detail(id).rooms[0].room.notes, "scuff by the door");
    assert_eq!(b.detail(id).rooms[1].photos.len(), 1);
    assert_eq!(b.inspections_pending(), 1);

    // B's push keeps both: its note and A's photo (appended rows never conflict).
    let (pushed, _) = b.sync().await;
    assert_eq!(pushed.inspections_applied, 1, "{pushed:?}");
    let server = server_rows(&db.pool, id).await;
    assert_eq!(server[2].len(), 1);
    assert_eq!(server, b.rows(id));
    a.sync().await;
    assert_eq!(a.detail(id), b.detail(id));
    assert_eq!(a.detail(id).rooms[0].room.notes, "scuff by the door");
    db.finish().await;
}

#[tokio::test]
async fn photos_taken_on_two_devices_in_one_room_are_both_counted_by_the_server() {
    let db = TestDb::new("insp_counts", 400).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let mut a = Device::new(&url, &token).await;
    let d = a.start(at(0));
    let id = d.inspection.id;
    let kitchen = d.rooms[1].room.id;
    a.sync().await;
    let mut b = Device::new(&url, &token).await;

    // Both devices photograph the kitchen offline; neither has seen the other's photo.
    let photo = test_images::sharp();
    a.store.add_move_in_photo(&a.blobs, kitchen, "a.jpg", &photo, None, at(1)).unwrap();
    b.store.add_move_in_photo(&b.blobs, kitchen, "b.jpg", &photo, None, at(2)).unwrap();
    assert_eq!(a.sync().await.0.inspections_applied, 1);
    assert_eq!(b.sync().await.0.inspections_applied, 1);

    // The server recomputed the room from what it holds: two photos, counted as two.
    a.sync().await;
    for device in [&a, &b] {
        let room = &device.detail(id).rooms[1];
        assert_eq!(room.photos.len(), 2);
        assert_eq!(room.room.photo_count, 2);
    }
    assert_eq!(a.detail(id), b.detail(id));
    db.finish().await;
}
