//! The `job_run` table: a record of every job run.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::{get_json, get_uuid, optional, Result, Store};
use crate::model::JobRun;

fn job_run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRun> {
    Ok(JobRun {
        id: get_uuid(r, 0)?,
        job_name: r.get(1)?,
        run_date: r.get(2)?,
        started_at: r.get(3)?,
        finished_at: r.get(4)?,
        outcome: r.get(5)?,
        summary: r.get(6)?,
        counts: get_json(r, 7)?,
    })
}

const COLS: &str = "id, job_name, run_date, started_at, finished_at, outcome, summary, counts";

impl Store {
    /// Records that a job started; returns the run id to finish it with.
    pub fn start_job_run(&self, job_name: &str, run_date: NaiveDate, now: DateTime<Utc>) -> Result<Uuid> {
        let id = Uuid::new_v4();
        self.conn.execute(
            "INSERT INTO job_run (id, job_name, run_date, started_at) VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), job_name, run_date, now],
        )?;
        Ok(id)
    }

    pub fn finish_job_run(
        &self,
        id: Uuid,
        succeeded: bool,
        summary: &str,
        counts: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE job_run SET finished_at = ?2, outcome = ?3, summary = ?4, counts = ?5 WHERE id = ?1",
            params![id.to_string(), now, if succeeded { "succeeded" } else { "failed" }, summary, counts.to_string()],
        )?;
        Ok(())
    }

    /// The most recent successful run of a job, if any.
    pub fn last_successful_run(&self, job_name: &str) -> Result<Option<JobRun>> {
        optional(self.conn.query_row(
            &format!(
                "SELECT {COLS} FROM job_run WHERE job_name = ?1 AND outcome = 'succeeded'
                 ORDER BY started_at DESC LIMIT 1"
            ),
            [job_name],
            job_run_from_row,
        ))
    }

    /// Recent runs, newest first.
    pub fn job_runs(&self, limit: usize) -> Result<Vec<JobRun>> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {COLS} FROM job_run ORDER BY started_at DESC, rowid DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit as i64], job_run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
