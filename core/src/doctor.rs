//! Rows that break the boundary's rules (`format::check_date`, a money column's size, text
//! without NUL, a term that ends after it begins) but were written by an older build or by
//! hand. [`scan`] lists them for `unitcycle doctor`; jobs read past them ([`Sane`]) with a
//! warning in their report instead of failing a whole portfolio's run.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format::{check_date, FIRST_DATE, LAST_DATE};
use crate::model::{Lease, LedgerEntry};
use crate::store::{Result, Store};

/// One stored value that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct BadRow {
    pub table: String,
    pub id: String,
    pub field: String,
    pub value: String,
    pub why: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {} = '{}': {}", self.table, self.id, self.field, self.value.escape_debug(), self.why)
    }
}

/// What a checked column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Date,
    /// `NUMERIC(precision, scale)`.
    Numeric(u32, u32),
}

/// The date and numeric columns of both stores (`DATE` and `NUMERIC` in PostgreSQL, text in a
/// replica); `sync/tests` checks the list against PostgreSQL's catalogue.
pub const COLUMNS: &[(&str, &str, Kind)] = &[
    ("ai_action_queue", "confidence_score", Kind::Numeric(3, 2)),
    ("ai_action_queue", "generated_on", Kind::Date),
    ("collection_case", "current_balance", Kind::Numeric(10, 2)),
    ("collection_case", "due_date", Kind::Date),
    ("collection_case", "late_fee_total", Kind::Numeric(10, 2)),
    ("collection_case", "original_amount_due", Kind::Numeric(10, 2)),
    ("collection_payment_plan", "installment_amount", Kind::Numeric(10, 2)),
    ("collection_payment_plan", "start_date", Kind::Date),
    ("collection_payment_plan", "total_amount", Kind::Numeric(10, 2)),
    ("collection_plan_installment", "amount", Kind::Numeric(10, 2)),
    ("collection_plan_installment", "due_date", Kind::Date),
    ("collection_plan_installment", "paid_date", Kind::Date),
    ("competing_listing", "competitor_rent", Kind::Numeric(10, 2)),
    ("equipment", "install_date", Kind::Date),
    ("equipment", "warranty_expiry", Kind::Date),
    ("invoice_line_items", "quantity", Kind::Numeric(10, 2)),
    ("invoice_line_items", "total", Kind::Numeric(12, 2)),
    ("invoice_line_items", "unit_price", Kind::Numeric(12, 2)),
    ("invoice_ai_extraction", "extracted_date", Kind::Date),
    ("invoice_ai_extraction", "extracted_due_date", Kind::Date),
    ("invoice_ai_extraction", "extracted_subtotal", Kind::Numeric(10, 2)),
    ("invoice_ai_extraction", "extracted_tax", Kind::Numeric(10, 2)),
    ("invoice_ai_extraction", "extracted_total", Kind::Numeric(10, 2)),
    ("invoice_ai_extraction", "historical_avg_price", Kind::Numeric(10, 2)),
    ("invoices", "due_date", Kind::Date),
    ("invoices", "invoice_date", Kind::Date),
    ("invoices", "subtotal", Kind::Numeric(12, 2)),
    ("invoices", "tax", Kind::Numeric(12, 2)),
    ("invoices", "total_amount", Kind::Numeric(12, 2)),
    ("job_run", "run_date", Kind::Date),
    ("listing", "asking_rent", Kind::Numeric(10, 2)),
    ("listing_analytics", "date", Kind::Date),
    ("listing_lead", "move_in_date", Kind::Date),
    ("listing_lead", "stated_income", Kind::Numeric(10, 2)),
    ("move_in_inspection", "inspection_date", Kind::Date),
    ("move_out_inspection", "inspection_date", Kind::Date),
    ("move_out_inspection", "total_damage_cost", Kind::Numeric(10, 2)),
    ("onboarding_checklist", "move_in_date", Kind::Date),
    ("onboarding_checklist", "signed_date", Kind::Date),
    ("onboarding_task", "due_date", Kind::Date),
    ("preventive_wo_suggestion", "estimated_cost", Kind::Numeric(10, 2)),
    ("preventive_wo_suggestion", "suggested_date", Kind::Date),
    ("price_benchmark", "average_cost_usd", Kind::Numeric(10, 2)),
    ("price_benchmark", "max_cost_usd", Kind::Numeric(10, 2)),
    ("price_benchmark", "median_cost_usd", Kind::Numeric(10, 2)),
    ("price_benchmark", "min_cost_usd", Kind::Numeric(10, 2)),
    ("renewal_recommendation", "current_rent", Kind::Numeric(10, 2)),
    ("renewal_recommendation", "market_rent", Kind::Numeric(10, 2)),
    ("renewal_recommendation", "recommended_lease_end", Kind::Date),
    ("renewal_recommendation", "recommended_lease_start", Kind::Date),
    ("renewal_recommendation", "recommended_rent", Kind::Numeric(10, 2)),
    ("repeat_visit_alert", "first_visit_date", Kind::Date),
    ("repeat_visit_alert", "repeat_visit_date", Kind::Date),
    ("screening_application", "date_of_birth", Kind::Date),
    ("screening_application", "employment_start_date", Kind::Date),
    ("screening_application", "monthly_income", Kind::Numeric(10, 2)),
    ("screening_application", "previous_rent", Kind::Numeric(10, 2)),
    ("tenant_lease", "actual_move_out_date", Kind::Date),
    ("tenant_lease", "holdover_start_date", Kind::Date),
    ("tenant_lease", "late_fee_amount", Kind::Numeric(10, 2)),
    ("tenant_lease", "lease_begin_date", Kind::Date),
    ("tenant_lease", "lease_end_date", Kind::Date),
    ("tenant_lease", "monthly_rent_amount", Kind::Numeric(10, 2)),
    ("tenant_lease", "notice_date", Kind::Date),
    ("tenant_lease", "notice_move_out_date", Kind::Date),
    ("tenant_lease", "security_deposit", Kind::Numeric(10, 2)),
    ("tenant_ledger_entry", "amount", Kind::Numeric(10, 2)),
    ("tenant_ledger_entry", "due_date", Kind::Date),
    ("tenant_ledger_entry", "trans_date", Kind::Date),
    ("tenant_sentiment_log", "date", Kind::Date),
    ("tenants", "date_of_birth", Kind::Date),
    ("turnover_case", "actual_move_out", Kind::Date),
    ("turnover_case", "deduction_letter_date", Kind::Date),
    ("turnover_case", "expected_move_out", Kind::Date),
    ("turnover_case", "inspection_date", Kind::Date),
    ("turnover_case", "leased_date", Kind::Date),
    ("turnover_case", "listed_date", Kind::Date),
    ("turnover_case", "make_ready_actual_cost", Kind::Numeric(10, 2)),
    ("turnover_case", "make_ready_complete", Kind::Date),
    ("turnover_case", "make_ready_estimated_cost", Kind::Numeric(10, 2)),
    ("turnover_case", "make_ready_start", Kind::Date),
    ("turnover_case", "notice_date", Kind::Date),
    ("turnover_case", "refund_amount", Kind::Numeric(10, 2)),
    ("turnover_case", "security_deposit", Kind::Numeric(10, 2)),
    ("turnover_case", "stage_entered", Kind::Date),
    ("turnover_case", "total_deductions", Kind::Numeric(10, 2)),
    ("turnover_checklist", "actual_cost", Kind::Numeric(8, 2)),
    ("turnover_checklist", "estimated_cost", Kind::Numeric(8, 2)),
    ("turnover_deduction", "amount", Kind::Numeric(10, 2)),
    ("unit_risk_score", "predicted_cost_30_days", Kind::Numeric(10, 2)),
    ("unit_risk_score", "predicted_cost_90_days", Kind::Numeric(10, 2)),
    ("unit_risk_score", "predicted_next_wo_date", Kind::Date),
    ("unit_risk_score", "score_date", Kind::Date),
    ("unit_risk_score", "total_cost_12_months", Kind::Numeric(10, 2)),
    ("units_maintenance", "completed_date", Kind::Date),
    ("units_maintenance", "cost", Kind::Numeric(10, 2)),
    ("units_maintenance", "requested_date", Kind::Date),
    ("units_maintenance", "scheduled_date", Kind::Date),
    ("units_unit", "bathrooms", Kind::Numeric(3, 1)),
    ("units_unit", "current_rent", Kind::Numeric(10, 2)),
    ("units_unit", "market_rent", Kind::Numeric(10, 2)),
    ("vendor_contract", "end_date", Kind::Date),
    ("vendor_contract", "insurance_expiry", Kind::Date),
    ("vendor_contract", "license_expiry", Kind::Date),
    ("vendor_contract", "start_date", Kind::Date),
    ("vendor_scorecard", "period_end", Kind::Date),
    ("vendor_scorecard", "period_start", Kind::Date),
    ("vendor_scorecard", "total_invoiced_usd", Kind::Numeric(12, 2)),
    ("vendors", "hourly_rate", Kind::Numeric(10, 2)),
    ("vendors", "insurance_expiry", Kind::Date),
    ("warranty_record", "installed_date", Kind::Date),
    ("warranty_record", "warranty_end_date", Kind::Date),
];

/// Terms that must end after they begin: (table, first date, later date).
pub const ORDERED: &[(&str, &str, &str)] = &[
    ("tenant_lease", "lease_begin_date", "lease_end_date"),
    ("tenant_lease", "notice_date", "notice_move_out_date"),
    ("renewal_recommendation", "recommended_lease_start", "recommended_lease_end"),
];

/// Why a stored date is bad, if it is: not a `YYYY-MM-DD` day, or outside the calendar.
pub fn date_problem(field: &str, text: &str) -> Option<String> {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => check_date(field, day).err(),
        Err(_) => Some(format!("{field} '{text}' is not a date (expected YYYY-MM-DD).")),
    }
}

/// Why a stored number is bad for a `NUMERIC(precision, scale)` column, if it is.
pub fn numeric_problem(field: &str, text: &str, precision: u32, scale: u32) -> Option<String> {
    let Ok(n) = Decimal::from_str(text.trim()) else {
        return Some(format!("{field} '{text}' is not a number."));
    };
    let max = Decimal::from(10i64.pow(precision - scale)) - Decimal::new(1, scale);
    if n.abs() > max {
        return Some(format!("{field} {n} is more than UnitCycle stores ({max})."));
    }
    None
}

/// A value read from the store that the boundary would have refused.
pub trait Sane {
    /// The first bad (field, value, why), if any.
    fn problem(&self) -> Option<(&'static str, String, String)>;
}

fn date_out(field: &'static str, d: Option<NaiveDate>) -> Option<(&'static str, String, String)> {
    let d = d?;
    check_date(field, d).err().map(|why| (field, d.to_string(), why))
}

fn money_out(field: &'static str, n: Decimal) -> Option<(&'static str, String, String)> {
    (!crate::format::fits_money(n)).then(|| (field, n.to_string(), crate::format::money_too_large(field, n)))
}

impl Sane for Lease {
    fn problem(&self) -> Option<(&'static str, String, String)> {
        date_out("lease_begin_date", Some(self.lease_begin_date))
            .or_else(|| date_out("lease_end_date", self.lease_end_date))
            .or_else(|| date_out("holdover_start_date", self.holdover_start_date))
            .or_else(|| date_out("notice_date", self.notice_date))
            .or_else(|| date_out("notice_move_out_date", self.notice_move_out_date))
            .or_else(|| date_out("actual_move_out_date", self.actual_move_out_date))
            .or_else(|| money_out("monthly_rent_amount", self.monthly_rent_amount))
            .or_else(|| money_out("security_deposit", self.security_deposit))
            .or_else(|| money_out("late_fee_amount", self.late_fee_amount))
    }
}

impl Sane for LedgerEntry {
    fn problem(&self) -> Option<(&'static str, String, String)> {
        money_out("amount", self.amount)
            .or_else(|| date_out("trans_date", Some(self.trans_date)))
            .or_else(|| date_out("due_date", self.due_date))
    }
}

impl Sane for crate::command_center::UnitSnapshot {
    fn problem(&self) -> Option<(&'static str, String, String)> {
        date_out("lease_end_date", self.lease_end_date)
            .or_else(|| date_out("notice_move_out_date", self.notice_move_out_date))
            .or_else(|| money_out("monthly_rent_amount", self.current_rent))
            .or_else(|| money_out("market_rent", self.market_rent))
    }
}

/// A command-center row holds what it could read; only an unreadable one is skipped.
impl Sane for crate::command_center::Row {
    fn problem(&self) -> Option<(&'static str, String, String)> {
        None
    }
}

/// Every bad value in a replica: checked dates and numbers ([`COLUMNS`]), terms in order
/// ([`ORDERED`]) and NUL in any text column, in table order.
pub fn scan(store: &Store) -> Result<Vec<BadRow>> {
    let conn = store.conn();
    let mut out = Vec::new();
    for &(table, column, kind) in COLUMNS {
        let sql = format!("SELECT CAST(id AS TEXT), CAST({column} AS TEXT) FROM {table} WHERE {column} IS NOT NULL");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, value): (String, String) = (r.get(0)?, r.get(1)?);
            let why = match kind {
                Kind::Date => date_problem(column, &value),
                Kind::Numeric(p, s) => numeric_problem(column, &value, p, s),
            };
            if let Some(why) = why {
                out.push(BadRow { table: table.into(), id, field: column.into(), value, why });
            }
        }
    }
    for &(table, first, later) in ORDERED {
        // Only dates that read back are compared; the others are reported above.
        let sql = format!(
            "SELECT CAST(id AS TEXT), {first}, {later} FROM {table}
             WHERE {later} < {first} AND {first} BETWEEN ?1 AND ?2 AND {later} BETWEEN ?1 AND ?2"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([FIRST_DATE.to_string(), LAST_DATE.to_string()])?;
        while let Some(r) = rows.next()? {
            let (id, a, b): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if date_problem(first, &a).is_none() && date_problem(later, &b).is_none() {
                let why = format!("{later} ({b}) is before {first} ({a}).");
                out.push(BadRow { table: table.into(), id, field: later.into(), value: b, why });
            }
        }
    }
    out.extend(nul_text(store)?);
    Ok(out)
}

/// Text with a NUL character, in every text column of every table.
fn nul_text(store: &Store) -> Result<Vec<BadRow>> {
    let conn = store.conn();
    let tables: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = stmt.query_map([], |r| r.get(0))?;
        names.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<(String, String)> = {
            let mut stmt = conn.prepare("SELECT name, type FROM pragma_table_info(?1)")?;
            let cols = stmt.query_map([&table], |r| Ok((r.get(0)?, r.get(1)?)))?;
            cols.collect::<rusqlite::Result<_>>()?
        };
        let key = if columns.iter().any(|(n, _)| n == "id") { "id" } else { "rowid" };
        for (column, _) in columns.iter().filter(|(_, t)| t.eq_ignore_ascii_case("TEXT")) {
            let sql = format!(
                "SELECT CAST({key} AS TEXT), CAST({column} AS BLOB) FROM \"{table}\"
                 WHERE instr(CAST({column} AS BLOB), x'00') > 0"
            );
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let bytes: Vec<u8> = r.get(1)?;
                let value = String::from_utf8_lossy(&bytes).into_owned();
                out.push(BadRow {
                    table: table.clone(),
                    id,
                    field: column.clone(),
                    value,
                    why: format!("{column} has a NUL character."),
                });
            }
        }
    }
    Ok(out)
}
