//! `unitcycle-server verify`: the rows of the PostgreSQL store that break the boundary's rules
//! but were written by an older build or by hand, by the rules of `unitcycle doctor`
//! (`unitcycle_core::doctor`): dates outside `format::check_date`'s calendar, numbers beyond
//! their column ([`doctor::COLUMNS`]) and terms that end before they begin ([`doctor::ORDERED`]).
//! PostgreSQL text cannot hold NUL, so that rule has nothing to find here. Jobs read past such
//! rows with a warning (`PgPort::sane_rows`); this lists every one of them.

use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use unitcycle_core::doctor::{self, BadRow, Kind};
use unitcycle_core::format::{check_date, FIRST_DATE, LAST_DATE};

use crate::pg::Result;

/// Why a stored `DATE` outside the calendar is bad. PostgreSQL holds only real days, so a value
/// chrono cannot parse (year 10000, `infinity`) is out of range, not garbled.
fn date_why(column: &str, text: &str) -> String {
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| check_date(column, d)) {
        Ok(Err(why)) => why,
        _ => format!("{column} {text} is outside the dates UnitCycle keeps ({FIRST_DATE} to {LAST_DATE})."),
    }
}

/// Every bad value of the store, in [`doctor::COLUMNS`] order, then the terms out of order.
pub async fn scan(c: &impl GenericClient) -> Result<Vec<BadRow>> {
    let mut out = Vec::new();
    for &(table, column, kind) in doctor::COLUMNS {
        let rows = match kind {
            Kind::Date => {
                let sql = format!(
                    "SELECT id::text, {column}::text FROM {table} WHERE {column} < $1 OR {column} > $2 ORDER BY id"
                );
                c.query(&sql, &[&FIRST_DATE, &LAST_DATE]).await?
            }
            Kind::Numeric(precision, scale) => {
                let max = Decimal::from(10i64.pow(precision - scale)) - Decimal::new(1, scale);
                let sql = format!(
                    "SELECT id::text, {column}::text FROM {table} WHERE abs({column}) > $1::text::numeric ORDER BY id"
                );
                c.query(&sql, &[&max.to_string()]).await?
            }
        };
        for r in rows {
            let (id, value): (String, String) = (r.get(0), r.get(1));
            let why = match kind {
                Kind::Date => Some(date_why(column, &value)),
                Kind::Numeric(p, s) => doctor::numeric_problem(column, &value, p, s),
            };
            if let Some(why) = why {
                out.push(BadRow { table: table.into(), id, field: column.into(), value, why });
            }
        }
    }
    for &(table, first, later) in doctor::ORDERED {
        // Only dates inside the calendar are compared; the others are reported above.
        let sql = format!(
            "SELECT id::text, {first}::text, {later}::text FROM {table}
             WHERE {later} < {first} AND {first} BETWEEN $1 AND $2 AND {later} BETWEEN $1 AND $2 ORDER BY id"
        );
        for r in c.query(&sql, &[&FIRST_DATE, &LAST_DATE]).await? {
            let (id, a, b): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let why = format!("{later} ({b}) is before {first} ({a}).");
            out.push(BadRow { table: table.into(), id, field: later.into(), value: b, why });
        }
    }
    Ok(out)
}
