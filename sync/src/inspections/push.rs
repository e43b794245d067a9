//! A move-in inspection pushed whole by a replica (`POST /api/v1/sync/push`, `inspections`).
//!
//! The replica inspects offline and sends the inspection with its rooms, photos and items as a
//! snapshot of canonical rows. The server checks it (the caller's grants, lease/unit/property,
//! that every row belongs to the inspection, that its blobs are here, and the core inspection
//! rules: finalizing needs both signatures, a finalized inspection no longer changes), then in
//! one transaction upserts the rows, deletes the rows the replica deleted and enters every
//! touched row in the change log. Idempotent on the client id, like lifecycle mutations.
//!
//! Conflict rules: the latest snapshot wins field by field (free text is last-writer-wins by
//! arrival); a row the replica never saw (written after its `base_seq`, e.g. another device's
//! photo) is kept, so appended rows never conflict; a finalized inspection is final.

use std::collections::HashSet;

use deadpool_postgres::Object;
use serde_json::Value;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::inspections::{self as insp, InspectionStatus, MoveInInspection};
use uuid::Uuid;

use crate::auth::Principal;
use crate::pg::{self, PgError};
use crate::server::{ApiResult, AppState};
use crate::tables::{self, INSPECTION_PARTS};
use crate::wire::{Change, InspectionPush, MutationResult, Outcome};

/// Why a snapshot was not applied.
enum Refusal {
    /// Against the rules: recorded, answered with the server's rows to roll back to.
    Rejected(String),
    /// Something is missing (a blob): nothing recorded, the same mutation may come again.
    Deferred(String),
}

type Checked<T> = Result<T, Refusal>;

fn reject<T>(detail: impl Into<String>) -> Checked<T> {
    Err(Refusal::Rejected(detail.into()))
}

/// The snapshot, canonical and split by table (parents first, as `INSPECTION_PARTS`).
struct Snapshot {
    id: Uuid,
    inspection: MoveInInspection,
    rows: [Vec<Value>; 4],
}

fn row_id(v: &Value) -> Option<Uuid> {
    v["id"].as_str().and_then(|s| Uuid::parse_str(s).ok())
}

fn text<'a>(v: &'a Value, column: &str) -> &'a str {
    v[column].as_str().unwrap_or_default()
}

fn uuid_of(v: &Value, column: &str) -> Option<Uuid> {
    v[column].as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// Canonical rows, ids unique, every child pointing inside the snapshot.
fn parse(m: &InspectionPush) -> Checked<Snapshot> {
    let given = [vec![m.inspection.clone()], m.rooms.clone(), m.photos.clone(), m.items.clone()];
    let mut rows: [Vec<Value>; 4] = Default::default();
    let mut seen = HashSet::new();
    for (i, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        let Some(t) = tables::table(name) else { return reject(format!("unknown table {name}")) };
        for row in &given[i] {
            let row = match tables::canonicalize(t, row.clone()) {
                Ok(r) => r,
                Err(e) => return reject(format!("The inspection's rows are malformed: {e}.")),
            };
            let Some(id) = row_id(&row) else { return reject(format!("{name}: an id must be a UUID.")) };
            if !seen.insert(id) {
                return reject(format!("{name} {id} appears twice in the inspection."));
            }
            rows[i].push(row);
        }
    }
    let id = m.inspection_id;
    if row_id(&rows[0][0]) != Some(id) {
        return reject(format!("The inspection row's id is not {id}."));
    }
    let inspection: MoveInInspection = match serde_json::from_value(rows[0][0].clone()) {
        Ok(i) => i,
        Err(e) => return reject(format!("move_in_inspection is malformed: {e}.")),
    };
    let ids = |k: usize| -> HashSet<Uuid> { rows[k].iter().filter_map(row_id).collect() };
    let (rooms, photos) = (ids(1), ids(2));
    for r in &rows[1] {
        if uuid_of(r, "inspection_id") != Some(id) {
            return reject(format!("Room {} belongs to another inspection.", text(r, "id")));
        }
    }
    for p in &rows[2] {
        if uuid_of(p, "inspection_id") != Some(id) || !uuid_of(p, "room_id").is_some_and(|r| rooms.contains(&r)) {
            return reject(format!("Photo {} is not in a room of this inspection.", text(p, "id")));
        }
    }
    for it in &rows[3] {
        if !uuid_of(it, "room_id").is_some_and(|r| rooms.contains(&r)) {
            return reject(format!("Item {} is not in a room of this inspection.", text(it, "id")));
        }
        if !it["photo_id"].is_null() && !uuid_of(it, "photo_id").is_some_and(|p| photos.contains(&p)) {
            return reject(format!("Item {} points at a photo that is not in this inspection.", text(it, "id")));
        }
    }
    Ok(Snapshot { id, inspection, rows })
}

/// The blob hashes the snapshot references (photos, signatures, the condition report).
fn blob_refs(m: &InspectionPush) -> Checked<Vec<String>> {
    let mut out = Vec::new();
    for hash in m.blob_hashes() {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return reject(format!("'blob:{hash}' does not name a blob (64 lowercase hex digits)."));
        }
        out.push(hash.to_string());
    }
    Ok(out)
}

/// The rows of inspection `id` on the server, per table of `INSPECTION_PARTS`, ordered by id.
pub async fn server_rows(c: &impl GenericClient, id: Uuid) -> Result<[Vec<Value>; 4], PgError> {
    let mut out: [Vec<Value>; 4] = Default::default();
    for (i, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        let Some(t) = tables::table(name) else { continue };
        let scope = tables::inspection_scope(name, "$1").unwrap_or_default();
        let sql = format!("SELECT {} FROM {name} r WHERE {scope} ORDER BY r.id", tables::pg_json_expr(t));
        for r in c.query(&sql, &[&id]).await? {
            out[i].push(tables::canonicalize(t, r.get::<_, Value>(0))?);
        }
    }
    Ok(out)
}

/// The server's rows of an inspection the caller may see, as changes to roll back to
/// (none when the server has no such inspection).
pub async fn rollback_rows(c: &impl GenericClient, id: Uuid, properties: &[Uuid]) -> Result<Vec<Change>, PgError> {
    let visible = c
        .query_opt("SELECT 1 FROM move_in_inspection WHERE id = $1 AND property_id = ANY($2)", &[&id, &properties])
        .await?
        .is_some();
    if !visible {
        return Ok(Vec::new());
    }
    let rows = server_rows(c, id).await?;
    let mut out = Vec::new();
    for (i, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        for row in &rows[i] {
            let id = row_id(row).unwrap_or_default();
            out.push(Change { seq: 0, entity: (*name).to_string(), id, row: row.clone() });
        }
    }
    Ok(out)
}

/// The snapshot without what may still change after finalizing (the condition report is
/// attached to a finalized inspection; it describes it, it does not change it).
fn finalized_view(rows: &[Vec<Value>; 4]) -> [Vec<Value>; 4] {
    let mut out = rows.clone();
    if let Some(Value::Object(i)) = out[0].get_mut(0) {
        i.remove("condition_report_url");
        i.remove("updated_at");
    }
    out
}

/// Checks the snapshot against the server and writes it. `Ok(Err(_))` is a refusal; the
/// caller rolls the transaction back.
async fn check_and_write(tx: &Transaction<'_>, p: &Principal, m: &InspectionPush) -> Result<Checked<()>, PgError> {
    let s = match parse(m) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let i = &s.inspection;
    if !p.properties.contains(&i.property_id) {
        return Ok(reject(format!("You may not change inspections of property {}.", i.property_id)));
    }
    // The lease, its unit and its property must agree with the inspection.
    let lease = tx.query_opt("SELECT unit_id, property_id FROM tenant_lease WHERE id = $1", &[&i.lease_id]).await?;
    let Some(lease) = lease else { return Ok(reject(format!("Lease {} not found.", i.lease_id))) };
    let (unit, property): (Uuid, Uuid) = (lease.get(0), lease.get(1));
    let unit_property: Option<Uuid> =
        tx.query_opt("SELECT property_id FROM units_unit WHERE id = $1", &[&i.unit_id]).await?.map(|r| r.get(0));
    if unit != i.unit_id || property != i.property_id || unit_property != Some(i.property_id) {
        return Ok(reject(format!(
            "Lease {} is for unit {unit} in property {property}, not unit {} in property {}.",
            i.lease_id, i.unit_id, i.property_id
        )));
    }
    // The server's copy, locked so pushes of one inspection apply one after another.
    let t = tables::table("move_in_inspection").ok_or_else(|| PgError::Setup("move_in_inspection".into()))?;
    let current = tx
        .query_opt(
            &format!("SELECT {} FROM move_in_inspection r WHERE r.id = $1 FOR UPDATE", tables::pg_json_expr(t)),
            &[&s.id],
        )
        .await?;
    let current: Option<MoveInInspection> = match current {
        Some(r) => Some(serde_json::from_value(tables::canonicalize(t, r.get::<_, Value>(0))?)?),
        None => None,
    };
    // Every row id is this inspection's or new (not another inspection's).
    let foreign = tx
        .query_opt(
            "SELECT id FROM move_in_room WHERE id = ANY($1) AND inspection_id <> $2
             UNION ALL SELECT id FROM move_in_photo WHERE id = ANY($1) AND inspection_id <> $2
             UNION ALL SELECT i.id FROM move_in_item i JOIN move_in_room m ON m.id = i.room_id
                       WHERE i.id = ANY($1) AND m.inspection_id <> $2
             LIMIT 1",
            &[&s.rows[1..].iter().flatten().filter_map(row_id).collect::<Vec<_>>(), &s.id],
        )
        .await?;
    if let Some(r) = foreign {
        return Ok(reject(format!("Row {} belongs to another inspection.", r.get::<_, Uuid>(0))));
    }
    let mut unchanged = false;
    if let Some(cur) = &current {
        if !p.properties.contains(&cur.property_id) {
            return Ok(reject(format!("You may not change inspections of property {}.", cur.property_id)));
        }
        if (cur.lease_id, cur.unit_id, cur.property_id) != (i.lease_id, i.unit_id, i.property_id) {
            return Ok(reject("An inspection stays with the lease it was started for."));
        }
        if cur.status == InspectionStatus::Finalized {
            let server = server_rows(tx, s.id).await?;
            if finalized_view(&server) != finalized_view(&s.rows) {
                let why = insp::ensure_editable(cur).err().map(|e| e.to_string()).unwrap_or_default();
                return Ok(reject(format!("The server's copy: {why}.")));
            }
            unchanged = server == s.rows;
        }
    }
    if i.status == InspectionStatus::Finalized
        && current.as_ref().is_none_or(|c| c.status != InspectionStatus::Finalized)
    {
        // Finalizing is checked as the replica did it: on the open inspection.
        let open = MoveInInspection { status: InspectionStatus::PendingSignatures, ..i.clone() };
        if let Err(e) = insp::check_finalize(&open) {
            return Ok(reject(format!("Cannot finalize: {e}.")));
        }
        if i.finalized_at.is_none() {
            return Ok(reject("A finalized inspection needs finalized_at."));
        }
    }
    // Blobs last: a rule broken above is final, a missing blob only means "upload, then retry".
    let refs = match blob_refs(m) {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let have: HashSet<String> = tx
        .query("SELECT sha256::text FROM blob WHERE sha256 = ANY($1)", &[&refs])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missing: Vec<&str> = refs.iter().filter(|h| !have.contains(*h)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Ok(Err(Refusal::Deferred(format!(
            "The server has no blob {}; upload each with PUT /api/v1/blobs/{{sha256}}, then push again.",
            missing.join(", ")
        ))));
    }
    if unchanged {
        return Ok(Ok(()));
    }
    if let Err(e) = write(tx, &s, m.base_seq).await {
        return match e {
            PgError::Db(db) if is_bad_data(&db) => Ok(reject(format!(
                "The inspection's rows are invalid: {}.",
                db.as_db_error().map_or("", |d| d.message())
            ))),
            other => Err(other),
        };
    }
    Ok(Ok(()))
}

/// Data or constraint errors (bad enum text, a broken reference) are the snapshot's fault.
fn is_bad_data(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("22") || c.code().starts_with("23"))
}

/// Deletes the rows the replica deleted, upserts the snapshot and enters it in the change log.
async fn write(tx: &Transaction<'_>, s: &Snapshot, base_seq: i64) -> Result<(), PgError> {
    // Children first (items, photos, rooms): only rows the replica had seen count as deleted.
    for (k, (name, _)) in INSPECTION_PARTS.iter().enumerate().skip(1).rev() {
        let keep: Vec<Uuid> = s.rows[k].iter().filter_map(row_id).collect();
        let scope = tables::inspection_scope(name, "$1").unwrap_or_default();
        tx.execute(
            &format!(
                "DELETE FROM {name} r WHERE {scope} AND NOT (r.id = ANY($2)) AND EXISTS (
                    SELECT 1 FROM sync_row_version v
                    WHERE v.entity = '{name}' AND v.row_id = r.id AND v.change_seq <= $3)"
            ),
            &[&s.id, &keep, &base_seq],
        )
        .await?;
    }
    // Rows gone (deleted above or with their room) leave the change log too, so counts agree.
    for (name, _) in &INSPECTION_PARTS[1..] {
        tx.execute(
            &format!(
                "DELETE FROM sync_row_version v WHERE v.entity = '{name}' AND v.property_id = $1
                 AND NOT EXISTS (SELECT 1 FROM {name} r WHERE r.id = v.row_id)"
            ),
            &[&s.inspection.property_id],
        )
        .await?;
    }
    for (k, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        let Some(t) = tables::table(name) else { continue };
        if !s.rows[k].is_empty() {
            tx.execute(&tables::pg_upsert_sql(t), &[&Value::Array(s.rows[k].clone())]).await?;
        }
    }
    for (k, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        let Some(t) = tables::table(name) else { continue };
        let ids: Vec<Uuid> = s.rows[k].iter().filter_map(row_id).collect();
        pg::bump(tx, t, &ids).await?;
    }
    // The server may now hold rows from two devices (photos neither saw the other take): the
    // derived counts are recomputed over what is stored, with the same core rules as a replica.
    // A snapshot from one device recomputes to itself, so nothing more is written then.
    let property = [s.inspection.property_id];
    if let Some(before) = crate::adapter::inspections::load(tx, s.id, &property, false).await? {
        let mut after = before.clone();
        insp::recompute(&mut after, before.inspection.updated_at);
        crate::adapter::inspections::save(tx, Some(&before), &after).await?;
    }
    Ok(())
}

/// Applies one pushed inspection in its own transaction and answers it.
pub async fn apply(st: &AppState, client: &mut Object, p: &Principal, m: &InspectionPush) -> ApiResult<MutationResult> {
    let answer = |outcome, detail: String, duplicate, rows| MutationResult {
        client_id: m.client_id,
        outcome,
        detail,
        duplicate,
        rows,
    };
    let now = st.clock.now();
    let tx = client.transaction().await?;
    let fresh = tx
        .execute(
            "INSERT INTO sync_mutation (client_id, user_id, kind, outcome, created_at, entity_id)
             VALUES ($1, $2, 'inspection', 'applied', $3, $4) ON CONFLICT (client_id) DO NOTHING",
            &[&m.client_id, &p.user_id, &now, &m.inspection_id],
        )
        .await?
        == 1;
    if !fresh {
        let seen = crate::push_actions::seen(&*tx, m.client_id, p.user_id).await?;
        tx.commit().await?;
        let (outcome, detail) = seen.unwrap_or((Outcome::Rejected, String::new()));
        if outcome == Outcome::Applied {
            return Ok(answer(Outcome::Applied, String::new(), true, Vec::new()));
        }
        let rows = rollback_rows(&***client, m.inspection_id, &p.properties).await?;
        return Ok(answer(Outcome::Rejected, detail, true, rows));
    }
    match check_and_write(&tx, p, m).await? {
        Ok(()) => {
            tx.commit().await?;
            Ok(answer(Outcome::Applied, String::new(), false, Vec::new()))
        }
        Err(Refusal::Deferred(detail)) => {
            tx.rollback().await?;
            Ok(answer(Outcome::Deferred, detail, false, Vec::new()))
        }
        Err(Refusal::Rejected(detail)) => {
            // The failed transaction may be aborted: the refusal is recorded in a fresh one.
            tx.rollback().await?;
            client
                .execute(
                    "INSERT INTO sync_mutation (client_id, user_id, kind, outcome, detail, created_at, entity_id)
                     VALUES ($1, $2, 'inspection', 'rejected', $3, $4, $5) ON CONFLICT (client_id) DO NOTHING",
                    &[&m.client_id, &p.user_id, &detail, &now, &m.inspection_id],
                )
                .await?;
            let rows = rollback_rows(&***client, m.inspection_id, &p.properties).await?;
            Ok(answer(Outcome::Rejected, detail, false, rows))
        }
    }
}
