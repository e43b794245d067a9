//! The document engine shared by invoice extraction (spec 3.2) and lease abstraction (4.3): a
//! PDF is read on the device (pure Rust, `lopdf`) into pages of positioned text lines in reading
//! order; pages with no text but an image are flagged as scanned (they need the vision model);
//! the kind of document is guessed from its words. Nothing here knows about invoices or leases.
//!
//! Uploads are refused before anything is stored: not a PDF, encrypted, more than
//! [`MAX_PAGES`] pages, larger than [`MAX_BYTES`], or a stream that inflates past
//! [`MAX_STREAM_BYTES`] (a zip bomb).

pub mod bench;
pub mod images;
mod kind;
mod read;
pub mod samples;

use serde::{Deserialize, Serialize};

pub use kind::{classify, DocumentKind};
pub use read::{read_pdf, read_pdf_with, Limits};

/// The largest upload accepted.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// The most pages a document may have.
pub const MAX_PAGES: usize = 2_000;
/// The most bytes one content stream may inflate to.
pub const MAX_STREAM_BYTES: usize = 16 * 1024 * 1024;

/// Where something sits on a page: PDF points from the page's top-left corner (y grows down,
/// as on screen), so a viewer can highlight it over the rendered page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BBox {
    /// 1-based page number.
    pub page: u32,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// A run of text drawn in one go (one `Tj`/`TJ`), with its box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Span {
    pub text: String,
    pub bbox: BBox,
}

/// Spans on one baseline, left to right; `text` joins them with the gaps as spaces (a wide
/// gap, as between a label and its value or between table columns, becomes several spaces).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TextLine {
    pub text: String,
    pub spans: Vec<Span>,
    pub bbox: BBox,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    /// Points.
    pub width: f32,
    pub height: f32,
    /// Top to bottom.
    pub lines: Vec<TextLine>,
    /// No text but at least one image: a scan that needs the vision model.
    pub scanned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Document {
    pub pages: Vec<Page>,
}

impl Document {
    /// Every line of every page, in reading order.
    pub fn lines(&self) -> impl Iterator<Item = &TextLine> {
        self.pages.iter().flat_map(|p| p.lines.iter())
    }

    /// The pages that need the vision model (1-based numbers).
    pub fn scanned_pages(&self) -> Vec<u32> {
        self.pages.iter().filter(|p| p.scanned).map(|p| p.number).collect()
    }
}

/// Why an upload was refused. Each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    #[error("this file is not a PDF (it does not start with %PDF-); upload the invoice or lease as a PDF")]
    NotPdf,
    #[error("this PDF is encrypted or password-protected; save an unprotected copy and upload that")]
    Encrypted,
    #[error("this PDF has {pages} pages; at most {max} are accepted")]
    TooManyPages { pages: usize, max: usize },
    #[error("this file is {bytes} bytes; at most {max} bytes are accepted")]
    TooLarge { bytes: usize, max: usize },
    #[error("a stream in this PDF inflates past {max} bytes; the file is refused as unsafe")]
    StreamTooLarge { max: usize },
    #[error("this PDF could not be read: {0}")]
    Unreadable(String),
}
