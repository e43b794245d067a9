//! `ScreeningPort` on the replica: `screening_application` rows through their column list, the
//! applicant's messages queued in the same transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::outbox::NewMessage;
use crate::screening::port::{ScreeningPort, COLUMNS};
use crate::screening::ScreeningApplication;

fn write(
    tx: &rusqlite::Transaction<'_>,
    apps: &[ScreeningApplication],
    messages: &[NewMessage],
    now: DateTime<Utc>,
) -> Result<()> {
    json_rows::upsert(tx, "screening_application", COLUMNS, apps)?;
    for m in messages {
        crate::outbox::enqueue(tx, m, now)?;
    }
    Ok(())
}

impl ScreeningPort for Store {
    fn applications(&self) -> Result<Vec<ScreeningApplication>> {
        json_rows::select(self.conn(), "screening_application", COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn application(&self, id: Uuid) -> Result<ScreeningApplication> {
        json_rows::select(self.conn(), "screening_application", COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Application", id: id.to_string() })
    }

    fn write_applications(
        &mut self,
        apps: &[ScreeningApplication],
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.transaction(|tx| write(tx, apps, messages, now))
    }
}

impl ScreeningPort for super::Queueing<'_> {
    fn applications(&self) -> Result<Vec<ScreeningApplication>> {
        self.store.applications()
    }

    fn application(&self, id: Uuid) -> Result<ScreeningApplication> {
        self.store.application(id)
    }

    fn write_applications(
        &mut self,
        apps: &[ScreeningApplication],
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_applications(apps, messages, now) };
        // The rows and the queued action in one transaction; the server sends the messages.
        self.store.transaction(|tx| {
            json_rows::upsert(tx, "screening_application", COLUMNS, apps)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
