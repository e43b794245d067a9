//! A new lease on a vacant unit: the spec's `vacant → active` transition. The lease is written
//! as it stood before signing (vacant) and then moved to active by an ordinary `Transition`, so
//! the log row, the unit's status and the stale-write check are the ones every other transition
//! uses, on both stores.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::port::LifecyclePort;
use super::{LeaseChanges, Transition};
use crate::format::{check_amount, check_date, check_text};
use crate::model::{Lease, LeaseStatus, Unit};
use crate::port::Records;
use crate::store::{Result, StoreError};

/// The terms of a new lease, checked when made: every boundary (API, CLI, TUI form) builds one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseTerms {
    #[serde(with = "crate::format::wire::date")]
    pub lease_begin_date: NaiveDate,
    #[serde(with = "crate::format::wire::date")]
    pub lease_end_date: NaiveDate,
    #[serde(with = "crate::format::wire::money")]
    pub monthly_rent_amount: Decimal,
    #[serde(default, with = "crate::format::wire::money")]
    pub security_deposit: Decimal,
    #[serde(default = "first_of_month")]
    pub rent_due_day: u8,
    #[serde(default, with = "crate::format::wire::money")]
    pub late_fee_amount: Decimal,
    #[serde(default = "five_days")]
    pub grace_period_days: i32,
}

fn first_of_month() -> u8 {
    1
}

fn five_days() -> i32 {
    5
}

impl LeaseTerms {
    /// Checks the terms: a term that ends after it begins (at most 5 years), rent above zero,
    /// deposit and late fee not negative, every amount within a money column, due day 1–28,
    /// grace 0–31 days.
    pub fn check(self) -> std::result::Result<LeaseTerms, String> {
        let t = self;
        check_date("lease_begin_date", t.lease_begin_date)?;
        check_date("lease_end_date", t.lease_end_date)?;
        if t.lease_end_date <= t.lease_begin_date {
            return Err(format!(
                "lease_end_date ({}) must be after lease_begin_date ({}).",
                t.lease_end_date, t.lease_begin_date
            ));
        }
        if (t.lease_end_date - t.lease_begin_date).num_days() > 5 * 366 {
            return Err("A lease term is at most 5 years.".into());
        }
        for (what, amount) in [
            ("monthly_rent_amount", t.monthly_rent_amount),
            ("security_deposit", t.security_deposit),
            ("late_fee_amount", t.late_fee_amount),
        ] {
            check_amount(what, amount)?;
        }
        if t.monthly_rent_amount <= Decimal::ZERO {
            return Err("monthly_rent_amount must be greater than zero.".into());
        }
        if !(1..=28).contains(&t.rent_due_day) {
            return Err(format!("rent_due_day must be from 1 to 28 (got {}).", t.rent_due_day));
        }
        if !(0..=31).contains(&t.grace_period_days) {
            return Err(format!("grace_period_days must be from 0 to 31 (got {}).", t.grace_period_days));
        }
        Ok(t)
    }
}

/// What a new lease writes: the lease as it stood before signing, then its `vacant → active`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLease {
    pub lease: Lease,
    pub transition: Transition,
}

/// Plans a new lease of `unit` to `tenant_id`: refused while another lease holds the unit
/// (active, month-to-month or notice) for any day of the new term.
pub fn plan_new_lease(
    unit: &Unit,
    unit_leases: &[Lease],
    tenant_id: Uuid,
    lease_number: String,
    terms: LeaseTerms,
    actor: &str,
    now: DateTime<Utc>,
) -> std::result::Result<NewLease, String> {
    let terms = terms.check()?;
    let holding = unit_leases.iter().find(|l| {
        let ends = l.actual_move_out_date.or(l.notice_move_out_date).or(match l.lease_status {
            LeaseStatus::MonthToMonth => None,
            _ => l.lease_end_date,
        });
        l.lease_status != LeaseStatus::Vacant && ends.is_none_or(|end| end >= terms.lease_begin_date)
    });
    if let Some(l) = holding {
        return Err(format!(
            "Unit {} is not free from {}: lease {} is {}.",
            unit.unit_number,
            terms.lease_begin_date,
            l.lease_number,
            l.lease_status.label()
        ));
    }
    let id = Uuid::new_v4();
    let lease = Lease {
        id,
        lease_number: lease_number.clone(),
        tenant_id,
        unit_id: unit.id,
        property_id: unit.property_id,
        lease_begin_date: terms.lease_begin_date,
        lease_end_date: Some(terms.lease_end_date),
        monthly_rent_amount: terms.monthly_rent_amount,
        security_deposit: terms.security_deposit,
        rent_due_day: terms.rent_due_day,
        late_fee_amount: terms.late_fee_amount,
        grace_period_days: terms.grace_period_days,
        status: "current".into(),
        lease_status: LeaseStatus::Vacant,
        lease_status_changed_at: None,
        lease_status_changed_by: String::new(),
        holdover_start_date: None,
        notice_date: None,
        notice_move_out_date: None,
        actual_move_out_date: None,
        created_at: now,
        updated_at: now,
    };
    let transition = Transition {
        lease_id: id,
        unit_id: unit.id,
        from: LeaseStatus::Vacant,
        to: LeaseStatus::Active,
        changes: LeaseChanges::default(),
        reason: format!("New lease {lease_number} signed for unit {}", unit.unit_number),
        changed_by: actor.to_string(),
        vacates_unit: false,
        occupies_unit: true,
        metadata: serde_json::json!({
            "lease_number": lease_number,
            "monthly_rent_amount": terms.monthly_rent_amount.to_string(),
            "lease_begin_date": terms.lease_begin_date,
            "lease_end_date": terms.lease_end_date,
        }),
    };
    Ok(NewLease { lease, transition })
}

/// The next lease number after `last` (`L-000041` → `L-000042`).
pub fn next_lease_number(last: Option<&str>) -> String {
    let n = last.and_then(|l| l.trim_start_matches("L-").parse::<u64>().ok()).unwrap_or(0);
    format!("L-{:06}", n + 1)
}

/// Signs a new lease of `unit_id` to `tenant_id` (both must exist within the port's scope):
/// the lease is written with its `vacant → active` transition in one transaction.
pub fn new_lease<P: LifecyclePort + Records>(
    port: &mut P,
    unit_id: Uuid,
    tenant_id: Uuid,
    terms: LeaseTerms,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Lease> {
    let unit = port.unit(unit_id)?;
    if unit.archived_at.is_some() {
        return Err(StoreError::Rejected(format!("Unit {} is archived.", unit.unit_number)));
    }
    let tenant = port.tenant(tenant_id)?;
    if tenant.archived_at.is_some() {
        return Err(StoreError::Rejected(format!("Tenant {} is archived.", tenant.full_name())));
    }
    let leases = port.unit_leases(unit_id)?;
    let number = next_lease_number(port.last_lease_number()?.as_deref());
    let planned = plan_new_lease(&unit, &leases, tenant_id, number, terms, actor, now).map_err(StoreError::Rejected)?;
    port.write_new_lease(&planned, now)?;
    port.lease(planned.lease.id)
}

/// A new tenant as a person or a file gives it, checked when made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, specta::Type)]
pub struct TenantInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
}

impl TenantInput {
    /// The tenant record: names present (at most 100 characters), an email address that looks
    /// like one (at most 254), a phone of digits, spaces and `+-().` (at most 20).
    pub fn into_tenant(self, now: DateTime<Utc>) -> std::result::Result<crate::model::Tenant, String> {
        let first = check_text("first_name", &self.first_name, 100, true)?;
        let last = check_text("last_name", &self.last_name, 100, true)?;
        let (email, phone) = (self.email.trim(), self.phone.trim());
        let looks_like_email = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        });
        if !looks_like_email || email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(format!("email '{email}' is not an email address."));
        }
        if phone.len() > 20 || !phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
            return Err(format!("phone '{phone}' is not a phone number (digits, spaces and +-().)."));
        }
        if let Some(d) = self.date_of_birth {
            check_date("date_of_birth", d)?;
        }
        if self.date_of_birth.is_some_and(|d| d > crate::time::latest_date(now)) {
            return Err("date_of_birth cannot be in the future.".into());
        }
        Ok(crate::model::Tenant {
            archived_at: None,
            forwarding_address: String::new(),
            id: Uuid::new_v4(),
            first_name: first,
            last_name: last,
            email: email.to_lowercase(),
            phone: phone.to_string(),
            date_of_birth: self.date_of_birth,
            created_at: now,
        })
    }
}

/// Adds a tenant (someone a lease can then be signed to); an email already on record is refused.
/// The records action `add_tenant` ([`crate::records::RecordAction::AddTenant`]).
pub fn add_tenant<P: crate::records::port::RecordsPort>(
    port: &mut P,
    input: TenantInput,
    now: DateTime<Utc>,
) -> Result<crate::model::Tenant> {
    let id = Uuid::new_v4();
    let action = crate::records::RecordAction::AddTenant(input);
    crate::records::workflow::apply_record_action(port, id, &action, now)?;
    port.tenant(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LeaseStatus;
    use crate::store::Store;
    use rust_decimal_macros::dec;

    fn terms(begin: &str, end: &str, rent: Decimal) -> LeaseTerms {
        LeaseTerms {
            lease_begin_date: begin.parse().unwrap(),
            lease_end_date: end.parse().unwrap(),
            monthly_rent_amount: rent,
            security_deposit: dec!(1850),
            rent_due_day: 1,
            late_fee_amount: dec!(75),
            grace_period_days: 5,
        }
    }

    #[test]
    fn terms_are_checked_where_they_are_made() {
        let ok = terms("2026-12-01", "2027-11-30", dec!(1850));
        assert!(ok.clone().check().is_ok());
        for (bad, why) in [
            (terms("2026-12-01", "2026-12-01", dec!(1850)), "must be after lease_begin_date"),
            (terms("2026-12-01", "2027-11-30", dec!(0)), "greater than zero"),
            (terms("2026-12-01", "2027-11-30", dec!(100000000)), "more than UnitCycle stores"),
            (terms("2026-12-01", "2027-11-30", dec!(1850.001)), "more than two decimals"),
            (LeaseTerms { rent_due_day: 31, ..ok.clone() }, "rent_due_day must be from 1 to 28"),
            (LeaseTerms { security_deposit: dec!(-1), ..ok.clone() }, "cannot be negative"),
            (terms("2026-12-01", "2036-12-01", dec!(1850)), "at most 5 years"),
        ] {
            let e = bad.check().unwrap_err();
            assert!(e.contains(why), "{e}");
        }
        assert_eq!(next_lease_number(Some("L-000041")), "L-000042");
        let now = "2026-12-03T12:00:00Z".parse().unwrap();
        let ann = |email: &str, phone: &str| TenantInput {
            first_name: " Ann ".into(),
            last_name: "Lee".into(),
            email: email.into(),
            phone: phone.into(),
            date_of_birth: None,
        };
        let t = ann("Ann.Lee@Example.com", "+1 (555) 010-2000").into_tenant(now).unwrap();
        assert_eq!((t.first_name.as_str(), t.email.as_str()), ("Ann", "ann.lee@example.com"));
        for (bad, why) in [(ann("ann", ""), "not an email"), (ann("a@b.c", "call me"), "not a phone")] {
            assert!(bad.into_tenant(now).unwrap_err().contains(why));
        }
        assert_eq!(next_lease_number(None), "L-000001");
    }

    #[test]
    fn a_new_lease_on_a_vacant_unit_is_the_vacant_to_active_transition() {
        let mut store = Store::in_memory().unwrap();
        let today: NaiveDate = "2026-12-03".parse().unwrap();
        crate::demo::generate(
            &mut store,
            &crate::demo::DemoConfig { units: 60, ..crate::demo::DemoConfig::new(today) },
        )
        .unwrap();
        let now = today.and_hms_opt(15, 0, 0).unwrap().and_utc();
        let vacant = store.leases_in(&[LeaseStatus::Vacant]).unwrap();
        // A unit whose latest lease is vacant, and a tenant from elsewhere.
        let free = vacant
            .iter()
            .find(|l| store.leases_of_unit(l.unit_id).unwrap().iter().all(|x| x.lease_status == LeaseStatus::Vacant))
            .expect("the demo has a vacant unit");
        let occupied = store.leases_in(&[LeaseStatus::Active]).unwrap().remove(0);
        let lease = new_lease(
            &mut store,
            free.unit_id,
            occupied.tenant_id,
            terms("2026-12-15", "2027-12-14", dec!(1725)),
            "user:test",
            now,
        )
        .unwrap();
        assert_eq!(lease.lease_status, LeaseStatus::Active);
        assert_eq!(lease.lease_status_changed_by, "user:test");
        let unit = crate::port::Records::unit(&store, free.unit_id).unwrap();
        assert_eq!((unit.status.as_str(), unit.current_rent), ("occupied", dec!(1725)));
        let log = store.status_log(lease.id).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].previous_status, log[0].new_status), (LeaseStatus::Vacant, LeaseStatus::Active));
        // The unit is now held: a second lease over the same days is refused with the reason.
        let again = new_lease(
            &mut store,
            free.unit_id,
            occupied.tenant_id,
            terms("2027-01-01", "2027-12-31", dec!(1725)),
            "user:test",
            now,
        )
        .unwrap_err();
        assert!(again.to_string().contains(&format!("lease {} is Active", lease.lease_number)), "{again}");
    }
}
