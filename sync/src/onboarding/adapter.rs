//! `OnboardingPort` over PostgreSQL: the five onboarding tables through their canonical JSON
//! (the sync registry's column lists), written with the step's emails and texts in one
//! transaction and entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::onboarding::model::{
    KeyHandoff, KnowledgeEntry, OnboardingChecklist, OnboardingMessage, OnboardingTask,
};
use unitcycle_core::onboarding::port::{OnboardingPort, OnboardingWrite};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct Rows<'a>(&'a OnboardingWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "onboarding_checklist", &w.checklists).await?;
            pg::upsert_synced(tx, "onboarding_task", &w.tasks).await?;
            pg::upsert_synced(tx, "onboarding_message", &w.messages).await?;
            pg::upsert_synced(tx, "key_handoff", &w.keys).await?;
            pg::upsert_synced(tx, "property_knowledge_base", &w.knowledge).await?;
            for m in &w.outbox {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

impl OnboardingPort for PgPort {
    fn checklists(&self) -> StoreResult<Vec<OnboardingChecklist>> {
        self.scoped_rows("onboarding_checklist", "ORDER BY r.move_in_date, r.id", &[])
    }

    fn checklist(&self, id: Uuid) -> StoreResult<OnboardingChecklist> {
        self.scoped_rows::<OnboardingChecklist>("onboarding_checklist", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Onboarding checklist", id: id.to_string() })
    }

    fn checklist_for_lease(&self, tenant_lease_id: Uuid) -> StoreResult<Option<OnboardingChecklist>> {
        Ok(self
            .scoped_rows::<OnboardingChecklist>(
                "onboarding_checklist",
                "AND r.tenant_lease_id = $2",
                &[&tenant_lease_id],
            )?
            .pop())
    }

    fn onboarding_tasks(&self, checklist_id: Uuid) -> StoreResult<Vec<OnboardingTask>> {
        self.scoped_rows("onboarding_task", "AND r.checklist_id = $2 ORDER BY r.sort_order, r.id", &[&checklist_id])
    }

    fn onboarding_messages(&self, checklist_id: Uuid) -> StoreResult<Vec<OnboardingMessage>> {
        self.scoped_rows("onboarding_message", "AND r.checklist_id = $2 ORDER BY r.created_at, r.id", &[&checklist_id])
    }

    fn key_handoffs(&self) -> StoreResult<Vec<KeyHandoff>> {
        self.scoped_rows("key_handoff", "ORDER BY r.created_at DESC, r.id", &[])
    }

    fn key_handoff(&self, id: Uuid) -> StoreResult<KeyHandoff> {
        self.scoped_rows::<KeyHandoff>("key_handoff", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Key handoff", id: id.to_string() })
    }

    fn knowledge_base(&self, property_id: Uuid) -> StoreResult<Vec<KnowledgeEntry>> {
        self.scoped_rows(
            "property_knowledge_base",
            "AND r.property_id = $2 ORDER BY r.category, r.question, r.id",
            &[&property_id],
        )
    }

    fn write_onboarding(&mut self, w: &OnboardingWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
