//! Importing what a manager already has (issue 14 item 2): a rent roll exported by AppFolio,
//! Buildium, Yardi, Rent Manager or a spreadsheet becomes properties, buildings, units, tenants,
//! leases and opening balances.
//!
//! The steps are pure until the last: the header is mapped onto [`Field`]s (`fields`), every row
//! is read into a validated [`RentRollRow`] (or an error naming its line), the rows are planned
//! against what the store already has ([`Existing`]: natural keys, so a second import creates
//! nothing), and only a file without a bad row is handed to the port's one write
//! ([`ImportPort::write_import`], one transaction on either store).

pub mod fields;
pub mod ledger;
pub mod review;
pub mod values;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use fields::{detect, parse_overrides, ColumnMapping, Field, Override, FIELDS};
pub use review::{review_mapping, ImportKind, MappingReview};

use crate::format;
use crate::model::{
    Building, Lease, LeaseStatus, LeaseStatusLog, LedgerEntry, Property, Tenant, TransType, Unit, UnitStatus,
};
use crate::store::Result;

/// The ledger category of an imported opening balance (one per lease).
pub const OPENING_CATEGORY: &str = "opening_balance";
/// Who the imported rows are recorded as changed by, unless a signed-in person imports them.
pub const IMPORT_ACTOR: &str = "system:import";
/// The longest file accepted (rows), so a mistaken upload is refused rather than planned.
pub const MAX_ROWS: usize = 50_000;

/// A tenancy read from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct TenancyRow {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub lease_start: NaiveDate,
    pub lease_end: Option<NaiveDate>,
    pub monthly_rent: Decimal,
    pub security_deposit: Decimal,
    /// Owed (positive) or in credit (negative) on the day of the import.
    pub balance: Decimal,
}

/// One validated row of a rent roll: a unit, and its tenancy unless the unit is vacant.
#[derive(Debug, Clone, PartialEq)]
pub struct RentRollRow {
    pub line: u64,
    pub property_name: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub unit_number: String,
    pub bedrooms: i32,
    pub bathrooms: Decimal,
    pub square_feet: i32,
    pub market_rent: Decimal,
    pub tenancy: Option<TenancyRow>,
}

/// A bad row (or, at line 1, a bad header) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

/// The cells of one record, by field.
pub(crate) struct Cells<'a> {
    values: HashMap<Field, &'a str>,
}

impl<'a> Cells<'a> {
    pub(crate) fn get(&self, f: Field) -> &'a str {
        self.values.get(&f).map_or("", |v| v.trim())
    }

    pub(crate) fn opt(&self, f: Field) -> Option<&'a str> {
        Some(self.get(f)).filter(|v| !v.is_empty())
    }
}

fn money_of(cells: &Cells<'_>, f: Field, what: &str) -> std::result::Result<Option<Decimal>, String> {
    cells.opt(f).map(|v| values::money(v).map_err(|e| format!("{what}: {e}"))).transpose()
}

impl RentRollRow {
    /// Reads and validates one record; the error says what is wrong with it.
    fn new(line: u64, cells: &Cells<'_>) -> std::result::Result<RentRollRow, String> {
        let address = cells.get(Field::PropertyAddress).to_string();
        let property_name = cells.opt(Field::PropertyName).unwrap_or(&address).to_string();
        if property_name.is_empty() {
            return Err("the property name (or address) is empty".into());
        }
        let unit_number = cells.get(Field::UnitNumber).to_string();
        if unit_number.is_empty() {
            return Err("the unit number is empty".into());
        }
        for (text, what, max) in [(&property_name, "property name", 200), (&unit_number, "unit number", 30)] {
            if text.chars().count() > max {
                return Err(format!("the {what} is longer than {max} characters"));
            }
        }
        let (bed_text, combined_bath) = match cells.opt(Field::Bedrooms) {
            Some(v) => match values::bed_bath(v) {
                Some((bed, bath)) => (Some(bed), Some(bath)),
                None => (Some(v), None),
            },
            None => (None, None),
        };
        let bedrooms = bed_text.map(|v| values::count(v, "bedrooms", 20)).transpose()?.unwrap_or(1);
        let bathrooms =
            cells.opt(Field::Bathrooms).or(combined_bath).map(values::bathrooms).transpose()?.unwrap_or(Decimal::ONE);
        let square_feet =
            cells.opt(Field::SquareFeet).map(|v| values::count(v, "square feet", 1_000_000)).transpose()?.unwrap_or(0);
        let market_rent = money_of(cells, Field::MarketRent, "market rent")?;
        if market_rent.is_some_and(|m| m < Decimal::ZERO) {
            return Err("market rent is negative".into());
        }
        let status = cells.get(Field::Status).to_ascii_lowercase();
        let (mut first, mut last) = match cells.opt(Field::TenantName) {
            Some(name) => values::split_name(name),
            None => (String::new(), String::new()),
        };
        if let Some(f) = cells.opt(Field::FirstName) {
            first = f.to_string();
        }
        if let Some(l) = cells.opt(Field::LastName) {
            last = l.to_string();
        }
        // Some systems write VACANT where the tenant's name would be.
        let placeholder = ["vacant", "vacant unit", "model", "down", "admin"];
        if last.is_empty() && placeholder.contains(&first.to_ascii_lowercase().as_str()) {
            first.clear();
        }
        let named = !(first.is_empty() && last.is_empty());
        let vacant_status = status.starts_with("vacant") || status == "unoccupied" || status == "vacancy";
        let tenancy = if !named {
            for (f, what) in [(Field::LeaseStart, "a lease start"), (Field::MonthlyRent, "a rent")] {
                if cells.opt(f).is_some() && !vacant_status {
                    return Err(format!(
                        "no tenant is named but the row has {what}; name the tenant or leave it empty"
                    ));
                }
            }
            None
        } else {
            if vacant_status {
                return Err(format!("the status is '{}' but a tenant is named", cells.get(Field::Status)));
            }
            if first.chars().count() > 100 || last.chars().count() > 100 {
                return Err("the tenant's name is longer than 100 characters".into());
            }
            let email = cells.opt(Field::Email).map(values::email).transpose()?.unwrap_or_default();
            let phone = cells.get(Field::Phone).to_string();
            let lease_start = values::date(
                cells.opt(Field::LeaseStart).ok_or("the lease start date is missing for an occupied unit")?,
            )
            .map_err(|e| format!("lease start: {e}"))?;
            let lease_end =
                cells.opt(Field::LeaseEnd).map(values::date).transpose().map_err(|e| format!("lease end: {e}"))?;
            if let Some(end) = lease_end {
                if end < lease_start {
                    return Err(format!("the lease ends ({end}) before it starts ({lease_start})"));
                }
            }
            let monthly_rent = money_of(cells, Field::MonthlyRent, "rent")?
                .ok_or("the monthly rent is missing for an occupied unit")?;
            if monthly_rent <= Decimal::ZERO {
                return Err(format!("the monthly rent must be more than zero (got {})", format::money(monthly_rent)));
            }
            let security_deposit = money_of(cells, Field::SecurityDeposit, "security deposit")?.unwrap_or_default();
            if security_deposit < Decimal::ZERO {
                return Err("the security deposit is negative".into());
            }
            let balance = money_of(cells, Field::Balance, "balance")?.unwrap_or_default();
            Some(TenancyRow {
                first_name: first,
                last_name: last,
                email,
                phone,
                lease_start,
                lease_end,
                monthly_rent,
                security_deposit,
                balance,
            })
        };
        Ok(RentRollRow {
            line,
            property_name,
            address,
            city: cells.get(Field::PropertyCity).to_string(),
            state: cells.get(Field::PropertyState).to_string(),
            zip: cells.get(Field::PropertyZip).to_string(),
            unit_number,
            bedrooms,
            bathrooms,
            square_feet,
            market_rent: market_rent.or(tenancy.as_ref().map(|t| t.monthly_rent)).unwrap_or_default(),
            tenancy,
        })
    }
}

/// A file read: the mapping, the good rows and the bad ones.
#[derive(Debug, Clone, Default)]
pub struct ParsedRentRoll {
    pub mapping: Vec<ColumnMapping>,
    pub rows: Vec<RentRollRow>,
    pub errors: Vec<RowError>,
}

/// Reads a rent-roll CSV. A header that cannot be mapped is one error at line 1.
pub fn parse_rent_roll(text: &str, overrides: &[Override]) -> ParsedRentRoll {
    let mut rows = Vec::new();
    let (mapping, errors) = read_csv(text, overrides, detect, |line, cells| {
        rows.push(RentRollRow::new(line, cells)?);
        Ok(())
    });
    ParsedRentRoll { mapping, rows, errors }
}

/// Maps a header onto fields (`fields::detect`, `fields::detect_ledger`).
pub(crate) type Mapper = fn(&[String], &[Override]) -> std::result::Result<Vec<ColumnMapping>, String>;

/// Reads a CSV: maps its header with `mapper`, then hands `row` each non-blank record's cells
/// with its line number. Returns the mapping and every error (line 1: the header).
pub(crate) fn read_csv(
    text: &str,
    overrides: &[Override],
    mapper: Mapper,
    mut row: impl FnMut(u64, &Cells<'_>) -> std::result::Result<(), String>,
) -> (Vec<ColumnMapping>, Vec<RowError>) {
    let mut errors = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            errors.push(RowError { line: 1, message: format!("the header cannot be read: {e}") });
            return (Vec::new(), errors);
        }
    };
    if headers.iter().all(|h| h.is_empty()) {
        errors.push(RowError { line: 1, message: "the file is empty (no header row)".into() });
        return (Vec::new(), errors);
    }
    let mapping = match mapper(&headers, overrides) {
        Ok(m) => m,
        Err(message) => {
            errors.push(RowError { line: 1, message });
            return (Vec::new(), errors);
        }
    };
    let mut record = csv::StringRecord::new();
    let mut count = 0usize;
    loop {
        let line_before = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before + 1, |p| p.line());
                errors.push(RowError { line, message: format!("the row cannot be read: {e}") });
                break;
            }
        }
        // The reader counts a record from the end of the one before, so skipped blank lines
        // come first: move past them to the record's own line.
        let line = record.position().map_or(line_before + 1, |p| {
            let skipped = text.as_bytes()[p.byte() as usize..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .filter(|b| **b == b'\n')
                .count();
            p.line() + skipped as u64
        });
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        if count > MAX_ROWS {
            errors.push(RowError { line, message: format!("the file has more than {MAX_ROWS} rows") });
            break;
        }
        if record.len() > headers.len() {
            errors.push(RowError {
                line,
                message: format!("the row has {} cells but the header has {} columns", record.len(), headers.len()),
            });
            continue;
        }
        let values = mapping
            .iter()
            .zip(record.iter())
            .filter_map(|(m, v)| m.field.map(|f| (f, v)))
            .collect::<HashMap<Field, &str>>();
        if let Err(message) = row(line, &Cells { values }) {
            errors.push(RowError { line, message });
        }
    }
    (mapping, errors)
}

/// What the store already has, for matching natural keys.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub properties: Vec<Property>,
    pub buildings: Vec<Building>,
    pub units: Vec<Unit>,
    pub tenants: Vec<Tenant>,
    pub leases: Vec<Lease>,
    /// Leases that already carry an imported opening balance.
    pub opening_balances: HashSet<Uuid>,
}

/// A matched unit that gets a new lease: it becomes occupied at the lease's rent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct OccupyUnit {
    pub unit_id: Uuid,
    pub current_rent: Decimal,
}

/// Every row an import writes, in the order they are written (parents first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportWrites {
    pub properties: Vec<Property>,
    /// Matched properties whose unit count grows: (property, new total_units).
    pub property_unit_counts: Vec<(Uuid, i64)>,
    pub buildings: Vec<Building>,
    pub units: Vec<Unit>,
    pub occupied_units: Vec<OccupyUnit>,
    pub tenants: Vec<Tenant>,
    pub leases: Vec<Lease>,
    pub status_log: Vec<LeaseStatusLog>,
    pub ledger: Vec<LedgerEntry>,
    /// The properties the file names, created or matched (the server grants them to the caller).
    pub property_ids: Vec<Uuid>,
}

impl ImportWrites {
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
            && self.property_unit_counts.is_empty()
            && self.buildings.is_empty()
            && self.units.is_empty()
            && self.occupied_units.is_empty()
            && self.tenants.is_empty()
            && self.leases.is_empty()
            && self.status_log.is_empty()
            && self.ledger.is_empty()
    }
}

/// Created and matched records of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct KindCount {
    pub created: u32,
    pub matched: u32,
}

/// The kinds counted in a report, in the order they are shown.
pub const KINDS: &[&str] = &["properties", "buildings", "units", "tenants", "leases", "opening_balances"];

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Whether rows were written (false in a dry run and whenever a row is bad).
    pub applied: bool,
    pub mapping: Vec<ColumnMapping>,
    /// Data rows read (blank rows are skipped).
    pub rows: u32,
    pub counts: BTreeMap<String, KindCount>,
    pub errors: Vec<RowError>,
    /// The properties the file names, created or matched.
    pub property_ids: Vec<Uuid>,
}

impl ImportReport {
    /// Plain text for a terminal: the mapping, then counts, then every bad row.
    pub fn text(&self) -> String {
        let mut out = String::from("Columns:\n");
        for m in &self.mapping {
            let target = match m.field {
                Some(f) => f.name().to_string(),
                None => "(ignored)".into(),
            };
            out.push_str(&format!("  {:<28} -> {}{}\n", m.column, target, if m.overridden { "  (--map)" } else { "" }));
        }
        let verb = if self.applied { "created" } else { "would create" };
        out.push_str(&format!("\n{} data rows.\n", self.rows));
        let extra = self.counts.keys().filter(|k| !KINDS.contains(&k.as_str())).map(String::as_str);
        for kind in KINDS.iter().copied().chain(extra) {
            let Some(c) = self.counts.get(kind).copied() else { continue };
            out.push_str(&format!(
                "  {:<18} {verb} {:>5}, matched {:>5}\n",
                kind.replace('_', " "),
                c.created,
                c.matched
            ));
        }
        if !self.errors.is_empty() {
            out.push_str(&format!("\n{} bad rows (nothing was imported):\n", self.errors.len()));
            for e in &self.errors {
                out.push_str(&format!("  line {}: {}\n", e.line, e.message));
            }
        } else if self.dry_run {
            out.push_str("\nDry run: nothing was written.\n");
        } else if self.applied {
            out.push_str("\nImported.\n");
        } else {
            out.push_str("\nNothing new to import.\n");
        }
        out
    }
}

/// Normalised keys.
fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The day an opening balance falls due: the first of the month, or of the month before when
/// the import runs on the first (so it is already overdue on the import day).
pub fn opening_due_date(today: NaiveDate) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    if first < today {
        first
    } else {
        (first - Duration::days(1)).with_day(1).unwrap_or(first)
    }
}

/// Plans the rows against `existing`: every natural key found is matched, the rest created.
/// Rows that conflict with the store (a unit let to someone else) or with an earlier row (a unit
/// listed twice) are errors.
pub fn plan(
    rows: &[RentRollRow],
    existing: &Existing,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (ImportWrites, BTreeMap<String, KindCount>, Vec<RowError>) {
    let mut w = ImportWrites::default();
    let mut counts: BTreeMap<String, KindCount> = KINDS.iter().map(|k| (k.to_string(), KindCount::default())).collect();
    let mut errors = Vec::new();
    let mut properties: HashMap<(String, String), Uuid> =
        existing.properties.iter().map(|p| ((key(&p.name), key(&p.address)), p.id)).collect();
    let mut property_units: HashMap<Uuid, i64> = HashMap::new();
    for u in &existing.units {
        *property_units.entry(u.property_id).or_default() += 1;
    }
    let mut buildings: HashMap<Uuid, Uuid> = HashMap::new();
    for b in &existing.buildings {
        buildings.entry(b.property_id).or_insert(b.id);
    }
    let mut units: HashMap<(Uuid, String), (Uuid, UnitStatus)> =
        existing.units.iter().map(|u| ((u.property_id, key(&u.unit_number)), (u.id, u.status))).collect();
    let mut tenants_by_email: HashMap<String, Uuid> = HashMap::new();
    let mut tenants_by_name: HashMap<(String, String), Uuid> = HashMap::new();
    for t in &existing.tenants {
        if !t.email.is_empty() {
            tenants_by_email.entry(key(&t.email)).or_insert(t.id);
        }
        tenants_by_name
            .entry((key(&format!("{} {}", t.first_name, t.last_name)), values::phone_key(&t.phone)))
            .or_insert(t.id);
    }
    let mut leases: HashMap<(Uuid, Uuid, NaiveDate), Uuid> =
        existing.leases.iter().map(|l| ((l.unit_id, l.tenant_id, l.lease_begin_date), l.id)).collect();
    // A unit's tenancy in place (not vacant), to refuse a second tenant on it.
    let mut current: HashMap<Uuid, Uuid> = existing
        .leases
        .iter()
        .filter(|l| l.lease_status != LeaseStatus::Vacant)
        .map(|l| (l.unit_id, l.tenant_id))
        .collect();
    let mut has_opening: HashSet<Uuid> = existing.opening_balances.clone();
    let mut seen_units: HashMap<(Uuid, String), u64> = HashMap::new();
    let mut created_props: HashSet<Uuid> = HashSet::new();
    let mut matched_props: HashSet<Uuid> = HashSet::new();
    let mut counted_tenants: HashSet<Uuid> = HashSet::new();
    let mut created_leases: HashSet<Uuid> = HashSet::new();
    let bump = |counts: &mut BTreeMap<String, KindCount>, kind: &str, created: bool| {
        let c = counts.entry(kind.to_string()).or_default();
        if created {
            c.created += 1;
        } else {
            c.matched += 1;
        }
    };

    for row in rows {
        // Property (name + address).
        let pkey = (key(&row.property_name), key(&row.address));
        let property_id = match properties.get(&pkey) {
            Some(id) => {
                if !created_props.contains(id) && matched_props.insert(*id) {
                    bump(&mut counts, "properties", false);
                }
                *id
            }
            None => {
                let p = Property {
                    archived_at: None,
                    id: Uuid::new_v4(),
                    name: row.property_name.clone(),
                    address: row.address.clone(),
                    city: row.city.clone(),
                    state: row.state.clone(),
                    zip_code: row.zip.clone(),
                    property_type: "multifamily".into(),
                    total_units: 0,
                    year_built: None,
                    created_at: now,
                    updated_at: now,
                    time_zone: crate::time::DEFAULT_ZONE.to_string(),
                };
                properties.insert(pkey, p.id);
                created_props.insert(p.id);
                bump(&mut counts, "properties", true);
                w.property_ids.push(p.id);
                let id = p.id;
                w.properties.push(p);
                id
            }
        };
        if !w.property_ids.contains(&property_id) {
            w.property_ids.push(property_id);
        }
        // Unit (property + unit number), listed once per file.
        let ukey = (property_id, key(&row.unit_number));
        if let Some(first) = seen_units.get(&ukey) {
            errors.push(RowError {
                line: row.line,
                message: format!(
                    "unit {} of {} is listed twice (first on line {first})",
                    row.unit_number, row.property_name
                ),
            });
            continue;
        }
        seen_units.insert(ukey.clone(), row.line);
        // Building: the property's first, or one default building per property.
        let building_id = match buildings.get(&property_id) {
            Some(b) => *b,
            None => {
                let b = Building {
                    id: Uuid::new_v4(),
                    property_id,
                    name: "Main".into(),
                    floors: 1,
                    created_at: now,
                    archived_at: None,
                };
                buildings.insert(property_id, b.id);
                bump(&mut counts, "buildings", true);
                let id = b.id;
                w.buildings.push(b);
                id
            }
        };
        let (unit_id, unit_status, unit_created) = match units.get(&ukey) {
            Some((id, status)) => {
                bump(&mut counts, "units", false);
                (*id, *status, false)
            }
            None => {
                let occupied = row.tenancy.is_some();
                let u = Unit {
                    archived_at: None,
                    id: Uuid::new_v4(),
                    property_id,
                    building_id: Some(building_id),
                    unit_number: row.unit_number.clone(),
                    floor: 1,
                    bedrooms: row.bedrooms,
                    bathrooms: row.bathrooms,
                    square_feet: row.square_feet,
                    market_rent: row.market_rent,
                    current_rent: row.tenancy.as_ref().map_or(Decimal::ZERO, |t| t.monthly_rent),
                    status: if occupied { UnitStatus::Occupied } else { UnitStatus::Vacant },
                    created_at: now,
                    updated_at: now,
                };
                units.insert(ukey, (u.id, u.status));
                *property_units.entry(property_id).or_default() += 1;
                bump(&mut counts, "units", true);
                let out = (u.id, u.status, true);
                w.units.push(u);
                out
            }
        };
        let Some(t) = &row.tenancy else { continue };
        // Tenant: by email, else by name and phone.
        let name_key = (key(&format!("{} {}", t.first_name, t.last_name)), values::phone_key(&t.phone));
        let found = if t.email.is_empty() {
            tenants_by_name.get(&name_key).copied()
        } else {
            tenants_by_email.get(&key(&t.email)).copied()
        };
        let (tenant_id, tenant_created) = match found {
            Some(id) => (id, false),
            None => {
                let tenant = Tenant {
                    archived_at: None,
                    forwarding_address: String::new(),
                    id: Uuid::new_v4(),
                    first_name: t.first_name.clone(),
                    last_name: t.last_name.clone(),
                    email: t.email.clone(),
                    phone: t.phone.clone(),
                    date_of_birth: None,
                    created_at: now,
                };
                if !t.email.is_empty() {
                    tenants_by_email.insert(key(&t.email), tenant.id);
                }
                tenants_by_name.insert(name_key, tenant.id);
                let id = tenant.id;
                w.tenants.push(tenant);
                (id, true)
            }
        };
        if counted_tenants.insert(tenant_id) {
            bump(&mut counts, "tenants", tenant_created);
        }
        // Lease: unit + tenant + start date.
        let lkey = (unit_id, tenant_id, t.lease_start);
        let lease_id = match leases.get(&lkey) {
            Some(id) => {
                bump(&mut counts, "leases", false);
                *id
            }
            None => {
                if current.get(&unit_id).is_some_and(|other| *other != tenant_id) {
                    errors.push(RowError {
                        line: row.line,
                        message: format!(
                            "unit {} of {} already has a tenancy in place for someone else; end it before importing a new one",
                            row.unit_number, row.property_name
                        ),
                    });
                    continue;
                }
                let (status, holdover) = match t.lease_end {
                    Some(end) if end >= today => (LeaseStatus::Active, None),
                    Some(end) => (LeaseStatus::MonthToMonth, Some(end + Duration::days(1))),
                    None => (LeaseStatus::MonthToMonth, Some(t.lease_start)),
                };
                let id = Uuid::new_v4();
                let lease = Lease {
                    id,
                    lease_number: format!("IMP-{}", &id.simple().to_string()[..12].to_uppercase()),
                    tenant_id,
                    unit_id,
                    property_id,
                    lease_begin_date: t.lease_start,
                    lease_end_date: t.lease_end,
                    monthly_rent_amount: t.monthly_rent,
                    security_deposit: t.security_deposit,
                    rent_due_day: 1,
                    late_fee_amount: Decimal::ZERO,
                    grace_period_days: 5,
                    status: "current".into(),
                    lease_status: status,
                    lease_status_changed_at: Some(now),
                    lease_status_changed_by: actor.to_string(),
                    holdover_start_date: holdover,
                    notice_date: None,
                    notice_move_out_date: None,
                    actual_move_out_date: None,
                    created_at: now,
                    updated_at: now,
                };
                // A new lease on a vacant unit is the lifecycle's vacant → active (spec 1.1);
                // one already past its end is then month-to-month, as the daily job would make it.
                let log = |from, to, reason: &str| LeaseStatusLog {
                    id: Uuid::new_v4(),
                    lease_id: id,
                    previous_status: from,
                    new_status: to,
                    reason: reason.to_string(),
                    changed_by: actor.to_string(),
                    metadata: serde_json::json!({"source": "rent_roll_import", "line": row.line}),
                    created_at: now,
                };
                w.status_log.push(log(LeaseStatus::Vacant, LeaseStatus::Active, "New lease imported from a rent roll"));
                if status == LeaseStatus::MonthToMonth {
                    w.status_log.push(log(
                        LeaseStatus::Active,
                        LeaseStatus::MonthToMonth,
                        "Imported lease is past its end date (month-to-month)",
                    ));
                }
                if !unit_created && unit_status != UnitStatus::Occupied {
                    w.occupied_units.push(OccupyUnit { unit_id, current_rent: t.monthly_rent });
                }
                current.insert(unit_id, tenant_id);
                leases.insert(lkey, id);
                created_leases.insert(id);
                bump(&mut counts, "leases", true);
                w.leases.push(lease);
                id
            }
        };
        // Opening balance: once per lease, when the lease is new (a matched lease's balance is
        // already in its ledger).
        if t.balance.is_zero() {
            continue;
        }
        if !created_leases.contains(&lease_id) {
            if has_opening.contains(&lease_id) {
                bump(&mut counts, "opening_balances", false);
            }
            continue;
        }
        let due = opening_due_date(today);
        let (trans_type, description, due_date) = if t.balance > Decimal::ZERO {
            (TransType::Charge, "Opening balance (imported rent roll)", Some(due))
        } else {
            (TransType::Payment, "Opening credit (imported rent roll)", None)
        };
        w.ledger.push(LedgerEntry {
            id: Uuid::new_v4(),
            tenant_id,
            lease_id: Some(lease_id),
            unit_id: Some(unit_id),
            property_id: Some(property_id),
            trans_type,
            category: OPENING_CATEGORY.into(),
            description: description.into(),
            amount: t.balance.abs(),
            trans_date: due,
            due_date,
            created_at: now,
        });
        has_opening.insert(lease_id);
        bump(&mut counts, "opening_balances", true);
    }
    for p in &mut w.properties {
        p.total_units = property_units.get(&p.id).copied().unwrap_or(0);
    }
    let existing_counts: HashMap<Uuid, i64> = existing.properties.iter().map(|p| (p.id, p.total_units)).collect();
    let mut grown: Vec<(Uuid, i64)> = property_units
        .iter()
        .filter(|(id, n)| existing_counts.get(id).is_some_and(|old| *old < **n))
        .map(|(id, n)| (*id, *n))
        .collect();
    grown.sort();
    w.property_unit_counts = grown;
    (w, counts, errors)
}

/// The storage port of an import: the reads that match natural keys, and one write.
pub trait ImportPort {
    /// What the store has (on the server: within the caller's properties).
    fn import_existing(&self) -> Result<Existing>;
    /// The ledger entries on leases (on the server: within the caller's properties).
    fn import_ledger(&self) -> Result<Vec<LedgerEntry>>;
    /// Writes every row in one transaction (all or none).
    fn write_import(&mut self, writes: &ImportWrites, now: DateTime<Utc>) -> Result<()>;
}

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub csv: &'a str,
    pub overrides: &'a [Override],
    pub dry_run: bool,
    /// Recorded as the leases' `lease_status_changed_by` and in their status log.
    pub actor: &'a str,
}

/// The import, once for both stores: read, plan, and (unless a dry run or a row is bad) write.
pub fn import_rent_roll<P: ImportPort + ?Sized>(
    port: &mut P,
    req: &ImportRequest<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let parsed = parse_rent_roll(req.csv, req.overrides);
    let mut report = ImportReport {
        dry_run: req.dry_run,
        applied: false,
        mapping: parsed.mapping,
        rows: (parsed.rows.len() + parsed.errors.iter().filter(|e| e.line > 1).count()) as u32,
        counts: KINDS.iter().map(|k| (k.to_string(), KindCount::default())).collect(),
        errors: parsed.errors,
        property_ids: Vec::new(),
    };
    if report.errors.iter().any(|e| e.line == 1) {
        return Ok(report);
    }
    let existing = port.import_existing()?;
    let (writes, counts, errors) = plan(&parsed.rows, &existing, req.actor, today, now);
    report.counts = counts;
    report.errors.extend(errors);
    report.errors.sort_by_key(|e| e.line);
    report.property_ids = writes.property_ids.clone();
    if report.errors.is_empty() && !req.dry_run && !writes.is_empty() {
        port.write_import(&writes, now)?;
        report.applied = true;
    }
    Ok(report)
}

/// The rent roll as `export rent-roll` writes it (and `import rent-roll` reads it back): the
/// rows in property and unit order, each with its headers from [`Field::header`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ExportRow {
    pub property: Property,
    pub unit: Unit,
    pub tenancy: Option<(Tenant, Lease, Decimal)>,
}

/// Writes `rows` as CSV.
pub fn write_rent_roll(rows: &[ExportRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = FIELDS.iter().filter(|f| f.0 != Field::TenantName).map(|f| f.2).collect();
    let _ = w.write_record(&header);
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%m/%d/%Y").to_string()).unwrap_or_default();
    for r in rows {
        let (p, u) = (&r.property, &r.unit);
        let mut rec = vec![
            p.name.clone(),
            p.address.clone(),
            p.city.clone(),
            p.state.clone(),
            p.zip_code.clone(),
            u.unit_number.clone(),
            u.bedrooms.to_string(),
            u.bathrooms.normalize().to_string(),
            u.square_feet.to_string(),
            format!("{:.2}", u.market_rent),
        ];
        match &r.tenancy {
            Some((t, l, balance)) => rec.extend([
                t.first_name.clone(),
                t.last_name.clone(),
                t.email.clone(),
                t.phone.clone(),
                date(Some(l.lease_begin_date)),
                date(l.lease_end_date),
                format!("{:.2}", l.monthly_rent_amount),
                format!("{:.2}", l.security_deposit),
                format!("{balance:.2}"),
                l.lease_status.label().to_string(),
            ]),
            None => rec.extend(["", "", "", "", "", "", "", "", "", "Vacant"].map(String::from)),
        }
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
