//! `LeaseGenerationPort` on the replica: the four record tables through their column lists, the
//! step's emails queued in the same transaction; and the shipped clause library and
//! jurisdiction rules written into `lease_clause` and `jurisdiction_rule` when the replica opens.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::lease_generation::model::{self, GeneratedLease, LeaseAddendum, LeaseSignature, LeaseTemplate};
use crate::lease_generation::port::{
    LeaseGenerationPort, LeaseWrite, SigningLookup, ADDENDUM_COLUMNS, CLAUSE_COLUMNS, LEASE_COLUMNS, RULE_COLUMNS,
    SIGNATURE_COLUMNS, TEMPLATE_COLUMNS,
};

fn write_rows(tx: &rusqlite::Transaction<'_>, rows: &LeaseWrite) -> Result<()> {
    json_rows::upsert(tx, "lease_template", TEMPLATE_COLUMNS, &rows.templates)?;
    json_rows::upsert(tx, "generated_lease", LEASE_COLUMNS, &rows.leases)?;
    json_rows::upsert(tx, "lease_signature", SIGNATURE_COLUMNS, &rows.signatures)?;
    json_rows::upsert(tx, "lease_addendum", ADDENDUM_COLUMNS, &rows.addenda)
}

/// Writes the shipped reference rows (same ids everywhere, so writing them again changes
/// nothing but a newer text).
pub(super) fn seed_reference(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    json_rows::upsert(tx, "lease_clause", CLAUSE_COLUMNS, &crate::lease_generation::clauses::library())?;
    json_rows::upsert(tx, "jurisdiction_rule", RULE_COLUMNS, &model::rule_rows())
}

fn not_found(what: &'static str, id: Uuid) -> StoreError {
    StoreError::NotFound { what, id: id.to_string() }
}

impl LeaseGenerationPort for Store {
    fn lease_templates(&self) -> Result<Vec<LeaseTemplate>> {
        json_rows::select(self.conn(), "lease_template", TEMPLATE_COLUMNS, "ORDER BY r.jurisdiction_state, r.name", [])
    }

    fn lease_template(&self, id: Uuid) -> Result<LeaseTemplate> {
        json_rows::select(self.conn(), "lease_template", TEMPLATE_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Lease template", id))
    }

    fn generated_leases(&self) -> Result<Vec<GeneratedLease>> {
        json_rows::select(self.conn(), "generated_lease", LEASE_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn generated_lease(&self, id: Uuid) -> Result<GeneratedLease> {
        json_rows::select(self.conn(), "generated_lease", LEASE_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Generated lease", id))
    }

    fn lease_signatures(&self, lease_id: Uuid) -> Result<Vec<LeaseSignature>> {
        json_rows::select(
            self.conn(),
            "lease_signature",
            SIGNATURE_COLUMNS,
            "WHERE r.lease_id = ?1 ORDER BY r.signer_role = 'property_manager', r.signer_name, r.id",
            [lease_id.to_string()],
        )
    }

    fn open_signatures(&self) -> Result<Vec<LeaseSignature>> {
        json_rows::select(
            self.conn(),
            "lease_signature",
            SIGNATURE_COLUMNS,
            "WHERE r.status IN ('pending', 'viewed') ORDER BY r.expires_at, r.id",
            [],
        )
    }

    fn lease_addenda(&self, lease_id: Uuid) -> Result<Vec<LeaseAddendum>> {
        json_rows::select(
            self.conn(),
            "lease_addendum",
            ADDENDUM_COLUMNS,
            "WHERE r.lease_id = ?1 ORDER BY r.created_at, r.id",
            [lease_id.to_string()],
        )
    }

    fn write_lease_rows(&mut self, rows: &LeaseWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            write_rows(tx, rows)?;
            for m in &rows.messages {
                crate::outbox::enqueue(tx, m, now)?;
            }
            Ok(())
        })
    }
}

impl SigningLookup for Store {
    fn signature_by_token(&self, token: Uuid) -> Result<Option<LeaseSignature>> {
        Ok(json_rows::select(
            self.conn(),
            "lease_signature",
            SIGNATURE_COLUMNS,
            "WHERE r.signing_token = ?1",
            [token.to_string()],
        )?
        .pop())
    }
}

impl LeaseGenerationPort for super::Queueing<'_> {
    fn lease_templates(&self) -> Result<Vec<LeaseTemplate>> {
        self.store.lease_templates()
    }

    fn lease_template(&self, id: Uuid) -> Result<LeaseTemplate> {
        self.store.lease_template(id)
    }

    fn generated_leases(&self) -> Result<Vec<GeneratedLease>> {
        self.store.generated_leases()
    }

    fn generated_lease(&self, id: Uuid) -> Result<GeneratedLease> {
        self.store.generated_lease(id)
    }

    fn lease_signatures(&self, lease_id: Uuid) -> Result<Vec<LeaseSignature>> {
        self.store.lease_signatures(lease_id)
    }

    fn open_signatures(&self) -> Result<Vec<LeaseSignature>> {
        self.store.open_signatures()
    }

    fn lease_addenda(&self, lease_id: Uuid) -> Result<Vec<LeaseAddendum>> {
        self.store.lease_addenda(lease_id)
    }

    fn write_lease_rows(&mut self, rows: &LeaseWrite, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_lease_rows(rows, now) };
        // The rows and the queued action in one transaction; the server sends the messages.
        self.store.transaction(|tx| {
            write_rows(tx, rows)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
