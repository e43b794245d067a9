//! A person's edit of a listing (spec 5.1): its title, its description, and the order and
//! captions of the photos it already has. Pure: [`edited`] checks an edit against the listing
//! and returns the listing as it would be stored; the workflow (`workflow::edit`) loads, refuses
//! a leased unit's listing and writes.
//!
//! An edit never adds, drops or invents a photo (the order given must name each of the
//! listing's photos exactly once, by its `url`), and it never changes whether a photo is
//! virtually staged: every key of a photo other than its caption and order is kept as stored,
//! and a staged photo's caption always says so.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::model::Listing;
use super::optimize::LIMITS;

/// The longest caption kept.
pub const MAX_CAPTION: usize = 200;

/// One photo of an edit, in its new place: which photo (its `url`) and its caption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoEdit {
    pub url: String,
    #[serde(default)]
    pub caption: String,
}

/// The longest title a listing keeps, made or edited (each platform's copy is cut to its own
/// limit when published).
pub const MAX_TITLE: usize = 200;

pub fn max_title() -> usize {
    MAX_TITLE
}

/// The longest description an edit keeps: the longest any platform shows.
pub fn max_description() -> usize {
    LIMITS.iter().map(|l| l.description_char_limit).max().unwrap_or(2500)
}

fn text(field: &str, value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.contains('\0') {
        return Err(format!("{field}: must not contain a NUL character."));
    }
    if v.is_empty() {
        return Err(format!("{field}: required."));
    }
    let n = v.chars().count();
    if n > max {
        return Err(format!("{field}: at most {max} characters; this is {n}."));
    }
    Ok(v.to_string())
}

/// A caption as kept: trimmed, and on a virtually staged photo saying so.
pub fn caption_of(caption: &str, virtually_staged: bool) -> String {
    let c = caption.trim();
    if virtually_staged && !c.to_lowercase().contains("virtually staged") {
        format!("{c} (virtually staged)").trim().to_string()
    } else {
        c.to_string()
    }
}

fn url_of(photo: &Value) -> Option<&str> {
    photo.get("url").and_then(Value::as_str).map(str::trim)
}

/// `l` with `title`, `description` and its photos in the order of `photos` with their
/// captions, or why the edit is refused (the field named first).
pub fn edited(l: &Listing, title: &str, description: &str, photos: &[PhotoEdit]) -> Result<Listing, String> {
    let title = text("title", title, max_title())?;
    let description = text("description", description, max_description())?;
    let existing: Vec<Value> = l.photos.as_array().cloned().unwrap_or_default();
    if photos.len() != existing.len() {
        return Err(format!(
            "photos: the listing has {} photo{}; an edit names each of them once, in the new order ({} given).",
            existing.len(),
            if existing.len() == 1 { "" } else { "s" },
            photos.len()
        ));
    }
    let mut used = vec![false; existing.len()];
    let mut out = Vec::with_capacity(existing.len());
    for (i, p) in photos.iter().enumerate() {
        let url = p.url.trim();
        let Some(j) = (0..existing.len()).find(|&j| !used[j] && url_of(&existing[j]) == Some(url)) else {
            return Err(if existing.iter().any(|e| url_of(e) == Some(url)) {
                format!("photos[{i}]: {url} is named more than once.")
            } else {
                format!(
                    "photos[{i}]: {url} is not one of the listing's photos; an edit only reorders and captions them."
                )
            });
        };
        used[j] = true;
        if p.caption.contains('\0') {
            return Err(format!("photos[{i}].caption: must not contain a NUL character."));
        }
        let mut photo = existing[j].clone();
        let staged = photo.get("virtually_staged").and_then(Value::as_bool).unwrap_or(false);
        let caption = caption_of(&p.caption, staged);
        if caption.chars().count() > MAX_CAPTION {
            return Err(format!("photos[{i}].caption: at most {MAX_CAPTION} characters."));
        }
        let Some(fields) = photo.as_object_mut() else {
            return Err(format!("photos[{i}]: the stored photo is not a {{\"url\", \"caption\"}} entry."));
        };
        fields.insert("caption".into(), json!(caption));
        fields.insert("order".into(), json!(i));
        out.push(photo);
    }
    Ok(Listing { title, description, photos: Value::Array(out), ..l.clone() })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;

    fn listing(photos: Value) -> Listing {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap();
        Listing {
            id: Uuid::from_u128(1),
            unit_id: Uuid::from_u128(2),
            property_id: Uuid::from_u128(3),
            turnover_case_id: None,
            staging_project_id: None,
            status: "active".into(),
            asking_rent: Decimal::new(1850, 0),
            title: "2 Bed 1 Bath at Maple Court – Unit 4".into(),
            description: "A bright two-bedroom home.".into(),
            photos,
            amenities: vec![],
            pet_policy: String::new(),
            parking: String::new(),
            published_at: Some(now),
            delisted_at: None,
            total_views: 0,
            total_inquiries: 0,
            days_on_market: 0,
            is_stale: false,
            last_price_check: json!({}),
            competitor_analysis: json!({}),
            created_at: now,
            updated_at: now,
        }
    }

    fn three() -> Value {
        json!([
            {"url": "blob:a", "caption": "Living room (virtually staged)", "order": 0, "virtually_staged": true,
             "staging_photo_id": "p1", "original_url": "blob:a0"},
            {"url": "blob:b", "caption": "Kitchen", "order": 1},
            {"url": "blob:c", "caption": "Bedroom", "order": 2},
        ])
    }

    fn pe(url: &str, caption: &str) -> PhotoEdit {
        PhotoEdit { url: url.into(), caption: caption.into() }
    }

    /// The error of an edit of the three-photo listing, or "ok".
    fn check(title: &str, description: &str, photos: &[PhotoEdit], expected: &str) {
        let got = match edited(&listing(three()), title, description, photos) {
            Ok(_) => "ok".to_string(),
            Err(e) => e,
        };
        assert!(got.starts_with(expected), "{title:?} {photos:?}: {got}");
    }

    #[test]
    fn photos_are_reordered_and_recaptioned_keeping_everything_else() {
        let l = listing(three());
        let e = edited(
            &l,
            " Sunny 2 Bed ",
            "Freshly painted. ",
            &[pe("blob:c", " Main bedroom "), pe("blob:a", "Lounge"), pe("blob:b", "")],
        )
        .unwrap();
        assert_eq!((e.title.as_str(), e.description.as_str()), ("Sunny 2 Bed", "Freshly painted."));
        assert_eq!(
            e.photos,
            json!([
                {"url": "blob:c", "caption": "Main bedroom", "order": 0},
                {"url": "blob:a", "caption": "Lounge (virtually staged)", "order": 1, "virtually_staged": true,
                 "staging_photo_id": "p1", "original_url": "blob:a0"},
                {"url": "blob:b", "caption": "", "order": 2},
            ])
        );
        assert_eq!((e.id, e.status.as_str(), e.asking_rent), (l.id, "active", l.asking_rent));
    }

    #[test]
    fn a_staged_photo_keeps_saying_so_whatever_its_caption() {
        assert_eq!(caption_of("Living room", true), "Living room (virtually staged)");
        assert_eq!(caption_of("Living room — Virtually Staged", true), "Living room — Virtually Staged");
        assert_eq!(caption_of("  ", true), "(virtually staged)");
        assert_eq!(caption_of(" Kitchen ", false), "Kitchen");
    }

    #[test]
    fn an_edit_that_adds_drops_repeats_or_invents_a_photo_is_refused() {
        let ok = [pe("blob:a", ""), pe("blob:b", ""), pe("blob:c", "")];
        check("T", "D", &ok, "ok");
        check("T", "D", &ok[..2], "photos: the listing has 3 photos; an edit names each of them once");
        check(
            "T",
            "D",
            &[pe("blob:a", ""), pe("blob:b", ""), pe("blob:c", ""), pe("blob:d", "")],
            "photos: the listing has 3",
        );
        check(
            "T",
            "D",
            &[pe("blob:a", ""), pe("blob:a", ""), pe("blob:c", "")],
            "photos[1]: blob:a is named more than once.",
        );
        check(
            "T",
            "D",
            &[pe("blob:a", ""), pe("blob:b", ""), pe("https://x/y.jpg", "")],
            "photos[2]: https://x/y.jpg is not one",
        );
    }

    #[test]
    fn title_description_and_captions_are_checked_as_text() {
        let ok = [pe("blob:a", ""), pe("blob:b", ""), pe("blob:c", "")];
        check(" ", "D", &ok, "title: required.");
        check("T", "\n", &ok, "description: required.");
        check("T\0", "D", &ok, "title: must not contain a NUL character.");
        check(&"x".repeat(max_title()), "D", &ok, "ok");
        check(&"x".repeat(max_title() + 1), "D", &ok, "title: at most 200 characters");
        check("T", &"y".repeat(max_description() + 1), &ok, "description: at most 2500 characters");
        check(
            "T",
            "D",
            &[pe("blob:a", "a\0b"), pe("blob:b", ""), pe("blob:c", "")],
            "photos[0].caption: must not contain",
        );
        check(
            "T",
            "D",
            &[pe("blob:a", ""), pe("blob:b", &"c".repeat(201)), pe("blob:c", "")],
            "photos[1].caption: at most 200",
        );
    }

    #[test]
    fn a_listing_without_photos_takes_an_empty_order_and_a_malformed_entry_is_refused() {
        assert!(edited(&listing(json!([])), "T", "D", &[]).is_ok());
        assert!(edited(&listing(Value::Null), "T", "D", &[]).is_ok());
        let bad = listing(json!(["blob:a"]));
        assert!(edited(&bad, "T", "D", &[pe("blob:a", "")]).unwrap_err().starts_with("photos[0]: blob:a is not one"));
    }

    #[test]
    fn the_virtually_staged_flag_cannot_be_sent_in_an_edit() {
        let sent = json!({"url": "blob:b", "caption": "Kitchen", "virtually_staged": true});
        assert!(serde_json::from_value::<PhotoEdit>(sent).is_err());
    }
}
