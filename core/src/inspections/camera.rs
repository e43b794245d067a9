//! Import from a camera folder (a mounted camera's or card's `DCIM`, or any folder of photos):
//! which files are candidates, in which order.
//!
//! The rules are pure (`is_camera_image`, `sort_files`); [`scan_folder`] is the one function
//! here that touches the file system, and it only lists directories. Reading, checking and
//! storing each photo is the store's job (`Store::import_move_in_camera_files`).
//!
//! - JPEG and PNG by extension, case-insensitive (`IMG_0001.JPG`, `scan.png`);
//! - the folder itself and its immediate subfolders (`DCIM/100CANON/…`), not deeper;
//! - hidden entries are skipped (`.Trashes`, and the `._IMG_0001.JPG` resource forks macOS
//!   leaves on camera cards, which carry an image extension but are not images);
//! - sorted by their path relative to the folder, so `100CANON/…` comes before `101CANON/…`
//!   and shots keep the camera's numbering.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// File extensions imported (compared case-insensitively).
pub const IMAGE_EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// One candidate photo in a camera folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CameraFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path relative to the scanned folder with `/` separators (`100CANON/IMG_0001.JPG`);
    /// recorded as the photo's file name.
    pub name: String,
    pub byte_size: u64,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CameraScan {
    pub folder: PathBuf,
    pub files: Vec<CameraFile>,
    /// Entries that could not be listed, each as `name: reason`, so nothing is skipped silently.
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    #[error("enter the folder to import from (for example the camera's DCIM folder)")]
    NoFolder,
    #[error("there is no folder at {0}; check the camera is connected and mounted")]
    Missing(String),
    #[error("{0} is a file, not a folder; choose the folder that holds the photos")]
    NotAFolder(String),
    #[error("cannot read the folder {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

/// A file name is imported when it is not hidden and ends in a JPEG or PNG extension.
pub fn is_camera_image(file_name: &str) -> bool {
    if file_name.starts_with('.') {
        return false;
    }
    match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => IMAGE_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)),
        _ => false,
    }
}

/// Camera order: by relative name, byte-wise (camera names are ASCII and zero-padded).
pub fn sort_files(files: &mut [CameraFile]) {
    files.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Lists the candidate photos of `folder` and its immediate subfolders.
pub fn scan_folder(folder: &Path) -> Result<CameraScan, CameraError> {
    if folder.as_os_str().is_empty() {
        return Err(CameraError::NoFolder);
    }
    let shown = folder.display().to_string();
    let meta = std::fs::metadata(folder).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CameraError::Missing(shown.clone()),
        _ => CameraError::Unreadable { path: shown.clone(), reason: e.to_string() },
    })?;
    if !meta.is_dir() {
        return Err(CameraError::NotAFolder(shown));
    }
    let mut scan = CameraScan { folder: folder.to_path_buf(), files: Vec::new(), unreadable: Vec::new() };
    let top = std::fs::read_dir(folder).map_err(|e| CameraError::Unreadable { path: shown, reason: e.to_string() })?;
    let mut subfolders = Vec::new();
    collect(top, "", &mut scan, Some(&mut subfolders));
    for (prefix, path) in subfolders {
        match std::fs::read_dir(&path) {
            Ok(entries) => collect(entries, &prefix, &mut scan, None),
            Err(e) => scan.unreadable.push(format!("{prefix}: {e}")),
        }
    }
    sort_files(&mut scan.files);
    scan.unreadable.sort();
    Ok(scan)
}

/// Adds the images among `entries` (named under `prefix`) and, at the top level, remembers
/// the subfolders to look into.
fn collect(
    entries: std::fs::ReadDir,
    prefix: &str,
    scan: &mut CameraScan,
    mut subfolders: Option<&mut Vec<(String, PathBuf)>>,
) {
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                scan.unreadable.push(format!("{}: {e}", if prefix.is_empty() { "." } else { prefix }));
                continue;
            }
        };
        let Ok(file_name) = entry.file_name().into_string() else {
            scan.unreadable.push(format!("{}: the name is not valid Unicode", entry.path().display()));
            continue;
        };
        let name = if prefix.is_empty() { file_name.clone() } else { format!("{prefix}/{file_name}") };
        if file_name.starts_with('.') {
            continue;
        }
        // Follows symbolic links, as a file manager would.
        let meta = match std::fs::metadata(entry.path()) {
            Ok(m) => m,
            Err(e) => {
                scan.unreadable.push(format!("{name}: {e}"));
                continue;
            }
        };
        if meta.is_dir() {
            if let Some(dirs) = subfolders.as_deref_mut() {
                dirs.push((name, entry.path()));
            }
        } else if meta.is_file() && is_camera_image(&file_name) {
            scan.files.push(CameraFile { path: entry.path(), name, byte_size: meta.len() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspections::quality::{self, test_images};

    #[test]
    fn which_names_are_camera_images() {
        let cases = [
            ("IMG_0001.JPG", true),
            ("img_0002.jpeg", true),
            ("Kitchen.Png", true),
            ("IMG_0003.HEIC", false),
            ("MVI_0004.MP4", false),
            ("notes.txt", false),
            ("jpg", false),
            (".jpg", false),
            ("._IMG_0001.JPG", false),
            ("IMG_0005.JPG.tmp", false),
        ];
        for (name, expected) in cases {
            assert_eq!(is_camera_image(name), expected, "{name}");
        }
    }

    /// A card as cameras write it, plus the kinds of file an inspector's folder really holds.
    fn camera_card() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let sharp = test_images::sharp();
        let canon = root.join("100CANON");
        let deeper = canon.join("THUMBS");
        std::fs::create_dir_all(&deeper).unwrap();
        std::fs::create_dir(root.join("101CANON")).unwrap();
        std::fs::write(canon.join("IMG_0002.JPG"), test_images::dark()).unwrap();
        std::fs::write(canon.join("IMG_0001.JPG"), &sharp).unwrap();
        std::fs::write(canon.join("IMG_0003.jpg"), &sharp[..sharp.len() / 2]).unwrap();
        std::fs::write(canon.join("._IMG_0001.JPG"), b"\x00\x05\x16\x07AppleDouble").unwrap();
        std::fs::write(canon.join("MVI_0004.MP4"), b"not a photo").unwrap();
        std::fs::write(root.join("101CANON").join("IMG_0101.JPG"), &sharp).unwrap();
        std::fs::write(root.join("notes.png"), b"this is text, not a PNG").unwrap();
        std::fs::write(root.join("kitchen.PNG"), test_images::png(&test_images::checkerboard(800, 600, 16, 40, 220)))
            .unwrap();
        std::fs::write(deeper.join("IMG_0001.JPG"), &sharp).unwrap();
        dir
    }

    #[test]
    fn a_scan_finds_the_images_one_level_deep_in_camera_order() {
        let card = camera_card();
        let scan = scan_folder(card.path()).unwrap();
        let names: Vec<&str> = scan.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "100CANON/IMG_0001.JPG",
                "100CANON/IMG_0002.JPG",
                "100CANON/IMG_0003.jpg",
                "101CANON/IMG_0101.JPG",
                "kitchen.PNG",
                "notes.png"
            ],
            "no video, no resource fork, nothing from 100CANON/THUMBS"
        );
        assert!(scan.unreadable.is_empty(), "{:?}", scan.unreadable);
        assert_eq!(scan.files[0].path, card.path().join("100CANON").join("IMG_0001.JPG"));
        assert_eq!(scan.files[0].byte_size, test_images::sharp().len() as u64);

        // What each file is, as the import will find out: sharp, dark, truncated, not an image.
        let check = |name: &str| {
            let f = scan.files.iter().find(|f| f.name == name).unwrap();
            quality::assess(&std::fs::read(&f.path).unwrap())
        };
        assert!(check("100CANON/IMG_0001.JPG").unwrap().is_acceptable);
        assert!(!check("100CANON/IMG_0002.JPG").unwrap().is_acceptable);
        assert!(matches!(check("100CANON/IMG_0003.jpg"), Err(quality::PhotoError::Damaged(_))));
        assert_eq!(check("notes.png").unwrap_err(), quality::PhotoError::NotAnImage);
    }

    #[test]
    fn a_missing_or_wrong_folder_is_a_clear_error() {
        let card = camera_card();
        let gone = card.path().join("DCIM");
        assert_eq!(
            scan_folder(&gone).unwrap_err().to_string(),
            format!("there is no folder at {}; check the camera is connected and mounted", gone.display())
        );
        let file = card.path().join("kitchen.PNG");
        assert!(matches!(scan_folder(&file), Err(CameraError::NotAFolder(_))));
        assert_eq!(scan_folder(Path::new("")).unwrap_err(), CameraError::NoFolder);
        let empty = tempfile::tempdir().unwrap();
        assert!(scan_folder(empty.path()).unwrap().files.is_empty());
    }
}
