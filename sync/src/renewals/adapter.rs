//! Renewal rows on PostgreSQL (`renewal_recommendation`) and the renewal port over them. The
//! scan and the workflow are `unitcycle_core::renewals::{scan, workflow}`; this module only reads
//! and writes rows.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_postgres::{GenericClient, Row, Transaction};
use unitcycle_core::lifecycle;
use unitcycle_core::model::{Lease, LedgerEntry, WorkOrder};
use unitcycle_core::renewals::port::{RenewalWrite, RenewalsPort};
use unitcycle_core::renewals::{RenewalPlan, RenewalRecommendation, RenewalStatus};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{parse, store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, ApplyError, PgError, Result};
use crate::{pgdomain, tables};

const COLS: &str = "r.id, r.lease_id, r.tenant_id, r.unit_id, r.property_id, r.churn_score, r.churn_risk_level::text, \
    r.churn_factors, r.current_rent::text, r.market_rent::text, r.recommended_rent::text, r.rent_increase_pct, \
    r.rent_strategy::text, r.rent_reasoning, r.recommended_term_months, r.recommended_lease_start, \
    r.recommended_lease_end, r.renewal_letter_text, r.renewal_letter_generated_at, r.letter_provider::text, \
    r.status::text, r.reviewed_by::text, r.reviewed_at, r.created_at, r.updated_at";

fn from_row(r: &Row) -> Result<RenewalRecommendation> {
    Ok(RenewalRecommendation {
        id: r.get(0),
        lease_id: r.get(1),
        tenant_id: r.get(2),
        unit_id: r.get(3),
        property_id: r.get(4),
        plan: RenewalPlan {
            churn_score: r.get(5),
            churn_risk_level: parse(r, 6, "renewal_recommendation.churn_risk_level")?,
            churn_factors: serde_json::from_value(r.get::<_, Value>(7))?,
            current_rent: parse(r, 8, "renewal_recommendation.current_rent")?,
            market_rent: parse(r, 9, "renewal_recommendation.market_rent")?,
            recommended_rent: parse(r, 10, "renewal_recommendation.recommended_rent")?,
            rent_increase_pct: r.get(11),
            rent_strategy: parse(r, 12, "renewal_recommendation.rent_strategy")?,
            rent_reasoning: r.get(13),
            recommended_term_months: r.get::<_, i32>(14).max(0) as u32,
            recommended_lease_start: r.get(15),
            recommended_lease_end: r.get(16),
        },
        renewal_letter_text: r.get(17),
        renewal_letter_generated_at: r.get(18),
        letter_provider: r.get(19),
        status: parse(r, 20, "renewal_recommendation.status")?,
        reviewed_by: r.get(21),
        reviewed_at: r.get(22),
        created_at: r.get(23),
        updated_at: r.get(24),
    })
}

/// Filters of `GET /api/v1/renewals/` (empty lists: any).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Vec<String>,
    pub churn_risk_level: Vec<String>,
    pub property: Option<Uuid>,
    pub lease: Option<Uuid>,
}

/// `WHERE` over alias `r`: `$1` the caller's properties, `$2` statuses, `$3` risk levels (empty:
/// any), `$4` property, `$5` lease (NULL: any).
const WHERE: &str = "r.property_id = ANY($1)
    AND (cardinality($2::text[]) = 0 OR r.status = ANY($2::text[]))
    AND (cardinality($3::text[]) = 0 OR r.churn_risk_level = ANY($3::text[]))
    AND ($4::uuid IS NULL OR r.property_id = $4) AND ($5::uuid IS NULL OR r.lease_id = $5)";

/// One page of recommendations (highest churn first) and the total count.
/// The list's order: highest churn first, newest first among equals.
pub const ORDER: &str = "r.churn_score DESC, r.created_at DESC, r.id";

pub async fn list(
    c: &impl GenericClient,
    properties: &[Uuid],
    f: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<RenewalRecommendation>)> {
    let w = WHERE;
    let args: [&(dyn tokio_postgres::types::ToSql + Sync); 5] =
        [&properties, &f.status, &f.churn_risk_level, &f.property, &f.lease];
    let count =
        crate::read_cache::count(c, &format!("SELECT COUNT(*) FROM renewal_recommendation r WHERE {w}"), &args).await?;
    let rows = c
        .query(
            &format!(
                "SELECT {COLS} FROM renewal_recommendation r WHERE {w}
                 ORDER BY {ORDER} LIMIT {limit} OFFSET {offset}"
            ),
            &args,
        )
        .await?;
    Ok((count, rows.iter().map(from_row).collect::<Result<_>>()?))
}

/// Every recommendation matching `f` (for the dashboard statistics).
pub async fn all(c: &impl GenericClient, properties: &[Uuid], f: &Filter) -> Result<Vec<RenewalRecommendation>> {
    Ok(list(c, properties, f, 0, i64::MAX / 2).await?.1)
}

/// A recommendation in one of `properties`; `for_update` locks it.
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    properties: &[Uuid],
    for_update: bool,
) -> Result<Option<RenewalRecommendation>> {
    let lock = if for_update { "FOR UPDATE" } else { "" };
    let row = c
        .query_opt(
            &format!("SELECT {COLS} FROM renewal_recommendation r WHERE r.id = $1 AND r.property_id = ANY($2) {lock}"),
            &[&id, &properties],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn insert(tx: &Transaction<'_>, rec: &RenewalRecommendation) -> Result<()> {
    let p = &rec.plan;
    tx.execute(
        "INSERT INTO renewal_recommendation (id, lease_id, tenant_id, unit_id, property_id, churn_score,
         churn_risk_level, churn_factors, current_rent, market_rent, recommended_rent, rent_increase_pct,
         rent_strategy, rent_reasoning, recommended_term_months, recommended_lease_start, recommended_lease_end,
         renewal_letter_text, renewal_letter_generated_at, letter_provider, status, reviewed_by, reviewed_at,
         created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::numeric, $10::text::numeric, $11::text::numeric, $12,
                 $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
        &[
            &rec.id,
            &rec.lease_id,
            &rec.tenant_id,
            &rec.unit_id,
            &rec.property_id,
            &p.churn_score,
            &p.churn_risk_level.as_str(),
            &serde_json::to_value(p.churn_factors)?,
            &p.current_rent.to_string(),
            &p.market_rent.to_string(),
            &p.recommended_rent.to_string(),
            &p.rent_increase_pct,
            &p.rent_strategy.as_str(),
            &p.rent_reasoning,
            &(p.recommended_term_months as i32),
            &p.recommended_lease_start,
            &p.recommended_lease_end,
            &rec.renewal_letter_text,
            &rec.renewal_letter_generated_at,
            &rec.letter_provider,
            &rec.status.as_str(),
            &rec.reviewed_by,
            &rec.reviewed_at,
            &rec.created_at,
            &rec.updated_at,
        ],
    )
    .await?;
    Ok(())
}

/// Writes a status change (and an approved rent), refusing a stale status.
pub(crate) async fn update_status(
    tx: &Transaction<'_>,
    rec: &RenewalRecommendation,
    to: RenewalStatus,
    rent: Option<(Decimal, f64)>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (rent, pct) = rent.unwrap_or((rec.plan.recommended_rent, rec.plan.rent_increase_pct));
    let n = tx
        .execute(
            "UPDATE renewal_recommendation SET status = $3::text, recommended_rent = $4::text::numeric,
             rent_increase_pct = $5,
             reviewed_by = CASE WHEN $3::text = 'approved' THEN $6 ELSE reviewed_by END,
             reviewed_at = CASE WHEN $3::text = 'approved' THEN $7 ELSE reviewed_at END,
             updated_at = $7 WHERE id = $1 AND status = $2",
            &[
                &rec.id,
                &rec.status.as_str(),
                &to.as_str(),
                &rent.to_string(),
                &pct,
                &lifecycle::truncate(actor, 100),
                &now,
            ],
        )
        .await?;
    Ok(n == 1)
}

impl RenewalsPort for PgPort {
    fn churn_signal(&self, tenant_id: Uuid) -> StoreResult<Option<(String, f64)>> {
        self.block(async {
            Ok(self
                .client()
                .query_opt(
                    "SELECT risk_level, churn_probability FROM tenant_sentiment_log WHERE tenant_id = $1 \
                     AND property_id = ANY($2) ORDER BY date DESC LIMIT 1",
                    &[&tenant_id, &self.scope],
                )
                .await?
                .map(|r| (r.get(0), r.get(1))))
        })
    }

    /// Active and month-to-month leases, except those in legal collections
    /// (`renewals::IN_LEGAL`).
    fn renewal_candidates(&self) -> StoreResult<Vec<Lease>> {
        let filter = format!(
            "r.lease_status IN ('active', 'month_to_month') AND r.property_id = ANY($1)
             AND NOT EXISTS (SELECT 1 FROM collection_case c WHERE c.lease_id = r.id AND {}) ORDER BY r.id",
            unitcycle_core::renewals::IN_LEGAL
        );
        self.sane_rows("tenant_lease", &filter, &[&self.scope])
    }

    fn leases_with_open_renewal(&self) -> StoreResult<HashSet<Uuid>> {
        self.block(async {
            Ok(self
                .client()
                .query(
                    "SELECT DISTINCT lease_id FROM renewal_recommendation
                     WHERE status IN ('pending', 'approved', 'sent') AND property_id = ANY($1)",
                    &[&self.scope],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn property_vacancy(&self) -> StoreResult<HashMap<Uuid, (u32, u32)>> {
        self.block(pgdomain::property_vacancy(self.client()))
    }

    fn ledger_since(&self, tenant_id: Uuid, since: NaiveDate) -> StoreResult<Vec<LedgerEntry>> {
        self.sane_rows(
            "tenant_ledger_entry",
            "r.tenant_id = $1 AND r.trans_date >= $2 ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
            &[&tenant_id, &since],
        )
    }

    fn work_order_dates(&self, unit_id: Uuid) -> StoreResult<Vec<NaiveDate>> {
        let orders: Vec<WorkOrder> =
            self.block(pgdomain::rows(self.client(), "units_maintenance", "r.unit_id = $1", &[&unit_id]))?;
        Ok(orders.iter().map(|w| w.requested_date).collect())
    }

    fn renewal(&self, id: Uuid) -> StoreResult<RenewalRecommendation> {
        self.block(get(self.client(), id, &self.scope, false))?
            .ok_or_else(|| StoreError::NotFound { what: "Renewal recommendation", id: id.to_string() })
    }

    fn open_renewals(&self) -> StoreResult<Vec<RenewalRecommendation>> {
        let open = Filter { status: vec!["pending".into(), "approved".into(), "sent".into()], ..Default::default() };
        self.block(all(self.client(), &self.scope, &open))
    }

    fn write_renewals(&mut self, writes: &[RenewalWrite], now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(writes, now)
    }
}

impl RowWrite for RenewalWrite {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        write(tx, self, now).await
    }
}

/// Applies one renewal write inside `tx`, bumping the change sequence of the synced rows.
async fn write(tx: &Transaction<'_>, w: &RenewalWrite, now: DateTime<Utc>) -> StoreResult<()> {
    let pg = |e: PgError| store_error(e);
    match w {
        RenewalWrite::Insert(rec) => {
            insert(tx, rec).await.map_err(pg)?;
            bump_renewal(tx, rec.id).await.map_err(pg)?;
        }
        RenewalWrite::Status { rec, to, rent, actor } => {
            if !update_status(tx, rec, *to, *rent, actor, now).await.map_err(pg)? {
                return Err(StoreError::Conflict {
                    what: "renewal recommendation",
                    now: "someone else changed it".into(),
                });
            }
            bump_renewal(tx, rec.id).await.map_err(pg)?;
        }
        RenewalWrite::Letter { id, text, provider } => {
            let n = tx
                .execute(
                    "UPDATE renewal_recommendation SET renewal_letter_text = $2, letter_provider = $3,
                     renewal_letter_generated_at = $4, updated_at = $4 WHERE id = $1",
                    &[id, text, provider, &now],
                )
                .await
                .map_err(|e| pg(e.into()))?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "Renewal recommendation", id: id.to_string() });
            }
            bump_renewal(tx, *id).await.map_err(pg)?;
        }
        RenewalWrite::Transition(t) => match pg::apply_transition(tx, t, Uuid::new_v4(), now).await {
            Ok(()) => {}
            Err(ApplyError::Conflict(s)) => {
                return Err(StoreError::Conflict { what: "lease", now: format!("it is now {s}") })
            }
            Err(ApplyError::Pg(e)) => return Err(pg(e)),
        },
        RenewalWrite::RenewLease { lease_id, unit_id, rent, start, end } => {
            let rent = rent.to_string();
            let run = async {
                tx.execute(
                    "UPDATE tenant_lease SET monthly_rent_amount = $2::text::numeric, lease_begin_date = $3,
                     lease_end_date = $4, updated_at = $5 WHERE id = $1",
                    &[lease_id, &rent, start, end, &now],
                )
                .await?;
                tx.execute(
                    "UPDATE units_unit SET current_rent = $2::text::numeric, status = 'occupied', updated_at = $3
                     WHERE id = $1",
                    &[unit_id, &rent, &now],
                )
                .await?;
                for (table, id) in [("tenant_lease", *lease_id), ("units_unit", *unit_id)] {
                    if let Some(t) = tables::table(table) {
                        pg::bump(tx, t, &[id]).await?;
                    }
                }
                Ok::<_, PgError>(())
            };
            run.await.map_err(pg)?;
        }
        RenewalWrite::Enqueue(msg) => {
            pgdomain::enqueue(tx, msg, now).await.map_err(pg)?;
        }
    }
    Ok(())
}

/// Enters a renewal row in the change log, so replicas pull it.
pub(crate) async fn bump_renewal(tx: &Transaction<'_>, id: Uuid) -> Result<()> {
    match tables::table("renewal_recommendation") {
        Some(t) => pg::bump(tx, t, &[id]).await,
        None => Ok(()),
    }
}
