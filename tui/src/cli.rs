//! Command-line arguments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use unitcycle_core::model::LeaseStatus;

#[derive(Debug, Parser)]
#[command(name = "unitcycle", version, about = "UnitCycle: local-first property management in the terminal")]
pub struct Cli {
    /// The replica to use [default: $UNITCYCLE_DB or the per-user data path]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Run the terminal app as if today were this day (for demos and scripted tests)
    #[arg(long, hide = true, value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (or refresh) the demo replica
    Demo(DemoArgs),
    /// Run or list jobs
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Lease lifecycle: stats, lists and transitions (spec 1.1)
    #[command(subcommand)]
    Lifecycle(LifecycleCommand),
    /// Print benchmark figures
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of units to generate
    #[arg(long, default_value_t = 1_200)]
    pub units: u32,
    /// Seed for the generator: the same seed gives the same portfolio
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate as of this day [default: today]
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run one job now against the replica
    Run {
        /// Job name, e.g. lifecycle-classify (see `unitcycle jobs list`)
        job: String,
        /// Run as if today were this day
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// List the jobs and their schedules
    List,
    /// Show recent job runs
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Today {
    /// Compute as if today were this day
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LifecycleCommand {
    /// Counts per lifecycle state and leases expiring in 30/60/90 days
    Stats {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        #[command(flatten)]
        opts: Today,
    },
    /// List leases
    List {
        /// Only these states (repeatable): active, month_to_month, notice, vacant
        #[arg(long = "status", value_parser = parse_status)]
        statuses: Vec<LeaseStatus>,
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        /// Only active leases ending within this many days
        #[arg(long, value_name = "DAYS")]
        expiring: Option<u32>,
        /// Match tenant name, unit number or lease number
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        opts: Today,
    },
    /// Show one lease with its progress and status history
    Show {
        /// Lease id or lease number
        lease: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Convert an active lease to month-to-month
    ConvertMtm {
        lease: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Record the tenant's notice
    GiveNotice {
        lease: String,
        #[arg(long, value_parser = parse_date)]
        notice_date: NaiveDate,
        #[arg(long = "move-out", value_parser = parse_date)]
        notice_move_out_date: NaiveDate,
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Mark a lease with notice as vacant after move-out
    MarkVacant {
        lease: String,
        /// Actual move-out date [default: the notice's move-out date if passed, else today]
        #[arg(long = "move-out", value_parser = parse_date)]
        actual_move_out_date: Option<NaiveDate>,
        #[command(flatten)]
        opts: Today,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time generating and classifying a portfolio
    Lifecycle {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
    },
    /// Time drawing frames of the terminal app: the property grid and the lease table
    Tui {
        /// Units in the property whose hex grid is drawn
        #[arg(long, default_value_t = 5_000)]
        units: u32,
        /// Leases in the lease lifecycle table
        #[arg(long, default_value_t = 100_000)]
        leases: u32,
        /// Keep the generated lease replica here and reuse it on later runs
        #[arg(long, value_name = "PATH")]
        replica: Option<std::path::PathBuf>,
    },
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date '{text}': expected YYYY-MM-DD, e.g. 2026-03-15"))
}

fn parse_status(text: &str) -> Result<LeaseStatus, String> {
    text.trim().replace('-', "_").parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_dates_say_what_is_expected() {
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "invalid date '2026-02-30': expected YYYY-MM-DD, e.g. 2026-03-15"
        );
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(parse_status("month-to-month").unwrap(), LeaseStatus::MonthToMonth);
    }
}
