//! `ShowingsPort` on the replica: the five showing tables through their column lists, the 5.1
//! listing and lead rows read by SQL (and a lead's status set), the step's reminders and
//! follow-ups queued in the same transaction (or, on a connected replica, left to the server,
//! which replays the person's action and sends them).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::showings::model::{
    LeadRef, ListingRef, NurtureMessage, Prospect, Showing, ShowingFeedback, ShowingSlotConfig,
};
use crate::showings::port::{
    ShowingsPort, ShowingsWrite, FEEDBACK_COLUMNS, NURTURE_COLUMNS, PROSPECT_COLUMNS, SHOWING_COLUMNS, SLOT_COLUMNS,
};

fn write_rows(tx: &rusqlite::Transaction<'_>, w: &ShowingsWrite, now: DateTime<Utc>) -> Result<()> {
    json_rows::upsert(tx, "prospect", PROSPECT_COLUMNS, &w.prospects)?;
    json_rows::upsert(tx, "showing", SHOWING_COLUMNS, &w.showings)?;
    json_rows::upsert(tx, "showing_feedback", FEEDBACK_COLUMNS, &w.feedback)?;
    json_rows::upsert(tx, "showing_slot_config", SLOT_COLUMNS, &w.slots)?;
    json_rows::upsert(tx, "nurture_message", NURTURE_COLUMNS, &w.nurture)?;
    for (id, status) in &w.lead_statuses {
        tx.execute(
            "UPDATE listing_lead SET status = ?1, updated_at = ?2 WHERE id = ?3",
            rusqlite::params![status, now, id.to_string()],
        )?;
    }
    Ok(())
}

fn not_found(what: &'static str, id: Uuid) -> StoreError {
    StoreError::NotFound { what, id: id.to_string() }
}

fn uuid_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Uuid>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| Uuid::parse_str(&s).ok()))
}

fn listing_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ListingRef>> {
    let (Some(id), Some(property_id)) = (uuid_col(r, 0)?, uuid_col(r, 2)?) else { return Ok(None) };
    Ok(Some(ListingRef {
        id,
        unit_id: uuid_col(r, 1)?,
        property_id,
        title: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        status: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        asking_rent: r.get::<_, Option<String>>(5)?.and_then(|s| s.parse::<Decimal>().ok()),
    }))
}

/// The replica's 5.1 reads (their tables, by SQL), shared with [`super::Queueing`].
fn listing_ref(store: &Store, id: Uuid) -> Result<ListingRef> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, unit_id, property_id, title, status, CAST(asking_rent AS TEXT) FROM listing WHERE id = ?1",
    )?;
    let mut rows = stmt.query([id.to_string()])?;
    match rows.next()? {
        Some(r) => listing_of(r)?.ok_or_else(|| not_found("Listing", id)),
        None => Err(not_found("Listing", id)),
    }
}

fn lead_refs(store: &Store) -> Result<Vec<LeadRef>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, listing_id, property_id, prospect_name, email, phone, lead_score, lead_grade, status, created_at \
         FROM listing_lead ORDER BY created_at, id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let (Some(id), Some(listing_id), Some(property_id)) = (uuid_col(r, 0)?, uuid_col(r, 1)?, uuid_col(r, 2)?)
        else {
            continue;
        };
        let Some(created_at) = r.get::<_, Option<DateTime<Utc>>>(9).ok().flatten() else { continue };
        out.push(LeadRef {
            id,
            listing_id,
            property_id,
            prospect_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            email: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            phone: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            lead_score: r.get::<_, Option<i64>>(6)?.unwrap_or_default().clamp(0, 100) as i32,
            lead_grade: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            status: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            created_at,
        });
    }
    Ok(out)
}

impl ShowingsPort for Store {
    fn prospects(&self) -> Result<Vec<Prospect>> {
        json_rows::select(
            self.conn(),
            "prospect",
            PROSPECT_COLUMNS,
            "ORDER BY r.lead_score DESC, r.created_at DESC, r.id",
            [],
        )
    }

    fn prospect(&self, id: Uuid) -> Result<Prospect> {
        json_rows::select(self.conn(), "prospect", PROSPECT_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Prospect", id))
    }

    fn showings(&self) -> Result<Vec<Showing>> {
        json_rows::select(self.conn(), "showing", SHOWING_COLUMNS, "ORDER BY r.scheduled_at, r.id", [])
    }

    fn showing(&self, id: Uuid) -> Result<Showing> {
        json_rows::select(self.conn(), "showing", SHOWING_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Showing", id))
    }

    fn showing_feedback(&self) -> Result<Vec<ShowingFeedback>> {
        json_rows::select(self.conn(), "showing_feedback", FEEDBACK_COLUMNS, "ORDER BY r.created_at, r.id", [])
    }

    fn slot_configs(&self) -> Result<Vec<ShowingSlotConfig>> {
        json_rows::select(
            self.conn(),
            "showing_slot_config",
            SLOT_COLUMNS,
            "ORDER BY r.property_id, r.day_of_week, r.start_time",
            [],
        )
    }

    fn nurture_messages(&self) -> Result<Vec<NurtureMessage>> {
        json_rows::select(self.conn(), "nurture_message", NURTURE_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn listing_ref(&self, id: Uuid) -> Result<ListingRef> {
        listing_ref(self, id)
    }

    fn lead_refs(&self) -> Result<Vec<LeadRef>> {
        lead_refs(self)
    }

    fn write_showings(&mut self, w: &ShowingsWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            write_rows(tx, w, now)?;
            for m in &w.outbox {
                crate::outbox::enqueue(tx, m, now)?;
            }
            Ok(())
        })
    }
}

impl ShowingsPort for super::Queueing<'_> {
    fn prospects(&self) -> Result<Vec<Prospect>> {
        self.store.prospects()
    }

    fn prospect(&self, id: Uuid) -> Result<Prospect> {
        self.store.prospect(id)
    }

    fn showings(&self) -> Result<Vec<Showing>> {
        self.store.showings()
    }

    fn showing(&self, id: Uuid) -> Result<Showing> {
        self.store.showing(id)
    }

    fn showing_feedback(&self) -> Result<Vec<ShowingFeedback>> {
        self.store.showing_feedback()
    }

    fn slot_configs(&self) -> Result<Vec<ShowingSlotConfig>> {
        self.store.slot_configs()
    }

    fn nurture_messages(&self) -> Result<Vec<NurtureMessage>> {
        self.store.nurture_messages()
    }

    fn listing_ref(&self, id: Uuid) -> Result<ListingRef> {
        listing_ref(self.store, id)
    }

    fn lead_refs(&self) -> Result<Vec<LeadRef>> {
        lead_refs(self.store)
    }

    fn write_showings(&mut self, w: &ShowingsWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_showings(w, now) };
        // Connected: the rows and the queued action in one transaction; the server, replaying
        // the action, writes the same rows and sends the messages. A showing step queues its own
        // action; another feature's (a screening submission converting a prospect) is queued by
        // that feature's write.
        self.store.transaction(|tx| {
            write_rows(tx, w, now)?;
            if action.entity == crate::showings::workflow::ENTITY {
                crate::sync_actions::queue(tx, &action, now)?;
            }
            Ok(())
        })
    }
}
