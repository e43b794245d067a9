//! The worker's onboarding requests (spec 4.6): every checklist with its unit and property, a
//! checklist's detail, a person's step through the core (queued for the server when
//! connected), a property's knowledge base, and a question to the FAQ bot.

use chrono::{DateTime, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::onboarding::model::{KnowledgeEntry, OnboardingChecklist};
use unitcycle_core::onboarding::port::OnboardingPort;
use unitcycle_core::onboarding::workflow::{
    self as wf, ChatReply, ChatRequest, ChecklistDetail, OnboardingAction, OnboardingOutcome,
};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// A checklist with where it is.
#[derive(Debug, Clone)]
pub struct Row {
    pub checklist: OnboardingChecklist,
    pub unit_number: String,
    pub property_name: String,
}

#[derive(Debug, Clone)]
pub enum OnboardingRequest {
    List,
    Detail(Uuid),
    /// A person's step: on a checklist (task, message), a key handoff, or a property's
    /// knowledge base (the id names which).
    Act {
        id: Uuid,
        action: Box<OnboardingAction>,
        now: DateTime<Utc>,
    },
    /// A property's knowledge base: `property` (default the first by name), moved `step`
    /// properties along (the screen's ←/→).
    Knowledge {
        property: Option<Uuid>,
        step: i32,
    },
    Ask {
        request: ChatRequest,
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone)]
pub enum OnboardingData {
    List(Vec<Row>),
    Detail(Box<ChecklistDetail>),
    Done(Box<OnboardingOutcome>),
    Knowledge { property_id: Uuid, property_name: String, entries: Vec<KnowledgeEntry> },
    Answer(Box<ChatReply>),
}

pub fn answer(store: &mut Store, gateway: &Gateway, req: OnboardingRequest) -> Result<OnboardingData, StoreError> {
    Ok(match req {
        OnboardingRequest::List => {
            let mut rows = Vec::new();
            for checklist in store.checklists()? {
                let unit_number = store.unit(checklist.unit_id)?.unit_number;
                let property_name = store.property(checklist.property_id)?.name;
                rows.push(Row { checklist, unit_number, property_name });
            }
            OnboardingData::List(rows)
        }
        OnboardingRequest::Detail(id) => OnboardingData::Detail(Box::new(wf::detail(&*store, id)?)),
        OnboardingRequest::Act { id, action, now } => {
            OnboardingData::Done(Box::new(wf::act_on_replica(store, id, &action, now)?))
        }
        OnboardingRequest::Knowledge { property, step } => {
            let mut properties = store.properties()?;
            properties.retain(|p| p.archived_at.is_none());
            properties.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            let Some(first) = properties.first() else {
                return Err(StoreError::Rejected("No property yet: import a rent roll or add one first.".into()));
            };
            let at = property.and_then(|id| properties.iter().position(|p| p.id == id)).unwrap_or(0) as i32;
            let n = properties.len() as i32;
            let p = properties.get(((at + step) % n + n) as usize % properties.len()).unwrap_or(first);
            OnboardingData::Knowledge {
                property_name: p.name.clone(),
                entries: wf::knowledge(&*store, p.id, None, None, true)?,
                property_id: p.id,
            }
        }
        OnboardingRequest::Ask { request, now } => {
            OnboardingData::Answer(Box::new(wf::chat(store, gateway, &request, now)?))
        }
    })
}
