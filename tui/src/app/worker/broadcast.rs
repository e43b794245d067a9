//! The worker's broadcast requests (spec 5.3): the broadcasts (newest first) with their
//! deliveries, the live preview of one being written (the recipients and exactly what each is
//! sent), and creating and sending one through the core (queued for the server when connected).

use chrono::{DateTime, Utc};
use unitcycle_core::communications_hub::broadcast::{
    self, BroadcastAction, BroadcastInput, BroadcastMessage, BroadcastPreview, BroadcastRecipient, NewBroadcast,
    SendOutcome,
};
use unitcycle_core::communications_hub::port::CommunicationsPort;
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// What the composer holds, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub title: String,
    pub content: String,
    /// `email, sms` (commas or spaces).
    pub channels: String,
    /// A property's name (any case; a unique start is enough), or empty for every property.
    pub property: String,
    pub building: String,
    pub unit_range: String,
    pub lease_status: String,
    pub min_balance: String,
}

/// A broadcast with its deliveries and the property it is for.
#[derive(Debug, Clone)]
pub struct Listed {
    pub broadcast: BroadcastMessage,
    pub property_name: Option<String>,
    /// Each delivery with its tenant's name.
    pub recipients: Vec<(BroadcastRecipient, String)>,
}

#[derive(Debug, Clone)]
pub enum BroadcastRequest {
    List,
    /// The recipients and messages of `draft` now; `seq` orders the answers while typing.
    Preview {
        draft: Box<Draft>,
        seq: u64,
        now: DateTime<Utc>,
    },
    /// What a retry of broadcast `id` would send.
    PreviewStored {
        id: Uuid,
        now: DateTime<Utc>,
    },
    /// Creates `draft` as broadcast `id` (by `actor`) and sends it.
    Send {
        id: Uuid,
        draft: Box<Draft>,
        actor: String,
        now: DateTime<Utc>,
    },
    /// Sends broadcast `id` again (what is not sent yet).
    Retry {
        id: Uuid,
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone)]
pub enum BroadcastData {
    List(Vec<Listed>),
    /// The preview of a draft, or why it cannot be sent as it stands.
    Preview {
        seq: u64,
        result: Result<Box<BroadcastPreview>, String>,
    },
    StoredPreview {
        id: Uuid,
        preview: Box<BroadcastPreview>,
    },
    Sent(Box<SendOutcome>),
}

/// The spec's body for `draft`: the property's name resolved to its id.
pub fn input(store: &Store, draft: &Draft) -> Result<BroadcastInput, String> {
    let mut filter = serde_json::Map::new();
    let name = draft.property.trim().to_lowercase();
    if !name.is_empty() {
        let properties = store.properties().map_err(|e| e.to_string())?;
        let exact: Vec<_> = properties.iter().filter(|p| p.name.to_lowercase() == name).collect();
        let starts: Vec<_> = properties.iter().filter(|p| p.name.to_lowercase().starts_with(&name)).collect();
        let p = match (exact.as_slice(), starts.as_slice()) {
            ([p], _) | ([], [p]) => p,
            ([], []) => return Err(format!("Property: no property is named '{}'.", draft.property.trim())),
            _ => return Err(format!("Property: '{}' names more than one property.", draft.property.trim())),
        };
        filter.insert("property_id".into(), p.id.to_string().into());
    }
    for (key, value) in [
        ("building", &draft.building),
        ("unit_range", &draft.unit_range),
        ("lease_status", &draft.lease_status),
        ("min_balance", &draft.min_balance),
    ] {
        if !value.trim().is_empty() {
            filter.insert(key.into(), value.trim().into());
        }
    }
    Ok(BroadcastInput {
        title: draft.title.clone(),
        content: draft.content.clone(),
        channels: draft.channels.split([',', ' ']).filter(|c| !c.trim().is_empty()).map(str::to_string).collect(),
        recipient_filter: filter.into(),
    })
}

/// The preview of `draft`; while the title or text is still empty the recipients are counted
/// all the same (the confirm insists on both).
fn preview(
    store: &Store,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Result<Box<BroadcastPreview>, String>, StoreError> {
    let mut i = match input(store, draft) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    if i.title.trim().is_empty() {
        i.title = "(no title yet)".into();
    }
    if i.content.trim().is_empty() {
        i.content = "(no text yet)".into();
    }
    let new = match NewBroadcast::checked(&i) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    match broadcast::preview_new(store, &new, now) {
        Ok(p) => Ok(Ok(Box::new(p))),
        Err(StoreError::Rejected(e)) => Ok(Err(e)),
        Err(e) => Err(e),
    }
}

pub fn answer(store: &mut Store, req: BroadcastRequest) -> Result<BroadcastData, StoreError> {
    Ok(match req {
        BroadcastRequest::List => {
            let mut out = Vec::new();
            for b in store.broadcasts()? {
                let property_name = match b.property_id {
                    Some(p) => Some(store.property(p)?.name),
                    None => None,
                };
                let mut recipients = Vec::new();
                for r in store.broadcast_recipients(b.id)? {
                    let name = store.tenant(r.tenant_id)?.full_name();
                    recipients.push((r, name));
                }
                out.push(Listed { broadcast: b, property_name, recipients });
            }
            BroadcastData::List(out)
        }
        BroadcastRequest::Preview { draft, seq, now } => {
            BroadcastData::Preview { seq, result: preview(store, &draft, now)? }
        }
        BroadcastRequest::PreviewStored { id, now } => {
            BroadcastData::StoredPreview { id, preview: Box::new(broadcast::preview(&*store, id, now)?) }
        }
        BroadcastRequest::Send { id, draft, actor, now } => {
            let i = input(store, &draft).map_err(StoreError::Rejected)?;
            NewBroadcast::checked(&i).map_err(StoreError::Rejected)?;
            let create = BroadcastAction::Create {
                title: i.title,
                content: i.content,
                channels: i.channels,
                recipient_filter: i.recipient_filter,
                actor,
            };
            broadcast::act_on_replica(store, id, &create, now)?;
            BroadcastData::Sent(Box::new(broadcast::act_on_replica(store, id, &BroadcastAction::Send, now)?))
        }
        BroadcastRequest::Retry { id, now } => {
            BroadcastData::Sent(Box::new(broadcast::act_on_replica(store, id, &BroadcastAction::Send, now)?))
        }
    })
}
