//! How fast the offline path reads invoices: generated sample PDFs (not timed) through
//! [`read_pdf`](super::read_pdf) and the offline extractor (timed), for the performance page
//! and regressions.

use std::time::Instant;

use serde::Serialize;

use super::samples::{demo_invoice, invoice_pdf, Layout};
use crate::invoice_processing::offline;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocBench {
    pub documents: usize,
    pub pages: usize,
    pub seconds: f64,
    pub pages_per_second: f64,
}

/// Reads and extracts `documents` sample invoices, cycling through the layouts.
pub fn offline_extraction(documents: usize) -> DocBench {
    let pdfs: Vec<Vec<u8>> =
        (0..documents).map(|i| invoice_pdf(&demo_invoice(i as u32), Layout::ALL[i % Layout::ALL.len()])).collect();
    let started = Instant::now();
    let mut pages = 0;
    for pdf in &pdfs {
        // A sample that fails to read is counted as no pages rather than stopping the run.
        if let Ok(doc) = super::read_pdf(pdf) {
            pages += doc.pages.len();
            std::hint::black_box(offline::extract(&doc, &[]));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    DocBench { documents, pages, seconds, pages_per_second: if seconds > 0.0 { pages as f64 / seconds } else { 0.0 } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_reads_every_generated_page() {
        let bench = offline_extraction(3);
        assert_eq!((bench.documents, bench.pages), (3, 3));
        assert!(bench.pages_per_second > 0.0);
    }
}
