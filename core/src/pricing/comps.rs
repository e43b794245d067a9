//! External comps from a CSV (spec 2.2's fallback when a unit has too few internal comps): rows
//! a manager copies from public listings or keeps themselves — address, beds, baths, sq ft,
//! asking rent, date, source. Never another landlord's private rent roll (the reason RealPage was
//! sued in 2024): the source is recorded on every comp and shown wherever it is used.
//!
//! All rows or none: a file with a bad row imports nothing and names every bad row. A comp's id
//! is derived from what it is, so importing the same file twice adds nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::ExternalComp;
use crate::format::{check_text, parse_date, parse_money};

/// Comps older than this many days are not the market any more.
pub const MAX_AGE_DAYS: i64 = 180;

/// The header names each column is read from (lower case, spaces and punctuation ignored).
const COLUMNS: [(&str, &[&str]); 7] = [
    ("address", &["address", "streetaddress"]),
    ("bedrooms", &["beds", "bedrooms", "bd", "br"]),
    ("bathrooms", &["baths", "bathrooms", "ba"]),
    ("square_feet", &["sqft", "squarefeet", "sq ft", "size"]),
    ("rent", &["rent", "askingrent", "price", "listprice"]),
    ("observed_on", &["date", "observedon", "listed", "listeddate"]),
    ("source", &["source", "site"]),
];

fn key(header: &str) -> String {
    header.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase()
}

/// The id of a comp: the same listing seen the same day is one comp.
pub fn comp_id(
    property_id: Uuid,
    address: &str,
    bedrooms: i32,
    bathrooms: Decimal,
    rent: Decimal,
    on: NaiveDate,
) -> Uuid {
    const NS: Uuid = Uuid::from_u128(0x5e1c_2a9b_7d44_4c0e_9b3a_61f2_08d7_c4a2);
    let text = format!(
        "{property_id}|{}|{bedrooms}|{}|{}|{on}",
        address.to_lowercase(),
        bathrooms.normalize(),
        rent.normalize()
    );
    Uuid::new_v5(&NS, text.as_bytes())
}

/// Reads the CSV's comps for `property_id`, or every bad row ("row 3: rent: ...").
pub fn parse_comps(text: &str, property_id: Uuid, now: DateTime<Utc>) -> Result<Vec<ExternalComp>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(key).collect(),
        Err(e) => return Err(vec![format!("the file is not CSV: {e}")]),
    };
    let mut at = [None; 7];
    for (n, (name, names)) in COLUMNS.iter().enumerate() {
        at[n] = headers.iter().position(|h| names.iter().any(|x| key(x) == *h));
        if at[n].is_none() && *name != "square_feet" {
            return Err(vec![format!(
                "no {name} column (headers read: {}); expected address, beds, baths, sq ft, rent, date, source",
                headers.join(", ")
            )]);
        }
    }
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push(format!("row {row}: {e}"));
                continue;
            }
        };
        let cell = |i: usize| at[i].and_then(|c| record.get(c)).unwrap_or("").trim();
        let parsed = (|| -> Result<ExternalComp, String> {
            let address = check_text("address", cell(0), 300, true)?;
            let bedrooms: i32 = cell(1)
                .parse()
                .ok()
                .filter(|b| (0..=20).contains(b))
                .ok_or(format!("beds '{}' is not 0–20", cell(1)))?;
            let bathrooms: Decimal = cell(2)
                .parse()
                .ok()
                .filter(|b: &Decimal| {
                    *b >= Decimal::ZERO && *b <= Decimal::from(20) && (*b * Decimal::from(2)).fract().is_zero()
                })
                .ok_or(format!("baths '{}' is not 0–20 in halves", cell(2)))?;
            let square_feet = match cell(3).replace(',', "") {
                t if t.is_empty() => None,
                t => Some(
                    t.parse::<i32>()
                        .ok()
                        .filter(|s| (1..=20_000).contains(s))
                        .ok_or(format!("sq ft '{t}' is not 1–20,000"))?,
                ),
            };
            let rent = parse_money(cell(4)).map_err(|e| format!("rent: {e}"))?;
            if rent <= Decimal::ZERO {
                return Err("rent must be above zero".into());
            }
            let observed_on = parse_date(cell(5)).map_err(|e| format!("date: {e}"))?;
            if observed_on > now.date_naive() + Duration::days(1) {
                return Err(format!("date {observed_on} is in the future"));
            }
            let source = check_text("source", cell(6), 50, true)?;
            Ok(ExternalComp {
                id: comp_id(property_id, &address, bedrooms, bathrooms, rent, observed_on),
                property_id,
                source,
                address,
                bedrooms,
                bathrooms,
                square_feet,
                rent: crate::turnover::cents(rent),
                observed_on,
                created_at: now,
            })
        })();
        match parsed {
            Ok(c) => out.push(c),
            Err(e) => bad.push(format!("row {row}: {e}")),
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    if out.is_empty() {
        return Err(vec!["the file has no comps".into()]);
    }
    Ok(out)
}

/// The comps that are still the market on `today`.
pub fn current(comps: &[ExternalComp], today: NaiveDate) -> Vec<ExternalComp> {
    comps
        .iter()
        .filter(|c| c.observed_on <= today && (today - c.observed_on).num_days() <= MAX_AGE_DAYS)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rust_decimal_macros::dec;

    #[test]
    fn a_comps_csv_is_read_all_or_nothing() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let p = Uuid::from_u128(7);
        let good = "Address,Beds,Baths,Sq Ft,Asking Rent,Date,Source\n\
                    12 Elm St #4,2,1,880,\"$1,525\",2026-11-20,zillow public listing\n\
                    40 Oak Ave,2,1.5,,1610.00,2026-11-28,manager survey\n";
        let comps = parse_comps(good, p, now).unwrap();
        assert_eq!(comps.len(), 2);
        assert_eq!((comps[0].rent, comps[0].square_feet, comps[1].bathrooms), (dec!(1525.00), Some(880), dec!(1.5)));
        assert_eq!(comps[0].id, parse_comps(good, p, now).unwrap()[0].id, "the same file twice is the same comps");
        let bad = "address,beds,baths,sqft,rent,date,source\n1 A St,2,1.3,900,0,2027-05-01,\n";
        let errors = parse_comps(bad, p, now).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("row 2: baths '1.3'"), "{errors:?}");
        assert!(parse_comps("beds,baths\n2,1\n", p, now).unwrap_err()[0].contains("no address column"));
        let old = ExternalComp { observed_on: "2026-05-01".parse().unwrap(), ..comps[0].clone() };
        assert_eq!(
            current(&[old, comps[1].clone()], now.date_naive()).len(),
            1,
            "a comp 216 days old is not the market"
        );
    }
}
