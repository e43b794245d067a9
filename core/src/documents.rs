//! Documents sent to tenants: letters rendered as PDF and kept in the replica's content-addressed
//! blob store, ready to attach to an outbox message and to sync.

use chrono::{DateTime, Utc};

use crate::blobs::BlobStore;
use crate::pdf::letter::{letter, LetterInput};
use crate::store::{Result, Store, StoreError};

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

/// Renders a letter to PDF and stores it; `None` when the replica has no blob store.
pub fn store_letter_pdf(
    store: &Store,
    input: &LetterInput,
    file_name: &str,
    now: DateTime<Utc>,
) -> Result<Option<Attachment>> {
    let Some(blobs) = blob_store(store) else { return Ok(None) };
    let bytes =
        letter(input, now).map_err(|e| StoreError::Rejected(format!("could not render the letter PDF: {e}")))?;
    let sha256 = blobs.put(&bytes).map_err(|e| StoreError::Rejected(format!("could not store the letter PDF: {e}")))?;
    Ok(Some(Attachment { sha256, name: file_name.to_string() }))
}

/// Loads an attachment's bytes for delivery.
pub fn load_attachment(store: &Store, sha256: &str) -> Option<Vec<u8>> {
    blob_store(store)?.get(sha256).ok()
}
