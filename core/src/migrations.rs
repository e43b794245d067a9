//! The SQL migrations, embedded at build time and applied in order.
//!
//! Both sets are append-only: a landed file is never edited; change comes as a new file with
//! the next number. `core` only carries the SQL text for PostgreSQL; the server applies it.

/// One numbered migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal => $file:literal),+ $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!("../../migrations/", $dir, "/", $file)),
        }),+]
    };
}

/// Migrations for device replicas (SQLite).
pub const SQLITE: &[Migration] = migrations!("sqlite":
    1 => "0001_base.sql",
    2 => "0002_sync.sql",
    3 => "0003_ai_run.sql",
    4 => "0004_move_in_inspection.sql",
    5 => "0005_outbox.sql",
    6 => "0006_renewals.sql",
    7 => "0007_collections.sql",
    8 => "0008_command_center.sql",
    9 => "0009_inspection_push.sql",
    10 => "0010_move_in_signature_ip.sql",
    11 => "0011_sync_action.sql",
    12 => "0012_manual_job_runs.sql",
    13 => "0013_property_time_zone.sql",
    14 => "0014_outbox_delivery.sql",
    15 => "0015_records_archive.sql",
    16 => "0016_tenant_forwarding_address.sql",
    17 => "0017_turnover.sql",
    18 => "0018_ledger_summary_index.sql",
    19 => "0019_move_out_inspection.sql",
    20 => "0020_pricing.sql",
    21 => "0021_maintenance_vendors.sql",
    22 => "0022_list_indexes.sql",
    23 => "0023_invoice_extraction.sql",
    24 => "0024_lease_abstraction.sql",
    25 => "0025_portfolio_chat.sql",
    26 => "0026_screening.sql",
    27 => "0027_lease_generation.sql",
    28 => "0028_communications_hub.sql",
    29 => "0029_communications_broadcasts.sql",
    30 => "0030_onboarding.sql",
    31 => "0031_listings.sql",
    32 => "0032_showings.sql",
    33 => "0033_staging.sql",
    34 => "0034_surveys_competitor_analysis.sql",
);

/// Migrations for the central store (PostgreSQL).
pub const POSTGRES: &[Migration] = migrations!("postgres":
    1 => "0001_base.sql",
    2 => "0002_sync.sql",
    3 => "0003_ai_run.sql",
    4 => "0004_move_in_inspection.sql",
    5 => "0005_outbox.sql",
    6 => "0006_renewals.sql",
    7 => "0007_collections.sql",
    8 => "0008_command_center.sql",
    9 => "0009_inspection_push.sql",
    10 => "0010_move_in_signature_ip.sql",
    11 => "0011_sync_action.sql",
    12 => "0012_manual_job_runs.sql",
    13 => "0013_property_time_zone.sql",
    14 => "0014_outbox_delivery.sql",
    15 => "0015_records_archive.sql",
    16 => "0016_tenant_forwarding_address.sql",
    17 => "0017_turnover.sql",
    18 => "0018_ledger_summary_index.sql",
    19 => "0019_move_out_inspection.sql",
    20 => "0020_pricing.sql",
    21 => "0021_maintenance_vendors.sql",
    22 => "0022_list_indexes.sql",
    23 => "0023_invoice_extraction.sql",
    24 => "0024_lease_abstraction.sql",
    25 => "0025_portfolio_chat.sql",
    26 => "0026_screening.sql",
    27 => "0027_lease_generation.sql",
    28 => "0028_communications_hub.sql",
    29 => "0029_communications_broadcasts.sql",
    30 => "0030_onboarding.sql",
    31 => "0031_listings.sql",
    32 => "0032_showings.sql",
    33 => "0033_staging.sql",
    34 => "0034_surveys_competitor_analysis.sql",
);

/// The table that records which migrations a database has had.
pub const VERSION_TABLE: &str = "schema_migrations";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_and_both_sets_match() {
        for set in [SQLITE, POSTGRES] {
            for m in set.iter() {
                assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
            }
            assert!(set.windows(2).all(|w| w[0].version < w[1].version), "versions only increase");
        }
        let names = |set: &[Migration]| set.iter().map(|m| m.name).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES), "every change lands in both stores");
    }

    /// The same tables and columns exist on both sides (types differ by design).
    #[test]
    fn both_sets_create_the_same_tables_and_columns() {
        fn columns(sql: &str) -> Vec<(String, Vec<String>)> {
            let mut out = Vec::new();
            for chunk in sql.split("CREATE TABLE ").skip(1) {
                let name = chunk.split_whitespace().next().unwrap().to_string();
                let body = &chunk[chunk.find('(').unwrap() + 1..chunk.find(");").unwrap()];
                let cols = body
                    .lines()
                    .map(str::trim)
                    .filter(|l| {
                        !l.is_empty() && !l.starts_with("UNIQUE") && !l.starts_with("CHECK") && !l.starts_with("--")
                    })
                    .filter_map(|l| l.split_whitespace().next())
                    .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .map(str::to_string)
                    .collect();
                out.push((name, cols));
            }
            out
        }
        for (s, p) in SQLITE.iter().zip(POSTGRES) {
            assert_eq!(columns(s.sql), columns(p.sql), "{}", s.name);
        }
    }
}
