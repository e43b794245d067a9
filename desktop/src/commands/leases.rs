//! The Leases view and the lease page (spec 1.1's unit detail integration points): the lease
//! with its unit and property (and the property's time zone), the lifecycle badge, the
//! context-aware progress bar, the status timeline, the ledger summary, and the lifecycle
//! actions (convert to month-to-month, give notice, mark vacant, renew). An action is first
//! previewed (planned by the core state machine, nothing written) so the confirm step can say
//! exactly what will change, then applied as the CLI applies it: directly on a standalone
//! replica, applied and queued for the server on a connected one.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use unitcycle_sync_client as sync_client;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::format::{money, parse_date};
use unitcycle_core::lifecycle::{self, LeaseProgress, LifecycleAction, Transition};
use unitcycle_core::model::{Lease, LeaseStatus, Property, TransType, Unit};
use unitcycle_core::store::{LeaseFilter, LeaseListRow, LeaseSort, Store};

/// The most leases the table lists at once (the demo and a typical portfolio fit).
pub const LEASE_ROWS: usize = 2000;

/// The lifecycle badge: the state's key, its label and the spec's colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct StatusBadge {
    /// `active`, `month_to_month`, `notice` or `vacant`.
    pub status: &'static str,
    /// "Active", "Month-to-Month", "Notice", "Vacant".
    pub label: &'static str,
    /// Active teal, month-to-month amber, notice red, vacant gray (spec 1.1).
    pub color: &'static str,
}

pub fn badge(status: LeaseStatus) -> StatusBadge {
    let color = match status {
        LeaseStatus::Active => "#0D9488",
        LeaseStatus::MonthToMonth => "#D97706",
        LeaseStatus::Notice => "#DC2626",
        LeaseStatus::Vacant => "#94A3B8",
    };
    StatusBadge { status: status.as_str(), label: status.label(), color }
}

/// One line of the leases table.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LeaseRow {
    pub id: Uuid,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    pub badge: StatusBadge,
    pub lease_begin_date: NaiveDate,
    pub lease_end_date: Option<NaiveDate>,
    /// The rent as a plain decimal (sortable) and for the screen.
    pub monthly_rent: String,
    pub monthly_rent_label: String,
    /// Active: days to lease end; notice: days to move-out; vacant: days vacant; MTM: none.
    pub days_to_event: Option<i64>,
    /// The progress bar's short text ("142 days left", "45 days holdover", …).
    pub progress_label: String,
}

/// One change of state, from `lease_status_log`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub from: StatusBadge,
    pub to: StatusBadge,
    pub reason: String,
    pub changed_by: String,
}

/// A dated event of the tenancy (lease start, notice given, move-out, …), oldest first.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct KeyDate {
    pub date: NaiveDate,
    pub label: String,
    /// Still to come on the property's local date.
    pub upcoming: bool,
}

/// The ledger in brief; the Records view shows every entry.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LedgerSummary {
    pub entries: usize,
    pub charges: String,
    pub payments: String,
    /// Charges minus payments (negative = credit), plain decimal and for the screen.
    pub balance: String,
    pub balance_label: String,
    pub last_payment: Option<NaiveDate>,
}

/// A lifecycle action the lease's state allows, with the form's defaults.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AvailableAction {
    /// `convert_mtm`, `give_notice`, `mark_vacant` or `renew`.
    pub action: &'static str,
    pub label: &'static str,
}

/// Everything the lease page draws, in one round trip.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LeasePage {
    pub lease: LeaseListRow,
    pub unit: Unit,
    pub property: Property,
    /// The property's local date (the default of every date field).
    pub today: NaiveDate,
    pub badge: StatusBadge,
    pub progress: LeaseProgress,
    pub rent_label: String,
    pub deposit_label: String,
    /// Newest first.
    pub history: Vec<StatusChange>,
    pub key_dates: Vec<KeyDate>,
    pub ledger: LedgerSummary,
    pub actions: Vec<AvailableAction>,
    /// Defaults for the forms: notice today, move-out in 30 days, a renewal of one year from
    /// today.
    pub default_move_out: NaiveDate,
    pub default_renewal_end: NaiveDate,
    /// Whether an action is also queued for the server (a connected replica).
    pub connected: bool,
}

/// A lifecycle action as the form sends it, dates as typed (read by `format::parse_date`, so
/// the desktop refuses what the CLI and the API refuse, with the same words).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum LifecycleRequest {
    ConvertMtm,
    GiveNotice {
        notice_date: String,
        move_out_date: String,
        #[serde(default)]
        reason: String,
    },
    MarkVacant {
        /// Empty: the notice's move-out date when it has passed, else today.
        #[serde(default)]
        actual_move_out_date: Option<String>,
    },
    Renew {
        lease_begin_date: String,
        lease_end_date: String,
    },
}

/// Reads a typed date; the error names the field, as the form shows it beside that field.
fn date(field: &str, text: &str) -> CmdResult<NaiveDate> {
    if text.trim().is_empty() {
        return Err(CommandError::invalid(format!("{field}: required (YYYY-MM-DD)")));
    }
    parse_date(text).map_err(|e| CommandError::invalid(format!("{field}: {e}")))
}

impl LifecycleRequest {
    pub fn action(&self) -> CmdResult<LifecycleAction> {
        Ok(match self {
            LifecycleRequest::ConvertMtm => LifecycleAction::ConvertMtm,
            LifecycleRequest::GiveNotice { notice_date, move_out_date, reason } => LifecycleAction::GiveNotice {
                notice_date: date("Notice date", notice_date)?,
                notice_move_out_date: date("Move-out date", move_out_date)?,
                reason: reason.clone(),
            },
            LifecycleRequest::MarkVacant { actual_move_out_date } => LifecycleAction::MarkVacant {
                actual_move_out_date: match actual_move_out_date.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(text) => Some(date("Actual move-out date", text)?),
                },
            },
            LifecycleRequest::Renew { lease_begin_date, lease_end_date } => LifecycleAction::Renew {
                lease_begin_date: date("Lease start date", lease_begin_date)?,
                lease_end_date: date("Lease end date", lease_end_date)?,
            },
        })
    }
}

/// What a confirmed action will do, in words, and the state it leads to.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LifecyclePreview {
    pub from: StatusBadge,
    pub to: StatusBadge,
    /// One paragraph for the confirm dialog: every field that changes.
    pub text: String,
}

/// The leases table: every lease (newest term ends last), narrowed by `search` (tenant, unit
/// or lease number) and `status` (a lifecycle state key).
pub fn lease_rows(s: &AppState, search: Option<String>, status: Option<String>) -> CmdResult<Vec<LeaseRow>> {
    let mut filter = LeaseFilter { search: search.filter(|q| !q.trim().is_empty()), ..LeaseFilter::default() };
    if let Some(st) = status.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        filter.lease_status = vec![st.parse().map_err(CommandError::invalid)?];
    }
    let now = Utc::now();
    let store = s.store()?;
    let days = unitcycle_core::time::Days::of_port(&*store, now.date_naive(), now)?;
    let rows = store.lease_rows(&filter, LeaseSort::LeaseEndDate, 0, Some(LEASE_ROWS))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let today = days.of(r.lease.property_id);
            let l = &r.lease;
            LeaseRow {
                id: l.id,
                badge: badge(l.lease_status),
                lease_begin_date: l.lease_begin_date,
                lease_end_date: l.lease_end_date,
                monthly_rent: l.monthly_rent_amount.to_string(),
                monthly_rent_label: money(l.monthly_rent_amount),
                days_to_event: lifecycle::days_to_event(l, today),
                progress_label: lifecycle::progress(l, today).label,
                lease_number: r.lease.lease_number,
                tenant_name: r.tenant_name,
                unit_number: r.unit_number,
                property_name: r.property_name,
            }
        })
        .collect())
}

fn actions_for(status: LeaseStatus) -> Vec<AvailableAction> {
    let all = [
        (LeaseStatus::MonthToMonth, "convert_mtm", "Convert to month-to-month"),
        (LeaseStatus::Notice, "give_notice", "Give notice"),
        (LeaseStatus::Vacant, "mark_vacant", "Mark vacant"),
        (LeaseStatus::Active, "renew", "Renew"),
    ];
    all.into_iter()
        // Vacant → active is a new lease (the Records view signs it), not an action on this one.
        .filter(|(to, _, _)| lifecycle::is_allowed(status, *to) && status != LeaseStatus::Vacant)
        .map(|(_, action, label)| AvailableAction { action, label })
        .collect()
}

fn key_dates(l: &Lease, today: NaiveDate) -> Vec<KeyDate> {
    let mut out = vec![(l.lease_begin_date, "Lease began".to_string())];
    if let Some(end) = l.lease_end_date {
        out.push((end, "Lease term ends".into()));
    }
    if let Some(d) = l.holdover_start_date {
        out.push((d, "Month-to-month holdover began".into()));
    }
    if let Some(d) = l.notice_date {
        out.push((d, "Tenant gave notice".into()));
    }
    if let Some(d) = l.notice_move_out_date {
        out.push((d, "Planned move-out".into()));
    }
    if let Some(d) = l.actual_move_out_date {
        out.push((d, "Moved out".into()));
    }
    out.sort_by_key(|(d, _)| *d);
    out.into_iter().map(|(date, label)| KeyDate { date, label, upcoming: date > today }).collect()
}

fn ledger_summary(store: &Store, l: &Lease) -> CmdResult<LedgerSummary> {
    let mut entries = store.ledger(l.tenant_id, None)?;
    entries.retain(|e| e.lease_id == Some(l.id));
    let (mut charges, mut payments) = (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    let mut last_payment = None;
    for e in &entries {
        match e.trans_type {
            TransType::Charge => charges += e.amount,
            TransType::Payment => {
                payments += e.amount;
                last_payment = last_payment.max(Some(e.trans_date));
            }
        }
    }
    let balance = store.lease_balance(l.id)?;
    Ok(LedgerSummary {
        entries: entries.len(),
        charges: money(charges),
        payments: money(payments),
        balance: balance.to_string(),
        balance_label: money(balance),
        last_payment,
    })
}

fn page(store: &Store, lease_id: Uuid, now: DateTime<Utc>) -> CmdResult<LeasePage> {
    let lease = store.lease_row(lease_id)?;
    let l = &lease.lease;
    let property = store.property(l.property_id)?;
    let unit = store.unit(l.unit_id)?;
    let today = unitcycle_core::time::today_in(&property.time_zone, now).map_err(CommandError::invalid)?;
    let history = store
        .status_log(lease_id)?
        .into_iter()
        .map(|h| StatusChange {
            at: h.created_at,
            from: badge(h.previous_status),
            to: badge(h.new_status),
            reason: h.reason,
            changed_by: h.changed_by,
        })
        .collect();
    Ok(LeasePage {
        badge: badge(l.lease_status),
        progress: lifecycle::progress(l, today),
        rent_label: money(l.monthly_rent_amount),
        deposit_label: money(l.security_deposit),
        history,
        key_dates: key_dates(l, today),
        ledger: ledger_summary(store, l)?,
        actions: actions_for(l.lease_status),
        default_move_out: today + Duration::days(30),
        default_renewal_end: (today + Months::new(12)) - Duration::days(1),
        connected: unitcycle_core::sync_actions::connected(store)?,
        today,
        unit,
        property,
        lease,
    })
}

/// The lease page.
pub fn lease_page(s: &AppState, lease_id: String) -> CmdResult<LeasePage> {
    page(&*s.store()?, id(&lease_id)?, Utc::now())
}

fn plan(
    store: &Store,
    lease_id: Uuid,
    request: &LifecycleRequest,
    now: DateTime<Utc>,
) -> CmdResult<(Transition, LeaseListRow)> {
    let action = request.action()?;
    let row = store.lease_row(lease_id)?;
    let today = unitcycle_core::time::today_at(store, row.lease.property_id, now)?;
    let t = lifecycle::plan_action(&row.lease, &action, &super::portfolio::actor(), today)
        .map_err(|e| CommandError::invalid(e.to_string()))?;
    Ok((t, row))
}

/// Plans the action with the core state machine and says what it would change; writes nothing.
/// A refusal comes back as it would from `lifecycle_action`.
pub fn lifecycle_preview(s: &AppState, lease_id: String, request: LifecycleRequest) -> CmdResult<LifecyclePreview> {
    let store = s.store()?;
    let (t, row) = plan(&store, id(&lease_id)?, &request, Utc::now())?;
    Ok(LifecyclePreview { from: badge(t.from), to: badge(t.to), text: t.describe(&row) })
}

/// Applies a lifecycle action through the same workflow as `unitcycle lifecycle …`: on a
/// connected replica it is applied at once and queued for the next sync; otherwise applied
/// directly. Returns the page as it now stands.
pub fn lifecycle_action(s: &AppState, lease_id: String, request: LifecycleRequest) -> CmdResult<LeasePage> {
    let now = Utc::now();
    let lease_id = id(&lease_id)?;
    let action = request.action()?;
    let actor = super::portfolio::actor();
    let mut store = s.store()?;
    if unitcycle_core::sync_actions::connected(&store)? {
        sync_client::record_action(&mut store, lease_id, &action, &actor, now).map_err(|e| match e {
            sync_client::ClientError::Store(e) => CommandError::from(e),
            other => CommandError::invalid(other.to_string()),
        })?;
    } else {
        store.apply_lifecycle_action(lease_id, &action, &actor, now)?;
    }
    page(&store, lease_id, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unitcycle_core::ai::Gateway;
    use unitcycle_core::demo::{self, DemoConfig};

    fn demo_state() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let s = AppState::open_with(dir.path().join("replica.db"), Gateway::new(None)).unwrap();
        let cfg = DemoConfig { units: 30, ..DemoConfig::new(Utc::now().date_naive()) };
        demo::generate(&mut s.store().unwrap(), &cfg).unwrap();
        (s, dir)
    }

    fn first(s: &AppState, status: &str) -> LeaseRow {
        lease_rows(s, None, Some(status.into())).unwrap().remove(0)
    }

    #[test]
    fn the_table_lists_leases_with_badges_and_narrows_by_state() {
        let (s, _dir) = demo_state();
        let all = lease_rows(&s, None, None).unwrap();
        assert!(all.len() >= 30);
        let active = lease_rows(&s, None, Some("active".into())).unwrap();
        assert!(!active.is_empty() && active.iter().all(|r| r.badge.status == "active" && r.badge.color == "#0D9488"));
        assert!(active.iter().all(|r| r.monthly_rent_label.starts_with('$')));
        let one = lease_rows(&s, Some(active[0].lease_number.clone()), None).unwrap();
        assert_eq!(one[0].id, active[0].id);
        assert_eq!(lease_rows(&s, None, Some("sideways".into())).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn the_page_has_unit_property_badge_progress_timeline_and_ledger() {
        let (s, _dir) = demo_state();
        let row = first(&s, "active");
        let p = lease_page(&s, row.id.to_string()).unwrap();
        assert_eq!(p.lease.lease.id, row.id);
        assert_eq!(p.unit.id, p.lease.lease.unit_id);
        assert!(!p.property.time_zone.is_empty());
        assert_eq!(p.badge.label, "Active");
        assert!(p.progress.percent.is_some(), "an active lease with an end date has a bar");
        assert!(p.key_dates.iter().any(|k| k.label == "Lease began"));
        assert!(p.ledger.balance_label.starts_with('$') || p.ledger.balance_label.starts_with("-$"));
        let names: Vec<_> = p.actions.iter().map(|a| a.action).collect();
        assert_eq!(names, ["convert_mtm", "give_notice"]);
        assert!(!p.connected);
        assert_eq!(lease_page(&s, "nope".into()).unwrap_err().code, "invalid_input");
        assert_eq!(lease_page(&s, Uuid::nil().to_string()).unwrap_err().code, "not_found");
    }

    #[test]
    fn give_notice_is_previewed_then_applied_and_the_badge_changes() {
        let (s, _dir) = demo_state();
        let row = first(&s, "active");
        let today = lease_page(&s, row.id.to_string()).unwrap().today;
        let req = LifecycleRequest::GiveNotice {
            notice_date: today.to_string(),
            move_out_date: (today + Duration::days(30)).to_string(),
            reason: "Moving closer to work".into(),
        };
        let preview = lifecycle_preview(&s, row.id.to_string(), req.clone()).unwrap();
        assert_eq!((preview.from.status, preview.to.status), ("active", "notice"));
        assert!(preview.text.contains("Moving closer to work") && preview.text.contains(&row.lease_number));
        assert_eq!(lease_page(&s, row.id.to_string()).unwrap().badge.status, "active", "a preview writes nothing");

        let p = lifecycle_action(&s, row.id.to_string(), req.clone()).unwrap();
        assert_eq!(p.badge.label, "Notice Given");
        assert_eq!(p.progress.label, "30 days to move-out");
        assert_eq!(p.history[0].to.status, "notice");
        assert_eq!(p.history[0].reason, "Moving closer to work");
        assert!(p.key_dates.iter().any(|k| k.label == "Planned move-out" && k.upcoming));
        assert_eq!(p.actions.iter().map(|a| a.action).collect::<Vec<_>>(), ["mark_vacant"]);

        let again = lifecycle_action(&s, row.id.to_string(), req).unwrap_err();
        assert_eq!(
            (again.code, again.detail.as_str()),
            ("invalid_input", "Notice has already been given for this lease.")
        );
        let p = lifecycle_action(&s, row.id.to_string(), LifecycleRequest::MarkVacant { actual_move_out_date: None })
            .unwrap();
        assert_eq!(p.badge.status, "vacant");
        assert!(p.actions.is_empty());
    }

    #[test]
    fn bad_dates_are_refused_in_the_cli_words_naming_the_field() {
        let (s, _dir) = demo_state();
        let row = first(&s, "active");
        let give = |notice: &str, out: &str| {
            lifecycle_action(
                &s,
                row.id.to_string(),
                LifecycleRequest::GiveNotice {
                    notice_date: notice.into(),
                    move_out_date: out.into(),
                    reason: String::new(),
                },
            )
            .unwrap_err()
        };
        let e = give("03/15/2026", "2026-04-15");
        assert_eq!(e.code, "invalid_input");
        assert_eq!(e.detail, format!("Notice date: {}", parse_date("03/15/2026").unwrap_err()));
        assert!(give("2026-03-15", "").detail.starts_with("Move-out date: required"));
        let e = give("2999-01-01", "2999-02-01");
        assert!(e.detail.contains("outside the dates UnitCycle keeps") || e.detail.contains("future"), "{}", e.detail);
        let e = lifecycle_action(
            &s,
            row.id.to_string(),
            LifecycleRequest::Renew { lease_begin_date: "2026-01-01".into(), lease_end_date: "2027-01-01".into() },
        )
        .unwrap_err();
        assert_eq!(e.detail, "Only a month-to-month lease can be renewed back to active.");
        assert_eq!(lease_page(&s, row.id.to_string()).unwrap().badge.status, "active");
    }

    #[test]
    fn convert_then_renew_returns_to_active() {
        let (s, _dir) = demo_state();
        let row = first(&s, "active");
        let p = lifecycle_action(&s, row.id.to_string(), LifecycleRequest::ConvertMtm).unwrap();
        assert_eq!(p.badge.status, "month_to_month");
        assert_eq!(p.actions.iter().map(|a| a.action).collect::<Vec<_>>(), ["give_notice", "renew"]);
        let req = LifecycleRequest::Renew {
            lease_begin_date: p.today.to_string(),
            lease_end_date: p.default_renewal_end.to_string(),
        };
        assert!(lifecycle_preview(&s, row.id.to_string(), req.clone()).unwrap().text.starts_with("Renew lease"));
        let p = lifecycle_action(&s, row.id.to_string(), req).unwrap();
        assert_eq!(p.badge.status, "active");
        assert_eq!(p.lease.lease.lease_end_date, Some(p.default_renewal_end));
        assert_eq!(p.history.len(), 2);
    }

    #[test]
    fn on_a_connected_replica_an_action_is_applied_and_queued_for_the_server() {
        let (s, _dir) = demo_state();
        super::super::settings::set_server_url(&s, "https://central.example.com/".into()).unwrap();
        let row = first(&s, "active");
        let p = lifecycle_action(&s, row.id.to_string(), LifecycleRequest::ConvertMtm).unwrap();
        assert!(p.connected);
        assert_eq!(p.badge.status, "month_to_month");
        assert_eq!(sync_client::state(&s.store().unwrap()).unwrap().unwrap().pending, 1);
    }
}
