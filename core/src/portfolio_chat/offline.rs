//! The offline chat: a manager's question mapped onto one of the spec's tools by rules — the
//! intent from its words, a property named fuzzily, statuses, priorities, "within N days",
//! "this month" / "last month", "top N" — and answered with the tool's rows and sentence. A
//! question it cannot map gets what it can answer, with examples, never a number.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::data::PortfolioData;
use super::tools::{self, name_match};
use super::ToolAnswer;
use crate::format::MONTHS;

/// What the offline path made of a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct OfflineReply {
    /// The tool call it made (name, input), if it could map the question.
    pub tool: Option<String>,
    #[specta(type = Option<std::collections::BTreeMap<String, String>>)]
    pub input: Option<Value>,
    pub answer: Option<ToolAnswer>,
    /// The reply: the answer's sentence, the tool's refusal, or what it can answer.
    pub text: String,
    pub provider: String,
}

/// What the offline chat can answer, with examples (the reply to a question it cannot map).
pub const HELP: &str = "I answer from the portfolio's records without an AI model, so I need questions about leases, \
vacancy, work orders or money. For example: \"month-to-month leases at Harbor View\", \"leases expiring in the next 60 \
days\", \"vacant units with market rent\", \"open urgent work orders\", \"delinquency by property\", \"collection rate \
last month\", \"rent roll at Riverside\", \"which units are furthest under market\".";

fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('-').to_lowercase())
        .collect()
}

/// Words a property name shares with many others: they do not pick a property by themselves.
const GENERIC: &[&str] = &[
    "the",
    "at",
    "of",
    "and",
    "apartments",
    "apartment",
    "residences",
    "homes",
    "place",
    "court",
    "plaza",
    "tower",
    "towers",
    "village",
    "commons",
    "lofts",
    "park",
    "view",
    "house",
    "estates",
];

/// The property the question names, if any: the one most of whose distinctive words it uses.
fn property_in(data: &PortfolioData, q: &[String]) -> Option<String> {
    let phrase = q.join(" ");
    data.property_names()
        .into_iter()
        .filter_map(|name| {
            let distinctive: Vec<String> = name
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .filter(|w| w.len() >= 3 && !GENERIC.contains(&w.as_str()))
                .collect();
            let hits = distinctive.iter().filter(|w| q.iter().any(|x| name_match(w, x) > 0 && x.len() >= 4)).count();
            let whole = phrase.contains(&name.to_lowercase());
            (hits > 0 || whole).then_some((usize::from(whole) * 100 + hits, name))
        })
        .max_by_key(|(score, name)| (*score, std::cmp::Reverse(name.clone())))
        .map(|(_, name)| name)
}

fn has(q: &[String], any: &[&str]) -> bool {
    any.iter().any(|a| {
        if a.contains(' ') {
            q.join(" ").contains(a)
        } else {
            q.iter().any(|w| w == a || (a.len() >= 6 && w.starts_with(a)))
        }
    })
}

/// The first whole number after one of `after` in the question.
fn number_after(q: &[String], after: &[&str]) -> Option<i64> {
    q.iter().enumerate().find_map(|(i, w)| {
        after
            .contains(&w.as_str())
            .then(|| q[i + 1..].iter().take(3).find_map(|n| n.trim_start_matches('$').parse::<i64>().ok()))
            .flatten()
    })
}

fn date_range(q: &[String], today: chrono::NaiveDate) -> Option<String> {
    use chrono::Datelike;
    if has(q, &["last month", "previous month"]) {
        return Some("last_month".into());
    }
    if has(q, &["this month"]) {
        return Some("this_month".into());
    }
    let m = q.iter().find_map(|w| MONTHS.iter().position(|m| m == w))? as u32 + 1;
    let year = if m > today.month() { today.year() - 1 } else { today.year() };
    Some(format!("{year:04}-{m:02}"))
}

/// "Create a work order for unit 204 at Harbor View: leaking faucet", "remind me to call the
/// roofer", "follow up with unit 3B about the parking permit": a `create_action` proposal.
fn proposal_in(data: &PortfolioData, question: &str, q: &[String]) -> Option<Value> {
    let lower = question.trim().to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().find(|p| lower.starts_with(*p)).map(|p| p.len());
    let (kind, cut) = if let Some(n) = starts(&[
        "remind me to ",
        "remind me ",
        "set a reminder to ",
        "add a reminder to ",
        "create a reminder to ",
        "reminder to ",
        "reminder: ",
    ]) {
        ("reminder", n)
    } else if let Some(n) =
        starts(&["follow up ", "follow-up ", "add a follow-up ", "add a follow up ", "create a follow-up "])
    {
        ("follow_up", if lower.starts_with("follow") { 0 } else { n })
    } else if has(
        q,
        &[
            "create a work order",
            "open a work order",
            "log a work order",
            "add a work order",
            "raise a work order",
            "new work order",
            "create work order",
            "open a new work order",
            "create a maintenance request",
        ],
    ) {
        ("work_order", 0)
    } else {
        return None;
    };
    // The title: after a colon, else after " to " / " about " for a work order, else the rest.
    let rest = question.trim().get(cut..).unwrap_or_default();
    let title = match rest.split_once(':') {
        Some((_, t)) if !t.trim().is_empty() => t.trim(),
        _ if kind == "work_order" => {
            rest.split_once(" to ").or_else(|| rest.split_once(" about ")).map_or("", |(_, t)| t.trim())
        }
        _ => rest.trim(),
    };
    let property = property_in(data, q);
    let mut units: Vec<_> = data
        .units
        .iter()
        .filter(|r| property.as_ref().is_none_or(|p| &r.property_name == p))
        .filter(|r| {
            let n = r.unit_number.to_lowercase();
            q.iter().enumerate().any(|(i, w)| {
                w == &n
                    && (i == 0
                        || ["unit", "apt", "apartment", "#"].contains(&q[i - 1].as_str())
                        || n.chars().any(|c| c.is_alphabetic())
                        || n.len() >= 3)
            })
        })
        .collect();
    units.dedup_by_key(|r| r.unit_id);
    let unit = (units.len() == 1).then(|| units[0]);
    let title = if title.is_empty() {
        match (kind, unit) {
            ("work_order", Some(u)) => format!("Work order for unit {}", u.unit_number),
            _ => return None,
        }
    } else {
        let mut c = title.trim_end_matches(['.', '?', '!']).chars();
        c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    };
    let mut input = Map::new();
    input.insert("action_type".into(), json!(kind));
    input.insert("title".into(), json!(title));
    if let Some(u) = unit {
        input.insert("unit_id".into(), json!(u.unit_id.to_string()));
    }
    if has(q, &["urgent", "emergency", "asap"]) {
        input.insert("priority".into(), json!("urgent"));
    } else if has(q, &["high priority"]) {
        input.insert("priority".into(), json!("high"));
    } else if has(q, &["low priority"]) {
        input.insert("priority".into(), json!("low"));
    }
    Some(Value::Object(input))
}

/// Maps a question onto a tool call (name, input), or `None`.
pub fn parse(data: &PortfolioData, question: &str) -> Option<(String, Value)> {
    let q = words(question);
    if let Some(input) = proposal_in(data, question, &q) {
        return Some(("create_action".into(), input));
    }
    let mut input = Map::new();
    if let Some(p) = property_in(data, &q) {
        input.insert("property_name".into(), json!(p));
    }
    let limit = number_after(&q, &["top", "first", "largest", "biggest", "worst"]);
    let tool = if has(
        &q,
        &["work order", "work orders", "maintenance", "repair", "repairs", "ticket", "tickets", "wo", "wos"],
    ) {
        if has(&q, &["in progress", "in-progress", "underway"]) {
            input.insert("status".into(), json!("in_progress"));
        } else if has(&q, &["completed", "done", "closed", "finished"]) {
            input.insert("status".into(), json!("completed"));
        } else if has(&q, &["open", "outstanding", "pending"]) {
            input.insert("status".into(), json!("open"));
        }
        for p in ["urgent", "high", "medium", "low"] {
            if has(&q, &[p]) {
                input.insert("priority".into(), json!(p));
                break;
            }
        }
        if let Some(n) = limit {
            input.insert("limit".into(), json!(n));
        }
        "query_maintenance"
    } else if has(
        &q,
        &[
            "delinquency",
            "delinquent",
            "past due",
            "owe",
            "owes",
            "owing",
            "behind",
            "arrears",
            "collection rate",
            "collected",
            "collections",
            "rent roll",
            "revenue",
            "income",
            "received",
            "under market",
            "below market",
            "variance",
            "above market",
        ],
    ) {
        let metric = if has(&q, &["delinquency", "delinquent", "past due", "owe", "owes", "owing", "behind", "arrears"])
        {
            "delinquency"
        } else if has(&q, &["collection rate", "collected", "collections"]) {
            "collection_rate"
        } else if has(&q, &["rent roll"]) {
            "total_rent_roll"
        } else if has(&q, &["revenue", "income", "received"]) {
            "revenue_by_property"
        } else {
            "rent_variance"
        };
        input.insert("metric".into(), json!(metric));
        if let Some(r) = date_range(&q, data.today) {
            input.insert("date_range".into(), json!(r));
        }
        "query_financials"
    } else if has(&q, &["vacant", "vacancy", "vacancies", "empty", "unoccupied", "unrented"]) {
        if has(&q, &["market", "pricing", "price", "rent", "lost", "losing"]) {
            input.insert("include_pricing".into(), json!(true));
        }
        "query_vacancy"
    } else if has(
        &q,
        &[
            "lease",
            "leases",
            "tenant",
            "tenants",
            "expiring",
            "expire",
            "expires",
            "month-to-month",
            "month to month",
            "mtm",
            "notice",
            "renewal",
            "renewals",
            "occupied",
        ],
    ) {
        if has(&q, &["month-to-month", "month to month", "mtm", "holdover"]) {
            input.insert("lease_status".into(), json!("month_to_month"));
        } else if has(&q, &["notice", "moving out", "move out", "move-out"]) {
            input.insert("lease_status".into(), json!("notice"));
        } else if has(&q, &["active", "current"]) {
            input.insert("lease_status".into(), json!("active"));
        }
        if has(&q, &["expiring", "expire", "expires", "ending", "end", "renewal", "renewals"]) {
            let days = number_after(&q, &["next", "within", "in", "coming"])
                .filter(|n| (1..=3650).contains(n))
                .unwrap_or(if has(&q, &["this month"]) {
                    use chrono::Datelike;
                    let d = data.today;
                    let next = if d.month() == 12 {
                        chrono::NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
                    } else {
                        chrono::NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
                    };
                    next.map_or(30, |n| (n - d).num_days() - 1)
                } else {
                    90
                });
            input.insert("expiring_within_days".into(), json!(days));
        }
        if let Some(n) = limit {
            input.insert("limit".into(), json!(n));
        } else {
            input.insert("limit".into(), json!(50));
        }
        "query_leases"
    } else {
        return None;
    };
    Some((tool.to_string(), Value::Object(input)))
}

/// A dollar amount in the question ("$200").
fn amount_in(q: &[String]) -> Option<rust_decimal::Decimal> {
    q.iter().find_map(|w| w.strip_prefix('$').and_then(|n| n.replace(',', "").parse().ok()))
}

/// "…month-to-month tenants … pay more than $200 under market": the rent-variance table cut to
/// the rows over the amount (and of the status named), its sentence rebuilt from those rows.
fn narrowed(a: ToolAnswer, q: &[String]) -> ToolAnswer {
    use rust_decimal::Decimal;
    let status = if has(q, &["month-to-month", "month to month", "mtm"]) {
        Some("month_to_month")
    } else if has(q, &["notice"]) {
        Some("notice")
    } else if has(q, &["active"]) {
        Some("active")
    } else {
        None
    };
    let over = amount_in(q);
    if status.is_none() && over.is_none() {
        return a;
    }
    let gap = |row: &Vec<String>| -> Decimal {
        row.get(6).and_then(|v| v.trim_start_matches('$').replace(',', "").parse().ok()).unwrap_or_default()
    };
    let keep: Vec<usize> = (0..a.rows.len())
        .filter(|i| status.is_none_or(|s| a.rows[*i].get(3).is_some_and(|c| c == s)))
        .filter(|i| over.is_none_or(|n| gap(&a.rows[*i]) > n))
        .collect();
    let total: Decimal = keep.iter().map(|i| gap(&a.rows[*i])).sum();
    let what = match status {
        Some(s) => format!("{} {}", s.replace('_', "-"), if keep.len() == 1 { "lease" } else { "leases" }),
        None => (if keep.len() == 1 { "lease" } else { "leases" }).to_string(),
    };
    let place =
        a.input["property_name"].as_str().map_or_else(|| " across the portfolio".to_string(), |p| format!(" at {p}"));
    let bar = over
        .map_or_else(|| "below market".to_string(), |n| format!("more than {} under market", crate::format::money(n)));
    let summary = format!(
        "{} {what}{place} pay {bar}; together {} a month under market.",
        keep.len(),
        crate::format::money(total)
    );
    ToolAnswer {
        rows: keep.iter().map(|i| a.rows[*i].clone()).collect(),
        row_ids: keep.iter().map(|i| a.row_ids[*i].clone()).collect(),
        matched: keep.len(),
        totals: json!({"leases": keep.len(), "total_under_market": total.to_string()}),
        summary,
        ..a
    }
}

/// Answers a question offline.
pub fn answer(data: &PortfolioData, question: &str) -> OfflineReply {
    let provider = "offline".to_string();
    let Some((tool, input)) = parse(data, question) else {
        return OfflineReply { tool: None, input: None, answer: None, text: HELP.into(), provider };
    };
    if tool == "create_action" {
        let text = match super::action::propose(data, &input) {
            Ok(p) => format!("I can create this once you confirm it: {}.", p["summary"].as_str().unwrap_or_default()),
            Err(e) => format!("I could not propose that: {e}."),
        };
        return OfflineReply { tool: Some(tool), input: Some(input), answer: None, text, provider };
    }
    match tools::run(data, &tool, &input) {
        Ok(a) => {
            let a = if input["metric"] == "rent_variance" { narrowed(a, &words(question)) } else { a };
            OfflineReply { text: a.summary.clone(), tool: Some(tool), input: Some(input), answer: Some(a), provider }
        }
        Err(e) => OfflineReply { tool: Some(tool), input: Some(input), answer: None, text: e, provider },
    }
}
