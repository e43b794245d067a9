//! Tauri embeds the built front end (`ui/dist`) at compile time, so the build makes sure it is
//! there and current: when a source of the front end is newer than `ui/dist/index.html`, it runs
//! `npm ci` (only when `node_modules` is missing) and `npm run build`. `scripts/test` builds the
//! front end itself first, so there this finds it current and does nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const SOURCES: [&str; 6] =
    ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "svelte.config.js"];

fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path).ok()?.flatten().filter_map(|e| newest(&e.path())).max()
}

fn npm(ui: &Path, args: &[&str]) {
    let status = Command::new("npm").args(args).current_dir(ui).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`npm {}` in {} failed ({s})", args.join(" "), ui.display()),
        Err(e) => panic!(
            "the desktop front end needs Node.js and npm to build (`npm ci && npm run build` in {}): {e}",
            ui.display()
        ),
    }
}

fn main() {
    let ui = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("ui");
    for source in SOURCES {
        println!("cargo:rerun-if-changed=ui/{source}");
    }
    let built = std::fs::metadata(ui.join("dist/index.html")).and_then(|m| m.modified()).ok();
    let changed = SOURCES.iter().filter_map(|s| newest(&ui.join(s))).max();
    if built.is_none() || changed > built {
        if !ui.join("node_modules").is_dir() {
            npm(&ui, &["ci", "--no-audit", "--no-fund"]);
        }
        npm(&ui, &["run", "build"]);
    }
    tauri_build::build()
}
