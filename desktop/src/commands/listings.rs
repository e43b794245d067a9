//! Listings from the desktop (spec 5.1): every listing with its status, rent, days on market,
//! views and leads; a listing's editor (title, description, and its photos' order and captions,
//! each photo served by sha256 when it is a stored blob) saved through the core's listing
//! action `edit`; publishing to platforms and delisting everywhere. Every change goes through
//! `act_on_replica`, so a connected replica applies it at once and queues it for the server,
//! which replays the same action. A new listing is a draft of a vacant unit without one,
//! drafted by the core from the unit's record; a connected replica refuses it as the terminal
//! does (the server numbers and publishes its listings). Core's refusals are the error's detail,
//! word for word.

use chrono::Utc;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::listing_syndication::edit::{self, PhotoEdit};
use unitcycle_core::listing_syndication::model::{platform_label, Listing, PLATFORMS};
use unitcycle_core::listing_syndication::port::ListingPort;
use unitcycle_core::listing_syndication::publisher;
use unitcycle_core::listing_syndication::workflow::{self as wf, ListingAction, ListingDetail, ListingOutcome};
use unitcycle_core::staging::model::blob_hash;
use unitcycle_core::staging::workflow::{vacant_units, VacantUnit};
use unitcycle_core::store::{Store, StoreError};

/// The platforms a listing on none yet is offered for (the terminal's board uses the same four).
pub const DEFAULT_PLATFORMS: &[&str] = &["zillow", "apartments_com", "zumper", "facebook"];

/// A platform of the picker: its value and its name (`apartments_com` → `Apartments.com`).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PlatformOption {
    pub value: String,
    pub label: String,
}

/// A listing in the list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingRow {
    pub listing: Listing,
    pub unit_number: String,
    pub property_name: String,
    pub leads: u32,
    pub photos: u32,
    /// The platforms it is on (any status but delisted).
    pub platforms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingsView {
    pub rows: Vec<ListingRow>,
    pub platforms: Vec<PlatformOption>,
}

/// One photo of the editor, in the listing's order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingPhotoView {
    pub url: String,
    /// The photo's sha256 when it is a stored blob (the `media` scheme serves it).
    pub sha256: Option<String>,
    pub caption: String,
    pub virtually_staged: bool,
}

/// A listing as its editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ListingPage {
    pub detail: ListingDetail,
    pub unit_number: String,
    pub property_name: String,
    pub photos: Vec<ListingPhotoView>,
    /// The platforms a publish is offered for: the ones it is on, else the default four.
    pub publish_to: Vec<String>,
    /// The lease that makes the unit leased (its listing can be neither edited nor published).
    pub leased_by: Option<String>,
    pub max_title: u32,
    pub max_description: u32,
    pub max_caption: u32,
}

fn platforms_on(store: &Store, listing: Uuid) -> CmdResult<Vec<String>> {
    Ok(wf::platforms_of(store, listing)?
        .into_iter()
        .filter(|p| p.syndication_status != "delisted")
        .map(|p| p.platform_name)
        .collect())
}

pub fn listings_view(s: &AppState) -> CmdResult<ListingsView> {
    let store = s.store()?;
    let leads = store.listing_leads()?;
    let mut rows = Vec::new();
    for l in wf::current(&*store, Utc::now())? {
        let unit = store.unit(l.unit_id)?;
        rows.push(ListingRow {
            unit_number: unit.unit_number,
            property_name: store.property(l.property_id)?.name,
            leads: leads.iter().filter(|x| x.listing_id == l.id).count() as u32,
            photos: l.photos.as_array().map_or(0, Vec::len) as u32,
            platforms: platforms_on(&store, l.id)?,
            listing: l,
        });
    }
    Ok(ListingsView {
        rows,
        platforms: PLATFORMS
            .iter()
            .map(|p| PlatformOption { value: p.to_string(), label: platform_label(p).to_string() })
            .collect(),
    })
}

/// The listing's photos in their order (`order`, then their place in the list).
pub fn photo_views(photos: &Value) -> Vec<ListingPhotoView> {
    let mut items: Vec<(i64, usize, ListingPhotoView)> = photos
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let url = p.get("url")?.as_str()?.trim().to_string();
            Some((
                p.get("order").and_then(Value::as_i64).unwrap_or(i as i64),
                i,
                ListingPhotoView {
                    sha256: blob_hash(&url).map(str::to_string),
                    caption: p.get("caption").and_then(Value::as_str).unwrap_or_default().to_string(),
                    virtually_staged: p.get("virtually_staged").and_then(Value::as_bool).unwrap_or(false),
                    url,
                },
            ))
        })
        .collect();
    items.sort_by_key(|(order, i, _)| (*order, *i));
    items.into_iter().map(|(_, _, v)| v).collect()
}

fn page(store: &Store, listing_id: Uuid) -> CmdResult<ListingPage> {
    let detail = wf::current_detail(store, listing_id, Utc::now())?;
    let unit = store.unit(detail.listing.unit_id)?;
    let mut publish_to = platforms_on(store, listing_id)?;
    if publish_to.is_empty() {
        publish_to = DEFAULT_PLATFORMS.iter().map(|p| p.to_string()).collect();
    }
    Ok(ListingPage {
        unit_number: unit.unit_number,
        property_name: store.property(detail.listing.property_id)?.name,
        photos: photo_views(&detail.listing.photos),
        publish_to,
        leased_by: wf::leased(store, unit.id)?.map(|l| l.lease_number),
        max_title: edit::max_title() as u32,
        max_description: edit::max_description() as u32,
        max_caption: edit::MAX_CAPTION as u32,
        detail,
    })
}

pub fn listing_page(s: &AppState, listing_id: String) -> CmdResult<ListingPage> {
    page(&*s.store()?, id(&listing_id)?)
}

fn act(s: &AppState, listing_id: Uuid, action: &ListingAction) -> CmdResult<(ListingOutcome, ListingPage)> {
    let mut store = s.store()?;
    let out = wf::act_on_replica(&mut store, &*publisher::from_env(), listing_id, action, Utc::now())?;
    Ok((out, page(&store, listing_id)?))
}

/// The vacant units a new listing can be made for: the terminal's choice (`vacant_units`) less
/// the units that already have a listing not delisted.
pub fn listing_units(s: &AppState) -> CmdResult<Vec<VacantUnit>> {
    let store = s.store()?;
    let running: Vec<Uuid> =
        store.listings()?.into_iter().filter(|l| l.status != "delisted").map(|l| l.unit_id).collect();
    Ok(vacant_units(&store)?.into_iter().filter(|u| !running.contains(&u.id)).collect())
}

/// A draft listing of the unit, drafted from its record (title, description, rent) as the
/// terminal's `n` drafts it. A connected replica's listings are the server's, so it refuses.
pub fn listing_create(s: &AppState, unit_id: String) -> CmdResult<ListingPage> {
    let unit_id = id(&unit_id)?;
    let mut store = s.store()?;
    if unitcycle_core::sync_actions::connected(&store)? {
        return Err(StoreError::Rejected(
            "this replica is connected: create the listing on the server (POST /api/v1/listings/)".into(),
        )
        .into());
    }
    let new = wf::NewListing { unit_id, ..Default::default() };
    let listing = wf::create(&mut *store, Uuid::new_v4(), new, Utc::now())?;
    page(&store, listing.id)
}

/// Saves the title, the description and the photos (each of the listing's own, in the new order,
/// with its caption).
pub fn listing_save(
    s: &AppState,
    listing_id: String,
    title: String,
    description: String,
    photos: Vec<PhotoEdit>,
) -> CmdResult<ListingPage> {
    let action = ListingAction::Edit { title, description, photos };
    Ok(act(s, id(&listing_id)?, &action)?.1)
}

/// Publishes the listing to `platforms`.
pub fn listing_publish(s: &AppState, listing_id: String, platforms: Vec<String>) -> CmdResult<ListingPage> {
    Ok(act(s, id(&listing_id)?, &ListingAction::Publish { platforms })?.1)
}

/// Delists the listing from every platform it is on.
pub fn listing_delist(s: &AppState, listing_id: String) -> CmdResult<ListingPage> {
    match act(s, id(&listing_id)?, &ListingAction::Delist)? {
        (ListingOutcome::Published(_), page) => Ok(page),
        _ => Err(CommandError::new("internal", "delisting returned something else")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::super::staging::tests::published;
    use super::*;

    fn edits(page: &ListingPage) -> Vec<PhotoEdit> {
        page.photos.iter().map(|p| PhotoEdit { url: p.url.clone(), caption: p.caption.clone() }).collect()
    }

    #[test]
    fn the_demo_listings_are_listed_with_their_rent_status_and_platforms() {
        let (s, _dir) = demo();
        let view = ops::listings_view(&s).unwrap();
        assert_eq!(view.rows.len(), 2);
        assert!(view.rows.iter().all(|r| r.listing.status == "active" && !r.platforms.is_empty() && r.photos == 0));
        assert_eq!(view.platforms.len(), 9);
        assert_eq!(view.platforms[1].label, "Apartments.com");
        let page = ops::listing_page(&s, view.rows[0].listing.id.to_string()).unwrap();
        assert_eq!((page.max_title, page.max_description, page.max_caption), (200, 2500, 200));
        assert!(page.leased_by.is_none() && page.photos.is_empty());
        assert_eq!(page.publish_to, view.rows[0].platforms);
    }

    #[test]
    fn staged_photos_are_reordered_recaptioned_and_the_text_saved_through_core() {
        let (s, _dir) = demo();
        let (_, listing) = published(&s);
        let page = ops::listing_page(&s, listing.to_string()).unwrap();
        assert_eq!(page.photos.iter().map(|p| p.caption.as_str()).collect::<Vec<_>>(), ["Living room", "Kitchen"]);
        assert!(page.photos.iter().all(|p| p.sha256.is_some() && !p.virtually_staged));

        let mut order = edits(&page);
        order.reverse();
        order[0].caption = " Bright kitchen ".into();
        let saved = ops::listing_save(
            &s,
            listing.to_string(),
            "Sunny 2 bed by the park".into(),
            "Freshly painted.".into(),
            order,
        )
        .unwrap();
        assert_eq!(saved.detail.listing.title, "Sunny 2 bed by the park");
        assert_eq!(
            saved.photos.iter().map(|p| (p.caption.as_str(), p.url.as_str())).collect::<Vec<_>>(),
            [("Bright kitchen", page.photos[1].url.as_str()), ("Living room", page.photos[0].url.as_str())]
        );
        let again = ops::listing_page(&s, listing.to_string()).unwrap();
        assert_eq!(again.photos, saved.photos, "as stored");

        // An invented photo or an empty title: core's words, nothing stored.
        let mut bad = edits(&again);
        bad[1].url = "https://example.test/pool.jpg".into();
        let e = ops::listing_save(&s, listing.to_string(), "T".into(), "D".into(), bad).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_str()),
            (
                "invalid_input",
                "photos[1]: https://example.test/pool.jpg is not one of the listing's photos; an edit only reorders and captions them."
            )
        );
        let e = ops::listing_save(&s, listing.to_string(), " ".into(), "D".into(), edits(&again)).unwrap_err();
        assert_eq!(e.detail, "title: required.");
        assert_eq!(ops::listing_page(&s, listing.to_string()).unwrap(), again);
    }

    #[test]
    fn a_listing_is_delisted_and_published_again_and_a_connected_replica_queues_the_edit() {
        let (s, _dir) = demo();
        let row = ops::listings_view(&s).unwrap().rows.remove(0);
        let lid = row.listing.id.to_string();
        let off = ops::listing_delist(&s, lid.clone()).unwrap();
        assert_eq!(off.detail.listing.status, "delisted");
        assert!(off.detail.platforms.iter().all(|p| p.syndication_status == "delisted"));
        assert_eq!(ops::listing_delist(&s, lid.clone()).unwrap_err().detail, "The listing is already delisted.");
        let on = ops::listing_publish(&s, lid.clone(), vec!["zillow".into(), "hotpads".into()]).unwrap();
        assert_eq!(on.detail.listing.status, "active");
        assert_eq!(on.publish_to, ["zillow", "hotpads"]);

        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let saved =
            ops::listing_save(&s, lid.clone(), "Edited while connected".into(), "Queued.".into(), vec![]).unwrap();
        assert_eq!(saved.detail.listing.title, "Edited while connected");
        let (entity, entity_id): (String, String) = s
            .store()
            .unwrap()
            .conn()
            .query_row("SELECT entity, entity_id FROM sync_action WHERE action LIKE '%\"edit\"%'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((entity.as_str(), entity_id), (wf::ENTITY, lid));
    }

    #[test]
    fn a_vacant_unit_gets_a_draft_listing_at_its_rent_and_a_connected_replica_refuses() {
        let (s, _dir) = demo();
        let units = ops::listing_units(&s).unwrap();
        assert!(!units.is_empty(), "the demo has vacant units without a listing");
        let listed: Vec<Uuid> = ops::listings_view(&s).unwrap().rows.iter().map(|r| r.listing.unit_id).collect();
        assert!(units.iter().all(|u| !listed.contains(&u.id)));

        let choice = &units[0];
        let unit = s.store().unwrap().unit(choice.id).unwrap();
        let rent = if unit.market_rent > rust_decimal::Decimal::ZERO { unit.market_rent } else { unit.current_rent };
        let page = ops::listing_create(&s, choice.id.to_string()).unwrap();
        assert_eq!(page.detail.listing.status, "draft");
        assert_eq!(page.detail.listing.asking_rent, rent);
        assert_eq!(
            (page.unit_number.as_str(), page.property_name.as_str()),
            (choice.unit_number.as_str(), choice.property_name.as_str())
        );
        assert!(!page.detail.listing.title.is_empty() && page.detail.platforms.is_empty());
        assert!(ops::listings_view(&s).unwrap().rows.iter().any(|r| r.listing.id == page.detail.listing.id));
        assert!(ops::listing_units(&s).unwrap().iter().all(|u| u.id != choice.id), "no longer offered");

        // A unit under an active lease: core refuses to draft it, in its words.
        let lease = {
            let store = s.store().unwrap();
            let mut found = None;
            for p in store.properties().unwrap() {
                for u in store.units(p.id).unwrap() {
                    found = found.or(wf::leased(&*store, u.id).unwrap());
                }
            }
            found.expect("the demo has an active lease")
        };
        let e = ops::listing_create(&s, lease.unit_id.to_string()).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(e.detail.ends_with(&format!(
            "has an active lease ({}); a listing is for a vacant unit or one under notice.",
            lease.lease_number
        )));

        let e = ops::listing_create(&s, Uuid::new_v4().to_string()).unwrap_err();
        assert_eq!(e.code, "not_found");

        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        let before = ops::listings_view(&s).unwrap().rows.len();
        let e = ops::listing_create(&s, choice.id.to_string()).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_str()),
            ("invalid_input", "this replica is connected: create the listing on the server (POST /api/v1/listings/)")
        );
        assert_eq!(ops::listings_view(&s).unwrap().rows.len(), before, "none made");
    }
}
