//! `ListingPort` over PostgreSQL: the five syndication tables through their canonical JSON (the
//! sync registry's column lists), written with a lead's reply in one transaction and entered in
//! the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::listing_syndication::model::{
    CompetingListing, Listing, ListingAnalytics, ListingLead, ListingPlatform,
};
use unitcycle_core::listing_syndication::port::{ListingPort, ListingWrite};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct Rows<'a>(&'a ListingWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "listing", &w.listings).await?;
            pg::upsert_synced(tx, "listing_platform", &w.platforms).await?;
            pg::upsert_synced(tx, "listing_lead", &w.leads).await?;
            pg::upsert_synced(tx, "listing_analytics", &w.analytics).await?;
            pg::upsert_synced(tx, "competing_listing", &w.competitors).await?;
            for m in &w.outbox {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

impl ListingPort for PgPort {
    fn listings(&self) -> StoreResult<Vec<Listing>> {
        self.scoped_rows("listing", "ORDER BY r.created_at DESC, r.id", &[])
    }

    fn listing(&self, id: Uuid) -> StoreResult<Listing> {
        self.scoped_rows::<Listing>("listing", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Listing", id: id.to_string() })
    }

    fn listing_platforms(&self) -> StoreResult<Vec<ListingPlatform>> {
        self.scoped_rows("listing_platform", "ORDER BY r.listing_id, r.platform_name", &[])
    }

    fn listing_leads(&self) -> StoreResult<Vec<ListingLead>> {
        self.scoped_rows("listing_lead", "ORDER BY r.lead_score DESC, r.created_at DESC, r.id", &[])
    }

    fn listing_lead(&self, id: Uuid) -> StoreResult<ListingLead> {
        self.scoped_rows::<ListingLead>("listing_lead", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Lead", id: id.to_string() })
    }

    fn listing_analytics(&self) -> StoreResult<Vec<ListingAnalytics>> {
        self.scoped_rows("listing_analytics", "ORDER BY r.date DESC, r.id", &[])
    }

    fn competing_listings(&self) -> StoreResult<Vec<CompetingListing>> {
        self.scoped_rows("competing_listing", "ORDER BY r.price_diff_pct, r.id", &[])
    }

    fn write_listings(&mut self, w: &ListingWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
