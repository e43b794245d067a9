//! `unitcycle doctor`: the rows of a replica that the boundary would refuse today
//! (`unitcycle_core::doctor::scan`). Jobs read past them; this names each one to fix.

use std::path::Path;

use anyhow::{bail, Result};

use super::{open, print_json};
use crate::table::{Align, Table};

pub fn run(db: &Path, json: bool) -> Result<()> {
    let store = open(db)?;
    let bad = unitcycle_core::doctor::scan(&store)?;
    if json {
        print_json(&bad)?;
    } else if bad.is_empty() {
        println!("No bad rows in {}.", db.display());
    } else {
        let mut t = Table::new(&[
            ("Table", Align::Left),
            ("Id", Align::Left),
            ("Field", Align::Left),
            ("Value", Align::Left),
            ("Why", Align::Left),
        ]);
        for b in &bad {
            t.row(vec![
                b.table.clone(),
                b.id.clone(),
                b.field.clone(),
                b.value.escape_debug().to_string(),
                b.why.clone(),
            ]);
        }
        print!("{}", t.render());
    }
    if !bad.is_empty() {
        bail!("{} bad row(s): jobs skip them with a warning until they are fixed", bad.len());
    }
    Ok(())
}
