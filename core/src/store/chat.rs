//! `ChatPort` on the replica: the chat's rows through their column lists.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::portfolio_chat::port::{ChatPort, ChatWrites};
use crate::portfolio_chat::record::{columns, ChatConversation, ChatMessage, DailyDigest};

fn rows<T: serde::de::DeserializeOwned>(
    store: &Store,
    table: &str,
    tail: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let cols = columns(table).ok_or_else(|| StoreError::Corrupt(format!("no column list for {table}")))?;
    json_rows::select(store.conn(), table, cols, tail, params)
}

impl ChatPort for Store {
    fn conversations(&self, user_email: &str) -> Result<Vec<ChatConversation>> {
        rows(self, "chat_conversation", "WHERE r.user_email = ?1 ORDER BY r.updated_at DESC, r.id", [user_email])
    }

    fn conversation(&self, id: Uuid) -> Result<Option<ChatConversation>> {
        Ok(rows(self, "chat_conversation", "WHERE r.id = ?1", [id.to_string()])?.pop())
    }

    fn chat_messages(&self, conversation_id: Uuid) -> Result<Vec<ChatMessage>> {
        rows(
            self,
            "chat_message",
            "WHERE r.conversation_id = ?1 ORDER BY r.created_at, r.id",
            [conversation_id.to_string()],
        )
    }

    fn digest(&self, day: NaiveDate) -> Result<Option<DailyDigest>> {
        Ok(rows(self, "daily_digest", "WHERE r.digest_date = ?1", [day.to_string()])?.pop())
    }

    fn write_chat(&mut self, w: &ChatWrites, _now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            let table =
                |name: &str| columns(name).ok_or_else(|| StoreError::Corrupt(format!("no column list for {name}")));
            json_rows::upsert(tx, "chat_conversation", table("chat_conversation")?, &w.conversations)?;
            json_rows::upsert(tx, "chat_message", table("chat_message")?, &w.messages)?;
            json_rows::upsert(tx, "daily_digest", table("daily_digest")?, &w.digests)
        })
    }
}
