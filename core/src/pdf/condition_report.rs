//! The move-in condition report (spec 4.4: "PDF condition report with all photos, ratings,
//! signatures"): a cover with the parties and the summary, one section per room with every
//! item's rating, who gave it, notes and pre-existing issues, the room's photo thumbnails
//! with their quality verdicts, then the completeness statement and both signatures.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{colors, Doc, Face, PdfError, MARGIN, PAGE_W};
use crate::inspections::{self, quality, InspectionDetail, InspectionStatus, MoveInPhoto, RoomCondition};
use crate::model::{Property, Unit};

/// Everything the report shows. Photos and signatures are the blob bytes, looked up by the
/// caller; a photo missing on this device is shown as a labelled empty frame.
pub struct ReportInput<'a> {
    pub detail: &'a InspectionDetail,
    pub property: &'a Property,
    pub unit: &'a Unit,
    pub tenant_name: &'a str,
    pub lease_number: &'a str,
    pub photos: &'a HashMap<Uuid, Vec<u8>>,
    pub tenant_signature: Option<&'a [u8]>,
    pub manager_signature: Option<&'a [u8]>,
    pub generated_at: DateTime<Utc>,
}

const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

/// A time as the property's clock shows it ("2026-03-01 07:00 PST"): the tenant and the
/// manager signed there. A zone that does not parse (refused on entry) falls back to UTC.
fn stamp(t: DateTime<Utc>, zone: &str) -> String {
    match crate::time::zone(zone) {
        Ok(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

fn condition_color(c: RoomCondition) -> (u8, u8, u8) {
    match c {
        RoomCondition::Excellent | RoomCondition::Good => colors::TEAL,
        RoomCondition::Fair => colors::GOLD,
        RoomCondition::Poor | RoomCondition::Damaged => colors::RED,
        RoomCondition::NotInspected => colors::MUTED,
    }
}

/// Builds the report. Pure: the same input gives the same bytes.
pub fn condition_report(input: &ReportInput<'_>) -> Result<Vec<u8>, PdfError> {
    let i = &input.detail.inspection;
    let footer = format!(
        "UnitCycle move-in condition report - {} unit {} - inspection {}",
        input.property.name,
        input.unit.unit_number,
        &i.id.to_string()[..8]
    );
    let mut d = Doc::new("Move-In Condition Report", &footer, input.generated_at)?;
    cover(&mut d, input);
    for rd in &input.detail.rooms {
        room_section(&mut d, input, rd);
    }
    closing(&mut d, input);
    Ok(d.finish())
}

fn label_value(d: &mut Doc, x: f32, label: &str, value: &str, face: Face) {
    let y = d.y;
    d.text_at(x, y, label, Face::Body, 8.5, colors::MUTED, false);
    d.text_at(x, y + 12.0, value, face, 11.0, colors::INK, false);
}

fn cover(d: &mut Doc, input: &ReportInput<'_>) {
    let i = &input.detail.inspection;
    let p = input.property;
    d.fill_rect(0.0, 0.0, PAGE_W, 150.0, colors::NAVY);
    d.fill_rect(0.0, 150.0, PAGE_W, 4.0, colors::GOLD);
    d.text_at(MARGIN, 44.0, "MOVE-IN CONDITION REPORT", Face::Heading, 11.0, colors::GOLD, true);
    d.text_at(
        MARGIN,
        64.0,
        &format!("{} - Unit {}", p.name, input.unit.unit_number),
        Face::Heading,
        22.0,
        colors::WHITE,
        true,
    );
    let address = [p.address.as_str(), p.city.as_str(), &format!("{} {}", p.state, p.zip_code)]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    d.text_at(MARGIN, 98.0, &address, Face::Body, 11.0, colors::WHITE, false);
    let status = if i.status == InspectionStatus::Finalized { "FINALIZED" } else { "DRAFT - NOT FINALIZED" };
    d.text_right(PAGE_W - MARGIN, 44.0, status, Face::Mono, 9.0, colors::GOLD, false);

    d.y = 180.0;
    let col = CONTENT_W / 3.0;
    label_value(d, MARGIN, "Tenant", input.tenant_name, Face::Body);
    label_value(d, MARGIN + col, "Lease", input.lease_number, Face::Mono);
    label_value(d, MARGIN + 2.0 * col, "Inspection date", &i.inspection_date.to_string(), Face::Mono);
    d.y += 38.0;
    let beds = format!("{} bd / {} ba - {} sq ft", input.unit.bedrooms, input.unit.bathrooms, input.unit.square_feet);
    label_value(d, MARGIN, "Inspector", &i.inspector_name, Face::Body);
    label_value(d, MARGIN + col, "Unit", &beds, Face::Body);
    label_value(
        d,
        MARGIN + 2.0 * col,
        "Report generated",
        &stamp(input.generated_at, &input.property.time_zone),
        Face::Mono,
    );
    d.y += 50.0;

    // Summary panel.
    let top = d.y;
    d.fill_rect(MARGIN, top, CONTENT_W, 118.0, colors::PANEL);
    d.text_at(MARGIN + 16.0, top + 14.0, "Overall condition score", Face::Body, 9.0, colors::MUTED, false);
    let score = i.overall_condition_score.map_or("-".to_string(), |s| format!("{s:.1}"));
    d.text_at(MARGIN + 16.0, top + 30.0, &score, Face::Mono, 30.0, colors::NAVY, true);
    d.text_at(MARGIN + 16.0, top + 70.0, "out of 100, from the rated items", Face::Body, 8.5, colors::MUTED, false);
    let (completeness_text, completeness_colour) = completeness_badge(&inspections::completeness(input.detail));
    d.text_at(MARGIN + 16.0, top + 90.0, &completeness_text, Face::Mono, 10.0, completeness_colour, true);

    let counts = [
        ("Excellent", i.items_excellent),
        ("Good", i.items_good),
        ("Fair", i.items_fair),
        ("Poor", i.items_poor),
        ("Damaged", i.items_damaged),
        ("Items rated", i.total_items_documented),
    ];
    let (lx, rx) = (MARGIN + CONTENT_W * 0.55, MARGIN + CONTENT_W - 16.0);
    for (n, (label, count)) in counts.iter().enumerate() {
        let y = top + 12.0 + n as f32 * 16.0;
        d.text_at(lx, y, label, Face::Body, 10.0, colors::INK, n == counts.len() - 1);
        d.text_right(rx, y, &count.to_string(), Face::Mono, 10.0, colors::INK, n == counts.len() - 1);
    }
    d.y = top + 140.0;

    // Rooms at a glance.
    d.text_at(MARGIN, d.y, "Rooms", Face::Heading, 13.0, colors::NAVY, true);
    d.y += 24.0;
    for rd in &input.detail.rooms {
        let r = &rd.room;
        let y = d.y;
        d.text_at(MARGIN, y, &r.room_name, Face::Body, 10.0, colors::INK, false);
        let rated = rd.items.iter().filter(|it| it.rating().is_some()).count();
        let facts = format!("{} photos - {}/{} items rated", r.photo_count, rated, rd.items.len());
        d.text_at(MARGIN + 190.0, y, &facts, Face::Mono, 9.0, colors::MUTED, false);
        d.text_right(
            PAGE_W - MARGIN,
            y,
            r.overall_condition.label(),
            Face::Body,
            10.0,
            condition_color(r.overall_condition),
            true,
        );
        d.rule(MARGIN, PAGE_W - MARGIN, y + 16.0, colors::RULE, 0.5);
        d.y += 21.0;
    }
}

fn room_section(d: &mut Doc, input: &ReportInput<'_>, rd: &inspections::RoomDetail) {
    let r = &rd.room;
    d.new_page();
    d.fill_rect(MARGIN, d.y, 4.0, 26.0, colors::GOLD);
    let y = d.y;
    d.text_at(MARGIN + 12.0, y + 3.0, &r.room_name, Face::Heading, 18.0, colors::NAVY, true);
    d.text_right(
        PAGE_W - MARGIN,
        y + 8.0,
        r.overall_condition.label(),
        Face::Body,
        12.0,
        condition_color(r.overall_condition),
        true,
    );
    d.y += 38.0;
    if !r.notes.is_empty() {
        d.paragraph(MARGIN, CONTENT_W, &format!("Notes: {}", r.notes), Face::Body, 10.0, colors::INK);
        d.y += 6.0;
    }

    // Items table.
    let (x_rating, x_by) = (MARGIN + 230.0, MARGIN + 310.0);
    let header = |d: &mut Doc| {
        let y = d.y;
        d.text_at(MARGIN, y, "ITEM", Face::Body, 8.0, colors::MUTED, true);
        d.text_at(x_rating, y, "RATING", Face::Body, 8.0, colors::MUTED, true);
        d.text_at(x_by, y, "RATED BY", Face::Body, 8.0, colors::MUTED, true);
        d.rule(MARGIN, PAGE_W - MARGIN, y + 13.0, colors::RULE, 0.75);
        d.y += 18.0;
    };
    header(d);
    for it in &rd.items {
        if d.ensure(30.0) {
            header(d);
        }
        let y = d.y;
        d.text_at(MARGIN, y, &it.item_label, Face::Body, 10.0, colors::INK, false);
        let (rating, color) = match it.rating() {
            Some(rt) => (rt.label().to_string(), condition_color(rt.into())),
            None => ("Not rated".to_string(), colors::RED),
        };
        d.text_at(x_rating, y, &rating, Face::Body, 10.0, color, true);
        let by = match it.rated_by() {
            "" => "-".to_string(),
            "human" if it.condition_rating.is_some() => {
                format!("inspector (override of {} {})", it.ai_provider, it.condition_rating.map_or("", |c| c.as_str()))
            }
            "human" => "inspector".to_string(),
            provider => format!("{provider} (AI)"),
        };
        d.text_at(x_by, y, &by, Face::Body, 9.0, colors::MUTED, false);
        d.y += 15.0;
        let indent = MARGIN + 12.0;
        if !it.human_notes.is_empty() {
            d.paragraph(indent, CONTENT_W - 12.0, &format!("Notes: {}", it.human_notes), Face::Body, 9.0, colors::INK);
        }
        if !it.ai_description.is_empty() {
            d.paragraph(indent, CONTENT_W - 12.0, &it.ai_description, Face::Body, 9.0, colors::MUTED);
        }
        for issue in &it.ai_pre_existing_issues {
            let mut text = format!("Pre-existing ({}): {}", issue.severity.label(), issue.description);
            if !issue.dimensions.is_empty() {
                text.push_str(&format!(" - {}", issue.dimensions));
            }
            if !issue.location.is_empty() {
                text.push_str(&format!(" - at {}", issue.location));
            }
            d.paragraph(indent, CONTENT_W - 12.0, &text, Face::Body, 9.0, colors::RED);
        }
        let y = d.y;
        d.rule(MARGIN, PAGE_W - MARGIN, y + 1.0, colors::PANEL, 0.5);
        d.y += 6.0;
    }

    // Photos, three to a row.
    d.y += 10.0;
    d.ensure(40.0);
    let y = d.y;
    d.text_at(MARGIN, y, &format!("Photos ({})", rd.photos.len()), Face::Heading, 12.0, colors::NAVY, true);
    d.y += 22.0;
    if rd.photos.is_empty() {
        d.paragraph(MARGIN, CONTENT_W, "No photos were taken of this room.", Face::Body, 10.0, colors::RED);
        return;
    }
    let gap = 12.0;
    let cell_w = (CONTENT_W - 2.0 * gap) / 3.0;
    let img_h = cell_w * 0.75;
    let row_h = img_h + 40.0;
    for row in rd.photos.chunks(3) {
        d.ensure(row_h);
        let top = d.y;
        for (n, photo) in row.iter().enumerate() {
            let x = MARGIN + n as f32 * (cell_w + gap);
            thumbnail(d, input, photo, x, top, cell_w, img_h);
        }
        d.y = top + row_h;
    }
}

fn thumbnail(d: &mut Doc, input: &ReportInput<'_>, photo: &MoveInPhoto, x: f32, top: f32, w: f32, h: f32) {
    let decoded = input.photos.get(&photo.id).and_then(|bytes| quality::decode(bytes).ok());
    match decoded {
        Some(img) => {
            let small = img.thumbnail(480, 360);
            let (dw, dh) = d.image(&small, x, top, w, h);
            d.stroke_rect(x, top, dw, dh, colors::RULE);
        }
        None => {
            d.fill_rect(x, top, w, h, colors::PANEL);
            d.text_at(x + 8.0, top + h / 2.0 - 5.0, "photo not on this device", Face::Body, 8.5, colors::MUTED, false);
        }
    }
    let caption = format!("#{} {}", photo.photo_order + 1, photo.file_name);
    let caption = d.wrap(&caption, Face::Body, 8.0, w).into_iter().next().unwrap_or_default();
    d.text_at(x, top + h + 5.0, &caption, Face::Body, 8.0, colors::INK, false);
    let verdict = match (photo.is_acceptable, photo.ai_quality_score) {
        (true, Some(s)) => (format!("quality {s:.2} - acceptable"), colors::TEAL),
        (false, Some(s)) => {
            let issues: Vec<&str> = photo.ai_quality_issues.iter().map(|i| i.label()).collect();
            (format!("quality {s:.2} - {}", issues.join(", ").to_lowercase()), colors::RED)
        }
        (_, None) => ("quality not measured".to_string(), colors::MUTED),
    };
    d.text_at(x, top + h + 17.0, &verdict.0, Face::Mono, 7.0, verdict.1, false);
}

/// The completeness line of the summary panel and its colour: teal (the report's "good")
/// only when nothing is missing; an incomplete inspection is red and says so, whatever the
/// stored percentage rounds to.
pub(crate) fn completeness_badge(c: &inspections::Completeness) -> (String, (u8, u8, u8)) {
    if c.is_complete {
        (format!("Completeness {}%", c.completeness_pct), colors::TEAL)
    } else {
        (format!("Completeness {}% - INCOMPLETE", c.completeness_pct), colors::RED)
    }
}

fn closing(d: &mut Doc, input: &ReportInput<'_>) {
    let i = &input.detail.inspection;
    let c = inspections::completeness(input.detail);
    d.new_page();
    let y = d.y;
    d.text_at(MARGIN, y, "Completeness statement", Face::Heading, 16.0, colors::NAVY, true);
    d.y += 30.0;
    let rooms_total = input.detail.rooms.len();
    let rooms_photographed = rooms_total - c.rooms_without_photos.len();
    let items_total: usize = input.detail.rooms.iter().map(|r| r.items.len()).sum();
    let items_rated = items_total - c.items_without_ratings.len();
    let photos: usize = input.detail.rooms.iter().map(|r| r.photos.len()).sum();
    let statement = format!(
        "This inspection documents {rooms_photographed} of {rooms_total} rooms with at least one acceptable photo and \
         {items_rated} of {items_total} items with a condition rating ({photos} photos in all). Completeness: {}%.",
        c.completeness_pct
    );
    d.paragraph(MARGIN, CONTENT_W, &statement, Face::Body, 11.0, colors::INK);
    d.y += 6.0;
    if c.is_complete {
        d.paragraph(
            MARGIN,
            CONTENT_W,
            "Every room was photographed and every item was rated.",
            Face::Body,
            11.0,
            colors::TEAL,
        );
    } else {
        if !c.rooms_without_photos.is_empty() {
            let names: Vec<&str> = c.rooms_without_photos.iter().map(|r| r.room_name.as_str()).collect();
            d.paragraph(
                MARGIN,
                CONTENT_W,
                &format!("Rooms without an acceptable photo: {}.", names.join(", ")),
                Face::Body,
                10.0,
                colors::RED,
            );
        }
        if !c.items_without_ratings.is_empty() {
            let names: Vec<String> =
                c.items_without_ratings.iter().map(|it| format!("{} - {}", it.room_name, it.item_label)).collect();
            d.paragraph(
                MARGIN,
                CONTENT_W,
                &format!("Items not rated: {}.", names.join("; ")),
                Face::Body,
                10.0,
                colors::RED,
            );
        }
    }
    let offline =
        input.detail.rooms.iter().flat_map(|r| &r.photos).filter(|p| p.analysis_provider == "offline").count();
    if offline > 0 {
        d.y += 4.0;
        d.paragraph(
            MARGIN,
            CONTENT_W,
            &format!(
                "{offline} photo(s) were checked offline (measurements only, no vision model); their conditions were rated by the inspector."
            ),
            Face::Body,
            9.0,
            colors::MUTED,
        );
    }

    d.y += 18.0;
    d.ensure(200.0);
    let y = d.y;
    d.text_at(MARGIN, y, "Signatures", Face::Heading, 16.0, colors::NAVY, true);
    d.y += 28.0;
    d.paragraph(
        MARGIN,
        CONTENT_W,
        "By signing, the tenant and the manager agree that this report records the condition of the unit at move-in.",
        Face::Body,
        9.5,
        colors::MUTED,
    );
    d.y += 8.0;
    let top = d.y;
    let w = (CONTENT_W - 24.0) / 2.0;
    let parties = [
        ("Tenant", input.tenant_signature, &i.tenant_signer_name, i.tenant_signed_at),
        ("Manager", input.manager_signature, &i.manager_signer_name, i.manager_signed_at),
    ];
    for (n, (role, png, name, at)) in parties.iter().enumerate() {
        let x = MARGIN + n as f32 * (w + 24.0);
        d.stroke_rect(x, top, w, 90.0, colors::RULE);
        match png.and_then(|b| image::load_from_memory(b).ok()) {
            Some(img) => {
                // Transparent ink on a white page.
                let mut flat = image::RgbImage::from_pixel(img.width(), img.height(), image::Rgb([255, 255, 255]));
                for (px, src) in flat.pixels_mut().zip(img.to_rgba8().pixels()) {
                    let a = f32::from(src[3]) / 255.0;
                    for c in 0..3 {
                        px[c] = (f32::from(src[c]) * a + 255.0 * (1.0 - a)).round() as u8;
                    }
                }
                d.image(&image::DynamicImage::ImageRgb8(flat), x + 6.0, top + 6.0, w - 12.0, 78.0);
            }
            None => d.text_at(x + 10.0, top + 38.0, "not signed", Face::Body, 10.0, colors::RED, false),
        }
        let who = if name.is_empty() { role.to_string() } else { format!("{role}: {name}") };
        d.text_at(x, top + 96.0, &who, Face::Body, 10.0, colors::INK, true);
        let when = at.map_or("-".to_string(), |t| format!("signed {}", stamp(t, &input.property.time_zone)));
        d.text_at(x, top + 110.0, &when, Face::Mono, 8.5, colors::MUTED, false);
    }
    d.y = top + 136.0;
    let lock = match i.finalized_at {
        Some(t) => format!(
            "Finalized and locked on {}. No changes were possible after this time.",
            stamp(t, &input.property.time_zone)
        ),
        None => "This report is a draft: the inspection has not been finalized.".to_string(),
    };
    d.paragraph(MARGIN, CONTENT_W, &lock, Face::Body, 10.0, colors::NAVY);
}

#[cfg(test)]
mod tests;
