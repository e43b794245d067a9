//! The replica side of sync: the HTTP client (reqwest, rustls), the outbox of offline
//! mutations, pull (apply the server's changes after the cursor) and push (send the outbox,
//! reconcile with the answers).
//!
//! Move-in inspections are edited offline through `core`'s store and pushed whole: an
//! inspection whose `updated_at` moved past its `sync_inspection_push` marker is sent as one
//! snapshot of its rows, after the blobs it references that the server lacks. Applied, the
//! marker moves; refused, the replica rolls back to the server's rows; deferred (a blob still
//! missing), it stays pending under the same client id. Pulled inspection rows move the marker
//! too, so they are not pushed straight back.
//!
//! A lifecycle action taken on a replica is applied locally at once (same `core` state machine
//! as the server) and queued in `sync_outbox` with the id of the status-log row it wrote. On
//! push the server applies it with the same log id, or refuses it: then the local log row is
//! removed and the server's lease and unit rows replace the local ones, and the reason is
//! reported. Pull is idempotent (upserts by id) and moves the cursor in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use unitcycle_core::blobs::{BlobError, BlobStore};
use unitcycle_core::command_center::workflow as cc_workflow;
use unitcycle_core::lifecycle::{self, LifecycleAction};
use unitcycle_core::model::Lease;
use unitcycle_core::store::{self, Store, StoreError};
use unitcycle_core::sync_actions;
use uuid::Uuid;

use unitcycle_sync_protocol::tables::{self, RowError};
use unitcycle_sync_protocol::wire::{
    ActionWire, BlobStored, Change, ChangesPage, CountsResponse, ErrorBody, FeatureAction, InspectionPush,
    LoginRequest, LoginResponse, Mutation, Outcome, PushRequest, PushResponse,
};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the server: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the server answered {status}: {detail}")]
    Server { status: u16, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("replica database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("bad row from the server: {0}")]
    Row(#[from] RowError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// An HTTP client for one server, with an optional bearer token.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> Result<Client> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .user_agent(concat!("unitcycle/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client { base: base.trim_end_matches('/').to_string(), token, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn answer<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.json().await?);
        }
        let text = resp.text().await.unwrap_or_default();
        let detail = serde_json::from_str::<ErrorBody>(&text).map(|e| e.detail).unwrap_or(text);
        Err(ClientError::Server { status: status.as_u16(), detail })
    }

    fn auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        Self::answer(self.auth(self.http.get(format!("{}{path}", self.base))).send().await?).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        Self::answer(self.auth(self.http.post(format!("{}{path}", self.base))).json(body).send().await?).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse> {
        self.post("/api/v1/auth/login/", &LoginRequest { email: email.into(), password: password.into() }).await
    }

    pub async fn changes(&self, since: i64, limit: i64) -> Result<ChangesPage> {
        self.get(&format!("/api/v1/sync/changes?since={since}&limit={limit}")).await
    }

    /// Sends one batch of mutations as it is (the low-level call; `push` reconciles).
    pub async fn send_push(&self, mutations: &[Mutation]) -> Result<PushResponse> {
        self.send_push_request(&PushRequest {
            mutations: mutations.to_vec(),
            inspections: Vec::new(),
            ..Default::default()
        })
        .await
    }

    /// Sends a push request as it is: lifecycle mutations and/or inspection snapshots.
    pub async fn send_push_request(&self, req: &PushRequest) -> Result<PushResponse> {
        self.post("/api/v1/sync/push", req).await
    }

    /// Uploads a blob (`PUT /api/v1/blobs/{sha256}`); storing one the server has is a no-op.
    pub async fn put_blob(&self, sha256: &str, bytes: Vec<u8>) -> Result<BlobStored> {
        let req = self
            .http
            .put(format!("{}/api/v1/blobs/{sha256}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type(&bytes))
            .body(bytes);
        Self::answer(self.auth(req).send().await?).await
    }

    /// Downloads a blob, checked against its hash.
    pub async fn get_blob(&self, sha256: &str) -> Result<Vec<u8>> {
        let resp = self.auth(self.http.get(format!("{}/api/v1/blobs/{sha256}", self.base))).send().await?;
        if !resp.status().is_success() {
            return Self::answer::<Value>(resp).await.map(|_| Vec::new());
        }
        let bytes = resp.bytes().await?.to_vec();
        let actual = unitcycle_core::blobs::sha256_hex(&bytes);
        if actual != sha256 {
            return Err(ClientError::Other(format!("blob {sha256} arrived as bytes hashing to {actual}")));
        }
        Ok(bytes)
    }

    pub async fn counts(&self) -> Result<CountsResponse> {
        self.get("/api/v1/sync/counts").await
    }
}

/// The content type a blob is served with, from its first bytes.
fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

// --- replica state ------------------------------------------------------------------------

/// The replica's record of one server (`sync_state`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncState {
    pub server_url: String,
    pub device_id: Uuid,
    pub email: String,
    pub cursor: i64,
    pub last_pull_at: Option<String>,
    pub last_push_at: Option<String>,
    pub pending: i64,
    /// Move-in inspections changed here and not pushed yet.
    pub inspections_pending: i64,
}

/// The server this replica syncs with, if it was ever logged in.
pub fn state(store: &Store) -> Result<Option<SyncState>> {
    let conn = store.conn();
    let pending: i64 = conn.query_row("SELECT COUNT(*) FROM sync_outbox", [], |r| r.get(0))?;
    let inspections_pending = changed_inspections(conn)?.len() as i64;
    let row = conn
        .query_row(
            "SELECT server_url, device_id, email, cursor, last_pull_at, last_push_at FROM sync_state
             ORDER BY last_pull_at DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(|(server_url, device, email, cursor, last_pull_at, last_push_at)| SyncState {
        server_url,
        device_id: Uuid::parse_str(&device).unwrap_or_default(),
        email,
        cursor,
        last_pull_at,
        last_push_at,
        pending,
        inspections_pending,
    }))
}

/// Records (or re-points) the server this replica syncs with. Switching servers resets the
/// cursor; logging in again to the same server keeps it.
pub fn set_server(store: &Store, server_url: &str, email: &str) -> Result<()> {
    let conn = store.conn();
    conn.execute("DELETE FROM sync_state WHERE server_url <> ?1", [server_url])?;
    conn.execute(
        "INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES (?1, ?2, ?3, 0)
         ON CONFLICT(server_url) DO UPDATE SET email = excluded.email",
        params![server_url, Uuid::new_v4().to_string(), email],
    )?;
    Ok(())
}

fn cursor(conn: &rusqlite::Connection, server_url: &str) -> Result<i64> {
    Ok(conn
        .query_row("SELECT cursor FROM sync_state WHERE server_url = ?1", [server_url], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

// --- the outbox -----------------------------------------------------------------------------

/// Applies a lifecycle action to the replica at once (validated by the core state machine)
/// and queues it for the server. Returns the updated lease and the mutation's client id.
pub fn record_action(
    store: &mut Store,
    lease_id: Uuid,
    action: &LifecycleAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Lease, Uuid)> {
    let wire = ActionWire::from_action(action)
        .ok_or_else(|| ClientError::Other("renewals are not synced by this build".into()))?;
    let lease = store.lease(lease_id)?;
    let today = unitcycle_core::time::today_at(&*store, lease.property_id, now)?;
    let t = lifecycle::plan_action(&lease, action, actor, today).map_err(StoreError::from)?;
    let client_id = Uuid::new_v4();
    let payload = serde_json::to_string(&wire).map_err(|e| ClientError::Other(e.to_string()))?;
    store.transaction(|tx| {
        store::apply_transition(tx, &t, now)?;
        let log_id: String = tx.query_row(
            "SELECT id FROM lease_status_log WHERE lease_id = ?1 ORDER BY rowid DESC LIMIT 1",
            [lease_id.to_string()],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO sync_outbox (client_id, kind, lease_id, payload, local_log_id, created_at)
             VALUES (?1, 'lifecycle', ?2, ?3, ?4, ?5)",
            params![client_id.to_string(), lease_id.to_string(), payload, log_id, now],
        )?;
        Ok(())
    })?;
    Ok((store.lease(lease_id)?, client_id))
}

/// The queued mutations, oldest first.
pub fn pending(store: &Store) -> Result<Vec<Mutation>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT client_id, lease_id, local_log_id, payload FROM sync_outbox ORDER BY created_at, rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (client_id, lease_id, log_id, payload) = row?;
        let bad = |what: &str| ClientError::Other(format!("outbox entry {client_id} has a bad {what}"));
        out.push(Mutation {
            client_id: Uuid::parse_str(&client_id).map_err(|_| bad("client id"))?,
            lease_id: Uuid::parse_str(&lease_id).map_err(|_| bad("lease id"))?,
            log_id: log_id.and_then(|l| Uuid::parse_str(&l).ok()).unwrap_or_else(Uuid::new_v4),
            action: serde_json::from_str(&payload).map_err(|_| bad("payload"))?,
        });
    }
    Ok(out)
}

/// Applies server rows to the replica (upsert by id), foreign keys relaxed while the batch
/// lands: the server checked them, and a page may hold a child before a parent it shares.
/// Rows of an inspection with unpushed local changes are not overwritten (the push that
/// follows settles it: applied, the server sends the rows back; refused, the replica rolls
/// back); rows new to the replica, such as another device's photo, are added.
fn apply_rows(conn: &rusqlite::Connection, changes: &[Change], cursor: Option<(&str, i64)>) -> Result<usize> {
    with_relaxed_keys(conn, |tx| {
        let dirty = changed_inspections(tx)?;
        let mut applied = 0;
        let mut landed = Vec::with_capacity(changes.len());
        for c in changes {
            let Some(t) = tables::table(&c.entity) else { continue };
            if !dirty.is_empty() && holds_local_edit(tx, t, c, &dirty)? {
                continue;
            }
            give_way_to_server(tx, t.name, c)?;
            landed.push(c);
            let row = tables::canonicalize(t, c.row.clone())?;
            tables::sqlite_upsert(tx, t, &[row])?;
            applied += 1;
        }
        note_server_rows(tx, &landed)?;
        if let Some((server, seq)) = cursor {
            tx.execute(
                "UPDATE sync_state SET cursor = ?2, last_pull_at = ?3 WHERE server_url = ?1",
                params![server, seq, Utc::now().to_rfc3339()],
            )?;
        }
        Ok(applied)
    })
}

/// The server owns feature state: a record a local job or action made while connected (an open
/// renewal recommendation, an open collection case with its actions and plan, a queue item, a
/// bulk batch with its items) gives way to the server's record for the same lease, unit and day,
/// or request, so a replica that ran the jobs itself is reconciled, not left with two of each.
/// Job runs have no such key on a replica (a failed and a later successful run share a day), so
/// a replica's own runs stay beside the server's.
fn give_way_to_server(conn: &rusqlite::Connection, table: &str, c: &Change) -> Result<()> {
    let lease = c.row["lease_id"].as_str().unwrap_or_default();
    let id = c.id.to_string();
    match table {
        "renewal_recommendation" => {
            conn.execute(
                "DELETE FROM renewal_recommendation WHERE lease_id = ?1 AND id <> ?2
                 AND status IN ('pending', 'approved', 'sent')",
                params![lease, id],
            )?;
        }
        "collection_case" => {
            let local = "SELECT id FROM collection_case WHERE lease_id = ?1 AND id <> ?2
                 AND status IN ('open', 'payment_plan', 'escalated')";
            for sql in [
                format!(
                    "DELETE FROM collection_plan_installment WHERE plan_id IN
                     (SELECT id FROM collection_payment_plan WHERE case_id IN ({local}))"
                ),
                format!("DELETE FROM collection_payment_plan WHERE case_id IN ({local})"),
                format!("DELETE FROM collection_action WHERE case_id IN ({local})"),
                format!("DELETE FROM collection_case WHERE id IN ({local})"),
            ] {
                conn.execute(&sql, params![lease, id])?;
            }
        }
        // One queue item per unit, action type and day: a local one (the replica ran the queue
        // job itself) gives way to the server's.
        "ai_action_queue" => {
            conn.execute(
                "DELETE FROM ai_action_queue WHERE unit_id = ?1 AND action_type = ?2 AND generated_on = ?3 AND id <> ?4",
                params![str_of(c, "unit_id"), str_of(c, "action_type"), str_of(c, "generated_on"), id],
            )?;
        }
        // One batch per request id: the replica's own (made while connected, before the server
        // carried out the same request) gives way with its items.
        "bulk_action_batch" => {
            let local = "SELECT id FROM bulk_action_batch WHERE request_id = ?1 AND id <> ?2";
            conn.execute(
                &format!("DELETE FROM bulk_action_item WHERE batch_id IN ({local})"),
                params![str_of(c, "request_id"), id],
            )?;
            conn.execute(
                &format!("DELETE FROM bulk_action_batch WHERE id IN ({local})"),
                params![str_of(c, "request_id"), id],
            )?;
        }
        "bulk_action_item" => {
            conn.execute(
                "DELETE FROM bulk_action_item WHERE batch_id = ?1 AND unit_id = ?2 AND id <> ?3",
                params![str_of(c, "batch_id"), str_of(c, "unit_id"), id],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Rolls back the rows a refused action made locally: of the record's family
/// (`tables::FAMILIES`), the rows the server did not send back are the replica's own.
fn drop_local_family(conn: &rusqlite::Connection, entity: &str, id: Uuid, server_rows: &[Change]) -> Result<()> {
    with_relaxed_keys(conn, |tx| {
        for (t, cond) in tables::family(entity, "?1") {
            let keep: Vec<String> =
                server_rows.iter().filter(|c| c.entity == t.name).map(|c| c.id.to_string()).collect();
            let ours: Vec<String> = tx
                .prepare(&format!("SELECT id FROM {} WHERE {cond}", t.name))?
                .query_map([id.to_string()], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            for row in ours.iter().filter(|r| !keep.contains(r)) {
                tx.execute(&format!("DELETE FROM {} WHERE id = ?1", t.name), [row])?;
            }
        }
        Ok(())
    })
}

/// Column `name` of a pulled row as text ("" when absent).
fn str_of<'a>(c: &'a Change, name: &str) -> &'a str {
    c.row[name].as_str().unwrap_or_default()
}

/// Runs `f` in a transaction with foreign keys off (turned back on whatever happens).
fn with_relaxed_keys<T>(
    conn: &rusqlite::Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = (|| -> Result<T> {
        let tx = conn.unchecked_transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

/// Whether change `c` would overwrite a row of an inspection in `dirty` that the replica holds.
fn holds_local_edit(conn: &rusqlite::Connection, t: &tables::Table, c: &Change, dirty: &[Uuid]) -> Result<bool> {
    let id = c.id.to_string();
    let inspection = match t.name {
        "move_in_inspection" => Some(id.clone()),
        "move_in_room" | "move_in_photo" => c.row["inspection_id"].as_str().map(str::to_string),
        "move_in_item" => conn
            .query_row(
                "SELECT inspection_id FROM move_in_room WHERE id = ?1",
                [c.row["room_id"].as_str().unwrap_or_default()],
                |r| r.get::<_, String>(0),
            )
            .optional()?,
        _ => return Ok(false),
    };
    let Some(inspection) = inspection.and_then(|i| Uuid::parse_str(&i).ok()) else { return Ok(false) };
    if !dirty.contains(&inspection) {
        return Ok(false);
    }
    let exists =
        conn.query_row(&format!("SELECT 1 FROM {} WHERE id = ?1", t.name), [&id], |_| Ok(())).optional()?.is_some();
    Ok(exists)
}

/// After server rows landed: inspections they hold are as pushed as the server's copy, and
/// the blobs they reference are on the server.
fn note_server_rows(conn: &rusqlite::Connection, landed: &[&Change]) -> Result<()> {
    for c in landed {
        let urls: &[&str] = match c.entity.as_str() {
            "move_in_inspection" => {
                conn.execute(
                    "INSERT INTO sync_inspection_push (inspection_id, pushed_updated_at)
                     SELECT id, updated_at FROM move_in_inspection WHERE id = ?1
                     ON CONFLICT(inspection_id) DO UPDATE SET pushed_updated_at = excluded.pushed_updated_at",
                    [c.id.to_string()],
                )?;
                &["tenant_signature_url", "manager_signature_url", "condition_report_url"]
            }
            "move_in_photo" => &["photo_url"],
            _ => continue,
        };
        for url in urls.iter().filter_map(|u| c.row[*u].as_str()) {
            if let Some(hash) = unitcycle_core::inspections::blob_hash(url) {
                conn.execute("INSERT OR IGNORE INTO sync_blob_known (sha256) VALUES (?1)", [hash])?;
            }
        }
    }
    Ok(())
}

// --- move-in inspections --------------------------------------------------------------------

/// Inspections changed on this replica since they were last pushed or pulled, oldest change
/// first.
pub fn changed_inspections(conn: &rusqlite::Connection) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id FROM move_in_inspection i LEFT JOIN sync_inspection_push s ON s.inspection_id = i.id
         WHERE s.pushed_updated_at IS NULL OR s.pushed_updated_at <> i.updated_at
         ORDER BY i.updated_at, i.id",
    )?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect())
}

/// The snapshot to push for every changed inspection. Each is read in one transaction with
/// the client id it goes under: the id of an earlier push of the same state that got no answer
/// (so the retry is answered, not applied twice), else a new one, recorded before it is sent.
pub fn pending_inspections(store: &Store) -> Result<Vec<InspectionPush>> {
    let conn = store.conn();
    let ids = changed_inspections(conn)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let tx = conn.unchecked_transaction()?;
        let key = id.to_string();
        let Some(updated_at) = tx
            .query_row("SELECT updated_at FROM move_in_inspection WHERE id = ?1", [&key], |r| r.get::<_, String>(0))
            .optional()?
        else {
            continue;
        };
        let marker: Option<(Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT pending_client_id, pending_updated_at FROM sync_inspection_push WHERE inspection_id = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let reuse = match marker {
            Some((Some(client_id), Some(at))) if at == updated_at => Uuid::parse_str(&client_id).ok(),
            _ => None,
        };
        let client_id = match reuse {
            Some(c) => c,
            None => {
                let c = Uuid::new_v4();
                tx.execute(
                    "INSERT INTO sync_inspection_push (inspection_id, pending_client_id, pending_updated_at)
                     VALUES (?1, ?2, ?3) ON CONFLICT(inspection_id) DO UPDATE
                     SET pending_client_id = excluded.pending_client_id, pending_updated_at = excluded.pending_updated_at",
                    params![key, c.to_string(), updated_at],
                )?;
                c
            }
        };
        let [mut inspection, rooms, photos, items] = tables::sqlite_inspection(&tx, &key)?;
        let base_seq: i64 = tx.query_row("SELECT COALESCE(MAX(cursor), 0) FROM sync_state", [], |r| r.get(0))?;
        tx.commit()?;
        let Some(inspection) = inspection.pop() else { continue };
        out.push(InspectionPush { client_id, inspection_id: id, base_seq, inspection, rooms, photos, items });
    }
    Ok(out)
}

/// Uploads the blobs `pushes` reference that the server is not known to hold. Returns how
/// many were uploaded; a blob missing here too is left for the server to name.
pub async fn upload_blobs(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    pushes: &[InspectionPush],
) -> Result<usize> {
    upload_hashes(client, store, blobs, pushes.iter().flat_map(InspectionPush::blob_hashes)).await
}

/// The `blob:<sha256>` URLs anywhere in an action (a move-out photo), for upload before it.
fn action_blob_hashes(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(h) = s.strip_prefix("blob:").filter(|h| h.len() == 64) {
                out.push(h.to_string());
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| action_blob_hashes(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| action_blob_hashes(x, out)),
        _ => {}
    }
}

/// Uploads the blobs named by `hashes` that the server is not known to hold.
async fn upload_hashes<'a>(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    all: impl Iterator<Item = &'a str>,
) -> Result<usize> {
    let mut uploaded = 0;
    let mut hashes: Vec<&str> = Vec::new();
    for h in all {
        if !hashes.contains(&h) {
            hashes.push(h);
        }
    }
    for hash in hashes {
        let known = store
            .conn()
            .query_row("SELECT 1 FROM sync_blob_known WHERE sha256 = ?1", [hash], |_| Ok(()))
            .optional()?
            .is_some();
        if known {
            continue;
        }
        let bytes = match blobs.get(hash) {
            Ok(b) => b,
            Err(BlobError::Missing(_) | BlobError::BadHash(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        client.put_blob(hash, bytes).await?;
        store.conn().execute("INSERT OR IGNORE INTO sync_blob_known (sha256) VALUES (?1)", [hash])?;
        uploaded += 1;
    }
    Ok(uploaded)
}

/// Rolls an inspection back to the server's rows (none: the server has no such inspection,
/// so the local one goes).
fn roll_back_inspection(conn: &rusqlite::Connection, id: Uuid, rows: &[Change]) -> Result<()> {
    with_relaxed_keys(conn, |tx| {
        let key = id.to_string();
        tx.execute(
            "DELETE FROM move_in_item WHERE room_id IN (SELECT id FROM move_in_room WHERE inspection_id = ?1)",
            [&key],
        )?;
        tx.execute("DELETE FROM move_in_photo WHERE inspection_id = ?1", [&key])?;
        tx.execute("DELETE FROM move_in_room WHERE inspection_id = ?1", [&key])?;
        tx.execute("DELETE FROM move_in_inspection WHERE id = ?1", [&key])?;
        tx.execute("DELETE FROM sync_inspection_push WHERE inspection_id = ?1", [&key])?;
        let mut landed = Vec::with_capacity(rows.len());
        for c in rows {
            let Some(t) = tables::table(&c.entity) else { continue };
            tables::sqlite_upsert(tx, t, &[tables::canonicalize(t, c.row.clone())?])?;
            landed.push(c);
        }
        note_server_rows(tx, &landed)
    })
}

/// Downloads the blobs that inspection rows on this replica reference and it lacks (photos,
/// signatures, reports pulled from the server), so they open offline. Returns how many.
pub async fn fetch_blobs(client: &Client, store: &Store, blobs: &BlobStore) -> Result<usize> {
    let urls: Vec<String> = {
        let mut stmt = store.conn().prepare(
            "SELECT photo_url FROM move_in_photo
             UNION SELECT tenant_signature_url FROM move_in_inspection
             UNION SELECT manager_signature_url FROM move_in_inspection
             UNION SELECT condition_report_url FROM move_in_inspection",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let mut fetched = 0;
    for hash in urls.iter().filter_map(|u| unitcycle_core::inspections::blob_hash(u)) {
        if blobs.path(hash).is_err() || blobs.contains(hash) {
            continue;
        }
        match client.get_blob(hash).await {
            Ok(bytes) => {
                blobs.put(&bytes)?;
                fetched += 1;
            }
            // Not on the server (yet): the next sync tries again.
            Err(ClientError::Server { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(fetched)
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PushReport {
    /// Lifecycle actions applied.
    pub applied: usize,
    pub duplicates: usize,
    /// (lease id, the server's reason) for each refused mutation, now rolled back.
    pub rejected: Vec<(Uuid, String)>,
    /// Move-in inspections the server took.
    pub inspections_applied: usize,
    /// (inspection id, the server's reason) for each refused inspection, now rolled back.
    pub inspections_rejected: Vec<(Uuid, String)>,
    /// (inspection id, what is missing) for each inspection kept for the next push.
    pub inspections_deferred: Vec<(Uuid, String)>,
    pub blobs_uploaded: usize,
    /// Feature actions (renewal steps, …) the server applied.
    pub actions_applied: usize,
    /// (record id, the server's reason) for each refused feature action, now rolled back.
    pub actions_rejected: Vec<(Uuid, String)>,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PullReport {
    pub rows: usize,
    pub pages: usize,
    pub cursor: i64,
    /// Blobs downloaded for pulled inspections (by `sync`).
    pub blobs: usize,
}

/// Sends the outbox in batches of `batch` and reconciles each answer, then every changed
/// move-in inspection (its blobs first), `batch` inspections per request.
pub async fn push(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    batch: usize,
    progress: &mut dyn FnMut(String),
) -> Result<PushReport> {
    let mut report = PushReport::default();
    let all = pending(store)?;
    let total = all.len();
    for chunk in all.chunks(batch.max(1)) {
        let answer = client.send_push(chunk).await?;
        let conn = store.conn();
        let mut rollback_rows = Vec::new();
        let tx = conn.unchecked_transaction()?;
        for r in &answer.results {
            let Some(m) = chunk.iter().find(|m| m.client_id == r.client_id) else { continue };
            tx.execute("DELETE FROM sync_outbox WHERE client_id = ?1", [r.client_id.to_string()])?;
            if r.duplicate {
                report.duplicates += 1;
            }
            match r.outcome {
                Outcome::Applied => report.applied += 1,
                Outcome::Rejected | Outcome::Deferred => {
                    tx.execute("DELETE FROM lease_status_log WHERE id = ?1", [m.log_id.to_string()])?;
                    rollback_rows.extend(r.rows.iter().cloned());
                    report.rejected.push((m.lease_id, r.detail.clone()));
                }
            }
        }
        tx.execute("UPDATE sync_state SET last_push_at = ?1", [Utc::now().to_rfc3339()])?;
        tx.commit()?;
        apply_rows(conn, &rollback_rows, None)?;
        progress(format!("pushed {}/{total} changes", report.applied + report.rejected.len()));
    }
    push_inspections(client, store, blobs, batch, &mut report, progress).await?;
    push_actions(client, store, blobs, batch, &mut report, progress).await?;
    Ok(report)
}

/// Sends the queued feature actions (`sync_action`), oldest first. An applied action is
/// forgotten (its rows come back by pull); a refused one rolls the replica back to the
/// server's rows, and a record the server does not hold for this user is removed.
async fn push_actions(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    batch: usize,
    report: &mut PushReport,
    progress: &mut dyn FnMut(String),
) -> Result<()> {
    let all = sync_actions::pending(store)?;
    let total = all.len();
    for chunk in all.chunks(batch.max(1)) {
        // The photos an action names go first, so the server can attach them.
        let mut hashes = Vec::new();
        chunk.iter().for_each(|a| action_blob_hashes(&a.action, &mut hashes));
        report.blobs_uploaded += upload_hashes(client, store, blobs, hashes.iter().map(String::as_str)).await?;
        let actions = chunk
            .iter()
            .map(|a| FeatureAction {
                client_id: a.client_id,
                entity: a.entity.clone(),
                entity_id: a.entity_id,
                action: a.action.clone(),
            })
            .collect();
        let answer = client.send_push_request(&PushRequest { actions, ..Default::default() }).await?;
        let conn = store.conn();
        for r in &answer.results {
            let Some(a) = chunk.iter().find(|a| a.client_id == r.client_id) else { continue };
            if r.duplicate {
                report.duplicates += 1;
            }
            match r.outcome {
                Outcome::Applied => report.actions_applied += 1,
                Outcome::Rejected | Outcome::Deferred => {
                    drop_local_family(conn, &a.entity, a.entity_id, &r.rows)?;
                    apply_rows(conn, &r.rows, None)?;
                    if a.entity == cc_workflow::QUEUE_ENTITY && a.action["action"] == "execute" {
                        // The batch the replica made to carry the item out has no server twin.
                        conn.execute(
                            "DELETE FROM bulk_action_batch WHERE request_id = ?1",
                            [cc_workflow::execute_request_id(a.entity_id)],
                        )?;
                    }
                    if a.entity == "tenant_ledger_entry" && a.action["action"] == "void_ledger" {
                        // The reversing entry the replica posted has no server twin.
                        let reversal = unitcycle_core::records::void_id(a.entity_id).to_string();
                        conn.execute("DELETE FROM tenant_ledger_entry WHERE id = ?1", [reversal])?;
                    }
                    if !r.rows.iter().any(|c| c.entity == a.entity && c.id == a.entity_id) {
                        if let Some(t) = tables::table(&a.entity) {
                            conn.execute(&format!("DELETE FROM {} WHERE id = ?1", t.name), [a.entity_id.to_string()])?;
                        }
                    }
                    report.actions_rejected.push((a.entity_id, r.detail.clone()));
                }
            }
            sync_actions::remove(conn, a.client_id)?;
        }
        progress(format!("pushed {}/{total} actions", report.actions_applied + report.actions_rejected.len()));
    }
    Ok(())
}

async fn push_inspections(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    batch: usize,
    report: &mut PushReport,
    progress: &mut dyn FnMut(String),
) -> Result<()> {
    let all = pending_inspections(store)?;
    let total = all.len();
    let mut done = 0;
    for chunk in all.chunks(batch.max(1)) {
        report.blobs_uploaded += upload_blobs(client, store, blobs, chunk).await?;
        let req = PushRequest { mutations: Vec::new(), inspections: chunk.to_vec(), ..Default::default() };
        let answer = client.send_push_request(&req).await?;
        let conn = store.conn();
        for r in &answer.results {
            let Some(m) = chunk.iter().find(|m| m.client_id == r.client_id) else { continue };
            if r.duplicate {
                report.duplicates += 1;
            }
            match r.outcome {
                Outcome::Applied => {
                    // Pushed as of the state sent; an edit made since stays changed.
                    conn.execute(
                        "UPDATE sync_inspection_push SET pushed_updated_at = pending_updated_at,
                         pending_client_id = NULL, pending_updated_at = NULL WHERE pending_client_id = ?1",
                        [m.client_id.to_string()],
                    )?;
                    report.inspections_applied += 1;
                }
                Outcome::Deferred => report.inspections_deferred.push((m.inspection_id, r.detail.clone())),
                Outcome::Rejected => {
                    roll_back_inspection(conn, m.inspection_id, &r.rows)?;
                    report.inspections_rejected.push((m.inspection_id, r.detail.clone()));
                }
            }
            done += 1;
        }
        conn.execute("UPDATE sync_state SET last_push_at = ?1", [Utc::now().to_rfc3339()])?;
        progress(format!("pushed {done}/{total} inspections"));
    }
    Ok(())
}

/// Pulls every change after the replica's cursor, `limit` rows per page.
pub async fn pull(
    client: &Client,
    store: &Store,
    server_url: &str,
    limit: i64,
    progress: &mut dyn FnMut(String),
) -> Result<PullReport> {
    let conn = store.conn();
    let mut report = PullReport { cursor: cursor(conn, server_url)?, ..PullReport::default() };
    loop {
        let page = client.changes(report.cursor, limit).await?;
        report.rows += apply_rows(conn, &page.changes, Some((server_url, page.next_since)))?;
        report.pages += 1;
        report.cursor = page.next_since;
        progress(format!("pulled {} rows (cursor {})", report.rows, report.cursor));
        if !page.has_more {
            return Ok(report);
        }
    }
}

/// One full sync: push the outbox and changed inspections, pull everything new, then fetch
/// the blobs pulled inspections reference.
pub async fn sync(
    client: &Client,
    store: &Store,
    blobs: &BlobStore,
    server_url: &str,
    progress: &mut dyn FnMut(String),
) -> Result<(PushReport, PullReport)> {
    let pushed = push(client, store, blobs, 500, progress).await?;
    let mut pulled = pull(client, store, server_url, 2000, progress).await?;
    pulled.blobs = fetch_blobs(client, store, blobs).await?;
    if pulled.blobs > 0 {
        progress(format!("fetched {} blobs", pulled.blobs));
    }
    Ok((pushed, pulled))
}

/// One line of `unitcycle sync verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountCheck {
    pub table: String,
    pub replica: i64,
    pub server: i64,
}

impl CountCheck {
    pub fn agrees(&self) -> bool {
        self.replica == self.server
    }
}

/// Compares the replica's row counts with what the server holds for this user.
pub async fn verify(client: &Client, store: &Store) -> Result<Vec<CountCheck>> {
    let server = client.counts().await?;
    let mut out = Vec::new();
    for (table, server_count) in server.counts {
        let Some(t) = tables::table(&table) else { continue };
        let replica: i64 = store.conn().query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| r.get(0))?;
        out.push(CountCheck { table, replica, server: server_count });
    }
    Ok(out)
}
