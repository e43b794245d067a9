//! `CommunicationsPort` on the replica: conversations, messages, broadcasts and their deliveries
//! through their column lists, the replies, pages and broadcast messages queued in the same
//! transaction; and the shipped reply templates written into `communication_template` when the
//! replica opens.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::communications_hub::broadcast::{BroadcastMessage, BroadcastRecipient};
use crate::communications_hub::model::{SentimentLog, TenantConversation, TenantMessage};
use crate::communications_hub::port::{
    phone_key, CommunicationsPort, HubWrite, BROADCAST_COLUMNS, CONVERSATION_COLUMNS, MESSAGE_COLUMNS,
    RECIPIENT_COLUMNS, SENTIMENT_COLUMNS, TEMPLATE_COLUMNS,
};
use crate::model::Tenant;

/// The hub's rows of one step (the outbox and any queued action are the caller's).
fn write_rows(tx: &rusqlite::Transaction<'_>, w: &HubWrite) -> Result<()> {
    json_rows::upsert(tx, "tenant_conversation", CONVERSATION_COLUMNS, &w.conversations)?;
    json_rows::upsert(tx, "tenant_message", MESSAGE_COLUMNS, &w.messages)?;
    json_rows::upsert(tx, "tenant_sentiment_log", SENTIMENT_COLUMNS, &w.sentiment)?;
    json_rows::upsert(tx, "broadcast_message", BROADCAST_COLUMNS, &w.broadcasts)?;
    json_rows::upsert(tx, "broadcast_recipient", RECIPIENT_COLUMNS, &w.recipients)
}

/// Writes the shipped reply templates (same ids everywhere, so writing them again changes
/// nothing but a newer text).
pub(super) fn seed_templates(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    json_rows::upsert(tx, "communication_template", TEMPLATE_COLUMNS, &crate::communications_hub::templates::library())
}

impl CommunicationsPort for Store {
    fn conversations(&self) -> Result<Vec<TenantConversation>> {
        json_rows::select(
            self.conn(),
            "tenant_conversation",
            CONVERSATION_COLUMNS,
            "ORDER BY r.last_message_at DESC, r.id",
            [],
        )
    }

    fn conversation(&self, id: Uuid) -> Result<TenantConversation> {
        json_rows::select(
            self.conn(),
            "tenant_conversation",
            CONVERSATION_COLUMNS,
            "WHERE r.id = ?1",
            [id.to_string()],
        )?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Conversation", id: id.to_string() })
    }

    fn conversation_messages(&self, conversation_id: Uuid) -> Result<Vec<TenantMessage>> {
        json_rows::select(
            self.conn(),
            "tenant_message",
            MESSAGE_COLUMNS,
            "WHERE r.conversation_id = ?1 ORDER BY r.created_at, r.id",
            [conversation_id.to_string()],
        )
    }

    fn tenant_by_contact(&self, address: &str) -> Result<Option<Tenant>> {
        // An address with '@' is an email; anything else is a phone, matched on its last ten digits.
        let address = address.trim();
        let id: Option<String> = if address.contains('@') {
            self.conn()
                .query_row(
                    "SELECT id FROM tenants WHERE archived_at IS NULL AND lower(email) = ?1 ORDER BY id LIMIT 1",
                    [address.to_lowercase()],
                    |r| r.get(0),
                )
                .optional()?
        } else {
            let key = phone_key(address);
            if key.len() < 7 {
                return Ok(None);
            }
            let mut stmt = self
                .conn()
                .prepare("SELECT id, phone FROM tenants WHERE archived_at IS NULL AND phone <> '' ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut found = None;
            for row in rows {
                let (id, phone) = row?;
                if phone_key(&phone) == key {
                    found = Some(id);
                    break;
                }
            }
            found
        };
        id.map(|id| Store::tenant(self, id.parse().map_err(|e| StoreError::Corrupt(format!("tenants.id: {e}")))?))
            .transpose()
    }

    fn property_knowledge(&self, property_id: Uuid) -> Result<Vec<crate::onboarding::model::KnowledgeEntry>> {
        crate::onboarding::port::OnboardingPort::knowledge_base(self, property_id)
    }

    fn sentiment_logs(&self) -> Result<Vec<SentimentLog>> {
        json_rows::select(
            self.conn(),
            "tenant_sentiment_log",
            SENTIMENT_COLUMNS,
            "ORDER BY r.date DESC, r.tenant_id",
            [],
        )
    }

    fn broadcasts(&self) -> Result<Vec<BroadcastMessage>> {
        json_rows::select(self.conn(), "broadcast_message", BROADCAST_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn broadcast(&self, id: Uuid) -> Result<BroadcastMessage> {
        json_rows::select(self.conn(), "broadcast_message", BROADCAST_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Broadcast", id: id.to_string() })
    }

    fn broadcast_recipients(&self, broadcast_id: Uuid) -> Result<Vec<BroadcastRecipient>> {
        json_rows::select(
            self.conn(),
            "broadcast_recipient",
            RECIPIENT_COLUMNS,
            "WHERE r.broadcast_id = ?1 ORDER BY r.property_id, r.tenant_id, r.channel",
            [broadcast_id.to_string()],
        )
    }

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            write_rows(tx, w)?;
            for m in &w.outbox {
                crate::outbox::enqueue(tx, m, now)?;
            }
            Ok(())
        })
    }
}

impl CommunicationsPort for super::Queueing<'_> {
    fn conversations(&self) -> Result<Vec<TenantConversation>> {
        self.store.conversations()
    }

    fn conversation(&self, id: Uuid) -> Result<TenantConversation> {
        self.store.conversation(id)
    }

    fn conversation_messages(&self, conversation_id: Uuid) -> Result<Vec<TenantMessage>> {
        self.store.conversation_messages(conversation_id)
    }

    fn tenant_by_contact(&self, address: &str) -> Result<Option<Tenant>> {
        self.store.tenant_by_contact(address)
    }

    fn sentiment_logs(&self) -> Result<Vec<SentimentLog>> {
        self.store.sentiment_logs()
    }

    fn property_knowledge(&self, property_id: Uuid) -> Result<Vec<crate::onboarding::model::KnowledgeEntry>> {
        self.store.property_knowledge(property_id)
    }

    fn broadcasts(&self) -> Result<Vec<BroadcastMessage>> {
        self.store.broadcasts()
    }

    fn broadcast(&self, id: Uuid) -> Result<BroadcastMessage> {
        self.store.broadcast(id)
    }

    fn broadcast_recipients(&self, broadcast_id: Uuid) -> Result<Vec<BroadcastRecipient>> {
        self.store.broadcast_recipients(broadcast_id)
    }

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_hub(w, now) };
        // The rows and the queued action in one transaction; the server sends the messages. A
        // step that writes twice (a broadcast's send) queues its action once.
        self.store.transaction(|tx| {
            write_rows(tx, w)?;
            let queued: i64 = tx.query_row(
                "SELECT COUNT(*) FROM sync_action WHERE client_id = ?1",
                [action.client_id.to_string()],
                |r| r.get(0),
            )?;
            if queued == 0 {
                crate::sync_actions::queue(tx, &action, now)?;
            }
            Ok(())
        })
    }
}
