//! The daily sentiment job (spec 5.3's `calculate_daily_sentiment`): for each tenant who wrote in
//! the last 30 days, the rolling sentiment, the churn prediction from what the record says
//! (complaints, unanswered follow-ups, open and overdue repairs, late payments) and its risk
//! level, one `tenant_sentiment_log` row per tenant and day (a rerun rewrites the day's row).
//! The at-risk list reads the latest row of each tenant.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::churn::{predict, ChurnSignals};
use super::model::{SentimentLog, TenantMessage};
use super::port::{CommunicationsPort, HubWrite};
use crate::model::WorkOrderStatus;
use crate::store::Result;

const NAMESPACE: Uuid = Uuid::from_u128(0x7a1e_03c5_9d2b_4f60_8e14_2b6c_5d90_a3f7);

fn average(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| (values.iter().sum::<f64>() / values.len() as f64 * 100.0).round() / 100.0)
}

/// Writes the day's sentiment log; returns how many tenants were logged and how many are at
/// risk (high or critical).
pub fn daily_sentiment<P: CommunicationsPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    let since = now - Duration::days(30);
    let before = now - Duration::days(60);
    let mut by_tenant: HashMap<Uuid, (Uuid, Option<Uuid>, Vec<TenantMessage>)> = HashMap::new();
    for c in port.conversations()? {
        if c.last_message_at.is_none_or(|t| t < before) {
            continue;
        }
        let entry = by_tenant.entry(c.tenant_id).or_insert((c.property_id, c.unit_id, Vec::new()));
        entry.2.extend(port.conversation_messages(c.id)?.into_iter().filter(|m| m.created_at >= before));
    }
    let open = port.open_work_orders()?;
    let mut logs = Vec::new();
    for (tenant, (property, unit, mut msgs)) in by_tenant {
        msgs.sort_by_key(|m| m.created_at);
        let inbound_30: Vec<&TenantMessage> =
            msgs.iter().filter(|m| m.direction == "inbound" && m.created_at >= since).collect();
        if inbound_30.is_empty() {
            continue;
        }
        let prior: Vec<f64> =
            msgs.iter().filter(|m| m.direction == "inbound" && m.created_at < since).map(|m| m.sentiment).collect();
        let complaint = |m: &&&TenantMessage| m.ai_classification["category"] == "complaint" || m.sentiment <= -0.3;
        let negative_billing =
            inbound_30.iter().filter(|m| m.ai_classification["category"] == "billing" && m.sentiment < 0.0).count();
        let outbound: Vec<&TenantMessage> =
            msgs.iter().filter(|m| m.direction == "outbound" && m.created_at >= since).collect();
        let answered = outbound
            .iter()
            .filter(|o| msgs.iter().any(|m| m.direction == "inbound" && m.created_at > o.created_at))
            .count();
        let unit_open: Vec<_> =
            open.iter().filter(|w| Some(w.unit_id) == unit && w.status != WorkOrderStatus::Completed).collect();
        let overdue = unit_open.iter().filter(|w| (today - w.requested_date).num_days() > 7).count();
        let entries = port.ledger_since(tenant, today - Duration::days(366))?;
        let alloc = crate::ledger::allocate(&entries);
        let year_ago = today - Duration::days(365);
        let signals = ChurnSignals {
            sentiment_avg: average(&inbound_30.iter().map(|m| m.sentiment).collect::<Vec<_>>()).unwrap_or(0.0),
            previous_sentiment_avg: average(&prior),
            complaints_30d: inbound_30.iter().filter(complaint).count() as u32,
            followups_sent: outbound.len() as u32,
            followups_answered: answered as u32,
            open_maintenance: unit_open.len() as u32,
            overdue_maintenance: overdue as u32,
            charges_12mo: alloc.charge_count(year_ago) as u32,
            late_12mo: alloc.late_count(year_ago, today) as u32,
        };
        let p = predict(&signals);
        logs.push(SentimentLog {
            id: Uuid::new_v5(&NAMESPACE, format!("{tenant}|{today}").as_bytes()),
            tenant_id: tenant,
            property_id: property,
            date: today,
            sentiment_score: signals.sentiment_avg,
            message_count: inbound_30.len() as i32,
            risk_level: p.risk_level.clone(),
            contributing_factors: json!({
                "negative_billing_msgs": negative_billing,
                "complaints_30d": signals.complaints_30d,
                "unresolved_maintenance": signals.open_maintenance,
                "overdue_maintenance": signals.overdue_maintenance,
                "followups_unanswered": signals.followups_sent.saturating_sub(signals.followups_answered),
                "late_payments_12mo": signals.late_12mo,
                "factors": p.factors,
            }),
            churn_probability: p.churn_probability,
        });
    }
    logs.sort_by_key(|l| l.tenant_id);
    let at_risk = logs.iter().filter(|l| matches!(l.risk_level.as_str(), "high" | "critical")).count();
    let n = logs.len();
    port.write_hub(&HubWrite { sentiment: logs, ..Default::default() }, now)?;
    Ok((n, at_risk))
}

/// The job's report.
pub fn job<P: CommunicationsPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let (n, at_risk) = daily_sentiment(port, today, now)?;
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::DailySentiment,
        today,
        format!("{n} tenant{} logged; {at_risk} at risk (high or critical)", crate::format::plural_s(n)),
        json!({"logged": n, "at_risk": at_risk}),
    ))
}

/// One tenant on the at-risk list (the spec's shape).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct AtRiskTenant {
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub unit: String,
    pub property: String,
    pub risk_level: String,
    pub churn_probability: f64,
    /// The last logged days' sentiment, oldest first (up to 4).
    pub sentiment_trend: Vec<f64>,
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub contributing_factors: serde_json::Value,
    pub recommended_action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct AtRisk {
    pub at_risk_tenants: Vec<AtRiskTenant>,
    pub total_at_risk: usize,
    pub critical: usize,
    pub high: usize,
}

fn recommended(level: &str, f: &serde_json::Value) -> String {
    let mut steps = Vec::new();
    if level == "critical" {
        steps.push("Schedule an in-person meeting.");
    } else {
        steps.push("Call the tenant this week.");
    }
    if f["unresolved_maintenance"].as_u64().unwrap_or(0) > 0 {
        steps.push("Address the open maintenance tickets.");
    }
    if f["negative_billing_msgs"].as_u64().unwrap_or(0) > 0 {
        steps.push("Review their billing questions.");
    }
    if level == "critical" {
        steps.push("Consider a renewal concession.");
    }
    steps.join(" ")
}

/// Tenants whose latest log is high or critical, by churn probability, highest first.
pub fn at_risk<P: CommunicationsPort>(port: &P) -> Result<AtRisk> {
    let logs = port.sentiment_logs()?;
    let mut latest: HashMap<Uuid, Vec<&SentimentLog>> = HashMap::new();
    for l in &logs {
        latest.entry(l.tenant_id).or_default().push(l);
    }
    let mut out = Vec::new();
    for (tenant_id, mut rows) in latest {
        rows.sort_by_key(|l| std::cmp::Reverse(l.date));
        let last = rows[0];
        if !matches!(last.risk_level.as_str(), "high" | "critical") {
            continue;
        }
        let tenant = port.tenant(tenant_id)?;
        let property = port.property(last.property_id)?;
        let unit = port
            .conversations()?
            .into_iter()
            .find(|c| c.tenant_id == tenant_id)
            .and_then(|c| c.unit_id)
            .and_then(|u| port.unit(u).ok())
            .map(|u| u.unit_number)
            .unwrap_or_default();
        out.push(AtRiskTenant {
            tenant_id,
            tenant_name: format!("{} {}", tenant.first_name, tenant.last_name),
            unit,
            property: property.name,
            risk_level: last.risk_level.clone(),
            churn_probability: last.churn_probability,
            sentiment_trend: rows.iter().take(4).rev().map(|l| l.sentiment_score).collect(),
            recommended_action: recommended(&last.risk_level, &last.contributing_factors),
            contributing_factors: last.contributing_factors.clone(),
        });
    }
    out.sort_by(|a, b| b.churn_probability.total_cmp(&a.churn_probability).then(a.tenant_id.cmp(&b.tenant_id)));
    let critical = out.iter().filter(|t| t.risk_level == "critical").count();
    Ok(AtRisk { total_at_risk: out.len(), high: out.len() - critical, critical, at_risk_tenants: out })
}
