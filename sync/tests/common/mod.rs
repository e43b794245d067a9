//! Shared set-up for the PostgreSQL integration tests: a fresh database per test on the
//! server at 127.0.0.1:5432 (trust auth), seeded with a small demo portfolio and three users.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::Pool;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;
use unitcycle_sync::auth::{self, Role};
use unitcycle_sync::pg;
use unitcycle_sync::server::{self, AppState, Clock};
use uuid::Uuid;

pub fn admin_url() -> String {
    std::env::var("UNITCYCLE_TEST_PG").unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into())
}

/// The fixed day the portfolio is generated for and the server's clock reads.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

pub fn now() -> DateTime<Utc> {
    today().and_hms_opt(12, 0, 0).unwrap().and_utc()
}

/// The delivery callbacks' shared secret in tests.
pub const CALLBACK_SECRET: &str = "test-callback-secret";

pub const PASSWORD: &str = "s3cret-pass";
pub const MANAGER_A: &str = "a@example.com";
pub const MANAGER_B: &str = "b@example.com";
pub const READER: &str = "reader@example.com";

pub struct TestDb {
    pub name: String,
    pub pool: Pool,
    /// Property ids in name order; manager A has the first, B the second.
    pub properties: Vec<Uuid>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh database with the demo portfolio (`units` units) and users A, B and a reader.
    pub async fn new(tag: &str, units: u32) -> TestDb {
        TestDb::new_at(tag, units, today(), now()).await
    }

    /// Like `new`, with the portfolio generated for `day` and the users logged in at `at`.
    pub async fn new_at(tag: &str, units: u32, day: NaiveDate, at: DateTime<Utc>) -> TestDb {
        let mut db = TestDb::empty(tag).await;
        let pool = db.pool.clone();
        let mut store = Store::in_memory().unwrap();
        demo::generate(&mut store, &DemoConfig { units, seed: 7, today: day }).unwrap();
        pg::seed_from_replica(&pool, store.conn(), 1000).await.unwrap();
        let client = pool.get().await.unwrap();
        let properties = pg::property_ids(&**client).await.unwrap();
        assert!(properties.len() >= 2, "the tests need two properties");
        for (email, role, props) in [
            (MANAGER_A, Role::Manager, vec![properties[0]]),
            (MANAGER_B, Role::Manager, vec![properties[1]]),
            (READER, Role::ReadOnly, vec![properties[0]]),
        ] {
            let id = auth::upsert_user(&**client, email, PASSWORD, role, at).await.unwrap();
            auth::grant(&**client, id, &props).await.unwrap();
        }
        db.properties = properties;
        db
    }

    /// A fresh, migrated database with nothing in it.
    pub async fn empty(tag: &str) -> TestDb {
        let name = format!("uc_sync_{tag}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let cfg = pg::create_database(&admin_url(), &name)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (start it with .ci/run or pg_ctlcluster)");
        let pool = pg::pool_from_config(cfg, 8).unwrap();
        pg::migrate(&pool).await.unwrap();
        TestDb { name, pool, properties: Vec::new() }
    }

    pub fn router(&self) -> Router {
        self.router_at(now())
    }

    /// The API with its clock fixed at `at`.
    pub fn router_at(&self, at: DateTime<Utc>) -> Router {
        server::router(
            AppState::new(
                self.pool.clone(),
                Clock::fixed(at),
                std::sync::Arc::new(unitcycle_core::ai::Gateway::offline("tests: offline provider".into())),
            )
            .with_callback_secret(Some(CALLBACK_SECRET.into())),
        )
    }

    /// Serves the API on a free port; returns its base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = self.router();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    pub async fn token(&self, email: &str) -> String {
        self.token_at(email, now()).await
    }

    pub async fn token_at(&self, email: &str, at: DateTime<Utc>) -> String {
        auth::login(&self.pool, email, PASSWORD, at).await.unwrap().unwrap().0
    }

    pub async fn finish(mut self) {
        self.pool.close();
        pg::drop_database(&admin_url(), &self.name).await.unwrap();
        self.name.clear();
    }
}

/// A test that panicked before `finish` still drops its database.
impl Drop for TestDb {
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        self.pool.close();
        let name = std::mem::take(&mut self.name);
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(pg::drop_database(&admin_url(), &name))
        })
        .join();
    }
}

// --- replicas ------------------------------------------------------------------------------

/// An in-memory replica logged in to `url` as manager A, with everything pulled.
pub async fn replica(url: &str, token: &str) -> (Store, unitcycle_sync::client::Client) {
    let store = Store::in_memory().unwrap();
    unitcycle_sync::client::set_server(&store, url, MANAGER_A).unwrap();
    let api = unitcycle_sync::client::Client::new(url, Some(token.to_string())).unwrap();
    unitcycle_sync::client::pull(&api, &store, url, 700, &mut |_| {}).await.unwrap();
    (store, api)
}

/// The blob store of a replica that holds no inspections (never read or written).
pub fn no_blobs() -> unitcycle_core::blobs::BlobStore {
    unitcycle_core::blobs::BlobStore::new(std::env::temp_dir().join("unitcycle-sync-tests-no-blobs"))
}

// --- HTTP helpers ---------------------------------------------------------------------------

pub async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, Value) {
    let (status, bytes) = call_raw(app, method, uri, token, body).await;
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
    };
    (status, value)
}

pub async fn call_raw(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "api.test");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b)).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// POSTs `bytes` as `content_type` (an upload: a file, a multipart form) and reads the JSON
/// answer (`Null` when there is none).
pub async fn post_bytes(
    app: &Router,
    uri: &str,
    token: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub fn body(v: Value) -> Option<Vec<u8>> {
    Some(serde_json::to_vec(&v).unwrap())
}
