//! Unit detail: header with the unit number and the lifecycle badge (from the lease's
//! `lease_status`, not the unit status); stat row with rent, tenant, lease progress and balance;
//! tabs Overview (with the Market Intelligence card: the latest pricing snapshot's current
//! against market rent and 30 days of market rent), Tenant, Financials, Maintenance and
//! Compliance. On a vacant unit `n` signs a
//! new lease (the spec's vacant → active) through the shared form and a confirm step. The
//! records flow (`records_form`) edits (`e`) and archives (`A`) the unit, edits the tenant
//! (`t`), posts a charge, payment or credit on the lease (`c`, `p`, `r`, dated the property's
//! local today) and voids the ledger entry selected on the Financials tab (`X`, newest first).
//! The Maintenance tab carries the unit's risk card beside its work orders; `D` opens the
//! dispatch view of the work order selected there. The Compliance tab lists the insurance and
//! licence of the vendors on the unit's work orders, with their contracts' expiry dates.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, Tabs};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format;
use unitcycle_core::lifecycle;
use unitcycle_core::lifecycle::new_lease::LeaseTerms;
use unitcycle_core::model::{LeaseStatus, TransType};
use unitcycle_core::records::{EntryKind, RecordAction};
use uuid::Uuid;

use super::{lease::LeaseDetail, placeholder, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::records_form::{Flow, Kind, Outcome};
use crate::app::widgets;
use crate::app::worker::{Data, Request, UnitData};
use crate::app::{theme, Cx, Env, Nav};

pub const TABS: [&str; 5] = ["Overview", "Tenant", "Financials", "Maintenance", "Compliance"];

/// The new-lease form's fields, in order.
pub const LEASE_FIELDS: [&str; 6] = ["Tenant email", "Begins", "Ends", "Monthly rent", "Deposit", "Rent due day"];

enum Mode {
    View,
    Form(Form),
    Confirm { tenant_email: String, terms: LeaseTerms, text: String },
    Applying,
}

pub struct UnitDetail {
    unit_id: Uuid,
    data: Option<Box<UnitData>>,
    tab: usize,
    scroll: usize,
    error: Option<String>,
    mode: Mode,
    flow: Flow,
    /// Rows of the tab's list when last drawn (the page for PgUp/PgDn).
    page: std::cell::Cell<usize>,
}

impl UnitDetail {
    pub fn new(unit_id: Uuid) -> UnitDetail {
        UnitDetail {
            unit_id,
            data: None,
            tab: 0,
            scroll: 0,
            error: None,
            mode: Mode::View,
            flow: Flow::default(),
            page: std::cell::Cell::new(10),
        }
    }

    /// The new-lease form, filled with a year from the first of next month at the market rent.
    fn lease_form(d: &UnitData, today: chrono::NaiveDate) -> Form {
        let begin = lifecycle_first_of_next_month(today);
        let end = begin + chrono::Months::new(12) - chrono::Duration::days(1);
        let rent = d.unit.market_rent.round_dp(2).to_string();
        let values = vec![String::new(), begin.to_string(), end.to_string(), rent.clone(), rent, "1".into()];
        Form::new("New lease", &LEASE_FIELDS, values)
    }

    /// Checks the form with the core's constructors: each bad field gets its message; the terms
    /// as a whole are checked by `LeaseTerms::check`.
    fn lease_terms(form: &mut Form) -> Option<(String, LeaseTerms)> {
        let ok = form.check(|i, text| match i {
            0 if !text.contains('@') => Some("the tenant's email, as on their record".into()),
            1 | 2 => crate::cli::parse_date(text).err(),
            3 | 4 => unitcycle_core::format::parse_money(text).err(),
            5 => text.parse::<u8>().is_err().then(|| "a day of the month, 1 to 28".into()),
            _ => None,
        });
        if !ok {
            return None;
        }
        let terms = LeaseTerms {
            lease_begin_date: crate::cli::parse_date(form.value(1)).ok()?,
            lease_end_date: crate::cli::parse_date(form.value(2)).ok()?,
            monthly_rent_amount: unitcycle_core::format::parse_money(form.value(3)).ok()?,
            security_deposit: unitcycle_core::format::parse_money(form.value(4)).ok()?,
            rent_due_day: form.value(5).parse().ok()?,
            late_fee_amount: Decimal::ZERO,
            grace_period_days: 5,
        };
        match terms.check() {
            Ok(terms) => Some((form.value(0).to_string(), terms)),
            Err(e) => {
                form.error = Some(e);
                None
            }
        }
    }

    /// The ledger entry selected on the Financials tab (an index into the ledger, oldest
    /// first; the tab lists it newest first, so `scroll` 0 is the latest entry).
    fn selected_entry(&self) -> Option<usize> {
        let d = self.data.as_ref()?;
        let last = d.ledger.len().checked_sub(1)?;
        Some(last - self.scroll.min(last))
    }

    /// The records key `action` on this unit, its lease or its tenant.
    fn record_action(&mut self, action: Action, cx: &mut Cx) {
        let Some(d) = &self.data else { return };
        let u = &d.unit;
        let leased = self.status() != LeaseStatus::Vacant;
        match action {
            Action::EditRecord => {
                self.flow.open(Kind::EditUnit { unit: Box::new(u.clone()), buildings: d.buildings.clone(), leased })
            }
            Action::ArchiveRecord => self.flow.confirm(
                u.id,
                RecordAction::ArchiveUnit,
                format!(
                    "Archive unit {} of {}: it is hidden from lists and takes no new lease; its leases, ledger \
                     and history are kept. The property counts one unit less.",
                    u.unit_number, d.property_name
                ),
                format!("Saved: unit {} archived", u.unit_number),
            ),
            Action::EditTenant => match &d.tenant {
                Some(t) => self.flow.open(Kind::EditTenant(Box::new(t.clone()))),
                None => cx.message("No tenant: the unit has no lease on record"),
            },
            Action::PostCharge | Action::PostPayment | Action::PostCredit => {
                let Some(lease) = &d.lease else {
                    return cx.message("No lease on this unit: charges and payments go on a lease");
                };
                let kind = match action {
                    Action::PostCharge => EntryKind::Charge,
                    Action::PostPayment => EntryKind::Payment,
                    _ => EntryKind::Credit,
                };
                let today = unitcycle_core::time::today_in(&d.time_zone, cx.now).unwrap_or(cx.today);
                self.flow.open(Kind::Post { lease: Box::new(lease.clone()), kind, today, balance: d.balance });
            }
            Action::VoidEntry => match (self.tab, self.selected_entry()) {
                (2, Some(i)) => self.flow.open(Kind::Void {
                    entry: Box::new(d.ledger[i].clone()),
                    lease_number: d.lease.as_ref().map_or(String::new(), |l| l.lease_number.clone()),
                }),
                (2, None) => cx.message("The lease's ledger has no entries"),
                _ => cx.message("Open the Financials tab (Tab) and select the entry with ↑/↓, then X"),
            },
            _ => {}
        }
    }

    fn status(&self) -> LeaseStatus {
        self.data.as_ref().and_then(|d| d.lease.as_ref()).map_or(LeaseStatus::Vacant, |l| l.lease_status)
    }

    fn overview(d: &UnitData, env: &Env) -> Vec<Line<'static>> {
        let u = &d.unit;
        let mut lines = vec![
            widgets::kv("Property", d.property_name.clone()),
            widgets::kv("Building", format!("{} · floor {}", d.building_name, u.floor)),
            widgets::kv(
                "Layout",
                format!("{} bd · {} ba · {} sq ft", u.bedrooms, u.bathrooms.normalize(), u.square_feet),
            ),
            widgets::kv("Market rent", format::money(u.market_rent)),
            widgets::kv("Unit status", u.status.label()),
        ];
        if let Some(l) = &d.lease {
            let p = lifecycle::progress(l, env.today);
            lines.push(widgets::kv("Lease", format!("{} · {}", l.lease_number, l.lease_status.label())));
            lines.push(widgets::kv("Term", p.dates));
            lines.push(widgets::kv(
                "Rent due",
                format!(
                    "day {} · late fee {} after {} days",
                    l.rent_due_day,
                    format::money(l.late_fee_amount),
                    l.grace_period_days
                ),
            ));
        }
        lines
    }

    /// The Market Intelligence card: the latest snapshot's current and market rent, the gap in
    /// dollars and percent, and a sparkline of the last 30 days of market rent.
    fn market(d: &UnitData) -> Vec<Line<'static>> {
        use super::pricing::{daily, position, spark};
        let Some(s) = d.pricing.last() else {
            return vec![Line::styled(
                "Not priced yet: r on the Revenue screen (8) runs the pricing engine",
                theme::dim(),
            )];
        };
        // Labels narrower than `widgets::kv`'s, so a gap with its percentage fits the card.
        let kv = |label: &str, value: String, style: ratatui::style::Style| {
            Line::from(vec![Span::styled(format!("{label:<13}"), theme::dim()), Span::styled(value, style)])
        };
        let plain = ratatui::style::Style::new();
        let mut lines = vec![
            kv("Current rent", s.current_rent.map_or_else(|| "vacant".into(), format::money), plain),
            kv("Market rent", format::money(s.market_rent), theme::bold()),
        ];
        match s.current_rent {
            Some(_) => {
                let below = s.rent_gap_pct < -unitcycle_core::pricing::AT_MARKET_PCT;
                let gap = format!("{} ({:+.1}%)", format::money(s.rent_gap_amount), s.rent_gap_pct);
                lines.push(kv("Gap", gap, if below { theme::error() } else { theme::bold() }));
                lines.push(kv("", position(s.rent_gap_pct).into(), plain));
            }
            None => lines.push(kv("Recommended", format::money(s.recommended_rent), plain)),
        }
        let days = daily(&d.pricing, d.today, 30);
        let market: Vec<_> = days.iter().map(|s| s.map(|s| s.market_rent)).collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled("Market rent, last 30 days", theme::dim()));
        lines.push(Line::styled(spark(&market), ratatui::style::Style::new().fg(theme::accent())));
        lines.push(Line::styled(
            format!(
                "{} · {} comps · {:.0}% confidence · {}",
                s.basis.label(),
                s.comp_count,
                s.confidence_score * 100.0,
                format::date(s.snapshot_date)
            ),
            theme::dim(),
        ));
        lines
    }

    fn tenant(d: &UnitData) -> Vec<Line<'static>> {
        let Some(t) = &d.tenant else {
            return vec![Line::styled("No tenant: the unit has no lease on record", theme::dim())];
        };
        let mut lines = vec![
            widgets::kv("Name", t.full_name()),
            widgets::kv("Email", t.email.clone()),
            widgets::kv("Phone", t.phone.clone()),
            widgets::kv("Date of birth", format::opt_date(t.date_of_birth)),
            widgets::kv("Tenant since", t.created_at.date_naive().to_string()),
        ];
        if !t.forwarding_address.is_empty() {
            lines.push(widgets::kv("Forwarding address", t.forwarding_address.clone()));
        }
        lines
    }

    fn compliance(d: &UnitData, env: &Env) -> Vec<Line<'static>> {
        let Some(l) = &d.lease else {
            let mut lines = vec![Line::styled("No lease on record", theme::dim())];
            lines.extend(Self::vendor_compliance(d, env));
            return lines;
        };
        let deposits: Decimal = d
            .ledger
            .iter()
            .filter(|e| e.category == "deposit" && e.trans_type == TransType::Charge)
            .map(|e| e.amount)
            .sum();
        let mut lines = vec![
            Line::styled("Lease", theme::bold()),
            widgets::kv("Lease number", l.lease_number.clone()),
            widgets::kv("Term", format!("{} – {}", l.lease_begin_date, format::opt_date(l.lease_end_date))),
            widgets::kv(
                "Lifecycle",
                format!(
                    "{} since {}",
                    l.lease_status.label(),
                    l.lease_status_changed_at.map_or("—".into(), |t| t.date_naive().to_string())
                ),
            ),
            Line::styled("Security deposit", theme::bold()),
            widgets::kv("On the lease", format::money(l.security_deposit)),
            widgets::kv("Charged", format::money(deposits)),
            Line::styled("Notice", theme::bold()),
        ];
        match l.notice_date {
            Some(n) => {
                lines.push(widgets::kv("Notice given", n.to_string()));
                lines.push(widgets::kv("Move-out", format::opt_date(l.notice_move_out_date)));
            }
            None => lines.push(widgets::kv("Notice given", "no")),
        }
        if let Some(h) = l.holdover_start_date {
            lines.push(widgets::kv("Holdover since", h.to_string()));
        }
        lines.extend(Self::vendor_compliance(d, env));
        lines
    }
}

impl UnitDetail {
    /// The insurance and licence of the vendors on this unit's work orders, from the vendor
    /// record and their contracts.
    fn vendor_compliance(d: &UnitData, env: &Env) -> Vec<Line<'static>> {
        let expiry = |what: &str, x: Option<chrono::NaiveDate>| match x {
            Some(x) if x < env.today => format!("{what} EXPIRED {x}"),
            Some(x) => format!("{what} to {x}"),
            None => format!("no {what} date"),
        };
        let mut lines = vec![Line::styled("Vendor insurance and licences", theme::bold())];
        if d.vendors.is_empty() {
            lines.push(Line::styled("No vendors on this unit's work orders", theme::dim()));
        }
        for v in &d.vendors {
            let licence = if v.license_number.is_empty() {
                "no licence no.".to_string()
            } else {
                format!("licence {}", v.license_number)
            };
            lines.push(widgets::kv(
                &widgets::fit(&v.name, 15),
                format!("{} · {licence}", expiry("insurance", v.insurance_expiry)),
            ));
            for c in d.contracts.iter().filter(|c| c.vendor_id == v.id) {
                let mut facts = vec![format!("{} to {}", c.contract_type.replace('_', " "), c.end_date)];
                if c.insurance_expiry.is_some() {
                    facts.push(expiry("insurance", c.insurance_expiry));
                }
                if c.license_expiry.is_some() {
                    facts.push(expiry("licence", c.license_expiry));
                }
                lines.push(widgets::kv("", format!("  {}", facts.join(" · "))));
            }
        }
        lines
    }
}

impl Screen for UnitDetail {
    fn title(&self) -> String {
        self.data.as_ref().map_or_else(|| "Unit".into(), |d| format!("Unit {}", d.unit.unit_number))
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::UNIT
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Unit { unit_id: self.unit_id, now: cx.now });
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::NextTab => {
                self.tab = (self.tab + 1) % TABS.len();
                self.scroll = 0;
            }
            Action::PrevTab => {
                self.tab = (self.tab + TABS.len() - 1) % TABS.len();
                self.scroll = 0;
            }
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(self.page.get().max(1)),
            Action::Top => self.scroll = 0,
            Action::Down | Action::PageDown | Action::Bottom if self.tab == 2 || self.tab == 3 => {
                let len =
                    self.data.as_ref().map_or(0, |d| if self.tab == 2 { d.ledger.len() } else { d.work_orders.len() });
                let last = len.saturating_sub(1);
                self.scroll = match action {
                    Action::Down => self.scroll + 1,
                    Action::PageDown => self.scroll + self.page.get().max(1),
                    _ => last,
                }
                .min(last);
            }
            Action::Down => self.scroll += 1,
            Action::PageDown => self.scroll += self.page.get().max(1),
            Action::EditRecord
            | Action::ArchiveRecord
            | Action::EditTenant
            | Action::PostCharge
            | Action::PostPayment
            | Action::PostCredit
            | Action::VoidEntry => self.record_action(action, cx),
            Action::Dispatch => {
                let order = self
                    .data
                    .as_ref()
                    .and_then(|d| d.work_orders.get(self.scroll.min(d.work_orders.len().saturating_sub(1))));
                match order {
                    Some(w) if self.tab == 3 => cx.push(Box::new(super::vendors::Dispatch::new(w.id))),
                    None if self.tab == 3 => cx.message("This unit has no work orders to dispatch"),
                    _ => cx.message("Open the Maintenance tab (Tab), select a work order with ↑/↓, then D"),
                }
            }
            Action::OpenLease => {
                if let Some(l) = self.data.as_ref().and_then(|d| d.lease.as_ref()) {
                    cx.push(Box::new(LeaseDetail::new(l.id.to_string())));
                }
            }
            Action::OpenCase => match self.data.as_ref().and_then(|d| d.case.as_ref()) {
                Some(c) => cx.push(Box::new(super::case::CaseScreen::new(c.id))),
                None => cx.message("No open collections case for this unit's lease"),
            },
            Action::NewLease => match &self.data {
                Some(d) if self.status() == LeaseStatus::Vacant => {
                    self.mode = Mode::Form(Self::lease_form(d, cx.today))
                }
                Some(_) => {
                    cx.message(format!("The unit is {}: only a vacant unit takes a new lease", self.status().label()))
                }
                None => {}
            },
            _ => {}
        }
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::View) || self.flow.active()
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.flow.active() {
            return self.flow.key(key, cx);
        }
        match &mut self.mode {
            Mode::Form(form) => match form.key(key) {
                FormKey::Cancel => self.mode = Mode::View,
                FormKey::Submit => {
                    if let Some((tenant_email, terms)) = Self::lease_terms(form) {
                        let unit = self.data.as_ref().map_or(String::new(), |d| d.unit.unit_number.clone());
                        let text = format!(
                            "Sign a lease of unit {unit} to the tenant {tenant_email}: {} to {}, {} a month \
                             (due on day {}), deposit {}. The unit becomes occupied and the lease active; a line \
                             is added to the lifecycle log.",
                            unitcycle_core::format::date(terms.lease_begin_date),
                            unitcycle_core::format::date(terms.lease_end_date),
                            unitcycle_core::format::money(terms.monthly_rent_amount),
                            terms.rent_due_day,
                            unitcycle_core::format::money(terms.security_deposit),
                        );
                        self.mode = Mode::Confirm { tenant_email, terms, text };
                    }
                }
                FormKey::Edited => {}
            },
            Mode::Confirm { tenant_email, terms, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    cx.request(Request::NewLease {
                        unit_id: self.unit_id,
                        tenant_email: tenant_email.clone(),
                        terms: terms.clone(),
                        actor: cx.actor.clone(),
                        now: cx.now,
                    });
                    self.mode = Mode::Applying;
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.mode = Mode::View;
                    cx.message("Cancelled: nothing was changed");
                }
                _ => {}
            },
            Mode::Applying | Mode::View => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match self.flow.on_data(&data, cx) {
            Outcome::NotMine => {}
            Outcome::Refused => return,
            Outcome::Saved(_) => return self.reload(cx),
        }
        match data {
            Data::Unit(d) => {
                self.data = Some(d);
                self.error = None;
            }
            Data::LeaseSigned(number) => {
                self.mode = Mode::View;
                cx.message(format!("Saved: lease {number} signed, vacant → active"));
                self.reload(cx);
            }
            Data::Error(e) if matches!(self.mode, Mode::Applying) => {
                self.mode = Mode::View;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let [head, stats, tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(4), Constraint::Length(1), Constraint::Min(0)])
                .areas(area);
        f.render_widget(
            Paragraph::new(
                Line::from(vec![
                    Span::styled(format!(" Unit {} ", d.unit.unit_number), theme::bold()),
                    widgets::badge(self.status()),
                    Span::styled(if d.unit.archived_at.is_some() { "  ARCHIVED" } else { "" }, theme::error()),
                    Span::styled(format!("  {} · {}", d.property_name, d.building_name), theme::dim()),
                ])
                .spans
                .into_iter()
                .chain(d.renewal.iter().flat_map(|r| {
                    let color = super::renewals::risk_color(r.plan.churn_risk_level);
                    [
                        Span::raw("  churn "),
                        Span::styled(
                            format!("{:.0}% {}", r.plan.churn_score * 100.0, r.plan.churn_risk_level.label()),
                            ratatui::style::Style::new().fg(color).add_modifier(ratatui::style::Modifier::BOLD),
                        ),
                    ]
                }))
                .collect::<Line>(),
            ),
            head,
        );
        let cells = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(stats);
        let stat = |title: &str, lines: Vec<Line<'static>>| {
            Paragraph::new(lines).block(Block::bordered().title(format!(" {title} ")).border_style(theme::dim()))
        };
        let lease = d.lease.as_ref();
        let rent = lease.map_or(d.unit.current_rent, |l| l.monthly_rent_amount);
        f.render_widget(
            stat(
                "Rent",
                vec![Line::styled(format::money(rent), theme::bold()), Line::styled("per month", theme::dim())],
            ),
            cells[0],
        );
        let tenant = d.tenant.as_ref().map_or("—".into(), |t| t.full_name());
        f.render_widget(
            stat(
                "Tenant",
                vec![
                    Line::styled(widgets::fit(&tenant, 18), theme::bold()),
                    Line::styled(lease.map_or(String::new(), |l| l.lease_number.clone()), theme::dim()),
                ],
            ),
            cells[1],
        );
        let progress = match lease {
            Some(l) => {
                let p = lifecycle::progress(l, env.today);
                vec![widgets::progress(&p, 6), Line::styled(widgets::fit(&p.dates, 20), theme::dim())]
            }
            None => vec![Line::styled("No lease", theme::dim())],
        };
        f.render_widget(stat("Lease progress", progress), cells[2]);
        let owed = if d.balance > Decimal::ZERO { theme::error() } else { theme::bold() };
        f.render_widget(
            stat(
                "Balance",
                vec![
                    Line::styled(format::money(d.balance), owed),
                    match &d.case {
                        Some(c) => Line::from(vec![
                            Span::styled("Collections ", theme::error()),
                            super::collections::dots_span(c.escalation_level),
                            Span::styled(" C", theme::dim()),
                        ]),
                        None => Line::styled(if d.balance > Decimal::ZERO { "owed" } else { "paid up" }, theme::dim()),
                    },
                ],
            ),
            cells[3],
        );
        f.render_widget(
            Tabs::new(TABS.to_vec())
                .select(self.tab)
                .highlight_style(theme::selected().fg(theme::accent()))
                .divider("│"),
            tabs,
        );
        let block = Block::bordered().border_style(theme::dim());
        match self.tab {
            0 => {
                // The card holds a 30-day sparkline; on a narrow terminal the overview wraps beside it.
                let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(32)]).areas(body);
                let overview = Paragraph::new(Self::overview(d, env)).wrap(ratatui::widgets::Wrap { trim: false });
                f.render_widget(overview.block(block), left);
                let card = Block::bordered().title(" Market Intelligence ").border_style(theme::dim());
                f.render_widget(
                    Paragraph::new(Self::market(d)).wrap(ratatui::widgets::Wrap { trim: false }).block(card),
                    right,
                );
            }
            1 => f.render_widget(Paragraph::new(Self::tenant(d)).block(block), body),
            2 => {
                // Running balance counted oldest first, listed newest first; only the visible
                // window becomes rows.
                let mut running = Decimal::ZERO;
                let balances: Vec<Decimal> = d
                    .ledger
                    .iter()
                    .map(|e| {
                        match e.trans_type {
                            TransType::Charge => running += e.amount,
                            TransType::Payment => running -= e.amount,
                        }
                        running
                    })
                    .collect();
                let height = usize::from(body.height.saturating_sub(3));
                self.page.set(height);
                let selected = self.scroll.min(d.ledger.len().saturating_sub(1));
                let first =
                    selected.saturating_sub(height.saturating_sub(1)).min(d.ledger.len().saturating_sub(height));
                let rows: Vec<Row> = d
                    .ledger
                    .iter()
                    .zip(&balances)
                    .rev()
                    .skip(first)
                    .take(height)
                    .map(|(e, bal)| {
                        let (charge, payment) = match e.trans_type {
                            TransType::Charge => (format::money(e.amount), String::new()),
                            TransType::Payment => (String::new(), format::money(e.amount)),
                        };
                        Row::new(vec![
                            e.trans_date.to_string(),
                            e.description.clone(),
                            charge,
                            payment,
                            format::money(*bal),
                        ])
                    })
                    .collect();
                let t = Table::new(
                    rows,
                    [
                        Constraint::Length(10),
                        Constraint::Min(12),
                        Constraint::Length(11),
                        Constraint::Length(11),
                        Constraint::Length(11),
                    ],
                )
                .header(Row::new(["Date", "Description", "Charge", "Payment", "Balance"]).style(theme::bold()))
                .row_highlight_style(theme::selected())
                .block(block.title(format!(" Ledger · {} entries, newest first ", d.ledger.len())));
                let mut state = ratatui::widgets::TableState::default()
                    .with_selected((!d.ledger.is_empty()).then(|| selected - first));
                f.render_stateful_widget(t, body, &mut state);
            }
            3 => {
                // The risk card beside the work orders when there is room, under them when the
                // terminal is tall, else the score in the title.
                let (body, card) = if d.risk.is_none() {
                    (body, None)
                } else if body.width >= 90 {
                    let [l, r] = Layout::horizontal([Constraint::Min(40), Constraint::Length(42)]).areas(body);
                    (l, Some(r))
                } else if body.height >= 24 {
                    let [t, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(12)]).areas(body);
                    (t, Some(b))
                } else {
                    (body, None)
                };
                if let Some(card) = card {
                    let block = Block::bordered().title(" Maintenance risk ").border_style(theme::dim());
                    f.render_widget(
                        Paragraph::new(super::risk::card_lines(d.risk.as_ref()))
                            .wrap(ratatui::widgets::Wrap { trim: false })
                            .block(block),
                        card,
                    );
                }
                let risk = match (&d.risk, card) {
                    (Some(r), None) => format!("· risk {:.1} {} ", r.risk_score, r.risk_level),
                    (None, _) => "· not scored ".to_string(),
                    _ => String::new(),
                };
                let height = usize::from(body.height.saturating_sub(3)).max(1);
                let len = d.work_orders.len();
                let selected = self.scroll.min(len.saturating_sub(1));
                let first = selected.saturating_sub(height.saturating_sub(1)).min(len.saturating_sub(height));
                let rows: Vec<Row> = d.work_orders[first..]
                    .iter()
                    .take(height)
                    .map(|w| {
                        Row::new(vec![
                            w.requested_date.to_string(),
                            widgets::fit(&w.title, 30),
                            w.priority.label().to_string(),
                            w.status.label().to_string(),
                            format::money(w.cost),
                        ])
                    })
                    .collect();
                let t = Table::new(
                    rows,
                    [
                        Constraint::Length(10),
                        Constraint::Min(12),
                        Constraint::Length(9),
                        Constraint::Length(11),
                        Constraint::Length(10),
                    ],
                )
                .header(Row::new(["Requested", "Work order", "Priority", "Status", "Cost"]).style(theme::bold()))
                .row_highlight_style(theme::selected())
                .highlight_symbol("▸")
                .block(block.title(format!(" Work orders · {} {risk}· D dispatch ", d.work_orders.len())));
                let mut state =
                    ratatui::widgets::TableState::default().with_selected((len > 0).then(|| selected - first));
                f.render_stateful_widget(t, body, &mut state);
            }
            _ => {
                let lines = Self::compliance(d, env);
                let first = self.scroll.min(lines.len().saturating_sub(1));
                f.render_widget(Paragraph::new(lines[first..].to_vec()).block(block), body);
            }
        }
        match &self.mode {
            Mode::View => {}
            Mode::Form(form) => form.draw(f, area),
            Mode::Confirm { text, .. } => form::popup(
                f,
                area,
                "Confirm",
                vec![
                    Line::raw(text.clone()),
                    Line::raw(""),
                    Line::styled("y / Enter: sign    n / Esc: cancel", theme::bold()),
                ],
                10,
            ),
            Mode::Applying => form::popup(f, area, "Saving", vec![Line::styled("Signing…", theme::dim())], 3),
        }
        self.flow.draw(f, area);
    }
}

/// The first day of the month after `today`.
fn lifecycle_first_of_next_month(today: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let first = today.with_day(1).unwrap_or(today);
    first + chrono::Months::new(1)
}
