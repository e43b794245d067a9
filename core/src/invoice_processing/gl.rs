//! GL coding (spec 3.2 "auto-assigns GL codes"): a repairs-and-maintenance chart of accounts with
//! one code per work category. The matched work order's category decides; without one, the line
//! items' words do; without either, general repairs with a low confidence so a person looks.

use serde::Serialize;

/// (work category, GL code, account name).
pub const GL_CODES: &[(&str, &str, &str)] = &[
    ("general", "6100", "Repairs - General"),
    ("plumbing", "6110", "Repairs - Plumbing"),
    ("electrical", "6120", "Repairs - Electrical"),
    ("hvac", "6130", "Repairs - HVAC"),
    ("appliance", "6140", "Repairs - Appliances"),
    ("pest", "6150", "Pest Control"),
    ("roofing", "6160", "Repairs - Roofing"),
    ("painting", "6170", "Painting & Decorating"),
    ("cleaning", "6180", "Cleaning & Janitorial"),
    ("flooring", "6190", "Repairs - Flooring"),
    ("landscaping", "6200", "Landscaping & Grounds"),
];

/// Words that point at a category in a line item's description.
const KEYWORDS: &[(&str, &[&str])] = &[
    ("plumbing", &["plumb", "faucet", "pipe", "drain", "leak", "toilet", "water heater", "clog", "sewer", "valve"]),
    ("electrical", &["electric", "outlet", "breaker", "wiring", "switch", "panel", "fixture", "gfci"]),
    ("hvac", &["hvac", "furnace", "air condition", "a/c", "compressor", "thermostat", "refrigerant", "duct"]),
    ("appliance", &["appliance", "dishwasher", "refrigerator", "fridge", "washer", "dryer", "oven", "disposal"]),
    ("pest", &["pest", "extermin", "roach", "rodent", "termite", "bait", "bed bug"]),
    ("roofing", &["roof", "shingle", "gutter", "flashing"]),
    ("painting", &["paint", "primer", "drywall patch"]),
    ("cleaning", &["cleaning", "janitorial", "trash-out", "turnover clean"]),
    ("flooring", &["floor", "carpet", "tile", "vinyl", "laminate"]),
    ("landscaping", &["lawn", "landscap", "tree", "mow", "irrigation", "sprinkler"]),
];

/// A suggested code with how sure it is and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlSuggestion {
    pub gl_code: String,
    pub account: String,
    pub category: String,
    /// 0–1.
    pub confidence: f64,
    pub reason: String,
}

/// The GL code of a work category (`general`'s for an unknown one).
pub fn code_for(category: &str) -> (&'static str, &'static str) {
    GL_CODES
        .iter()
        .find(|(c, _, _)| *c == category)
        .or(GL_CODES.first())
        .map_or(("6100", "Repairs - General"), |(_, code, name)| (*code, *name))
}

/// The category the line items' words point at, with how many words agreed.
fn category_from_words(descriptions: &[&str]) -> Option<(&'static str, usize)> {
    let text = descriptions.join(" ").to_lowercase();
    KEYWORDS
        .iter()
        .map(|(cat, words)| (*cat, words.iter().filter(|w| text.contains(*w)).count()))
        .filter(|(_, hits)| *hits > 0)
        .max_by_key(|(_, hits)| *hits)
}

/// Suggests a GL code from the matched work order's category (if any) and the line items.
pub fn suggest_gl_code(work_order_category: Option<&str>, descriptions: &[&str]) -> GlSuggestion {
    let words = category_from_words(descriptions);
    let make = |category: &str, confidence: f64, reason: String| {
        let (code, account) = code_for(category);
        GlSuggestion { gl_code: code.into(), account: account.into(), category: category.into(), confidence, reason }
    };
    match (work_order_category, words) {
        (Some(cat), Some((w, _))) if w == cat => {
            make(cat, 0.95, format!("The matched work order is {cat} work and the line items agree."))
        }
        (Some(cat), _) => make(cat, 0.9, format!("The matched work order is {cat} work.")),
        (None, Some((cat, hits))) => make(
            cat,
            (0.6 + 0.1 * (hits.min(3) - 1) as f64).min(0.8),
            format!("No work order matched; {hits} line item word(s) point at {cat} work."),
        ),
        (None, None) => make("general", 0.3, "No work order matched and the line items name no trade.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_orders_category_decides_and_agreeing_words_raise_the_confidence() {
        let s = suggest_gl_code(Some("plumbing"), &["Replace kitchen faucet", "Labor"]);
        assert_eq!((s.gl_code.as_str(), s.confidence), ("6110", 0.95));
        let s = suggest_gl_code(Some("hvac"), &["Replace kitchen faucet"]);
        assert_eq!((s.gl_code.as_str(), s.confidence), ("6130", 0.9));
    }

    #[test]
    fn without_a_work_order_the_words_decide_and_without_words_general_is_a_guess() {
        let s = suggest_gl_code(None, &["Service call: furnace", "Thermostat replacement"]);
        assert_eq!(s.category, "hvac");
        assert!((s.confidence - 0.7).abs() < 1e-9);
        let s = suggest_gl_code(None, &["Misc."]);
        assert_eq!((s.gl_code.as_str(), s.category.as_str(), s.confidence), ("6100", "general", 0.3));
    }

    #[test]
    fn every_work_category_has_a_code() {
        for c in crate::work_orders::CATEGORIES {
            assert!(GL_CODES.iter().any(|(cat, _, _)| cat == c), "{c} has no GL code");
        }
    }
}
