//! One workflow per showing action (spec 5.2), over [`ShowingsPort`]: a prospect made (from
//! the API or from a 5.1 lead), identity verified, a showing booked, confirmed, cancelled or
//! completed, an access code issued, feedback analysed; and the three jobs (reminders every 15
//! minutes, no-shows every 30, nurture messages at 10:00). The conversion hook
//! [`on_application_submitted`] is called when a screening application is submitted.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::access::{self, AccessCode};
use super::feedback::{self, FeedbackInput, FeedbackNlp, ThemesReport};
use super::funnel::{self, Funnel};
use super::model::{
    LeadRef, Prospect, Showing, ShowingFeedback, ShowingSlotConfig, CONVERSION_OUTCOMES, PRICE_PERCEPTIONS,
    SHOWING_TYPES,
};
use super::nurture::{self, NurtureInput, NurtureMessageTask};
use super::port::{ShowingsPort, ShowingsWrite};
use super::reminders;
use super::risk::{self, Risk, RiskInput};
use super::slots::{self, Booking, DaySlots, Refusal};
use crate::format::check_text;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::store::{Result, StoreError};

/// The `related_type` of the messages showings queue.
pub const ENTITY: &str = "showing";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

fn zone_of<P: ShowingsPort + ?Sized>(port: &P, property_id: Uuid) -> Result<chrono_tz::Tz> {
    crate::time::zone(&port.property(property_id)?.time_zone).map_err(StoreError::Corrupt)
}

// ── prospects ──────────────────────────────────────────────────────────────

/// `POST /api/v1/prospects/`: a prospect with their pre-screening answers. The property is the
/// listing's when a listing is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewProspect {
    #[serde(default)]
    pub listing_id: Option<Uuid>,
    #[serde(default)]
    pub property_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// `{"income_range", "move_in_date", "pets", "occupants", "employment"}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub pre_screening: Value,
    #[serde(default)]
    pub lead_score: Option<i32>,
}

fn check_phone(phone: &str) -> Result<String> {
    let p = phone.trim().to_string();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    if p.is_empty() || (7..=15).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
        Ok(p)
    } else {
        Err(refused(format!("'{p}' is not a phone number.")))
    }
}

fn check_pre_screening(v: &Value) -> Result<Value> {
    match v {
        Value::Null => Ok(json!({})),
        Value::Object(m) if m.len() <= 30 && v.to_string().len() <= 4000 => Ok(v.clone()),
        Value::Object(_) => Err(refused("pre_screening is at most 30 answers.")),
        _ => Err(refused("pre_screening is an object of answers (income_range, move_in_date, pets, …).")),
    }
}

pub fn create_prospect<P: ShowingsPort + ?Sized>(
    port: &mut P,
    new: NewProspect,
    now: DateTime<Utc>,
) -> Result<Prospect> {
    let name = check_text("Name", &new.name, 200, true).map_err(refused)?;
    let email = crate::format::check_email(&new.email).map_err(refused)?;
    let phone = check_phone(&new.phone)?;
    let pre_screening = check_pre_screening(&new.pre_screening)?;
    let property_id = match (new.listing_id, new.property_id) {
        (Some(l), _) => {
            let listing = port.listing_ref(l)?;
            if new.property_id.is_some_and(|p| p != listing.property_id) {
                return Err(refused("The listing belongs to another property."));
            }
            listing.property_id
        }
        (None, Some(p)) => p,
        (None, None) => {
            return Err(refused("A prospect names the listing_id (or property_id) they are interested in."))
        }
    };
    in_scope(port, property_id, "Property", property_id)?;
    let lead_score = new.lead_score.unwrap_or(0);
    if !(0..=100).contains(&lead_score) {
        return Err(refused("lead_score is 0 to 100."));
    }
    let p = Prospect {
        // The same request at the same instant makes the same prospect (a retry, or the server
        // replaying a replica's step).
        id: Uuid::new_v5(&property_id, format!("prospect:{email}:{}", now.timestamp_micros()).as_bytes()),
        listing_id: new.listing_id,
        property_id,
        listing_lead_id: None,
        name,
        email,
        phone,
        pre_screening,
        identity_verified: false,
        id_document_url: String::new(),
        selfie_url: String::new(),
        verification_method: String::new(),
        lead_score,
        lead_grade: String::new(),
        nurture_stage: "new".into(),
        converted_to_application: None,
        created_at: now,
        updated_at: now,
    };
    port.write_showings(&ShowingsWrite { prospects: vec![p.clone()], ..Default::default() }, now)?;
    Ok(p)
}

/// The prospect of a 5.1 lead: the one in scope with the lead's email (linked to the lead),
/// else a new one from the lead's name, contact, score and grade.
pub fn prospect_from_lead<P: ShowingsPort + ?Sized>(
    port: &mut P,
    lead: &LeadRef,
    now: DateTime<Utc>,
) -> Result<Prospect> {
    let email = lead.email.trim().to_lowercase();
    if email.is_empty() {
        return Err(refused(format!("The lead from {} has no email address to reach them at.", lead.prospect_name)));
    }
    if let Some(mut p) = port.prospects()?.into_iter().find(|p| p.email == email) {
        if p.listing_lead_id.is_none() {
            p.listing_lead_id = Some(lead.id);
            p.lead_score = lead.lead_score;
            p.lead_grade = lead.lead_grade.clone();
            p.listing_id = p.listing_id.or(Some(lead.listing_id));
            p.updated_at = now;
            port.write_showings(&ShowingsWrite { prospects: vec![p.clone()], ..Default::default() }, now)?;
        }
        return Ok(p);
    }
    let p = Prospect {
        id: Uuid::new_v5(&lead.id, b"prospect"),
        listing_id: Some(lead.listing_id),
        property_id: lead.property_id,
        listing_lead_id: Some(lead.id),
        name: if lead.prospect_name.trim().is_empty() { email.clone() } else { lead.prospect_name.trim().to_string() },
        email,
        phone: check_phone(&lead.phone).unwrap_or_default(),
        pre_screening: json!({}),
        identity_verified: false,
        id_document_url: String::new(),
        selfie_url: String::new(),
        verification_method: String::new(),
        lead_score: lead.lead_score.clamp(0, 100),
        lead_grade: lead.lead_grade.clone(),
        nurture_stage: "engaged".into(),
        converted_to_application: None,
        created_at: lead.created_at.min(now),
        updated_at: now,
    };
    port.write_showings(&ShowingsWrite { prospects: vec![p.clone()], ..Default::default() }, now)?;
    Ok(p)
}

/// The largest identity document accepted.
pub const MAX_IDENTITY_BYTES: usize = 15 * 1024 * 1024;

/// Keeps the uploaded government ID and/or selfie (as blobs, like onboarding's documents). The
/// prospect is verified once both are on file: the method recorded is `documents_on_file`
/// (the ID and selfie are kept for a person or a provider to match; no automated face match is
/// claimed).
pub fn verify_identity<P: ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    id_document: Option<(&[u8], &str)>,
    selfie: Option<(&[u8], &str)>,
    now: DateTime<Utc>,
) -> Result<Prospect> {
    let mut p = port.prospect(id)?;
    in_scope(port, p.property_id, "Prospect", id)?;
    if id_document.is_none() && selfie.is_none() {
        return Err(refused("Upload the government ID ('id_document') and the selfie ('selfie')."));
    }
    for (what, doc, url) in
        [("government ID", id_document, &mut p.id_document_url), ("selfie", selfie, &mut p.selfie_url)]
    {
        let Some((bytes, content_type)) = doc else { continue };
        if bytes.is_empty() {
            return Err(refused(format!("The {what} is empty.")));
        }
        if bytes.len() > MAX_IDENTITY_BYTES {
            return Err(refused(format!("The {what} is over {} MB.", MAX_IDENTITY_BYTES / (1024 * 1024))));
        }
        if !(content_type.starts_with("image/") || content_type == "application/pdf") {
            return Err(refused(format!("The {what} is an image (JPEG, PNG) or a PDF.")));
        }
        let hash = port.put_document(bytes, content_type, now)?.unwrap_or_else(|| crate::blobs::sha256_hex(bytes));
        *url = format!("blob:{hash}");
    }
    p.identity_verified = !p.id_document_url.is_empty() && !p.selfie_url.is_empty();
    p.verification_method = if p.identity_verified { "documents_on_file".into() } else { String::new() };
    p.updated_at = now;
    port.write_showings(&ShowingsWrite { prospects: vec![p.clone()], ..Default::default() }, now)?;
    Ok(p)
}

/// Records identity documents kept elsewhere (an `https://` address or a stored `blob:`), for a
/// client that uploaded them to its own storage; the same rule verifies the prospect.
pub fn record_identity_documents<P: ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    id_document_url: Option<&str>,
    selfie_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Prospect> {
    let mut p = port.prospect(id)?;
    in_scope(port, p.property_id, "Prospect", id)?;
    if id_document_url.is_none() && selfie_url.is_none() {
        return Err(refused("Give the government ID (id_document_url) and the selfie (selfie_url)."));
    }
    for (what, url, field) in
        [("id_document_url", id_document_url, &mut p.id_document_url), ("selfie_url", selfie_url, &mut p.selfie_url)]
    {
        let Some(url) = url.map(str::trim) else { continue };
        let ok = (url.starts_with("https://") || url.starts_with("blob:"))
            && url.len() <= 500
            && !url.contains(char::is_whitespace);
        if !ok {
            return Err(refused(format!(
                "{what} is an https:// address or a blob: reference (at most 500 characters)."
            )));
        }
        *field = url.to_string();
    }
    p.identity_verified = !p.id_document_url.is_empty() && !p.selfie_url.is_empty();
    p.verification_method = if p.identity_verified { "documents_on_file".into() } else { String::new() };
    p.updated_at = now;
    port.write_showings(&ShowingsWrite { prospects: vec![p.clone()], ..Default::default() }, now)?;
    Ok(p)
}

// ── showings ───────────────────────────────────────────────────────────────

/// A showing with its risk level and who and what it is for (lists, calendar, every answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ShowingView {
    #[serde(flatten)]
    pub showing: Showing,
    /// `low`, `medium`, `high` (from `no_show_risk_score`).
    pub no_show_risk_level: String,
    pub prospect_name: String,
    pub listing_title: String,
}

pub fn view<P: ShowingsPort + ?Sized>(port: &P, s: Showing) -> Result<ShowingView> {
    let prospect_name = port.prospect(s.prospect_id).map(|p| p.name).unwrap_or_default();
    let listing_title = port.listing_ref(s.listing_id).map(|l| l.title).unwrap_or_default();
    Ok(ShowingView {
        no_show_risk_level: risk::level(s.no_show_risk_score).into(),
        prospect_name,
        listing_title,
        showing: s,
    })
}

/// The no-show risk of `s` from the record.
pub fn risk_of<P: ShowingsPort + ?Sized>(port: &P, s: &Showing, p: &Prospect) -> Result<Risk> {
    let earlier: Vec<Showing> = port
        .showings()?
        .into_iter()
        .filter(|o| o.prospect_id == p.id && o.id != s.id && o.scheduled_at < s.scheduled_at)
        .collect();
    let lead = match p.listing_lead_id {
        Some(l) => port.lead_refs()?.into_iter().find(|x| x.id == l),
        None => None,
    };
    let opened = port
        .nurture_messages()?
        .iter()
        .any(|m| m.prospect_id == p.id && (m.opened_at.is_some() || m.clicked_at.is_some()));
    Ok(risk::no_show_risk(&RiskInput {
        past_completed: earlier.iter().filter(|o| o.status == "completed").count() as u32,
        past_no_shows: earlier.iter().filter(|o| o.status == "no_show").count() as u32,
        confirmed: s.status == "confirmed" || s.confirmed_at.is_some(),
        identity_verified: p.identity_verified,
        opened_nurture: opened,
        distance_miles: p.pre_screening.get("distance_miles").and_then(Value::as_f64),
        inquiry_at: Some(lead.as_ref().map_or(p.created_at, |l| l.created_at)),
        booked_at: Some(s.created_at),
        lead_grade: if p.lead_grade.is_empty() {
            lead.map(|l| l.lead_grade).unwrap_or_default()
        } else {
            p.lead_grade.clone()
        },
        lead_score: p.lead_score,
    }))
}

fn with_risk<P: ShowingsPort + ?Sized>(port: &P, mut s: Showing, p: &Prospect) -> Result<Showing> {
    let r = risk_of(port, &s, p)?;
    s.no_show_risk_score = r.score;
    s.no_show_risk_factors = serde_json::to_value(&r.factors).map_err(refused)?;
    Ok(s)
}

/// `POST /api/v1/showings/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewShowing {
    pub listing_id: Uuid,
    pub prospect_id: Uuid,
    pub showing_type: String,
    pub scheduled_at: DateTime<Utc>,
}

/// A booking refused, or the rows' failure.
#[derive(Debug)]
pub enum BookError {
    Refused(Refusal),
    Store(StoreError),
}

impl From<StoreError> for BookError {
    fn from(e: StoreError) -> Self {
        BookError::Store(e)
    }
}

impl From<BookError> for StoreError {
    fn from(e: BookError) -> Self {
        match e {
            BookError::Refused(r) => refused(r.message()),
            BookError::Store(e) => e,
        }
    }
}

fn check_type(t: &str) -> Result<String> {
    let t = t.trim().to_lowercase().replace('-', "_");
    if SHOWING_TYPES.contains(&t.as_str()) {
        Ok(t)
    } else {
        Err(refused(format!("showing_type is one of {}.", SHOWING_TYPES.join(", "))))
    }
}

/// Books a showing for a prospect in one of the property's slots; the prospect moves to the
/// `touring` stage (unless they applied) and the showing's no-show risk is scored.
pub fn schedule<P: ShowingsPort + ?Sized>(
    port: &mut P,
    new: &NewShowing,
    now: DateTime<Utc>,
) -> std::result::Result<ShowingView, BookError> {
    let showing_type = check_type(&new.showing_type)?;
    let listing = port.listing_ref(new.listing_id)?;
    in_scope(port, listing.property_id, "Listing", listing.id)?;
    let mut prospect = port.prospect(new.prospect_id)?;
    in_scope(port, prospect.property_id, "Prospect", prospect.id)?;
    if listing.status == "delisted" {
        return Err(BookError::Refused(Refusal::Invalid(format!("The listing is {}.", listing.status))));
    }
    let configs = port.slot_configs()?;
    let showings: Vec<Showing> =
        port.showings()?.into_iter().filter(|s| s.property_id == listing.property_id).collect();
    let zone = zone_of(port, listing.property_id)?;
    let minutes = slots::check_booking(&Booking {
        property_id: listing.property_id,
        listing_id: listing.id,
        showing_type: &showing_type,
        scheduled_at: new.scheduled_at,
        zone,
        configs: &configs,
        showings: &showings,
        now,
    })
    .map_err(BookError::Refused)?;
    if showings.iter().any(|s| s.prospect_id == prospect.id && s.listing_id == listing.id && s.is_active()) {
        return Err(BookError::Refused(Refusal::Conflict(format!(
            "{} already has a showing of this listing booked; reschedule or cancel it first.",
            prospect.name
        ))));
    }
    let s = Showing {
        id: Uuid::new_v5(
            &prospect.id,
            format!("showing:{}:{}:{}", listing.id, new.scheduled_at.timestamp(), now.timestamp_micros()).as_bytes(),
        ),
        listing_id: listing.id,
        prospect_id: prospect.id,
        property_id: listing.property_id,
        unit_id: listing.unit_id,
        showing_type,
        scheduled_at: new.scheduled_at,
        duration_minutes: minutes,
        access_code: String::new(),
        access_code_expires_at: None,
        status: "scheduled".into(),
        no_show_risk_score: 0.0,
        no_show_risk_factors: json!([]),
        reminder_24h_sent: false,
        reminder_2h_sent: false,
        reminder_30m_sent: false,
        conversion_outcome: String::new(),
        confirmed_at: None,
        completed_at: None,
        cancelled_at: None,
        feedback_survey_sent_at: None,
        created_at: now,
        updated_at: now,
    };
    let s = with_risk(port, s, &prospect)?;
    let mut w = ShowingsWrite { showings: vec![s.clone()], ..Default::default() };
    if prospect.nurture_stage != "applied" {
        prospect.nurture_stage = "touring".into();
        prospect.listing_id = prospect.listing_id.or(Some(listing.id));
        prospect.updated_at = now;
        w.prospects.push(prospect.clone());
    }
    if let Some(lead) = prospect.listing_lead_id {
        let open =
            port.lead_refs()?.into_iter().any(|l| l.id == lead && matches!(l.status.as_str(), "new" | "contacted"));
        if open {
            w.lead_statuses.push((lead, "touring".into()));
        }
    }
    w.outbox.extend(booking_notice(port, &s, &prospect)?);
    port.write_showings(&w, now)?;
    Ok(view(port, s)?)
}

/// `POST /api/v1/listings/leads/{id}/schedule-tour/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeadTour {
    pub showing_type: String,
    pub scheduled_at: DateTime<Utc>,
}

/// A tour from a 5.1 lead: its prospect found by email (or made), the showing booked, the lead
/// moved to `touring`.
pub fn schedule_from_lead<P: ShowingsPort + ?Sized>(
    port: &mut P,
    lead_id: Uuid,
    tour: &LeadTour,
    now: DateTime<Utc>,
) -> std::result::Result<ShowingView, BookError> {
    let lead = port
        .lead_refs()?
        .into_iter()
        .find(|l| l.id == lead_id)
        .ok_or_else(|| StoreError::NotFound { what: "Listing lead", id: lead_id.to_string() })?;
    check_type(&tour.showing_type)?;
    let prospect = prospect_from_lead(port, &lead, now)?;
    schedule(
        port,
        &NewShowing {
            listing_id: lead.listing_id,
            prospect_id: prospect.id,
            showing_type: tour.showing_type.clone(),
            scheduled_at: tour.scheduled_at,
        },
        now,
    )
}

pub(super) fn local_when<P: ShowingsPort + ?Sized>(port: &P, s: &Showing) -> Result<String> {
    let zone = zone_of(port, s.property_id)?;
    Ok(s.scheduled_at.with_timezone(&zone).format("%A %B %-d at %-I:%M %p").to_string())
}

pub(super) fn message(
    p: &Prospect,
    s: &Showing,
    key: &str,
    subject: String,
    body: String,
    now: DateTime<Utc>,
) -> NewMessage {
    NewMessage {
        idempotency_key: format!("{ENTITY}:{}:{key}", s.id),
        channel: DeliveryChannel::Email,
        recipient_name: p.name.clone(),
        recipient: p.email.clone(),
        subject,
        body,
        attachment_sha256: None,
        attachment_name: None,
        related_type: ENTITY.into(),
        related_id: Some(s.id),
        scheduled_for: now,
    }
}

fn booking_notice<P: ShowingsPort + ?Sized>(port: &P, s: &Showing, p: &Prospect) -> Result<Vec<NewMessage>> {
    let when = local_when(port, s)?;
    let listing = port.listing_ref(s.listing_id)?;
    Ok(vec![message(
        p,
        s,
        "booked",
        format!("Your tour of {} is booked", listing.title),
        format!(
            "Hi {}, your {} tour of {} is booked for {when} ({} minutes). Reply to confirm or to change the time.",
            p.name,
            s.showing_type.replace('_', "-"),
            listing.title,
            s.duration_minutes
        ),
        s.created_at,
    )])
}

fn showing_in_scope<P: ShowingsPort + ?Sized>(port: &P, id: Uuid) -> Result<(Showing, Prospect)> {
    let s = port.showing(id)?;
    in_scope(port, s.property_id, "Showing", id)?;
    let p = port.prospect(s.prospect_id)?;
    Ok((s, p))
}

/// The prospect confirms: a scheduled showing becomes `confirmed` (its risk re-scored).
pub fn confirm<P: ShowingsPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<ShowingView> {
    let (mut s, p) = showing_in_scope(port, id)?;
    match s.status.as_str() {
        "confirmed" => return view(port, s),
        "scheduled" => {}
        other => return Err(refused(format!("A {} showing cannot be confirmed.", other.replace('_', " ")))),
    }
    if s.ends_at() <= now {
        return Err(refused("The showing's time has passed."));
    }
    s.status = "confirmed".into();
    s.confirmed_at = Some(now);
    s.updated_at = now;
    let s = with_risk(port, s, &p)?;
    port.write_showings(&ShowingsWrite { showings: vec![s.clone()], ..Default::default() }, now)?;
    view(port, s)
}

/// Cancels a scheduled or confirmed showing (the access code with it); the prospect goes back to
/// `engaged` when they have no other showing booked.
pub fn cancel<P: ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ShowingView> {
    let (mut s, mut p) = showing_in_scope(port, id)?;
    if s.status == "cancelled" {
        return view(port, s);
    }
    if !matches!(s.status.as_str(), "scheduled" | "confirmed") {
        return Err(refused(format!("A {} showing cannot be cancelled.", s.status.replace('_', " "))));
    }
    let reason = check_text("Reason", reason, 500, false).map_err(refused)?;
    s.status = "cancelled".into();
    s.cancelled_at = Some(now);
    s.access_code.clear();
    s.access_code_expires_at = None;
    s.updated_at = now;
    let mut w = ShowingsWrite { showings: vec![s.clone()], ..Default::default() };
    let others = port
        .showings()?
        .into_iter()
        .any(|o| o.prospect_id == p.id && o.id != s.id && (o.is_active() || o.status == "completed"));
    if p.nurture_stage == "touring" && !others {
        p.nurture_stage = "engaged".into();
        p.updated_at = now;
        w.prospects.push(p.clone());
    }
    let when = local_when(port, &s)?;
    let extra = if reason.is_empty() { String::new() } else { format!(" ({reason})") };
    w.outbox.push(message(
        &p,
        &s,
        "cancelled",
        "Your tour is cancelled".into(),
        format!("Hi {}, your tour on {when} is cancelled{extra}. Reply to book another time.", p.name),
        now,
    ));
    port.write_showings(&w, now)?;
    view(port, s)
}

/// Marks a showing completed (it may have been `in_progress`), with its outcome when known.
pub fn complete<P: ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ShowingView> {
    let (mut s, _) = showing_in_scope(port, id)?;
    if !matches!(s.status.as_str(), "scheduled" | "confirmed" | "in_progress" | "completed") {
        return Err(refused(format!("A {} showing cannot be completed.", s.status.replace('_', " "))));
    }
    if s.scheduled_at > now {
        return Err(refused("The showing has not started yet."));
    }
    if let Some(o) = outcome.map(str::trim).filter(|o| !o.is_empty()) {
        if !CONVERSION_OUTCOMES.contains(&o) {
            return Err(refused(format!("conversion_outcome is one of {}.", CONVERSION_OUTCOMES.join(", "))));
        }
        s.conversion_outcome = o.into();
    }
    if s.status != "completed" {
        s.status = "completed".into();
        s.completed_at = Some(now);
    }
    s.updated_at = now;
    port.write_showings(&ShowingsWrite { showings: vec![s.clone()], ..Default::default() }, now)?;
    view(port, s)
}

/// The self-guided access code: refused unless the prospect verified their identity; the same
/// code is returned while it is valid.
pub fn access_code<P: ShowingsPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<AccessCode> {
    let (mut s, p) = showing_in_scope(port, id)?;
    let minutes = access::duration_from_env();
    if let Some(why) = access::refusal(&s, &p, now, minutes) {
        return Err(refused(why));
    }
    let zone = zone_of(port, s.property_id)?;
    if s.access_code.is_empty() || s.access_code_expires_at.is_none_or(|e| e <= now) {
        s.access_code = access::new_code();
        s.access_code_expires_at = Some(s.scheduled_at + Duration::minutes(minutes));
        s.updated_at = now;
        port.write_showings(&ShowingsWrite { showings: vec![s.clone()], ..Default::default() }, now)?;
    }
    Ok(access::answer(&s, &p, zone, minutes))
}

// ── feedback ───────────────────────────────────────────────────────────────

/// `POST /api/v1/showings/{id}/feedback/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewFeedback {
    /// 1-5.
    #[serde(alias = "rating")]
    pub overall_rating: i32,
    #[serde(default)]
    pub liked: Vec<String>,
    #[serde(default)]
    pub disliked: Vec<String>,
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub would_apply: Option<bool>,
    #[serde(default)]
    pub price_perception: String,
}

fn check_items(what: &str, items: &[String]) -> Result<Vec<String>> {
    if items.len() > 30 {
        return Err(refused(format!("{what} holds at most 30 items.")));
    }
    items.iter().map(|i| check_text(what, i, 100, true).map_err(refused)).collect()
}

/// Feedback on a completed showing (one per showing), its themes and sentiment analysed.
pub fn submit_feedback<P: ShowingsPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    id: Uuid,
    new: NewFeedback,
    now: DateTime<Utc>,
) -> Result<ShowingFeedback> {
    if !(1..=5).contains(&new.overall_rating) {
        return Err(refused("overall_rating is 1 to 5."));
    }
    let liked = check_items("liked", &new.liked)?;
    let disliked = check_items("disliked", &new.disliked)?;
    let comments = check_text("Comments", &new.comments, 4000, false).map_err(refused)?;
    let price = new.price_perception.trim().to_lowercase();
    if !price.is_empty() && !PRICE_PERCEPTIONS.contains(&price.as_str()) {
        return Err(refused(format!("price_perception is one of {}.", PRICE_PERCEPTIONS.join(", "))));
    }
    let (mut s, mut p) = showing_in_scope(port, id)?;
    if !matches!(s.status.as_str(), "completed" | "in_progress") {
        return Err(refused(format!("Feedback follows a tour; this showing is {}.", s.status.replace('_', " "))));
    }
    if port.showing_feedback()?.iter().any(|f| f.showing_id == id) {
        return Err(StoreError::Conflict { what: "showing feedback", now: "feedback was already submitted".into() });
    }
    let unit_number = match s.unit_id {
        Some(u) => port.unit(u).map(|u| u.unit_number).unwrap_or_default(),
        None => String::new(),
    };
    let input = FeedbackInput {
        name: p.name.clone(),
        unit_number,
        property_name: port.property(s.property_id)?.name,
        rating: new.overall_rating,
        liked: liked.clone(),
        disliked: disliked.clone(),
        comments: comments.clone(),
        would_apply: new.would_apply,
        price_perception: price.clone(),
    };
    let out = gateway
        .run::<FeedbackNlp>(&input, port, now)
        .map_err(|e| refused(format!("The feedback could not be analysed: {e}")))?;
    let a = out.value;
    // Theme counts: the model's themes counted once each; offline, the counted themes.
    let key_themes = if out.provider.as_str() == "offline" {
        feedback::themes_of(&liked, &disliked, &comments)
    } else {
        a.themes
            .iter()
            .map(|t| super::model::Theme {
                theme: t.theme.clone(),
                sentiment: t.sentiment.clone(),
                count: 1,
                detail: t.detail.clone(),
            })
            .collect()
    };
    let f = ShowingFeedback {
        id: Uuid::new_v5(&s.id, b"feedback"),
        showing_id: s.id,
        listing_id: s.listing_id,
        property_id: s.property_id,
        overall_rating: new.overall_rating,
        liked,
        disliked,
        comments,
        sentiment_score: a.sentiment_score.clamp(-1.0, 1.0),
        key_themes,
        would_apply: new.would_apply,
        price_perception: price,
        analysis: json!({
            "improvements": a.improvements,
            "apply_likelihood": a.apply_likelihood,
            "follow_up_approach": a.follow_up_approach,
            "needs_review": a.needs_review,
            "provider": out.provider.as_str(),
        }),
        created_at: now,
    };
    let mut w = ShowingsWrite { feedback: vec![f.clone()], ..Default::default() };
    if s.status == "in_progress" {
        s.status = "completed".into();
        s.completed_at = Some(now);
    }
    if s.conversion_outcome.is_empty() {
        s.conversion_outcome = match new.would_apply {
            Some(false) => "not_interested".into(),
            _ => "still_considering".into(),
        };
    }
    s.updated_at = now;
    w.showings.push(s);
    if p.nurture_stage == "new" || p.nurture_stage == "engaged" {
        p.nurture_stage = "touring".into();
        p.updated_at = now;
        w.prospects.push(p);
    }
    port.write_showings(&w, now)?;
    Ok(f)
}

/// The themes of a listing's feedback (all in scope without one).
pub fn themes<P: ShowingsPort + ?Sized>(port: &P, listing: Option<Uuid>) -> Result<ThemesReport> {
    if let Some(l) = listing {
        let r = port.listing_ref(l)?;
        in_scope(port, r.property_id, "Listing", l)?;
    }
    let zones = port.property_zones()?;
    let fb: Vec<ShowingFeedback> = port
        .showing_feedback()?
        .into_iter()
        .filter(|f| zones.contains_key(&f.property_id) && listing.is_none_or(|l| f.listing_id == l))
        .collect();
    Ok(feedback::aggregate(listing, &fb))
}

/// The funnel of the last 30 days (one property's, one listing's, or all in scope).
pub fn funnel_of<P: ShowingsPort + ?Sized>(
    port: &P,
    property: Option<Uuid>,
    listing: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Funnel> {
    let zones = port.property_zones()?;
    let keep = |prop: Uuid, list: Uuid| {
        zones.contains_key(&prop) && property.is_none_or(|p| p == prop) && listing.is_none_or(|l| l == list)
    };
    let leads: Vec<LeadRef> = port.lead_refs()?.into_iter().filter(|l| keep(l.property_id, l.listing_id)).collect();
    let showings: Vec<Showing> = port.showings()?.into_iter().filter(|s| keep(s.property_id, s.listing_id)).collect();
    let fb = port.showing_feedback()?;
    Ok(funnel::funnel(&leads, &showings, &fb, now))
}

// ── lists, calendar, slots ─────────────────────────────────────────────────

/// `GET /api/v1/showings/` filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShowingFilter {
    pub listing: Option<Uuid>,
    pub property: Option<Uuid>,
    pub status: Option<String>,
    pub showing_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub fn list<P: ShowingsPort + ?Sized>(port: &P, f: &ShowingFilter) -> Result<Vec<ShowingView>> {
    let zones = port.property_zones()?;
    port.showings()?
        .into_iter()
        .filter(|s| zones.contains_key(&s.property_id))
        .filter(|s| f.listing.is_none_or(|l| s.listing_id == l))
        .filter(|s| f.property.is_none_or(|p| s.property_id == p))
        .filter(|s| f.status.as_ref().is_none_or(|x| &s.status == x))
        .filter(|s| f.showing_type.as_ref().is_none_or(|x| &s.showing_type == x))
        .filter(|s| f.from.is_none_or(|t| s.scheduled_at >= t))
        .filter(|s| f.to.is_none_or(|t| s.scheduled_at < t))
        .map(|s| view(port, s))
        .collect()
}

/// One day of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub showings: Vec<ShowingView>,
}

/// `GET /api/v1/showings/calendar/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Calendar {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub days: Vec<CalendarDay>,
}

/// The showings of `start`..=`end` (at most 62 days) by day (each showing on its property's
/// local date), cancelled ones included.
pub fn calendar<P: ShowingsPort + ?Sized>(
    port: &P,
    start: NaiveDate,
    end: NaiveDate,
    property: Option<Uuid>,
) -> Result<Calendar> {
    if end < start {
        return Err(refused("end is on or after start."));
    }
    if (end - start).num_days() > 62 {
        return Err(refused("A calendar covers at most 62 days."));
    }
    let zones = port.property_zones()?;
    let mut days: Vec<CalendarDay> =
        start.iter_days().take_while(|d| *d <= end).map(|date| CalendarDay { date, showings: Vec::new() }).collect();
    for s in port.showings()? {
        let Some(z) = zones.get(&s.property_id) else { continue };
        if property.is_some_and(|p| p != s.property_id) {
            continue;
        }
        let zone = crate::time::zone(z).unwrap_or(chrono_tz::UTC);
        let d = slots::local(zone, s.scheduled_at).date();
        if let Some(day) = days.iter_mut().find(|x| x.date == d) {
            day.showings.push(view(port, s)?);
        }
    }
    Ok(Calendar { start, end, days })
}

/// `GET /api/v1/showings/slots/?property=&date=` (a listing's own bookings with `listing`).
pub fn day_slots<P: ShowingsPort + ?Sized>(
    port: &P,
    property: Uuid,
    date: NaiveDate,
    listing: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<DaySlots> {
    in_scope(port, property, "Property", property)?;
    let zone = zone_of(port, property)?;
    let showings: Vec<Showing> = port
        .showings()?
        .into_iter()
        .filter(|s| s.property_id == property && listing.is_none_or(|l| s.listing_id == l))
        .collect();
    let mut out = slots::day_slots(&port.slot_configs()?, property, zone, date, &showings, now);
    if listing.is_some() {
        // The day's maximum counts every listing of the property.
        let all: Vec<Showing> = port.showings()?.into_iter().filter(|s| s.property_id == property).collect();
        let full = slots::day_slots(&port.slot_configs()?, property, zone, date, &all, now);
        out.booked_today = full.booked_today;
        out.remaining_today = full.remaining_today;
        if full.remaining_today == 0 {
            out.slots.iter_mut().for_each(|s| s.available = false);
        }
    }
    Ok(out)
}

/// Sets a property's hours for one day of the week.
pub fn save_slot_config<P: ShowingsPort + ?Sized>(
    port: &mut P,
    mut c: ShowingSlotConfig,
    now: DateTime<Utc>,
) -> Result<ShowingSlotConfig> {
    in_scope(port, c.property_id, "Property", c.property_id)?;
    slots::check_config(&c).map_err(refused)?;
    c.id = Uuid::new_v5(&c.property_id, format!("showing_slot_config:{}", c.day_of_week).as_bytes());
    c.updated_at = now;
    port.write_showings(&ShowingsWrite { slots: vec![c.clone()], ..Default::default() }, now)?;
    Ok(c)
}

// ── jobs ───────────────────────────────────────────────────────────────────

fn report(job: crate::jobs::Job, today: NaiveDate, summary: String, counts: Value) -> crate::jobs::JobReport {
    crate::jobs::JobReport::new(job, today, summary, counts)
}

/// Every 15 minutes: the reminder due for each upcoming showing, once (see
/// [`reminders::due`]); email, and a text when the prospect gave a phone number.
pub fn reminders_job<P: ShowingsPort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let mut w = ShowingsWrite::default();
    let (mut sent, mut skipped) = (0, 0);
    for mut s in port.showings()? {
        let due = reminders::due(&s, now);
        if due.send.is_none() && due.skip.is_empty() {
            continue;
        }
        for r in &due.skip {
            r.mark(&mut s);
            skipped += 1;
        }
        if let Some(r) = due.send {
            let p = port.prospect(s.prospect_id)?;
            let listing = port.listing_ref(s.listing_id)?;
            let when = local_when(port, &s)?;
            let code = if s.showing_type == "self_guided" {
                " Your access code is issued once you have verified your identity."
            } else {
                ""
            };
            let body = format!(
                "Hi {}, a reminder: your tour of {} is {} — {when}.{code} Reply C to confirm or X to cancel.",
                p.name,
                listing.title,
                r.when()
            );
            w.outbox.push(message(&p, &s, r.key(), format!("Reminder: your tour {}", r.when()), body.clone(), now));
            if !p.phone.is_empty() {
                let mut sms = message(&p, &s, &format!("{}:sms", r.key()), String::new(), body, now);
                sms.channel = DeliveryChannel::Sms;
                sms.recipient = p.phone.clone();
                w.outbox.push(sms);
            }
            r.mark(&mut s);
            sent += 1;
        }
        s.updated_at = now;
        w.showings.push(s);
    }
    if !w.is_empty() {
        port.write_showings(&w, now)?;
    }
    Ok(report(
        crate::jobs::Job::ShowingReminders,
        today,
        format!("{sent} showing reminder{} sent, {skipped} skipped (window passed)", crate::format::plural_s(sent)),
        json!({"sent": sent, "skipped": skipped}),
    ))
}

/// Every 30 minutes: showings whose end (`scheduled_at + duration_minutes`) has passed while
/// still scheduled or confirmed become `no_show`. The prospect goes back to `engaged` (still
/// interested, no tour done) unless they have another showing booked or done, or applied; a
/// second no-show makes them `lost`.
pub fn no_show_job<P: ShowingsPort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let all = port.showings()?;
    let mut w = ShowingsWrite::default();
    let mut marked = Vec::new();
    for s in all.iter().filter(|s| matches!(s.status.as_str(), "scheduled" | "confirmed") && s.ends_at() < now) {
        let mut s = s.clone();
        s.status = "no_show".into();
        s.access_code.clear();
        s.access_code_expires_at = None;
        s.updated_at = now;
        marked.push(s.id);
        w.showings.push(s);
    }
    let prospects: Vec<Uuid> = {
        let mut v: Vec<Uuid> = w.showings.iter().map(|s| s.prospect_id).collect();
        v.sort();
        v.dedup();
        v
    };
    for pid in prospects {
        let mut p = port.prospect(pid)?;
        if p.nurture_stage == "applied" || p.nurture_stage == "lost" {
            continue;
        }
        let status =
            |o: &Showing| w.showings.iter().find(|x| x.id == o.id).map_or(o.status.clone(), |x| x.status.clone());
        let mine: Vec<String> = all.iter().filter(|o| o.prospect_id == pid).map(status).collect();
        let no_shows = mine.iter().filter(|s| *s == "no_show").count();
        let other = mine.iter().any(|s| matches!(s.as_str(), "scheduled" | "confirmed" | "in_progress" | "completed"));
        let stage = if no_shows >= 2 {
            "lost"
        } else if other {
            p.nurture_stage.as_str()
        } else {
            "engaged"
        };
        if stage != p.nurture_stage {
            p.nurture_stage = stage.to_string();
            p.updated_at = now;
            w.prospects.push(p);
        }
    }
    let n = marked.len();
    if !w.is_empty() {
        port.write_showings(&w, now)?;
    }
    Ok(report(
        crate::jobs::Job::ShowingNoShows,
        today,
        format!("{n} showing{} marked no-show", crate::format::plural_s(n)),
        json!({"no_shows": n}),
    ))
}

fn feedback_summary(f: Option<&ShowingFeedback>) -> String {
    let Some(f) = f else { return String::new() };
    let mut parts = vec![format!("rated the tour {}/5", f.overall_rating)];
    if !f.liked.is_empty() {
        parts.push(format!("liked {}", f.liked.join(", ").replace('_', " ")));
    }
    if !f.disliked.is_empty() {
        parts.push(format!("was less keen on {}", f.disliked.join(", ").replace('_', " ")));
    }
    parts.join("; ")
}

/// Daily at 10:00: one nurture message to each touring prospect whose completed showing ended
/// 48 hours or more ago and who has not applied (see [`nurture`]).
pub fn nurture_job<P: ShowingsPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let showings = port.showings()?;
    let messages = port.nurture_messages()?;
    let feedback = port.showing_feedback()?;
    let mut w = ShowingsWrite::default();
    for p in port.prospects()? {
        if p.nurture_stage != "touring" || p.converted_to_application.is_some() {
            continue;
        }
        let Some(s) = showings
            .iter()
            .filter(|s| s.prospect_id == p.id && s.status == "completed")
            .filter(|s| s.completed_at.unwrap_or_else(|| s.ends_at()) <= now - Duration::hours(48))
            .max_by_key(|s| s.scheduled_at)
        else {
            continue;
        };
        if s.conversion_outcome == "applied" || s.conversion_outcome == "not_interested" {
            continue;
        }
        let others = showings
            .iter()
            .filter(|o| o.listing_id == s.listing_id && o.prospect_id != p.id && o.status != "cancelled")
            .filter(|o| o.scheduled_at > now - Duration::days(7) && o.scheduled_at <= now)
            .count() as i64;
        let sent: Vec<(String, DateTime<Utc>)> =
            messages.iter().filter(|m| m.prospect_id == p.id).map(|m| (m.message_type.clone(), m.created_at)).collect();
        let Some(kind) = nurture::next_type(&sent, others, now) else { continue };
        let listing = port.listing_ref(s.listing_id)?;
        let unit = match s.unit_id.or(listing.unit_id) {
            Some(u) => port.unit(u).ok(),
            None => None,
        };
        let zone = zone_of(port, s.property_id)?;
        let input = NurtureInput {
            name: p.name.clone(),
            tour_date: slots::local(zone, s.scheduled_at).date(),
            unit_number: unit.as_ref().map_or_else(|| listing.title.clone(), |u| u.unit_number.clone()),
            bedrooms: unit.as_ref().map_or(0, |u| u.bedrooms),
            bathrooms: unit.as_ref().map_or_else(String::new, |u| u.bathrooms.normalize().to_string()),
            rent: listing
                .asking_rent
                .or(unit.as_ref().map(|u| u.market_rent))
                .filter(|r| !r.is_zero())
                .map(|r| r.round_dp(2).to_string())
                .unwrap_or_default(),
            feedback_summary: feedback_summary(feedback.iter().find(|f| f.showing_id == s.id)),
            days_since: (now - s.scheduled_at).num_days(),
            other_tour_count: others,
            message_type: kind.into(),
            channel: "email".into(),
            property_name: port.property(s.property_id)?.name,
        };
        let out = gateway
            .run::<NurtureMessageTask>(&input, port, now)
            .map_err(|e| refused(format!("The nurture message could not be written: {e}")))?;
        let d = out.value;
        let id = Uuid::new_v5(&p.id, format!("nurture:{kind}").as_bytes());
        w.outbox.push(NewMessage {
            idempotency_key: format!("prospect:{}:nurture:{kind}", p.id),
            channel: DeliveryChannel::Email,
            recipient_name: p.name.clone(),
            recipient: p.email.clone(),
            subject: if d.subject.is_empty() {
                format!("Following up on your tour of {}", listing.title)
            } else {
                d.subject.clone()
            },
            body: d.content.clone(),
            attachment_sha256: None,
            attachment_name: None,
            related_type: "nurture_message".into(),
            related_id: Some(id),
            scheduled_for: now,
        });
        w.nurture.push(super::model::NurtureMessage {
            id,
            prospect_id: p.id,
            property_id: p.property_id,
            showing_id: Some(s.id),
            message_type: kind.into(),
            subject: d.subject,
            content: d.content,
            channel: "email".into(),
            provider: out.provider.as_str().into(),
            sent_at: Some(now),
            opened_at: None,
            clicked_at: None,
            created_at: now,
        });
    }
    let n = w.nurture.len();
    if !w.is_empty() {
        port.write_showings(&w, now)?;
    }
    Ok(report(
        crate::jobs::Job::ShowingNurture,
        today,
        format!("{n} nurture message{} queued", crate::format::plural_s(n)),
        json!({"sent": n}),
    ))
}

// ── conversion ─────────────────────────────────────────────────────────────

/// A screening application was submitted with `email`: the prospect with that email (in the
/// application's property) is marked converted and `applied`, their latest completed showing's
/// outcome `applied`, and their 5.1 leads with that email `applied`. Nothing without a match.
pub fn on_application_submitted<P: ShowingsPort + ?Sized>(
    port: &mut P,
    application_id: Uuid,
    property_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<Prospect>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(None);
    }
    let Some(mut p) = port
        .prospects()?
        .into_iter()
        .filter(|p| p.email == email)
        .max_by_key(|p| (p.property_id == property_id, p.updated_at))
    else {
        return Ok(None);
    };
    let mut w = ShowingsWrite::default();
    p.converted_to_application = Some(application_id);
    p.nurture_stage = "applied".into();
    p.updated_at = now;
    if let Some(mut s) = port
        .showings()?
        .into_iter()
        .filter(|s| s.prospect_id == p.id && s.status == "completed")
        .max_by_key(|s| s.scheduled_at)
    {
        s.conversion_outcome = "applied".into();
        s.updated_at = now;
        w.showings.push(s);
    }
    for l in port.lead_refs()?.into_iter().filter(|l| l.email.trim().to_lowercase() == email && l.status != "applied") {
        w.lead_statuses.push((l.id, "applied".into()));
    }
    w.prospects.push(p.clone());
    port.write_showings(&w, now)?;
    Ok(Some(p))
}

// ── a person's step, as the server applies it and a connected replica queues it ──

/// A manager's step on a showing (the queued action's entity id is the showing's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ShowingAction {
    Confirm,
    Cancel {
        #[serde(default)]
        reason: String,
    },
    Complete {
        #[serde(default)]
        conversion_outcome: Option<String>,
    },
    AccessCode,
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ShowingOutcome {
    Showing(Box<ShowingView>),
    Code(AccessCode),
}

pub fn apply_action<P: ShowingsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &ShowingAction,
    now: DateTime<Utc>,
) -> Result<ShowingOutcome> {
    Ok(match action {
        ShowingAction::Confirm => ShowingOutcome::Showing(Box::new(confirm(port, id, now)?)),
        ShowingAction::Cancel { reason } => ShowingOutcome::Showing(Box::new(cancel(port, id, reason, now)?)),
        ShowingAction::Complete { conversion_outcome } => {
            ShowingOutcome::Showing(Box::new(complete(port, id, conversion_outcome.as_deref(), now)?))
        }
        ShowingAction::AccessCode => ShowingOutcome::Code(access_code(port, id, now)?),
    })
}

/// Applies `action` on a replica: on a connected replica the step is queued for the server in
/// the transaction of its rows (the server sends the messages). An access code is the server's
/// to issue there (the lock knows the server's code), so a connected replica refuses it.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &ShowingAction,
    now: DateTime<Utc>,
) -> Result<ShowingOutcome> {
    if *action == ShowingAction::AccessCode && crate::sync_actions::connected(store)? {
        return Err(refused(
            "Access codes are issued by the server this replica is connected to: \
             POST /api/v1/showings/{id}/access-code/ there.",
        ));
    }
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}
