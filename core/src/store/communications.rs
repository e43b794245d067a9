//! `CommunicationsPort` on the replica: conversations and messages through their column lists,
//! the replies and pages queued in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::communications_hub::model::{SentimentLog, TenantConversation, TenantMessage};
use crate::communications_hub::port::{
    phone_key, CommunicationsPort, HubWrite, CONVERSATION_COLUMNS, MESSAGE_COLUMNS, SENTIMENT_COLUMNS,
};
use crate::model::Tenant;

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

    fn sentiment_logs(&self) -> Result<Vec<SentimentLog>> {
        json_rows::select(
            self.conn(),
            "tenant_sentiment_log",
            SENTIMENT_COLUMNS,
            "ORDER BY r.date DESC, r.tenant_id",
            [],
        )
    }

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            json_rows::upsert(tx, "tenant_conversation", CONVERSATION_COLUMNS, &w.conversations)?;
            json_rows::upsert(tx, "tenant_message", MESSAGE_COLUMNS, &w.messages)?;
            json_rows::upsert(tx, "tenant_sentiment_log", SENTIMENT_COLUMNS, &w.sentiment)?;
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

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_hub(w, now) };
        // The rows and the queued action in one transaction; the server sends the reply.
        self.store.transaction(|tx| {
            json_rows::upsert(tx, "tenant_conversation", CONVERSATION_COLUMNS, &w.conversations)?;
            json_rows::upsert(tx, "tenant_message", MESSAGE_COLUMNS, &w.messages)?;
            json_rows::upsert(tx, "tenant_sentiment_log", SENTIMENT_COLUMNS, &w.sentiment)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
