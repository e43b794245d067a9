//! Do the figures the model read add up? A line's quantity × unit price is its total, the lines
//! sum to the subtotal, and subtotal + tax is the total — each to the cent. A disagreement means
//! a misread digit or a vendor's arithmetic error, and either must reach a person before the bill
//! is paid. A figure the model did not find is not an error: that check is skipped and named in
//! `skipped`, so the reviewer sees what was not verified.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::ExtractedInvoice;
use crate::format::money;

/// The check that each line's quantity × unit price is its total.
pub const LINE_ITEMS: &str = "line_items";
/// The check that the lines' totals sum to the subtotal.
pub const SUBTOTAL: &str = "subtotal";
/// The check that subtotal + tax is the total.
pub const TOTAL: &str = "total";

/// One figure that does not agree with the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalsIssue {
    /// The field found wrong, e.g. `subtotal` or `line_items[1].total`.
    pub field: String,
    /// What the other figures say it should be.
    pub expected: Decimal,
    /// What the invoice says.
    pub found: Decimal,
    /// The disagreement in words, with the difference.
    pub message: String,
}

/// The outcome of [`check_totals`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TotalsCheck {
    /// The checks that had every figure they need and were made.
    pub checked: Vec<&'static str>,
    /// The checks skipped because a figure is missing (not an issue: nothing to compare).
    pub skipped: Vec<&'static str>,
    /// The figures that disagree; empty when [`TotalsCheck::ok`].
    pub issues: Vec<TotalsIssue>,
}

impl TotalsCheck {
    /// No figure disagrees (skipped checks do not count against it).
    pub fn ok(&self) -> bool {
        self.issues.is_empty()
    }
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn difference(expected: Decimal, found: Decimal) -> String {
    let diff = found - expected;
    if diff.is_sign_negative() {
        format!("{} less", money(-diff))
    } else {
        format!("{} more", money(diff))
    }
}

/// Checks the invoice's arithmetic to the cent: lines, subtotal, total.
///
/// The line check is made for every line with quantity, unit price and total, and counts as
/// made when at least one line had all three. The subtotal check needs a subtotal, at least one
/// line and every line's total. The total check needs subtotal, tax and total.
pub fn check_totals(invoice: &ExtractedInvoice) -> TotalsCheck {
    let mut out = TotalsCheck::default();

    let mut lines_checked = 0;
    for (i, line) in invoice.line_items.iter().enumerate() {
        if let (Some(quantity), Some(price), Some(total)) = (line.quantity, line.unit_price, line.total) {
            lines_checked += 1;
            let expected = cents(quantity * price);
            if expected != cents(total) {
                out.issues.push(TotalsIssue {
                    field: format!("line_items[{i}].total"),
                    expected,
                    found: total,
                    message: format!(
                        "line {} ({}): {quantity} × {} is {} but the line says {} ({})",
                        i + 1,
                        line.description.as_deref().unwrap_or("no description"),
                        money(price),
                        money(expected),
                        money(total),
                        difference(expected, total)
                    ),
                });
            }
        }
    }
    if lines_checked > 0 {
        out.checked.push(LINE_ITEMS);
    } else {
        out.skipped.push(LINE_ITEMS);
    }

    let line_totals: Option<Vec<Decimal>> = invoice.line_items.iter().map(|l| l.total).collect();
    match (invoice.subtotal, line_totals) {
        (Some(subtotal), Some(totals)) if !totals.is_empty() => {
            out.checked.push(SUBTOTAL);
            let expected = cents(totals.iter().sum());
            if expected != cents(subtotal) {
                out.issues.push(TotalsIssue {
                    field: SUBTOTAL.into(),
                    expected,
                    found: subtotal,
                    message: format!(
                        "the {} line items add up to {} but the subtotal is {} ({})",
                        totals.len(),
                        money(expected),
                        money(subtotal),
                        difference(expected, subtotal)
                    ),
                });
            }
        }
        _ => out.skipped.push(SUBTOTAL),
    }

    match (invoice.subtotal, invoice.tax, invoice.total) {
        (Some(subtotal), Some(tax), Some(total)) => {
            out.checked.push(TOTAL);
            let expected = cents(subtotal + tax);
            if expected != cents(total) {
                out.issues.push(TotalsIssue {
                    field: TOTAL.into(),
                    expected,
                    found: total,
                    message: format!(
                        "subtotal {} + tax {} is {} but the total is {} ({})",
                        money(subtotal),
                        money(tax),
                        money(expected),
                        money(total),
                        difference(expected, total)
                    ),
                });
            }
        }
        _ => out.skipped.push(TOTAL),
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::super::LineItem;
    use super::*;

    fn line(description: &str, quantity: Decimal, unit_price: Decimal, total: Decimal) -> LineItem {
        LineItem {
            description: Some(description.into()),
            quantity: Some(quantity),
            unit_price: Some(unit_price),
            total: Some(total),
        }
    }

    /// 2 × $45.00 = $90.00 labour, 1 × $62.50 part: subtotal $152.50, 8.25 % tax $12.58,
    /// total $165.08.
    fn correct() -> ExtractedInvoice {
        ExtractedInvoice {
            subtotal: Some(dec!(152.50)),
            tax: Some(dec!(12.58)),
            total: Some(dec!(165.08)),
            line_items: vec![
                line("Labor hours", dec!(2), dec!(45.00), dec!(90.00)),
                line("Faucet cartridge", dec!(1), dec!(62.50), dec!(62.50)),
            ],
            ..ExtractedInvoice::default()
        }
    }

    #[test]
    fn a_correct_invoice_passes_every_check() {
        let check = check_totals(&correct());
        assert!(check.ok(), "{:?}", check.issues);
        assert_eq!(check.checked, vec![LINE_ITEMS, SUBTOTAL, TOTAL]);
        assert!(check.skipped.is_empty());
    }

    #[test]
    fn lines_that_do_not_add_up_to_the_subtotal_are_caught_with_the_difference() {
        let mut invoice = correct();
        invoice.subtotal = Some(dec!(162.50));
        invoice.total = Some(dec!(175.08));
        let check = check_totals(&invoice);
        assert_eq!(check.issues.len(), 1);
        let issue = &check.issues[0];
        assert_eq!((issue.field.as_str(), issue.expected, issue.found), ("subtotal", dec!(152.50), dec!(162.50)));
        assert_eq!(issue.message, "the 2 line items add up to $152.50 but the subtotal is $162.50 ($10.00 more)");
    }

    #[test]
    fn a_wrong_total_after_tax_is_caught() {
        let mut invoice = correct();
        invoice.total = Some(dec!(165.80));
        let check = check_totals(&invoice);
        assert_eq!(check.issues.len(), 1);
        assert_eq!(check.issues[0].field, "total");
        assert_eq!(check.issues[0].expected, dec!(165.08));
        assert_eq!(
            check.issues[0].message,
            "subtotal $152.50 + tax $12.58 is $165.08 but the total is $165.80 ($0.72 more)"
        );
    }

    #[test]
    fn a_line_whose_quantity_times_price_is_not_its_total_is_caught() {
        let mut invoice = correct();
        invoice.line_items[0].total = Some(dec!(80.00));
        let check = check_totals(&invoice);
        let fields: Vec<&str> = check.issues.iter().map(|i| i.field.as_str()).collect();
        // The subtotal agrees with the printed lines' sum only if they are right: 80 + 62.50 ≠ 152.50.
        assert_eq!(fields, vec!["line_items[0].total", "subtotal"]);
        assert_eq!(
            check.issues[0].message,
            "line 1 (Labor hours): 2 × $45.00 is $90.00 but the line says $80.00 ($10.00 less)"
        );
    }

    #[test]
    fn a_line_total_rounded_to_the_cent_agrees() {
        // 3 × $3.333 = $9.999, printed $10.00.
        let invoice = ExtractedInvoice {
            line_items: vec![line("Filters", dec!(3), dec!(3.333), dec!(10.00))],
            ..ExtractedInvoice::default()
        };
        assert!(check_totals(&invoice).ok());
    }

    #[test]
    fn missing_figures_are_skipped_not_issues() {
        let invoice = ExtractedInvoice {
            total: Some(dec!(100)),
            line_items: vec![LineItem { description: Some("Service call".into()), ..LineItem::default() }],
            ..ExtractedInvoice::default()
        };
        let check = check_totals(&invoice);
        assert!(check.ok());
        assert!(check.checked.is_empty());
        assert_eq!(check.skipped, vec![LINE_ITEMS, SUBTOTAL, TOTAL]);
    }
}
