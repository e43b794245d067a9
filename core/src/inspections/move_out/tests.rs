//! Move-out inspection rules, as examples of spec 3.1.
use super::*;
use rust_decimal_macros::dec;
use DamageCategory::*;
use DamageSeverity::*;

#[test]
fn every_cell_of_the_repair_cost_table() {
    let table = [
        (WallDamage, Minor, 25, 75),
        (WallDamage, Moderate, 75, 200),
        (WallDamage, Severe, 200, 500),
        (FloorDamage, Minor, 50, 150),
        (FloorDamage, Moderate, 150, 400),
        (FloorDamage, Severe, 400, 1200),
        (FixtureDamage, Minor, 30, 100),
        (FixtureDamage, Moderate, 100, 300),
        (FixtureDamage, Severe, 300, 800),
        (ApplianceDamage, Minor, 50, 150),
        (ApplianceDamage, Moderate, 150, 500),
        (ApplianceDamage, Severe, 500, 2000),
        (CleaningNeeded, Minor, 100, 200),
        (CleaningNeeded, Moderate, 200, 400),
        (CleaningNeeded, Severe, 400, 800),
    ];
    for (category, severity, lo, hi) in table {
        assert_eq!(
            cost_range(category, severity),
            Some((Decimal::from(lo), Decimal::from(hi))),
            "{category} {severity}"
        );
    }
    for severity in DamageSeverity::ALL {
        assert_eq!(cost_range(Other, *severity), None);
    }
}

#[test]
fn an_estimate_is_kept_within_the_table() {
    assert_eq!(check_cost(WallDamage, Moderate, Some(dec!(120))).amount, Some(dec!(120)));
    let high = check_cost(WallDamage, Minor, Some(dec!(300)));
    assert_eq!(high.amount, Some(dec!(75)));
    assert!(high.note.contains("capped at $75.00"), "{}", high.note);
    assert_eq!(check_cost(ApplianceDamage, Severe, Some(dec!(100))).amount, Some(dec!(500)));
    assert_eq!(check_cost(CleaningNeeded, Minor, None).amount, Some(dec!(100)));
    let other = check_cost(Other, Severe, Some(dec!(999)));
    assert_eq!(other.amount, None, "a person prices what the table does not cover");
}

#[test]
fn damage_is_charged_under_the_deduction_categories() {
    assert_eq!(deduction_category(WallDamage), DeductionCategory::WallDamage);
    assert_eq!(deduction_category(FloorDamage), DeductionCategory::Carpet);
    assert_eq!(deduction_category(CleaningNeeded), DeductionCategory::Cleaning);
    assert_eq!(deduction_category(ApplianceDamage), DeductionCategory::ApplianceRepair);
    assert_eq!(deduction_category(FixtureDamage), DeductionCategory::Other);
}

#[test]
fn the_prompt_is_the_specs() {
    assert!(MOVE_OUT_SYSTEM_PROMPT
        .starts_with("You are a property inspection AI. Analyze this photo from a\nmove-out inspection."));
    assert!(MOVE_OUT_SYSTEM_PROMPT.ends_with("]\n}"));
}

// --- the records and the rules around them -------------------------------------------------

mod flow {
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use rust_decimal_macros::dec;

    use crate::ai::Gateway;
    use crate::inspections::compare::samples;
    use crate::inspections::move_out::port::MoveOutPort;
    use crate::inspections::move_out::workflow::{self, MoveOutAction};
    use crate::inspections::move_out::*;
    use crate::inspections::workflow::PhotoFile;
    use crate::lifecycle::LifecycleAction;
    use crate::model::LeaseStatus;
    use crate::store::Store;
    use crate::turnover::port::TurnoverPort;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap()
    }

    fn jpeg(img: &image::RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(img).unwrap();
        out
    }

    fn file(name: &str, bytes: Vec<u8>) -> PhotoFile {
        PhotoFile { file_name: name.into(), content_type: "image/jpeg".into(), bytes }
    }

    /// A replica with a lease under notice (its turnover case open) and a move-out inspection.
    fn fixture() -> (tempfile::TempDir, Store, Uuid, MoveOutDetail) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        crate::demo::generate(&mut store, &crate::demo::DemoConfig { units: 12, seed: 5, today }).unwrap();
        let lease = store.leases_in(&[LeaseStatus::Active]).unwrap().remove(0);
        let give = LifecycleAction::GiveNotice {
            notice_date: today,
            notice_move_out_date: today + chrono::Duration::days(1),
            reason: String::new(),
        };
        store.apply_lifecycle_action(lease.id, &give, "user:test", now()).unwrap();
        let d = workflow::create(&mut store, lease.id, "Dana Inspector", today, now()).unwrap();
        (dir, store, lease.id, d)
    }

    #[test]
    fn an_inspection_is_one_per_lease_linked_to_its_turnover_case() {
        let (_dir, mut store, lease_id, d) = fixture();
        assert_eq!(d.inspection.id, inspection_id(lease_id));
        assert_eq!(d.inspection.turnover_case_id, Some(crate::turnover::case_id(lease_id)));
        assert_eq!(d.inspection.status, MoveOutStatus::InProgress);
        let case = store.turnover_case(crate::turnover::case_id(lease_id)).unwrap();
        assert_eq!(case.inspection_date, Some(d.inspection.inspection_date), "the case knows its inspection day");
        let again = workflow::create(&mut store, lease_id, "Dana Inspector", d.inspection.inspection_date, now());
        assert!(again.unwrap_err().to_string().contains("has one already"));
        let blank = workflow::create(&mut store, Uuid::new_v4(), " ", d.inspection.inspection_date, now());
        assert!(blank.is_err());
    }

    #[test]
    fn offline_analysis_never_guesses_and_only_reviewed_damage_is_charged() {
        let (_dir, mut store, lease_id, d) = fixture();
        let id = d.inspection.id;
        let room = samples::scene(640, 480, 1);
        let files = [file("kitchen-1.jpg", jpeg(&room)), file("broken.jpg", b"not a photo".to_vec())];
        let (action, outcomes) = workflow::store_photos(&store, "Kitchen", &files, now()).unwrap();
        assert!(outcomes[0].photo_id.is_some() && outcomes[1].photo_id.is_none(), "{outcomes:?}");
        let d = workflow::apply_action(&mut store, id, &action.unwrap(), "user:test", now()).unwrap();
        assert_eq!((d.photos.len(), d.photos[0].room.as_str()), (1, "kitchen"));
        assert_eq!(d.photos[0].ai_classification, PhotoClassification::Pending);

        // Offline: measured, labelled, needs_review, no damage invented.
        let gateway = Gateway::offline("tests".into());
        let (run, action) = workflow::analyze(&store, &gateway, id, now()).unwrap();
        assert_eq!((run.provider.as_str(), run.needs_review), ("offline", 1));
        let d = workflow::apply_action(&mut store, id, &action, "user:test", now()).unwrap();
        let p = &d.photos[0];
        assert_eq!(
            (p.ai_classification, p.ai_provider.as_str(), p.ai_damage_items.len()),
            (PhotoClassification::NeedsReview, "offline", 0)
        );
        assert!(p.ai_description.contains("No vision model"), "{}", p.ai_description);
        assert_eq!(d.inspection.status, MoveOutStatus::Review);
        let err = workflow::finalize(&mut store, id, now()).unwrap_err();
        assert!(err.to_string().contains("need a classification"), "{err}");

        // A person keeps it as damage and prices it: over the table is capped.
        let hole = DamageItem::new(
            "Hole in wall by the fridge",
            DamageSeverity::Moderate,
            DamageCategory::WallDamage,
            Some(dec!(350)),
        )
        .unwrap();
        assert_eq!(hole.estimated_cost, Some(dec!(200)));
        let review = MoveOutAction::ReviewPhoto {
            photo_id: p.id,
            classification: PhotoClassification::Damage,
            damage_items: Some(vec![hole]),
        };
        let d = workflow::apply_action(&mut store, id, &review, "user:dana", now()).unwrap();
        assert_eq!((d.inspection.total_damage_items, d.inspection.total_damage_cost), (1, dec!(200.00)));
        assert_eq!(d.photos[0].reviewed_by, "user:dana");

        // The letter states the deposit, the item and the refund, from the record.
        let deposit = store.lease(lease_id).unwrap().security_deposit;
        let g = workflow::generate_letter(&mut store, id, now()).unwrap();
        assert!(g.letter.body.contains("$200.00"), "{}", g.letter.body);
        assert!(g.letter.body.contains(&crate::format::money(deposit)), "{}", g.letter.body);
        assert!(g.detail.inspection.deduction_letter_generated_at.is_some());
        assert!(g.pdf.starts_with(b"%PDF"));

        // Finalize: the deduction lands on the case approved; twice adds nothing.
        let d = workflow::finalize(&mut store, id, now()).unwrap();
        assert_eq!(d.inspection.status, MoveOutStatus::Finalized);
        let case_id = crate::turnover::case_id(lease_id);
        let deductions = store.turnover_deductions(case_id).unwrap();
        assert_eq!(deductions.len(), 1);
        assert!(deductions[0].approved && deductions[0].description.starts_with("Kitchen: Hole"));
        let case = store.turnover_case(case_id).unwrap();
        assert_eq!(
            (case.total_deductions, case.refund_amount),
            (dec!(200.00), crate::turnover::cents(deposit - dec!(200)))
        );
        assert!(workflow::finalize(&mut store, id, now()).unwrap_err().to_string().contains("finalized"));
        assert_eq!(store.turnover_deductions(case_id).unwrap().len(), 1);
        assert_eq!(store.move_outs().unwrap().len(), 1);
    }

    #[test]
    fn unreviewed_ai_damage_is_never_charged() {
        let (_dir, mut store, _lease, d) = fixture();
        let id = d.inspection.id;
        let (action, _) =
            workflow::store_photos(&store, "bedroom_1", &[file("b.jpg", jpeg(&samples::scene(320, 240, 2)))], now())
                .unwrap();
        let d = workflow::apply_action(&mut store, id, &action.unwrap(), "user:test", now()).unwrap();
        let photo_id = d.photos[0].id;
        let model = analysis::MoveOutAnswer {
            classification: "damage".into(),
            confidence: 0.92,
            description: "Carpet stain".into(),
            damage_items: vec![analysis::AnswerDamage {
                item: "Red wine stain".into(),
                severity: "minor".into(),
                estimated_cost: Some(90.0),
                category: "floor_damage".into(),
            }],
        };
        let a = analysis::to_analysis(photo_id, "claude", &model);
        assert_eq!(a.classification, PhotoClassification::Damage);
        let record = MoveOutAction::RecordAnalyses { analyses: vec![a], started_at: now() };
        let d = workflow::apply_action(&mut store, id, &record, "user:test", now()).unwrap();
        assert_eq!(d.inspection.total_damage_items, 0, "the AI's damage waits for a person");
        let err = workflow::finalize(&mut store, id, now()).unwrap_err();
        assert!(err.to_string().contains("not reviewed"), "{err}");

        // An unsure answer goes to review whatever it says.
        let unsure = analysis::to_analysis(photo_id, "claude", &analysis::MoveOutAnswer { confidence: 0.4, ..model });
        assert_eq!(unsure.classification, PhotoClassification::NeedsReview);
    }
}

#[test]
fn rooms_are_slugs() {
    assert_eq!(check_room("Bedroom 1").unwrap(), "bedroom_1");
    assert_eq!(check_room("living-room").unwrap(), "living_room");
    assert!(check_room("").is_err() && check_room("kitchen; drop").is_err());
    assert_eq!(room_label("bathroom_2"), "Bathroom 2");
}

#[test]
fn the_comparison_prompt_is_the_specs_and_only_new_damage_is_charged() {
    use super::comparison::*;
    assert!(COMPARISON_PROMPT.starts_with("Compare these two photos of the same {item_type} in {room_name}."));
    let said = |class: &str| AnswerDifference {
        classification: class.into(),
        description: "Crack in tile".into(),
        estimated_repair_cost: Some(150.0),
        charge_to_tenant: true,
        reasoning: String::new(),
    };
    assert!(to_difference(&said("new_damage")).charge_to_tenant);
    for class in ["pre_existing", "normal_wear", "improved"] {
        assert!(!to_difference(&said(class)).charge_to_tenant, "{class} is never charged");
    }
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(lease_duration(d("2024-01-15"), d("2026-04-14")), "2 years 2 months");
    assert_eq!(lease_duration(d("2026-01-01"), d("2026-02-01")), "1 month");
}

#[test]
fn offline_comparison_finds_the_hole_and_judges_nothing() {
    use super::comparison::offline_pair;
    use crate::inspections::compare::samples;
    let before = samples::scene(640, 480, 9);
    let after = samples::with_hole(&before, 0.7, 0.4, 0.05);
    let (status, diff, summary) =
        offline_pair(&image::DynamicImage::ImageRgb8(before.clone()), &image::DynamicImage::ImageRgb8(after));
    assert_eq!(status, "needs_review");
    assert!(diff.regions.iter().any(|r| r.contains(0.7, 0.4)), "{diff:?}");
    assert!(summary.contains("No vision model"), "{summary}");
    let (same, _, _) =
        offline_pair(&image::DynamicImage::ImageRgb8(before.clone()), &image::DynamicImage::ImageRgb8(before));
    assert_eq!(same, "unchanged");
}
