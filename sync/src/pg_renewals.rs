//! Renewal intelligence (spec 1.2) on PostgreSQL: `renewal_recommendation` rows, the nightly
//! scan and the review workflow. The decisions are `unitcycle_core::renewals` (the same pure
//! functions the replica's `renewals_jobs` calls); this module only reads and writes rows.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio_postgres::{GenericClient, Row, Transaction};
use unitcycle_core::ai::prompts::RenewalLetter;
use unitcycle_core::ai::Gateway;
use unitcycle_core::jobs::Job;
use unitcycle_core::lifecycle::{self, LifecycleAction};
use unitcycle_core::model::{Lease, LeaseStatus, LedgerEntry, Property, Tenant, Unit, WorkOrder};
use unitcycle_core::outbox::{DeliveryChannel, NewMessage};
use unitcycle_core::renewals::{self, RenewalAction, RenewalPlan, RenewalRecommendation, RenewalStatus};
use unitcycle_core::renewals_jobs;
use uuid::Uuid;

use crate::pg::{self, ApplyError, PgError, Result};
use crate::pgdomain;
use crate::tables;

const COLS: &str = "r.id, r.lease_id, r.tenant_id, r.unit_id, r.property_id, r.churn_score, r.churn_risk_level::text, \
    r.churn_factors, r.current_rent::text, r.market_rent::text, r.recommended_rent::text, r.rent_increase_pct, \
    r.rent_strategy::text, r.rent_reasoning, r.recommended_term_months, r.recommended_lease_start, \
    r.recommended_lease_end, r.renewal_letter_text, r.renewal_letter_generated_at, r.letter_provider::text, \
    r.status::text, r.reviewed_by::text, r.reviewed_at, r.created_at, r.updated_at";

fn bad(what: &str, text: &str) -> PgError {
    PgError::Setup(format!("renewal_recommendation.{what}: unreadable value '{text}'"))
}

fn dec(r: &Row, i: usize, what: &str) -> Result<Decimal> {
    let text: String = r.get(i);
    text.parse().map_err(|_| bad(what, &text))
}

fn parse<T: std::str::FromStr>(r: &Row, i: usize, what: &str) -> Result<T> {
    let text: String = r.get(i);
    text.parse().map_err(|_| bad(what, &text))
}

fn from_row(r: &Row) -> Result<RenewalRecommendation> {
    Ok(RenewalRecommendation {
        id: r.get(0),
        lease_id: r.get(1),
        tenant_id: r.get(2),
        unit_id: r.get(3),
        property_id: r.get(4),
        plan: RenewalPlan {
            churn_score: r.get(5),
            churn_risk_level: parse(r, 6, "churn_risk_level")?,
            churn_factors: serde_json::from_value(r.get::<_, Value>(7))?,
            current_rent: dec(r, 8, "current_rent")?,
            market_rent: dec(r, 9, "market_rent")?,
            recommended_rent: dec(r, 10, "recommended_rent")?,
            rent_increase_pct: r.get(11),
            rent_strategy: parse(r, 12, "rent_strategy")?,
            rent_reasoning: r.get(13),
            recommended_term_months: r.get::<_, i32>(14).max(0) as u32,
            recommended_lease_start: r.get(15),
            recommended_lease_end: r.get(16),
        },
        renewal_letter_text: r.get(17),
        renewal_letter_generated_at: r.get(18),
        letter_provider: r.get(19),
        status: parse(r, 20, "status")?,
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
    let count: i64 =
        c.query_one(&format!("SELECT COUNT(*) FROM renewal_recommendation r WHERE {w}"), &args).await?.get(0);
    let rows = c
        .query(
            &format!(
                "SELECT {COLS} FROM renewal_recommendation r WHERE {w}
                 ORDER BY r.churn_score DESC, r.created_at DESC, r.id LIMIT {limit} OFFSET {offset}"
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

pub(crate) async fn insert(tx: &Transaction<'_>, rec: &RenewalRecommendation) -> Result<()> {
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
async fn update_status(
    tx: &Transaction<'_>,
    rec: &RenewalRecommendation,
    to: RenewalStatus,
    rent: Option<Decimal>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (rent, pct) = match rent {
        Some(r) => (r, renewals::rent_increase_pct(rec.plan.current_rent, r)),
        None => (rec.plan.recommended_rent, rec.plan.rent_increase_pct),
    };
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

/// A drafted letter and who drafted it.
pub struct Letter {
    pub text: String,
    pub provider: String,
}

/// Drafts the renewal letter for `plan` through the AI gateway (runs logged in `ai_run`).
pub async fn draft_letter(
    c: &impl GenericClient,
    gateway: &Arc<Gateway>,
    lease: &Lease,
    plan: &RenewalPlan,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Letter, String>> {
    let tenant: Tenant = pgdomain::must(c, "tenants", lease.tenant_id).await?;
    let unit: Unit = pgdomain::must(c, "units_unit", lease.unit_id).await?;
    let property: Property = pgdomain::must(c, "properties", lease.property_id).await?;
    let recipient = renewals_jobs::recipient_of(&tenant, &unit, &property);
    let input = renewals_jobs::letter_input(recipient, lease, plan, today);
    Ok(pgdomain::run_ai::<RenewalLetter>(c, gateway, input, now)
        .await?
        .map(|out| Letter { text: out.value.render(), provider: out.provider.as_str().into() })
        .map_err(|e| e.to_string()))
}

/// The renewal plan for a lease (`renewals::churn_input` + `renewals::plan_renewal`).
pub(crate) async fn plan_for(
    c: &impl GenericClient,
    lease: &Lease,
    vacancy: &std::collections::HashMap<Uuid, (u32, u32)>,
    today: NaiveDate,
) -> Result<RenewalPlan> {
    let entries: Vec<LedgerEntry> = pgdomain::rows(
        c,
        "tenant_ledger_entry",
        "r.tenant_id = $1 AND r.trans_date >= $2 ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
        &[&lease.tenant_id, &renewals::ledger_window_start(today)],
    )
    .await?;
    let work_orders: Vec<WorkOrder> =
        pgdomain::rows(c, "units_maintenance", "r.unit_id = $1", &[&lease.unit_id]).await?;
    let dates: Vec<NaiveDate> = work_orders.iter().map(|w| w.requested_date).collect();
    let unit: Unit = pgdomain::must(c, "units_unit", lease.unit_id).await?;
    let counts = vacancy.get(&lease.property_id).copied().unwrap_or((0, 0));
    let input = renewals::churn_input(lease, &entries, &dates, unit.market_rent, counts, today);
    Ok(renewals::plan_renewal(lease, &input, today))
}

/// What one scan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanReport {
    pub created: usize,
    pub expired: usize,
}

impl ScanReport {
    pub fn summary(&self) -> String {
        format!("Created {} renewal recommendations; {} offers expired.", self.created, self.expired)
    }
}

/// The nightly scan (spec `renewals.tasks.nightly_renewal_scan`) over the leases of
/// `properties` (None: every property), inside `tx`: candidates without an open
/// recommendation get one (churn, rent, term and a drafted letter), and offers nobody answered
/// before the proposed start expire. Idempotent: a second run finds every candidate covered.
pub async fn scan(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    properties: Option<&[Uuid]>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ScanReport> {
    let scope: Vec<Uuid> = match properties {
        Some(p) => p.to_vec(),
        None => pg::property_ids(tx).await?,
    };
    let covered: HashSet<Uuid> = tx
        .query(
            "SELECT DISTINCT lease_id FROM renewal_recommendation
             WHERE status IN ('pending', 'approved', 'sent') AND property_id = ANY($1)",
            &[&scope],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let vacancy = pgdomain::property_vacancy(tx).await?;
    let leases: Vec<Lease> = pgdomain::rows(
        tx,
        "tenant_lease",
        "r.lease_status IN ('active', 'month_to_month') AND r.property_id = ANY($1) ORDER BY r.id",
        &[&scope],
    )
    .await?;
    let mut created = 0;
    for lease in leases.iter().filter(|l| !covered.contains(&l.id) && renewals::is_scan_candidate(l, today)) {
        let plan = plan_for(tx, lease, &vacancy, today).await?;
        let letter = draft_letter(tx, gateway, lease, &plan, today, now).await?.map_err(PgError::Setup)?;
        insert(
            tx,
            &RenewalRecommendation {
                id: Uuid::new_v4(),
                lease_id: lease.id,
                tenant_id: lease.tenant_id,
                unit_id: lease.unit_id,
                property_id: lease.property_id,
                plan,
                renewal_letter_text: letter.text,
                renewal_letter_generated_at: Some(now),
                letter_provider: letter.provider,
                status: RenewalStatus::Pending,
                reviewed_by: String::new(),
                reviewed_at: None,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        created += 1;
    }
    let open = Filter { status: vec!["pending".into(), "approved".into(), "sent".into()], ..Default::default() };
    let mut expired = 0;
    for rec in all(tx, &scope, &open).await?.iter().filter(|r| renewals::is_expired(r, today)) {
        if update_status(tx, rec, RenewalStatus::Expired, None, "system:renewal_scan", now).await? {
            expired += 1;
        }
    }
    Ok(ScanReport { created, expired })
}

/// The scheduled 03:00 run: once per day across servers (advisory lock + `job_run`).
pub async fn scheduled_scan(
    pool: &deadpool_postgres::Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<ScanReport>> {
    let job = Job::RenewalScan.name();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    if !pgdomain::try_lock_job(&tx, job).await? || pgdomain::ran_on(&tx, job, today).await? {
        return Ok(None);
    }
    let report = scan(&tx, gateway, None, today, now).await?;
    pgdomain::record_run(
        &tx,
        job,
        today,
        now,
        &report.summary(),
        &json!({"created": report.created, "expired": report.expired}),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(report))
}

/// Why a workflow step was not applied.
#[derive(Debug)]
pub enum StepError {
    NotFound,
    /// The core's refusal (the API's 400 `detail`).
    Refused(String),
    Pg(PgError),
}

impl From<PgError> for StepError {
    fn from(e: PgError) -> Self {
        StepError::Pg(e)
    }
}

impl From<tokio_postgres::Error> for StepError {
    fn from(e: tokio_postgres::Error) -> Self {
        StepError::Pg(e.into())
    }
}

/// Applies a workflow step planned by `renewals::plan_step` inside `tx`. Sending queues the
/// letter by email in the same transaction (`renewal:{id}:send`); accepting renews the lease
/// (a month-to-month lease returns to active through the lifecycle engine) and the unit's rent.
pub async fn apply_step(
    tx: &Transaction<'_>,
    id: Uuid,
    properties: &[Uuid],
    action: &RenewalAction,
    actor: &str,
    now: DateTime<Utc>,
) -> std::result::Result<RenewalRecommendation, StepError> {
    let rec = get(tx, id, properties, true).await?.ok_or(StepError::NotFound)?;
    let (to, rent) = renewals::plan_step(&rec, action).map_err(|e| StepError::Refused(e.to_string()))?;
    if !update_status(tx, &rec, to, rent, actor, now).await? {
        return Err(StepError::Refused("The recommendation changed while this step was applied; reload it.".into()));
    }
    match to {
        RenewalStatus::Sent => {
            let tenant: Tenant = pgdomain::must(tx, "tenants", rec.tenant_id).await?;
            pgdomain::enqueue(
                tx,
                &NewMessage {
                    idempotency_key: format!("renewal:{}:send", rec.id),
                    channel: DeliveryChannel::Email,
                    recipient_name: tenant.full_name(),
                    recipient: tenant.email.clone(),
                    subject: "Your lease renewal offer".into(),
                    body: rec.renewal_letter_text.clone(),
                    attachment_sha256: None,
                    attachment_name: None,
                    related_type: "renewal_recommendation".into(),
                    related_id: Some(rec.id),
                    scheduled_for: now,
                },
                now,
            )
            .await?;
        }
        RenewalStatus::Accepted => accept(tx, &rec, actor, now).await?,
        _ => {}
    }
    get(tx, id, properties, false).await?.ok_or(StepError::NotFound)
}

async fn accept(
    tx: &Transaction<'_>,
    rec: &RenewalRecommendation,
    actor: &str,
    now: DateTime<Utc>,
) -> std::result::Result<(), StepError> {
    let v = pg::lease_view(tx, rec.lease_id, &[rec.property_id], true).await?.ok_or(StepError::NotFound)?;
    match v.lease.lease_status {
        LeaseStatus::MonthToMonth => {
            let renew = LifecycleAction::Renew {
                lease_begin_date: rec.plan.recommended_lease_start,
                lease_end_date: rec.plan.recommended_lease_end,
            };
            let t = lifecycle::plan_action(&v.lease, &renew, actor, now.date_naive())
                .map_err(|e| StepError::Refused(e.to_string()))?;
            match pg::apply_transition(tx, &t, Uuid::new_v4(), now).await {
                Ok(()) => {}
                Err(ApplyError::Conflict(s)) => return Err(StepError::Refused(ApplyError::Conflict(s).to_string())),
                Err(ApplyError::Pg(e)) => return Err(e.into()),
            }
        }
        LeaseStatus::Active => {}
        other => {
            return Err(StepError::Refused(format!(
                "The lease is {} now; a renewal can no longer be accepted.",
                other.label()
            )))
        }
    }
    let rent = rec.plan.recommended_rent.to_string();
    tx.execute(
        "UPDATE tenant_lease SET monthly_rent_amount = $2::text::numeric, lease_begin_date = $3, lease_end_date = $4,
         updated_at = $5 WHERE id = $1",
        &[&rec.lease_id, &rent, &rec.plan.recommended_lease_start, &rec.plan.recommended_lease_end, &now],
    )
    .await?;
    tx.execute(
        "UPDATE units_unit SET current_rent = $2::text::numeric, status = 'occupied', updated_at = $3 WHERE id = $1",
        &[&rec.unit_id, &rent, &now],
    )
    .await?;
    for (table, id) in [("tenant_lease", rec.lease_id), ("units_unit", rec.unit_id)] {
        if let Some(t) = tables::table(table) {
            pg::bump(tx, t, &[id]).await?;
        }
    }
    Ok(())
}

/// Redrafts the letter of a recommendation through the AI gateway and stores it.
pub async fn regenerate_letter(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    id: Uuid,
    properties: &[Uuid],
    now: DateTime<Utc>,
) -> std::result::Result<RenewalRecommendation, StepError> {
    let rec = get(tx, id, properties, true).await?.ok_or(StepError::NotFound)?;
    let lease: Lease = pgdomain::must(tx, "tenant_lease", rec.lease_id).await?;
    let letter =
        draft_letter(tx, gateway, &lease, &rec.plan, now.date_naive(), now).await?.map_err(StepError::Refused)?;
    tx.execute(
        "UPDATE renewal_recommendation SET renewal_letter_text = $2, letter_provider = $3,
         renewal_letter_generated_at = $4, updated_at = $4 WHERE id = $1",
        &[&id, &letter.text, &letter.provider, &now],
    )
    .await?;
    get(tx, id, properties, false).await?.ok_or(StepError::NotFound)
}
