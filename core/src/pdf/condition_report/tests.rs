use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::blobs::BlobStore;
use crate::demo::{self, DemoConfig};
use crate::inspections::quality::test_images;
use crate::inspections::{ConditionRating, IssueSeverity, SignerRole};
use crate::pdf::page_texts;
use crate::store::{LeaseFilter, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap()
}

fn signature() -> Vec<u8> {
    let mut img = image::RgbaImage::from_pixel(300, 100, image::Rgba([255, 255, 255, 0]));
    for x in 20..250 {
        img.put_pixel(x, 40 + (x % 20), image::Rgba([15, 23, 42, 255]));
    }
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

/// A finalized inspection with photos, ratings, an override, an issue and both signatures.
fn report(finalize: bool) -> (Vec<u8>, InspectionDetail) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("r.db")).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 8, seed: 3, today }).unwrap();
    let blobs = BlobStore::beside(store.path().unwrap());
    let lease = store.lease_rows(&LeaseFilter::default(), Default::default(), 0, Some(1)).unwrap().remove(0);
    let d = store.create_move_in_inspection(lease.lease.id, "Dana Inspector", today, now()).unwrap();
    let id = d.inspection.id;
    for rd in &d.rooms {
        store.add_move_in_photo(&blobs, rd.room.id, "wide.jpg", &test_images::sharp(), None, now()).unwrap();
        for it in &rd.items {
            store.rate_move_in_item(it.id, Some(ConditionRating::Good), None, now()).unwrap();
        }
    }
    store.add_move_in_photo(&blobs, d.rooms[0].room.id, "corner.jpg", &test_images::dark(), None, now()).unwrap();
    let first = d.rooms[0].items[0].id;
    store.rate_move_in_item(first, Some(ConditionRating::Fair), Some("paint scuffs near the door"), now()).unwrap();
    let issue =
        crate::inspections::human_issue(IssueSeverity::Minor, "3-inch scratch on drywall", "3 in", "left of door");
    store.add_move_in_item_issue(first, issue.unwrap(), now()).unwrap();
    if finalize {
        store.sign_move_in(&blobs, id, SignerRole::Tenant, "Terry Tenant", &signature(), now()).unwrap();
        store.sign_move_in(&blobs, id, SignerRole::Manager, "Morgan Manager", &signature(), now()).unwrap();
        store.finalize_move_in(id, now()).unwrap();
    }
    let detail = store.move_in_detail(id).unwrap();
    let photos = detail
        .rooms
        .iter()
        .flat_map(|r| &r.photos)
        .map(|p| (p.id, blobs.get(p.blob_hash().unwrap()).unwrap()))
        .collect();
    let sig = |url: &str| crate::inspections::blob_hash(url).map(|h| blobs.get(h).unwrap());
    let (ts, ms) = (sig(&detail.inspection.tenant_signature_url), sig(&detail.inspection.manager_signature_url));
    let property = store.property(detail.inspection.property_id).unwrap();
    let unit = store.unit(detail.inspection.unit_id).unwrap();
    let input = ReportInput {
        detail: &detail,
        property: &property,
        unit: &unit,
        tenant_name: &lease.tenant_name,
        lease_number: &lease.lease.lease_number,
        photos: &photos,
        tenant_signature: ts.as_deref(),
        manager_signature: ms.as_deref(),
        generated_at: now(),
    };
    (condition_report(&input).unwrap(), detail)
}

#[test]
fn the_report_is_a_pdf_with_a_cover_a_page_per_room_and_signatures() {
    let (pdf, detail) = report(true);
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..8]);
    assert!(pdf.len() > 20_000, "photos and fonts are embedded: {} bytes", pdf.len());
    let as_text = String::from_utf8_lossy(&pdf);
    assert!(as_text.contains("/FontFile2"), "TrueType fonts are embedded");

    let pages = page_texts(&pdf).unwrap();
    assert_eq!(pages.len(), 1 + detail.rooms.len() + 1, "cover, one per room, closing");
    let cover = &pages[0];
    assert!(cover.contains("MOVE-IN CONDITION REPORT"), "{cover}");
    assert!(cover.contains("FINALIZED"), "{cover}");
    assert!(cover.contains("Dana Inspector"));
    assert!(cover.contains("Completeness 100%"), "{cover}");
    for (n, rd) in detail.rooms.iter().enumerate() {
        let page = &pages[1 + n];
        assert!(page.contains(&rd.room.room_name), "{page}");
        assert!(page.contains("Photos ("), "{page}");
        assert!(page.contains(&format!("of {}", pages.len())), "numbered footer: {page}");
    }
    let first_room = &pages[1];
    assert!(first_room.contains("paint scuffs near the door"), "{first_room}");
    assert!(first_room.contains("3-inch scratch on drywall"), "{first_room}");
    assert!(first_room.contains("too dark"), "the retake verdict is shown: {first_room}");
    let closing = pages.last().unwrap();
    assert!(closing.contains("Completeness statement"));
    assert!(closing.contains(&format!("documents {0} of {0} rooms", detail.rooms.len())), "{closing}");
    assert!(closing.contains("Terry Tenant") && closing.contains("Morgan Manager"), "{closing}");
    assert!(closing.contains("Finalized and locked on 2026-03-01 07:00 PST"), "{closing}");
}

#[test]
fn a_draft_report_says_so_and_lists_what_is_missing() {
    let (pdf, _) = report(false);
    let pages = page_texts(&pdf).unwrap();
    assert!(pages[0].contains("DRAFT"), "{}", pages[0]);
    let closing = pages.last().unwrap();
    assert!(closing.contains("not signed"), "{closing}");
    assert!(closing.contains("has not been finalized"), "{closing}");
}

#[test]
fn only_a_complete_inspection_is_shown_in_the_good_colour() {
    let (_, mut detail) = report(false);
    let complete = inspections::completeness(&detail);
    assert_eq!(completeness_badge(&complete), ("Completeness 100%".to_string(), colors::TEAL));
    // One unrated item: 99% rounds near complete, but it is incomplete and red.
    detail.rooms[0].items[0].human_override = None;
    detail.rooms[0].items[0].condition_rating = None;
    let c = inspections::completeness(&detail);
    let (text, colour) = completeness_badge(&c);
    assert_eq!(colour, colors::RED);
    assert!(text.ends_with("INCOMPLETE"), "{text}");
    // Nothing done at all (the 3 % case) is red too.
    for rd in &mut detail.rooms {
        rd.photos.clear();
        rd.items.iter_mut().for_each(|i| (i.human_override, i.condition_rating) = (None, None));
    }
    assert_eq!(completeness_badge(&inspections::completeness(&detail)).1, colors::RED);
}
