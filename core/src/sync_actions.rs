//! Actions a person takes on feature records (approve a renewal, …) on a **connected** replica:
//! applied to the replica at once by the core workflow and queued in `sync_action`, in the same
//! transaction, until the server has applied them with the same workflow (then the server's rows
//! come back by pull) or refused them (then the replica rolls back to the server's rows). A
//! standalone replica (never logged in) is the system of record and queues nothing.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use uuid::Uuid;

use crate::store::{Result, Store, StoreError};

/// One queued action: which record, and the action in its feature's serde form.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedAction {
    pub client_id: Uuid,
    /// The table of the record, e.g. `renewal_recommendation`.
    pub entity: String,
    pub entity_id: Uuid,
    pub action: Value,
}

/// Whether the replica is logged in to a server (then the server owns feature state).
pub fn connected(store: &Store) -> Result<bool> {
    Ok(store.conn().query_row("SELECT 1 FROM sync_state LIMIT 1", [], |_| Ok(())).optional()?.is_some())
}

/// Queues `a` inside the transaction that applied it.
pub fn queue(tx: &Transaction<'_>, a: &QueuedAction, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_action (client_id, entity, entity_id, action, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![a.client_id.to_string(), a.entity, a.entity_id.to_string(), a.action.to_string(), now],
    )?;
    Ok(())
}

/// The queued actions, oldest first.
pub fn pending(store: &Store) -> Result<Vec<QueuedAction>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT client_id, entity, entity_id, action FROM sync_action ORDER BY created_at, rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (client_id, entity, entity_id, action) = row?;
        let bad = |what: &str| StoreError::Corrupt(format!("queued action {client_id} has a bad {what}"));
        out.push(QueuedAction {
            client_id: Uuid::parse_str(&client_id).map_err(|_| bad("client id"))?,
            entity,
            entity_id: Uuid::parse_str(&entity_id).map_err(|_| bad("record id"))?,
            action: serde_json::from_str(&action).map_err(|_| bad("action"))?,
        });
    }
    Ok(out)
}

/// Forgets a queued action (the server answered it).
pub fn remove(conn: &rusqlite::Connection, client_id: Uuid) -> Result<()> {
    conn.execute("DELETE FROM sync_action WHERE client_id = ?1", [client_id.to_string()])?;
    Ok(())
}
