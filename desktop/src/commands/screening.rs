//! Tenant screening from the desktop (spec 4.2), the terminal's screening in a window: the
//! applications (waiting for a person first), one application's score with every factor, a new
//! application taken at the desk (checked by the core's constructor), and the score, approval and
//! denial (with its adverse action notice) through the core's workflow, queued for the server
//! when connected. Neither the date of birth nor the SSN ever leaves this module: the list and the
//! detail are built without them. Core's refusals are the error's detail, word for word.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use super::portfolio::actor;
use crate::{AppState, CmdResult};
use unitcycle_core::model::UnitStatus;
use unitcycle_core::screening::port::ScreeningPort;
use unitcycle_core::screening::workflow::{self as wf, ScreeningAction};
use unitcycle_core::screening::{NewApplication, RiskFactor, ScreeningApplication};
use unitcycle_core::store::Store;

/// An application in the list: [`unitcycle_core::screening::ApplicationRow`]'s fields and where
/// it is for; never the date of birth or the SSN.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApplicationListItem {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[specta(type = String)]
    pub monthly_income: Decimal,
    pub ai_score: Option<f64>,
    pub ai_recommendation: String,
    pub status: String,
    pub created_at: chrono::DateTime<Utc>,
    pub unit_number: String,
    pub property_name: String,
    /// Submitted or scored: a person still decides it.
    pub waiting: bool,
}

/// One application as the detail shows it: the score and every factor; never the date of birth
/// or the SSN.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApplicationDetail {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub unit_number: String,
    pub property_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub employer_name: String,
    #[specta(type = String)]
    pub monthly_income: Decimal,
    pub employment_start_date: NaiveDate,
    pub previous_landlord_name: String,
    pub previous_lease_duration_months: Option<i32>,
    pub eviction_history: bool,
    pub ai_score: Option<f64>,
    pub ai_recommendation: String,
    pub income_score: Option<f64>,
    pub employment_score: Option<f64>,
    pub rental_history_score: Option<f64>,
    pub risk_factors: Vec<ScreeningFactor>,
    pub ai_reasoning: String,
    pub status: String,
    pub decision_notes: String,
    pub reviewed_by: String,
    pub reviewed_at: Option<chrono::DateTime<Utc>>,
    pub documents: u32,
    /// Submitted or scored: a person still decides it.
    pub waiting: bool,
    /// The adverse action notice a denial just produced (`blob:<sha256>`), when stored.
    pub notice_url: Option<String>,
}

/// One deduction of the score ([`RiskFactor`], named apart from the maintenance risk view's
/// factor).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ScreeningFactor {
    pub factor: String,
    pub severity: String,
    pub score_impact: i32,
}

impl From<RiskFactor> for ScreeningFactor {
    fn from(f: RiskFactor) -> ScreeningFactor {
        ScreeningFactor { factor: f.factor, severity: f.severity, score_impact: f.score_impact }
    }
}

/// A unit in the intake's picker, vacant ones first.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct UnitOption {
    pub id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub property_name: String,
    pub vacant: bool,
    /// The rent the income is compared with (market rent, else current rent).
    #[specta(type = String)]
    pub rent: Decimal,
}

fn waiting(status: &str) -> bool {
    matches!(status, "submitted" | "screening" | "scored")
}

fn place(store: &Store, app: &ScreeningApplication, names: &mut HashMap<Uuid, String>) -> (String, String) {
    let unit = store.unit(app.unit_id).map(|u| u.unit_number).unwrap_or_else(|_| app.unit_id.to_string());
    let property = names
        .entry(app.property_id)
        .or_insert_with(|| store.property(app.property_id).map(|p| p.name).unwrap_or_default())
        .clone();
    (unit, property)
}

fn detail(store: &Store, a: ScreeningApplication, notice_url: Option<String>) -> ApplicationDetail {
    let (unit_number, property_name) = place(store, &a, &mut HashMap::new());
    ApplicationDetail {
        id: a.id,
        unit_id: a.unit_id,
        property_id: a.property_id,
        unit_number,
        property_name,
        waiting: waiting(&a.status),
        risk_factors: serde_json::from_value::<Vec<RiskFactor>>(a.ai_risk_factors.clone())
            .unwrap_or_default()
            .into_iter()
            .map(ScreeningFactor::from)
            .collect(),
        documents: a.documents.as_array().map_or(0, |d| d.len() as u32),
        first_name: a.first_name,
        last_name: a.last_name,
        email: a.email,
        phone: a.phone,
        employer_name: a.employer_name,
        monthly_income: a.monthly_income,
        employment_start_date: a.employment_start_date,
        previous_landlord_name: a.previous_landlord_name,
        previous_lease_duration_months: a.previous_lease_duration_months,
        eviction_history: a.eviction_history,
        ai_score: a.ai_score,
        ai_recommendation: a.ai_recommendation,
        income_score: a.income_score,
        employment_score: a.employment_score,
        rental_history_score: a.rental_history_score,
        ai_reasoning: a.ai_reasoning,
        status: a.status,
        decision_notes: a.decision_notes,
        reviewed_by: a.reviewed_by,
        reviewed_at: a.reviewed_at,
        notice_url,
    }
}

/// Every application, those waiting for a person first (newest first within).
pub fn screening_list(s: &AppState) -> CmdResult<Vec<ApplicationListItem>> {
    let store = s.store()?;
    let mut names = HashMap::new();
    let mut out: Vec<ApplicationListItem> = store
        .applications()?
        .into_iter()
        .map(|a| {
            let (unit_number, property_name) = place(&store, &a, &mut names);
            ApplicationListItem {
                id: a.id,
                unit_id: a.unit_id,
                property_id: a.property_id,
                waiting: waiting(&a.status),
                first_name: a.first_name,
                last_name: a.last_name,
                email: a.email,
                monthly_income: a.monthly_income,
                ai_score: a.ai_score,
                ai_recommendation: a.ai_recommendation,
                status: a.status,
                created_at: a.created_at,
                unit_number,
                property_name,
            }
        })
        .collect();
    out.sort_by_key(|a| !a.waiting);
    Ok(out)
}

/// One application, with its score and every factor.
pub fn screening_detail(s: &AppState, id_text: String) -> CmdResult<ApplicationDetail> {
    let store = s.store()?;
    let app = store.application(id(&id_text)?)?;
    Ok(detail(&store, app, None))
}

/// The units an application can be for: vacant ones first, then by property and number.
pub fn screening_units(s: &AppState) -> CmdResult<Vec<UnitOption>> {
    let store = s.store()?;
    let mut out = Vec::new();
    for p in store.properties()? {
        for u in store.units(p.id)? {
            out.push(UnitOption {
                id: u.id,
                unit_number: u.unit_number,
                property_id: p.id,
                property_name: p.name.clone(),
                vacant: u.status == UnitStatus::Vacant,
                rent: if u.market_rent > Decimal::ZERO { u.market_rent } else { u.current_rent },
            });
        }
    }
    out.sort_by(|a, b| {
        b.vacant.cmp(&a.vacant).then(a.property_name.cmp(&b.property_name)).then(a.unit_number.cmp(&b.unit_number))
    });
    Ok(out)
}

/// Applies `action` to application `id` through the core's workflow, and reads it back.
fn act(s: &AppState, id: Uuid, action: ScreeningAction) -> CmdResult<ApplicationDetail> {
    let mut store = s.store()?;
    let out = wf::act_on_replica(&mut store, id, &action, Utc::now())?;
    let app = store.application(id)?;
    Ok(detail(&store, app, out.notice_url))
}

/// A new application taken at the desk (the core checks it and refuses it with its reason).
pub fn screening_submit(s: &AppState, application: NewApplication) -> CmdResult<ApplicationDetail> {
    act(s, Uuid::new_v4(), ScreeningAction::Submit(application))
}

/// Scores the application by the spec's rules (again, when its figures changed).
pub fn screening_score(s: &AppState, id_text: String) -> CmdResult<ApplicationDetail> {
    act(s, id(&id_text)?, ScreeningAction::Score)
}

/// Approves the application (on the conditions in `notes` when `conditional`), with this user's
/// name; nothing is sent to the applicant.
pub fn screening_approve(
    s: &AppState,
    id_text: String,
    notes: String,
    conditional: bool,
) -> CmdResult<ApplicationDetail> {
    act(s, id(&id_text)?, ScreeningAction::Approve { notes, conditional: Some(conditional), actor: actor() })
}

/// Denies the application for `reason`: the adverse action notice (every risk factor and the
/// reason) is stored with it and emailed to the applicant.
pub fn screening_deny(s: &AppState, id_text: String, reason: String) -> CmdResult<ApplicationDetail> {
    act(s, id(&id_text)?, ScreeningAction::Deny { reason, actor: actor() })
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;

    fn new_application(unit_id: Uuid) -> NewApplication {
        NewApplication {
            unit_id,
            first_name: "Dana".into(),
            last_name: "Okafor".into(),
            email: "dana.okafor@example.com".into(),
            phone: "555-0101".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 4, 17),
            ssn_last_four: "6789".into(),
            employer_name: "Harbor Freight".into(),
            employer_phone: String::new(),
            job_title: String::new(),
            monthly_income: Decimal::new(1500, 0),
            employment_start_date: Utc::now().date_naive() - chrono::Duration::days(100),
            income_verification_type: String::new(),
            previous_address: String::new(),
            previous_landlord_name: String::new(),
            previous_landlord_phone: String::new(),
            previous_rent: None,
            previous_lease_duration_months: None,
            reason_for_leaving: String::new(),
            eviction_history: true,
            num_occupants: 1,
            has_pets: false,
            pet_details: String::new(),
        }
    }

    #[test]
    fn an_application_is_submitted_scored_and_denied_through_core() {
        let (s, _dir) = demo();
        let units = ops::screening_units(&s).unwrap();
        assert!(!units.is_empty());
        assert!(units.windows(2).all(|w| w[0].vacant >= w[1].vacant), "vacant units first");
        let unit = &units[0];

        let made = ops::screening_submit(&s, new_application(unit.id)).unwrap();
        assert_eq!((made.status.as_str(), made.unit_number.as_str()), ("submitted", unit.unit_number.as_str()));
        assert_eq!(made.property_name, unit.property_name);
        assert!(made.waiting && made.ai_score.is_none());
        let id = made.id.to_string();

        let scored = ops::screening_score(&s, id.clone()).unwrap();
        assert_eq!(scored.status, "scored");
        assert!(scored.ai_score.is_some() && !scored.ai_recommendation.is_empty());
        assert!(
            scored.risk_factors.iter().any(|f| f.factor == "Prior eviction on record"),
            "{:?}",
            scored.risk_factors
        );
        assert!(scored.ai_reasoning.starts_with("Score "), "{}", scored.ai_reasoning);
        assert_eq!(ops::screening_detail(&s, id.clone()).unwrap(), scored);

        let list = ops::screening_list(&s).unwrap();
        assert_eq!(list.iter().find(|a| a.id == made.id).map(|a| a.status.as_str()), Some("scored"));
        assert!(list.windows(2).all(|w| w[0].waiting >= w[1].waiting), "waiting ones first");

        let e = ops::screening_deny(&s, id.clone(), "  ".into()).unwrap_err();
        assert!(e.detail.contains("A denial states its reason"), "{}", e.detail);
        let denied = ops::screening_deny(&s, id.clone(), "Unverifiable rental history".into()).unwrap();
        assert_eq!(denied.status, "denied");
        assert_eq!(denied.decision_notes, "Unverifiable rental history");
        assert_eq!(denied.reviewed_by, actor());
        assert!(!denied.waiting && denied.reviewed_at.is_some());
        let e = ops::screening_approve(&s, id, String::new(), false).unwrap_err();
        assert!(e.detail.contains("denied already"), "{}", e.detail);
    }

    #[test]
    fn neither_the_list_nor_the_detail_carries_the_date_of_birth_or_the_ssn() {
        let (s, _dir) = demo();
        let unit = ops::screening_units(&s).unwrap()[0].id;
        let made = ops::screening_submit(&s, new_application(unit)).unwrap();
        let list = serde_json::to_value(ops::screening_list(&s).unwrap()).unwrap();
        let detail = serde_json::to_value(ops::screening_detail(&s, made.id.to_string()).unwrap()).unwrap();
        for json in [&list, &detail] {
            assert!(json.to_string().contains("Okafor"), "{json}");
            let mut strings = Vec::new();
            walk(json, &mut strings);
            for t in strings {
                assert!(t != "6789" && !t.contains("1990-04-17"), "{t} in {json}");
                assert!(!t.contains("ssn") && !t.contains("birth"), "{t} in {json}");
            }
        }
    }

    /// Every key and string value of `v`.
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(t) => out.push(t.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                walk(x, out)
            }),
            _ => {}
        }
    }

    #[test]
    fn an_empty_first_name_is_refused_with_the_core_message() {
        let (s, _dir) = demo();
        let unit = ops::screening_units(&s).unwrap()[0].id;
        let before = ops::screening_list(&s).unwrap().len();
        let e =
            ops::screening_submit(&s, NewApplication { first_name: " ".into(), ..new_application(unit) }).unwrap_err();
        let core = unitcycle_core::format::check_text("First name", "", 100, true).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("invalid_input", core.as_str()));
        assert_eq!(ops::screening_list(&s).unwrap().len(), before, "nothing stored");
        assert_eq!(ops::screening_detail(&s, Uuid::new_v4().to_string()).unwrap_err().code, "not_found");
    }
}
