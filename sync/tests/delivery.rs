//! The server delivers its outbox (`unitcycle_sync::outbox::delivery`): a renewal letter queued by the
//! workflow goes out once even when two deliverers run at the same moment, and a provider's
//! callback marks the collection step `delivered` / `opened`, entered in the change log.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unitcycle_core::delivery::Providers;
use unitcycle_core::outbox::{OutboxMessage, SendError, Sender};
use unitcycle_sync::outbox::delivery;
use unitcycle_sync::scheduler;
use uuid::Uuid;

/// Records what it was given; slow enough that concurrent deliverers overlap.
#[derive(Clone, Default)]
struct Recorder {
    sent: Arc<Mutex<Vec<String>>>,
}

impl Sender for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn send(&self, msg: &OutboxMessage, attachment: Option<&[u8]>) -> Result<String, SendError> {
        std::thread::sleep(std::time::Duration::from_millis(300));
        if let Some(bytes) = attachment {
            assert!(bytes.starts_with(b"%PDF"), "the attachment is the letter PDF");
        }
        self.sent.lock().unwrap().push(msg.idempotency_key.clone());
        Ok(match msg.channel {
            unitcycle_core::outbox::DeliveryChannel::Email => format!("<{}@test>", msg.id.simple()),
            _ => format!("SM{}", msg.id.simple()),
        })
    }
}

fn gateway() -> Arc<unitcycle_core::ai::Gateway> {
    Arc::new(unitcycle_core::ai::Gateway::offline("tests".into()))
}

async fn status_of(db: &TestDb, key: &str) -> (String, i32, String) {
    let c = db.pool.get().await.unwrap();
    let r = c
        .query_one("SELECT status, attempts, provider FROM outbox_message WHERE idempotency_key = $1", &[&key])
        .await
        .unwrap();
    (r.get(0), r.get(1), r.get(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_queued_renewal_letter_is_delivered_once_by_two_concurrent_deliverers() {
    let db = TestDb::new("deliver", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let (s, v) = call(&app, Method::POST, "/api/v1/renewals/run-scan/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, page) = call(&app, Method::GET, "/api/v1/renewals/?status=pending", Some(&a), None).await;
    let id = page["results"][0]["id"].as_str().expect("a pending recommendation").to_string();
    for step in ["approve", "send"] {
        let (s, v) = call(&app, Method::POST, &format!("/api/v1/renewals/{id}/{step}/"), Some(&a), None).await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
    let key: String = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT idempotency_key FROM outbox_message WHERE related_id = $1",
            &[&Uuid::parse_str(&id).unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status_of(&db, &key).await, ("pending".into(), 0, String::new()));

    let recorder = Recorder::default();
    let providers = Arc::new(Providers::all(recorder.clone()));
    let (one, two) = tokio::join!(
        delivery::deliver_once(&db.pool, providers.clone(), now()),
        delivery::deliver_once(&db.pool, providers.clone(), now()),
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.sent + two.sent, 1, "{one:?} {two:?}");
    assert_eq!((one.retrying + two.retrying, one.failed + two.failed), (0, 0));
    // And again later: a sent message is never claimed again.
    let later = delivery::deliver_once(&db.pool, providers, now() + chrono::Duration::hours(2)).await.unwrap();
    assert_eq!(later.sent, 0);
    let sent = recorder.sent.lock().unwrap().clone();
    assert_eq!(sent.iter().filter(|k| **k == key).count(), 1, "{sent:?}");
    assert_eq!(status_of(&db, &key).await, ("sent".into(), 1, "recorder".into()));
    db.finish().await;
}

async fn post(
    app: &axum::Router,
    uri: &str,
    content_type: &str,
    body: String,
    secret: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(Method::POST).uri(uri).header(header::CONTENT_TYPE, content_type);
    if let Some(s) = secret {
        req = req.header("X-UnitCycle-Callback-Secret", s);
    }
    let resp = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_callback_marks_the_collection_step_delivered_and_opened() {
    let db = TestDb::new("callback", 400).await;
    let app = db.router();
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    // The first step (an SMS) by hand on one case, then the engine for the others.
    let a = db.token(MANAGER_A).await;
    let (_, cases) = call(&app, Method::GET, "/api/v1/collections/", Some(&a), None).await;
    let case = cases["results"][0]["id"].as_str().expect("a collection case").to_string();
    let (s, v) = call(&app, Method::POST, &format!("/api/v1/collections/{case}/send-reminder/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let sent = scheduler::escalation_engine(&db.pool, &gateway(), today(), now()).await.unwrap().unwrap();
    assert!(sent.sent > 0);
    let recorder = Recorder::default();
    let report = delivery::deliver_once(&db.pool, Arc::new(Providers::all(recorder)), now()).await.unwrap();
    assert!(report.sent > 0, "{report:?}");

    let c = db.pool.get().await.unwrap();
    let pick = |channel: &'static str| {
        let c = &c;
        async move {
            c.query_opt(
                "SELECT m.provider_ref, m.idempotency_key, a.id FROM outbox_message m
                 JOIN collection_action a ON a.case_id = m.related_id AND a.created_at = m.created_at
                 WHERE m.related_type = 'collection_case' AND m.channel = $1 AND m.status = 'sent'
                 ORDER BY m.created_at LIMIT 1",
                &[&channel],
            )
            .await
            .unwrap()
            .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, Uuid>(2)))
        }
    };
    let flags = |id: Uuid| {
        let c = &c;
        async move {
            let r = c.query_one("SELECT delivered, opened FROM collection_action WHERE id = $1", &[&id]).await.unwrap();
            (r.get::<_, bool>(0), r.get::<_, bool>(1))
        }
    };
    let seq = |id: Uuid| {
        let c = &c;
        async move {
            c.query_opt(
                "SELECT change_seq FROM sync_row_version WHERE entity = 'collection_action' AND row_id = $1",
                &[&id],
            )
            .await
            .unwrap()
            .map(|r| r.get::<_, i64>(0))
        }
    };
    let (sid, _, action) = pick("sms").await.expect("an SMS collection step");
    assert_eq!(flags(action).await, (false, false));
    let before = seq(action).await;
    let form = "application/x-www-form-urlencoded";
    let sms = "/api/v1/outbox/callbacks/sms/";

    // The shared secret is required, in the header or the query.
    let delivered = format!("MessageSid={sid}&MessageStatus=delivered&AccountSid=AC1");
    let (s, v) = post(&app, sms, form, delivered.clone(), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(v["detail"].is_string());
    let (s, _) = post(&app, sms, form, delivered.clone(), Some("wrong")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Bad input is a 400 with a detail, an unknown message a 404, a status that marks nothing 200.
    for bad in ["MessageStatus=delivered", "MessageSid=x&MessageStatus=exploded", "%%%"] {
        let (s, v) = post(&app, sms, form, bad.into(), Some(CALLBACK_SECRET)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert!(v["detail"].is_string(), "{v}");
    }
    let (s, _) = post(&app, sms, form, "MessageSid=SMnope&MessageStatus=delivered".into(), Some(CALLBACK_SECRET)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = post(&app, sms, form, format!("MessageSid={sid}&MessageStatus=sent"), Some(CALLBACK_SECRET)).await;
    assert_eq!((s, &v["recorded"]), (StatusCode::OK, &json!(false)));
    assert_eq!(flags(action).await, (false, false));

    let (s, v) = post(&app, &format!("{sms}?secret={CALLBACK_SECRET}"), form, delivered.clone(), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["recorded"], &v["collection_action"]), (&json!(true), &json!(action)));
    assert_eq!(flags(action).await, (true, false));
    let after = seq(action).await;
    assert!(after.is_some() && after > before, "the change log has the step: {before:?} -> {after:?}");
    let at: Option<chrono::DateTime<chrono::Utc>> =
        c.query_one("SELECT delivered_at FROM outbox_message WHERE provider_ref = $1", &[&sid]).await.unwrap().get(0);
    assert_eq!(at, Some(now()));

    // Email events, by idempotency key or Message-ID.
    if let Some((message_id, key, action)) = pick("email").await {
        let email = "/api/v1/outbox/callbacks/email/";
        let json_type = "application/json";
        let (s, v) = post(&app, email, json_type, json!({"event": "opened"}).to_string(), Some(CALLBACK_SECRET)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        let (s, v) = post(
            &app,
            email,
            json_type,
            json!({"idempotency_key": key, "event": "bounced"}).to_string(),
            Some(CALLBACK_SECRET),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        let (s, v) = post(&app, email, json_type, "{".into(), Some(CALLBACK_SECRET)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        let (s, v) = post(
            &app,
            email,
            json_type,
            json!({"idempotency_key": key, "event": "opened"}).to_string(),
            Some(CALLBACK_SECRET),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(flags(action).await, (true, true));
        let (s, _) = post(
            &app,
            email,
            json_type,
            json!({"message_id": message_id, "event": "delivered"}).to_string(),
            Some(CALLBACK_SECRET),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    }
    drop(c);
    db.finish().await;
}

/// With the SMS provider's auth token configured, an SMS callback is proved by Twilio's
/// `X-Twilio-Signature` over the URL it called and its form (as Twilio posts it); `failed` and
/// `undelivered` mark the message failed with the provider's error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_sms_callback_records_an_undelivered_message() {
    let db = TestDb::new("twilio", 400).await;
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    // The first step (an SMS) by hand on one case.
    let (app, a) = (db.router(), db.token(MANAGER_A).await);
    let (_, cases) = call(&app, Method::GET, "/api/v1/collections/", Some(&a), None).await;
    let case = cases["results"][0]["id"].as_str().expect("a collection case").to_string();
    let (s, v) = call(&app, Method::POST, &format!("/api/v1/collections/{case}/send-reminder/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    delivery::deliver_once(&db.pool, Arc::new(Providers::all(Recorder::default())), now()).await.unwrap();
    let c = db.pool.get().await.unwrap();
    let sid: String = c
        .query_one("SELECT provider_ref FROM outbox_message WHERE channel = 'sms' AND status = 'sent' LIMIT 1", &[])
        .await
        .expect("a sent SMS")
        .get(0);
    let token = "twilio-auth-token";
    let app = unitcycle_sync::server::router(
        unitcycle_sync::server::AppState::new(db.pool.clone(), unitcycle_sync::server::Clock::fixed(now()), gateway())
            .with_callback_secret(Some(CALLBACK_SECRET.into()))
            .with_sms_signature(Some(token.into()), Some("https://api.example.com/".into())),
    );
    let path = format!("/api/v1/outbox/callbacks/sms/?secret={CALLBACK_SECRET}");
    // As Twilio posts it: form-encoded, '+' in phone numbers percent-encoded.
    let form = format!(
        "ErrorCode=30003&ErrorMessage=Unreachable+destination+handset&SmsSid={sid}&SmsStatus=undelivered\
         &MessageStatus=undelivered&To=%2B15550100&MessageSid={sid}&AccountSid=AC0123&From=%2B15550199\
         &ApiVersion=2010-04-01"
    );
    let params: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes()).into_owned().collect();
    let good = unitcycle_sync::outbox::twilio::signature(token, &format!("https://api.example.com{path}"), &params);
    let signed = |signature: Option<String>| {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path.as_str())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = signature {
            req = req.header("X-Twilio-Signature", s);
        }
        req.body(Body::from(form.clone())).unwrap()
    };
    let send = |req: Request<Body>| {
        let app = app.clone();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };
    // The shared secret alone no longer proves an SMS callback; a wrong signature, or one over
    // another URL (the query string is signed too), is refused.
    let (s, v) = send(signed(None)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["detail"], "The X-Twilio-Signature header is missing.");
    let (s, _) = send(signed(Some("bm90IGl0".into()))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = unitcycle_sync::outbox::twilio::signature(
        token,
        "https://api.example.com/api/v1/outbox/callbacks/sms/",
        &params,
    );
    let (s, _) = send(signed(Some(other))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(outbox_status(&c, &sid).await.0, "sent");

    let (s, v) = send(signed(Some(good))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["recorded"], &v["event"]), (&json!(true), &json!("undelivered")));
    assert_eq!(
        outbox_status(&c, &sid).await,
        ("failed".to_string(), "undelivered (error 30003: Unreachable destination handset)".to_string())
    );
    drop(c);
    db.finish().await;
}

async fn outbox_status(c: &tokio_postgres::Client, sid: &str) -> (String, String) {
    let r =
        c.query_one("SELECT status, last_error FROM outbox_message WHERE provider_ref = $1", &[&sid]).await.unwrap();
    (r.get(0), r.get(1))
}
