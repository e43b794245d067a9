//! Key bindings as data: one closed [`Action`] enum and a table per screen. The event loop,
//! the `?` help overlay and the hint line are all generated from these tables.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    CommandLine,
    Search,
    Back,
    Refresh,
    GoDashboard,
    GoProperties,
    GoLifecycle,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NextTab,
    PrevTab,
    OpenLease,
    CycleState,
    CycleProperty,
    CycleExpiry,
    CycleSort,
    ClearFilters,
    ConvertMtm,
    GiveNotice,
    MarkVacant,
    GoRenewals,
    GoCollections,
    ToggleSelect,
    SelectAll,
    Approve,
    /// Deny an application (screening).
    Deny,
    Send,
    CycleRisk,
    CycleStatus,
    EditLetter,
    ExternalEditor,
    SendNextStep,
    OfferPlan,
    RecordPayment,
    Escalate,
    AddNote,
    OpenCase,
    NewLease,
    GoCommandCenter,
    InvertSelection,
    SelectSameAi,
    ClearSelection,
    ToggleActive,
    ToggleMtm,
    ToggleNotice,
    ToggleVacant,
    RentRange,
    SortDirection,
    ToggleAiOnly,
    BulkActions,
    ExportCsv,
    OpenImport,
    StartImport,
    IgnoreColumn,
    EditMapping,
    AddRecord,
    EditRecord,
    ArchiveRecord,
    AddBuilding,
    PostCharge,
    PostPayment,
    PostCredit,
    VoidEntry,
    EditTenant,
    GoTurnover,
    AdvanceStage,
    CompleteItem,
    AddDeduction,
    GenerateLetter,
    GoPricing,
    RunPricing,
    GoMaintenance,
    GoVendors,
    Dismiss,
    Dispatch,
    RunRiskScoring,
    /// Re-assess a generated lease's risk and its state's rules.
    AssessLease,
    /// Sign a generated lease in person (standalone replica).
    SignInPerson,
    /// Make a renewal from a fully signed generated lease.
    RenewLease,
    /// Cycle the inbox's channel filter.
    CycleChannel,
    /// Cycle the inbox's urgency filter.
    CycleUrgency,
    /// Cycle the inbox's category filter.
    CycleCategory,
    /// Reply to the selected conversation (after a confirm).
    Reply,
    /// Assign the selected conversation to someone.
    Assign,
    /// Resolve the selected conversation (after a confirm).
    Resolve,
    /// Reply to the selected conversation from a template (filled in from the tenant's record).
    UseTemplate,
    /// Complete the selected onboarding task (after a confirm).
    CompleteTask,
    /// Skip the selected onboarding task (after a confirm).
    SkipTask,
    /// Reopen the selected onboarding task (after a confirm).
    ReopenTask,
    /// Send the tenant being onboarded a message (after a confirm).
    SendMessage,
    /// Record a key handoff (after a confirm).
    RecordKey,
    /// Open the property's knowledge base.
    KnowledgeBase,
    /// Add a knowledge-base entry.
    NewEntry,
    /// Edit the selected knowledge-base entry.
    EditEntry,
    /// Retire (or restore) the selected knowledge-base entry.
    RetireEntry,
    /// Try a question on the FAQ bot.
    AskBot,
    /// Record that the prospect confirmed the selected showing.
    ConfirmShowing,
    /// Cancel the selected showing (after a confirm).
    CancelShowing,
    /// Mark the selected showing completed.
    CompleteShowing,
    /// Issue (or show) the selected self-guided showing's access code.
    ShowingAccessCode,
    /// Switch the showings calendar between a day and a week.
    ToggleWeek,
    /// Start a staging project for a vacant unit (pick the unit and style).
    NewStagingProject,
    /// Upload an empty-room photo (a file path and its room) to the project.
    UploadStagingPhoto,
    /// Generate the project's pending photos (staged, or enhanced offline).
    GenerateStaging,
    /// Write the project's listing headline and description.
    GenerateListing,
    /// Publish the generated photos to the unit's listing (after a confirm).
    PublishStaging,
    /// A draft listing for a vacant unit (pick the unit).
    NewListing,
    /// Publish the selected listing to its platforms (after a confirm naming them).
    PublishListing,
    /// Delist the selected listing from every platform (after a confirm).
    DelistListing,
    /// Re-optimize the selected listing's content per platform.
    OptimizeListing,
    /// Price-check the selected listing.
    PriceCheckListing,
    /// Show the selected listing's latest competitor analysis.
    CompetitorAnalysis,
    /// Reply to the selected lead (the exact text shown before it is queued).
    RespondLead,
    /// Retire the selected lease template (after a confirm).
    RetireTemplate,
}

/// A key: a code plus whether Ctrl is held (Shift is part of the character itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

/// One row of a binding table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in help, e.g. "↑/k".
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Shown in the one-line hint bar at the bottom.
    pub hint: bool,
}

const fn b(keys: &'static [Key], label: &'static str, help: &'static str, action: Action, hint: bool) -> Binding {
    Binding { keys, label, help, action, hint }
}

impl Key {
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ev_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let ev_code = match ev.code {
            KeyCode::Char(c) if ev_ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        ev_code == self.code && ev_ctrl == self.ctrl
    }
}

/// The first action bound to `ev` in `tables`, searched in order.
pub fn lookup(tables: &[&[Binding]], ev: &KeyEvent) -> Option<Action> {
    tables.iter().flat_map(|t| t.iter()).find(|b| b.keys.iter().any(|k| k.matches(ev))).map(|b| b.action)
}

/// The keys that mean the same on every screen that has the thing, shown at the top of the
/// `?` help. Destructive steps are on shifted keys or behind a confirm that says what happens.
pub const KEY_MAP: &str = "Same on every screen: / filter · o sort · x clear filters · Space select · \
A select all · u unselect · a approve · s send · X escalate or void, after a confirm";

/// Keys that work on every screen.
pub const GLOBAL: &[Binding] = &[
    b(&[k('?')], "?", "Show this help", Action::Help, true),
    b(&[k(':')], ":", "Command line (:lease L-000001, :property NAME, :quit)", Action::CommandLine, true),
    b(&[k('/')], "/", "Filter the list shown (elsewhere: search leases)", Action::Search, true),
    b(&[code(KeyCode::Esc), code(KeyCode::Backspace)], "Esc", "Back to the previous screen", Action::Back, true),
    b(&[k('1')], "1", "Dashboard", Action::GoDashboard, false),
    b(&[k('2')], "2", "Properties", Action::GoProperties, false),
    b(&[k('3')], "3", "Lease lifecycle", Action::GoLifecycle, false),
    b(&[k('4')], "4", "Renewals review queue", Action::GoRenewals, false),
    b(&[k('5')], "5", "Collections queue", Action::GoCollections, false),
    b(&[k('6')], "6", "Portfolio command center", Action::GoCommandCenter, false),
    b(&[k('7')], "7", "Turnover board", Action::GoTurnover, false),
    b(&[k('8')], "8", "Revenue intelligence", Action::GoPricing, false),
    b(&[k('9')], "9", "Maintenance risk heatmap (:risk)", Action::GoMaintenance, false),
    b(&[k('0')], "0", "Vendors: scorecards, repeat visits, expiring documents (:vendors)", Action::GoVendors, false),
    b(&[ctrl('r')], "Ctrl-R", "Reload from the replica", Action::Refresh, false),
    b(&[k('q'), ctrl('c')], "q", "Quit (Ctrl-C also quits)", Action::Quit, true),
];

const MOVE: &[Key] = &[code(KeyCode::Up), k('k')];
const MOVE_DOWN: &[Key] = &[code(KeyCode::Down), k('j')];

pub const LIST: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First row", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last row", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the selected property", Action::Open, true),
    b(&[k('i')], "i", "Import a rent roll or ledger CSV (:import)", Action::OpenImport, false),
];

/// The properties list: the list keys and the property records.
pub const PROPERTIES: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First row", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last row", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the selected property", Action::Open, true),
    b(&[k('a')], "a", "Add a property (name, address, type, year built, time zone)", Action::AddRecord, false),
    b(&[k('e')], "e", "Edit the selected property", Action::EditRecord, false),
    b(&[k('A')], "A", "Archive the selected property (after a confirm)", Action::ArchiveRecord, false),
    b(&[k('i')], "i", "Import a rent roll or ledger CSV (:import)", Action::OpenImport, false),
    b(&[k('x')], "x", "Clear the / filter", Action::ClearFilters, false),
];

pub const IMPORT: &[Binding] = &[
    b(MOVE, "↑/k", "Previous column (or scroll up)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Next column (or scroll down)", Action::Down, false),
    b(&[code(KeyCode::Left), k('h')], "←/h", "The column's previous field", Action::Left, false),
    b(&[code(KeyCode::Right), k('l'), k(' ')], "→/Space", "The column's next field", Action::Right, true),
    b(&[k('x')], "x", "Do not import the column", Action::IgnoreColumn, false),
    b(&[code(KeyCode::Enter)], "Enter", "Next step (dry run, then confirm)", Action::Open, true),
    b(&[k('m')], "m", "Back to the column mapping", Action::EditMapping, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[k('i')], "i", "Import a CSV file (rent roll or ledger)", Action::StartImport, true),
    b(&[k('e')], "e", "Export the rent roll to CSV", Action::ExportCsv, true),
];

pub const LIFECYCLE: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First lease", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last lease", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the lease", Action::Open, true),
    b(&[k('f')], "f", "Filter by state (all, active, month-to-month, notice, vacant)", Action::CycleState, true),
    b(&[k('p')], "p", "Filter by property", Action::CycleProperty, true),
    b(&[k('e')], "e", "Expiry window: any, 30, 60, 90 days (active leases)", Action::CycleExpiry, true),
    b(&[k('o')], "o", "Sort: end date, unit, tenant, rent, state", Action::CycleSort, true),
    b(&[k('x')], "x", "Clear filters and search", Action::ClearFilters, false),
];

pub const PROPERTY: &[Binding] = &[
    b(&[code(KeyCode::Up), k('k')], "↑", "Hex above", Action::Up, false),
    b(&[code(KeyCode::Down), k('j')], "↓", "Hex below", Action::Down, false),
    b(&[code(KeyCode::Left), k('h')], "←", "Previous hex", Action::Left, false),
    b(&[code(KeyCode::Right), k('l')], "→", "Next hex", Action::Right, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Previous building", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Next building", Action::PageDown, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the unit", Action::Open, true),
    b(&[k('a')], "a", "Add a unit (number, building, floor, layout, market rent)", Action::AddRecord, false),
    b(&[k('b')], "b", "Add a building (name, floors)", Action::AddBuilding, false),
];

pub const UNIT: &[Binding] = &[
    b(&[code(KeyCode::Tab), code(KeyCode::Right)], "Tab/→", "Next tab", Action::NextTab, true),
    b(&[code(KeyCode::BackTab), code(KeyCode::Left)], "S-Tab/←", "Previous tab", Action::PrevTab, false),
    b(MOVE, "↑/k", "Scroll up (Financials: newer entry)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Scroll down (Financials: older entry)", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "Newest entry (top)", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Oldest entry (bottom)", Action::Bottom, false),
    b(&[k('L'), code(KeyCode::Enter)], "L/Enter", "Open the current lease", Action::OpenLease, true),
    b(&[k('C')], "C", "Open the lease's collections case", Action::OpenCase, false),
    b(&[k('n')], "n", "Sign a new lease (vacant unit)", Action::NewLease, false),
    b(&[k('e')], "e", "Edit the unit (number, building, layout, rent, status)", Action::EditRecord, false),
    b(&[k('A')], "A", "Archive the unit (after a confirm)", Action::ArchiveRecord, false),
    b(&[k('t')], "t", "Edit the tenant (name, email, phone)", Action::EditTenant, false),
    b(&[k('c')], "c", "Post a charge on the lease (amount, date, category)", Action::PostCharge, false),
    b(&[k('p')], "p", "Record a payment on the lease", Action::PostPayment, false),
    b(&[k('r')], "r", "Post a credit on the lease", Action::PostCredit, false),
    b(&[k('X')], "X", "Void the selected ledger entry (Financials tab, after a confirm)", Action::VoidEntry, false),
    b(
        &[k('D')],
        "D",
        "Dispatch the selected work order (Maintenance tab): warranty, top 3 vendors, repeat warning",
        Action::Dispatch,
        false,
    ),
];

pub const RENEWALS: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First recommendation", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last recommendation", Action::Bottom, false),
    b(&[k(' ')], "Space", "Select or unselect the recommendation", Action::ToggleSelect, false),
    b(&[k('A')], "A", "Select all shown (again: none)", Action::SelectAll, false),
    b(&[k('a')], "a", "Approve (the selection, or this one with an optional new rent)", Action::Approve, true),
    b(&[k('s')], "s", "Send the approved letters by email", Action::Send, true),
    b(&[k('e')], "e", "Edit the letter here (Ctrl-S saves)", Action::EditLetter, true),
    b(&[k('E')], "E", "Edit the letter in $EDITOR", Action::ExternalEditor, false),
    b(&[k('o')], "o", "Sort: churn score, rent, unit", Action::CycleSort, false),
    b(&[k('f')], "f", "Filter by risk level", Action::CycleRisk, false),
    b(&[k('t')], "t", "Filter by status", Action::CycleStatus, false),
    b(&[k('p')], "p", "Filter by property", Action::CycleProperty, false),
    b(&[k('u')], "u", "Unselect everything", Action::ClearSelection, false),
    b(&[k('x')], "x", "Clear filters (risk, status, property, /)", Action::ClearFilters, false),
];

pub const COLLECTIONS: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First case", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last case", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the case timeline", Action::Open, true),
    b(&[k('t')], "t", "Show open cases or all cases", Action::CycleStatus, true),
    b(&[k('x')], "x", "Clear the / filter", Action::ClearFilters, false),
];

pub const CASE: &[Binding] = &[
    b(&[k('r'), k('s')], "r/s", "Send the next step (says what, how and to whom; y sends)", Action::SendNextStep, true),
    b(&[k('o')], "o", "Offer a payment plan (shows the installments first)", Action::OfferPlan, true),
    b(&[k('p')], "p", "Record a payment (amount, date, method, reference)", Action::RecordPayment, true),
    b(&[k('X')], "X", "Escalate to legal (after a confirm)", Action::Escalate, true),
    b(&[k('n')], "n", "Add a note", Action::AddNote, true),
    b(MOVE, "↑/k", "Scroll the timeline up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Scroll the timeline down", Action::Down, false),
];

pub const LEASE: &[Binding] = &[
    b(&[k('m')], "m", "Convert to month-to-month", Action::ConvertMtm, true),
    b(&[k('n')], "n", "Give notice (notice date, move-out date, reason)", Action::GiveNotice, true),
    b(&[k('v')], "v", "Mark vacant (tenant moved out)", Action::MarkVacant, true),
    b(&[k('c')], "c", "Post a charge (amount, date, category)", Action::PostCharge, false),
    b(&[k('p')], "p", "Record a payment", Action::PostPayment, false),
    b(&[k('r')], "r", "Post a credit", Action::PostCredit, false),
    b(&[k('t')], "t", "Edit the tenant (name, email, phone)", Action::EditTenant, false),
    b(MOVE, "↑/k", "Scroll the timeline up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Scroll the timeline down", Action::Down, false),
];

pub const COMMAND_CENTER: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First unit", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last unit", Action::Bottom, false),
    b(&[k(' ')], "Space", "Select or unselect the unit", Action::ToggleSelect, true),
    b(&[k('A')], "A", "Select every unit shown", Action::SelectAll, false),
    b(&[k('i')], "i", "Invert the selection (among the units shown)", Action::InvertSelection, false),
    b(&[k('*')], "*", "Select the units with this AI action (among those shown)", Action::SelectSameAi, false),
    b(&[k('u')], "u", "Unselect everything", Action::ClearSelection, false),
    b(&[k('T')], "T", "Lifecycle: toggle Active", Action::ToggleActive, false),
    b(&[k('M')], "M", "Lifecycle: toggle Month-to-Month", Action::ToggleMtm, false),
    b(&[k('N')], "N", "Lifecycle: toggle Notice", Action::ToggleNotice, false),
    b(&[k('V')], "V", "Lifecycle: toggle Vacant", Action::ToggleVacant, false),
    b(&[k('p')], "p", "Filter by property (cycles through them)", Action::CycleProperty, false),
    b(&[k('r')], "r", "Rent range (e.g. 900-1500, -1200, 1000-)", Action::RentRange, false),
    b(&[k('R')], "R", "Filter by risk level (cycles)", Action::CycleRisk, false),
    b(&[k('w')], "w", "Only units with an AI action", Action::ToggleAiOnly, false),
    b(&[k('o')], "o", "Sort: days to event, rent, unit, AI confidence, risk", Action::CycleSort, false),
    b(&[k('d')], "d", "Sort direction (ascending / descending)", Action::SortDirection, false),
    b(&[k('x')], "x", "Clear filters (and the / filter)", Action::ClearFilters, false),
    b(&[k('b')], "b", "Bulk action on the selected units", Action::BulkActions, true),
    b(&[k('e')], "e", "Export the current view to CSV", Action::ExportCsv, true),
];

/// The turnover board: a column per stage, a card per case.
pub const TURNOVER: &[Binding] = &[
    b(&[code(KeyCode::Left), k('h')], "←/h", "Previous stage (column)", Action::Left, false),
    b(&[code(KeyCode::Right), k('l')], "→/l", "Next stage (column)", Action::Right, false),
    b(MOVE, "↑/k", "Previous case in the column", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Next case in the column", Action::Down, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First case of the column", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last case of the column", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the case", Action::Open, true),
    b(&[k('>'), k(']')], ">/]", "Move the case to the next stage (after a confirm)", Action::AdvanceStage, true),
    b(&[k('x')], "x", "Clear the / filter", Action::ClearFilters, false),
];

/// A turnover case: its make-ready checklist and its deposit deductions.
pub const TURNOVER_CASE: &[Binding] = &[
    b(
        &[code(KeyCode::Tab), code(KeyCode::BackTab)],
        "Tab",
        "Switch between the checklist and the deductions",
        Action::NextTab,
        true,
    ),
    b(MOVE, "↑/k", "Previous item or deduction", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Next item or deduction", Action::Down, false),
    b(&[k('c')], "c", "Complete the selected checklist item (actual cost)", Action::CompleteItem, true),
    b(&[k('d')], "d", "Add a deduction (category, description, amount)", Action::AddDeduction, true),
    b(&[k('a')], "a", "Approve or un-approve the selected deduction", Action::Approve, true),
    b(&[k('>'), k(']')], ">/]", "Move the case to the next stage (after a confirm)", Action::AdvanceStage, true),
    b(&[k('L')], "L", "Generate the deduction letter (shows the letter first)", Action::GenerateLetter, true),
];

/// Revenue intelligence: the portfolio's gap to market and the units below it.
pub const PRICING: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First unit", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last unit", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "Price history (the unit's 90 days, factors and comps)", Action::Open, true),
    b(&[k('o')], "o", "Sort (gap $, gap %, unit, confidence)", Action::CycleSort, true),
    b(&[k('d')], "d", "Sort direction (largest first / smallest first)", Action::SortDirection, false),
    b(&[k('r')], "r", "Run the pricing engine now (after a confirm)", Action::RunPricing, true),
    b(&[k('x')], "x", "Clear the / filter", Action::ClearFilters, false),
];

/// A unit's price history: the chart, its factors and its comps.
pub const PRICING_UNIT: &[Binding] = &[
    b(MOVE, "↑/k", "Scroll the comps up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Scroll the comps down", Action::Down, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the unit", Action::Open, true),
];

/// The maintenance risk heatmap: property → building → floor → a cell per unit.
pub const RISK: &[Binding] = &[
    b(&[code(KeyCode::Left), k('h')], "←/h", "Previous unit", Action::Left, false),
    b(&[code(KeyCode::Right), k('l')], "→/l", "Next unit", Action::Right, false),
    b(MOVE, "↑/k", "Unit above (the floor or building before)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Unit below (the floor or building after)", Action::Down, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First unit", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last unit", Action::Bottom, false),
    b(&[code(KeyCode::Enter)], "Enter", "The unit's risk card (factors, prediction, suggestions)", Action::Open, true),
    b(&[k('p')], "p", "Next property", Action::CycleProperty, true),
    b(&[k('r')], "r", "Score every unit now (the weekly risk job, after a confirm)", Action::RunRiskScoring, true),
];

/// A unit's risk card: its factors and its preventive suggestions.
pub const RISK_CARD: &[Binding] = &[
    b(MOVE, "↑/k", "Previous suggestion", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Next suggestion", Action::Down, false),
    b(&[k('a')], "a", "Approve the suggestion: a work order is created (after a confirm)", Action::Approve, true),
    b(&[k('d')], "d", "Dismiss the suggestion (after a confirm)", Action::Dismiss, true),
    b(&[code(KeyCode::Enter)], "Enter", "Open the unit", Action::Open, true),
];

/// Vendor intelligence: scorecards, repeat-visit alerts, expiring documents.
pub const VENDORS: &[Binding] = &[
    b(
        &[code(KeyCode::Tab), code(KeyCode::Right)],
        "Tab/→",
        "Next tab (scorecards, alerts, expiring)",
        Action::NextTab,
        true,
    ),
    b(&[code(KeyCode::BackTab), code(KeyCode::Left)], "S-Tab/←", "Previous tab", Action::PrevTab, false),
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First row", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last row", Action::Bottom, false),
    b(&[k('o')], "o", "Sort the scorecards (overall, name, jobs)", Action::CycleSort, true),
    b(&[k('d')], "d", "Sort direction (largest first / smallest first)", Action::SortDirection, false),
    b(&[k('a')], "a", "Resolve the selected repeat-visit alert (choose how, then confirm)", Action::Approve, true),
];

/// The invoice processing queue (spec 3.2).
pub const INVOICES: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First row", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last row", Action::Bottom, false),
    b(
        &[k('a')],
        "a",
        "Approve the selected invoice as read (shows what it becomes, then confirm)",
        Action::Approve,
        true,
    ),
];

/// Tenant screening: the applications, a new one, score, approve, deny.
pub const SCREENING: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[k('n')], "n", "New application (the intake form)", Action::AddRecord, true),
    b(
        &[k('s')],
        "s",
        "Score the selected application (the spec's rules, every factor shown)",
        Action::RunPricing,
        true,
    ),
    b(
        &[k('a')],
        "a",
        "Approve, with the conditions when conditional (shows what is recorded first)",
        Action::Approve,
        true,
    ),
    b(&[k('d')], "d", "Deny with the reason (shows the adverse action notice's reasons first)", Action::Deny, true),
    b(&[k('g')], "g", "Lease (for the approved applicant: the :leases-gen form, filled)", Action::NewLease, true),
];

/// Lease generation and e-signing (:leases-gen): the generated leases, a new one, re-assess,
/// send for signing, sign in person, renew, void.
pub const LEASE_GEN: &[Binding] = &[
    b(MOVE, "↑/k", "Move up (in a confirm: scroll)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down (in a confirm: scroll)", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the lease's unit", Action::Open, false),
    b(
        &[k('n')],
        "n",
        "New lease (unit, tenant, terms, template: ←/→; a clause lacking a value is said first)",
        Action::AddRecord,
        true,
    ),
    b(&[k('e')], "e", "Edit a draft not yet sent (the same form, filled in)", Action::EditRecord, true),
    b(&[k('r')], "r", "Re-assess (the risk and the state's rules, from the record)", Action::AssessLease, true),
    b(&[k('s')], "s", "Send for signing (shows every email exactly; y sends)", Action::Send, true),
    b(
        &[k('p')],
        "p",
        "Sign in person (the next signer types their name; standalone replica)",
        Action::SignInPerson,
        true,
    ),
    b(&[k('w')], "w", "Renewal (of a fully signed lease: rent increase %)", Action::RenewLease, true),
    b(&[k('v'), k('X')], "v/X", "Void (with the reason, after a confirm)", Action::VoidEntry, true),
];

/// Lease templates (:lease-templates): the templates, a new one, a revision, retire.
pub const LEASE_TEMPLATES: &[Binding] = &[
    b(MOVE, "↑/k", "Move up (in the form's clause list: previous clause)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down (in the form's clause list: next clause)", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Home), k('g')], "Home/g", "First template", Action::Top, false),
    b(&[code(KeyCode::End), k('G')], "End/G", "Last template", Action::Bottom, false),
    b(&[k('n')], "n", "New template (name, state, city, type; Space picks clauses)", Action::AddRecord, true),
    b(&[k('e')], "e", "Revise the template (saving makes the next version)", Action::EditRecord, true),
    b(
        &[k('X')],
        "X",
        "Retire the template (after a confirm; its leases keep their clauses)",
        Action::RetireTemplate,
        true,
    ),
];

/// The unified inbox (:inbox): the threads, filters, reply, assign, resolve.
pub const INBOX: &[Binding] = &[
    b(MOVE, "↑/k", "Move up (in a confirm or the open thread: scroll)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down (in a confirm or the open thread: scroll)", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the thread full width (Esc back)", Action::Open, true),
    b(&[k('c')], "c", "Channel filter (all, sms, email, whatsapp, in_app)", Action::CycleChannel, true),
    b(&[k('u')], "u", "Urgency filter (all, critical, high, normal, low)", Action::CycleUrgency, true),
    b(&[k('i')], "i", "Category filter (all, maintenance, billing, lease, …)", Action::CycleCategory, true),
    b(&[k('r')], "r", "Reply (shows the recipient and the text; y sends)", Action::Reply, true),
    b(&[k('a')], "a", "Assign the conversation (default: you)", Action::Assign, true),
    b(&[k('x'), k('X')], "x/X", "Resolve the conversation (after a confirm)", Action::Resolve, true),
    b(
        &[k('t')],
        "t",
        "Reply from a template (filled in from the tenant's record; editable)",
        Action::UseTemplate,
        true,
    ),
];

/// Broadcasts (:broadcast): the broadcasts sent, a new one with a live recipient count, a retry.
pub const BROADCAST: &[Binding] = &[
    b(MOVE, "↑/k", "Move up (in a confirm: scroll)", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down (in a confirm: scroll)", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(
        &[k('n')],
        "n",
        "New broadcast (title, text, channels, filters; the recipients counted as you type)",
        Action::AddRecord,
        true,
    ),
    b(&[k('s')], "s", "Send what is not sent yet (a retry: shows it first; nothing twice)", Action::Send, true),
];

/// Onboarding (:onboarding): the checklists, a checklist's tasks, keys and messages, and the
/// property's knowledge base with the FAQ bot.
pub const ONBOARDING: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the checklist (Esc back)", Action::Open, true),
    b(&[k('d')], "d", "Complete the task (after a confirm)", Action::CompleteTask, true),
    b(&[k('S')], "S", "Skip the task (not a blocking one; after a confirm)", Action::SkipTask, true),
    b(&[k('p')], "p", "Reopen the task (after a confirm)", Action::ReopenTask, false),
    b(&[k('s')], "s", "Send the tenant a message (shows it and the recipient; y sends)", Action::SendMessage, true),
    b(&[k('K')], "K", "Record a key handoff (type, identifier, code, quantity)", Action::RecordKey, true),
    b(&[k('b')], "b", "The property's knowledge base", Action::KnowledgeBase, true),
    b(&[code(KeyCode::Left), k('h')], "←/h", "Knowledge base: the previous property", Action::Left, false),
    b(&[code(KeyCode::Right), k('l')], "→/l", "Knowledge base: the next property", Action::Right, false),
    b(&[k('n')], "n", "New knowledge-base entry", Action::NewEntry, true),
    b(&[k('e')], "e", "Edit the entry", Action::EditEntry, true),
    b(&[k('X')], "X", "Retire or restore the entry (after a confirm)", Action::RetireEntry, true),
    b(&[k('t')], "t", "Try a question on the FAQ bot", Action::AskBot, true),
];

/// The showings calendar (:showings).
pub const SHOWINGS: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::Left), k('h')], "←/h", "The previous day (or week)", Action::Left, true),
    b(&[code(KeyCode::Right), k('l')], "→/l", "The next day (or week)", Action::Right, true),
    b(&[k('w')], "w", "Day or week view", Action::ToggleWeek, true),
    b(&[k('c')], "c", "The prospect confirmed the showing", Action::ConfirmShowing, true),
    b(&[k('x')], "x", "Cancel the showing (after a confirm)", Action::CancelShowing, true),
    b(&[k('m')], "m", "Mark the showing completed", Action::CompleteShowing, true),
    b(&[k('a')], "a", "Self-guided access code (identity verified first)", Action::ShowingAccessCode, true),
];

/// The tour funnel (:funnel).
pub const FUNNEL: &[Binding] = &[];

/// Listing syndication (:listings): the listings board.
pub const LISTINGS: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[k('n')], "n", "New listing for a vacant unit (drafted from its record)", Action::NewListing, true),
    b(&[k('p')], "p", "Publish to the platforms (after a confirm naming them)", Action::PublishListing, true),
    b(&[k('d')], "d", "Delist from every platform (after a confirm)", Action::DelistListing, true),
    b(&[k('o')], "o", "Optimize title and description per platform", Action::OptimizeListing, true),
    b(&[k('c')], "c", "Price check (comps, market rent, views percentile)", Action::PriceCheckListing, true),
    b(
        &[k('a')],
        "a",
        "Competitor analysis (the weekly scan's: position, advantages, gaps)",
        Action::CompetitorAnalysis,
        true,
    ),
];

/// The lead inbox (:leads).
pub const LEADS: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[k('r')], "r", "Respond: the exact message is shown before it is queued", Action::RespondLead, true),
];

/// Virtual staging (:staging): the projects, and a project's photos and listing text.
pub const STAGING: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::PageUp)], "PgUp", "Page up", Action::PageUp, false),
    b(&[code(KeyCode::PageDown)], "PgDn", "Page down", Action::PageDown, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the project (Esc back)", Action::Open, true),
    b(&[k('n')], "n", "New project for a vacant unit (pick the unit and style)", Action::NewStagingProject, true),
    b(&[k('U')], "U", "Upload an empty-room photo (file path and room)", Action::UploadStagingPhoto, true),
    b(&[k('g')], "g", "Generate the pending photos (staged, or enhanced offline)", Action::GenerateStaging, true),
    b(&[k('l')], "l", "Write the listing headline and description", Action::GenerateListing, true),
    b(&[k('P')], "P", "Publish the photos to the unit's listing (after a confirm)", Action::PublishStaging, true),
];

/// The chat's answer table (the question line takes every key while it has the focus).
pub const CHAT: &[Binding] = &[
    b(MOVE, "↑/k", "Move up", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Move down", Action::Down, false),
    b(&[code(KeyCode::Enter)], "Enter", "Open the row's unit or lease", Action::Open, true),
    b(&[code(KeyCode::Tab)], "Tab", "Back to the question line", Action::NextTab, true),
    b(&[code(KeyCode::Left), k('h')], "←/h", "The conversation's earlier answer", Action::Left, false),
    b(&[code(KeyCode::Right), k('l')], "→/l", "The conversation's later answer", Action::Right, false),
    b(&[k('a')], "a", "Create the proposed work order or reminder (shows it first)", Action::Approve, true),
    b(&[k('e')], "e", "Save the table as CSV beside the replica", Action::ExportCsv, true),
];

/// A work order's dispatch: the warranty check, the top 3 vendors and the repeat warning.
pub const DISPATCH: &[Binding] = &[
    b(MOVE, "↑/k", "Previous vendor", Action::Up, false),
    b(MOVE_DOWN, "↓/j", "Next vendor", Action::Down, false),
    b(&[k('a')], "a", "Accept the vendor: assign and dispatch (shows what changes first)", Action::Approve, true),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every screen's key table.
    const EVERY_TABLE: [&[Binding]; 27] = [
        LIST,
        PROPERTIES,
        LIFECYCLE,
        PROPERTY,
        UNIT,
        LEASE,
        RENEWALS,
        COLLECTIONS,
        CASE,
        COMMAND_CENTER,
        IMPORT,
        TURNOVER,
        TURNOVER_CASE,
        PRICING,
        PRICING_UNIT,
        RISK,
        RISK_CARD,
        VENDORS,
        DISPATCH,
        INVOICES,
        CHAT,
        SCREENING,
        LEASE_GEN,
        LEASE_TEMPLATES,
        INBOX,
        BROADCAST,
        STAGING,
    ];

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn screen_keys_win_over_global_ones_and_ctrl_is_exact() {
        let tables: &[&[Binding]] = &[LIFECYCLE, GLOBAL];
        assert_eq!(lookup(tables, &ev(KeyCode::Char('f'), KeyModifiers::NONE)), Some(Action::CycleState));
        assert_eq!(lookup(tables, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(lookup(tables, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        assert_eq!(lookup(tables, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Action::Bottom));
        assert_eq!(lookup(tables, &ev(KeyCode::Char('z'), KeyModifiers::NONE)), None);
    }

    /// One map: wherever a screen sorts, sends, clears, approves or selects, the key is the same.
    #[test]
    fn the_same_key_means_the_same_thing_on_every_screen() {
        let map = [
            (Action::CycleSort, 'o'),
            (Action::Send, 's'),
            (Action::SendNextStep, 's'),
            (Action::ClearFilters, 'x'),
            (Action::Approve, 'a'),
            (Action::ToggleSelect, ' '),
            (Action::SelectAll, 'A'),
            (Action::ClearSelection, 'u'),
            (Action::Escalate, 'X'),
            (Action::VoidEntry, 'X'),
        ];
        for table in EVERY_TABLE {
            for (action, key) in map {
                if let Some(b) = table.iter().find(|b| b.action == action) {
                    assert!(b.keys.contains(&k(key)), "{action:?} is on {} here, not {key}", b.label);
                }
            }
        }
        // On the lists these keys mean nothing else.
        for table in [LIFECYCLE, RENEWALS, COLLECTIONS, COMMAND_CENTER, PROPERTIES, TURNOVER, PRICING, RISK, VENDORS] {
            for b in table {
                for (action, key) in map.iter().filter(|(_, key)| "osx u".contains(*key)) {
                    if b.keys.contains(&k(*key)) {
                        assert!(
                            map.iter().any(|(a, c)| a == &b.action && c == key),
                            "{key} is {:?}, not {action:?}",
                            b.action
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in EVERY_TABLE {
            let all: Vec<Key> = table.iter().chain(GLOBAL).flat_map(|b| b.keys.iter().copied()).collect();
            for (i, a) in all.iter().enumerate() {
                assert!(!all[i + 1..].contains(a), "{a:?} is bound twice");
            }
        }
    }
}
