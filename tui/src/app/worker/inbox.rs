//! The worker's unified-inbox requests (spec 5.3): every conversation (latest first) with its
//! tenant, unit and messages, the inbox figures, the reply templates filled in from a tenant's
//! record, and a person's step on a conversation through the core (queued for the server when
//! connected).

use chrono::{DateTime, Utc};
use unitcycle_core::communications_hub::inbound::{self, HubAction, HubOutcome, InboxStats};
use unitcycle_core::communications_hub::model::{TenantConversation, TenantMessage};
use unitcycle_core::communications_hub::port::CommunicationsPort;
use unitcycle_core::communications_hub::templates::{self, RenderedTemplate};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// A conversation with who and where it is with, and its messages (oldest first).
#[derive(Debug, Clone)]
pub struct Thread {
    pub conversation: TenantConversation,
    pub tenant_name: String,
    pub tenant_email: String,
    pub tenant_phone: String,
    pub unit_number: String,
    pub property_name: String,
    pub messages: Vec<TenantMessage>,
}

impl Thread {
    /// Where a reply on `channel` goes: the phone for SMS and WhatsApp, the email otherwise.
    pub fn address(&self) -> &str {
        match self.conversation.channel.as_str() {
            "sms" | "whatsapp" => &self.tenant_phone,
            _ => &self.tenant_email,
        }
    }
}

#[derive(Debug, Clone)]
pub enum InboxRequest {
    List,
    /// A person's step on conversation `id`.
    Act {
        id: Uuid,
        action: Box<HubAction>,
        now: DateTime<Utc>,
    },
    /// Every template filled in from the record of conversation `id`'s tenant.
    Templates {
        id: Uuid,
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone)]
pub enum InboxData {
    List { threads: Vec<Thread>, stats: InboxStats },
    Done(Box<HubOutcome>),
    Templates { id: Uuid, templates: Vec<RenderedTemplate> },
}

pub fn answer(store: &mut Store, req: InboxRequest) -> Result<InboxData, StoreError> {
    Ok(match req {
        InboxRequest::List => {
            let mut threads = Vec::new();
            for conversation in store.conversations()? {
                let tenant = store.tenant(conversation.tenant_id)?;
                let unit_number = match conversation.unit_id {
                    Some(u) => store.unit(u)?.unit_number,
                    None => String::new(),
                };
                let property_name = store.property(conversation.property_id)?.name;
                let messages = store.conversation_messages(conversation.id)?;
                threads.push(Thread {
                    tenant_name: format!("{} {}", tenant.first_name, tenant.last_name),
                    tenant_email: tenant.email,
                    tenant_phone: tenant.phone,
                    unit_number,
                    property_name,
                    messages,
                    conversation,
                });
            }
            InboxData::List { threads, stats: inbound::stats(&*store)? }
        }
        InboxRequest::Templates { id, now } => {
            InboxData::Templates { id, templates: templates::for_conversation(&*store, id, now)? }
        }
        InboxRequest::Act { id, action, now } => {
            InboxData::Done(Box::new(inbound::act_on_replica(store, id, &action, now)?))
        }
    })
}
