//! PDFs whose every field is known, for tests, demos and the extraction benchmark: invoices in
//! three layouts (label words, number and date formats and label/value placement differ, as
//! they do between real vendors), a scanned page and a small residential lease. Written with
//! printpdf's built-in Helvetica, as simple office software writes them.

use chrono::{Days, NaiveDate};
use printpdf::{
    BuiltinFont, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, TextItem,
    XObjectTransform,
};
use rust_decimal::{Decimal, RoundingStrategy};

/// US Letter, in points.
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const LEFT: f32 = 48.0;

/// An invoice with known fields.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleInvoice {
    pub vendor_name: String,
    /// Address lines as printed under the name.
    pub vendor_address: Vec<String>,
    /// Who the bill is for (name and address lines).
    pub bill_to: Vec<String>,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub po_number: Option<String>,
    pub work_order_reference: Option<String>,
    pub payment_terms: Option<String>,
    /// (description, quantity, unit price); each line's total is quantity × unit price.
    pub lines: Vec<(String, Decimal, Decimal)>,
    pub tax: Decimal,
    /// Print this line's total as this amount instead of quantity × unit price (a vendor's
    /// arithmetic slip, for testing the totals check). The printed subtotal stays the true sum.
    pub misprint: Option<(usize, Decimal)>,
    /// Print this label before the invoice number instead of the layout's (an unusual vendor).
    pub number_label: Option<String>,
}

impl SampleInvoice {
    /// Each line's true total.
    pub fn line_total(&self, i: usize) -> Option<Decimal> {
        self.lines.get(i).map(|(_, qty, price)| cents(qty * price))
    }

    /// Sum of the lines' true totals.
    pub fn subtotal(&self) -> Decimal {
        (0..self.lines.len()).filter_map(|i| self.line_total(i)).sum()
    }

    pub fn total(&self) -> Decimal {
        self.subtotal() + self.tax
    }

    /// The address lines joined as the extractor reports them.
    pub fn address(&self) -> String {
        self.vendor_address.join(", ")
    }
}

/// How a vendor lays out an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `Invoice #`, `Date`, `Amount Due`, `Tax`; `1,234.56`; `03/05/2026`; each value to the
    /// right of its label.
    UsClassic,
    /// `Invoice No.`, `Invoice Date`, `Total`, `VAT`; `1.234,56`; `05.03.2026`; header values on
    /// the line below their labels.
    EuropeanColumns,
    /// `Invoice Number:`, `Dated:`, `TOTAL DUE:`, `Sales Tax`; `1234.56`; `2026-03-05`; label and
    /// value in one run of text.
    IsoCompact,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::UsClassic, Layout::EuropeanColumns, Layout::IsoCompact];

    /// The amount as this layout prints it.
    pub fn money(self, amount: Decimal) -> String {
        let amount = cents(amount);
        let negative = amount.is_sign_negative();
        let plain = format!("{:.2}", amount.abs());
        let (whole, frac) = plain.split_once('.').unwrap_or((plain.as_str(), "00"));
        let (group, decimal) = match self {
            Layout::UsClassic => (Some(','), '.'),
            Layout::EuropeanColumns => (Some('.'), ','),
            Layout::IsoCompact => (None, '.'),
        };
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                if let Some(g) = group {
                    grouped.push(g);
                }
            }
            grouped.push(c);
        }
        format!("{}{grouped}{decimal}{frac}", if negative { "-" } else { "" })
    }

    /// The date as this layout prints it.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Layout::UsClassic => date.format("%m/%d/%Y").to_string(),
            Layout::EuropeanColumns => date.format("%d.%m.%Y").to_string(),
            Layout::IsoCompact => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// The quantity as printed (whole numbers plainly, fractions in the layout's style).
    fn quantity(self, qty: Decimal) -> String {
        let qty = qty.normalize();
        let text = qty.to_string();
        if self == Layout::EuropeanColumns {
            text.replace('.', ",")
        } else {
            text
        }
    }
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A page being written top-down: `top` is the distance from the top edge to the text's top.
#[derive(Default)]
struct Sheet {
    ops: Vec<Op>,
}

impl Sheet {
    fn text(&mut self, x: f32, top: f32, text: &str, size: f32, bold: bool) {
        let font = if bold { BuiltinFont::HelveticaBold } else { BuiltinFont::Helvetica };
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont { font: PdfFontHandle::Builtin(font), size: Pt(size) });
        self.ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_H - top - size) } });
        self.ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
        self.ops.push(Op::EndTextSection);
    }

    /// Right-aligned at `right`, with widths estimated for Helvetica digits (numbers only).
    fn number(&mut self, right: f32, top: f32, text: &str, size: f32, bold: bool) {
        let width = text.chars().map(|c| if c.is_ascii_digit() { 0.556 } else { 0.278 }).sum::<f32>() * size;
        self.text(right - width, top, text, size, bold);
    }
}

fn save(pages: Vec<Sheet>, mut doc: PdfDocument) -> Vec<u8> {
    let pages = pages
        .into_iter()
        .map(|s| PdfPage::new(printpdf::Mm(PAGE_W * 25.4 / 72.0), printpdf::Mm(PAGE_H * 25.4 / 72.0), s.ops))
        .collect();
    doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// The labels one layout prints.
struct Labels {
    number: &'static str,
    date: &'static str,
    due: &'static str,
    po: &'static str,
    work_order: &'static str,
    terms: &'static str,
    subtotal: &'static str,
    tax: &'static str,
    total: &'static str,
    columns: [&'static str; 4],
}

fn labels(layout: Layout) -> Labels {
    match layout {
        Layout::UsClassic => Labels {
            number: "Invoice #",
            date: "Date",
            due: "Due Date",
            po: "P.O. #",
            work_order: "Work Order",
            terms: "Terms",
            subtotal: "Subtotal",
            tax: "Tax",
            total: "Amount Due",
            columns: ["Description", "Qty", "Unit Price", "Amount"],
        },
        Layout::EuropeanColumns => Labels {
            number: "Invoice No.",
            date: "Invoice Date",
            due: "Due Date",
            po: "Order No.",
            work_order: "Work Order Ref.",
            terms: "Payment Terms",
            subtotal: "Net Amount",
            tax: "VAT",
            total: "Total",
            columns: ["Item", "Quantity", "Price", "Total"],
        },
        Layout::IsoCompact => Labels {
            number: "Invoice Number:",
            date: "Dated:",
            due: "Due:",
            po: "PO Number:",
            work_order: "WO Ref:",
            terms: "Terms:",
            subtotal: "Subtotal",
            tax: "Sales Tax",
            total: "TOTAL DUE",
            columns: ["Description", "Qty", "Rate", "Line Total"],
        },
    }
}

/// The invoice as a one-page PDF in the given layout.
pub fn invoice_pdf(s: &SampleInvoice, layout: Layout) -> Vec<u8> {
    let l = labels(layout);
    let number_label = s.number_label.as_deref().unwrap_or(l.number);
    let mut fields: Vec<(&str, String)> =
        vec![(number_label, s.invoice_number.clone()), (l.date, layout.date(s.invoice_date))];
    if let Some(due) = s.due_date {
        fields.push((l.due, layout.date(due)));
    }
    if let Some(po) = &s.po_number {
        fields.push((l.po, po.clone()));
    }
    if let Some(wo) = &s.work_order_reference {
        fields.push((l.work_order, wo.clone()));
    }
    if let Some(terms) = &s.payment_terms {
        fields.push((l.terms, terms.clone()));
    }

    let mut page = Sheet::default();
    page.text(LEFT, 40.0, &s.vendor_name, 18.0, true);
    let mut y = 66.0;
    for line in &s.vendor_address {
        page.text(LEFT, y, line, 10.0, false);
        y += 14.0;
    }
    let mut y = match layout {
        Layout::UsClassic => {
            page.text(430.0, 40.0, "INVOICE", 22.0, true);
            let mut y = 80.0;
            for (label, value) in &fields {
                page.text(360.0, y, label, 10.0, true);
                page.text(450.0, y, value, 10.0, false);
                y += 15.0;
            }
            y.max(140.0) + 10.0
        }
        Layout::EuropeanColumns => {
            page.text(LEFT, y + 14.0, "INVOICE", 16.0, true);
            let mut y = y + 44.0;
            for row in fields.chunks(4) {
                for (i, (label, value)) in row.iter().enumerate() {
                    let x = LEFT + 130.0 * i as f32;
                    page.text(x, y, label, 9.0, true);
                    page.text(x, y + 13.0, value, 10.0, false);
                }
                y += 36.0;
            }
            y
        }
        Layout::IsoCompact => {
            let mut y = y + 12.0;
            for (label, value) in &fields {
                page.text(LEFT, y, &format!("{label} {value}"), 10.0, false);
                y += 14.0;
            }
            y + 6.0
        }
    };

    page.text(LEFT, y, "Bill To", 10.0, true);
    y += 14.0;
    for line in &s.bill_to {
        page.text(LEFT, y, line, 10.0, false);
        y += 14.0;
    }
    y += 18.0;

    let [desc, qty, price, amount] = l.columns;
    let (qty_right, price_right, amount_right) = (380.0, 470.0, 564.0);
    page.text(LEFT, y, desc, 10.0, true);
    page.text(qty_right - 40.0, y, qty, 10.0, true);
    page.text(price_right - 60.0, y, price, 10.0, true);
    page.text(amount_right - 60.0, y, amount, 10.0, true);
    y += 18.0;
    for (i, (description, q, p)) in s.lines.iter().enumerate() {
        let total = match s.misprint {
            Some((line, printed)) if line == i => printed,
            _ => cents(q * p),
        };
        page.text(LEFT, y, description, 10.0, false);
        page.number(qty_right, y, &layout.quantity(*q), 10.0, false);
        page.number(price_right, y, &layout.money(*p), 10.0, false);
        page.number(amount_right, y, &layout.money(total), 10.0, false);
        y += 16.0;
    }
    y += 14.0;
    let totals = [(l.subtotal, s.subtotal(), false), (l.tax, s.tax, false), (l.total, s.total(), true)];
    for (label, value, bold) in totals {
        page.text(380.0, y, label, 10.0, bold);
        page.number(amount_right, y, &layout.money(value), 10.0, bold);
        y += 16.0;
    }
    y += 30.0;
    page.text(LEFT, y, "Thank you for your business. Please remit payment by the due date.", 9.0, false);

    save(vec![page], PdfDocument::new(&format!("Invoice {}", s.invoice_number)))
}

/// One page holding only a picture of a page (what a scanner produces): no text at all.
pub fn scanned_pdf() -> Vec<u8> {
    let mut doc = PdfDocument::new("Scan");
    let img = image::RgbImage::from_fn(85, 110, |x, y| {
        // Grey "text lines" on white, so the picture looks like a page.
        if y % 10 < 3 && (8..77).contains(&x) {
            image::Rgb([90, 90, 90])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut page = Sheet::default();
    if let Ok(raw) = RawImage::from_dynamic_image(image::DynamicImage::ImageRgb8(img)) {
        let id = doc.add_image(&raw);
        page.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(0.0)),
                translate_y: Some(Pt(0.0)),
                scale_x: Some(PAGE_W / 85.0),
                scale_y: Some(PAGE_H / 110.0),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
    }
    save(vec![page], doc)
}

/// A deterministic sample invoice: the `n`th bill from a plumbing vendor.
pub fn demo_invoice(n: u32) -> SampleInvoice {
    let vendors = [
        ("Ace Plumbing LLC", "1450 Industrial Blvd", "Austin, TX 78744"),
        ("Blue River Plumbing & Drain", "88 Water St", "Round Rock, TX 78664"),
        ("Precision Pipe Works Inc.", "2201 Cedar Park Dr", "Cedar Park, TX 78613"),
    ];
    let (name, street, city) = vendors[n as usize % vendors.len()];
    let invoice_date = NaiveDate::from_ymd_opt(2026, 1 + (n * 5) % 12, 1 + (n * 7) % 28).unwrap_or_default();
    let parts = [
        ("Faucet cartridge", Decimal::new(6250, 2)),
        ("Wax ring and bolts", Decimal::new(1899, 2)),
        ("Water heater element", Decimal::new(4775, 2)),
        ("P-trap assembly", Decimal::new(2340, 2)),
    ];
    let (part, price) = parts[n as usize % parts.len()];
    let hours = Decimal::from(1 + n % 4);
    let mut lines = vec![
        ("Labor - service call".to_string(), hours, Decimal::new(9500, 2)),
        (part.to_string(), Decimal::from(1 + n % 2), price),
    ];
    if n % 3 == 1 {
        lines.push(("Drain line camera inspection".to_string(), Decimal::ONE, Decimal::new(18500, 2)));
    }
    let subtotal: Decimal = lines.iter().map(|(_, q, p)| cents(q * p)).sum();
    SampleInvoice {
        vendor_name: name.to_string(),
        vendor_address: vec![street.to_string(), city.to_string()],
        bill_to: vec!["Harbor View Property Management".into(), "120 Cedar St".into(), "Austin, TX 78701".into()],
        invoice_number: format!("INV-{}", 2026_0000 + n * 37),
        invoice_date,
        due_date: invoice_date.checked_add_days(Days::new(30)),
        po_number: (n % 2 == 0).then(|| format!("PO-{}", 4100 + n)),
        work_order_reference: Some(format!("WO-{:07}", 12 + n)),
        payment_terms: Some("Net 30".into()),
        lines,
        tax: cents(subtotal * Decimal::new(825, 4)),
        misprint: None,
        number_label: None,
    }
}

/// A residential lease with known terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleLease {
    pub landlord: String,
    pub tenants: Vec<String>,
    pub premises: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub monthly_rent: Decimal,
    pub security_deposit: Decimal,
    /// Charged when rent is more than `late_after_days` late.
    pub late_fee: Decimal,
    pub late_after_days: u32,
    /// `None`: no pets allowed.
    pub pet_deposit: Option<Decimal>,
}

impl SampleLease {
    pub fn demo() -> SampleLease {
        SampleLease {
            landlord: "Harbor View Property Management LLC".into(),
            tenants: vec!["Maria Santos".into(), "Daniel Okafor".into()],
            premises: "120 Cedar St, Unit A304, Austin, TX 78701".into(),
            start: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
            end: NaiveDate::from_ymd_opt(2027, 5, 31).unwrap_or_default(),
            monthly_rent: Decimal::new(145000, 2),
            security_deposit: Decimal::new(145000, 2),
            late_fee: Decimal::new(7500, 2),
            late_after_days: 3,
            pet_deposit: Some(Decimal::new(30000, 2)),
        }
    }
}

/// The lease as a one-page PDF.
pub fn lease_pdf(lease: &SampleLease) -> Vec<u8> {
    let money = |d: Decimal| format!("${}", Layout::UsClassic.money(d));
    let date = |d: NaiveDate| d.format("%B %-d, %Y").to_string();
    let pets = match lease.pet_deposit {
        Some(deposit) => {
            format!("Tenant may keep one pet with Landlord's written consent and a pet deposit of {}.", money(deposit))
        }
        None => "No pets are allowed on the Premises.".to_string(),
    };
    let paragraphs = [
        format!("1. Parties. This lease is between {} (\"Landlord\")", lease.landlord),
        format!("and {} (\"Tenant\").", lease.tenants.join(" and ")),
        format!("2. Premises. Landlord leases to Tenant the premises at {}.", lease.premises),
        format!("3. Term. The term begins on {} and ends on {}.", date(lease.start), date(lease.end)),
        format!(
            "4. Rent. Tenant shall pay {} per month, due on the first day of each month.",
            money(lease.monthly_rent)
        ),
        format!("5. Security Deposit. Tenant has paid a security deposit of {}.", money(lease.security_deposit)),
        format!(
            "6. Late Fee. Rent received more than {} days after the due date incurs a late fee of {}.",
            lease.late_after_days,
            money(lease.late_fee)
        ),
        format!("7. Pets. {pets}"),
    ];
    let mut page = Sheet::default();
    page.text(LEFT, 48.0, "RESIDENTIAL LEASE AGREEMENT", 16.0, true);
    let mut y = 88.0;
    for paragraph in &paragraphs {
        page.text(LEFT, y, paragraph, 9.5, false);
        y += 22.0;
    }
    y += 20.0;
    page.text(LEFT, y, "Landlord signature: ______________________", 10.0, false);
    page.text(LEFT, y + 24.0, "Tenant signature: ______________________", 10.0, false);
    save(vec![page], PdfDocument::new("Residential Lease"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layout_prints_amounts_and_dates_its_own_way() {
        let amount = Decimal::new(123456, 2);
        let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let printed: Vec<(String, String)> = Layout::ALL.iter().map(|l| (l.money(amount), l.date(day))).collect();
        assert_eq!(
            printed,
            vec![
                ("1,234.56".to_string(), "03/05/2026".to_string()),
                ("1.234,56".to_string(), "05.03.2026".to_string()),
                ("1234.56".to_string(), "2026-03-05".to_string()),
            ]
        );
        assert_eq!(Layout::UsClassic.money(Decimal::new(-5, 1)), "-0.50");
    }

    #[test]
    fn a_demo_invoice_adds_up() {
        let invoice = demo_invoice(1);
        assert_eq!(invoice.total(), invoice.subtotal() + invoice.tax);
        assert_eq!(invoice.work_order_reference.as_deref(), Some("WO-0000013"));
        assert!(invoice_pdf(&invoice, Layout::UsClassic).starts_with(b"%PDF-"));
    }
}
