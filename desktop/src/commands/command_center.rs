//! The portfolio command center (spec 1.4) from the desktop: every unit as a row with its top AI
//! recommendation, filtered and sorted by core's `command_center::view`; approve or dismiss a
//! recommendation; and bulk actions over a selection, previewed unit by unit (drafted exactly as
//! the run drafts them, nothing written) and then run through core's bulk function, with its
//! progress readable while it runs.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use super::portfolio::actor;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::command_center::bulk::{self, BulkRequest, Method};
use unitcycle_core::command_center::workflow::{self as ccw, ActionDone, CommandCenterAction};
use unitcycle_core::command_center::{self as cc, ActionType, Filter, Row, Summary};
use unitcycle_core::format::money;
use unitcycle_core::store::Store;
use unitcycle_core::time::Days;

/// A command-center row as the screen reads it (core's `Row`, its action type as its word).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CcUnit {
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub property_name: String,
    pub tenant_name: Option<String>,
    pub lifecycle_state: unitcycle_core::model::LeaseStatus,
    /// Decimal strings.
    pub rent: String,
    pub market_rent: String,
    pub days_to_event: Option<i64>,
    pub risk_level: Option<String>,
    /// The top recommendation's action type (`renewal_offer`, `move_out_inspection`, …).
    pub ai_action: Option<&'static str>,
    pub ai_confidence: Option<f64>,
}

impl From<Row> for CcUnit {
    fn from(r: Row) -> CcUnit {
        CcUnit {
            unit_id: r.unit_id,
            unit_number: r.unit_number,
            property_id: r.property_id,
            property_name: r.property_name,
            tenant_name: r.tenant_name,
            lifecycle_state: r.lifecycle_state,
            rent: r.rent.to_string(),
            market_rent: r.market_rent.to_string(),
            days_to_event: r.days_to_event,
            risk_level: r.risk_level,
            ai_action: r.ai_action.map(|a| a.as_str()),
            ai_confidence: r.ai_confidence,
        }
    }
}

/// One unit of the command center, its money formatted and its recommendation in words.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CcRow {
    pub row: CcUnit,
    pub state_label: &'static str,
    pub rent_label: String,
    pub market_rent_label: String,
    /// The top recommendation's pending queue item and its description.
    pub ai_queue_id: Option<Uuid>,
    pub ai_label: Option<String>,
    pub ai_action_label: Option<&'static str>,
}

/// The command center as filtered and sorted.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandCenterView {
    pub today: NaiveDate,
    /// Units in the portfolio, before the filter.
    pub total: usize,
    pub rows: Vec<CcRow>,
    pub summary: Summary,
    /// (property id, name), for the property filter.
    pub properties: Vec<(Uuid, String)>,
    /// (value, label) of the bulk action types and the delivery methods.
    pub action_types: Vec<(&'static str, &'static str)>,
    pub methods: Vec<(&'static str, &'static str)>,
}

fn rows(store: &Store, now: DateTime<Utc>) -> CmdResult<Vec<Row>> {
    let days = Days::of_port(store, now.date_naive(), now)?;
    Ok(store.command_center_rows(&days)?)
}

/// Every unit with its AI recommendation, narrowed and ordered by `filter` (core's rules).
pub fn command_center(s: &AppState, filter: Option<Filter>) -> CmdResult<CommandCenterView> {
    let now = Utc::now();
    let store = s.store()?;
    let all = rows(&store, now)?;
    let mut best: HashMap<(Uuid, ActionType), (_, Uuid, String)> = HashMap::new();
    for q in store.ai_queue(None, None)? {
        let e = best.entry((q.unit_id, q.action_type)).or_insert((q.confidence_score, q.id, q.description.clone()));
        if q.confidence_score > e.0 {
            *e = (q.confidence_score, q.id, q.description);
        }
    }
    let filter = filter.unwrap_or_default();
    let shown = cc::view(&all, &filter);
    let summary = cc::summary(shown.iter().map(|&i| &all[i]));
    let mut properties: BTreeMap<String, Uuid> = BTreeMap::new();
    for r in &all {
        properties.insert(r.property_name.clone(), r.property_id);
    }
    let rows = shown
        .into_iter()
        .map(|i| {
            let row = all[i].clone();
            let q = row.ai_action.and_then(|a| best.get(&(row.unit_id, a)));
            CcRow {
                state_label: row.lifecycle_state.label(),
                rent_label: money(row.rent),
                market_rent_label: money(row.market_rent),
                ai_queue_id: q.map(|q| q.1),
                ai_label: q.map(|q| q.2.clone()),
                ai_action_label: row.ai_action.map(|a| a.label()),
                row: row.into(),
            }
        })
        .collect();
    Ok(CommandCenterView {
        today: now.date_naive(),
        total: all.len(),
        rows,
        summary,
        properties: properties.into_iter().map(|(n, id)| (id, n)).collect(),
        action_types: ActionType::ALL.iter().map(|a| (a.as_str(), a.label())).collect(),
        methods: [Method::Email, Method::Sms, Method::Both, Method::Manual]
            .iter()
            .map(|m| (m.as_str(), method_label(*m)))
            .collect(),
    })
}

fn method_label(m: Method) -> &'static str {
    match m {
        Method::Email => "Email",
        Method::Sms => "SMS",
        Method::Both => "Email and SMS",
        Method::Manual => "Manual (record only, nothing sent)",
    }
}

/// Approves or dismisses one AI recommendation (a pending queue item).
pub fn cc_queue_action(s: &AppState, queue_id: String, action: String) -> CmdResult<String> {
    let action = match action.trim() {
        "approve" => CommandCenterAction::Approve,
        "dismiss" => CommandCenterAction::Dismiss,
        other => return Err(CommandError::invalid(format!("'{other}' is not approve or dismiss"))),
    };
    let mut store = s.store()?;
    match ccw::replica_action(&mut store, &s.gateway, id(&queue_id)?, &action, &actor(), Utc::now(), &mut |_, _| {})? {
        ActionDone::Queue(q) => Ok(q.status.label().to_string()),
        ActionDone::Bulk(_) => Err(CommandError::invalid("not a queue item action")),
    }
}

fn request(
    request_id: String,
    action_type: &str,
    unit_ids: &[String],
    method: &str,
    scheduled_on: Option<String>,
) -> CmdResult<BulkRequest> {
    let action_type: ActionType = action_type.trim().parse().map_err(CommandError::invalid)?;
    let method = match method.trim() {
        "email" => Method::Email,
        "sms" => Method::Sms,
        "both" => Method::Both,
        "manual" => Method::Manual,
        other => return Err(CommandError::invalid(format!("'{other}' is not a method (email, sms, both or manual)"))),
    };
    let unit_ids = unit_ids.iter().map(|u| id(u)).collect::<CmdResult<Vec<_>>>()?;
    if unit_ids.is_empty() {
        return Err(CommandError::invalid("Select at least one unit."));
    }
    // A scheduled send goes at 09:00 on the chosen day, as the TUI schedules it.
    let scheduled_for = match scheduled_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(
            unitcycle_core::format::parse_date(d)
                .map_err(CommandError::invalid)?
                .and_hms_opt(9, 0, 0)
                .map(|t| t.and_utc())
                .ok_or_else(|| CommandError::invalid("bad time"))?,
        ),
    };
    Ok(BulkRequest {
        request_id,
        action_type,
        unit_ids,
        method,
        scheduled_for,
        suggested_payload: serde_json::Value::Null,
    })
}

/// One message of a bulk preview.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BulkMessage {
    pub channel: &'static str,
    pub recipient_name: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub scheduled_for: DateTime<Utc>,
}

/// What the bulk action would do to one unit.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BulkUnitPreview {
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_name: String,
    pub tenant_name: Option<String>,
    /// Whether the unit would be acted on; `detail` says what, or why it is skipped.
    pub acts: bool,
    pub detail: String,
    pub messages: Vec<BulkMessage>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BulkPreview {
    pub action_label: &'static str,
    pub method_label: &'static str,
    pub units: Vec<BulkUnitPreview>,
    pub acting: usize,
    pub skipped: usize,
    pub messages: usize,
    pub delivery: String,
}

fn names(store: &Store) -> CmdResult<HashMap<Uuid, Row>> {
    Ok(rows(store, Utc::now())?.into_iter().map(|r| (r.unit_id, r)).collect())
}

/// Exactly what a bulk action would do on each selected unit, drafted as the run drafts it;
/// nothing is written.
pub fn bulk_preview(
    s: &AppState,
    action_type: String,
    unit_ids: Vec<String>,
    method: String,
    scheduled_on: Option<String>,
) -> CmdResult<BulkPreview> {
    let req = request("preview".into(), &action_type, &unit_ids, &method, scheduled_on)?;
    let store = s.store()?;
    let names = names(&store)?;
    let units: Vec<BulkUnitPreview> = bulk::preview_bulk(&*store, &s.gateway, &req, Utc::now())?
        .into_iter()
        .map(|p| {
            let row = names.get(&p.unit_id);
            let acts = p.outcome.is_ok();
            BulkUnitPreview {
                unit_id: p.unit_id,
                unit_number: row.map(|r| r.unit_number.clone()).unwrap_or_default(),
                property_name: row.map(|r| r.property_name.clone()).unwrap_or_default(),
                tenant_name: row.and_then(|r| r.tenant_name.clone()),
                acts,
                detail: p.outcome.unwrap_or_else(|why| why),
                messages: p
                    .messages
                    .into_iter()
                    .map(|m| BulkMessage {
                        channel: m.channel.as_str(),
                        recipient_name: m.recipient_name,
                        to: m.recipient,
                        subject: m.subject,
                        body: m.body,
                        scheduled_for: m.scheduled_for,
                    })
                    .collect(),
            }
        })
        .collect();
    let delivery = super::collections::delivery_note(s, &store)?;
    Ok(BulkPreview {
        action_label: req.action_type.label(),
        method_label: method_label(req.method),
        acting: units.iter().filter(|u| u.acts).count(),
        skipped: units.iter().filter(|u| !u.acts).count(),
        messages: units.iter().map(|u| u.messages.len()).sum(),
        units,
        delivery,
    })
}

/// How far each running bulk request is: (units drafted, units in all), by request id.
static PROGRESS: Mutex<BTreeMap<String, (usize, usize)>> = Mutex::new(BTreeMap::new());

/// A skipped unit of a run, named.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Skipped {
    pub unit_id: Uuid,
    pub unit: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BulkDone {
    pub batch_id: Uuid,
    pub units_processed: usize,
    pub executed: usize,
    pub already_done: usize,
    pub skipped: Vec<Skipped>,
    pub messages_queued: usize,
    pub summary: String,
}

/// Runs a bulk action under the client's `request_id` (a retry of the same id never acts on a
/// unit twice), through core's bulk function (queued for the server too on a connected replica).
pub fn bulk_run(
    s: &AppState,
    request_id: String,
    action_type: String,
    unit_ids: Vec<String>,
    method: String,
    scheduled_on: Option<String>,
) -> CmdResult<BulkDone> {
    let req = request(request_id.trim().to_string(), &action_type, &unit_ids, &method, scheduled_on)?;
    let key = req.request_id.clone();
    let mut report = |done: usize, total: usize| {
        if let Ok(mut p) = PROGRESS.lock() {
            p.insert(key.clone(), (done, total));
        }
    };
    let result = {
        let mut store = s.store()?;
        ccw::replica_bulk(&mut store, &s.gateway, &req, &actor(), Utc::now(), &mut report)
    };
    if let Ok(mut p) = PROGRESS.lock() {
        p.remove(&key);
    }
    let result = result?;
    let names = names(&*s.store()?)?;
    let skipped = result
        .skipped
        .iter()
        .map(|(u, why)| Skipped {
            unit_id: *u,
            unit: names
                .get(u)
                .map(|r| format!("{} {}", r.property_name, r.unit_number))
                .unwrap_or_else(|| u.to_string()),
            reason: why.clone(),
        })
        .collect();
    Ok(BulkDone {
        summary: format!(
            "{} executed, {} skipped, {} already done; {} messages queued",
            result.executed,
            result.skipped.len(),
            result.already_done,
            result.messages_queued
        ),
        batch_id: result.batch_id,
        units_processed: result.units_processed,
        executed: result.executed,
        already_done: result.already_done,
        skipped,
        messages_queued: result.messages_queued,
    })
}

/// How far a running bulk request is: (units drafted, units in all); `None` when it is not running.
pub fn bulk_progress(_s: &AppState, request_id: String) -> CmdResult<Option<(usize, usize)>> {
    Ok(PROGRESS.lock().ok().and_then(|p| p.get(request_id.trim()).copied()))
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use unitcycle_core::command_center::{Filter, SortBy};
    use unitcycle_core::model::LeaseStatus;

    #[test]
    fn units_are_filtered_previewed_and_bulk_actions_run_once() {
        let (s, _dir) = demo();
        let all = ops::command_center(&s, None).unwrap();
        assert_eq!(all.rows.len(), all.total);
        assert!(all.rows.iter().any(|r| r.ai_label.is_some()), "the demo queues AI actions");
        let active = Filter {
            lifecycle_states: vec![LeaseStatus::Active],
            sort_by: Some(SortBy::Rent),
            descending: true,
            ..Filter::default()
        };
        let view = ops::command_center(&s, Some(active)).unwrap();
        assert!(view.rows.iter().all(|r| r.row.lifecycle_state == LeaseStatus::Active));
        assert!(view
            .rows
            .windows(2)
            .all(|w| w[0].row.rent.parse::<f64>().unwrap() >= w[1].row.rent.parse::<f64>().unwrap()));
        assert_eq!(view.summary.active_count as usize, view.rows.len());

        let units: Vec<String> = view.rows.iter().take(2).map(|r| r.row.unit_id.to_string()).collect();
        let e = ops::bulk_preview(&s, "move_out_inspection".into(), vec![], "email".into(), None).unwrap_err();
        assert_eq!(e.detail, "Select at least one unit.");
        assert!(ops::bulk_preview(&s, "party".into(), units.clone(), "email".into(), None).is_err());
        assert!(ops::bulk_preview(&s, "listing_prep".into(), units.clone(), "fax".into(), None).is_err());
        let before = s.store().unwrap().outbox_messages(None, 10_000).unwrap().len();
        let p = ops::bulk_preview(&s, "move_out_inspection".into(), units.clone(), "both".into(), None).unwrap();
        assert_eq!((p.units.len(), p.acting, p.messages), (2, 2, 4));
        assert!(p.units.iter().all(|u| u.detail.starts_with("move-out inspection scheduled for")));
        assert_eq!(p.units[0].messages[0].channel, "email");
        assert_eq!(s.store().unwrap().outbox_messages(None, 10_000).unwrap().len(), before, "a preview writes nothing");

        let done = ops::bulk_run(&s, "req-1".into(), "move_out_inspection".into(), units.clone(), "both".into(), None)
            .unwrap();
        assert_eq!((done.executed, done.messages_queued, done.skipped.len()), (2, 4, 0));
        assert_eq!(s.store().unwrap().outbox_messages(None, 10_000).unwrap().len(), before + 4);
        let again = ops::bulk_run(&s, "req-1".into(), "move_out_inspection".into(), units.clone(), "both".into(), None)
            .unwrap();
        assert_eq!((again.executed, again.already_done), (0, 2));
        assert_eq!(ops::bulk_progress(&s, "req-1".into()).unwrap(), None);

        let q = all.rows.iter().find_map(|r| r.ai_queue_id).unwrap().to_string();
        assert_eq!(ops::cc_queue_action(&s, q.clone(), "approve".into()).unwrap(), "Approved — Ready to Send");
        assert!(ops::cc_queue_action(&s, q, "approve".into()).is_err());
    }
}
