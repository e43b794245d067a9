//! Photos, signatures and PDFs by reference. The `media` URI scheme serves a stored blob
//! (`media://localhost/blob/<sha256>`) or its thumbnail (`…/thumb/<sha256>`), so the window
//! loads images and PDFs the way a browser loads files and nothing crosses the IPC as base64;
//! uploads go the other way as raw bytes (`upload_photo`, `upload_move_out_photo`,
//! `upload_signature`).
//!
//! A thumbnail is made once (in the background as its photo is added, else on its first
//! request) and kept beside the blob store
//! (`<replica dir>/thumbs/<sha256>.jpg`); decoding a 12 MP photo costs far more than reading a
//! 20 kB file, and a grid of hundreds asks for each many times as it scrolls.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tauri::http::{Response, StatusCode};
use tauri::ipc::{InvokeBody, Request};
use tauri::UriSchemeResponder;

use crate::commands::{ops, PhotoAdded};
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::inspections::move_out::workflow::PhotoUpload;
use unitcycle_core::inspections::quality;
use unitcycle_core::inspections::MoveInInspection;

pub const SCHEME: &str = "media";
/// The largest thumbnail side (4:3 photos come out 320 × 240).
pub const THUMB_SIZE: (u32, u32) = (320, 240);
/// Requests decoded at once: each 12 MP decode holds ~36 MB, so a grid asking for hundreds of
/// thumbnails must not decode them all together.
const WORKERS: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    Blob(String),
    Thumb(String),
}

impl Media {
    /// Reads `/blob/<sha>` or `/thumb/<sha>` (the separator may arrive percent-encoded, as
    /// `convertFileSrc` writes it).
    pub fn parse(path: &str) -> Option<Media> {
        let path = path.trim_start_matches('/').replace("%2F", "/").replace("%2f", "/");
        let (kind, sha) = path.split_once('/')?;
        let sha = sha.trim_end_matches('/').to_string();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match kind {
            "blob" => Some(Media::Blob(sha.to_ascii_lowercase())),
            "thumb" => Some(Media::Thumb(sha.to_ascii_lowercase())),
            _ => None,
        }
    }
}

/// The content type of a stored file, from its first bytes (blobs carry no name).
pub fn content_type(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'%', b'P', b'D', b'F', ..] => "application/pdf",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Where the thumbnails of a blob store are kept.
pub fn thumbs_dir(blobs: &BlobStore) -> PathBuf {
    blobs.root().parent().unwrap_or(Path::new(".")).join("thumbs")
}

/// The thumbnail of the photo `sha`, made and kept on first use.
pub fn thumbnail(blobs: &BlobStore, sha: &str) -> CmdResult<Vec<u8>> {
    let dir = thumbs_dir(blobs);
    let path = dir.join(format!("{sha}.jpg"));
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok(bytes);
    }
    let bytes = blobs.get(sha)?;
    let img = quality::decode(&bytes).map_err(|e| CommandError::new("invalid_image", e.to_string()))?;
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img.thumbnail(THUMB_SIZE.0, THUMB_SIZE.1).to_rgb8())
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .map_err(|e| CommandError::new("storage", format!("thumbnail failed: {e}")))?;
    // Written whole under a temporary name, then renamed: a reader never sees half a file.
    let tmp = dir.join(format!("{sha}.{}.tmp", std::process::id()));
    let kept = std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&tmp, &out))
        .and_then(|_| std::fs::rename(&tmp, &path));
    if kept.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(out)
}

/// The response to one `media:` request.
pub fn respond(blobs: &BlobStore, path: &str) -> Response<Vec<u8>> {
    let answer = match Media::parse(path) {
        None => Err(CommandError::invalid(format!("{path} is not a media address"))),
        Some(Media::Blob(sha)) => blobs.get(&sha).map_err(CommandError::from),
        Some(Media::Thumb(sha)) => thumbnail(blobs, &sha),
    };
    let response = Response::builder().header("Access-Control-Allow-Origin", "*");
    let built = match answer {
        Ok(bytes) => response
            .status(StatusCode::OK)
            .header("Content-Type", content_type(&bytes))
            // Content-addressed: the bytes behind an address never change.
            .header("Cache-Control", "public, max-age=31536000, immutable")
            .body(bytes),
        Err(e) => {
            let status = match e.code {
                "invalid_input" => StatusCode::BAD_REQUEST,
                "not_found" | "storage" => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            response.status(status).header("Content-Type", "text/plain").body(e.detail.into_bytes())
        }
    };
    built.unwrap_or_else(|_| Response::new(Vec::new()))
}

enum Job {
    /// Answer a `media:` request.
    Serve(String, UriSchemeResponder),
    /// Make a new photo's thumbnail before anyone asks for it.
    Prewarm(String),
}

/// A small pool answering `media:` requests off the main thread, `WORKERS` at a time.
#[derive(Clone)]
pub struct MediaServer {
    jobs: mpsc::Sender<Job>,
}

impl MediaServer {
    pub fn start(blobs: BlobStore) -> MediaServer {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..WORKERS {
            let (queue, blobs) = (Arc::clone(&queue), blobs.clone());
            std::thread::spawn(move || loop {
                let next = queue.lock().map(|q| q.recv());
                match next {
                    Ok(Ok(Job::Serve(path, responder))) => responder.respond(respond(&blobs, &path)),
                    // A failure here is answered when the thumbnail is asked for.
                    Ok(Ok(Job::Prewarm(sha))) => drop(thumbnail(&blobs, &sha)),
                    _ => return,
                }
            });
        }
        MediaServer { jobs }
    }

    pub fn serve(&self, path: String, responder: UriSchemeResponder) {
        if let Err(mpsc::SendError(Job::Serve(path, responder))) = self.jobs.send(Job::Serve(path, responder)) {
            responder.respond(respond(&BlobStore::new("."), &path));
        }
    }

    pub fn prewarm(&self, sha: String) {
        let _ = self.jobs.send(Job::Prewarm(sha));
    }
}

/// The registration `lib.rs` makes on the Tauri builder.
pub fn register(builder: tauri::Builder<tauri::Wry>, server: MediaServer) -> tauri::Builder<tauri::Wry> {
    builder.register_asynchronous_uri_scheme_protocol(SCHEME, move |_ctx, request, responder| {
        server.serve(request.uri().path().to_string(), responder)
    })
}

/// A header of a raw-body request, percent-decoded (header values are ASCII, so the front end
/// encodes names with `encodeURIComponent`).
fn header(request: &Request<'_>, name: &str) -> CmdResult<String> {
    let value = request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CommandError::invalid(format!("the upload has no {name}")))?;
    percent_decode(value).ok_or_else(|| CommandError::invalid(format!("the upload's {name} is not valid text")))
}

pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn body<'a>(request: &'a Request<'_>) -> CmdResult<&'a [u8]> {
    match request.body() {
        InvokeBody::Raw(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(CommandError::invalid("the upload carried no file")),
    }
}

/// Adds a photo to a room from the file's bytes (headers `room-id`, `file-name`).
#[tauri::command(async)]
pub fn upload_photo(state: tauri::State<'_, AppState>, request: Request<'_>) -> CmdResult<PhotoAdded> {
    ops::add_photo(&state, header(&request, "room-id")?, header(&request, "file-name")?, body(&request)?)
}

/// Adds a photo to a move-out inspection's room from the file's bytes (headers
/// `inspection-id`, `room`, `file-name`).
#[tauri::command(async)]
pub fn upload_move_out_photo(state: tauri::State<'_, AppState>, request: Request<'_>) -> CmdResult<PhotoUpload> {
    let (id, room, name) =
        (header(&request, "inspection-id")?, header(&request, "room")?, header(&request, "file-name")?);
    ops::add_move_out_photo(&state, id, room, name, body(&request)?)
}

/// Signs an inspection with a drawn signature's PNG bytes (headers `inspection-id`, `role`,
/// `signer-name`).
#[tauri::command(async)]
pub fn upload_signature(state: tauri::State<'_, AppState>, request: Request<'_>) -> CmdResult<MoveInInspection> {
    let (id, role, name) =
        (header(&request, "inspection-id")?, header(&request, "role")?, header(&request, "signer-name")?);
    ops::sign(&state, id, role, name, body(&request)?)
}

/// The commands that take a raw body; the typed list cannot describe them, so `ipc.ts` wraps
/// them by hand over the generated types.
pub const RAW_COMMANDS: [&str; 3] = ["upload_photo", "upload_signature", "upload_move_out_photo"];
