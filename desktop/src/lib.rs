//! UnitCycle desktop: a thin Tauri 2 shell. Each command parses its arguments, calls `core`
//! and returns plain serde data or a `CommandError` (`{"code", "detail"}`).

pub mod bindings;
pub mod commands;
pub mod error;
pub mod media;

use std::path::PathBuf;
use std::sync::Mutex;

use unitcycle_core::ai::Gateway;
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::store::Store;

pub use error::{CmdResult, CommandError};

/// The open replica, its blob directory and the AI gateway (built once, at start).
pub struct AppState {
    pub store: Mutex<Store>,
    pub blobs: BlobStore,
    pub db_path: PathBuf,
    pub gateway: Gateway,
    /// The `media:` workers, once the window runs: a photo's thumbnail is made as it is added, so
    /// a grid opens on thumbnails already made (none in tests, which call `ops` directly).
    pub media: Option<media::MediaServer>,
}

impl AppState {
    /// Opens the replica at `path`, creating an empty one if there is none yet; the AI gateway
    /// comes from the environment (Claude when `ANTHROPIC_API_KEY` is set).
    pub fn open(path: PathBuf) -> CmdResult<AppState> {
        AppState::open_with(path, Gateway::from_env())
    }

    pub fn open_with(path: PathBuf, gateway: Gateway) -> CmdResult<AppState> {
        let store = if path.exists() { Store::open(&path)? } else { Store::create(&path)? };
        Ok(AppState { store: Mutex::new(store), blobs: BlobStore::beside(&path), db_path: path, gateway, media: None })
    }

    /// Has the thumbnail of a newly added photo made in the background.
    pub fn prewarm(&self, photo: &unitcycle_core::inspections::MoveInPhoto) {
        if let (Some(server), Some(sha)) = (&self.media, photo.blob_hash()) {
            server.prewarm(sha.to_string());
        }
    }

    pub fn store(&self) -> CmdResult<std::sync::MutexGuard<'_, Store>> {
        self.store.lock().map_err(|_| {
            CommandError::new("database", "the replica is unavailable after an earlier failure; restart UnitCycle")
        })
    }
}

/// `$UNITCYCLE_DB`, else `<user data dir>/unitcycle/replica.db` (the TUI's replica).
pub fn default_db() -> PathBuf {
    if let Some(p) = std::env::var_os("UNITCYCLE_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("unitcycle").join("replica.db")
}

/// A standalone replica runs the schedule itself when the app opens (`jobs::catch_up`: the jobs
/// due earlier today that have not run since); a connected one leaves it to the server.
fn catch_up(state: &AppState) {
    let Ok(mut store) = state.store() else { return };
    let now = chrono::Utc::now();
    let ran =
        unitcycle_core::jobs::catch_up(&mut store, now.date_naive(), now, &state.gateway, |job, done| match done {
            None => eprintln!("unitcycle-desktop: running today's {} (due, not yet run here)", job.name()),
            Some(Ok(report)) => eprintln!("unitcycle-desktop: {}: {}", report.job, report.summary),
            Some(Err(e)) => eprintln!("unitcycle-desktop: {} failed: {e}", job.name()),
        });
    if let Err(e) = ran {
        eprintln!("unitcycle-desktop: cannot run today's jobs: {e}");
    }
}

pub fn run() {
    let state = match AppState::open(default_db()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unitcycle-desktop: {}", e.detail);
            std::process::exit(1);
        }
    };
    catch_up(&state);
    let typed = commands::typed().invoke_handler();
    let raw: Box<dyn Fn(tauri::ipc::Invoke) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![media::upload_photo, media::upload_move_out_photo, media::upload_signature]);
    let server = media::MediaServer::start(state.blobs.clone());
    let state = AppState { media: Some(server.clone()), ..state };
    let result = media::register(tauri::Builder::default(), server)
        .manage(state)
        .invoke_handler(move |invoke: tauri::ipc::Invoke| {
            if media::RAW_COMMANDS.contains(&invoke.message.command()) {
                raw(invoke)
            } else {
                typed(invoke)
            }
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("unitcycle-desktop: {e}");
        std::process::exit(1);
    }
}
