//! Which work order is this invoice for (spec 3.2, `match_invoice_to_wo`)? Three strategies, in
//! the spec's order, the first that finds one wins:
//!
//! 1. **Explicit reference** — the invoice prints a work order reference that names exactly one
//!    work order ([`find_wo_by_ref`]): confidence 0.95.
//! 2. **Vendor + date + amount** — the vendor is found by name ([`match_vendor`]); its work
//!    orders that are completed or in progress and were requested no more than 90 days before
//!    the invoice date are scored by [`compute_wo_similarity`]; the best above 0.6 wins, with its
//!    score as the confidence.
//! 3. **Line item descriptions** — when strategy 2 finds nothing above 0.6 (or no vendor), every
//!    work order that is completed or in progress and within the same 90 days, whoever the
//!    vendor, is compared by words alone. Words are weaker evidence than vendor, date and amount
//!    together, so it needs at least two shared words covering at least half of the smaller word
//!    set, a single best work order (a tie matches nothing), and its confidence is
//!    `0.4 + 0.5 × overlap`: from 0.65 at half the words to 0.9, never more.
//!
//! Otherwise: no work order, confidence 0, "No match found". Nothing here reads the clock: the
//! 90-day window is counted back from the invoice's own date.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::ExtractedInvoice;
use crate::model::{Vendor, WorkOrder, WorkOrderStatus};

/// Confidence of a match by a reference printed on the invoice (the spec's figure).
pub const REFERENCE_CONFIDENCE: f64 = 0.95;
/// A vendor + date + amount score must be above this to match (the spec's figure).
pub const MATCH_THRESHOLD: f64 = 0.6;
/// Work orders requested more than this many days before the invoice date are not candidates.
pub const WINDOW_DAYS: i64 = 90;
/// Weight of amount proximity in [`compute_wo_similarity`] (the three weights sum to 1).
pub const AMOUNT_WEIGHT: f64 = 0.5;
/// Weight of date proximity in [`compute_wo_similarity`].
pub const DATE_WEIGHT: f64 = 0.3;
/// Weight of description overlap in [`compute_wo_similarity`].
pub const WORDS_WEIGHT: f64 = 0.2;
/// The most a match by line item words alone can be trusted.
pub const WORDS_ONLY_MAX_CONFIDENCE: f64 = 0.9;

/// Which strategy produced the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStrategy {
    /// Strategy 1: a work order reference printed on the invoice.
    Reference,
    /// Strategy 2: the vendor's recent jobs scored by amount, date and words.
    VendorDateAmount,
    /// Strategy 3: line item words alone.
    LineItems,
    /// Nothing matched.
    None,
}

/// How one candidate work order scored, factor by factor, each 0–1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WoSimilarity {
    /// The candidate scored.
    pub work_order_id: Uuid,
    /// `1 − |invoice total − cost| / the larger of the two`; 0 without a total or a cost.
    pub amount_proximity: f64,
    /// `1 − days between the job's completion (or request) and the invoice date / 90`, at least 0.
    pub date_proximity: f64,
    /// Shared words / the smaller of the two word sets (line items vs the work order's title,
    /// description and category); 0 when either has none.
    pub description_overlap: f64,
    /// The shared words, sorted.
    pub shared_words: Vec<String>,
    /// `0.5 × amount + 0.3 × date + 0.2 × description`.
    pub score: f64,
}

/// The answer of [`match_invoice_to_wo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WoMatch {
    /// The matched work order; `None` when nothing matched.
    pub work_order_id: Option<Uuid>,
    /// 0–1; 0 when nothing matched.
    pub confidence: f64,
    /// Why, in the spec's words ("Direct WO reference found on invoice", …).
    pub reasoning: String,
    /// Which strategy decided.
    pub strategy: MatchStrategy,
    /// Every candidate scored by strategy 2 (or, failing that, strategy 3), best first: what the
    /// reviewer sees next to the answer.
    pub factors: Vec<WoSimilarity>,
}

/// Matches an extracted invoice to one of `work_orders` (see the module doc for the rules).
pub fn match_invoice_to_wo(extraction: &ExtractedInvoice, work_orders: &[WorkOrder], vendors: &[Vendor]) -> WoMatch {
    // Strategy 1: explicit WO reference on the invoice.
    if let Some(wo) = extraction.work_order_reference.as_deref().and_then(|r| find_wo_by_ref(r, work_orders)) {
        return WoMatch {
            work_order_id: Some(wo.id),
            confidence: REFERENCE_CONFIDENCE,
            reasoning: "Direct WO reference found on invoice".into(),
            strategy: MatchStrategy::Reference,
            factors: Vec::new(),
        };
    }

    let in_window = |wo: &WorkOrder| {
        matches!(wo.status, WorkOrderStatus::Completed | WorkOrderStatus::InProgress)
            && extraction.invoice_date.is_none_or(|d| wo.requested_date >= d - Duration::days(WINDOW_DAYS))
    };

    // Strategy 2: vendor + date range + amount proximity. Without an invoice date there is no
    // window to search, so the strategy is not tried.
    let vendor = extraction.vendor_name.as_deref().and_then(|name| match_vendor(name, vendors));
    let mut factors: Vec<WoSimilarity> = match (vendor, extraction.invoice_date) {
        (Some(vendor), Some(_)) => work_orders
            .iter()
            .filter(|wo| wo.assigned_vendor_id == Some(vendor.id) && in_window(wo))
            .map(|wo| compute_wo_similarity(wo, extraction))
            .collect(),
        _ => Vec::new(),
    };
    sort_best_first(&mut factors, |s| s.score);
    if let Some(best) = factors.first().filter(|best| best.score > MATCH_THRESHOLD) {
        return WoMatch {
            work_order_id: Some(best.work_order_id),
            confidence: best.score,
            reasoning: "Matched by vendor + date + amount".into(),
            strategy: MatchStrategy::VendorDateAmount,
            factors,
        };
    }

    // Strategy 3: line item description matching, any vendor.
    let mut by_words: Vec<WoSimilarity> =
        work_orders.iter().filter(|wo| in_window(wo)).map(|wo| compute_wo_similarity(wo, extraction)).collect();
    sort_best_first(&mut by_words, |s| s.description_overlap);
    let qualifies = |s: &WoSimilarity| s.shared_words.len() >= 2 && s.description_overlap >= 0.5;
    if let Some(best) = by_words.first().filter(|b| qualifies(b)) {
        let tied = by_words.get(1).is_some_and(|second| second.description_overlap == best.description_overlap);
        if !tied {
            let confidence = (0.4 + 0.5 * best.description_overlap).min(WORDS_ONLY_MAX_CONFIDENCE);
            return WoMatch {
                work_order_id: Some(best.work_order_id),
                confidence,
                reasoning: format!(
                    "Matched by line item descriptions (shared words: {})",
                    best.shared_words.join(", ")
                ),
                strategy: MatchStrategy::LineItems,
                factors: by_words.into_iter().filter(|s| !s.shared_words.is_empty()).collect(),
            };
        }
    }

    if factors.is_empty() {
        factors = by_words.into_iter().filter(|s| !s.shared_words.is_empty()).collect();
    }
    WoMatch {
        work_order_id: None,
        confidence: 0.0,
        reasoning: "No match found".into(),
        strategy: MatchStrategy::None,
        factors,
    }
}

fn sort_best_first(scores: &mut [WoSimilarity], key: fn(&WoSimilarity) -> f64) {
    scores.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.work_order_id.cmp(&b.work_order_id)));
}

/// Finds the one work order an invoice's reference names. The reference is read case-blind,
/// after dropping a leading `#` and a `WO` prefix (`WO-`, `WO#`, `WO:`, `WO `, `WO_`): what is
/// left must be the work order's whole id (with or without hyphens) or exactly the first 8 hex
/// digits of it (as UnitCycle prints work order numbers). Shorter fragments match nothing, and
/// so does a prefix two work orders share.
pub fn find_wo_by_ref<'a>(reference: &str, work_orders: &'a [WorkOrder]) -> Option<&'a WorkOrder> {
    let lower = reference.trim().to_lowercase();
    let mut r = lower.trim_start_matches('#').trim();
    if let Some(rest) = r.strip_prefix("wo") {
        r = rest.trim_start_matches(['-', '#', ':', ' ', '_', '.']).trim();
    }
    if let Ok(id) = Uuid::parse_str(r) {
        return work_orders.iter().find(|wo| wo.id == id);
    }
    if r.len() != 8 || !r.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut found = work_orders.iter().filter(|wo| wo.id.simple().to_string().starts_with(r));
    match (found.next(), found.next()) {
        (Some(wo), None) => Some(wo),
        _ => None,
    }
}

/// Company suffixes that do not tell vendors apart.
const SUFFIXES: [&str; 12] =
    ["inc", "incorporated", "llc", "llp", "lp", "pllc", "ltd", "limited", "co", "corp", "corporation", "company"];

/// A vendor name reduced to its distinguishing words: lower case, dots and apostrophes dropped
/// (`L.L.C.` → `llc`, `Bob's` → `bobs`), other punctuation as spaces, trailing company suffixes
/// removed (unless the name is nothing else).
pub fn normalize_vendor_name(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '.' | '\'' | '’'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// The vendor whose name matches the invoice's, as [`normalize_vendor_name`] reads both. Two
/// vendors with the same name match neither: we cannot tell which one sent the bill.
pub fn match_vendor<'a>(name: &str, vendors: &'a [Vendor]) -> Option<&'a Vendor> {
    let wanted = normalize_vendor_name(name);
    if wanted.is_empty() {
        return None;
    }
    let mut found = vendors.iter().filter(|v| normalize_vendor_name(&v.name) == wanted);
    match (found.next(), found.next()) {
        (Some(v), None) => Some(v),
        _ => None,
    }
}

/// Words a person would recognise a job by: alphabetic runs longer than 3 letters, lower case,
/// without a few fillers.
fn words(text: &str) -> BTreeSet<String> {
    const FILLERS: [&str; 8] = ["with", "from", "that", "this", "have", "been", "into", "were"];
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() > 3)
        .map(str::to_lowercase)
        .filter(|w| !FILLERS.contains(&w.as_str()))
        .collect()
}

/// Scores how well a work order fits the invoice: `0.5 × amount + 0.3 × date + 0.2 × words`
/// (the spec leaves the function open; amount is the strongest evidence a bill is for a job).
/// See [`WoSimilarity`] for each factor. A factor without its figures scores 0.
pub fn compute_wo_similarity(wo: &WorkOrder, extraction: &ExtractedInvoice) -> WoSimilarity {
    let amount = match extraction.total {
        Some(total) => {
            let larger = total.max(wo.cost);
            if larger > Decimal::ZERO && total > Decimal::ZERO && wo.cost > Decimal::ZERO {
                let ratio = ((total - wo.cost).abs() / larger).to_f64().unwrap_or(1.0);
                (1.0 - ratio).clamp(0.0, 1.0)
            } else {
                0.0
            }
        }
        None => 0.0,
    };
    let date = match extraction.invoice_date {
        Some(invoiced) => {
            let job_day: NaiveDate = wo.completed_date.unwrap_or(wo.requested_date);
            let days = (invoiced - job_day).num_days().abs() as f64;
            (1.0 - days / WINDOW_DAYS as f64).max(0.0)
        }
        None => 0.0,
    };
    let invoice_words: BTreeSet<String> =
        extraction.line_items.iter().filter_map(|l| l.description.as_deref()).flat_map(words).collect();
    let wo_words = words(&format!("{} {} {}", wo.title, wo.description, wo.category));
    let shared_words: Vec<String> = invoice_words.intersection(&wo_words).cloned().collect();
    let smaller = invoice_words.len().min(wo_words.len());
    let description = if smaller == 0 { 0.0 } else { shared_words.len() as f64 / smaller as f64 };
    WoSimilarity {
        work_order_id: wo.id,
        amount_proximity: amount,
        date_proximity: date,
        description_overlap: description,
        shared_words,
        score: AMOUNT_WEIGHT * amount + DATE_WEIGHT * date + WORDS_WEIGHT * description,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use rust_decimal_macros::dec;

    use super::super::LineItem;
    use super::*;
    use crate::model::WorkOrderPriority;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn vendor(name: &str) -> Vendor {
        Vendor {
            id: Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes()),
            name: name.into(),
            trade: "plumbing".into(),
            contact_name: String::new(),
            email: String::new(),
            phone: String::new(),
            license_number: String::new(),
            insurance_expiry: None,
            hourly_rate: dec!(80),
            is_active: true,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    struct Job<'a> {
        id: &'a str,
        vendor: Option<&'a Vendor>,
        status: WorkOrderStatus,
        requested: NaiveDate,
        completed: Option<NaiveDate>,
        cost: Decimal,
        title: &'a str,
        description: &'a str,
    }

    fn job(j: Job<'_>) -> WorkOrder {
        WorkOrder {
            id: Uuid::parse_str(j.id).unwrap(),
            unit_id: Uuid::nil(),
            property_id: Uuid::nil(),
            tenant_id: None,
            title: j.title.into(),
            description: j.description.into(),
            category: "plumbing".into(),
            priority: WorkOrderPriority::Medium,
            status: j.status,
            requested_date: j.requested,
            completed_date: j.completed,
            cost: j.cost,
            assigned_vendor_id: j.vendor.map(|v| v.id),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            scheduled_date: None,
            tenant_rating: None,
        }
    }

    const FAUCET: &str = "1a2b3c4d-0000-4000-8000-000000000001";
    const OLD: &str = "2b3c4d5e-0000-4000-8000-000000000002";
    const HEATER: &str = "3c4d5e6f-0000-4000-8000-000000000003";

    fn ace() -> Vendor {
        vendor("Ace Plumbing, L.L.C.")
    }

    /// The kitchen faucet job: Ace, completed 22 March 2026 (9 days before the invoice), cost $180.
    fn faucet_job(ace: &Vendor) -> WorkOrder {
        job(Job {
            id: FAUCET,
            vendor: Some(ace),
            status: WorkOrderStatus::Completed,
            requested: day(2026, 3, 1),
            completed: Some(day(2026, 3, 22)),
            cost: dec!(180),
            title: "Kitchen faucet leak",
            description: "Replace leaking kitchen faucet cartridge",
        })
    }

    /// Ace's invoice of 31 March 2026 for $200.
    fn invoice() -> ExtractedInvoice {
        let line = |d: &str| LineItem { description: Some(d.into()), ..LineItem::default() };
        ExtractedInvoice {
            vendor_name: Some("ACE PLUMBING INC".into()),
            invoice_date: Some(day(2026, 3, 31)),
            total: Some(dec!(200)),
            line_items: vec![line("Replace kitchen faucet cartridge"), line("Labor")],
            ..ExtractedInvoice::default()
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_reference_printed_on_the_invoice_matches_at_095() {
        let ace = ace();
        let wos = [faucet_job(&ace)];
        for reference in [
            "WO-1A2B3C4D",
            "wo 1a2b3c4d",
            "#1a2b3c4d",
            "WO#1a2b3c4d",
            "1a2b3c4d",
            FAUCET,
            "1A2B3C4D000040008000000000000001",
        ] {
            let mut extraction = ExtractedInvoice { work_order_reference: Some(reference.into()), ..invoice() };
            extraction.vendor_name = None;
            let m = match_invoice_to_wo(&extraction, &wos, &[]);
            assert_eq!(m.work_order_id, Some(wos[0].id), "{reference}");
            assert_eq!(m.confidence, 0.95);
            assert_eq!(m.reasoning, "Direct WO reference found on invoice");
            assert_eq!(m.strategy, MatchStrategy::Reference);
        }
        for reference in ["1a2b3c", "WO-1a2b3c4e", "PO-1a2b3c4d", ""] {
            assert!(find_wo_by_ref(reference, &wos).is_none(), "{reference}");
        }
    }

    #[test]
    fn a_reference_two_work_orders_share_matches_neither() {
        let twin = job(Job { id: "1a2b3c4d-ffff-4000-8000-000000000009", ..faucet_fields() });
        let ace = ace();
        let wos = [faucet_job(&ace), twin];
        assert!(find_wo_by_ref("WO-1a2b3c4d", &wos).is_none());
        assert_eq!(find_wo_by_ref(FAUCET, &wos).map(|w| w.id), Some(wos[0].id));
    }

    fn faucet_fields() -> Job<'static> {
        Job {
            id: FAUCET,
            vendor: None,
            status: WorkOrderStatus::Completed,
            requested: day(2026, 3, 1),
            completed: Some(day(2026, 3, 22)),
            cost: dec!(180),
            title: "Kitchen faucet leak",
            description: "Replace leaking kitchen faucet cartridge",
        }
    }

    #[test]
    fn vendor_names_match_ignoring_case_punctuation_and_suffixes() {
        let vendors = [ace(), vendor("Bob's Electric Co."), vendor("Acme Corp"), vendor("ACME Inc")];
        assert_eq!(match_vendor("ACE PLUMBING INC", &vendors).map(|v| v.id), Some(vendors[0].id));
        assert_eq!(match_vendor("ace plumbing", &vendors).map(|v| v.id), Some(vendors[0].id));
        assert_eq!(match_vendor("Bobs Electric", &vendors).map(|v| v.id), Some(vendors[1].id));
        assert!(match_vendor("Acme", &vendors).is_none(), "two vendors named Acme: neither");
        assert!(match_vendor("Ace Plumbing & Heating", &vendors).is_none());
        assert!(match_vendor("Inc.", &[]).is_none());
        assert_eq!(normalize_vendor_name("Smith & Co., Inc."), "smith");
    }

    /// Amount: 1 − |200 − 180| / 200 = 0.9. Date: 1 − 9 / 90 = 0.9. Words: the invoice has
    /// {replace, kitchen, faucet, cartridge, labor}, the job {kitchen, faucet, leak, replace,
    /// leaking, cartridge, plumbing}; 4 shared / 5 = 0.8. Score 0.5 × 0.9 + 0.3 × 0.9 + 0.2 × 0.8
    /// = 0.45 + 0.27 + 0.16 = 0.88.
    #[test]
    fn vendor_date_and_amount_match_by_hand() {
        let ace = ace();
        let wos = [faucet_job(&ace)];
        let s = compute_wo_similarity(&wos[0], &invoice());
        assert!(
            close(s.amount_proximity, 0.9) && close(s.date_proximity, 0.9) && close(s.description_overlap, 0.8),
            "{s:?}"
        );
        assert_eq!(s.shared_words, vec!["cartridge", "faucet", "kitchen", "replace"]);
        assert!(close(s.score, 0.88), "{}", s.score);

        let m = match_invoice_to_wo(&invoice(), &wos, std::slice::from_ref(&ace));
        assert_eq!(m.work_order_id, Some(wos[0].id));
        assert!(close(m.confidence, 0.88));
        assert_eq!(m.reasoning, "Matched by vendor + date + amount");
        assert_eq!(m.strategy, MatchStrategy::VendorDateAmount);
        assert_eq!(m.factors.len(), 1);
    }

    #[test]
    fn only_completed_or_in_progress_jobs_requested_within_90_days_are_candidates() {
        let ace = ace();
        // 31 March 2026 − 90 days = 31 December 2025.
        let at = |id: &str, requested: NaiveDate, status: WorkOrderStatus| {
            job(Job { id, vendor: Some(&ace), status, requested, completed: None, ..faucet_fields() })
        };
        let wos = [
            at(FAUCET, day(2025, 12, 31), WorkOrderStatus::InProgress),
            at(OLD, day(2025, 12, 30), WorkOrderStatus::Completed),
            at("4d5e6f70-0000-4000-8000-000000000004", day(2026, 3, 20), WorkOrderStatus::Open),
            at("5e6f7081-0000-4000-8000-000000000005", day(2026, 3, 20), WorkOrderStatus::Cancelled),
        ];
        let m = match_invoice_to_wo(&invoice(), &wos, std::slice::from_ref(&ace));
        let ids: Vec<Uuid> = m.factors.iter().map(|f| f.work_order_id).collect();
        assert_eq!(ids, vec![wos[0].id], "91 days back, open and cancelled are not candidates");
        // Requested 31 Dec, not completed: 90 days → date 0. Amount 0.9, words 0.8:
        // 0.45 + 0 + 0.16 = 0.61 > 0.6.
        assert!(close(m.confidence, 0.61), "{}", m.confidence);
        assert_eq!(m.work_order_id, Some(wos[0].id));
    }

    /// Ace's only job is far off: $50 against $200 (amount 1 − 150/200 = 0.25), completed
    /// 11 January (79 days: date 11/90), about a toilet (no shared words). 0.125 + 0.0366… ≈ 0.16,
    /// under 0.6. The water heater job of another vendor shares {heater, water} with the lines
    /// {water, heater, install}: 2 / 3, so strategy 3 matches at 0.4 + 0.5 × 2/3 = 0.7333….
    #[test]
    fn line_item_words_match_when_vendor_date_and_amount_do_not() {
        let ace = ace();
        let other = vendor("Heaters R Us");
        let toilet = job(Job {
            id: OLD,
            vendor: Some(&ace),
            status: WorkOrderStatus::Completed,
            requested: day(2026, 1, 10),
            completed: Some(day(2026, 1, 11)),
            cost: dec!(50),
            title: "Running toilet",
            description: "Toilet runs all night",
        });
        let heater = job(Job {
            id: HEATER,
            vendor: Some(&other),
            status: WorkOrderStatus::Completed,
            requested: day(2026, 2, 1),
            completed: Some(day(2026, 2, 3)),
            cost: dec!(1200),
            title: "Water heater replacement",
            description: "Replace 40 gallon water heater",
        });
        let line = |d: &str| LineItem { description: Some(d.into()), ..LineItem::default() };
        let extraction = ExtractedInvoice {
            line_items: vec![line("Water heater 40 gal"), line("Install water heater")],
            ..invoice()
        };
        let wos = [toilet, heater];
        let s = compute_wo_similarity(&wos[0], &extraction);
        assert!(close(s.score, 0.5 * 0.25 + 0.3 * (11.0 / 90.0)), "{s:?}");

        let m = match_invoice_to_wo(&extraction, &wos, &[ace, other]);
        assert_eq!(m.strategy, MatchStrategy::LineItems);
        assert_eq!(m.work_order_id, Some(wos[1].id));
        assert!(close(m.confidence, 0.4 + 0.5 * 2.0 / 3.0), "{}", m.confidence);
        assert_eq!(m.reasoning, "Matched by line item descriptions (shared words: heater, water)");
    }

    #[test]
    fn words_alone_never_pass_090_and_a_tie_matches_nothing() {
        let wo = job(Job { title: "Labor: replace kitchen faucet cartridge", description: "", ..faucet_fields() });
        let extraction = ExtractedInvoice { vendor_name: None, ..invoice() };
        let m = match_invoice_to_wo(&extraction, std::slice::from_ref(&wo), &[]);
        assert_eq!(m.strategy, MatchStrategy::LineItems);
        assert!(close(m.confidence, 0.9), "every word shared: 0.4 + 0.5 = 0.9");

        let twin = job(Job { id: HEATER, ..faucet_fields() });
        let m = match_invoice_to_wo(&extraction, &[faucet_job(&ace()), twin], &[]);
        assert_eq!((m.work_order_id, m.strategy), (None, MatchStrategy::None));
    }

    #[test]
    fn nothing_in_common_is_no_match() {
        let ace = ace();
        let extraction = ExtractedInvoice {
            vendor_name: Some("Unknown Roofing".into()),
            work_order_reference: Some("WO-99999999".into()),
            line_items: vec![LineItem { description: Some("Shingle repair".into()), ..LineItem::default() }],
            ..invoice()
        };
        let m = match_invoice_to_wo(&extraction, &[faucet_job(&ace)], std::slice::from_ref(&ace));
        assert_eq!(m.work_order_id, None);
        assert_eq!(m.confidence, 0.0);
        assert_eq!(m.reasoning, "No match found");
        assert_eq!(m.strategy, MatchStrategy::None);
        assert!(m.factors.is_empty());
    }
}
