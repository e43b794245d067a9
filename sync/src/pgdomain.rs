//! Domain rows on PostgreSQL for the storage-port adapters (`crate::adapter`):
//! synced tables read into the `unitcycle_core` structs through their canonical JSON, the
//! `ai_run` log for the AI gateway, the outbox, and the once-per-day job bookkeeping. No
//! business rule lives here: the decisions are the pure functions of `unitcycle_core`.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Transaction};
use unitcycle_core::ai::{AiRun, AiRunLog};
use unitcycle_core::outbox::NewMessage;
use uuid::Uuid;

use crate::pg::{PgError, Result};
use crate::tables;

/// Rows of synced table `table` matching `where_sql` (over alias `r`), as domain structs.
pub async fn rows<T: DeserializeOwned>(
    c: &impl GenericClient,
    table: &str,
    where_sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<T>> {
    let t = crate::pg::synced(table)?;
    let sql = format!("SELECT {} FROM {} r WHERE {where_sql}", tables::pg_json_expr(t), t.name);
    c.query(&sql, args)
        .await?
        .iter()
        .map(|r| Ok(serde_json::from_value(tables::canonicalize(t, r.get::<_, Value>(0))?)?))
        .collect()
}

/// Rows of synced table `t` matching `where_sql` (over alias `r`), as their JSON, unmapped (see
/// `PgPort::sane_rows`).
pub async fn json_rows(
    c: &impl GenericClient,
    t: &tables::Table,
    where_sql: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Value>> {
    let sql = format!("SELECT {} FROM {} r WHERE {where_sql}", tables::pg_json_expr(t), t.name);
    Ok(c.query(&sql, args).await?.iter().map(|r| r.get::<_, Value>(0)).collect())
}

/// One row of synced table `table` by id.
pub async fn row<T: DeserializeOwned>(c: &impl GenericClient, table: &str, id: Uuid) -> Result<Option<T>> {
    Ok(rows(c, table, "r.id = $1", &[&id]).await?.into_iter().next())
}

/// Like `row`, but a missing row is an error (a broken reference).
pub async fn must<T: DeserializeOwned>(c: &impl GenericClient, table: &str, id: Uuid) -> Result<T> {
    row(c, table, id).await?.ok_or_else(|| PgError::Setup(format!("{table} row {id} is missing")))
}

/// (total units, vacant units) per property.
pub async fn property_vacancy(c: &impl GenericClient) -> Result<HashMap<Uuid, (u32, u32)>> {
    let rows = c
        .query(
            "SELECT property_id, COUNT(*), COUNT(*) FILTER (WHERE status = 'vacant') FROM units_unit GROUP BY property_id",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), (r.get::<_, i64>(1) as u32, r.get::<_, i64>(2) as u32))).collect())
}

/// The gateway's runs, kept until they are written to `ai_run` with `flush`.
#[derive(Default)]
pub struct PgRunLog(Mutex<Vec<AiRun>>);

impl AiRunLog for PgRunLog {
    fn record(&self, run: &AiRun) -> std::result::Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push(run.clone());
        Ok(())
    }
}

impl PgRunLog {
    /// Writes the recorded runs to `ai_run`.
    pub async fn flush(&self, c: &impl GenericClient) -> Result<()> {
        let runs = self.0.lock().map(|mut r| std::mem::take(&mut *r)).unwrap_or_default();
        for run in runs {
            c.execute(
                "INSERT INTO ai_run (id, task, provider, model, input_tokens, output_tokens, latency_ms, outcome,
                 error, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
                &[
                    &run.id,
                    &run.task,
                    &run.provider.as_str(),
                    &run.model,
                    &(run.input_tokens as i64),
                    &(run.output_tokens as i64),
                    &(run.latency_ms as i64),
                    &run.outcome.as_str(),
                    &run.error,
                    &run.created_at,
                ],
            )
            .await?;
        }
        Ok(())
    }
}

/// Queues a message (the Postgres twin of `unitcycle_core::outbox::enqueue`): false when the
/// idempotency key is already queued, so nothing is sent twice.
pub async fn enqueue(tx: &Transaction<'_>, msg: &NewMessage, now: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .execute(
            "INSERT INTO outbox_message (id, idempotency_key, channel, recipient_name, recipient, subject, body,
             attachment_sha256, attachment_name, related_type, related_id, status, attempts, scheduled_for,
             next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', 0, $12, $12, $13)
             ON CONFLICT (idempotency_key) DO NOTHING",
            &[
                &Uuid::new_v4(),
                &msg.idempotency_key,
                &msg.channel.as_str(),
                &msg.recipient_name,
                &msg.recipient,
                &msg.subject,
                &msg.body,
                &msg.attachment_sha256,
                &msg.attachment_name,
                &msg.related_type,
                &msg.related_id,
                &msg.scheduled_for,
                &now,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Whether job `job` already succeeded for `day`.
pub async fn ran_on(tx: &impl GenericClient, job: &str, day: NaiveDate) -> Result<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM job_run WHERE job_name = $1 AND run_date = $2 AND outcome = 'succeeded'",
            &[&job, &day],
        )
        .await?
        .is_some())
}

/// Records a run of `job` for `day` (`succeeded` or `failed`) and enters it in the change log,
/// in one transaction, so replicas see the schedule's runs.
pub async fn record_run(
    pool: &deadpool_postgres::Pool,
    job: &str,
    day: NaiveDate,
    (started, finished): (DateTime<Utc>, DateTime<Utc>),
    succeeded: bool,
    summary: &str,
    counts: &Value,
) -> Result<()> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let id = Uuid::new_v4();
    let outcome = if succeeded { "succeeded" } else { "failed" };
    tx.execute(
        "INSERT INTO job_run (id, job_name, run_date, started_at, finished_at, outcome, summary, counts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&id, &job, &day, &started, &finished, &outcome, &summary, counts],
    )
    .await?;
    crate::pg::bump(&tx, tables::table("job_run").expect("job_run is synced"), &[id]).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `sql` on one `job_run` row (`id` is `$1`) and enters the row in the change log, in one
/// transaction, so connected replicas see the run.
async fn write_run(pool: &deadpool_postgres::Pool, id: Uuid, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<()> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute(sql, args).await?;
    crate::pg::bump(&tx, tables::table("job_run").expect("job_run is synced"), &[id]).await?;
    tx.commit().await?;
    Ok(())
}

/// Records that a run started by hand (`<job>:manual`) is running; `finish_run` records its end.
pub async fn start_run(pool: &deadpool_postgres::Pool, job: &str, day: NaiveDate, now: DateTime<Utc>) -> Result<Uuid> {
    let id = Uuid::new_v4();
    let sql = "INSERT INTO job_run (id, job_name, run_date, started_at, outcome) VALUES ($1, $2, $3, $4, 'running')";
    write_run(pool, id, sql, &[&id, &format!("{job}:manual"), &day, &now]).await?;
    Ok(id)
}

/// Records how run `id` (from `start_run`) ended: `succeeded` or `failed`, with its summary.
pub async fn finish_run(
    pool: &deadpool_postgres::Pool,
    id: Uuid,
    succeeded: bool,
    summary: &str,
    counts: &Value,
) -> Result<()> {
    let outcome = if succeeded { "succeeded" } else { "failed" };
    let sql = "UPDATE job_run SET finished_at = $2, outcome = $3, summary = $4, counts = $5 WHERE id = $1";
    write_run(pool, id, sql, &[&id, &Utc::now(), &outcome, &summary, counts]).await
}
