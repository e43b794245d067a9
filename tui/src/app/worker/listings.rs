//! The worker's listing requests (spec 5.1): the board (each listing with its leads counted),
//! the lead inbox, and a person's step through the core (publish, delist, optimize, price
//! check, respond to a lead).

use chrono::{DateTime, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::listing_syndication::analysis::PriceCheck;
use unitcycle_core::listing_syndication::model::{Listing, ListingLead};
use unitcycle_core::listing_syndication::port::ListingPort;
use unitcycle_core::listing_syndication::publisher;
use unitcycle_core::listing_syndication::workflow::{
    self as wf, ListingAction, ListingOutcome, OptimizeOutcome, RespondBody,
};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// The platforms a listing not yet on any is published to from the board.
pub const DEFAULT_PLATFORMS: &[&str] = &["zillow", "apartments_com", "zumper", "facebook"];

#[derive(Debug, Clone)]
pub enum ListingsRequest {
    Board {
        now: DateTime<Utc>,
    },
    /// The vacant units a listing can be made for.
    VacantUnits,
    /// A draft listing of a vacant unit, drafted from its record.
    Create {
        unit_id: Uuid,
        now: DateTime<Utc>,
    },
    Leads,
    Publish {
        id: Uuid,
        platforms: Vec<String>,
        now: DateTime<Utc>,
    },
    Delist {
        id: Uuid,
        now: DateTime<Utc>,
    },
    Optimize {
        id: Uuid,
        now: DateTime<Utc>,
    },
    PriceCheck {
        id: Uuid,
        now: DateTime<Utc>,
    },
    Respond {
        id: Uuid,
        now: DateTime<Utc>,
    },
}

/// One listing on the board.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub listing: Listing,
    pub leads: usize,
    /// The platforms it is on (any status but delisted), else the default ones.
    pub platforms: Vec<String>,
}

/// One lead of the inbox with its listing's title.
#[derive(Debug, Clone)]
pub struct LeadRow {
    pub lead: ListingLead,
    pub listing_title: String,
}

#[derive(Debug, Clone)]
pub enum ListingsData {
    Board(Vec<BoardRow>),
    Units(Vec<super::staging::UnitChoice>),
    Leads(Vec<LeadRow>),
    Done(String),
    Checked(Box<PriceCheck>),
    Optimized(Box<OptimizeOutcome>),
}

pub fn answer(store: &mut Store, gateway: &Gateway, req: ListingsRequest) -> Result<ListingsData, StoreError> {
    Ok(match req {
        ListingsRequest::Board { now } => {
            let leads = store.listing_leads()?;
            let platforms = store.listing_platforms()?;
            let rows = wf::current(&*store, now)?
                .into_iter()
                .map(|l| {
                    let mut on: Vec<String> = platforms
                        .iter()
                        .filter(|p| p.listing_id == l.id && p.syndication_status != "delisted")
                        .map(|p| p.platform_name.clone())
                        .collect();
                    if on.is_empty() {
                        on = DEFAULT_PLATFORMS.iter().map(|p| p.to_string()).collect();
                    }
                    BoardRow { leads: leads.iter().filter(|x| x.listing_id == l.id).count(), platforms: on, listing: l }
                })
                .collect();
            ListingsData::Board(rows)
        }
        ListingsRequest::VacantUnits => ListingsData::Units(super::staging::vacant_units(store)?),
        ListingsRequest::Create { unit_id, now } => {
            // A connected replica's listings are the server's (it numbers and publishes them).
            if unitcycle_core::sync_actions::connected(store)? {
                return Err(StoreError::Rejected(
                    "this replica is connected: create the listing on the server (POST /api/v1/listings/)".into(),
                ));
            }
            let new = wf::NewListing { unit_id, ..Default::default() };
            let l = wf::create(store, Uuid::new_v4(), new, now)?;
            ListingsData::Done(format!(
                "Draft listing \"{}\" at {}/month: p publishes it",
                l.title,
                unitcycle_core::format::money(l.asking_rent)
            ))
        }
        ListingsRequest::Leads => {
            let listings = store.listings()?;
            let rows = store
                .listing_leads()?
                .into_iter()
                .map(|lead| LeadRow {
                    listing_title: listings
                        .iter()
                        .find(|l| l.id == lead.listing_id)
                        .map(|l| l.title.clone())
                        .unwrap_or_default(),
                    lead,
                })
                .collect();
            ListingsData::Leads(rows)
        }
        ListingsRequest::Publish { id, platforms, now } => {
            let action = ListingAction::Publish { platforms };
            let ListingOutcome::Published(out) = wf::act_on_replica(store, &*publisher::from_env(), id, &action, now)?
            else {
                return Err(StoreError::Rejected("unexpected outcome".into()));
            };
            let pending = out.platforms.iter().filter(|p| p.syndication_status == "pending").count();
            let failed = out.platforms.iter().filter(|p| p.syndication_status == "failed").count();
            ListingsData::Done(format!(
                "Published to {} platform(s): {pending} pending on the feed, {failed} failed",
                out.platforms.len()
            ))
        }
        ListingsRequest::Delist { id, now } => {
            let ListingOutcome::Published(out) =
                wf::act_on_replica(store, &*publisher::from_env(), id, &ListingAction::Delist, now)?
            else {
                return Err(StoreError::Rejected("unexpected outcome".into()));
            };
            ListingsData::Done(format!("Delisted from {} platform(s)", out.platforms.len()))
        }
        ListingsRequest::Optimize { id, now } => {
            ListingsData::Optimized(Box::new(wf::optimize(store, gateway, id, now)?))
        }
        ListingsRequest::PriceCheck { id, now } => {
            match wf::act_on_replica(store, &*publisher::from_env(), id, &ListingAction::PriceCheck, now)? {
                ListingOutcome::PriceChecked(c) => ListingsData::Checked(Box::new(c)),
                _ => return Err(StoreError::Rejected("unexpected outcome".into())),
            }
        }
        ListingsRequest::Respond { id, now } => {
            let listing_id = store.listing_lead(id)?.listing_id;
            let action = ListingAction::Respond { lead_id: id, body: RespondBody::default() };
            let ListingOutcome::Responded(r) =
                wf::act_on_replica(store, &*publisher::from_env(), listing_id, &action, now)?
            else {
                return Err(StoreError::Rejected("unexpected outcome".into()));
            };
            ListingsData::Done(format!("Reply queued by {} to {}; lead {}", r.channel, r.recipient, r.lead.status))
        }
    })
}
