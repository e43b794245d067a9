//! Collections rows on PostgreSQL (`collection_case`, `collection_action`,
//! `collection_payment_plan`, `collection_plan_installment`) and the collections port over them.
//! The scan, the escalation engine and the case actions are `unitcycle_core::collections::{scan,
//! escalation, workflow}`; this module only reads and writes rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_postgres::{GenericClient, Row, Transaction};
use unitcycle_core::collections::port::{CollectionWrite, CollectionsPort};
use unitcycle_core::collections::{CollectionAction, CollectionCase, Installment, PaymentPlan};
use unitcycle_core::doctor::BadRow;
use unitcycle_core::format;
use unitcycle_core::model::{Lease, LedgerEntry};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{parse, store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, PgError, Result};
use crate::{pgdomain, tables};

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
        original_amount_due: parse(r, 5, "original_amount_due")?,
        current_balance: parse(r, 6, "current_balance")?,
        late_fee_total: parse(r, 7, "late_fee_total")?,
        days_overdue: i64::from(r.get::<_, i32>(8)),
        due_date: r.try_get(9)?,
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

/// The first value of an open case the boundary would refuse (a date outside the calendar, an
/// amount beyond a money column): (field, value, why).
fn case_problem(c: &CollectionCase) -> Option<(String, String, String)> {
    if let Err(why) = format::check_date("due_date", c.due_date) {
        return Some(("due_date".into(), c.due_date.to_string(), why));
    }
    [
        ("original_amount_due", c.original_amount_due),
        ("current_balance", c.current_balance),
        ("late_fee_total", c.late_fee_total),
    ]
    .into_iter()
    .find(|(_, n)| !format::fits_money(*n))
    .map(|(field, n)| (field.to_string(), n.to_string(), format::money_too_large(field, n)))
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

/// The list's order: most overdue first, then the largest balance.
pub const ORDER: &str = "r.days_overdue DESC, r.current_balance DESC, r.id";

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
    let count =
        crate::read_cache::count(c, &format!("SELECT COUNT(*) FROM collection_case r WHERE {WHERE}"), &args).await?;
    let rows = c
        .query(
            &format!(
                "SELECT {CASE_COLS} FROM collection_case r WHERE {WHERE}
                 ORDER BY {ORDER} LIMIT {limit} OFFSET {offset}"
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

/// Writes the mutable fields of a case unless it changed since it was read with `updated_at` =
/// `read_at`; false when it had.
async fn update_case(tx: &Transaction<'_>, c: &CollectionCase, read_at: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE collection_case SET current_balance = $2::text::numeric, late_fee_total = $3::text::numeric,
             days_overdue = $4, escalation_level = $5, tone = $6::text, status = $7::text, resolved_at = $8,
             notes = $9, assigned_to = $10::text, tenant_risk_profile = $11::text, updated_at = $12
             WHERE id = $1 AND updated_at = $13",
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
                &read_at,
            ],
        )
        .await?;
    Ok(n == 1)
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
                amount: parse(r, 3, "amount")?,
                due_date: r.get(4),
                paid_date: r.get(5),
                status: parse(r, 6, "installment status")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(PaymentPlan {
        id: plan_id,
        case_id: p.get(1),
        total_amount: parse(&p, 2, "total_amount")?,
        num_installments: p.get::<_, i32>(3).max(0) as u32,
        installment_amount: parse(&p, 4, "installment_amount")?,
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

/// Posts ledger entries (rent, late fees, payments) whose id is not stored yet and enters the
/// new ones in the change log; returns their ids. Posted rent and late fees have ids derived
/// from what they charge (`unitcycle_core::rent::entry_id`), so a second post changes nothing.
pub(crate) async fn insert_ledger(tx: &Transaction<'_>, entries: &[LedgerEntry]) -> Result<Vec<Uuid>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let t = tables::table("tenant_ledger_entry").ok_or_else(|| PgError::Setup("ledger table".into()))?;
    let rows =
        entries.iter().map(|e| Ok(tables::canonicalize(t, serde_json::to_value(e)?)?)).collect::<Result<Vec<_>>>()?;
    let sql = format!(
        "INSERT INTO {name} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{name}, $1::jsonb) \
         ON CONFLICT (id) DO NOTHING RETURNING id",
        name = t.name,
        cols = t.column_list()
    );
    let new: Vec<Uuid> = tx.query(&sql, &[&Value::Array(rows)]).await?.iter().map(|r| r.get(0)).collect();
    pg::bump(tx, t, &new).await?;
    Ok(new)
}

/// Payments recorded against cases in `properties` in the 30 days up to `today`.
pub async fn collected_last_30_days(
    c: &impl GenericClient,
    properties: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Decimal> {
    // The 30 days up to each property's local date at `now`.
    let text: String = c
        .query_one(
            "SELECT COALESCE(SUM(e.amount), 0)::text FROM tenant_ledger_entry e JOIN properties p ON p.id = e.property_id
             WHERE e.category = 'collections_payment' AND e.trans_type = 'Payment' AND e.property_id = ANY($1)
               AND e.trans_date > ($2::timestamptz AT TIME ZONE p.time_zone)::date - 30
               AND e.trans_date <= ($2::timestamptz AT TIME ZONE p.time_zone)::date",
            &[&properties, &now],
        )
        .await?
        .get(0);
    text.parse().map_err(|_| PgError::Setup(format!("collected amount: unreadable value '{text}'")))
}

impl CollectionsPort for PgPort {
    fn collection_leases(&self) -> StoreResult<Vec<Lease>> {
        self.sane_rows("tenant_lease", "r.property_id = ANY($1) ORDER BY r.id", &[&self.scope])
    }

    fn lease_ledgers(&self) -> StoreResult<HashMap<Uuid, Vec<LedgerEntry>>> {
        let entries: Vec<LedgerEntry> = self.sane_rows(
            "tenant_ledger_entry",
            "r.lease_id IN (SELECT id FROM tenant_lease WHERE property_id = ANY($1))
             ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
            &[&self.scope],
        )?;
        let mut out: HashMap<Uuid, Vec<LedgerEntry>> = HashMap::new();
        for e in entries {
            if let Some(lease) = e.lease_id {
                out.entry(lease).or_default().push(e);
            }
        }
        Ok(out)
    }

    fn open_cases(&self) -> StoreResult<Vec<CollectionCase>> {
        let rows = self.block(async {
            Ok(self
                .client()
                .query(
                    &format!(
                        "SELECT {CASE_COLS} FROM collection_case r
                         WHERE r.status IN ('open', 'payment_plan') AND r.property_id = ANY($1)
                         ORDER BY r.created_at, r.id"
                    ),
                    &[&self.scope],
                )
                .await?)
        })?;
        // A case that does not read back, or holds a value the boundary refuses, is read past.
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let bad = match case_from_row(r) {
                Ok(c) => match case_problem(&c) {
                    None => {
                        out.push(c);
                        continue;
                    }
                    Some(bad) => bad,
                },
                Err(e) => ("row".to_string(), String::new(), format!("unreadable: {e}")),
            };
            let id = r.get::<_, Uuid>(0).to_string();
            self.skip(BadRow { table: "collection_case".into(), id, field: bad.0, value: bad.1, why: bad.2 });
        }
        Ok(out)
    }

    fn collection_case(&self, id: Uuid) -> StoreResult<CollectionCase> {
        self.block(get(self.client(), id, &self.scope, false))?
            .ok_or_else(|| StoreError::NotFound { what: "Collection case", id: id.to_string() })
    }

    fn collection_actions(&self, case_id: Uuid) -> StoreResult<Vec<CollectionAction>> {
        self.block(actions(self.client(), case_id))
    }

    fn payment_plan(&self, case_id: Uuid) -> StoreResult<Option<PaymentPlan>> {
        self.block(payment_plan(self.client(), case_id))
    }

    fn write_collections(&mut self, writes: &[CollectionWrite], now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(writes, now)
    }
}

impl RowWrite for CollectionWrite {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        write(tx, self, now).await
    }
}

/// Enters rows of synced table `table` in the change log, so replicas pull them.
async fn bump(tx: &Transaction<'_>, table: &str, ids: &[Uuid]) -> Result<()> {
    match tables::table(table) {
        Some(t) => pg::bump(tx, t, ids).await,
        None => Ok(()),
    }
}

/// Applies one collections write inside `tx`, entering every synced row it touches in the change
/// log (`insert_ledger` does so for ledger entries).
async fn write(tx: &Transaction<'_>, w: &CollectionWrite, now: DateTime<Utc>) -> StoreResult<()> {
    let applied = async {
        match w {
            CollectionWrite::Ledger(e) => {
                insert_ledger(tx, std::slice::from_ref(e)).await?;
            }
            CollectionWrite::OpenCase(c) => {
                insert_case(tx, c).await?;
                bump(tx, "collection_case", &[c.id]).await?;
            }
            CollectionWrite::UpdateCase { case, read_at } => {
                if !update_case(tx, case, *read_at).await? {
                    return Ok(false);
                }
                bump(tx, "collection_case", &[case.id]).await?;
            }
            CollectionWrite::Action(a) => {
                insert_action(tx, a).await?;
                bump(tx, "collection_action", &[a.id]).await?;
            }
            CollectionWrite::InsertPlan(p) | CollectionWrite::UpdatePlan(p) => {
                if matches!(w, CollectionWrite::InsertPlan(_)) {
                    insert_plan(tx, p).await?;
                } else {
                    update_plan(tx, p, now).await?;
                }
                bump(tx, "collection_payment_plan", &[p.id]).await?;
                let ids: Vec<Uuid> = p.installments.iter().map(|i| i.id).collect();
                bump(tx, "collection_plan_installment", &ids).await?;
            }
            CollectionWrite::Enqueue(msg) => {
                pgdomain::enqueue(tx, msg, now).await?;
            }
        }
        Ok::<_, PgError>(true)
    };
    if applied.await.map_err(store_error)? {
        Ok(())
    } else {
        Err(StoreError::Conflict { what: "collection case", now: "someone else changed it".into() })
    }
}

impl unitcycle_core::rent::RentPort for PgPort {
    fn post_ledger(
        &mut self,
        entries: &[LedgerEntry],
        _now: DateTime<Utc>,
    ) -> StoreResult<std::collections::HashSet<Uuid>> {
        let rt = self.rt.clone();
        rt.block_on(async {
            let tx = self.client.transaction().await?;
            let new = insert_ledger(&tx, entries).await?;
            tx.commit().await?;
            Ok::<_, PgError>(new.into_iter().collect())
        })
        .map_err(store_error)
    }

    fn ledger_summaries(&self) -> StoreResult<HashMap<Uuid, unitcycle_core::rent::LedgerSummary>> {
        let rows = self.block(async {
            Ok(self
                .client()
                .query(
                    "SELECT lease_id,
                            MAX(COALESCE(due_date, trans_date)) FILTER (WHERE trans_type = 'Charge' AND category = 'rent'),
                            COALESCE(SUM(CASE WHEN trans_type = 'Payment' THEN amount ELSE -amount END), 0) >= 0
                              AND COALESCE(MIN(amount) FILTER (WHERE trans_type = 'Charge'), 1) > 0
                     FROM tenant_ledger_entry
                     WHERE lease_id IN (SELECT id FROM tenant_lease WHERE property_id = ANY($1))
                     GROUP BY lease_id",
                    &[&self.scope],
                )
                .await?)
        })?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), unitcycle_core::rent::LedgerSummary { last_rent_due: r.get(1), covered: r.get(2) }))
            .collect())
    }

    fn fees_pending(&self, leases: &[Uuid], today: chrono::NaiveDate) -> StoreResult<std::collections::HashSet<Uuid>> {
        // As the replica's: a charge is open when the charges up to it (its peers included)
        // come to more than the payments.
        let rows = self.block(async {
            Ok(self
                .client()
                .query(
                    "WITH e AS (
                         SELECT lease_id, trans_type, category, amount, trans_date, COALESCE(due_date, trans_date) AS due
                         FROM tenant_ledger_entry WHERE lease_id = ANY($1)),
                     paid AS (
                         SELECT lease_id, COALESCE(SUM(amount) FILTER (WHERE trans_type = 'Payment' AND amount > 0), 0) AS p,
                                COALESCE(bool_or(trans_type = 'Charge' AND amount < 0), false) AS odd
                         FROM e GROUP BY lease_id),
                     run AS (
                         SELECT lease_id, category, due,
                                SUM(amount) OVER (PARTITION BY lease_id ORDER BY due, trans_date
                                                  RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
                         FROM e WHERE trans_type = 'Charge')
                     SELECT lease_id FROM paid WHERE odd
                     UNION
                     SELECT r.lease_id FROM run r JOIN paid p ON p.lease_id = r.lease_id
                                                  JOIN tenant_lease l ON l.id = r.lease_id
                     WHERE r.category = 'rent' AND r.upto > p.p
                       AND r.due + (GREATEST(l.grace_period_days, 0) + 1) <= $2
                       AND NOT EXISTS (SELECT 1 FROM tenant_ledger_entry f
                                       WHERE f.lease_id = r.lease_id AND f.category = 'late_fee'
                                         AND f.trans_date = r.due + (GREATEST(l.grace_period_days, 0) + 1))",
                    &[&leases, &today],
                )
                .await?)
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn fifo_sums(&self, today: chrono::NaiveDate) -> StoreResult<HashMap<Uuid, unitcycle_core::ledger::FifoSums>> {
        use chrono::Datelike;
        let month = today.with_day(1).unwrap_or(today);
        let rows = self.block(async {
            Ok(self
                .client()
                .query(
                    "SELECT lease_id,
                            COALESCE(SUM(amount) FILTER (WHERE charge AND due < $2), 0.00)::text,
                            COALESCE(SUM(amount) FILTER (WHERE charge AND due < $3), 0.00)::text,
                            COALESCE(SUM(amount) FILTER (WHERE charge AND due >= $3 AND due <= $2), 0.00)::text,
                            COALESCE(SUM(amount) FILTER (WHERE NOT charge AND amount > 0), 0.00)::text,
                            COALESCE(MIN(amount) FILTER (WHERE charge), 0) >= 0
                     FROM (SELECT e.lease_id, e.trans_type = 'Charge' AS charge, e.amount,
                                  COALESCE(e.due_date, e.trans_date) AS due
                           FROM tenant_ledger_entry e
                           WHERE e.lease_id IN (SELECT id FROM tenant_lease WHERE property_id = ANY($1))
                             AND e.trans_type IN ('Charge', 'Payment')) x
                     GROUP BY lease_id",
                    &[&self.scope, &today, &month],
                )
                .await?)
        })?;
        let mut out = HashMap::new();
        for r in &rows {
            let sums = unitcycle_core::ledger::FifoSums {
                before_today: parse(r, 1, "before_today").map_err(store_error)?,
                before_month: parse(r, 2, "before_month").map_err(store_error)?,
                this_month: parse(r, 3, "this_month").map_err(store_error)?,
                paid: parse(r, 4, "paid").map_err(store_error)?,
                exact: r.get(5),
            };
            out.insert(r.get(0), sums);
        }
        Ok(out)
    }

    fn ledgers_of(&self, leases: &[Uuid]) -> StoreResult<HashMap<Uuid, Vec<LedgerEntry>>> {
        let entries: Vec<LedgerEntry> = self.sane_rows(
            "tenant_ledger_entry",
            "r.lease_id = ANY($1) ORDER BY r.trans_date, r.trans_type, r.created_at, r.id",
            &[&leases],
        )?;
        let mut out: HashMap<Uuid, Vec<LedgerEntry>> = HashMap::new();
        for e in entries {
            if let Some(lease) = e.lease_id {
                out.entry(lease).or_default().push(e);
            }
        }
        Ok(out)
    }
}
