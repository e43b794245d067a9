//! `/api/v1/jurisdiction-rules/…` (spec 4.5): the rules shipped for a state (and city), and the
//! check of a lease's terms against them. Thin handlers over
//! `unitcycle_core::lease_generation::jurisdiction` (pure: no store).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use unitcycle_core::lease_generation::clauses::{library, required_for, LeaseClause};
use unitcycle_core::lease_generation::jurisdiction::{
    check_compliance, rules_for, JurisdictionRule, LeaseMoneyTerms, Violation, RULE_TYPES,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::query::Query;
use crate::server::{ApiError, ApiResult, AppState, Body};
use crate::wire::ErrorBody;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rules))
        .routes(routes!(check))
        .routes(routes!(clauses))
        .routes(routes!(required_clauses))
}

fn state_code(state: &str) -> ApiResult<String> {
    let s = state.trim().to_uppercase();
    if s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(s)
    } else {
        Err(ApiError::bad(format!("state '{}' is not a two-letter state code", state.trim())))
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// Two-letter state code.
    pub state: String,
    pub city: Option<String>,
    pub rule_type: Option<String>,
    /// The day the rules are in force (YYYY-MM-DD; default today).
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/jurisdiction-rules/", operation_id = "jurisdiction_rules",
    summary = "The rules in force for a state (and city): deposit limits, late fees, notice periods, disclosures, rent control",
    params(RulesQuery),
    responses((status = 200, description = "The rules, each with its statute and effective date", body = Vec<JurisdictionRule>),
        (status = 400, description = "No or a bad state, rule type or date", body = ErrorBody)))]
async fn rules(
    State(st): State<AppState>,
    _p: Principal,
    Query(q): Query<RulesQuery>,
) -> ApiResult<Json<Vec<JurisdictionRule>>> {
    let state = state_code(&q.state)?;
    let day = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => unitcycle_core::format::parse_date(d).map_err(|e| ApiError::bad(format!("date: {e}")))?,
        None => st.clock.now().date_naive(),
    };
    let kind = q.rule_type.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if let Some(k) = kind {
        if !RULE_TYPES.contains(&k) {
            return Err(ApiError::bad(format!("rule_type '{k}' is not one of: {}", RULE_TYPES.join(", "))));
        }
    }
    let mut out = rules_for(&state, q.city.as_deref(), day);
    out.retain(|r| kind.is_none_or(|k| r.rule_type == k));
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct CheckRequest {
    pub state: String,
    #[serde(default)]
    pub city: Option<String>,
    /// The day the lease starts (default today): the rules in force then apply.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(flatten)]
    pub terms: LeaseMoneyTerms,
}

#[derive(Serialize, ToSchema)]
pub struct CheckResult {
    pub state: String,
    /// No error-level violation (warnings may remain, e.g. a state without rules).
    pub compliant: bool,
    pub violations: Vec<Violation>,
}

#[utoipa::path(post, path = "/api/v1/jurisdiction-rules/check-compliance/", operation_id = "jurisdiction_check_compliance",
    summary = "Check a lease's rent, deposit, late fee, grace period and disclosures against the state's rules",
    request_body = CheckRequest,
    responses((status = 200, description = "The violations, each naming its statute", body = CheckResult),
        (status = 400, description = "Bad input", body = ErrorBody)))]
async fn check(State(st): State<AppState>, _p: Principal, body: Body) -> ApiResult<Json<CheckResult>> {
    let req: CheckRequest = body.json()?;
    let state = state_code(&req.state)?;
    let day = match req.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => unitcycle_core::format::parse_date(d).map_err(|e| ApiError::bad(format!("date: {e}")))?,
        None => st.clock.now().date_naive(),
    };
    let t = &req.terms;
    for (what, v) in
        [("monthly_rent", t.monthly_rent), ("security_deposit", t.security_deposit), ("late_fee", t.late_fee)]
    {
        if v.is_sign_negative() {
            return Err(ApiError::bad(format!("{what} cannot be negative")));
        }
    }
    if !(0..=60).contains(&t.grace_days) {
        return Err(ApiError::bad(format!("grace_days {} is not 0 to 60", t.grace_days)));
    }
    let violations = check_compliance(&state, req.city.as_deref(), t, day);
    Ok(Json(CheckResult { compliant: violations.iter().all(|v| v.severity != "error"), state, violations }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClauseQuery {
    pub category: Option<String>,
    /// `true` or `false`.
    pub is_standard: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/lease-clauses/", operation_id = "lease_clauses",
    summary = "The clause library: text with its variables, the states requiring or prohibiting it, its risk score",
    params(ClauseQuery),
    responses((status = 200, description = "The clauses", body = Vec<LeaseClause>),
        (status = 400, description = "A bad filter", body = ErrorBody)))]
async fn clauses(_p: Principal, Query(q): Query<ClauseQuery>) -> ApiResult<Json<Vec<LeaseClause>>> {
    let standard = match q.is_standard.as_deref().map(|s| s.trim().to_lowercase()) {
        None => None,
        Some(s) if s.is_empty() => None,
        Some(s) if s == "true" || s == "1" => Some(true),
        Some(s) if s == "false" || s == "0" => Some(false),
        Some(s) => return Err(ApiError::bad(format!("is_standard '{s}' is not true or false"))),
    };
    let category = q.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let mut out = library();
    out.retain(|c| category.is_none_or(|k| c.category == k) && standard.is_none_or(|s| c.is_standard == s));
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequiredQuery {
    pub state: String,
    pub city: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/lease-clauses/required/", operation_id = "lease_clauses_required",
    summary = "The clauses a state (and city) requires", params(RequiredQuery),
    responses((status = 200, description = "The required clauses", body = Vec<LeaseClause>),
        (status = 400, description = "No or a bad state", body = ErrorBody)))]
async fn required_clauses(_p: Principal, Query(q): Query<RequiredQuery>) -> ApiResult<Json<Vec<LeaseClause>>> {
    let state = state_code(&q.state)?;
    Ok(Json(required_for(&state, q.city.as_deref())))
}
