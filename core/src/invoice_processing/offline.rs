//! Invoice extraction without a model: labels, positions and arithmetic read off the PDF's own
//! text. It is what runs when no AI provider is configured, and the first pass when one is: a
//! field it cannot read is left out (never guessed), and every field it reads says where it
//! was printed, how it was found and how sure we are, so a person reviews only what needs it.
//!
//! A vendor's corrected invoice teaches a [`VendorTemplate`] (the labels that vendor prints), so
//! the next invoice from the same vendor reads right even when its labels are unusual.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::amounts::{parse_date, parse_money, DateStyle, NumberStyle};
use super::matching::normalize_vendor_name;
use super::totals::check_totals;
use super::{ExtractedInvoice, LineItem};
use crate::document_ai::{BBox, Document};

/// The provider name on every field this module reads.
pub const PROVIDER: &str = "offline";

/// Where and how one field was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FieldSource {
    /// `offline`.
    pub provider: String,
    /// 0..1.
    pub confidence: f64,
    /// Where the value is printed, for highlighting it on the page.
    pub location: Option<BBox>,
    /// The text as printed.
    pub raw: Option<String>,
    /// How it was found: `label 'Invoice #'`, `template`, `largest amount`, …
    pub via: String,
}

/// What the offline reader found, with the reasons a person should look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineExtraction {
    pub invoice: ExtractedInvoice,
    /// Keyed by [`ExtractedInvoice`] field name; line items as `line_items[0]`. A field not
    /// found has no entry.
    pub fields: BTreeMap<String, FieldSource>,
    /// Why fields need review, in words.
    pub notes: Vec<String>,
    /// Pages with no text but an image (1-based): the offline reader cannot read them.
    pub scanned_pages: Vec<u32>,
    /// Mean confidence of vendor name, invoice number, invoice date and total (a missing one
    /// counts as 0).
    pub confidence: f64,
    pub needs_review: bool,
}

/// What a vendor's invoices look like, learned from one a person corrected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct VendorTemplate {
    /// `matching::normalize_vendor_name` of the vendor's name.
    pub vendor_key: String,
    pub vendor_name: String,
    /// Field name → the label printed before or above its value on this vendor's invoices.
    pub labels: BTreeMap<String, String>,
    pub number_style: Option<NumberStyle>,
    pub date_style: Option<DateStyle>,
}

/// Confidence of a value found after a label with a clean parse.
const LABELLED: f64 = 0.9;
/// Confidence of a value found after a label a template taught.
const TEMPLATE: f64 = 0.95;
/// Confidence of an ambiguous slash date read as US month/day with no evidence either way.
const AMBIGUOUS_DATE: f64 = 0.55;
/// Below this overall confidence the invoice goes to a person.
const REVIEW_BELOW: f64 = 0.8;

/// The English labels invoices print, longest first within a field so `Invoice Date` wins
/// over `Date`.
const LABELS: &[(&str, &[&str])] = &[
    (
        "invoice_number",
        &[
            "invoice number",
            "invoice num",
            "invoice no",
            "invoice #",
            "invoice id",
            "bill number",
            "bill no",
            "bill #",
            "inv no",
            "inv #",
        ],
    ),
    ("invoice_date", &["date of invoice", "invoice date", "date issued", "issue date", "bill date", "dated", "date"]),
    ("due_date", &["payment due", "due date", "due by", "due on", "due"]),
    (
        "po_number",
        &[
            "purchase order",
            "p.o. number",
            "po number",
            "order number",
            "p.o. no",
            "p.o. #",
            "order no",
            "po no",
            "po #",
        ],
    ),
    (
        "work_order_reference",
        &["work order ref", "work order no", "work order #", "work order", "job number", "wo ref", "wo #", "job #"],
    ),
    ("payment_terms", &["payment terms", "terms"]),
    ("subtotal", &["sub-total", "net amount", "sub total", "net total", "subtotal"]),
    ("tax", &["sales tax", "tax amount", "vat", "gst", "hst", "tax"]),
    ("total", &["invoice total", "total amount", "amount due", "balance due", "grand total", "total due", "total"]),
    ("remit_to", &["please remit to", "remit payment to", "remit to"]),
    // Not fields we return, but labels all the same: their blocks are never another field's value.
    ("bill_to", &["bill to", "ship to", "sold to"]),
];

/// Words a table header is made of: description column, then number columns.
const DESCRIPTION_HEADERS: &[&str] = &["description", "item", "service", "details", "particulars"];
const QTY_HEADERS: &[&str] = &["qty", "quantity", "hours", "hrs", "units"];
const PRICE_HEADERS: &[&str] = &["unit price", "price", "rate", "unit cost"];
const AMOUNT_HEADERS: &[&str] = &["amount", "line total", "total", "ext. price", "extended"];
/// Big words at the top that are not the vendor's name.
const TITLES: &[&str] = &["invoice", "tax invoice", "bill", "statement", "receipt"];

/// Reads the invoice fields off the document. `templates` are the vendors' learned labels;
/// the one whose vendor name is printed at the top is tried first.
pub fn extract(doc: &Document, templates: &[VendorTemplate]) -> OfflineExtraction {
    let sheet = Sheet::new(doc);
    let mut out = Extraction::default();
    let scanned = doc.scanned_pages();
    for page in &scanned {
        out.review(format!(
            "page {page} is scanned: the offline reader cannot read images; configure Claude or enter the fields"
        ));
    }

    let template = matching_template(&sheet, templates);
    let number_style = template.and_then(|t| t.number_style).unwrap_or_else(|| sheet.number_style());
    let date_style = template.and_then(|t| t.date_style);
    let date_evidence = sheet.date_evidence();
    let reader = Reader { sheet: &sheet, number_style, date_style, date_evidence, table: sheet.table(number_style) };

    // Vendor: the template's name when the document prints it, else the top line.
    match template {
        Some(t) => {
            let cell = sheet.top_cells().find(|c| normalize_vendor_name(&c.text) == t.vendor_key);
            out.set("vendor_name", cell.map(|c| c.bbox), cell.map(|c| c.text.clone()), TEMPLATE, "template");
            out.invoice.vendor_name = Some(t.vendor_name.clone());
        }
        None => {
            if let Some((cell, largest)) = sheet.vendor_cell() {
                let (confidence, via) =
                    if largest { (0.8, "largest text at the top") } else { (0.6, "first line at the top") };
                out.invoice.vendor_name = Some(cell.text.clone());
                out.set("vendor_name", Some(cell.bbox), Some(cell.text.clone()), confidence, via);
            }
        }
    }
    if let Some((address, bbox)) = sheet.vendor_address() {
        out.invoice.vendor_address = Some(address.clone());
        out.set("vendor_address", Some(bbox), Some(address), 0.7, "lines under the vendor name");
    }

    let template_labels = template.map(|t| &t.labels);
    for field in ["invoice_number", "po_number", "work_order_reference", "payment_terms", "remit_to"] {
        if let Some(found) = reader.find(field, template_labels, Kind::Text(field)) {
            let Value::Text(text) = &found.value else { continue };
            let text = text.clone();
            match field {
                "invoice_number" => out.invoice.invoice_number = Some(text),
                "po_number" => out.invoice.po_number = Some(text),
                "work_order_reference" => out.invoice.work_order_reference = Some(text),
                "payment_terms" => out.invoice.payment_terms = Some(text),
                _ => out.invoice.remit_to = Some(text),
            }
            out.found(field, found);
        }
    }
    if out.invoice.work_order_reference.is_none() {
        if let Some((text, bbox)) = sheet.work_order_pattern() {
            out.invoice.work_order_reference = Some(text.clone());
            out.set("work_order_reference", Some(bbox), Some(text), 0.7, "work order pattern");
        }
    }
    for field in ["invoice_date", "due_date"] {
        if let Some(found) = reader.find(field, template_labels, Kind::Date) {
            let Value::Date(date, ambiguous) = found.value else { continue };
            if ambiguous {
                out.review(format!(
                    "dates are ambiguous ({} reads as {} or {}); read as US month/day",
                    found.raw,
                    date.format("%-d %B"),
                    swapped(date).map_or_else(|| "another day".to_string(), |d| d.format("%-d %B").to_string())
                ));
            }
            if field == "invoice_date" {
                out.invoice.invoice_date = Some(date);
            } else {
                out.invoice.due_date = Some(date);
            }
            out.found(field, found);
        }
    }
    for field in ["subtotal", "tax", "total"] {
        if let Some(found) = reader.find(field, template_labels, Kind::Money) {
            let Value::Money(amount) = found.value else { continue };
            match field {
                "subtotal" => out.invoice.subtotal = Some(amount),
                "tax" => out.invoice.tax = Some(amount),
                _ => out.invoice.total = Some(amount),
            }
            out.found(field, found);
        }
    }
    if out.invoice.total.is_none() {
        if let Some((amount, cell)) = reader.largest_amount() {
            out.invoice.total = Some(amount);
            out.set("total", Some(cell.bbox), Some(cell.text.clone()), 0.5, "largest amount");
            out.review("the total has no label: read as the largest amount printed; check it".into());
        }
    }

    if let Some(table) = &reader.table {
        for (i, row) in table.rows.iter().enumerate() {
            out.invoice.line_items.push(row.item.clone());
            out.set(&format!("line_items[{i}]"), Some(row.bbox), Some(row.raw.clone()), 0.8, "table row");
        }
    }

    for issue in check_totals(&out.invoice).issues {
        out.review(issue.message);
    }
    for (field, name) in
        [("vendor_name", "vendor name"), ("invoice_number", "invoice number"), ("invoice_date", "invoice date")]
    {
        if !out.fields.contains_key(field) && scanned.is_empty() {
            out.notes.push(format!("{name} not found"));
        }
    }
    if out.invoice.total.is_none() {
        out.review("total not found".into());
    }

    let core = ["vendor_name", "invoice_number", "invoice_date", "total"];
    let confidence = core.iter().map(|f| out.fields.get(*f).map_or(0.0, |s| s.confidence)).sum::<f64>() / 4.0;
    OfflineExtraction {
        needs_review: out.review || confidence < REVIEW_BELOW,
        invoice: out.invoice,
        fields: out.fields,
        notes: out.notes,
        scanned_pages: scanned,
        confidence,
    }
}

/// What an approved (corrected) invoice teaches: for each field whose approved value appears in
/// the document, the label before it on its line or on the line above; the number and date
/// styles that read the approved values. `None` when the approved invoice names no vendor.
pub fn learn_template(
    doc: &Document,
    approved: &ExtractedInvoice,
    previous: Option<&VendorTemplate>,
) -> Option<VendorTemplate> {
    let vendor_name = approved.vendor_name.as_deref()?.trim();
    let vendor_key = normalize_vendor_name(vendor_name);
    if vendor_key.is_empty() {
        return None;
    }
    let previous = previous.filter(|p| p.vendor_key == vendor_key);
    let sheet = Sheet::new(doc);
    let mut template = VendorTemplate {
        vendor_key,
        vendor_name: vendor_name.to_string(),
        labels: previous.map(|p| p.labels.clone()).unwrap_or_default(),
        number_style: previous.and_then(|p| p.number_style),
        date_style: previous.and_then(|p| p.date_style),
    };

    let texts = [
        ("invoice_number", &approved.invoice_number),
        ("po_number", &approved.po_number),
        ("work_order_reference", &approved.work_order_reference),
        ("payment_terms", &approved.payment_terms),
    ];
    for (field, value) in texts {
        let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { continue };
        let label = sheet.cells().find_map(|(li, ci, cell)| {
            let before = strip_suffix_ci(&cell.text, value)?;
            sheet.label_for(li, ci, before)
        });
        if let Some(label) = label {
            template.labels.insert(field.to_string(), label);
        }
    }

    for (field, value) in [("invoice_date", approved.invoice_date), ("due_date", approved.due_date)] {
        let Some(value) = value else { continue };
        let found = sheet.cells().find_map(|(li, ci, cell)| {
            let style = [DateStyle::Iso, DateStyle::Us, DateStyle::Eu]
                .into_iter()
                .find(|s| parse_date(&cell.text, *s) == Ok(value))
                .or_else(|| {
                    let (before, date_text) = split_last_token(&cell.text)?;
                    let style = [DateStyle::Iso, DateStyle::Us, DateStyle::Eu]
                        .into_iter()
                        .find(|s| parse_date(date_text, *s) == Ok(value))?;
                    (!before.is_empty()).then_some(style)
                })?;
            let before =
                split_last_token(&cell.text).map(|(b, _)| b).filter(|_| parse_date(&cell.text, style).is_err());
            Some((sheet.label_for(li, ci, before.unwrap_or(""))?, style, cell.text.clone()))
        });
        if let Some((label, style, text)) = found {
            template.labels.insert(field.to_string(), label);
            // Only a date whose two readings differ says which convention the vendor uses.
            if style == DateStyle::Iso || parse_date(&text, DateStyle::Us) != parse_date(&text, DateStyle::Eu) {
                template.date_style = Some(style);
            }
        }
    }

    // Amounts: the bottom-most printing of each figure is the totals block, not a table row.
    for (field, value) in [("total", approved.total), ("subtotal", approved.subtotal), ("tax", approved.tax)] {
        let Some(value) = value else { continue };
        let cells: Vec<_> = sheet.cells().collect();
        let found = cells.iter().rev().find_map(|(li, ci, cell)| {
            let (before, amount_text) = match split_last_token(&cell.text) {
                Some((before, last)) if !before.is_empty() => (before, last),
                _ => ("", cell.text.as_str()),
            };
            let style =
                [NumberStyle::Us, NumberStyle::Eu].into_iter().find(|s| parse_money(amount_text, *s) == Ok(value))?;
            Some((sheet.label_for(*li, *ci, before)?, style, amount_text.to_string()))
        });
        if let Some((label, style, text)) = found {
            template.labels.insert(field.to_string(), label);
            if parse_money(&text, NumberStyle::Us) != parse_money(&text, NumberStyle::Eu) {
                template.number_style = Some(style);
            }
        }
    }
    Some(template)
}

/// The fields found so far and why a person should look.
#[derive(Default)]
struct Extraction {
    invoice: ExtractedInvoice,
    fields: BTreeMap<String, FieldSource>,
    notes: Vec<String>,
    review: bool,
}

impl Extraction {
    fn set(&mut self, field: &str, location: Option<BBox>, raw: Option<String>, confidence: f64, via: &str) {
        self.fields.insert(
            field.to_string(),
            FieldSource { provider: PROVIDER.into(), confidence, location, raw, via: via.to_string() },
        );
    }

    fn found(&mut self, field: &str, found: Found) {
        self.set(field, Some(found.bbox), Some(found.raw), found.confidence, &found.via);
    }

    fn review(&mut self, note: String) {
        self.review = true;
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

/// A run of text set apart from its neighbours on a line (a label, a value, a table cell).
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    bbox: BBox,
}

/// The document as lines of cells, in reading order.
struct Sheet {
    lines: Vec<Vec<Cell>>,
}

impl Sheet {
    fn new(doc: &Document) -> Sheet {
        let mut lines = Vec::new();
        for line in doc.lines() {
            let mut cells: Vec<Cell> = Vec::new();
            if line.spans.is_empty() {
                // Hand-made lines have no spans: the reader's wide gaps are runs of spaces.
                for part in line.text.split("   ").map(str::trim).filter(|p| !p.is_empty()) {
                    cells.push(Cell { text: part.to_string(), bbox: line.bbox });
                }
            }
            for span in &line.spans {
                let text = span.text.trim();
                if text.is_empty() {
                    continue;
                }
                let joins = cells.last().is_some_and(|c| {
                    span.bbox.x - (c.bbox.x + c.bbox.width) <= 2.0 * span.bbox.height.max(c.bbox.height)
                });
                match cells.last_mut() {
                    Some(cell) if joins => {
                        cell.text.push(' ');
                        cell.text.push_str(text);
                        cell.bbox = union(cell.bbox, span.bbox);
                    }
                    _ => cells.push(Cell { text: text.to_string(), bbox: span.bbox }),
                }
            }
            if !cells.is_empty() {
                lines.push(cells);
            }
        }
        Sheet { lines }
    }

    fn cells(&self) -> impl Iterator<Item = (usize, usize, &Cell)> {
        self.lines.iter().enumerate().flat_map(|(li, cells)| cells.iter().enumerate().map(move |(ci, c)| (li, ci, c)))
    }

    /// The cells of the first lines of page 1, where a vendor prints its name.
    fn top_cells(&self) -> impl Iterator<Item = &Cell> {
        self.lines.iter().take(8).flatten().filter(|c| c.bbox.page == 1)
    }

    /// The vendor's name: the first cell at the top that is not a label or a title, and whether
    /// it is the largest text there.
    fn vendor_cell(&self) -> Option<(&Cell, bool)> {
        let largest = self.top_cells().map(|c| c.bbox.height).fold(0.0_f32, f32::max);
        let cell = self.top_cells().find(|c| {
            let lower = c.text.to_lowercase();
            !TITLES.contains(&lower.as_str())
                && label_match(&c.text).is_none()
                && c.text.chars().any(char::is_alphabetic)
        })?;
        Some((cell, cell.bbox.height >= largest - 0.5))
    }

    /// The lines under the vendor's name in its column, until a gap, a label or a title.
    fn vendor_address(&self) -> Option<(String, BBox)> {
        let (name, _) = self.vendor_cell()?;
        let start = self.lines.iter().position(|l| l.iter().any(|c| std::ptr::eq(c, name)))?;
        let mut parts: Vec<&Cell> = Vec::new();
        let mut last = name.bbox;
        for line in self.lines.iter().skip(start + 1).take(6) {
            let Some(cell) = line.iter().find(|c| (c.bbox.x - name.bbox.x).abs() < 2.0 * c.bbox.height) else { break };
            let pitch = cell.bbox.y - last.y;
            let lower = cell.text.to_lowercase();
            if cell.bbox.page != name.bbox.page
                || pitch > last.height.max(cell.bbox.height) * 2.2
                || label_match(&cell.text).is_some()
                || TITLES.contains(&lower.as_str())
            {
                break;
            }
            parts.push(cell);
            last = cell.bbox;
        }
        // An address has a number in it (a street, a postcode); anything else is a guess.
        if !parts.iter().any(|c| c.text.chars().any(|ch| ch.is_ascii_digit())) {
            return None;
        }
        let bbox = parts.iter().skip(1).fold(parts.first()?.bbox, |acc, c| union(acc, c.bbox));
        Some((parts.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(", "), bbox))
    }

    /// `1,234.56` or `1.234,56`: whichever the document's amounts end in (`.dd` or `,dd`).
    fn number_style(&self) -> NumberStyle {
        let (mut us, mut eu) = (0, 0);
        for (_, _, cell) in self.cells() {
            for token in cell.text.split_whitespace() {
                let token = token.trim_start_matches(['$', '€', '£', '(', '-']).trim_end_matches(')');
                let bytes = token.as_bytes();
                let n = bytes.len();
                if n < 4 || !token.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
                    continue;
                }
                if bytes[n - 1].is_ascii_digit() && bytes[n - 2].is_ascii_digit() {
                    match bytes[n - 3] {
                        b'.' => us += 1,
                        b',' => eu += 1,
                        _ => {}
                    }
                }
            }
        }
        match us.cmp(&eu) {
            std::cmp::Ordering::Greater => NumberStyle::Us,
            std::cmp::Ordering::Less => NumberStyle::Eu,
            std::cmp::Ordering::Equal => NumberStyle::Auto,
        }
    }

    /// What the document's unambiguous slash dates say about the ambiguous ones: a first
    /// number above 12 is a day (European), a second above 12 a day (US). `None` when there is
    /// no evidence or it conflicts.
    fn date_evidence(&self) -> Option<DateStyle> {
        let (mut us, mut eu) = (false, false);
        for (_, _, cell) in self.cells() {
            for token in cell.text.split_whitespace() {
                let parts: Vec<&str> = token.split('/').collect();
                if parts.len() != 3 || parts[2].len() != 4 {
                    continue;
                }
                let (Ok(a), Ok(b)) = (parts[0].parse::<u32>(), parts[1].parse::<u32>()) else { continue };
                us |= a <= 12 && (13..=31).contains(&b);
                eu |= b <= 12 && (13..=31).contains(&a);
            }
        }
        match (us, eu) {
            (true, false) => Some(DateStyle::Us),
            (false, true) => Some(DateStyle::Eu),
            _ => None,
        }
    }

    /// The label text for a value at (`li`, `ci`): the text before it in its cell, else the
    /// cell to its left, else the nearest cell above it that overlaps it. A label has letters
    /// and is not itself an amount or a date.
    fn label_for(&self, li: usize, ci: usize, before: &str) -> Option<String> {
        let clean = |t: &str| -> Option<String> {
            let t = t.trim().trim_end_matches([':', '#', ' ']).trim();
            let t = if t.is_empty() && before.trim().ends_with('#') { before.trim() } else { t };
            let is_label = t.chars().any(char::is_alphabetic)
                && t.chars().count() <= 40
                && parse_money(t, NumberStyle::Auto).is_err()
                && parse_date(t, DateStyle::Auto).is_err();
            is_label.then(|| t.to_string())
        };
        if !before.trim().is_empty() {
            return clean(before);
        }
        let line = self.lines.get(li)?;
        let cell = line.get(ci)?;
        if let Some(left) = ci.checked_sub(1).and_then(|i| line.get(i)) {
            if let Some(label) = clean(&left.text) {
                return Some(label);
            }
        }
        self.lines[..li].iter().rev().take(3).find_map(|above| {
            let over = above.iter().find(|c| {
                c.bbox.page == cell.bbox.page
                    && overlaps(c.bbox, cell.bbox)
                    && cell.bbox.y - c.bbox.y < 3.0 * cell.bbox.height.max(c.bbox.height)
            })?;
            clean(&over.text)
        })
    }

    /// A `WO-0000012`-style token anywhere, for invoices that print the reference unlabelled.
    fn work_order_pattern(&self) -> Option<(String, BBox)> {
        self.cells().find_map(|(_, _, cell)| {
            cell.text.split_whitespace().find_map(|token| {
                let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                let upper = token.to_ascii_uppercase();
                let rest = upper.strip_prefix("WO-").or_else(|| upper.strip_prefix("WO#"))?;
                (!rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_alphanumeric())
                    && rest.chars().any(|c| c.is_ascii_digit()))
                .then(|| (token.to_string(), cell.bbox))
            })
        })
    }

    /// The line-item table: a header row naming a description column and number columns,
    /// then rows with a description and numbers, until the totals.
    fn table(&self, style: NumberStyle) -> Option<Table> {
        let (header_line, columns) = self.lines.iter().enumerate().find_map(|(li, cells)| {
            let columns: Vec<(Column, f32)> = cells
                .iter()
                .filter_map(|c| column_of(&c.text).map(|col| (col, c.bbox.x + c.bbox.width / 2.0)))
                .collect();
            let has_description = columns.iter().any(|(c, _)| *c == Column::Description);
            let numbers = columns.iter().filter(|(c, _)| *c != Column::Description).count();
            (has_description && numbers >= 2 && columns.len() == cells.len()).then_some((li, columns))
        })?;
        let mut rows = Vec::new();
        let mut end = header_line;
        let mut last_y = self.lines[header_line].first().map(|c| c.bbox.y).unwrap_or_default();
        for (li, cells) in self.lines.iter().enumerate().skip(header_line + 1) {
            let Some(first) = cells.first() else { continue };
            let gap = first.bbox.y - last_y;
            if label_match(&first.text).is_some_and(|(f, _)| matches!(f, "subtotal" | "tax" | "total"))
                || gap > 4.0 * first.bbox.height
                || first.bbox.page != self.lines[header_line][0].bbox.page
            {
                break;
            }
            let mut item = LineItem::default();
            let mut description: Vec<&str> = Vec::new();
            let mut numbers = 0;
            for cell in cells {
                let center = cell.bbox.x + cell.bbox.width / 2.0;
                let column = columns
                    .iter()
                    .min_by(|a, b| (a.1 - center).abs().total_cmp(&(b.1 - center).abs()))
                    .map(|(c, _)| *c);
                let amount = parse_money(&cell.text, style).ok();
                match (column, amount) {
                    (Some(Column::Quantity), Some(v)) => item.quantity = Some(v),
                    (Some(Column::Price), Some(v)) => item.unit_price = Some(v),
                    (Some(Column::Amount), Some(v)) => item.total = Some(v),
                    _ => {
                        description.push(&cell.text);
                        continue;
                    }
                }
                numbers += 1;
            }
            if description.is_empty() || numbers < 2 {
                if rows.is_empty() {
                    continue;
                }
                break;
            }
            item.description = Some(description.join(" "));
            let bbox = cells.iter().skip(1).fold(first.bbox, |acc, c| union(acc, c.bbox));
            let raw = cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("  ");
            rows.push(Row { item, bbox, raw });
            end = li;
            last_y = first.bbox.y;
        }
        Some(Table { first_line: header_line, last_line: end, rows })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Description,
    Quantity,
    Price,
    Amount,
}

fn column_of(text: &str) -> Option<Column> {
    let lower = text.trim().trim_end_matches(':').to_lowercase();
    let is = |words: &[&str]| words.contains(&lower.as_str());
    if is(DESCRIPTION_HEADERS) {
        Some(Column::Description)
    } else if is(QTY_HEADERS) {
        Some(Column::Quantity)
    } else if is(PRICE_HEADERS) {
        Some(Column::Price)
    } else if is(AMOUNT_HEADERS) {
        Some(Column::Amount)
    } else {
        None
    }
}

struct Table {
    first_line: usize,
    last_line: usize,
    rows: Vec<Row>,
}

struct Row {
    item: LineItem,
    bbox: BBox,
    raw: String,
}

#[derive(Clone, Copy)]
enum Kind {
    /// A text field; the name decides whether it must carry a digit (numbers and references).
    Text(&'static str),
    Date,
    Money,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    /// The date, and whether it was an ambiguous slash date read as US with no evidence.
    Date(NaiveDate, bool),
    Money(Decimal),
}

struct Found {
    value: Value,
    raw: String,
    bbox: BBox,
    confidence: f64,
    via: String,
}

struct Reader<'a> {
    sheet: &'a Sheet,
    number_style: NumberStyle,
    date_style: Option<DateStyle>,
    date_evidence: Option<DateStyle>,
    table: Option<Table>,
}

impl Reader<'_> {
    fn in_table(&self, li: usize) -> bool {
        self.table.as_ref().is_some_and(|t| (t.first_line..=t.last_line).contains(&li))
    }

    /// The field's value after a template's label, else after the first generic label that
    /// yields a value of the right kind.
    fn find(&self, field: &str, template: Option<&BTreeMap<String, String>>, kind: Kind) -> Option<Found> {
        if let Some(label) = template.and_then(|t| t.get(field)) {
            let found = self.sheet.cells().filter(|(li, _, _)| !self.in_table(*li)).find_map(|(li, ci, cell)| {
                let rest = strip_prefix_ci(&cell.text, label)?;
                self.value_near(li, ci, rest, kind)
            });
            if let Some(mut found) = found {
                found.confidence = if matches!(found.value, Value::Date(_, true)) { AMBIGUOUS_DATE } else { TEMPLATE };
                found.via = "template".into();
                return Some(found);
            }
        }
        let labels = LABELS.iter().find(|(f, _)| *f == field).map(|(_, l)| *l).unwrap_or(&[]);
        self.sheet.cells().filter(|(li, _, _)| !self.in_table(*li)).find_map(|(li, ci, cell)| {
            let (label_field, rest) = label_match(&cell.text)?;
            if label_field != field {
                return None;
            }
            let label = labels.iter().find(|l| strip_prefix_ci(&cell.text, l).is_some()).copied().unwrap_or(field);
            let mut found = self.value_near(li, ci, rest, kind)?;
            let printed: String = cell.text.chars().take(label.chars().count()).collect();
            found.via = format!("label '{}'", printed.trim());
            if matches!(found.value, Value::Date(_, true)) {
                found.confidence = AMBIGUOUS_DATE;
            }
            Some(found)
        })
    }

    /// The value for a label at (`li`, `ci`) whose cell continues with `rest`: the rest of the
    /// cell, else the next cell on the line, else the first overlapping cell below.
    fn value_near(&self, li: usize, ci: usize, rest: &str, kind: Kind) -> Option<Found> {
        let line = self.sheet.lines.get(li)?;
        let label = line.get(ci)?;
        let rest = rest.trim_start_matches([':', '#', '.', ' ', '\u{a0}']).trim();
        if !rest.is_empty() {
            if let Some(value) = self.parse(rest, kind) {
                let bbox = tail_bbox(label, rest);
                return Some(Found { value, raw: rest.to_string(), bbox, confidence: LABELLED, via: String::new() });
            }
        }
        if let Some(right) = line.get(ci + 1) {
            if !is_pure_label(&right.text) {
                if let Some(value) = self.parse(&right.text, kind) {
                    return Some(Found {
                        value,
                        raw: right.text.clone(),
                        bbox: right.bbox,
                        confidence: LABELLED,
                        via: String::new(),
                    });
                }
            }
        }
        let below = self.sheet.lines.iter().skip(li + 1).take(3).find_map(|cells| {
            cells.iter().find(|c| {
                c.bbox.page == label.bbox.page
                    && overlaps(c.bbox, label.bbox)
                    && c.bbox.y - label.bbox.y < 3.0 * label.bbox.height.max(c.bbox.height)
            })
        })?;
        if is_pure_label(&below.text) {
            return None;
        }
        let value = self.parse(&below.text, kind)?;
        Some(Found { value, raw: below.text.clone(), bbox: below.bbox, confidence: 0.85, via: String::new() })
    }

    fn parse(&self, text: &str, kind: Kind) -> Option<Value> {
        match kind {
            Kind::Money => parse_money(text, self.number_style).ok().map(Value::Money),
            Kind::Date => self.parse_date(text),
            Kind::Text(field) => {
                let text = text.trim();
                let needs_digit = matches!(field, "invoice_number" | "po_number" | "work_order_reference");
                let ok = !text.is_empty()
                    && text.chars().count() <= 60
                    && (!needs_digit || text.chars().any(|c| c.is_ascii_digit()))
                    && !(needs_digit && text.contains(' ') && text.split_whitespace().count() > 2)
                    && parse_date(text, DateStyle::Auto).is_err();
                ok.then(|| Value::Text(text.to_string()))
            }
        }
    }

    fn parse_date(&self, text: &str) -> Option<Value> {
        if let Some(style) = self.date_style {
            return parse_date(text, style).ok().map(|d| Value::Date(d, false));
        }
        match parse_date(text, DateStyle::Auto) {
            Ok(date) => Some(Value::Date(date, false)),
            Err(why) if why.contains("ambiguous") => match self.date_evidence {
                Some(style) => parse_date(text, style).ok().map(|d| Value::Date(d, false)),
                None => parse_date(text, DateStyle::Us).ok().map(|d| Value::Date(d, true)),
            },
            Err(_) => None,
        }
    }

    /// The largest amount printed outside the table, when no total is labelled.
    fn largest_amount(&self) -> Option<(Decimal, &Cell)> {
        self.sheet
            .cells()
            .filter(|(li, _, _)| !self.in_table(*li))
            .filter_map(|(_, _, c)| {
                let amount = parse_money(&c.text, self.number_style).ok()?;
                // Without a decimal separator it is more likely a number than an amount.
                (c.text.contains('.') || c.text.contains(',')).then_some((amount, c))
            })
            .max_by(|a, b| a.0.cmp(&b.0))
    }
}

/// The field whose label `text` starts with, and the text after the label.
fn label_match(text: &str) -> Option<(&'static str, &str)> {
    LABELS
        .iter()
        .find_map(|(field, labels)| labels.iter().find_map(|l| strip_prefix_ci(text, l)).map(|rest| (*field, rest)))
}

/// A label with nothing after it (so it is not a value).
fn is_pure_label(text: &str) -> bool {
    let bare = |rest: &str| rest.trim_start_matches([':', '#', '.', ' ']).trim().is_empty();
    label_match(text).is_some_and(|(_, rest)| bare(rest)) || column_of(text).is_some()
}

/// `text` without a leading `label` (ASCII case-insensitive), when the label ends at a word
/// boundary.
fn strip_prefix_ci<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let mut chars = text.char_indices();
    for expected in label.chars() {
        let (_, c) = chars.next()?;
        if !c.eq_ignore_ascii_case(&expected) {
            return None;
        }
    }
    let rest = chars.next().map_or("", |(i, _)| &text[i..]);
    let boundary = !label.ends_with(|c: char| c.is_alphanumeric()) || !rest.starts_with(|c: char| c.is_alphanumeric());
    boundary.then_some(rest)
}

/// The text before a trailing `value` (ASCII case-insensitive), when `text` ends with it.
fn strip_suffix_ci<'t>(text: &'t str, value: &str) -> Option<&'t str> {
    let start = text.len().checked_sub(value.len())?;
    let tail = text.get(start..)?;
    if !tail.eq_ignore_ascii_case(value) {
        return None;
    }
    let before = &text[..start];
    // The value must be a whole token, not the end of a longer one.
    (before.is_empty() || before.ends_with([' ', ':', '#'])).then_some(before)
}

/// The text before the last whitespace-separated token, and that token.
fn split_last_token(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let i = text.rfind(char::is_whitespace)?;
    Some((text[..i].trim(), text[i..].trim()))
}

/// The box of `rest` at the end of `cell`, estimated by its share of the characters.
fn tail_bbox(cell: &Cell, rest: &str) -> BBox {
    let total = cell.text.chars().count().max(1) as f32;
    let share = (rest.chars().count() as f32 / total).min(1.0);
    let width = cell.bbox.width * share;
    BBox { x: cell.bbox.x + cell.bbox.width - width, width, ..cell.bbox }
}

fn overlaps(a: BBox, b: BBox) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width
}

fn union(a: BBox, b: BBox) -> BBox {
    let (x, y) = (a.x.min(b.x), a.y.min(b.y));
    let (right, bottom) = ((a.x + a.width).max(b.x + b.width), (a.y + a.height).max(b.y + b.height));
    BBox { page: a.page, x, y, width: right - x, height: bottom - y }
}

/// The date with day and month swapped, if that is a date (the other reading of a slash date).
fn swapped(date: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(date.year(), date.day(), date.month())
}

/// The template for the vendor whose name is printed at the top of the document.
fn matching_template<'t>(sheet: &Sheet, templates: &'t [VendorTemplate]) -> Option<&'t VendorTemplate> {
    let keys: Vec<String> = sheet.top_cells().map(|c| normalize_vendor_name(&c.text)).collect();
    templates.iter().find(|t| !t.vendor_key.is_empty() && keys.contains(&t.vendor_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document_ai::{Page, TextLine};

    /// A one-page document from lines of text; three spaces separate cells.
    fn doc(lines: &[&str]) -> Document {
        let lines = lines
            .iter()
            .enumerate()
            .map(|(i, t)| TextLine {
                text: t.to_string(),
                spans: Vec::new(),
                bbox: BBox { page: 1, x: 48.0, y: 40.0 + 14.0 * i as f32, width: 400.0, height: 10.0 },
            })
            .collect();
        Document { pages: vec![Page { number: 1, width: 612.0, height: 792.0, lines, scanned: false }] }
    }

    #[test]
    fn labels_match_whole_words_case_insensitively() {
        assert_eq!(label_match("Invoice #   A-1"), Some(("invoice_number", "   A-1")));
        assert_eq!(label_match("INVOICE DATE: 2026-03-05"), Some(("invoice_date", ": 2026-03-05")));
        assert_eq!(label_match("Subtotal"), Some(("subtotal", "")));
        assert_eq!(label_match("Dated: 2026-03-05").map(|m| m.0), Some("invoice_date"));
        // "Datebook" is not the label "Date"; "Taxi" is not "Tax".
        assert_eq!(label_match("Datebook"), None);
        assert_eq!(label_match("Taxi fare"), None);
    }

    #[test]
    fn a_plain_text_invoice_reads_with_sources() {
        let d = doc(&[
            "Ace Plumbing LLC",
            "12 Main St",
            "Invoice Number: A-1001",
            "Invoice Date: 2026-03-05",
            "Subtotal   150.00",
            "Tax   12.38",
            "Total Due   162.38",
        ]);
        let out = extract(&d, &[]);
        assert_eq!(out.invoice.vendor_name.as_deref(), Some("Ace Plumbing LLC"));
        assert_eq!(out.invoice.vendor_address.as_deref(), Some("12 Main St"));
        assert_eq!(out.invoice.invoice_number.as_deref(), Some("A-1001"));
        assert_eq!(out.invoice.invoice_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(out.invoice.total, Some(Decimal::new(16238, 2)));
        assert_eq!(out.fields["total"].via, "label 'Total Due'");
        assert!(out.notes.is_empty(), "{:?}", out.notes);
    }

    #[test]
    fn an_ambiguous_date_without_evidence_is_read_as_us_and_flagged() {
        let d = doc(&["Ace Plumbing LLC", "Invoice #   A-1", "Date   03/05/2026", "Amount Due   10.00"]);
        let out = extract(&d, &[]);
        assert_eq!(out.invoice.invoice_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert!(out.fields["invoice_date"].confidence < 0.6);
        assert!(out.needs_review);
        assert!(out.notes.iter().any(|n| n.contains("ambiguous") && n.contains("03/05/2026")), "{:?}", out.notes);
        // A due date whose day is above 12 settles it: the vendor writes month first.
        let d = doc(&["Ace Plumbing LLC", "Invoice #   A-1", "Date   03/05/2026", "Due Date   04/20/2026"]);
        let out = extract(&d, &[]);
        assert_eq!(out.invoice.invoice_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert!(!out.notes.iter().any(|n| n.contains("ambiguous")));
    }

    #[test]
    fn nothing_found_is_none_and_needs_review() {
        let out = extract(&doc(&["Minutes of the meeting"]), &[]);
        assert_eq!(out.invoice.total, None);
        assert_eq!(out.invoice.invoice_number, None);
        assert!(out.needs_review);
        assert!(out.notes.contains(&"total not found".to_string()));
        assert!(!out.fields.contains_key("total"));
    }
}
