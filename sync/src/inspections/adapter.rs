//! Move-in inspections (spec 4.4) on PostgreSQL: the server's `InspectionsPort`. An inspection
//! is loaded whole into the `unitcycle_core::inspections::InspectionDetail` the replica uses,
//! changed in memory by the workflows of `unitcycle_core::inspections::workflow`, and written
//! back row by row: only the rows that changed, each entered in the change
//! log so replicas receive it. Rows travel as their canonical JSON (`tables`), so no column is
//! hand-written here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::blobs::sha256_hex;
use unitcycle_core::inspections::{
    InspectionDetail, MoveInInspection, MoveInItem, MoveInPhoto, MoveInRoom, RoomDetail,
};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::pg::{self, Result};
use crate::tables::{self, Table};

const INSPECTION: &str = "move_in_inspection";
const ROOM: &str = "move_in_room";
const PHOTO: &str = "move_in_photo";
const ITEM: &str = "move_in_item";

/// Columns the stores keep as a blank value where the domain struct has `None`: an unrated
/// item's ratings are '' and a photo without measurements has '{}'.
fn blanks(table: &str) -> &'static [&'static str] {
    match table {
        ITEM => &["condition_rating", "human_override"],
        PHOTO => &["quality_metrics"],
        _ => &[],
    }
}

fn blank_value(column: &str) -> Value {
    if column == "quality_metrics" {
        json!({})
    } else {
        json!("")
    }
}

/// The canonical row of a domain struct.
fn to_row<T: Serialize>(t: &Table, value: &T) -> Result<Value> {
    let mut v = serde_json::to_value(value)?;
    if let Value::Object(map) = &mut v {
        for &c in blanks(t.name) {
            if map.get(c).is_none_or(Value::is_null) {
                map.insert(c.to_string(), blank_value(c));
            }
        }
    }
    Ok(tables::canonicalize(t, v)?)
}

/// A domain struct from its canonical row.
fn from_row<T: DeserializeOwned>(t: &Table, v: Value) -> Result<T> {
    let mut v = tables::canonicalize(t, v)?;
    if let Value::Object(map) = &mut v {
        for &c in blanks(t.name) {
            if map.get(c).is_some_and(|x| *x == blank_value(c)) {
                map.insert(c.to_string(), Value::Null);
            }
        }
    }
    Ok(serde_json::from_value(v)?)
}

async fn select<T: DeserializeOwned>(
    c: &impl GenericClient,
    name: &str,
    from_where: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<T>> {
    let t = pg::synced(name)?;
    let sql = format!("SELECT {} {from_where}", tables::pg_json_expr(t));
    c.query(&sql, args).await?.into_iter().map(|r| from_row(t, r.get::<_, Value>(0))).collect()
}

/// The inspection `id` with its rooms, items and photos, if it is in one of `properties`.
/// `for_update` locks the inspection row, so changes to one inspection are applied one at a
/// time.
pub async fn load(
    c: &impl GenericClient,
    id: Uuid,
    properties: &[Uuid],
    for_update: bool,
) -> Result<Option<InspectionDetail>> {
    let lock = if for_update { "FOR UPDATE" } else { "" };
    let found: Vec<MoveInInspection> = select(
        c,
        INSPECTION,
        &format!("FROM move_in_inspection r WHERE r.id = $1 AND r.property_id = ANY($2) {lock}"),
        &[&id, &properties],
    )
    .await?;
    let Some(inspection) = found.into_iter().next() else { return Ok(None) };
    let rooms: Vec<MoveInRoom> =
        select(c, ROOM, "FROM move_in_room r WHERE r.inspection_id = $1 ORDER BY r.room_order, r.room_type", &[&id])
            .await?;
    let items: Vec<MoveInItem> = select(
        c,
        ITEM,
        "FROM move_in_item r JOIN move_in_room m ON m.id = r.room_id WHERE m.inspection_id = $1
         ORDER BY r.item_order, r.id",
        &[&id],
    )
    .await?;
    let photos: Vec<MoveInPhoto> = select(
        c,
        PHOTO,
        "FROM move_in_photo r WHERE r.inspection_id = $1 ORDER BY r.photo_order, r.created_at, r.id",
        &[&id],
    )
    .await?;
    let rooms = rooms
        .into_iter()
        .map(|room| RoomDetail {
            items: items.iter().filter(|i| i.room_id == room.id).cloned().collect(),
            photos: photos.iter().filter(|p| p.room_id == room.id).cloned().collect(),
            room,
        })
        .collect();
    Ok(Some(InspectionDetail { inspection, rooms }))
}

/// The canonical rows of one table, by id.
type TableRows = (&'static Table, Vec<(Uuid, Value)>);

/// Every row of an inspection, per table, parents first (an item may point at a photo).
fn rows_of(d: &InspectionDetail) -> Result<Vec<TableRows>> {
    let (ti, tr, tp, tm) = (pg::synced(INSPECTION)?, pg::synced(ROOM)?, pg::synced(PHOTO)?, pg::synced(ITEM)?);
    let mut rooms = Vec::new();
    let mut photos = Vec::new();
    let mut items = Vec::new();
    for rd in &d.rooms {
        rooms.push((rd.room.id, to_row(tr, &rd.room)?));
        for p in &rd.photos {
            photos.push((p.id, to_row(tp, p)?));
        }
        for i in &rd.items {
            items.push((i.id, to_row(tm, i)?));
        }
    }
    Ok(vec![(ti, vec![(d.inspection.id, to_row(ti, &d.inspection)?)]), (tr, rooms), (tp, photos), (tm, items)])
}

/// Writes the rows of `after` that differ from `before` (all of them for a new inspection),
/// then enters them in the change log. Rows are never deleted here.
pub async fn save(tx: &Transaction<'_>, before: Option<&InspectionDetail>, after: &InspectionDetail) -> Result<()> {
    let old: HashMap<(&str, Uuid), Value> = match before {
        Some(b) => rows_of(b)?
            .into_iter()
            .flat_map(|(t, rows)| rows.into_iter().map(move |(id, v)| ((t.name, id), v)))
            .collect(),
        None => HashMap::new(),
    };
    let mut changed: Vec<(&Table, Vec<Uuid>)> = Vec::new();
    for (t, rows) in rows_of(after)? {
        let (ids, values): (Vec<Uuid>, Vec<Value>) =
            rows.into_iter().filter(|(id, v)| old.get(&(t.name, *id)) != Some(v)).unzip();
        if ids.is_empty() {
            continue;
        }
        tx.execute(&tables::pg_upsert_sql(t), &[&Value::Array(values)]).await?;
        changed.push((t, ids));
    }
    // Sequence numbers last, after every row lock is taken (see `pg::bump`).
    for (t, ids) in changed {
        pg::bump(tx, t, &ids).await?;
    }
    Ok(())
}

/// Filters of `GET /api/v1/move-in-inspections/` (None / empty: any).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub unit: Option<Uuid>,
    pub property: Option<Uuid>,
    pub lease: Option<Uuid>,
    pub status: Vec<String>,
}

pub use crate::wire_inspections::ListRow;

/// One page of inspections in `properties` (newest first) and the total count.
pub async fn list(
    c: &impl GenericClient,
    properties: &[Uuid],
    f: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<ListRow>)> {
    let t = pg::synced(INSPECTION)?;
    let from_where = "FROM move_in_inspection r JOIN tenant_lease l ON l.id = r.lease_id
        JOIN tenants t ON t.id = l.tenant_id JOIN units_unit u ON u.id = r.unit_id
        JOIN properties p ON p.id = r.property_id
        WHERE r.property_id = ANY($1) AND ($2::uuid IS NULL OR r.unit_id = $2)
        AND ($3::uuid IS NULL OR r.property_id = $3) AND ($4::uuid IS NULL OR r.lease_id = $4)
        AND (cardinality($5::text[]) = 0 OR r.status = ANY($5::text[]))";
    let args: [&(dyn ToSql + Sync); 5] = [&properties, &f.unit, &f.property, &f.lease, &f.status];
    let count: i64 = c.query_one(&format!("SELECT COUNT(*) {from_where}"), &args).await?.get(0);
    let rows = c
        .query(
            &format!(
                "SELECT {}, l.lease_number::text, t.first_name || ' ' || t.last_name, u.unit_number::text,
                 p.name::text {from_where} ORDER BY r.created_at DESC, r.id LIMIT {limit} OFFSET {offset}",
                tables::pg_json_expr(t)
            ),
            &args,
        )
        .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(ListRow {
                inspection: from_row(t, r.get::<_, Value>(0))?,
                lease_number: r.get(1),
                tenant_name: r.get(2),
                unit_number: r.get(3),
                property_name: r.get(4),
            })
        })
        .collect::<Result<_>>()?;
    Ok((count, rows))
}

/// Stores `bytes` in the server's blob table (content-addressed, so storing twice is a no-op)
/// and returns their sha256.
pub async fn put_blob(c: &impl GenericClient, bytes: &[u8], content_type: &str, now: DateTime<Utc>) -> Result<String> {
    let hash = sha256_hex(bytes);
    c.execute(
        "INSERT INTO blob (sha256, content_type, size_bytes, data, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING",
        &[&hash, &content_type, &(bytes.len() as i64), &bytes, &now],
    )
    .await?;
    Ok(hash)
}

/// The bytes of the blobs `hashes` that the server holds.
pub async fn blobs(c: &impl GenericClient, hashes: &[String]) -> Result<HashMap<String, Vec<u8>>> {
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = c.query("SELECT sha256::text, data FROM blob WHERE sha256 = ANY($1::text[])", &[&hashes]).await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

impl unitcycle_core::inspections::port::InspectionsPort for crate::adapter::PgPort {
    fn inspection(&self, id: Uuid) -> std::result::Result<InspectionDetail, StoreError> {
        self.block(load(self.client(), id, &self.scope, false))?
            .ok_or_else(|| StoreError::NotFound { what: "Move-in inspection", id: id.to_string() })
    }

    fn write_inspection(
        &mut self,
        before: Option<&InspectionDetail>,
        after: &InspectionDetail,
        now: DateTime<Utc>,
    ) -> std::result::Result<(), StoreError> {
        let i = &after.inspection;
        if !self.scope.contains(&i.property_id) {
            return Err(match before {
                None => StoreError::NotFound { what: "Lease", id: i.lease_id.to_string() },
                Some(_) => StoreError::NotFound { what: "Move-in inspection", id: i.id.to_string() },
            });
        }
        let mutation = self.mutation.take();
        let rt = self.rt.clone();
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| crate::adapter::store_error(e.into()))?;
            // The row lock makes concurrent writes of one inspection take turns.
            let stored = load_inspection_row(&tx, i.id).await.map_err(crate::adapter::store_error)?;
            let unchanged = match (before, &stored) {
                (None, None) => true,
                (Some(b), Some(s)) => b.inspection.updated_at == s.updated_at,
                _ => false,
            };
            if !unchanged {
                return Err(StoreError::Conflict { what: "inspection", now: "someone else changed it".into() });
            }
            crate::adapter::PgPort::record_pending_mutation(mutation, &tx, now).await?;
            save(&tx, before, after).await.map_err(crate::adapter::store_error)?;
            tx.commit().await.map_err(|e| crate::adapter::store_error(e.into()))
        })
    }

    fn blob(&self, sha256: &str) -> std::result::Result<Option<Vec<u8>>, StoreError> {
        Ok(self.block(blobs(self.client(), &[sha256.to_string()]))?.remove(sha256))
    }
}

/// The inspection row `id`, locked for the rest of the transaction.
async fn load_inspection_row(tx: &Transaction<'_>, id: Uuid) -> Result<Option<MoveInInspection>> {
    let found: Vec<MoveInInspection> =
        select(tx, INSPECTION, "FROM move_in_inspection r WHERE r.id = $1 FOR UPDATE", &[&id]).await?;
    Ok(found.into_iter().next())
}
