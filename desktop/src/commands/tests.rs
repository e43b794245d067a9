use super::ops;
use crate::{AppState, CommandError};

fn state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = AppState::open(dir.path().join("replica.db")).unwrap();
    (s, dir)
}

fn jpeg(w: u32, h: u32, lo: u8, hi: u8, blur: f32) -> String {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = if ((x / 16) + (y / 16)) % 2 == 0 { lo } else { hi };
        image::Rgb([v, v, v])
    });
    let img = if blur > 0.0 { image::imageops::blur(&img, blur) } else { img };
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    use base64::Engine;
    format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(out))
}

fn signature() -> String {
    let mut img = image::RgbaImage::new(300, 100);
    for x in 20..250 {
        img.put_pixel(x, 50, image::Rgba([15, 23, 42, 255]));
    }
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(out)
}

#[test]
fn errors_serialise_as_code_and_detail() {
    let e = CommandError::new("not_found", "Lease not found: 42");
    assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"code":"not_found","detail":"Lease not found: 42"}"#);
    let (s, _dir) = state();
    let e = ops::get_inspection(&s, uuid::Uuid::nil().to_string()).unwrap_err();
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"code": "not_found", "detail": "Move-in inspection not found: 00000000-0000-0000-0000-000000000000"})
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

    let added = ops::add_photo(&s, room.clone(), "living.jpg".into(), jpeg(800, 600, 40, 220, 0.0)).unwrap();
    assert!(added.quality.is_acceptable, "{:?}", added.quality);
    let blurry = ops::add_photo(&s, room.clone(), "shaky.jpg".into(), jpeg(800, 600, 40, 220, 6.0)).unwrap();
    assert!(blurry.quality.verdict.starts_with("Retake: blurry"), "{}", blurry.quality.verdict);
    assert!(ops::photo_thumbnail(&s, added.photo.id.to_string()).unwrap().starts_with("data:image/jpeg;base64,"));
    let e = ops::add_photo(&s, room.clone(), "notes.txt".into(), "aGVsbG8=".into()).unwrap_err();
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
    ops::sign(&s, id.clone(), "tenant".into(), "Terry Tenant".into(), signature()).unwrap();
    ops::sign(&s, id.clone(), "manager".into(), "Morgan Manager".into(), signature()).unwrap();
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
