//! Invoice processing from the desktop (spec 3.2, "side-by-side review"): the processing queue,
//! an upload (a path on this computer or the bytes of a chosen file), one invoice's review (the
//! extraction, the stored PDF's pages read back as positioned text so the window can draw the
//! page beside the fields, and the work orders it may be matched to), approval with a person's
//! corrections, and a match to a work order by hand. Every action goes through
//! `invoice_processing::replica` (queued for the server on a connected replica); core's refusal
//! is the error's detail, word for word.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::maintenance::Names;
use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::document_ai::images::{page_image, PageImage};
use unitcycle_core::document_ai::{self, Page};
use unitcycle_core::invoice_processing::offline::FieldSource;
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use unitcycle_core::invoice_processing::replica;
use unitcycle_core::invoice_processing::workflow::{self as iw, ApproveExtraction};
use unitcycle_core::invoice_processing::LineItem;
use unitcycle_core::model::{Invoice, WorkOrderStatus};
use unitcycle_core::work_orders::port::MaintenancePort;

/// The largest PDF an upload takes.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Work orders this many days old or newer are offered for a match by hand.
pub const CANDIDATE_DAYS: i64 = 180;

/// At most this many work orders are offered for a match by hand.
pub const CANDIDATES: usize = 60;

/// A work order an invoice may be matched to.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct WorkOrderChoice {
    pub id: Uuid,
    pub title: String,
    pub unit_number: String,
    pub property_name: String,
    pub vendor_name: Option<String>,
    pub status: String,
    pub category: String,
    /// The day it was completed, else requested.
    pub date: chrono::NaiveDate,
    /// Assigned to the invoice's vendor.
    pub same_vendor: bool,
}

/// One invoice under review, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct InvoiceReview {
    pub extraction: InvoiceAiExtraction,
    pub invoice: Invoice,
    /// `extraction.field_sources`, typed: per field, who read it, how sure, how, and where.
    pub fields: BTreeMap<String, FieldSource>,
    /// The stored PDF read back (empty when the PDF is not on this device).
    pub pages: Vec<Page>,
    /// Why the pages are empty, when they are.
    pub pages_note: Option<String>,
    /// The pictures of the scanned pages (that have no text to draw).
    pub images: Vec<PageImage>,
    /// The invoice's vendor's work orders first, then the others; recent completed or in
    /// progress ones (and the matched one, whatever its state).
    pub work_orders: Vec<WorkOrderChoice>,
    pub matched_work_order: Option<WorkOrderChoice>,
    pub vendor_name: Option<String>,
}

/// A person's corrections at approval, as the window sends them: core's `ApproveExtraction`
/// with its amounts as decimal strings (its serde `with` has no TypeScript type of its own).
/// A field left null keeps what was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct ApproveCorrections {
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
    /// Decimal strings ("162.38").
    #[serde(default)]
    pub subtotal: Option<String>,
    #[serde(default)]
    pub tax: Option<String>,
    #[serde(default)]
    pub total: Option<String>,
    #[serde(default)]
    pub line_items: Option<Vec<LineItem>>,
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    #[serde(default)]
    pub gl_code: Option<String>,
    /// Approve even though an earlier invoice has the same vendor, number and amount.
    #[serde(default)]
    pub not_a_duplicate: bool,
}

impl ApproveCorrections {
    /// Core's corrections: the amounts are read by core's own parser (its refusal word for word).
    pub fn to_core(&self) -> CmdResult<ApproveExtraction> {
        let value = serde_json::to_value(self).map_err(|e| CommandError::invalid(e.to_string()))?;
        serde_json::from_value(value).map_err(|e| CommandError::invalid(e.to_string()))
    }
}

/// The extractions of `status` (every one when none), open ones first, needing review first.
pub fn invoices_queue(s: &AppState, status: Option<String>) -> CmdResult<Vec<InvoiceAiExtraction>> {
    let status = status.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    Ok(iw::processing_queue(&*s.store()?, status.as_deref())?)
}

/// Uploads the PDF at `path` on this computer.
pub fn invoice_upload_path(s: &AppState, path: String) -> CmdResult<InvoiceAiExtraction> {
    let (name, bytes) = read_upload(&path, "invoice")?;
    invoice_upload_bytes(s, name, bytes)
}

/// The file at `path` and its name, refused when it is not a file or larger than an upload may
/// be (`what`: "invoice", "lease").
pub(super) fn read_upload(path: &str, what: &str) -> CmdResult<(String, Vec<u8>)> {
    let file = std::path::PathBuf::from(path.trim());
    let meta =
        std::fs::metadata(&file).map_err(|e| CommandError::invalid(format!("Cannot read {}: {e}", file.display())))?;
    if !meta.is_file() {
        return Err(CommandError::invalid(format!("{} is not a file.", file.display())));
    }
    check_size(meta.len() as usize, what)?;
    let bytes =
        std::fs::read(&file).map_err(|e| CommandError::invalid(format!("Cannot read {}: {e}", file.display())))?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| format!("{what}.pdf"));
    Ok((name, bytes))
}

/// Refuses an upload larger than [`MAX_UPLOAD_BYTES`].
pub(super) fn check_size(bytes: usize, what: &str) -> CmdResult<()> {
    if bytes <= MAX_UPLOAD_BYTES {
        return Ok(());
    }
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    Err(CommandError::invalid(format!(
        "This file is {:.1} MB; {article} {what} upload is at most 50 MB.",
        bytes as f64 / (1024.0 * 1024.0)
    )))
}

/// Uploads a PDF's bytes (a file chosen in the window).
pub fn invoice_upload_bytes(s: &AppState, file_name: String, bytes: Vec<u8>) -> CmdResult<InvoiceAiExtraction> {
    check_size(bytes.len(), "invoice")?;
    let mut store = s.store()?;
    Ok(replica::upload(&mut store, &s.gateway, file_name.trim(), &bytes, Utc::now())?)
}

/// One invoice's extraction, its PDF's pages and the work orders it may be matched to.
pub fn invoice_review(s: &AppState, invoice_id: String) -> CmdResult<InvoiceReview> {
    let invoice_id = id(&invoice_id)?;
    let store = s.store()?;
    let extraction = iw::extraction(&*store, invoice_id)?;
    let invoice = store.invoice(invoice_id)?;
    let fields: BTreeMap<String, FieldSource> =
        serde_json::from_value(extraction.field_sources.clone()).unwrap_or_default();
    let (pages, pages_note, images) = match replica::document(&store, &extraction) {
        Some(pdf) => match document_ai::read_pdf(&pdf) {
            Ok(doc) => {
                let images = scanned_images(&pdf, &doc.pages);
                (doc.pages, None, images)
            }
            Err(e) => (Vec::new(), Some(format!("The stored PDF cannot be read: {e}")), Vec::new()),
        },
        None => {
            (Vec::new(), Some("The PDF is not on this device (it was uploaded elsewhere).".to_string()), Vec::new())
        }
    };
    let names = Names::load(&store)?;
    let vendor = invoice.vendor_id;
    let choice = |w: unitcycle_core::model::WorkOrder| WorkOrderChoice {
        id: w.id,
        unit_number: names.unit(&store, w.unit_id),
        property_name: names.property(w.property_id),
        vendor_name: names.vendor(w.assigned_vendor_id),
        status: w.status.as_str().to_string(),
        category: w.category.clone(),
        date: w.completed_date.unwrap_or(w.requested_date),
        same_vendor: vendor.is_some() && w.assigned_vendor_id == vendor,
        title: w.title,
    };
    let since = Utc::now().date_naive() - Duration::days(CANDIDATE_DAYS);
    let mut work_orders: Vec<WorkOrderChoice> = store
        .work_orders_since(since)?
        .into_iter()
        .filter(|w| matches!(w.status, WorkOrderStatus::Completed | WorkOrderStatus::InProgress))
        .map(choice)
        .collect();
    work_orders.sort_by(|a, b| b.same_vendor.cmp(&a.same_vendor).then(b.date.cmp(&a.date)));
    work_orders.truncate(CANDIDATES);
    let matched_work_order = match extraction.matched_work_order_id {
        Some(w) => match work_orders.iter().find(|c| c.id == w) {
            Some(c) => Some(c.clone()),
            None => store.work_order(w).ok().map(choice),
        },
        None => None,
    };
    if let Some(m) = &matched_work_order {
        if !work_orders.iter().any(|c| c.id == m.id) {
            work_orders.insert(0, m.clone());
        }
    }
    Ok(InvoiceReview {
        vendor_name: names.vendor(vendor),
        extraction,
        invoice,
        fields,
        pages,
        pages_note,
        images,
        work_orders,
        matched_work_order,
    })
}

/// The pictures of `pages` that are scans (no text to draw); a scan whose picture cannot be
/// converted has none.
pub fn scanned_images(pdf: &[u8], pages: &[Page]) -> Vec<PageImage> {
    pages.iter().filter(|p| p.scanned).filter_map(|p| page_image(pdf, p.number).ok().flatten()).collect()
}

/// Approves an invoice's extraction with a person's corrections (only the fields they changed).
pub fn invoice_approve(
    s: &AppState,
    invoice_id: String,
    corrections: ApproveCorrections,
) -> CmdResult<InvoiceAiExtraction> {
    let invoice_id = id(&invoice_id)?;
    let corrections = corrections.to_core()?;
    let mut store = s.store()?;
    Ok(replica::approve(&mut store, &s.gateway, invoice_id, &corrections, Utc::now())?)
}

/// Matches an invoice to a work order by hand.
pub fn invoice_match(s: &AppState, invoice_id: String, work_order_id: String) -> CmdResult<InvoiceAiExtraction> {
    let invoice_id = id(&invoice_id)?;
    let work_order_id = id(&work_order_id)?;
    let mut store = s.store()?;
    Ok(replica::match_work_order(&mut store, &s.gateway, invoice_id, work_order_id, Utc::now())?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;
    use unitcycle_core::document_ai::samples::{demo_invoice, invoice_pdf, scanned_pdf, Layout};

    #[test]
    fn an_invoice_is_uploaded_reviewed_with_its_page_matched_and_approved() {
        let (s, dir) = demo();
        let pdf = invoice_pdf(&demo_invoice(1), Layout::UsClassic);
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let x = ops::invoice_upload_path(&s, path.display().to_string()).unwrap();
        assert_eq!(x.status, "extracted");
        let queue = ops::invoices_queue(&s, None).unwrap();
        assert!(queue.iter().any(|q| q.invoice_id == x.invoice_id));
        assert!(ops::invoices_queue(&s, Some("late".into())).is_err());

        let r = ops::invoice_review(&s, x.invoice_id.to_string()).unwrap();
        assert_eq!(r.pages.len(), 1);
        assert!(r.pages[0].width > 0.0 && !r.pages[0].lines.is_empty());
        assert!(r.fields.get("total").and_then(|f| f.location).is_some(), "{:?}", r.fields);
        assert!(!r.work_orders.is_empty());

        let wo = r.work_orders[0].id;
        let m = ops::invoice_match(&s, x.invoice_id.to_string(), wo.to_string()).unwrap();
        assert_eq!(m.matched_work_order_id, Some(wo));
        let corrections = ApproveCorrections { invoice_number: Some("FIXED-1".into()), ..Default::default() };
        let bad = ApproveCorrections { total: Some("twelve".into()), ..Default::default() };
        assert_eq!(bad.to_core().unwrap_err().code, "invalid_input");
        let ok = ApproveCorrections { total: Some("1,162.50".into()), ..Default::default() }.to_core();
        assert_eq!(ok.map(|c| c.total.map(|t| t.to_string())).ok().flatten().as_deref(), Some("1162.50"));
        let done = ops::invoice_approve(&s, x.invoice_id.to_string(), corrections.clone()).unwrap();
        assert_eq!(done.status, "approved");
        let again = ops::invoice_approve(&s, x.invoice_id.to_string(), corrections).unwrap_err();
        assert_eq!(again.detail, "This invoice's extraction is already approved.");
        let r = ops::invoice_review(&s, x.invoice_id.to_string()).unwrap();
        assert_eq!(r.invoice.invoice_number, "FIXED-1");
        assert_eq!(r.matched_work_order.map(|w| w.id), Some(wo));
    }

    #[test]
    fn a_scanned_invoice_has_its_picture() {
        let (s, _dir) = demo();
        let x = ops::invoice_upload_bytes(&s, "scan.pdf".into(), scanned_pdf()).unwrap();
        let r = ops::invoice_review(&s, x.invoice_id.to_string()).unwrap();
        assert!(r.pages[0].scanned);
        assert_eq!(r.images.len(), 1);
        assert_eq!(r.images[0].page, 1);
    }

    #[test]
    fn an_upload_that_is_not_a_pdf_or_too_large_is_refused() {
        let (s, dir) = demo();
        let before = ops::invoices_queue(&s, None).unwrap().len();
        let e = ops::invoice_upload_bytes(&s, "x.pdf".into(), b"not a pdf".to_vec()).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        let big = dir.path().join("big.pdf");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_UPLOAD_BYTES as u64 + 1).unwrap();
        let e = ops::invoice_upload_path(&s, big.display().to_string()).unwrap_err();
        assert!(e.detail.contains("at most 50 MB"), "{}", e.detail);
        assert_eq!(ops::invoices_queue(&s, None).unwrap().len(), before);
    }
}
