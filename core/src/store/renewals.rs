//! `renewal_recommendation` rows.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row, Transaction};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{found, get_dec, get_json, get_uuid, optional, Result, Store, StoreError};
use crate::renewals::{ChurnRiskLevel, RenewalPlan, RenewalRecommendation, RenewalStatus};

const COLS: &str = "id, lease_id, tenant_id, unit_id, property_id, churn_score, churn_risk_level, churn_factors, \
    current_rent, market_rent, recommended_rent, rent_increase_pct, rent_strategy, rent_reasoning, \
    recommended_term_months, recommended_lease_start, recommended_lease_end, renewal_letter_text, \
    renewal_letter_generated_at, letter_provider, status, reviewed_by, reviewed_at, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RenewalRecommendation> {
    let factors = get_json(r, 7)?;
    Ok(RenewalRecommendation {
        id: get_uuid(r, 0)?,
        lease_id: get_uuid(r, 1)?,
        tenant_id: get_uuid(r, 2)?,
        unit_id: get_uuid(r, 3)?,
        property_id: get_uuid(r, 4)?,
        plan: RenewalPlan {
            churn_score: r.get(5)?,
            churn_risk_level: r.get(6)?,
            churn_factors: serde_json::from_value(factors)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e)))?,
            current_rent: get_dec(r, 8)?,
            market_rent: get_dec(r, 9)?,
            recommended_rent: get_dec(r, 10)?,
            rent_increase_pct: r.get(11)?,
            rent_strategy: r.get(12)?,
            rent_reasoning: r.get(13)?,
            recommended_term_months: r.get(14)?,
            recommended_lease_start: r.get(15)?,
            recommended_lease_end: r.get(16)?,
        },
        renewal_letter_text: r.get(17)?,
        renewal_letter_generated_at: r.get(18)?,
        letter_provider: r.get(19)?,
        status: r.get(20)?,
        reviewed_by: r.get(21)?,
        reviewed_at: r.get(22)?,
        created_at: r.get(23)?,
        updated_at: r.get(24)?,
    })
}

pub fn insert_renewal(tx: &Transaction<'_>, rec: &RenewalRecommendation) -> Result<()> {
    let p = &rec.plan;
    tx.prepare_cached(&format!(
        "INSERT INTO renewal_recommendation ({COLS}) VALUES
         (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25)"
    ))?
    .execute(params![
        rec.id.to_string(),
        rec.lease_id.to_string(),
        rec.tenant_id.to_string(),
        rec.unit_id.to_string(),
        rec.property_id.to_string(),
        p.churn_score,
        p.churn_risk_level,
        serde_json::to_string(&p.churn_factors).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        p.current_rent.to_string(),
        p.market_rent.to_string(),
        p.recommended_rent.to_string(),
        p.rent_increase_pct,
        p.rent_strategy,
        p.rent_reasoning,
        p.recommended_term_months,
        p.recommended_lease_start,
        p.recommended_lease_end,
        rec.renewal_letter_text,
        rec.renewal_letter_generated_at,
        rec.letter_provider,
        rec.status,
        rec.reviewed_by,
        rec.reviewed_at,
        rec.created_at,
        rec.updated_at,
    ])?;
    Ok(())
}

/// Filters of `GET /api/v1/renewals/`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct RenewalFilter {
    pub status: Vec<RenewalStatus>,
    pub churn_risk_level: Vec<ChurnRiskLevel>,
    pub property: Option<Uuid>,
    pub lease: Option<Uuid>,
}

/// Writes a status change (and an approved rent) with who did it, refusing a stale status.
pub fn update_renewal_status(
    tx: &Transaction<'_>,
    rec: &RenewalRecommendation,
    to: RenewalStatus,
    recommended_rent: Option<(Decimal, f64)>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (rent, pct) = recommended_rent.unwrap_or((rec.plan.recommended_rent, rec.plan.rent_increase_pct));
    let n = tx
        .prepare_cached(
            "UPDATE renewal_recommendation SET status = ?3, recommended_rent = ?4, rent_increase_pct = ?5,
             reviewed_by = CASE WHEN ?3 = 'approved' THEN ?6 ELSE reviewed_by END,
             reviewed_at = CASE WHEN ?3 = 'approved' THEN ?7 ELSE reviewed_at END,
             updated_at = ?7 WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![rec.id.to_string(), rec.status, to, rent.to_string(), pct, actor, now])?;
    if n == 0 {
        return Err(StoreError::Conflict { what: "renewal recommendation", now: "someone else changed it".into() });
    }
    Ok(())
}

impl Store {
    pub fn renewal(&self, id: Uuid) -> Result<RenewalRecommendation> {
        let r = self.conn().query_row(
            &format!("SELECT {COLS} FROM renewal_recommendation WHERE id = ?1"),
            [id.to_string()],
            from_row,
        );
        found(optional(r)?, "Renewal recommendation", id)
    }

    /// Recommendations matching `filter`, highest churn first.
    pub fn renewals(&self, filter: &RenewalFilter) -> Result<Vec<RenewalRecommendation>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut any_of = |col: &str, values: Vec<String>, args: &mut Vec<String>| {
            if !values.is_empty() {
                clauses.push(format!("{col} IN ({})", vec!["?"; values.len()].join(",")));
                args.extend(values);
            }
        };
        any_of("status", filter.status.iter().map(|s| s.as_str().to_string()).collect(), &mut args);
        any_of("churn_risk_level", filter.churn_risk_level.iter().map(|s| s.as_str().to_string()).collect(), &mut args);
        any_of("property_id", filter.property.iter().map(|u| u.to_string()).collect(), &mut args);
        any_of("lease_id", filter.lease.iter().map(|u| u.to_string()).collect(), &mut args);
        let clause = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLS} FROM renewal_recommendation {clause} ORDER BY churn_score DESC, created_at DESC"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Leases that already have a pending, approved or sent recommendation.
    pub fn leases_with_open_renewal(&self) -> Result<std::collections::HashSet<Uuid>> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT lease_id FROM renewal_recommendation WHERE status IN ('pending', 'approved', 'sent')",
        )?;
        let rows = stmt.query_map([], |r| get_uuid(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the letter text (after an edit or a regeneration).
    pub fn set_renewal_letter(&self, id: Uuid, text: &str, provider: &str, now: DateTime<Utc>) -> Result<()> {
        set_letter(self.conn(), id, text, provider, now)
    }
}

/// Replaces a recommendation's letter text and who drafted it.
pub(super) fn set_letter(
    conn: &rusqlite::Connection,
    id: Uuid,
    text: &str,
    provider: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = conn.execute(
        "UPDATE renewal_recommendation SET renewal_letter_text = ?2, letter_provider = ?3,
         renewal_letter_generated_at = ?4, updated_at = ?4 WHERE id = ?1",
        params![id.to_string(), text, provider, now],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound { what: "Renewal recommendation", id: id.to_string() });
    }
    Ok(())
}
