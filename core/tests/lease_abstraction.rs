//! Lease abstraction (spec 4.3) on a replica: a lease PDF read into the schema's terms, flagged
//! and checked, corrected by a person, and applied to the lease record from a diff they confirm.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal_macros::dec;
use serde_json::{json, Map, Value};
use unitcycle_core::ai::Gateway;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::document_ai::samples::{lease_pdf, SampleLease};
use unitcycle_core::lease_abstraction::port::AbstractionPort;
use unitcycle_core::lease_abstraction::workflow::{self as wf, ApplyRequest, Upload};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(15, 0, 0).unwrap().and_utc()
}

fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

fn replica() -> (Store, Uuid) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 30, seed: 4, today: now().date_naive() }).unwrap();
    let lease = store.find_lease("L-000001").unwrap().id;
    (store, lease)
}

fn upload(store: &mut Store, lease: Option<Uuid>, sample: &SampleLease) -> LeaseResult {
    let pdf = lease_pdf(sample);
    let up = Upload { file_name: "lease.pdf", pdf: &pdf, document_url: "blob:l".into(), lease_id: lease };
    wf::upload(store, &Gateway::offline("test".into()), id(1), &up, now())
}

type LeaseResult = Result<unitcycle_core::lease_abstraction::LeaseAbstraction, StoreError>;

fn terms(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[test]
fn a_lease_pdf_is_read_into_every_term_of_the_schema_with_flags_and_missing_terms() {
    let (mut store, lease) = replica();
    let mut sample = SampleLease::demo();
    sample.late_fee = dec!(250.00);
    let a = upload(&mut store, Some(lease), &sample).unwrap();
    assert_eq!((a.status.as_str(), a.provider.as_str(), a.page_count), ("extracted", "offline", Some(1)));
    assert_eq!(a.extracted_terms.as_object().unwrap().len(), 53, "every schema term, null where not found");
    assert_eq!(a.extracted_terms["monthly_rent"], "1450.00");
    assert_eq!(a.extracted_terms["tenant_names_all"], json!(["Maria Santos", "Daniel Okafor"]));
    assert_eq!(a.field_sources["monthly_rent"]["location"]["page"], 1);
    // A $250 late fee on $1,450 rent is 17 %: flagged with its page and sentence.
    let flag = &a.non_standard_clauses[0];
    assert_eq!((flag.severity.as_str(), flag.page), ("warning", 1));
    assert!(flag.clause.contains("late fee of $250.00"), "{}", flag.clause);
    assert!(a.missing_terms.contains(&"governing_law_state".to_string()));
    assert_eq!(a.lease_id, Some(lease));
    assert_eq!(store.abstractions().unwrap().len(), 1);
}

#[test]
fn a_refused_upload_stores_nothing() {
    let (mut store, _) = replica();
    let up = Upload { file_name: "x.pdf", pdf: b"%PDF-1.4 garbage", document_url: "blob:x".into(), lease_id: None };
    let err = wf::upload(&mut store, &Gateway::offline("t".into()), id(1), &up, now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err}");
    assert!(store.abstractions().unwrap().is_empty());
}

#[test]
fn corrections_are_checked_against_the_schema_and_recorded_as_the_persons() {
    let (mut store, lease) = replica();
    upload(&mut store, Some(lease), &SampleLease::demo()).unwrap();
    for (term, value, why) in [
        ("monthly_rent", json!("lots"), "monthly rent"),
        ("rent_due_day", json!("first"), "whole number"),
        ("dispute_resolution", json!("duel"), "not one of"),
        ("favourite_colour", json!("blue"), "not a lease term"),
    ] {
        let err = wf::update_terms(&mut store, id(1), &terms(&[(term, value)]), "Pat", now()).unwrap_err();
        assert!(err.to_string().contains(why), "{term}: {err}");
    }
    let fixed = terms(&[("governing_law_state", json!("Texas")), ("monthly_rent", json!(1500))]);
    let a = wf::update_terms(&mut store, id(1), &fixed, "Pat", now()).unwrap();
    assert_eq!((a.status.as_str(), a.reviewed_by.as_str()), ("reviewed", "Pat"));
    assert_eq!(a.extracted_terms["monthly_rent"], "1500");
    assert_eq!(a.field_sources["governing_law_state"]["provider"], "person");
    assert!(!a.missing_terms.contains(&"governing_law_state".to_string()));
}

#[test]
fn terms_are_applied_to_the_lease_only_as_confirmed_field_by_field() {
    let (mut store, lease_id) = replica();
    let before = store.lease(lease_id).unwrap();
    let mut sample = SampleLease::demo();
    sample.start = before.lease_begin_date;
    sample.end = before.lease_end_date.unwrap();
    sample.monthly_rent = before.monthly_rent_amount + dec!(50);
    sample.security_deposit = dec!(999.00);
    upload(&mut store, None, &sample).unwrap();
    let err = wf::apply(&mut store, id(1), &ApplyRequest::default(), now()).unwrap_err();
    assert!(err.to_string().contains("Name the lease"), "{err}");

    let dry = ApplyRequest { lease_id: Some(lease_id), fields: None, dry_run: true };
    let preview = wf::apply(&mut store, id(1), &dry, now()).unwrap();
    let changing: Vec<&str> = preview.diff.iter().filter(|d| d.changes).map(|d| d.term.as_str()).collect();
    assert!(changing.contains(&"monthly_rent") && changing.contains(&"security_deposit"), "{changing:?}");
    assert!(!preview.diff.iter().any(|d| d.term == "lease_start_date" && d.changes));
    assert_eq!(store.lease(lease_id).unwrap(), before, "a dry run writes nothing");

    let only_rent =
        ApplyRequest { lease_id: Some(lease_id), fields: Some(vec!["monthly_rent".into()]), dry_run: false };
    let done = wf::apply(&mut store, id(1), &only_rent, now()).unwrap();
    assert!(done.applied && done.abstraction.applied_to_lease);
    let after = store.lease(lease_id).unwrap();
    assert_eq!(after.monthly_rent_amount, before.monthly_rent_amount + dec!(50));
    assert_eq!(after.security_deposit, before.security_deposit, "not confirmed: not written");
    assert_eq!(store.abstraction(id(1)).unwrap().status, "applied");
    assert!(wf::apply(&mut store, id(1), &only_rent, now()).is_err(), "applied once");
}
