//! The HTTP wire format. Only this crate knows it: domain structs from `unitcycle_core` are
//! converted explicitly at the boundary (`LeaseWire::from_lease`, `Mutation::action`), so the
//! domain can change without breaking old clients.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use unitcycle_core::collections::{CollectionAction, CollectionCase, CollectionsDashboardStats, PaymentPlan};
use unitcycle_core::command_center::{Row as CommandCenterRow, Summary as CommandCenterSummary};
use unitcycle_core::lifecycle::{self, LifecycleAction};
use unitcycle_core::model::{Lease, LeaseStatus, LeaseStatusLog};
use unitcycle_core::renewals::{RenewalDashboardStats, RenewalRecommendation};
use utoipa::ToSchema;
use uuid::Uuid;

/// Every error body: `{"detail": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub detail: String,
}

/// A paginated list (`count`, `next`, `previous`, `results`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub count: u64,
    #[schema(required = true)]
    pub next: Option<String>,
    #[schema(required = true)]
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// A row of a synced table as canonical JSON (see `tables`), keyed by column name, money as
/// decimal strings (documentation only: the rows are `serde_json::Value`s).
#[derive(ToSchema)]
#[schema(as = Row)]
pub struct RowSchema(pub std::collections::BTreeMap<String, Value>);

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub email: String,
    pub role: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `LeaseLifecycleSerializer` (spec 1.1) plus the fields the action responses show
/// (`lease_status_changed_by`, `days_until_move_out`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LeaseWire {
    pub id: Uuid,
    pub lease_number: String,
    pub tenant: Uuid,
    pub tenant_name: String,
    pub unit: Uuid,
    pub unit_number: String,
    pub property: Uuid,
    pub property_name: String,
    pub lease_begin_date: NaiveDate,
    pub lease_end_date: Option<NaiveDate>,
    pub monthly_rent_amount: String,
    pub status: String,
    #[schema(value_type = LeaseStatusName)]
    pub lease_status: LeaseStatus,
    pub lease_status_changed_at: Option<DateTime<Utc>>,
    pub lease_status_changed_by: String,
    pub holdover_start_date: Option<NaiveDate>,
    pub notice_date: Option<NaiveDate>,
    pub notice_move_out_date: Option<NaiveDate>,
    pub actual_move_out_date: Option<NaiveDate>,
    pub days_until_expiry: Option<i64>,
    pub days_in_current_status: Option<i64>,
    pub holdover_days: Option<i64>,
    pub days_until_move_out: Option<i64>,
}

impl LeaseWire {
    pub fn from_lease(
        lease: &Lease,
        tenant_name: String,
        unit_number: String,
        property_name: String,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> LeaseWire {
        let counts = lifecycle::day_counts(lease, today, now);
        LeaseWire {
            id: lease.id,
            lease_number: lease.lease_number.clone(),
            tenant: lease.tenant_id,
            tenant_name,
            unit: lease.unit_id,
            unit_number,
            property: lease.property_id,
            property_name,
            lease_begin_date: lease.lease_begin_date,
            lease_end_date: lease.lease_end_date,
            monthly_rent_amount: lease.monthly_rent_amount.to_string(),
            status: lease.status.clone(),
            lease_status: lease.lease_status,
            lease_status_changed_at: lease.lease_status_changed_at,
            lease_status_changed_by: lease.lease_status_changed_by.clone(),
            holdover_start_date: lease.holdover_start_date,
            notice_date: lease.notice_date,
            notice_move_out_date: lease.notice_move_out_date,
            actual_move_out_date: lease.actual_move_out_date,
            days_until_expiry: counts.days_until_expiry,
            days_in_current_status: counts.days_in_current_status,
            holdover_days: counts.holdover_days,
            days_until_move_out: counts.days_until_move_out,
        }
    }
}

/// The names of `unitcycle_core::model::LeaseStatus` on the wire (documentation only).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LeaseStatusName {
    Active,
    MonthToMonth,
    Notice,
    Vacant,
}

/// The shape of `unitcycle_core::lifecycle::LifecycleStats`, the answer of
/// `GET /api/v1/tenants/leases/lifecycle-stats/` (documentation only; a test checks the fields).
#[derive(ToSchema)]
#[schema(as = LifecycleStats)]
pub struct LifecycleStatsSchema {
    pub total_leases: u64,
    pub active: u64,
    pub month_to_month: u64,
    pub notice: u64,
    pub vacant: u64,
    pub expiring_30_days: u64,
    pub expiring_60_days: u64,
    pub expiring_90_days: u64,
}

/// `LeaseStatusLogSerializer` (`fields = '__all__'`: `lease` is the lease id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusLogWire {
    pub id: Uuid,
    pub lease: Uuid,
    pub previous_status: String,
    pub new_status: String,
    pub reason: String,
    pub changed_by: String,
    pub metadata: Value,
    pub created_at: DateTime<Utc>,
}

impl From<&LeaseStatusLog> for StatusLogWire {
    fn from(l: &LeaseStatusLog) -> Self {
        StatusLogWire {
            id: l.id,
            lease: l.lease_id,
            previous_status: l.previous_status.as_str().into(),
            new_status: l.new_status.as_str().into(),
            reason: l.reason.clone(),
            changed_by: l.changed_by.clone(),
            metadata: l.metadata.clone(),
            created_at: l.created_at,
        }
    }
}

/// Body of `POST /give-notice/`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GiveNoticeRequest {
    #[serde(with = "unitcycle_core::format::wire::date")]
    pub notice_date: NaiveDate,
    #[serde(with = "unitcycle_core::format::wire::date")]
    pub notice_move_out_date: NaiveDate,
    #[serde(default)]
    pub reason: String,
}

/// Body of `POST /api/v1/tenants/leases/`: a new lease of a vacant unit to a tenant (the spec's
/// vacant → active transition). Amounts are decimal strings; omitted fields take the defaults
/// shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewLeaseRequest {
    pub unit: Uuid,
    pub tenant: Uuid,
    #[serde(with = "unitcycle_core::format::wire::date")]
    pub lease_begin_date: NaiveDate,
    #[serde(with = "unitcycle_core::format::wire::date")]
    pub lease_end_date: NaiveDate,
    #[schema(value_type = String, example = "1850.00")]
    #[serde(with = "unitcycle_core::format::wire::money")]
    pub monthly_rent_amount: rust_decimal::Decimal,
    /// Default 0.
    #[serde(default, with = "unitcycle_core::format::wire::money")]
    #[schema(value_type = String)]
    pub security_deposit: rust_decimal::Decimal,
    /// Day of the month rent falls due, 1–28; default 1.
    #[serde(default = "default_due_day")]
    pub rent_due_day: u8,
    /// Default 0.
    #[serde(default, with = "unitcycle_core::format::wire::money")]
    #[schema(value_type = String)]
    pub late_fee_amount: rust_decimal::Decimal,
    /// 0–31; default 5.
    #[serde(default = "default_grace")]
    pub grace_period_days: i32,
}

fn default_due_day() -> u8 {
    1
}

fn default_grace() -> i32 {
    5
}

/// Body of `POST /mark-vacant/` (optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MarkVacantRequest {
    #[serde(default)]
    pub actual_move_out_date: Option<NaiveDate>,
}

// --- sync --------------------------------------------------------------------------------

/// One changed row: its table, id, server sequence and canonical JSON (see `tables`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    pub seq: i64,
    pub entity: String,
    pub id: Uuid,
    pub row: Value,
}

/// `GET /api/v1/sync/changes?since=&limit=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// Pass this as `since` for the next page.
    pub next_since: i64,
    pub has_more: bool,
}

/// A lifecycle action as sent by a replica.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionWire {
    ConvertMtm,
    GiveNotice {
        #[serde(with = "unitcycle_core::format::wire::date")]
        notice_date: NaiveDate,
        #[serde(with = "unitcycle_core::format::wire::date")]
        notice_move_out_date: NaiveDate,
        #[serde(default)]
        reason: String,
    },
    MarkVacant {
        #[serde(default, with = "unitcycle_core::format::wire::opt_date")]
        actual_move_out_date: Option<NaiveDate>,
    },
}

impl ActionWire {
    pub fn to_action(&self) -> LifecycleAction {
        match self.clone() {
            ActionWire::ConvertMtm => LifecycleAction::ConvertMtm,
            ActionWire::GiveNotice { notice_date, notice_move_out_date, reason } => {
                LifecycleAction::GiveNotice { notice_date, notice_move_out_date, reason }
            }
            ActionWire::MarkVacant { actual_move_out_date } => LifecycleAction::MarkVacant { actual_move_out_date },
        }
    }

    /// The wire form of a domain action; renewals are not sent by replicas (feature 1.2).
    pub fn from_action(action: &LifecycleAction) -> Option<ActionWire> {
        Some(match action.clone() {
            LifecycleAction::ConvertMtm => ActionWire::ConvertMtm,
            LifecycleAction::GiveNotice { notice_date, notice_move_out_date, reason } => {
                ActionWire::GiveNotice { notice_date, notice_move_out_date, reason }
            }
            LifecycleAction::MarkVacant { actual_move_out_date } => ActionWire::MarkVacant { actual_move_out_date },
            LifecycleAction::Renew { .. } => return None,
        })
    }
}

/// One client mutation: a lifecycle action on a lease, identified by the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Mutation {
    pub client_id: Uuid,
    pub lease_id: Uuid,
    /// The id of the status-log row the replica wrote; the server uses it for its own row so
    /// both sides hold the same record.
    pub log_id: Uuid,
    #[serde(flatten)]
    pub action: ActionWire,
}

/// A move-in inspection pushed whole (spec 4.4): the inspection with its rooms, photos and
/// items as canonical JSON rows (see `tables`), identified by the client like a `Mutation`.
/// The blobs the rows reference (`blob:<sha256>`) are uploaded first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InspectionPush {
    pub client_id: Uuid,
    pub inspection_id: Uuid,
    /// The replica's change cursor. A row of this inspection the server wrote after it was
    /// never seen by the replica, so its absence from the snapshot is not a deletion (another
    /// device's photo is kept); an absent row the replica had seen was deleted there.
    #[serde(default)]
    pub base_seq: i64,
    pub inspection: Value,
    #[serde(default)]
    pub rooms: Vec<Value>,
    #[serde(default)]
    pub photos: Vec<Value>,
    #[serde(default)]
    pub items: Vec<Value>,
}

impl InspectionPush {
    /// The blob hashes the rows reference (`blob:<sha256>` in the signature, report and photo
    /// URLs), each once, unchecked.
    pub fn blob_hashes(&self) -> Vec<&str> {
        let urls = ["tenant_signature_url", "manager_signature_url", "condition_report_url"]
            .iter()
            .map(|c| &self.inspection[*c])
            .chain(self.photos.iter().map(|p| &p["photo_url"]));
        let mut out: Vec<&str> = Vec::new();
        for hash in urls.filter_map(Value::as_str).filter_map(unitcycle_core::inspections::blob_hash) {
            if !out.contains(&hash) {
                out.push(hash);
            }
        }
        out
    }
}

/// A person's action on a feature record, taken on a connected replica and applied on the
/// server by the same core workflow. `entity` is the record's table: `renewal_recommendation`
/// (the `action` is a `RenewalAction`, e.g. `{"action": "approve", "recommended_rent":
/// "1850.00"}`), `collection_case` (a `CaseAction`), `ai_action_queue` or `bulk_action_batch`
/// (a `CommandCenterAction`). Idempotent
/// on `client_id`; a refusal comes back with the server's current rows so the replica rolls back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeatureAction {
    pub client_id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    pub action: Value,
}

/// `POST /api/v1/sync/push`. Bodies of clients that only know lifecycle actions (just
/// `mutations`) still parse; each inspection and feature action is answered in `results`
/// under its client id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PushRequest {
    #[serde(default)]
    pub mutations: Vec<Mutation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<InspectionPush>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<FeatureAction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Rejected,
    /// Nothing was applied or recorded because something the server needs is missing (a blob
    /// not uploaded yet); the detail says what. Send the same mutation again once it is there.
    Deferred,
}

/// What happened to one mutation. `duplicate` is true when the server had already seen the
/// client id (the first answer is repeated, nothing is applied again). Rejections carry the
/// server's current rows so the replica can roll back to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MutationResult {
    pub client_id: Uuid,
    pub outcome: Outcome,
    pub detail: String,
    pub duplicate: bool,
    #[serde(default)]
    pub rows: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
}

/// `PUT /api/v1/blobs/{sha256}` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlobStored {
    pub sha256: String,
    pub size_bytes: i64,
    pub created: bool,
}

/// Row counts per table, for `unitcycle sync verify`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CountsResponse {
    pub counts: Vec<(String, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutation_flattens_its_action() {
        let m = Mutation {
            client_id: Uuid::nil(),
            lease_id: Uuid::nil(),
            log_id: Uuid::nil(),
            action: ActionWire::MarkVacant { actual_move_out_date: None },
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["action"], "mark_vacant");
        let back: Mutation = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_push_of_lifecycle_actions_alone_still_parses() {
        let body = serde_json::json!({"mutations": [{
            "client_id": Uuid::nil(), "lease_id": Uuid::nil(), "log_id": Uuid::nil(), "action": "convert_mtm"
        }]});
        let req: PushRequest = serde_json::from_value(body).unwrap();
        assert_eq!((req.mutations.len(), req.inspections.len()), (1, 0));
        let out = serde_json::to_value(&req).unwrap();
        assert!(out.get("inspections").is_none(), "an old server sees the body it always saw");
        let only: PushRequest = serde_json::from_value(serde_json::json!({"inspections": [{
            "client_id": Uuid::nil(), "inspection_id": Uuid::nil(), "inspection": {"id": Uuid::nil()}
        }]}))
        .unwrap();
        assert_eq!((only.mutations.len(), only.inspections[0].base_seq), (0, 0));
    }
}

// --- renewals (spec 1.2) -------------------------------------------------------------------

/// `RenewalRecommendationSerializer`: money as decimal strings, scores and percentages as numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenewalWire {
    pub id: Uuid,
    pub lease: Uuid,
    pub tenant: Uuid,
    pub unit: Uuid,
    pub property: Uuid,
    pub churn_score: f64,
    pub churn_risk_level: String,
    pub churn_factors: std::collections::BTreeMap<String, f64>,
    pub current_rent: String,
    pub market_rent: String,
    pub recommended_rent: String,
    pub rent_increase_pct: f64,
    pub rent_strategy: String,
    pub rent_reasoning: String,
    pub recommended_term_months: u32,
    pub recommended_lease_start: NaiveDate,
    pub recommended_lease_end: NaiveDate,
    pub renewal_letter_text: String,
    pub renewal_letter_generated_at: Option<DateTime<Utc>>,
    pub letter_provider: String,
    pub status: String,
    pub status_display: String,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&RenewalRecommendation> for RenewalWire {
    fn from(r: &RenewalRecommendation) -> Self {
        let p = &r.plan;
        RenewalWire {
            id: r.id,
            lease: r.lease_id,
            tenant: r.tenant_id,
            unit: r.unit_id,
            property: r.property_id,
            churn_score: p.churn_score,
            churn_risk_level: p.churn_risk_level.as_str().into(),
            churn_factors: p.churn_factors.entries().iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            current_rent: p.current_rent.to_string(),
            market_rent: p.market_rent.to_string(),
            recommended_rent: p.recommended_rent.to_string(),
            rent_increase_pct: p.rent_increase_pct,
            rent_strategy: p.rent_strategy.as_str().into(),
            rent_reasoning: p.rent_reasoning.clone(),
            recommended_term_months: p.recommended_term_months,
            recommended_lease_start: p.recommended_lease_start,
            recommended_lease_end: p.recommended_lease_end,
            renewal_letter_text: r.renewal_letter_text.clone(),
            renewal_letter_generated_at: r.renewal_letter_generated_at,
            letter_provider: r.letter_provider.clone(),
            status: r.status.as_str().into(),
            status_display: r.status.label().into(),
            reviewed_by: r.reviewed_by.clone(),
            reviewed_at: r.reviewed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Body of `POST /api/v1/renewals/{id}/approve/` (optional): a different rent to offer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ApproveRequest {
    #[serde(default, with = "unitcycle_core::format::wire::opt_money")]
    pub recommended_rent: Option<rust_decimal::Decimal>,
}

/// `GET /api/v1/renewals/dashboard-stats/` exactly as the spec shows it (numbers as numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RenewalStatsWire {
    pub total_pending: u64,
    pub total_approved: u64,
    pub total_sent: u64,
    pub total_accepted: u64,
    pub total_declined: u64,
    pub acceptance_rate: f64,
    pub avg_churn_score: f64,
    pub projected_annual_revenue_increase: f64,
    pub avg_rent_increase_pct: f64,
    pub by_risk_level: std::collections::BTreeMap<String, u64>,
}

impl From<&RenewalDashboardStats> for RenewalStatsWire {
    fn from(s: &RenewalDashboardStats) -> Self {
        RenewalStatsWire {
            total_pending: s.total_pending,
            total_approved: s.total_approved,
            total_sent: s.total_sent,
            total_accepted: s.total_accepted,
            total_declined: s.total_declined,
            acceptance_rate: s.acceptance_rate,
            avg_churn_score: s.avg_churn_score,
            projected_annual_revenue_increase: rust_decimal::prelude::ToPrimitive::to_f64(
                &s.projected_annual_revenue_increase,
            )
            .unwrap_or(0.0),
            avg_rent_increase_pct: s.avg_rent_increase_pct,
            by_risk_level: s.by_risk_level.clone(),
        }
    }
}

/// Answer of `POST /api/v1/renewals/run-scan/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScanResponse {
    pub created: usize,
    pub expired: usize,
    pub detail: String,
    /// The `job_run` row recording this run (`renewal-scan:manual`).
    #[serde(default)]
    pub job_run_id: Option<Uuid>,
    /// `succeeded` (answered 200) or `running` (answered 202: it finishes in the background).
    #[serde(default)]
    pub status: String,
}

// --- collections (spec 1.3) ----------------------------------------------------------------

fn money_number(d: rust_decimal::Decimal) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0)
}

/// `CollectionCaseSerializer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseWire {
    pub id: Uuid,
    pub tenant: Uuid,
    pub lease: Uuid,
    pub unit: Uuid,
    pub property: Uuid,
    pub original_amount_due: String,
    pub current_balance: String,
    pub late_fee_total: String,
    pub days_overdue: i64,
    pub due_date: NaiveDate,
    pub escalation_level: u8,
    pub tenant_risk_profile: String,
    pub tone: String,
    pub status: String,
    pub status_display: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assigned_to: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&CollectionCase> for CaseWire {
    fn from(c: &CollectionCase) -> Self {
        CaseWire {
            id: c.id,
            tenant: c.tenant_id,
            lease: c.lease_id,
            unit: c.unit_id,
            property: c.property_id,
            original_amount_due: c.original_amount_due.to_string(),
            current_balance: c.current_balance.to_string(),
            late_fee_total: c.late_fee_total.to_string(),
            days_overdue: c.days_overdue,
            due_date: c.due_date,
            escalation_level: c.escalation_level,
            tenant_risk_profile: c.tenant_risk_profile.as_str().into(),
            tone: c.tone.as_str().into(),
            status: c.status.as_str().into(),
            status_display: c.status.label().into(),
            resolved_at: c.resolved_at,
            assigned_to: c.assigned_to.clone(),
            notes: c.notes.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// `CollectionActionSerializer` (one timeline entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CollectionActionWire {
    pub id: Uuid,
    pub case: Uuid,
    pub action_type: String,
    pub action_type_display: String,
    pub escalation_level: u8,
    pub channel: String,
    pub message_text: String,
    pub tone_used: String,
    pub ai_generated: bool,
    pub ai_provider: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered: bool,
    pub opened: bool,
    pub response_received: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&CollectionAction> for CollectionActionWire {
    fn from(a: &CollectionAction) -> Self {
        CollectionActionWire {
            id: a.id,
            case: a.case_id,
            action_type: a.action_type.as_str().into(),
            action_type_display: a.action_type.label().into(),
            escalation_level: a.escalation_level,
            channel: a.channel.as_str().into(),
            message_text: a.message_text.clone(),
            tone_used: a.tone_used.clone(),
            ai_generated: a.ai_generated,
            ai_provider: a.ai_provider.clone(),
            sent_at: a.sent_at,
            delivered: a.delivered,
            opened: a.opened,
            response_received: a.response_received,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstallmentWire {
    pub installment_number: u32,
    pub amount: String,
    pub due_date: NaiveDate,
    pub paid_date: Option<NaiveDate>,
    pub status: String,
}

/// `PaymentPlanSerializer` with its installments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanWire {
    pub id: Uuid,
    pub case: Uuid,
    pub total_amount: String,
    pub num_installments: u32,
    pub installment_amount: String,
    pub start_date: NaiveDate,
    pub status: String,
    pub installments: Vec<InstallmentWire>,
}

impl From<&PaymentPlan> for PlanWire {
    fn from(p: &PaymentPlan) -> Self {
        PlanWire {
            id: p.id,
            case: p.case_id,
            total_amount: p.total_amount.to_string(),
            num_installments: p.num_installments,
            installment_amount: p.installment_amount.to_string(),
            start_date: p.start_date,
            status: p.status.as_str().into(),
            installments: p
                .installments
                .iter()
                .map(|i| InstallmentWire {
                    installment_number: i.installment_number,
                    amount: i.amount.to_string(),
                    due_date: i.due_date,
                    paid_date: i.paid_date,
                    status: i.status.as_str().into(),
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/collections/{id}/`: the case with its actions timeline and plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseDetailWire {
    #[serde(flatten)]
    pub case: CaseWire,
    pub actions: Vec<CollectionActionWire>,
    pub payment_plan: Option<PlanWire>,
}

/// Body of `POST /send-reminder/` (optional: a POST without a body sends a step that is due).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SendReminderRequest {
    /// Send the next step even though the schedule does not allow it yet (its day not reached,
    /// or too soon after the previous step); the override is logged on the case's timeline.
    #[serde(default, rename = "override")]
    pub override_schedule: bool,
}

/// Body of `POST /offer-plan/`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferPlanRequest {
    pub installments: u32,
    #[serde(with = "unitcycle_core::format::wire::date")]
    pub start_date: NaiveDate,
    /// The amount agreed with the tenant for each installment (the last takes the remainder);
    /// without it the balance is split evenly.
    #[serde(default)]
    pub installment_amount: Option<rust_decimal::Decimal>,
}

/// Body of `POST /record-payment/` (`paid_on` defaults to today).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordPaymentRequest {
    #[serde(with = "unitcycle_core::format::wire::money")]
    pub amount: rust_decimal::Decimal,
    #[serde(default, with = "unitcycle_core::format::wire::opt_date")]
    pub paid_on: Option<NaiveDate>,
}

/// Answer of `POST /record-payment/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentWire {
    #[serde(flatten)]
    pub case: CaseWire,
    pub new_balance: String,
    pub overpayment: String,
    pub paid_in_full: bool,
}

/// `GET /api/v1/collections/dashboard-stats/` (amounts as numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CollectionsStatsWire {
    pub open_cases: u64,
    pub total_outstanding: f64,
    pub on_payment_plan: u64,
    pub escalated: u64,
    pub paid_last_30_days: u64,
    pub collected_last_30_days: f64,
    pub avg_days_overdue: f64,
    pub by_escalation_level: std::collections::BTreeMap<String, u64>,
    pub by_risk_profile: std::collections::BTreeMap<String, u64>,
}

impl From<&CollectionsDashboardStats> for CollectionsStatsWire {
    fn from(s: &CollectionsDashboardStats) -> Self {
        CollectionsStatsWire {
            open_cases: s.open_cases,
            total_outstanding: money_number(s.total_outstanding),
            on_payment_plan: s.on_payment_plan,
            escalated: s.escalated,
            paid_last_30_days: s.paid_last_30_days,
            collected_last_30_days: money_number(s.collected_last_30_days),
            avg_days_overdue: s.avg_days_overdue,
            by_escalation_level: s.by_escalation_level.clone(),
            by_risk_profile: s.by_risk_profile.clone(),
        }
    }
}

// --- command center (spec 1.4) -------------------------------------------------------------

/// The top pending AI action of a unit (the spec's `ai_action`: its `unit_id`, `action_type`,
/// `description`, `confidence_score`, `priority`, `suggested_payload`, `generation_reason`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AiActionWire {
    pub unit_id: Uuid,
    pub action_type: String,
    pub label: String,
    pub confidence_score: Option<f64>,
    #[serde(default)]
    pub description: String,
    /// low, medium, high or urgent.
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub suggested_payload: Value,
    #[serde(default)]
    pub generation_reason: String,
}

/// One unit row of `GET /api/v1/portfolio/command-center/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandCenterUnitWire {
    pub id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub property_name: String,
    pub lifecycle_state: String,
    pub tenant_name: Option<String>,
    pub rent: String,
    pub market_rent: String,
    pub days_to_event: Option<i64>,
    pub risk_level: Option<String>,
    pub ai_action: Option<AiActionWire>,
}

impl From<&CommandCenterRow> for CommandCenterUnitWire {
    fn from(r: &CommandCenterRow) -> Self {
        CommandCenterUnitWire {
            id: r.unit_id,
            unit_number: r.unit_number.clone(),
            property_id: r.property_id,
            property_name: r.property_name.clone(),
            lifecycle_state: r.lifecycle_state.as_str().into(),
            tenant_name: r.tenant_name.clone(),
            rent: r.rent.to_string(),
            market_rent: r.market_rent.to_string(),
            days_to_event: r.days_to_event,
            risk_level: r.risk_level.clone(),
            ai_action: r.ai_action.map(|a| AiActionWire {
                unit_id: r.unit_id,
                action_type: a.as_str().into(),
                label: a.label().into(),
                confidence_score: r.ai_confidence,
                description: String::new(),
                priority: String::new(),
                suggested_payload: Value::Object(Default::default()),
                generation_reason: String::new(),
            }),
        }
    }
}

/// `summary` of the command center: counts per lifecycle state of the filtered units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommandCenterSummaryWire {
    pub active_count: u64,
    pub mtm_count: u64,
    pub notice_count: u64,
    pub vacant_count: u64,
}

impl From<&CommandCenterSummary> for CommandCenterSummaryWire {
    fn from(s: &CommandCenterSummary) -> Self {
        CommandCenterSummaryWire {
            active_count: s.active_count,
            mtm_count: s.mtm_count,
            notice_count: s.notice_count,
            vacant_count: s.vacant_count,
        }
    }
}

/// `GET /api/v1/portfolio/command-center/` (spec JSON: `units, total, page, pages, summary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandCenterWire {
    pub units: Vec<CommandCenterUnitWire>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub summary: CommandCenterSummaryWire,
}

/// Body of `POST /api/v1/portfolio/command-center/actions/`, as the spec writes it
/// (`{action_type, unit_ids, method, scheduled_for?}`) plus an optional `request_id`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BulkActionRequest {
    /// The client's id for this request: a retry with the same id executes nothing twice.
    /// Without one, each request is new.
    #[serde(default)]
    pub request_id: Option<String>,
    pub action_type: String,
    pub unit_ids: Vec<Uuid>,
    /// email (the default), sms, both or manual.
    #[serde(default = "email_method")]
    pub method: String,
    #[serde(default)]
    pub scheduled_for: Option<DateTime<Utc>>,
    #[serde(default)]
    pub suggested_payload: Value,
}

fn email_method() -> String {
    "email".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SkippedUnit {
    pub unit_id: Uuid,
    pub reason: String,
}

/// Answer of the bulk action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BulkResultWire {
    pub batch_id: Uuid,
    pub units_processed: usize,
    pub executed: usize,
    pub already_done: usize,
    pub skipped: Vec<SkippedUnit>,
    pub messages_queued: usize,
}

impl From<&unitcycle_core::command_center::bulk::BulkResult> for BulkResultWire {
    fn from(r: &unitcycle_core::command_center::bulk::BulkResult) -> Self {
        BulkResultWire {
            batch_id: r.batch_id,
            units_processed: r.units_processed,
            executed: r.executed,
            already_done: r.already_done,
            skipped: r.skipped.iter().map(|(u, why)| SkippedUnit { unit_id: *u, reason: why.clone() }).collect(),
            messages_queued: r.messages_queued,
        }
    }
}

/// One pending item of `GET /api/v1/portfolio/command-center/ai-queue/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueItemWire {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_id: Uuid,
    pub action_type: String,
    pub description: String,
    pub suggested_payload: Value,
    pub generated_content: Option<String>,
    pub confidence_score: f64,
    pub priority: String,
    pub lifecycle_state: String,
    pub generation_reason: String,
    pub ai_provider: String,
    pub generated_on: NaiveDate,
}

/// Twilio's status callback (`application/x-www-form-urlencoded`): the message's `sid` as sent
/// and its status (`delivered` marks it delivered, `read` opened, `failed` / `undelivered` mark
/// the message failed with `ErrorCode` / `ErrorMessage`; others are acknowledged). Twilio sends
/// more fields (`AccountSid`, `From`, `To`, `SmsSid`, `SmsStatus`, `ApiVersion`, ...); they are
/// part of the signature and otherwise ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SmsCallback {
    #[serde(rename = "MessageSid")]
    pub message_sid: String,
    #[serde(rename = "MessageStatus")]
    pub message_status: String,
    #[serde(rename = "ErrorCode", default)]
    pub error_code: Option<String>,
    #[serde(rename = "ErrorMessage", default)]
    pub error_message: Option<String>,
}

/// An email provider's event: the message by its Message-ID (as sent) or its idempotency key,
/// and `delivered` or `opened`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmailCallback {
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    pub event: String,
}

/// What a delivery callback recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallbackResult {
    /// Whether anything was recorded (false: a status that marks nothing, e.g. `sent`).
    pub recorded: bool,
    /// The outbox message.
    pub message: Option<Uuid>,
    /// The collection step marked `delivered` / `opened`, if the message belongs to one.
    pub collection_action: Option<Uuid>,
    pub event: String,
}
