//! Importing a transactions (ledger) file: one charge or payment per row, on the lease in place
//! on the row's unit. A second import of the same file creates nothing: an entry is matched by
//! lease, type, date, amount and description (as many times as it is already there).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::fields::detect_ledger;
use super::{read_csv, values, Cells, ImportPort, ImportReport, ImportRequest, ImportWrites, KindCount, RowError};
use crate::model::{LeaseStatus, LedgerEntry, TransType};
use crate::store::Result;

use super::Field;

/// One validated transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub line: u64,
    pub property: String,
    pub unit_number: String,
    pub tenant: String,
    pub date: NaiveDate,
    pub trans_type: TransType,
    pub amount: Decimal,
    pub description: String,
    pub category: String,
}

impl LedgerRow {
    fn new(line: u64, cells: &Cells<'_>) -> std::result::Result<LedgerRow, String> {
        let unit_number = cells.opt(Field::UnitNumber).ok_or("the unit is empty")?.to_string();
        let date = values::date(cells.opt(Field::TransDate).ok_or("the date is empty")?)?;
        let money = |f: Field, what: &str| {
            cells.opt(f).map(|v| values::money(v).map_err(|e| format!("{what}: {e}"))).transpose()
        };
        let charge = money(Field::Charge, "charge")?.filter(|a| !a.is_zero());
        let payment = money(Field::Payment, "payment")?.filter(|a| !a.is_zero());
        let amount = money(Field::Amount, "amount")?.filter(|a| !a.is_zero());
        let kind = cells.get(Field::TransType).to_ascii_lowercase();
        let (trans_type, amount) = match (charge, payment, amount) {
            (Some(_), Some(_), _) => return Err("the row has both a charge and a payment".into()),
            (Some(c), None, _) => (TransType::Charge, c),
            (None, Some(p), _) => (TransType::Payment, p),
            (None, None, Some(a)) if kind.starts_with("pay") || kind.starts_with("receipt") || kind == "credit" => {
                (TransType::Payment, a.abs())
            }
            (None, None, Some(a)) if kind.is_empty() && a < Decimal::ZERO => (TransType::Payment, -a),
            (None, None, Some(a)) => (TransType::Charge, a),
            (None, None, None) => return Err("the row has no amount".into()),
        };
        if amount < Decimal::ZERO {
            return Err(format!("the {} is negative", trans_type.as_str().to_lowercase()));
        }
        let description = cells.get(Field::Description).to_string();
        let category = match cells.opt(Field::Category) {
            Some(c) => c.to_ascii_lowercase().replace(' ', "_"),
            None if trans_type == TransType::Payment => "payment".into(),
            None if description.to_ascii_lowercase().contains("rent") => "rent".into(),
            None if description.to_ascii_lowercase().contains("late") => "late_fee".into(),
            None => "other".into(),
        };
        if description.chars().count() > 500 {
            return Err("the description is longer than 500 characters".into());
        }
        Ok(LedgerRow {
            line,
            property: cells.get(Field::PropertyName).to_string(),
            unit_number,
            tenant: cells.get(Field::TenantName).to_string(),
            date,
            trans_type,
            amount,
            description,
            category,
        })
    }
}

fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Imports a transactions file: all rows or none, like the rent roll.
pub fn import_ledger<P: ImportPort + ?Sized>(
    port: &mut P,
    req: &ImportRequest<'_>,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut rows = Vec::new();
    let (mapping, mut errors) = read_csv(req.csv, req.overrides, detect_ledger, |line, cells| {
        rows.push(LedgerRow::new(line, cells)?);
        Ok(())
    });
    let mut report = ImportReport {
        dry_run: req.dry_run,
        mapping,
        rows: (rows.len() + errors.iter().filter(|e| e.line > 1).count()) as u32,
        counts: [("ledger_entries".to_string(), KindCount::default())].into(),
        ..Default::default()
    };
    if errors.iter().any(|e| e.line == 1) {
        report.errors = errors;
        return Ok(report);
    }
    let existing = port.import_existing()?;
    let prior = port.import_ledger()?;
    let property_names: HashMap<Uuid, String> = existing.properties.iter().map(|p| (p.id, key(&p.name))).collect();
    let tenants: HashMap<Uuid, String> =
        existing.tenants.iter().map(|t| (t.id, key(&format!("{} {}", t.first_name, t.last_name)))).collect();
    // The lease in place on each unit (the latest not vacant), by property name and unit number.
    let mut in_place: HashMap<(String, String), Vec<&crate::model::Lease>> = HashMap::new();
    let units: HashMap<Uuid, &crate::model::Unit> = existing.units.iter().map(|u| (u.id, u)).collect();
    for l in existing.leases.iter().filter(|l| l.lease_status != LeaseStatus::Vacant) {
        let Some(u) = units.get(&l.unit_id) else { continue };
        let prop = property_names.get(&u.property_id).cloned().unwrap_or_default();
        in_place.entry((prop, key(&u.unit_number))).or_default().push(l);
    }
    let mut seen: HashMap<(Uuid, TransType, NaiveDate, Decimal, String), u32> = HashMap::new();
    for e in &prior {
        if let Some(lease) = e.lease_id {
            *seen.entry((lease, e.trans_type, e.trans_date, e.amount, key(&e.description))).or_default() += 1;
        }
    }
    let mut writes = ImportWrites::default();
    let counts = report.counts.entry("ledger_entries".into()).or_default();
    for r in &rows {
        let candidates: Vec<&crate::model::Lease> = in_place
            .iter()
            .filter(|((prop, unit), _)| {
                *unit == key(&r.unit_number) && (r.property.is_empty() || *prop == key(&r.property))
            })
            .flat_map(|(_, ls)| ls.iter().copied())
            .collect();
        let lease = match candidates.as_slice() {
            [] => {
                errors.push(RowError { line: r.line, message: format!("no lease in place on unit {}", r.unit_number) });
                continue;
            }
            [one] => *one,
            many => match many.iter().max_by_key(|l| l.lease_begin_date) {
                Some(l) if !r.property.is_empty() => *l,
                _ => {
                    errors.push(RowError {
                        line: r.line,
                        message: format!("unit {} is in several properties: add a property column", r.unit_number),
                    });
                    continue;
                }
            },
        };
        if !r.tenant.is_empty() {
            let (first, last) = values::split_name(&r.tenant);
            let named = key(&format!("{first} {last}"));
            if tenants.get(&lease.tenant_id).is_some_and(|t| *t != named) {
                errors.push(RowError {
                    line: r.line,
                    message: format!("unit {}'s tenant is not {}", r.unit_number, r.tenant),
                });
                continue;
            }
        }
        let k = (lease.id, r.trans_type, r.date, r.amount, key(&r.description));
        match seen.get_mut(&k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                counts.matched += 1;
            }
            _ => {
                counts.created += 1;
                writes.ledger.push(LedgerEntry {
                    id: Uuid::new_v4(),
                    tenant_id: lease.tenant_id,
                    lease_id: Some(lease.id),
                    unit_id: Some(lease.unit_id),
                    property_id: Some(lease.property_id),
                    trans_type: r.trans_type,
                    category: r.category.clone(),
                    description: r.description.clone(),
                    amount: r.amount,
                    trans_date: r.date,
                    due_date: (r.trans_type == TransType::Charge).then_some(r.date),
                    created_at: now,
                });
                if !writes.property_ids.contains(&lease.property_id) {
                    writes.property_ids.push(lease.property_id);
                }
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    report.errors = errors;
    report.property_ids = writes.property_ids.clone();
    if report.errors.is_empty() && !req.dry_run && !writes.is_empty() {
        port.write_import(&writes, now)?;
        report.applied = true;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_rent_roll, IMPORT_ACTOR};
    use crate::store::Store;

    #[test]
    fn a_transactions_file_lands_on_the_leases_once() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let now = today.and_hms_opt(9, 0, 0).unwrap().and_utc();
        let mut store = Store::in_memory().unwrap();
        let roll = include_str!("../../../tests/fixtures/rent_roll_buildium.csv");
        let req = ImportRequest { csv: roll, overrides: &[], dry_run: false, actor: IMPORT_ACTOR };
        assert!(import_rent_roll(&mut store, &req, today, now).unwrap().applied);
        let csv = "Date,Property,Unit,Tenant,Description,Charge,Payment\n\
            06/01/2026,Heron Pointe,10,\"Ibarra, Tove\",Rent Jun 2026,\"$1,200.00\",\n\
            06/03/2026,Heron Pointe,10,Tove Ibarra,Payment - ACH,,\"$1,200.00\"\n\
            06/03/2026,Heron Pointe,10,Tove Ibarra,Payment - ACH,,\"$1,200.00\"\n\
            06/01/2026,Heron Pointe,12,,Rent Jun 2026,1550,\n";
        let run = |store: &mut Store, csv: &str, dry_run: bool| {
            let req = ImportRequest { csv, overrides: &[], dry_run, actor: IMPORT_ACTOR };
            import_ledger(store, &req, now).unwrap()
        };
        let first = run(&mut store, csv, false);
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!(first.counts["ledger_entries"], KindCount { created: 4, matched: 0 });
        let again = run(&mut store, csv, false);
        assert_eq!(again.counts["ledger_entries"], KindCount { created: 0, matched: 4 });
        assert!(!again.applied);
        let bad =
            "Date,Unit,Tenant,Charge,Payment\n06/01/2026,10,Someone Else,5,\n06/01/2026,99,,5,\n06/01/2026,12,,5,5\n";
        let r = run(&mut store, bad, false);
        let lines: Vec<u64> = r.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4], "{:?}", r.errors);
        assert!(!r.applied);
        assert!(r.text().contains("ledger entries"), "{}", r.text());
    }
}
