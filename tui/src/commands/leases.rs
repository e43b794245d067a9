//! `unitcycle leases ...`: lease documents read into terms (spec 4.3). `abstract` reads a PDF
//! (stores nothing unless `--save`); the rest are `unitcycle_core::lease_abstraction`'s replica
//! actions. Applying shows the diff and needs `--yes`.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use serde_json::{Map, Value};
use unitcycle_core::ai::Gateway;
use unitcycle_core::document_ai;
use unitcycle_core::document_ai::samples::{lease_pdf, SampleLease};
use unitcycle_core::lease_abstraction::clauses::{missing_terms, non_standard_clauses};
use unitcycle_core::lease_abstraction::workflow::{self as wf, AbstractionAction, ApplyRequest};
use unitcycle_core::lease_abstraction::{offline, LeaseAbstraction, EXTRACTED_TERMS_SCHEMA};
use unitcycle_core::store::Store;

use super::move_out::{by_key, short};
use super::{now_on, open, print_json, today};
use crate::cli::LeasesCommand;

fn read_file(file: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.len() > document_ai::MAX_BYTES as u64 {
        return Err(anyhow!(
            "{} is {} bytes; at most {} are accepted",
            file.display(),
            meta.len(),
            document_ai::MAX_BYTES
        ));
    }
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

fn find(store: &Store, key: &str) -> Result<LeaseAbstraction> {
    by_key(wf::list(store, None, None)?, key, |a| a.id, "lease abstraction (see `unitcycle leases abstractions`)")
}

fn print_terms(terms: &Value, sources: &Value) {
    for (term, _) in EXTRACTED_TERMS_SCHEMA {
        let v = &terms[*term];
        if v.is_null() {
            continue;
        }
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let conf = sources[*term]["confidence"].as_f64().map_or_else(String::new, |c| format!("{:.0}%", c * 100.0));
        println!("  {term:<28} {text:<48} {conf}");
    }
}

fn describe(a: &LeaseAbstraction) {
    println!(
        "Abstraction {} · {} · {} · read by {} ({}), {:.0}% on the core terms{}",
        short(a.id),
        a.document_name,
        a.status,
        a.provider,
        a.model_used,
        a.extraction_confidence.unwrap_or(0.0) * 100.0,
        a.lease_id.map(|l| format!(" · lease {}", short(l))).unwrap_or_default()
    );
    print_terms(&a.extracted_terms, &a.field_sources);
    for c in &a.non_standard_clauses {
        println!("  ! {} (page {}): {} — \"{}\"", c.severity, c.page, c.explanation, c.clause);
    }
    if !a.missing_terms.is_empty() {
        println!("  missing: {}", a.missing_terms.join(", "));
    }
}

pub fn run(db: &Path, cmd: LeasesCommand) -> Result<()> {
    let now = now_on(today(None));
    match cmd {
        LeasesCommand::Abstract { file, json, save, lease } => {
            let pdf = read_file(&file)?;
            if save || lease.is_some() {
                let mut store = open(db)?;
                let lease_id = lease.map(|l| store.find_lease(&l).map(|l| l.id)).transpose()?;
                let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let a = wf::upload_on_replica(&mut store, &Gateway::from_env(), &name, &pdf, lease_id, now)?;
                if json {
                    return print_json(&a);
                }
                describe(&a);
                return Ok(());
            }
            let doc = document_ai::read_pdf(&pdf)?;
            let r = offline::extract(&doc);
            let clauses = non_standard_clauses(&r.sentences, &r.terms);
            let missing = missing_terms(&r.terms);
            if json {
                return print_json(&serde_json::json!({
                    "provider": "offline",
                    "extracted_terms": r.terms,
                    "field_sources": r.sources,
                    "non_standard_clauses": clauses,
                    "missing_terms": missing,
                    "extraction_confidence": r.confidence,
                    "page_count": doc.pages.len(),
                }));
            }
            println!(
                "{} · {} page(s) · offline reader · {:.0}% on the core terms",
                file.display(),
                doc.pages.len(),
                r.confidence * 100.0
            );
            print_terms(&r.terms, &serde_json::to_value(&r.sources)?);
            for c in &clauses {
                println!("  ! {} (page {}): {}", c.severity, c.page, c.explanation);
            }
            if !missing.is_empty() {
                println!("  missing: {}", missing.join(", "));
            }
            Ok(())
        }
        LeasesCommand::Sample { out, lease, rent } => {
            let mut sample = SampleLease::demo();
            if let Some(key) = lease {
                let store = open(db)?;
                let l = store.find_lease(&key)?;
                let tenant = store.tenant(l.tenant_id)?;
                let unit = store.unit(l.unit_id)?;
                let property = store.property(l.property_id)?;
                sample.tenants = vec![format!("{} {}", tenant.first_name, tenant.last_name)];
                sample.premises = format!(
                    "{}, Unit {}, {}, {} {}",
                    property.address, unit.unit_number, property.city, property.state, property.zip_code
                );
                sample.start = l.lease_begin_date;
                sample.end = l.lease_end_date.unwrap_or(l.lease_begin_date + chrono::Months::new(12));
                sample.monthly_rent = l.monthly_rent_amount;
                sample.security_deposit = l.security_deposit;
                sample.late_fee = l.late_fee_amount;
                sample.late_after_days = l.grace_period_days.max(0) as u32;
            }
            if let Some(r) = rent {
                sample.monthly_rent = r;
            }
            std::fs::write(&out, lease_pdf(&sample)).with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{} · {} · {} · rent {}",
                out.display(),
                sample.tenants.join(" and "),
                sample.premises,
                unitcycle_core::format::money(sample.monthly_rent)
            );
            Ok(())
        }
        LeasesCommand::Abstractions { status, json } => {
            let store = open(db)?;
            let rows = wf::list(&store, status.as_deref(), None)?;
            if json {
                return print_json(&rows);
            }
            for a in &rows {
                println!(
                    "{}  {:<9} {:<28} {:>3} flags  {:>2} missing  {}",
                    short(a.id),
                    a.status,
                    a.document_name,
                    a.non_standard_clauses.len(),
                    a.missing_terms.len(),
                    a.extracted_terms["tenant_name"].as_str().unwrap_or("—")
                );
            }
            Ok(())
        }
        LeasesCommand::Show { abstraction, json } => {
            let store = open(db)?;
            let a = find(&store, &abstraction)?;
            if json {
                return print_json(&a);
            }
            describe(&a);
            Ok(())
        }
        LeasesCommand::Correct { abstraction, set } => {
            let mut store = open(db)?;
            let a = find(&store, &abstraction)?;
            let mut terms = Map::new();
            for pair in set {
                let (term, value) =
                    pair.split_once('=').ok_or_else(|| anyhow!("--set takes term=value, not '{pair}'"))?;
                let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
                terms.insert(term.trim().to_string(), value);
            }
            let action = AbstractionAction::UpdateTerms { terms, reviewer: crate::paths::actor() };
            let done = wf::act_on_replica(&mut store, &Gateway::from_env(), a.id, &action, None, now)?;
            describe(&done);
            Ok(())
        }
        LeasesCommand::Apply { abstraction, lease, fields, yes } => {
            let mut store = open(db)?;
            let a = find(&store, &abstraction)?;
            let lease_id = lease.map(|l| store.find_lease(&l).map(|l| l.id)).transpose()?;
            let fields = (!fields.is_empty()).then_some(fields);
            let preview =
                wf::apply(&mut store, a.id, &ApplyRequest { lease_id, fields: fields.clone(), dry_run: true }, now)?;
            println!("Lease {}: the extracted terms against the record", short(preview.lease_id));
            for d in &preview.diff {
                let chosen = fields.as_ref().is_none_or(|f| f.contains(&d.term) || f.contains(&d.field));
                let mark = if !d.changes {
                    "  same"
                } else if chosen {
                    "  WILL CHANGE"
                } else {
                    "  (not chosen)"
                };
                println!("  {:<28} {:>14} → {:<14}{mark}", d.term, d.current, d.extracted);
            }
            if !yes {
                println!("Nothing is written. Run again with --yes to write the changes marked WILL CHANGE.");
                return Ok(());
            }
            let action = AbstractionAction::Apply(ApplyRequest { lease_id, fields, dry_run: false });
            let done = wf::act_on_replica(&mut store, &Gateway::from_env(), a.id, &action, None, now)?;
            println!("Applied to lease {}.", done.lease_id.map(short).unwrap_or_default());
            Ok(())
        }
    }
}
