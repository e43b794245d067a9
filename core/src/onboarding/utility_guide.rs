//! The utility setup guide (spec 4.6's UTILITY_GUIDE_PROMPT) through the AI gateway, with its
//! offline equivalent: one checklist item per utility the tenant sets up, its provider, phone and
//! website taken only from the property's knowledge base (utilities entries), a setup deadline
//! from the move-in date, and a note of what the rent already includes. A utility the knowledge
//! base does not cover says to ask the office; the offline guide gives no cost estimate (and says
//! so), and a model's guide with a phone number, web address or provider the knowledge base does
//! not hold is refused.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::faq::{phone_numbers, urls};
use super::model::KnowledgeEntry;
use super::welcome::escape;
use crate::ai::prompts::Task;
use crate::format::date;

/// What the guide is written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtilityGuideInput {
    pub unit_address: String,
    pub city: String,
    pub state: String,
    pub move_in_date: NaiveDate,
    /// The utilities the tenant sets up (`electric`, `gas`, `internet`, …).
    pub tenant_utilities: Vec<String>,
    /// The utilities the rent includes.
    pub included_utilities: Vec<String>,
    pub bedrooms: i32,
    /// The property's knowledge base; only `utilities` entries are used.
    pub entries: Vec<KnowledgeEntry>,
}

/// One utility to set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UtilityItem {
    pub utility: String,
    pub provider: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Active by this day: the day before move-in for power, gas and water, move-in day otherwise.
    pub setup_deadline: NaiveDate,
    pub tips: String,
    /// The knowledge-base entry the provider comes from.
    pub source_entry_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UtilityGuide {
    pub guide_markdown: String,
    #[serde(default)]
    pub guide_html: String,
    pub items: Vec<UtilityItem>,
    pub included_in_rent: Vec<String>,
    /// `claude` or `offline` (filled by the caller from the gateway's answer).
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub needs_review: bool,
}

/// The kinds of utility and the words that name each.
const KINDS: &[(&str, &[&str])] = &[
    ("Electricity", &["electric", "power"]),
    ("Natural gas", &["gas"]),
    ("Water", &["water"]),
    ("Sewer", &["sewer"]),
    ("Trash", &["trash", "garbage", "recycling", "waste"]),
    ("Internet", &["internet", "wifi", "wi-fi", "broadband", "fiber"]),
    ("Cable TV", &["cable", "tv", "television"]),
];

fn lower_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The kind a utility's name is (its label and words), if known.
fn kind_of(utility: &str) -> Option<(&'static str, &'static [&'static str])> {
    let words = lower_words(utility);
    KINDS.iter().copied().find(|(_, names)| names.iter().any(|n| words.iter().any(|w| w.starts_with(n))))
}

/// How many of `names` an entry's question and keywords mention.
fn mentions(e: &KnowledgeEntry, names: &[&str]) -> usize {
    let mut words = lower_words(&e.question);
    for k in &e.keywords {
        words.extend(lower_words(k));
    }
    names.iter().filter(|n| words.iter().any(|w| w.starts_with(*n))).count()
}

/// The utilities entry that covers a utility, if any.
pub fn entry_for<'a>(utility: &str, entries: &'a [KnowledgeEntry]) -> Option<&'a KnowledgeEntry> {
    let names: Vec<String> = match kind_of(utility) {
        Some((_, names)) => names.iter().map(|n| n.to_string()).collect(),
        None => lower_words(utility),
    };
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    entries
        .iter()
        .filter(|e| e.is_active && e.category == "utilities")
        .map(|e| (mentions(e, &names), e))
        .filter(|(n, _)| *n > 0)
        .fold(None, |best: Option<(usize, &KnowledgeEntry)>, (n, e)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, e)),
        })
        .map(|(_, e)| e)
}

/// The provider an entry's answer names (`… is provided by Brightline Electric.`, `Provider: …`).
pub fn provider_named(answer: &str) -> Option<String> {
    let lower = answer.to_lowercase();
    for marker in ["provided by ", "served by ", "provider: ", "provider is "] {
        if let Some(at) = lower.find(marker) {
            let rest = &answer[at + marker.len()..];
            let end = rest.find(['.', ',', ';', '(', '\n']).unwrap_or(rest.len());
            let mut name = rest[..end].trim();
            for stop in [" at ", " or ", " and "] {
                if let Some(k) = name.find(stop) {
                    name = name[..k].trim();
                }
            }
            if !name.is_empty() && name.len() <= 80 {
                return Some(name.to_string());
            }
        }
    }
    None
}

/// `(555) 010-2200` for ten digits.
pub fn format_phone(digits: &str) -> String {
    if digits.len() == 10 && digits.is_ascii() {
        format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..])
    } else {
        digits.to_string()
    }
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (k, c) in chars.iter().enumerate() {
        cur.push(*c);
        if matches!(c, '.' | '!' | '?') && chars.get(k + 1).is_none_or(|n| n.is_whitespace()) {
            out.push(cur.trim().to_string());
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// "Electricity: Brightline Electric, (555) 010-2200", one line per utilities entry that names
/// a provider (for the welcome email).
pub fn provider_lines(entries: &[KnowledgeEntry]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.is_active && e.category == "utilities")
        .filter_map(|e| {
            let provider = provider_named(&e.answer)?;
            let label = kind_of(&e.question).map_or("Utility", |(l, _)| l);
            let phone = phone_numbers(&e.answer).first().map(|p| format!(", {}", format_phone(p))).unwrap_or_default();
            Some(format!("{label}: {provider}{phone}"))
        })
        .collect()
}

const ASK_THE_OFFICE: &str = "Ask the office which provider serves this address.";

fn label(utility: &str) -> String {
    kind_of(utility).map_or_else(
        || {
            let t = utility.trim();
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        },
        |(l, _)| l.to_string(),
    )
}

/// The guide by rules, from the knowledge base alone.
pub fn offline_guide(i: &UtilityGuideInput) -> UtilityGuide {
    let mut items = Vec::new();
    for u in i.tenant_utilities.iter().filter(|u| !u.trim().is_empty()) {
        let kind = kind_of(u).map(|(l, _)| l);
        let before = matches!(kind, Some("Electricity" | "Natural gas" | "Water" | "Sewer"));
        let deadline = if before {
            i.move_in_date.checked_sub_days(Days::new(1)).unwrap_or(i.move_in_date)
        } else {
            i.move_in_date
        };
        let item = match entry_for(u, &i.entries) {
            Some(e) => {
                let provider = provider_named(&e.answer);
                let tips: Vec<String> =
                    sentences(&e.answer).into_iter().filter(|s| provider_named(s).is_none()).collect();
                UtilityItem {
                    utility: label(u),
                    provider: provider.clone(),
                    phone: phone_numbers(&e.answer).first().map(|p| format_phone(p)),
                    website: urls(&e.answer).into_iter().next(),
                    setup_deadline: deadline,
                    tips: if provider.is_none() {
                        format!("{} {ASK_THE_OFFICE}", e.answer.trim())
                    } else if tips.is_empty() {
                        "Put the account in your name before move-in.".into()
                    } else {
                        tips.join(" ")
                    },
                    source_entry_id: Some(e.id),
                }
            }
            None => UtilityItem {
                utility: label(u),
                provider: None,
                phone: None,
                website: None,
                setup_deadline: deadline,
                tips: ASK_THE_OFFICE.into(),
                source_entry_id: None,
            },
        };
        items.push(item);
    }
    let included: Vec<String> =
        i.included_utilities.iter().filter(|u| !u.trim().is_empty()).map(|u| label(u)).collect();
    let mut md = format!(
        "# Utility setup for {}, {}, {}\n\nMove-in: {}. Have each service active by its deadline.\n",
        i.unit_address.trim(),
        i.city.trim(),
        i.state.trim(),
        date(i.move_in_date)
    );
    let mut html = format!(
        "<h2>Utility setup for {}, {}, {}</h2>\n<p>Move-in: {}. Have each service active by its deadline.</p>\n",
        escape(i.unit_address.trim()),
        escape(i.city.trim()),
        escape(i.state.trim()),
        date(i.move_in_date)
    );
    if items.is_empty() {
        md.push_str("\nThe rent covers every utility: there is nothing to set up.\n");
        html.push_str("<p>The rent covers every utility: there is nothing to set up.</p>\n");
    } else {
        md.push_str("\n## Set up these utilities\n\n");
        html.push_str("<h3>Set up these utilities</h3>\n<ul>\n");
        for it in &items {
            let contact: Vec<String> =
                [it.provider.clone(), it.phone.clone(), it.website.clone()].into_iter().flatten().collect();
            let who = if contact.is_empty() { ASK_THE_OFFICE.to_string() } else { contact.join(" · ") };
            md.push_str(&format!("- [ ] **{}**: {} — active by {}\n", it.utility, who, date(it.setup_deadline)));
            if it.provider.is_some() {
                md.push_str(&format!("  - {}\n", it.tips));
            }
            html.push_str(&format!(
                "<li><strong>{}</strong>: {} — active by {}{}</li>\n",
                escape(&it.utility),
                escape(&who),
                date(it.setup_deadline),
                if it.provider.is_some() { format!("<br>{}", escape(&it.tips)) } else { String::new() }
            ));
        }
        html.push_str("</ul>\n");
    }
    if !included.is_empty() {
        md.push_str(&format!(
            "\n## Included in your rent\n\n{} — already included: do not set up a second account.\n",
            included.join(", ")
        ));
        html.push_str(&format!(
            "<h3>Included in your rent</h3>\n<p>{} — already included: do not set up a second account.</p>\n",
            escape(&included.join(", "))
        ));
    }
    let cost = format!(
        "Estimated monthly costs are not given here: ask each provider for an estimate for a {}-bedroom home.",
        i.bedrooms.max(0)
    );
    md.push_str(&format!("\n{cost}\n"));
    html.push_str(&format!("<p>{}</p>\n", escape(&cost)));
    UtilityGuide {
        guide_markdown: md,
        guide_html: html,
        items,
        included_in_rent: included,
        provider: "offline".into(),
        // Offline never estimates costs, and may not know every provider.
        needs_review: true,
    }
}

/// Checks a guide: every phone number and web address in it is one of the knowledge base's, and
/// every provider it names appears in the knowledge base.
pub fn check_guide(i: &UtilityGuideInput, o: &UtilityGuide) -> Result<(), String> {
    let kb: String = i
        .entries
        .iter()
        .filter(|e| e.is_active)
        .map(|e| format!("{} {}", e.question, e.answer))
        .collect::<Vec<_>>()
        .join("\n");
    let phones = phone_numbers(&kb);
    let sites = urls(&kb);
    let mut text = format!("{}\n{}", o.guide_markdown, o.guide_html);
    for it in &o.items {
        for v in [&it.phone, &it.website, &it.provider].into_iter().flatten() {
            text.push('\n');
            text.push_str(v);
        }
        text.push('\n');
        text.push_str(&it.tips);
    }
    for p in phone_numbers(&text) {
        if !phones.contains(&p) {
            return Err(format!(
                "The guide gives the phone number {p}, which is not in the property's knowledge base."
            ));
        }
    }
    for it in &o.items {
        if let Some(phone) = &it.phone {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            let digits = digits.strip_prefix('1').filter(|d| d.len() == 10).map_or(digits.clone(), str::to_string);
            if !phones.contains(&digits) {
                return Err(format!(
                    "The guide gives the phone number {phone}, which is not in the property's knowledge base."
                ));
            }
        }
    }
    for u in urls(&text) {
        if !sites.contains(&u) {
            return Err(format!("The guide links {u}, which is not in the property's knowledge base."));
        }
    }
    let kb_lower = kb.to_lowercase();
    for it in &o.items {
        if let Some(site) = &it.website {
            let s = site.to_lowercase();
            let s = s.trim_end_matches('/');
            if !sites.iter().any(|k| k == s) {
                return Err(format!("The guide links {site}, which is not in the property's knowledge base."));
            }
        }
        if let Some(p) = &it.provider {
            if !kb_lower.contains(&p.trim().to_lowercase()) {
                return Err(format!("The guide names the provider {p}, which the property's knowledge base does not."));
            }
        }
    }
    Ok(())
}

pub struct UtilityGuideTask;

impl Task for UtilityGuideTask {
    const NAME: &'static str = "onboarding_utility_guide";
    const DESCRIPTION: &'static str = "Personalised utility setup guide from the property's knowledge base (4.6)";
    type Input = UtilityGuideInput;
    type Output = UtilityGuide;

    fn system() -> String {
        "You write utility setup guides for new residential tenants. Providers, phone numbers and websites come only \
         from the property's knowledge base given; when it has none for a utility, say to ask the office. Mark any \
         cost as an estimate."
            .into()
    }

    fn prompt(i: &UtilityGuideInput) -> String {
        let kb: Vec<String> = i
            .entries
            .iter()
            .filter(|e| e.is_active && e.category == "utilities")
            .map(|e| format!("- id {} Q: {} A: {}", e.id, e.question, e.answer))
            .collect();
        format!(
            "Generate a personalized utility setup guide for a new tenant:\n- Address: {}\n- City/State: {}, {}\n- \
             Move-in date: {}\n- Utilities tenant is responsible for: {}\n- Utilities included in rent: {}\nFor each \
             tenant-responsible utility, provide:\n1. Provider name and phone number\n2. Website for new account \
             setup\n3. Estimated monthly cost for a {}BR unit\n4. Setup deadline (should be active by move-in date)\n5. \
             Any tips (e.g., \"Budget billing available\", \"Autopay discount\")\nFormat as a clear, actionable \
             checklist. Include a note about which\nutilities are already included in rent so they don't accidentally\n\
             set up duplicate service.\nThe property's knowledge base (the only source of providers, phone numbers and \
             websites):\n{}\nReturn JSON: {{\"guide_markdown\": \"...\", \"guide_html\": \"...\", \"items\": \
             [{{\"utility\": \"...\", \"provider\": null, \"phone\": null, \"website\": null, \"setup_deadline\": \
             \"YYYY-MM-DD\", \"tips\": \"...\", \"source_entry_id\": null}}], \"included_in_rent\": []}}",
            i.unit_address,
            i.city,
            i.state,
            i.move_in_date,
            if i.tenant_utilities.is_empty() { "none".into() } else { i.tenant_utilities.join(", ") },
            if i.included_utilities.is_empty() { "none".into() } else { i.included_utilities.join(", ") },
            i.bedrooms,
            if kb.is_empty() { "(no utilities entries)".into() } else { kb.join("\n") }
        )
    }

    fn output_schema() -> Value {
        let opt = json!({"type": ["string", "null"]});
        json!({"type": "object", "required": ["guide_markdown", "items", "included_in_rent"],
            "properties": {
                "guide_markdown": {"type": "string"}, "guide_html": {"type": "string"},
                "items": {"type": "array", "items": {"type": "object",
                    "required": ["utility", "setup_deadline", "tips"],
                    "properties": {"utility": {"type": "string"}, "provider": opt, "phone": opt, "website": opt,
                        "setup_deadline": {"type": "string", "format": "date"}, "tips": {"type": "string"},
                        "source_entry_id": {"type": ["string", "null"], "format": "uuid"}}}},
                "included_in_rent": {"type": "array", "items": {"type": "string"}}}})
    }

    fn check(i: &UtilityGuideInput, o: &UtilityGuide) -> Result<(), String> {
        check_guide(i, o)
    }

    fn offline(i: &UtilityGuideInput) -> Option<UtilityGuide> {
        Some(offline_guide(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input() -> UtilityGuideInput {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        UtilityGuideInput {
            unit_address: "120 Harbor Way, Unit 12B".into(),
            city: "Austin".into(),
            state: "TX".into(),
            move_in_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            tenant_utilities: vec!["electric".into(), "internet".into(), "renters cable TV".into()],
            included_utilities: vec!["water".into(), "sewer".into(), "trash".into()],
            bedrooms: 2,
            entries: super::super::faq::demo_entries(Uuid::from_u128(1), now),
        }
    }

    #[test]
    fn providers_come_only_from_the_knowledge_base() {
        let g = offline_guide(&input());
        let electric = &g.items[0];
        assert_eq!(electric.utility, "Electricity");
        assert_eq!(electric.provider.as_deref(), Some("Brightline Electric"));
        assert_eq!(electric.phone.as_deref(), Some("(555) 010-2200"));
        assert_eq!(electric.website.as_deref(), Some("https://brightline-electric.example/start"));
        assert_eq!(electric.setup_deadline, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert!(electric.tips.contains("Budget billing is available."));
        assert!(electric.source_entry_id.is_some());
        assert_eq!(g.items[1].provider.as_deref(), Some("FiberNest"));
        assert_eq!(g.items[1].setup_deadline, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        // Cable TV: the knowledge base names no provider for it.
        let cable = &g.items[2];
        assert_eq!((cable.utility.as_str(), cable.provider.as_ref(), cable.phone.as_ref()), ("Cable TV", None, None));
        assert_eq!(cable.tips, "Ask the office which provider serves this address.");
        assert_eq!(g.included_in_rent, vec!["Water", "Sewer", "Trash"]);
        assert!(g.guide_markdown.contains("Water, Sewer, Trash — already included"));
        assert!(g.guide_markdown.contains("- [ ] **Electricity**: Brightline Electric · (555) 010-2200"));
        assert!(g.guide_markdown.contains("not given here"));
        assert!(g.needs_review);
        assert!(UtilityGuideTask::check(&input(), &g).is_ok());
    }

    #[test]
    fn without_a_knowledge_base_every_utility_says_ask_the_office() {
        let mut i = input();
        i.entries.clear();
        let g = offline_guide(&i);
        assert!(g.items.iter().all(|it| it.provider.is_none() && it.tips == ASK_THE_OFFICE));
        assert!(phone_numbers(&g.guide_markdown).is_empty() && urls(&g.guide_markdown).is_empty());
        assert!(check_guide(&i, &g).is_ok());
    }

    #[test]
    fn a_model_guide_with_an_invented_phone_site_or_provider_is_refused() {
        let i = input();
        let g = offline_guide(&i);
        let mut bad = g.clone();
        bad.guide_markdown.push_str("\nCall Sparky Power at 555-010-9000.");
        assert!(check_guide(&i, &bad).unwrap_err().contains("5550109000"));
        let mut bad = g.clone();
        bad.items[2].website = Some("https://cable.example".into());
        assert!(check_guide(&i, &bad).unwrap_err().contains("https://cable.example"));
        let mut bad = g;
        bad.items[2].provider = Some("Sparky Cable".into());
        assert!(check_guide(&i, &bad).unwrap_err().contains("Sparky Cable"));
    }

    #[test]
    fn the_welcome_email_gets_one_line_per_named_provider() {
        assert_eq!(
            provider_lines(&input().entries),
            vec![
                "Electricity: Brightline Electric, (555) 010-2200",
                "Natural gas: Metro Gas Company, (555) 010-3300",
                "Internet: FiberNest, (555) 010-5500"
            ]
        );
    }
}
