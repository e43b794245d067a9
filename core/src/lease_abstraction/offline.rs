//! The offline lease reader: the document's text as sentences (with page and place), and the
//! terms a residential lease states in words — parties, premises, term, rent and its due day,
//! deposits, late fee and grace period, pets, smoking, subletting, notice, insurance, governing
//! law. A term it does not find is null and has no source: it never guesses.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::document_ai::{BBox, Document};
use crate::format::MONTHS;
use crate::invoice_processing::amounts::{parse_money, NumberStyle};
use crate::invoice_processing::offline::FieldSource;

/// A sentence of the document, where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub page: u32,
    pub bbox: BBox,
}

/// The document's sentences in reading order (a sentence may run over several lines).
pub fn sentences(doc: &Document) -> Vec<Sentence> {
    let mut out = Vec::new();
    for page in &doc.pages {
        let mut text = String::new();
        let mut start: Option<BBox> = None;
        for line in &page.lines {
            let words = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if words.is_empty() {
                continue;
            }
            if start.is_none() {
                start = Some(line.bbox);
            }
            for (i, word) in words.split(' ').enumerate() {
                if i > 0 || !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(word);
                // A sentence ends at a full stop after a word that is not an abbreviation or a
                // single letter; "$1,450.00." and "St." stay inside it.
                // A numbered heading ("4. Rent.") stays with the sentence it heads.
                let ends = word.ends_with('.')
                    && word.len() > 2
                    && !ABBREVIATIONS.contains(&word.to_lowercase().as_str())
                    && text.split(' ').count() > 3;
                if ends {
                    out.push(Sentence {
                        text: std::mem::take(&mut text),
                        page: page.number,
                        bbox: start.unwrap_or(line.bbox),
                    });
                    start = None;
                }
            }
            if text.is_empty() {
                start = None;
            }
        }
        if !text.trim().is_empty() {
            out.push(Sentence {
                text,
                page: page.number,
                bbox: start.unwrap_or(BBox { page: page.number, x: 0.0, y: 0.0, width: 0.0, height: 0.0 }),
            });
        }
    }
    out
}

const ABBREVIATIONS: &[&str] = &[
    "st.", "ave.", "rd.", "blvd.", "dr.", "apt.", "no.", "inc.", "mr.", "mrs.", "ms.", "jan.", "feb.", "mar.", "apr.",
    "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
];

/// Dates written in words in `text` (`June 1, 2026`, `1 June 2026`, `Jun. 1, 2026`), in order.
pub fn long_dates(text: &str) -> Vec<NaiveDate> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .collect();
    let month = |w: &str| MONTHS.iter().position(|m| w.len() >= 3 && m.starts_with(w)).map(|i| i as u32 + 1);
    let num = |w: &str| w.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>().ok();
    let mut out = Vec::new();
    for i in 0..words.len() {
        let Some(m) = month(&words[i]) else { continue };
        // Month Day Year
        if let (Some(d), Some(y)) = (words.get(i + 1).and_then(|w| num(w)), words.get(i + 2).and_then(|w| num(w))) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d).filter(|_| y >= 1900) {
                out.push(date);
                continue;
            }
        }
        // Day Month Year
        if let (Some(d), Some(y)) =
            (i.checked_sub(1).and_then(|j| num(&words[j])), words.get(i + 1).and_then(|w| num(w)))
        {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d).filter(|_| y >= 1900) {
                out.push(date);
            }
        }
    }
    out
}

/// Dollar amounts in `text` (`$1,450.00`), in order.
pub fn amounts(text: &str) -> Vec<Decimal> {
    text.match_indices('$')
        .filter_map(|(i, _)| {
            let rest = &text[i + 1..];
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(rest.len());
            let raw = rest[..end].trim_end_matches(['.', ',']);
            parse_money(raw, NumberStyle::Us).ok()
        })
        .collect()
}

/// Whole numbers written as digits or words (`3`, `three`, `thirty (30)`) after `text`'s start.
fn first_number(text: &str) -> Option<u32> {
    const WORDS: [(&str, u32); 16] = [
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("fifteen", 15),
        ("twenty", 20),
        ("thirty", 30),
        ("forty-five", 45),
        ("sixty", 60),
        ("ninety", 90),
    ];
    text.split_whitespace().find_map(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase();
        w.parse::<u32>().ok().or_else(|| WORDS.iter().find(|(n, _)| *n == w).map(|(_, v)| *v))
    })
}

/// The text between `after` and `before` (case-blind), trimmed.
fn between<'a>(text: &'a str, after: &str, before: &str) -> Option<&'a str> {
    let lower = text.to_lowercase();
    let a = lower.find(&after.to_lowercase())? + after.len();
    let b = a + lower[a..].find(&before.to_lowercase())?;
    Some(text[a..b].trim().trim_matches(|c: char| c == ',' || c == '"' || c == '(' || c.is_whitespace()))
}

/// What the offline reader found: the terms (every schema term, null where not found) and
/// where each found one was printed.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseReading {
    pub terms: Value,
    pub sources: BTreeMap<String, FieldSource>,
    pub sentences: Vec<Sentence>,
    pub confidence: f64,
}

/// The terms the schema calls core: the overall confidence counts them.
pub const CORE_TERMS: &[&str] = &[
    "landlord_name",
    "tenant_name",
    "property_address",
    "lease_start_date",
    "lease_end_date",
    "monthly_rent",
    "security_deposit",
];

struct Found {
    terms: Map<String, Value>,
    sources: BTreeMap<String, FieldSource>,
}

impl Found {
    fn put(&mut self, term: &str, value: Value, s: &Sentence, confidence: f64, via: &str) {
        if self.terms.get(term).is_some_and(|v| !v.is_null()) {
            return;
        }
        self.terms.insert(term.to_string(), value);
        self.sources.insert(
            term.to_string(),
            FieldSource {
                provider: "offline".into(),
                confidence,
                location: Some(s.bbox),
                raw: Some(s.text.chars().take(200).collect()),
                via: via.into(),
            },
        );
    }
}

/// Reads a lease's terms off its text.
pub fn extract(doc: &Document) -> LeaseReading {
    let all = sentences(doc);
    let mut f = Found { terms: Map::new(), sources: BTreeMap::new() };
    for s in &all {
        let lower = s.text.to_lowercase();
        let has = |w: &str| lower.contains(w);
        if let Some(name) =
            between(&s.text, "between", "(\"Landlord\")").or_else(|| between(&s.text, "between", "(“Landlord”)"))
        {
            f.put("landlord_name", json!(name), s, 0.85, "the parties clause");
        }
        if lower.contains("(\"tenant\")") || lower.contains("(“tenant”)") {
            let head = s.text.split("(\"Tenant\")").next().unwrap_or("").split("(“Tenant”)").next().unwrap_or("");
            let head = head.rsplit("(\"Landlord\")").next().unwrap_or(head).trim();
            let head = head.strip_prefix("and ").unwrap_or(head).trim().trim_end_matches(',');
            let all_names: Vec<String> = head
                .split(" and ")
                .flat_map(|p| p.split(','))
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty() && n.len() <= 100)
                .collect();
            if let Some(first) = all_names.first() {
                f.put("tenant_name", json!(first), s, 0.85, "the parties clause");
                f.put("tenant_names_all", json!(all_names), s, 0.85, "the parties clause");
            }
        }
        if has("premises at") || has("property located at") || has("premises located at") {
            let key = ["premises at", "premises located at", "property located at"]
                .iter()
                .find(|k| lower.contains(*k))
                .copied()
                .unwrap_or("");
            let at = lower.find(key).map(|i| i + key.len()).unwrap_or(0);
            let address = s.text[at..].trim().trim_end_matches('.').to_string();
            if !address.is_empty() {
                f.put("property_address", json!(address), s, 0.85, "the premises clause");
                let lower_addr = address.to_lowercase();
                if let Some(i) =
                    ["unit ", "apt ", "apartment ", "#"].iter().find_map(|k| lower_addr.find(k).map(|i| i + k.len()))
                {
                    let unit: String = address[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
                    if !unit.is_empty() {
                        f.put("unit_number", json!(unit), s, 0.8, "the premises address");
                    }
                }
            }
        }
        if has("term") && (has("begins") || has("commenc") || has("start")) {
            let dates = long_dates(&s.text);
            if let Some(d) = dates.first() {
                f.put("lease_start_date", json!(d), s, 0.85, "the term clause");
            }
            if let Some(d) = dates.get(1) {
                f.put("lease_end_date", json!(d), s, 0.85, "the term clause");
            }
        }
        if has("month-to-month") || has("month to month") {
            f.put("lease_type", json!("month_to_month"), s, 0.8, "the term clause");
        }
        if has("rent") && (has("per month") || has("monthly")) && !has("pet rent") && !has("late") {
            if let Some(a) = amounts(&s.text).first() {
                f.put("monthly_rent", json!(a), s, 0.85, "the rent clause");
            }
            if has("first day") || has("1st day") || has("1st of") {
                f.put("rent_due_day", json!(1), s, 0.85, "the rent clause");
            } else if let Some(i) = lower.find("due on the ") {
                if let Some(n) = first_number(&s.text[i + 11..]).filter(|n| (1..=28).contains(n)) {
                    f.put("rent_due_day", json!(n), s, 0.75, "the rent clause");
                }
            }
        }
        if has("security deposit") {
            if let Some(a) = amounts(&s.text).first() {
                f.put("security_deposit", json!(a), s, 0.85, "the deposit clause");
            }
        }
        if has("late fee") || has("late charge") {
            if let Some(a) = amounts(&s.text).last() {
                f.put("late_fee_amount", json!(a), s, 0.85, "the late fee clause");
            }
            if let Some(i) = lower.find("more than ").or_else(|| lower.find("within ")).or_else(|| lower.find("after "))
            {
                if let Some(n) = first_number(&s.text[i..]).filter(|n| *n <= 31) {
                    f.put("late_fee_grace_period_days", json!(n), s, 0.8, "the late fee clause");
                }
            }
        }
        if has("pet deposit") {
            if let Some(a) = amounts(&s.text).first() {
                f.put("pet_deposit", json!(a), s, 0.85, "the pet clause");
            }
        }
        if has("no pets") || has("pets are not allowed") || has("pets are prohibited") {
            f.put("pets_allowed", json!(false), s, 0.85, "the pet clause");
        } else if has("pet") && (has("may keep") || has("allowed") || has("permitted")) {
            f.put("pets_allowed", json!(true), s, 0.75, "the pet clause");
            f.put("pet_restrictions", json!(s.text), s, 0.6, "the pet clause");
        }
        if has("no smoking") || has("smoking is prohibited") || has("smoking is not permitted") {
            f.put("smoking_allowed", json!(false), s, 0.85, "the smoking clause");
        }
        if has("shall not sublet") || has("no subletting") || has("may not sublet") {
            f.put("subletting_allowed", json!(false), s, 0.85, "the subletting clause");
        }
        if (has("notice") && (has("vacate") || has("terminat"))) && has("days") {
            if let Some(n) = first_number(&s.text).filter(|n| (1..=365).contains(n)) {
                f.put("notice_to_vacate_days", json!(n), s, 0.7, "the notice clause");
            }
        }
        if has("renter's insurance") || has("renters insurance") || has("renter’s insurance") {
            let required = has("shall") || has("must") || has("required");
            f.put("renters_insurance_required", json!(required), s, 0.75, "the insurance clause");
        }
        if let Some(i) = lower.find("laws of the state of ") {
            let state: String = s.text[i + 21..].split(['.', ',']).next().unwrap_or("").trim().to_string();
            if !state.is_empty() {
                f.put("governing_law_state", json!(state), s, 0.85, "the governing law clause");
            }
        }
        if has("returned check") || has("nsf") || has("insufficient funds") {
            if let Some(a) = amounts(&s.text).first() {
                f.put("nsf_fee", json!(a), s, 0.8, "the returned check clause");
            }
        }
        if has("lead-based paint") || has("lead based paint") {
            f.put("lead_paint_disclosure", json!(true), s, 0.8, "the disclosure");
        }
        if has("mold") && has("disclos") {
            f.put("mold_disclosure", json!(true), s, 0.8, "the disclosure");
        }
    }
    if f.terms.get("lease_type").is_none() && f.terms.get("lease_end_date").is_some() {
        if let Some(src) = f.sources.get("lease_end_date").cloned() {
            f.terms.insert("lease_type".into(), json!("fixed"));
            f.sources.insert(
                "lease_type".into(),
                FieldSource { confidence: 0.7, via: "a term with an end date".into(), ..src },
            );
        }
    }
    let mut terms = Map::new();
    for (k, _) in super::EXTRACTED_TERMS_SCHEMA {
        terms.insert(k.to_string(), f.terms.remove(*k).unwrap_or(Value::Null));
    }
    let confidence = CORE_TERMS.iter().map(|t| f.sources.get(*t).map_or(0.0, |s| s.confidence)).sum::<f64>()
        / CORE_TERMS.len() as f64;
    LeaseReading {
        terms: Value::Object(terms),
        sources: f.sources,
        sentences: all,
        confidence: (confidence * 1000.0).round() / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document_ai::read_pdf;
    use crate::document_ai::samples::{lease_pdf, SampleLease};

    #[test]
    fn dates_in_words_and_dollar_amounts_are_read() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            long_dates("begins on June 1, 2026 and ends on May 31, 2027."),
            vec![d("2026-06-01"), d("2027-05-31")]
        );
        assert_eq!(long_dates("from 1 June 2026"), vec![d("2026-06-01")]);
        assert_eq!(amounts("pay $1,450.00 per month, and $75."), vec![Decimal::new(145000, 2), Decimal::new(75, 0)]);
        assert_eq!(first_number("more than three (3) days"), Some(3));
    }

    #[test]
    fn the_sample_lease_is_read_term_by_term_with_where_each_came_from() {
        let lease = SampleLease::demo();
        let r = extract(&read_pdf(&lease_pdf(&lease)).unwrap());
        let t = &r.terms;
        assert_eq!(t["landlord_name"], "Harbor View Property Management LLC");
        assert_eq!(t["tenant_name"], "Maria Santos");
        assert_eq!(t["tenant_names_all"], json!(["Maria Santos", "Daniel Okafor"]));
        assert_eq!(t["property_address"], "120 Cedar St, Unit A304, Austin, TX 78701");
        assert_eq!(t["unit_number"], "A304");
        assert_eq!(t["lease_start_date"], "2026-06-01");
        assert_eq!(t["lease_end_date"], "2027-05-31");
        assert_eq!(t["monthly_rent"], "1450.00");
        assert_eq!(t["rent_due_day"], 1);
        assert_eq!(t["security_deposit"], "1450.00");
        assert_eq!(t["late_fee_amount"], "75.00");
        assert_eq!(t["late_fee_grace_period_days"], 3);
        assert_eq!(t["pet_deposit"], "300.00");
        assert_eq!(t["pets_allowed"], true);
        assert_eq!(t["lease_type"], "fixed");
        assert!(t["guarantor_name"].is_null() && t["governing_law_state"].is_null(), "not in the lease: null");
        assert_eq!(t.as_object().unwrap().len(), super::super::EXTRACTED_TERMS_SCHEMA.len());
        assert_eq!(r.sources["monthly_rent"].location.map(|b| b.page), Some(1));
        assert!(r.confidence > 0.8, "{}", r.confidence);
    }
}
