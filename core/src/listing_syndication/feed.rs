//! The MITS ILS feed (a MITS 4.x style `PhysicalProperty` document): what rental platforms
//! ingest. One `Property` per property with at least one active listing; one `ILS_Unit` per
//! active listing with its unit (`MarketingName`, `UnitBedrooms`, `UnitBathrooms`,
//! `MinSquareFeet`, `MarketRent`, `EffectiveRent`), `Availability` and a `File` per photo.
//! Only listings with status `active` are written. A virtually staged photo carries
//! `<Description>Virtually staged</Description>` and a caption starting "Virtually staged".

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::model::Listing;
use crate::model::{Property, Unit};

/// The caption prefix (and `Description`) of a virtually staged photo.
pub const STAGED: &str = "Virtually staged";

/// XML text and attribute escaping.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// One listing in the feed with its unit and property.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub listing: Listing,
    pub unit: Unit,
    pub property: Property,
}

/// A photo of a listing as the feed writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPhoto {
    pub url: String,
    pub caption: String,
    pub order: i64,
    pub staged: bool,
}

/// The listing's photos (`[{"url", "caption", "order", "virtually_staged"}]`), by order; a
/// photo without a URL is skipped.
pub fn photos(v: &Value) -> Vec<FeedPhoto> {
    let mut out: Vec<FeedPhoto> = v
        .as_array()
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let url = p.get("url")?.as_str()?.trim().to_string();
                    (!url.is_empty()).then(|| FeedPhoto {
                        url,
                        caption: p.get("caption").and_then(Value::as_str).unwrap_or("").trim().to_string(),
                        order: p.get("order").and_then(Value::as_i64).unwrap_or(i as i64),
                        staged: p.get("virtually_staged").and_then(Value::as_bool).unwrap_or(false),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|p| p.order);
    out
}

fn ymd(tag: &str, d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("<{tag} Month=\"{}\" Day=\"{}\" Year=\"{}\"/>", d.month(), d.day(), d.year())
}

/// The feed document for `entries` (listings that are not active are left out).
pub fn mits_feed(entries: &[FeedEntry], generated_at: DateTime<Utc>) -> String {
    let mut by_property: BTreeMap<Uuid, Vec<&FeedEntry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.listing.status == "active") {
        by_property.entry(e.property.id).or_default().push(e);
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<PhysicalProperty xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" Version=\"4.0\" \
         Generated=\"{}\">",
        generated_at.format("%Y-%m-%dT%H:%M:%SZ")
    );
    for list in by_property.values() {
        let p = &list[0].property;
        x.push_str("  <Property>\n    <PropertyID>\n");
        let _ = writeln!(
            x,
            "      <Identification IDValue=\"{}\" IDType=\"PropertyID\" OrganizationName=\"UnitCycle\"/>",
            p.id
        );
        let _ = writeln!(x, "      <MarketingName>{}</MarketingName>", escape(&p.name));
        let _ = writeln!(
            x,
            "      <Address AddressType=\"property\"><AddressLine1>{}</AddressLine1><City>{}</City><State>{}</State>\
             <PostalCode>{}</PostalCode></Address>",
            escape(&p.address),
            escape(&p.city),
            escape(&p.state),
            escape(&p.zip_code)
        );
        x.push_str("    </PropertyID>\n");
        let mut sorted = list.clone();
        sorted.sort_by(|a, b| a.unit.unit_number.cmp(&b.unit.unit_number).then(a.listing.id.cmp(&b.listing.id)));
        for e in sorted {
            write_unit(&mut x, e);
        }
        x.push_str("  </Property>\n");
    }
    x.push_str("</PhysicalProperty>\n");
    x
}

fn write_unit(x: &mut String, e: &FeedEntry) {
    let (l, u) = (&e.listing, &e.unit);
    let rent = format!("{:.2}", l.asking_rent.round_dp(2));
    let _ = writeln!(x, "    <ILS_Unit IDValue=\"{}\">", l.id);
    x.push_str("      <Units>\n        <Unit>\n");
    let _ = writeln!(x, "          <Identification IDValue=\"{}\" IDType=\"UnitID\"/>", u.id);
    let _ = writeln!(x, "          <MarketingName>{}</MarketingName>", escape(&u.unit_number));
    let _ = writeln!(x, "          <UnitBedrooms>{}</UnitBedrooms>", u.bedrooms);
    let _ = writeln!(x, "          <UnitBathrooms>{}</UnitBathrooms>", u.bathrooms.normalize());
    let _ = writeln!(x, "          <MinSquareFeet>{}</MinSquareFeet>", u.square_feet);
    let _ = writeln!(x, "          <MaxSquareFeet>{}</MaxSquareFeet>", u.square_feet);
    let _ = writeln!(x, "          <MarketRent>{rent}</MarketRent>");
    let _ = writeln!(x, "          <EffectiveRent Min=\"{rent}\" Max=\"{rent}\"/>");
    x.push_str("        </Unit>\n      </Units>\n");
    let _ = writeln!(x, "      <Title>{}</Title>", escape(&l.title));
    let _ = writeln!(x, "      <Description>{}</Description>", escape(&l.description));
    x.push_str("      <Availability>\n        <VacancyClass>Unoccupied</VacancyClass>\n");
    if let Some(p) = l.published_at {
        let _ = writeln!(x, "        {}", ymd("MadeReadyDate", p.date_naive()));
    }
    x.push_str("      </Availability>\n");
    if !l.amenities.is_empty() {
        x.push_str("      <Amenities>\n");
        for a in &l.amenities {
            let _ = writeln!(x, "        <Amenity><Description>{}</Description></Amenity>", escape(a));
        }
        x.push_str("      </Amenities>\n");
    }
    if !l.pet_policy.trim().is_empty() {
        let _ = writeln!(x, "      <Policy><Pet><Comment>{}</Comment></Pet></Policy>", escape(l.pet_policy.trim()));
    }
    for (i, p) in photos(&l.photos).iter().enumerate() {
        let caption = match (p.staged, p.caption.is_empty()) {
            (true, true) => STAGED.to_string(),
            (true, false) => format!("{STAGED} – {}", p.caption),
            (false, _) => p.caption.clone(),
        };
        let _ = writeln!(x, "      <File Active=\"true\" FileID=\"{}-{i}\">", l.id);
        x.push_str("        <FileType>Photo</FileType>\n");
        if p.staged {
            let _ = writeln!(x, "        <Description>{STAGED}</Description>");
        }
        let _ = writeln!(x, "        <Caption>{}</Caption>", escape(&caption));
        let _ = writeln!(x, "        <Src>{}</Src>", escape(&p.url));
        let _ = writeln!(x, "        <Rank>{}</Rank>", p.order);
        x.push_str("      </File>\n");
    }
    x.push_str("    </ILS_Unit>\n");
}
