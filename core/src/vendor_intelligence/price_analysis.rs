//! Is this invoice fair (spec 5.4, analyze-price)? The deviation from the category's benchmark is
//! arithmetic and always ours; with Claude, the spec's PRICE_ANALYSIS_PROMPT words the
//! explanation and reads the vendor's pattern and the recommendation — within the prompt's
//! enums, stating only figures of the invoice, the benchmark and the vendor's history. The
//! offline answer is the same arithmetic in words.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ai::prompts::Task;
use crate::format::money;

/// The spec's price analysis prompt, word for word.
pub const PRICE_ANALYSIS_PROMPT: &str = r#"Analyze this vendor invoice against portfolio benchmarks.
Invoice:
- Vendor: {vendor_name}
- Work category: {category}
- Total: ${invoice_total}
- Line items: {line_items}
Benchmarks for "{category}":
- Average: ${avg}
- Median: ${median}
- Min: ${min}
- Max: ${max}
- Sample size: {count} invoices from {vendor_count} vendors
This vendor's history:
- Average charge for this category: ${vendor_avg}
- Last 6 invoices: {vendor_recent}
Analyze:
1. Is this invoice within normal range?
2. If above average, is it justified (complexity, parts, urgency)?
3. Pattern: Is this vendor consistently above/below average?
4. Recommendation: approve, flag for review, or request itemization
Return JSON:
{
"deviation_pct": float,
"deviation_label": "within_range|slightly_above|significantly_above|below_average",
"explanation": "string",
"vendor_pattern": "consistent|trending_up|trending_down|volatile",
"recommendation": "approve|flag|request_itemization",
"severity": "info|warning|critical"
}"#;

pub const DEVIATION_LABELS: [&str; 4] = ["within_range", "slightly_above", "significantly_above", "below_average"];
pub const VENDOR_PATTERNS: [&str; 4] = ["consistent", "trending_up", "trending_down", "volatile"];
pub const RECOMMENDATIONS: [&str; 3] = ["approve", "flag", "request_itemization"];
pub const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// The figures the prompt is filled from, with the offline answer already worked out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceInput {
    pub vendor_name: String,
    pub category: String,
    pub invoice_total: Decimal,
    pub line_items: Value,
    pub avg: Decimal,
    pub median: Decimal,
    pub min: Decimal,
    pub max: Decimal,
    pub count: i32,
    pub vendor_count: i32,
    /// The vendor's average for the category over the recent invoices; none without history.
    pub vendor_avg: Option<Decimal>,
    /// The vendor's last (up to) six invoices of the category, newest first.
    pub vendor_recent: Vec<Decimal>,
    pub offline: PriceAnswer,
}

impl PriceInput {
    /// Every dollar figure an explanation may state.
    pub fn figures(&self) -> Vec<Decimal> {
        let mut f = vec![self.invoice_total, self.avg, self.median, self.min, self.max];
        f.extend(self.vendor_avg);
        f.extend(self.vendor_recent.iter().copied());
        f.push((self.invoice_total - self.avg).abs());
        f
    }
}

/// The prompt's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceAnswer {
    pub deviation_pct: f64,
    pub deviation_label: String,
    pub explanation: String,
    pub vendor_pattern: String,
    pub recommendation: String,
    pub severity: String,
}

/// The sentence shown beside a recommendation code (the spec's example's wording).
pub fn recommendation_sentence(code: &str, label: &str) -> &'static str {
    match (code, label) {
        ("request_itemization", _) => {
            "Request an itemized breakdown before approving; the charge is far above the portfolio's range."
        }
        ("flag", "significantly_above") => {
            "Flag for review. Consider requesting itemized breakdown or negotiating rate."
        }
        ("flag", "slightly_above") => "Flag for a quick review; slightly above the portfolio average.",
        ("flag", _) => "Flag for review before approving.",
        _ => "Approve: within the portfolio's normal range.",
    }
}

/// The offline reading of a deviation: the code and severity the figures call for.
pub fn offline_recommendation(pct: f64, label: &str) -> (&'static str, &'static str) {
    match label {
        "significantly_above" if pct > 50.0 => ("request_itemization", "critical"),
        "significantly_above" => ("flag", "warning"),
        "slightly_above" => ("flag", "info"),
        _ => ("approve", "info"),
    }
}

/// Spec 5.4's price analysis.
pub struct PriceAnalysisTask;

impl Task for PriceAnalysisTask {
    const NAME: &'static str = "price_analysis";
    const DESCRIPTION: &'static str = "Judge a vendor invoice against the portfolio's benchmark for its category";
    type Input = PriceInput;
    type Output = PriceAnswer;

    fn system() -> String {
        "You review vendor invoices for a residential property-management company. Use only the figures \
         given; never invent an amount."
            .into()
    }

    fn prompt(i: &PriceInput) -> String {
        let plain = |d: Decimal| format!("{:.2}", d.round_dp(2));
        let recent: Vec<String> = i.vendor_recent.iter().map(|d| money(*d)).collect();
        PRICE_ANALYSIS_PROMPT
            .replace("{vendor_name}", &i.vendor_name)
            .replace("{category}", &i.category)
            .replace("{invoice_total}", &plain(i.invoice_total))
            .replace("{line_items}", &i.line_items.to_string())
            .replace("{avg}", &plain(i.avg))
            .replace("{median}", &plain(i.median))
            .replace("{min}", &plain(i.min))
            .replace("{max}", &plain(i.max))
            .replace("{count}", &i.count.to_string())
            .replace("{vendor_count}", &i.vendor_count.to_string())
            .replace("{vendor_avg}", &i.vendor_avg.map_or("n/a".into(), plain))
            .replace("{vendor_recent}", &if recent.is_empty() { "none".into() } else { recent.join(", ") })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["deviation_pct", "deviation_label", "explanation", "vendor_pattern", "recommendation", "severity"],
            "properties": {
                "deviation_pct": {"type": "number"},
                "deviation_label": {"enum": DEVIATION_LABELS},
                "explanation": {"type": "string", "maxLength": 800},
                "vendor_pattern": {"enum": VENDOR_PATTERNS},
                "recommendation": {"enum": RECOMMENDATIONS},
                "severity": {"enum": SEVERITIES}
            }
        })
    }

    fn check(i: &PriceInput, out: &PriceAnswer) -> Result<(), String> {
        let one_of = |v: &str, allowed: &[&str], what: &str| {
            if allowed.contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} must be one of {}", allowed.join(", ")))
            }
        };
        one_of(&out.deviation_label, &DEVIATION_LABELS, "deviation_label")?;
        one_of(&out.vendor_pattern, &VENDOR_PATTERNS, "vendor_pattern")?;
        one_of(&out.recommendation, &RECOMMENDATIONS, "recommendation")?;
        one_of(&out.severity, &SEVERITIES, "severity")?;
        if (out.deviation_pct - i.offline.deviation_pct).abs() > 0.5 {
            return Err(format!(
                "deviation_pct is {:.1} from the figures given, not {:.1}",
                i.offline.deviation_pct, out.deviation_pct
            ));
        }
        if out.explanation.trim().is_empty() {
            return Err("the explanation is empty".into());
        }
        crate::figures::check(&out.explanation, &i.figures(), "explanation")
    }

    fn offline(i: &PriceInput) -> Option<PriceAnswer> {
        Some(i.offline.clone())
    }
}
