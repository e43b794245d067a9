//! Lease lifecycle engine (spec 1.1): the state machine, the daily classification, the
//! lifecycle stats and the context-aware lease progress.
//!
//! Pure functions only: every function takes `today` (or `now`) and plain data, and returns a
//! plan (`Transition`) that the store applies in one transaction. The server and the replica
//! both call these, so a transition is validated the same way everywhere.
//!
//! Transition table (spec 1.1):
//!
//! | from           | to             | trigger                                   |
//! |----------------|----------------|-------------------------------------------|
//! | active         | month_to_month | lease_end_date < today (daily job) or manual convert-mtm |
//! | active         | notice         | manual: tenant gives notice               |
//! | month_to_month | notice         | manual: tenant gives notice               |
//! | month_to_month | active         | renewal signed (feature 1.2)              |
//! | notice         | vacant         | notice_move_out_date < today (daily job) or manual mark-vacant |
//! | vacant         | active         | new lease created                         |

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Lease, LeaseStatus};

pub mod classify;
pub mod new_lease;
pub mod port;

/// Who made the daily job's changes (spec: `changed_by='system:daily_classify'`).
pub const DAILY_CLASSIFY_ACTOR: &str = "system:daily_classify";
/// Who made the one-time reclassification's changes.
pub const INITIAL_RECLASSIFY_ACTOR: &str = "system:initial_reclassification";
/// Longest reason the log keeps (`lease_status_log.reason` is 200 characters).
pub const MAX_REASON_CHARS: usize = 200;

/// Whether the state machine allows `from → to` at all.
pub fn is_allowed(from: LeaseStatus, to: LeaseStatus) -> bool {
    use LeaseStatus::*;
    matches!(
        (from, to),
        (Active, MonthToMonth)
            | (Active, Notice)
            | (MonthToMonth, Notice)
            | (MonthToMonth, Active)
            | (Notice, Vacant)
            | (Vacant, Active)
    )
}

/// A manual lifecycle action requested by a person (or by another feature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum LifecycleAction {
    /// `POST /convert-mtm/`.
    ConvertMtm,
    /// `POST /give-notice/`.
    GiveNotice {
        #[serde(with = "crate::format::wire::date")]
        notice_date: NaiveDate,
        #[serde(with = "crate::format::wire::date")]
        notice_move_out_date: NaiveDate,
        #[serde(default)]
        reason: String,
    },
    /// `POST /mark-vacant/`: the tenant has moved out. Without a date, the notice's
    /// move-out date is used when it has passed, otherwise today.
    MarkVacant {
        #[serde(default, with = "crate::format::wire::opt_date")]
        actual_move_out_date: Option<NaiveDate>,
    },
    /// Month-to-month back to active when a renewal is signed (feature 1.2).
    Renew {
        #[serde(with = "crate::format::wire::date")]
        lease_begin_date: NaiveDate,
        #[serde(with = "crate::format::wire::date")]
        lease_end_date: NaiveDate,
    },
}

/// Why a lifecycle change was refused. The messages are the spec's `{"detail": ...}` texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("Lease is already month-to-month.")]
    AlreadyMonthToMonth,
    #[error("Cannot convert a lease with notice given to month-to-month.")]
    ConvertFromNotice,
    #[error("Cannot convert a vacant lease to month-to-month.")]
    ConvertFromVacant,
    #[error("Notice has already been given for this lease.")]
    NoticeAlreadyGiven,
    #[error("Cannot give notice on a vacant lease.")]
    NoticeOnVacant,
    #[error("Lease is already vacant.")]
    AlreadyVacant,
    #[error("Only a lease with notice given can be marked vacant; record the tenant's notice first.")]
    VacantWithoutNotice,
    #[error("Only a month-to-month lease can be renewed back to active.")]
    RenewNotMonthToMonth,
    #[error("Move-out date ({move_out}) must be on or after the notice date ({notice}).")]
    MoveOutBeforeNotice { notice: NaiveDate, move_out: NaiveDate },
    #[error("Notice date ({notice}) cannot be in the future (today is {today}).")]
    NoticeInFuture { notice: NaiveDate, today: NaiveDate },
    #[error("Notice date ({notice}) is before the lease began ({begin}).")]
    NoticeBeforeLease { notice: NaiveDate, begin: NaiveDate },
    #[error("Actual move-out date ({date}) cannot be in the future (today is {today}).")]
    MoveOutInFuture { date: NaiveDate, today: NaiveDate },
    #[error("Actual move-out date ({date}) is before notice was given ({notice}).")]
    MoveOutBeforeNoticeDate { date: NaiveDate, notice: NaiveDate },
    #[error("Reason is too long ({len} characters; at most 200).")]
    ReasonTooLong { len: usize },
    #[error("The renewal term ends ({end}) on or before it begins ({begin}).")]
    RenewalTermEmpty { begin: NaiveDate, end: NaiveDate },
    /// A date outside the calendar UnitCycle keeps (`format::check_date`).
    #[error("{0}")]
    DateOutOfRange(String),
}

/// Checks each of `dates` (field name, date) against the calendar UnitCycle keeps.
fn check_dates(dates: &[(&str, NaiveDate)]) -> Result<(), LifecycleError> {
    for (what, d) in dates {
        crate::format::check_date(what, *d).map_err(LifecycleError::DateOutOfRange)?;
    }
    Ok(())
}

/// The lifecycle fields a transition sets. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseChanges {
    pub holdover_start_date: Option<NaiveDate>,
    pub notice_date: Option<NaiveDate>,
    pub notice_move_out_date: Option<NaiveDate>,
    pub actual_move_out_date: Option<NaiveDate>,
    pub lease_begin_date: Option<NaiveDate>,
    pub lease_end_date: Option<NaiveDate>,
    /// Renewal clears the holdover (the lease is no longer month-to-month).
    pub clear_holdover: bool,
}

/// A validated change of one lease's lifecycle state: what to write and what to log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Transition {
    pub lease_id: Uuid,
    pub unit_id: Uuid,
    pub from: LeaseStatus,
    pub to: LeaseStatus,
    pub changes: LeaseChanges,
    pub reason: String,
    pub changed_by: String,
    /// The unit becomes vacant (`units_unit.status = 'vacant'`).
    pub vacates_unit: bool,
    /// The unit becomes occupied again (renewal / new lease).
    pub occupies_unit: bool,
    pub metadata: serde_json::Value,
}

impl Transition {
    /// Exactly what the transition will do, in words: the confirm step of the terminal app and
    /// the desktop's lease page both show it before anything is written.
    pub fn describe(&self, row: &crate::store::LeaseListRow) -> String {
        let who = format!(
            "lease {} ({}, unit {} at {})",
            row.lease.lease_number, row.tenant_name, row.unit_number, row.property_name
        );
        let c = &self.changes;
        let (verb, detail) = match self.to {
            LeaseStatus::MonthToMonth => (
                "Convert",
                format!(
                    "Holdover starts {}; rent stays {} a month.",
                    crate::format::opt_date(c.holdover_start_date),
                    crate::format::money(row.lease.monthly_rent_amount)
                ),
            ),
            LeaseStatus::Notice => (
                "Give notice on",
                format!(
                    "Notice date {}, planned move-out {}, reason \"{}\". The unit stays occupied until it is marked vacant.",
                    crate::format::opt_date(c.notice_date),
                    crate::format::opt_date(c.notice_move_out_date),
                    self.reason
                ),
            ),
            LeaseStatus::Vacant => (
                "Mark vacant",
                format!(
                    "Actual move-out {}; unit {} becomes vacant.",
                    crate::format::opt_date(c.actual_move_out_date),
                    row.unit_number
                ),
            ),
            LeaseStatus::Active => (
                "Renew",
                format!(
                    "New term {} to {}; the holdover ends and the lease becomes active again.",
                    crate::format::opt_date(c.lease_begin_date),
                    crate::format::opt_date(c.lease_end_date)
                ),
            ),
        };
        format!(
            "{verb} {who}: {} → {}. {detail} A line is added to the status history.",
            self.from.label(),
            self.to.label()
        )
    }

    fn new(lease: &Lease, to: LeaseStatus, reason: impl Into<String>, actor: &str) -> Self {
        debug_assert!(is_allowed(lease.lease_status, to));
        Transition {
            lease_id: lease.id,
            unit_id: lease.unit_id,
            from: lease.lease_status,
            to,
            changes: LeaseChanges::default(),
            reason: reason.into(),
            changed_by: actor.to_string(),
            vacates_unit: to == LeaseStatus::Vacant,
            occupies_unit: to == LeaseStatus::Active && lease.lease_status == LeaseStatus::Vacant,
            metadata: serde_json::json!({}),
        }
    }

    /// Applies the plan to an in-memory lease (the store does the same in SQL).
    pub fn apply_to(&self, lease: &mut Lease, now: DateTime<Utc>) {
        let c = &self.changes;
        lease.lease_status = self.to;
        lease.lease_status_changed_at = Some(now);
        lease.lease_status_changed_by = truncate(&self.changed_by, 50);
        if c.clear_holdover {
            lease.holdover_start_date = None;
        }
        if let Some(d) = c.holdover_start_date {
            lease.holdover_start_date = Some(d);
        }
        if let Some(d) = c.notice_date {
            lease.notice_date = Some(d);
        }
        if let Some(d) = c.notice_move_out_date {
            lease.notice_move_out_date = Some(d);
        }
        if let Some(d) = c.actual_move_out_date {
            lease.actual_move_out_date = Some(d);
        }
        if let Some(d) = c.lease_begin_date {
            lease.lease_begin_date = d;
        }
        if let Some(d) = c.lease_end_date {
            lease.lease_end_date = Some(d);
        }
        lease.updated_at = now;
    }
}

/// `lease_status_changed_by` holds 50 characters; longer actor names are cut, not refused.
pub fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Validates a manual action against the lease's current state and returns the plan.
pub fn plan_action(
    lease: &Lease,
    action: &LifecycleAction,
    actor: &str,
    today: NaiveDate,
) -> Result<Transition, LifecycleError> {
    use LeaseStatus::*;
    match action {
        LifecycleAction::ConvertMtm => {
            match lease.lease_status {
                Active => {}
                MonthToMonth => return Err(LifecycleError::AlreadyMonthToMonth),
                Notice => return Err(LifecycleError::ConvertFromNotice),
                Vacant => return Err(LifecycleError::ConvertFromVacant),
            }
            let mut t = Transition::new(lease, MonthToMonth, "Converted to month-to-month", actor);
            // A lease converted after its end date holds over from the day after it ended;
            // one converted early holds over from today.
            let holdover = match lease.lease_end_date {
                Some(end) if end < today => end + Duration::days(1),
                _ => today,
            };
            t.changes.holdover_start_date = Some(holdover);
            Ok(t)
        }
        LifecycleAction::GiveNotice { notice_date, notice_move_out_date, reason } => {
            match lease.lease_status {
                Active | MonthToMonth => {}
                Notice => return Err(LifecycleError::NoticeAlreadyGiven),
                Vacant => return Err(LifecycleError::NoticeOnVacant),
            }
            check_dates(&[("Notice date", *notice_date), ("Move-out date", *notice_move_out_date)])?;
            let reason = reason.trim();
            let len = reason.chars().count();
            if len > MAX_REASON_CHARS {
                return Err(LifecycleError::ReasonTooLong { len });
            }
            if *notice_date > today {
                return Err(LifecycleError::NoticeInFuture { notice: *notice_date, today });
            }
            if *notice_date < lease.lease_begin_date {
                return Err(LifecycleError::NoticeBeforeLease { notice: *notice_date, begin: lease.lease_begin_date });
            }
            if notice_move_out_date < notice_date {
                return Err(LifecycleError::MoveOutBeforeNotice {
                    notice: *notice_date,
                    move_out: *notice_move_out_date,
                });
            }
            let text = if reason.is_empty() { "Tenant gave notice".to_string() } else { reason.to_string() };
            let mut t = Transition::new(lease, Notice, text, actor);
            t.changes.notice_date = Some(*notice_date);
            t.changes.notice_move_out_date = Some(*notice_move_out_date);
            t.metadata = serde_json::json!({
                "notice_date": notice_date,
                "notice_move_out_date": notice_move_out_date,
            });
            Ok(t)
        }
        LifecycleAction::MarkVacant { actual_move_out_date } => {
            match lease.lease_status {
                Notice => {}
                Vacant => return Err(LifecycleError::AlreadyVacant),
                Active | MonthToMonth => return Err(LifecycleError::VacantWithoutNotice),
            }
            let date = match actual_move_out_date {
                Some(d) => *d,
                None => match lease.notice_move_out_date {
                    Some(planned) if planned <= today => planned,
                    _ => today,
                },
            };
            check_dates(&[("Actual move-out date", date)])?;
            if date > today {
                return Err(LifecycleError::MoveOutInFuture { date, today });
            }
            if let Some(notice) = lease.notice_date {
                if date < notice {
                    return Err(LifecycleError::MoveOutBeforeNoticeDate { date, notice });
                }
            }
            let mut t = Transition::new(lease, Vacant, "Tenant moved out", actor);
            t.changes.actual_move_out_date = Some(date);
            Ok(t)
        }
        LifecycleAction::Renew { lease_begin_date, lease_end_date } => {
            if lease.lease_status != MonthToMonth {
                return Err(LifecycleError::RenewNotMonthToMonth);
            }
            check_dates(&[("Lease start date", *lease_begin_date), ("Lease end date", *lease_end_date)])?;
            if lease_end_date <= lease_begin_date {
                return Err(LifecycleError::RenewalTermEmpty { begin: *lease_begin_date, end: *lease_end_date });
            }
            let mut t = Transition::new(lease, Active, "Renewal lease signed", actor);
            t.changes.lease_begin_date = Some(*lease_begin_date);
            t.changes.lease_end_date = Some(*lease_end_date);
            t.changes.clear_holdover = true;
            t.occupies_unit = true;
            Ok(t)
        }
    }
}

/// The daily job's decision for one lease (spec `classify_lease_statuses`):
/// active with `lease_end_date < today` → month_to_month (holdover from end + 1 day);
/// notice with `notice_move_out_date < today` and no actual move-out → vacant.
pub fn classify(lease: &Lease, today: NaiveDate) -> Option<Transition> {
    match lease.lease_status {
        LeaseStatus::Active => {
            let end = lease.lease_end_date?;
            if end >= today {
                return None;
            }
            let mut t = Transition::new(
                lease,
                LeaseStatus::MonthToMonth,
                "Lease end date passed without renewal",
                DAILY_CLASSIFY_ACTOR,
            );
            t.changes.holdover_start_date = Some(end + Duration::days(1));
            Some(t)
        }
        LeaseStatus::Notice => {
            let move_out = lease.notice_move_out_date?;
            if move_out >= today || lease.actual_move_out_date.is_some() {
                return None;
            }
            let mut t = Transition::new(lease, LeaseStatus::Vacant, "Move-out date passed", DAILY_CLASSIFY_ACTOR);
            t.changes.actual_move_out_date = Some(move_out);
            Some(t)
        }
        LeaseStatus::MonthToMonth | LeaseStatus::Vacant => None,
    }
}

/// The one-time reclassification (spec `initial_lease_reclassification`): expired leases
/// still marked active become month-to-month. Notice leases are left to the daily job.
pub fn initial_reclassify(lease: &Lease, today: NaiveDate) -> Option<Transition> {
    if lease.lease_status != LeaseStatus::Active {
        return None;
    }
    let mut t = classify(lease, today)?;
    t.reason = "Initial reclassification: lease expired while still marked active".into();
    t.changed_by = INITIAL_RECLASSIFY_ACTOR.into();
    Some(t)
}

/// The job's one-line summary, in the spec's words.
pub fn classify_summary(transitions: &[Transition]) -> String {
    let mtm = transitions.iter().filter(|t| t.to == LeaseStatus::MonthToMonth).count();
    let vacant = transitions.iter().filter(|t| t.to == LeaseStatus::Vacant).count();
    format!("Transitioned {mtm} to MTM, {vacant} to vacant.")
}

/// `GET /api/v1/tenants/leases/lifecycle-stats/` (spec JSON, field for field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LifecycleStats {
    pub total_leases: u64,
    pub active: u64,
    pub month_to_month: u64,
    pub notice: u64,
    pub vacant: u64,
    pub expiring_30_days: u64,
    pub expiring_60_days: u64,
    pub expiring_90_days: u64,
}

impl LifecycleStats {
    pub fn count(&self, status: LeaseStatus) -> u64 {
        match status {
            LeaseStatus::Active => self.active,
            LeaseStatus::MonthToMonth => self.month_to_month,
            LeaseStatus::Notice => self.notice,
            LeaseStatus::Vacant => self.vacant,
        }
    }

    /// Adds one lease. Expiring windows count active leases ending today..=today+N days;
    /// the windows are cumulative (60 includes 30), as the spec's example figures show.
    pub fn add(&mut self, status: LeaseStatus, lease_end_date: Option<NaiveDate>, today: NaiveDate) {
        self.total_leases += 1;
        match status {
            LeaseStatus::Active => self.active += 1,
            LeaseStatus::MonthToMonth => self.month_to_month += 1,
            LeaseStatus::Notice => self.notice += 1,
            LeaseStatus::Vacant => self.vacant += 1,
        }
        if status == LeaseStatus::Active {
            if let Some(end) = lease_end_date {
                let days = (end - today).num_days();
                if (0..=30).contains(&days) {
                    self.expiring_30_days += 1;
                }
                if (0..=60).contains(&days) {
                    self.expiring_60_days += 1;
                }
                if (0..=90).contains(&days) {
                    self.expiring_90_days += 1;
                }
            }
        }
    }
}

/// Lifecycle stats over a set of leases.
pub fn stats<'a>(leases: impl IntoIterator<Item = &'a Lease>, today: NaiveDate) -> LifecycleStats {
    let mut s = LifecycleStats::default();
    for lease in leases {
        s.add(lease.lease_status, lease.lease_end_date, today);
    }
    s
}

/// Colour of the context-aware progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProgressTone {
    /// More than 90 days left.
    Teal,
    /// 30–90 days left.
    Amber,
    /// Under 30 days left, or expired.
    Orange,
    /// Month-to-month holdover.
    MonthToMonth,
    /// Notice countdown.
    Red,
    /// Vacant: nothing to show as a bar.
    Gray,
}

impl ProgressTone {
    /// The spec's hex colour for the tone.
    pub fn hex(self) -> &'static str {
        match self {
            ProgressTone::Teal => "#0D9488",
            ProgressTone::Amber | ProgressTone::MonthToMonth => "#D97706",
            ProgressTone::Orange => "#EA580C",
            ProgressTone::Red => "#DC2626",
            ProgressTone::Gray => "#94A3B8",
        }
    }
}

/// The context-aware lease progress of spec 1.1 (`getLeaseProgress` / `getLeaseTimeRemaining`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeaseProgress {
    /// Filled share of the bar, 0–100; `None` when the state has no bar (vacant, MTM).
    pub percent: Option<u8>,
    pub tone: ProgressTone,
    /// Short text beside the bar: "142 days left", "Expired", "45 days holdover", …
    pub label: String,
    /// The state-adapted date line: "Jan 1, 2026 – Dec 31, 2026", "Moving out Apr 15, 2026", …
    pub dates: String,
}

/// Tone for an active lease by days left: teal (>90), amber (30–90), orange (<30).
pub fn active_tone(days_left: i64) -> ProgressTone {
    if days_left > 90 {
        ProgressTone::Teal
    } else if days_left >= 30 {
        ProgressTone::Amber
    } else {
        ProgressTone::Orange
    }
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%b %-d, %Y").to_string()
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn percent_between(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> u8 {
    let total = (end - start).num_days();
    if total <= 0 {
        return 100;
    }
    let elapsed = (today - start).num_days().clamp(0, total);
    // Integer rounding keeps the figure stable across platforms.
    ((elapsed * 100 + total / 2) / total) as u8
}

/// Context-aware progress for a lease on `today`.
pub fn progress(lease: &Lease, today: NaiveDate) -> LeaseProgress {
    match lease.lease_status {
        LeaseStatus::Active => match lease.lease_end_date {
            Some(end) => {
                let days_left = (end - today).num_days();
                let dates = format!("{} – {}", fmt_date(lease.lease_begin_date), fmt_date(end));
                if days_left < 0 {
                    LeaseProgress { percent: Some(100), tone: ProgressTone::Orange, label: "Expired".into(), dates }
                } else {
                    LeaseProgress {
                        percent: Some(percent_between(lease.lease_begin_date, end, today)),
                        tone: active_tone(days_left),
                        label: format!("{} left", plural(days_left, "day")),
                        dates,
                    }
                }
            }
            None => LeaseProgress {
                percent: None,
                tone: ProgressTone::Teal,
                label: "No end date".into(),
                dates: format!("Since {}", fmt_date(lease.lease_begin_date)),
            },
        },
        LeaseStatus::MonthToMonth => {
            let since = lease.holdover_start_date.or(lease.lease_end_date.map(|d| d + Duration::days(1)));
            let (label, dates) = match since {
                Some(s) => (
                    format!("{} holdover", plural((today - s).num_days().max(0), "day")),
                    format!("Month-to-month since {}", fmt_date(s)),
                ),
                None => ("Month-to-month".into(), "Month-to-month".into()),
            };
            LeaseProgress { percent: None, tone: ProgressTone::MonthToMonth, label, dates }
        }
        LeaseStatus::Notice => match lease.notice_move_out_date {
            Some(move_out) => {
                let days = (move_out - today).num_days();
                let start = lease.notice_date.unwrap_or(today);
                let label = if days < 0 {
                    format!("Move-out {} overdue", plural(-days, "day"))
                } else if days == 0 {
                    "Moving out today".into()
                } else {
                    format!("{} to move-out", plural(days, "day"))
                };
                LeaseProgress {
                    percent: Some(percent_between(start, move_out, today)),
                    tone: ProgressTone::Red,
                    label,
                    dates: format!(
                        "Notice {} · moving out {}",
                        lease.notice_date.map(fmt_date).unwrap_or_else(|| "—".into()),
                        fmt_date(move_out)
                    ),
                }
            }
            None => LeaseProgress {
                percent: None,
                tone: ProgressTone::Red,
                label: "Notice given".into(),
                dates: "Move-out date not recorded".into(),
            },
        },
        LeaseStatus::Vacant => {
            let since = lease.actual_move_out_date.or(lease.notice_move_out_date).or(lease.lease_end_date);
            let (label, dates) = match since {
                Some(s) => (
                    format!("Vacant {}", plural((today - s).num_days().max(0), "day")),
                    format!("Moved out {}", fmt_date(s)),
                ),
                None => ("Vacant".into(), "No move-out recorded".into()),
            };
            LeaseProgress { percent: None, tone: ProgressTone::Gray, label, dates }
        }
    }
}

/// Days to the lease's next event (ARCHITECTURE.md): active → days to lease end;
/// notice → days to move-out; vacant → days vacant; month-to-month → none.
pub fn days_to_event(lease: &Lease, today: NaiveDate) -> Option<i64> {
    days_to_event_from(
        lease.lease_status,
        lease.lease_end_date,
        lease.notice_move_out_date,
        lease.actual_move_out_date,
        today,
    )
}

/// `days_to_event` from the lease's date columns alone (for list queries that skip the full row).
pub fn days_to_event_from(
    status: LeaseStatus,
    lease_end_date: Option<NaiveDate>,
    notice_move_out_date: Option<NaiveDate>,
    actual_move_out_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<i64> {
    match status {
        LeaseStatus::Active => lease_end_date.map(|e| (e - today).num_days()),
        LeaseStatus::Notice => notice_move_out_date.map(|d| (d - today).num_days()),
        LeaseStatus::Vacant => actual_move_out_date.or(notice_move_out_date).map(|d| (today - d).num_days()),
        LeaseStatus::MonthToMonth => None,
    }
}

/// Serializer fields of `LeaseLifecycleSerializer` that depend on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LeaseDayCounts {
    pub days_until_expiry: Option<i64>,
    pub days_in_current_status: Option<i64>,
    pub holdover_days: Option<i64>,
    pub days_until_move_out: Option<i64>,
}

/// `today` is the local date of the lease's property at `now` (`crate::time::today_of`).
pub fn day_counts(lease: &Lease, today: NaiveDate, now: DateTime<Utc>) -> LeaseDayCounts {
    LeaseDayCounts {
        days_until_expiry: lease.lease_end_date.map(|e| (e - today).num_days()),
        days_in_current_status: lease.lease_status_changed_at.map(|c| (now - c).num_days()),
        holdover_days: lease.holdover_start_date.map(|h| (today - h).num_days()),
        days_until_move_out: lease.notice_move_out_date.map(|d| (d - today).num_days()),
    }
}

/// Shared test fixtures for modules that build on leases.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn lease(status: LeaseStatus, begin: &str, end: Option<&str>) -> Lease {
        let at = d("2025-01-01").and_hms_opt(0, 0, 0).unwrap().and_utc();
        Lease {
            id: Uuid::from_u128(1),
            lease_number: "L-0001".into(),
            tenant_id: Uuid::from_u128(2),
            unit_id: Uuid::from_u128(3),
            property_id: Uuid::from_u128(4),
            lease_begin_date: d(begin),
            lease_end_date: end.map(d),
            monthly_rent_amount: dec!(1850.00),
            security_deposit: dec!(1850.00),
            rent_due_day: 1,
            late_fee_amount: dec!(75.00),
            grace_period_days: 5,
            status: "current".into(),
            lease_status: status,
            lease_status_changed_at: None,
            lease_status_changed_by: "system".into(),
            holdover_start_date: None,
            notice_date: None,
            notice_move_out_date: None,
            actual_move_out_date: None,
            created_at: at,
            updated_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LeaseStatus::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn lease(status: LeaseStatus, begin: &str, end: Option<&str>) -> Lease {
        tests_support::lease(status, begin, end)
    }

    fn with_notice(mut l: Lease, notice: &str, move_out: &str) -> Lease {
        l.lease_status = Notice;
        l.notice_date = Some(d(notice));
        l.notice_move_out_date = Some(d(move_out));
        l
    }

    #[test]
    fn transition_table_matches_the_spec() {
        let allowed = [
            (Active, MonthToMonth),
            (Active, Notice),
            (MonthToMonth, Notice),
            (MonthToMonth, Active),
            (Notice, Vacant),
            (Vacant, Active),
        ];
        for from in LeaseStatus::ALL {
            for to in LeaseStatus::ALL {
                assert_eq!(is_allowed(*from, *to), allowed.contains(&(*from, *to)), "{from} -> {to}");
            }
        }
    }

    // --- daily classification -------------------------------------------------------

    #[test]
    fn active_lease_ending_yesterday_becomes_month_to_month() {
        let l = lease(Active, "2025-03-28", Some("2026-03-27"));
        let t = classify(&l, d("2026-03-28")).expect("transition");
        assert_eq!((t.from, t.to), (Active, MonthToMonth));
        assert_eq!(t.changes.holdover_start_date, Some(d("2026-03-28")));
        assert_eq!(t.reason, "Lease end date passed without renewal");
        assert_eq!(t.changed_by, "system:daily_classify");
        assert!(!t.vacates_unit);
    }

    #[test]
    fn active_lease_ending_today_stays_active() {
        let l = lease(Active, "2025-03-28", Some("2026-03-28"));
        assert_eq!(classify(&l, d("2026-03-28")), None);
    }

    #[test]
    fn holdover_starts_the_day_after_the_end_even_when_found_late() {
        let l = lease(Active, "2024-01-01", Some("2024-12-31"));
        let t = classify(&l, d("2026-11-25")).unwrap();
        assert_eq!(t.changes.holdover_start_date, Some(d("2025-01-01")));
    }

    #[test]
    fn notice_lease_past_move_out_becomes_vacant_and_frees_the_unit() {
        let l = with_notice(lease(Active, "2025-01-01", Some("2026-12-31")), "2026-03-15", "2026-04-15");
        let t = classify(&l, d("2026-04-16")).unwrap();
        assert_eq!((t.from, t.to), (Notice, Vacant));
        assert_eq!(t.changes.actual_move_out_date, Some(d("2026-04-15")));
        assert_eq!(t.reason, "Move-out date passed");
        assert!(t.vacates_unit);
    }

    #[test]
    fn notice_lease_on_move_out_day_is_not_yet_vacant() {
        let l = with_notice(lease(Active, "2025-01-01", None), "2026-03-15", "2026-04-15");
        assert_eq!(classify(&l, d("2026-04-15")), None);
    }

    #[test]
    fn notice_lease_with_actual_move_out_is_left_alone() {
        let mut l = with_notice(lease(Active, "2025-01-01", None), "2026-03-15", "2026-04-15");
        l.actual_move_out_date = Some(d("2026-04-10"));
        assert_eq!(classify(&l, d("2026-05-01")), None);
    }

    #[test]
    fn month_to_month_and_vacant_are_never_reclassified() {
        for status in [MonthToMonth, Vacant] {
            let l = lease(status, "2020-01-01", Some("2021-01-01"));
            assert_eq!(classify(&l, d("2026-11-25")), None);
        }
    }

    #[test]
    fn classification_is_idempotent_once_applied() {
        let now = d("2026-03-28").and_hms_opt(2, 0, 0).unwrap().and_utc();
        let mut l = lease(Active, "2025-03-28", Some("2026-03-01"));
        let t = classify(&l, now.date_naive()).unwrap();
        t.apply_to(&mut l, now);
        assert_eq!(l.lease_status, MonthToMonth);
        assert_eq!(l.lease_status_changed_by, "system:daily_classify");
        assert_eq!(classify(&l, now.date_naive()), None);
    }

    #[test]
    fn initial_reclassification_only_moves_expired_active_leases() {
        let today = d("2026-11-25");
        let expired = lease(Active, "2024-01-01", Some("2025-06-30"));
        let t = initial_reclassify(&expired, today).unwrap();
        assert_eq!(t.to, MonthToMonth);
        assert_eq!(t.changed_by, INITIAL_RECLASSIFY_ACTOR);
        assert_eq!(t.changes.holdover_start_date, Some(d("2025-07-01")));
        let notice = with_notice(lease(Active, "2024-01-01", None), "2026-10-01", "2026-11-01");
        assert_eq!(initial_reclassify(&notice, today), None);
        let current = lease(Active, "2026-01-01", Some("2026-12-31"));
        assert_eq!(initial_reclassify(&current, today), None);
    }

    #[test]
    fn summary_uses_the_spec_wording() {
        let today = d("2026-04-16");
        let a = lease(Active, "2025-01-01", Some("2026-01-01"));
        let n = with_notice(lease(Active, "2025-01-01", None), "2026-03-15", "2026-04-15");
        let ts: Vec<_> = [a, n].iter().filter_map(|l| classify(l, today)).collect();
        assert_eq!(classify_summary(&ts), "Transitioned 1 to MTM, 1 to vacant.");
        assert_eq!(classify_summary(&[]), "Transitioned 0 to MTM, 0 to vacant.");
    }

    // --- manual actions -------------------------------------------------------------

    fn check_refused(status: LeaseStatus, action: LifecycleAction, message: &str) {
        let mut l = lease(status, "2025-01-01", Some("2026-12-31"));
        if status == Notice {
            l = with_notice(l, "2026-03-01", "2026-04-01");
        }
        let err = plan_action(&l, &action, "user:pm", d("2026-03-28")).unwrap_err();
        assert_eq!(err.to_string(), message, "{status} {action:?}");
    }

    #[test]
    fn refused_transitions_say_why() {
        let notice = LifecycleAction::GiveNotice {
            notice_date: d("2026-03-15"),
            notice_move_out_date: d("2026-04-15"),
            reason: String::new(),
        };
        let vacant = LifecycleAction::MarkVacant { actual_move_out_date: None };
        let renew = LifecycleAction::Renew { lease_begin_date: d("2026-04-01"), lease_end_date: d("2027-03-31") };
        let cases = [
            (MonthToMonth, LifecycleAction::ConvertMtm, "Lease is already month-to-month."),
            (Notice, LifecycleAction::ConvertMtm, "Cannot convert a lease with notice given to month-to-month."),
            (Vacant, LifecycleAction::ConvertMtm, "Cannot convert a vacant lease to month-to-month."),
            (Notice, notice.clone(), "Notice has already been given for this lease."),
            (Vacant, notice, "Cannot give notice on a vacant lease."),
            (Vacant, vacant.clone(), "Lease is already vacant."),
            (
                Active,
                vacant.clone(),
                "Only a lease with notice given can be marked vacant; record the tenant's notice first.",
            ),
            (
                MonthToMonth,
                vacant,
                "Only a lease with notice given can be marked vacant; record the tenant's notice first.",
            ),
            (Active, renew.clone(), "Only a month-to-month lease can be renewed back to active."),
            (Vacant, renew, "Only a month-to-month lease can be renewed back to active."),
        ];
        for (status, action, message) in cases {
            check_refused(status, action, message);
        }
    }

    #[test]
    fn convert_mtm_after_expiry_holds_over_from_the_day_after_the_end() {
        let l = lease(Active, "2025-03-28", Some("2026-03-27"));
        let t = plan_action(&l, &LifecycleAction::ConvertMtm, "user:admin@unitcycle.com", d("2026-03-28")).unwrap();
        assert_eq!(t.to, MonthToMonth);
        assert_eq!(t.changes.holdover_start_date, Some(d("2026-03-28")));
        assert_eq!(t.changed_by, "user:admin@unitcycle.com");
    }

    #[test]
    fn convert_mtm_before_expiry_holds_over_from_today() {
        let l = lease(Active, "2025-03-28", Some("2026-06-30"));
        let t = plan_action(&l, &LifecycleAction::ConvertMtm, "user:pm", d("2026-03-28")).unwrap();
        assert_eq!(t.changes.holdover_start_date, Some(d("2026-03-28")));
    }

    #[test]
    fn give_notice_from_active_and_month_to_month() {
        for status in [Active, MonthToMonth] {
            let l = lease(status, "2025-01-01", Some("2026-12-31"));
            let action = LifecycleAction::GiveNotice {
                notice_date: d("2026-03-15"),
                notice_move_out_date: d("2026-04-15"),
                reason: "Tenant relocating for work".into(),
            };
            let t = plan_action(&l, &action, "user:pm", d("2026-03-28")).unwrap();
            assert_eq!((t.from, t.to), (status, Notice));
            assert_eq!(t.changes.notice_date, Some(d("2026-03-15")));
            assert_eq!(t.changes.notice_move_out_date, Some(d("2026-04-15")));
            assert_eq!(t.reason, "Tenant relocating for work");
        }
    }

    #[test]
    fn give_notice_validates_its_dates_and_reason() {
        let l = lease(Active, "2025-01-01", Some("2026-12-31"));
        let today = d("2026-03-28");
        let check = |notice: &str, move_out: &str, reason: &str, message: &str| {
            let action = LifecycleAction::GiveNotice {
                notice_date: d(notice),
                notice_move_out_date: d(move_out),
                reason: reason.into(),
            };
            assert_eq!(plan_action(&l, &action, "u", today).unwrap_err().to_string(), message);
        };
        check(
            "2026-03-20",
            "2026-03-19",
            "",
            "Move-out date (2026-03-19) must be on or after the notice date (2026-03-20).",
        );
        check(
            "2026-03-29",
            "2026-04-29",
            "",
            "Notice date (2026-03-29) cannot be in the future (today is 2026-03-28).",
        );
        check("2024-12-31", "2026-04-29", "", "Notice date (2024-12-31) is before the lease began (2025-01-01).");
        check("2026-03-20", "2026-04-20", &"x".repeat(201), "Reason is too long (201 characters; at most 200).");
        // Boundaries that are accepted: notice today, move-out the same day, 200-char reason.
        let ok =
            LifecycleAction::GiveNotice { notice_date: today, notice_move_out_date: today, reason: "x".repeat(200) };
        let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        let beyond =
            LifecycleAction::GiveNotice { notice_date: today, notice_move_out_date: far, reason: String::new() };
        let e = plan_action(&l, &beyond, "user:x", today).unwrap_err().to_string();
        assert_eq!(e, "Move-out date +10000-01-01 is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31).");
        assert!(plan_action(&l, &ok, "u", today).is_ok());
    }

    #[test]
    fn mark_vacant_uses_the_notice_move_out_when_it_has_passed() {
        let l = with_notice(lease(Active, "2025-01-01", None), "2026-03-01", "2026-03-20");
        let t =
            plan_action(&l, &LifecycleAction::MarkVacant { actual_move_out_date: None }, "u", d("2026-03-28")).unwrap();
        assert_eq!(t.changes.actual_move_out_date, Some(d("2026-03-20")));
        assert!(t.vacates_unit);
        // An early move-out is recorded as today.
        let early = with_notice(lease(Active, "2025-01-01", None), "2026-03-01", "2026-04-20");
        let t = plan_action(&early, &LifecycleAction::MarkVacant { actual_move_out_date: None }, "u", d("2026-03-28"))
            .unwrap();
        assert_eq!(t.changes.actual_move_out_date, Some(d("2026-03-28")));
    }

    #[test]
    fn mark_vacant_refuses_impossible_dates() {
        let l = with_notice(lease(Active, "2025-01-01", None), "2026-03-01", "2026-03-20");
        let future = LifecycleAction::MarkVacant { actual_move_out_date: Some(d("2026-03-29")) };
        assert_eq!(
            plan_action(&l, &future, "u", d("2026-03-28")).unwrap_err(),
            LifecycleError::MoveOutInFuture { date: d("2026-03-29"), today: d("2026-03-28") }
        );
        let before = LifecycleAction::MarkVacant { actual_move_out_date: Some(d("2026-02-28")) };
        assert!(matches!(
            plan_action(&l, &before, "u", d("2026-03-28")),
            Err(LifecycleError::MoveOutBeforeNoticeDate { .. })
        ));
    }

    #[test]
    fn renewal_returns_a_month_to_month_lease_to_active() {
        let mut l = lease(MonthToMonth, "2025-01-01", Some("2025-12-31"));
        l.holdover_start_date = Some(d("2026-01-01"));
        let action = LifecycleAction::Renew { lease_begin_date: d("2026-04-01"), lease_end_date: d("2027-03-31") };
        let t = plan_action(&l, &action, "system:renewals", d("2026-03-28")).unwrap();
        let now = d("2026-03-28").and_hms_opt(9, 0, 0).unwrap().and_utc();
        t.apply_to(&mut l, now);
        assert_eq!(l.lease_status, Active);
        assert_eq!(l.holdover_start_date, None);
        assert_eq!(l.lease_end_date, Some(d("2027-03-31")));
        let empty = LifecycleAction::Renew { lease_begin_date: d("2026-04-01"), lease_end_date: d("2026-04-01") };
        let mut mtm = lease(MonthToMonth, "2025-01-01", Some("2025-12-31"));
        mtm.holdover_start_date = Some(d("2026-01-01"));
        assert!(matches!(
            plan_action(&mtm, &empty, "u", d("2026-03-28")),
            Err(LifecycleError::RenewalTermEmpty { .. })
        ));
    }

    // --- stats ----------------------------------------------------------------------

    #[test]
    fn stats_count_states_and_cumulative_expiry_windows() {
        let today = d("2026-03-28");
        let leases = [
            lease(Active, "2025-04-01", Some("2026-03-28")), // 0 days: in all windows
            lease(Active, "2025-04-01", Some("2026-04-27")), // 30 days
            lease(Active, "2025-04-01", Some("2026-04-28")), // 31 days
            lease(Active, "2025-04-01", Some("2026-05-27")), // 60 days
            lease(Active, "2025-04-01", Some("2026-06-26")), // 90 days
            lease(Active, "2025-04-01", Some("2026-06-27")), // 91 days
            lease(Active, "2025-01-01", Some("2026-03-27")), // expired yesterday: not expiring
            lease(MonthToMonth, "2024-01-01", Some("2026-04-01")), // MTM never counts as expiring
            lease(Notice, "2024-01-01", Some("2026-04-01")),
            lease(Vacant, "2024-01-01", Some("2025-01-01")),
        ];
        let s = stats(&leases, today);
        assert_eq!(
            s,
            LifecycleStats {
                total_leases: 10,
                active: 7,
                month_to_month: 1,
                notice: 1,
                vacant: 1,
                expiring_30_days: 2,
                expiring_60_days: 4,
                expiring_90_days: 5,
            }
        );
        let json = serde_json::to_value(&s).unwrap();
        let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        for key in [
            "total_leases",
            "active",
            "month_to_month",
            "notice",
            "vacant",
            "expiring_30_days",
            "expiring_60_days",
            "expiring_90_days",
        ] {
            assert!(keys.contains(&key.to_string()), "{key}");
        }
    }

    // --- progress -------------------------------------------------------------------

    #[test]
    fn active_progress_is_elapsed_share_coloured_by_days_left() {
        let l = lease(Active, "2026-01-01", Some("2026-12-31"));
        let check = |today: &str, percent: u8, tone: ProgressTone, label: &str| {
            let p = progress(&l, d(today));
            assert_eq!((p.percent, p.tone, p.label.as_str()), (Some(percent), tone, label), "{today}");
        };
        check("2026-01-01", 0, ProgressTone::Teal, "364 days left");
        check("2026-10-01", 75, ProgressTone::Teal, "91 days left");
        check("2026-10-02", 75, ProgressTone::Amber, "90 days left");
        check("2026-12-01", 92, ProgressTone::Amber, "30 days left");
        check("2026-12-02", 92, ProgressTone::Orange, "29 days left");
        check("2026-12-30", 100, ProgressTone::Orange, "1 day left");
        check("2026-12-31", 100, ProgressTone::Orange, "0 days left");
        check("2027-01-01", 100, ProgressTone::Orange, "Expired");
        assert_eq!(progress(&l, d("2026-06-01")).dates, "Jan 1, 2026 – Dec 31, 2026");
    }

    #[test]
    fn month_to_month_progress_counts_holdover_days_without_a_bar() {
        let mut l = lease(MonthToMonth, "2025-01-01", Some("2025-12-31"));
        l.holdover_start_date = Some(d("2026-01-01"));
        let p = progress(&l, d("2026-02-15"));
        assert_eq!(p.percent, None);
        assert_eq!(p.label, "45 days holdover");
        assert_eq!(p.dates, "Month-to-month since Jan 1, 2026");
    }

    #[test]
    fn notice_progress_counts_down_to_move_out() {
        let l = with_notice(lease(Active, "2025-01-01", None), "2026-03-15", "2026-04-15");
        let p = progress(&l, d("2026-03-28"));
        assert_eq!(p.tone, ProgressTone::Red);
        assert_eq!(p.label, "18 days to move-out");
        assert_eq!(p.percent, Some(42)); // 13 of 31 days
        assert_eq!(progress(&l, d("2026-04-15")).label, "Moving out today");
        assert_eq!(progress(&l, d("2026-04-17")).label, "Move-out 2 days overdue");
    }

    #[test]
    fn vacant_progress_counts_days_vacant_without_a_bar() {
        let mut l = lease(Vacant, "2025-01-01", Some("2025-12-31"));
        l.actual_move_out_date = Some(d("2026-03-01"));
        let p = progress(&l, d("2026-03-28"));
        assert_eq!((p.percent, p.label.as_str()), (None, "Vacant 27 days"));
    }

    #[test]
    fn days_to_event_follows_the_state() {
        let today = d("2026-03-28");
        assert_eq!(days_to_event(&lease(Active, "2025-04-01", Some("2026-04-27")), today), Some(30));
        let n = with_notice(lease(Active, "2025-01-01", None), "2026-03-15", "2026-04-15");
        assert_eq!(days_to_event(&n, today), Some(18));
        let mut v = lease(Vacant, "2025-01-01", None);
        v.actual_move_out_date = Some(d("2026-03-18"));
        assert_eq!(days_to_event(&v, today), Some(10));
        assert_eq!(days_to_event(&lease(MonthToMonth, "2025-01-01", None), today), None);
    }

    #[test]
    fn day_counts_match_the_serializer() {
        let mut l = with_notice(lease(Active, "2025-01-01", Some("2026-12-31")), "2026-03-15", "2026-04-15");
        l.lease_status_changed_at = Some(d("2026-03-15").and_hms_opt(12, 0, 0).unwrap().and_utc());
        let now = d("2026-03-28").and_hms_opt(12, 0, 0).unwrap().and_utc();
        let c = day_counts(&l, now.date_naive(), now);
        assert_eq!(c.days_until_expiry, Some(278));
        assert_eq!(c.days_in_current_status, Some(13));
        assert_eq!(c.days_until_move_out, Some(18));
        assert_eq!(c.holdover_days, None);
    }
}
