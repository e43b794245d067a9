//! `unitcycle jobs run|list|runs`.

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::jobs::{self, Job};

use super::{now_on, open, print_json, today};
use crate::cli::JobsCommand;
use crate::table::{Align, Table};

pub fn run(db: &Path, cmd: JobsCommand) -> Result<()> {
    match cmd {
        JobsCommand::List => {
            let mut t =
                Table::new(&[("Job", Align::Left), ("Schedule (UTC)", Align::Left), ("What it does", Align::Left)]);
            for j in Job::all() {
                t.row(vec![j.name().into(), j.schedule().unwrap_or_else(|| "one-time".into()), j.describe().into()]);
            }
            print!("{}", t.render());
            Ok(())
        }
        JobsCommand::Run { job, today: day, json } => {
            let job = Job::parse(&job).ok_or_else(|| {
                let names: Vec<&str> = Job::all().map(|j| j.name()).collect();
                anyhow!("unknown job '{job}' (known jobs: {})", names.join(", "))
            })?;
            let mut store = open(db)?;
            let day = today(day);
            let report = jobs::run(&mut store, job, day, now_on(day))?;
            if json {
                print_json(&report)
            } else {
                println!("{} ({}): {}", report.job, report.run_date, report.summary);
                Ok(())
            }
        }
        JobsCommand::Runs { limit } => {
            let store = open(db)?;
            let mut t = Table::new(&[
                ("Started (UTC)", Align::Left),
                ("Job", Align::Left),
                ("For", Align::Left),
                ("Outcome", Align::Left),
                ("Summary", Align::Left),
            ]);
            for r in store.job_runs(limit)? {
                t.row(vec![
                    r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    r.job_name,
                    r.run_date.to_string(),
                    r.outcome,
                    r.summary,
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
    }
}
