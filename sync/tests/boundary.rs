//! The API's boundary (issue 14): bad input is a 400 and never a 5xx, whatever the endpoint;
//! logins are rate limited; a reset revokes tokens; a client id is one user's; pagination links
//! never point at a host the caller chose.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use unitcycle_sync::auth::{self, Role};
use unitcycle_sync::server::link_base;
use unitcycle_sync::wire::{FeatureAction, PushRequest};

#[test]
fn pagination_links_echo_only_this_machine_or_the_public_url() {
    assert_eq!(link_base(Some("127.0.0.1:8080"), None), "http://127.0.0.1:8080");
    assert_eq!(link_base(Some("localhost"), None), "http://localhost");
    assert_eq!(link_base(Some("[::1]:8080"), None), "http://[::1]:8080");
    assert_eq!(link_base(Some("evil.example"), None), "http://localhost");
    assert_eq!(link_base(Some("localhost@evil.example"), None), "http://localhost");
    assert_eq!(link_base(None, Some("https://api.example.com")), "https://api.example.com");
    assert_eq!(link_base(Some("api.example.com"), Some("https://api.example.com")), "https://api.example.com");
    assert_eq!(link_base(Some("evil.example"), Some("https://api.example.com")), "https://api.example.com");
}

async fn login(app: &axum::Router, email: &str, password: &str) -> StatusCode {
    let req = json!({"email": email, "password": password});
    call(app, Method::POST, "/api/v1/auth/login/", None, body(req)).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_rate_limited_and_a_reset_revokes_tokens() {
    let db = TestDb::new("boundary_login", 400).await;
    let app = db.router();
    assert_eq!(login(&app, MANAGER_A, PASSWORD).await, StatusCode::OK);
    for _ in 0..auth::LOGIN_ATTEMPTS {
        assert_eq!(login(&app, MANAGER_A, "guess").await, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits out the window.
    assert_eq!(login(&app, MANAGER_A, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login(&app, MANAGER_B, PASSWORD).await, StatusCode::OK);

    // A password or role reset ends every session of that user at once.
    let token = db.token(MANAGER_B).await;
    assert_eq!(call(&app, Method::GET, "/api/v1/units/", Some(&token), None).await.0, StatusCode::OK);
    let client = db.pool.get().await.unwrap();
    auth::upsert_user(&**client, MANAGER_B, "new-pass", Role::Staff, now()).await.unwrap();
    assert_eq!(call(&app, Method::GET, "/api/v1/units/", Some(&token), None).await.0, StatusCode::UNAUTHORIZED);
    // And a withdrawn grant takes effect on the next request.
    let token = auth::login(&db.pool, MANAGER_B, "new-pass", now()).await.unwrap().unwrap().0;
    let user = auth::user_id(&**client, MANAGER_B).await.unwrap().unwrap();
    assert_eq!(auth::revoke_grants(&**client, user, &[db.properties[1]]).await.unwrap(), 1);
    let (_, page) = call(&app, Method::GET, "/api/v1/units/", Some(&token), None).await;
    assert_eq!(page["count"], 0);
    drop(client);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_belongs_to_the_user_who_sent_it() {
    let db = TestDb::new("boundary_ids", 400).await;
    let app = db.router();
    let (a, b) = (db.token(MANAGER_A).await, db.token(MANAGER_B).await);
    let action = FeatureAction {
        client_id: uuid::Uuid::new_v4(),
        entity: "renewal_recommendation".into(),
        entity_id: uuid::Uuid::new_v4(),
        action: json!({"action": "accept"}),
    };
    let push = PushRequest { actions: vec![action], ..Default::default() };
    let push = serde_json::to_vec(&push).unwrap();
    let (s, first) = call(&app, Method::POST, "/api/v1/sync/push", Some(&a), Some(push.clone())).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let (s, other) = call(&app, Method::POST, "/api/v1/sync/push", Some(&b), Some(push)).await;
    assert_eq!(s, StatusCode::OK, "{other}");
    let answer = &other["results"][0];
    assert_eq!(answer["outcome"], "rejected", "{other}");
    assert!(answer["detail"].as_str().unwrap().contains("another user"), "{other}");
    assert_ne!(answer["detail"], first["results"][0]["detail"]);
    db.finish().await;
}

/// A small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Values that have broken APIs before: huge and negative numbers, wrong types, odd text.
fn nasty(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(null),
        json!(""),
        json!(" "),
        json!(-1),
        json!(0),
        json!(1e308),
        json!(-9223372036854775808i64),
        json!(18446744073709551615u64),
        json!("79228162514264337593543950335"),
        json!("1000000000"),
        json!("-0.001"),
        json!("NaN"),
        json!("2026-02-30"),
        json!("99999-12-31"),
        json!("0000-01-01"),
        json!("not-a-uuid"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!("'; DROP TABLE tenant_lease; --"),
        json!("\u{0000}\u{FFFF}é漢"),
        json!("x".repeat(5000)),
        json!(true),
        json!([1, 2, 3]),
        json!({"nested": {"deep": [null]}}),
    ])
    .clone()
}

fn as_query(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Every operation of the OpenAPI document, called with garbage path parameters, query
/// parameters and bodies: no answer is a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_endpoint_answers_a_5xx_to_bad_input() {
    let db = TestDb::new("boundary_fuzz", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let doc = unitcycle_sync::openapi::document();
    let lease: uuid::Uuid = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT id FROM tenant_lease WHERE property_id = $1 LIMIT 1", &[&db.properties[0]])
        .await
        .unwrap()
        .get(0);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut calls = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Logging out would end the session the rest of the run uses.
            if path.ends_with("/auth/logout/") {
                continue;
            }
            let method: Method = method.to_uppercase().parse().unwrap();
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
            let fields: Vec<String> = schema_fields(&doc, &schema);
            for round in 0..6 {
                let mut uri = path.clone();
                let mut query = Vec::new();
                for p in &params {
                    let name = p["name"].as_str().unwrap();
                    match p["in"].as_str() {
                        Some("path") => {
                            // Half the time a real lease id, so handlers get past the lookup.
                            let v = if round % 2 == 0 { json!(lease.to_string()) } else { nasty(&mut rng) };
                            uri = uri.replace(&format!("{{{name}}}"), &as_query(&v));
                        }
                        Some("query") if rng.next() % 2 == 0 => {
                            query.push(format!("{name}={}", as_query(&nasty(&mut rng))));
                        }
                        _ => {}
                    }
                }
                if !query.is_empty() {
                    uri = format!("{uri}?{}", query.join("&"));
                }
                let payload = match round {
                    0 => None,
                    1 => Some(b"{not json".to_vec()),
                    2 => Some(serde_json::to_vec(&nasty(&mut rng)).unwrap()),
                    _ => {
                        let mut obj = serde_json::Map::new();
                        for f in &fields {
                            if rng.next() % 3 != 0 {
                                obj.insert(f.clone(), nasty(&mut rng));
                            }
                        }
                        Some(serde_json::to_vec(&Value::Object(obj)).unwrap())
                    }
                };
                let payload = if method == Method::GET { None } else { payload };
                let (status, body) = call_raw(&app, method.clone(), &uri, Some(&token), payload).await;
                calls += 1;
                assert!(
                    status.as_u16() < 500,
                    "{method} {uri} answered {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                );
            }
        }
    }
    assert!(calls > 200, "{calls}");
    db.finish().await;
}

/// The property names of a request body's schema (following one `$ref`).
fn schema_fields(doc: &Value, schema: &Value) -> Vec<String> {
    let resolved = match schema["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).cloned().unwrap_or(Value::Null),
        None => schema.clone(),
    };
    resolved["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default()
}
