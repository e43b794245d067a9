//! Spec 4.4 condition analysis through the AI gateway (`GatewayAnalyzer`), against a fake
//! Messages API on loopback that answers with recorded-shape responses and keeps the requests
//! it received: Claude rates items and records issues, a bad answer is repaired or fails
//! clearly, an unreachable API leaves photos queued, and a human override always wins.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use unitcycle_core::ai::{ClaudeConfig, Gateway, MemoryLog, ProviderKind, RunOutcome};
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::inspections::analysis::{
    AnalysisError, AnalysisRequest, ConditionAnalyzer, GatewayAnalyzer, OfflineAnalyzer,
};
use unitcycle_core::inspections::{AnalysisStatus, ConditionRating, InspectionDetail, IssueSeverity};
use unitcycle_core::store::{LeaseFilter, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/anthropic/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A Messages API response whose text is `text`.
fn message(text: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "msg_01Aq9w938a90dw8q", "type": "message", "role": "assistant",
        "model": "claude-sonnet-4-20250514", "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 1600, "output_tokens": 120}
    }))
    .unwrap()
}

/// One kitchen item as the prompt asks for it.
fn item(item_type: &str, rating: &str, confidence: f64) -> Value {
    json!({"item_type": item_type, "item_label": item_type, "condition_rating": rating,
        "description": format!("{item_type} looks {rating}"), "pre_existing_issues": [], "confidence": confidence})
}

fn answer(items: Vec<Value>) -> String {
    json!({"items": items, "room_summary": "Kitchen checked.", "overall_condition": "good"}).to_string()
}

struct Fake {
    url: String,
    received: Arc<Mutex<Vec<Value>>>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    /// Serves `(status line, body)` replies in order, one per connection, then stops.
    fn start(replies: Vec<(&'static str, Vec<u8>)>) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let thread = std::thread::spawn(move || {
            for (status, body) in replies {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut request = vec![0; length];
                reader.read_exact(&mut request).unwrap();
                log.lock().unwrap().push(serde_json::from_slice(&request).unwrap());
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nrequest-id: req_01\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let mut stream = reader.into_inner();
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
        });
        Fake { url, received, thread: Some(thread) }
    }

    fn gateway(&self) -> Gateway {
        claude_at(&self.url)
    }

    /// The request bodies, once every reply has been served.
    fn received(&mut self) -> Vec<Value> {
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.received.lock().unwrap().clone()
    }
}

fn claude_at(url: &str) -> Gateway {
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = url.to_string();
    config.backoff = Duration::from_millis(10);
    config.max_attempts = 3;
    config.timeout = Duration::from_secs(10);
    Gateway::new(Some(config))
}

/// A Claude gateway pointed at a port nothing listens on.
fn closed_port() -> Gateway {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    claude_at(&format!("http://127.0.0.1:{port}"))
}

fn checkerboard(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let v = if ((x / 16) + (y / 16)) % 2 == 0 { 40 } else { 220 };
        image::Rgb([v, v, v])
    })
}

fn encode(img: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format).unwrap();
    out
}

fn kitchen_request(photo: &[u8]) -> AnalysisRequest<'_> {
    AnalysisRequest {
        room_name: "Kitchen",
        room_type: "kitchen",
        items: vec![("walls", "Walls"), ("countertops", "Countertops"), ("sink", "Sink & faucet")],
        photo,
    }
}

#[test]
fn claude_rates_the_items_and_records_their_issues() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Png);
    let mut fake = Fake::start(vec![("200 OK", fixture("condition_kitchen_message.json"))]);
    let gateway = fake.gateway();
    let log = MemoryLog::default();
    let analyzer = GatewayAnalyzer::new(&gateway, &log, now());
    assert_eq!(analyzer.provider(), "claude");

    let a = analyzer.analyze(&kitchen_request(&photo)).unwrap();
    assert_eq!((a.provider.as_str(), a.status), ("claude", AnalysisStatus::Done));
    assert_eq!(a.overall_condition, Some(ConditionRating::Good));
    assert!(a.room_summary.starts_with("Kitchen is in good condition overall"));
    let rated: Vec<(&str, ConditionRating)> =
        a.items.iter().map(|i| (i.item_type.as_str(), i.condition_rating)).collect();
    assert_eq!(
        rated,
        [
            ("walls", ConditionRating::Good),
            ("countertops", ConditionRating::Fair),
            ("sink", ConditionRating::Excellent)
        ]
    );
    let scratch = &a.items[0].pre_existing_issues[0];
    assert_eq!(
        (scratch.severity, scratch.description.as_str()),
        (IssueSeverity::Cosmetic, "3-inch scratch on drywall")
    );
    assert_eq!(scratch.location, "Upper-left quadrant, 5 feet from floor");
    assert_eq!(scratch.source, "claude", "issues say who found them");
    assert_eq!(a.items[1].confidence, 0.84);

    let sent = fake.received();
    assert_eq!(sent.len(), 1);
    let content = &sent[0]["messages"][0]["content"];
    assert_eq!(
        content[0],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png",
            "data": base64::engine::general_purpose::STANDARD.encode(&photo)}}),
        "a PNG is sent as image/png, byte for byte"
    );
    let prompt = content[1]["text"].as_str().unwrap();
    assert!(prompt.starts_with(
        "You are inspecting a Kitchen for a legal move-in condition report.\nAnalyze this photo and identify every visible item and its condition."
    ));
    assert!(prompt.contains("assumed to be the tenant's responsibility at move-out."));
    assert!(prompt.ends_with("- walls (Walls)\n- countertops (Countertops)\n- sink (Sink & faucet)"), "{prompt}");
    assert!(sent[0]["system"].as_str().unwrap().contains("\"enum\":[\"cosmetic\",\"minor\",\"moderate\",\"major\"]"));

    let runs = log.runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].task.as_str(), runs[0].provider, runs[0].outcome, runs[0].input_tokens, runs[0].output_tokens),
        ("condition_analysis", ProviderKind::Claude, RunOutcome::Succeeded, 1642, 318)
    );
    assert_eq!(runs[0].created_at, now());
}

#[test]
fn an_unsure_item_sends_the_photo_to_review() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Jpeg);
    let reply = answer(vec![item("walls", "good", 0.95), item("sink", "poor", 0.45)]);
    let mut fake = Fake::start(vec![("200 OK", message(&reply))]);
    let gateway = fake.gateway();
    let a = GatewayAnalyzer::new(&gateway, &MemoryLog::default(), now()).analyze(&kitchen_request(&photo)).unwrap();
    assert_eq!(a.status, AnalysisStatus::NeedsReview);
    assert_eq!(a.items[1].condition_rating, ConditionRating::Poor, "the rating is kept for the inspector to confirm");
    assert_eq!(fake.received()[0]["messages"][0]["content"][0]["source"]["media_type"], "image/jpeg");
}

#[test]
fn a_rating_outside_the_spec_is_repaired_once() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Jpeg);
    let bad = answer(vec![item("walls", "pristine", 0.9)]);
    let good = answer(vec![item("walls", "excellent", 0.9)]);
    let mut fake = Fake::start(vec![("200 OK", message(&bad)), ("200 OK", message(&good))]);
    let gateway = fake.gateway();
    let log = MemoryLog::default();
    let a = GatewayAnalyzer::new(&gateway, &log, now()).analyze(&kitchen_request(&photo)).unwrap();
    assert_eq!(a.items[0].condition_rating, ConditionRating::Excellent);

    let sent = fake.received();
    assert_eq!(sent.len(), 2);
    let repair = sent[1]["messages"][2]["content"][0]["text"].as_str().unwrap();
    assert!(repair.starts_with("Your reply could not be used: unknown variant `pristine`"), "{repair}");
    assert_eq!(sent[1]["messages"][1]["content"][0]["text"], bad, "the bad answer is shown back to the model");
    assert_eq!(log.runs().len(), 1, "one analysis, one ai_run row");
    assert_eq!((log.runs()[0].input_tokens, log.runs()[0].outcome), (3200, RunOutcome::Succeeded));
}

#[test]
fn an_answer_still_wrong_after_the_repair_fails_the_photo_clearly() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Jpeg);
    let cases = [
        (answer(vec![item("walls", "good", 1.4)]), "items[0].confidence 1.4 is outside 0..1"),
        (
            answer(vec![json!({"item_type": "walls", "item_label": "Walls", "condition_rating": "good",
                "description": "d", "confidence": 0.9,
                "pre_existing_issues": [{"severity": "catastrophic", "description": "hole"}]})]),
            "unknown variant `catastrophic`",
        ),
    ];
    for (bad, why) in cases {
        let mut fake = Fake::start(vec![("200 OK", message(&bad)), ("200 OK", message(&bad))]);
        let gateway = fake.gateway();
        let log = MemoryLog::default();
        let err = GatewayAnalyzer::new(&gateway, &log, now()).analyze(&kitchen_request(&photo)).unwrap_err();
        let AnalysisError::Failed(detail) = &err else { panic!("{err:?}") };
        assert!(
            detail.starts_with(
                "the condition_analysis answer was not valid JSON for its schema, even after one repair request: "
            ) && detail.contains(why),
            "{detail}"
        );
        assert_eq!(fake.received().len(), 2);
        assert_eq!(log.runs()[0].outcome, RunOutcome::Failed);
    }
}

#[test]
fn an_overloaded_api_leaves_the_photo_queued() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Jpeg);
    let overloaded = || ("529 Overloaded", fixture("overloaded_error.json"));
    let mut fake = Fake::start(vec![overloaded(), overloaded(), overloaded()]);
    let gateway = fake.gateway();
    let err =
        GatewayAnalyzer::new(&gateway, &MemoryLog::default(), now()).analyze(&kitchen_request(&photo)).unwrap_err();
    assert_eq!(
        err,
        AnalysisError::Unavailable(
            "Claude API still answering HTTP 529 (Overloaded) after 3 attempts; try again later".into()
        )
    );
    assert_eq!(fake.received().len(), 3);
}

#[test]
fn the_offline_gateway_is_the_offline_check_and_is_logged() {
    let photo = encode(&checkerboard(800, 600), image::ImageFormat::Jpeg);
    let gateway = Gateway::new(None);
    let log = MemoryLog::default();
    let analyzer = GatewayAnalyzer::new(&gateway, &log, now());
    assert_eq!(analyzer.provider(), "offline");
    let a = analyzer.analyze(&kitchen_request(&photo)).unwrap();
    assert_eq!(a, OfflineAnalyzer.analyze(&kitchen_request(&photo)).unwrap());
    let runs = log.runs();
    assert_eq!(
        (runs[0].task.as_str(), runs[0].provider, runs[0].model.as_str(), runs[0].outcome),
        ("condition_analysis", ProviderKind::Offline, "offline-templates-v1", RunOutcome::Succeeded)
    );
}

// --- in the replica ---------------------------------------------------------------------

struct Replica {
    store: Store,
    blobs: BlobStore,
    detail: InspectionDetail,
    _dir: tempfile::TempDir,
}

fn replica() -> Replica {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 6, seed: 7, today }).unwrap();
    let blobs = BlobStore::beside(store.path().unwrap());
    let lease = store.lease_rows(&LeaseFilter::default(), Default::default(), 0, Some(1)).unwrap().remove(0);
    let detail = store.create_move_in_inspection(lease.lease.id, "Dana Inspector", today, now()).unwrap();
    Replica { store, blobs, detail, _dir: dir }
}

impl Replica {
    fn kitchen(&self) -> &unitcycle_core::inspections::RoomDetail {
        self.detail.rooms.iter().find(|r| r.room.room_type == "kitchen").unwrap()
    }

    fn add_kitchen_photo(&mut self, variant: u8) {
        let mut img = checkerboard(800, 600);
        img.put_pixel(0, 0, image::Rgb([variant, variant, variant]));
        let room = self.kitchen().room.id;
        self.store
            .add_move_in_photo(&self.blobs, room, "kitchen.png", &encode(&img, image::ImageFormat::Png), None, now())
            .unwrap();
    }

    fn reload(&mut self) {
        self.detail = self.store.move_in_detail(self.detail.inspection.id).unwrap();
    }
}

#[test]
fn analysis_never_overwrites_a_human_override() {
    let mut r = replica();
    r.add_kitchen_photo(1);
    let walls = r.kitchen().items.iter().find(|i| i.item_type == "walls").unwrap().id;
    r.store.rate_move_in_item(walls, Some(ConditionRating::Poor), Some("water stain by the window"), now()).unwrap();

    let mut fake = Fake::start(vec![("200 OK", fixture("condition_kitchen_message.json"))]);
    let run = r.store.analyze_move_in_with_gateway(&r.blobs, r.detail.inspection.id, &fake.gateway(), now()).unwrap();
    assert_eq!((run.provider.as_str(), run.analysed, run.still_queued, run.failed), ("claude", 1, 0, 0));
    assert_eq!(fake.received().len(), 1);

    r.reload();
    let kitchen = r.kitchen();
    let by_type = |t: &str| kitchen.items.iter().find(|i| i.item_type == t).unwrap();
    let w = by_type("walls");
    assert_eq!(w.condition_rating, Some(ConditionRating::Good), "Claude's rating is recorded beside the human's");
    assert_eq!((w.human_override, w.human_notes.as_str()), (Some(ConditionRating::Poor), "water stain by the window"));
    assert_eq!((w.rating(), w.rated_by()), (Some(ConditionRating::Poor), "human"), "the human override wins");
    assert_eq!(w.ai_pre_existing_issues[0].description, "3-inch scratch on drywall");
    let c = by_type("countertops");
    assert_eq!((c.rating(), c.rated_by(), c.ai_confidence), (Some(ConditionRating::Fair), "claude", Some(0.84)));
    assert_eq!(kitchen.photos[0].analysis_status, AnalysisStatus::Done);
    assert_eq!(kitchen.photos[0].analysis_provider, "claude");

    // Clearing the override lets the analyzer's rating count again; nothing was lost.
    r.store.rate_move_in_item(walls, None, None, now()).unwrap();
    r.reload();
    let w = r.kitchen().items.iter().find(|i| i.item_type == "walls").unwrap();
    assert_eq!((w.rating(), w.rated_by()), (Some(ConditionRating::Good), "claude"));

    let runs = r.store.ai_runs(10).unwrap();
    assert_eq!((runs.len(), runs[0].task.as_str(), runs[0].provider), (1, "condition_analysis", ProviderKind::Claude));
}

#[test]
fn with_the_api_unreachable_photos_stay_queued_after_one_attempt() {
    let mut r = replica();
    r.add_kitchen_photo(1);
    r.add_kitchen_photo(2);
    let id = r.detail.inspection.id;
    let run = r.store.analyze_move_in_with_gateway(&r.blobs, id, &closed_port(), now()).unwrap();
    assert_eq!((run.analysed, run.needs_review, run.failed, run.still_queued), (0, 0, 0, 2));
    assert!(run.message.starts_with("claude is not available (cannot reach the Claude API at http://127.0.0.1:"));
    assert!(run.message.ends_with("); photos stay queued"), "{}", run.message);
    r.reload();
    assert!(r.kitchen().photos.iter().all(|p| p.analysis_status == AnalysisStatus::Queued && !p.ai_analyzed));
    assert_eq!(r.store.queued_move_in_photos().unwrap(), 2);
    let runs = r.store.ai_runs(10).unwrap();
    assert_eq!(runs.len(), 1, "the second photo is not tried against an API that just failed");
    assert_eq!((runs[0].provider, runs[0].outcome), (ProviderKind::Claude, RunOutcome::Failed));

    // Back online, the same photos are analysed.
    let reply = || ("200 OK", message(&answer(vec![item("sink", "good", 0.9)])));
    let mut fake = Fake::start(vec![reply(), reply()]);
    let run = r.store.analyze_move_in_with_gateway(&r.blobs, id, &fake.gateway(), now()).unwrap();
    assert_eq!((run.analysed, run.still_queued), (2, 0));
    assert_eq!(fake.received().len(), 2);
    assert_eq!(r.store.queued_move_in_photos().unwrap(), 0);
}

#[test]
fn an_answer_that_cannot_be_repaired_marks_the_photo_failed_with_the_reason() {
    let mut r = replica();
    r.add_kitchen_photo(1);
    let bad = message("The kitchen looks fine to me.");
    let mut fake = Fake::start(vec![("200 OK", bad.clone()), ("200 OK", bad)]);
    let run = r.store.analyze_move_in_with_gateway(&r.blobs, r.detail.inspection.id, &fake.gateway(), now()).unwrap();
    assert_eq!((run.failed, run.still_queued), (1, 0));
    fake.received();
    r.reload();
    let p = &r.kitchen().photos[0];
    assert_eq!((p.analysis_status, p.analysis_provider.as_str()), (AnalysisStatus::Failed, "claude"));
    assert!(p.ai_condition_summary.starts_with("Analysis failed: the condition_analysis answer was not valid JSON"));
}
