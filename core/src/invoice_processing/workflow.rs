//! One workflow per invoice action (spec 3.2), written once over [`MaintenancePort`] for the
//! server's endpoints and a replica's commands: upload (read, extract, match, code, check the
//! price, look for a duplicate), approve with a person's corrections (and learn the vendor's
//! template from them), and match to a work order by hand.
//!
//! Extraction goes to Claude (the PDF as a document block, the spec's prompt word for word) when
//! it is configured; otherwise, or when Claude fails, to the offline reader, which says so.
//! Nothing is stored half-way: a refused upload writes nothing, and each action's rows are one
//! transaction.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::gl::suggest_gl_code;
use super::matching::{match_invoice_to_wo, match_vendor, normalize_vendor_name, MatchStrategy};
use super::offline::{self, FieldSource, VendorTemplate};
use super::price_check::check_price;
use super::record::{extraction_id, template_id, InvoiceAiExtraction, InvoiceVendorTemplate};
use super::totals::check_totals;
use super::{ExtractedInvoice, LineItem, INVOICE_EXTRACTION_PROMPT};
use crate::ai::{CompletionRequest, Gateway, ProviderKind};
use crate::document_ai::{self, BBox, Document, DocumentKind};
use crate::format::{check_amount, check_date, check_text, money};
use crate::model::{Invoice, InvoiceLineItem, InvoiceStatus, Vendor, WorkOrder, WorkOrderStatus};
use crate::store::{Result, StoreError};
use crate::vendor_intelligence::approved;
use crate::work_orders::port::{MaintenancePort, MaintenanceWrites};

/// The registry name of the extraction call (`ai_run.task`).
pub const TASK: &str = "invoice_extraction";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// The first day any work order can be from (the matcher's window is applied by the matcher).
fn window_start(invoice_date: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    invoice_date.unwrap_or(today) - Duration::days(super::matching::WINDOW_DAYS + 30)
}

/// Reads and validates an upload: the refusals every boundary shares.
pub fn read_upload(pdf: &[u8]) -> Result<Document> {
    document_ai::read_pdf(pdf).map_err(refused)
}

/// What the reader found, with where each field came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub invoice: ExtractedInvoice,
    pub fields: BTreeMap<String, FieldSource>,
    pub notes: Vec<String>,
    pub confidence: f64,
    pub needs_review: bool,
    pub provider: ProviderKind,
    pub model: String,
    pub raw: Value,
}

/// The templates stored, in the offline reader's form.
pub fn templates(rows: &[InvoiceVendorTemplate]) -> Vec<VendorTemplate> {
    rows.iter()
        .map(|t| VendorTemplate {
            vendor_key: t.vendor_key.clone(),
            vendor_name: t.vendor_name.clone(),
            labels: t.labels.clone(),
            number_style: t.number_style.as_deref().and_then(|s| serde_json::from_value(json!(s)).ok()),
            date_style: t.date_style.as_deref().and_then(|s| serde_json::from_value(json!(s)).ok()),
        })
        .collect()
}

/// The offline reading of a document.
pub fn read_offline(doc: &Document, templates: &[VendorTemplate]) -> Reading {
    let x = offline::extract(doc, templates);
    Reading {
        raw: serde_json::to_value(&x.invoice).unwrap_or(Value::Null),
        invoice: x.invoice,
        fields: x.fields,
        notes: x.notes,
        confidence: x.confidence,
        needs_review: x.needs_review,
        provider: ProviderKind::Offline,
        model: "offline-document-reader-v1".into(),
    }
}

/// Where `needle` is printed in the document, for highlighting a model's answer on the page.
fn locate(doc: &Document, needles: &[String]) -> Option<BBox> {
    let needles: Vec<&String> = needles.iter().filter(|n| !n.trim().is_empty()).collect();
    doc.lines()
        .flat_map(|l| l.spans.iter())
        .find(|s| needles.iter().any(|n| s.text.contains(n.as_str())))
        .map(|s| s.bbox)
}

/// The ways an amount may be printed (`1234.50`, `1,234.50`, `1.234,50`).
fn printed_amounts(d: Decimal) -> Vec<String> {
    let plain = format!("{:.2}", d.round_dp(2));
    let us = money(d).trim_start_matches('$').to_string();
    let eu = us.replace(',', "_").replace('.', ",").replace('_', ".");
    vec![us, eu, plain]
}

/// Claude's reading, each field placed on the page where its text is found. A figure Claude
/// gives that the document's text does not contain is a note: it may be misread.
fn read_with_model(
    gateway: &Gateway,
    doc: &Document,
    pdf: &[u8],
    log: &dyn crate::ai::AiRunLog,
    now: DateTime<Utc>,
) -> std::result::Result<Reading, String> {
    let request = CompletionRequest {
        task: TASK.into(),
        system: "You extract data from documents for a property manager's accounts payable. Answer with JSON only."
            .into(),
        prompt: INVOICE_EXTRACTION_PROMPT.into(),
        input: Value::Null,
        output_schema: json!({"type": "object"}),
        attachments: Vec::new(),
        max_tokens: Some(4096),
    };
    let out = gateway.document::<ExtractedInvoice>(&request, pdf, log, now).map_err(|e| e.to_string())?;
    if out.provider == ProviderKind::Offline {
        return Err(out.fallback_reason.unwrap_or_else(|| "the model was not used".into()));
    }
    let inv = out.value;
    let provider = out.provider.as_str().to_string();
    let has_text = doc.lines().next().is_some();
    let mut fields = BTreeMap::new();
    let mut notes = Vec::new();
    let mut put = |name: &str, printed: Vec<String>, is_figure: bool| {
        let location = locate(doc, &printed);
        if is_figure && has_text && location.is_none() {
            notes.push(format!("The model's {name} does not appear in the document's text: check it."));
        }
        let confidence = if location.is_some() || !has_text { 0.9 } else { 0.6 };
        fields.insert(
            name.to_string(),
            FieldSource {
                provider: provider.clone(),
                confidence,
                location,
                raw: printed.first().cloned(),
                via: "model".into(),
            },
        );
    };
    if let Some(v) = &inv.vendor_name {
        put("vendor_name", vec![v.clone()], false);
    }
    if let Some(v) = &inv.invoice_number {
        put("invoice_number", vec![v.clone()], true);
    }
    for (name, d) in [("invoice_date", inv.invoice_date), ("due_date", inv.due_date)] {
        if let Some(d) = d {
            put(name, vec![d.format("%m/%d/%Y").to_string(), d.format("%d.%m.%Y").to_string(), d.to_string()], false);
        }
    }
    for (name, a) in [("subtotal", inv.subtotal), ("tax", inv.tax), ("total", inv.total)] {
        if let Some(a) = a {
            put(name, printed_amounts(a), true);
        }
    }
    let totals = check_totals(&inv);
    notes.extend(totals.issues.iter().map(|i| i.message.clone()));
    let core =
        [inv.vendor_name.is_some(), inv.invoice_number.is_some(), inv.invoice_date.is_some(), inv.total.is_some()];
    let confidence = fields.values().map(|f| f.confidence).sum::<f64>() / fields.len().max(1) as f64
        * (core.iter().filter(|c| **c).count() as f64 / core.len() as f64);
    Ok(Reading {
        raw: serde_json::to_value(&inv).unwrap_or(Value::Null),
        needs_review: !notes.is_empty() || confidence < 0.8,
        invoice: inv,
        fields,
        notes,
        confidence,
        provider: out.provider,
        model: out.model,
    })
}

/// Reads an invoice: the model when one is configured (the offline reader if it fails, with the
/// reason as a note), the offline reader otherwise.
pub fn read_invoice(
    gateway: &Gateway,
    doc: &Document,
    pdf: &[u8],
    templates: &[VendorTemplate],
    log: &dyn crate::ai::AiRunLog,
    now: DateTime<Utc>,
) -> Reading {
    if gateway.status().provider != ProviderKind::Offline {
        match read_with_model(gateway, doc, pdf, log, now) {
            Ok(r) => return r,
            Err(why) => {
                let mut r = read_offline(doc, templates);
                r.notes.insert(0, format!("The model could not read this invoice ({why}); the offline reader did."));
                r.needs_review = true;
                return r;
            }
        }
    }
    read_offline(doc, templates)
}

/// An upload as a boundary receives it.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub pdf: &'a [u8],
    /// Where the caller stored the PDF (`blob:<sha256>`).
    pub source_document: String,
}

fn same_number(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    !norm(a).is_empty() && norm(a) == norm(b)
}

/// The earlier invoice with the same vendor, number and amount, if there is one.
fn duplicate_of(earlier: &[Invoice], this: Uuid, number: Option<&str>, total: Option<Decimal>) -> Option<Uuid> {
    let (number, total) = (number?, total?);
    earlier
        .iter()
        .find(|i| {
            i.id != this
                && i.status != InvoiceStatus::Rejected
                && same_number(&i.invoice_number, number)
                && i.total_amount == total
        })
        .map(|i| i.id)
}

/// Everything derived from a reading and the records: the match, GL code, price check and
/// duplicate, written into `x` and the invoice `inv`.
fn assess<P: MaintenancePort + ?Sized>(
    port: &P,
    x: &mut InvoiceAiExtraction,
    inv: &mut Invoice,
    reading: &ExtractedInvoice,
    vendor: Option<&Vendor>,
    today: NaiveDate,
) -> Result<()> {
    let vendors = port.vendor_list()?;
    let orders: Vec<WorkOrder> = port
        .work_orders_since(window_start(reading.invoice_date, today))?
        .into_iter()
        .filter(|w| matches!(w.status, WorkOrderStatus::Completed | WorkOrderStatus::InProgress))
        .collect();
    let matched = if let Some(id) = x.matched_work_order_id.filter(|_| x.wo_match_reasoning == MANUAL_MATCH) {
        Some(port.work_order(id)?)
    } else {
        let m = match_invoice_to_wo(reading, &orders, &vendors);
        x.wo_match_confidence = Some(m.confidence);
        x.wo_match_reasoning = m.reasoning.clone();
        x.raw_response["match_factors"] = serde_json::to_value(&m.factors).unwrap_or(Value::Null);
        x.raw_response["match_strategy"] = json!(m.strategy);
        x.matched_work_order_id = m.work_order_id;
        match (m.strategy, m.work_order_id) {
            (MatchStrategy::None, _) | (_, None) => None,
            (_, Some(id)) => orders.iter().find(|w| w.id == id).cloned(),
        }
    };
    inv.work_order_id = matched.as_ref().map(|w| w.id);
    inv.unit_id = matched.as_ref().map(|w| w.unit_id);
    inv.property_id = matched.as_ref().map(|w| w.property_id);
    x.property_id = inv.property_id;
    let vendor = vendor.cloned().or_else(|| {
        matched.as_ref().and_then(|w| w.assigned_vendor_id).and_then(|v| vendors.iter().find(|x| x.id == v).cloned())
    });
    inv.vendor_id = vendor.as_ref().map(|v| v.id);

    let descriptions: Vec<&str> = reading.line_items.iter().filter_map(|l| l.description.as_deref()).collect();
    let gl = suggest_gl_code(matched.as_ref().map(|w| w.category.as_str()), &descriptions);
    x.suggested_gl_code = gl.gl_code.clone();
    x.gl_confidence = Some(gl.confidence);
    x.raw_response["gl"] = serde_json::to_value(&gl).unwrap_or(Value::Null);

    let earlier = match &vendor {
        Some(v) => port.vendor_invoices(v.id)?,
        None => Vec::new(),
    };
    let vendor_totals: Vec<Decimal> =
        earlier.iter().filter(|i| approved(i) && i.id != inv.id).map(|i| i.total_amount).collect();
    let benchmarks = port.benchmarks()?;
    let price = check_price(
        reading.total,
        &gl.category,
        benchmarks.iter().find(|b| b.work_category == gl.category),
        &vendor_totals,
    );
    x.price_validated = price.validated;
    x.price_anomaly_detected = price.anomaly;
    x.price_anomaly_details = price.details.clone();
    x.historical_avg_price = price.historical_avg;
    x.raw_response["price_check"] = serde_json::to_value(&price).unwrap_or(Value::Null);

    x.duplicate_of_invoice_id = duplicate_of(&earlier, inv.id, reading.invoice_number.as_deref(), reading.total);
    Ok(())
}

/// The invoice, refused as not found when it belongs to a property outside the caller's.
pub fn invoice_in_scope<P: MaintenancePort + ?Sized>(port: &P, invoice_id: Uuid) -> Result<Invoice> {
    let inv = port.invoice(invoice_id)?;
    if let Some(p) = inv.property_id {
        crate::port::in_scope(port, p, "Invoice", invoice_id)?;
    }
    Ok(inv)
}

/// An invoice's extraction (with the invoice's scope checked).
pub fn extraction<P: MaintenancePort + ?Sized>(port: &P, invoice_id: Uuid) -> Result<InvoiceAiExtraction> {
    invoice_in_scope(port, invoice_id)?;
    port.invoice_extraction(invoice_id)?
        .ok_or_else(|| StoreError::NotFound { what: "Invoice extraction", id: invoice_id.to_string() })
}

/// The reasoning recorded for a work order matched by hand.
pub const MANUAL_MATCH: &str = "Matched to this work order by hand";

/// Upload: reads the PDF, extracts, matches, codes, checks the price and looks for a
/// duplicate; writes the invoice (pending) and its extraction in one transaction.
pub fn upload<P: MaintenancePort>(
    port: &mut P,
    gateway: &Gateway,
    invoice_id: Uuid,
    upload: &Upload<'_>,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    if port.invoice(invoice_id).is_ok() {
        return Err(refused(format!("Invoice {invoice_id} already exists.")));
    }
    let started = Instant::now();
    let file_name = check_text("File name", upload.file_name, 255, false).map_err(refused)?;
    let doc = read_upload(upload.pdf)?;
    let (kind, kind_confidence) = document_ai::classify(&doc);
    let stored = port.invoice_templates()?;
    let reading = read_invoice(gateway, &doc, upload.pdf, &templates(&stored), port, now);
    let today = now.date_naive();
    let r = &reading.invoice;
    let vendors = port.vendor_list()?;
    let vendor = r.vendor_name.as_deref().and_then(|n| match_vendor(n, &vendors)).cloned();
    let mut inv = Invoice {
        id: invoice_id,
        vendor_id: None,
        property_id: None,
        unit_id: None,
        work_order_id: None,
        // Until approval the invoice holds what was read; a date not read is the day received.
        invoice_number: r.invoice_number.clone().unwrap_or_default().chars().take(50).collect(),
        invoice_date: r.invoice_date.unwrap_or(today),
        due_date: r.due_date,
        subtotal: r.subtotal.unwrap_or_default(),
        tax: r.tax.unwrap_or_default(),
        total_amount: r.total.unwrap_or_default(),
        status: InvoiceStatus::Pending,
        confidence_score: Some(reading.confidence),
        created_at: now,
        line_items: Vec::new(),
    };
    let mut notes = reading.notes.clone();
    if kind != DocumentKind::Invoice {
        notes.insert(
            0,
            format!("This does not look like an invoice (it reads as {kind:?}, {:.0}% sure).", kind_confidence * 100.0)
                .replace("Lease", "a lease")
                .replace("Other", "something else"),
        );
    }
    let mut x = InvoiceAiExtraction {
        id: extraction_id(invoice_id),
        invoice_id,
        extracted_vendor_name: r.vendor_name.clone().unwrap_or_default(),
        extracted_invoice_number: r.invoice_number.clone().unwrap_or_default(),
        extracted_date: r.invoice_date,
        extracted_due_date: r.due_date,
        extracted_total: r.total,
        extracted_tax: r.tax,
        extracted_subtotal: r.subtotal,
        extracted_line_items: r.line_items.clone(),
        matched_work_order_id: None,
        wo_match_confidence: None,
        wo_match_reasoning: String::new(),
        suggested_gl_code: String::new(),
        gl_confidence: None,
        price_validated: false,
        price_anomaly_detected: false,
        price_anomaly_details: String::new(),
        historical_avg_price: None,
        extraction_confidence: Some((reading.confidence * 1000.0).round() / 1000.0),
        extraction_model: reading.model.clone(),
        processing_time_ms: None,
        raw_response: json!({ "extraction": reading.raw, "document_kind": kind }),
        created_at: now,
        status: "extracted".into(),
        provider: reading.provider.as_str().into(),
        source_document: upload.source_document.clone(),
        file_name,
        page_count: doc.pages.len() as i32,
        field_sources: serde_json::to_value(&reading.fields).unwrap_or(Value::Null),
        needs_review: reading.needs_review,
        review_notes: Vec::new(),
        duplicate_of_invoice_id: None,
        approved_at: None,
        property_id: None,
    };
    assess(port, &mut x, &mut inv, r, vendor.as_ref(), today)?;
    if let Some(d) = x.duplicate_of_invoice_id {
        notes.push(format!("Possible duplicate of invoice {d}: same vendor, number and amount."));
    }
    if x.price_anomaly_detected {
        notes.push(format!("Price anomaly: {}", x.price_anomaly_details));
    }
    x.needs_review |= !notes.is_empty();
    x.review_notes = notes;
    x.processing_time_ms = Some(started.elapsed().as_millis().min(i32::MAX as u128) as i32);
    let w = MaintenanceWrites { invoices: vec![inv], invoice_extractions: vec![x.clone()], ..Default::default() };
    port.write_maintenance(&w, now)?;
    Ok(x)
}

/// A person's corrections at approval: any extracted field, the work order and the GL code.
/// A field left out keeps what was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveExtraction {
    #[serde(default)]
    pub vendor_name: Option<String>,
    #[serde(default)]
    pub vendor_id: Option<Uuid>,
    #[serde(default)]
    pub invoice_number: Option<String>,
    #[serde(default)]
    pub invoice_date: Option<NaiveDate>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default, with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>)]
    pub subtotal: Option<Decimal>,
    #[serde(default, with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>)]
    pub tax: Option<Decimal>,
    #[serde(default, with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>)]
    pub total: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    #[specta(type = Option<Vec<LineItem>>)]
    pub line_items: Option<Vec<LineItem>>,
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    #[serde(default)]
    pub gl_code: Option<String>,
    /// Approve even though an earlier invoice has the same vendor, number and amount.
    #[serde(default)]
    pub not_a_duplicate: bool,
}

fn validated(o: &ApproveExtraction) -> std::result::Result<(), String> {
    if let Some(v) = &o.vendor_name {
        check_text("Vendor name", v, 200, true)?;
    }
    if let Some(v) = &o.invoice_number {
        check_text("Invoice number", v, 50, true)?;
    }
    for (what, d) in [("Invoice date", o.invoice_date), ("Due date", o.due_date)] {
        if let Some(d) = d {
            check_date(what, d)?;
        }
    }
    for (what, a) in [("Subtotal", o.subtotal), ("Tax", o.tax), ("Total", o.total)] {
        if let Some(a) = a {
            check_amount(what, a)?;
        }
    }
    for (i, l) in o.line_items.iter().flatten().enumerate() {
        check_text(&format!("Line {} description", i + 1), l.description.as_deref().unwrap_or(""), 300, true)?;
        for (what, a) in [("quantity", l.quantity), ("unit price", l.unit_price), ("total", l.total)] {
            if let Some(a) = a {
                check_amount(&format!("Line {} {what}", i + 1), a)?;
            }
        }
    }
    if let Some(g) = &o.gl_code {
        check_text("GL code", g, 20, true)?;
    }
    Ok(())
}

/// The reading with the person's corrections applied.
fn corrected(x: &InvoiceAiExtraction, o: &ApproveExtraction) -> ExtractedInvoice {
    let raw: ExtractedInvoice = serde_json::from_value(x.raw_response["extraction"].clone()).unwrap_or_default();
    ExtractedInvoice {
        vendor_name: o.vendor_name.clone().or_else(|| Some(x.extracted_vendor_name.clone()).filter(|s| !s.is_empty())),
        invoice_number: o
            .invoice_number
            .clone()
            .or_else(|| Some(x.extracted_invoice_number.clone()).filter(|s| !s.is_empty())),
        invoice_date: o.invoice_date.or(x.extracted_date),
        due_date: o.due_date.or(x.extracted_due_date),
        subtotal: o.subtotal.or(x.extracted_subtotal),
        tax: o.tax.or(x.extracted_tax),
        total: o.total.or(x.extracted_total),
        line_items: o.line_items.clone().unwrap_or_else(|| x.extracted_line_items.clone()),
        ..raw
    }
}

/// Approve: the invoice takes the corrected fields, its lines and GL code, and is approved; the
/// vendor's template learns from the corrections (`pdf` is the stored upload, when this device
/// has it). Refused when a required field is missing, the figures do not add up, or the invoice
/// looks like a duplicate and `not_a_duplicate` is not set.
pub fn approve<P: MaintenancePort + ?Sized>(
    port: &mut P,
    invoice_id: Uuid,
    o: &ApproveExtraction,
    pdf: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    validated(o).map_err(refused)?;
    let mut inv = invoice_in_scope(port, invoice_id)?;
    let mut x = port
        .invoice_extraction(invoice_id)?
        .ok_or_else(|| StoreError::NotFound { what: "Invoice extraction", id: invoice_id.to_string() })?;
    if x.status == "approved" {
        return Err(refused("This invoice's extraction is already approved."));
    }
    let fixed = corrected(&x, o);
    let missing: Vec<&str> = [
        ("invoice number", fixed.invoice_number.is_none()),
        ("invoice date", fixed.invoice_date.is_none()),
        ("total", fixed.total.is_none()),
    ]
    .iter()
    .filter(|(_, m)| *m)
    .map(|(w, _)| *w)
    .collect();
    if !missing.is_empty() {
        return Err(refused(format!(
            "Enter the {} before approving: it was not read off the invoice.",
            missing.join(", ")
        )));
    }
    let totals = check_totals(&fixed);
    if let Some(issue) = totals.issues.first() {
        return Err(refused(format!("The figures do not add up: {} Correct them before approving.", issue.message)));
    }
    let vendors = port.vendor_list()?;
    let vendor = match o.vendor_id {
        Some(id) => Some(
            vendors
                .iter()
                .find(|v| v.id == id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound { what: "Vendor", id: id.to_string() })?,
        ),
        None => fixed.vendor_name.as_deref().and_then(|n| match_vendor(n, &vendors)).cloned(),
    };
    if let Some(w) = o.work_order_id {
        let order = port.work_order(w)?;
        crate::port::in_scope(port, order.property_id, "Work order", w)?;
        x.matched_work_order_id = Some(w);
        x.wo_match_confidence = Some(1.0);
        x.wo_match_reasoning = MANUAL_MATCH.into();
    }
    let today = now.date_naive();
    assess(port, &mut x, &mut inv, &fixed, vendor.as_ref(), today)?;
    if let Some(d) = x.duplicate_of_invoice_id.filter(|_| !o.not_a_duplicate) {
        return Err(refused(format!(
            "Invoice {d} has the same vendor, number and amount: approve again with not_a_duplicate if this is a different bill."
        )));
    }
    let gl_code = o.gl_code.clone().unwrap_or_else(|| x.suggested_gl_code.clone());
    inv.invoice_number = fixed.invoice_number.clone().unwrap_or_default();
    inv.invoice_date = fixed.invoice_date.unwrap_or(today);
    inv.due_date = fixed.due_date;
    inv.subtotal =
        fixed.subtotal.or_else(|| fixed.total.map(|t| t - fixed.tax.unwrap_or_default())).unwrap_or_default();
    inv.tax = fixed.tax.unwrap_or_default();
    inv.total_amount = fixed.total.unwrap_or_default();
    inv.status = InvoiceStatus::Approved;
    let lines: Vec<InvoiceLineItem> = fixed
        .line_items
        .iter()
        .enumerate()
        .map(|(i, l)| InvoiceLineItem {
            id: Uuid::new_v5(&invoice_id, format!("line:{i}").as_bytes()),
            invoice_id,
            description: l.description.clone().unwrap_or_default(),
            quantity: l.quantity.unwrap_or(Decimal::ONE),
            unit_price: l.unit_price.or(l.total).unwrap_or_default(),
            total: l.total.or_else(|| Some(l.quantity.unwrap_or(Decimal::ONE) * l.unit_price?)).unwrap_or_default(),
            gl_code: gl_code.clone(),
        })
        .collect();
    x.raw_response["approved"] = json!({ "fields": fixed, "gl_code": gl_code, "corrections": o });
    x.status = "approved".into();
    x.approved_at = Some(now);
    x.needs_review = false;

    let mut w = MaintenanceWrites { invoice_line_items: lines, ..Default::default() };
    if let (Some(pdf), Some(name)) = (pdf, fixed.vendor_name.as_deref()) {
        if let Ok(doc) = document_ai::read_pdf(pdf) {
            let key = normalize_vendor_name(name);
            let stored = port.invoice_templates()?;
            let previous = stored.iter().find(|t| t.vendor_key == key);
            let prev = previous.map(|p| templates(std::slice::from_ref(p)).remove(0));
            if let Some(t) = offline::learn_template(&doc, &fixed, prev.as_ref()) {
                w.invoice_templates.push(template_row(&t, previous.map_or(0, |p| p.approvals) + 1, now));
            }
        }
    }
    w.invoices.push(inv);
    w.invoice_extractions.push(x.clone());
    port.write_maintenance(&w, now)?;
    Ok(x)
}

fn style_name<T: Serialize>(s: &Option<T>) -> Option<String> {
    s.as_ref().and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_str().map(str::to_string))
}

/// A learned template as its stored row.
pub fn template_row(t: &VendorTemplate, approvals: i32, now: DateTime<Utc>) -> InvoiceVendorTemplate {
    InvoiceVendorTemplate {
        id: template_id(&t.vendor_key),
        vendor_key: t.vendor_key.clone(),
        vendor_name: t.vendor_name.clone(),
        labels: t.labels.clone(),
        number_style: style_name(&t.number_style),
        date_style: style_name(&t.date_style),
        approvals,
        updated_at: now,
    }
}

/// Matches an invoice to a work order by hand (the spec's `match-work-order`): the invoice takes
/// the work order's unit and property, and the GL code follows its category.
pub fn match_work_order<P: MaintenancePort + ?Sized>(
    port: &mut P,
    invoice_id: Uuid,
    work_order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    let mut inv = invoice_in_scope(port, invoice_id)?;
    let order = port.work_order(work_order_id)?;
    crate::port::in_scope(port, order.property_id, "Work order", work_order_id)?;
    let mut x = port
        .invoice_extraction(invoice_id)?
        .ok_or_else(|| StoreError::NotFound { what: "Invoice extraction", id: invoice_id.to_string() })?;
    if x.status == "approved" {
        return Err(refused("This invoice is approved; its work order can no longer change."));
    }
    x.matched_work_order_id = Some(work_order_id);
    x.wo_match_confidence = Some(1.0);
    x.wo_match_reasoning = MANUAL_MATCH.into();
    let reading = corrected(&x, &ApproveExtraction::default());
    let vendors = port.vendor_list()?;
    let vendor = inv.vendor_id.and_then(|v| vendors.into_iter().find(|x| x.id == v));
    assess(port, &mut x, &mut inv, &reading, vendor.as_ref(), now.date_naive())?;
    let w = MaintenanceWrites { invoices: vec![inv], invoice_extractions: vec![x.clone()], ..Default::default() };
    port.write_maintenance(&w, now)?;
    Ok(x)
}

/// The processing queue: extractions not yet approved or rejected first (needing review first,
/// then oldest), then the approved, newest first. `status` filters to one status.
pub fn processing_queue<P: MaintenancePort + ?Sized>(
    port: &P,
    status: Option<&str>,
) -> Result<Vec<InvoiceAiExtraction>> {
    if let Some(s) = status {
        if !super::record::STATUSES.contains(&s) {
            return Err(refused(format!("status '{s}' is not one of: {}.", super::record::STATUSES.join(", "))));
        }
    }
    let mut all: Vec<InvoiceAiExtraction> =
        port.invoice_extractions()?.into_iter().filter(|x| status.is_none_or(|s| x.status == s)).collect();
    let open = |x: &InvoiceAiExtraction| !matches!(x.status.as_str(), "approved" | "rejected");
    all.sort_by(|a, b| {
        open(b).cmp(&open(a)).then(b.needs_review.cmp(&a.needs_review)).then(if open(a) {
            a.created_at.cmp(&b.created_at)
        } else {
            b.created_at.cmp(&a.created_at)
        })
    });
    Ok(all)
}

/// The record every invoice action is about (`FeatureAction.entity`); its id is the invoice's.
pub const ENTITY: &str = "invoices";

/// A person's action on an invoice, in the form a connected replica queues for the server
/// (which replays it with this same workflow; the PDF travels first as a blob).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum InvoiceAction {
    Upload { file_name: String, source_document: String },
    Approve(ApproveExtraction),
    MatchWorkOrder { work_order_id: Uuid },
}

impl InvoiceAction {
    /// The blob the action needs (the uploaded PDF), when it needs one.
    pub fn needs_pdf(&self) -> bool {
        matches!(self, InvoiceAction::Upload { .. } | InvoiceAction::Approve(_))
    }
}

/// Applies `action` to invoice `invoice_id`; `pdf` is the upload's bytes (for `Upload`, and
/// for `Approve` to learn the vendor's template), when this side holds them.
pub fn apply_action<P: MaintenancePort>(
    port: &mut P,
    gateway: &Gateway,
    invoice_id: Uuid,
    action: &InvoiceAction,
    pdf: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    match action {
        InvoiceAction::Upload { file_name, source_document } => {
            let pdf =
                pdf.ok_or_else(|| refused(format!("The uploaded PDF ({source_document}) is not on this device.")))?;
            let up = Upload { file_name, pdf, source_document: source_document.clone() };
            upload(port, gateway, invoice_id, &up, now)
        }
        InvoiceAction::Approve(o) => approve(port, invoice_id, o, pdf, now),
        InvoiceAction::MatchWorkOrder { work_order_id } => match_work_order(port, invoice_id, *work_order_id, now),
    }
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    gateway: &Gateway,
    invoice_id: Uuid,
    action: &InvoiceAction,
    pdf: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    let json = serde_json::to_value(action).map_err(refused)?;
    let mut port = crate::store::Queueing::on_replica(store, ENTITY, invoice_id, json)?;
    apply_action(&mut port, gateway, invoice_id, action, pdf, now)
}
