//! `LeaseGenerationPort` over PostgreSQL: templates, generated leases, their signatures and
//! addenda through their canonical JSON (the sync registry's column lists), written with the
//! step's emails in one transaction and entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::lease_generation::model::{GeneratedLease, LeaseAddendum, LeaseSignature, LeaseTemplate};
use unitcycle_core::lease_generation::port::{LeaseGenerationPort, LeaseWrite, SigningLookup};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct Rows<'a>(&'a LeaseWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "lease_template", &w.templates).await?;
            pg::upsert_synced(tx, "generated_lease", &w.leases).await?;
            pg::upsert_synced(tx, "lease_signature", &w.signatures).await?;
            pg::upsert_synced(tx, "lease_addendum", &w.addenda).await?;
            for m in &w.messages {
                pgdomain::enqueue(tx, m, now).await?;
            }
            Ok::<_, pg::PgError>(())
        };
        applied.await.map_err(store_error)
    }
}

const OF_SCOPE: &str = "(SELECT g.property_id FROM generated_lease g WHERE g.id = r.lease_id) = ANY($1)";

impl LeaseGenerationPort for PgPort {
    fn lease_templates(&self) -> StoreResult<Vec<LeaseTemplate>> {
        self.block(pgdomain::rows(
            self.client(),
            "lease_template",
            "(r.property_id IS NULL OR r.property_id = ANY($1)) ORDER BY r.jurisdiction_state, r.name",
            &[&self.scope],
        ))
    }

    fn lease_template(&self, id: Uuid) -> StoreResult<LeaseTemplate> {
        self.block(pgdomain::rows::<LeaseTemplate>(
            self.client(),
            "lease_template",
            "(r.property_id IS NULL OR r.property_id = ANY($1)) AND r.id = $2",
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Lease template", id: id.to_string() })
    }

    fn generated_leases(&self) -> StoreResult<Vec<GeneratedLease>> {
        self.block(pgdomain::rows(
            self.client(),
            "generated_lease",
            "r.property_id = ANY($1) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        ))
    }

    fn generated_lease(&self, id: Uuid) -> StoreResult<GeneratedLease> {
        self.block(pgdomain::rows::<GeneratedLease>(
            self.client(),
            "generated_lease",
            "r.property_id = ANY($1) AND r.id = $2",
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Generated lease", id: id.to_string() })
    }

    fn lease_signatures(&self, lease_id: Uuid) -> StoreResult<Vec<LeaseSignature>> {
        self.block(pgdomain::rows(
            self.client(),
            "lease_signature",
            &format!("{OF_SCOPE} AND r.lease_id = $2 ORDER BY r.signer_role = 'property_manager', r.signer_name, r.id"),
            &[&self.scope, &lease_id],
        ))
    }

    fn open_signatures(&self) -> StoreResult<Vec<LeaseSignature>> {
        self.block(pgdomain::rows(
            self.client(),
            "lease_signature",
            &format!("{OF_SCOPE} AND r.status IN ('pending', 'viewed') ORDER BY r.expires_at, r.id"),
            &[&self.scope],
        ))
    }

    fn lease_addenda(&self, lease_id: Uuid) -> StoreResult<Vec<LeaseAddendum>> {
        self.block(pgdomain::rows(
            self.client(),
            "lease_addendum",
            &format!("{OF_SCOPE} AND r.lease_id = $2 ORDER BY r.created_at, r.id"),
            &[&self.scope, &lease_id],
        ))
    }

    fn write_lease_rows(&mut self, rows: &LeaseWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if rows.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(rows)], now)
    }
}

impl SigningLookup for PgPort {
    fn signature_by_token(&self, token: Uuid) -> StoreResult<Option<LeaseSignature>> {
        Ok(self
            .block(pgdomain::rows::<LeaseSignature>(
                self.client(),
                "lease_signature",
                &format!("{OF_SCOPE} AND r.signing_token = $2"),
                &[&self.scope, &token],
            ))?
            .pop())
    }
}

/// The property a signing token's lease belongs to: the public page runs in that scope alone.
pub async fn token_property(pool: &deadpool_postgres::Pool, token: Uuid) -> pg::Result<Option<Uuid>> {
    Ok(pool
        .get()
        .await?
        .query_opt(
            "SELECT g.property_id FROM lease_signature s JOIN generated_lease g ON g.id = s.lease_id \
             WHERE s.signing_token = $1",
            &[&token],
        )
        .await?
        .map(|r| r.get(0)))
}
