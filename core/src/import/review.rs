//! The mapping as a person reviews it before importing (the terminal app's import screen and the
//! desktop's Import view): every column of the file with the field it goes to, the person's
//! choices applied in order, and why the mapping cannot be used yet. The choices become the
//! import's overrides, so what is shown is what the import reads.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::fields::{detect_in, detect_ledger, normalise, FIELDS, LEDGER_FIELDS};
use super::{detect, ColumnMapping, Field, ImportPort, ImportReport, ImportRequest, Override};
use crate::store::Result;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Properties, units, tenants, leases, deposits and open balances (`import rent-roll`).
    RentRoll,
    /// Charges and payments onto the leases in place (`import ledger`).
    Ledger,
}

impl ImportKind {
    /// `rent roll` (also `rent-roll`, `rent_roll`, `rr`) or `ledger` (also `transactions`).
    pub fn parse(text: &str) -> std::result::Result<ImportKind, String> {
        match normalise(text).as_str() {
            "rentroll" | "rr" | "r" => Ok(ImportKind::RentRoll),
            "ledger" | "transactions" | "l" => Ok(ImportKind::Ledger),
            _ => Err(format!("'{}' is not a kind of file: rent roll or ledger", text.trim())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportKind::RentRoll => "rent roll",
            ImportKind::Ledger => "ledger",
        }
    }

    /// The fields a column of this kind of file can go to, in the order they are offered.
    pub fn fields(self) -> Vec<Field> {
        self.table().iter().map(|f| f.0).collect()
    }

    fn table(self) -> &'static [(Field, &'static str, &'static str, &'static [&'static str])] {
        match self {
            ImportKind::RentRoll => FIELDS,
            ImportKind::Ledger => LEDGER_FIELDS,
        }
    }

    /// Imports (or, with `req.dry_run`, plans) the file on `port`: all rows or none.
    pub fn import<P: ImportPort + ?Sized>(
        self,
        port: &mut P,
        req: &ImportRequest<'_>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ImportReport> {
        match self {
            ImportKind::RentRoll => super::import_rent_roll(port, req, today, now),
            ImportKind::Ledger => super::ledger::import_ledger(port, req, now),
        }
    }
}

/// A file's header mapped for review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MappingReview {
    /// Every column, in file order, with its field (none: not imported) and whether the person
    /// chose it.
    pub columns: Vec<ColumnMapping>,
    /// Why the file cannot be imported with this mapping (no unit column, an unreadable header).
    pub error: Option<String>,
    /// The person's choices as the import's overrides ([`ImportRequest::overrides`]).
    pub overrides: Vec<OverrideChoice>,
}

/// One column the person mapped (serialisable [`Override`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OverrideChoice {
    pub column: String,
    pub field: Option<Field>,
}

impl MappingReview {
    pub fn overrides(&self) -> Vec<Override> {
        self.overrides.iter().map(|o| Override { column: o.column.clone(), field: o.field }).collect()
    }
}

/// The header of `text`, trimmed, or why it cannot be read.
fn header(text: &str) -> std::result::Result<Vec<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| format!("the header cannot be read: {e}"))?.iter().map(str::to_string).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err("the file is empty (no header row)".into());
    }
    Ok(headers)
}

/// Maps the header of `text` by the usual column names, then applies `choices` in order (a
/// later choice of a column replaces an earlier one; a field chosen for one column leaves the
/// others). The result is the mapping the import will use with [`MappingReview::overrides`].
pub fn review_mapping(text: &str, kind: ImportKind, choices: &[Override]) -> MappingReview {
    let headers = match header(text) {
        Ok(h) => h,
        Err(e) => return MappingReview { error: Some(e), ..Default::default() },
    };
    let table = kind.table();
    let mut columns = detect_in(table, &headers, &[]).unwrap_or_default();
    for choice in choices {
        let Some(i) = columns.iter().position(|c| {
            c.column.eq_ignore_ascii_case(choice.column.trim()) || normalise(&c.column) == normalise(&choice.column)
        }) else {
            continue;
        };
        if let Some(f) = choice.field {
            for other in columns.iter_mut().filter(|c| c.field == Some(f)) {
                other.field = None;
            }
        }
        columns[i].field = choice.field;
        columns[i].overridden = true;
    }
    let overrides: Vec<OverrideChoice> = columns
        .iter()
        .filter(|c| c.overridden)
        .map(|c| OverrideChoice { column: c.column.clone(), field: c.field })
        .collect();
    let as_overrides: Vec<Override> =
        overrides.iter().map(|o| Override { column: o.column.clone(), field: o.field }).collect();
    let mapped = match kind {
        ImportKind::RentRoll => detect(&headers, &as_overrides),
        ImportKind::Ledger => detect_ledger(&headers, &as_overrides),
    };
    match mapped {
        Ok(columns) => MappingReview { columns, error: None, overrides },
        Err(e) => {
            let columns = detect_in(table, &headers, &as_overrides).unwrap_or(columns);
            MappingReview { columns, error: Some(e), overrides }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: &MappingReview, col: &str) -> Option<Field> {
        r.columns.iter().find(|c| c.column == col).and_then(|c| c.field)
    }

    fn choice(column: &str, field: Option<Field>) -> Override {
        Override { column: column.into(), field }
    }

    #[test]
    fn choices_move_a_field_and_the_review_is_what_the_import_reads() {
        let csv = "Property,Unit,Lease From,Move In,Resident,Notes\nA,1,01/01/2026,,Ann Lee,\n";
        let r = review_mapping(csv, ImportKind::RentRoll, &[]);
        assert_eq!(r.error, None);
        assert_eq!(field(&r, "Lease From"), Some(Field::LeaseStart));
        assert_eq!(field(&r, "Move In"), None);
        // Move In takes lease_start from Lease From; Notes is ignored on purpose.
        let r = review_mapping(csv, ImportKind::RentRoll, &[choice("Move In", Some(Field::LeaseStart))]);
        assert_eq!((field(&r, "Move In"), field(&r, "Lease From")), (Some(Field::LeaseStart), None));
        let parsed = super::super::parse_rent_roll(csv, &r.overrides());
        assert_eq!(parsed.mapping, r.columns);
        // Unmapping the unit column is shown, with the reason, and the columns stay listed.
        let r = review_mapping(csv, ImportKind::RentRoll, &[choice("Unit", None)]);
        assert!(r.error.as_deref().unwrap_or("").contains("unit number"), "{:?}", r.error);
        assert_eq!(r.columns.len(), 6);
        // A later choice for the same column wins.
        let r =
            review_mapping(csv, ImportKind::RentRoll, &[choice("Unit", None), choice("Unit", Some(Field::UnitNumber))]);
        assert_eq!((r.error.clone(), field(&r, "Unit")), (None, Some(Field::UnitNumber)));
    }

    #[test]
    fn a_header_that_does_not_map_still_lists_its_columns() {
        let r = review_mapping("Date,Apt No.,Amt\n", ImportKind::Ledger, &[]);
        assert!(r.error.is_some());
        assert_eq!(r.columns.iter().map(|c| c.column.as_str()).collect::<Vec<_>>(), ["Date", "Apt No.", "Amt"]);
        let fixed = review_mapping(
            "Date,Apt No.,Amt\n",
            ImportKind::Ledger,
            &[choice("Apt No.", Some(Field::UnitNumber)), choice("Amt", Some(Field::Amount))],
        );
        assert_eq!(fixed.error, None);
        assert_eq!(
            review_mapping("", ImportKind::Ledger, &[]).error.as_deref(),
            Some("the file is empty (no header row)")
        );
        assert_eq!(ImportKind::parse("Rent-Roll"), Ok(ImportKind::RentRoll));
        assert!(ImportKind::parse("leases").unwrap_err().contains("rent roll or ledger"));
    }
}
