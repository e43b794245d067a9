//! The replica side of sync: the HTTP client (reqwest, rustls), the outbox of offline
//! mutations, pull (apply the server's changes after the cursor) and push (send the outbox,
//! reconcile with the answers).
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
use unitcycle_core::lifecycle::{self, LifecycleAction};
use unitcycle_core::model::Lease;
use unitcycle_core::store::{self, Store, StoreError};
use uuid::Uuid;

use crate::tables::{self, RowError};
use crate::wire::{
    ActionWire, Change, ChangesPage, CountsResponse, ErrorBody, LoginRequest, LoginResponse, Mutation, Outcome,
    PushRequest, PushResponse,
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
        self.post("/api/v1/sync/push", &PushRequest { mutations: mutations.to_vec() }).await
    }

    pub async fn counts(&self) -> Result<CountsResponse> {
        self.get("/api/v1/sync/counts").await
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
}

/// The server this replica syncs with, if it was ever logged in.
pub fn state(store: &Store) -> Result<Option<SyncState>> {
    let conn = store.conn();
    let pending: i64 = conn.query_row("SELECT COUNT(*) FROM sync_outbox", [], |r| r.get(0))?;
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
    let t = lifecycle::plan_action(&lease, action, actor, now.date_naive()).map_err(StoreError::from)?;
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
fn apply_rows(conn: &rusqlite::Connection, changes: &[Change], cursor: Option<(&str, i64)>) -> Result<usize> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = (|| -> Result<usize> {
        let tx = conn.unchecked_transaction()?;
        let mut applied = 0;
        for c in changes {
            let Some(t) = tables::table(&c.entity) else { continue };
            let row = tables::canonicalize(t, c.row.clone())?;
            tables::sqlite_upsert(&tx, t, &[row])?;
            applied += 1;
        }
        if let Some((server, seq)) = cursor {
            tx.execute(
                "UPDATE sync_state SET cursor = ?2, last_pull_at = ?3 WHERE server_url = ?1",
                params![server, seq, Utc::now().to_rfc3339()],
            )?;
        }
        tx.commit()?;
        Ok(applied)
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PushReport {
    pub applied: usize,
    pub duplicates: usize,
    /// (lease id, the server's reason) for each refused mutation, now rolled back.
    pub rejected: Vec<(Uuid, String)>,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PullReport {
    pub rows: usize,
    pub pages: usize,
    pub cursor: i64,
}

/// Sends the outbox in batches of `batch` and reconciles each answer.
pub async fn push(
    client: &Client,
    store: &Store,
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
                Outcome::Rejected => {
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
    Ok(report)
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

/// One full sync: push the outbox, then pull everything new.
pub async fn sync(
    client: &Client,
    store: &Store,
    server_url: &str,
    progress: &mut dyn FnMut(String),
) -> Result<(PushReport, PullReport)> {
    let pushed = push(client, store, 500, progress).await?;
    let pulled = pull(client, store, server_url, 2000, progress).await?;
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
