//! Who turns an empty-room photo into a listing photo. [`StagingProvider`] is the seam: a
//! staging service over HTTP ([`HttpStagingProvider`], configured by `STAGING_API_URL` and
//! `STAGING_API_KEY`) when one is configured, else the honest offline default
//! [`super::enhance::EnhanceOnly`], which improves the photo (exposure, white balance,
//! straightening, sharpness) and says plainly that nothing was staged.

use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};

/// A photo as the provider returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedImage {
    /// The result as a JPEG (or whatever image the service returned).
    pub bytes: Vec<u8>,
    /// True only when furniture was added (a staging service); false for an enhancement.
    pub staged: bool,
    /// `virtually staged` or `enhanced, not staged` (see [`super::model`]).
    pub label: String,
    /// What was done, in a sentence (kept as the photo's `ai_description`).
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StagingError {
    #[error("the photo could not be read as an image: {0}")]
    Decode(String),
    #[error("the staged image could not be written: {0}")]
    Encode(String),
    #[error("the staging service at {url} could not be reached: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the staging service answered {status}: {detail}")]
    Service { status: u16, detail: String },
    #[error("the staging service's answer was not understood: {0}")]
    Protocol(String),
    #[error("{0}")]
    Config(String),
}

pub trait StagingProvider: Send + Sync {
    /// A short name for the photo's `provider` column (`enhance-only`, the service's host).
    fn name(&self) -> String;
    /// Stages (or, offline, enhances) one photo of `room` in `style`.
    fn stage(&self, image: &[u8], room: &str, style: &str) -> Result<StagedImage, StagingError>;
}

/// The provider the environment configures: the staging service when `STAGING_API_URL` is set,
/// else [`super::enhance::EnhanceOnly`].
pub fn from_env() -> Box<dyn StagingProvider> {
    from_lookup(|k| std::env::var(k).ok())
}

/// [`from_env`] over any lookup (tests). A misconfigured service falls back to enhancing, with
/// the reason in the log.
pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Box<dyn StagingProvider> {
    let get = |k: &str| lookup(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    match get("STAGING_API_URL") {
        Some(url) => match HttpStagingProvider::new(&url, get("STAGING_API_KEY").unwrap_or_default()) {
            Ok(p) => Box::new(p),
            Err(e) => {
                tracing::warn!("staging service not used ({e}); photos are enhanced, not staged");
                Box::new(super::enhance::EnhanceOnly)
            }
        },
        None => Box::new(super::enhance::EnhanceOnly),
    }
}

/// The request body sent to the staging service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRequest {
    /// The empty-room photo, standard base64.
    pub image_base64: String,
    pub room: String,
    /// One of the five styles (`modern`, …).
    pub style: String,
}

/// The staging service's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageResponse {
    /// The staged photo (JPEG or PNG), standard base64.
    pub image_base64: String,
    /// What the service put in the room, if it says.
    #[serde(default)]
    pub description: String,
}

/// A virtual-staging service over HTTP. The wire format:
///
/// ```text
/// POST $STAGING_API_URL
/// Authorization: Bearer $STAGING_API_KEY        (omitted when no key is set)
/// Content-Type: application/json
/// {"image_base64": "<the photo, standard base64>", "room": "living room", "style": "modern"}
///
/// 200 OK
/// Content-Type: application/json
/// {"image_base64": "<the staged photo, standard base64>", "description": "Sofa, rug and floor lamp"}
/// ```
///
/// Any other status is an error carrying the first 300 characters of the body; the staged
/// image must decode as an image.
pub struct HttpStagingProvider {
    url: String,
    key: String,
    client: reqwest::blocking::Client,
}

impl HttpStagingProvider {
    pub fn new(url: &str, key: String) -> Result<HttpStagingProvider, StagingError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| StagingError::Config(format!("STAGING_API_URL '{url}' is not a URL: {e}")))?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(10));
        if matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| StagingError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(HttpStagingProvider { url: url.to_string(), key, client })
    }
}

impl StagingProvider for HttpStagingProvider {
    fn name(&self) -> String {
        reqwest::Url::parse(&self.url)
            .ok()
            .and_then(|u| u.host_str().map(|h| format!("staging-service:{h}")))
            .unwrap_or_else(|| "staging-service".into())
    }

    fn stage(&self, image: &[u8], room: &str, style: &str) -> Result<StagedImage, StagingError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let body = StageRequest { image_base64: b64.encode(image), room: room.into(), style: style.into() };
        let mut request = self.client.post(&self.url).json(&body);
        if !self.key.is_empty() {
            request = request.bearer_auth(&self.key);
        }
        let response =
            request.send().map_err(|e| StagingError::Unreachable { url: self.url.clone(), detail: e.to_string() })?;
        let status = response.status();
        let text = response.text().map_err(|e| StagingError::Protocol(e.to_string()))?;
        if !status.is_success() {
            return Err(StagingError::Service {
                status: status.as_u16(),
                detail: text.chars().take(300).collect::<String>().trim().to_string(),
            });
        }
        let answer: StageResponse = serde_json::from_str(&text).map_err(|e| StagingError::Protocol(e.to_string()))?;
        let bytes = b64
            .decode(answer.image_base64.trim())
            .map_err(|e| StagingError::Protocol(format!("image_base64 is not base64: {e}")))?;
        image::load_from_memory(&bytes).map_err(|e| StagingError::Protocol(format!("the staged image: {e}")))?;
        let description = if answer.description.trim().is_empty() {
            format!("{} virtually staged in a {style} style.", super::model::caption_room(room))
        } else {
            answer.description.trim().to_string()
        };
        Ok(StagedImage { bytes, staged: true, label: super::model::LABEL_STAGED.into(), description })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// One request as the fake service saw it: (authorization header, JSON body).
    type Seen = Arc<Mutex<Vec<(String, StageRequest)>>>;

    /// A fake staging service on a free port answering every request with `status` and `body`.
    fn fake_service(status: u16, body: String) -> (String, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1/stage", listener.local_addr().unwrap());
        let seen: Seen = Arc::default();
        let kept = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut auth, mut length) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
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
                if let Ok(req) = serde_json::from_slice(&buf) {
                    kept.lock().unwrap().push((auth, req));
                }
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

    fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn the_staging_service_gets_the_photo_room_and_style_with_the_bearer_key_and_its_image_comes_back_staged() {
        let staged = png(4, 3, [200, 150, 100]);
        let b64 = base64::engine::general_purpose::STANDARD;
        let answer =
            serde_json::json!({"image_base64": b64.encode(&staged), "description": "A grey sofa and an oak table."});
        let (url, seen) = fake_service(200, answer.to_string());
        let lookup = |k: &str| match k {
            "STAGING_API_URL" => Some(url.clone()),
            "STAGING_API_KEY" => Some("sk-test".into()),
            _ => None,
        };
        let provider = from_lookup(lookup);
        assert_eq!(provider.name(), "staging-service:127.0.0.1");
        let original = png(4, 3, [10, 10, 10]);
        let out = provider.stage(&original, "living room", "scandinavian").unwrap();
        assert_eq!(out.bytes, staged);
        assert!(out.staged);
        assert_eq!(out.label, "virtually staged");
        assert_eq!(out.description, "A grey sofa and an oak table.");
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, "Bearer sk-test");
        assert_eq!(seen[0].1.room, "living room");
        assert_eq!(seen[0].1.style, "scandinavian");
        assert_eq!(b64.decode(&seen[0].1.image_base64).unwrap(), original);
    }

    #[test]
    fn a_service_error_or_a_broken_answer_is_an_error_never_a_staged_photo() {
        let (url, _) = fake_service(503, r#"{"error": "busy"}"#.into());
        let p = HttpStagingProvider::new(&url, String::new()).unwrap();
        let err = p.stage(&png(2, 2, [1, 2, 3]), "kitchen", "modern").unwrap_err();
        assert_eq!(err, StagingError::Service { status: 503, detail: r#"{"error": "busy"}"#.into() });
        let (url, _) = fake_service(200, r#"{"image_base64": "bm90IGFuIGltYWdl"}"#.into());
        let p = HttpStagingProvider::new(&url, String::new()).unwrap();
        let err = p.stage(&png(2, 2, [1, 2, 3]), "kitchen", "modern").unwrap_err();
        assert!(err.to_string().contains("the staged image"), "{err}");
    }

    #[test]
    fn without_a_service_the_default_only_enhances() {
        let p = from_lookup(|_| None);
        assert_eq!(p.name(), "enhance-only");
        let p = from_lookup(|k| (k == "STAGING_API_URL").then(|| "not a url".to_string()));
        assert_eq!(p.name(), "enhance-only");
    }
}
