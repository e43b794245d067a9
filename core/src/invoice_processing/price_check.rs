//! The price check of an uploaded invoice (spec 3.2 "validates pricing against historical
//! data"): its total against the portfolio's benchmark for the work category and against the
//! vendor's own approved invoices. An anomaly is a total significantly above either (more than
//! 25 %, the vendor-intelligence label `significantly_above`); with fewer than
//! [`MIN_SAMPLES`] invoices to compare there is no verdict, and it says so.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::format::money;
use crate::vendor_intelligence::{deviation_label, deviation_pct, PriceBenchmark};

/// The fewest earlier invoices a comparison needs.
pub const MIN_SAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceCheck {
    /// A comparison was made.
    pub validated: bool,
    pub anomaly: bool,
    /// The comparison in words, figures included.
    pub details: String,
    /// The average compared with: the portfolio's for the category, else the vendor's own.
    pub historical_avg: Option<Decimal>,
    /// Percent above (+) or below (−) the portfolio average.
    pub portfolio_deviation_pct: Option<f64>,
    /// Percent above (+) or below (−) the vendor's own average.
    pub vendor_deviation_pct: Option<f64>,
}

fn against(pct: f64) -> String {
    if pct >= 0.0 {
        format!("{pct:.1}% above")
    } else {
        format!("{:.1}% below", -pct)
    }
}

/// Checks `total` against the category benchmark and the vendor's earlier approved totals.
pub fn check_price(
    total: Option<Decimal>,
    category: &str,
    benchmark: Option<&PriceBenchmark>,
    vendor_totals: &[Decimal],
) -> PriceCheck {
    let Some(total) = total else {
        return PriceCheck {
            validated: false,
            anomaly: false,
            details: "No total was read, so the price was not checked.".into(),
            historical_avg: None,
            portfolio_deviation_pct: None,
            vendor_deviation_pct: None,
        };
    };
    let mut parts = Vec::new();
    let mut anomaly = false;
    let portfolio = benchmark.filter(|b| b.sample_count as usize >= MIN_SAMPLES).map(|b| {
        let pct = deviation_pct(total, b.average_cost_usd);
        anomaly |= deviation_label(pct) == "significantly_above";
        parts.push(format!(
            "{} is {} the portfolio average of {} for {category} ({} invoices).",
            money(total),
            against(pct),
            money(b.average_cost_usd),
            b.sample_count
        ));
        (pct, b.average_cost_usd)
    });
    let vendor_avg = (vendor_totals.len() >= MIN_SAMPLES)
        .then(|| (vendor_totals.iter().sum::<Decimal>() / Decimal::from(vendor_totals.len())).round_dp(2));
    let vendor = vendor_avg.map(|avg| {
        let pct = deviation_pct(total, avg);
        anomaly |= deviation_label(pct) == "significantly_above";
        parts.push(format!(
            "It is {} this vendor's own average of {} ({} invoices).",
            against(pct),
            money(avg),
            vendor_totals.len()
        ));
        pct
    });
    if parts.is_empty() {
        parts.push(format!(
            "Fewer than {MIN_SAMPLES} approved invoices to compare with (for {category} or from this vendor): no verdict."
        ));
    }
    PriceCheck {
        validated: portfolio.is_some() || vendor.is_some(),
        anomaly,
        details: parts.join(" "),
        historical_avg: portfolio.map(|(_, avg)| avg).or(vendor_avg),
        portfolio_deviation_pct: portfolio.map(|(pct, _)| pct),
        vendor_deviation_pct: vendor,
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use rust_decimal_macros::dec;

    use super::*;

    fn bench(avg: Decimal, n: i32) -> PriceBenchmark {
        PriceBenchmark {
            id: uuid::Uuid::nil(),
            work_category: "plumbing".into(),
            average_cost_usd: avg,
            median_cost_usd: avg,
            min_cost_usd: avg,
            max_cost_usd: avg,
            sample_count: n,
            vendor_count: 2,
            updated_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn the_specs_example_450_against_333_is_an_anomaly_with_its_figures() {
        let c = check_price(Some(dec!(450)), "plumbing", Some(&bench(dec!(333), 12)), &[]);
        assert!(c.validated && c.anomaly);
        assert_eq!(c.portfolio_deviation_pct, Some(35.1));
        assert_eq!(c.historical_avg, Some(dec!(333)));
        assert_eq!(c.details, "$450.00 is 35.1% above the portfolio average of $333.00 for plumbing (12 invoices).");
    }

    #[test]
    fn within_range_of_both_is_validated_without_an_anomaly() {
        let c =
            check_price(Some(dec!(350)), "plumbing", Some(&bench(dec!(333), 12)), &[dec!(340), dec!(360), dec!(320)]);
        assert!(c.validated && !c.anomaly);
        assert_eq!(c.vendor_deviation_pct, Some(2.9));
    }

    #[test]
    fn the_vendors_own_history_alone_can_flag_a_price() {
        let c = check_price(Some(dec!(500)), "plumbing", None, &[dec!(300), dec!(310), dec!(290)]);
        assert!(c.anomaly);
        assert_eq!(c.historical_avg, Some(dec!(300)));
    }

    #[test]
    fn too_little_history_or_no_total_gives_no_verdict() {
        let c = check_price(Some(dec!(500)), "plumbing", Some(&bench(dec!(300), 2)), &[dec!(300)]);
        assert!(!c.validated && !c.anomaly && c.historical_avg.is_none());
        assert!(c.details.starts_with("Fewer than 3"));
        assert!(!check_price(None, "plumbing", None, &[]).validated);
    }
}
