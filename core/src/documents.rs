//! Documents sent to tenants: letters rendered as PDF and kept in the replica's content-addressed
//! blob store, ready to attach to an outbox message and to sync.

use crate::blobs::BlobStore;
use crate::store::Store;

/// A stored attachment: content hash and file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub sha256: String,
    pub name: String,
}

/// The blob store beside a file-backed replica (none for in-memory stores).
pub fn blob_store(store: &Store) -> Option<BlobStore> {
    store.path().map(BlobStore::beside)
}

/// Loads an attachment's bytes for delivery.
pub fn load_attachment(store: &Store, sha256: &str) -> Option<Vec<u8>> {
    blob_store(store)?.get(sha256).ok()
}

/// Keeps an uploaded document in the replica's blob store and returns its `blob:<sha256>`
/// reference (an in-memory replica keeps nothing but still names the bytes).
pub fn keep_upload(store: &Store, bytes: &[u8]) -> crate::store::Result<String> {
    let hash = match blob_store(store) {
        Some(blobs) => blobs.put(bytes).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?,
        None => crate::blobs::sha256_hex(bytes),
    };
    Ok(format!("blob:{hash}"))
}
