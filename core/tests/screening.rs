//! Tenant screening (spec 4.2) on a replica: an application submitted and scored against the
//! unit's rent, approved or denied by a person with the reasons on record, the denial's adverse
//! action notice queued to the applicant, and the personal data of old denials purged.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::model::Unit;
use unitcycle_core::screening::port::ScreeningPort;
use unitcycle_core::screening::workflow::{self as wf, ScreeningAction};
use unitcycle_core::screening::NewApplication;
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(15, 0, 0).unwrap().and_utc()
}

fn replica() -> (Store, Unit) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 30, seed: 4, today: now().date_naive() }).unwrap();
    let property = store.properties().unwrap()[0].id;
    let unit = store.units(property).unwrap().into_iter().next().unwrap();
    (store, unit)
}

fn application(unit: &Unit, income: Decimal) -> NewApplication {
    NewApplication {
        unit_id: unit.id,
        first_name: "Alex".into(),
        last_name: "Rivera".into(),
        email: "alex@example.com".into(),
        phone: "555-0100".into(),
        date_of_birth: Some(NaiveDate::from_ymd_opt(1990, 4, 2).unwrap()),
        ssn_last_four: "1234".into(),
        employer_name: "Acme".into(),
        employer_phone: String::new(),
        job_title: "Engineer".into(),
        monthly_income: income,
        employment_start_date: now().date_naive() - Duration::days(200),
        income_verification_type: "pay_stubs".into(),
        previous_address: "1 Main St\nSpringfield".into(),
        previous_landlord_name: "Pat".into(),
        previous_landlord_phone: String::new(),
        previous_rent: None,
        previous_lease_duration_months: Some(24),
        reason_for_leaving: String::new(),
        eviction_history: false,
        num_occupants: 1,
        has_pets: false,
        pet_details: String::new(),
    }
}

fn rent(unit: &Unit) -> Decimal {
    if unit.market_rent > Decimal::ZERO {
        unit.market_rent
    } else {
        unit.current_rent
    }
}

#[test]
fn an_application_is_scored_against_the_units_rent_and_approved_on_conditions_with_notes() {
    let (mut store, unit) = replica();
    let id = Uuid::new_v4();
    // 2.2x the rent and 6 months employed: 100 - 25 - 15 = 60, conditional approval.
    let income = (rent(&unit) * Decimal::new(22, 1)).round_dp(2);
    wf::act_on_replica(&mut store, id, &ScreeningAction::Submit(application(&unit, income)), now()).unwrap();
    let out = wf::act_on_replica(&mut store, id, &ScreeningAction::Score, now()).unwrap();
    let score = out.score.unwrap();
    assert_eq!((score.score, score.recommendation.as_str()), (60, "conditional_approve"));
    let stored = store.application(id).unwrap();
    assert_eq!((stored.status.as_str(), stored.ai_score), ("scored", Some(60.0)));
    assert_eq!(stored.ai_risk_factors.as_array().unwrap().len(), 2);
    assert!(stored.ai_reasoning.contains("Deductions"), "{}", stored.ai_reasoning);
    assert_eq!(out.application["ssn_last_four"], "****", "the detail never shows the digits");

    let approve =
        |notes: &str| ScreeningAction::Approve { notes: notes.into(), conditional: None, actor: "pm@x.com".into() };
    let err = wf::act_on_replica(&mut store, id, &approve(""), now()).unwrap_err();
    assert!(err.to_string().contains("states its conditions"), "{err}");
    wf::act_on_replica(&mut store, id, &approve("One extra month's deposit"), now()).unwrap();
    let a = store.application(id).unwrap();
    assert_eq!((a.status.as_str(), a.reviewed_by.as_str()), ("conditionally_approved", "pm@x.com"));
    let err = wf::act_on_replica(
        &mut store,
        id,
        &ScreeningAction::Deny { reason: "x".into(), actor: "pm@x.com".into() },
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("already"), "{err}");
}

#[test]
fn a_denial_states_its_reasons_on_an_adverse_action_notice_sent_to_the_applicant() {
    let (mut store, unit) = replica();
    let id = Uuid::new_v4();
    let mut new = application(&unit, rent(&unit));
    new.eviction_history = true;
    wf::act_on_replica(&mut store, id, &ScreeningAction::Submit(new), now()).unwrap();
    let deny = |reason: &str| ScreeningAction::Deny { reason: reason.into(), actor: "pm@x.com".into() };
    let err = wf::act_on_replica(&mut store, id, &deny("  "), now()).unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)) && err.to_string().contains("reason"), "{err}");
    let out = wf::act_on_replica(&mut store, id, &deny("Prior eviction within 3 years"), now()).unwrap();
    let a = store.application(id).unwrap();
    assert_eq!((a.status.as_str(), a.decision_notes.as_str()), ("denied", "Prior eviction within 3 years"));
    // 1x the rent, 6 months, an eviction: 100 - 35 - 15 - 30 = 20.
    assert_eq!(a.ai_score, Some(20.0));
    let msgs = store.outbox_messages(Some(id), 5).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].recipient, "alex@example.com");
    for reason in ["Prior eviction on record", "Income ratio below 2x", "Prior eviction within 3 years"] {
        assert!(msgs[0].body.contains(reason), "{reason} in {}", msgs[0].body);
    }
    assert!(!msgs[0].body.contains("1234") && !msgs[0].body.contains("1990"), "no SSN or date of birth");
    assert!(out.notice_url.is_none() || a.documents[0]["type"] == "adverse_action_notice");
}

#[test]
fn denied_applications_lose_their_personal_data_after_the_retention_period_once() {
    let (mut store, unit) = replica();
    let (old, fresh) = (Uuid::new_v4(), Uuid::new_v4());
    let deny =
        ScreeningAction::Deny { reason: "Income below the property's criteria".into(), actor: "pm@x.com".into() };
    let long_ago = now() - Duration::days(400);
    for (id, at) in [(old, long_ago), (fresh, now())] {
        let mut new = application(&unit, Decimal::from(900));
        new.employment_start_date = at.date_naive() - Duration::days(200);
        wf::act_on_replica(&mut store, id, &ScreeningAction::Submit(new), at).unwrap();
        wf::act_on_replica(&mut store, id, &deny, at).unwrap();
    }
    assert!(wf::purge_denied(&mut store, 0, now().date_naive(), now()).is_err());
    assert_eq!(wf::purge_denied(&mut store, 365, now().date_naive(), now()).unwrap(), 1);
    let a = store.application(old).unwrap();
    assert_eq!((a.first_name.as_str(), a.email.as_str(), a.ssn_last_four.as_str()), ("(purged)", "", ""));
    assert_eq!((a.date_of_birth, a.status.as_str()), (None, "denied"));
    assert!(a.ai_score.is_some() && !a.decision_notes.is_empty(), "the decision and its reasons stay");
    assert_eq!(store.application(fresh).unwrap().first_name, "Alex");
    assert_eq!(wf::purge_denied(&mut store, 365, now().date_naive(), now()).unwrap(), 0, "not twice");
}

#[test]
fn an_application_for_a_unit_that_does_not_exist_is_refused() {
    let (mut store, unit) = replica();
    let mut new = application(&unit, Decimal::from(5000));
    new.unit_id = Uuid::new_v4();
    let err = wf::act_on_replica(&mut store, Uuid::new_v4(), &ScreeningAction::Submit(new), now()).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(store.applications().unwrap().is_empty());
}
