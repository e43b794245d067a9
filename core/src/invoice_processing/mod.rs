//! Invoice AI extraction (spec 3.2): the spec's extraction prompt and the shape of its answer,
//! and the arithmetic we never leave to the model — reading amounts and dates as printed
//! (`amounts`), checking that the figures add up (`totals`), matching the invoice to a work order
//! (`matching`), its GL code (`gl`) and price check (`price_check`). `offline` reads invoices on
//! the device; `workflow` is upload → extract → review → approve over the maintenance port.
//!
//! A field the model did not find stays `None`; nothing here invents a figure to fill a gap.

pub mod amounts;
pub mod gl;
pub mod matching;
pub mod offline;
pub mod price_check;
pub mod record;
pub mod replica;
pub mod totals;
pub mod workflow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The spec's invoice extraction prompt, word for word.
pub const INVOICE_EXTRACTION_PROMPT: &str = r#"Extract all fields from this vendor invoice PDF.
Return JSON:
{
"vendor_name": "string",
"invoice_number": "string",
"invoice_date": "YYYY-MM-DD",
"due_date": "YYYY-MM-DD",
"subtotal": 0.00,
"tax": 0.00,
"total": 0.00,
"line_items": [
{"description": "string", "quantity": 1, "unit_price": 0.00, "total": 0.00}
],
"vendor_address": "string",
"remit_to": "string",
"po_number": "string or null",
"work_order_reference": "string or null",
"payment_terms": "string"
}
Be precise with amounts. If a field is not found, use null."#;

/// What the model read off an invoice, in the prompt's JSON shape. Every field is optional
/// because the prompt tells the model to answer `null` for what it cannot find.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtractedInvoice {
    /// The vendor's name as printed (matched to a vendor by `matching::match_vendor`).
    #[serde(default)]
    pub vendor_name: Option<String>,
    /// The vendor's invoice number.
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// The invoice date; the 90-day matching window counts back from it.
    #[serde(default)]
    pub invoice_date: Option<NaiveDate>,
    /// When payment is due.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// Before tax.
    #[serde(default)]
    pub subtotal: Option<Decimal>,
    /// The tax charged.
    #[serde(default)]
    pub tax: Option<Decimal>,
    /// The amount to pay: subtotal + tax.
    #[serde(default)]
    pub total: Option<Decimal>,
    /// A `null` list is read as no lines.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub line_items: Vec<LineItem>,
    /// The vendor's address as printed.
    #[serde(default)]
    pub vendor_address: Option<String>,
    /// Where payment is to be sent, when it differs from the vendor's address.
    #[serde(default)]
    pub remit_to: Option<String>,
    /// Our purchase order number, if the vendor printed one.
    #[serde(default)]
    pub po_number: Option<String>,
    /// The work order number as printed on the invoice, if any (matching strategy 1).
    #[serde(default)]
    pub work_order_reference: Option<String>,
    /// E.g. `Net 30`.
    #[serde(default)]
    pub payment_terms: Option<String>,
}

/// One line of an invoice as the model read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LineItem {
    /// What the line is for.
    #[serde(default)]
    pub description: Option<String>,
    /// How many units (hours, parts).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
    /// Price of one unit.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    /// The line's total: quantity × unit price.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub total: Option<Decimal>,
}

fn null_as_empty<'de, D>(deserializer: D) -> Result<Vec<LineItem>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<Vec<LineItem>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn the_prompt_is_the_specs() {
        assert!(INVOICE_EXTRACTION_PROMPT.starts_with("Extract all fields from this vendor invoice PDF.\nReturn JSON:"));
        assert!(INVOICE_EXTRACTION_PROMPT.ends_with("Be precise with amounts. If a field is not found, use null."));
        assert!(INVOICE_EXTRACTION_PROMPT.contains(r#""work_order_reference": "string or null","#));
    }

    #[test]
    fn a_models_answer_reads_into_the_struct_and_nulls_stay_none() {
        let answer = r#"{
            "vendor_name": "Ace Plumbing LLC", "invoice_number": "A-1001",
            "invoice_date": "2026-03-05", "due_date": null,
            "subtotal": 150.00, "tax": 12.38, "total": 162.38,
            "line_items": [{"description": "Replace faucet", "quantity": 1, "unit_price": 150.00, "total": 150.00}],
            "vendor_address": null, "remit_to": null, "po_number": null,
            "work_order_reference": "WO-1a2b3c4d", "payment_terms": "Net 30"
        }"#;
        let read: ExtractedInvoice = serde_json::from_str(answer).unwrap();
        assert_eq!(read.vendor_name.as_deref(), Some("Ace Plumbing LLC"));
        assert_eq!(read.invoice_date, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(read.due_date, None);
        assert_eq!(read.tax, Some(dec!(12.38)));
        assert_eq!(read.total, Some(dec!(162.38)));
        assert_eq!(read.line_items.len(), 1);
        assert_eq!(read.line_items[0].unit_price, Some(dec!(150)));
        assert_eq!(read.po_number, None);
    }

    #[test]
    fn missing_fields_and_a_null_line_list_are_none_and_empty() {
        let read: ExtractedInvoice = serde_json::from_str(r#"{"vendor_name": "Ace", "line_items": null}"#).unwrap();
        assert_eq!(read, ExtractedInvoice { vendor_name: Some("Ace".into()), ..ExtractedInvoice::default() });
    }
}
