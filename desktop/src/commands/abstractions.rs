//! Lease abstraction from the desktop (spec 4.3, "side-by-side review with original PDF; apply
//! extracted terms to lease record"): the list, an upload (a path on this computer or the bytes
//! of a chosen file, optionally tied to a lease), one abstraction's review (its terms, the
//! stored PDF's pages read back as positioned text — or a scanned page's picture — so the
//! window can draw the page beside the terms), a person's corrections, and the diff against the
//! lease record from which only the checked terms are written. Every action goes through
//! `lease_abstraction::workflow` on the replica (queued for the server on a connected replica);
//! core's refusal is the error's detail, word for word.

use std::collections::BTreeMap;

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::invoices::{check_size, read_upload, scanned_images};
use super::ops::id;
use super::portfolio::actor;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::document_ai::images::PageImage;
use unitcycle_core::document_ai::{self, Page};
use unitcycle_core::invoice_processing::offline::FieldSource;
use unitcycle_core::lease_abstraction::workflow::{self as wf, AbstractionAction, ApplyOutcome, ApplyRequest};
use unitcycle_core::lease_abstraction::{LeaseAbstraction, EXTRACTED_TERMS_SCHEMA};
use unitcycle_core::store::Store;

/// One term of the extraction schema.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TermDef {
    pub term: String,
    /// The type as the spec writes it: `string`, `decimal or null`, `tenant|landlord`, …
    pub kind: String,
}

/// The lease an abstraction is tied to.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LeaseTie {
    pub id: Uuid,
    pub lease_number: String,
    pub tenant_name: String,
    pub monthly_rent: String,
}

/// One abstraction under review, in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AbstractionReview {
    pub abstraction: LeaseAbstraction,
    /// `abstraction.field_sources`, typed: per term, who read it, how sure, how, and where.
    pub fields: BTreeMap<String, FieldSource>,
    /// The stored PDF read back (empty when the PDF is not on this device).
    pub pages: Vec<Page>,
    /// Why the pages are empty, when they are.
    pub pages_note: Option<String>,
    /// The pictures of the scanned pages (that have no text to draw).
    pub images: Vec<PageImage>,
    /// The extraction schema, in its order.
    pub schema: Vec<TermDef>,
    pub lease: Option<LeaseTie>,
}

/// The abstractions of `status` (every one when none), newest first.
pub fn abstractions_list(s: &AppState, status: Option<String>) -> CmdResult<Vec<LeaseAbstraction>> {
    let status = status.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    Ok(wf::list(&*s.store()?, status.as_deref(), None)?)
}

/// Uploads the lease PDF at `path` on this computer.
pub fn abstraction_upload_path(s: &AppState, path: String, lease_id: Option<Uuid>) -> CmdResult<LeaseAbstraction> {
    let (name, bytes) = read_upload(&path, "lease")?;
    abstraction_upload_bytes(s, name, bytes, lease_id)
}

/// Uploads a lease PDF's bytes (a file chosen in the window).
pub fn abstraction_upload_bytes(
    s: &AppState,
    file_name: String,
    bytes: Vec<u8>,
    lease_id: Option<Uuid>,
) -> CmdResult<LeaseAbstraction> {
    check_size(bytes.len(), "lease")?;
    let mut store = s.store()?;
    if let Some(l) = lease_id {
        store.lease(l)?;
    }
    Ok(wf::upload_on_replica(&mut store, &s.gateway, file_name.trim(), &bytes, lease_id, Utc::now())?)
}

/// The stored PDF of an abstraction, when it is on this device.
fn document(store: &Store, a: &LeaseAbstraction) -> Option<Vec<u8>> {
    let hash = unitcycle_core::inspections::blob_hash(&a.document_url)?;
    unitcycle_core::documents::blob_store(store)?.get(hash).ok()
}

/// One abstraction: its terms, its PDF's pages (and scanned pages' pictures), the schema and
/// the lease it is tied to.
pub fn abstraction_review(s: &AppState, id_text: String) -> CmdResult<AbstractionReview> {
    let store = s.store()?;
    let abstraction = wf::abstraction(&*store, id(&id_text)?)?;
    let fields: BTreeMap<String, FieldSource> = abstraction
        .field_sources
        .as_object()
        .map(|m| m.iter().filter_map(|(k, v)| serde_json::from_value(v.clone()).ok().map(|f| (k.clone(), f))).collect())
        .unwrap_or_default();
    let (mut pages, mut pages_note, mut images) = (Vec::new(), None, Vec::new());
    match document(&store, &abstraction) {
        Some(pdf) => match document_ai::read_pdf(&pdf) {
            Ok(doc) => {
                images = scanned_images(&pdf, &doc.pages);
                pages = doc.pages;
            }
            Err(e) => pages_note = Some(format!("The stored PDF cannot be read: {e}")),
        },
        None => pages_note = Some("The PDF is not on this device (it was uploaded elsewhere).".to_string()),
    }
    let lease = match abstraction.lease_id {
        Some(l) => match store.lease(l) {
            Ok(lease) => Some(LeaseTie {
                id: lease.id,
                tenant_name: store
                    .tenant(lease.tenant_id)
                    .map(|t| format!("{} {}", t.first_name, t.last_name).trim().to_string())
                    .unwrap_or_default(),
                monthly_rent: unitcycle_core::format::money(lease.monthly_rent_amount),
                lease_number: lease.lease_number,
            }),
            Err(_) => None,
        },
        None => None,
    };
    let schema =
        EXTRACTED_TERMS_SCHEMA.iter().map(|(t, k)| TermDef { term: t.to_string(), kind: k.to_string() }).collect();
    Ok(AbstractionReview { abstraction, fields, pages, pages_note, images, schema, lease })
}

/// A person's corrections (only the terms they changed), as `{term: value}`; the abstraction
/// becomes `reviewed`.
pub fn abstraction_update_terms(
    s: &AppState,
    id_text: String,
    terms: serde_json::Value,
) -> CmdResult<LeaseAbstraction> {
    let serde_json::Value::Object(terms) = terms else {
        return Err(CommandError::invalid(
            "Send the corrected terms as an object, e.g. {\"monthly_rent\": \"1450.00\"}.",
        ));
    };
    let action = AbstractionAction::UpdateTerms { terms, reviewer: actor() };
    let mut store = s.store()?;
    Ok(wf::act_on_replica(&mut store, &s.gateway, id(&id_text)?, &action, None, Utc::now())?)
}

/// The diff between the lease record and the terms (a dry run: nothing is written).
pub fn abstraction_diff(s: &AppState, id_text: String, lease_id: Option<Uuid>) -> CmdResult<ApplyOutcome> {
    let mut store = s.store()?;
    let req = ApplyRequest { lease_id, fields: None, dry_run: true };
    Ok(wf::apply(&mut *store, id(&id_text)?, &req, Utc::now())?)
}

/// Writes the chosen terms (`fields`: terms or lease fields of the diff) to the lease; the
/// abstraction becomes `applied`.
pub fn abstraction_apply(
    s: &AppState,
    id_text: String,
    lease_id: Option<Uuid>,
    fields: Vec<String>,
) -> CmdResult<ApplyOutcome> {
    let abstraction_id = id(&id_text)?;
    let mut store = s.store()?;
    let now = Utc::now();
    let preview = wf::apply(&mut *store, abstraction_id, &ApplyRequest { lease_id, fields: None, dry_run: true }, now)?;
    if let Some(f) = fields.iter().find(|f| !preview.diff.iter().any(|d| &d.term == *f || &d.field == *f)) {
        return Err(CommandError::invalid(format!(
            "'{f}' is not a term this abstraction can apply (one of the diff's terms)."
        )));
    }
    let chosen = |d: &wf::TermDiff| fields.iter().any(|f| f == &d.term || f == &d.field);
    // Core refuses a second apply in its own words.
    if !preview.abstraction.applied_to_lease
        && preview.diff.iter().any(|d| d.changes)
        && !preview.diff.iter().any(|d| d.changes && chosen(d))
    {
        return Err(CommandError::invalid(
            "No changing term is checked: check the terms to write to the lease, or cancel.",
        ));
    }
    let req = ApplyRequest { lease_id: Some(preview.lease_id), fields: Some(fields.clone()), dry_run: false };
    let abstraction =
        wf::act_on_replica(&mut store, &s.gateway, abstraction_id, &AbstractionAction::Apply(req), None, now)?;
    let mut diff = preview.diff;
    for d in diff.iter_mut() {
        d.applied = d.changes && chosen(d);
    }
    Ok(ApplyOutcome { abstraction, lease_id: preview.lease_id, diff, applied: true })
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::invoices::MAX_UPLOAD_BYTES;
    use super::super::ops;
    use unitcycle_core::document_ai::samples::{lease_pdf, scanned_pdf, SampleLease};

    #[test]
    fn a_lease_is_uploaded_reviewed_corrected_and_only_the_checked_terms_applied() {
        let (s, dir) = demo();
        let lease = ops::list_leases(&s, None).unwrap().remove(0);
        let sample = SampleLease { monthly_rent: rust_decimal::Decimal::new(987_500, 2), ..SampleLease::demo() };
        let path = dir.path().join("lease.pdf");
        std::fs::write(&path, lease_pdf(&sample)).unwrap();
        let a = ops::abstraction_upload_path(&s, path.display().to_string(), Some(lease.id)).unwrap();
        assert_eq!(a.lease_id, Some(lease.id));
        assert!(ops::abstractions_list(&s, None).unwrap().iter().any(|x| x.id == a.id));
        assert!(ops::abstractions_list(&s, Some("late".into())).is_err());

        let r = ops::abstraction_review(&s, a.id.to_string()).unwrap();
        assert_eq!(r.schema.len(), 53);
        assert!(!r.pages.is_empty() && r.images.is_empty());
        assert!(r.fields.get("monthly_rent").and_then(|f| f.location).is_some(), "{:?}", r.fields);
        assert_eq!(r.lease.as_ref().map(|l| l.id), Some(lease.id));

        let bad = ops::abstraction_update_terms(&s, a.id.to_string(), serde_json::json!({"monthly_rent": "lots"}));
        assert_eq!(bad.unwrap_err().code, "invalid_input");
        let x =
            ops::abstraction_update_terms(&s, a.id.to_string(), serde_json::json!({"governing_law_state": "Oregon"}))
                .unwrap();
        assert_eq!(x.status, "reviewed");
        assert_eq!(x.extracted_terms["governing_law_state"], "Oregon");

        let d = ops::abstraction_diff(&s, a.id.to_string(), None).unwrap();
        let rent = d.diff.iter().find(|t| t.term == "monthly_rent").unwrap();
        assert!(rent.changes && !rent.applied);
        assert!(ops::abstraction_apply(&s, a.id.to_string(), None, vec!["nope".into()]).is_err());
        assert!(ops::abstraction_apply(&s, a.id.to_string(), None, vec![]).is_err());
        let done = ops::abstraction_apply(&s, a.id.to_string(), None, vec!["monthly_rent".into()]).unwrap();
        assert_eq!(done.abstraction.status, "applied");
        assert!(done.diff.iter().all(|t| t.applied == (t.term == "monthly_rent")));
        let after = ops::list_leases(&s, None).unwrap().into_iter().find(|l| l.id == lease.id).unwrap();
        assert_eq!(after.monthly_rent, unitcycle_core::format::money(sample.monthly_rent));
        let again = ops::abstraction_apply(&s, a.id.to_string(), None, vec!["monthly_rent".into()]).unwrap_err();
        assert_eq!(again.detail, "These terms are applied to the lease already.");
    }

    #[test]
    fn a_scanned_lease_shows_its_picture_and_a_large_file_is_refused() {
        let (s, dir) = demo();
        let a = ops::abstraction_upload_bytes(&s, "scan.pdf".into(), scanned_pdf(), None).unwrap();
        let r = ops::abstraction_review(&s, a.id.to_string()).unwrap();
        assert!(r.pages[0].scanned);
        assert_eq!(r.images.len(), 1);
        assert!(r.lease.is_none());
        let big = dir.path().join("big.pdf");
        std::fs::File::create(&big).unwrap().set_len(MAX_UPLOAD_BYTES as u64 + 1).unwrap();
        let e = ops::abstraction_upload_path(&s, big.display().to_string(), None).unwrap_err();
        assert!(e.detail.contains("at most 50 MB"), "{}", e.detail);
    }
}
