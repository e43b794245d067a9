//! `CommunicationsPort` over PostgreSQL: conversations, messages, broadcasts and their deliveries
//! through their canonical JSON (the sync registry's column lists), written with the replies,
//! pages and broadcast messages in one transaction and entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::communications_hub::broadcast::{BroadcastMessage, BroadcastRecipient};
use unitcycle_core::communications_hub::model::{SentimentLog, TenantConversation, TenantMessage};
use unitcycle_core::communications_hub::port::{phone_key, CommunicationsPort, HubWrite};
use unitcycle_core::model::Tenant;
use unitcycle_core::port::Records;
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct Rows<'a>(&'a HubWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "tenant_conversation", &w.conversations).await?;
            pg::upsert_synced(tx, "tenant_message", &w.messages).await?;
            pg::upsert_synced(tx, "tenant_sentiment_log", &w.sentiment).await?;
            pg::upsert_synced(tx, "broadcast_message", &w.broadcasts).await?;
            pg::upsert_synced(tx, "broadcast_recipient", &w.recipients).await?;
            for m in &w.outbox {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

const OF_SCOPE: &str = "(SELECT c.property_id FROM tenant_conversation c WHERE c.id = r.conversation_id) = ANY($1)";

impl CommunicationsPort for PgPort {
    fn conversations(&self) -> StoreResult<Vec<TenantConversation>> {
        self.block(pgdomain::rows(
            self.client(),
            "tenant_conversation",
            "r.property_id = ANY($1) ORDER BY r.last_message_at DESC NULLS LAST, r.id",
            &[&self.scope],
        ))
    }

    fn conversation(&self, id: Uuid) -> StoreResult<TenantConversation> {
        self.block(pgdomain::rows::<TenantConversation>(
            self.client(),
            "tenant_conversation",
            "r.property_id = ANY($1) AND r.id = $2",
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Conversation", id: id.to_string() })
    }

    fn conversation_messages(&self, conversation_id: Uuid) -> StoreResult<Vec<TenantMessage>> {
        self.block(pgdomain::rows(
            self.client(),
            "tenant_message",
            &format!("{OF_SCOPE} AND r.conversation_id = $2 ORDER BY r.created_at, r.id"),
            &[&self.scope, &conversation_id],
        ))
    }

    fn tenant_by_contact(&self, address: &str) -> StoreResult<Option<Tenant>> {
        // An address with '@' is an email; anything else is a phone, matched on its last ten digits.
        let address = address.trim().to_string();
        let phone = phone_key(&address);
        if !address.contains('@') && phone.len() < 7 {
            return Ok(None);
        }
        let id: Option<Uuid> = self.block(async {
            let row = if address.contains('@') {
                self.client()
                    .query_opt(
                        "SELECT id FROM tenants WHERE archived_at IS NULL AND lower(email) = $1 ORDER BY id LIMIT 1",
                        &[&address.to_lowercase()],
                    )
                    .await?
            } else {
                self.client()
                    .query_opt(
                        "SELECT id FROM tenants WHERE archived_at IS NULL AND phone <> '' \
                         AND right(regexp_replace(phone, '[^0-9]', '', 'g'), 10) = $1 ORDER BY id LIMIT 1",
                        &[&phone],
                    )
                    .await?
            };
            Ok(row.map(|r| r.get(0)))
        })?;
        id.map(|id| self.tenant(id)).transpose()
    }

    fn property_knowledge(
        &self,
        property_id: Uuid,
    ) -> StoreResult<Vec<unitcycle_core::onboarding::model::KnowledgeEntry>> {
        unitcycle_core::onboarding::port::OnboardingPort::knowledge_base(self, property_id)
    }

    fn sentiment_logs(&self) -> StoreResult<Vec<SentimentLog>> {
        self.block(pgdomain::rows(
            self.client(),
            "tenant_sentiment_log",
            "r.property_id = ANY($1) ORDER BY r.date DESC, r.tenant_id",
            &[&self.scope],
        ))
    }

    fn broadcasts(&self) -> StoreResult<Vec<BroadcastMessage>> {
        // A portfolio-wide broadcast (no property) is everyone's, as in the change feed.
        self.block(pgdomain::rows(
            self.client(),
            "broadcast_message",
            "(r.property_id = ANY($1) OR r.property_id IS NULL) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        ))
    }

    fn broadcast(&self, id: Uuid) -> StoreResult<BroadcastMessage> {
        self.block(pgdomain::rows::<BroadcastMessage>(
            self.client(),
            "broadcast_message",
            "(r.property_id = ANY($1) OR r.property_id IS NULL) AND r.id = $2",
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Broadcast", id: id.to_string() })
    }

    fn broadcast_recipients(&self, broadcast_id: Uuid) -> StoreResult<Vec<BroadcastRecipient>> {
        self.block(pgdomain::rows(
            self.client(),
            "broadcast_recipient",
            "r.property_id = ANY($1) AND r.broadcast_id = $2 ORDER BY r.property_id, r.tenant_id, r.channel",
            &[&self.scope, &broadcast_id],
        ))
    }

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w == &HubWrite::default() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
