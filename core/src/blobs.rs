//! Content-addressed blobs on disk (photos, signatures, PDFs): a file's name is the sha256 of
//! its bytes, so the same photo is stored once, a blob never changes, and sync can upload and
//! reference blobs by hash. Layout: `<root>/ab/cdef…` (first two hex digits as a directory).
//! A replica's blobs live in `blobs/` beside its database file.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("'{0}' is not a blob hash (64 lowercase hex digits)")]
    BadHash(String),
    #[error("blob {0} is missing from this device")]
    Missing(String),
    #[error("blob {hash} is corrupt on disk (its bytes hash to {actual})")]
    Corrupt { hash: String, actual: String },
    #[error("blob store at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A directory of content-addressed blobs.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    /// The blob store beside a replica file (`<dir>/blobs`).
    pub fn beside(db_path: &Path) -> BlobStore {
        let dir = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        BlobStore::new(dir.join("blobs"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with `hash` lives (whether or not it exists).
    pub fn path(&self, hash: &str) -> Result<PathBuf, BlobError> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(BlobError::BadHash(hash.to_string()));
        }
        Ok(self.root.join(&hash[..2]).join(&hash[2..]))
    }

    /// Stores `bytes` (written to a temporary file, synced, then renamed into place, so a crash
    /// never leaves a half blob) and returns its hash. Storing the same bytes twice is free.
    pub fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        let hash = sha256_hex(bytes);
        let path = self.path(&hash)?;
        if path.exists() {
            return Ok(hash);
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        let io = |source| BlobError::Io { path: dir.clone(), source };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let tmp = dir.join(format!(".{}.{}.tmp", &hash[2..], std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        })?;
        Ok(hash)
    }

    /// The bytes of a blob, checked against its hash.
    pub fn get(&self, hash: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.path(hash)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::Missing(hash.to_string())),
            Err(source) => return Err(BlobError::Io { path, source }),
        };
        let actual = sha256_hex(&bytes);
        if actual != hash {
            return Err(BlobError::Corrupt { hash: hash.to_string(), actual });
        }
        Ok(bytes)
    }

    pub fn contains(&self, hash: &str) -> bool {
        self.path(hash).is_ok_and(|p| p.exists())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_named_by_their_sha256_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("blobs"));
        let hash = store.put(b"hello").unwrap();
        assert_eq!(hash, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        let path = store.path(&hash).unwrap();
        assert!(path.ends_with("2c/f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
        assert_eq!(store.put(b"hello").unwrap(), hash);
        assert_eq!(store.get(&hash).unwrap(), b"hello");
        assert!(store.contains(&hash));
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary files left");
    }

    #[test]
    fn missing_bad_and_corrupt_blobs_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::beside(&dir.path().join("replica.db"));
        assert_eq!(store.root(), dir.path().join("blobs"));
        assert!(matches!(store.get("../../etc/passwd"), Err(BlobError::BadHash(_))));
        let absent = sha256_hex(b"absent");
        assert!(matches!(store.get(&absent), Err(BlobError::Missing(_))));
        let hash = store.put(b"photo").unwrap();
        std::fs::write(store.path(&hash).unwrap(), b"tampered").unwrap();
        assert!(matches!(store.get(&hash), Err(BlobError::Corrupt { .. })));
    }
}
