//! A person's actions in the command center, written once over [`CommandCenterPort`]: approve,
//! dismiss or execute one AI queue item, and bulk actions on selected units. The TUI, the CLI
//! and the server (endpoints and pushed actions) call [`apply_command_center_action`]; on a
//! connected replica [`replica_action`] applies it at once and queues it for the server, which
//! applies it again with this same function.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::bulk::{self, BulkRequest, BulkResult, Method};
use super::port::{CommandCenterPort, CommandCenterWrite, PendingAction};
use super::{QueueStatus, QueuedAction};
use crate::ai::Gateway;
use crate::store::{Queueing, Result, Store, StoreError};

/// The table queue-item actions are about, as named in `sync_action.entity`.
pub const QUEUE_ENTITY: &str = "ai_action_queue";
/// The table bulk actions are about (the record id is the batch's id).
pub const BATCH_ENTITY: &str = "bulk_action_batch";

/// A person's action in the command center, as it travels from a connected replica to the
/// server (the replica applies the same action at once through the same function).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CommandCenterAction {
    /// A pending queue item: approved, ready to send.
    Approve,
    /// A pending or approved queue item: dismissed.
    Dismiss,
    /// A pending or approved queue item carried out now: a bulk action of its type on its unit,
    /// under request id `queue:{id}` (so carrying it out twice acts once).
    Execute { method: Method },
    /// A bulk action on selected units; the record id is the id of the batch it creates.
    Bulk { request: BulkRequest },
}

impl CommandCenterAction {
    /// The table the action's record is in.
    pub fn entity(&self) -> &'static str {
        match self {
            CommandCenterAction::Bulk { .. } => BATCH_ENTITY,
            _ => QUEUE_ENTITY,
        }
    }

    pub fn to_json(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(|e| StoreError::Rejected(e.to_string()))
    }
}

/// What an action did.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionDone {
    /// The queue item as it now stands.
    Queue(QueuedAction),
    /// The bulk run (also for `Execute`).
    Bulk(BulkResult),
}

/// The status a queue item moves to, or why it may not.
pub fn next_status(current: QueueStatus, action: &CommandCenterAction) -> std::result::Result<QueueStatus, String> {
    let open = matches!(current, QueueStatus::Pending | QueueStatus::Approved);
    match action {
        CommandCenterAction::Approve if current == QueueStatus::Pending => Ok(QueueStatus::Approved),
        CommandCenterAction::Approve => {
            Err(format!("Only a pending AI action can be approved (this one is {}).", current.as_str()))
        }
        CommandCenterAction::Dismiss if open => Ok(QueueStatus::Dismissed),
        CommandCenterAction::Dismiss => {
            Err(format!("Only a pending or approved AI action can be dismissed (this one is {}).", current.as_str()))
        }
        CommandCenterAction::Execute { .. } if open => Ok(QueueStatus::Executed),
        CommandCenterAction::Execute { .. } => {
            Err(format!("Only a pending or approved AI action can be executed (this one is {}).", current.as_str()))
        }
        CommandCenterAction::Bulk { .. } => Err("A bulk action is not about one queue item.".into()),
    }
}

/// The request id under which queue item `id` is executed.
pub fn execute_request_id(id: Uuid) -> String {
    format!("queue:{id}")
}

/// Applies `action` to record `id` (a queue item, or the batch a bulk action creates).
pub fn apply_command_center_action<P: CommandCenterPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    action: &CommandCenterAction,
    actor: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ActionDone> {
    if let CommandCenterAction::Bulk { request } = action {
        return bulk::run_bulk(port, gateway, request, id, None, actor, now, progress).map(ActionDone::Bulk);
    }
    let (item, payload) = port.queue_item(id)?;
    let to = next_status(item.status, action).map_err(StoreError::Rejected)?;
    if let CommandCenterAction::Execute { method } = action {
        let req = BulkRequest {
            request_id: execute_request_id(id),
            action_type: item.action_type,
            unit_ids: vec![item.unit_id],
            method: *method,
            scheduled_for: None,
            suggested_payload: payload.clone(),
        };
        let chosen = PendingAction { id, suggested_payload: payload };
        return bulk::run_bulk(port, gateway, &req, Uuid::new_v4(), Some(chosen), actor, now, progress)
            .map(ActionDone::Bulk);
    }
    port.write_command_center(&[CommandCenterWrite::SetStatus { id, from: item.status, to }], now)?;
    Ok(ActionDone::Queue(port.queue_item(id)?.0))
}

/// A person's command-center action on a replica (TUI, CLI). On a connected replica the server
/// owns the queue and the batches: the action is applied here at once and queued for the server
/// in the same transaction (messages to tenants are left to the server); a standalone replica
/// just applies it.
pub fn replica_action(
    store: &mut Store,
    gateway: &Gateway,
    id: Uuid,
    action: &CommandCenterAction,
    actor: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ActionDone> {
    let port = &mut Queueing::on_replica(store, action.entity(), id, action.to_json()?)?;
    apply_command_center_action(port, gateway, id, action, actor, now, progress)
}

/// A bulk action on a replica: [`replica_action`] with the id of a new batch.
pub fn replica_bulk(
    store: &mut Store,
    gateway: &Gateway,
    req: &BulkRequest,
    actor: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BulkResult> {
    let action = CommandCenterAction::Bulk { request: req.clone() };
    match replica_action(store, gateway, Uuid::new_v4(), &action, actor, now, progress)? {
        ActionDone::Bulk(result) => Ok(result),
        ActionDone::Queue(_) => Err(StoreError::Rejected("A bulk action acts on units, not one queue item.".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_items_move_only_from_open_states() {
        let ex = CommandCenterAction::Execute { method: Method::Email };
        assert_eq!(next_status(QueueStatus::Pending, &CommandCenterAction::Approve), Ok(QueueStatus::Approved));
        assert!(next_status(QueueStatus::Approved, &CommandCenterAction::Approve).is_err());
        assert_eq!(next_status(QueueStatus::Approved, &CommandCenterAction::Dismiss), Ok(QueueStatus::Dismissed));
        assert_eq!(next_status(QueueStatus::Approved, &ex), Ok(QueueStatus::Executed));
        let refused = next_status(QueueStatus::Executed, &CommandCenterAction::Dismiss).unwrap_err();
        assert!(refused.contains("this one is executed"), "{refused}");
        assert!(next_status(QueueStatus::Superseded, &ex).is_err());
    }

    #[test]
    fn actions_travel_as_tagged_json() {
        let a = CommandCenterAction::Execute { method: Method::Sms };
        assert_eq!(a.to_json().unwrap(), serde_json::json!({"action": "execute", "method": "sms"}));
        assert_eq!(a.entity(), QUEUE_ENTITY);
        assert_eq!(CommandCenterAction::Approve.to_json().unwrap(), serde_json::json!({"action": "approve"}));
    }
}
