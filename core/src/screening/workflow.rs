//! One workflow per screening action (spec 4.2), over [`ScreeningPort`]: submit, score,
//! approve, deny (with the adverse action notice), attach a document, and purge the personal
//! data of denied applications past the retention period. The server's endpoints, a replica's
//! commands and the server's replay of a replica's queued actions all come through
//! [`apply_action`].

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::port::ScreeningPort;
use super::{notice, reasoning, score_application, NewApplication, Score, ScoreInput, ScreeningApplication};
use crate::format::check_text;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::store::{Result, StoreError};
use crate::time::today_at;

/// The queued action's entity (`sync_action.entity`).
pub const ENTITY: &str = "screening_application";

/// Days a denied application's personal data is kept (`UNITCYCLE_SCREENING_RETENTION_DAYS`).
pub const DEFAULT_RETENTION_DAYS: i64 = 730;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// A person's screening action, as it travels from a replica to the server. The application
/// it is about is the queued action's `entity_id` (the new one's id for `Submit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
// One action per request, never stored in bulk: the size of the application does not matter.
#[allow(clippy::large_enum_variant)]
pub enum ScreeningAction {
    Submit(NewApplication),
    Score,
    Approve {
        #[serde(default)]
        notes: String,
        /// Approve on conditions (an extra deposit or a guarantor); by default when the score
        /// recommends it.
        #[serde(default)]
        conditional: Option<bool>,
        actor: String,
    },
    Deny {
        reason: String,
        actor: String,
    },
}

/// What an action did: the application after it, and the score when it scored.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct ScreeningOutcome {
    #[schema(value_type = Object)]
    #[specta(type = ScreeningApplication)]
    pub application: serde_json::Value,
    pub score: Option<Score>,
    /// The adverse action notice a denial produced (`blob:<sha256>`), queued to the applicant.
    pub notice_url: Option<String>,
}

/// The rent the income is compared with: the unit's market rent, else its current rent.
pub fn unit_rent<P: ScreeningPort + ?Sized>(port: &P, unit_id: Uuid) -> Result<Decimal> {
    let u = port.unit(unit_id)?;
    Ok(if u.market_rent > Decimal::ZERO { u.market_rent } else { u.current_rent })
}

fn scored<P: ScreeningPort + ?Sized>(
    port: &P,
    mut app: ScreeningApplication,
    now: DateTime<Utc>,
) -> Result<(ScreeningApplication, Score)> {
    let today = today_at(port, app.property_id, now)?;
    let s = score_application(&ScoreInput::of(&app, unit_rent(port, app.unit_id)?), today);
    app.ai_score = Some(f64::from(s.score));
    app.ai_recommendation = s.recommendation.clone();
    app.ai_reasoning = reasoning(&s);
    app.ai_risk_factors = json!(s.risk_factors);
    app.income_score = Some(s.income_score);
    app.employment_score = Some(s.employment_score);
    app.rental_history_score = Some(s.rental_history_score);
    if matches!(app.status.as_str(), "submitted" | "screening" | "scored") {
        app.status = "scored".into();
    }
    app.updated_at = now;
    Ok((app, s))
}

fn decided(app: &ScreeningApplication) -> Result<()> {
    if matches!(app.status.as_str(), "approved" | "conditionally_approved" | "denied" | "withdrawn") {
        return Err(refused(format!(
            "The application of {} {} is {} already.",
            app.first_name,
            app.last_name,
            app.status.replace('_', " ")
        )));
    }
    Ok(())
}

/// Applies `action` to application `id`. A submitted application whose email is a showing
/// prospect's converts the prospect (spec 5.2).
pub fn apply_action<P: ScreeningPort + crate::showings::port::ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &ScreeningAction,
    now: DateTime<Utc>,
) -> Result<ScreeningOutcome> {
    let mut messages = Vec::new();
    let mut notice_url = None;
    let (app, score) = match action {
        ScreeningAction::Submit(new) => {
            let unit = port.unit(new.unit_id)?;
            in_scope(port, unit.property_id, "Unit", unit.id)?;
            if port.application(id).is_ok() {
                return Err(refused(format!("Application {id} already exists.")));
            }
            let today = today_at(port, unit.property_id, now)?;
            (new.checked(id, unit.property_id, today, now).map_err(refused)?, None)
        }
        ScreeningAction::Score => {
            let app = port.application(id)?;
            in_scope(port, app.property_id, "Application", id)?;
            decided(&app)?;
            let (app, s) = scored(port, app, now)?;
            (app, Some(s))
        }
        ScreeningAction::Approve { notes, conditional, actor } => {
            let app = port.application(id)?;
            in_scope(port, app.property_id, "Application", id)?;
            decided(&app)?;
            // A decision is made on a score on record.
            let (mut app, s) = scored(port, app, now)?;
            let conditional = conditional.unwrap_or(s.recommendation == "conditional_approve");
            app.status = if conditional { "conditionally_approved" } else { "approved" }.into();
            app.decision_notes = check_text("Decision notes", notes, 4000, conditional).map_err(|_| {
                refused("A conditional approval states its conditions (an extra deposit, a guarantor) in the notes.")
            })?;
            app.reviewed_by = actor.clone();
            app.reviewed_at = Some(now);
            (app, Some(s))
        }
        ScreeningAction::Deny { reason, actor } => {
            let app = port.application(id)?;
            in_scope(port, app.property_id, "Application", id)?;
            decided(&app)?;
            let reason = check_text("Reason", reason, 4000, true)
                .map_err(|_| refused("A denial states its reason (it is printed on the adverse action notice)."))?;
            let (mut app, s) = scored(port, app, now)?;
            app.status = "denied".into();
            app.decision_notes = reason;
            app.reviewed_by = actor.clone();
            app.reviewed_at = Some(now);
            let (unit, property) = (port.unit(app.unit_id)?, port.property(app.property_id)?);
            let today = today_at(port, app.property_id, now)?;
            let pdf = notice::notice_pdf(&app, &property.name, &property.address, &unit.unit_number, today, now)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The notice is stored with the application where the store keeps documents, and
            // emailed to the applicant (attached when stored).
            let hash = port.put_document(&pdf, "application/pdf", now)?;
            if let Some(hash) = &hash {
                let url = format!("blob:{hash}");
                add_document(&mut app, "adverse_action_notice", &url, "adverse-action-notice.pdf", now);
                notice_url = Some(url);
            }
            messages.push(NewMessage {
                idempotency_key: format!("{ENTITY}:{}:adverse_action", app.id),
                channel: DeliveryChannel::Email,
                recipient_name: format!("{} {}", app.first_name, app.last_name),
                recipient: app.email.clone(),
                subject: format!("Your rental application for {} — decision", property.name),
                body: notice::notice_text(&app, &property.name, &unit.unit_number, today),
                attachment_name: hash.as_ref().map(|_| "adverse-action-notice.pdf".to_string()),
                attachment_sha256: hash,
                related_type: ENTITY.into(),
                related_id: Some(app.id),
                scheduled_for: now,
            });
            (app, Some(s))
        }
    };
    port.write_applications(std::slice::from_ref(&app), &messages, now)?;
    if matches!(action, ScreeningAction::Submit(_)) {
        crate::showings::workflow::on_application_submitted(port, app.id, app.property_id, &app.email, now)?;
    }
    Ok(ScreeningOutcome { application: super::redacted(&app), score, notice_url })
}

fn add_document(app: &mut ScreeningApplication, kind: &str, url: &str, name: &str, now: DateTime<Utc>) {
    if let Some(list) = app.documents.as_array_mut() {
        list.push(json!({"type": kind, "url": url, "name": name, "uploaded_at": now}));
    } else {
        app.documents = json!([{"type": kind, "url": url, "name": name, "uploaded_at": now}]);
    }
}

/// The document types an applicant uploads.
pub const DOCUMENT_TYPES: &[&str] =
    &["pay_stub", "tax_return", "bank_statement", "employer_letter", "photo_id", "reference_letter", "other"];

/// Attaches an uploaded document (already stored as `url`) to application `id`.
pub fn attach_document<P: ScreeningPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    kind: &str,
    url: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<ScreeningApplication> {
    let mut app = port.application(id)?;
    in_scope(port, app.property_id, "Application", id)?;
    let kind = kind.trim();
    if !DOCUMENT_TYPES.contains(&kind) {
        return Err(refused(format!("Document type '{kind}' is not one of: {}.", DOCUMENT_TYPES.join(", "))));
    }
    if app.documents.as_array().is_some_and(|d| d.len() >= 20) {
        return Err(refused("An application holds at most 20 documents."));
    }
    let name = check_text("File name", name, 200, false).map_err(refused)?;
    add_document(&mut app, kind, url, &name, now);
    app.updated_at = now;
    port.write_applications(std::slice::from_ref(&app), &[], now)?;
    Ok(app)
}

/// The personal data of a denied application, removed: names, contact, date of birth, SSN,
/// employer, addresses and documents. The score, its factors, the decision and the dates stay
/// (the record of what was decided and why).
pub fn purged(a: &ScreeningApplication, now: DateTime<Utc>) -> ScreeningApplication {
    ScreeningApplication {
        first_name: "(purged)".into(),
        last_name: String::new(),
        email: String::new(),
        phone: String::new(),
        date_of_birth: None,
        ssn_last_four: String::new(),
        employer_name: String::new(),
        employer_phone: String::new(),
        previous_address: String::new(),
        previous_landlord_name: String::new(),
        previous_landlord_phone: String::new(),
        reason_for_leaving: String::new(),
        pet_details: String::new(),
        documents: json!([]),
        updated_at: now,
        ..a.clone()
    }
}

/// Removes the personal data of applications denied more than `retention_days` before
/// `today`; returns how many were purged (none twice).
pub fn purge_denied<P: ScreeningPort + ?Sized>(
    port: &mut P,
    retention_days: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize> {
    if retention_days < 1 {
        return Err(refused(format!("A retention of {retention_days} days would purge today's decisions.")));
    }
    let cutoff = today - Duration::days(retention_days);
    let due: Vec<ScreeningApplication> = port
        .applications()?
        .into_iter()
        .filter(|a| a.status == "denied" && a.first_name != "(purged)")
        .filter(|a| a.reviewed_at.unwrap_or(a.updated_at).date_naive() < cutoff)
        .map(|a| purged(&a, now))
        .collect();
    port.write_applications(&due, &[], now)?;
    Ok(due.len())
}

/// The retention period from `UNITCYCLE_SCREENING_RETENTION_DAYS` (default
/// [`DEFAULT_RETENTION_DAYS`]), or why the setting is not a number of days.
pub fn retention_from_env() -> std::result::Result<i64, String> {
    match std::env::var("UNITCYCLE_SCREENING_RETENTION_DAYS") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| *d >= 1)
            .ok_or_else(|| format!("UNITCYCLE_SCREENING_RETENTION_DAYS='{v}' is not a number of days (1 or more)")),
        _ => Ok(DEFAULT_RETENTION_DAYS),
    }
}

/// The nightly purge: denied applications' personal data after the retention period.
pub fn purge_job<P: ScreeningPort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let days = retention_from_env().map_err(refused)?;
    let n = purge_denied(port, days, today, now)?;
    Ok(crate::jobs::JobReport {
        job: crate::jobs::Job::ScreeningPurge.name(),
        run_date: today,
        summary: format!(
            "{n} denied application{} purged of personal data (kept {days} days)",
            if n == 1 { "" } else { "s" }
        ),
        counts: json!({"purged": n, "retention_days": days}),
        skipped: false,
    })
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &ScreeningAction,
    now: DateTime<Utc>,
) -> Result<ScreeningOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}
