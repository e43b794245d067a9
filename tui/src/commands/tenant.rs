//! `unitcycle tenant add`: someone a lease can be signed to (`unitcycle lifecycle new-lease`).

use std::path::Path;

use anyhow::{bail, Result};
use unitcycle_core::lifecycle::new_lease::{add_tenant, TenantInput};

use super::{open, print_json};
use crate::cli::TenantCommand;

pub fn run(db: &Path, cmd: TenantCommand) -> Result<()> {
    match cmd {
        TenantCommand::Add { first, last, email, phone, date_of_birth, json } => {
            let mut store = open(db)?;
            if unitcycle_core::sync_actions::connected(&store)? {
                bail!("this replica syncs with a server: add the tenant there (POST /api/v1/tenants/), then `unitcycle sync`");
            }
            let input = TenantInput { first_name: first, last_name: last, email, phone, date_of_birth };
            let tenant = add_tenant(&mut store, input, chrono::Utc::now())?;
            if json {
                return print_json(&tenant);
            }
            println!("Added tenant {} <{}>: {}", tenant.full_name(), tenant.email, tenant.id);
            Ok(())
        }
    }
}
