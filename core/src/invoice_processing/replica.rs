//! Invoice actions on a replica (the terminal app, the CLI, the desktop): the PDF is kept in the
//! replica's blob store, then the action goes through [`workflow::act_on_replica`] (queued for
//! the server when connected; the blob is pushed before it).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::record::InvoiceAiExtraction;
use super::workflow::{self, ApproveExtraction, InvoiceAction};
use crate::ai::Gateway;
use crate::documents::blob_store;
use crate::store::{Result, Store};

/// Reads, stores and extracts an uploaded PDF. Refused uploads store nothing.
pub fn upload(
    store: &mut Store,
    gateway: &Gateway,
    file_name: &str,
    pdf: &[u8],
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    workflow::read_upload(pdf)?;
    let source_document = crate::documents::keep_upload(store, pdf)?;
    let action = InvoiceAction::Upload { file_name: file_name.to_string(), source_document };
    workflow::act_on_replica(store, gateway, Uuid::new_v4(), &action, Some(pdf), now)
}

/// The stored PDF of an invoice's upload, when this replica holds it.
pub fn document(store: &Store, x: &InvoiceAiExtraction) -> Option<Vec<u8>> {
    let hash = crate::inspections::blob_hash(&x.source_document)?;
    blob_store(store)?.get(hash).ok()
}

/// Approves an extraction with corrections (the vendor's template learns from them).
pub fn approve(
    store: &mut Store,
    gateway: &Gateway,
    invoice_id: Uuid,
    corrections: &ApproveExtraction,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    let x = workflow::extraction(store, invoice_id)?;
    let pdf = document(store, &x);
    let action = InvoiceAction::Approve(corrections.clone());
    workflow::act_on_replica(store, gateway, invoice_id, &action, pdf.as_deref(), now)
}

/// Matches an invoice to a work order by hand.
pub fn match_work_order(
    store: &mut Store,
    gateway: &Gateway,
    invoice_id: Uuid,
    work_order_id: Uuid,
    now: DateTime<Utc>,
) -> Result<InvoiceAiExtraction> {
    let action = InvoiceAction::MatchWorkOrder { work_order_id };
    workflow::act_on_replica(store, gateway, invoice_id, &action, None, now)
}
