//! Command-line arguments.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use rust_decimal::Decimal;
use unitcycle_core::command_center::bulk::Method;
pub use unitcycle_core::format::parse_money;
use unitcycle_core::model::{LeaseStatus, UnitStatus};
use unitcycle_core::renewals::{ChurnRiskLevel, RenewalStatus};

#[derive(Debug, Parser)]
#[command(name = "unitcycle", version, about = "UnitCycle: local-first property management in the terminal")]
pub struct Cli {
    /// The replica to use [default: $UNITCYCLE_DB or the per-user data path]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Run the terminal app as if today were this day (for demos and scripted tests)
    #[arg(long, hide = true, value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (or refresh) the demo replica
    Demo(DemoArgs),
    /// Run or list jobs
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Lease lifecycle: stats, lists, transitions and new leases (spec 1.1); also `lease`
    #[command(subcommand, alias = "lease")]
    Lifecycle(LifecycleCommand),
    /// Properties: add, edit, archive, list (with their IANA time zone)
    #[command(subcommand)]
    Property(PropertyCommand),
    /// Buildings of a property: add, edit, archive
    #[command(subcommand)]
    Building(BuildingCommand),
    /// Units: add, edit, archive
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Tenants: add one (to sign a lease to, `lease new`), edit, archive
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// A lease's ledger: post a charge, payment or credit; void an entry; show the ledger
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Renewal recommendations: review, approve, send (spec 1.2)
    #[command(subcommand)]
    Renewals(RenewalsCommand),
    /// Collections cases: queue, timeline, reminders, plans, payments (spec 1.3)
    #[command(subcommand)]
    Collections(CollectionsCommand),
    /// Turnover cases from notice to the next lease: board, case, stages, deductions, letter (spec 2.1)
    #[command(subcommand)]
    Turnover(TurnoverCommand),
    /// Revenue intelligence: price units from their comps, the revenue opportunity, units below
    /// market, a unit's price history (spec 2.2)
    #[command(subcommand)]
    Pricing(PricingCommand),
    /// Predictive maintenance and work orders: risk scores, the heatmap, preventive suggestions,
    /// work orders from request to completion, equipment (spec 2.3)
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
    /// Vendor intelligence: scorecards, dispatch recommendations, repeat-visit alerts, expiring
    /// documents, price benchmarks and analysis, warranties and contracts (spec 5.4)
    #[command(subcommand)]
    Vendors(VendorsCommand),
    /// Vendor invoices read off their PDFs: extract, upload, the processing queue, approve with
    /// corrections, match to a work order (spec 3.2)
    #[command(subcommand)]
    Invoices(InvoicesCommand),
    /// Ask the portfolio in plain words (spec 3.3): the answer, the tool it called and its table
    Ask {
        question: Vec<String>,
        #[arg(long)]
        json: bool,
        /// Create what the answer proposes (a work order, reminder or follow-up); without it the
        /// proposal is only shown
        #[arg(long)]
        yes: bool,
    },
    /// Lease documents read into terms: abstract a PDF, the list, review, correct, apply to the
    /// lease record from a diff (spec 4.3)
    #[command(subcommand)]
    Leases(LeasesCommand),
    /// Move-out photo inspections: start, photos, analysis, review, letter, finalize, compare (spec 3.1)
    #[command(subcommand, name = "move-out")]
    MoveOut(MoveOutCommand),
    /// Command center AI action queue: list, approve, dismiss, execute (spec 1.4)
    #[command(subcommand, name = "command-center", alias = "cc")]
    Cc(CommandCenterCommand),
    /// Move-in inspections done on the desktop: list, status, analysis of queued photos (spec 4.4)
    #[command(subcommand)]
    Inspections(InspectionsCommand),
    /// Listing syndication: the listings and the MITS feed platforms ingest (spec 5.1)
    #[command(subcommand)]
    Listings(ListingsCommand),
    /// Messages queued for tenants, and sending them
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Print benchmark figures
    #[command(subcommand)]
    Bench(BenchCommand),
    /// AI gateway: the active provider, the ai_run log, letter and message previews
    #[command(subcommand)]
    Ai(AiCommand),
    /// Sign in to the central server (password from UNITCYCLE_PASSWORD or a prompt)
    Login(LoginArgs),
    /// Push local changes and pull the server's (or: status, verify)
    Sync(SyncArgs),
    /// Import what a manager already has: a rent roll from AppFolio, Buildium, Yardi, a spreadsheet
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export the portfolio: the rent roll, in the columns `import rent-roll` reads
    #[command(subcommand)]
    Export(ExportCommand),
    /// List stored rows an older build let in (bad dates, amounts, order, NUL); exits 1 if any
    Doctor {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a rent-roll CSV: all rows or none; a second import of the same file creates nothing
    #[command(name = "rent-roll")]
    RentRoll {
        /// The CSV file
        file: PathBuf,
        /// Show what would be created and matched, and every bad row, writing nothing
        #[arg(long)]
        dry_run: bool,
        /// Read column COL as FIELD (repeatable), e.g. --map "Unit=unit_number"; FIELD `ignore` skips it
        #[arg(long = "map", value_name = "COL=FIELD")]
        map: Vec<String>,
        #[command(flatten)]
        opts: Today,
    },
    /// Import a transactions CSV (date, unit, tenant, description, charge/payment or amount) onto
    /// the leases in place; all rows or none; a second import creates nothing
    Ledger {
        /// The CSV file
        file: PathBuf,
        /// Show what would be created and matched, and every bad row, writing nothing
        #[arg(long)]
        dry_run: bool,
        /// Read column COL as FIELD (repeatable): date, property_name, unit_number, tenant_name,
        /// description, charge, payment, amount, type, category, or ignore
        #[arg(long = "map", value_name = "COL=FIELD")]
        map: Vec<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the rent roll as CSV (to FILE, or to standard output)
    #[command(name = "rent-roll")]
    RentRoll {
        /// The CSV file to write [default: standard output]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The central server, e.g. http://127.0.0.1:8080
    #[arg(long)]
    pub server: String,
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The server [default: the one this replica logged in to]
    #[arg(long, global = true)]
    pub server: Option<String>,
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Show the server, cursor and pending local changes
    Status,
    /// Compare the replica's row counts with the server's
    Verify,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of units to generate
    #[arg(long, default_value_t = 1_200)]
    pub units: u32,
    /// Seed for the generator: the same seed gives the same portfolio
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate as of this day [default: today]
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Leave the day's AI jobs unrun: no renewal recommendations, collections cases or action
    /// queue until `unitcycle jobs run ...`
    #[arg(long)]
    pub no_jobs: bool,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run one job now against the replica
    Run {
        /// Job name, e.g. lifecycle-classify (see `unitcycle jobs list`)
        job: String,
        /// Run as if today were this day
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// List the jobs and their schedules
    List,
    /// Show recent job runs
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Today {
    /// Compute as if today were this day
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LifecycleCommand {
    /// Counts per lifecycle state and leases expiring in 30/60/90 days
    Stats {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        #[command(flatten)]
        opts: Today,
    },
    /// List leases
    List {
        /// Only these states (repeatable): active, month_to_month, notice, vacant
        #[arg(long = "status", value_parser = parse_status)]
        statuses: Vec<LeaseStatus>,
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        /// Only active leases ending within this many days
        #[arg(long, value_name = "DAYS")]
        expiring: Option<u32>,
        /// Match tenant name, unit number or lease number
        #[arg(long)]
        search: Option<String>,
        /// At most this many leases (the table shows 50 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        opts: Today,
    },
    /// Show one lease with its progress and status history
    Show {
        /// Lease id or lease number
        lease: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Convert an active lease to month-to-month
    ConvertMtm {
        lease: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Record the tenant's notice
    GiveNotice {
        lease: String,
        #[arg(long, value_parser = parse_date)]
        notice_date: NaiveDate,
        #[arg(long = "move-out", value_parser = parse_date)]
        notice_move_out_date: NaiveDate,
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        opts: Today,
    },
    /// Sign a new lease on a vacant unit (the vacant → active transition, logged); also `new`
    #[command(alias = "new")]
    NewLease {
        /// The unit's id
        #[arg(long)]
        unit: uuid::Uuid,
        /// The tenant's id
        #[arg(long)]
        tenant: uuid::Uuid,
        #[arg(long, value_parser = parse_date)]
        begin: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        end: NaiveDate,
        /// Monthly rent, e.g. 1850 or $1,850.00
        #[arg(long, value_parser = parse_money)]
        rent: Decimal,
        #[arg(long, value_parser = parse_money, default_value = "0")]
        deposit: Decimal,
        /// Day of the month rent falls due (1–28)
        #[arg(long, default_value_t = 1)]
        due_day: u8,
        #[arg(long, value_parser = parse_money, default_value = "0")]
        late_fee: Decimal,
        /// Grace days before the late fee
        #[arg(long, default_value_t = 5)]
        grace: i32,
        #[command(flatten)]
        opts: Today,
    },
    /// Mark a lease with notice as vacant after move-out
    MarkVacant {
        lease: String,
        /// Actual move-out date [default: the notice's move-out date if passed, else today]
        #[arg(long = "move-out", value_parser = parse_date)]
        actual_move_out_date: Option<NaiveDate>,
        #[command(flatten)]
        opts: Today,
    },
}

/// The fields of a property; on `edit`, only those given change.
#[derive(Debug, Args)]
pub struct PropertyFields {
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub state: Option<String>,
    #[arg(long)]
    pub zip: Option<String>,
    /// multifamily, single_family, townhome, condo, mixed_use, commercial
    #[arg(long = "type")]
    pub property_type: Option<String>,
    #[arg(long)]
    pub year_built: Option<i32>,
    /// IANA time zone, e.g. America/Los_Angeles ("today" for the property's leases)
    #[arg(long)]
    pub time_zone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PropertyCommand {
    /// Add a property
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: PropertyFields,
        #[arg(long)]
        json: bool,
    },
    /// Edit a property (by id or name prefix)
    Edit {
        property: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: PropertyFields,
        #[arg(long)]
        json: bool,
    },
    /// Archive a property with no lease in place (its buildings and units too)
    Archive { property: String },
    /// The properties, with their time zone and units
    List {
        /// Archived properties too
        #[arg(long)]
        archived: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BuildingCommand {
    /// Add a building to a property (by id or name prefix)
    Add {
        #[arg(long)]
        property: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 1)]
        floors: i32,
        #[arg(long)]
        json: bool,
    },
    /// Edit a building
    Edit {
        building: uuid::Uuid,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        floors: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Archive a building none of whose units is in use
    Archive { building: uuid::Uuid },
}

/// The fields of a unit; on `edit`, only those given change.
#[derive(Debug, Args)]
pub struct UnitFields {
    /// The building's id
    #[arg(long)]
    pub building: Option<uuid::Uuid>,
    #[arg(long)]
    pub floor: Option<i32>,
    #[arg(long)]
    pub bedrooms: Option<i32>,
    #[arg(long)]
    pub bathrooms: Option<Decimal>,
    #[arg(long)]
    pub square_feet: Option<i32>,
    #[arg(long, value_parser = parse_money)]
    pub market_rent: Option<Decimal>,
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Add a unit to a property (by id or name prefix)
    Add {
        #[arg(long)]
        property: String,
        #[arg(long)]
        number: String,
        #[command(flatten)]
        fields: UnitFields,
        #[arg(long)]
        json: bool,
    },
    /// Edit a unit
    Edit {
        unit: uuid::Uuid,
        #[arg(long)]
        number: Option<String>,
        /// vacant or maintenance (occupied comes from a lease)
        #[arg(long, value_parser = parse_choice::<UnitStatus>)]
        status: Option<UnitStatus>,
        #[command(flatten)]
        fields: UnitFields,
        #[arg(long)]
        json: bool,
    },
    /// Archive a unit no lease holds
    Archive { unit: uuid::Uuid },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Add a tenant
    Add {
        #[arg(long)]
        first: String,
        #[arg(long)]
        last: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, value_parser = parse_date)]
        date_of_birth: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Edit a tenant
    Edit {
        tenant: uuid::Uuid,
        #[arg(long)]
        first: Option<String>,
        #[arg(long)]
        last: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, value_parser = parse_date)]
        date_of_birth: Option<NaiveDate>,
        /// Where letters go after the tenant moves out ("" clears it)
        #[arg(long)]
        forwarding_address: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Archive a tenant with no lease in place
    Archive { tenant: uuid::Uuid },
}

/// An entry to post on a lease.
#[derive(Debug, Args)]
pub struct EntryArgs {
    /// The lease's id or number (L-000042)
    #[arg(long)]
    pub lease: String,
    /// Dollars and cents, e.g. 1850.00
    #[arg(value_parser = parse_money)]
    pub amount: Decimal,
    /// The transaction date [default: the property's today]
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[arg(long, default_value = "")]
    pub description: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Charge the tenant (rent, late_fee, utility, damage, deposit, parking, pet, fee, other)
    Charge {
        #[command(flatten)]
        entry: EntryArgs,
        #[arg(long, default_value = "other")]
        category: String,
        /// When it falls due [default: the transaction date]
        #[arg(long, value_parser = parse_date)]
        due: Option<NaiveDate>,
    },
    /// Record a payment received
    Pay {
        #[command(flatten)]
        entry: EntryArgs,
    },
    /// Credit the tenant (a concession that lowers the balance)
    Credit {
        #[command(flatten)]
        entry: EntryArgs,
    },
    /// Void an entry: a reversing entry is posted, the entry stays
    Void {
        entry: uuid::Uuid,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// A lease's ledger with its balance
    Show {
        /// The lease's id or number
        lease: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RenewalsCommand {
    /// The review queue, highest churn first
    List {
        /// Only these statuses (repeatable): pending, approved, sent, accepted, declined, expired
        #[arg(long, value_parser = parse_choice::<RenewalStatus>)]
        status: Vec<RenewalStatus>,
        /// Only these risk levels (repeatable): low, medium, high, critical
        #[arg(long, value_parser = parse_choice::<ChurnRiskLevel>)]
        risk: Vec<ChurnRiskLevel>,
        #[arg(long)]
        json: bool,
    },
    /// Dashboard figures: counts, acceptance rate, revenue impact
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// One recommendation: churn factors, rent reasoning, letter
    Show {
        /// Recommendation id (or its first characters) or lease number
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// approve [--rent AMOUNT] | send | accept | decline
    Act {
        id: String,
        action: String,
        /// Approve at this rent instead of the recommendation
        #[arg(long, value_parser = parse_money)]
        rent: Option<Decimal>,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Regenerate the letter through the AI gateway
    Letter {
        id: String,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CommandCenterCommand {
    /// Open AI actions (pending and approved), most urgent first
    Queue {
        #[arg(long)]
        json: bool,
    },
    /// Approve an AI action (id or its first characters)
    Approve { id: String },
    /// Dismiss an AI action
    Dismiss { id: String },
    /// Carry out an AI action now: its bulk action on its unit
    Execute {
        id: String,
        /// email, sms, both or manual
        #[arg(long, default_value = "email", value_parser = parse_method)]
        method: Method,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
}

/// A bulk action's delivery method.
pub fn parse_method(text: &str) -> Result<Method, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_ascii_lowercase()))
        .map_err(|_| format!("'{text}' is not one of email, sms, both, manual"))
}

#[derive(Debug, Subcommand)]
pub enum MoveOutCommand {
    /// Move-out inspections, newest first, with their totals
    List {
        #[arg(long)]
        json: bool,
    },
    /// Start the move-out inspection of a turnover case's lease (CASE: its id or first characters)
    Start {
        case: String,
        #[arg(long)]
        inspector: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
    },
    /// An inspection with its photos by room (INSPECTION: its id or first characters)
    Show {
        inspection: String,
        #[arg(long)]
        json: bool,
    },
    /// Add photo files to a room (kitchen, living_room, bedroom_1, bathroom_1, hallway, exterior…)
    Photos { inspection: String, room: String, files: Vec<PathBuf> },
    /// Classify the photos waiting for it (offline: measured, marked needs_review)
    Analyze { inspection: String },
    /// Classify a photo yourself: damage (with --item, --severity, --category, --cost), normal_wear or clean
    Review {
        inspection: String,
        photo: String,
        classification: String,
        #[arg(long)]
        item: Option<String>,
        #[arg(long, default_value = "minor")]
        severity: String,
        #[arg(long, default_value = "other")]
        category: String,
        #[arg(long)]
        cost: Option<String>,
    },
    /// Show the deduction letter drafted from the reviewed damage; --yes generates its PDF
    Letter {
        inspection: String,
        #[arg(long)]
        yes: bool,
    },
    /// Show what finalizing puts on the turnover case; --yes locks it and applies the deductions
    Finalize {
        inspection: String,
        #[arg(long)]
        yes: bool,
    },
    /// Compare with the unit's move-in inspection, photo pair by photo pair
    Compare {
        inspection: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Each unit's latest risk score, highest first: the five factors' points, the predicted
    /// next work order and the 30/90-day cost
    Risk {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        /// Only this level: low, medium, high or critical
        #[arg(long)]
        level: Option<String>,
        /// At most this many (the table shows 50 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Score every unit (or one property's) now; a whole run is the weekly job, recorded in `jobs runs`
    Score {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        #[command(flatten)]
        opts: Today,
    },
    /// The risk heatmap: property, building, floor, a cell per unit with its level's letter
    Heatmap {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Preventive work orders suggested by the risk scoring and waiting for a decision
    Suggestions {
        /// Every suggestion, whatever its status
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Approve a suggestion (its id or first characters): a work order is created from it
    Approve { suggestion: String },
    /// Dismiss a suggestion
    Dismiss { suggestion: String },
    /// Work orders, newest first
    #[command(name = "work-orders")]
    WorkOrders {
        /// Only this unit (id, or its number with --property when several properties use it)
        #[arg(long)]
        unit: Option<String>,
        /// The property of --unit, or only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        /// Only open and in-progress work orders
        #[arg(long)]
        open: bool,
        /// At most this many (the table shows 50 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Open a work order on a unit
    Create {
        /// The unit's id, or its number (with --property when several properties use it)
        #[arg(long)]
        unit: String,
        #[arg(long)]
        property: Option<String>,
        #[arg(long)]
        title: String,
        /// plumbing, electrical, hvac, appliance, general, pest, roofing, painting, cleaning,
        /// flooring or landscaping
        #[arg(long)]
        category: String,
        /// low, medium, high or emergency
        #[arg(long, default_value = "medium")]
        priority: String,
        #[arg(long, default_value = "")]
        description: String,
        /// The request date [default: the property's today]
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Assign a work order (its id or first characters) to a vendor (id, first characters or name)
    Assign {
        work_order: String,
        #[arg(long)]
        vendor: String,
    },
    /// Book the vendor's visit
    Schedule {
        work_order: String,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
    },
    /// Mark a work order in progress
    Start { work_order: String },
    /// Complete a work order with its cost (and the tenant's 1-5 rating)
    Complete {
        work_order: String,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        #[arg(long, value_parser = parse_money)]
        cost: Decimal,
        #[arg(long)]
        rating: Option<i32>,
    },
    /// Cancel a work order
    Cancel { work_order: String },
    /// Equipment of the properties: list, add
    #[command(subcommand)]
    Equipment(EquipmentCommand),
}

#[derive(Debug, Subcommand)]
pub enum EquipmentCommand {
    /// Equipment by property, oldest first
    List {
        #[arg(long)]
        property: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a piece of equipment on a property (and a unit)
    Add {
        /// The property (id or name)
        #[arg(long)]
        property: String,
        /// The unit it serves (id or number), if one
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        name: String,
        /// e.g. water_heater, hvac, furnace, refrigerator, roof
        #[arg(long = "type")]
        equipment_type: String,
        #[arg(long, default_value = "")]
        manufacturer: String,
        #[arg(long, default_value = "")]
        model: String,
        #[arg(long, value_parser = parse_date)]
        installed: NaiveDate,
        /// Expected lifespan in years
        #[arg(long)]
        lifespan: f64,
        #[arg(long, value_parser = parse_date)]
        warranty_expiry: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LeasesCommand {
    /// Read a lease PDF into the spec's terms, with the non-standard clauses and missing terms;
    /// stores nothing unless --save (--json for scripts)
    Abstract {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
        /// Keep it on this replica for review (tied to this lease: id or number)
        #[arg(long)]
        save: bool,
        #[arg(long)]
        lease: Option<String>,
    },
    /// Write a sample lease PDF with known terms (to try `abstract`); with --lease, that lease's
    /// tenant, unit and terms (and --rent to print a different rent than the record's)
    Sample {
        out: std::path::PathBuf,
        #[arg(long)]
        lease: Option<String>,
        #[arg(long, value_parser = parse_money)]
        rent: Option<Decimal>,
    },
    /// Stored abstractions, newest first
    Abstractions {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// An abstraction (id or first characters): its terms, flags and missing terms
    Show {
        abstraction: String,
        #[arg(long)]
        json: bool,
    },
    /// Correct terms: --set term=value (repeatable; value as JSON or text)
    Correct {
        abstraction: String,
        #[arg(long = "set", value_name = "TERM=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Apply terms to the lease record: shows the diff; --yes writes the chosen fields
    Apply {
        abstraction: String,
        /// The lease (id or number), when the abstraction is not tied to one
        #[arg(long)]
        lease: Option<String>,
        /// Only these terms (repeatable); default every term that changes
        #[arg(long = "field")]
        fields: Vec<String>,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// Read an invoice PDF and print every field with its confidence and place on the page;
    /// stores nothing (--json for scripts)
    Extract {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Upload an invoice PDF: read, matched to a work order, GL-coded, price-checked, queued
    Upload {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The processing queue: open invoices (needing review first), then the approved
    Queue {
        /// processing, extracted, approved, rejected or failed
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// An invoice's extraction (id or first characters): fields, confidence, match, GL, price
    Show {
        invoice: String,
        #[arg(long)]
        json: bool,
    },
    /// Approve an extraction with corrections: shows what the invoice becomes; --yes applies
    Approve {
        invoice: String,
        #[arg(long)]
        vendor: Option<String>,
        #[arg(long)]
        number: Option<String>,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        #[arg(long, value_parser = parse_date)]
        due: Option<NaiveDate>,
        #[arg(long, value_parser = parse_money)]
        subtotal: Option<rust_decimal::Decimal>,
        #[arg(long, value_parser = parse_money)]
        tax: Option<rust_decimal::Decimal>,
        #[arg(long, value_parser = parse_money)]
        total: Option<rust_decimal::Decimal>,
        /// A work order (id or first characters)
        #[arg(long)]
        work_order: Option<String>,
        #[arg(long)]
        gl_code: Option<String>,
        /// Approve although an earlier invoice has the same vendor, number and amount
        #[arg(long)]
        not_a_duplicate: bool,
        #[arg(long)]
        yes: bool,
    },
    /// Write a sample invoice PDF with known fields (to try `extract` and `upload`); with
    /// --work-order, billed by that work order's vendor and naming it
    Sample {
        out: std::path::PathBuf,
        /// Which of the sample bills (vendors, lines and numbers vary with it)
        #[arg(long, default_value_t = 1)]
        n: u32,
        /// A work order (id or first characters) of this replica
        #[arg(long)]
        work_order: Option<String>,
        /// Print this label before the invoice number (a vendor's own wording)
        #[arg(long)]
        number_label: Option<String>,
        /// us, eu or iso
        #[arg(long, default_value = "us")]
        layout: String,
    },
    /// Match an invoice to a work order by hand
    Match {
        invoice: String,
        #[arg(long)]
        work_order: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum VendorsCommand {
    /// Each vendor's latest scorecard: the six scores, overall and jobs, best first
    Scorecards {
        /// Calculate this month's scorecards first (to date)
        #[arg(long)]
        calculate: bool,
        #[command(flatten)]
        opts: Today,
    },
    /// A vendor (id, first characters or name): the latest scorecard's breakdown and the trend
    Show {
        vendor: String,
        #[arg(long)]
        json: bool,
    },
    /// The dispatch recommendation of a work order: warranty check, top 3 with reasoning,
    /// repeat-visit warning (worked out and stored on first asking)
    Dispatch {
        work_order: String,
        #[arg(long)]
        json: bool,
    },
    /// Dispatch a work order to one of its recommended vendors: shows what changes; --yes applies
    Accept {
        work_order: String,
        #[arg(long)]
        vendor: String,
        #[arg(long)]
        yes: bool,
    },
    /// Open repeat-visit alerts (--all: every one)
    Alerts {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Resolve a repeat-visit alert: open, warranty_claim, vendor_credited, different_issue, dismissed
    Resolve {
        alert: String,
        #[arg(long)]
        status: String,
    },
    /// Contracts, insurance and licences expired or expiring within 30 days
    Expiring {
        #[command(flatten)]
        opts: Today,
    },
    /// The portfolio's price benchmarks per work category
    Benchmarks {
        #[arg(long)]
        json: bool,
    },
    /// An invoice (id, first characters or number) against the benchmark of its category
    #[command(name = "analyze-price")]
    AnalyzePrice {
        invoice: String,
        #[arg(long)]
        json: bool,
    },
    /// The dashboard's figures: average score, top and bottom performer, warranties, alerts
    Stats {
        #[command(flatten)]
        opts: Today,
    },
    /// Warranties: list, add
    #[command(subcommand)]
    Warranty(WarrantyCommand),
    /// Vendor contracts and compliance documents: list, add
    #[command(subcommand)]
    Contract(ContractCommand),
}

#[derive(Debug, Subcommand)]
pub enum WarrantyCommand {
    /// Warranties, by unit
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record a warranty on a unit
    Add(Box<WarrantyAdd>),
}

#[derive(Debug, Args)]
pub struct WarrantyAdd {
    /// The unit's id, or its number (with --property when several properties use it)
    #[arg(long)]
    pub unit: String,
    #[arg(long)]
    pub property: Option<String>,
    /// HVAC, Dishwasher, Water Heater, Roof, Refrigerator, Washer, Dryer, Garbage Disposal,
    /// Microwave or Oven (any case)
    #[arg(long)]
    pub item: String,
    #[arg(long)]
    pub brand: String,
    #[arg(long, default_value = "")]
    pub model: String,
    #[arg(long, value_parser = parse_date)]
    pub installed: NaiveDate,
    #[arg(long, value_parser = parse_date)]
    pub ends: NaiveDate,
    /// Who honours it (a company name)
    #[arg(long)]
    pub provider: String,
    /// The vendor holding it, if one of ours (id, first characters or name)
    #[arg(long)]
    pub vendor: Option<String>,
    /// full, parts_only or labor_only
    #[arg(long, default_value = "full")]
    pub coverage: String,
    #[arg(long, default_value = "")]
    pub contact: String,
}

#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Contracts by vendor
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record a vendor's contract or compliance document
    Add {
        /// The vendor (id, first characters or name)
        #[arg(long)]
        vendor: String,
        /// service_agreement, insurance_certificate, license or w9
        #[arg(long = "type")]
        contract_type: String,
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = parse_date)]
        start: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        end: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        insurance_expiry: Option<NaiveDate>,
        #[arg(long, value_parser = parse_date)]
        license_expiry: Option<NaiveDate>,
        #[arg(long)]
        auto_renew: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TurnoverCommand {
    /// Cases by stage, with days in stage, days vacant and the letter deadline
    List {
        /// Only this stage (notice, inspect, make_ready, listed, leased)
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Pipeline figures: cases per stage, average days, make-ready cost, letters overdue
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// A case with its checklist and deductions (CASE: its id or the first characters of it)
    Show {
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a case to its next stage (or to STAGE, which must be the next one)
    Advance { case: String, stage: Option<String> },
    /// Add a deduction: CATEGORY (cleaning, paint, carpet, appliance_repair, wall_damage, other)
    Deduct { case: String, category: String, amount: String, description: String },
    /// Approve a deduction (the refund counts approved ones), or --withdraw the approval
    Approve {
        case: String,
        deduction: String,
        #[arg(long)]
        withdraw: bool,
    },
    /// Mark a make-ready item done, at --cost (default: its estimate)
    Complete {
        case: String,
        item: String,
        #[arg(long)]
        cost: Option<String>,
    },
    /// Show the deposit letter drafted from the record; --yes generates its PDF
    Letter {
        case: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// Run the pricing engine now: every unit (or one property's) priced from its comps on its
    /// property's date; a snapshot is written where the figures changed
    Run {
        /// Only this property (id or name); a whole run is the daily job, recorded in `jobs runs`
        #[arg(long)]
        property: Option<String>,
        #[command(flatten)]
        opts: Today,
    },
    /// Units analysed, below, at and above market, the monthly gap and the annual opportunity,
    /// by property (from the latest snapshots)
    Opportunity {
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Each unit's latest snapshot: current, market and recommended rent, the gap, the strategy
    Units {
        /// Only units more than 2% below market, the largest shortfall first
        #[arg(long)]
        below: bool,
        /// Only this property (id or name)
        #[arg(long)]
        property: Option<String>,
        /// At most this many (the table shows 50 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// A unit's last 90 days of snapshots, with the factors and the comps of the latest
    History {
        /// The unit's id, or its number (with --property when several properties use it)
        unit: String,
        /// The property whose unit numbered UNIT is meant (id or name)
        #[arg(long)]
        property: Option<String>,
        #[command(flatten)]
        opts: Today,
    },
}

#[derive(Debug, Subcommand)]
pub enum CollectionsCommand {
    /// Open cases, most overdue first
    List {
        /// Include closed cases
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Dashboard figures: open cases and outstanding balance by escalation step and risk profile
    Stats {
        /// Count as of this day [default: today]
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// A case with its timeline of messages and its payment plan
    Show {
        /// Case id (or its first characters) or lease number
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Send the next escalation step now
    Remind {
        case: String,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Send it even though the schedule does not allow it yet (logged on the case)
        #[arg(long = "override")]
        override_schedule: bool,
    },
    /// Offer a payment plan
    OfferPlan {
        case: String,
        #[arg(long, default_value_t = 3)]
        installments: u32,
        /// The amount agreed for each installment (the last takes the remainder) [default: an even split]
        #[arg(long)]
        amount: Option<rust_decimal::Decimal>,
        /// First installment date [default: today]
        #[arg(long, value_parser = parse_date)]
        start: Option<NaiveDate>,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Record a payment against the case
    Pay {
        case: String,
        /// Checked by the core as the API and sync push check it (one message for a bad amount)
        #[arg(value_parser = unitcycle_core::format::parse_amount, allow_negative_numbers = true)]
        amount: Decimal,
        /// Date paid [default: today]
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Escalate to legal
    Escalate {
        case: String,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Add a note to the case timeline
    Note { case: String, text: String },
}

#[derive(Debug, Subcommand)]
pub enum ListingsCommand {
    /// Write the MITS ILS feed of the active listings (what rental platforms ingest) to FILE
    Feed {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Every listing: status, rent, days on market, views, leads, stale flag
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Recent messages
    List {
        /// At most this many, newest first (the table shows 30 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Send due messages (standalone replicas only; the server sends a connected replica's):
    /// SMTP and SMS when configured (UNITCYCLE_SMTP_URL, UNITCYCLE_SMS_ACCOUNT_SID, ...),
    /// otherwise files beside the replica
    Deliver {
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// The configured providers (without secrets) and the messages by status
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InspectionsCommand {
    /// Inspections, newest first, with completeness and status
    List {
        /// in_progress, review, pending_signatures or finalized
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One inspection: rooms, ratings, what is missing before it can be finalized
    Show {
        /// Inspection id (or its first characters) or lease number
        inspection: String,
        #[arg(long)]
        json: bool,
    },
    /// Analyse the photos queued while offline, through the AI gateway
    Analyze {
        /// Inspection id (or its first characters) or lease number
        inspection: String,
    },
}

/// A choice typed on the command line: case-insensitive, `-` for `_`.
pub fn parse_choice<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, String> {
    text.trim().to_ascii_lowercase().replace('-', "_").parse::<T>()
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time generating and classifying a portfolio
    Lifecycle {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
    },
    /// Time drawing frames of the terminal app: the property grid and the lease table
    Tui {
        /// Units in the property whose hex grid is drawn
        #[arg(long, default_value_t = 5_000)]
        units: u32,
        /// Leases in the lease lifecycle table
        #[arg(long, default_value_t = 100_000)]
        leases: u32,
        /// Keep the generated lease replica here and reuse it on later runs
        #[arg(long, value_name = "PATH")]
        replica: Option<std::path::PathBuf>,
    },
    /// Run a whole day of the schedule (every run of every scheduled job) over a generated
    /// portfolio on a replica; prints each job's time and the peak memory as a markdown table
    Nightly {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
        /// Start from a copy of this replica (from `bench tui --replica`) instead of generating
        #[arg(long, value_name = "PATH")]
        replica: Option<std::path::PathBuf>,
    },
    /// Score every unit's maintenance risk (the weekly job, twice) over a generated portfolio
    /// topped up to a number of work orders; prints the times and the peak memory
    Risk {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
        #[arg(long, default_value_t = 1_000_000)]
        work_orders: usize,
        /// Start from a copy of this replica instead of generating
        #[arg(long, value_name = "PATH")]
        replica: Option<std::path::PathBuf>,
    },
    /// Read generated invoice PDFs with the offline extractor; prints pages per second
    Documents {
        #[arg(long, default_value_t = 200)]
        documents: usize,
    },
    /// Quality-check and compare move-in/move-out photo pairs offline, as after an inspection
    Photos {
        #[arg(long, default_value_t = 200)]
        pairs: usize,
        /// Width and height of each JPEG (4000×3000 is 12 MP)
        #[arg(long, default_value_t = 4000)]
        width: u32,
        #[arg(long, default_value_t = 3000)]
        height: u32,
        /// Worker threads (default: the machine's cores)
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AiCommand {
    /// Which provider is active and why, the prompt tasks, and the latest AI runs
    Status {
        #[arg(long)]
        json: bool,
    },
    /// List recent AI runs (task, provider, model, tokens, latency, outcome)
    Runs {
        /// At most this many, newest first (the table shows 20 unless given; --json lists every one)
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Draft a letter or message for a lease through the gateway (recorded in ai_run)
    Preview(AiPreviewArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PreviewKind {
    RenewalLetter,
    RentIncrease,
    Collections,
    MoveOutInspection,
    Action,
}

#[derive(Debug, Args)]
pub struct AiPreviewArgs {
    /// What to draft
    #[arg(value_enum)]
    pub kind: PreviewKind,
    /// Lease id or lease number, e.g. L-000001
    #[arg(long)]
    pub lease: String,
    /// sms, email or letter
    #[arg(long, default_value = "letter")]
    pub channel: String,
    /// Collections tone: friendly, firm, formal or legal
    #[arg(long, default_value = "friendly")]
    pub tone: String,
    /// Offer or new rent [default: the unit's market rent, never below the current rent]
    #[arg(long)]
    pub rent: Option<rust_decimal::Decimal>,
    /// Renewal term in months
    #[arg(long, default_value_t = 12)]
    pub term: u32,
    /// Collections: days the balance is overdue
    #[arg(long, default_value_t = 5)]
    pub days_overdue: u32,
    /// Collections: balance owed [default: one month's rent, plus the late fee once past the grace period]
    #[arg(long)]
    pub balance: Option<rust_decimal::Decimal>,
    /// Collections: offer a payment plan in this many monthly installments
    #[arg(long)]
    pub plan: Option<u32>,
    /// Action: renewal_offer, early_renewal_nudge, rent_increase_notice, move_out_inspection,
    /// listing_prep or eviction_prep [default: from the lease's state]
    #[arg(long)]
    pub action: Option<String>,
    #[command(flatten)]
    pub opts: Today,
}

pub use unitcycle_core::format::parse_date;

fn parse_status(text: &str) -> Result<LeaseStatus, String> {
    text.trim().replace('-', "_").parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_dates_say_what_is_expected() {
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "invalid date '2026-02-30': expected YYYY-MM-DD, e.g. 2026-03-15"
        );
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(parse_status("month-to-month").unwrap(), LeaseStatus::MonthToMonth);
    }
}
