//! Portfolio command center (spec 1.4) on PostgreSQL: the rows of the unit table. Filtering,
//! sorting and the summary are `unitcycle_core::command_center::{view, summary}`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use unitcycle_core::command_center::Row;
use unitcycle_core::lifecycle;
use unitcycle_core::model::LeaseStatus;
use uuid::Uuid;

use crate::pg::Result;

/// One row per unit of `properties`: its current lease (the newest non-vacant one, else the
/// newest), the top pending AI action, and the collections risk profile or churn level.
pub async fn rows(c: &impl GenericClient, properties: &[Uuid], today: NaiveDate) -> Result<Vec<Row>> {
    let rows = c
        .query(
            "WITH cur AS (
                SELECT u.id AS unit_id, (SELECT x.id FROM tenant_lease x WHERE x.unit_id = u.id
                    ORDER BY x.lease_status = 'vacant', x.lease_begin_date DESC, x.id LIMIT 1) AS lease_id
                FROM units_unit u WHERE u.property_id = ANY($1)),
             top AS (
                SELECT unit_id, action_type, confidence_score,
                       ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY confidence_score DESC, id) AS rn
                FROM ai_action_queue WHERE status = 'pending' AND property_id = ANY($1)),
             risk AS (
                SELECT lease_id, MAX(tenant_risk_profile::text) AS profile FROM collection_case
                WHERE status IN ('open', 'payment_plan') AND property_id = ANY($1) GROUP BY lease_id),
             churn AS (
                SELECT lease_id, churn_risk_level::text AS level,
                       ROW_NUMBER() OVER (PARTITION BY lease_id ORDER BY created_at DESC, id) AS rn
                FROM renewal_recommendation WHERE property_id = ANY($1))
             SELECT u.id, u.unit_number::text, u.property_id, p.name::text, t.first_name || ' ' || t.last_name,
                    l.lease_status::text, l.monthly_rent_amount::text, u.market_rent::text, l.lease_end_date,
                    l.notice_move_out_date, l.actual_move_out_date, COALESCE(risk.profile, churn.level),
                    top.action_type::text, top.confidence_score::text
             FROM units_unit u
             JOIN properties p ON p.id = u.property_id
             JOIN cur ON cur.unit_id = u.id
             LEFT JOIN tenant_lease l ON l.id = cur.lease_id
             LEFT JOIN tenants t ON t.id = l.tenant_id
             LEFT JOIN top ON top.unit_id = u.id AND top.rn = 1
             LEFT JOIN risk ON risk.lease_id = l.id
             LEFT JOIN churn ON churn.lease_id = l.id AND churn.rn = 1
             ORDER BY p.name, u.unit_number, u.id",
            &[&properties],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let state = r.get::<_, Option<&str>>(5).and_then(LeaseStatus::parse).unwrap_or(LeaseStatus::Vacant);
            let money = |i: usize| r.get::<_, Option<&str>>(i).and_then(|t| t.parse::<Decimal>().ok());
            Row {
                unit_id: r.get(0),
                unit_number: r.get(1),
                property_id: r.get(2),
                property_name: r.get(3),
                tenant_name: if state == LeaseStatus::Vacant { None } else { r.get(4) },
                lifecycle_state: state,
                rent: money(6).unwrap_or(Decimal::ZERO),
                market_rent: money(7).unwrap_or(Decimal::ZERO),
                days_to_event: lifecycle::days_to_event_from(state, r.get(8), r.get(9), r.get(10), today),
                risk_level: r.get(11),
                ai_action: r.get::<_, Option<&str>>(12).and_then(|a| a.parse().ok()),
                ai_confidence: r.get::<_, Option<&str>>(13).and_then(|c| c.parse::<f64>().ok()),
            }
        })
        .collect())
}
