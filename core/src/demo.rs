//! The demo portfolio: deterministic from a seed, realistic enough to triage.
//!
//! Default: 6 properties, ~1,200 units in several buildings and floors, 18 months of ledger
//! history (on-time, occasionally late and chronic payers, some balances still open), work
//! orders with repeat issues, vendors, equipment of varied age, invoices, and leases in every
//! lifecycle state — including expired leases still marked active, the spec's reclassification
//! case. `units` scales it past 100,000 for benchmarks.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::model::*;
use crate::store::{self, Result, Store};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub units: u32,
    pub seed: u64,
    /// The portfolio is generated as of this day (leases end around it, history before it).
    pub today: NaiveDate,
}

impl DemoConfig {
    pub const DEFAULT_UNITS: u32 = 1_200;
    pub const DEFAULT_SEED: u64 = 42;

    pub fn new(today: NaiveDate) -> Self {
        DemoConfig { units: Self::DEFAULT_UNITS, seed: Self::DEFAULT_SEED, today }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct DemoSummary {
    pub properties: u32,
    pub buildings: u32,
    pub units: u32,
    pub tenants: u32,
    pub leases: u32,
    pub ledger_entries: u32,
    pub work_orders: u32,
    pub vendors: u32,
    pub invoices: u32,
    pub equipment: u32,
}

/// Share of tenants in place with an unpaid one-off charge due in the last 11 days.
const RECENT_CHARGE_SHARE: f64 = 0.04;

/// One-off charges: (ledger category, description, lowest and highest whole dollars).
const RECENT_CHARGES: &[(&str, &str, i64, i64)] = &[
    ("utility", "Water & sewer", 38, 140),
    ("utility", "Electric (common meter share)", 45, 160),
    ("maintenance", "Tenant-caused repair: clogged drain", 95, 260),
    ("maintenance", "Lost key and lock change", 75, 150),
    ("parking", "Parking", 50, 125),
];

/// SplitMix64: tiny, fast and stable across versions, so a seed always gives the same portfolio.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    pub fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(((self.next_u64() as u128) << 64 | self.next_u64() as u128).to_le_bytes())
            .into_uuid()
    }
}

const PROPERTY_NAMES: &[&str] = &[
    "Harbor View Apartments",
    "Maple Grove Commons",
    "Riverside Lofts",
    "Oak Terrace",
    "Summit Ridge",
    "Cedar Park Flats",
    "Lakeshore Residences",
    "Willow Creek Villas",
    "Granite Point",
    "Magnolia Court",
];
/// City, state, ZIP prefix, base rent, and the city's IANA time zone (each property's "today").
const CITIES: &[(&str, &str, &str, i64, &str)] = &[
    ("Austin", "TX", "787", 1450, "America/Chicago"),
    ("Denver", "CO", "802", 1550, "America/Denver"),
    ("Raleigh", "NC", "276", 1300, "America/New_York"),
    ("Phoenix", "AZ", "850", 1250, "America/Phoenix"),
    ("Columbus", "OH", "432", 1100, "America/New_York"),
    ("Tampa", "FL", "336", 1400, "America/New_York"),
    ("Portland", "OR", "972", 1600, "America/Los_Angeles"),
    ("Nashville", "TN", "372", 1350, "America/Chicago"),
];
const STREETS: &[&str] =
    &["Main St", "Oak Ave", "Lakeview Dr", "Park Blvd", "Elm St", "Cedar Ln", "River Rd", "Hill St"];
const FIRST_NAMES: &[&str] = &[
    "James", "Maria", "Robert", "Aisha", "Michael", "Priya", "David", "Sofia", "Daniel", "Chen", "Emily", "Omar",
    "Sarah", "Luis", "Grace", "Kwame", "Olivia", "Mateo", "Hannah", "Yuki", "Noah", "Fatima", "Ethan", "Ava", "Samuel",
    "Leah", "Diego", "Nora", "Isaac", "Zoe", "Marcus", "Elena",
];
const LAST_NAMES: &[&str] = &[
    "Johnson",
    "Garcia",
    "Smith",
    "Patel",
    "Williams",
    "Nguyen",
    "Brown",
    "Martinez",
    "Davis",
    "Kim",
    "Miller",
    "Hernandez",
    "Wilson",
    "Lopez",
    "Anderson",
    "Okafor",
    "Thomas",
    "Rossi",
    "Taylor",
    "Cohen",
    "Moore",
    "Silva",
    "Jackson",
    "Tanaka",
    "White",
    "Haddad",
    "Harris",
    "Novak",
    "Clark",
    "Mensah",
    "Lewis",
    "Ortiz",
];
/// (trade, title, category) — the same titles recur so repeat issues show up.
const ISSUES: &[(&str, &str)] = &[
    ("plumbing", "Leaking kitchen faucet"),
    ("plumbing", "Clogged bathroom drain"),
    ("plumbing", "Running toilet"),
    ("plumbing", "Water heater not heating"),
    ("hvac", "HVAC not cooling"),
    ("hvac", "Furnace making noise"),
    ("hvac", "Thermostat unresponsive"),
    ("electrical", "Outlet not working"),
    ("electrical", "Flickering lights in hallway"),
    ("appliance", "Dishwasher not draining"),
    ("appliance", "Refrigerator not cooling"),
    ("appliance", "Washer leaking water"),
    ("general", "Sticking front door"),
    ("general", "Broken window blinds"),
    ("pest", "Ant infestation in kitchen"),
];
const VENDORS: &[(&str, &str)] = &[
    ("plumbing", "FlowRight Plumbing"),
    ("plumbing", "Metro Pipe & Drain"),
    ("hvac", "CoolAir HVAC Services"),
    ("hvac", "Comfort Climate Co."),
    ("electrical", "BrightSpark Electric"),
    ("electrical", "Volt Masters"),
    ("appliance", "ApplianceCare Pros"),
    ("general", "Handy Crew Maintenance"),
    ("general", "TrueFix Property Services"),
    ("pest", "Guardian Pest Control"),
    ("painting", "FreshCoat Painters"),
    ("cleaning", "Sparkle Turnover Cleaning"),
];
/// The day a vendor's visit was booked: each vendor has its own habit (0–3 days, plus a day on
/// some jobs), derived from the vendor and the job rather than drawn, so the demo's random
/// sequence (and every figure that follows from it) stays as it was.
fn visit_date(v: &Vendor, requested: NaiveDate, cost: Decimal, today: NaiveDate) -> NaiveDate {
    let habit = i64::from(v.id.as_bytes()[0] % 4);
    (requested + Duration::days(habit + cents(cost) % 2)).min(today)
}

fn cents(amount: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (amount * Decimal::ONE_HUNDRED).trunc().to_i64().unwrap_or(0)
}

/// Two finished jobs in three are rated by the tenant; a vendor's ratings lean its own way.
fn tenant_rating(v: &Vendor, cost: Decimal) -> Option<i32> {
    let cents = cents(cost);
    if cents % 3 == 0 {
        return None;
    }
    let lean = i32::from(v.id.as_bytes()[1] % 3);
    Some((5 - lean - i32::from(lean > 0 && cents % 2 == 1)).max(1))
}

/// (type, name, expected lifespan in years)
const EQUIPMENT: &[(&str, &str, f64)] = &[
    ("water_heater", "Water heater", 12.0),
    ("hvac", "Rooftop HVAC unit", 15.0),
    ("boiler", "Central boiler", 25.0),
    ("roof", "Roof membrane", 20.0),
    ("elevator", "Passenger elevator", 25.0),
    ("appliance", "Laundry room washers", 10.0),
];

/// How a tenant pays.
#[derive(Clone, Copy, PartialEq)]
enum Payer {
    OnTime,
    OccasionallyLate,
    Chronic,
}

/// The lifecycle scenario a unit is in on `today`.
#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    Active,
    /// Expired but still marked active: what the initial reclassification fixes.
    ExpiredStillActive,
    MonthToMonth,
    Notice,
    /// Notice whose move-out date has already passed: what the daily job vacates.
    NoticePastMoveOut,
    Vacant,
}

fn pick_scenario(rng: &mut Rng) -> Scenario {
    let x = rng.unit();
    match x {
        x if x < 0.60 => Scenario::Active,
        x if x < 0.65 => Scenario::ExpiredStillActive,
        x if x < 0.85 => Scenario::MonthToMonth,
        x if x < 0.915 => Scenario::Notice,
        x if x < 0.925 => Scenario::NoticePastMoveOut,
        _ => Scenario::Vacant,
    }
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

fn months_before(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(m)).unwrap_or(d)
}

fn months_after(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap_or(d)
}

/// Rent due dates from `from` to `to` inclusive, on `due_day`.
fn due_dates(from: NaiveDate, to: NaiveDate, due_day: u32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), due_day).unwrap_or(from);
    if d < from {
        d = months_after(d, 1);
    }
    while d <= to {
        out.push(d);
        d = months_after(d, 1);
    }
    out
}

/// The jobs a demo replica has already run on its day, so a first look finds renewal
/// recommendations, collections cases and the action queue filled (the lifecycle classification
/// ran when the demo was generated), the turnover board its leases under notice, and every unit
/// priced. The pricing engine runs last: it replaces units' market rents with its figures from
/// comps, and the jobs before it keep seeing the portfolio as generated.
pub const DEMO_JOBS: [crate::jobs::Job; 10] = [
    crate::jobs::Job::RenewalScan,
    crate::jobs::Job::CollectionsScan,
    crate::jobs::Job::EscalationEngine,
    crate::jobs::Job::AiActionQueue,
    crate::jobs::Job::TurnoverDaily,
    crate::jobs::Job::PricingEngine,
    crate::jobs::Job::PriceBenchmarks,
    crate::jobs::Job::RepeatVisits,
    crate::jobs::Job::VendorScorecards,
    crate::jobs::Job::RiskScoring,
];

/// Runs [`DEMO_JOBS`] through the offline provider (seeding a demo should not spend Claude
/// calls on a thousand letters), calling `done` after each with its report.
pub fn run_demo_jobs(
    store: &mut Store,
    today: NaiveDate,
    now: DateTime<Utc>,
    mut done: impl FnMut(&crate::jobs::JobReport),
) -> Result<()> {
    let gateway = crate::ai::Gateway::offline("demo history is drafted by the offline provider".into());
    collections_history(store, &gateway, today)?;
    maintenance_records(store, today, now)?;
    leasing_history(store, &gateway, today, now)?;
    for job in DEMO_JOBS {
        if job == crate::jobs::Job::PricingEngine {
            pricing_history(store, today)?;
        }
        done(&crate::jobs::run_with(store, job, today, now, &gateway)?);
    }
    Ok(())
}

/// Who wrote in about the demo's listings: name, e-mail, phone, message, move-in in days.
const DEMO_LEADS: [(&str, &str, &str, &str, i64); 3] = [
    (
        "Rosa Martinez",
        "rosa.martinez@example.com",
        "555-010-4455",
        "Hi! I'm a nurse at the hospital nearby and need a place by the first of the month. \
         Is parking included, and can I see it this week?",
        12,
    ),
    ("Devon Clark", "devon.clark@example.com", "", "Is this still available?", 45),
    (
        "Amara Okafor",
        "amara.okafor@example.com",
        "555-010-7781",
        "Hello, I work as a software engineer and am relocating in about six weeks. \
         Are cats allowed, and is there in-unit laundry?",
        40,
    ),
];

/// The demo's vacant units on the market (5.1, 5.2): the first vacant units of the first
/// property listed and published (through the feed: no platform account here), leads on them
/// scored offline, and a tour booked for the best lead on the next weekday, so `:listings`,
/// `:leads`, `:showings` and `:funnel` open on rows. Ids are derived from the units' (v5), so
/// the generator's random sequence is untouched.
pub fn leasing_history(
    store: &mut Store,
    gateway: &crate::ai::Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::listing_syndication::{publisher, workflow as listings};
    use crate::showings::workflow as showings;
    let mut zones: Vec<(Uuid, String)> = crate::port::Records::property_zones(&*store)?.into_iter().collect();
    zones.sort();
    let Some((property, zone)) = zones.into_iter().next() else { return Ok(()) };
    let mut vacant: Vec<Unit> = store
        .units(property)?
        .into_iter()
        .filter(|u| u.status == UnitStatus::Vacant && u.archived_at.is_none())
        .collect();
    vacant.sort_by(|a, b| a.unit_number.cmp(&b.unit_number));
    // Not a unit whose next lease has begun (the auto-delist job would take it off the market).
    vacant.retain(|u| listings::leased(&*store, u.id).is_ok_and(|l| l.is_none()));
    let feed = publisher::from_lookup(|_| None);
    let platforms = ["zillow", "apartments_com", "zumper"].map(String::from);
    let mut best: Option<(i32, Uuid)> = None;
    for (i, unit) in vacant.iter().take(2).enumerate() {
        let id = |what: &str| Uuid::new_v5(&unit.id, what.as_bytes());
        let new = listings::NewListing { unit_id: unit.id, ..Default::default() };
        let listing = listings::create(store, id("listing"), new, now)?;
        listings::publish(store, feed.as_ref(), listing.id, &platforms, now)?;
        for (j, (name, email, phone, message, days)) in DEMO_LEADS.iter().enumerate() {
            if i > 0 && j > 0 {
                break;
            }
            let lead = listings::NewLead {
                listing_id: listing.id,
                source_platform: platforms[j % platforms.len()].clone(),
                prospect_name: (*name).into(),
                email: (*email).into(),
                phone: (*phone).into(),
                message: (*message).into(),
                move_in_date: Some(today + chrono::Duration::days(*days)),
                stated_income: None,
            };
            let lead = listings::add_lead(store, gateway, id(&format!("lead {j}")), lead, now)?;
            if best.is_none_or(|(score, _)| lead.lead_score > score) {
                best = Some((lead.lead_score, lead.id));
            }
        }
    }
    let Some((_, lead)) = best else { return Ok(()) };
    // The next weekday (the default showing hours are Monday to Saturday) at 10:00 local.
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let mut day = today + chrono::Duration::days(1);
    while day.weekday() == chrono::Weekday::Sun {
        day += chrono::Duration::days(1);
    }
    let at = crate::showings::slots::instant(tz, day.and_hms_opt(10, 0, 0).unwrap_or_default());
    let tour = showings::LeadTour { showing_type: "guided".into(), scheduled_at: at };
    showings::schedule_from_lead(store, lead, &tour, now)?;
    Ok(())
}

/// Warranties on some units' appliances (some held by a demo vendor, so dispatch sends the job
/// to the holder; some ending within 30 days) and each vendor's service agreement (a few ending
/// within 30 days, some with a licence about to lapse). Derived from the records' ids, so the
/// generator's random sequence is untouched.
pub fn maintenance_records(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    use crate::vendor_intelligence::{VendorContract, WarrantyRecord};
    use crate::work_orders::port::{MaintenancePort, MaintenanceWrites};
    let vendors = store.vendor_list()?;
    let appliance: Vec<&Vendor> = vendors.iter().filter(|v| v.trade == "appliance" || v.trade == "hvac").collect();
    let mut w = MaintenanceWrites::default();
    const ITEMS: [(&str, &str, &str); 4] = [
        ("Dishwasher", "Whirlpool", "1-800-253-1301"),
        ("Refrigerator", "GE Appliances", "1-800-432-2737"),
        ("Water Heater", "Rheem", "1-800-432-8373"),
        ("HVAC", "Carrier", "1-800-227-7437"),
    ];
    for u in store.maintenance_units()? {
        let b = u.id.as_bytes();
        if b[2] % 6 != 0 {
            continue;
        }
        let (item, brand, contact) = ITEMS[usize::from(b[3]) % ITEMS.len()];
        let installed = today - Duration::days(60 + i64::from(b[4]) * 4);
        let end = today + Duration::days(i64::from(b[5]) * 3 - 60);
        let holder =
            (!appliance.is_empty() && b[6] % 2 == 0).then(|| appliance[usize::from(b[7]) % appliance.len()].id);
        w.warranties.push(WarrantyRecord {
            id: Uuid::new_v5(&u.id, format!("warranty:{item}").as_bytes()),
            unit_id: u.id,
            item_type: item.into(),
            brand: brand.into(),
            model_number: format!("{}-{}", &brand[..2].to_uppercase(), 100 + u32::from(b[8])),
            installed_date: installed,
            warranty_end_date: end,
            warranty_vendor_id: holder,
            warranty_provider: brand.into(),
            coverage_type: ["full", "parts_only", "labor_only"][usize::from(b[9]) % 3].into(),
            status: if end < today { "expired" } else { "active" }.into(),
            claim_history: Vec::new(),
            contact: contact.into(),
        });
    }
    for v in &vendors {
        let b = v.id.as_bytes();
        let end = today + Duration::days(i64::from(b[2]) * 2 - 20);
        w.contracts.push(VendorContract {
            id: Uuid::new_v5(&v.id, b"service_agreement"),
            vendor_id: v.id,
            contract_type: "service_agreement".into(),
            title: format!("{} service agreement", v.name),
            start_date: end - Duration::days(365),
            end_date: end,
            insurance_expiry: v.insurance_expiry,
            license_expiry: (b[3] % 4 == 0).then(|| today + Duration::days(i64::from(b[4] % 40))),
            auto_renew: b[5] % 3 == 0,
            created_at: now,
        });
    }
    store.write_maintenance(&w, now)
}

/// The days before the demo's day the pricing engine is replayed on (see [`pricing_history`]).
pub const PRICING_HISTORY_DAYS: [i64; 2] = [60, 30];

/// A price history for the revenue screens' charts: the pricing engine on each of the
/// [`PRICING_HISTORY_DAYS`] before `today` (the season moves the market rent month by month).
/// Only the run on `today` is the day's job; these leave no `job_run` row.
pub fn pricing_history(store: &mut Store, today: NaiveDate) -> Result<()> {
    for back in PRICING_HISTORY_DAYS {
        let day = today - Duration::days(back);
        // Noon UTC is the same calendar day at every demo property.
        crate::pricing::workflow::daily(store, day, at(day, 12))?;
    }
    Ok(())
}

/// How many days of collections the demo replays before its day.
pub const COLLECTIONS_HISTORY_DAYS: i64 = 14;

/// The collections history of the [`COLLECTIONS_HISTORY_DAYS`] before `today`, built as the
/// schedule would have: each day's 08:00 scan, then the escalation engine in the afternoon
/// (UTC), so cases reach the later steps one paced step at a time, each on its own day.
pub fn collections_history(store: &mut Store, gateway: &crate::ai::Gateway, today: NaiveDate) -> Result<()> {
    for back in (1..=COLLECTIONS_HISTORY_DAYS).rev() {
        let day = today - Duration::days(back);
        crate::collections::scan::collections_scan(store, day, at(day, 8))?;
        crate::collections::escalation::escalation_engine(store, gateway, day, at(day, 16))?;
    }
    Ok(())
}

/// Generates the demo portfolio into an empty store, in one transaction, and runs the
/// lifecycle classification for its day.
pub fn generate(store: &mut Store, cfg: &DemoConfig) -> Result<DemoSummary> {
    let mut rng = Rng::new(cfg.seed);
    let today = cfg.today;
    let created = at(months_before(today, 24), 9);
    let history_start = months_before(today, 18);
    let mut s = DemoSummary::default();

    let units_total = cfg.units.max(1);
    let n_props = (units_total / 200).clamp(1, 1_000);

    // A fresh portfolio is one big write: skip the journal while loading, then return to WAL.
    store.set_bulk_load(true)?;
    let loaded = store.transaction(|tx| {
        // Vendors: a core set plus more for large portfolios.
        let n_vendors = VENDORS.len() + (n_props as usize / 10);
        let mut vendors: Vec<Vendor> = Vec::with_capacity(n_vendors);
        for i in 0..n_vendors {
            let (trade, base) = VENDORS[i % VENDORS.len()];
            let name = if i < VENDORS.len() {
                base.to_string()
            } else {
                format!("{base} #{}", i / VENDORS.len() + 1)
            };
            let v = Vendor {
                id: rng.uuid(),
                name: name.clone(),
                trade: trade.into(),
                contact_name: format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)),
                email: format!("dispatch{}@{}.example", i + 1, trade),
                phone: format!("(555) {:03}-{:04}", rng.range(200, 999), rng.range(0, 9999)),
                license_number: format!("LIC-{:06}", rng.range(100_000, 999_999)),
                insurance_expiry: Some(today + Duration::days(rng.range(-60, 540))),
                hourly_rate: money(rng.range(55, 140) * 100),
                is_active: rng.chance(0.95),
                created_at: created,
            };
            store::insert_vendor(tx, &v)?;
            vendors.push(v);
        }
        s.vendors = vendors.len() as u32;

        let mut unit_seq = 0u32;
        let mut lease_seq = 0u32;
        let mut invoice_seq = 0u32;
        for p_idx in 0..n_props {
            let (city, state, zip, base_rent, time_zone) = *rng.pick(CITIES);
            let name = match PROPERTY_NAMES.get(p_idx as usize) {
                Some(n) => n.to_string(),
                None => format!("{} {}", PROPERTY_NAMES[p_idx as usize % PROPERTY_NAMES.len()], p_idx / PROPERTY_NAMES.len() as u32 + 1),
            };
            // Spread units evenly; the last property takes the remainder.
            let p_units = if p_idx + 1 == n_props {
                units_total - unit_seq
            } else {
                units_total / n_props
            };
            let property = Property {
                archived_at: None,
                id: rng.uuid(),
                name,
                address: format!("{} {}", rng.range(100, 9999), rng.pick(STREETS)),
                city: city.into(),
                state: state.into(),
                zip_code: format!("{zip}{:02}", rng.range(1, 99)),
                property_type: "multifamily".into(),
                total_units: p_units as i64,
                year_built: Some(rng.range(1972, 2021) as i32),
                created_at: created,
                updated_at: created,
                time_zone: time_zone.into(),
            };
            store::insert_property(tx, &property)?;
            s.properties += 1;

            // Buildings of 3–8 floors with 4–12 units a floor, until the units run out.
            let mut placed = 0u32;
            let mut b_idx = 0u8;
            while placed < p_units {
                let floors = rng.range(3, 8) as u32;
                let per_floor = rng.range(4, 12) as u32;
                let in_building = (floors * per_floor).min(p_units - placed);
                let letter = (b'A' + (b_idx % 26)) as char;
                let bname = if b_idx < 26 { format!("Building {letter}") } else { format!("Building {letter}{}", b_idx / 26) };
                let building = Building {
                    archived_at: None,
                    id: rng.uuid(),
                    property_id: property.id,
                    name: bname,
                    floors: in_building.div_ceil(per_floor) as i32,
                    created_at: created,
                };
                store::insert_building(tx, &building)?;
                s.buildings += 1;
                for &(etype, ename, life) in EQUIPMENT {
                    if !rng.chance(0.7) {
                        continue;
                    }
                    let age_days = rng.range(200, (life * 365.0 * 1.3) as i64);
                    let install = today - Duration::days(age_days);
                    let e = Equipment {
                        id: rng.uuid(),
                        property_ref_id: property.id,
                        unit_id: None,
                        name: format!("{} ({})", ename, building.name),
                        equipment_type: etype.into(),
                        manufacturer: rng.pick(&["Rheem", "Carrier", "Trane", "Lochinvar", "Otis", "Speed Queen"]).to_string(),
                        model_number: format!("M-{}", rng.range(1000, 9999)),
                        install_date: install,
                        age_years: (age_days as f64 / 365.25 * 10.0).round() / 10.0,
                        expected_lifespan_years: life,
                        warranty_expiry: Some(install + Duration::days(365 * rng.range(1, 5))),
                        created_at: created,
                    };
                    store::insert_equipment(tx, &e)?;
                    s.equipment += 1;
                }

                for i in 0..in_building {
                    let floor = i / per_floor + 1;
                    let number = format!("{letter}{}{:02}", floor, i % per_floor + 1);
                    let bedrooms = *rng.pick(&[0, 1, 1, 1, 2, 2, 2, 3]);
                    let bathrooms = match bedrooms {
                        0 | 1 => Decimal::ONE,
                        2 => *rng.pick(&[Decimal::ONE, Decimal::new(15, 1), Decimal::TWO]),
                        _ => Decimal::TWO,
                    };
                    let sqft = 450 + bedrooms * 320 + rng.range(-40, 120) as i32;
                    let market = base_rent + bedrooms as i64 * 340 + floor as i64 * 12 + rng.range(-60, 90);
                    let market_rent = money(market / 5 * 5 * 100);
                    let scenario = pick_scenario(&mut rng);
                    let unit_id = rng.uuid();
                    let unit_status = match scenario {
                        Scenario::Vacant | Scenario::NoticePastMoveOut if rng.chance(0.15) => UnitStatus::Maintenance,
                        Scenario::Vacant => UnitStatus::Vacant,
                        _ => UnitStatus::Occupied,
                    };
                    // Rent: most below market (the renewal opportunity), some at or above.
                    let ratio_bp = rng.range(8_400, 10_400);
                    let rent = money((market * ratio_bp / 10_000) / 5 * 5 * 100);
                    let unit = Unit {
                        archived_at: None,
                        id: unit_id,
                        property_id: property.id,
                        building_id: Some(building.id),
                        unit_number: number,
                        floor: floor as i32,
                        bedrooms,
                        bathrooms,
                        square_feet: sqft,
                        market_rent,
                        current_rent: if scenario == Scenario::Vacant { Decimal::ZERO } else { rent },
                        status: unit_status,
                        created_at: created,
                        updated_at: created,
                    };
                    store::insert_unit(tx, &unit)?;
                    unit_seq += 1;
                    s.units += 1;

                    let first = *rng.pick(FIRST_NAMES);
                    let last = *rng.pick(LAST_NAMES);
                    let tenant = Tenant {
                        archived_at: None,
                        forwarding_address: String::new(),
                        id: rng.uuid(),
                        first_name: first.into(),
                        last_name: last.into(),
                        email: format!("{}.{}{}@mail.example", first.to_lowercase(), last.to_lowercase(), lease_seq),
                        phone: format!("(555) {:03}-{:04}", rng.range(200, 999), rng.range(0, 9999)),
                        date_of_birth: Some(today - Duration::days(rng.range(22 * 365, 70 * 365))),
                        created_at: created,
                    };
                    store::insert_tenant(tx, &tenant)?;
                    s.tenants += 1;

                    // Lease dates by scenario. Terms are 12 months mostly, some 6/18/24.
                    let term = *rng.pick(&[12u32, 12, 12, 12, 6, 18, 24]);
                    // A lease in force today began on or before today: its end falls within
                    // one term of today.
                    let within_term = (months_after(today, term) - today).num_days() - 1;
                    let end = match scenario {
                        Scenario::Active => today + Duration::days(rng.range(0, within_term.min(330))),
                        Scenario::ExpiredStillActive => today - Duration::days(rng.range(1, 200)),
                        Scenario::MonthToMonth => today - Duration::days(rng.range(5, 420)),
                        Scenario::Notice | Scenario::NoticePastMoveOut => {
                            today + Duration::days(rng.range(-120, within_term.min(200)))
                        }
                        Scenario::Vacant => today - Duration::days(rng.range(10, 200)),
                    };
                    let begin = (months_before(end, term) + Duration::days(1)).min(today);
                    // Tenure: some renewed several times (an earlier original move-in).
                    let due_day = if rng.chance(0.9) { 1 } else { *rng.pick(&[5u32, 10, 15]) };
                    let mut lease = Lease {
                        id: rng.uuid(),
                        lease_number: format!("L-{:06}", lease_seq + 1),
                        tenant_id: tenant.id,
                        unit_id,
                        property_id: property.id,
                        lease_begin_date: begin,
                        lease_end_date: Some(end),
                        monthly_rent_amount: rent,
                        security_deposit: rent,
                        rent_due_day: due_day as u8,
                        late_fee_amount: money(*rng.pick(&[50i64, 75, 75, 100]) * 100),
                        grace_period_days: *rng.pick(&[3, 5, 5, 5]),
                        status: "current".into(),
                        lease_status: LeaseStatus::Active,
                        lease_status_changed_at: Some(at(begin, 12)),
                        lease_status_changed_by: "system".into(),
                        holdover_start_date: None,
                        notice_date: None,
                        notice_move_out_date: None,
                        actual_move_out_date: None,
                        created_at: at(begin, 12),
                        updated_at: at(begin, 12),
                    };
                    lease_seq += 1;
                    let mut log: Vec<(LeaseStatus, LeaseStatus, NaiveDate, &str, &str)> = Vec::new();
                    match scenario {
                        Scenario::Active | Scenario::ExpiredStillActive => {}
                        Scenario::MonthToMonth => {
                            let h = end + Duration::days(1);
                            lease.lease_status = LeaseStatus::MonthToMonth;
                            lease.holdover_start_date = Some(h);
                            lease.lease_status_changed_by = "system:daily_classify".into();
                            lease.lease_status_changed_at = Some(at(h, 2));
                            log.push((LeaseStatus::Active, LeaseStatus::MonthToMonth, h, "Lease end date passed without renewal", "system:daily_classify"));
                        }
                        Scenario::Notice | Scenario::NoticePastMoveOut => {
                            let move_out = if scenario == Scenario::Notice {
                                today + Duration::days(rng.range(0, 45))
                            } else {
                                today - Duration::days(rng.range(1, 5))
                            };
                            let notice = (move_out - Duration::days(rng.range(30, 60))).max(begin).min(today);
                            if end < notice {
                                // Was month-to-month first, then gave notice.
                                let h = end + Duration::days(1);
                                lease.holdover_start_date = Some(h);
                                log.push((LeaseStatus::Active, LeaseStatus::MonthToMonth, h, "Lease end date passed without renewal", "system:daily_classify"));
                                log.push((LeaseStatus::MonthToMonth, LeaseStatus::Notice, notice, "Tenant gave notice", "user:manager@unitcycle.example"));
                            } else {
                                log.push((LeaseStatus::Active, LeaseStatus::Notice, notice, "Tenant gave notice", "user:manager@unitcycle.example"));
                            }
                            lease.lease_status = LeaseStatus::Notice;
                            lease.notice_date = Some(notice);
                            lease.notice_move_out_date = Some(move_out);
                            lease.lease_status_changed_by = "user:manager@unitcycle.example".into();
                            lease.lease_status_changed_at = Some(at(notice, 15));
                        }
                        Scenario::Vacant => {
                            let move_out = end + Duration::days(rng.range(-20, 0));
                            let notice = (move_out - Duration::days(30)).max(begin);
                            lease.lease_status = LeaseStatus::Vacant;
                            lease.status = "past".into();
                            lease.notice_date = Some(notice);
                            lease.notice_move_out_date = Some(move_out);
                            lease.actual_move_out_date = Some(move_out);
                            lease.lease_status_changed_by = "system:daily_classify".into();
                            lease.lease_status_changed_at = Some(at(move_out + Duration::days(1), 2));
                            log.push((LeaseStatus::Active, LeaseStatus::Notice, notice, "Tenant gave notice", "user:manager@unitcycle.example"));
                            log.push((LeaseStatus::Notice, LeaseStatus::Vacant, move_out + Duration::days(1), "Move-out date passed", "system:daily_classify"));
                        }
                    }
                    store::insert_lease(tx, &lease)?;
                    s.leases += 1;
                    for (from, to, day, reason, by) in log {
                        tx.prepare_cached(
                            "INSERT INTO lease_status_log (id, lease_id, previous_status, new_status, reason, changed_by, metadata, created_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7)",
                        )?
                        .execute(rusqlite::params![rng.uuid().to_string(), lease.id.to_string(), from, to, reason, by, at(day, 2)])?;
                    }

                    // Ledger: monthly rent from the later of move-in and 18 months ago, until
                    // move-out (or today while the tenant is in place).
                    let payer = match rng.unit() {
                        x if x < 0.72 => Payer::OnTime,
                        x if x < 0.90 => Payer::OccasionallyLate,
                        _ => Payer::Chronic,
                    };
                    let last_day = lease.actual_move_out_date.unwrap_or(today);
                    let mut entry = |tx: &rusqlite::Transaction<'_>, rng: &mut Rng, tt: TransType, cat: &str, desc: String, amount: Decimal, on: NaiveDate, due: Option<NaiveDate>| -> rusqlite::Result<()> {
                        store::insert_ledger_entry(tx, &LedgerEntry {
                            id: rng.uuid(),
                            tenant_id: tenant.id,
                            lease_id: Some(lease.id),
                            unit_id: Some(unit_id),
                            property_id: Some(property.id),
                            trans_type: tt,
                            category: cat.into(),
                            description: desc,
                            amount,
                            trans_date: on,
                            due_date: due,
                            created_at: at(on, 10),
                        })?;
                        s.ledger_entries += 1;
                        Ok(())
                    };
                    let dues = due_dates(history_start.max(begin), last_day, due_day);
                    let n_dues = dues.len();
                    for (k, due) in dues.into_iter().enumerate() {
                        entry(tx, &mut rng, TransType::Charge, "rent", format!("Rent {}", due.format("%b %Y")), rent, due, Some(due))?;
                        let recent = k + 2 >= n_dues;
                        // A few tenants have not paid the most recent month(s): open balances.
                        let unpaid = recent && (today - due).num_days() >= 1 && match payer {
                            Payer::Chronic => rng.chance(0.45),
                            Payer::OccasionallyLate => rng.chance(0.06),
                            Payer::OnTime => rng.chance(0.01),
                        };
                        if unpaid {
                            continue;
                        }
                        let late_days = match payer {
                            Payer::OnTime => if rng.chance(0.03) { rng.range(1, 4) } else { 0 },
                            Payer::OccasionallyLate => if rng.chance(0.18) { rng.range(2, 12) } else { 0 },
                            Payer::Chronic => if rng.chance(0.6) { rng.range(3, 25) } else { 0 },
                        };
                        let paid_on = if late_days == 0 { due - Duration::days(rng.range(0, 4)) } else { due + Duration::days(late_days) };
                        if paid_on > today {
                            continue;
                        }
                        if late_days > lease.grace_period_days as i64 {
                            let fee_day = due + Duration::days(lease.grace_period_days as i64 + 1);
                            entry(tx, &mut rng, TransType::Charge, "late_fee", format!("Late fee {}", due.format("%b %Y")), lease.late_fee_amount, fee_day, Some(fee_day))?;
                            entry(tx, &mut rng, TransType::Payment, "payment", "Late fee payment".into(), lease.late_fee_amount, paid_on.max(fee_day), None)?;
                        }
                        // Chronic payers sometimes split the rent in two.
                        if payer == Payer::Chronic && rng.chance(0.2) {
                            let half = (rent / Decimal::TWO).round_dp(2);
                            entry(tx, &mut rng, TransType::Payment, "payment", "Partial payment".into(), half, paid_on, None)?;
                            let rest_on = (paid_on + Duration::days(rng.range(3, 10))).min(today);
                            entry(tx, &mut rng, TransType::Payment, "payment", "Balance payment".into(), rent - half, rest_on, None)?;
                        } else {
                            let method = *rng.pick(&["ACH", "ACH", "Card", "Check", "Online portal"]);
                            entry(tx, &mut rng, TransType::Payment, "payment", format!("Payment - {method}"), rent, paid_on, None)?;
                        }
                    }

                    // A few tenants in place owe a recent one-off charge (a utility bill, a
                    // repair they caused, parking) due in the last 11 days, so collections
                    // has cases early in the schedule as well as the late ones unpaid rent makes.
                    // Drawn from the lease's own generator so the rest of the portfolio stays as
                    // the seed always made it.
                    if lease.actual_move_out_date.is_none() && scenario != Scenario::Vacant {
                        let mut side = Rng::new(cfg.seed ^ lease.id.as_u64_pair().0);
                        if side.chance(RECENT_CHARGE_SHARE) {
                            let (cat, what, lo, hi) = *side.pick(RECENT_CHARGES);
                            let due = today - Duration::days(side.range(1, 11));
                            let amount = money(side.range(lo, hi) * 100 + side.range(0, 99));
                            let billed = due - Duration::days(10);
                            let desc = format!("{what} {}", billed.format("%b %Y"));
                            entry(tx, &mut side, TransType::Charge, cat, desc, amount, billed, Some(due))?;
                        }
                    }

                    // Work orders: 0–4 a year; one unit in ten has a recurring problem.
                    let troubled = rng.chance(0.10);
                    let n_wo = if troubled { rng.range(3, 7) } else { rng.range(0, 4) };
                    let repeat_issue = *rng.pick(ISSUES);
                    for w in 0..n_wo {
                        let (trade, title) = if troubled && w % 2 == 0 { repeat_issue } else { *rng.pick(ISSUES) };
                        let requested = today - Duration::days(rng.range(0, 540));
                        let age = (today - requested).num_days();
                        let status = if age > 21 {
                            if rng.chance(0.04) { WorkOrderStatus::Cancelled } else { WorkOrderStatus::Completed }
                        } else {
                            *rng.pick(&[WorkOrderStatus::Open, WorkOrderStatus::InProgress, WorkOrderStatus::Completed])
                        };
                        let trade_vendors: Vec<&Vendor> = vendors.iter().filter(|v| v.trade == trade).collect();
                        let vendor = if trade_vendors.is_empty() { None } else { Some(*rng.pick(&trade_vendors)) };
                        let cost = money(rng.range(85, if trade == "hvac" { 1_400 } else { 650 }) * 100 + rng.range(0, 99));
                        let completed = (status == WorkOrderStatus::Completed).then(|| (requested + Duration::days(rng.range(0, 10))).min(today));
                        let priority = match trade {
                            "hvac" | "plumbing" if rng.chance(0.3) => WorkOrderPriority::High,
                            _ if rng.chance(0.05) => WorkOrderPriority::Emergency,
                            _ => *rng.pick(&[WorkOrderPriority::Low, WorkOrderPriority::Medium, WorkOrderPriority::Medium]),
                        };
                        let wo = WorkOrder {
                            id: rng.uuid(),
                            unit_id,
                            property_id: property.id,
                            tenant_id: (scenario != Scenario::Vacant).then_some(tenant.id),
                            title: title.into(),
                            description: format!("Tenant reports: {}.", title.to_lowercase()),
                            category: trade.into(),
                            priority,
                            status,
                            requested_date: requested,
                            completed_date: completed,
                            cost: if completed.is_some() { cost } else { Decimal::ZERO },
                            assigned_vendor_id: vendor.map(|v| v.id),
                            created_at: at(requested, 8),
                            scheduled_date: vendor.map(|v| visit_date(v, requested, cost, today)),
                            tenant_rating: match (completed, vendor) {
                                (Some(_), Some(v)) => tenant_rating(v, cost),
                                _ => None,
                            },
                        };
                        store::insert_work_order(tx, &wo)?;
                        s.work_orders += 1;
                        if let (Some(done), Some(v)) = (completed, vendor) {
                            invoice_seq += 1;
                            let inv_id = rng.uuid();
                            let labor = (cost * Decimal::new(6, 1)).round_dp(2);
                            let parts = cost - labor;
                            let line = |id: Uuid, d: &str, amt: Decimal, gl: &str| InvoiceLineItem {
                                id,
                                invoice_id: inv_id,
                                description: d.into(),
                                quantity: Decimal::ONE,
                                unit_price: amt,
                                total: amt,
                                gl_code: gl.into(),
                            };
                            let invoice = Invoice {
                                id: inv_id,
                                vendor_id: Some(v.id),
                                property_id: Some(property.id),
                                unit_id: Some(unit_id),
                                work_order_id: Some(wo.id),
                                invoice_number: format!("INV-{:07}", invoice_seq),
                                invoice_date: done,
                                due_date: Some(done + Duration::days(30)),
                                subtotal: cost,
                                tax: Decimal::ZERO,
                                total_amount: cost,
                                status: if (today - done).num_days() > 30 { InvoiceStatus::Paid } else { InvoiceStatus::Pending },
                                confidence_score: None,
                                created_at: at(done, 16),
                                line_items: vec![
                                    line(rng.uuid(), &format!("Labor: {}", title.to_lowercase()), labor, "6100"),
                                    line(rng.uuid(), "Parts and materials", parts, "6110"),
                                ],
                            };
                            store::insert_invoice(tx, &invoice)?;
                            s.invoices += 1;
                        }
                    }
                }
                placed += in_building;
                b_idx = b_idx.wrapping_add(1);
            }
        }
        Ok(())
    });
    store.set_bulk_load(false)?;
    loaded?;
    // The demo is consistent on its day: its 02:00 lifecycle classification has run, so no
    // active lease is past its end (month-to-month from the day after) and no notice is past
    // its move-out (vacant).
    crate::lifecycle::classify::classify_lease_statuses(store, today, at(today, 2))?;
    // Each property's knowledge base starts from the shipped handbook, so the FAQ bot and the
    // onboarding messages have something true to say.
    for p in crate::port::Records::property_zones(&*store)?.into_keys() {
        crate::onboarding::workflow::seed_demo_knowledge(store, p, created)?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn demo(units: u32, seed: u64) -> (Store, DemoSummary) {
        let mut store = Store::in_memory().unwrap();
        let cfg = DemoConfig { units, seed, today: d("2026-11-25") };
        let s = generate(&mut store, &cfg).unwrap();
        (store, s)
    }

    #[test]
    fn default_portfolio_has_the_promised_shape() {
        let (store, s) = demo(DemoConfig::DEFAULT_UNITS, 42);
        assert_eq!(s.properties, 6);
        assert_eq!(s.units, 1_200);
        assert_eq!(s.leases, 1_200);
        assert!(s.buildings >= 12, "{s:?}");
        assert!(s.ledger_entries > 20_000, "{s:?}");
        assert!(s.work_orders > 1_000 && s.invoices > 500, "{s:?}");
        // Every lifecycle state, already classified for the day.
        let stats = store.lifecycle_stats(&Default::default(), d("2026-11-25")).unwrap();
        for status in LeaseStatus::ALL {
            assert!(stats.count(*status) > 10, "{status}: {stats:?}");
        }
        let expired_active = store
            .leases_in(&[LeaseStatus::Active])
            .unwrap()
            .iter()
            .filter(|l| lifecycle::initial_reclassify(l, d("2026-11-25")).is_some())
            .count();
        assert_eq!(expired_active, 0);
        assert!(stats.expiring_30_days > 0);
    }

    #[test]
    fn the_demo_is_consistent_on_its_day() {
        use crate::collections::port::CollectionsPort;
        use crate::collections::{self, StepClock, STEP_ACTION_TYPES};
        let today = d("2026-11-25");
        let (mut store, _) = demo(200, 42);
        for l in store.leases_in(&[]).unwrap() {
            let id = &l.lease_number;
            match l.lease_status {
                LeaseStatus::Active => {
                    assert!(l.lease_end_date.is_none_or(|end| end >= today), "{id} active past its end");
                    assert!(l.lease_begin_date <= today, "{id} active before it begins");
                }
                LeaseStatus::Notice => {
                    assert!(l.notice_move_out_date.is_none_or(|out| out >= today), "{id} notice past move-out");
                    assert!(l.lease_begin_date <= today, "{id} on notice before it begins");
                }
                LeaseStatus::MonthToMonth | LeaseStatus::Vacant => {}
            }
        }
        // Nothing left for the day's classification to do.
        let again = lifecycle::classify::classify_lease_statuses(&mut store, today, at(today, 3)).unwrap();
        assert_eq!(again.summary, "Transitioned 0 to MTM, 0 to vacant.");

        // Collections as the paced engine leaves them: each case's steps one by one, on their
        // own days, never faster than the schedule's gaps.
        run_demo_jobs(&mut store, today, at(today, 9), |_| ()).unwrap();
        // Every unit with something to go on is priced today, over a history one run per
        // replayed day long (the season moves every figure); only today's run is a job run.
        {
            use crate::pricing::port::PricingPort;
            let latest = store.latest_snapshots().unwrap();
            assert!(latest.len() > 150 && latest.iter().all(|s| s.snapshot_date == today), "{}", latest.len());
            let history = crate::pricing::workflow::history(&store, latest[0].unit_id, today).unwrap();
            let days: Vec<NaiveDate> = history.iter().map(|s| s.snapshot_date).collect();
            assert_eq!(days, [today - Duration::days(60), today - Duration::days(30), today]);
            let runs = store.job_runs(50).unwrap();
            assert_eq!(runs.iter().filter(|r| r.job_name == "pricing-engine").count(), 1);
        }
        // Two vacant units on the market through the feed, their leads scored, the best lead's
        // tour booked.
        {
            use crate::listing_syndication::port::ListingPort;
            use crate::showings::port::ShowingsPort;
            let listings = store.listings().unwrap();
            assert_eq!(listings.len(), 2);
            assert!(listings.iter().all(|l| l.status == "active"), "{listings:?}");
            let leads = store.listing_leads().unwrap();
            assert_eq!(leads.len(), 4);
            let best = leads.iter().max_by_key(|l| l.lead_score).unwrap();
            assert_eq!((best.prospect_name.as_str(), best.status.as_str()), ("Rosa Martinez", "touring"));
            assert_eq!(store.showings().unwrap().len(), 1);
        }
        let cases = store.collection_cases(&Default::default()).unwrap();
        let mut levels = std::collections::BTreeSet::new();
        for c in &cases {
            levels.insert(c.escalation_level);
            let steps: Vec<_> = store
                .collection_actions(c.id)
                .unwrap()
                .into_iter()
                .filter(|a| STEP_ACTION_TYPES.contains(&a.action_type))
                .collect();
            let order: Vec<u8> = steps.iter().map(|a| a.escalation_level).collect();
            assert_eq!(order, (1..=c.escalation_level).collect::<Vec<_>>(), "case {}", c.id);
            let grace =
                store.collection_leases().unwrap().iter().find(|l| l.id == c.lease_id).unwrap().grace_period_days;
            let clock = StepClock { due_date: c.due_date, grace_period_days: grace, last_step_on: None };
            for (i, a) in steps.iter().enumerate() {
                let step = collections::step(a.escalation_level).unwrap();
                assert!(a.created_at.date_naive() >= clock.due_on(step), "case {} step {} early", c.id, step.level);
                if i > 0 {
                    let gap = (a.created_at.date_naive() - steps[i - 1].created_at.date_naive()).num_days();
                    assert!(gap >= collections::min_gap_days(step.level), "case {} step {}", c.id, step.level);
                }
            }
        }
        // The queue shows cases at several steps, up to the legal one.
        assert!(levels.len() >= 4 && levels.contains(&5), "{levels:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_portfolio() {
        let (a, sa) = demo(300, 7);
        let (b, sb) = demo(300, 7);
        assert_eq!(sa, sb);
        let leases = |s: &Store| {
            let mut v = s.leases_in(&[]).unwrap();
            v.sort_by_key(|l| l.id);
            v
        };
        assert_eq!(leases(&a), leases(&b));
        let (_, sc) = demo(300, 8);
        assert_ne!(sa, sc);
    }

    #[test]
    fn payers_range_from_on_time_to_chronic() {
        let (store, _) = demo(400, 42);
        let mut late_counts = Vec::new();
        for l in store.leases_in(&[LeaseStatus::Active, LeaseStatus::MonthToMonth]).unwrap() {
            let ledger = store.ledger(l.tenant_id, None).unwrap();
            let late = ledger.iter().filter(|e| e.category == "late_fee").count();
            late_counts.push(late);
        }
        assert!(late_counts.iter().filter(|&&n| n == 0).count() > late_counts.len() / 2);
        assert!(late_counts.iter().any(|&n| n >= 6), "some chronic payers");
    }

    #[test]
    fn scales_to_a_small_or_odd_unit_count() {
        let (_, s) = demo(1, 1);
        assert_eq!((s.properties, s.units), (1, 1));
        let (_, s) = demo(1_001, 1);
        assert_eq!((s.properties, s.units), (5, 1_001));
    }

    #[test]
    fn due_dates_cover_each_month_once() {
        let v = due_dates(d("2026-01-15"), d("2026-04-01"), 1);
        assert_eq!(v, vec![d("2026-02-01"), d("2026-03-01"), d("2026-04-01")]);
        assert_eq!(due_dates(d("2026-01-01"), d("2025-12-01"), 1), Vec::<NaiveDate>::new());
    }
}
