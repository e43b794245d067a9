//! Records entered by hand (properties, buildings, units, tenants, ledger entries): one flow for
//! every kind, form → confirm → apply → refresh. A [`Kind`] gives only its fields and how they
//! become a [`RecordAction`]; the fields are checked by the core's constructors (a message that
//! names a field sits under it, any other is the form's), the confirm step states what will be
//! written, and the worker applies it with `records::workflow::replica_record_action`. Esc
//! leaves at any step with nothing written; a refusal of the core comes back into the form (or,
//! for an action without one, a pop-up).

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format::{money, parse_money};
use unitcycle_core::model::{Building, Lease, LedgerEntry, Property, Tenant, TransType, Unit, UnitStatus};
use unitcycle_core::records::{
    BuildingInput, EntryKind, LedgerInput, PropertyInput, PropertyPatch, RecordAction, TenantPatch, UnitInput,
    UnitPatch, PROPERTY_TYPES,
};
use uuid::Uuid;

use crate::app::form::{self, Form, FormKey};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx};

pub const PROPERTY_FIELDS: [&str; 8] = ["Name", "Address", "City", "State", "Zip", "Type", "Year built", "Time zone"];
const PROPERTY_KEYS: [&str; 8] =
    ["name", "address", "city", "state", "zip_code", "property_type", "year_built", "time_zone"];
pub const BUILDING_FIELDS: [&str; 2] = ["Name", "Floors"];
const BUILDING_KEYS: [&str; 2] = ["name", "floors"];
pub const UNIT_FIELDS: [&str; 8] =
    ["Unit number", "Building", "Floor", "Bedrooms", "Bathrooms", "Square feet", "Market rent", "Status"];
const UNIT_KEYS: [&str; 8] =
    ["unit_number", "building", "floor", "bedrooms", "bathrooms", "square_feet", "market_rent", "status"];
pub const CHARGE_FIELDS: [&str; 4] = ["Amount", "Date", "Category", "Description"];
const CHARGE_KEYS: [&str; 4] = ["amount", "trans_date", "category", "description"];
pub const PAYMENT_FIELDS: [&str; 3] = ["Amount", "Date", "Description"];
const PAYMENT_KEYS: [&str; 3] = ["amount", "trans_date", "description"];
pub const VOID_FIELDS: [&str; 1] = ["Reason"];
pub const TENANT_FIELDS: [&str; 5] = ["First name", "Last name", "Email", "Phone", "Forwarding address"];
const TENANT_KEYS: [&str; 5] = ["first_name", "last_name", "email", "phone", "forwarding_address"];

/// What a form makes or changes, with what it is checked against.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A new property; `zone` prefills the time zone.
    NewProperty {
        zone: String,
    },
    EditProperty(Box<Property>),
    NewBuilding {
        property_id: Uuid,
        property: String,
    },
    NewUnit {
        property_id: Uuid,
        property: String,
        buildings: Vec<Building>,
    },
    /// `leased`: a lease holds the unit now (its status is the lease's).
    EditUnit {
        unit: Box<Unit>,
        buildings: Vec<Building>,
        leased: bool,
    },
    /// A charge, payment or credit on `lease`; `today` is the property's local date.
    Post {
        lease: Box<Lease>,
        kind: EntryKind,
        today: NaiveDate,
        balance: Decimal,
    },
    Void {
        entry: Box<LedgerEntry>,
        lease_number: String,
    },
    EditTenant(Box<Tenant>),
}

/// A form of one [`Kind`], with the values it opened with (an edit writes only what changed).
#[derive(Debug, Clone)]
pub struct RecordForm {
    pub form: Form,
    kind: Kind,
    initial: Vec<String>,
}

/// A checked change: the record's id, the action and the confirm step's text.
struct Planned {
    id: Uuid,
    action: RecordAction,
    text: String,
    done: String,
}

fn building_name(buildings: &[Building], id: Option<Uuid>) -> String {
    id.and_then(|id| buildings.iter().find(|b| b.id == id)).map_or(String::new(), |b| b.name.clone())
}

impl RecordForm {
    pub fn new(kind: Kind) -> RecordForm {
        let (title, labels, values): (&'static str, &'static [&'static str], Vec<String>) = match &kind {
            Kind::NewProperty { zone } => (
                "New property",
                &PROPERTY_FIELDS,
                vec![String::new(); 5].into_iter().chain(["multifamily".into(), String::new(), zone.clone()]).collect(),
            ),
            Kind::EditProperty(p) => (
                "Edit property",
                &PROPERTY_FIELDS,
                vec![
                    p.name.clone(),
                    p.address.clone(),
                    p.city.clone(),
                    p.state.clone(),
                    p.zip_code.clone(),
                    p.property_type.clone(),
                    p.year_built.map_or(String::new(), |y| y.to_string()),
                    p.time_zone.clone(),
                ],
            ),
            Kind::NewBuilding { .. } => ("New building", &BUILDING_FIELDS, vec![String::new(), "1".into()]),
            Kind::NewUnit { .. } => (
                "New unit",
                &UNIT_FIELDS[..7],
                vec![String::new(), String::new(), "1".into(), "1".into(), "1".into(), "0".into(), "0.00".into()],
            ),
            Kind::EditUnit { unit: u, buildings, .. } => (
                "Edit unit",
                &UNIT_FIELDS,
                vec![
                    u.unit_number.clone(),
                    building_name(buildings, u.building_id),
                    u.floor.to_string(),
                    u.bedrooms.to_string(),
                    u.bathrooms.normalize().to_string(),
                    u.square_feet.to_string(),
                    u.market_rent.round_dp(2).to_string(),
                    u.status.as_str().to_string(),
                ],
            ),
            Kind::Post { kind, today, .. } => match kind {
                EntryKind::Charge => {
                    ("Post a charge", &CHARGE_FIELDS, vec![String::new(), today.to_string(), "rent".into()])
                }
                EntryKind::Payment => ("Record a payment", &PAYMENT_FIELDS, vec![String::new(), today.to_string()]),
                EntryKind::Credit => ("Post a credit", &PAYMENT_FIELDS, vec![String::new(), today.to_string()]),
            },
            Kind::Void { .. } => ("Void the entry", &VOID_FIELDS, vec![]),
            Kind::EditTenant(t) => (
                "Edit tenant",
                &TENANT_FIELDS,
                vec![
                    t.first_name.clone(),
                    t.last_name.clone(),
                    t.email.clone(),
                    t.phone.clone(),
                    t.forwarding_address.clone(),
                ],
            ),
        };
        let form = Form::new(title, labels, values);
        let initial = form.fields.clone();
        RecordForm { form, kind, initial }
    }

    /// The core field names of the form's fields (a core message starting with one is shown
    /// under that field).
    fn keys(&self) -> &'static [&'static str] {
        match &self.kind {
            Kind::NewProperty { .. } | Kind::EditProperty(_) => &PROPERTY_KEYS,
            Kind::NewBuilding { .. } => &BUILDING_KEYS,
            Kind::NewUnit { .. } => &UNIT_KEYS[..7],
            Kind::EditUnit { .. } => &UNIT_KEYS,
            Kind::Post { kind: EntryKind::Charge, .. } => &CHARGE_KEYS,
            Kind::Post { .. } => &PAYMENT_KEYS,
            Kind::Void { .. } => &["reason"],
            Kind::EditTenant(_) => &TENANT_KEYS,
        }
    }

    /// Puts a refusal under the field it names, or on the form.
    pub fn refuse(&mut self, e: String) {
        // The message says the field as a person would (`humanize`); either form finds it.
        let e = crate::app::words::humanize(&e);
        let lower = e.to_lowercase();
        let field = self.keys().iter().position(|k| {
            lower.starts_with(k)
                || lower.starts_with(&crate::app::words::humanize(k).to_lowercase())
                || lower.starts_with(&format!("unknown {}", k.replace('_', " ")))
        });
        match field {
            Some(i) => {
                self.form.errors[i] = Some(e);
                self.form.focus = i;
            }
            None => self.form.error = Some(e),
        }
    }

    /// "Label: old → new" for each field that changed (an edit's confirm text).
    fn changes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, label) in self.form.labels.iter().enumerate() {
            let (old, new) = (self.initial[i].trim(), self.form.value(i));
            if old != new {
                let show = |s: &str| if s.is_empty() { "(empty)".to_string() } else { format!("\"{s}\"") };
                out.push(format!("{label} {} → {}", show(old), show(new)));
            }
        }
        out
    }

    /// The new value of field `i` when it changed.
    fn changed(&self, i: usize) -> Option<String> {
        (self.initial[i].trim() != self.form.value(i)).then(|| self.form.value(i).to_string())
    }

    /// Checks the form; on success the change to confirm, else each bad field carries its message.
    fn plan(&mut self, now: DateTime<Utc>) -> Option<Planned> {
        let kind = self.kind.clone();
        let ints: &[usize] = match kind {
            Kind::NewProperty { .. } | Kind::EditProperty(_) => &[6],
            Kind::NewBuilding { .. } => &[1],
            Kind::NewUnit { .. } | Kind::EditUnit { .. } => &[2, 3, 5],
            _ => &[],
        };
        let buildings = match &kind {
            Kind::NewUnit { buildings, .. } | Kind::EditUnit { buildings, .. } => buildings.clone(),
            _ => Vec::new(),
        };
        let find_building = |text: &str| -> Result<Option<Uuid>, String> {
            if text.is_empty() {
                return Ok(None);
            }
            match buildings.iter().find(|b| b.name.eq_ignore_ascii_case(text)) {
                Some(b) => Ok(Some(b.id)),
                None if buildings.is_empty() => Err("the property has no buildings: leave it empty".into()),
                None => Err(format!(
                    "no building '{text}': one of {} (or empty)",
                    buildings.iter().map(|b| b.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            }
        };
        let is_unit = matches!(kind, Kind::NewUnit { .. } | Kind::EditUnit { .. });
        let is_property = matches!(kind, Kind::NewProperty { .. } | Kind::EditProperty(_));
        let is_post = matches!(kind, Kind::Post { .. });
        let ok = self.form.check(|i, text| {
            if ints.contains(&i) && !(text.is_empty() && is_property) {
                return text.parse::<i32>().err().map(|_| format!("'{text}' is not a whole number"));
            }
            match i {
                5 if is_property => (!PROPERTY_TYPES.contains(&text.to_lowercase().as_str()))
                    .then(|| format!("one of: {}", PROPERTY_TYPES.join(", "))),
                7 if is_property => unitcycle_core::time::zone(text).err(),
                1 if is_unit => find_building(text).err(),
                4 if is_unit => text.parse::<Decimal>().err().map(|_| format!("'{text}' is not a number (e.g. 1.5)")),
                6 if is_unit => parse_money(text).err(),
                7 if is_unit => UnitStatus::parse(&text.to_lowercase())
                    .is_none()
                    .then(|| "vacant or maintenance (occupied comes from a lease)".into()),
                0 if is_post => parse_money(text).err(),
                1 if is_post => crate::cli::parse_date(text).err(),
                _ => None,
            }
        });
        if !ok {
            // The cursor goes to the first field to mend.
            self.form.focus = self.form.errors.iter().position(Option::is_some).unwrap_or(self.form.focus);
            return None;
        }
        let f = &self.form;
        let int = |i: usize| f.value(i).parse::<i32>().unwrap_or_default();
        let planned = match kind {
            Kind::NewProperty { .. } => {
                let input = PropertyInput {
                    name: f.value(0).into(),
                    address: f.value(1).into(),
                    city: f.value(2).into(),
                    state: f.value(3).into(),
                    zip_code: f.value(4).into(),
                    property_type: f.value(5).into(),
                    year_built: (!f.value(6).is_empty()).then(|| int(6)),
                    time_zone: f.value(7).into(),
                };
                let p = input.clone().into_property(Uuid::nil(), now);
                let p = self.checked(p)?;
                let place = [p.address.as_str(), p.city.as_str(), p.state.as_str(), p.zip_code.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                Planned {
                    id: Uuid::new_v4(),
                    text: format!(
                        "Create the property \"{}\" ({}{}{}) in the time zone {}.",
                        p.name,
                        p.property_type,
                        if place.is_empty() { String::new() } else { format!(", {place}") },
                        p.year_built.map_or(String::new(), |y| format!(", built {y}")),
                        p.time_zone
                    ),
                    done: format!("Saved: property {} created ({})", p.name, p.time_zone),
                    action: RecordAction::CreateProperty(input),
                }
            }
            Kind::EditProperty(p) => {
                let patch = PropertyPatch {
                    name: self.changed(0),
                    address: self.changed(1),
                    city: self.changed(2),
                    state: self.changed(3),
                    zip_code: self.changed(4),
                    property_type: self.changed(5),
                    year_built: self.changed(6).map(|_| int(6)),
                    time_zone: self.changed(7),
                };
                if self.form.value(6).is_empty() && p.year_built.is_some() {
                    self.form.errors[6] = Some("a year built cannot be cleared; give one".into());
                    return None;
                }
                let checked = patch.clone().apply(&p, now);
                self.checked(checked)?;
                self.edit(p.id, format!("property \"{}\"", p.name), RecordAction::UpdateProperty(patch))?
            }
            Kind::NewBuilding { property_id, property } => {
                let input = BuildingInput { property_id, name: f.value(0).into(), floors: int(1) };
                let b = self.checked(input.clone().into_building(Uuid::nil(), now))?;
                Planned {
                    id: Uuid::new_v4(),
                    text: format!("Add the building \"{}\" ({} floors) to {property}.", b.name, b.floors),
                    done: format!("Saved: building {} added", b.name),
                    action: RecordAction::CreateBuilding(input),
                }
            }
            Kind::NewUnit { property_id, property, buildings } => {
                let input = UnitInput {
                    property_id,
                    building_id: find_building(f.value(1)).ok().flatten(),
                    unit_number: f.value(0).into(),
                    floor: int(2),
                    bedrooms: int(3),
                    bathrooms: f.value(4).parse().unwrap_or_default(),
                    square_feet: int(5),
                    market_rent: parse_money(f.value(6)).unwrap_or_default(),
                };
                let u = self.checked(input.clone().into_unit(Uuid::nil(), now))?;
                let building = building_name(&buildings, u.building_id);
                Planned {
                    id: Uuid::new_v4(),
                    text: format!(
                        "Add unit {} to {property}{}: floor {}, {} bd, {} ba, {} sq ft, market rent {}. It starts vacant.",
                        u.unit_number,
                        if building.is_empty() { String::new() } else { format!(" (building {building})") },
                        u.floor,
                        u.bedrooms,
                        u.bathrooms,
                        u.square_feet,
                        money(u.market_rent)
                    ),
                    done: format!("Saved: unit {} added", u.unit_number),
                    action: RecordAction::CreateUnit(input),
                }
            }
            Kind::EditUnit { unit, leased, .. } => {
                if f.value(1).is_empty() && unit.building_id.is_some() {
                    self.form.errors[1] = Some("a unit keeps a building once it has one; name it".into());
                    return None;
                }
                let patch = UnitPatch {
                    unit_number: self.changed(0),
                    building_id: self.changed(1).and_then(|t| find_building(&t).ok().flatten()),
                    floor: self.changed(2).map(|_| int(2)),
                    bedrooms: self.changed(3).map(|_| int(3)),
                    bathrooms: self.changed(4).and_then(|t| t.parse().ok()),
                    square_feet: self.changed(5).map(|_| int(5)),
                    market_rent: self.changed(6).and_then(|t| parse_money(&t).ok()),
                    status: self.changed(7).and_then(|t| UnitStatus::parse(&t.to_lowercase())),
                };
                let checked = patch.clone().apply(&unit, leased, now);
                self.checked(checked)?;
                self.edit(unit.id, format!("unit {}", unit.unit_number), RecordAction::UpdateUnit(patch))?
            }
            Kind::Post { lease, kind, today, balance } => {
                let charge = kind == EntryKind::Charge;
                let input = LedgerInput {
                    lease_id: lease.id,
                    kind,
                    category: if charge { f.value(2).into() } else { String::new() },
                    description: f.value(if charge { 3 } else { 2 }).into(),
                    amount: parse_money(f.value(0)).unwrap_or_default(),
                    trans_date: crate::cli::parse_date(f.value(1)).unwrap_or(today),
                    due_date: None,
                };
                let e = self.checked(input.clone().into_entry(&lease, Uuid::nil(), today, now))?;
                let after = match e.trans_type {
                    TransType::Charge => balance + e.amount,
                    TransType::Payment => balance - e.amount,
                };
                let what = match kind {
                    EntryKind::Charge => format!("a {} charge", e.category.replace('_', " ")),
                    EntryKind::Payment => "a payment".into(),
                    EntryKind::Credit => "a credit".into(),
                };
                // Paying more than is owed is allowed, and said: the excess is a credit.
                let warning = match kind {
                    EntryKind::Payment => {
                        unitcycle_core::collections::overpayment_warning(e.amount, balance.max(Decimal::ZERO))
                            .map(|w| format!(" Warning: {w}."))
                    }
                    _ => None,
                };
                Planned {
                    id: Uuid::new_v4(),
                    text: format!(
                        "Post {what} of {} on lease {} dated {}, \"{}\". The balance goes from {} to {}.{}",
                        money(e.amount),
                        lease.lease_number,
                        e.trans_date,
                        e.description,
                        money(balance),
                        money(after),
                        warning.unwrap_or_default()
                    ),
                    done: format!("Saved: {what} of {} posted; balance {}", money(e.amount), money(after)),
                    action: RecordAction::PostLedger(input),
                }
            }
            Kind::Void { entry, lease_number } => {
                let reason = f.value(0).to_string();
                let check = unitcycle_core::records::void_entry(&entry, &reason, Uuid::nil(), entry.trans_date, now);
                self.checked(check)?;
                let kind = entry.trans_type.as_str().to_lowercase();
                let what = match entry.category.replace('_', " ") {
                    c if c == kind => kind,
                    c => format!("{c} {kind}"),
                };
                let back = match entry.trans_type {
                    TransType::Charge => "a payment",
                    TransType::Payment => "a charge",
                };
                Planned {
                    id: entry.id,
                    text: format!(
                        "Void the {what} of {} dated {} (\"{}\") on lease {lease_number}: a reversing entry ({back} \
                         of {}, category void, reason \"{reason}\") is added today; both stay on the ledger.",
                        money(entry.amount),
                        entry.trans_date,
                        entry.description,
                        money(entry.amount)
                    ),
                    done: format!("Saved: the entry of {} is voided", money(entry.amount)),
                    action: RecordAction::VoidLedger { reason },
                }
            }
            Kind::EditTenant(t) => {
                let patch = TenantPatch {
                    first_name: self.changed(0),
                    last_name: self.changed(1),
                    email: self.changed(2),
                    phone: self.changed(3),
                    date_of_birth: None,
                    forwarding_address: self.changed(4),
                };
                let checked = patch.clone().apply(&t, now);
                self.checked(checked)?;
                self.edit(t.id, format!("tenant {}", t.full_name()), RecordAction::UpdateTenant(patch))?
            }
        };
        Some(planned)
    }

    /// The value, or `None` with the core's refusal shown.
    fn checked<T>(&mut self, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.refuse(e)).ok()
    }

    /// An edit's plan: refused when nothing changed, else each change listed.
    fn edit(&mut self, id: Uuid, what: String, action: RecordAction) -> Option<Planned> {
        let changes = self.changes();
        if changes.is_empty() {
            self.form.error = Some("Nothing changed: edit a field, or Esc to leave.".into());
            return None;
        }
        Some(Planned {
            id,
            text: format!("Change {what}: {}.", changes.join("; ")),
            done: format!("Saved: {what} changed"),
            action,
        })
    }
}

enum Step {
    Idle,
    Form(Box<RecordForm>),
    Confirm { form: Option<Box<RecordForm>>, plan: Box<Planned> },
    Applying { form: Option<Box<RecordForm>>, done: String },
    Refused(String),
}

/// What an answer from the worker meant to the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not the flow's: the screen handles it.
    NotMine,
    /// A refusal, now shown by the flow.
    Refused,
    /// Written: the id of the row (the screen reloads).
    Saved(Uuid),
}

/// The form → confirm → apply → refresh flow a screen holds.
pub struct Flow {
    step: Step,
}

impl Default for Flow {
    fn default() -> Self {
        Flow { step: Step::Idle }
    }
}

impl Flow {
    pub fn open(&mut self, kind: Kind) {
        self.step = Step::Form(Box::new(RecordForm::new(kind)));
    }

    /// An action without fields (an archive): straight to the confirm step.
    pub fn confirm(&mut self, id: Uuid, action: RecordAction, text: String, done: String) {
        self.step = Step::Confirm { form: None, plan: Box::new(Planned { id, action, text, done }) };
    }

    /// Whether a step is under way (it takes every key).
    pub fn active(&self) -> bool {
        !matches!(self.step, Step::Idle)
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx) {
        match std::mem::replace(&mut self.step, Step::Idle) {
            Step::Idle => {}
            Step::Form(mut rf) => match rf.form.key(key) {
                FormKey::Cancel => cx.message("Cancelled: nothing was changed"),
                FormKey::Edited => self.step = Step::Form(rf),
                FormKey::Submit => match rf.plan(cx.now) {
                    Some(plan) => self.step = Step::Confirm { form: Some(rf), plan: Box::new(plan) },
                    None => self.step = Step::Form(rf),
                },
            },
            Step::Confirm { form, plan } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    cx.request(Request::Record { id: plan.id, action: Box::new(plan.action), now: cx.now });
                    self.step = Step::Applying { form, done: plan.done };
                }
                KeyCode::Char('n') | KeyCode::Esc => cx.message("Cancelled: nothing was changed"),
                _ => self.step = Step::Confirm { form, plan },
            },
            Step::Applying { form, done } => self.step = Step::Applying { form, done },
            Step::Refused(_) => {}
        }
    }

    pub fn on_data(&mut self, data: &Data, cx: &mut Cx) -> Outcome {
        let step = std::mem::replace(&mut self.step, Step::Idle);
        let Step::Applying { form, done } = step else {
            self.step = step;
            return Outcome::NotMine;
        };
        match data {
            Data::RecordSaved { id, queued } => {
                cx.message(if *queued { format!("{done} · queued for the server") } else { done });
                Outcome::Saved(*id)
            }
            Data::Error(e) => {
                match form {
                    Some(mut rf) => {
                        rf.refuse(e.clone());
                        self.step = Step::Form(rf);
                    }
                    None => self.step = Step::Refused(e.clone()),
                }
                Outcome::Refused
            }
            _ => {
                self.step = Step::Applying { form, done };
                Outcome::NotMine
            }
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect) {
        match &self.step {
            Step::Idle => {}
            Step::Form(rf) => rf.form.draw(f, area),
            Step::Confirm { plan, .. } => form::popup(
                f,
                area,
                "Confirm",
                vec![
                    Line::raw(plan.text.clone()),
                    Line::raw(""),
                    Line::styled("y / Enter: write it    n / Esc: cancel", theme::bold()),
                ],
                11,
            ),
            Step::Applying { .. } => form::popup(f, area, "Saving", vec![Line::styled("Saving…", theme::dim())], 3),
            Step::Refused(e) => form::popup(
                f,
                area,
                "Refused",
                vec![
                    Line::styled(e.clone(), theme::error()),
                    Line::raw(""),
                    Line::styled("Nothing was changed. Any key closes.", theme::dim()),
                ],
                8,
            ),
        }
    }
}

/// The most common time zone of `properties`, or UTC when there are none.
pub fn common_zone(properties: &[Property]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in properties {
        *counts.entry(p.time_zone.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map_or(unitcycle_core::time::DEFAULT_ZONE.to_string(), |(z, _)| z.to_string())
}
