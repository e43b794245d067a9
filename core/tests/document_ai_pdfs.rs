//! The document engine and the offline invoice reader on PDFs generated with known fields:
//! accuracy per field across layouts, positions, the totals check, scans, learned vendor
//! templates, the upload refusals and the document kind.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use unitcycle_core::document_ai::samples::{
    demo_invoice, invoice_pdf, lease_pdf, scanned_pdf, Layout, SampleInvoice, SampleLease,
};
use unitcycle_core::document_ai::{
    classify, read_pdf, read_pdf_with, DocumentError, DocumentKind, Limits, MAX_PAGES, MAX_STREAM_BYTES,
};
use unitcycle_core::invoice_processing::offline::{extract, learn_template, OfflineExtraction};
use unitcycle_core::invoice_processing::{ExtractedInvoice, LineItem};

fn read_and_extract(sample: &SampleInvoice, layout: Layout) -> OfflineExtraction {
    let doc = read_pdf(&invoice_pdf(sample, layout)).expect("a generated invoice reads");
    extract(&doc, &[])
}

/// What a perfect reader returns for the sample.
fn expected(s: &SampleInvoice) -> ExtractedInvoice {
    ExtractedInvoice {
        vendor_name: Some(s.vendor_name.clone()),
        invoice_number: Some(s.invoice_number.clone()),
        invoice_date: Some(s.invoice_date),
        due_date: s.due_date,
        subtotal: Some(s.subtotal()),
        tax: Some(s.tax),
        total: Some(s.total()),
        line_items: (0..s.lines.len())
            .map(|i| LineItem {
                description: Some(s.lines[i].0.clone()),
                quantity: Some(s.lines[i].1),
                unit_price: Some(s.lines[i].2),
                total: s.line_total(i),
            })
            .collect(),
        vendor_address: Some(s.address()),
        remit_to: None,
        po_number: s.po_number.clone(),
        work_order_reference: s.work_order_reference.clone(),
        payment_terms: s.payment_terms.clone(),
    }
}

/// Field name → (read right, compared) for one invoice.
fn compare(want: &ExtractedInvoice, got: &ExtractedInvoice) -> Vec<(&'static str, bool)> {
    vec![
        ("vendor_name", want.vendor_name == got.vendor_name),
        ("vendor_address", want.vendor_address == got.vendor_address),
        ("invoice_number", want.invoice_number == got.invoice_number),
        ("invoice_date", want.invoice_date == got.invoice_date),
        ("due_date", want.due_date == got.due_date),
        ("po_number", want.po_number == got.po_number),
        ("work_order_reference", want.work_order_reference == got.work_order_reference),
        ("payment_terms", want.payment_terms == got.payment_terms),
        ("subtotal", want.subtotal == got.subtotal),
        ("tax", want.tax == got.tax),
        ("total", want.total == got.total),
        ("line_items", want.line_items == got.line_items),
    ]
}

/// A US slash date with both numbers 12 or under (and different) reads two ways.
fn ambiguous_in(layout: Layout, date: NaiveDate) -> bool {
    layout == Layout::UsClassic && date.day() <= 12 && date.month() <= 12 && date.day() != date.month()
}

#[test]
fn sample_invoices_in_every_layout_read_with_high_field_accuracy() {
    let mut per_field: BTreeMap<&str, BTreeMap<String, (u32, u32)>> = BTreeMap::new();
    let (mut right, mut compared) = (0, 0);
    for layout in Layout::ALL {
        for n in 1..=3 {
            let sample = demo_invoice(n);
            let out = read_and_extract(&sample, layout);
            let want = expected(&sample);
            for (field, ok) in compare(&want, &out.invoice) {
                let cell = per_field.entry(field).or_default().entry(format!("{layout:?}")).or_default();
                cell.0 += u32::from(ok);
                cell.1 += 1;
                right += u32::from(ok);
                compared += 1;
                if !ok {
                    println!("{layout:?} #{n} {field}: want {want:?}\n got {:?}", out.invoice);
                }
            }
            if !ambiguous_in(layout, sample.invoice_date) {
                assert_eq!(out.invoice.invoice_number, want.invoice_number, "{layout:?} #{n}");
                assert_eq!(out.invoice.invoice_date, want.invoice_date, "{layout:?} #{n}");
                assert_eq!(out.invoice.total, want.total, "{layout:?} #{n}");
                assert!(!out.needs_review, "{layout:?} #{n}: {:?}", out.notes);
            } else {
                assert!(out.needs_review && out.notes.iter().any(|n| n.contains("ambiguous")), "{:?}", out.notes);
            }
        }
    }
    println!("\n{:<22}{:>12}{:>18}{:>12}", "field", "UsClassic", "EuropeanColumns", "IsoCompact");
    for (field, by_layout) in &per_field {
        let cells: Vec<String> = Layout::ALL
            .iter()
            .map(|l| by_layout.get(&format!("{l:?}")).map_or("-".into(), |(r, n)| format!("{r}/{n}")))
            .collect();
        println!("{field:<22}{:>12}{:>18}{:>12}", cells[0], cells[1], cells[2]);
    }
    let accuracy = f64::from(right) / f64::from(compared);
    println!("overall field accuracy: {right}/{compared} = {:.1} %", accuracy * 100.0);
    assert!(accuracy >= 0.9, "accuracy {accuracy}");
}

#[test]
fn the_total_is_located_on_page_one_below_the_invoice_number() {
    for layout in Layout::ALL {
        let out = read_and_extract(&demo_invoice(2), layout);
        let total = out.fields["total"].location.expect("the total has a location");
        let number = out.fields["invoice_number"].location.expect("the number has a location");
        assert_eq!(total.page, 1);
        assert!(total.x >= 0.0 && total.x + total.width <= 612.0, "{layout:?} {total:?}");
        assert!(total.y >= 0.0 && total.y + total.height <= 792.0, "{layout:?} {total:?}");
        assert!(total.y > number.y, "{layout:?}: total {total:?} is not below number {number:?}");
        assert_eq!(out.fields["total"].raw.as_deref(), Some(layout.money(demo_invoice(2).total()).as_str()));
    }
}

#[test]
fn a_line_that_does_not_add_up_is_caught_and_sent_to_review() {
    let mut sample = demo_invoice(2);
    sample.misprint = Some((0, Decimal::new(99999, 2)));
    let out = read_and_extract(&sample, Layout::UsClassic);
    assert_eq!(out.invoice.line_items[0].total, Some(Decimal::new(99999, 2)));
    assert!(out.needs_review);
    assert!(out.notes.iter().any(|n| n.starts_with("line 1 (Labor - service call)")), "{:?}", out.notes);
    assert!(out.notes.iter().any(|n| n.contains("line items add up to")), "{:?}", out.notes);
}

#[test]
fn a_scanned_page_is_flagged_and_nothing_is_invented() {
    let doc = read_pdf(&scanned_pdf()).expect("a scan reads");
    assert!(doc.pages[0].scanned && doc.pages[0].lines.is_empty());
    let out = extract(&doc, &[]);
    assert_eq!(out.scanned_pages, vec![1]);
    assert_eq!(out.invoice, ExtractedInvoice::default());
    assert!(out.fields.is_empty());
    assert!(out.needs_review);
    assert!(out.notes.iter().any(|n| n.contains("page 1 is scanned")), "{:?}", out.notes);
}

#[test]
fn a_corrected_invoice_teaches_the_vendors_unusual_label() {
    let mut first = demo_invoice(4);
    first.number_label = Some("Ref. code".into());
    let doc = read_pdf(&invoice_pdf(&first, Layout::UsClassic)).expect("reads");
    let before = extract(&doc, &[]);
    assert_ne!(before.invoice.invoice_number.as_deref(), Some(first.invoice_number.as_str()));

    // A person corrects the number; the approved invoice teaches the label.
    let approved = ExtractedInvoice { invoice_number: Some(first.invoice_number.clone()), ..before.invoice.clone() };
    let template = learn_template(&doc, &approved, None).expect("a template");
    assert_eq!(template.labels.get("invoice_number").map(String::as_str), Some("Ref. code"));

    let mut second = demo_invoice(7);
    second.vendor_name = first.vendor_name.clone();
    second.number_label = Some("Ref. code".into());
    assert_ne!(second.invoice_number, first.invoice_number);
    let doc = read_pdf(&invoice_pdf(&second, Layout::UsClassic)).expect("reads");
    let after = extract(&doc, &[template]);
    assert_eq!(after.invoice.invoice_number.as_deref(), Some(second.invoice_number.as_str()));
    assert_eq!(after.fields["invoice_number"].via, "template");
    assert_eq!(after.invoice.total, Some(second.total()));
}

/// A PDF written by hand with a correct cross-reference table.
fn hand_pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .bytes(),
    );
    out
}

fn one_page_with_content(content: Vec<u8>, filter: &str) -> Vec<Vec<u8>> {
    let mut stream = format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
    stream.extend(content);
    stream.extend(b"\nendstream");
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_vec(),
        stream,
    ]
}

#[test]
fn unsafe_or_unreadable_uploads_are_refused_with_the_reason() {
    assert_eq!(read_pdf(b"hello"), Err(DocumentError::NotPdf));

    let good = invoice_pdf(&demo_invoice(1), Layout::IsoCompact);
    let truncated = &good[..good.len() / 3];
    assert!(
        matches!(read_pdf(truncated), Err(DocumentError::Unreadable(_))),
        "{:?}",
        read_pdf(truncated).map(|d| d.pages.len())
    );

    let mut objects = one_page_with_content(b"BT /F1 12 Tf 72 700 Td (secret) Tj ET".to_vec(), "");
    objects.push(b"<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>".to_vec());
    let encrypted = hand_pdf(
        &objects,
        "/Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    );
    assert_eq!(read_pdf(&encrypted), Err(DocumentError::Encrypted));

    let pages = MAX_PAGES + 1;
    let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).into_bytes());
    objects.extend((0..pages).map(|_| b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec()));
    assert_eq!(read_pdf(&hand_pdf(&objects, "")), Err(DocumentError::TooManyPages { pages, max: MAX_PAGES }));

    // 17 MiB of zeros compresses to a few KiB: a zip bomb.
    let mut bomb = lopdf::Stream::new(lopdf::Dictionary::new(), vec![0; 17 * 1024 * 1024]);
    bomb.compress().expect("compresses");
    assert!(bomb.content.len() < 100_000);
    let bomb_pdf = hand_pdf(&one_page_with_content(bomb.content, " /Filter /FlateDecode"), "");
    assert_eq!(read_pdf(&bomb_pdf), Err(DocumentError::StreamTooLarge { max: MAX_STREAM_BYTES }));

    let small = Limits { max_bytes: 1000, ..Limits::default() };
    assert_eq!(read_pdf_with(&good, small), Err(DocumentError::TooLarge { bytes: good.len(), max: 1000 }));
}

#[test]
fn a_hand_written_page_places_text_from_the_top_left() {
    let content = b"BT /F1 12 Tf 72 700 Td (Invoice #) Tj 100 0 Td (A-1001) Tj ET".to_vec();
    let mut objects = one_page_with_content(content, "");
    objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec();
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    let doc = read_pdf(&hand_pdf(&objects, "")).expect("reads");
    let line = &doc.pages[0].lines[0];
    assert_eq!(line.text, "Invoice #   A-1001");
    assert_eq!(line.spans[1].bbox.x, 172.0);
    assert_eq!(line.spans[1].bbox.y, 792.0 - 700.0 - 12.0);

    // Kerned TJ arrays under a scaling `cm` and a `Tm`, and text inside a form XObject.
    let content = b"q 2 0 0 2 0 0 cm BT /F1 10 Tf 1 0 0 1 36 300 Tm [(Sub) -20 (total)] TJ ET Q /Fm1 Do".to_vec();
    let mut objects = one_page_with_content(content, "");
    objects[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>".to_vec();
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    let form = b"BT /F1 12 Tf 72 100 Td (In a form) Tj ET";
    let mut form_object =
        format!("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length {} >>\nstream\n", form.len())
            .into_bytes();
    form_object.extend(form);
    form_object.extend(b"\nendstream");
    objects.push(form_object);
    let doc = read_pdf(&hand_pdf(&objects, "")).expect("reads");
    let texts: Vec<&str> = doc.pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, vec!["Subtotal", "In a form"]);
    let subtotal = doc.pages[0].lines[0].bbox;
    assert_eq!((subtotal.x, subtotal.y, subtotal.height), (72.0, 792.0 - 600.0 - 20.0, 20.0));
}

#[test]
fn invoices_and_leases_are_told_apart() {
    let invoice = read_pdf(&invoice_pdf(&demo_invoice(1), Layout::UsClassic)).expect("reads");
    let (kind, confidence) = classify(&invoice);
    assert_eq!(kind, DocumentKind::Invoice);
    assert!(confidence > 0.5, "{confidence}");
    let lease = read_pdf(&lease_pdf(&SampleLease::demo())).expect("reads");
    assert_eq!(classify(&lease).0, DocumentKind::Lease);
}
