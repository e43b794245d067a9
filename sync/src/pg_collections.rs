//! Smart collections (spec 1.3) on PostgreSQL: cases, actions, payment plans, the daily scan
//! and the escalation engine. Every decision is `unitcycle_core::collections` /
//! `collections_plan` (the same pure functions the replica's `collections_jobs` calls); every
//! message goes through the outbox with the replica's idempotency keys.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio_postgres::{GenericClient, Row, Transaction};
use unitcycle_core::ai::prompts::CollectionsMessage;
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::{
    self, CaseStatus, CollectionAction, CollectionCase, EscalationStep, Installment, InstallmentPlan, PaymentOutcome,
    PaymentPlan, Tone,
};
use unitcycle_core::collections_plan::{self, CaseChange};
use unitcycle_core::jobs::Job;
use unitcycle_core::model::{Lease, LedgerEntry, Property, Tenant, Unit};
use unitcycle_core::outbox::{DeliveryChannel, NewMessage};
use uuid::Uuid;

use crate::pg::{self, PgError, Result};
use crate::pgdomain;
use crate::tables;

fn unreadable(what: &str, text: &str) -> PgError {
    PgError::Setup(format!("collections: unreadable {what} '{text}'"))
}

fn parse<T: std::str::FromStr>(r: &Row, i: usize, what: &str) -> Result<T> {
    let text: String = r.get(i);
    text.parse().map_err(|_| unreadable(what, &text))
}

fn dec(r: &Row, i: usize, what: &str) -> Result<Decimal> {
    parse(r, i, what)
}

const CASE_COLS: &str = "r.id, r.tenant_id, r.lease_id, r.unit_id, r.property_id, r.original_amount_due::text, \
    r.current_balance::text, r.late_fee_total::text, r.days_overdue, r.due_date, r.escalation_level, \
    r.tenant_risk_profile::text, r.tone::text, r.status::text, r.resolved_at, r.assigned_to::text, r.notes, \
    r.created_at, r.updated_at";

fn case_from_row(r: &Row) -> Result<CollectionCase> {
    Ok(CollectionCase {
        id: r.get(0),
        tenant_id: r.get(1),
        lease_id: r.get(2),
        unit_id: r.get(3),
        property_id: r.get(4),
        original_amount_due: dec(r, 5, "original_amount_due")?,
        current_balance: dec(r, 6, "current_balance")?,
        late_fee_total: dec(r, 7, "late_fee_total")?,
        days_overdue: i64::from(r.get::<_, i32>(8)),
        due_date: r.get(9),
        escalation_level: r.get::<_, i32>(10).clamp(0, 5) as u8,
        tenant_risk_profile: parse(r, 11, "tenant_risk_profile")?,
        tone: parse(r, 12, "tone")?,
        status: parse(r, 13, "status")?,
        resolved_at: r.get(14),
        assigned_to: r.get(15),
        notes: r.get(16),
        created_at: r.get(17),
        updated_at: r.get(18),
    })
}

/// Filters of `GET /api/v1/collections/` (empty / None: any).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Vec<String>,
    pub property: Option<Uuid>,
    pub tenant: Option<Uuid>,
    pub escalation_level: Option<i32>,
    pub days_overdue_gte: Option<i32>,
}

const WHERE: &str = "r.property_id = ANY($1)
    AND (cardinality($2::text[]) = 0 OR r.status = ANY($2::text[]))
    AND ($3::uuid IS NULL OR r.property_id = $3) AND ($4::uuid IS NULL OR r.tenant_id = $4)
    AND ($5::int IS NULL OR r.escalation_level = $5) AND ($6::int IS NULL OR r.days_overdue >= $6)";

/// One page of cases (most overdue first) and the total count.
pub async fn list(
    c: &impl GenericClient,
    properties: &[Uuid],
    f: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<CollectionCase>)> {
    let args: [&(dyn tokio_postgres::types::ToSql + Sync); 6] =
        [&properties, &f.status, &f.property, &f.tenant, &f.escalation_level, &f.days_overdue_gte];
    let count: i64 = c.query_one(&format!("SELECT COUNT(*) FROM collection_case r WHERE {WHERE}"), &args).await?.get(0);
    let rows = c
        .query(
            &format!(
                "SELECT {CASE_COLS} FROM collection_case r WHERE {WHERE}
                 ORDER BY r.days_overdue DESC, r.current_balance DESC, r.id LIMIT {limit} OFFSET {offset}"
            ),
            &args,
        )
        .await?;
    Ok((count, rows.iter().map(case_from_row).collect::<Result<_>>()?))
}

/// A case in one of `properties`; `for_update` locks it.
pub async fn get(
    c: &impl GenericClient,
    id: Uuid,
    properties: &[Uuid],
    for_update: bool,
) -> Result<Option<CollectionCase>> {
    let lock = if for_update { "FOR UPDATE" } else { "" };
    let row = c
        .query_opt(
            &format!("SELECT {CASE_COLS} FROM collection_case r WHERE r.id = $1 AND r.property_id = ANY($2) {lock}"),
            &[&id, &properties],
        )
        .await?;
    row.as_ref().map(case_from_row).transpose()
}

async fn open_cases_by_lease(c: &impl GenericClient) -> Result<HashMap<Uuid, CollectionCase>> {
    let rows = c
        .query(&format!("SELECT {CASE_COLS} FROM collection_case r WHERE r.status IN ('open', 'payment_plan')"), &[])
        .await?;
    rows.iter().map(|r| case_from_row(r).map(|c| (c.lease_id, c))).collect()
}

async fn insert_case(tx: &Transaction<'_>, c: &CollectionCase) -> Result<()> {
    tx.execute(
        "INSERT INTO collection_case (id, tenant_id, lease_id, unit_id, property_id, original_amount_due,
         current_balance, late_fee_total, days_overdue, due_date, escalation_level, tenant_risk_profile, tone, status,
         resolved_at, assigned_to, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::text::numeric, $7::text::numeric, $8::text::numeric, $9, $10, $11, $12, $13,
                 $14, $15, $16, $17, $18, $19)",
        &[
            &c.id,
            &c.tenant_id,
            &c.lease_id,
            &c.unit_id,
            &c.property_id,
            &c.original_amount_due.to_string(),
            &c.current_balance.to_string(),
            &c.late_fee_total.to_string(),
            &(c.days_overdue as i32),
            &c.due_date,
            &i32::from(c.escalation_level),
            &c.tenant_risk_profile.as_str(),
            &c.tone.as_str(),
            &c.status.as_str(),
            &c.resolved_at,
            &c.assigned_to,
            &c.notes,
            &c.created_at,
            &c.updated_at,
        ],
    )
    .await?;
    Ok(())
}

/// Writes the mutable fields of a case.
async fn update_case(tx: &Transaction<'_>, c: &CollectionCase) -> Result<()> {
    tx.execute(
        "UPDATE collection_case SET current_balance = $2::text::numeric, late_fee_total = $3::text::numeric,
         days_overdue = $4, escalation_level = $5, tone = $6::text, status = $7::text, resolved_at = $8,
         notes = $9, assigned_to = $10::text, tenant_risk_profile = $11::text, updated_at = $12 WHERE id = $1",
        &[
            &c.id,
            &c.current_balance.to_string(),
            &c.late_fee_total.to_string(),
            &(c.days_overdue as i32),
            &i32::from(c.escalation_level),
            &c.tone.as_str(),
            &c.status.as_str(),
            &c.resolved_at,
            &c.notes,
            &c.assigned_to,
            &c.tenant_risk_profile.as_str(),
            &c.updated_at,
        ],
    )
    .await?;
    Ok(())
}

/// Records an action; false when the step was already recorded (one message per step).
async fn insert_action(tx: &Transaction<'_>, a: &CollectionAction) -> Result<bool> {
    let n = tx
        .execute(
            "INSERT INTO collection_action (id, case_id, action_type, escalation_level, channel, message_text,
             tone_used, ai_generated, ai_provider, sent_at, delivered, opened, response_received, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING",
            &[
                &a.id,
                &a.case_id,
                &a.action_type.as_str(),
                &i32::from(a.escalation_level),
                &a.channel.as_str(),
                &a.message_text,
                &a.tone_used,
                &a.ai_generated,
                &a.ai_provider,
                &a.sent_at,
                &a.delivered,
                &a.opened,
                &a.response_received,
                &a.created_at,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// The actions of a case, oldest first (the timeline).
pub async fn actions(c: &impl GenericClient, case_id: Uuid) -> Result<Vec<CollectionAction>> {
    let rows = c
        .query(
            "SELECT id, case_id, action_type::text, escalation_level, channel::text, message_text, tone_used::text,
             ai_generated, ai_provider::text, sent_at, delivered, opened, response_received, created_at
             FROM collection_action WHERE case_id = $1 ORDER BY created_at, escalation_level, id",
            &[&case_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CollectionAction {
                id: r.get(0),
                case_id: r.get(1),
                action_type: parse(r, 2, "action_type")?,
                escalation_level: r.get::<_, i32>(3).clamp(0, 5) as u8,
                channel: parse(r, 4, "channel")?,
                message_text: r.get(5),
                tone_used: r.get(6),
                ai_generated: r.get(7),
                ai_provider: r.get(8),
                sent_at: r.get(9),
                delivered: r.get(10),
                opened: r.get(11),
                response_received: r.get(12),
                created_at: r.get(13),
            })
        })
        .collect()
}

/// The payment plan of a case with its installments.
pub async fn payment_plan(c: &impl GenericClient, case_id: Uuid) -> Result<Option<PaymentPlan>> {
    let Some(p) = c
        .query_opt(
            "SELECT id, case_id, total_amount::text, num_installments, installment_amount::text, start_date,
             status::text, created_at, updated_at FROM collection_payment_plan WHERE case_id = $1",
            &[&case_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let plan_id: Uuid = p.get(0);
    let installments = c
        .query(
            "SELECT id, plan_id, installment_number, amount::text, due_date, paid_date, status::text
             FROM collection_plan_installment WHERE plan_id = $1 ORDER BY installment_number",
            &[&plan_id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Installment {
                id: r.get(0),
                plan_id: r.get(1),
                installment_number: r.get::<_, i32>(2).max(0) as u32,
                amount: dec(r, 3, "amount")?,
                due_date: r.get(4),
                paid_date: r.get(5),
                status: parse(r, 6, "installment status")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(PaymentPlan {
        id: plan_id,
        case_id: p.get(1),
        total_amount: dec(&p, 2, "total_amount")?,
        num_installments: p.get::<_, i32>(3).max(0) as u32,
        installment_amount: dec(&p, 4, "installment_amount")?,
        start_date: p.get(5),
        status: parse(&p, 6, "plan status")?,
        created_at: p.get(7),
        updated_at: p.get(8),
        installments,
    }))
}

async fn insert_plan(tx: &Transaction<'_>, p: &PaymentPlan) -> Result<()> {
    tx.execute(
        "INSERT INTO collection_payment_plan (id, case_id, total_amount, num_installments, installment_amount,
         start_date, status, created_at, updated_at)
         VALUES ($1, $2, $3::text::numeric, $4, $5::text::numeric, $6, $7, $8, $9)",
        &[
            &p.id,
            &p.case_id,
            &p.total_amount.to_string(),
            &(p.num_installments as i32),
            &p.installment_amount.to_string(),
            &p.start_date,
            &p.status.as_str(),
            &p.created_at,
            &p.updated_at,
        ],
    )
    .await?;
    for i in &p.installments {
        tx.execute(
            "INSERT INTO collection_plan_installment (id, plan_id, installment_number, amount, due_date, paid_date,
             status) VALUES ($1, $2, $3, $4::text::numeric, $5, $6, $7)",
            &[
                &i.id,
                &i.plan_id,
                &(i.installment_number as i32),
                &i.amount.to_string(),
                &i.due_date,
                &i.paid_date,
                &i.status.as_str(),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn update_plan(tx: &Transaction<'_>, p: &PaymentPlan, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE collection_payment_plan SET status = $2::text, updated_at = $3 WHERE id = $1",
        &[&p.id, &p.status.as_str(), &now],
    )
    .await?;
    for i in &p.installments {
        tx.execute(
            "UPDATE collection_plan_installment SET status = $2::text, paid_date = $3 WHERE id = $1",
            &[&i.id, &i.status.as_str(), &i.paid_date],
        )
        .await?;
    }
    Ok(())
}

/// Posts ledger entries (late fees, payments) and enters them in the change log.
async fn insert_ledger(tx: &Transaction<'_>, entries: &[LedgerEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let t = tables::table("tenant_ledger_entry").ok_or_else(|| PgError::Setup("ledger table".into()))?;
    let rows =
        entries.iter().map(|e| Ok(tables::canonicalize(t, serde_json::to_value(e)?)?)).collect::<Result<Vec<_>>>()?;
    tx.execute(&tables::pg_upsert_sql(t), &[&Value::Array(rows)]).await?;
    pg::bump(tx, t, &entries.iter().map(|e| e.id).collect::<Vec<_>>()).await?;
    Ok(())
}

/// What one scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub opened: u32,
    pub updated: u32,
    pub closed: u32,
    pub late_fees: u32,
}

impl ScanReport {
    pub fn summary(&self) -> String {
        format!(
            "Opened {} cases, updated {}, closed {} as paid; charged {} late fees.",
            self.opened, self.updated, self.closed, self.late_fees
        )
    }
}

/// The daily 08:00 scan inside `tx`: late fees, then open / refresh / close cases from the
/// overdue balances (`collections_plan::late_fee_entries`, `collections_plan::scan_lease`).
pub async fn scan(tx: &Transaction<'_>, today: NaiveDate, now: DateTime<Utc>) -> Result<ScanReport> {
    let leases: Vec<Lease> = pgdomain::rows(tx, "tenant_lease", "TRUE ORDER BY r.id", &[]).await?;
    let entries: Vec<LedgerEntry> = pgdomain::rows(
        tx,
        "tenant_ledger_entry",
        "r.lease_id IS NOT NULL ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
        &[],
    )
    .await?;
    let mut by_lease: HashMap<Uuid, Vec<LedgerEntry>> = HashMap::new();
    for e in entries {
        if let Some(l) = e.lease_id {
            by_lease.entry(l).or_default().push(e);
        }
    }
    let mut open = open_cases_by_lease(tx).await?;
    let mut report = ScanReport::default();
    for lease in &leases {
        let Some(mut entries) = by_lease.remove(&lease.id) else { continue };
        let fees = collections_plan::late_fee_entries(lease, &entries, today, now);
        insert_ledger(tx, &fees).await?;
        report.late_fees += fees.len() as u32;
        entries.extend(fees);
        match collections_plan::scan_lease(lease, &entries, open.remove(&lease.id), today, now) {
            Some(CaseChange::Open(case)) => {
                insert_case(tx, &case).await?;
                report.opened += 1;
            }
            Some(CaseChange::Update(case)) => {
                update_case(tx, &case).await?;
                report.updated += 1;
            }
            Some(CaseChange::Close(case)) => {
                update_case(tx, &case).await?;
                report.closed += 1;
            }
            None => {}
        }
    }
    Ok(report)
}

/// The scheduled 08:00 scan: once per day across servers.
pub async fn scheduled_scan(
    pool: &deadpool_postgres::Pool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<ScanReport>> {
    let job = Job::CollectionsScan.name();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    if !pgdomain::try_lock_job(&tx, job).await? || pgdomain::ran_on(&*tx, job, today).await? {
        return Ok(None);
    }
    let r = scan(&tx, today, now).await?;
    let counts = json!({"opened": r.opened, "updated": r.updated, "closed": r.closed, "late_fees": r.late_fees});
    pgdomain::record_run(&*tx, job, today, now, &r.summary(), &counts).await?;
    tx.commit().await?;
    Ok(Some(r))
}

/// Who a case's messages are for.
struct Parties {
    tenant: Tenant,
    unit: Unit,
    property: Property,
}

async fn parties(c: &impl GenericClient, case: &CollectionCase) -> Result<Parties> {
    Ok(Parties {
        tenant: pgdomain::must(c, "tenants", case.tenant_id).await?,
        unit: pgdomain::must(c, "units_unit", case.unit_id).await?,
        property: pgdomain::must(c, "properties", case.property_id).await?,
    })
}

/// Drafts one message through the AI gateway.
#[allow(clippy::too_many_arguments)]
async fn draft(
    c: &impl GenericClient,
    gateway: &Arc<Gateway>,
    case: &CollectionCase,
    who: &Parties,
    tone: Tone,
    channel: DeliveryChannel,
    plan: Option<&[InstallmentPlan]>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    let recipient = unitcycle_core::ai::letters::Recipient::of(&who.tenant, &who.unit, &who.property);
    let input = collections_plan::message_input(case, &recipient, tone, channel, plan, today);
    let out = pgdomain::run_ai::<CollectionsMessage>(c, gateway, input, now)
        .await?
        .map_err(|e| PgError::Setup(e.to_string()))?;
    Ok((out.value.render(), out.provider.as_str().to_string()))
}

/// Drafts and records one escalation step inside `tx`: one `collection_action` and an outbox
/// message per channel (`collections:{case}:{level}:{channel}`). False when already sent.
async fn send_step(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    mut case: CollectionCase,
    step: &'static EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool> {
    let who = parties(tx, &case).await?;
    case.days_overdue = (today - case.due_date).num_days().max(0);
    let (tone, plan) = collections_plan::step_tone_and_plan(&case, step, today);
    let mut first = true;
    for ch in step.channels {
        let Some(channel) = collections_plan::delivery(*ch) else { continue };
        let (text, provider) = draft(tx, gateway, &case, &who, tone, channel, plan.as_deref(), today, now).await?;
        if first {
            let action = collections_plan::step_action(&case, step, *ch, tone, &text, &provider, now);
            if !insert_action(tx, &action).await? {
                return Ok(false);
            }
            first = false;
        }
        pgdomain::enqueue(
            tx,
            &NewMessage {
                idempotency_key: collections_plan::step_message_key(case.id, step.level, channel.as_str()),
                channel,
                recipient_name: who.tenant.full_name(),
                recipient: collections_plan::address(&who.tenant, &who.unit, &who.property, channel),
                subject: format!("{}: {} {}", step.description, who.property.name, who.unit.unit_number),
                body: text,
                attachment_sha256: None,
                attachment_name: None,
                related_type: "collection_case".into(),
                related_id: Some(case.id),
                scheduled_for: now,
            },
            now,
        )
        .await?;
    }
    case.escalation_level = step.level;
    case.tone = tone;
    case.updated_at = now;
    update_case(tx, &case).await?;
    Ok(true)
}

/// What one escalation run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationReport {
    pub sent: u32,
    pub paused: u32,
}

/// The escalation engine (every 4 hours at :30): each open case advances to the step its days
/// overdue call for (`collections::due_step`); each step's message is sent exactly once.
pub async fn escalation_engine(
    pool: &deadpool_postgres::Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<EscalationReport>> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    if !pgdomain::try_lock_job(&tx, Job::EscalationEngine.name()).await? {
        return Ok(None);
    }
    let cases: Vec<CollectionCase> = tx
        .query(
            &format!(
                "SELECT {CASE_COLS} FROM collection_case r WHERE r.status IN ('open', 'payment_plan') ORDER BY r.id"
            ),
            &[],
        )
        .await?
        .iter()
        .map(case_from_row)
        .collect::<Result<_>>()?;
    let mut report = EscalationReport::default();
    for case in cases {
        let days = (today - case.due_date).num_days().max(0);
        let good = case.status == CaseStatus::PaymentPlan
            && collections_plan::plan_in_good_standing(payment_plan(&*tx, case.id).await?.as_ref(), &case, today);
        if good {
            report.paused += 1;
        }
        let Some(step) = collections::due_step(case.status, case.escalation_level, days, good) else { continue };
        if send_step(&tx, gateway, case, step, today, now).await? {
            report.sent += 1;
        }
    }
    tx.commit().await?;
    Ok(Some(report))
}

/// Why a case action was not applied.
#[derive(Debug)]
pub enum CaseError {
    NotFound,
    Refused(String),
    Pg(PgError),
}

impl From<PgError> for CaseError {
    fn from(e: PgError) -> Self {
        CaseError::Pg(e)
    }
}

impl From<tokio_postgres::Error> for CaseError {
    fn from(e: tokio_postgres::Error) -> Self {
        CaseError::Pg(e.into())
    }
}

type CaseResult<T> = std::result::Result<T, CaseError>;

async fn locked(tx: &Transaction<'_>, id: Uuid, properties: &[Uuid]) -> CaseResult<CollectionCase> {
    get(tx, id, properties, true).await?.ok_or(CaseError::NotFound)
}

async fn reload(tx: &Transaction<'_>, id: Uuid, properties: &[Uuid]) -> CaseResult<CollectionCase> {
    get(tx, id, properties, false).await?.ok_or(CaseError::NotFound)
}

/// `send-reminder`: the next step now (`collections::manual_next_step`).
pub async fn send_reminder(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    id: Uuid,
    properties: &[Uuid],
    now: DateTime<Utc>,
) -> CaseResult<CollectionCase> {
    let case = locked(tx, id, properties).await?;
    let step = collections::manual_next_step(case.status, case.escalation_level)
        .map_err(|e| CaseError::Refused(e.to_string()))?;
    send_step(tx, gateway, case, step, now.date_naive(), now).await?;
    reload(tx, id, properties).await
}

/// `escalate`: the legal step if it has not gone, then the case is escalated.
pub async fn escalate(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    id: Uuid,
    properties: &[Uuid],
    actor: &str,
    now: DateTime<Utc>,
) -> CaseResult<CollectionCase> {
    let case = locked(tx, id, properties).await?;
    if !case.is_open() {
        return Err(CaseError::Refused(collections::CollectionsError::Closed(case.status).to_string()));
    }
    if case.escalation_level < 5 {
        let step = collections::step(5).ok_or_else(|| CaseError::Refused("There is no legal step.".into()))?;
        send_step(tx, gateway, case, step, now.date_naive(), now).await?;
    }
    let case = collections_plan::mark_escalated(&reload(tx, id, properties).await?, actor, now);
    update_case(tx, &case).await?;
    Ok(case)
}

/// `offer-plan`: the plan (`collections_plan::new_payment_plan`), its message by email
/// (`collections:{case}:plan:{plan}`) and the case on the plan.
pub async fn offer_plan(
    tx: &Transaction<'_>,
    gateway: &Arc<Gateway>,
    id: Uuid,
    properties: &[Uuid],
    terms: unitcycle_core::collections::PlanTerms,
    start_date: NaiveDate,
    now: DateTime<Utc>,
) -> CaseResult<(CollectionCase, PaymentPlan)> {
    let today = now.date_naive();
    let case = locked(tx, id, properties).await?;
    let has_plan = payment_plan(tx, id).await?.is_some();
    let plan = collections_plan::new_payment_plan(&case, has_plan, terms, start_date, today, now)
        .map_err(|e| CaseError::Refused(e.to_string()))?;
    let schedule = collections_plan::schedule(&plan);
    let (updated, tone) = collections_plan::on_plan(&case, now);
    let who = parties(tx, &case).await?;
    let (text, provider) =
        draft(tx, gateway, &case, &who, tone, DeliveryChannel::Email, Some(&schedule), today, now).await?;
    insert_plan(tx, &plan).await?;
    let mut action = collections_plan::system_action(&updated, collections::ActionType::Note, &text, now);
    action.channel = collections::Channel::Email;
    action.tone_used = tone.as_str().into();
    action.ai_generated = true;
    action.ai_provider = provider;
    action.sent_at = Some(now);
    insert_action(tx, &action).await?;
    pgdomain::enqueue(
        tx,
        &NewMessage {
            idempotency_key: format!("collections:{id}:plan:{}", plan.id),
            channel: DeliveryChannel::Email,
            recipient_name: who.tenant.full_name(),
            recipient: who.tenant.email.clone(),
            subject: format!("Payment plan for {} {}", who.property.name, who.unit.unit_number),
            body: text,
            attachment_sha256: None,
            attachment_name: None,
            related_type: "collection_case".into(),
            related_id: Some(id),
            scheduled_for: now,
        },
        now,
    )
    .await?;
    update_case(tx, &updated).await?;
    Ok((updated, plan))
}

/// `record-payment`: the ledger payment, the case balance, the plan's installments and the
/// timeline entry (`collections_plan::record_payment`).
pub async fn record_payment(
    tx: &Transaction<'_>,
    id: Uuid,
    properties: &[Uuid],
    amount: Decimal,
    paid_on: NaiveDate,
    actor: &str,
    now: DateTime<Utc>,
) -> CaseResult<(CollectionCase, PaymentOutcome)> {
    let case = locked(tx, id, properties).await?;
    let plan = payment_plan(tx, id).await?;
    let change =
        collections_plan::record_payment(&case, plan, amount, paid_on, actor, now).map_err(CaseError::Refused)?;
    insert_ledger(tx, std::slice::from_ref(&change.entry)).await?;
    insert_action(tx, &change.action).await?;
    if let Some(p) = &change.plan {
        update_plan(tx, p, now).await?;
    }
    update_case(tx, &change.case).await?;
    Ok((change.case, change.outcome))
}

/// Payments recorded against cases in `properties` in the 30 days up to `today`.
pub async fn collected_last_30_days(c: &impl GenericClient, properties: &[Uuid], today: NaiveDate) -> Result<Decimal> {
    let text: String = c
        .query_one(
            "SELECT COALESCE(SUM(amount), 0)::text FROM tenant_ledger_entry
             WHERE category = 'collections_payment' AND trans_type = 'Payment' AND property_id = ANY($1)
               AND trans_date > $2 AND trans_date <= $3",
            &[&properties, &(today - Duration::days(30)), &today],
        )
        .await?
        .get(0);
    text.parse().map_err(|_| unreadable("collected amount", &text))
}
