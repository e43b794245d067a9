use unitcycle_core::ai::{ClaudeConfig, Gateway};

use super::ops;
use crate::{AppState, CommandError};

/// A replica with the offline gateway (tests never depend on the environment's API key).
fn state() -> (AppState, tempfile::TempDir) {
    state_with(Gateway::new(None))
}

fn state_with(gateway: Gateway) -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = AppState::open_with(dir.path().join("replica.db"), gateway).unwrap();
    (s, dir)
}

fn jpeg(w: u32, h: u32, lo: u8, hi: u8, blur: f32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = if ((x / 16) + (y / 16)) % 2 == 0 { lo } else { hi };
        image::Rgb([v, v, v])
    });
    let img = if blur > 0.0 { image::imageops::blur(&img, blur) } else { img };
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

/// The demo portfolio and a fresh inspection: (inspection id, first room id).
fn inspection(s: &AppState) -> (String, String) {
    ops::create_demo(s).unwrap();
    let lease = ops::list_leases(s, None).unwrap().remove(0);
    let d = ops::start_inspection(s, lease.id.to_string(), "Dana Inspector".into()).unwrap();
    (d.inspection.id.to_string(), d.rooms[0].room.id.to_string())
}

/// An acceptable photo of every room and every item rated: 100 %, ready to sign.
fn complete(s: &AppState, id: &str) {
    let d = ops::get_inspection(s, id.to_string()).unwrap();
    for rd in &d.rooms {
        ops::add_photo(s, rd.room.id.to_string(), "wide.jpg".into(), &jpeg(800, 600, 40, 220, 0.0)).unwrap();
        for it in rd.items.iter().filter(|i| i.human_override.is_none()) {
            ops::rate_item(s, it.id.to_string(), Some("good".into()), None).unwrap();
        }
    }
    assert!(ops::completeness(s, id.to_string()).unwrap().is_complete);
}

fn signature() -> Vec<u8> {
    let mut img = image::RgbaImage::new(300, 100);
    for x in 20..250 {
        img.put_pixel(x, 50, image::Rgba([15, 23, 42, 255]));
    }
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

#[test]
fn errors_serialise_as_code_and_detail() {
    let e = CommandError::new("not_found", "Lease not found: 42");
    assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"code":"not_found","detail":"Lease not found: 42"}"#);
    let (s, _dir) = state();
    let e = ops::get_inspection(&s, uuid::Uuid::nil().to_string()).unwrap_err();
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"code": "not_found", "detail": "No move-in inspection with id 00000000-0000-0000-0000-000000000000."})
    );
    let e = ops::get_inspection(&s, "abc".into()).unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("invalid_input", "'abc' is not an id"));
}

#[test]
fn every_command_from_an_empty_replica_to_a_finalized_report() {
    let (s, _dir) = state();
    assert_eq!(ops::app_info(&s).unwrap().leases, 0);
    assert!(ops::create_demo(&s).unwrap().leases > 0);
    assert_eq!(ops::create_demo(&s).unwrap_err().code, "invalid_input");
    let leases = ops::list_leases(&s, None).unwrap();
    assert!(leases[0].monthly_rent.starts_with('$'));
    let lease = &leases[0];
    assert_eq!(ops::list_leases(&s, Some(lease.lease_number.clone())).unwrap()[0].id, lease.id);

    let d = ops::start_inspection(&s, lease.id.to_string(), "Dana Inspector".into()).unwrap();
    let id = d.inspection.id.to_string();
    assert_eq!(ops::list_inspections(&s).unwrap().len(), 1);
    let room = d.rooms[0].room.id.to_string();

    let added = ops::add_photo(&s, room.clone(), "living.jpg".into(), &jpeg(800, 600, 40, 220, 0.0)).unwrap();
    assert!(added.quality.is_acceptable, "{:?}", added.quality);
    let blurry = ops::add_photo(&s, room.clone(), "shaky.jpg".into(), &jpeg(800, 600, 40, 220, 6.0)).unwrap();
    assert!(blurry.quality.verdict.starts_with("Retake: blurry"), "{}", blurry.quality.verdict);
    let sha = added.photo.blob_hash().unwrap().to_string();
    let thumb = crate::media::respond(&s.blobs, &format!("/thumb%2F{sha}"));
    assert_eq!(thumb.headers()["Content-Type"], "image/jpeg");
    assert!(crate::media::thumbs_dir(&s.blobs).join(format!("{sha}.jpg")).exists(), "kept for the next request");
    let photo = crate::media::respond(&s.blobs, &format!("/blob/{sha}"));
    assert_eq!(photo.body().len(), std::fs::metadata(s.blobs.path(&sha).unwrap()).unwrap().len() as usize);
    assert_eq!(crate::media::respond(&s.blobs, "/blob/../../etc/passwd").status(), 400);
    let e = ops::add_photo(&s, room.clone(), "notes.txt".into(), b"hello").unwrap_err();
    assert_eq!(e.code, "invalid_image");
    ops::delete_photo(&s, blurry.photo.id.to_string()).unwrap();

    let item = d.rooms[0].items[0].id.to_string();
    let rated = ops::rate_item(&s, item.clone(), Some("good".into()), Some("clean".into())).unwrap();
    assert_eq!(rated.human_notes, "clean");
    assert_eq!(ops::rate_item(&s, item.clone(), Some("shiny".into()), None).unwrap_err().code, "invalid_input");
    let with_issue =
        ops::add_issue(&s, item.clone(), "minor".into(), "scratch".into(), "2 in".into(), "door".into()).unwrap();
    assert_eq!(with_issue.ai_pre_existing_issues.len(), 1);
    assert!(ops::remove_issue(&s, item.clone(), 0).unwrap().ai_pre_existing_issues.is_empty());
    assert_eq!(ops::set_room_notes(&s, room.clone(), "two keys".into()).unwrap().notes, "two keys");
    let run = ops::analyze(&s, id.clone()).unwrap();
    assert_eq!((run.provider.as_str(), run.needs_review), ("offline", 1));
    let c = ops::completeness(&s, id.clone()).unwrap();
    assert!(c.completeness_pct > 0 && !c.is_complete);

    assert_eq!(ops::finalize(&s, id.clone()).unwrap_err().code, "missing_signatures");
    // Signing is refused below 100 %, with what is missing; then every room is documented.
    let e = ops::sign(&s, id.clone(), "tenant".into(), "Terry Tenant".into(), &signature()).unwrap_err();
    assert!(e.detail.starts_with("signing needs a complete inspection (100%)"), "{}", e.detail);
    complete(&s, &id);
    ops::sign(&s, id.clone(), "tenant".into(), "Terry Tenant".into(), &signature()).unwrap();
    ops::sign(&s, id.clone(), "manager".into(), "Morgan Manager".into(), &signature()).unwrap();
    let done = ops::finalize(&s, id.clone()).unwrap();
    assert_eq!(done.status.as_str(), "finalized");
    assert_eq!(ops::rate_item(&s, item, Some("poor".into()), None).unwrap_err().code, "finalized");

    let report = ops::generate_report(&s, id.clone()).unwrap();
    assert_eq!(report.pages.len(), d.rooms.len() + 2);
    assert_eq!(report.pages[0], "MOVE-IN CONDITION REPORT");
    let bytes = std::fs::read(&report.path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(ops::get_inspection(&s, id).unwrap().inspection.condition_report_url, format!("blob:{}", report.sha256));
}

#[test]
fn app_info_says_who_analyses_and_how_many_photos_wait() {
    let (s, _dir) = state();
    let info = ops::app_info(&s).unwrap();
    assert_eq!((info.ai.provider, info.ai.label), ("offline", "Offline check — rate by eye"));
    assert_eq!(info.ai.model, "offline-templates-v1");
    assert_eq!(info.photos_queued, 0);
    let (id, room) = inspection(&s);
    ops::add_photo(&s, room, "living.jpg".into(), &jpeg(800, 600, 40, 220, 0.0)).unwrap();
    assert_eq!(ops::app_info(&s).unwrap().photos_queued, 1);
    let run = ops::analyze(&s, id).unwrap();
    assert_eq!((run.provider.as_str(), run.needs_review), ("offline", 1));
    assert_eq!(ops::app_info(&s).unwrap().photos_queued, 0);
}

#[test]
fn with_claude_configured_but_unreachable_photos_stay_queued() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = format!("http://127.0.0.1:{port}");
    let (s, _dir) = state_with(Gateway::new(Some(config)));
    let info = ops::app_info(&s).unwrap();
    assert_eq!((info.ai.provider, info.ai.label), ("claude", "Analysed by Claude"));

    let (id, room) = inspection(&s);
    ops::add_photo(&s, room, "living.jpg".into(), &jpeg(800, 600, 40, 220, 0.0)).unwrap();
    let run = ops::analyze(&s, id.clone()).unwrap();
    assert_eq!((run.provider.as_str(), run.still_queued, run.analysed), ("claude", 1, 0));
    assert!(run.message.contains("photos stay queued"), "{}", run.message);
    assert_eq!(ops::app_info(&s).unwrap().photos_queued, 1);
    assert_eq!(ops::completeness(&s, id).unwrap().photos_awaiting_analysis, 1);
    // The demo's jobs logged their offline letters too; the analysis is the newest run.
    let runs = s.store().unwrap().ai_runs(5).unwrap();
    assert_eq!((runs[0].task.as_str(), runs[0].outcome.as_str()), ("condition_analysis", "failed"));
    assert_eq!(runs.iter().filter(|r| r.task == "condition_analysis").count(), 1);
}

/// A camera card: sharp, dark, truncated, not an image, a duplicate in a second folder, a
/// video, and a photo too deep to be looked at.
fn camera_card() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let dcim = dir.path();
    let sharp = jpeg(800, 600, 40, 220, 0.0);
    std::fs::create_dir_all(dcim.join("100CANON/THUMBS")).unwrap();
    std::fs::create_dir(dcim.join("101CANON")).unwrap();
    std::fs::write(dcim.join("100CANON/IMG_0001.JPG"), &sharp).unwrap();
    std::fs::write(dcim.join("100CANON/IMG_0002.JPG"), jpeg(800, 600, 2, 40, 0.0)).unwrap();
    std::fs::write(dcim.join("100CANON/IMG_0003.jpeg"), &sharp[..sharp.len() / 2]).unwrap();
    std::fs::write(dcim.join("100CANON/IMG_0004.png"), b"shopping list, not a photo").unwrap();
    std::fs::write(dcim.join("100CANON/MVI_0005.MP4"), b"video").unwrap();
    std::fs::write(dcim.join("100CANON/THUMBS/IMG_0001.JPG"), &sharp).unwrap();
    std::fs::write(dcim.join("101CANON/IMG_0101.JPG"), &sharp).unwrap();
    dir
}

#[test]
fn a_camera_folder_imports_its_photos_refuses_bad_files_and_skips_duplicates() {
    let (s, _dir) = state();
    let (id, room) = inspection(&s);
    let by_hand = ops::add_photo(&s, room.clone(), "hand.jpg".into(), &jpeg(800, 600, 30, 230, 0.0)).unwrap();
    let card = camera_card();
    std::fs::write(card.path().join("hand-copy.JPG"), jpeg(800, 600, 30, 230, 0.0)).unwrap();

    let scan = ops::scan_camera_folder(&s, card.path().display().to_string()).unwrap();
    let names: Vec<&str> = scan.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "100CANON/IMG_0001.JPG",
            "100CANON/IMG_0002.JPG",
            "100CANON/IMG_0003.jpeg",
            "100CANON/IMG_0004.png",
            "101CANON/IMG_0101.JPG",
            "hand-copy.JPG"
        ]
    );

    let report = ops::import_camera_files(&s, room.clone(), scan.files.clone()).unwrap();
    let imported: Vec<(&str, &str)> =
        report.imported.iter().map(|p| (p.name.as_str(), p.verdict.split(' ').next().unwrap())).collect();
    assert_eq!(imported, [("100CANON/IMG_0001.JPG", "Good"), ("100CANON/IMG_0002.JPG", "Retake:")]);
    assert!(report.imported[1].verdict.starts_with("Retake: too dark"), "{}", report.imported[1].verdict);
    assert_eq!(report.duplicates, ["101CANON/IMG_0101.JPG", "hand-copy.JPG"]);
    let refused: Vec<(&str, &str)> = report.refused.iter().map(|r| (r.name.as_str(), r.reason.as_str())).collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[0].0, "100CANON/IMG_0003.jpeg");
    assert!(refused[0].1.starts_with("the image is damaged or incomplete"), "{}", refused[0].1);
    assert_eq!(refused[1], ("100CANON/IMG_0004.png", "the file is not an image UnitCycle can read (use JPEG or PNG)"));

    let detail = ops::get_inspection(&s, id.clone()).unwrap();
    let photos: Vec<&str> = detail.rooms[0].photos.iter().map(|p| p.file_name.as_str()).collect();
    assert_eq!(photos, ["hand.jpg", "100CANON/IMG_0001.JPG", "100CANON/IMG_0002.JPG"]);
    assert_ne!(detail.rooms[0].photos[0].id, report.imported[0].photo.id);
    assert_eq!(by_hand.photo.id, detail.rooms[0].photos[0].id);
    assert_eq!(ops::app_info(&s).unwrap().photos_queued, 3, "imported photos are queued for analysis");

    // Importing the card again adds nothing: every readable photo is already there.
    let again = ops::import_camera_files(&s, room, scan.files).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.duplicates.len(), 4);
    assert_eq!(again.refused.len(), 2);
}

#[test]
fn camera_import_errors_are_clear() {
    let (s, _dir) = state();
    let e = ops::scan_camera_folder(&s, "/nonexistent/DCIM".into()).unwrap_err();
    assert_eq!(
        (e.code, e.detail.as_str()),
        ("invalid_input", "there is no folder at /nonexistent/DCIM; check the camera is connected and mounted")
    );
    assert_eq!(ops::scan_camera_folder(&s, "  ".into()).unwrap_err().code, "invalid_input");

    let (id, room) = inspection(&s);
    let card = camera_card();
    let files = ops::scan_camera_folder(&s, card.path().display().to_string()).unwrap().files;
    let e = ops::import_camera_files(&s, uuid::Uuid::nil().to_string(), files.clone()).unwrap_err();
    assert_eq!(e.code, "not_found");
    complete(&s, &id);
    ops::sign(&s, id.clone(), "tenant".into(), "Terry Tenant".into(), &signature()).unwrap();
    ops::sign(&s, id.clone(), "manager".into(), "Morgan Manager".into(), &signature()).unwrap();
    ops::finalize(&s, id).unwrap();
    assert_eq!(ops::import_camera_files(&s, room, files).unwrap_err().code, "finalized");
}

#[test]
fn the_back_office_views_read_the_demo_and_print_its_letters() {
    let (s, dir) = state();
    ops::create_demo(&s).unwrap();

    let dash = ops::dashboard(&s).unwrap();
    assert_eq!(dash.kpis.units, 60);
    assert!(dash.renewals.by_risk_level.values().sum::<u64>() > 0, "the demo runs the renewal scan");
    assert!(dash.collections.open_cases > 0, "the demo runs the collections scan");
    assert!(dash.outstanding.starts_with('$'));

    let renewals = ops::list_renewals(&s, None).unwrap();
    assert_eq!(renewals.total, renewals.rows.len());
    let renewals = renewals.rows;
    assert!(renewals.windows(2).all(|w| w[0].renewal.plan.churn_score >= w[1].renewal.plan.churn_score));
    let pending = ops::list_renewals(&s, Some("pending".into())).unwrap().rows;
    assert!(pending.iter().all(|r| r.renewal.status.as_str() == "pending"));
    assert_eq!(ops::list_renewals(&s, Some("maybe".into())).unwrap_err().code, "invalid_input");
    let letter = ops::renewal_letter_pdf(&s, renewals[0].renewal.id.to_string()).unwrap();
    assert!(letter.path.starts_with(dir.path().join("letters").to_str().unwrap()), "{}", letter.path);
    assert!(std::fs::read(&letter.path).unwrap().starts_with(b"%PDF"));
    assert!(!letter.pages.is_empty());

    // The review workflow from the desktop: out-of-order steps are refused with the core's reason.
    let id = pending[0].renewal.id.to_string();
    let e = ops::renewal_action(&s, id.clone(), "send".into(), None).unwrap_err();
    assert_eq!(e.detail, "Approve the recommendation before sending it (it is Pending Review).");
    let e = ops::renewal_action(&s, id.clone(), "approve".into(), Some("12 dollars".into())).unwrap_err();
    assert!(e.detail.contains("expected dollars and cents"), "{}", e.detail);
    assert_eq!(ops::renewal_action(&s, id.clone(), "renew".into(), None).unwrap_err().code, "invalid_input");
    let rent = pending[0].renewal.plan.current_rent + unitcycle_core::format::parse_money("25").unwrap();
    let approved = ops::renewal_action(&s, id.clone(), "approve".into(), Some(rent.to_string())).unwrap();
    assert_eq!((approved.status_label, approved.renewal.plan.recommended_rent), ("Approved", rent));
    assert!(approved.renewal.reviewed_by.ends_with("@desktop"), "{}", approved.renewal.reviewed_by);
    let sent = ops::renewal_action(&s, id.clone(), "send".into(), None).unwrap();
    assert_eq!(sent.status_label, "Sent to Tenant");
    let outbox = s.store().unwrap().outbox_messages(Some(sent.renewal.id), 10).unwrap();
    assert_eq!(outbox.len(), 1, "the letter is queued once, by email with its PDF");
    assert!(outbox[0].attachment_sha256.is_some());
    assert!(ops::renewal_action(&s, id.clone(), "send".into(), None).is_err(), "a second send is refused");
    assert_eq!(ops::renewal_action(&s, id, "decline".into(), None).unwrap().status_label, "Declined by Tenant");

    let cases = ops::list_collections(&s, false).unwrap().rows;
    assert!(cases.windows(2).all(|w| w[0].case.days_overdue >= w[1].case.days_overdue));
    assert!(cases.iter().all(|c| c.case.is_open()));
    assert!(ops::list_collections(&s, true).unwrap().total >= cases.len());
    let with_letter = cases
        .iter()
        .map(|c| ops::collection_case(&s, c.case.id.to_string()).unwrap())
        .find(|d| !d.documents.is_empty())
        .expect("a case at the formal-notice step or later has sent a letter");
    assert!(!with_letter.actions.is_empty());
    let doc = &with_letter.documents[0];
    let saved = ops::save_document(&s, doc.sha256.clone(), doc.name.clone()).unwrap();
    assert!(std::fs::read(&saved.path).unwrap().starts_with(b"%PDF"));
    assert_eq!(ops::save_document(&s, "nope".into(), "x.pdf".into()).unwrap_err().code, "invalid_input");
    assert_eq!(ops::collection_case(&s, uuid::Uuid::nil().to_string()).unwrap_err().code, "not_found");
}

#[test]
fn only_the_replicas_letters_and_reports_can_be_opened() {
    let (s, dir) = state();
    let report = ops::write_document(&s, "reports", "move-in report.pdf", &unitcycle_core_pdf()).unwrap();
    assert!(ops::generated_file(&s, &report.path).is_ok());
    let outside = dir.path().join("run.sh");
    std::fs::write(&outside, "#!/bin/sh\n").unwrap();
    for path in [
        outside.display().to_string(),
        dir.path().join("reports").join("..").join("run.sh").display().to_string(),
        dir.path().join("reports").display().to_string(),
        "/etc/passwd".to_string(),
        "does-not-exist.pdf".to_string(),
    ] {
        let e = ops::generated_file(&s, &path).unwrap_err();
        assert_eq!(e.code, "invalid_input", "{path}");
    }
}

/// A one-page PDF, as the app's reports are.
fn unitcycle_core_pdf() -> Vec<u8> {
    let mut doc = unitcycle_core::pdf::Doc::new("Report", "UnitCycle", chrono::Utc::now()).unwrap();
    doc.text_at(72.0, 72.0, "A line", unitcycle_core::pdf::Face::Body, 12.0, (0, 0, 0), false);
    doc.finish()
}

const APPFOLIO: &str = include_str!("../../../tests/fixtures/rent_roll_appfolio.csv");
const YARDI: &str = include_str!("../../../tests/fixtures/rent_roll_yardi.csv");

fn created(r: &unitcycle_core::import::ImportReport, kind: &str) -> u32 {
    r.counts[kind].created
}

#[test]
fn a_rent_roll_is_previewed_then_imported_once_all_or_nothing() {
    let (s, _dir) = state();
    let p = ops::import_preview(&s, "rent_roll".into(), APPFOLIO.into(), None).unwrap();
    assert_eq!(p.mapping.error, None);
    assert!(p.fields.iter().any(|f| f.name == "unit_number"));
    let r = p.report.unwrap();
    assert!(r.errors.is_empty() && !r.applied, "{:?}", r.errors);
    assert_eq!((created(&r, "properties"), created(&r, "leases")), (2, 12));
    assert_eq!(ops::app_info(&s).unwrap().leases, 0, "the dry run writes nothing");
    let done = ops::import_apply(&s, "rent_roll".into(), APPFOLIO.into(), None).unwrap();
    assert!(done.applied);
    assert_eq!(ops::app_info(&s).unwrap().leases, 12);
    let again = ops::import_apply(&s, "rent_roll".into(), APPFOLIO.into(), None).unwrap();
    assert!(!again.applied && again.counts.values().all(|c| c.created == 0));
    assert_eq!(ops::app_info(&s).unwrap().leases, 12);
    // The export lands in reports/ beside the replica, and only there can it be opened.
    let out = ops::export_rent_roll(&s).unwrap();
    assert_eq!(out.units, 14);
    assert!(std::path::Path::new(&out.path).parent().unwrap().ends_with("reports"), "{}", out.path);
    assert!(std::fs::read_to_string(&out.path).unwrap().starts_with("Property,Address,City,"));
    assert!(ops::generated_file(&s, &out.path).is_ok());
}

#[test]
fn a_bad_row_is_reported_by_line_and_nothing_is_imported() {
    let (s, _dir) = state();
    let csv = "Property,Unit,Tenant,Lease Start,Rent\nElm Court,1,Ann Lee,01/15/2026,$900.00\nElm Court,2,Bo Park,01/15/2026,lots\n";
    let r = ops::import_preview(&s, "rent_roll".into(), csv.into(), None).unwrap().report.unwrap();
    assert_eq!(r.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
    let done = ops::import_apply(&s, "rent_roll".into(), csv.into(), None).unwrap();
    assert!(!done.applied && done.errors.len() == 1);
    let props: i64 = s.store().unwrap().conn().query_row("SELECT COUNT(*) FROM properties", [], |r| r.get(0)).unwrap();
    assert_eq!(props, 0);
}

#[test]
fn the_mapping_is_edited_with_choices_from_the_front_end() {
    let (s, _dir) = state();
    // The front end sends each select's change as {column, field}; null leaves a column out.
    let choices: Vec<super::import::Choice> = serde_json::from_value(serde_json::json!([
        {"column": "Resident", "field": null},
        {"column": "Unit Type", "field": "bedrooms"}
    ]))
    .unwrap();
    let p = ops::import_preview(&s, "rent-roll".into(), YARDI.into(), Some(choices.clone())).unwrap();
    let field = |col: &str| p.mapping.columns.iter().find(|c| c.column == col).unwrap().field;
    assert_eq!(serde_json::to_value(field("Unit Type")).unwrap(), "bedrooms");
    assert_eq!(serde_json::to_value(field("Name")).unwrap(), "tenant_name");
    assert_eq!(field("Resident"), None);
    assert!(ops::import_apply(&s, "rent_roll".into(), YARDI.into(), Some(choices)).unwrap().applied);
    // A mapping with no unit column is shown with its reason, and cannot be imported.
    let none = vec![super::import::Choice { column: "Unit".into(), field: None }];
    let p = ops::import_preview(&s, "rent_roll".into(), YARDI.into(), Some(none.clone())).unwrap();
    assert!(p.report.is_none() && p.mapping.error.as_deref().unwrap().contains("unit number"));
    assert_eq!(ops::import_apply(&s, "rent_roll".into(), YARDI.into(), Some(none)).unwrap_err().code, "invalid_input");
    assert_eq!(ops::import_preview(&s, "leases".into(), YARDI.into(), None).unwrap_err().code, "invalid_input");
}

#[test]
fn a_connected_replica_refuses_to_import() {
    let (s, _dir) = state();
    s.store()
        .unwrap()
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
        .unwrap();
    let e = ops::import_preview(&s, "rent_roll".into(), APPFOLIO.into(), None).unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("connected", unitcycle_core::store::CONNECTED_REFUSAL));
    assert_eq!(ops::import_apply(&s, "ledger".into(), APPFOLIO.into(), None).unwrap_err().code, "connected");
}

/// A records action through the command, as the front end sends it.
fn act(s: &AppState, id: Option<&str>, action: serde_json::Value) -> Result<super::records::Written, CommandError> {
    ops::record_action(s, id.map(str::to_string), action)
}

fn count(s: &AppState, table: &str) -> i64 {
    s.store().unwrap().conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn records_from_a_property_to_a_voided_payment_with_balances() {
    use serde_json::json;
    let (s, _dir) = state();
    let p = act(
        &s,
        None,
        json!({"action": "create_property", "name": "Harbor View", "city": "Oakland",
        "time_zone": "America/Los_Angeles"}),
    )
    .unwrap();
    assert_eq!((p.entity, p.queued, p.row["time_zone"].as_str()), ("properties", false, Some("America/Los_Angeles")));
    let pid = p.id.to_string();
    let b =
        act(&s, None, json!({"action": "create_building", "property_id": pid, "name": "North", "floors": 3})).unwrap();
    let u = act(
        &s,
        None,
        json!({"action": "create_unit", "property_id": pid, "building_id": b.id,
        "unit_number": "101", "bedrooms": 2, "bathrooms": "1.5", "market_rent": "1850.00"}),
    )
    .unwrap();
    assert_eq!((u.row["market_rent"].as_str(), u.row["bathrooms"].as_str()), (Some("1850.00"), Some("1.5")));
    let edited = act(&s, Some(&pid), json!({"action": "update_property", "name": "Harbor View Apts"})).unwrap();
    assert_eq!(edited.row["name"], "Harbor View Apts");
    let recs = ops::property_records(&s, pid.clone()).unwrap();
    assert_eq!((recs.buildings.len(), recs.units.len(), recs.property.total_units), (1, 1, 1));
    assert_eq!(recs.units[0].building_name, "North");

    let t = act(
        &s,
        None,
        json!({"action": "add_tenant", "first_name": "Ann", "last_name": "Lee",
        "email": "ann@example.test"}),
    )
    .unwrap();
    assert_eq!(ops::find_tenant(&s, "ANN@example.test".into()).unwrap().unwrap().id, t.id);
    let terms = json!({"lease_begin_date": "2026-01-01", "lease_end_date": "2026-12-31",
        "monthly_rent_amount": "1850.00", "security_deposit": "1850.00"});
    let lease = ops::new_lease(&s, u.id.to_string(), t.id.to_string(), terms.clone()).unwrap();
    assert_eq!((lease.unit_number.as_str(), lease.tenant_name.as_str()), ("101", "Ann Lee"));
    let lid = lease.lease.id.to_string();
    // The unit is leased now: a second lease and archiving are refused with the core's reason.
    let e = ops::new_lease(&s, u.id.to_string(), t.id.to_string(), terms).unwrap_err();
    assert_eq!(e.code, "invalid_input", "{}", e.detail);
    let e = act(&s, Some(&u.id.to_string()), json!({"action": "archive_unit"})).unwrap_err();
    assert_eq!(e.code, "invalid_input");
    assert!(e.detail.starts_with("Unit 101 has a lease in place"), "{}", e.detail);
    let e = act(&s, Some(&pid), json!({"action": "archive_property"})).unwrap_err();
    assert!(e.detail.starts_with("Property Harbor View Apts has a lease in place"), "{}", e.detail);
    let e = act(&s, Some(&t.id.to_string()), json!({"action": "archive_tenant"})).unwrap_err();
    assert!(e.detail.starts_with("Tenant Ann Lee has a lease in place"), "{}", e.detail);
    assert!(ops::list_properties(&s, false).unwrap()[0].archived_at.is_none());

    let base = ops::lease_ledger(&s, lid.clone()).unwrap();
    let opening = base.balance.parse::<f64>().unwrap();
    let post = |kind: &str, amount: &str| {
        act(
            &s,
            None,
            json!({"action": "post_ledger", "lease_id": lid, "kind": kind, "category": "rent",
            "amount": amount, "trans_date": base.today}),
        )
    };
    let balance = |s: &AppState| ops::lease_ledger(s, lid.clone()).unwrap().balance.parse::<f64>().unwrap() - opening;
    post("charge", "1850.00").unwrap();
    assert_eq!(balance(&s), 1850.0);
    let pay = post("payment", "1000.00").unwrap();
    assert_eq!((pay.row["trans_type"].as_str(), pay.row["category"].as_str()), (Some("Payment"), Some("payment")));
    assert_eq!(balance(&s), 850.0);
    let credit = post("credit", "50.00").unwrap();
    assert_eq!(credit.row["category"], "credit");
    assert_eq!(balance(&s), 800.0);
    let void = act(&s, Some(&pay.id.to_string()), json!({"action": "void_ledger", "reason": "bounced"})).unwrap();
    assert_eq!((void.row["category"].as_str(), void.row["trans_type"].as_str()), (Some("void"), Some("Charge")));
    let ledger = ops::lease_ledger(&s, lid.clone()).unwrap();
    assert_eq!(balance(&s), 1800.0);
    assert!(ledger.entries.iter().find(|e| e.entry.id == pay.id).unwrap().voided);
    assert_eq!(ledger.entries.iter().find(|e| e.entry.id == credit.id).unwrap().amount_label, "-$50.00");
    let e = act(&s, Some(&pay.id.to_string()), json!({"action": "void_ledger", "reason": "again"})).unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("invalid_input", "This entry is already voided."));
}

#[test]
fn a_refused_record_writes_nothing_and_says_why() {
    use serde_json::json;
    let (s, _dir) = state();
    let e =
        act(&s, None, json!({"action": "create_property", "name": "Elm", "time_zone": "Mars/Olympus"})).unwrap_err();
    let core = unitcycle_core::time::zone("Mars/Olympus").unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("invalid_input", core.as_str()));
    assert_eq!(count(&s, "properties"), 0);

    let p = act(&s, None, json!({"action": "create_property", "name": "Elm", "time_zone": "UTC"})).unwrap();
    let e = act(
        &s,
        None,
        json!({"action": "create_unit", "property_id": p.id, "unit_number": "1",
        "market_rent": "-5.00"}),
    )
    .unwrap_err();
    let input: unitcycle_core::records::UnitInput =
        serde_json::from_value(json!({"property_id": p.id, "unit_number": "1", "market_rent": "-5.00"})).unwrap();
    let core = input.into_unit(uuid::Uuid::nil(), chrono::Utc::now()).unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("invalid_input", core.as_str()));
    assert_eq!(count(&s, "units_unit"), 0);

    // The shape of the change itself, and an edit without its record, are refused too.
    assert_eq!(act(&s, None, json!({"action": "demolish"})).unwrap_err().code, "invalid_input");
    let e = act(&s, None, json!({"action": "archive_property"})).unwrap_err();
    assert_eq!(e.code, "invalid_input");
    assert_eq!(act(&s, Some("nope"), json!({"action": "archive_property"})).unwrap_err().code, "invalid_input");
    let missing = uuid::Uuid::nil().to_string();
    assert_eq!(act(&s, Some(&missing), json!({"action": "archive_property"})).unwrap_err().code, "not_found");
    assert_eq!(count(&s, "properties"), 1);
}

#[test]
fn a_connected_replica_queues_records_and_leaves_leases_to_the_server() {
    use serde_json::json;
    let (s, _dir) = state();
    s.store()
        .unwrap()
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
        .unwrap();
    let p = act(&s, None, json!({"action": "create_property", "name": "Elm", "time_zone": "UTC"})).unwrap();
    assert!(p.queued);
    let u = act(&s, None, json!({"action": "create_unit", "property_id": p.id, "unit_number": "1"})).unwrap();
    let t = act(&s, None, json!({"action": "add_tenant", "first_name": "A", "last_name": "B", "email": "a@b.test"}))
        .unwrap();
    let terms = json!({"lease_begin_date": "2026-01-01", "lease_end_date": "2026-12-31", "monthly_rent_amount": "900"});
    let e = ops::new_lease(&s, u.id.to_string(), t.id.to_string(), terms).unwrap_err();
    assert_eq!((e.code, e.detail.as_str()), ("connected", super::records::LEASE_ON_SERVER));
}

#[test]
fn only_leases_moving_in_are_offered_and_the_page_says_what_blocks_signing() {
    let (s, _dir) = state();
    ops::create_demo(&s).unwrap();
    let offered = ops::inspectable_leases(&s, None).unwrap();
    assert!(offered.rule.contains("within 30 days"), "{}", offered.rule);
    let all = ops::list_leases(&s, None).unwrap();
    assert!(offered.leases.len() < all.len(), "a two-year tenant is not offered");
    // A lease moved to begin today is offered; an inspection of it shows what blocks signing.
    let lease = &all[0];
    let today = chrono::Utc::now().date_naive();
    s.store()
        .unwrap()
        .conn()
        .execute(
            "UPDATE tenant_lease SET lease_begin_date = ?2, lease_status = 'active', actual_move_out_date = NULL WHERE id = ?1",
            [lease.id.to_string(), today.to_string()],
        )
        .unwrap();
    let found = ops::inspectable_leases(&s, Some(lease.lease_number.clone())).unwrap().leases;
    assert_eq!(found.len(), 1, "{found:?}");
    let d = ops::start_inspection(&s, lease.id.to_string(), "Dana Inspector".into()).unwrap();
    let id = d.inspection.id.to_string();
    let found = ops::inspectable_leases(&s, Some(lease.lease_number.clone())).unwrap().leases;
    assert_eq!(found[0].open_inspection, Some(d.inspection.id), "an open inspection is continued");

    let v = ops::inspection_view(&s, id.clone()).unwrap();
    assert_eq!(v.time_zone, s.store().unwrap().property(d.inspection.property_id).unwrap().time_zone);
    assert_eq!((v.lease_number.as_str(), v.unit_number.is_empty()), (lease.lease_number.as_str(), false));
    let blocked = v.signing_blocked.unwrap();
    assert!(blocked.starts_with("signing needs a complete inspection (100%); it is 0% complete"), "{blocked}");
    assert_eq!(v.report_path, None);
    complete(&s, &id);
    let v = ops::inspection_view(&s, id.clone()).unwrap();
    assert_eq!((v.signing_blocked, v.completeness.completeness_pct), (None, 100));
    ops::sign(&s, id.clone(), "tenant".into(), "Terry Tenant".into(), &signature()).unwrap();
    ops::sign(&s, id.clone(), "manager".into(), "Morgan Manager".into(), &signature()).unwrap();
    ops::finalize(&s, id.clone()).unwrap();
    let report = ops::generate_report(&s, id.clone()).unwrap();
    assert_eq!(ops::inspection_view(&s, id).unwrap().report_path, Some(report.path));
    let offered = ops::inspectable_leases(&s, Some(lease.lease_number.clone())).unwrap().leases;
    assert!(offered.is_empty(), "a finalized move-in is not offered again: {offered:?}");
}

#[test]
fn a_photo_added_in_the_window_has_its_thumbnail_made_before_the_grid_asks() {
    let (s, _dir) = state();
    let s = AppState { media: Some(crate::media::MediaServer::start(s.blobs.clone())), ..s };
    let (_, room) = inspection(&s);
    let added = ops::add_photo(&s, room, "living.jpg".into(), &jpeg(800, 600, 40, 220, 0.0)).unwrap();
    let thumb = crate::media::thumbs_dir(&s.blobs).join(format!("{}.jpg", added.photo.blob_hash().unwrap()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !thumb.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(thumb.exists(), "made in the background by the media workers");
}
