//! Lease generation and e-signing (spec 4.5, `:leases-gen` or `:lease-builder`): the generated
//! leases newest first, each with its status, overall risk and who still has to sign, and beside
//! the list the selected lease's terms, its state's rules it breaks (errors first, each with its
//! statute), its signatures and its clauses with their risk. `n` makes a new lease (a clause
//! lacking a value is said before anything is written; its Template field offers the active
//! templates of the unit's state by ←/→, whose base clauses the lease then takes), `e` edits a draft not yet sent (the
//! same form, filled in from its terms), `r` re-assesses it, `s` sends it for
//! signing after a confirm that shows every email exactly, `p` records a signer signing in
//! person (standalone replica), `w` makes a renewal and `v` voids it after a confirm.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use unitcycle_core::format::{date, money, parse_date};
use unitcycle_core::lease_generation::model::{GeneratedLease, GenerationTerms, LeaseTemplate};
use unitcycle_core::lease_generation::workflow::{term_months, DraftEdit, GenerateInput, LeaseGenerationAction};
use unitcycle_core::outbox::NewMessage;
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::lease_gen::{GenListed, LeaseGenData, LeaseGenRequest};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const NEW: &[&str] = &[
    "Unit",
    "Tenant name",
    "Tenant email",
    "Start date",
    "End date",
    "Monthly rent",
    "Deposit",
    "Due day",
    "Late fee",
    "Grace days",
    "Variables",
    "Template",
];
const VARIABLES: usize = 10;
const TEMPLATE: usize = 11;
/// The edit form's fields: the new-lease form's without the template (a draft keeps its own).
const EDIT: &[&str] = NEW.split_at(TEMPLATE).0;
const NO_TEMPLATE: &str = "None (standard clauses)";
const SIGN: &[&str] = &["Typed name"];
const RENEW: &[&str] = &["Rent increase %"];
const VOID: &[&str] = &["Reason"];

enum Mode {
    List,
    /// The new-lease form and the approved application it is for, if any.
    New {
        form: Form,
        application: Option<Uuid>,
    },
    /// The same form filled in from draft `id`'s terms, for unit `unit` (which stays).
    Edit {
        form: Form,
        id: Uuid,
        unit: String,
    },
    Sign {
        form: Form,
        signature: Uuid,
    },
    Renew(Form),
    Void(Form),
    Confirm {
        title: &'static str,
        text: Vec<String>,
        yes: &'static str,
        id: Uuid,
        action: Box<LeaseGenerationAction>,
        scroll: u16,
    },
}

/// The new-lease form's template choice: the active templates of the unit's state, read when
/// the Template field is reached for the unit the form names.
#[derive(Default)]
struct TemplateChoice {
    /// The unit text the list was asked for (none: not asked yet).
    unit: Option<String>,
    /// The answer is awaited.
    asking: bool,
    state: String,
    templates: Vec<LeaseTemplate>,
    /// Why the unit has no state (it is not found).
    note: Option<String>,
    /// 0 is no template, `i` the template `i - 1`.
    pick: usize,
    /// The template to pick again when the answer comes (the one picked before asking).
    keep: Option<Uuid>,
}

impl TemplateChoice {
    /// Asks the worker for the templates of the unit `form` names; the one picked stays picked
    /// if it is still offered.
    fn ask(&mut self, form: &mut Form, cx: &mut Cx) {
        let unit = form.value(0).to_string();
        let keep = self.picked().map(|t| t.id);
        *self = TemplateChoice { unit: Some(unit.clone()), asking: true, keep, ..TemplateChoice::default() };
        form.fields[TEMPLATE] = self.label();
        cx.request(Request::LeaseGen(LeaseGenRequest::TemplateChoices { unit }));
    }

    fn picked(&self) -> Option<&LeaseTemplate> {
        self.pick.checked_sub(1).and_then(|i| self.templates.get(i))
    }

    /// What the Template field shows.
    fn label(&self) -> String {
        if self.asking {
            return "… (reading the unit's templates)".into();
        }
        let count = self.templates.len();
        match self.picked() {
            Some(t) => format!("{} · version {} ({} of {count}, ←/→)", t.name, t.version, self.pick),
            None if self.unit.is_none() => NO_TEMPLATE.into(),
            None if count > 0 => format!("{NO_TEMPLATE} ({count} for {}, ←/→)", self.state),
            None => match &self.note {
                Some(note) => format!("{NO_TEMPLATE} · {note}"),
                None => format!("{NO_TEMPLATE} · no active template for {}", self.state),
            },
        }
    }

    /// ←/→ (or Space) through none and the templates.
    fn cycle(&mut self, back: bool) {
        let n = self.templates.len() + 1;
        self.pick = if back { (self.pick + n - 1) % n } else { (self.pick + 1) % n };
    }
}

pub struct LeaseGen {
    template: TemplateChoice,
    rows: Option<Vec<GenListed>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
    /// The lease to select when the list comes back (a new one).
    select: Option<Uuid>,
    /// A step is done and the list is being read again: keys wait for it (none acts on a
    /// lease as it was before the step).
    refreshing: bool,
}

impl Default for LeaseGen {
    fn default() -> Self {
        LeaseGen {
            template: TemplateChoice::default(),
            rows: None,
            error: None,
            cursor: Cursor::default(),
            mode: Mode::List,
            busy: false,
            select: None,
            refreshing: false,
        }
    }
}

/// The first of the month after `today`, and a 12-month term from it.
fn default_term(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let start = first.checked_add_months(chrono::Months::new(1)).unwrap_or(today);
    let end = start.checked_add_months(chrono::Months::new(12)).map_or(start, |d| d - chrono::Duration::days(1));
    (start, end)
}

fn new_form(today: NaiveDate, unit: &str, name: &str, email: &str) -> Form {
    let (start, end) = default_term(today);
    let values = vec![
        unit.to_string(),
        name.to_string(),
        email.to_string(),
        start.to_string(),
        end.to_string(),
        String::new(),
        String::new(),
        "1".into(),
        "50".into(),
        "5".into(),
        String::new(),
        NO_TEMPLATE.into(),
    ];
    Form::new("New lease", NEW, values).with_enter("generate").with_intro(
        "Empty rent: the unit's market rent; empty deposit: one month's. Variables: name=value; name=value. \
         Template: an active one of the unit's state gives its base clauses.",
    )
}

/// The new-lease form filled in from draft `l`'s terms, to edit it.
fn edit_form(l: &GenListed) -> Form {
    let t = &l.detail.lease.lease_terms;
    let variables: Vec<String> = t.variables.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let values = vec![
        l.unit_number.clone(),
        t.tenant_name.clone(),
        t.tenant_email.clone(),
        t.start_date.to_string(),
        t.end_date.to_string(),
        t.monthly_rent.to_string(),
        t.security_deposit.to_string(),
        t.rent_due_day.to_string(),
        t.late_fee.to_string(),
        t.grace_days.to_string(),
        variables.join("; "),
    ];
    Form::new("Edit the draft lease", EDIT, values).with_enter("save the draft").with_intro(
        "Saving assembles the draft again from these terms (its unit, clauses and addenda kept) and lists each \
         change on the lease. Empty deposit: one month's rent. Variables: name=value; name=value.",
    )
}

/// `name=value; name=value` as the clauses' variables.
fn parse_variables(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("'{part}' is not name=value"))?;
        if k.trim().is_empty() {
            return Err(format!("'{part}' has no name"));
        }
        out.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(out)
}

fn amount(text: &str) -> Result<Option<Decimal>, ()> {
    let t = text.replace([',', '$'], "");
    if t.trim().is_empty() {
        return Ok(None);
    }
    t.trim().parse::<Decimal>().map(Some).map_err(|_| ())
}

fn status_label(status: &str) -> String {
    match status {
        "review" => "in review".into(),
        other => other.replace('_', " "),
    }
}

fn status_style(status: &str) -> Style {
    match status {
        "voided" => theme::dim(),
        "fully_signed" => Style::new().fg(theme::tone(unitcycle_core::lifecycle::ProgressTone::Teal)),
        "draft" | "review" => Style::new().fg(theme::accent()),
        _ => Style::new(),
    }
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or("—".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn risk(l: &GenListed) -> Option<i64> {
    l.detail.lease.ai_risk_assessment.get("overall_score").and_then(|v| v.as_i64())
}

/// Who still has to sign (names), or what the lease waits for.
fn waiting(l: &GenListed) -> String {
    let open: Vec<&str> = l
        .detail
        .signatures
        .iter()
        .filter(|s| matches!(s.status.as_str(), "pending" | "viewed"))
        .map(|s| s.signer_name.as_str())
        .collect();
    match l.detail.lease.status.as_str() {
        "draft" | "review" => "not sent".into(),
        _ if open.is_empty() => "—".into(),
        _ => open.join(", "),
    }
}

/// The stored warnings, errors first: (is an error, message, statute).
fn warnings(lease: &GeneratedLease) -> Vec<(bool, String, String)> {
    let mut out: Vec<(bool, String, String)> = lease
        .jurisdiction_warnings
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| {
                    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
                    (s("severity") == "error", s("message"), s("statute_reference"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|w| !w.0);
    out
}

impl LeaseGen {
    /// The screen with the new-lease form open for an approved application.
    pub fn for_application(today: NaiveDate, unit: &str, name: &str, email: &str, application: Uuid) -> LeaseGen {
        LeaseGen {
            mode: Mode::New { form: new_form(today, unit, name, email), application: Some(application) },
            ..LeaseGen::default()
        }
    }

    fn selected(&self) -> Option<&GenListed> {
        self.rows.as_ref().and_then(|r| r.get(self.cursor.selected))
    }

    fn act(&mut self, id: Uuid, action: LeaseGenerationAction, cx: &mut Cx) {
        self.busy = true;
        cx.request(Request::LeaseGen(LeaseGenRequest::Act { id, action: Box::new(action), now: cx.now }));
    }

    /// The form's terms once every field reads (each error said under its field), with whether
    /// the rent and the deposit were given. `unit` is the unit an edited draft keeps.
    fn form_terms(form: &mut Form, unit: Option<&str>) -> Option<(GenerationTerms, bool, bool)> {
        let start = parse_date(form.value(3));
        let end = parse_date(form.value(4));
        let rent = amount(form.value(5));
        let deposit = amount(form.value(6));
        let due = form.value(7).parse::<u8>();
        let late = amount(form.value(8));
        let grace = form.value(9).parse::<i32>();
        let vars = parse_variables(form.value(VARIABLES));
        let ok = form.check(|i, v| match i {
            0 if unit.is_some_and(|u| u != v) => {
                Some(format!("The draft is for unit {}: void it and generate again for another", unit.unwrap_or("")))
            }
            0 if v.is_empty() => Some("The unit's number (or 'number at property')".into()),
            1 if v.is_empty() => Some("The tenant's full name".into()),
            2 if !v.contains('@') => Some("The tenant's email address".into()),
            3 if start.is_err() => Some("A date, YYYY-MM-DD".into()),
            4 if end.is_err() => Some("A date, YYYY-MM-DD".into()),
            5 if unit.is_some() && v.is_empty() => Some("The monthly rent, e.g. 1450".into()),
            5 if rent.is_err() => Some("An amount, e.g. 1450 (empty: market rent)".into()),
            6 if deposit.is_err() => Some("An amount (empty: one month's rent)".into()),
            7 if due.is_err() => Some("A day of the month, 1-28".into()),
            8 if late.is_err() => Some("An amount, e.g. 50".into()),
            9 if grace.is_err() => Some("A whole number of days".into()),
            VARIABLES => vars.as_ref().err().cloned(),
            _ => None,
        });
        if !ok {
            return None;
        }
        let (Ok(start), Ok(end), Ok(rent), Ok(deposit), Ok(due), Ok(late), Ok(grace), Ok(variables)) =
            (start, end, rent, deposit, due, late, grace, vars)
        else {
            return None;
        };
        let terms = GenerationTerms {
            tenant_name: form.value(1).into(),
            tenant_email: form.value(2).into(),
            start_date: start,
            end_date: end,
            monthly_rent: rent.unwrap_or_default(),
            security_deposit: deposit.or(rent).unwrap_or_default(),
            rent_due_day: due,
            late_fee: late.unwrap_or_default(),
            grace_days: grace,
            variables,
        };
        Some((terms, rent.is_some(), deposit.is_some()))
    }

    /// Checks the edited draft's form; on success saves it through the core's `EditDraft`.
    fn submit_edit(&mut self, form: &mut Form, id: Uuid, unit: &str, cx: &mut Cx) {
        if let Some((lease_terms, _, _)) = Self::form_terms(form, Some(unit)) {
            let input = DraftEdit { lease_terms, clause_ids: Vec::new(), addenda: Vec::new() };
            self.select = Some(id);
            self.act(id, LeaseGenerationAction::EditDraft { input, actor: cx.actor.clone() }, cx);
        }
    }

    /// Checks the new-lease form; on success asks the worker to generate it.
    fn submit_new(&mut self, form: &mut Form, application: Option<Uuid>, cx: &mut Cx) -> bool {
        let Some((terms, rent_given, deposit_given)) = Self::form_terms(form, None) else {
            return false;
        };
        // A template picked for another unit than the form now names is picked again.
        if self.template.picked().is_some() && self.template.unit.as_deref() != Some(form.value(0)) {
            form.errors[TEMPLATE] = Some("The unit changed: check the template for it (←/→)".into());
            form.focus = TEMPLATE;
            self.template.ask(form, cx);
            return false;
        }
        let input = GenerateInput {
            unit_id: Uuid::nil(),
            template_id: self.template.picked().map(|t| t.id),
            screening_application_id: application,
            lease_terms: terms,
            clause_ids: Vec::new(),
            addenda: Vec::new(),
        };
        let id = Uuid::new_v4();
        self.busy = true;
        cx.request(Request::LeaseGen(LeaseGenRequest::Generate {
            id,
            unit: form.value(0).to_string(),
            input: Box::new(input),
            rent_given,
            deposit_given,
            actor: cx.actor.clone(),
            now: cx.now,
        }));
        self.select = Some(id);
        true
    }

    /// A key in the new-lease form: on the Template field ←/→ or Space choose (typing does
    /// nothing there); reaching the field reads the unit's templates when the unit changed.
    fn new_form_key(&mut self, form: &mut Form, key: KeyEvent, cx: &mut Cx) -> FormKey {
        let on_template = form.focus == TEMPLATE;
        let fresh = self.template.unit.as_deref() == Some(form.value(0));
        let answer = match key.code {
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if on_template => {
                if fresh && !self.template.asking {
                    self.template.cycle(key.code == KeyCode::Left);
                    form.errors[TEMPLATE] = None;
                    form.fields[TEMPLATE] = self.template.label();
                }
                FormKey::Edited
            }
            KeyCode::Char(_) | KeyCode::Backspace if on_template => FormKey::Edited,
            _ => form.key(key),
        };
        if answer == FormKey::Edited && form.focus == TEMPLATE && self.template.unit.as_deref() != Some(form.value(0)) {
            self.template.ask(form, cx);
        }
        answer
    }

    fn send_confirm(&self, id: Uuid, messages: &[NewMessage], cx: &Cx) -> Mode {
        let unit = self.rows.iter().flatten().find(|l| l.detail.lease.id == id).map(|l| l.unit_number.clone());
        let mut text = vec![
            format!(
                "Send the lease for unit {} to be signed? {} email(s) are queued, exactly:",
                unit.unwrap_or_default(),
                messages.len()
            ),
            String::new(),
        ];
        for (i, m) in messages.iter().enumerate() {
            text.push(format!("── Email {} of {} ──", i + 1, messages.len()));
            text.push(format!("To: {} <{}>", m.recipient_name, m.recipient));
            text.push(format!("Subject: {}", m.subject));
            text.extend(m.body.lines().map(str::to_string));
            text.push(String::new());
        }
        text.push("Each link is made when sent and works only for its signer.".into());
        let action = LeaseGenerationAction::SendForSigning { signers: vec![], actor: cx.actor.clone() };
        Mode::Confirm { title: "Send for signing", text, yes: "send", id, action: Box::new(action), scroll: 0 }
    }
}

impl Screen for LeaseGen {
    fn title(&self) -> String {
        "Lease builder".into()
    }
    fn nav(&self) -> Nav {
        Nav::LeaseGen
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LEASE_GEN
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::LeaseGen(LeaseGenRequest::List { now: cx.now }));
    }
    fn loading(&self) -> bool {
        (self.rows.is_none() && self.error.is_none()) || self.refreshing
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::List) || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let mode = std::mem::replace(&mut self.mode, Mode::List);
        self.mode = match mode {
            Mode::List => Mode::List,
            Mode::New { mut form, application } => match self.new_form_key(&mut form, key, cx) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::New { form, application },
                FormKey::Submit => {
                    self.submit_new(&mut form, application, cx);
                    Mode::New { form, application }
                }
            },
            Mode::Edit { mut form, id, unit } => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Edit { form, id, unit },
                FormKey::Submit => {
                    self.submit_edit(&mut form, id, &unit, cx);
                    Mode::Edit { form, id, unit }
                }
            },
            Mode::Sign { mut form, signature } => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Sign { form, signature },
                FormKey::Submit => {
                    if form.check(|_, v| v.is_empty().then(|| "The signer types their full name".into())) {
                        self.busy = true;
                        cx.request(Request::LeaseGen(LeaseGenRequest::SignInPerson {
                            signature_id: signature,
                            name: form.value(0).to_string(),
                            actor: cx.actor.clone(),
                            now: cx.now,
                        }));
                    }
                    Mode::Sign { form, signature }
                }
            },
            Mode::Renew(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Renew(form),
                FormKey::Submit => {
                    let pct = form.value(0).trim_end_matches('%').trim().parse::<Decimal>();
                    if !form.check(|_, _| pct.is_err().then(|| "A percent, e.g. 3 or -2.5".into())) {
                        Mode::Renew(form)
                    } else if let (Some(l), Ok(pct)) = (self.selected(), pct) {
                        let action = LeaseGenerationAction::CreateRenewal {
                            from: l.detail.lease.id,
                            new_rent: None,
                            rent_increase_pct: Some(pct),
                            term_months: None,
                            actor: cx.actor.clone(),
                        };
                        let id = Uuid::new_v4();
                        self.select = Some(id);
                        self.act(id, action, cx);
                        Mode::Renew(form)
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Void(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Void(form),
                FormKey::Submit => {
                    if !form.check(|_, v| v.is_empty().then(|| "The reason is recorded on the lease".into())) {
                        Mode::Void(form)
                    } else if let Some(l) = self.selected() {
                        let reason = form.value(0).to_string();
                        let open = l.detail.signatures.iter().filter(|s| s.status != "signed").count();
                        let text = vec![
                            format!(
                                "Void the lease for unit {} ({})?",
                                l.unit_number, l.detail.lease.lease_terms.tenant_name
                            ),
                            format!("Reason: {reason}"),
                            format!(
                                "{open} signature request(s) not signed are marked declined; their links stop working."
                            ),
                            "Nothing is emailed. A voided lease cannot change.".into(),
                        ];
                        let action = LeaseGenerationAction::Void { reason, actor: cx.actor.clone() };
                        Mode::Confirm {
                            title: "Void",
                            text,
                            yes: "void it",
                            id: l.detail.lease.id,
                            action: Box::new(action),
                            scroll: 0,
                        }
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Confirm { title, text, yes, id, action, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.act(id, *action, cx);
                    Mode::List
                }
                ConfirmKey::No => {
                    cx.message("Cancelled: nothing was recorded or sent");
                    Mode::List
                }
                ConfirmKey::Stay { scroll } => Mode::Confirm { title, text, yes, id, action, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        let status = self.selected().map(|l| l.detail.lease.status.clone());
        match action {
            Action::AddRecord => {
                self.template = TemplateChoice::default();
                self.mode = Mode::New { form: new_form(cx.today, "", "", ""), application: None }
            }
            Action::EditRecord => match (self.selected(), status.as_deref()) {
                (Some(l), Some("draft" | "review")) => {
                    self.mode = Mode::Edit { form: edit_form(l), id: l.detail.lease.id, unit: l.unit_number.clone() }
                }
                (Some(_), Some(s)) => cx.message(format!(
                    "The lease is {}: only a draft not yet sent for signing can be edited (void it and generate again)",
                    status_label(s)
                )),
                _ => cx.message("No lease to edit"),
            },
            Action::Open => match self.selected() {
                Some(l) => cx.push(Box::new(super::unit::UnitDetail::new(l.detail.lease.unit_id))),
                None => cx.message("No lease selected"),
            },
            Action::AssessLease => match (self.selected(), status.as_deref()) {
                (Some(l), Some(s)) if !matches!(s, "fully_signed" | "voided") => {
                    let id = l.detail.lease.id;
                    self.act(id, LeaseGenerationAction::AssessRisk, cx)
                }
                (Some(_), Some(s)) => cx.message(format!("The lease is {} and cannot change", status_label(s))),
                _ => cx.message("No lease to re-assess"),
            },
            Action::Send => match (self.selected(), status.as_deref()) {
                (Some(l), Some("draft" | "review")) => {
                    if !l.detail.sendable {
                        cx.message("The lease cannot be sent: fix the errors shown (e edits the draft)");
                    } else {
                        let id = l.detail.lease.id;
                        self.busy = true;
                        cx.request(Request::LeaseGen(LeaseGenRequest::Preview {
                            id,
                            actor: cx.actor.clone(),
                            now: cx.now,
                        }));
                    }
                }
                (Some(_), Some(s)) => cx.message(format!("The lease is {} already", status_label(s))),
                _ => cx.message("No lease to send"),
            },
            Action::SignInPerson => match self.selected() {
                Some(l) => match l.detail.signatures.iter().find(|s| matches!(s.status.as_str(), "pending" | "viewed"))
                {
                    Some(sig) => {
                        let intro = format!(
                            "{} <{}> ({}) signs in person. They have read the lease here and agree to sign \
                             electronically; they type their name.",
                            sig.signer_name,
                            sig.signer_email,
                            sig.signer_role.replace('_', " ")
                        );
                        self.mode = Mode::Sign {
                            form: Form::new("Sign in person", SIGN, vec![String::new()])
                                .with_enter("sign")
                                .with_intro(intro),
                            signature: sig.id,
                        }
                    }
                    None if matches!(l.detail.lease.status.as_str(), "draft" | "review") => {
                        cx.message("Send the lease for signing first (s): it makes each signer's request")
                    }
                    None => cx.message(format!(
                        "Nobody is left to sign: the lease is {}",
                        status_label(&l.detail.lease.status)
                    )),
                },
                None => cx.message("No lease to sign"),
            },
            Action::RenewLease => match status.as_deref() {
                Some("fully_signed") => {
                    self.mode = Mode::Renew(
                        Form::new("Renewal", RENEW, vec!["3".into()])
                            .with_enter("make the draft")
                            .with_intro("A renewal draft: 12 months from the day after this lease ends."),
                    )
                }
                Some(s) => {
                    cx.message(format!("A renewal is made from a fully signed lease (this one is {})", status_label(s)))
                }
                None => cx.message("No lease to renew"),
            },
            Action::VoidEntry => match status.as_deref() {
                Some("fully_signed" | "voided") => cx.message(format!(
                    "The lease is {} and cannot change",
                    status_label(status.as_deref().unwrap_or_default())
                )),
                Some(_) => self.mode = Mode::Void(Form::new("Void the lease", VOID, vec![String::new()])),
                None => cx.message("No lease to void"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::LeaseGen(LeaseGenData::List(rows)) => {
                self.cursor.len = rows.len();
                if let Some(i) = self.select.take().and_then(|id| rows.iter().position(|l| l.detail.lease.id == id)) {
                    self.cursor.selected = i;
                }
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
                self.refreshing = false;
            }
            Data::LeaseGen(LeaseGenData::TemplateChoices { unit, state, templates, note }) => {
                if self.template.unit.as_deref() != Some(unit.as_str()) {
                    return;
                }
                let keep = self.template.keep;
                let pick = keep.and_then(|k| templates.iter().position(|t| t.id == k)).map_or(0, |i| i + 1);
                self.template =
                    TemplateChoice { unit: Some(unit), asking: false, state, templates, note, pick, keep: None };
                if let Mode::New { form, .. } = &mut self.mode {
                    form.fields[TEMPLATE] = self.template.label();
                }
            }
            Data::LeaseGen(LeaseGenData::Preview { id, messages }) => {
                self.busy = false;
                self.mode = self.send_confirm(id, &messages, cx);
            }
            Data::LeaseGen(LeaseGenData::NeedsVariables { names, messages }) => {
                self.busy = false;
                self.select = None;
                if let Mode::New { form, .. } = &mut self.mode {
                    if form.value(VARIABLES).is_empty() {
                        form.fields[VARIABLES] = names.iter().map(|n| format!("{n}=")).collect::<Vec<_>>().join("; ");
                    }
                    form.focus = VARIABLES;
                    form.errors[VARIABLES] = Some(format!("Needs a value: {}", names.join(", ")));
                    form.error = Some(format!("Nothing was made yet. {}", messages.join(" ")));
                }
            }
            Data::LeaseGen(LeaseGenData::Done(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                if let Some(d) = &out.lease {
                    let l = &d.lease;
                    let errors = warnings(l).iter().filter(|w| w.0).count();
                    let risk = l.ai_risk_assessment.get("overall_score").and_then(|v| v.as_i64()).unwrap_or_default();
                    let mut text =
                        format!("{}: lease {} · risk {risk}", l.lease_terms.tenant_name, status_label(&l.status));
                    if !out.signing_links.is_empty() {
                        text.push_str(&format!(" · {} signing email(s) queued", out.signing_links.len()));
                    }
                    if errors > 0 {
                        text.push_str(&format!(" · {errors} error(s) to fix before sending"));
                    }
                    cx.message(text);
                }
                self.refreshing = true;
                self.reload(cx);
            }
            Data::LeaseGen(LeaseGenData::Signed(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                let mut text = format!("Signed: lease {}", status_label(&out.lease_status));
                if !out.waiting_for.is_empty() {
                    text.push_str(&format!(" · waiting for {}", out.waiting_for.join(", ")));
                }
                if out.tenant_lease_id.is_some() {
                    text.push_str(" · lease record made: the unit is occupied");
                }
                cx.message(text);
                self.refreshing = true;
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                self.select = None;
                if let Mode::New { form, .. } = &mut self.mode {
                    // The template may have been retired since the list was read: the list is
                    // read again (the picked one stays picked while it is offered).
                    if self.template.picked().is_some() {
                        self.template.ask(form, cx);
                    }
                }
                match &mut self.mode {
                    Mode::New { form, .. } | Mode::Edit { form, .. } | Mode::Sign { form, .. } | Mode::Renew(form) => {
                        form.error = Some(e)
                    }
                    _ => cx.message(format!("Refused: {e}")),
                }
            }
            Data::Error(e) => {
                self.refreshing = false;
                // The unit's templates could not be read: asked again when the field is reached.
                if self.template.asking {
                    self.template = TemplateChoice::default();
                }
                self.error = Some(e)
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        match &self.rows {
            None => placeholder(f, area, &self.error),
            Some(rows) if rows.is_empty() => {
                let text = "No generated leases yet: n makes one for a unit (or g on an approved application in \
                            :screening).";
                f.render_widget(
                    Paragraph::new(Line::styled(text, theme::dim()))
                        .wrap(Wrap { trim: true })
                        .block(Block::bordered().border_style(theme::dim())),
                    area,
                );
            }
            Some(rows) => self.draw_list(f, area, rows),
        }
        match &self.mode {
            Mode::New { form, .. }
            | Mode::Edit { form, .. }
            | Mode::Sign { form, .. }
            | Mode::Renew(form)
            | Mode::Void(form) => {
                form.draw(f, area);
                if self.busy {
                    form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3);
                }
            }
            Mode::Confirm { title, text, yes, scroll, .. } => confirm(f, area, title, text, yes, *scroll),
            Mode::List if self.busy => form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3),
            Mode::List => {}
        }
    }
}

/// What a key does in a [`confirm`]: y/Enter accepts, n/Esc cancels, ↑/↓ (PgUp/PgDn by ten)
/// scroll; any other key stays where it is.
pub(crate) enum ConfirmKey {
    Yes,
    No,
    Stay { scroll: u16 },
}

pub(crate) fn confirm_key(key: KeyEvent, scroll: u16, lines: usize) -> ConfirmKey {
    let max = lines.saturating_sub(1) as u16;
    let scroll = match key.code {
        KeyCode::Char('y') | KeyCode::Enter => return ConfirmKey::Yes,
        KeyCode::Char('n') | KeyCode::Esc => return ConfirmKey::No,
        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1).min(max),
        KeyCode::PageDown => scroll.saturating_add(10).min(max),
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::PageUp => scroll.saturating_sub(10),
        _ => scroll,
    };
    ConfirmKey::Stay { scroll }
}

/// A confirm that scrolls (↑/↓) and always shows its keys at the bottom.
pub(crate) fn confirm(f: &mut Frame, area: Rect, title: &str, text: &[String], yes: &str, scroll: u16) {
    let w = area.width.min(76);
    let inner = w.saturating_sub(2).max(1) as usize;
    let rows: usize = text.iter().map(|t| t.chars().count().div_ceil(inner).max(1)).sum();
    let h = (rows as u16 + 2).min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    f.render_widget(Clear, r);
    let lines: Vec<Line> = text.iter().map(|t| Line::raw(t.clone())).collect();
    let keys = format!(" y/Enter: {yes} · n/Esc: cancel · ↑/↓ scroll ");
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(
            Block::bordered()
                .title(format!(" {title} "))
                .title_bottom(Line::styled(keys, theme::bold().fg(theme::accent()))),
        ),
        r,
    );
}

impl LeaseGen {
    fn draw_list(&self, f: &mut Frame, area: Rect, rows: &[GenListed]) {
        let [list, detail] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let header = Row::new(vec![
            Cell::from("Status"),
            Cell::from("Unit"),
            Cell::from("Tenant"),
            right("Risk".into()),
            Cell::from("To sign"),
        ])
        .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let body: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|l| {
                let lease = &l.detail.lease;
                Row::new(vec![
                    Cell::from(Line::styled(status_label(&lease.status), status_style(&lease.status))),
                    Cell::from(l.unit_number.clone()),
                    Cell::from(lease.lease_terms.tenant_name.clone()),
                    right(risk(l).map_or("—".into(), |r| r.to_string())),
                    Cell::from(waiting(l)),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(16),
            Constraint::Length(6),
            Constraint::Fill(1),
            Constraint::Length(4),
            Constraint::Fill(1),
        ];
        let table = Table::new(body, widths)
            .header(header)
            .block(Block::bordered().title(format!(" Generated leases ({}) ", rows.len())).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        let Some(l) = self.selected() else { return };
        f.render_widget(
            Paragraph::new(detail_lines(l))
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Lease ").border_style(theme::dim())),
            detail,
        );
    }
}

/// The selected lease: terms, rules broken, signatures, clauses.
fn detail_lines(l: &GenListed) -> Vec<Line<'static>> {
    let lease = &l.detail.lease;
    let t = &lease.lease_terms;
    let mut lines = vec![
        Line::styled(format!("{} · {}", t.tenant_name, t.tenant_email), theme::bold()),
        Line::raw(format!(
            "Unit {} at {} ({}){}",
            l.unit_number,
            l.property_name,
            l.property_state,
            if lease.is_renewal { " · renewal" } else { "" }
        )),
        Line::raw(format!(
            "{} a month · deposit {} · due day {} · late fee {} after {} days",
            money(t.monthly_rent),
            money(t.security_deposit),
            t.rent_due_day,
            money(t.late_fee),
            t.grace_days
        )),
        Line::raw(format!("{} to {} ({} months)", date(t.start_date), date(t.end_date), term_months(t))),
        Line::styled(
            format!(
                "Status: {} · overall risk {} (a clause over 70 is flagged)",
                status_label(&lease.status),
                l.detail
                    .lease
                    .ai_risk_assessment
                    .get("overall_score")
                    .and_then(|v| v.as_i64())
                    .map_or("—".into(), |r| r.to_string())
            ),
            status_style(&lease.status),
        ),
    ];
    if lease.tenant_lease_id.is_some() {
        lines.push(Line::raw("Lease record made: the unit is occupied."));
    }
    if matches!(lease.status.as_str(), "draft" | "review") {
        lines.push(if l.detail.sendable {
            Line::styled("Ready to send (s).", Style::new().fg(theme::accent()))
        } else {
            Line::styled("Cannot be sent until the errors are fixed.", theme::error())
        });
    }
    lines.push(Line::raw(""));
    let ws = warnings(lease);
    lines.push(Line::styled(format!("Rules of {} ({})", l.property_state, ws.len()), theme::bold()));
    if ws.is_empty() {
        lines.push(Line::styled("No rule broken.", theme::dim()));
    }
    for (error, message, statute) in ws {
        let statute = if statute.is_empty() { String::new() } else { format!(" ({statute})") };
        lines.push(if error {
            Line::styled(format!("ERROR {message}{statute}"), theme::error())
        } else {
            Line::raw(format!("warn  {message}{statute}"))
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Signatures", theme::bold()));
    if l.detail.signatures.is_empty() {
        lines.push(Line::styled("Not sent for signing yet.", theme::dim()));
    }
    for s in &l.detail.signatures {
        let mut text =
            format!("{} {} <{}>: {}", s.signer_role.replace('_', " "), s.signer_name, s.signer_email, s.status);
        if s.viewed_at.is_some() {
            text.push_str(&format!(" · viewed {}", when(s.viewed_at)));
        }
        if s.signed_at.is_some() {
            text.push_str(&format!(" · signed {}", when(s.signed_at)));
        }
        lines.push(Line::styled(
            text,
            if s.status == "signed" { Style::new() } else { Style::new().fg(theme::accent()) },
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Clauses ({})", l.detail.clauses.len()), theme::bold()));
    for c in &l.detail.clauses {
        let flagged = c.clause.risk_score > 70;
        let text = format!(
            "{:>2}. {} — risk {}{}",
            c.number,
            c.clause.title,
            c.clause.risk_score,
            if flagged { " ⚑" } else { "" }
        );
        lines.push(if flagged { Line::styled(text, theme::error()) } else { Line::raw(text) });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variables_are_name_value_pairs_and_the_term_starts_next_month() {
        let v = parse_variables("landlord_paid_utilities = water and trash; floodplain_status=is not;").unwrap();
        assert_eq!(v["landlord_paid_utilities"], "water and trash");
        assert_eq!(v["floodplain_status"], "is not");
        assert!(parse_variables("water").is_err());
        assert!(parse_variables("=x").is_err());
        let (start, end) = default_term(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!((start.to_string(), end.to_string()), ("2026-12-01".into(), "2027-11-30".into()));
    }

    #[test]
    fn errors_come_first_each_with_its_statute() {
        let lease: GeneratedLease = serde_json::from_value(json!({
            "id": Uuid::nil(), "unit_id": Uuid::nil(), "property_id": Uuid::nil(),
            "lease_terms": {"start_date": "2026-12-01", "end_date": "2027-11-30", "monthly_rent": "1450.00"},
            "clause_ids": [], "ai_risk_assessment": {"overall_score": 80},
            "jurisdiction_warnings": [
                {"rule_type": "late_fee_cap", "severity": "warning", "message": "Late fee high.", "statute_reference": "A 1"},
                {"rule_type": "security_deposit_limit", "severity": "error", "message": "Deposit over the limit.",
                 "statute_reference": "Tex. Prop. Code 92"},
            ],
            "document_url": "", "document_html": "", "status": "draft", "is_renewal": false,
            "renewal_changes": [], "translations": {}, "signed_document_sha256": "", "created_by": "",
            "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z",
        }))
        .unwrap();
        let w = warnings(&lease);
        assert_eq!(w[0], (true, "Deposit over the limit.".into(), "Tex. Prop. Code 92".into()));
        assert!(!w[1].0);
        assert_eq!(status_label("sent_for_signing"), "sent for signing");
    }
}
