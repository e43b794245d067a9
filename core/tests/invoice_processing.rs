//! Invoice extraction (spec 3.2) on a replica, as back-office staff use it: upload a vendor's
//! PDF, review what was read, correct, approve; the vendor's next invoice comes out right.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal_macros::dec;
use unitcycle_core::ai::Gateway;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::document_ai::samples::{demo_invoice, invoice_pdf, Layout, SampleInvoice};
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use unitcycle_core::invoice_processing::workflow::{self as wf, ApproveExtraction, Upload};
use unitcycle_core::model::{InvoiceStatus, WorkOrderPriority};
use unitcycle_core::store::{Store, StoreError};
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::workflow::apply_action;
use unitcycle_core::work_orders::{MaintenanceAction, NewWorkOrder};
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn now() -> DateTime<Utc> {
    today().and_hms_opt(15, 0, 0).unwrap().and_utc()
}

fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

/// A demo replica with one completed plumbing job by the first vendor (work order `id(1)`).
fn replica() -> (Store, String) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 40, seed: 3, today: today() }).unwrap();
    let unit = store.maintenance_units().unwrap()[0].clone();
    let vendor = store.vendor_list().unwrap()[0].clone();
    let order = NewWorkOrder {
        unit_id: unit.id,
        title: "Kitchen faucet leaking".into(),
        description: "Replace the cartridge".into(),
        category: "plumbing".into(),
        priority: WorkOrderPriority::Medium,
        requested_date: today() - Duration::days(10),
        tenant_id: None,
    };
    apply_action(&mut store, id(1), &MaintenanceAction::Create(order), now()).unwrap();
    apply_action(&mut store, id(1), &MaintenanceAction::Assign { vendor_id: vendor.id }, now()).unwrap();
    apply_action(&mut store, id(1), &MaintenanceAction::Start, now()).unwrap();
    (store, vendor.name)
}

fn bill(vendor: &str, n: u32) -> SampleInvoice {
    let mut s = demo_invoice(n);
    s.vendor_name = vendor.to_string();
    s.invoice_date = today() - Duration::days(2);
    s.due_date = Some(today() + Duration::days(28));
    s.work_order_reference = Some("WO-01010101".into());
    s
}

fn upload(store: &mut Store, invoice: Uuid, pdf: &[u8]) -> Result<InvoiceAiExtraction, StoreError> {
    let up = Upload { file_name: "bill.pdf", pdf, source_document: "blob:test".into() };
    wf::upload(store, &Gateway::offline("test".into()), invoice, &up, now())
}

#[test]
fn an_uploaded_invoice_is_read_matched_to_its_work_order_coded_and_queued() {
    let (mut store, vendor) = replica();
    let sample = bill(&vendor, 2);
    let x = wf::upload(
        &mut store,
        &Gateway::offline("test".into()),
        id(10),
        &Upload {
            file_name: "bill.pdf",
            pdf: &invoice_pdf(&sample, Layout::UsClassic),
            source_document: "blob:t".into(),
        },
        now(),
    )
    .unwrap();
    assert_eq!((x.status.as_str(), x.provider.as_str()), ("extracted", "offline"));
    assert_eq!(x.extracted_invoice_number, sample.invoice_number);
    assert_eq!(x.extracted_date, Some(sample.invoice_date));
    assert_eq!(x.extracted_total, Some(sample.total()));
    assert_eq!(x.extracted_line_items.len(), sample.lines.len());
    // Strategy 1 of the spec: the printed reference decides, at 0.95.
    assert_eq!(x.matched_work_order_id, Some(id(1)));
    assert_eq!(x.wo_match_confidence, Some(0.95));
    assert_eq!(x.wo_match_reasoning, "Direct WO reference found on invoice");
    assert_eq!(x.suggested_gl_code, "6110", "plumbing");
    // Every field found says where it was printed.
    let total = &x.field_sources["total"];
    assert_eq!(total["provider"], "offline");
    assert_eq!(total["location"]["page"], 1);
    // The invoice is pending with what was read, on the work order's unit.
    let inv = store.invoice(id(10)).unwrap();
    assert_eq!(
        (inv.status, inv.total_amount, inv.work_order_id),
        (InvoiceStatus::Pending, sample.total(), Some(id(1)))
    );
    assert_eq!(wf::processing_queue(&store, Some("extracted")).unwrap()[0].invoice_id, id(10));
}

#[test]
fn a_refused_upload_stores_nothing() {
    let (mut store, _) = replica();
    let err = upload(&mut store, id(10), b"hello, not a pdf").unwrap_err();
    assert!(err.to_string().contains("not a PDF"), "{err}");
    assert!(store.invoice_extractions().unwrap().is_empty());
    assert!(store.invoice(id(10)).is_err());
}

#[test]
fn approving_applies_the_corrections_and_the_vendors_next_invoice_comes_out_right() {
    let (mut store, vendor) = replica();
    let gateway = Gateway::offline("test".into());
    // This vendor prints its invoice number under an unusual label the reader does not know.
    let mut first = bill(&vendor, 2);
    first.number_label = Some("Ref. code".into());
    let pdf = invoice_pdf(&first, Layout::UsClassic);
    let up = Upload { file_name: "a.pdf", pdf: &pdf, source_document: "blob:a".into() };
    let x = wf::upload(&mut store, &gateway, id(10), &up, now()).unwrap();
    assert_ne!(x.extracted_invoice_number, first.invoice_number, "not read without the template");
    assert!(x.needs_review);

    let fix = ApproveExtraction { invoice_number: Some(first.invoice_number.clone()), ..Default::default() };
    let done = wf::approve(&mut store, id(10), &fix, Some(&pdf), now()).unwrap();
    assert_eq!(done.status, "approved");
    let inv = store.invoice(id(10)).unwrap();
    assert_eq!((inv.status, inv.invoice_number.as_str()), (InvoiceStatus::Approved, first.invoice_number.as_str()));
    assert_eq!(inv.line_items.len(), first.lines.len());
    assert!(inv.line_items.iter().all(|l| l.gl_code == "6110"));
    assert_eq!(store.invoice_templates().unwrap().len(), 1);

    let mut second = bill(&vendor, 5);
    second.number_label = Some("Ref. code".into());
    let pdf2 = invoice_pdf(&second, Layout::UsClassic);
    let up = Upload { file_name: "b.pdf", pdf: &pdf2, source_document: "blob:b".into() };
    let y = wf::upload(&mut store, &gateway, id(11), &up, now()).unwrap();
    assert_eq!(y.extracted_invoice_number, second.invoice_number, "learned from the correction");
    assert_eq!(y.field_sources["invoice_number"]["via"], "template");
}

#[test]
fn the_same_bill_twice_is_a_duplicate_and_is_not_approved_unless_a_person_says_so() {
    let (mut store, vendor) = replica();
    let gateway = Gateway::offline("test".into());
    let pdf = invoice_pdf(&bill(&vendor, 2), Layout::UsClassic);
    let up = Upload { file_name: "a.pdf", pdf: &pdf, source_document: "blob:a".into() };
    wf::upload(&mut store, &gateway, id(10), &up, now()).unwrap();
    wf::approve(&mut store, id(10), &ApproveExtraction::default(), Some(&pdf), now()).unwrap();
    let again = wf::upload(&mut store, &gateway, id(11), &up, now()).unwrap();
    assert_eq!(again.duplicate_of_invoice_id, Some(id(10)));
    assert!(again.needs_review && again.review_notes.iter().any(|n| n.contains("duplicate")));
    let err = wf::approve(&mut store, id(11), &ApproveExtraction::default(), None, now()).unwrap_err();
    assert!(err.to_string().contains("same vendor, number and amount"), "{err}");
    let sure = ApproveExtraction { not_a_duplicate: true, ..Default::default() };
    assert_eq!(wf::approve(&mut store, id(11), &sure, None, now()).unwrap().status, "approved");
}

#[test]
fn figures_that_do_not_add_up_are_flagged_and_not_approved_until_corrected() {
    let (mut store, vendor) = replica();
    let mut sample = bill(&vendor, 2);
    sample.misprint = Some((0, dec!(999.00)));
    let pdf = invoice_pdf(&sample, Layout::UsClassic);
    let up = Upload { file_name: "a.pdf", pdf: &pdf, source_document: "blob:a".into() };
    let x = wf::upload(&mut store, &Gateway::offline("test".into()), id(10), &up, now()).unwrap();
    assert!(x.needs_review);
    let err = wf::approve(&mut store, id(10), &ApproveExtraction::default(), None, now()).unwrap_err();
    assert!(err.to_string().contains("do not add up"), "{err}");
    let mut lines = x.extracted_line_items.clone();
    lines[0].total = Some(sample.line_total(0).unwrap());
    let fix = ApproveExtraction { line_items: Some(lines), ..Default::default() };
    assert_eq!(wf::approve(&mut store, id(10), &fix, None, now()).unwrap().status, "approved");
}

#[test]
fn an_invoice_is_matched_to_a_work_order_by_hand_and_bad_corrections_are_refused() {
    let (mut store, vendor) = replica();
    let mut sample = bill(&vendor, 2);
    sample.work_order_reference = None;
    sample.vendor_name = "A Vendor Nobody Knows".into();
    let pdf = invoice_pdf(&sample, Layout::IsoCompact);
    let up = Upload { file_name: "a.pdf", pdf: &pdf, source_document: "blob:a".into() };
    let x = wf::upload(&mut store, &Gateway::offline("test".into()), id(10), &up, now()).unwrap();
    assert_eq!(x.matched_work_order_id, None);
    let m = wf::match_work_order(&mut store, id(10), id(1), now()).unwrap();
    assert_eq!((m.matched_work_order_id, m.wo_match_confidence), (Some(id(1)), Some(1.0)));
    assert_eq!(m.suggested_gl_code, "6110");
    assert_eq!(store.invoice(id(10)).unwrap().work_order_id, Some(id(1)));
    let bad = ApproveExtraction { total: Some(dec!(-5)), ..Default::default() };
    assert!(matches!(wf::approve(&mut store, id(10), &bad, None, now()), Err(StoreError::Rejected(_))));
    assert_eq!(store.invoice_extraction(id(10)).unwrap().unwrap().status, "extracted", "nothing changed");
}
