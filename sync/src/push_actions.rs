//! Feature actions pushed by connected replicas (`FeatureAction`): applied on the server by the
//! same core workflow as the endpoints, recorded in `sync_mutation` in the transaction of the
//! action's rows, so a retried push is answered again and never applied twice.

use tokio_postgres::GenericClient;
use unitcycle_core::collections::workflow::{self as case_workflow, CaseAction};
use unitcycle_core::command_center::workflow::{self as cc_workflow, CommandCenterAction};
use unitcycle_core::communications_hub::broadcast::{self, BroadcastAction};
use unitcycle_core::communications_hub::inbound::{self as hub, HubAction};
use unitcycle_core::inspections::move_out::workflow::{self as move_out_workflow, MoveOutAction};
use unitcycle_core::invoice_processing::workflow::{self as invoices, InvoiceAction};
use unitcycle_core::lease_abstraction::workflow::{self as abstractions, AbstractionAction};
use unitcycle_core::lease_generation::workflow::{self as lease_generation, LeaseGenerationAction};
use unitcycle_core::onboarding::workflow::{self as onboarding, OnboardingAction};
use unitcycle_core::portfolio_chat::action::{self as chat_action, ChatAction};
use unitcycle_core::records::{workflow as records, RecordAction};
use unitcycle_core::renewals::{workflow, RenewalAction};
use unitcycle_core::screening::workflow::{self as screening_workflow, ScreeningAction};
use unitcycle_core::store::StoreError;
use unitcycle_core::turnover::workflow::{self as turnover_workflow, TurnoverAction};
use unitcycle_core::work_orders::{workflow as maintenance, MaintenanceAction};
use uuid::Uuid;

use crate::adapter::{self, MutationRecord, PgPort};
use crate::auth::Principal;
use crate::pg::{self, PgError};
use crate::server::{ApiResult, AppState};
use crate::tables;
use crate::wire::{Change, FeatureAction, MutationResult, Outcome};

/// Applies one pushed action (or repeats the answer to one seen before).
pub async fn apply(st: &AppState, p: &Principal, a: &FeatureAction) -> ApiResult<MutationResult> {
    let answer = |outcome, detail: String, duplicate, rows| MutationResult {
        client_id: a.client_id,
        outcome,
        detail,
        duplicate,
        rows,
    };
    if let Some((outcome, detail)) = seen(&**st.pool.get().await?, a.client_id, p.user_id).await? {
        return Ok(answer(outcome, detail, true, Vec::new()));
    }
    let (actor, now, gateway) = (p.actor(), st.clock.now(), st.gateway.clone());
    let refused = match a.entity.as_str() {
        workflow::ENTITY => match serde_json::from_value::<RenewalAction>(a.action.clone()) {
            Ok(action) => {
                run_recorded(st, p, a, "renewal", move |port, id| {
                    workflow::renewal_step(port, id, &action, &actor, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a renewal action: {e}")),
        },
        case_workflow::ENTITY => match serde_json::from_value::<CaseAction>(a.action.clone()) {
            Ok(action) => {
                run_recorded(st, p, a, "case", move |port, id| {
                    case_workflow::apply_case_action(port, &gateway, id, &action, &actor, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a collections case action: {e}")),
        },
        cc_workflow::QUEUE_ENTITY | cc_workflow::BATCH_ENTITY => {
            match serde_json::from_value::<CommandCenterAction>(a.action.clone()) {
                Ok(action) if action.entity() != a.entity => {
                    Some(format!("A '{}' action is not about {}.", a.action["action"], a.entity))
                }
                Ok(action) => {
                    let kind = if a.entity == cc_workflow::QUEUE_ENTITY { "queue" } else { "batch" };
                    run_recorded(st, p, a, kind, move |port, id| {
                        cc_workflow::apply_command_center_action(
                            port,
                            &gateway,
                            id,
                            &action,
                            &actor,
                            now,
                            &mut |_, _| {},
                        )
                    })
                    .await?
                }
                Err(e) => Some(format!("Not a command-center action: {e}")),
            }
        }
        entity if RecordAction::ENTITIES.contains(&entity) => {
            match serde_json::from_value::<RecordAction>(a.action.clone()) {
                Ok(action) if action.entity() != entity => {
                    Some(format!("A '{}' action is not about {entity}.", a.action["action"]))
                }
                Ok(action) => {
                    let user = p.user_id;
                    run_recorded(st, p, a, "record", move |port, id| {
                        port.grant_imports_to(user);
                        records::apply_record_action(port, id, &action, now)
                    })
                    .await?
                }
                Err(e) => Some(format!("Not a records action: {e}")),
            }
        }
        turnover_workflow::ENTITY => match serde_json::from_value::<TurnoverAction>(a.action.clone()) {
            Ok(action) => {
                run_recorded(st, p, a, "turnover", move |port, id| {
                    turnover_workflow::apply_action(port, id, &action, &actor, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a turnover action: {e}")),
        },
        move_out_workflow::ENTITY => match serde_json::from_value::<MoveOutAction>(a.action.clone()) {
            Ok(action) => {
                run_recorded(st, p, a, "move_out", move |port, id| {
                    move_out_workflow::apply_action(port, id, &action, &actor, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a move-out inspection action: {e}")),
        },
        entity if MaintenanceAction::ENTITIES.contains(&entity) => {
            match serde_json::from_value::<MaintenanceAction>(a.action.clone()) {
                Ok(action) if action.entity() != entity => {
                    Some(format!("A '{}' action is not about {entity}.", a.action["action"]))
                }
                Ok(action) => {
                    run_recorded(st, p, a, "maintenance", move |port, id| {
                        maintenance::apply_action(port, id, &action, now)
                    })
                    .await?
                }
                Err(e) => Some(format!("Not a maintenance action: {e}")),
            }
        }
        invoices::ENTITY => match serde_json::from_value::<InvoiceAction>(a.action.clone()) {
            Ok(action) => {
                let gateway = gateway.clone();
                run_recorded(st, p, a, "invoices", move |port, id| {
                    let pdf = invoice_pdf(port, id, &action)?;
                    invoices::apply_action(port, &gateway, id, &action, pdf.as_deref(), now)
                })
                .await?
            }
            Err(e) => Some(format!("Not an invoice action: {e}")),
        },
        abstractions::ENTITY => match serde_json::from_value::<AbstractionAction>(a.action.clone()) {
            Ok(action) => {
                let gateway = gateway.clone();
                run_recorded(st, p, a, "lease_abstraction", move |port, id| {
                    let pdf = match &action {
                        AbstractionAction::Upload { document_url, .. } => {
                            use unitcycle_core::inspections::port::InspectionsPort;
                            match unitcycle_core::inspections::blob_hash(document_url) {
                                Some(hash) => port.blob(hash)?,
                                None => None,
                            }
                        }
                        _ => None,
                    };
                    abstractions::apply_action(port, &gateway, id, &action, pdf.as_deref(), now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a lease abstraction action: {e}")),
        },
        screening_workflow::ENTITY => match serde_json::from_value::<ScreeningAction>(a.action.clone()) {
            Ok(mut action) => {
                // A decision is recorded as the pushing user's, whatever the replica wrote.
                if let ScreeningAction::Approve { actor: who, .. } | ScreeningAction::Deny { actor: who, .. } =
                    &mut action
                {
                    who.clone_from(&p.email);
                }
                run_recorded(st, p, a, "screening", move |port, id| {
                    screening_workflow::apply_action(port, id, &action, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a screening action: {e}")),
        },
        lease_generation::ENTITY => match serde_json::from_value::<LeaseGenerationAction>(a.action.clone()) {
            Ok(mut action) => {
                // A step is recorded as the pushing user's, whatever the replica wrote.
                use LeaseGenerationAction::*;
                if let Generate { actor, .. }
                | SendForSigning { actor, .. }
                | CreateRenewal { actor, .. }
                | Void { actor, .. }
                | EditDraft { actor, .. } = &mut action
                {
                    actor.clone_from(&p.email);
                }
                run_recorded(st, p, a, "lease generation", move |port, id| {
                    lease_generation::apply_action(port, id, &action, now)
                })
                .await?
            }
            Err(e) => Some(format!("Not a lease generation action: {e}")),
        },
        hub::ENTITY => match serde_json::from_value::<HubAction>(a.action.clone()) {
            Ok(mut action) => {
                // A reply is recorded as the pushing user's, whatever the replica wrote.
                if let HubAction::Reply { actor, .. } = &mut action {
                    actor.clone_from(&p.email);
                }
                run_recorded(st, p, a, "communications", move |port, id| hub::apply_action(port, id, &action, now))
                    .await?
            }
            Err(e) => Some(format!("Not a communications action: {e}")),
        },
        broadcast::ENTITY => match serde_json::from_value::<BroadcastAction>(a.action.clone()) {
            Ok(mut action) => {
                // A broadcast is created as the pushing user's; the server sends its messages.
                if let BroadcastAction::Create { actor, .. } = &mut action {
                    actor.clone_from(&p.email);
                }
                run_recorded(st, p, a, "broadcast", move |port, id| broadcast::apply_action(port, id, &action, now))
                    .await?
            }
            Err(e) => Some(format!("Not a broadcast action: {e}")),
        },
        onboarding::ENTITY => match serde_json::from_value::<OnboardingAction>(a.action.clone()) {
            Ok(mut action) => {
                // A message or key handoff is recorded as the pushing user's, whatever the replica wrote.
                match &mut action {
                    OnboardingAction::SendMessage { actor, .. }
                    | OnboardingAction::RecordKey { actor, .. }
                    | OnboardingAction::UpdateKey { actor, .. } => actor.clone_from(&p.email),
                    _ => {}
                }
                run_recorded(st, p, a, "onboarding", move |port, id| onboarding::apply_action(port, id, &action, now))
                    .await?
            }
            Err(e) => Some(format!("Not an onboarding action: {e}")),
        },
        unitcycle_core::listing_syndication::workflow::ENTITY => {
            use unitcycle_core::listing_syndication::{publisher, workflow as listings};
            match serde_json::from_value::<listings::ListingAction>(a.action.clone()) {
                Ok(action) => {
                    run_recorded(st, p, a, "listing", move |port, id| {
                        listings::apply_action(port, &*publisher::from_env(), id, &action, now)
                    })
                    .await?
                }
                Err(e) => Some(format!("Not a listing action: {e}")),
            }
        }
        unitcycle_core::showings::workflow::ENTITY => {
            match serde_json::from_value::<unitcycle_core::showings::workflow::ShowingAction>(a.action.clone()) {
                Ok(action) => {
                    run_recorded(st, p, a, "showing", move |port, id| {
                        unitcycle_core::showings::workflow::apply_action(port, id, &action, now)
                    })
                    .await?
                }
                Err(e) => Some(format!("Not a showing action: {e}")),
            }
        }
        chat_action::ENTITY => match serde_json::from_value::<ChatAction>(a.action.clone()) {
            Ok(action) => {
                run_recorded(st, p, a, "chat", move |port, id| chat_action::apply_action(port, id, &action, now))
                    .await?
            }
            Err(e) => Some(format!("Not a chat action: {e}")),
        },
        other => Some(format!("Actions on {other} are not synced by this server.")),
    };
    let Some(refused) = refused else { return Ok(answer(Outcome::Applied, String::new(), false, Vec::new())) };
    let client = st.pool.get().await?;
    client
        .execute(
            "INSERT INTO sync_mutation (client_id, user_id, kind, outcome, detail, created_at, entity_id)
             VALUES ($1, $2, $3, 'rejected', $4, $5, $6) ON CONFLICT (client_id) DO NOTHING",
            &[&a.client_id, &p.user_id, &"feature_action", &refused, &st.clock.now(), &a.entity_id],
        )
        .await?;
    let rows = current_rows(&**client, &a.entity, a.entity_id, &p.properties).await?;
    Ok(answer(Outcome::Rejected, refused, false, rows))
}

/// The uploaded PDF an invoice action needs: the upload's blob (pushed before the action), or
/// for an approval the stored upload's.
fn invoice_pdf(port: &PgPort, invoice_id: Uuid, action: &InvoiceAction) -> Result<Option<Vec<u8>>, StoreError> {
    use unitcycle_core::inspections::port::InspectionsPort;
    use unitcycle_core::work_orders::port::MaintenancePort;
    let source = match action {
        InvoiceAction::Upload { source_document, .. } => Some(source_document.clone()),
        InvoiceAction::Approve(_) => port.invoice_extraction(invoice_id)?.map(|x| x.source_document),
        InvoiceAction::MatchWorkOrder { .. } => None,
    };
    match source.as_deref().and_then(unitcycle_core::inspections::blob_hash) {
        Some(hash) => port.blob(hash),
        None => Ok(None),
    }
}

/// Runs `f` (the feature's core workflow) over the caller's port with the action recorded in
/// `sync_mutation` in the transaction of its rows. `None` when it was applied, the reason when
/// the core refused it; a database failure is an error (the push is answered 503 and retried).
async fn run_recorded<T, F>(
    st: &AppState,
    p: &Principal,
    a: &FeatureAction,
    kind: &str,
    f: F,
) -> ApiResult<Option<String>>
where
    T: Send + 'static,
    F: FnOnce(&mut PgPort, Uuid) -> Result<T, StoreError> + Send + 'static,
{
    let record = MutationRecord {
        client_id: a.client_id,
        user_id: p.user_id,
        kind: format!("{kind}_{}", a.action["action"].as_str().unwrap_or("action")),
        entity_id: a.entity_id,
    };
    let id = a.entity_id;
    let applied = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        port.record_mutation(record);
        f(port, id)
    })
    .await;
    match applied {
        Ok(_) => Ok(None),
        Err(StoreError::NotFound { what, .. }) => Ok(Some(format!("{what} not found."))),
        Err(e @ (StoreError::Rejected(_) | StoreError::Lifecycle(_) | StoreError::Conflict { .. })) => {
            Ok(Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The stored answer to a client id seen before. A client id is one user's: another user
/// presenting it is refused (never shown the first user's answer, never applied).
pub(crate) async fn seen(
    c: &impl GenericClient,
    client_id: Uuid,
    user_id: Uuid,
) -> Result<Option<(Outcome, String)>, PgError> {
    let sql = "SELECT outcome::text, detail, user_id FROM sync_mutation WHERE client_id = $1";
    let row = c.query_opt(sql, &[&client_id]).await?;
    Ok(row.map(|row| {
        if row.get::<_, Uuid>(2) != user_id {
            return (Outcome::Rejected, "This client id belongs to another user's change; send a new one.".into());
        }
        let outcome = if row.get::<_, &str>(0) == "applied" { Outcome::Applied } else { Outcome::Rejected };
        (outcome, row.get(1))
    }))
}

/// The server's rows a refused action touched (the record, its lease and unit, its family in
/// `tables::FAMILIES`), for the replica to roll back to; none when the caller may not see the record.
async fn current_rows(
    c: &impl GenericClient,
    entity: &str,
    id: Uuid,
    properties: &[Uuid],
) -> Result<Vec<Change>, PgError> {
    let Some(t) = tables::table(entity) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    // Visible as in the change feed: the row's property (its own id for a property; a tenant's
    // latest lease's) is granted, or it has none (a tenant not yet leased).
    let sql = format!(
        "SELECT {} FROM {} r WHERE r.id = $1 AND ({p} = ANY($2) OR {p} IS NULL)",
        tables::pg_json_expr(t),
        t.name,
        p = t.property_sql
    );
    let visible = c.query(&sql, &[&id, &properties]).await?;
    for row in visible.iter().map(|r| tables::canonicalize(t, r.get::<_, serde_json::Value>(0))) {
        let row = row?;
        for (table, key) in [("tenant_lease", "lease_id"), ("units_unit", "unit_id")] {
            let (Some(rt), Some(rid)) = (tables::table(table), row[key].as_str().and_then(|s| Uuid::parse_str(s).ok()))
            else {
                continue;
            };
            for r in pg::rows_by_id(c, rt, &[rid]).await? {
                out.push(Change { seq: 0, entity: rt.name.into(), id: rid, row: r });
            }
        }
        out.push(Change { seq: 0, entity: t.name.into(), id, row });
        for (ft, cond) in tables::family(entity, "$1") {
            let sql = format!("SELECT {} FROM {} r WHERE {cond}", tables::pg_json_expr(ft), ft.name);
            for r in c.query(&sql, &[&id]).await? {
                let row = tables::canonicalize(ft, r.get::<_, serde_json::Value>(0))?;
                let rid = row["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).unwrap_or_default();
                out.push(Change { seq: 0, entity: ft.name.into(), id: rid, row });
            }
        }
    }
    Ok(out)
}
