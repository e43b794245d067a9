//! Collection cases, their actions and payment plans, and the collections port over them.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Row, Transaction};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{found, get_dec, get_uuid, optional, Result, Store, StoreError};
use crate::collections::port::{CollectionWrite, CollectionsPort};
use crate::collections::{
    CaseStatus, CollectionAction, CollectionCase, Installment, InstallmentStatus, PaymentPlan, PlanStatus,
};
use crate::model::{Lease, LedgerEntry};

const CASE_COLS: &str = "id, tenant_id, lease_id, unit_id, property_id, original_amount_due, current_balance, \
    late_fee_total, days_overdue, due_date, escalation_level, tenant_risk_profile, tone, status, resolved_at, \
    assigned_to, notes, created_at, updated_at";
const ACTION_COLS: &str = "id, case_id, action_type, escalation_level, channel, message_text, tone_used, \
    ai_generated, ai_provider, sent_at, delivered, opened, response_received, created_at";
const PLAN_COLS: &str =
    "id, case_id, total_amount, num_installments, installment_amount, start_date, status, created_at, updated_at";

fn case_from_row(r: &Row<'_>) -> rusqlite::Result<CollectionCase> {
    Ok(CollectionCase {
        id: get_uuid(r, 0)?,
        tenant_id: get_uuid(r, 1)?,
        lease_id: get_uuid(r, 2)?,
        unit_id: get_uuid(r, 3)?,
        property_id: get_uuid(r, 4)?,
        original_amount_due: get_dec(r, 5)?,
        current_balance: get_dec(r, 6)?,
        late_fee_total: get_dec(r, 7)?,
        days_overdue: r.get(8)?,
        due_date: r.get(9)?,
        escalation_level: r.get(10)?,
        tenant_risk_profile: r.get(11)?,
        tone: r.get(12)?,
        status: r.get(13)?,
        resolved_at: r.get(14)?,
        assigned_to: r.get(15)?,
        notes: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
    })
}

fn action_from_row(r: &Row<'_>) -> rusqlite::Result<CollectionAction> {
    Ok(CollectionAction {
        id: get_uuid(r, 0)?,
        case_id: get_uuid(r, 1)?,
        action_type: r.get(2)?,
        escalation_level: r.get(3)?,
        channel: r.get(4)?,
        message_text: r.get(5)?,
        tone_used: r.get(6)?,
        ai_generated: r.get(7)?,
        ai_provider: r.get(8)?,
        sent_at: r.get(9)?,
        delivered: r.get(10)?,
        opened: r.get(11)?,
        response_received: r.get(12)?,
        created_at: r.get(13)?,
    })
}

pub fn insert_case(tx: &Transaction<'_>, c: &CollectionCase) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO collection_case ({CASE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)"
    ))?
    .execute(params![
        c.id.to_string(),
        c.tenant_id.to_string(),
        c.lease_id.to_string(),
        c.unit_id.to_string(),
        c.property_id.to_string(),
        c.original_amount_due.to_string(),
        c.current_balance.to_string(),
        c.late_fee_total.to_string(),
        c.days_overdue,
        c.due_date,
        c.escalation_level,
        c.tenant_risk_profile,
        c.tone,
        c.status,
        c.resolved_at,
        c.assigned_to,
        c.notes,
        c.created_at,
        c.updated_at,
    ])?;
    Ok(())
}

/// Writes the mutable fields of a case (balance, days, level, tone, status, notes).
pub fn update_case(tx: &Transaction<'_>, c: &CollectionCase) -> Result<()> {
    write_case(tx, c, None).map(|_| ())
}

/// Writes a case unless it changed since it was read with `updated_at` = `read_at` (`None`:
/// whatever it is now); false when it had. Timestamps are stored in one spelling (rusqlite's),
/// so comparing the text compares the instants.
fn write_case(tx: &Transaction<'_>, c: &CollectionCase, read_at: Option<DateTime<Utc>>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE collection_case SET current_balance = ?2, late_fee_total = ?3, days_overdue = ?4,
         escalation_level = ?5, tone = ?6, status = ?7, resolved_at = ?8, notes = ?9, assigned_to = ?10,
         tenant_risk_profile = ?11, updated_at = ?12 WHERE id = ?1 AND (?13 IS NULL OR updated_at = ?13)",
        )?
        .execute(params![
            c.id.to_string(),
            c.current_balance.to_string(),
            c.late_fee_total.to_string(),
            c.days_overdue,
            c.escalation_level,
            c.tone,
            c.status,
            c.resolved_at,
            c.notes,
            c.assigned_to,
            c.tenant_risk_profile,
            c.updated_at,
            read_at,
        ])?;
    Ok(n == 1)
}

/// Records an action; returns false when that step's message was already recorded
/// (the unique index on case, level and type makes each step happen once).
pub fn insert_action(tx: &Transaction<'_>, a: &CollectionAction) -> Result<bool> {
    let n = tx
        .prepare_cached(&format!(
            "INSERT INTO collection_action ({ACTION_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)
             ON CONFLICT DO NOTHING"
        ))?
        .execute(params![
            a.id.to_string(),
            a.case_id.to_string(),
            a.action_type,
            a.escalation_level,
            a.channel,
            a.message_text,
            a.tone_used,
            a.ai_generated,
            a.ai_provider,
            a.sent_at,
            a.delivered,
            a.opened,
            a.response_received,
            a.created_at,
        ])?;
    Ok(n == 1)
}

pub fn insert_plan(tx: &Transaction<'_>, p: &PaymentPlan) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO collection_payment_plan ({PLAN_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
    ))?
    .execute(params![
        p.id.to_string(),
        p.case_id.to_string(),
        p.total_amount.to_string(),
        p.num_installments,
        p.installment_amount.to_string(),
        p.start_date,
        p.status,
        p.created_at,
        p.updated_at,
    ])?;
    for i in &p.installments {
        tx.prepare_cached(
            "INSERT INTO collection_plan_installment (id, plan_id, installment_number, amount, due_date, paid_date, status)
             VALUES (?1,?2,?3,?4,?5,?6,?7)",
        )?
        .execute(params![
            i.id.to_string(),
            i.plan_id.to_string(),
            i.installment_number,
            i.amount.to_string(),
            i.due_date,
            i.paid_date,
            i.status,
        ])?;
    }
    Ok(())
}

/// Updates a plan's status and each installment's status and paid date.
pub fn update_plan(tx: &Transaction<'_>, p: &PaymentPlan, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached("UPDATE collection_payment_plan SET status = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![p.id.to_string(), p.status, now])?;
    for i in &p.installments {
        tx.prepare_cached("UPDATE collection_plan_installment SET status = ?2, paid_date = ?3 WHERE id = ?1")?
            .execute(params![i.id.to_string(), i.status, i.paid_date])?;
    }
    Ok(())
}

/// Filters of `GET /api/v1/collections/`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct CaseFilter {
    pub status: Vec<CaseStatus>,
    pub property: Option<Uuid>,
    pub tenant: Option<Uuid>,
    pub escalation_level: Option<u8>,
    #[serde(rename = "days_overdue__gte")]
    pub days_overdue_gte: Option<i64>,
}

impl Store {
    pub fn collection_case(&self, id: Uuid) -> Result<CollectionCase> {
        let r = self.conn().query_row(
            &format!("SELECT {CASE_COLS} FROM collection_case WHERE id = ?1"),
            [id.to_string()],
            case_from_row,
        );
        found(optional(r)?, "Collection case", id)
    }

    /// Cases matching `filter`, most overdue first.
    pub fn collection_cases(&self, filter: &CaseFilter) -> Result<Vec<CollectionCase>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if !filter.status.is_empty() {
            clauses.push(format!("status IN ({})", vec!["?"; filter.status.len()].join(",")));
            args.extend(filter.status.iter().map(|s| Box::new(*s) as Box<dyn rusqlite::ToSql>));
        }
        if let Some(p) = filter.property {
            clauses.push("property_id = ?".into());
            args.push(Box::new(p.to_string()));
        }
        if let Some(t) = filter.tenant {
            clauses.push("tenant_id = ?".into());
            args.push(Box::new(t.to_string()));
        }
        if let Some(l) = filter.escalation_level {
            clauses.push("escalation_level = ?".into());
            args.push(Box::new(l));
        }
        if let Some(d) = filter.days_overdue_gte {
            clauses.push("days_overdue >= ?".into());
            args.push(Box::new(d));
        }
        let clause = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {CASE_COLS} FROM collection_case {clause} ORDER BY days_overdue DESC, created_at"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), case_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The open case for a lease, if any.
    pub fn open_case_for_lease(&self, lease_id: Uuid) -> Result<Option<CollectionCase>> {
        optional(self.conn().query_row(
            &format!(
                "SELECT {CASE_COLS} FROM collection_case WHERE lease_id = ?1 AND status IN ('open', 'payment_plan')
                 ORDER BY created_at DESC LIMIT 1"
            ),
            [lease_id.to_string()],
            case_from_row,
        ))
    }

    /// A case's actions, oldest first (the timeline).
    pub fn collection_actions(&self, case_id: Uuid) -> Result<Vec<CollectionAction>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ACTION_COLS} FROM collection_action WHERE case_id = ?1 ORDER BY created_at, rowid"
        ))?;
        let rows = stmt.query_map([case_id.to_string()], action_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn payment_plan(&self, case_id: Uuid) -> Result<Option<PaymentPlan>> {
        let plan = optional(self.conn().query_row(
            &format!("SELECT {PLAN_COLS} FROM collection_payment_plan WHERE case_id = ?1"),
            [case_id.to_string()],
            |r| {
                Ok(PaymentPlan {
                    id: get_uuid(r, 0)?,
                    case_id: get_uuid(r, 1)?,
                    total_amount: get_dec(r, 2)?,
                    num_installments: r.get(3)?,
                    installment_amount: get_dec(r, 4)?,
                    start_date: r.get(5)?,
                    status: r.get::<_, PlanStatus>(6)?,
                    created_at: r.get(7)?,
                    updated_at: r.get(8)?,
                    installments: Vec::new(),
                })
            },
        ))?;
        let Some(mut plan) = plan else { return Ok(None) };
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, plan_id, installment_number, amount, due_date, paid_date, status
             FROM collection_plan_installment WHERE plan_id = ?1 ORDER BY installment_number",
        )?;
        let rows = stmt.query_map([plan.id.to_string()], |r| {
            Ok(Installment {
                id: get_uuid(r, 0)?,
                plan_id: get_uuid(r, 1)?,
                installment_number: r.get(2)?,
                amount: get_dec(r, 3)?,
                due_date: r.get(4)?,
                paid_date: r.get(5)?,
                status: r.get::<_, InstallmentStatus>(6)?,
            })
        })?;
        plan.installments = rows.collect::<rusqlite::Result<_>>()?;
        Ok(Some(plan))
    }

    /// Payments recorded against cases from `since` (for the dashboard's collected figure).
    pub fn collected_since(&self, since: NaiveDate) -> Result<Decimal> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT amount FROM tenant_ledger_entry WHERE trans_type = 'Payment' AND category = 'collections_payment'
             AND trans_date >= ?1",
        )?;
        let rows = stmt.query_map([since], |r| get_dec(r, 0))?;
        rows.sum::<rusqlite::Result<Decimal>>().map_err(Into::into)
    }
}

impl CollectionsPort for Store {
    fn collection_leases(&self) -> Result<Vec<Lease>> {
        self.leases_in(&[])
    }

    fn lease_ledgers(&self) -> Result<HashMap<Uuid, Vec<LedgerEntry>>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM tenant_ledger_entry WHERE lease_id IS NOT NULL",
            super::entities::LEDGER_COLS
        ))?;
        let rows = self.read_sane("tenant_ledger_entry", &mut stmt, [], super::entities::ledger_from_row)?;
        let mut out: HashMap<Uuid, Vec<LedgerEntry>> = HashMap::new();
        for e in rows {
            if let Some(lease) = e.lease_id {
                out.entry(lease).or_default().push(e);
            }
        }
        Ok(out)
    }

    fn open_cases(&self) -> Result<Vec<CollectionCase>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {CASE_COLS} FROM collection_case WHERE status IN ('open', 'payment_plan') ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([], case_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn collection_case(&self, id: Uuid) -> Result<CollectionCase> {
        Store::collection_case(self, id)
    }

    fn payment_plan(&self, case_id: Uuid) -> Result<Option<PaymentPlan>> {
        Store::payment_plan(self, case_id)
    }

    fn collection_actions(&self, case_id: Uuid) -> Result<Vec<CollectionAction>> {
        Store::collection_actions(self, case_id)
    }

    fn write_collections(&mut self, writes: &[CollectionWrite], now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply_collection_writes(tx, writes, now))
    }
}

/// The ledger with each amount in whole cents (`cents`), whether the amount has more than two
/// decimals (`long`: its cents are not exact), `charge` and the `due` date the allocation sorts
/// by; the sums of `fifo_sums` and the screen of `fees_pending` read it.
const IN_CENTS: &str = "SELECT lease_id, trans_type, category, amount, trans_date, trans_type = 'Charge' AS charge,
        COALESCE(due_date, trans_date) AS due, CAST(ROUND(CAST(amount AS REAL) * 100) AS INTEGER) AS cents,
        amount GLOB '*.[0-9][0-9][0-9]*' OR amount GLOB '*[eE]*' AS long
    FROM tenant_ledger_entry";

/// Ids as a JSON array, for one statement over many (`IN (SELECT value FROM json_each(?))`).
fn ids_json(ids: &[Uuid]) -> String {
    format!("[{}]", ids.iter().map(|id| format!("\"{id}\"")).collect::<Vec<_>>().join(","))
}

impl crate::rent::RentPort for Store {
    fn post_ledger(&mut self, entries: &[LedgerEntry], _now: DateTime<Utc>) -> Result<std::collections::HashSet<Uuid>> {
        self.transaction(|tx| {
            let mut new = std::collections::HashSet::new();
            for e in entries {
                if super::insert_ledger_entry(tx, e)? {
                    new.insert(e.id);
                }
            }
            Ok(new)
        })
    }

    fn ledger_summaries(&self) -> Result<HashMap<Uuid, crate::rent::LedgerSummary>> {
        // Amounts are decimal text: summed as REAL, a difference of cents is never within 1e-6.
        let mut stmt = self.conn().prepare_cached(
            "SELECT lease_id,
                    MAX(CASE WHEN trans_type = 'Charge' AND category = 'rent' THEN COALESCE(due_date, trans_date) END),
                    TOTAL(CASE WHEN trans_type = 'Payment' THEN CAST(amount AS REAL) ELSE -CAST(amount AS REAL) END)
                        > -0.000001
                      AND COALESCE(MIN(CASE WHEN trans_type = 'Charge' THEN CAST(amount AS REAL) END), 1) > 0
             FROM tenant_ledger_entry WHERE lease_id IS NOT NULL GROUP BY lease_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                get_uuid(r, 0)?,
                crate::rent::LedgerSummary { last_rent_due: r.get(1).ok().flatten(), covered: r.get(2)? },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn fees_pending(&self, leases: &[Uuid], today: NaiveDate) -> Result<std::collections::HashSet<Uuid>> {
        // Amounts in whole cents; a charge is open when the charges up to it (its peers of the
        // same due and posting date included, so never fewer) come to more than the payments.
        let mut stmt = self.conn().prepare_cached(
            &format!(
                "WITH e AS ({IN_CENTS} WHERE lease_id IN (SELECT value FROM json_each(?1))),
             paid AS (
                 SELECT lease_id, TOTAL(CASE WHEN trans_type = 'Payment' AND cents > 0 THEN cents END) AS p,
                        MAX(trans_type = 'Charge' AND cents < 0) OR MAX(long) AS odd
                 FROM e GROUP BY lease_id),
             run AS (
                 SELECT lease_id, category, due,
                        SUM(cents) OVER (PARTITION BY lease_id ORDER BY due, trans_date
                                         RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
                 FROM e WHERE trans_type = 'Charge')
             SELECT lease_id FROM paid WHERE odd
             UNION
             SELECT r.lease_id FROM run r JOIN paid p ON p.lease_id = r.lease_id JOIN tenant_lease l ON l.id = r.lease_id
             WHERE r.category = 'rent' AND r.upto > p.p
               AND date(r.due, printf('+%d days', MAX(l.grace_period_days, 0) + 1)) <= ?2
               AND NOT EXISTS (SELECT 1 FROM tenant_ledger_entry f
                               WHERE f.lease_id = r.lease_id AND f.category = 'late_fee'
                                 AND f.trans_date = date(r.due, printf('+%d days', MAX(l.grace_period_days, 0) + 1)))"
            ),
        )?;
        let ids = ids_json(leases);
        let rows = stmt.query_map(rusqlite::params![ids, today], |r| get_uuid(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn fifo_sums(&self, today: NaiveDate) -> Result<HashMap<Uuid, crate::ledger::FifoSums>> {
        // Amounts are decimal text: summed as whole cents, exact for amounts of at most two
        // decimals; a ledger with a longer amount (or a charge below zero) is not exact and is
        // read entry by entry instead.
        let month = today.with_day(1).unwrap_or(today);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT lease_id,
                    TOTAL(CASE WHEN charge AND due < ?1 THEN cents END),
                    TOTAL(CASE WHEN charge AND due < ?2 THEN cents END),
                    TOTAL(CASE WHEN charge AND due >= ?2 AND due <= ?1 THEN cents END),
                    TOTAL(CASE WHEN NOT charge AND cents > 0 THEN cents END),
                    COALESCE(MIN(CASE WHEN charge THEN cents END), 0) >= 0 AND MAX(long) = 0
             FROM ({IN_CENTS} WHERE lease_id IS NOT NULL AND trans_type IN ('Charge', 'Payment'))
             GROUP BY lease_id"
        ))?;
        let cents = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Decimal> {
            Ok(Decimal::new(r.get::<_, f64>(i)? as i64, 2))
        };
        let rows = stmt.query_map(rusqlite::params![today, month], |r| {
            Ok((
                get_uuid(r, 0)?,
                crate::ledger::FifoSums {
                    before_today: cents(r, 1)?,
                    before_month: cents(r, 2)?,
                    this_month: cents(r, 3)?,
                    paid: cents(r, 4)?,
                    exact: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn ledgers_of(&self, leases: &[Uuid]) -> Result<HashMap<Uuid, Vec<LedgerEntry>>> {
        // One statement for the lot (the ids as a JSON array), each id a search of the lease index.
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM tenant_ledger_entry WHERE lease_id IN (SELECT value FROM json_each(?1))",
            super::entities::LEDGER_COLS
        ))?;
        let ids = ids_json(leases);
        let mut out: HashMap<Uuid, Vec<LedgerEntry>> = HashMap::new();
        for e in self.read_sane("tenant_ledger_entry", &mut stmt, [ids], super::entities::ledger_from_row)? {
            if let Some(lease) = e.lease_id {
                out.entry(lease).or_default().push(e);
            }
        }
        Ok(out)
    }
}

/// Applies collections writes inside `tx` (the replica's side of
/// `CollectionsPort::write_collections`).
pub(super) fn apply_collection_writes(
    tx: &rusqlite::Transaction<'_>,
    writes: &[CollectionWrite],
    now: DateTime<Utc>,
) -> Result<()> {
    {
        {
            for w in writes {
                match w {
                    CollectionWrite::Ledger(e) => {
                        super::insert_ledger_entry(tx, e)?;
                    }
                    CollectionWrite::OpenCase(c) => insert_case(tx, c)?,
                    CollectionWrite::UpdateCase { case, read_at } => {
                        if !write_case(tx, case, Some(*read_at))? {
                            return Err(StoreError::Conflict {
                                what: "collection case",
                                now: "someone else changed it".into(),
                            });
                        }
                    }
                    CollectionWrite::Action(a) => {
                        insert_action(tx, a)?;
                    }
                    CollectionWrite::InsertPlan(p) => insert_plan(tx, p)?,
                    CollectionWrite::UpdatePlan(p) => update_plan(tx, p, now)?,
                    CollectionWrite::Enqueue(msg) => {
                        crate::outbox::enqueue(tx, msg, now)?;
                    }
                }
            }
            Ok(())
        }
    }
}
