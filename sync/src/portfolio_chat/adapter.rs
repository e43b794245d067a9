//! `ChatPort` over PostgreSQL. The chat's tables are not synced (a conversation is its user's),
//! so rows go through `row_to_json` / `json_populate_record` rather than the sync registry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_postgres::types::ToSql;
use tokio_postgres::Transaction;
use unitcycle_core::portfolio_chat::port::{ChatPort, ChatWrites};
use unitcycle_core::portfolio_chat::record::{ChatConversation, ChatMessage, DailyDigest};
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg::PgError;

impl PgPort {
    fn json_rows<T: DeserializeOwned>(
        &self,
        table: &str,
        tail: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Vec<T>> {
        let sql = format!("SELECT row_to_json(r)::text FROM {table} r {tail}");
        self.block(async {
            let rows = self.client().query(&sql, args).await?;
            rows.iter()
                .map(|row| {
                    let text: String = row.get(0);
                    serde_json::from_str(&text).map_err(|e| PgError::Setup(format!("{table}: {e}")))
                })
                .collect()
        })
    }
}

async fn upsert<T: Serialize>(tx: &Transaction<'_>, table: &str, rows: &[T]) -> Result<(), PgError> {
    for row in rows {
        let value = serde_json::to_value(row).map_err(|e| PgError::Setup(e.to_string()))?;
        let cols: Vec<String> = value.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        let list = cols.join(", ");
        let set =
            cols.iter().filter(|c| *c != "id").map(|c| format!("{c} = EXCLUDED.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM json_populate_record(NULL::{table}, $1::text::json)
             ON CONFLICT (id) DO UPDATE SET {set}"
        );
        tx.execute(&sql, &[&value.to_string()]).await?;
    }
    Ok(())
}

impl RowWrite for ChatWrites {
    async fn apply(&self, tx: &Transaction<'_>, _now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            upsert(tx, "chat_conversation", &self.conversations).await?;
            upsert(tx, "chat_message", &self.messages).await?;
            upsert(tx, "daily_digest", &self.digests).await
        };
        applied.await.map_err(store_error)
    }
}

impl ChatPort for PgPort {
    fn conversations(&self, user_email: &str) -> StoreResult<Vec<ChatConversation>> {
        self.json_rows("chat_conversation", "WHERE r.user_email = $1 ORDER BY r.updated_at DESC, r.id", &[&user_email])
    }

    fn conversation(&self, id: Uuid) -> StoreResult<Option<ChatConversation>> {
        Ok(self.json_rows("chat_conversation", "WHERE r.id = $1", &[&id])?.pop())
    }

    fn chat_messages(&self, conversation_id: Uuid) -> StoreResult<Vec<ChatMessage>> {
        self.json_rows("chat_message", "WHERE r.conversation_id = $1 ORDER BY r.created_at, r.id", &[&conversation_id])
    }

    fn digest(&self, day: NaiveDate) -> StoreResult<Option<DailyDigest>> {
        Ok(self.json_rows("daily_digest", "WHERE r.digest_date = $1", &[&day])?.pop())
    }

    fn write_chat(&mut self, w: &ChatWrites, now: DateTime<Utc>) -> StoreResult<()> {
        if w == &ChatWrites::default() {
            return Ok(());
        }
        self.write_all(std::slice::from_ref(w), now)
    }
}
