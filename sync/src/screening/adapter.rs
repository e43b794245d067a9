//! `ScreeningPort` over PostgreSQL: `screening_application` rows through their canonical JSON
//! (the sync registry's column list), written with the applicant's messages (the adverse action
//! notice) in one transaction and entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::outbox::NewMessage;
use unitcycle_core::screening::port::ScreeningPort;
use unitcycle_core::screening::ScreeningApplication;
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct ApplicationsWrite<'a> {
    apps: &'a [ScreeningApplication],
    messages: &'a [NewMessage],
}

impl RowWrite for ApplicationsWrite<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            let t = pg::synced("screening_application")?;
            let ids = pg::upsert_rows(tx, t, self.apps).await?;
            pg::bump(tx, t, &ids).await?;
            for m in self.messages {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

impl ScreeningPort for PgPort {
    fn applications(&self) -> StoreResult<Vec<ScreeningApplication>> {
        self.block(pgdomain::rows(
            self.client(),
            "screening_application",
            "r.property_id = ANY($1) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        ))
    }

    fn application(&self, id: Uuid) -> StoreResult<ScreeningApplication> {
        self.block(pgdomain::rows::<ScreeningApplication>(
            self.client(),
            "screening_application",
            "r.property_id = ANY($1) AND r.id = $2",
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Application", id: id.to_string() })
    }

    fn write_applications(
        &mut self,
        apps: &[ScreeningApplication],
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        if apps.is_empty() && messages.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[ApplicationsWrite { apps, messages }], now)
    }
}
