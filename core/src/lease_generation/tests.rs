//! Editing a draft lease (issue 23), over a replica: a draft is assembled again exactly as a
//! new one is, keeps what it is, and an edit the state's law forbids, or of a lease already
//! sent, is refused and changes nothing.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::clauses::library;
use super::model::GenerationTerms;
use super::port::LeaseGenerationPort;
use super::workflow::{apply_action, DraftEdit, GenerateInput, LeaseGenerationAction, STANDARD_CLAUSES};
use crate::store::{Store, StoreError};

const ACTOR: &str = "manager@example.com";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn clause(slug: &str) -> Uuid {
    library().into_iter().find(|c| c.slug == slug).unwrap().id
}

fn standard_and(extra: &[&str]) -> Vec<Uuid> {
    STANDARD_CLAUSES.iter().chain(extra).map(|s| clause(s)).collect()
}

pub(super) fn terms() -> GenerationTerms {
    GenerationTerms {
        tenant_name: "Dana Okafor".into(),
        tenant_email: "dana@example.com".into(),
        start_date: day(2027, 1, 1),
        end_date: day(2027, 12, 31),
        monthly_rent: dec!(1800),
        security_deposit: dec!(1800),
        rent_due_day: 1,
        late_fee: dec!(50),
        grace_days: 5,
        variables: [
            ("landlord_paid_utilities", "water and trash"),
            ("floodplain_status", "is not"),
            ("flood_damage_status", "is not"),
            ("sprinkler_status", "has"),
            ("smoking_policy", "not permitted"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into(),
    }
}

/// The demo portfolio with its first property in Los Angeles, CA, and a draft lease generated
/// for one of its units (no template): the store and the lease's id.
fn with_draft() -> (Store, Uuid) {
    let mut store = Store::in_memory().unwrap();
    let cfg = crate::demo::DemoConfig { units: 40, ..crate::demo::DemoConfig::new(day(2026, 11, 25)) };
    crate::demo::generate(&mut store, &cfg).unwrap();
    let property = store.properties().unwrap().remove(0);
    store
        .conn()
        .execute(
            "UPDATE properties SET state = 'CA', city = 'Los Angeles', year_built = 2001 WHERE id = ?1",
            [property.id.to_string()],
        )
        .unwrap();
    let unit = store.units(property.id).unwrap().remove(0);
    let input = GenerateInput {
        unit_id: unit.id,
        template_id: None,
        screening_application_id: None,
        lease_terms: terms(),
        clause_ids: Vec::new(),
        addenda: Vec::new(),
    };
    let id = Uuid::from_u128(0x23);
    let out = apply_action(&mut store, id, &LeaseGenerationAction::Generate { input, actor: ACTOR.into() }, now())
        .unwrap()
        .lease
        .unwrap();
    assert!(out.sendable, "{}", out.lease.jurisdiction_warnings);
    (store, id)
}

fn edit(lease_terms: GenerationTerms, clause_ids: Vec<Uuid>) -> LeaseGenerationAction {
    LeaseGenerationAction::EditDraft {
        input: DraftEdit { lease_terms, clause_ids, addenda: Vec::new() },
        actor: ACTOR.into(),
    }
}

fn clause_text(detail: &super::workflow::LeaseDetail, slug: &str) -> String {
    detail.clauses.iter().find(|c| c.clause.slug == slug).map(|c| c.text.clone()).unwrap_or_default()
}

#[test]
fn a_new_rent_fills_the_text_and_a_risky_clause_raises_the_risk() {
    let (mut store, id) = with_draft();
    let before = store.generated_lease(id).unwrap();
    let later = now() + chrono::Duration::hours(1);

    let rent = GenerationTerms { monthly_rent: dec!(1950), security_deposit: dec!(1950), ..terms() };
    let d = apply_action(&mut store, id, &edit(rent, Vec::new()), later).unwrap().lease.unwrap();
    assert_eq!(clause_text(&d, "rent"), "Tenant pays rent of $1,950.00 per month, in advance, on day 1 of each month.");
    assert!(d.lease.document_html.contains("$1,950.00"));
    assert_eq!((d.lease.status.as_str(), d.sendable), ("draft", true));
    // The lease is the same lease: id, unit, author and first date kept; the clauses too.
    let kept = (d.lease.id, d.lease.unit_id, d.lease.template_id, &d.lease.created_by, d.lease.created_at);
    assert_eq!(kept, (before.id, before.unit_id, before.template_id, &before.created_by, before.created_at));
    assert_eq!((d.lease.clause_ids.clone(), d.lease.updated_at), (before.clause_ids.clone(), later));
    let changes = d.lease.renewal_changes.as_array().unwrap();
    let fields: Vec<&str> = changes.iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["monthly_rent", "security_deposit"]);
    assert_eq!(changes[0]["old_value"], "$1,800.00");
    assert_eq!(changes[0]["new_value"], "$1,950.00");
    assert_eq!(changes[0]["reason"], format!("Draft edited ({ACTOR})"));

    // A one-way attorney's fees clause (risk 75) is flagged and raises the overall risk.
    let score = |v: &serde_json::Value| v["overall_score"].as_i64().unwrap();
    let fees = clause("attorney_fees_one_way");
    let risky = GenerationTerms { monthly_rent: dec!(1950), security_deposit: dec!(1950), ..terms() };
    let d2 = apply_action(&mut store, id, &edit(risky, standard_and(&["attorney_fees_one_way"])), later)
        .unwrap()
        .lease
        .unwrap();
    assert!(score(&d2.lease.ai_risk_assessment) > score(&d.lease.ai_risk_assessment));
    assert!(d2.lease.ai_risk_assessment["high_risk_clauses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["clause_id"] == fees.to_string()));
    assert!(d2.lease.clause_ids.contains(&fees));
    // The state's required clauses stay whatever is chosen.
    assert!(d2.clauses.iter().any(|c| c.clause.slug == "bed_bugs"));
    let stored = store.generated_lease(id).unwrap();
    assert_eq!(stored.lease_terms.monthly_rent, dec!(1950));
    assert_eq!(stored.renewal_changes.as_array().unwrap().len(), 3, "{}", stored.renewal_changes);
}

/// What each refused edit is, and the words its refusal must carry.
#[test]
fn an_edit_the_law_forbids_or_of_a_sent_lease_is_refused_and_changes_nothing() {
    let sign = |store: &mut Store, id: Uuid| {
        let send = LeaseGenerationAction::SendForSigning { signers: Vec::new(), actor: ACTOR.into() };
        apply_action(store, id, &send, now()).unwrap();
    };
    let void = |store: &mut Store, id: Uuid| {
        let void = LeaseGenerationAction::Void { reason: "New terms".into(), actor: ACTOR.into() };
        apply_action(store, id, &void, now()).unwrap();
    };
    let nothing = |_: &mut Store, _: Uuid| {};
    type Before = dyn Fn(&mut Store, Uuid);
    let cases: Vec<(&str, &Before, LeaseGenerationAction, &[&str])> = vec![
        (
            "a clause CA prohibits",
            &nothing,
            edit(terms(), standard_and(&["habitability_waiver"])),
            &["is not allowed in CA leases", "Cal. Civ. Code § 1942.1"],
        ),
        (
            "a deposit over CA's one month",
            &nothing,
            edit(GenerationTerms { security_deposit: dec!(3600), ..terms() }, Vec::new()),
            &["over CA's limit of 1 month(s)", "Cal. Civ. Code § 1950.5(c)"],
        ),
        ("bad terms", &nothing, edit(GenerationTerms { monthly_rent: dec!(-1), ..terms() }, Vec::new()), &["rent"]),
        (
            "a lease sent for signing",
            &sign,
            edit(terms(), Vec::new()),
            &["The lease is sent for signing", "only a draft"],
        ),
        ("a voided lease", &void, edit(terms(), Vec::new()), &["The lease is voided"]),
    ];
    for (name, before, action, words) in cases {
        let (mut store, id) = with_draft();
        before(&mut store, id);
        let was = store.generated_lease(id).unwrap();
        match apply_action(&mut store, id, &action, now()) {
            Err(StoreError::Rejected(e)) => {
                for w in words {
                    assert!(e.contains(w), "{name}: '{w}' in '{e}'");
                }
            }
            other => panic!("{name}: refused, not {other:?}"),
        }
        assert_eq!(store.generated_lease(id).unwrap(), was, "{name}: nothing changed");
    }
    let (mut store, _) = with_draft();
    assert!(matches!(
        apply_action(&mut store, Uuid::from_u128(0x99), &edit(terms(), Vec::new()), now()),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn addenda_are_kept_when_omitted_replaced_in_place_and_never_dropped() {
    use super::workflow::AddendumInput;
    let (mut store, id) = with_draft();
    let addendum = |kind: &str, space: &str| AddendumInput {
        addendum_type: kind.into(),
        title: String::new(),
        terms: serde_json::json!({"space": space}),
        requires_signature: true,
    };
    let with = |addenda: Vec<AddendumInput>| LeaseGenerationAction::EditDraft {
        input: DraftEdit { lease_terms: terms(), clause_ids: Vec::new(), addenda },
        actor: ACTOR.into(),
    };
    apply_action(&mut store, id, &with(vec![addendum("parking", "P-1"), addendum("pet", "")]), now()).unwrap();
    let lease = store.generated_lease(id).unwrap();
    assert!(lease.clause_ids.contains(&clause("pets")), "a pet addendum brings the pets clause");
    // Omitted: kept. A list: replaced in place. Shorter: refused by name.
    apply_action(&mut store, id, &with(Vec::new()), now()).unwrap();
    assert_eq!(store.lease_addenda(id).unwrap().len(), 2);
    apply_action(&mut store, id, &with(vec![addendum("parking", "P-9"), addendum("pet", "")]), now()).unwrap();
    let rows = store.lease_addenda(id).unwrap();
    assert!(rows.iter().any(|r| r.terms["space"] == "P-9") && rows.len() == 2, "{rows:?}");
    let e = apply_action(&mut store, id, &with(vec![addendum("parking", "P-9")]), now()).unwrap_err();
    assert!(e.to_string().contains("'Pet Addendum' cannot be taken off"), "{e}");
    // The JSON a client sends: only the terms.
    let body = serde_json::json!({"action": "edit_draft", "actor": ACTOR,
        "input": {"lease_terms": serde_json::to_value(terms()).unwrap()}});
    let action: LeaseGenerationAction = serde_json::from_value(body).unwrap();
    assert_eq!(action, with(Vec::new()));
}
