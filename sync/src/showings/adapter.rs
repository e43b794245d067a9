//! `ShowingsPort` over PostgreSQL: the five showing tables through their canonical JSON (the
//! sync registry's column lists), written with the step's messages in one transaction and
//! entered in the change log; the 5.1 listing and lead rows read by SQL within the caller's
//! properties (a lead's status set and entered in the change log).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::Transaction;
use unitcycle_core::showings::model::{
    LeadRef, ListingRef, NurtureMessage, Prospect, Showing, ShowingFeedback, ShowingSlotConfig,
};
use unitcycle_core::showings::port::{ShowingsPort, ShowingsWrite};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct Rows<'a>(&'a ShowingsWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "prospect", &w.prospects).await?;
            pg::upsert_synced(tx, "showing", &w.showings).await?;
            pg::upsert_synced(tx, "showing_feedback", &w.feedback).await?;
            pg::upsert_synced(tx, "showing_slot_config", &w.slots).await?;
            pg::upsert_synced(tx, "nurture_message", &w.nurture).await?;
            for (id, status) in &w.lead_statuses {
                tx.execute("UPDATE listing_lead SET status = $1, updated_at = $2 WHERE id = $3", &[status, &now, id])
                    .await?;
                if let Some(t) = crate::tables::table("listing_lead") {
                    pg::bump(tx, t, &[*id]).await?;
                }
            }
            for m in &w.outbox {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

impl ShowingsPort for PgPort {
    fn prospects(&self) -> StoreResult<Vec<Prospect>> {
        self.scoped_rows("prospect", "ORDER BY r.lead_score DESC, r.created_at DESC, r.id", &[])
    }

    fn prospect(&self, id: Uuid) -> StoreResult<Prospect> {
        self.scoped_rows::<Prospect>("prospect", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Prospect", id: id.to_string() })
    }

    fn showings(&self) -> StoreResult<Vec<Showing>> {
        self.scoped_rows("showing", "ORDER BY r.scheduled_at, r.id", &[])
    }

    fn showing(&self, id: Uuid) -> StoreResult<Showing> {
        self.scoped_rows::<Showing>("showing", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Showing", id: id.to_string() })
    }

    fn showing_feedback(&self) -> StoreResult<Vec<ShowingFeedback>> {
        self.scoped_rows("showing_feedback", "ORDER BY r.created_at, r.id", &[])
    }

    fn slot_configs(&self) -> StoreResult<Vec<ShowingSlotConfig>> {
        self.scoped_rows("showing_slot_config", "ORDER BY r.property_id, r.day_of_week, r.start_time", &[])
    }

    fn nurture_messages(&self) -> StoreResult<Vec<NurtureMessage>> {
        self.scoped_rows("nurture_message", "ORDER BY r.created_at DESC, r.id", &[])
    }

    fn listing_ref(&self, id: Uuid) -> StoreResult<ListingRef> {
        let rows = self.block(async {
            Ok::<_, pg::PgError>(
                self.client()
                    .query(
                        "SELECT id, unit_id, property_id, title::text, status::text, asking_rent::text FROM listing \
                     WHERE id = $1 AND property_id = ANY($2)",
                        &[&id, &self.scope],
                    )
                    .await?,
            )
        })?;
        let r = rows.first().ok_or_else(|| StoreError::NotFound { what: "Listing", id: id.to_string() })?;
        Ok(ListingRef {
            id: r.get(0),
            unit_id: r.get(1),
            property_id: r.get(2),
            title: r.get::<_, Option<String>>(3).unwrap_or_default(),
            status: r.get::<_, Option<String>>(4).unwrap_or_default(),
            asking_rent: r.get::<_, Option<String>>(5).and_then(|s| s.parse::<Decimal>().ok()),
        })
    }

    fn lead_refs(&self) -> StoreResult<Vec<LeadRef>> {
        let rows = self.block(async {
            Ok::<_, pg::PgError>(
                self.client()
                    .query(
                        "SELECT id, listing_id, property_id, prospect_name::text, email::text, phone::text, \
                     lead_score::bigint, lead_grade::text, status::text, created_at FROM listing_lead \
                     WHERE property_id = ANY($1) ORDER BY created_at, id",
                        &[&self.scope],
                    )
                    .await?,
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| LeadRef {
                id: r.get(0),
                listing_id: r.get(1),
                property_id: r.get(2),
                prospect_name: r.get::<_, Option<String>>(3).unwrap_or_default(),
                email: r.get::<_, Option<String>>(4).unwrap_or_default(),
                phone: r.get::<_, Option<String>>(5).unwrap_or_default(),
                lead_score: r.get::<_, Option<i64>>(6).unwrap_or_default().clamp(0, 100) as i32,
                lead_grade: r.get::<_, Option<String>>(7).unwrap_or_default(),
                status: r.get::<_, Option<String>>(8).unwrap_or_default(),
                created_at: r.get(9),
            })
            .collect())
    }

    fn write_showings(&mut self, w: &ShowingsWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
