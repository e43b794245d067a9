//! The nightly AI action queue (spec `generate_ai_action_queue`, 02:00 after the lifecycle
//! classification), written once over [`CommandCenterPort`]: the replica and the server run this
//! same function.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use super::port::{CommandCenterPort, CommandCenterWrite};
use super::{Candidate, Row, UnitSnapshot, MIN_CONFIDENCE};
use crate::ai::letters::ActionInput;
use crate::ai::prompts::CommandCenterAction;
use crate::ai::{AiOutput, Gateway, ProviderKind, Task};
use crate::jobs::{Job, JobReport};
use crate::store::{Result, StoreError, Worded};

/// How far back the queue looks for today's rows and yesterday's pending ones.
const LOOKBACK_DAYS: i64 = 7;

/// What one queue run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueReport {
    pub queued: usize,
    pub superseded: usize,
}

impl QueueReport {
    pub fn summary(&self) -> String {
        format!("Queued {} AI actions; superseded {} from earlier days.", self.queued, self.superseded)
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::AiActionQueue.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::json!({"queued": self.queued, "superseded": self.superseded}),
            skipped: false,
        }
    }
}

/// The AI input wording one queue candidate.
pub fn action_input(row: &Row, snap: &UnitSnapshot, c: &Candidate, today: NaiveDate) -> ActionInput {
    ActionInput {
        action_type: c.action_type,
        tenant_name: row.tenant_name.clone().unwrap_or_default(),
        unit_number: row.unit_number.clone(),
        property_name: row.property_name.clone(),
        lifecycle_state: snap.lease_status.as_str().into(),
        current_rent: snap.current_rent,
        market_rent: snap.market_rent,
        proposed_rent: c.proposed_rent,
        term_months: Some(12),
        days_to_event: c.days_to_event,
        days_in_state: c.days_in_state,
        event_date: c.event_date,
        balance: None,
        today,
    }
}

/// The candidate as worded by the AI; a model's own confidence counts when a model answered
/// (offline, the rules' does). None when the confidence is below `MIN_CONFIDENCE`.
pub fn worded_candidate(
    c: &Candidate,
    out: AiOutput<<CommandCenterAction as Task>::Output>,
) -> Option<(Candidate, Worded)> {
    let mut candidate = c.clone();
    if out.provider != ProviderKind::Offline {
        candidate.confidence = out.value.confidence.to_f64().unwrap_or(candidate.confidence);
        candidate.priority = super::priority_for(candidate.confidence);
    }
    if candidate.confidence < MIN_CONFIDENCE {
        return None;
    }
    let worded = Worded {
        description: out.value.description,
        reason: out.value.reason,
        payload: out.value.payload,
        draft_content: out.value.draft_content,
        provider: out.provider.as_str().into(),
    };
    Some((candidate, worded))
}

/// The queue: rules (`generate`, `plan_queue`) → words from the AI gateway → one write that
/// supersedes earlier pending items and upserts today's. Every item is worded before anything is
/// written, so no transaction stays open across AI calls. Running twice the same day refreshes
/// the same rows.
pub fn ai_action_queue<P: CommandCenterPort>(
    port: &mut P,
    gateway: &Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<QueueReport> {
    // Days to each unit's event count from its property's local date; `today` (the run's date)
    // keys the day's items.
    let days = crate::time::Days::of_port(port, today, now)?;
    let rows: HashMap<Uuid, Row> = port.command_center_rows(&days)?.into_iter().map(|r| (r.unit_id, r)).collect();
    let mut snapshots = port.unit_snapshots()?;
    // A fixed order, so both stores word (and log) the same items in the same order.
    snapshots.sort_by_key(|s| s.unit_id);
    let candidates: Vec<(Uuid, Candidate)> = snapshots
        .iter()
        .flat_map(|s| super::generate(s, days.of(s.property_id)).into_iter().map(|c| (s.unit_id, c)))
        .collect();
    let existing = port.queued_actions(today - Duration::days(LOOKBACK_DAYS))?;
    let plan = super::plan_queue(&existing, &candidates, today);
    let snaps: HashMap<Uuid, &UnitSnapshot> = snapshots.iter().map(|s| (s.unit_id, s)).collect();

    let mut writes = vec![CommandCenterWrite::Supersede(plan.supersede.clone())];
    for (unit_id, c, existing_id) in &plan.upsert {
        let (Some(row), Some(snap)) = (rows.get(unit_id), snaps.get(unit_id)) else { continue };
        let input = action_input(row, snap, c, days.of(snap.property_id));
        let out =
            gateway.run::<CommandCenterAction>(&input, port, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
        let Some((candidate, worded)) = worded_candidate(c, out) else { continue };
        writes.push(CommandCenterWrite::UpsertQueueItem {
            id: *existing_id,
            snapshot: (*snap).clone(),
            candidate,
            worded,
            generated_on: today,
        });
    }
    let report = QueueReport { queued: writes.len() - 1, superseded: plan.supersede.len() };
    port.write_command_center(&writes, now)?;
    Ok(report)
}
