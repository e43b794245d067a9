use chrono::TimeZone;
use rust_decimal_macros::dec;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap()
}

fn types(rooms: &[RoomPlan]) -> Vec<(&str, &str)> {
    rooms.iter().map(|r| (r.room_type.as_str(), r.room_name.as_str())).collect()
}

#[test]
fn rooms_come_from_bedrooms_and_bathrooms() {
    let check = |beds, baths, expected: &[(&str, &str)]| {
        assert_eq!(types(&plan_rooms(beds, baths)), expected, "{beds} bed / {baths} bath");
    };
    check(0, dec!(1), &[("living_room", "Studio Living Area"), ("kitchen", "Kitchen"), ("bathroom_1", "Bathroom")]);
    check(
        1,
        dec!(1),
        &[("living_room", "Living Room"), ("kitchen", "Kitchen"), ("bedroom_1", "Bedroom"), ("bathroom_1", "Bathroom")],
    );
    check(
        2,
        dec!(1.5),
        &[
            ("living_room", "Living Room"),
            ("kitchen", "Kitchen"),
            ("bedroom_1", "Primary Bedroom"),
            ("bedroom_2", "Bedroom 2"),
            ("bathroom_1", "Bathroom"),
            ("half_bath", "Half Bath"),
        ],
    );
    check(
        3,
        dec!(2),
        &[
            ("living_room", "Living Room"),
            ("kitchen", "Kitchen"),
            ("bedroom_1", "Primary Bedroom"),
            ("bedroom_2", "Bedroom 2"),
            ("bedroom_3", "Bedroom 3"),
            ("bathroom_1", "Primary Bathroom"),
            ("bathroom_2", "Bathroom 2"),
        ],
    );
    // A unit recorded with no bathroom still gets one to inspect.
    check(0, dec!(0), &[("living_room", "Studio Living Area"), ("kitchen", "Kitchen"), ("bathroom_1", "Bathroom")]);
}

#[test]
fn every_room_has_items_to_rate() {
    for r in plan_rooms(2, dec!(1.5)) {
        assert!(r.items.len() >= 5, "{}", r.room_type);
        assert!(r.items.iter().any(|(t, _)| *t == "walls"), "{}", r.room_type);
    }
    let kitchen = &plan_rooms(1, dec!(1))[1];
    assert!(kitchen.items.iter().any(|(t, _)| *t == "appliance_stove"));
}

// --- a small inspection built in memory ---------------------------------------------------

fn inspection() -> MoveInInspection {
    MoveInInspection::started(
        Uuid::from_u128(1),
        (Uuid::from_u128(2), Uuid::from_u128(3), Uuid::from_u128(4)),
        "Dana Inspector",
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        now(),
    )
}

fn item(n: u128, room: u128, rating: Option<ConditionRating>) -> MoveInItem {
    MoveInItem {
        id: Uuid::from_u128(n),
        room_id: Uuid::from_u128(room),
        item_order: n as i64,
        item_type: format!("item_{n}"),
        item_label: format!("Item {n}"),
        condition_rating: None,
        ai_description: String::new(),
        ai_pre_existing_issues: vec![],
        ai_confidence: None,
        ai_provider: String::new(),
        photo_id: None,
        human_override: rating,
        human_notes: String::new(),
    }
}

fn photo(n: u128, room: u128, acceptable: bool) -> MoveInPhoto {
    MoveInPhoto {
        id: Uuid::from_u128(n),
        inspection_id: Uuid::from_u128(1),
        room_id: Uuid::from_u128(room),
        photo_url: format!("blob:{n:064x}"),
        photo_order: 0,
        captured_at: None,
        gps_lat: None,
        gps_lng: None,
        ai_quality_score: Some(0.9),
        ai_quality_issues: vec![],
        is_acceptable: acceptable,
        ai_analyzed: false,
        ai_condition_summary: String::new(),
        ai_items_found: serde_json::json!([]),
        file_name: "p.jpg".into(),
        width: 800,
        height: 600,
        byte_size: 1000,
        quality_metrics: None,
        quality_suggestion: String::new(),
        analysis_status: AnalysisStatus::Queued,
        analysis_provider: String::new(),
        created_at: now(),
    }
}

fn room(n: u128, t: &str, items: Vec<MoveInItem>, photos: Vec<MoveInPhoto>) -> RoomDetail {
    RoomDetail {
        room: MoveInRoom {
            id: Uuid::from_u128(n),
            inspection_id: Uuid::from_u128(1),
            room_type: t.into(),
            room_name: t.replace('_', " "),
            room_order: n as i64,
            overall_condition: RoomCondition::NotInspected,
            notes: String::new(),
            photo_count: photos.len() as i64,
            is_complete: false,
        },
        items,
        photos,
    }
}

use ConditionRating::*;

#[test]
fn completeness_lists_rooms_without_photos_and_items_without_ratings() {
    let detail = InspectionDetail {
        inspection: inspection(),
        rooms: vec![
            room(10, "kitchen", vec![item(11, 10, Some(Good)), item(12, 10, Some(Fair))], vec![photo(13, 10, true)]),
            room(20, "bathroom_1", vec![item(21, 20, Some(Good)), item(22, 20, None)], vec![photo(23, 20, false)]),
        ],
    };
    let c = completeness(&detail);
    // 6 checks (2 rooms + 4 items); done: kitchen photo, 3 ratings = 4 → 66 %.
    assert_eq!(c.completeness_pct, 66);
    assert!(!c.is_complete);
    assert_eq!(c.rooms_completed, vec!["kitchen"]);
    assert_eq!(c.rooms_without_photos.iter().map(|r| r.room_type.as_str()).collect::<Vec<_>>(), ["bathroom_1"]);
    assert_eq!(c.items_without_ratings.len(), 1);
    assert_eq!(c.items_without_ratings[0].item_id, Uuid::from_u128(22));
    assert_eq!(c.photos_to_retake, vec![Uuid::from_u128(23)]);
    assert_eq!(c.photos_awaiting_analysis, 2);
    assert_eq!(c.signatures_missing, vec![SignerRole::Tenant, SignerRole::Manager]);
    assert_eq!(derive_status(&detail.inspection, &c), InspectionStatus::InProgress);
}

#[test]
fn a_fully_documented_inspection_is_complete_and_under_review() {
    let detail = InspectionDetail {
        inspection: inspection(),
        rooms: vec![room(10, "kitchen", vec![item(11, 10, Some(Excellent))], vec![photo(13, 10, true)])],
    };
    let c = completeness(&detail);
    assert_eq!((c.completeness_pct, c.is_complete), (100, true));
    assert_eq!(derive_status(&detail.inspection, &c), InspectionStatus::Review);
    let mut signed = detail.inspection.clone();
    signed.tenant_signed_at = Some(now());
    assert_eq!(derive_status(&signed, &c), InspectionStatus::PendingSignatures);
}

#[test]
fn ratings_are_counted_and_scored() {
    let items = [item(1, 9, Some(Excellent)), item(2, 9, Some(Good)), item(3, 9, Some(Damaged)), item(4, 9, None)];
    let s = rating_summary(&items);
    assert_eq!(s.total_items_documented, 3);
    assert_eq!((s.items_excellent, s.items_good, s.items_fair, s.items_poor, s.items_damaged), (1, 1, 0, 0, 1));
    assert_eq!(s.overall_condition_score, Some(63.3));
    assert_eq!(rating_summary(&[item(4, 9, None)]).overall_condition_score, None);
}

#[test]
fn a_room_is_never_better_than_one_step_above_its_worst_item() {
    let check = |ratings: &[Option<ConditionRating>], expected: RoomCondition| {
        let items: Vec<_> = ratings.iter().enumerate().map(|(i, r)| item(i as u128, 9, *r)).collect();
        assert_eq!(room_condition(&items), expected, "{ratings:?}");
    };
    check(&[None, None], RoomCondition::NotInspected);
    check(&[Some(Excellent), Some(Excellent)], RoomCondition::Excellent);
    check(&[Some(Excellent), Some(Good)], RoomCondition::Good);
    check(&[Some(Excellent), Some(Excellent), Some(Excellent), Some(Damaged)], RoomCondition::Poor);
    check(&[Some(Good), Some(Fair), None], RoomCondition::Fair);
}

#[test]
fn a_human_override_wins_over_the_ai_rating_and_can_be_cleared() {
    let mut it = item(1, 9, None);
    it.condition_rating = Some(Poor);
    it.ai_provider = "claude".into();
    assert_eq!((it.rating(), it.rated_by()), (Some(Poor), "claude"));
    apply_override(&mut it, Some(Good), Some("  scuff is on the old paint, not new  "));
    assert_eq!((it.rating(), it.rated_by()), (Some(Good), "human"));
    assert_eq!(it.human_notes, "scuff is on the old paint, not new");
    assert_eq!(it.condition_rating, Some(Poor), "the AI's answer is kept for the record");
    apply_override(&mut it, None, None);
    assert_eq!(it.rating(), Some(Poor));
    assert_eq!(it.human_notes, "scuff is on the old paint, not new");
}

#[test]
fn finalize_requires_both_signatures_and_then_locks() {
    let mut i = inspection();
    assert_eq!(check_finalize(&i), Err(InspectionError::MissingSignatures("tenant and manager".into())));
    i.tenant_signed_at = Some(now());
    i.tenant_signature_url = "blob:aa".into();
    assert_eq!(check_finalize(&i).unwrap_err().to_string(), "finalizing needs both signatures; missing: manager");
    i.manager_signed_at = Some(now());
    i.manager_signature_url = "blob:bb".into();
    assert_eq!(check_finalize(&i), Ok(()));
    assert_eq!(ensure_editable(&i), Ok(()));

    i.status = InspectionStatus::Finalized;
    i.finalized_at = Some(now());
    let err = ensure_editable(&i).unwrap_err();
    assert_eq!(err.to_string(), "this inspection was finalized on 2026-03-01 15:00 UTC and can no longer be changed");
    assert!(check_finalize(&i).is_err(), "finalizing twice is refused");
}

#[test]
fn a_signature_must_have_ink() {
    let blank = image::RgbaImage::from_pixel(300, 100, image::Rgba([255, 255, 255, 0]));
    let mut png = Vec::new();
    blank.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    assert_eq!(check_signature(&png), Err(InspectionError::EmptySignature));

    let mut inked = blank.clone();
    for x in 20..200 {
        inked.put_pixel(x, 50, image::Rgba([15, 23, 42, 255]));
    }
    let mut png = Vec::new();
    inked.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    assert_eq!(check_signature(&png), Ok(()));
    assert!(matches!(check_signature(b"not a png"), Err(InspectionError::Invalid(_))));
}

#[test]
fn issues_typed_by_the_inspector_need_a_description() {
    let i = human_issue(IssueSeverity::Minor, " 3-inch scratch on drywall ", "3 in", "north wall").unwrap();
    assert_eq!(i.description, "3-inch scratch on drywall");
    assert_eq!(i.source, "human");
    assert!(human_issue(IssueSeverity::Minor, "  ", "", "").is_err());
}

#[test]
fn rating_points_round_trip_through_nearest() {
    for r in ConditionRating::ALL {
        assert_eq!(ConditionRating::nearest(r.points()), *r);
    }
    assert_eq!(ConditionRating::nearest(70.0), Fair, "ties go to the worse rating");
}

// --- changes shared by the replica and the server -------------------------------------------

fn two_rooms() -> InspectionDetail {
    let mut ai_rated = item(11, 100, None);
    ai_rated.item_type = "walls".into();
    let mut human_rated = item(12, 100, Some(Good));
    human_rated.item_type = "floor_tile".into();
    InspectionDetail {
        inspection: inspection(),
        rooms: vec![
            room(100, "kitchen", vec![ai_rated, human_rated], vec![photo(21, 100, true)]),
            room(200, "bathroom_1", vec![item(13, 200, None)], vec![]),
        ],
    }
}

#[test]
fn recompute_fills_every_derived_column() {
    let mut d = two_rooms();
    let later = now() + chrono::Duration::hours(1);
    let c = recompute(&mut d, later);
    assert_eq!(c.completeness_pct, 40, "the kitchen's photo and one of its two items; nothing in the bathroom: 2 of 5");
    assert_eq!(d.inspection.completeness_pct, 40);
    assert_eq!(d.inspection.rooms_required, vec!["kitchen", "bathroom_1"]);
    assert!(d.inspection.rooms_completed.is_empty());
    assert_eq!((d.inspection.total_items_documented, d.inspection.items_good), (1, 1));
    assert_eq!(d.inspection.overall_condition_score, Some(80.0));
    assert_eq!(d.inspection.updated_at, later);
    assert_eq!((d.rooms[0].room.photo_count, d.rooms[0].room.overall_condition), (1, RoomCondition::Good));
    assert_eq!(d.rooms[1].room.overall_condition, RoomCondition::NotInspected);
}

#[test]
fn an_analysis_rates_the_room_items_but_never_touches_a_human_override() {
    use analysis::{AnalyzedItem, ConditionAnalysis};
    let mut d = two_rooms();
    let found = |t: &str, r| AnalyzedItem {
        item_type: t.into(),
        item_label: t.into(),
        condition_rating: r,
        description: format!("{t} looked at"),
        pre_existing_issues: vec![],
        confidence: 0.8,
    };
    let a = ConditionAnalysis {
        provider: "claude".into(),
        status: AnalysisStatus::Done,
        room_summary: "Clean kitchen".into(),
        overall_condition: Some(Fair),
        items: vec![found("walls", Fair), found("floor_tile", Damaged), found("ceiling", Good)],
    };
    let changed = apply_analysis(&mut d, Uuid::from_u128(21), &a, now()).unwrap();
    assert_eq!(changed, vec![Uuid::from_u128(11), Uuid::from_u128(12)], "items of the room with a rated type");
    let items = &d.rooms[0].items;
    assert_eq!((items[0].rating(), items[0].rated_by()), (Some(Fair), "claude"));
    assert_eq!(items[1].condition_rating, Some(Damaged), "the AI rating is recorded");
    assert_eq!((items[1].rating(), items[1].rated_by()), (Some(Good), "human"), "the person's rating still counts");
    assert_eq!(items[0].photo_id, Some(Uuid::from_u128(21)));
    let p = &d.rooms[0].photos[0];
    assert_eq!(
        (p.analysis_status, p.analysis_provider.as_str(), p.ai_analyzed),
        (AnalysisStatus::Done, "claude", true)
    );
    assert_eq!(p.ai_items_found.as_array().map(Vec::len), Some(3));
    assert_eq!(d.inspection.items_fair, 1, "derived columns follow");

    apply_analysis_failure(&mut d, Uuid::from_u128(21), "claude", "no JSON", now()).unwrap();
    assert_eq!(d.rooms[0].photos[0].analysis_status, AnalysisStatus::Failed);
    assert_eq!(d.rooms[0].photos[0].ai_condition_summary, "Analysis failed: no JSON");
    assert!(apply_analysis(&mut d, Uuid::from_u128(99), &a, now()).is_err(), "a photo of another inspection");
}

#[test]
fn signing_records_who_when_and_where_and_finalizing_locks() {
    let mut png = Vec::new();
    let mut img = image::RgbaImage::from_pixel(200, 80, image::Rgba([255, 255, 255, 0]));
    for x in 10..150 {
        img.put_pixel(x, 40, image::Rgba([15, 23, 42, 255]));
    }
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let mut d = two_rooms();
    assert_eq!(
        sign(&mut d, SignerRole::Tenant, " ", &png, "", now()).unwrap_err().to_string(),
        "enter the tenant's name before signing"
    );
    // Below 100 % signing is refused with what is missing, and nothing changes.
    recompute(&mut d, now());
    let before = d.clone();
    assert_eq!(
        sign(&mut d, SignerRole::Tenant, "Terry", &png, "", now()).unwrap_err().to_string(),
        "signing needs a complete inspection (100%); it is 40% complete. Missing: an acceptable photo of \
         bathroom 1; a rating for 2 items (kitchen — Item 11, bathroom 1 — Item 13)"
    );
    assert_eq!(d, before);
    // The bathroom photographed and every item rated: 100 %.
    let bytes = crate::inspections::quality::test_images::sharp();
    add_photo(&mut d, Uuid::from_u128(200), "bath.jpg", &bytes, None, now()).unwrap();
    for rd in &mut d.rooms {
        rd.items.iter_mut().for_each(|i| apply_override(i, Some(Good), None));
    }
    assert_eq!(recompute(&mut d, now()).completeness_pct, 100);
    assert_eq!(signing_blockers(&completeness(&d)), None);
    assert_eq!(sign(&mut d, SignerRole::Tenant, "Terry", b"", "", now()), Err(InspectionError::EmptySignature));
    let hash = sign(&mut d, SignerRole::Tenant, " Terry Tenant ", &png, "203.0.113.7", now()).unwrap();
    assert_eq!(hash, crate::blobs::sha256_hex(&png));
    let i = &d.inspection;
    assert_eq!((i.tenant_signer_name.as_str(), i.tenant_signed_ip.as_str()), ("Terry Tenant", "203.0.113.7"));
    assert_eq!((i.tenant_signature_url.clone(), i.tenant_signed_at), (format!("blob:{hash}"), Some(now())));
    assert_eq!(i.status, InspectionStatus::PendingSignatures);
    assert_eq!(finalize(&mut d, now()).unwrap_err().to_string(), "finalizing needs both signatures; missing: manager");
    sign(&mut d, SignerRole::Manager, "Morgan Manager", &png, "", now()).unwrap();
    finalize(&mut d, now()).unwrap();
    assert_eq!((d.inspection.status, d.inspection.finalized_at), (InspectionStatus::Finalized, Some(now())));
    assert!(matches!(sign(&mut d, SignerRole::Tenant, "T", &png, "", now()), Err(InspectionError::Finalized(_))));
    let bytes = crate::inspections::quality::test_images::sharp();
    let room = d.rooms[1].room.id;
    assert!(matches!(add_photo(&mut d, room, "late.jpg", &bytes, None, now()), Err(InspectionError::Finalized(_))));
}

#[test]
fn a_photo_is_checked_before_it_is_added() {
    let mut d = two_rooms();
    let room = d.rooms[1].room.id;
    let err = add_photo(&mut d, room, "notes.txt", b"hello", None, now()).unwrap_err();
    assert_eq!(err.to_string(), "the file is not an image UnitCycle can read (use JPEG or PNG)");
    assert!(d.rooms[1].photos.is_empty(), "nothing changes");
    let bytes = crate::inspections::quality::test_images::sharp();
    let (p, q) = add_photo(&mut d, room, " bath.jpg ", &bytes, None, now()).unwrap();
    assert!(q.is_acceptable);
    assert_eq!((p.file_name.as_str(), p.photo_order, p.analysis_status), ("bath.jpg", 0, AnalysisStatus::Queued));
    assert_eq!(p.photo_url, format!("blob:{}", crate::blobs::sha256_hex(&bytes)));
    assert_eq!(d.rooms[1].room.photo_count, 1);
    let (second, _) = add_photo(&mut d, room, "b.jpg", &bytes, None, now()).unwrap();
    assert_eq!(second.photo_order, 1);
    assert!(add_photo(&mut d, Uuid::from_u128(999), "x.jpg", &bytes, None, now()).is_err());
}
