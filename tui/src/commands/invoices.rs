//! `unitcycle invoices ...`: vendor invoices read off their PDFs (spec 3.2). `extract` only reads
//! (for scripts); the rest are `unitcycle_core::invoice_processing`'s replica actions. Approving
//! shows what the invoice becomes and needs `--yes`.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::document_ai;
use unitcycle_core::document_ai::samples::{demo_invoice, invoice_pdf, Layout};
use unitcycle_core::format::{money, opt_date};
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use unitcycle_core::invoice_processing::workflow::{self as wf, ApproveExtraction};
use unitcycle_core::invoice_processing::{offline, replica};
use unitcycle_core::store::Store;
use unitcycle_core::work_orders::port::MaintenancePort;

use super::maintenance::find_work_order;
use super::move_out::{by_key, short};
use super::{now_on, open, print_json, today};
use crate::cli::InvoicesCommand;
use crate::table::{Align, Table};

fn read_file(file: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.len() > document_ai::MAX_BYTES as u64 {
        return Err(anyhow!(
            "{} is {} bytes; at most {} bytes are accepted",
            file.display(),
            meta.len(),
            document_ai::MAX_BYTES
        ));
    }
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

fn find(store: &Store, key: &str) -> Result<InvoiceAiExtraction> {
    by_key(
        wf::processing_queue(store, None)?,
        key,
        |x| x.invoice_id,
        "uploaded invoice (see `unitcycle invoices queue`)",
    )
}

fn opt_money(a: Option<rust_decimal::Decimal>) -> String {
    a.map_or_else(|| "—".into(), money)
}

/// The extraction as a person reads it: fields with confidence, lines, match, GL, price, notes.
pub fn describe(x: &InvoiceAiExtraction) -> Vec<String> {
    let conf = |field: &str| {
        x.field_sources[field]["confidence"]
            .as_f64()
            .map_or_else(|| "not found".into(), |c| format!("{:.0}%", c * 100.0))
    };
    let text = |s: &str| if s.is_empty() { "—".to_string() } else { s.to_string() };
    let mut out = vec![
        format!(
            "Invoice {} · {} · {} · read by {} ({}), {:.0}% overall",
            short(x.invoice_id),
            x.file_name,
            x.status,
            x.provider,
            x.extraction_model,
            x.extraction_confidence.unwrap_or(0.0) * 100.0
        ),
        format!("  Vendor          {:<28} {}", text(&x.extracted_vendor_name), conf("vendor_name")),
        format!("  Invoice number  {:<28} {}", text(&x.extracted_invoice_number), conf("invoice_number")),
        format!("  Invoice date    {:<28} {}", opt_date(x.extracted_date), conf("invoice_date")),
        format!("  Due date        {:<28} {}", opt_date(x.extracted_due_date), conf("due_date")),
        format!("  Subtotal        {:<28} {}", opt_money(x.extracted_subtotal), conf("subtotal")),
        format!("  Tax             {:<28} {}", opt_money(x.extracted_tax), conf("tax")),
        format!("  Total           {:<28} {}", opt_money(x.extracted_total), conf("total")),
    ];
    for l in &x.extracted_line_items {
        out.push(format!(
            "    · {} — {} × {} = {}",
            l.description.as_deref().unwrap_or("—"),
            l.quantity.map_or_else(|| "—".into(), |q| q.normalize().to_string()),
            opt_money(l.unit_price),
            opt_money(l.total)
        ));
    }
    out.push(match x.matched_work_order_id {
        Some(w) => format!(
            "  Work order      {} ({:.0}%): {}",
            short(w),
            x.wo_match_confidence.unwrap_or(0.0) * 100.0,
            x.wo_match_reasoning
        ),
        None => format!("  Work order      none: {}", x.wo_match_reasoning),
    });
    out.push(format!(
        "  GL code         {} ({:.0}%)",
        text(&x.suggested_gl_code),
        x.gl_confidence.unwrap_or(0.0) * 100.0
    ));
    out.push(format!(
        "  Price           {}{}",
        if x.price_anomaly_detected { "ANOMALY: " } else { "" },
        x.price_anomaly_details
    ));
    for n in &x.review_notes {
        out.push(format!("  ! {n}"));
    }
    out
}

pub fn run(db: &Path, cmd: InvoicesCommand) -> Result<()> {
    let now = now_on(today(None));
    match cmd {
        InvoicesCommand::Extract { file, json } => {
            let pdf = read_file(&file)?;
            let doc = document_ai::read_pdf(&pdf)?;
            let x = offline::extract(&doc, &[]);
            if json {
                return print_json(&serde_json::json!({
                    "provider": "offline",
                    "invoice": x.invoice,
                    "fields": x.fields,
                    "confidence": x.confidence,
                    "needs_review": x.needs_review,
                    "notes": x.notes,
                    "scanned_pages": x.scanned_pages,
                    "pages": doc.pages.len(),
                }));
            }
            println!(
                "{} · {} page(s) · offline reader · {:.0}% overall",
                file.display(),
                doc.pages.len(),
                x.confidence * 100.0
            );
            let mut t = Table::new(&[
                ("Field", Align::Left),
                ("Value", Align::Left),
                ("Confidence", Align::Right),
                ("Where", Align::Left),
            ]);
            for (name, src) in &x.fields {
                let place = src.location.map_or_else(String::new, |b| format!("p{} ({:.0}, {:.0})", b.page, b.x, b.y));
                t.row(vec![
                    name.clone(),
                    src.raw.clone().unwrap_or_default(),
                    format!("{:.0}%", src.confidence * 100.0),
                    place,
                ]);
            }
            print!("{}", t.render());
            for n in &x.notes {
                println!("! {n}");
            }
            Ok(())
        }
        InvoicesCommand::Upload { file, json } => {
            let pdf = read_file(&file)?;
            let mut store = open(db)?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let x = replica::upload(&mut store, &Gateway::from_env(), &name, &pdf, now)?;
            if json {
                return print_json(&x);
            }
            describe(&x).iter().for_each(|l| println!("{l}"));
            Ok(())
        }
        InvoicesCommand::Queue { status, json } => {
            let store = open(db)?;
            let rows = wf::processing_queue(&store, status.as_deref())?;
            if json {
                return print_json(&rows);
            }
            let mut t = Table::new(&[
                ("Invoice", Align::Left),
                ("Status", Align::Left),
                ("Review", Align::Left),
                ("Vendor", Align::Left),
                ("Number", Align::Left),
                ("Total", Align::Right),
                ("WO", Align::Left),
                ("Conf", Align::Right),
            ]);
            for x in &rows {
                t.row(vec![
                    short(x.invoice_id),
                    x.status.clone(),
                    if x.needs_review { "needs review".into() } else { String::new() },
                    x.extracted_vendor_name.clone(),
                    x.extracted_invoice_number.clone(),
                    opt_money(x.extracted_total),
                    x.matched_work_order_id.map(short).unwrap_or_default(),
                    format!("{:.0}%", x.extraction_confidence.unwrap_or(0.0) * 100.0),
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        InvoicesCommand::Show { invoice, json } => {
            let store = open(db)?;
            let x = find(&store, &invoice)?;
            if json {
                return print_json(&x);
            }
            describe(&x).iter().for_each(|l| println!("{l}"));
            Ok(())
        }
        InvoicesCommand::Approve {
            invoice,
            vendor,
            number,
            date,
            due,
            subtotal,
            tax,
            total,
            work_order,
            gl_code,
            not_a_duplicate,
            yes,
        } => {
            let mut store = open(db)?;
            let x = find(&store, &invoice)?;
            let work_order_id = work_order.map(|w| find_work_order(&store, &w).map(|w| w.id)).transpose()?;
            let corrections = ApproveExtraction {
                vendor_name: vendor,
                invoice_number: number,
                invoice_date: date,
                due_date: due,
                subtotal,
                tax,
                total,
                work_order_id,
                gl_code,
                not_a_duplicate,
                ..ApproveExtraction::default()
            };
            if !yes {
                println!("Approving invoice {} makes it payable with:", short(x.invoice_id));
                let show = |what: &str, read: String, fixed: Option<String>| match fixed {
                    Some(f) => println!("  {what:<15} {f}   (corrected; read {read})"),
                    None => println!("  {what:<15} {read}"),
                };
                show("Vendor", x.extracted_vendor_name.clone(), corrections.vendor_name.clone());
                show("Invoice number", x.extracted_invoice_number.clone(), corrections.invoice_number.clone());
                show("Invoice date", opt_date(x.extracted_date), corrections.invoice_date.map(|d| opt_date(Some(d))));
                show("Total", opt_money(x.extracted_total), corrections.total.map(money));
                show("GL code", x.suggested_gl_code.clone(), corrections.gl_code.clone());
                println!("Nothing is paid or sent by approving. Run again with --yes to approve.");
                return Ok(());
            }
            let done = replica::approve(&mut store, &Gateway::from_env(), x.invoice_id, &corrections, now)?;
            describe(&done).iter().for_each(|l| println!("{l}"));
            Ok(())
        }
        InvoicesCommand::Sample { out, n, work_order, number_label, layout } => {
            let layout = match layout.trim().to_ascii_lowercase().as_str() {
                "us" => Layout::UsClassic,
                "eu" => Layout::EuropeanColumns,
                "iso" => Layout::IsoCompact,
                other => return Err(anyhow!("layout '{other}' is not one of: us, eu, iso")),
            };
            let mut sample = demo_invoice(n);
            sample.number_label = number_label;
            if let Some(key) = work_order {
                let store = open(db)?;
                let wo = find_work_order(&store, &key)?;
                let vendor = wo
                    .assigned_vendor_id
                    .and_then(|v| store.vendor_list().ok()?.into_iter().find(|x| x.id == v))
                    .ok_or_else(|| anyhow!("work order {} has no vendor assigned", short(wo.id)))?;
                sample.vendor_name = vendor.name;
                sample.work_order_reference = Some(format!("WO-{}", short(wo.id)));
                sample.invoice_date = wo.completed_date.unwrap_or(wo.requested_date);
                sample.due_date = sample.invoice_date.checked_add_days(chrono::Days::new(30));
            }
            std::fs::write(&out, invoice_pdf(&sample, layout))
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{} · {} · {} · total {}",
                out.display(),
                sample.vendor_name,
                sample.invoice_number,
                money(sample.total())
            );
            Ok(())
        }
        InvoicesCommand::Match { invoice, work_order } => {
            let mut store = open(db)?;
            let x = find(&store, &invoice)?;
            let wo = find_work_order(&store, &work_order)?;
            let done = replica::match_work_order(&mut store, &Gateway::from_env(), x.invoice_id, wo.id, now)?;
            describe(&done).iter().for_each(|l| println!("{l}"));
            Ok(())
        }
    }
}
