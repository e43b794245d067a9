//! The `ai_run` log: one row per AI call. The gateway reports through [`AiRunLog`]; the store
//! implements it (and an in-memory log serves tests and callers without a replica).

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use super::provider::ProviderKind;
use crate::store::{Result as StoreResult, Store, StoreError};

/// How an AI call ended (`ai_run.outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Succeeded,
    Failed,
    /// The offline provider answered after the configured provider failed (`error` says why).
    Fallback,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Succeeded => "succeeded",
            RunOutcome::Failed => "failed",
            RunOutcome::Fallback => "fallback",
        }
    }

    fn parse(text: &str) -> Option<RunOutcome> {
        [RunOutcome::Succeeded, RunOutcome::Failed, RunOutcome::Fallback].into_iter().find(|o| o.as_str() == text)
    }
}

/// One row of `ai_run`.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AiRun {
    pub id: Uuid,
    pub task: String,
    pub provider: ProviderKind,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub latency_ms: u64,
    pub outcome: RunOutcome,
    pub error: String,
    pub created_at: DateTime<Utc>,
}

/// Where the gateway records its runs.
pub trait AiRunLog {
    fn record(&self, run: &AiRun) -> Result<(), String>;
}

/// Runs kept in memory, newest last.
#[derive(Debug, Default)]
pub struct MemoryLog(Mutex<Vec<AiRun>>);

impl MemoryLog {
    pub fn runs(&self) -> Vec<AiRun> {
        self.0.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl AiRunLog for MemoryLog {
    fn record(&self, run: &AiRun) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push(run.clone());
        Ok(())
    }
}

impl AiRunLog for Store {
    fn record(&self, run: &AiRun) -> Result<(), String> {
        self.insert_ai_run(run).map_err(|e| e.to_string())
    }
}

const COLS: &str = "id, task, provider, model, input_tokens, output_tokens, latency_ms, outcome, error, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AiRun> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad {what}").into())
    };
    let id: String = r.get(0)?;
    let provider: String = r.get(2)?;
    let outcome: String = r.get(7)?;
    Ok(AiRun {
        id: Uuid::parse_str(&id).map_err(|_| bad(0, "id"))?,
        task: r.get(1)?,
        provider: match provider.as_str() {
            "claude" => ProviderKind::Claude,
            "offline" => ProviderKind::Offline,
            _ => return Err(bad(2, "provider")),
        },
        model: r.get(3)?,
        input_tokens: r.get::<_, i64>(4)?.max(0) as u64,
        output_tokens: r.get::<_, i64>(5)?.max(0) as u64,
        latency_ms: r.get::<_, i64>(6)?.max(0) as u64,
        outcome: RunOutcome::parse(&outcome).ok_or_else(|| bad(7, "outcome"))?,
        error: r.get(8)?,
        created_at: r.get(9)?,
    })
}

impl Store {
    pub fn insert_ai_run(&self, run: &AiRun) -> StoreResult<()> {
        self.conn().execute(
            &format!("INSERT INTO ai_run ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                run.id.to_string(),
                run.task,
                run.provider.as_str(),
                run.model,
                run.input_tokens as i64,
                run.output_tokens as i64,
                run.latency_ms as i64,
                run.outcome.as_str(),
                run.error,
                run.created_at
            ],
        )?;
        Ok(())
    }

    /// Recent AI runs, newest first.
    pub fn ai_runs(&self, limit: usize) -> StoreResult<Vec<AiRun>> {
        let mut stmt =
            self.conn().prepare(&format!("SELECT {COLS} FROM ai_run ORDER BY created_at DESC, rowid DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit as i64], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(StoreError::from)
    }
}
