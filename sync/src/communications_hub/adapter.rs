//! `CommunicationsPort` over PostgreSQL: conversations and messages through their canonical JSON
//! (the sync registry's column lists), written with the replies and pages in one transaction and
//! entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
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

    fn sentiment_logs(&self) -> StoreResult<Vec<SentimentLog>> {
        self.block(pgdomain::rows(
            self.client(),
            "tenant_sentiment_log",
            "r.property_id = ANY($1) ORDER BY r.date DESC, r.tenant_id",
            &[&self.scope],
        ))
    }

    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w == &HubWrite::default() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
