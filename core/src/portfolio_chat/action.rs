//! `create_action` (spec 3.3) made real. The model or the offline rules only *propose* an action;
//! the manager sees exactly what will be created and confirms it, and only then is a work order
//! opened (the maintenance workflow's `Create`) or a reminder / follow-up queued in the outbox as
//! an email to the manager on its due morning. The confirmed action travels to the server like
//! every person's action (`chat_action`), so a connected replica's reminder is sent by the server.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::format::check_text;
use crate::model::WorkOrderPriority;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::store::{Result, StoreError};
use crate::work_orders::port::{MaintenancePort, MaintenanceWrites};
use crate::work_orders::{workflow as maintenance, MaintenanceAction, NewWorkOrder};

/// The queued action's entity (`sync_action.entity`).
pub const ENTITY: &str = "chat_action";

/// The spec's `action_type` enum.
pub const ACTION_TYPES: &[&str] = &["work_order", "reminder", "follow_up"];

/// Reminders and follow-ups arrive at this local hour on their due day.
pub const REMINDER_HOUR: u32 = 8;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// What `create_action` proposes (the tool's input, checked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ProposedAction {
    pub action_type: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub unit_id: Option<Uuid>,
    #[serde(default)]
    pub priority: Option<String>,
}

impl ProposedAction {
    /// The tool's input as a proposal, or why it is not one (the model is told, and tries again).
    pub fn from_input(input: &Value) -> std::result::Result<ProposedAction, String> {
        let unit = match input.get("unit_id").and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(Uuid::parse_str(s.trim()).map_err(|_| format!("unit_id '{s}' is not a unit's id"))?),
            None => None,
        };
        ProposedAction {
            action_type: input["action_type"].as_str().unwrap_or_default().to_string(),
            title: input["title"].as_str().unwrap_or_default().to_string(),
            description: input["description"].as_str().unwrap_or_default().to_string(),
            unit_id: unit,
            priority: input["priority"].as_str().map(str::to_string).filter(|p| !p.trim().is_empty()),
        }
        .checked()
    }

    /// The same proposal with its text trimmed, or why it cannot be created.
    pub fn checked(&self) -> std::result::Result<ProposedAction, String> {
        if !ACTION_TYPES.contains(&self.action_type.as_str()) {
            return Err(format!(
                "create_action needs action_type work_order, reminder or follow_up (not '{}')",
                self.action_type
            ));
        }
        if self.action_type == "work_order" && self.unit_id.is_none() {
            return Err("A work order needs the unit it is for (unit_id)".into());
        }
        let priority = self.priority.as_deref().map(priority).transpose()?;
        Ok(ProposedAction {
            action_type: self.action_type.clone(),
            title: check_text("Title", &self.title, 200, true)?,
            description: check_text("Description", &self.description, 4000, false)?,
            unit_id: self.unit_id,
            priority: priority.map(|p| p.as_str().to_string()),
        })
    }

    /// What confirming it does and when, as a confirm shows it.
    pub fn when(&self) -> &'static str {
        match self.action_type.as_str() {
            "work_order" => "An open work order is created for the unit now. Nothing is sent to the tenant.",
            "reminder" => "Emailed to you at 8:00 tomorrow morning (the unit's time, else UTC).",
            _ => "Emailed to you at 8:00 in three days (the unit's time, else UTC).",
        }
    }

    pub fn kind_label(&self) -> &'static str {
        match self.action_type.as_str() {
            "work_order" => "Work order",
            "reminder" => "Reminder",
            _ => "Follow-up",
        }
    }
}

/// A priority as the chat says it ("urgent" is the work order's "emergency").
fn priority(p: &str) -> std::result::Result<WorkOrderPriority, String> {
    let p = p.trim().to_lowercase();
    if p == "urgent" {
        return Ok(WorkOrderPriority::Emergency);
    }
    WorkOrderPriority::parse(&p).ok_or_else(|| format!("Priority '{p}' is not one of: low, medium, high, urgent."))
}

/// A confirmed action as it travels from a replica to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ChatAction {
    Confirm {
        proposal: ProposedAction,
        /// Who the reminder is sent to (the manager who confirmed it).
        notify: String,
        /// The reminder's day; by default the next morning (a follow-up: in three days).
        #[serde(default)]
        due_date: Option<NaiveDate>,
    },
}

/// What a confirmation created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ConfirmedAction {
    /// The action's id: the work order's, or the outbox message's `related_id`.
    pub id: Uuid,
    pub action_type: String,
    pub work_order_id: Option<Uuid>,
    /// When the reminder or follow-up is delivered.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// One sentence saying what was created.
    pub summary: String,
}

/// What a proposal will create, in words (the confirm shows it before anything is created).
pub fn describe(data: &super::data::PortfolioData, p: &ProposedAction) -> String {
    let place = p
        .unit_id
        .and_then(|u| data.units.iter().find(|r| r.unit_id == u))
        .map_or_else(String::new, |r| format!(" for unit {} at {}", r.unit_number, r.property_name));
    let priority = p.priority.as_deref().map_or_else(String::new, |p| format!(", {p} priority"));
    let when = match p.action_type.as_str() {
        "work_order" => String::new(),
        "reminder" => " (emailed to you tomorrow morning unless you pick a day)".into(),
        _ => " (emailed to you in three days unless you pick a day)".into(),
    };
    format!("{} '{}'{place}{priority}{when}", p.kind_label(), p.title)
}

/// The tool's answer to `create_action`: the checked proposal, not yet created.
pub fn propose(data: &super::data::PortfolioData, input: &Value) -> std::result::Result<Value, String> {
    let p = ProposedAction::from_input(input)?;
    if let Some(u) = p.unit_id {
        if !data.units.iter().any(|r| r.unit_id == u) {
            return Err(format!("Unit {u} is not among your units"));
        }
    }
    let summary = describe(data, &p);
    Ok(serde_json::json!({"proposed": p, "created": false, "summary": summary,
        "note": "Nothing is created until the manager confirms this action in the app."}))
}

/// When a reminder due on `due` (local to `zone`) is delivered: `REMINDER_HOUR` that morning,
/// or now if that has passed.
fn delivery_time(zone: chrono_tz::Tz, due: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let local = due.and_hms_opt(REMINDER_HOUR, 0, 0).unwrap_or_default();
    let at = zone.from_local_datetime(&local).earliest().map_or(now, |t| t.with_timezone(&Utc));
    at.max(now)
}

/// Creates what `action` confirms, with id `id` (the work order's, or the reminder's).
pub fn apply_action<P: MaintenancePort + ?Sized>(
    port: &mut P,
    id: Uuid,
    action: &ChatAction,
    now: DateTime<Utc>,
) -> Result<ConfirmedAction> {
    let ChatAction::Confirm { proposal, notify, due_date } = action;
    let p = proposal.checked().map_err(refused)?;
    let unit = p.unit_id.map(|u| port.unit(u)).transpose()?;
    let property = match &unit {
        Some(u) => {
            in_scope(port, u.property_id, "Unit", u.id)?;
            Some(port.property(u.property_id)?)
        }
        None => None,
    };
    let zone = match &property {
        Some(pr) => crate::time::zone(&pr.time_zone).map_err(refused)?,
        None => chrono_tz::UTC,
    };
    let today = crate::time::local_date(zone, now);
    let place = match (&unit, &property) {
        (Some(u), Some(pr)) => format!(" for unit {} at {}", u.unit_number, pr.name),
        _ => String::new(),
    };
    if p.action_type == "work_order" {
        let unit = unit.ok_or_else(|| refused("A work order needs the unit it is for."))?;
        let words = [p.title.as_str(), p.description.as_str()];
        let new = NewWorkOrder {
            unit_id: unit.id,
            title: p.title.clone(),
            description: p.description.clone(),
            category: crate::invoice_processing::gl::suggest_gl_code(None, &words).category,
            priority: p
                .priority
                .as_deref()
                .map(priority)
                .transpose()
                .map_err(refused)?
                .unwrap_or(WorkOrderPriority::Medium),
            requested_date: today,
            tenant_id: None,
        };
        maintenance::apply_action(port, id, &MaintenanceAction::Create(new.clone()), now)?;
        return Ok(ConfirmedAction {
            id,
            action_type: p.action_type.clone(),
            work_order_id: Some(id),
            scheduled_for: None,
            summary: format!(
                "Work order '{}'{place} opened ({}, {} priority).",
                p.title,
                new.category,
                new.priority.as_str()
            ),
        });
    }
    let notify = notify.trim();
    if crate::delivery::manager_from(Some(notify.to_string())).is_none() {
        return Err(refused(format!(
            "A {} is emailed to its manager, and '{notify}' is not an email address (on a replica, set \
             UNITCYCLE_MANAGER_EMAIL to the manager's address).",
            p.kind_label().to_lowercase()
        )));
    }
    let default_days = if p.action_type == "reminder" { 1 } else { 3 };
    let due = due_date.unwrap_or(today + Duration::days(default_days));
    if due < today {
        return Err(refused(format!("The due date {due} has passed (today is {today}).")));
    }
    let at = delivery_time(zone, due, now);
    let kind = p.kind_label();
    let mut body = String::new();
    if !p.description.is_empty() {
        body.push_str(&format!("{}\n\n", p.description));
    }
    if let (Some(u), Some(pr)) = (&unit, &property) {
        body.push_str(&format!("Unit: {} at {}\n", u.unit_number, pr.name));
    }
    body.push_str(&format!("Due: {due}\nCreated from the portfolio chat on {today}, confirmed by {notify}.\n"));
    let message = NewMessage {
        idempotency_key: format!("{ENTITY}:{id}"),
        channel: DeliveryChannel::Email,
        recipient_name: notify.to_string(),
        recipient: notify.to_string(),
        subject: format!("{kind}: {}", p.title),
        body,
        attachment_sha256: None,
        attachment_name: None,
        related_type: ENTITY.into(),
        related_id: Some(id),
        scheduled_for: at,
    };
    port.write_maintenance(&MaintenanceWrites { messages: vec![message], ..Default::default() }, now)?;
    Ok(ConfirmedAction {
        id,
        action_type: p.action_type.clone(),
        work_order_id: None,
        scheduled_for: Some(at),
        summary: format!("{kind} '{}'{place} will be emailed to {notify} on {due}.", p.title),
    })
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &ChatAction,
    now: DateTime<Utc>,
) -> Result<ConfirmedAction> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_proposal_is_the_tools_input_checked() {
        let unit = Uuid::new_v4();
        let p = ProposedAction::from_input(&json!({"action_type": "work_order", "title": " Fix the leak ",
            "unit_id": unit.to_string(), "priority": "urgent"}))
        .unwrap();
        assert_eq!(
            (p.title.as_str(), p.unit_id, p.priority.as_deref()),
            ("Fix the leak", Some(unit), Some("emergency"))
        );
        let e = ProposedAction::from_input(&json!({"action_type": "work_order", "title": "Fix"})).unwrap_err();
        assert!(e.contains("unit"), "{e}");
        let e = ProposedAction::from_input(&json!({"action_type": "memo", "title": "x"})).unwrap_err();
        assert!(e.contains("work_order, reminder or follow_up"), "{e}");
        let e = ProposedAction::from_input(&json!({"action_type": "reminder", "title": ""})).unwrap_err();
        assert!(e.contains("Title"), "{e}");
        let e =
            ProposedAction::from_input(&json!({"action_type": "reminder", "title": "x", "unit_id": "12"})).unwrap_err();
        assert!(e.contains("unit_id"), "{e}");
        let e = ProposedAction::from_input(&json!({"action_type": "reminder", "title": "x", "priority": "asap"}))
            .unwrap_err();
        assert!(e.contains("Priority"), "{e}");
    }

    #[test]
    fn a_reminder_arrives_at_eight_in_the_morning_where_the_unit_is_or_now_if_that_passed() {
        let la = crate::time::zone("America/Los_Angeles").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 20, 0, 0).unwrap();
        assert_eq!(delivery_time(la, day, now), Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap());
        let later = Utc.with_ymd_and_hms(2026, 12, 4, 18, 0, 0).unwrap();
        assert_eq!(delivery_time(la, day, later), later);
    }
}
