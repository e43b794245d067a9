//! `ListingPort` on the replica: the five syndication tables through their column lists, a
//! reply to a lead queued in the same transaction (or, on a connected replica, the person's
//! action queued for the server, which sends it).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::listing_syndication::model::{CompetingListing, Listing, ListingAnalytics, ListingLead, ListingPlatform};
use crate::listing_syndication::port::{
    ListingPort, ListingWrite, ANALYTICS_COLUMNS, COMPETITOR_COLUMNS, LEAD_COLUMNS, LISTING_COLUMNS, PLATFORM_COLUMNS,
};

fn write_rows(tx: &rusqlite::Transaction<'_>, w: &ListingWrite) -> Result<()> {
    json_rows::upsert(tx, "listing", LISTING_COLUMNS, &w.listings)?;
    json_rows::upsert(tx, "listing_platform", PLATFORM_COLUMNS, &w.platforms)?;
    json_rows::upsert(tx, "listing_lead", LEAD_COLUMNS, &w.leads)?;
    json_rows::upsert(tx, "listing_analytics", ANALYTICS_COLUMNS, &w.analytics)?;
    json_rows::upsert(tx, "competing_listing", COMPETITOR_COLUMNS, &w.competitors)
}

fn not_found(what: &'static str, id: Uuid) -> StoreError {
    StoreError::NotFound { what, id: id.to_string() }
}

impl ListingPort for Store {
    fn listings(&self) -> Result<Vec<Listing>> {
        json_rows::select(self.conn(), "listing", LISTING_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn listing(&self, id: Uuid) -> Result<Listing> {
        json_rows::select(self.conn(), "listing", LISTING_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Listing", id))
    }

    fn listing_platforms(&self) -> Result<Vec<ListingPlatform>> {
        json_rows::select(
            self.conn(),
            "listing_platform",
            PLATFORM_COLUMNS,
            "ORDER BY r.listing_id, r.platform_name",
            [],
        )
    }

    fn listing_leads(&self) -> Result<Vec<ListingLead>> {
        json_rows::select(
            self.conn(),
            "listing_lead",
            LEAD_COLUMNS,
            "ORDER BY r.lead_score DESC, r.created_at DESC, r.id",
            [],
        )
    }

    fn listing_lead(&self, id: Uuid) -> Result<ListingLead> {
        json_rows::select(self.conn(), "listing_lead", LEAD_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Lead", id))
    }

    fn listing_analytics(&self) -> Result<Vec<ListingAnalytics>> {
        json_rows::select(self.conn(), "listing_analytics", ANALYTICS_COLUMNS, "ORDER BY r.date DESC, r.id", [])
    }

    fn competing_listings(&self) -> Result<Vec<CompetingListing>> {
        json_rows::select(self.conn(), "competing_listing", COMPETITOR_COLUMNS, "ORDER BY r.price_diff_pct, r.id", [])
    }

    fn write_listings(&mut self, w: &ListingWrite, now: DateTime<Utc>) -> Result<()> {
        if w.is_empty() {
            return Ok(());
        }
        self.transaction(|tx| {
            write_rows(tx, w)?;
            for m in &w.outbox {
                crate::outbox::enqueue(tx, m, now)?;
            }
            Ok(())
        })
    }
}

impl ListingPort for super::Queueing<'_> {
    fn listings(&self) -> Result<Vec<Listing>> {
        self.store.listings()
    }

    fn listing(&self, id: Uuid) -> Result<Listing> {
        ListingPort::listing(&*self.store, id)
    }

    fn listing_platforms(&self) -> Result<Vec<ListingPlatform>> {
        self.store.listing_platforms()
    }

    fn listing_leads(&self) -> Result<Vec<ListingLead>> {
        self.store.listing_leads()
    }

    fn listing_lead(&self, id: Uuid) -> Result<ListingLead> {
        self.store.listing_lead(id)
    }

    fn listing_analytics(&self) -> Result<Vec<ListingAnalytics>> {
        self.store.listing_analytics()
    }

    fn competing_listings(&self) -> Result<Vec<CompetingListing>> {
        self.store.competing_listings()
    }

    fn write_listings(&mut self, w: &ListingWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_listings(w, now) };
        // The rows and the queued action in one transaction; the server sends the messages.
        self.store.transaction(|tx| {
            write_rows(tx, w)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
