//! The one error type every command returns, serialised as `{"code": ..., "detail": ...}`.

use serde::Serialize;
use unitcycle_core::blobs::BlobError;
use unitcycle_core::inspections::InspectionError;
use unitcycle_core::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CommandError {
    /// Stable, machine-readable: `not_found`, `finalized`, `missing_signatures`, `invalid_image`,
    /// `invalid_input` (also a change a domain rule refused, with the core's message), `storage`, `database`, `report`, `connected` (a replica that syncs with a
    /// server refuses a local import).
    pub code: &'static str,
    /// One line for a person.
    pub detail: String,
}

impl CommandError {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        CommandError { code, detail: detail.into() }
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        CommandError::new("invalid_input", detail)
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for CommandError {}

impl From<InspectionError> for CommandError {
    fn from(e: InspectionError) -> Self {
        let code = match &e {
            InspectionError::Finalized(_) => "finalized",
            InspectionError::MissingSignatures(_) => "missing_signatures",
            InspectionError::Photo(_) => "invalid_image",
            InspectionError::EmptySignature | InspectionError::Invalid(_) => "invalid_input",
        };
        CommandError::new(code, e.to_string())
    }
}

impl From<BlobError> for CommandError {
    fn from(e: BlobError) -> Self {
        let code = match e {
            BlobError::BadHash(_) => "invalid_input",
            _ => "storage",
        };
        CommandError::new(code, e.to_string())
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Inspection(inner) => inner.into(),
            StoreError::Blob(inner) => inner.into(),
            StoreError::NotFound { .. } | StoreError::Missing(_) => CommandError::new("not_found", e.to_string()),
            StoreError::Lifecycle(_) | StoreError::Conflict { .. } | StoreError::Rejected(_) => {
                CommandError::new("invalid_input", e.to_string())
            }
            other => CommandError::new("database", other.to_string()),
        }
    }
}

impl From<unitcycle_core::pdf::PdfError> for CommandError {
    fn from(e: unitcycle_core::pdf::PdfError) -> Self {
        CommandError::new("report", e.to_string())
    }
}

pub type CmdResult<T> = Result<T, CommandError>;
