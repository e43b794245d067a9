use chrono::TimeZone;

use super::*;
use crate::demo::{self, DemoConfig};
use crate::inspections::analysis::{AnalyzedItem, ConditionAnalysis, OfflineAnalyzer};
use crate::inspections::quality::test_images;
use crate::inspections::{IssueSeverity, QualityIssue, RoomCondition};
use crate::store::LeaseFilter;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap()
}

struct Fixture {
    store: Store,
    blobs: BlobStore,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 12, seed: 7, today }).unwrap();
    let blobs = BlobStore::beside(store.path().unwrap());
    Fixture { store, blobs, _dir: dir }
}

fn start(f: &mut Fixture) -> InspectionDetail {
    let lease = f.store.lease_rows(&LeaseFilter::default(), Default::default(), 0, Some(1)).unwrap().remove(0);
    f.store.create_move_in_inspection(lease.lease.id, "Dana Inspector", now().date_naive(), now()).unwrap()
}

/// An acceptable photo of every room and every item rated: 100 %.
fn complete(f: &mut Fixture, d: &InspectionDetail) {
    for rd in &d.rooms {
        f.store.add_move_in_photo(&f.blobs, rd.room.id, "wide.jpg", &test_images::sharp(), None, now()).unwrap();
        for it in &rd.items {
            f.store.rate_move_in_item(it.id, Some(ConditionRating::Good), None, now()).unwrap();
        }
    }
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

#[test]
fn an_inspection_starts_with_the_units_rooms_and_round_trips() {
    let mut f = fixture();
    let d = start(&mut f);
    let unit = f.store.unit(d.inspection.unit_id).unwrap();
    let plan = insp::plan_rooms(unit.bedrooms, unit.bathrooms);
    assert_eq!(d.rooms.len(), plan.len());
    assert_eq!(d.inspection.rooms_required, plan.iter().map(|r| r.room_type.clone()).collect::<Vec<_>>());
    assert_eq!(d.inspection.status, InspectionStatus::InProgress);
    assert_eq!(d.inspection.completeness_pct, 0);
    assert!(d.rooms.iter().all(|r| !r.items.is_empty() && r.photos.is_empty()));
    assert_eq!(f.store.move_in_detail(d.inspection.id).unwrap(), d, "what was returned is what is stored");

    let listed = f.store.move_in_inspections(&InspectionFilter::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].inspection, d.inspection);
    assert!(!listed[0].tenant_name.is_empty() && !listed[0].unit_number.is_empty());
    let none = InspectionFilter { status: Some(InspectionStatus::Finalized), ..Default::default() };
    assert!(f.store.move_in_inspections(&none).unwrap().is_empty());

    let err = f.store.create_move_in_inspection(d.inspection.lease_id, "  ", now().date_naive(), now()).unwrap_err();
    assert_eq!(err.to_string(), "enter the inspector's name");
}

#[test]
fn photos_are_checked_stored_as_blobs_and_counted() {
    let mut f = fixture();
    let d = start(&mut f);
    let room = &d.rooms[0].room;
    let bytes = test_images::sharp();
    let (photo, q) = f.store.add_move_in_photo(&f.blobs, room.id, "living.jpg", &bytes, None, now()).unwrap();
    assert!(q.is_acceptable);
    assert_eq!(photo.photo_url, format!("blob:{}", crate::blobs::sha256_hex(&bytes)));
    assert_eq!(f.blobs.get(photo.blob_hash().unwrap()).unwrap(), bytes);
    assert_eq!((photo.width, photo.height, photo.analysis_status), (800, 600, AnalysisStatus::Queued));
    assert_eq!(photo.quality_metrics.unwrap().width, 800);

    let (dark, q) =
        f.store.add_move_in_photo(&f.blobs, room.id, "dark.jpg", &test_images::dark(), None, now()).unwrap();
    assert!(!q.is_acceptable);
    assert!(dark.ai_quality_issues.contains(&QualityIssue::TooDark));
    assert!(dark.quality_suggestion.contains("flash"));
    assert_eq!(dark.photo_order, 1);

    let d = f.store.move_in_detail(d.inspection.id).unwrap();
    assert_eq!(d.rooms[0].room.photo_count, 2);
    assert_eq!(d.rooms[0].photos.len(), 2);
    let c = f.store.move_in_completeness(d.inspection.id).unwrap();
    assert_eq!(c.photos_to_retake, vec![dark.id]);
    assert!(!c.rooms_without_photos.iter().any(|r| r.room_id == room.id));
    assert!(d.inspection.completeness_pct > 0);
}

#[test]
fn bad_files_are_refused_and_nothing_else_is_lost() {
    let mut f = fixture();
    let d = start(&mut f);
    let room = d.rooms[1].room.id;
    f.store.add_move_in_photo(&f.blobs, room, "ok.jpg", &test_images::sharp(), None, now()).unwrap();
    let item = d.rooms[1].items[0].id;
    f.store.rate_move_in_item(item, Some(ConditionRating::Good), Some("fresh paint"), now()).unwrap();
    let before = f.store.move_in_detail(d.inspection.id).unwrap();

    let sharp = test_images::sharp();
    let huge = test_images::huge_png_header(20_000, 20_000);
    for (name, bytes, expected) in [
        ("notes.txt", b"just text".as_slice(), "the file is not an image UnitCycle can read (use JPEG or PNG)"),
        ("cut.jpg", &sharp[..sharp.len() / 2], "the image is damaged or incomplete"),
        ("huge.png", &huge, "the image is 20000×20000 pixels"),
    ] {
        let err = f.store.add_move_in_photo(&f.blobs, room, name, bytes, None, now()).unwrap_err();
        assert!(matches!(err, StoreError::Inspection(InspectionError::Photo(_))), "{name}: {err:?}");
        assert!(err.to_string().starts_with(expected), "{name}: {err}");
    }
    assert_eq!(f.store.move_in_detail(d.inspection.id).unwrap(), before);
}

#[test]
fn ratings_overrides_issues_and_notes_are_persisted_at_once() {
    let mut f = fixture();
    let d = start(&mut f);
    let id = d.inspection.id;
    let item = d.rooms[0].items[0].id;
    let rated =
        f.store.rate_move_in_item(item, Some(ConditionRating::Damaged), Some("hole by the door"), now()).unwrap();
    assert_eq!(rated.rating(), Some(ConditionRating::Damaged));
    let issue = insp::human_issue(IssueSeverity::Moderate, "2-inch hole in drywall", "2 in", "behind door").unwrap();
    f.store.add_move_in_item_issue(item, issue.clone(), now()).unwrap();

    // "Close the app" and open the replica again: everything is there.
    let path = f.store.path().unwrap().to_path_buf();
    drop(std::mem::replace(&mut f.store, Store::in_memory().unwrap()));
    f.store = Store::open(&path).unwrap();
    let d = f.store.move_in_detail(id).unwrap();
    let it = &d.rooms[0].items[0];
    assert_eq!(it.human_override, Some(ConditionRating::Damaged));
    assert_eq!(it.human_notes, "hole by the door");
    assert_eq!(it.ai_pre_existing_issues, vec![issue]);
    assert_eq!(d.inspection.items_damaged, 1);
    assert_eq!(d.inspection.total_items_documented, 1);
    assert_eq!(d.inspection.overall_condition_score, Some(10.0));
    assert_eq!(d.rooms[0].room.overall_condition, RoomCondition::Damaged);

    let it = f.store.remove_move_in_item_issue(item, 0, now()).unwrap();
    assert!(it.ai_pre_existing_issues.is_empty());
    assert!(f.store.remove_move_in_item_issue(item, 0, now()).is_err());
    let room = f.store.set_move_in_room_notes(d.rooms[0].room.id, " keys: 2 ", now()).unwrap();
    assert_eq!(room.notes, "keys: 2");
    let it = f.store.rate_move_in_item(item, None, None, now()).unwrap();
    assert_eq!(it.rating(), None);
    assert_eq!(f.store.move_in_inspection(id).unwrap().total_items_documented, 0);
}

#[test]
fn offline_analysis_is_labelled_and_needs_review() {
    let mut f = fixture();
    let d = start(&mut f);
    f.store.add_move_in_photo(&f.blobs, d.rooms[0].room.id, "a.jpg", &test_images::sharp(), None, now()).unwrap();
    let run = f.store.analyze_move_in_photos(&f.blobs, d.inspection.id, &OfflineAnalyzer, now()).unwrap();
    assert_eq!((run.provider.as_str(), run.needs_review, run.analysed, run.still_queued), ("offline", 1, 0, 0));
    let p = &f.store.move_in_detail(d.inspection.id).unwrap().rooms[0].photos[0];
    assert_eq!(
        (p.analysis_status, p.analysis_provider.as_str(), p.ai_analyzed),
        (AnalysisStatus::NeedsReview, "offline", true)
    );
    assert!(p.ai_condition_summary.contains("No vision model was used"));
    // Nothing queued any more: a second run does nothing.
    let again = f.store.analyze_move_in_photos(&f.blobs, d.inspection.id, &OfflineAnalyzer, now()).unwrap();
    assert_eq!(again.needs_review + again.analysed + again.failed, 0);
}

/// A stand-in for a vision provider, to show how results land and that humans win.
struct Scripted(Result<ConditionAnalysis, AnalysisError>);
impl ConditionAnalyzer for Scripted {
    fn provider(&self) -> &str {
        "scripted"
    }
    fn analyze(&self, _: &AnalysisRequest<'_>) -> Result<ConditionAnalysis, AnalysisError> {
        self.0.clone()
    }
}

#[test]
fn provider_ratings_fill_items_but_never_replace_a_human_override() {
    let mut f = fixture();
    let d = start(&mut f);
    let room = &d.rooms[0];
    let walls = room.items.iter().find(|i| i.item_type == "walls").unwrap().id;
    let ceiling = room.items.iter().find(|i| i.item_type == "ceiling").unwrap().id;
    f.store.rate_move_in_item(ceiling, Some(ConditionRating::Excellent), None, now()).unwrap();
    f.store.add_move_in_photo(&f.blobs, room.room.id, "a.jpg", &test_images::sharp(), None, now()).unwrap();

    let offline = Scripted(Err(AnalysisError::Unavailable("no network".into())));
    let run = f.store.analyze_move_in_photos(&f.blobs, d.inspection.id, &offline, now()).unwrap();
    assert_eq!(run.still_queued, 1);
    assert!(run.message.contains("photos stay queued"));

    let answer = |t: &str, r| AnalyzedItem {
        item_type: t.into(),
        item_label: t.into(),
        condition_rating: r,
        description: format!("{t} looked at"),
        pre_existing_issues: vec![],
        confidence: 0.8,
    };
    let vision = Scripted(Ok(ConditionAnalysis {
        provider: "scripted".into(),
        status: AnalysisStatus::Done,
        room_summary: "Clean room".into(),
        overall_condition: Some(ConditionRating::Good),
        items: vec![answer("walls", ConditionRating::Fair), answer("ceiling", ConditionRating::Poor)],
    }));
    let run = f.store.analyze_move_in_photos(&f.blobs, d.inspection.id, &vision, now()).unwrap();
    assert_eq!(run.analysed, 1);
    let d = f.store.move_in_detail(d.inspection.id).unwrap();
    let get = |id| d.rooms[0].items.iter().find(|i| i.id == id).unwrap().clone();
    let (w, c) = (get(walls), get(ceiling));
    assert_eq!((w.rating(), w.rated_by(), w.ai_confidence), (Some(ConditionRating::Fair), "scripted", Some(0.8)));
    assert_eq!(
        (c.condition_rating, c.rating(), c.rated_by()),
        (Some(ConditionRating::Poor), Some(ConditionRating::Excellent), "human")
    );
}

#[test]
fn finalize_needs_both_signatures_and_locks_everything() {
    let mut f = fixture();
    let d = start(&mut f);
    let id = d.inspection.id;
    let err = f.store.finalize_move_in(id, now()).unwrap_err();
    assert_eq!(err.to_string(), "finalizing needs both signatures; missing: tenant and manager");

    // Signing is refused below 100 %, naming what is missing; nothing is recorded.
    let err = f.store.sign_move_in(&f.blobs, id, SignerRole::Tenant, "Terry Tenant", &signature(), now()).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("signing needs a complete inspection (100%); it is 0% complete. Missing: "), "{text}");
    let first = &d.rooms[0].room.room_name;
    assert!(text.contains(&format!("an acceptable photo of {first}, Kitchen")), "{text}");
    assert!(text.contains(&format!("{first} — Walls")) && text.contains("more)"), "{text}");
    assert_eq!(f.store.move_in_inspection(id).unwrap().tenant_signed_at, None);
    complete(&mut f, &d);
    assert_eq!(f.store.move_in_inspection(id).unwrap().completeness_pct, 100);

    let blank = {
        let img = image::RgbaImage::new(200, 80);
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        png
    };
    let err = f.store.sign_move_in(&f.blobs, id, SignerRole::Tenant, "Terry Tenant", &blank, now()).unwrap_err();
    assert_eq!(err.to_string(), "the signature image is empty; sign in the box before saving");

    let i = f.store.sign_move_in(&f.blobs, id, SignerRole::Tenant, "Terry Tenant", &signature(), now()).unwrap();
    assert_eq!(i.status, InspectionStatus::PendingSignatures);
    assert_eq!(i.tenant_signed_at, Some(now()));
    assert!(f.blobs.contains(insp::blob_hash(&i.tenant_signature_url).unwrap()));
    assert!(f.store.finalize_move_in(id, now()).unwrap_err().to_string().ends_with("missing: manager"));

    f.store.sign_move_in(&f.blobs, id, SignerRole::Manager, "Morgan Manager", &signature(), now()).unwrap();
    let i = f.store.finalize_move_in(id, now()).unwrap();
    assert_eq!((i.status, i.finalized_at), (InspectionStatus::Finalized, Some(now())));

    let locked = "this inspection was finalized on 2026-03-01 15:00 UTC and can no longer be changed";
    let room = d.rooms[0].room.id;
    let item = d.rooms[0].items[0].id;
    let errors = [
        f.store.add_move_in_photo(&f.blobs, room, "late.jpg", &test_images::sharp(), None, now()).unwrap_err(),
        f.store.rate_move_in_item(item, Some(ConditionRating::Good), None, now()).unwrap_err(),
        f.store.set_move_in_room_notes(room, "late", now()).unwrap_err(),
        f.store.sign_move_in(&f.blobs, id, SignerRole::Tenant, "T", &signature(), now()).unwrap_err(),
        f.store.finalize_move_in(id, now()).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.to_string(), locked);
    }
    // The report can still be attached to a finalized inspection.
    f.store.set_move_in_report(id, &crate::blobs::sha256_hex(b"pdf"), now()).unwrap();
}

#[test]
fn only_leases_near_move_in_without_a_finalized_inspection_are_inspectable() {
    let mut f = fixture();
    let today = now().date_naive();
    // Two tenancies moving in now: one began 3 days ago, one begins in 10 days.
    let active = LeaseFilter { lease_status: vec![crate::model::LeaseStatus::Active], ..LeaseFilter::default() };
    let movers = f.store.lease_rows(&active, Default::default(), 0, Some(2)).unwrap();
    for (r, days) in movers.iter().zip([-3i64, 10]) {
        let begins = today + chrono::Duration::days(days);
        f.store
            .conn()
            .execute(
                "UPDATE tenant_lease SET lease_begin_date = ?2 WHERE id = ?1",
                rusqlite::params![r.lease.id.to_string(), begins],
            )
            .unwrap();
    }
    let all = f.store.lease_rows(&LeaseFilter::default(), Default::default(), 0, None).unwrap();
    let offered = f.store.inspectable_leases(None, now()).unwrap();
    assert!(movers.iter().all(|m| offered.iter().any(|o| o.lease_id == m.lease.id)), "{offered:?}");
    let distance: Vec<i64> = offered.iter().map(|l| (l.lease_begin_date - today).num_days().abs()).collect();
    assert!(distance.windows(2).all(|w| w[0] <= w[1]), "nearest move-in first: {distance:?}");
    assert!(offered.len() < all.len(), "{} of {}", offered.len(), all.len());
    for l in &offered {
        assert!((l.lease_begin_date - today).num_days().abs() <= 30, "{l:?}");
        assert_ne!(l.lease_status, crate::model::LeaseStatus::Vacant);
        assert_eq!(l.today, today);
    }
    // Every lease left out breaks the rule.
    for r in all.iter().filter(|r| !offered.iter().any(|o| o.lease_id == r.lease.id)) {
        assert!(crate::inspections::eligibility::inspectable(&r.lease, false, today).is_err(), "{:?}", r.lease);
    }
    // A lease the demo starts today: offered; once an inspection is open it is still offered
    // (to continue); once finalized it is not.
    let target = offered.iter().find(|o| o.lease_id == movers[1].lease.id).unwrap().clone();
    let d = f.store.create_move_in_inspection(target.lease_id, "Dana", today, now()).unwrap();
    let again = f.store.inspectable_leases(Some(&target.lease_number), now()).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].open_inspection, Some(d.inspection.id));
    complete(&mut f, &d);
    let id = d.inspection.id;
    f.store.sign_move_in(&f.blobs, id, SignerRole::Tenant, "Terry Tenant", &signature(), now()).unwrap();
    f.store.sign_move_in(&f.blobs, id, SignerRole::Manager, "Morgan Manager", &signature(), now()).unwrap();
    f.store.finalize_move_in(id, now()).unwrap();
    assert!(f.store.inspectable_leases(None, now()).unwrap().iter().all(|l| l.lease_id != target.lease_id));
}
