//! Who tells a platform about a listing. [`ListingPublisher`] is the seam:
//!
//! - [`FeedPublisher`], the honest default: the platform ingests the MITS feed
//!   ([`super::feed`]); publishing marks the platform `pending` with no URL until the platform
//!   confirms, delisting drops the listing from the feed (only active listings are in it).
//! - [`HttpPublisher`]: when `LISTING_API_URL` and the platform's `<PLATFORM>_API_KEY`
//!   (`ZILLOW_API_KEY`, `APARTMENTS_COM_API_KEY`, …) are set, the listing is posted as JSON:
//!
//! ```text
//! POST $LISTING_API_URL/{platform}/listings          Authorization: Bearer $<PLATFORM>_API_KEY
//! {"listing_id": "...", "platform": "zillow", "title": "...", "description": "...",
//!  "rent": "1900.00", "bedrooms": 2, "bathrooms": "1", "square_feet": 850, "photos": [...],
//!  "amenities": [...], "pet_policy": "..."}
//! 200 {"status": "active" | "pending", "url": "https://..." | null}
//!
//! POST $LISTING_API_URL/{platform}/listings/{listing_id}/delist   → any 2xx
//! ```
//!
//! Any other status is an error with the first 300 characters of the body (the platform's row
//! becomes `failed`, the reason kept in `last_error`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::Listing;
use crate::model::Unit;

/// What a platform said to a publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// `active` (live, with its URL) or `pending` (waiting on the platform).
    pub status: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PublishError {
    #[error("{platform} could not be reached at {url}: {detail}")]
    Unreachable { platform: String, url: String, detail: String },
    #[error("{platform} answered {status}: {detail}")]
    Service { platform: String, status: u16, detail: String },
    #[error("{platform}'s answer was not understood: {detail}")]
    Protocol { platform: String, detail: String },
}

pub trait ListingPublisher: Send + Sync {
    /// How the platform is reached (`feed`, `api:<host>`).
    fn channel(&self, platform: &str) -> String;
    fn publish(
        &self,
        platform: &str,
        listing: &Listing,
        unit: &Unit,
        content: &Value,
    ) -> Result<Published, PublishError>;
    fn delist(&self, platform: &str, listing: &Listing) -> Result<(), PublishError>;
}

/// The feed default.
pub struct FeedPublisher;

impl ListingPublisher for FeedPublisher {
    fn channel(&self, _platform: &str) -> String {
        "feed".into()
    }

    fn publish(&self, _p: &str, _l: &Listing, _u: &Unit, _c: &Value) -> Result<Published, PublishError> {
        Ok(Published { status: "pending".into(), url: None })
    }

    fn delist(&self, _platform: &str, _listing: &Listing) -> Result<(), PublishError> {
        Ok(())
    }
}

/// The environment variable of a platform's key (`apartments_com` → `APARTMENTS_COM_API_KEY`).
pub fn key_var(platform: &str) -> String {
    format!("{}_API_KEY", platform.to_uppercase())
}

/// The publisher the environment configures: [`HttpPublisher`] for the platforms with a key
/// when `LISTING_API_URL` is set, the feed for the others.
pub fn from_env() -> Box<dyn ListingPublisher> {
    from_lookup(|k| std::env::var(k).ok())
}

pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Box<dyn ListingPublisher> {
    let get = |k: &str| lookup(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(url) = get("LISTING_API_URL") else { return Box::new(FeedPublisher) };
    let keys: Vec<(String, String)> =
        super::model::PLATFORMS.iter().filter_map(|p| get(&key_var(p)).map(|k| (p.to_string(), k))).collect();
    match HttpPublisher::new(&url, keys) {
        Ok(p) => Box::new(p),
        Err(e) => {
            tracing::warn!("listing API not used ({e}); platforms read the feed");
            Box::new(FeedPublisher)
        }
    }
}

/// The body posted to a platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishRequest {
    pub listing_id: uuid::Uuid,
    pub platform: String,
    pub title: String,
    pub description: String,
    pub rent: String,
    pub bedrooms: i32,
    pub bathrooms: String,
    pub square_feet: i32,
    pub photos: Value,
    pub amenities: Vec<String>,
    pub pet_policy: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PublishAnswer {
    status: String,
    #[serde(default)]
    url: Option<String>,
}

/// Platforms over HTTP (those with a key); the rest through the feed.
pub struct HttpPublisher {
    url: String,
    keys: Vec<(String, String)>,
    client: reqwest::blocking::Client,
}

impl HttpPublisher {
    pub fn new(url: &str, keys: Vec<(String, String)>) -> Result<HttpPublisher, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("LISTING_API_URL '{url}' is not a URL: {e}"))?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10));
        if matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(HttpPublisher { url: url.trim_end_matches('/').to_string(), keys, client })
    }

    fn key(&self, platform: &str) -> Option<&str> {
        self.keys.iter().find(|(p, _)| p == platform).map(|(_, k)| k.as_str())
    }

    fn post(&self, platform: &str, url: &str, key: &str, body: &impl Serialize) -> Result<String, PublishError> {
        let response = self.client.post(url).bearer_auth(key).json(body).send().map_err(|e| {
            PublishError::Unreachable { platform: platform.into(), url: url.into(), detail: e.to_string() }
        })?;
        let status = response.status();
        let text =
            response.text().map_err(|e| PublishError::Protocol { platform: platform.into(), detail: e.to_string() })?;
        if !status.is_success() {
            return Err(PublishError::Service {
                platform: platform.into(),
                status: status.as_u16(),
                detail: text.chars().take(300).collect::<String>().trim().to_string(),
            });
        }
        Ok(text)
    }
}

impl ListingPublisher for HttpPublisher {
    fn channel(&self, platform: &str) -> String {
        match self.key(platform) {
            Some(_) => reqwest::Url::parse(&self.url)
                .ok()
                .and_then(|u| u.host_str().map(|h| format!("api:{h}")))
                .unwrap_or_else(|| "api".into()),
            None => "feed".into(),
        }
    }

    fn publish(&self, platform: &str, l: &Listing, u: &Unit, content: &Value) -> Result<Published, PublishError> {
        let Some(key) = self.key(platform) else { return FeedPublisher.publish(platform, l, u, content) };
        let text = |k: &str, default: &str| content.get(k).and_then(Value::as_str).unwrap_or(default).to_string();
        let body = PublishRequest {
            listing_id: l.id,
            platform: platform.into(),
            title: text("title", &l.title),
            description: text("description", &l.description),
            rent: format!("{:.2}", l.asking_rent),
            bedrooms: u.bedrooms,
            bathrooms: u.bathrooms.normalize().to_string(),
            square_feet: u.square_feet,
            photos: l.photos.clone(),
            amenities: l.amenities.clone(),
            pet_policy: l.pet_policy.clone(),
        };
        let answer = self.post(platform, &format!("{}/{platform}/listings", self.url), key, &body)?;
        let a: PublishAnswer = serde_json::from_str(&answer)
            .map_err(|e| PublishError::Protocol { platform: platform.into(), detail: e.to_string() })?;
        if !["active", "pending"].contains(&a.status.as_str()) {
            return Err(PublishError::Protocol {
                platform: platform.into(),
                detail: format!("status '{}' is not active or pending", a.status),
            });
        }
        let url = a.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
        Ok(Published { status: a.status, url })
    }

    fn delist(&self, platform: &str, l: &Listing) -> Result<(), PublishError> {
        let Some(key) = self.key(platform) else { return Ok(()) };
        let url = format!("{}/{platform}/listings/{}/delist", self.url, l.id);
        self.post(platform, &url, key, &serde_json::json!({"listing_id": l.id})).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use chrono::{DateTime, Utc};
    use rust_decimal::Decimal;
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::model::UnitStatus;

    /// One request as the fake platform saw it: (path, authorization header, JSON body).
    type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

    /// A fake listing API on a free port answering every request with `status` and `body`.
    fn fake_api(status: u16, body: String) -> (String, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let seen: Seen = Arc::default();
        let kept = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut path, mut auth, mut length) = (String::new(), String::new(), 0usize);
                let mut first = true;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if first {
                        path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                        first = false;
                    }
                    let lower = line.to_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("authorization:") {
                        auth = line["authorization:".len()..].trim().to_string();
                    }
                }
                let mut buf = vec![0; length];
                reader.read_exact(&mut buf).unwrap();
                kept.lock().unwrap().push((path, auth, serde_json::from_slice(&buf).unwrap_or(Value::Null)));
                let mut out = stream;
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                out.write_all(reply.as_bytes()).unwrap();
            }
        });
        (url, seen)
    }

    fn t() -> DateTime<Utc> {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    fn listing() -> Listing {
        Listing {
            id: Uuid::from_u128(9),
            unit_id: Uuid::from_u128(7),
            property_id: Uuid::from_u128(1),
            turnover_case_id: None,
            staging_project_id: None,
            status: "active".into(),
            asking_rent: Decimal::from(1900),
            title: "2 Bed 1 Bath".into(),
            description: "Sunny".into(),
            photos: json!([]),
            amenities: vec!["dishwasher".into()],
            pet_policy: String::new(),
            parking: String::new(),
            published_at: Some(t()),
            delisted_at: None,
            total_views: 0,
            total_inquiries: 0,
            days_on_market: 0,
            is_stale: false,
            last_price_check: json!({}),
            competitor_analysis: json!({}),
            created_at: t(),
            updated_at: t(),
        }
    }

    fn unit() -> Unit {
        Unit {
            id: Uuid::from_u128(7),
            property_id: Uuid::from_u128(1),
            building_id: None,
            unit_number: "4B".into(),
            floor: 1,
            bedrooms: 2,
            bathrooms: Decimal::ONE,
            square_feet: 850,
            market_rent: Decimal::from(1900),
            current_rent: Decimal::ZERO,
            status: UnitStatus::Vacant,
            created_at: t(),
            updated_at: t(),
            archived_at: None,
        }
    }

    #[test]
    fn without_listing_api_url_every_platform_reads_the_feed_and_waits_pending() {
        let p = from_lookup(|_| None);
        assert_eq!(p.channel("zillow"), "feed");
        let out = p.publish("zillow", &listing(), &unit(), &json!({})).unwrap();
        assert_eq!(out, Published { status: "pending".into(), url: None });
    }

    #[test]
    fn a_platform_with_a_key_is_posted_its_content_with_the_bearer_key_and_its_url_kept() {
        let (url, seen) = fake_api(200, r#"{"status": "active", "url": "https://zillow.test/l/9"}"#.into());
        let lookup = |k: &str| match k {
            "LISTING_API_URL" => Some(url.clone()),
            "ZILLOW_API_KEY" => Some("zk-test".into()),
            _ => None,
        };
        let p = from_lookup(lookup);
        assert_eq!((p.channel("zillow"), p.channel("zumper")), ("api:127.0.0.1".to_string(), "feed".to_string()));
        let out = p.publish("zillow", &listing(), &unit(), &json!({"title": "Optimized", "description": "D"})).unwrap();
        assert_eq!(out, Published { status: "active".into(), url: Some("https://zillow.test/l/9".into()) });
        // A platform without a key goes through the feed: nothing is posted.
        assert_eq!(p.publish("zumper", &listing(), &unit(), &json!({})).unwrap().status, "pending");
        p.delist("zillow", &listing()).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!((seen[0].0.as_str(), seen[0].1.as_str()), ("/v1/zillow/listings", "Bearer zk-test"));
        assert_eq!(seen[0].2["title"], "Optimized");
        assert_eq!(seen[0].2["rent"], "1900.00");
        assert_eq!(seen[0].2["bedrooms"], 2);
        assert_eq!(seen[1].0, format!("/v1/zillow/listings/{}/delist", Uuid::from_u128(9)));
    }

    #[test]
    fn a_platform_error_is_an_error_never_an_active_listing() {
        let (url, _) = fake_api(503, r#"{"error": "busy"}"#.into());
        let p = HttpPublisher::new(&url, vec![("zillow".into(), "k".into())]).unwrap();
        let err = p.publish("zillow", &listing(), &unit(), &json!({})).unwrap_err();
        assert_eq!(
            err,
            PublishError::Service { platform: "zillow".into(), status: 503, detail: r#"{"error": "busy"}"#.into() }
        );
        let (url, _) = fake_api(200, r#"{"status": "live"}"#.into());
        let p = HttpPublisher::new(&url, vec![("zillow".into(), "k".into())]).unwrap();
        assert!(p.publish("zillow", &listing(), &unit(), &json!({})).unwrap_err().to_string().contains("live"));
    }
}
