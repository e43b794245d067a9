//! Rows mapped through their serde form from one column list: a feature names its table's
//! columns once (with how each is stored) and reads and writes its structs through it, the way
//! the sync registry does for PostgreSQL. Money and dates are text, instants go through chrono
//! (as every other insert writes them), JSON columns are text, booleans 0/1.

use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue};
use rusqlite::{Connection, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Result, StoreError};

/// How a column is stored on the replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (ids, money, dates, enums).
    S,
    I,
    R,
    /// 0/1.
    B,
    /// JSON as text.
    J,
    /// An instant, written through chrono.
    T,
}

/// A table's columns, `id` first.
pub type Cols = &'static [(&'static str, Kind)];

fn names(cols: Cols) -> String {
    cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

fn bad(table: &str, col: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{table}.{col}: {detail}"))
}

fn bind(table: &str, col: &str, kind: Kind, v: &Value) -> Result<SqlValue> {
    Ok(match (kind, v) {
        (_, Value::Null) => SqlValue::Null,
        (Kind::J, v) => SqlValue::Text(v.to_string()),
        (Kind::B, Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        (Kind::I, Value::Number(n)) => SqlValue::Integer(n.as_i64().ok_or_else(|| bad(table, col, "not an integer"))?),
        (Kind::R, Value::Number(n)) => SqlValue::Real(n.as_f64().unwrap_or_default()),
        (Kind::T, Value::String(s)) => {
            let at: DateTime<Utc> = s.parse().map_err(|e| bad(table, col, e))?;
            match rusqlite::types::ToSql::to_sql(&at)? {
                ToSqlOutput::Owned(v) => v,
                ToSqlOutput::Borrowed(v) => v.into(),
                _ => SqlValue::Text(s.clone()),
            }
        }
        (Kind::S, Value::String(s)) => SqlValue::Text(s.clone()),
        (Kind::S, Value::Number(n)) => SqlValue::Text(n.to_string()),
        (kind, v) => return Err(bad(table, col, format!("expected {kind:?}, got {v}"))),
    })
}

/// Inserts or replaces `rows` of `table` (by `id`).
pub fn upsert<T: Serialize>(tx: &Transaction<'_>, table: &str, cols: Cols, rows: &[T]) -> Result<()> {
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = cols.iter().skip(1).map(|(c, _)| format!("{c} = excluded.{c}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
        names(cols),
        marks.join(", "),
        updates.join(", ")
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    for row in rows {
        let Value::Object(map) = serde_json::to_value(row).map_err(|e| bad(table, "*", e))? else {
            return Err(bad(table, "*", "not an object"));
        };
        let values = cols
            .iter()
            .map(|&(c, k)| bind(table, c, k, map.get(c).unwrap_or(&Value::Null)))
            .collect::<Result<Vec<_>>>()?;
        stmt.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Rows of `table` (`tail` is the WHERE/ORDER BY over alias `r`) as `T`.
pub fn select<T: DeserializeOwned>(
    conn: &Connection,
    table: &str,
    cols: Cols,
    tail: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let list: Vec<String> = cols.iter().map(|(c, _)| format!("r.{c}")).collect();
    let sql = format!("SELECT {} FROM {table} r {tail}", list.join(", "));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut map = Map::with_capacity(cols.len());
        for (i, &(c, kind)) in cols.iter().enumerate() {
            let raw: SqlValue = r.get(i)?;
            let v = match (kind, raw) {
                (_, SqlValue::Null) => Value::Null,
                (Kind::B, SqlValue::Integer(n)) => Value::Bool(n != 0),
                (Kind::I, SqlValue::Integer(n)) => Value::from(n),
                (Kind::R, SqlValue::Real(x)) => Value::from(x),
                (Kind::R, SqlValue::Integer(n)) => Value::from(n as f64),
                (Kind::J, SqlValue::Text(s)) => serde_json::from_str(&s).map_err(|e| bad(table, c, e))?,
                (_, SqlValue::Text(s)) => Value::String(s),
                (_, other) => return Err(bad(table, c, format!("unexpected stored value {other:?}"))),
            };
            map.insert(c.to_string(), v);
        }
        out.push(serde_json::from_value(Value::Object(map)).map_err(|e| bad(table, "*", e))?);
    }
    Ok(out)
}
