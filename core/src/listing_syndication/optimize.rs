//! Per-platform content (LISTING_OPTIMIZATION_PROMPT). [`LIMITS`] holds each platform's title
//! and description limits (conservative figures of our own, below what the platforms accept)
//! and the tone its audience expects. The offline optimizer writes a title and description in
//! that tone within the limits (trimmed at a word boundary), front-loading only keywords that
//! are true of the unit: its amenities, a pet policy that allows pets, the neighbourhood (the
//! property's city), and "move-in ready" for a vacant unit.
//!
//! `seo_score` (0–100) is the sum of:
//!
//! - 40 × the share of `keywords_used` in the first 160 characters of the description;
//! - 30 × the share of them in the title (capped at 1 with two or more);
//! - 20 when the description ends with a call to action;
//! - 10 when the title states the bedrooms and the rent.
//!
//! With no keyword true of the unit the first two parts are 0.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ai::prompts::Task;
use crate::format::money;

/// One platform's constraints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformLimits {
    pub platform: &'static str,
    pub title_char_limit: usize,
    pub description_char_limit: usize,
    pub tone: Tone,
    pub audience_profile: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Professional,
    Casual,
    Conversational,
}

pub const LIMITS: &[PlatformLimits] = &[
    PlatformLimits {
        platform: "zillow",
        title_char_limit: 80,
        description_char_limit: 2500,
        tone: Tone::Professional,
        audience_profile: "renters comparing homes by neighbourhood and amenities; professional tone",
    },
    PlatformLimits {
        platform: "apartments_com",
        title_char_limit: 80,
        description_char_limit: 2000,
        tone: Tone::Professional,
        audience_profile: "apartment hunters filtering by amenities; professional tone",
    },
    PlatformLimits {
        platform: "zumper",
        title_char_limit: 70,
        description_char_limit: 1500,
        tone: Tone::Professional,
        audience_profile: "mobile renters who apply fast; short and factual",
    },
    PlatformLimits {
        platform: "facebook",
        title_char_limit: 100,
        description_char_limit: 1000,
        tone: Tone::Conversational,
        audience_profile: "local renters browsing Marketplace; friendly, conversational",
    },
    PlatformLimits {
        platform: "craigslist",
        title_char_limit: 70,
        description_char_limit: 2000,
        tone: Tone::Casual,
        audience_profile: "budget-minded local renters; casual and direct",
    },
    PlatformLimits {
        platform: "realtor_com",
        title_char_limit: 80,
        description_char_limit: 2000,
        tone: Tone::Professional,
        audience_profile: "renters who also browse homes for sale; professional tone",
    },
    PlatformLimits {
        platform: "hotpads",
        title_char_limit: 60,
        description_char_limit: 1500,
        tone: Tone::Casual,
        audience_profile: "map-first urban renters; brief and casual",
    },
    PlatformLimits {
        platform: "trulia",
        title_char_limit: 80,
        description_char_limit: 2000,
        tone: Tone::Professional,
        audience_profile: "neighbourhood-focused renters; professional tone",
    },
    PlatformLimits {
        platform: "rent_com",
        title_char_limit: 80,
        description_char_limit: 2000,
        tone: Tone::Conversational,
        audience_profile: "renters looking for deals; warm and clear",
    },
];

pub fn limits(platform: &str) -> Option<&'static PlatformLimits> {
    LIMITS.iter().find(|l| l.platform == platform)
}

/// `text` cut to at most `max` characters at a word boundary (never mid-word unless a single
/// word is longer than `max`), trailing punctuation and spaces removed.
pub fn trim_to(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max + 1).collect();
    let head = match cut.rfind(char::is_whitespace) {
        Some(i) if i > 0 => &cut[..i],
        _ => return text.chars().take(max).collect(),
    };
    head.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–".contains(c)).to_string()
}

/// What a listing's content is written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizeInput {
    pub platform_name: String,
    pub title: String,
    pub description: String,
    pub rent: Decimal,
    pub bedrooms: i32,
    pub bathrooms: Decimal,
    pub sqft: i32,
    pub amenities: Vec<String>,
    pub pet_policy: String,
    /// The property's city (for "near …"); empty when unknown.
    pub neighborhood: String,
    /// The unit is vacant (and so move-in ready).
    pub vacant: bool,
}

/// The prompt's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Optimized {
    pub optimized_title: String,
    pub optimized_description: String,
    pub keywords_used: Vec<String>,
    pub seo_score: i32,
}

/// An amenity code as searched (`in_unit_laundry` → `in-unit laundry`).
pub fn amenity_keyword(code: &str) -> String {
    match code.trim() {
        "in_unit_laundry" => "in-unit laundry".into(),
        "updated_kitchen" => "updated kitchen".into(),
        "ac" | "air_conditioning" => "air conditioning".into(),
        other => other.replace('_', " ").to_lowercase(),
    }
}

/// Whether a pet policy allows pets ("cats ok", "pets allowed"; not "no pets").
pub fn allows_pets(policy: &str) -> bool {
    let p = policy.trim().to_lowercase();
    !p.is_empty() && !p.starts_with("no") && !p.contains("no pets") && !p.contains("not allowed")
}

/// The keywords true of the unit, the most searched first.
pub fn true_keywords(i: &OptimizeInput) -> Vec<String> {
    let mut out = Vec::new();
    if allows_pets(&i.pet_policy) {
        out.push("pet-friendly".to_string());
    }
    let codes: Vec<String> = i.amenities.iter().map(|a| amenity_keyword(a)).filter(|a| !a.is_empty()).collect();
    for preferred in ["in-unit laundry", "updated kitchen"] {
        if codes.iter().any(|c| c == preferred) {
            out.push(preferred.into());
        }
    }
    for c in codes {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if i.vacant {
        out.push("move-in ready".into());
    }
    if !i.neighborhood.trim().is_empty() {
        out.push(format!("near {}", i.neighborhood.trim()));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn cta(tone: Tone) -> &'static str {
    match tone {
        Tone::Professional => "Contact us today to schedule a tour.",
        Tone::Casual => "Message me to set up a showing.",
        Tone::Conversational => "Send us a message and we'll set up a time for you to see it!",
    }
}

fn baths(b: Decimal) -> String {
    b.normalize().to_string()
}

/// The offline optimizer (deterministic; never a fact not in the input).
pub fn offline(i: &OptimizeInput) -> Optimized {
    let l = limits(&i.platform_name).copied().unwrap_or(LIMITS[0]);
    let keywords = true_keywords(i);
    let top: Vec<String> = keywords.iter().take(2).map(|k| capitalize(k)).collect();
    let rent = money(i.rent);
    let (bd, ba) = (i.bedrooms, baths(i.bathrooms));
    let title = match l.tone {
        Tone::Professional => format!("{bd} Bed {ba} Bath – {rent}/mo – {}", top.join(", ")),
        Tone::Casual => format!("{rent} / {bd}br - {}", top.join(", ").to_lowercase()),
        Tone::Conversational => format!("{bd}BR for rent at {rent}/mo – {}!", top.join(" & ").to_lowercase()),
    };
    let title = trim_to(title.trim_end_matches([' ', '–', '-', '!']), l.title_char_limit);
    let opener = match l.tone {
        Tone::Professional => format!("{bd}-bedroom, {ba}-bathroom home, {} sq ft, at {rent}/month.", i.sqft),
        Tone::Casual => format!("{bd}br/{ba}ba, {} sq ft, {rent}/month.", i.sqft),
        Tone::Conversational => format!("Hi! This {bd}-bedroom, {ba}-bath place ({} sq ft) is {rent}/month.", i.sqft),
    };
    let features = if keywords.is_empty() { String::new() } else { format!(" Highlights: {}.", keywords.join(", ")) };
    let close = format!(" {}", cta(l.tone));
    let head = format!("{opener}{features}");
    let room = l.description_char_limit.saturating_sub(head.chars().count() + close.chars().count() + 1);
    let body = trim_to(&i.description, room);
    let description = if body.is_empty() { format!("{head}{close}") } else { format!("{head} {body}{close}") };
    let description = trim_to(&description, l.description_char_limit);
    let seo_score = seo_score(&title, &description, &keywords, i);
    Optimized { optimized_title: title, optimized_description: description, keywords_used: keywords, seo_score }
}

/// The formula in the module's documentation.
pub fn seo_score(title: &str, description: &str, keywords: &[String], i: &OptimizeInput) -> i32 {
    let (t, d) = (title.to_lowercase(), description.to_lowercase());
    let front: String = d.chars().take(160).collect();
    let mut score = 0.0;
    if !keywords.is_empty() {
        let n = keywords.len() as f64;
        let in_front = keywords.iter().filter(|k| front.contains(&k.to_lowercase())).count() as f64;
        score += 40.0 * in_front / n;
        let in_title = keywords.iter().filter(|k| t.contains(&k.to_lowercase())).count() as f64;
        score += 30.0 * (in_title / n.min(2.0)).min(1.0);
    }
    if ["contact us", "message me", "send us a message", "schedule a tour"].iter().any(|c| d.contains(c)) {
        score += 20.0;
    }
    let rent = money(i.rent);
    if t.contains(&i.bedrooms.to_string()) && title.contains(&rent) {
        score += 10.0;
    }
    score.round() as i32
}

pub struct ListingOptimization;

impl Task for ListingOptimization {
    const NAME: &'static str = "listing_optimization";
    const DESCRIPTION: &'static str = "Optimize a rental listing's title and description for one platform (5.1)";
    type Input = OptimizeInput;
    type Output = Optimized;

    fn system() -> String {
        "You write rental listings. State only facts given in the listing; never invent an amenity, a price, a \
         distance or a policy. Stay within the platform's character limits."
            .into()
    }

    fn prompt(i: &OptimizeInput) -> String {
        let l = limits(&i.platform_name).copied().unwrap_or(LIMITS[0]);
        format!(
            "Optimize this rental listing for {}.\nOriginal listing:\nTitle: {}\nDescription: {}\nRent: ${}/month\n\
             Bedrooms: {} | Bathrooms: {} | Sqft: {}\nAmenities: {}\nPet Policy: {}\nPlatform constraints:\n- Title \
             max: {} characters\n- Description max: {} characters\n- Platform audience: {}\nRules:\n1. Front-load the \
             most searched keywords for this platform:\n\"pet-friendly\", \"in-unit laundry\", \"spacious\", \
             \"updated kitchen\",\n\"near {}\", \"move-in ready\"\n2. Use platform-appropriate tone (Zillow=professional, \
             Craigslist=casual,\nFacebook=conversational)\n3. Highlight differentiators vs typical listings in this \
             price range\n4. Include a clear call-to-action\nOnly use a keyword that is true of this unit: {}.\nReturn \
             JSON:\n{{\n\"optimized_title\": \"string\",\n\"optimized_description\": \"string\",\n\"keywords_used\": \
             [\"string\"],\n\"seo_score\": 0-100\n}}",
            super::model::platform_label(&i.platform_name),
            i.title,
            i.description,
            i.rent,
            i.bedrooms,
            i.bathrooms,
            i.sqft,
            i.amenities.join(", "),
            i.pet_policy,
            l.title_char_limit,
            l.description_char_limit,
            l.audience_profile,
            if i.neighborhood.is_empty() { "the neighborhood" } else { &i.neighborhood },
            true_keywords(i).join(", "),
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["optimized_title", "optimized_description", "keywords_used", "seo_score"],
            "properties": {"optimized_title": {"type": "string"}, "optimized_description": {"type": "string"},
                "keywords_used": {"type": "array", "items": {"type": "string"}},
                "seo_score": {"type": "integer", "minimum": 0, "maximum": 100}}})
    }

    /// Within the limits, and only keywords true of the unit.
    fn check(i: &OptimizeInput, out: &Optimized) -> Result<(), String> {
        let l = limits(&i.platform_name).copied().unwrap_or(LIMITS[0]);
        if out.optimized_title.chars().count() > l.title_char_limit {
            return Err(format!("optimized_title is longer than {} characters", l.title_char_limit));
        }
        if out.optimized_description.chars().count() > l.description_char_limit {
            return Err(format!("optimized_description is longer than {} characters", l.description_char_limit));
        }
        let allowed = true_keywords(i);
        if let Some(k) = out.keywords_used.iter().find(|k| !allowed.iter().any(|a| a.eq_ignore_ascii_case(k))) {
            return Err(format!("keyword '{k}' is not true of this unit (allowed: {})", allowed.join(", ")));
        }
        Ok(())
    }

    fn offline(i: &OptimizeInput) -> Option<Optimized> {
        Some(offline(i))
    }
}
