//! The listing text (spec 4.1's LISTING_PROMPT) through the AI gateway, with its offline
//! equivalent: a headline of at most 80 characters and a description written only from the
//! unit and property record (bedrooms, bathrooms, square feet, the property's name and address,
//! the rent) and the rooms photographed. The offline text says it was drafted offline and is
//! marked for review; it never invents a feature, and a model's text stating a price other than
//! the rent is refused.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ai::prompts::Task;
use crate::format::money;

/// The spec's headline limit, in characters.
pub const MAX_HEADLINE: usize = 80;

/// What the listing is written from (all from the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingInput {
    pub bedrooms: i32,
    pub bathrooms: Decimal,
    pub sqft: i32,
    pub property_name: String,
    pub unit_number: String,
    /// `123 Main St, Springfield, IL` (empty parts left out).
    pub address: String,
    pub rent: Decimal,
    pub style: String,
    /// The rooms photographed, in photo order.
    pub rooms: Vec<String>,
    /// What each staged photo shows, as the staging step described it.
    pub photo_notes: Vec<String>,
    /// True when at least one photo is virtually staged (furniture is not included).
    pub virtually_staged: bool,
}

/// The listing text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingCopy {
    pub headline: String,
    pub description: String,
    #[serde(default)]
    pub key_features: Vec<String>,
    #[serde(default)]
    pub neighborhood_highlights: Vec<String>,
    /// True when a person should check the text before it is published.
    #[serde(default)]
    pub needs_review: bool,
}

/// The spec's prompt, filled from the record.
pub fn listing_prompt(i: &ListingInput) -> String {
    format!(
        "Based on these staged photos of a {bedrooms}BR/{bathrooms}BA\napartment ({sqft} sq ft) at {property_name}, write a \
         compelling rental listing.\nInclude:\n- Headline (max 80 chars)\n- Description (150-200 words)\n- Key features as \
         bullet points\n- Neighborhood highlights\nTone: Professional, inviting, aspirational.\nPrice point: ${rent}/month.",
        bedrooms = i.bedrooms,
        bathrooms = i.bathrooms.normalize(),
        sqft = i.sqft,
        property_name = i.property_name,
        rent = i.rent.round_dp(2),
    )
}

fn plural(n: impl std::fmt::Display + PartialEq<i32> + Copy, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The rooms photographed, each once, in order.
fn rooms(i: &ListingInput) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &i.rooms {
        let r = r.trim().to_lowercase();
        if !r.is_empty() && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The listing by rules, from the input alone.
pub fn offline_listing(i: &ListingInput) -> ListingCopy {
    let baths = i.bathrooms.normalize();
    let bb = format!("{}BR/{}BA", i.bedrooms, baths);
    let name = i.property_name.trim();
    let price = format!("{}/month", money(i.rent));
    let mut headline = if i.sqft > 0 {
        format!("{bb}, {} sq ft at {name} — {price}", i.sqft)
    } else {
        format!("{bb} at {name} — {price}")
    };
    if headline.chars().count() > MAX_HEADLINE {
        headline = format!("{bb} — {price}");
    }
    let unit =
        if i.unit_number.trim().is_empty() { String::new() } else { format!("Unit {} at ", i.unit_number.trim()) };
    let size = if i.sqft > 0 { format!(" of {} square feet", i.sqft) } else { String::new() };
    let mut d =
        format!("{unit}{name} is a {}-bedroom, {baths}-bathroom apartment{size}, offered at {price}.", i.bedrooms);
    if !i.address.trim().is_empty() {
        d.push_str(&format!(" The address is {}.", i.address.trim()));
    }
    let rooms = rooms(i);
    if !rooms.is_empty() {
        d.push_str(&format!(" The photos show the {}.", list(&rooms)));
    }
    if i.virtually_staged {
        d.push_str(&format!(
            " Some photos are virtually staged in a {} style to suggest a layout; the furniture shown is not included.",
            i.style
        ));
    }
    d.push_str(" Contact the leasing office to arrange a showing.");
    d.push_str(" (Drafted offline from the unit record: review and add the unit's features before publishing.)");
    let mut features = vec![
        plural(i.bedrooms, "bedroom", "bedrooms"),
        if baths == Decimal::ONE { "1 bathroom".into() } else { format!("{baths} bathrooms") },
    ];
    if i.sqft > 0 {
        features.push(format!("{} sq ft", i.sqft));
    }
    features.push(format!("{} a month", money(i.rent)));
    ListingCopy {
        headline,
        description: d,
        key_features: features,
        neighborhood_highlights: Vec::new(),
        needs_review: true,
    }
}

/// Checks a listing: a headline of at most 80 characters, a description, and every dollar
/// amount in it the rent.
pub fn check_listing(i: &ListingInput, o: &ListingCopy) -> Result<(), String> {
    let n = o.headline.trim().chars().count();
    if n == 0 {
        return Err("The listing has no headline.".into());
    }
    if n > MAX_HEADLINE {
        return Err(format!("The headline is {n} characters; keep it to {MAX_HEADLINE}."));
    }
    if o.description.trim().is_empty() {
        return Err("The listing has no description.".into());
    }
    let text = format!(
        "{} {} {} {}",
        o.headline,
        o.description,
        o.key_features.join(" "),
        o.neighborhood_highlights.join(" ")
    );
    for a in crate::figures::amounts(&text) {
        if a.round_dp(2) != i.rent.round_dp(2) {
            return Err(format!("The listing states {}, but the rent is {}.", money(a), money(i.rent)));
        }
    }
    Ok(())
}

pub struct ListingTask;

impl Task for ListingTask {
    const NAME: &'static str = "staging_listing";
    const DESCRIPTION: &'static str = "Rental listing headline and description from the staged photos (4.1)";
    type Input = ListingInput;
    type Output = ListingCopy;

    fn system() -> String {
        "You write rental listings for a residential property manager. Use only the facts given: never invent an \
         amenity, appliance, finish, view, fee or price. Virtually staged furniture is not part of the rental; do \
         not describe it as included. Neighborhood highlights only from the address given, or leave them empty."
            .into()
    }

    fn prompt(i: &ListingInput) -> String {
        format!(
            "{}\n\nFacts: unit {} at {}; address: {}; rooms photographed: {}; what the photos show: {}; \
             staging style: {}; virtually staged: {}.\nReturn JSON: {{\"headline\": \"...\", \"description\": \"...\", \
             \"key_features\": [\"...\"], \"neighborhood_highlights\": [\"...\"], \"needs_review\": false}}",
            listing_prompt(i),
            i.unit_number,
            i.property_name,
            if i.address.trim().is_empty() { "not given" } else { &i.address },
            list(&rooms(i)),
            if i.photo_notes.is_empty() { "not described".to_string() } else { i.photo_notes.join("; ") },
            i.style,
            if i.virtually_staged { "yes" } else { "no (photos are enhanced only)" },
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["headline", "description"],
            "properties": {"headline": {"type": "string", "maxLength": MAX_HEADLINE},
                "description": {"type": "string"},
                "key_features": {"type": "array", "items": {"type": "string"}},
                "neighborhood_highlights": {"type": "array", "items": {"type": "string"}},
                "needs_review": {"type": "boolean"}}})
    }

    fn check(i: &ListingInput, o: &ListingCopy) -> Result<(), String> {
        check_listing(i, o)
    }

    fn offline(i: &ListingInput) -> Option<ListingCopy> {
        Some(offline_listing(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ListingInput {
        ListingInput {
            bedrooms: 2,
            bathrooms: Decimal::new(15, 1),
            sqft: 850,
            property_name: "Cedar Court".into(),
            unit_number: "4B".into(),
            address: "12 Cedar Ave, Portland, OR".into(),
            rent: Decimal::from(1450),
            style: "modern".into(),
            rooms: vec!["Living room".into(), "kitchen".into(), "living room".into()],
            photo_notes: vec![],
            virtually_staged: false,
        }
    }

    #[test]
    fn the_prompt_is_the_spec_text_filled_from_the_record() {
        assert!(listing_prompt(&input()).starts_with(
            "Based on these staged photos of a 2BR/1.5BA\napartment (850 sq ft) at Cedar Court, write a compelling rental listing."
        ));
        assert!(listing_prompt(&input()).ends_with("Price point: $1450/month."));
    }

    #[test]
    fn the_offline_listing_states_only_the_record_and_asks_for_review() {
        let l = offline_listing(&input());
        assert_eq!(l.headline, "2BR/1.5BA, 850 sq ft at Cedar Court — $1,450.00/month");
        assert!(l.headline.chars().count() <= MAX_HEADLINE);
        assert_eq!(
            l.description,
            "Unit 4B at Cedar Court is a 2-bedroom, 1.5-bathroom apartment of 850 square feet, offered at \
             $1,450.00/month. The address is 12 Cedar Ave, Portland, OR. The photos show the living room and kitchen. \
             Contact the leasing office to arrange a showing. (Drafted offline from the unit record: review and add the \
             unit's features before publishing.)"
        );
        assert_eq!(l.key_features, ["2 bedrooms", "1.5 bathrooms", "850 sq ft", "$1,450.00 a month"]);
        assert!(l.neighborhood_highlights.is_empty(), "offline never invents a neighbourhood");
        assert!(l.needs_review);
        assert!(check_listing(&input(), &l).is_ok());
    }

    #[test]
    fn staged_photos_are_disclosed_and_a_long_name_keeps_the_headline_short() {
        let i = ListingInput { virtually_staged: true, property_name: "The Residences at ".repeat(5), ..input() };
        let l = offline_listing(&i);
        assert!(l.headline.chars().count() <= MAX_HEADLINE, "{}", l.headline);
        assert_eq!(l.headline, "2BR/1.5BA — $1,450.00/month");
        assert!(l.description.contains("virtually staged in a modern style"));
        assert!(l.description.contains("the furniture shown is not included"));
    }

    #[test]
    fn a_model_listing_with_a_long_headline_or_another_price_is_refused() {
        let i = input();
        let good = offline_listing(&i);
        let long = ListingCopy { headline: "x".repeat(81), ..good.clone() };
        assert!(check_listing(&i, &long).unwrap_err().contains("81 characters"));
        let cheap = ListingCopy { description: "Only $1,200 a month!".into(), ..good };
        assert!(check_listing(&i, &cheap).unwrap_err().contains("$1,200.00"));
    }
}
