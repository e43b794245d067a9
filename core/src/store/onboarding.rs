//! `OnboardingPort` on the replica: the five onboarding tables through their column lists, the
//! step's emails and texts queued in the same transaction (or, on a connected replica, the
//! person's action queued for the server, which sends them).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::onboarding::model::{KeyHandoff, KnowledgeEntry, OnboardingChecklist, OnboardingMessage, OnboardingTask};
use crate::onboarding::port::{
    OnboardingPort, OnboardingWrite, CHECKLIST_COLUMNS, KEY_COLUMNS, KNOWLEDGE_COLUMNS, MESSAGE_COLUMNS, TASK_COLUMNS,
};

fn write_rows(tx: &rusqlite::Transaction<'_>, w: &OnboardingWrite) -> Result<()> {
    json_rows::upsert(tx, "onboarding_checklist", CHECKLIST_COLUMNS, &w.checklists)?;
    json_rows::upsert(tx, "onboarding_task", TASK_COLUMNS, &w.tasks)?;
    json_rows::upsert(tx, "onboarding_message", MESSAGE_COLUMNS, &w.messages)?;
    json_rows::upsert(tx, "key_handoff", KEY_COLUMNS, &w.keys)?;
    json_rows::upsert(tx, "property_knowledge_base", KNOWLEDGE_COLUMNS, &w.knowledge)
}

fn not_found(what: &'static str, id: Uuid) -> StoreError {
    StoreError::NotFound { what, id: id.to_string() }
}

impl OnboardingPort for Store {
    fn checklists(&self) -> Result<Vec<OnboardingChecklist>> {
        json_rows::select(self.conn(), "onboarding_checklist", CHECKLIST_COLUMNS, "ORDER BY r.move_in_date, r.id", [])
    }

    fn checklist(&self, id: Uuid) -> Result<OnboardingChecklist> {
        json_rows::select(self.conn(), "onboarding_checklist", CHECKLIST_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Onboarding checklist", id))
    }

    fn checklist_for_lease(&self, tenant_lease_id: Uuid) -> Result<Option<OnboardingChecklist>> {
        Ok(json_rows::select(
            self.conn(),
            "onboarding_checklist",
            CHECKLIST_COLUMNS,
            "WHERE r.tenant_lease_id = ?1",
            [tenant_lease_id.to_string()],
        )?
        .pop())
    }

    fn onboarding_tasks(&self, checklist_id: Uuid) -> Result<Vec<OnboardingTask>> {
        json_rows::select(
            self.conn(),
            "onboarding_task",
            TASK_COLUMNS,
            "WHERE r.checklist_id = ?1 ORDER BY r.sort_order, r.id",
            [checklist_id.to_string()],
        )
    }

    fn onboarding_messages(&self, checklist_id: Uuid) -> Result<Vec<OnboardingMessage>> {
        json_rows::select(
            self.conn(),
            "onboarding_message",
            MESSAGE_COLUMNS,
            "WHERE r.checklist_id = ?1 ORDER BY r.created_at, r.id",
            [checklist_id.to_string()],
        )
    }

    fn key_handoffs(&self) -> Result<Vec<KeyHandoff>> {
        json_rows::select(self.conn(), "key_handoff", KEY_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn key_handoff(&self, id: Uuid) -> Result<KeyHandoff> {
        json_rows::select(self.conn(), "key_handoff", KEY_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Key handoff", id))
    }

    fn knowledge_base(&self, property_id: Uuid) -> Result<Vec<KnowledgeEntry>> {
        json_rows::select(
            self.conn(),
            "property_knowledge_base",
            KNOWLEDGE_COLUMNS,
            "WHERE r.property_id = ?1 ORDER BY r.category, r.question, r.id",
            [property_id.to_string()],
        )
    }

    fn write_onboarding(&mut self, w: &OnboardingWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            write_rows(tx, w)?;
            for m in &w.outbox {
                crate::outbox::enqueue(tx, m, now)?;
            }
            Ok(())
        })
    }
}

impl OnboardingPort for super::Queueing<'_> {
    fn checklists(&self) -> Result<Vec<OnboardingChecklist>> {
        self.store.checklists()
    }

    fn checklist(&self, id: Uuid) -> Result<OnboardingChecklist> {
        self.store.checklist(id)
    }

    fn checklist_for_lease(&self, tenant_lease_id: Uuid) -> Result<Option<OnboardingChecklist>> {
        self.store.checklist_for_lease(tenant_lease_id)
    }

    fn onboarding_tasks(&self, checklist_id: Uuid) -> Result<Vec<OnboardingTask>> {
        self.store.onboarding_tasks(checklist_id)
    }

    fn onboarding_messages(&self, checklist_id: Uuid) -> Result<Vec<OnboardingMessage>> {
        self.store.onboarding_messages(checklist_id)
    }

    fn key_handoffs(&self) -> Result<Vec<KeyHandoff>> {
        self.store.key_handoffs()
    }

    fn key_handoff(&self, id: Uuid) -> Result<KeyHandoff> {
        self.store.key_handoff(id)
    }

    fn knowledge_base(&self, property_id: Uuid) -> Result<Vec<KnowledgeEntry>> {
        self.store.knowledge_base(property_id)
    }

    fn write_onboarding(&mut self, w: &OnboardingWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_onboarding(w, now) };
        // The rows and the queued action in one transaction; the server sends the messages.
        self.store.transaction(|tx| {
            write_rows(tx, w)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
