//! `unitcycle listings …`: the listings on this replica and the MITS feed (spec 5.1). The feed
//! is the core's `listing_syndication::feed`, written from the replica's active listings.

use std::path::Path;

use anyhow::{Context, Result};
use unitcycle_core::format::money;
use unitcycle_core::listing_syndication::port::ListingPort;
use unitcycle_core::listing_syndication::workflow as wf;

use super::{now_on, open, print_json, today};
use crate::cli::ListingsCommand;
use crate::table::{Align, Table};

pub fn run(db: &Path, cmd: ListingsCommand) -> Result<()> {
    let store = open(db)?;
    let now = now_on(today(None));
    match cmd {
        ListingsCommand::Feed { out } => {
            let entries = wf::feed_entries(&store)?;
            let xml = unitcycle_core::listing_syndication::feed::mits_feed(&entries, now);
            std::fs::write(&out, xml).with_context(|| format!("cannot write {}", out.display()))?;
            println!("Wrote the MITS feed of {} active listing(s) to {}.", entries.len(), out.display());
            Ok(())
        }
        ListingsCommand::List { json } => {
            let listings = wf::current(&store, now)?;
            if json {
                return print_json(&listings);
            }
            let leads = store.listing_leads()?;
            let mut t = Table::new(&[
                ("Title", Align::Left),
                ("Status", Align::Left),
                ("Rent", Align::Right),
                ("DOM", Align::Right),
                ("Views", Align::Right),
                ("Leads", Align::Right),
                ("Stale", Align::Left),
            ]);
            for l in &listings {
                t.row(vec![
                    l.title.clone(),
                    l.status.clone(),
                    money(l.asking_rent),
                    l.days_on_market.to_string(),
                    l.total_views.to_string(),
                    leads.iter().filter(|x| x.listing_id == l.id).count().to_string(),
                    if l.is_stale { "stale".into() } else { String::new() },
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
    }
}
