//! The worker's screening requests (spec 4.2): the applications with their unit and property,
//! and a person's action through the core workflow (queued for the server when connected).

use chrono::{DateTime, Utc};
use unitcycle_core::screening::port::ScreeningPort;
use unitcycle_core::screening::workflow::{self as wf, ScreeningAction, ScreeningOutcome};
use unitcycle_core::screening::{NewApplication, ScreeningApplication};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// An application with where it is for.
#[derive(Debug, Clone)]
pub struct Listed {
    pub app: ScreeningApplication,
    pub unit_number: String,
    pub property_name: String,
}

#[derive(Debug, Clone)]
pub enum ScreeningRequest {
    List,
    /// A person's action on application `id`.
    Act {
        id: Uuid,
        action: Box<ScreeningAction>,
        now: DateTime<Utc>,
    },
    /// A new application for the unit `unit` names (its number, or "number at property").
    Submit {
        id: Uuid,
        unit: String,
        new: Box<NewApplication>,
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone)]
pub enum ScreeningData {
    List(Vec<Listed>),
    Done(Box<ScreeningOutcome>),
}

pub fn answer(store: &mut Store, req: ScreeningRequest) -> Result<ScreeningData, StoreError> {
    Ok(match req {
        ScreeningRequest::List => {
            let mut out = Vec::new();
            for app in store.applications()? {
                let unit = store.unit(app.unit_id)?;
                let property = store.property(app.property_id)?;
                out.push(Listed { app, unit_number: unit.unit_number, property_name: property.name });
            }
            // Waiting for a person first (submitted, scored), then decided, newest first within.
            out.sort_by_key(|l| !matches!(l.app.status.as_str(), "submitted" | "screening" | "scored"));
            ScreeningData::List(out)
        }
        ScreeningRequest::Act { id, action, now } => {
            ScreeningData::Done(Box::new(wf::act_on_replica(store, id, &action, now)?))
        }
        ScreeningRequest::Submit { id, unit, mut new, now } => {
            new.unit_id = find_unit(store, &unit).map_err(StoreError::Rejected)?;
            let action = ScreeningAction::Submit(*new);
            ScreeningData::Done(Box::new(wf::act_on_replica(store, id, &action, now)?))
        }
    })
}

/// The unit `text` names: a unit id, or a unit number (with " at <property>" when several
/// properties have that number).
pub fn find_unit(store: &Store, text: &str) -> Result<Uuid, String> {
    let text = text.trim();
    if let Ok(id) = Uuid::parse_str(text) {
        return Ok(id);
    }
    let (number, at) = match text.split_once(" at ") {
        Some((n, p)) => (n.trim(), Some(p.trim().to_lowercase())),
        None => (text, None),
    };
    let mut found = Vec::new();
    for p in store.properties().map_err(|e| e.to_string())? {
        if at.as_ref().is_some_and(|a| !p.name.to_lowercase().contains(a.as_str())) {
            continue;
        }
        for u in store.units(p.id).map_err(|e| e.to_string())? {
            if u.unit_number.eq_ignore_ascii_case(number) {
                found.push((u.id, p.name.clone()));
            }
        }
    }
    match &found[..] {
        [(id, _)] => Ok(*id),
        [] => Err(format!("No unit '{number}'.")),
        many => Err(format!(
            "Unit {number} is at {}: write '{number} at <property>'.",
            many.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}
