//! Whole-screen snapshots (ratatui `TestBackend` + insta) of every screen at 120×40 and 80×24,
//! and key-sequence tests of the lifecycle actions, on the demo portfolio (seed 42) as of
//! 2026-11-25 with a fixed clock, so every frame is deterministic.

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use unitcycle_core::ai::Gateway;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::{LeaseFilter, LeaseSort, Store};

use super::{App, Env};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn demo_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today: today() }).unwrap();
    store
}

/// The first lease (by lease number) in `status`.
fn lease_in(store: &Store, status: LeaseStatus) -> String {
    let filter = LeaseFilter { lease_status: vec![status], ..Default::default() };
    let mut rows = store.lease_rows(&filter, LeaseSort::UnitNumber, 0, None).unwrap();
    rows.sort_by(|a, b| a.lease.lease_number.cmp(&b.lease.lease_number));
    rows[0].lease.lease_number.clone()
}

/// The demo with the AI jobs run (offline gateway): renewal recommendations and open
/// collections cases at every level.
fn ai_store() -> Store {
    let mut store = demo_store();
    run_ai_jobs(&mut store);
    store
}

fn run_ai_jobs(store: &mut Store) {
    use unitcycle_core::jobs::{self, Job};
    let gateway = unitcycle_core::ai::Gateway::offline("tests".into());
    let now = today().and_hms_opt(8, 0, 0).unwrap().and_utc();
    // The collections history `unitcycle demo` builds: cases at every step, each paced.
    demo::collections_history(store, &gateway, today()).unwrap();
    for job in [Job::RenewalScan, Job::CollectionsScan, Job::EscalationEngine] {
        jobs::run_with(store, job, today(), now, &gateway).unwrap();
    }
}

struct Harness {
    app: App,
    term: Terminal<TestBackend>,
}

impl Harness {
    fn new(store: Store, (w, h): (u16, u16)) -> Harness {
        let now = today().and_hms_opt(9, 30, 0).unwrap().and_utc();
        let env = Env {
            today: today(),
            actor: "user:test@tui".into(),
            db_label: "demo.db".into(),
            now: Box::new(move || now),
        };
        let gateway = unitcycle_core::ai::Gateway::offline("tests".into());
        let mut app = App::with_gateway(env, store, gateway);
        app.settle();
        Harness { app, term: Terminal::new(TestBackend::new(w, h)).unwrap() }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.app.settle();
        self
    }

    /// Types text; `\n` is Enter, `\t` is Tab.
    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            self.key(code);
        }
        self
    }

    fn screen(&mut self) -> String {
        self.term.draw(|f| self.app.draw(f)).unwrap();
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Snapshots the screen reached by `keys` at both sizes.
fn snap(name: &str, keys: &str) {
    snap_on(demo_store, name, keys)
}

fn snap_on(store: fn() -> Store, name: &str, keys: &str) {
    for size in SIZES {
        let mut h = Harness::new(store(), size);
        h.type_text(keys);
        let text = h.screen();
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

#[test]
fn dashboard() {
    snap("dashboard", "");
}

#[test]
fn help_overlay() {
    snap("help_overlay", "?");
}

#[test]
fn properties() {
    snap("properties", "2");
}

#[test]
fn property_view() {
    snap("property_view", "2\n");
}

#[test]
fn property_view_cursor_moves() {
    snap("property_view_moved", "2\nlllj");
}

#[test]
fn unit_detail_tabs() {
    snap("unit_overview", "2\n\n");
    snap("unit_tenant", "2\n\n\t");
    snap("unit_financials", "2\n\n\t\t");
    snap("unit_maintenance", "2\n\n\t\t\t");
    snap("unit_compliance", "2\n\n\t\t\t\t");
}

#[test]
fn lifecycle_dashboard() {
    snap("lifecycle", "3");
    snap("lifecycle_notice_by_rent", "3fffoo");
    snap("lifecycle_expiring_30", "3e");
}

#[test]
fn lease_detail() {
    snap("lease_detail", "3\n");
}

#[test]
fn search_opens_the_lease_table_filtered() {
    let mut h = Harness::new(demo_store(), (120, 40));
    h.type_text("/Garcia\n");
    let s = h.screen();
    assert!(s.contains("Search \"Garcia\""), "{s}");
    assert!(s.contains("Garcia"), "{s}");
}

#[test]
fn an_unknown_command_says_what_works() {
    let mut h = Harness::new(demo_store(), (120, 40));
    h.type_text(":frobnicate\n");
    assert!(h.screen().contains("unknown command ':frobnicate' (try :lease L-000001"));
}

#[test]
fn a_small_terminal_gets_a_message_not_a_crash() {
    let mut h = Harness::new(demo_store(), (60, 20));
    let s = h.screen();
    assert!(s.contains("Terminal too small (need 80×24)"), "{s}");
    insta::assert_snapshot!("too_small_60x20", s);
    // Growing the terminal brings the app back.
    h.term.backend_mut().resize(120, 40);
    h.term.resize(ratatui::layout::Rect::new(0, 0, 120, 40)).unwrap();
    assert!(h.screen().contains("Leases by lifecycle state"));
}

#[test]
fn give_notice_flow_ends_with_the_new_state_and_log_row_on_screen() {
    let store = demo_store();
    let number = lease_in(&store, LeaseStatus::Active);
    for size in SIZES {
        let mut h = Harness::new(demo_store(), size);
        h.type_text(&format!(":lease {number}\n"));
        assert!(h.screen().contains(" Active "), "starts active");
        h.type_text("n");
        let form = h.screen();
        assert!(form.contains("Give notice") && form.contains("2026-11-25") && form.contains("2026-12-25"), "{form}");
        insta::assert_snapshot!(format!("give_notice_form_{}x{}", size.0, size.1), form);
        h.type_text("\t\tRelocating for work\n");
        let confirm = h.screen();
        assert!(confirm.contains("Give notice on lease"), "{confirm}");
        insta::assert_snapshot!(format!("give_notice_confirm_{}x{}", size.0, size.1), confirm);
        h.type_text("y");
        let done = h.screen();
        assert!(done.contains("Notice Given"), "{done}");
        assert!(done.contains("2026-11-25 09:30 Active → Notice Given"), "{done}");
        assert!(done.contains("Relocating for work · user:test@tui"), "{done}");
        assert!(done.contains("Saved: Active → Notice Given"), "{done}");
        insta::assert_snapshot!(format!("give_notice_done_{}x{}", size.0, size.1), done);
    }
}

#[test]
fn a_new_lease_from_the_unit_form_shows_active_on_the_unit_and_in_the_log() {
    let store = demo_store();
    let unit: String = store
        .conn()
        .query_row(
            "SELECT unit_id FROM tenant_lease GROUP BY unit_id HAVING SUM(lease_status <> 'vacant') = 0
             ORDER BY unit_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let email: String =
        store.conn().query_row("SELECT email FROM tenants ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":unit {unit}\n"));
    assert!(h.screen().contains(" Vacant "), "starts vacant");
    h.type_text("n");
    let form = h.screen();
    assert!(form.contains("New lease") && form.contains("2026-12-01") && form.contains("2027-11-30"), "{form}");
    // A bad field is refused inline and nothing is saved.
    h.type_text("nobody\n");
    assert!(h.screen().contains("the tenant's email"), "{}", h.screen());
    for _ in 0.."nobody".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text(&format!("{email}\n"));
    let confirm = h.screen();
    assert!(confirm.contains("Sign a lease of unit") && confirm.contains(&email), "{confirm}");
    h.type_text("y");
    let done = h.screen();
    assert!(done.contains(" Active ") && done.contains("Saved: lease"), "{done}");
    h.type_text("L");
    let lease = h.screen();
    assert!(lease.contains("Vacant → Active"), "{lease}");
}

#[test]
fn the_notice_form_validates_each_field_inline() {
    let store = demo_store();
    let number = lease_in(&store, LeaseStatus::Active);
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":lease {number}\nn\t"));
    for _ in 0..10 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("2026-02-30\n");
    let s = h.screen();
    assert!(s.contains("invalid date '2026-02-30': expected YYYY-MM-DD"), "{s}");
    for _ in 0..10 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("2026-11-01\n");
    let s = h.screen();
    assert!(s.contains("Move-out date (2026-11-01) must be on or after the notice date"), "{s}");
    // Esc leaves the form without changing anything.
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Notice Given"));
}

#[test]
fn refused_actions_are_shown_inline() {
    let store = demo_store();
    let number = lease_in(&store, LeaseStatus::Notice);
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":lease {number}\nn"));
    assert!(h.screen().contains("Notice has already been given for this lease."));
    h.type_text("m");
    assert!(h.screen().contains("Cannot convert a lease with notice given to month-to-month."));
}

#[test]
fn convert_and_mark_vacant_are_confirmed_then_applied() {
    let store = demo_store();
    let active = lease_in(&store, LeaseStatus::Active);
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":lease {active}\nm"));
    assert!(h.screen().contains("Convert lease"));
    h.key(KeyCode::Esc);
    let s = h.screen();
    assert!(s.contains("Cancelled: nothing was changed") && !s.contains("Month-to-Month"), "{s}");
    h.type_text("my");
    assert!(h.screen().contains("Active → Month-to-Month"));
    // Month-to-month → notice → vacant.
    h.type_text("n\ny");
    h.type_text("v");
    let s = h.screen();
    assert!(s.contains("Mark vacant lease"), "{s}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Notice Given → Vacant"), "{s}");
}

#[test]
fn paging_the_lease_table_reaches_the_last_lease() {
    let store = demo_store();
    let total = store.count_leases(&LeaseFilter::default()).unwrap();
    let mut h = Harness::new(store, (80, 24));
    h.type_text("3G");
    let s = h.screen();
    assert!(s.contains(&format!("Lease {total} of {total}")), "{s}");
    h.type_text("g");
    assert!(h.screen().contains(&format!("Lease 1 of {total}")));
}

/// The demo with tonight's jobs run: lifecycle classification, then the AI action queue.
fn cc_store() -> Store {
    let mut store = demo_store();
    let now = today().and_hms_opt(2, 0, 0).unwrap().and_utc();
    let gateway = Gateway::offline("tests run offline".into());
    for job in [Job::ClassifyLeaseStatuses, Job::AiActionQueue] {
        jobs::run_with(&mut store, job, today(), now, &gateway).unwrap();
    }
    store
}

fn cc_snap(name: &str, keys: &str) {
    for size in SIZES {
        let mut h = Harness::new(cc_store(), size);
        h.type_text(keys);
        let text = h.screen();
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

#[test]
fn command_center() {
    cc_snap("command_center", "6");
    cc_snap("command_center_mtm_by_rent_desc", "6Mood");
    cc_snap("command_center_selected", "6 *");
}

#[test]
fn command_center_opens_from_the_command_line() {
    let mut h = Harness::new(cc_store(), (120, 40));
    h.type_text(":cc\n");
    let s = h.screen();
    assert!(s.contains("Showing 120 units │ 0 selected │ Total rent selected: $0"), "{s}");
    assert!(s.contains("6 Command Center"), "{s}");
}

#[test]
fn command_center_rent_range_filter() {
    let mut h = Harness::new(cc_store(), (120, 40));
    h.type_text("6r1500-1800\n");
    let s = h.screen();
    assert!(s.contains("Rent [$1,500–$1,800]"), "{s}");
    let shown: usize = s.split("Showing ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(shown > 0 && shown < 120, "{s}");
    h.type_text("rabc\n");
    assert!(h.screen().contains("invalid rent range '1500-1800abc'"));
    h.key(KeyCode::Esc);
    h.type_text("x");
    assert!(h.screen().contains("Showing 120 units"));
}

fn count_renewals(store_path: &std::path::Path) -> usize {
    let store = Store::open(store_path).unwrap();
    store.renewals(&Default::default()).unwrap().len()
}

#[test]
fn bulk_renewal_offers_by_email_run_once_even_when_confirmed_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cc.db");
    {
        let mut store = Store::create(&path).unwrap();
        demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today: today() }).unwrap();
        let now = today().and_hms_opt(2, 0, 0).unwrap().and_utc();
        let gateway = Gateway::offline("tests run offline".into());
        for job in [Job::ClassifyLeaseStatuses, Job::AiActionQueue] {
            jobs::run_with(&mut store, job, today(), now, &gateway).unwrap();
        }
    }
    let before = count_renewals(&path);
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    // Month-to-month units only, most confident AI action first; select the first two.
    h.type_text("6Mooo");
    h.type_text("d  ");
    let s = h.screen();
    assert!(s.contains("2 selected"), "{s}");
    // The panel proposes their most common AI action (a rent increase); ← ← picks renewal offers.
    h.type_text("b");
    assert!(h.screen().contains("Bulk Action: Rent increase notice (2 units)"));
    h.key(KeyCode::Left).key(KeyCode::Left);
    let panel = h.screen();
    assert!(panel.contains("Bulk Action: Renewal offer (2 units)"), "{panel}");
    assert!(panel.contains("AI-GENERATED PREVIEW (2 of 2 shown)"), "{panel}");
    insta::assert_snapshot!("command_center_bulk_panel_120x40", panel);
    h.type_text("\n");
    let confirm = h.screen();
    assert!(confirm.contains("Send 2 renewal offers by email now?"), "{confirm}");
    h.type_text("y");
    let done = h.screen();
    assert!(done.contains("Bulk action finished"), "{done}");
    assert!(done.contains("Executed 2 · already done 0 · skipped 0 · messages queued 2"), "{done}");
    insta::assert_snapshot!(
        "command_center_bulk_done_120x40",
        done.lines().filter(|l| !l.contains("Batch ")).collect::<Vec<_>>().join("\n")
    );
    // Confirming the same panel again is a retry of the same request: nothing is sent twice.
    h.type_text("r");
    assert!(h.screen().contains("a retry: units already done are not sent again"));
    h.type_text("y");
    let again = h.screen();
    assert!(again.contains("Executed 0 · already done 2 · skipped 0 · messages queued 0"), "{again}");
    h.type_text("\n");
    let after = h.screen();
    assert!(after.contains("0 selected"), "{after}");
    drop(h);
    assert_eq!(count_renewals(&path), before + 2);
}

#[test]
fn export_writes_the_current_view_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mtm.csv");
    let mut h = Harness::new(cc_store(), (120, 40));
    h.type_text("6Me");
    assert!(h.screen().contains("Export CSV to: command-center-2026-11-25.csv"));
    h.app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.type_text(&format!("{}\n", path.display()));
    let s = h.screen();
    let shown: usize = s.split("Showing ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(s.contains(&format!("Exported {shown} units to {}", path.display())), "{s}");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "property,unit,tenant,lifecycle_state,rent,market_rent,days_to_event,risk_level,ai_action,ai_description,ai_confidence,unit_id"
    );
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), shown);
    assert!(body.iter().all(|l| l.contains(",Month-to-Month,")), "{text}");
}

#[test]
fn renewals_queue_and_detail() {
    snap_on(ai_store, "renewals", "4");
    snap_on(ai_store, "renewals_high_risk_selected", "4f A");
    snap_on(ai_store, "renewals_approve_form", "4a");
}

#[test]
fn collections_queue_and_case() {
    snap_on(ai_store, "collections", "5");
    snap_on(ai_store, "collections_case", "5\n");
    snap_on(ai_store, "collections_plan_form", "5\no");
}

#[test]
fn the_dashboard_shows_renewals_due() {
    snap_on(ai_store, "dashboard_ai", "");
}

#[test]
fn approve_then_send_a_renewal_ends_sent_with_an_outbox_email() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = Store::create(&path).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today: today() }).unwrap();
    run_ai_jobs(&mut store);
    drop(store);
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("4a");
    assert!(h.screen().contains("Approve renewal"));
    // A rent far above the current one is refused inline, in the form.
    for _ in 0..12 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("99999\n");
    let s = h.screen();
    assert!(s.contains("more than 25% above the current rent"), "{s}");
    h.key(KeyCode::Esc);
    h.type_text("a\n");
    assert!(h.screen().contains("Done: 1 recommendation updated"));
    h.type_text("s");
    let s = h.screen();
    assert!(s.contains("Send the renewal letter to") && s.contains("by email?"), "{s}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Sent to Tenant"), "{s}");
    // Sending again is refused inline: the letter goes once.
    h.type_text("s");
    let s = h.screen();
    assert!(s.contains("Approve the recommendation before sending it (it is Sent to Tenant)."), "{s}");
    let check = Store::open(&path).unwrap();
    let emails: i64 = check
        .conn()
        .query_row(
            "SELECT count(*) FROM outbox_message WHERE related_type = 'renewal_recommendation' AND channel = 'email'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(emails, 1);
}

#[test]
fn multi_select_send_states_the_count() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("4   ");
    assert!(h.screen().contains("3 selected"));
    h.type_text("ay");
    assert!(h.screen().contains("Done: 3 recommendations updated"));
    h.type_text("tt");
    h.type_text("A");
    h.type_text("s");
    let s = h.screen();
    assert!(s.contains("Send 3 renewal letters by email?"), "{s}");
}

#[test]
fn recording_a_partial_payment_shows_the_new_balance() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("5\np10\n");
    let s = h.screen();
    assert!(s.contains("Record a payment?") && s.contains("Balance") && s.contains("y / Enter: record"), "{s}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Recorded $10.00; balance"), "{s}");
    let line = s.lines().find(|l| l.contains("Recorded $10.00; balance")).unwrap();
    let balance = line.split("balance ").nth(1).unwrap().split(';').next().unwrap().to_string();
    assert!(s.contains(&format!("Balance {balance}")), "{s}");
}

#[test]
fn the_plan_preview_sums_to_the_balance() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("5\no");
    h.key(KeyCode::Backspace);
    h.type_text("4");
    let s = h.screen();
    let balance = s.lines().find_map(|l| l.split(" Balance ").nth(1)).unwrap().split(' ').next().unwrap().to_string();
    assert!(s.contains(&format!("Total {:>21}", balance)), "{s}");
    assert!(s.contains(" 4. "), "{s}");
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains("Offer a payment plan?") && s.contains("An email offer goes to"), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Plan offered: 4 installments"));
}

#[test]
fn the_unit_header_shows_churn_and_the_collections_badge_opens_the_case() {
    use unitcycle_core::collections::CaseStatus;
    use unitcycle_core::store::CaseFilter;
    let store = ai_store();
    let filter = CaseFilter { status: vec![CaseStatus::Open], ..Default::default() };
    let case = store.collection_cases(&filter).unwrap().into_iter().max_by_key(|c| c.days_overdue).unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.app.push(Box::new(super::screens::unit::UnitDetail::new(case.unit_id)));
    h.app.settle();
    let s = h.screen();
    assert!(s.contains("Collections ●●●●●"), "{s}");
    insta::assert_snapshot!("unit_with_case_120x40", s);
    h.type_text("C");
    let s = h.screen();
    assert!(s.contains("Timeline · 5 actions"), "{s}");
}

#[test]
fn an_agreed_amount_that_misses_the_balance_is_refused_in_the_form() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("5\no");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("100");
    let s = h.screen();
    assert!(s.contains("3 installments of $100.00 come to $300.00"), "{s}");
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains("Offer a payment plan") && !s.contains("Plan offered"), "{s}");
}

/// The AppFolio fixture, relative to the crate (tests run in `tui/`), so frames do not show
/// where the checkout is.
const APPFOLIO: &str = "../tests/fixtures/rent_roll_appfolio.csv";
const YARDI: &str = "../tests/fixtures/rent_roll_yardi.csv";

fn rows_in(path: &std::path::Path, table: &str) -> i64 {
    let store = Store::open(path).unwrap();
    store.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn empty_replica() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    Store::create(&path).unwrap();
    (dir, path)
}

#[test]
fn the_rent_roll_fixture_imports_into_an_empty_replica_from_the_import_screen() {
    for size in SIZES {
        let (_dir, path) = empty_replica();
        let mut h = Harness::new(Store::open(&path).unwrap(), size);
        // From the dashboard: i opens the file form.
        h.type_text("i");
        let form = h.screen();
        assert!(form.contains("Import a CSV") && form.contains("rent roll"), "{form}");
        h.type_text(&format!("{APPFOLIO}\n"));
        let mapping = h.screen();
        assert!(mapping.contains("Step 1 of 3") && mapping.contains("property_address"), "{mapping}");
        insta::assert_snapshot!(format!("import_mapping_{}x{}", size.0, size.1), mapping);
        h.type_text("\n");
        let dry = h.screen();
        assert!(dry.contains("would create") && dry.contains("No bad rows"), "{dry}");
        insta::assert_snapshot!(format!("import_dry_run_{}x{}", size.0, size.1), dry);
        assert_eq!(rows_in(&path, "tenant_lease"), 0, "the dry run writes nothing");
        h.type_text("\n");
        let confirm = h.screen();
        assert!(confirm.contains("Write 2 properties, 2 buildings, 14 units, 12 tenants, 12 leases"), "{confirm}");
        insta::assert_snapshot!(format!("import_confirm_{}x{}", size.0, size.1), confirm);
        assert_eq!(rows_in(&path, "tenant_lease"), 0, "nothing before the confirm");
        h.type_text("y");
        let done = h.screen();
        assert!(done.contains("all rows written") && done.contains("created    12"), "{done}");
        assert_eq!(rows_in(&path, "tenant_lease"), 12);
        assert_eq!(rows_in(&path, "units_unit"), 14);
        // Again: the form keeps the file, and nothing is new.
        h.type_text("i\n\n");
        let again = h.screen();
        assert!(again.contains("Nothing new to import"), "{again}");
        h.type_text("\n");
        assert!(!h.screen().contains("Confirm the import"));
        assert_eq!(rows_in(&path, "tenant_lease"), 12);
    }
}

#[test]
fn a_file_with_a_bad_row_shows_its_line_and_imports_nothing() {
    let (dir, path) = empty_replica();
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "Property,Unit,Tenant,Lease Start,Rent\nElm Court,1,Ann Lee,01/15/2026,$900.00\n\nElm Court,2,Bo Park,13/45/2026,$950.00\n",
    )
    .unwrap();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":import {}\n", csv.display()));
    assert!(h.screen().contains(&csv.display().to_string()), "the path is filled in");
    h.type_text("\n\n");
    let s = h.screen();
    assert!(s.contains("1 bad rows: nothing will be imported"), "{s}");
    assert!(s.contains("line 4: lease start:"), "{s}");
    // Enter has nothing to confirm; Esc cancels; nothing was written.
    h.type_text("\n");
    assert!(!h.screen().contains("Confirm the import"));
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Cancelled: nothing was written."));
    assert_eq!(rows_in(&path, "tenant_lease"), 0);
    assert_eq!(rows_in(&path, "properties"), 0);
    // Esc again leaves the screen.
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Cancelled: nothing was written."));
}

#[test]
fn the_mapping_is_edited_column_by_column_before_the_dry_run() {
    let (_dir, path) = empty_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":import {YARDI}\n\n"));
    // Yardi's `Resident` is a resident code and `Unit Type` its bed/bath: ignore the first (its
    // name column then maps), give the second the bedrooms field.
    h.type_text("jjjjx");
    let s = h.screen();
    assert!(s.contains("Resident") && s.contains("your choice"), "{s}");
    h.type_text("kk");
    for _ in 0..7 {
        h.key(KeyCode::Right);
    }
    let s = h.screen();
    let line = |col: &str| s.lines().find(|l| l.contains(col)).unwrap_or_default().to_string();
    assert!(line("Unit Type").contains("bedrooms"), "{s}");
    assert!(line("Name ").contains("tenant_name"), "{s}");
    assert!(line("Resident").contains("not imported"), "{s}");
    h.type_text("\n\ny");
    assert!(h.screen().contains("all rows written"), "{}", h.screen());
    let store = Store::open(&path).unwrap();
    let (first, bedrooms): (String, i64) = store
        .conn()
        .query_row(
            "SELECT t.first_name, u.bedrooms FROM tenants t JOIN tenant_lease l ON l.tenant_id = t.id
             JOIN units_unit u ON u.id = l.unit_id WHERE t.last_name = 'Ashdown'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((first.as_str(), bedrooms), ("Cyril", 1));
    let two: i64 = store
        .conn()
        .query_row("SELECT bedrooms FROM units_unit WHERE unit_number = 'Q-103'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(two, 2);
}

#[test]
fn a_connected_replica_refuses_with_the_clis_message() {
    let (_dir, path) = empty_replica();
    Store::open(&path)
        .unwrap()
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
        .unwrap();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":import {APPFOLIO}\n\n"));
    let s = h.screen();
    assert!(s.contains("This replica is connected to a server"), "{s}");
    assert_eq!(rows_in(&path, "properties"), 0);
}

#[test]
fn the_rent_roll_exports_to_the_path_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("roll.csv");
    let mut h = Harness::new(demo_store(), (120, 40));
    h.type_text(":export\n");
    assert!(h.screen().contains("rent-roll-2026-11-25.csv"), "{}", h.screen());
    for _ in 0.."rent-roll-2026-11-25.csv".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text(&format!("{}\n", out.display()));
    let s = h.screen();
    assert!(s.contains(&format!("Wrote the rent roll (120 units) to {}", out.display())), "{s}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("Property,Address,City,State,Zip,Unit,"), "{text}");
    assert_eq!(text.lines().count(), 121);
}

/// The demo portfolio in a file, so a test can count what the app wrote.
fn demo_replica() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = Store::create(&path).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today: today() }).unwrap();
    (dir, path)
}

fn backspace(h: &mut Harness, n: usize) {
    for _ in 0..n {
        h.key(KeyCode::Backspace);
    }
}

#[test]
fn a_property_added_from_the_list_is_listed_with_its_zone_and_takes_a_building_and_a_unit() {
    for size in SIZES {
        let (_dir, path) = empty_replica();
        let mut h = Harness::new(Store::open(&path).unwrap(), size);
        h.type_text("2a");
        let form = h.screen();
        assert!(form.contains("New property") && form.contains("UTC") && form.contains("multifamily"), "{form}");
        insta::assert_snapshot!(format!("record_property_form_{}x{}", size.0, size.1), form);
        // Name, address, city, state, zip, type, year built, then the time zone (prefilled UTC).
        h.type_text("Oak Court\t12 Elm St\tSpringfield\tIL\t62701\t\t1987\t");
        backspace(&mut h, 3);
        h.type_text("Pacific\n");
        let s = h.screen();
        assert!(s.contains("Unknown time zone 'Pacific'"), "{s}");
        assert_eq!(rows_in(&path, "properties"), 0, "a bad zone writes nothing");
        backspace(&mut h, "Pacific".len());
        h.type_text("America/Chicago\n");
        let confirm = h.screen();
        assert!(
            confirm.contains("Create the property \"Oak Court\"") && confirm.contains("America/Chicago"),
            "{confirm}"
        );
        insta::assert_snapshot!(format!("record_property_confirm_{}x{}", size.0, size.1), confirm);
        assert_eq!(rows_in(&path, "properties"), 0, "nothing before the confirm");
        h.type_text("y");
        let listed = h.screen();
        assert!(listed.contains("Oak Court") && listed.contains("time zone America/Chicago"), "{listed}");
        assert!(listed.contains("Saved: property Oak Court created"), "{listed}");
        assert_eq!(rows_in(&path, "properties"), 1);
        // Its unit grid: a building, then a unit in it.
        h.type_text("\nbNorth\t");
        backspace(&mut h, 1);
        h.type_text("3\n");
        assert!(h.screen().contains("Add the building \"North\" (3 floors) to Oak Court."), "{}", h.screen());
        h.type_text("y");
        h.type_text("a101\tSouth\t");
        for (old, new) in [(1, "2\t"), (1, "2\t"), (1, "1.5\t"), (1, "850\t"), (4, "1200\n")] {
            backspace(&mut h, old);
            h.type_text(new);
        }
        let s = h.screen();
        assert!(s.contains("no building 'South': one of North (or empty)"), "{s}");
        // The cursor is on the field to mend.
        backspace(&mut h, "South".len());
        h.type_text("north\n");
        let confirm = h.screen();
        assert!(confirm.contains("Add unit 101 to Oak Court (building North)"), "{confirm}");
        h.type_text("y");
        let grid = h.screen();
        assert!(grid.contains("Saved: unit 101 added") && grid.contains("1 units"), "{grid}");
        let store = Store::open(&path).unwrap();
        let total: i64 = store
            .conn()
            .query_row("SELECT total_units FROM properties WHERE name = 'Oak Court'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(total, 1);
    }
}

#[test]
fn esc_leaves_a_record_form_or_its_confirm_with_nothing_written() {
    let (_dir, path) = empty_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("2aElm House");
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Cancelled: nothing was changed"));
    h.type_text("aElm House\n");
    assert!(h.screen().contains("Create the property"));
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Create the property"));
    assert_eq!(rows_in(&path, "properties"), 0);
    // A required field left empty is refused under it by the core's constructor.
    h.type_text("a\n");
    assert!(h.screen().contains("name is required."), "{}", h.screen());
    assert_eq!(rows_in(&path, "properties"), 0);
}

/// A unit with an active lease, and the lease's balance.
fn leased_unit(path: &std::path::Path) -> (String, rust_decimal::Decimal) {
    let store = Store::open(path).unwrap();
    let number = lease_in(&store, LeaseStatus::Active);
    let lease = store.find_lease(&number).unwrap();
    (lease.unit_id.to_string(), store.lease_balance(lease.id).unwrap())
}

#[test]
fn a_charge_then_a_payment_on_the_unit_move_its_balance() {
    use unitcycle_core::format::money;
    let (_dir, path) = demo_replica();
    let (unit, balance) = leased_unit(&path);
    let entries = rows_in(&path, "tenant_ledger_entry");
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":unit {unit}\n"));
    assert!(h.screen().contains(&money(balance)), "{}", h.screen());
    // A bad amount is refused in the form; nothing is written.
    h.type_text("cabc\n");
    let s = h.screen();
    assert!(s.contains("Post a charge") && s.contains("invalid amount 'abc'"), "{s}");
    assert_eq!(rows_in(&path, "tenant_ledger_entry"), entries);
    backspace(&mut h, 3);
    h.type_text("75\t\t");
    backspace(&mut h, 4);
    h.type_text("utility\tWater\n");
    let confirm = h.screen();
    let after = balance + rust_decimal::Decimal::from(75);
    assert!(confirm.contains("Post a utility charge of $75.00") && confirm.contains("dated 2026-11-25"), "{confirm}");
    assert!(confirm.contains(&format!("to {}", money(after))), "{confirm}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains(&format!("Saved: a utility charge of $75.00 posted; balance {}", money(after))), "{s}");
    assert_eq!(rows_in(&path, "tenant_ledger_entry"), entries + 1);
    h.type_text("p75\ny");
    let s = h.screen();
    assert!(s.contains(&format!("balance {}", money(balance))), "{s}");
    assert_eq!(rows_in(&path, "tenant_ledger_entry"), entries + 2);
    // The Financials tab lists both, newest first; the payment is voided by a reversing entry.
    h.type_text("\t\t");
    for _ in 0..200 {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Home);
    h.type_text("Xentered twice\n");
    let confirm = h.screen();
    assert!(confirm.contains("Void the") && confirm.contains("a reversing entry"), "{confirm}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Saved: the entry of") && s.contains("is voided"), "{s}");
    assert_eq!(rows_in(&path, "tenant_ledger_entry"), entries + 3);
}

#[test]
fn the_tenant_and_the_unit_are_edited_and_an_archive_with_a_lease_is_refused() {
    let (_dir, path) = demo_replica();
    let (unit, _) = leased_unit(&path);
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":unit {unit}\n"));
    h.type_text("t\t\t");
    let s = h.screen();
    assert!(s.contains("Edit tenant"), "{s}");
    // Clear the email and give a new one.
    for _ in 0..80 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("new.address@example.com\n");
    let confirm = h.screen();
    assert!(confirm.contains("Email") && confirm.contains("\"new.address@example.com\"."), "{confirm}");
    h.type_text("y");
    assert!(h.screen().contains("Saved: tenant"), "{}", h.screen());
    let store = Store::open(&path).unwrap();
    assert!(store.tenant_by_email("new.address@example.com").unwrap().is_some());
    // Nothing changed is refused; the status of a leased unit follows its lease.
    h.type_text("e\n");
    assert!(h.screen().contains("Nothing changed"), "{}", h.screen());
    h.key(KeyCode::Esc);
    h.type_text("A");
    assert!(h.screen().contains("Archive unit"), "{}", h.screen());
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Refused") && s.contains("has a lease in place"), "{s}");
    h.type_text(" ");
    assert!(!h.screen().contains("Refused"));
}

#[test]
fn help_lists_the_record_keys() {
    let mut h = Harness::new(demo_store(), (120, 40));
    h.type_text("2?");
    let s = h.screen();
    assert!(s.contains("Add a property") && s.contains("Archive the selected property"), "{s}");
    h.type_text(" \n\n?");
    let s = h.screen();
    for text in ["Edit the unit", "Edit the tenant", "Post a charge", "Record a payment", "Post a credit", "Void the"] {
        assert!(s.contains(text), "{text}: {s}");
    }
}

#[test]
fn a_property_is_edited_and_archived_from_the_list_and_one_with_leases_is_refused() {
    let (_dir, path) = demo_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("2A");
    let s = h.screen();
    assert!(s.contains("Archive the property \"Harbor View Apartments\""), "{s}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Refused") && s.contains("has a lease in place"), "{s}");
    h.type_text(" ");
    // The zone is edited; the confirm lists only what changed.
    h.type_text("e\t\t\t\t\t\t\t");
    backspace(&mut h, "America/Los_Angeles".len());
    h.type_text("Europe/Lisbon\n");
    let s = h.screen();
    assert!(s.contains("Change property \"Harbor View Apartments\": Time zone"), "{s}");
    assert!(s.contains("\"America/Los_Angeles\" →"), "{s}");
    assert!(s.contains("\"Europe/Lisbon\".") && !s.contains("Name"), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("time zone Europe/Lisbon"), "{}", h.screen());
    // A new, empty property archives; the list no longer shows it.
    h.type_text("aEmpty Lot\n");
    assert!(h.screen().contains("Europe/Lisbon."), "the most common zone is prefilled: {}", h.screen());
    h.type_text("yA");
    assert!(h.screen().contains("Archive the property \"Empty Lot\" with its buildings and 0 units"));
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Saved: property Empty Lot archived") && s.contains(" 1 properties "), "{s}");
}

#[test]
fn a_records_action_on_a_connected_replica_is_queued() {
    let (_dir, path) = empty_replica();
    Store::open(&path)
        .unwrap()
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
        .unwrap();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("2aQueued Court\ny");
    let s = h.screen();
    assert!(s.contains("Saved: property Queued Court created (UTC) · queued for the server"), "{s}");
    assert_eq!(rows_in(&path, "sync_action"), 1);
}

#[test]
fn record_forms_on_the_unit() {
    snap("record_unit_edit_form", "2\n\ne");
    snap("record_charge_form", "2\n\nc");
}

#[test]
fn a_payment_and_a_tenant_edit_from_the_lease_screen() {
    use unitcycle_core::format::money;
    let (_dir, path) = demo_replica();
    let number = lease_in(&Store::open(&path).unwrap(), LeaseStatus::Active);
    let balance = {
        let store = Store::open(&path).unwrap();
        store.lease_balance(store.find_lease(&number).unwrap().id).unwrap()
    };
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(&format!(":lease {number}\n"));
    h.type_text("r25\n");
    let s = h.screen();
    assert!(s.contains("Post a credit of $25.00 on lease"), "{s}");
    h.type_text("y");
    let after = money(balance - rust_decimal::Decimal::from(25));
    let s = h.screen();
    assert!(s.contains(&format!("Balance         {after}")), "{s}");
    h.type_text("t\t");
    backspace(&mut h, 40);
    h.type_text("Okafor-Lee\ny");
    let s = h.screen();
    assert!(s.contains("Okafor-Lee") && s.contains("Saved: tenant"), "{s}");
}

#[test]
fn a_vacant_unit_is_set_to_maintenance_then_archived() {
    let (_dir, path) = demo_replica();
    let unit: String = Store::open(&path)
        .unwrap()
        .conn()
        .query_row(
            "SELECT id FROM units_unit WHERE id NOT IN (SELECT unit_id FROM tenant_lease WHERE lease_status <> 'vacant')
             ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut h = Harness::new(Store::open(&path).unwrap(), (80, 24));
    h.type_text(&format!(":unit {unit}\ne"));
    h.key(KeyCode::BackTab);
    backspace(&mut h, 20);
    h.type_text("occupied\n");
    assert!(h.screen().contains("occupied by a lease"), "{}", h.screen());
    backspace(&mut h, 20);
    h.type_text("maintenance\n");
    let s = h.screen();
    assert!(s.contains("Status \"vacant\" → \"maintenance\""), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Maintenance"), "{}", h.screen());
    h.type_text("Ay");
    let s = h.screen();
    assert!(s.contains("ARCHIVED") && s.contains("archived"), "{s}");
    let archived: i64 = Store::open(&path)
        .unwrap()
        .conn()
        .query_row("SELECT COUNT(*) FROM units_unit WHERE archived_at IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(archived, 1);
}

/// `r` in a case says which step it will send, how and to whom, and sends nothing without `y`.
#[test]
fn sending_the_next_step_asks_first_and_n_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = Store::create(&path).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 42, today: today() }).unwrap();
    {
        use unitcycle_core::jobs::{self, Job};
        let gateway = unitcycle_core::ai::Gateway::offline("tests".into());
        let now = today().and_hms_opt(8, 0, 0).unwrap().and_utc();
        for job in [Job::CollectionsScan, Job::EscalationEngine] {
            jobs::run_with(&mut store, job, today(), now, &gateway).unwrap();
        }
    }
    // Every open case at step 1, so the first in the queue has a next step to send.
    store.conn().execute("UPDATE collection_case SET escalation_level = 1, status = 'open'", []).unwrap();
    drop(store);
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("5\n");
    let (actions, messages) = (rows_in(&path, "collection_action"), rows_in(&path, "outbox_message"));
    // Its first step went today: the second is ahead of the schedule, and the confirm says so.
    h.type_text("r");
    let s = h.screen();
    assert!(s.contains("Send step 2") && s.contains("ahead of schedule (due on"), "{s}");
    assert!(s.contains("Y (shift): send anyway"), "{s}");
    // The message itself is shown before anything is sent: step 2 goes by email.
    assert!(s.contains("── email to ") && s.contains("Subject: "), "{s}");
    h.type_text("n");
    assert_eq!((rows_in(&path, "collection_action"), rows_in(&path, "outbox_message")), (actions, messages));
    // A plain y keeps to the schedule: nothing is sent and the refusal says when it is due.
    h.type_text("r");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("is ahead of schedule: it is due on"), "{s}");
    assert_eq!((rows_in(&path, "collection_action"), rows_in(&path, "outbox_message")), (actions, messages));
    // Only a shifted Y overrides: the step goes and the override is on the timeline.
    h.type_text("r");
    h.type_text("Y");
    let s = h.screen();
    assert!(rows_in(&path, "collection_action") >= actions + 2, "{s}");
    assert!(s.contains("sent ahead of schedule by"), "{s}");
}

/// Paying more than the case's balance is allowed, after a warning that names the credit; `n`
/// records nothing.
#[test]
fn an_over_payment_is_confirmed_with_a_warning_naming_the_credit() {
    let (_dir, path) = demo_replica();
    let mut store = Store::open(&path).unwrap();
    run_ai_jobs(&mut store);
    drop(store);
    let entries = rows_in(&path, "tenant_ledger_entry");
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("5\n");
    let s = h.screen();
    let balance = s.lines().find_map(|l| l.split(" Balance ").nth(1)).unwrap().split(' ').next().unwrap().to_string();
    h.type_text("p99999\t\tcheck\t1042\n");
    let s = h.screen();
    let owed = unitcycle_core::format::parse_money(&balance).unwrap();
    let excess = unitcycle_core::format::money(rust_decimal::Decimal::from(99999) - owed);
    assert!(s.contains(&format!("Warning: Payment $99,999.00 is {excess} more than the")), "{s}");
    assert!(s.contains(&format!("balance {balance}; the excess will be a credit.")), "{s}");
    let brief = unitcycle_core::collections::overpayment_warning(
        rust_decimal::Decimal::from(99999),
        rust_decimal::Decimal::from(3010),
    );
    assert_eq!(
        brief.as_deref(),
        Some("Payment $99,999.00 is $96,989.00 more than the balance $3,010.00; the excess will be a credit")
    );
    assert!(s.contains("Method     check") && s.contains("Reference  1042"), "{s}");
    h.type_text("n");
    assert_eq!(rows_in(&path, "tenant_ledger_entry"), entries);
    assert!(h.screen().contains("Cancelled: nothing was changed"));
}

/// The help of the screen with the most keys fits an 80×24 terminal, closing line included.
#[test]
fn the_help_overlay_fits_80x24() {
    let mut h = Harness::new(cc_store(), (80, 24));
    h.type_text("6?");
    let s = h.screen();
    assert!(s.contains("Press any key to close") && s.contains("Same on every screen"), "{s}");
    insta::assert_snapshot!("help_overlay_command_center_80x24", s);
}

/// `/` filters the list shown; the filter survives going to another screen and back.
#[test]
fn slash_filters_the_list_and_the_filter_survives_a_screen_switch() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("5");
    let s = h.screen();
    let line = s.lines().find(|l| l.contains('▸')).unwrap().to_string();
    let unit = line.split('▸').nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    h.type_text(&format!("/{unit}\n"));
    let s = h.screen();
    assert!(s.contains(&format!("filter \"{unit}\"")), "{s}");
    h.type_text("1");
    h.type_text("5");
    let s = h.screen();
    assert!(s.contains(&format!("filter \"{unit}\"")), "{s}");
    h.type_text("x");
    assert!(!h.screen().contains("filter \""));
}

/// Keys typed before a screen's data arrives are kept and run once it has loaded.
#[test]
fn keys_typed_while_a_screen_loads_are_not_lost() {
    let mut settled = Harness::new(ai_store(), (120, 40));
    settled.type_text("5j\n");
    let expected = settled.screen();
    let mut h = Harness::new(ai_store(), (120, 40));
    for c in ['5', 'j'] {
        h.app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    h.app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    h.app.settle();
    assert!(expected.contains("Timeline"), "{expected}");
    assert_eq!(h.screen(), expected);
}

/// A payment's method and reference go on the case's timeline; the status line keeps the
/// payment's summary.
#[test]
fn a_payments_method_and_reference_are_noted_on_the_timeline() {
    let mut h = Harness::new(ai_store(), (120, 40));
    h.type_text("5\np10\t\tcheck\t1042\ny");
    let s = h.screen();
    assert!(s.contains("Recorded $10.00; balance"), "{s}");
    assert!(s.contains("Payment of $10.00 on 2026-11-25: method check, reference 1042"), "{s}");
}

/// The demo with tonight's turnover job run: a case, at notice, for each lease under notice.
fn turnover_store() -> Store {
    let mut store = demo_store();
    run_turnover_job(&mut store);
    store
}

fn run_turnover_job(store: &mut Store) {
    let now = today().and_hms_opt(1, 0, 0).unwrap().and_utc();
    let gateway = Gateway::offline("tests run offline".into());
    jobs::run_with(store, Job::TurnoverDaily, today(), now, &gateway).unwrap();
}

/// The demo replica in a file with the turnover job run, so a test can read what the app wrote.
fn turnover_replica() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = demo_replica();
    run_turnover_job(&mut Store::open(&path).unwrap());
    (dir, path)
}

/// How many cases the replica at `path` has in each stage, in pipeline order.
fn stage_counts(path: &std::path::Path) -> Vec<usize> {
    use unitcycle_core::turnover::{port::TurnoverPort, Stage};
    let cases = Store::open(path).unwrap().turnover_cases().unwrap();
    Stage::ALL.iter().map(|s| cases.iter().filter(|c| c.stage == *s).count()).collect()
}

/// The text between `from` and `to` on the first line of `screen` holding `from`.
fn between(screen: &str, from: &str, to: &str) -> String {
    let line = screen.lines().find(|l| l.contains(from)).unwrap_or_else(|| panic!("no '{from}' in {screen}"));
    line.split(from).nth(1).unwrap().split(to).next().unwrap().to_string()
}

#[test]
fn the_turnover_board_lists_the_cases_per_stage() {
    snap_on(turnover_store, "turnover_board", "7");
    let (_dir, path) = turnover_replica();
    let counts = stage_counts(&path);
    assert_eq!(counts, [8, 0, 0, 0, 0], "the demo's leases under notice each open a case at notice");
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text(":turnover\n");
    let s = h.screen();
    assert!(s.contains("7 Turnover"), "{s}");
    assert!(s.contains(" 8 open · avg 0.0 days vacant · 0 over the 21-day target · 0 letters overdue"), "{s}");
    for (label, n) in ["Notice Given 8", "Make Ready 0", "Listed 0", "Leased 0"].iter().zip(1..) {
        assert!(s.contains(label), "column {n}: {s}");
    }
    assert!(s.contains("vacant 0/21d") && s.contains("$0 of $1,310") && s.contains("↓3 more"), "{s}");
    // `/` filters the cards by unit, property or tenant; x clears it.
    let unit = between(&s, "▸", " · ");
    h.type_text(&format!("/{unit}\n"));
    let s = h.screen();
    assert!(
        s.contains(" 1 open ·") && s.contains(&format!("filter \"{unit}\"")) && s.contains("Notice Given 1"),
        "{s}"
    );
    h.type_text("x");
    assert!(h.screen().contains("Notice Given 8"));
}

#[test]
fn an_empty_board_says_how_cases_open() {
    let mut h = Harness::new(demo_store(), (120, 40));
    h.type_text(":to\n");
    let s = h.screen();
    assert!(s.contains("No turnover cases. Giving notice on a lease (n on the lease screen) opens its case"), "{s}");
    assert!(s.contains("unitcycle jobs run turnover-daily"), "{s}");
}

#[test]
fn giving_notice_on_a_lease_puts_its_unit_on_the_board() {
    let store = demo_store();
    let number = lease_in(&store, LeaseStatus::Active);
    let unit = store.lease_row(store.find_lease(&number).unwrap().id).unwrap().unit_number;
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":lease {number}\nn\t\tMoving away\ny"));
    assert!(h.screen().contains("Saved: Active → Notice Given"), "{}", h.screen());
    h.type_text("7");
    let s = h.screen();
    assert!(s.contains("Notice Given 1") && s.contains(&format!("▸{unit} · ")), "{s}");
}

/// `>` says what it will do; `n` changes nothing, `y` moves the card (and the cursor with it).
#[test]
fn moving_a_card_asks_first_then_moves_it_to_the_next_stage() {
    let (_dir, path) = turnover_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("7>");
    let s = h.screen();
    let card = between(&s, "Move unit ", " from ");
    assert!(s.contains(&format!("Move unit {card} from Notice Given to Pre-Inspection? y/n")), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: nothing was changed"));
    assert_eq!(stage_counts(&path), [8, 0, 0, 0, 0]);
    h.type_text(">y");
    let s = h.screen();
    assert!(s.contains(&format!("Moved unit {card} from Notice Given to Pre-Inspection")), "{s}");
    assert!(s.contains("Notice Given 7") && s.contains("Pre-Inspection 1"), "{s}");
    assert_eq!(stage_counts(&path), [7, 1, 0, 0, 0]);
    // The cursor followed the card: `>` again offers its next stage.
    h.type_text(">");
    let s = h.screen();
    assert!(s.contains(&format!("Move unit {card} from Pre-Inspection to Make Ready? y/n")), "{s}");
    insta::assert_snapshot!("turnover_board_confirm_120x40", s);
}

/// Leased needs the unit's next lease: the core refuses, the board says why and nothing moves.
#[test]
fn a_move_the_core_refuses_is_shown_and_nothing_changes() {
    let (_dir, path) = turnover_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (80, 24));
    h.type_text("7>y>y>y");
    assert_eq!(stage_counts(&path), [7, 0, 0, 1, 0]);
    let s = h.screen();
    assert!(s.contains("Listed 1"), "{s}");
    h.type_text(">");
    assert!(h.screen().contains("from Listed to Leased? y/n"), "{}", h.screen());
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("unit has no newer lease yet"), "{s}");
    assert!(s.contains("Listed 1") && s.contains("Leased 0"), "{s}");
    assert_eq!(stage_counts(&path), [7, 0, 0, 1, 0]);
    // The refusal goes with the next key.
    h.type_text("h");
    assert!(!h.screen().contains("no newer lease"));
}

#[test]
fn the_turnover_case_shows_its_checklist_and_deductions() {
    snap_on(turnover_store, "turnover_case", "7\n");
    snap_on(turnover_store, "turnover_deduction_form", "7\nd");
}

/// `d` adds a deduction (the core's refusals stay in the form), `a` approves it and the refund
/// follows; approved deductions beyond the deposit leave the tenant owing.
#[test]
fn approving_a_deduction_changes_the_refund() {
    use unitcycle_core::format::money;
    let (_dir, path) = turnover_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("7\n");
    let s = h.screen();
    let deposit = between(&s, " Deposit ", " · ");
    let deposit = unitcycle_core::format::parse_money(&deposit).unwrap();
    assert!(s.contains(&format!("approved deductions $0.00 · refund {}", money(deposit))), "{s}");
    // An unknown category and an amount below zero are the core's to refuse: the form stays.
    h.type_text("dmold\tScuffed walls\t-5\n");
    let s = h.screen();
    assert!(s.contains("Add a deduction") && s.contains("unknown category 'mold'"), "{s}");
    h.key(KeyCode::BackTab).key(KeyCode::BackTab);
    backspace(&mut h, 4);
    h.type_text("Paint\n");
    let s = h.screen();
    assert!(s.contains("A deduction is an amount above zero in dollars and cents (got -5)."), "{s}");
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    backspace(&mut h, 2);
    h.type_text("120\n");
    let s = h.screen();
    assert!(s.contains("Deduction added: Paint: Scuffed walls ($120.00); a approves it"), "{s}");
    assert!(s.contains(&format!("refund {}", money(deposit))), "not counted before approval: {s}");
    h.type_text("a");
    let after = money(deposit - rust_decimal::Decimal::from(120));
    let s = h.screen();
    assert!(s.contains(&format!("approved deductions $120.00 · refund {after}")), "{s}");
    assert!(s.contains(&format!("Approved Paint: Scuffed walls ($120.00); refund {after}")), "{s}");
    insta::assert_snapshot!("turnover_case_approved_120x40", s);
    // Un-approving puts the refund back.
    h.type_text("a");
    assert!(h.screen().contains(&format!("approved deductions $0.00 · refund {}", money(deposit))));
    // More than the deposit, approved: the tenant owes the difference.
    let more = deposit + rust_decimal::Decimal::from(50);
    h.type_text(&format!("dwall damage\tHoles in every wall\t{more}\n"));
    h.type_text("a");
    let s = h.screen();
    assert!(s.contains(&format!("approved deductions {} · tenant owes $50.00", money(more))), "{s}");
}

/// `c` completes a checklist item at the cost typed; `L` shows the letter, `n` writes nothing,
/// `y` writes its PDF to the replica's documents.
#[test]
fn completing_an_item_and_generating_the_deduction_letter() {
    use unitcycle_core::turnover::port::TurnoverPort;
    let (dir, path) = turnover_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.type_text("7\nc");
    let s = h.screen();
    assert!(s.contains("Complete a checklist item") && s.contains("(estimated $100.00)"), "{s}");
    assert!(s.contains("Actual cost   100.00"), "prefilled with the estimate: {s}");
    backspace(&mut h, 6);
    h.type_text("9x\n");
    assert!(h.screen().contains("invalid amount '9x'"), "{}", h.screen());
    backspace(&mut h, 1);
    h.type_text("5.50\n");
    let s = h.screen();
    assert!(s.contains("Done: Test and clean all appliances at $95.50; make-ready cost $95.50 of $1,310.00"), "{s}");
    assert!(s.contains("1/8 done") && s.contains("user:test@tui"), "{s}");
    h.type_text("L");
    let s = h.screen();
    assert!(s.contains("Subject: Security deposit itemization") && s.contains("No deductions were made"), "{s}");
    assert!(s.contains("y / Enter: generate"), "{s}");
    h.type_text("n");
    let generated = |path: &std::path::Path| {
        Store::open(path).unwrap().turnover_cases().unwrap().iter().filter(|c| c.deduction_letter_generated).count()
    };
    assert_eq!(generated(&path), 0);
    let pdfs = || -> usize {
        walk(&dir.path().join("blobs")).iter().filter(|p| std::fs::read(p).unwrap().starts_with(b"%PDF")).count()
    };
    let before = pdfs();
    h.type_text("Ly");
    let s = h.screen();
    assert!(s.contains("Deduction letter generated on Nov 25, 2026: PDF saved to "), "{s}");
    assert!(s.contains("deduction letter generated on Nov 25, 2026"), "{s}");
    assert_eq!(generated(&path), 1);
    assert_eq!(pdfs(), before + 1, "the letter's PDF is in the replica's documents");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The demo over three properties, priced as `unitcycle demo` prices it: the pricing engine on
/// the days of its price history, then today's run.
fn pricing_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 600, seed: 42, today: today() }).unwrap();
    run_pricing(&mut store);
    store
}

fn run_pricing(store: &mut Store) {
    demo::pricing_history(store, today()).unwrap();
    // Noon UTC: the same calendar day at every demo property.
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let gateway = Gateway::offline("tests run offline".into());
    jobs::run_with(store, Job::PricingEngine, today(), now, &gateway).unwrap();
}

/// The rows of the units-below-market table on `screen`: the lines with a shortfall.
fn table_rows(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| l.contains(" -$")).collect()
}

#[test]
fn the_revenue_screen_shows_the_opportunity_and_the_units_below_market() {
    snap_on(pricing_store, "pricing", "8");
    let store = pricing_store();
    let o = unitcycle_core::pricing::workflow::opportunity(&store, None).unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text(":revenue\n");
    let s = h.screen();
    assert!(s.contains("8 Revenue") && s.contains("Revenue Intelligence"), "{s}");
    assert!(
        s.contains(&format!(
            " {} units analysed · {} below market · {} at · {} above",
            o.total_units_analyzed, o.units_below_market, o.units_at_market, o.units_above_market
        )),
        "{s}"
    );
    let annual = super::screens::turnover::dollars(o.annual_revenue_opportunity);
    assert!(s.contains(&format!("annual opportunity {annual}")), "{s}");
    for p in &o.by_property {
        assert!(s.contains(&p.property_name) && s.contains(&format!("{} below", p.units_below)), "{s}");
    }
    assert!(s.contains(&format!("Units below market · {} · sorted by gap $ ↓", o.units_below_market)), "{s}");
}

/// `o` cycles the sort, `d` flips it, `/` filters by unit or property; the order is the gap's.
#[test]
fn the_units_below_market_sort_by_gap_and_filter() {
    use unitcycle_core::pricing::port::PricingPort;
    let store = pricing_store();
    let below: Vec<_> = store
        .latest_snapshots()
        .unwrap()
        .into_iter()
        .filter(|s| s.rent_gap_pct < -2.0 && s.current_rent.is_some())
        .collect();
    let deepest = below.iter().map(|s| s.rent_gap_pct).fold(f64::MAX, f64::min);
    let largest = below.iter().map(|s| s.rent_gap_amount).min().unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text("8");
    let s = h.screen();
    let first = s.lines().find(|l| l.contains("│▸")).unwrap().to_string();
    assert!(first.contains(&unitcycle_core::format::money(largest)), "largest shortfall first: {s}");
    h.type_text("o");
    let s = h.screen();
    assert!(s.contains("sorted by gap % ↓") && s.contains("Gap %↓"), "{s}");
    let first = s.lines().find(|l| l.contains("│▸")).unwrap().to_string();
    assert!(first.contains(&format!("{deepest:+.1}%")), "deepest gap first: {s}");
    h.type_text("d");
    let s = h.screen();
    assert!(s.contains("sorted by gap % ↑"), "{s}");
    let shallow = s.lines().find(|l| l.contains("│▸")).unwrap().to_string();
    assert!(shallow.contains("-2."), "the smallest gap below −2% first: {s}");
    insta::assert_snapshot!("pricing_sorted_by_gap_pct_ascending_120x40", s);
    // A filter keeps the sort; x clears it.
    h.type_text("/Maple\n");
    let s = h.screen();
    assert!(s.contains("filter \"Maple\"") && !s.contains("│ A101     Riverside"), "{s}");
    assert!(table_rows(&s).len() > 5 && table_rows(&s).iter().all(|r| r.contains("Maple")), "{s}");
    h.type_text("x");
    assert!(!h.screen().contains("filter \"Maple\""));
}

#[test]
fn a_units_price_history_shows_the_chart_and_the_factors() {
    snap_on(pricing_store, "pricing_history", "8\n");
    let mut h = Harness::new(pricing_store(), (120, 40));
    h.type_text("8");
    let unit = between(&h.screen(), "│▸", " ");
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains(&format!("Unit {unit} price history")), "{s}");
    assert!(s.contains("90-day history  ━ market  ━ current"), "{s}");
    for factor in
        ["Basis           Internal comps", "Seasonal        ×0.98", "Confidence", "Strategy", "Closest 10 of 25 comps"]
    {
        assert!(s.contains(factor), "{factor}: {s}");
    }
    assert!(s.contains("Aug 28") && s.contains("Nov 25"), "the 90 days to today: {s}");
    // Enter opens the unit, whose overview carries the Market Intelligence card.
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains(&format!("Unit {unit}")) && s.contains("Market Intelligence"), "{s}");
    assert!(s.contains("below market") && s.contains("Market rent, last 30 days"), "{s}");
    insta::assert_snapshot!("pricing_unit_overview_120x40", s);
}

/// Without snapshots the screen says how to get them; `r` says what it will do, `n` runs
/// nothing and `y` runs the engine (recorded as the day's job) and shows the figures.
#[test]
fn the_pricing_engine_runs_from_the_screen_after_a_confirm() {
    use unitcycle_core::pricing::port::PricingPort;
    let (_dir, path) = demo_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (80, 24));
    h.type_text("8");
    let s = h.screen();
    assert!(s.contains("No pricing snapshots on this replica yet: the pricing engine has not run."), "{s}");
    h.type_text("r");
    let s = h.screen();
    assert!(s.contains("Run the pricing engine now for Nov 25, 2026?"), "{s}");
    insta::assert_snapshot!("pricing_run_confirm_80x24", s);
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: the pricing engine did not run"));
    assert_eq!(Store::open(&path).unwrap().latest_snapshots().unwrap().len(), 0);
    h.type_text("ry");
    let s = h.screen();
    assert!(s.contains("Pricing engine: Priced 120 units: 120 snapshots written"), "{s}");
    assert!(s.contains("units analysed") && s.contains("Units below market"), "{s}");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.latest_snapshots().unwrap().len(), 120);
    assert_eq!(store.job_runs(10).unwrap().iter().filter(|r| r.job_name == "pricing-engine").count(), 1);
    // Again the same day: nothing changed, nothing written.
    h.type_text("ry");
    assert!(h.screen().contains("0 snapshots written, 120 unchanged"), "{}", h.screen());
}

#[test]
fn the_revenue_keys_are_in_the_help() {
    let mut h = Harness::new(pricing_store(), (120, 40));
    h.type_text("8?");
    let s = h.screen();
    for key in ["Revenue Intelligence keys", "Run the pricing engine now", "Sort (gap $, gap %, unit, confidence)"] {
        assert!(s.contains(key), "{key}: {s}");
    }
}

/// The demo (120 units) scored by the weekly risk job and with last month's vendor scorecards.
fn run_maintenance_jobs(store: &mut Store) {
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let gateway = Gateway::offline("tests run offline".into());
    for job in [Job::RiskScoring, Job::VendorScorecards, Job::RepeatVisits] {
        jobs::run_with(store, job, today(), now, &gateway).unwrap();
    }
}

fn risk_store() -> Store {
    let mut store = demo_store();
    run_maintenance_jobs(&mut store);
    store
}

fn risk_replica() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = demo_replica();
    run_maintenance_jobs(&mut Store::open(&path).unwrap());
    (dir, path)
}

#[test]
fn the_risk_screen_shows_the_heatmap_and_a_units_risk_card() {
    snap_on(risk_store, "risk_heatmap", "9");
    let store = risk_store();
    let map = unitcycle_core::predictive_maintenance::workflow::heatmap(&store, None).unwrap();
    let first = &map[0];
    let mut h = Harness::new(store, (120, 40));
    h.type_text(":risk\n");
    let s = h.screen();
    assert!(
        s.contains("Maintenance Risk") && s.contains(&format!(" {} · property 1/{}", first.property_name, map.len()))
    );
    assert!(
        s.contains(&format!("Risk: ██ low {}  ██ medium {}", first.by_level["low"], first.by_level["medium"])),
        "{s}"
    );
    assert!(s.contains("Heatmap · building › floor › unit") && s.contains("Enter: risk card"), "{s}");
    let unit = between(&s, "▸", " ");
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains(&format!("Unit {unit} risk")) && s.contains("Risk card"), "{s}");
    for part in [
        "Frequency",
        "/30",
        "Cost trend",
        "/20",
        "Equipment age",
        "Repeat issues",
        "Season",
        "/10",
        "Next WO",
        "Cost ahead",
    ] {
        assert!(s.contains(part), "{part}: {s}");
    }
    assert!(s.contains("Preventive suggestions · "), "{s}");
    // p moves to the next property; the keys are in the help.
    h.key(KeyCode::Esc).type_text("p");
    let next = if map.len() > 1 { 2 } else { 1 };
    assert!(h.screen().contains(&format!(" · property {next}/{}", map.len())), "{}", h.screen());
    h.type_text("?");
    let s = h.screen();
    for key in ["Maintenance Risk keys", "The unit's risk card", "Score every unit now"] {
        assert!(s.contains(key), "{key}: {s}");
    }
}

/// `a` says what approving creates; `n` changes nothing; `y` creates the work order.
#[test]
fn approving_a_suggestion_creates_its_work_order_after_a_confirm() {
    use unitcycle_core::predictive_maintenance::workflow as pm;
    let (_dir, path) = risk_replica();
    let s = pm::suggestions(&Store::open(&path).unwrap(), None, None).unwrap().remove(0);
    let mut h = Harness::new(Store::open(&path).unwrap(), (120, 40));
    h.app.push(Box::new(super::screens::risk::RiskCard::new(s.unit_id)));
    h.app.settle();
    // The card lists the unit's suggestions soonest first: select this one.
    let mine = pm::suggestions(&Store::open(&path).unwrap(), None, Some(s.unit_id)).unwrap();
    let at = mine.iter().position(|x| x.id == s.id).unwrap();
    for _ in 0..at {
        h.key(KeyCode::Char('j'));
    }
    h.type_text("a");
    let screen = h.screen();
    assert!(screen.contains("Approve suggestion") && screen.contains("A work order is created"), "{screen}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: nothing was changed"));
    let still = pm::suggestions(&Store::open(&path).unwrap(), Some("all"), Some(s.unit_id)).unwrap();
    assert_eq!(still.iter().find(|x| x.id == s.id).unwrap().status, "suggested");
    h.type_text("ay");
    assert!(h.screen().contains("Saved: work order "), "{}", h.screen());
    let after = pm::suggestions(&Store::open(&path).unwrap(), Some("all"), Some(s.unit_id)).unwrap();
    let done = after.iter().find(|x| x.id == s.id).unwrap();
    assert_eq!(done.status, "work_order_created");
    let wo = unitcycle_core::work_orders::port::MaintenancePort::work_order(
        &Store::open(&path).unwrap(),
        done.work_order_id.unwrap(),
    )
    .unwrap();
    assert_eq!(wo.unit_id, s.unit_id);
}

/// From the unit's Maintenance tab, `D` opens the selected work order's dispatch; `a` lists
/// what accepting changes and `y` dispatches it.
#[test]
fn d_on_a_work_order_opens_its_dispatch_and_a_accepts_a_vendor() {
    use unitcycle_core::model::WorkOrderStatus;
    use unitcycle_core::work_orders::port::MaintenancePort;
    let (_dir, path) = risk_replica();
    let store = Store::open(&path).unwrap();
    let open = store
        .work_orders_since(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
        .unwrap()
        .into_iter()
        .find(|w| w.status == WorkOrderStatus::Open)
        .expect("an open work order in the demo");
    let at = store.work_orders(open.unit_id).unwrap().iter().position(|w| w.id == open.id).unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text(&format!(":unit {}\n\t\t\t", open.unit_id));
    let s = h.screen();
    assert!(s.contains("D dispatch") && s.contains("Maintenance risk") && s.contains("Risk score"), "{s}");
    for _ in 0..at {
        h.key(KeyCode::Char('j'));
    }
    h.type_text("D");
    let s = h.screen();
    assert!(s.contains("Dispatch recommendation") && s.contains(&open.title), "{s}");
    assert!(s.contains("Warranty  ") && s.contains("Repeat    ") && s.contains("Recommended vendors (offline)"), "{s}");
    h.type_text("a");
    let s = h.screen();
    assert!(s.contains("Accept the dispatch") && s.contains("Open to In Progress"), "{s}");
    assert!(s.contains("nothing is sent to the vendor or the tenant"), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Saved: work order dispatched to "), "{}", h.screen());
    let after = Store::open(&path).unwrap().work_order(open.id).unwrap();
    assert_eq!(after.status, WorkOrderStatus::InProgress);
    assert!(after.assigned_vendor_id.is_some());
}

#[test]
fn the_vendors_screen_lists_scorecards_by_overall_alerts_and_expiring_documents() {
    let mut h = Harness::new(risk_store(), (120, 40));
    h.type_text(":vendors\n");
    let s = h.screen();
    assert!(s.contains("Scorecards (") && s.contains("Overall↓") && s.contains("Sorted by overall ↓"), "{s}");
    h.type_text("o");
    assert!(h.screen().contains("Vendor↓"), "{}", h.screen());
    h.type_text("\t");
    assert!(h.screen().contains("Repeat visits ("), "{}", h.screen());
    h.type_text("\t");
    let s = h.screen();
    assert!(s.contains("Expiring documents (") && (s.contains("Auto-renew") || s.contains("No contract")), "{s}");
}

#[test]
fn a_repeat_visit_alert_is_resolved_from_the_vendors_screen_after_a_confirm() {
    use unitcycle_core::work_orders::port::MaintenancePort;
    let (_dir, path) = risk_replica();
    let store = Store::open(&path).unwrap();
    let open: Vec<_> = store.repeat_alerts().unwrap().into_iter().filter(|a| a.resolution_status == "open").collect();
    assert!(!open.is_empty(), "the demo has repeat visits");
    let mut h = Harness::new(store, (120, 40));
    h.type_text("0\t");
    assert!(h.screen().contains(&format!("Repeat visits ({})", open.len())), "{}", h.screen());
    h.type_text("a");
    let s = h.screen();
    assert!(s.contains("Resolve the repeat-visit alert") && s.contains("nothing is sent to a vendor"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: nothing was changed"), "{}", h.screen());
    h.type_text("a");
    h.key(KeyCode::Right);
    h.type_text("y");
    assert!(h.screen().contains("Saved: the alert is closed as vendor credited"), "{}", h.screen());
    let after = Store::open(&path).unwrap().repeat_alerts().unwrap();
    assert_eq!(after.iter().filter(|a| a.resolution_status == "vendor_credited").count(), 1);
    assert_eq!(after.iter().filter(|a| a.resolution_status == "open").count(), open.len() - 1);
}

#[test]
fn an_uploaded_invoice_is_approved_from_the_processing_queue_after_a_confirm() {
    use unitcycle_core::document_ai::samples::{demo_invoice, invoice_pdf, Layout};
    use unitcycle_core::invoice_processing::replica;
    use unitcycle_core::work_orders::port::MaintenancePort;
    let (_dir, path) = demo_replica();
    let mut store = Store::open(&path).unwrap();
    let sample = demo_invoice(2);
    let pdf = invoice_pdf(&sample, Layout::UsClassic);
    let now = chrono::Utc::now();
    let x = replica::upload(&mut store, &unitcycle_core::ai::Gateway::offline("test".into()), "bill.pdf", &pdf, now)
        .unwrap();
    let mut h = Harness::new(store, (140, 40));
    h.type_text(":invoices\n");
    let s = h.screen();
    assert!(s.contains("Processing queue (1)") && s.contains(&sample.invoice_number), "{s}");
    assert!(s.contains("What was read") && s.contains("Invoice number"), "{s}");
    h.type_text("a");
    let s = h.screen();
    assert!(s.contains("Approve this invoice as read?") && s.contains("Nothing is paid or sent"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: nothing was changed"), "{}", h.screen());
    h.type_text("ay");
    assert!(h.screen().contains(&format!("Approved: invoice {}", sample.invoice_number)), "{}", h.screen());
    let after = Store::open(&path).unwrap();
    assert_eq!(after.invoice(x.invoice_id).unwrap().status, unitcycle_core::model::InvoiceStatus::Approved);
}

#[test]
fn a_question_is_answered_with_its_table_and_a_row_opens_its_unit() {
    let (_dir, path) = demo_replica();
    let store = Store::open(&path).unwrap();
    let mut h = Harness::new(store, (140, 40));
    h.type_text(":chat\n");
    assert!(h.screen().contains("Ask about leases, vacancy"), "{}", h.screen());
    h.type_text("vacant units with market rent\n");
    let s = h.screen();
    assert!(s.contains("You: vacant units with market rent") && s.contains("are vacant"), "{s}");
    assert!(s.contains("tool: query_vacancy") && s.contains("offline"), "{s}");
    assert!(s.contains("Market rent"), "the table's columns: {s}");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Unit "), "the row's unit opens: {s}");
    // :ask asks at once; a question it cannot map says what it can answer.
    h.type_text(":ask tell me a joke\n");
    assert!(h.screen().contains("I answer from the portfolio's records"), "{}", h.screen());
}

/// A unit with no lease but vacant ones (the demo's first by id).
fn vacant_unit(store: &Store) -> String {
    store
        .conn()
        .query_row(
            "SELECT unit_id FROM tenant_lease GROUP BY unit_id HAVING SUM(lease_status <> 'vacant') = 0
             ORDER BY unit_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The demo with a lease generated (a draft, every clause variable given) for a vacant unit.
fn lease_gen_store() -> Store {
    let mut store = demo_store();
    generate_draft(&mut store);
    store
}

/// A draft lease (every clause variable given) for the first vacant unit, at $1,450 a month.
fn generate_draft(store: &mut Store) {
    use std::collections::BTreeMap;
    use unitcycle_core::lease_generation::model::GenerationTerms;
    use unitcycle_core::lease_generation::workflow::{act_on_replica, GenerateInput, LeaseGenerationAction};
    let unit = uuid::Uuid::parse_str(&vacant_unit(store)).unwrap();
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    let variables: BTreeMap<String, String> = [
        ("landlord_paid_utilities", "water and trash"),
        ("floodplain_status", "is not"),
        ("flood_damage_status", "is not"),
        ("sprinkler_status", "has"),
        ("smoking_policy", "not permitted"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let input = GenerateInput {
        unit_id: unit,
        template_id: None,
        screening_application_id: None,
        lease_terms: GenerationTerms {
            tenant_name: "Alex Rivera".into(),
            tenant_email: "alex@example.com".into(),
            start_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2027, 11, 30).unwrap(),
            monthly_rent: rust_decimal::Decimal::from(1450),
            security_deposit: rust_decimal::Decimal::from(1450),
            rent_due_day: 1,
            late_fee: rust_decimal::Decimal::from(50),
            grace_days: 5,
            variables,
        },
        clause_ids: vec![],
        addenda: vec![],
    };
    let id = uuid::Uuid::from_u128(0x4_5);
    let action = LeaseGenerationAction::Generate { input, actor: "user:test@tui".into() };
    act_on_replica(store, id, &action, now).unwrap();
}

#[test]
fn lease_builder() {
    snap("lease_builder_empty", ":leases-gen\n");
    snap("lease_builder_new_form", ":lease-builder\nn");
    snap_on(lease_gen_store, "lease_builder", ":leases-gen\n");
    snap_on(lease_gen_store, "lease_builder_send_confirm", ":leases-gen\ns");
    snap_on(lease_gen_store, "lease_builder_edit_form", ":leases-gen\ne");
}

#[test]
fn e_edits_a_draft_leases_rent_in_place_and_a_sent_lease_says_why_it_cannot_be_edited() {
    use unitcycle_core::lease_generation::port::LeaseGenerationPort;
    let (_dir, path) = demo_replica();
    generate_draft(&mut Store::open(&path).unwrap());
    let before = Store::open(&path).unwrap().generated_leases().unwrap().remove(0);
    let mut h = Harness::new(Store::open(&path).unwrap(), (140, 45));
    h.type_text(":leases-gen\ne");
    let s = h.screen();
    assert!(s.contains("Edit the draft lease") && s.contains("alex@example.com") && s.contains("1450"), "{s}");
    // Another unit is said in the form; nothing is written.
    h.type_text("9");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("void it and generate again for another"), "{}", h.screen());
    backspace(&mut h, 1);
    // The rent (the sixth field) from 1450 to 1525.
    h.type_text("\t\t\t\t\t");
    backspace(&mut h, 4);
    h.type_text("1525\n");
    let s = h.screen();
    assert!(s.contains("Alex Rivera: lease draft") && s.contains("Generated leases (1)"), "{s}");
    assert!(s.contains("$1,525.00 a month · deposit $1,450.00") && s.contains("Ready to send (s)"), "{s}");
    let after = Store::open(&path).unwrap().generated_leases().unwrap().remove(0);
    assert_eq!((after.id, after.created_at, after.unit_id), (before.id, before.created_at, before.unit_id));
    assert_eq!(after.lease_terms.monthly_rent, rust_decimal::Decimal::from(1525));
    assert_eq!(after.lease_terms.security_deposit, rust_decimal::Decimal::from(1450));
    let change = &after.renewal_changes[0];
    assert_eq!((change["field"].as_str(), change["new_value"].as_str()), (Some("monthly_rent"), Some("$1,525.00")));
    assert_eq!(change["reason"], "Draft edited (user:test@tui)");
    // Sent: no longer a draft, and e says why.
    h.type_text("sy");
    assert!(h.screen().contains("lease sent for signing"), "{}", h.screen());
    h.type_text("e");
    let s = h.screen();
    assert!(s.contains("The lease is sent for signing: only a draft not yet sent for signing can be edited"), "{s}");
    assert_eq!(
        Store::open(&path).unwrap().generated_leases().unwrap()[0].lease_terms.monthly_rent,
        after.lease_terms.monthly_rent
    );
}

/// An active template for the first vacant unit's state, its base clauses the standard ones
/// and the bed bugs clause: its id and base clauses.
fn vacant_units_state_template(store: &mut Store) -> (uuid::Uuid, Vec<uuid::Uuid>) {
    use unitcycle_core::lease_generation::clauses::library;
    use unitcycle_core::lease_generation::workflow::{
        act_on_replica, LeaseGenerationAction, TemplateInput, STANDARD_CLAUSES,
    };
    let unit = store.unit(uuid::Uuid::parse_str(&vacant_unit(store)).unwrap()).unwrap();
    let state = store.property(unit.property_id).unwrap().state;
    let base: Vec<uuid::Uuid> = library()
        .iter()
        .filter(|c| STANDARD_CLAUSES.contains(&c.slug.as_str()) || c.slug == "bed_bugs")
        .map(|c| c.id)
        .collect();
    let input = TemplateInput {
        name: "Harbor standard".into(),
        property_type: "residential".into(),
        jurisdiction_state: state,
        jurisdiction_city: String::new(),
        base_clause_ids: base.clone(),
        property_id: None,
    };
    let id = uuid::Uuid::from_u128(0x7_3);
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    act_on_replica(store, id, &LeaseGenerationAction::CreateTemplate(input), now).unwrap();
    (id, base)
}

/// The first vacant unit as the form names it: "number at property".
fn vacant_unit_named(store: &Store) -> String {
    let unit = store.unit(uuid::Uuid::parse_str(&vacant_unit(store)).unwrap()).unwrap();
    format!("{} at {}", unit.unit_number, store.property(unit.property_id).unwrap().name)
}

#[test]
fn lease_builder_new_form_offers_the_units_states_templates() {
    for size in SIZES {
        let mut store = demo_store();
        vacant_units_state_template(&mut store);
        let unit = vacant_unit_named(&store);
        let mut h = Harness::new(store, size);
        h.type_text(&format!(":leases-gen\nn{unit}{}", "\t".repeat(11)));
        h.key(KeyCode::Right);
        insta::assert_snapshot!(format!("lease_builder_new_form_template_{}x{}", size.0, size.1), h.screen());
    }
}

#[test]
fn a_new_lease_takes_the_chosen_templates_base_clauses_and_a_retired_one_is_refused_in_the_form() {
    use unitcycle_core::lease_generation::port::LeaseGenerationPort;
    use unitcycle_core::lease_generation::workflow::{act_on_replica, LeaseGenerationAction};
    let (_dir, path) = demo_replica();
    let (template, base) = vacant_units_state_template(&mut Store::open(&path).unwrap());
    let unit = vacant_unit_named(&Store::open(&path).unwrap());
    let mut h = Harness::new(Store::open(&path).unwrap(), (140, 45));
    h.type_text(":leases-gen\n");
    let vars =
        "landlord_paid_utilities=water; floodplain_status=is not; flood_damage_status=is not; sprinkler_status=has; smoking_policy=not permitted";
    // The unit, the tenant, the variables, then the Template field: none until ←/→ picks one.
    h.type_text(&format!("n{unit}\tAlex Rivera\talex@example.com{}{vars}\t", "\t".repeat(8)));
    let s = h.screen();
    assert!(s.contains("None (standard clauses) (1 for"), "{s}");
    h.key(KeyCode::Right);
    let s = h.screen();
    assert!(s.contains("Harbor standard · version 1 (1 of 1, ←/→)"), "{s}");
    // Typing on the field changes nothing; ← goes back to none and Space forward again.
    h.type_text("x");
    h.key(KeyCode::Left);
    assert!(h.screen().contains("None (standard clauses) (1 for"), "{}", h.screen());
    h.type_text(" \n");
    let s = h.screen();
    assert!(s.contains("Alex Rivera: lease draft") && s.contains("Generated leases (1)"), "{s}");
    let lease = Store::open(&path).unwrap().generated_leases().unwrap().remove(0);
    assert_eq!(lease.template_id, Some(template));
    assert!(base.iter().all(|c| lease.clause_ids.contains(c)), "{:?}", lease.clause_ids);
    // A template retired after the form read the list: the core's refusal is said in the form,
    // nothing is written, and the field offers none again.
    h.type_text(&format!("n{unit}\tSam Lee\tsam@example.com{}{vars}\t", "\t".repeat(8)));
    h.key(KeyCode::Right);
    assert!(h.screen().contains("Harbor standard · version 1"), "{}", h.screen());
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    act_on_replica(&mut Store::open(&path).unwrap(), template, &LeaseGenerationAction::RetireTemplate, now).unwrap();
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Template 'Harbor standard' was retired; choose an active one."), "{s}");
    assert!(s.contains("no active template for"), "{s}");
    assert_eq!(Store::open(&path).unwrap().generated_leases().unwrap().len(), 1);
}

#[test]
fn the_edit_form_does_not_offer_the_template() {
    let mut h = Harness::new(lease_gen_store(), (140, 45));
    h.type_text(":leases-gen\ne");
    let s = h.screen();
    assert!(s.contains("Edit the draft lease") && !s.contains("Template"), "{s}");
}

/// The demo with lease templates: Texas (revised to version 2) and California (retired).
fn lease_templates_store() -> Store {
    use unitcycle_core::lease_generation::clauses::library;
    use unitcycle_core::lease_generation::workflow::{
        act_on_replica, LeaseGenerationAction, TemplateInput, STANDARD_CLAUSES,
    };
    let mut store = demo_store();
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    let lib = library();
    let ids = |extra: &[&str]| -> Vec<uuid::Uuid> {
        lib.iter()
            .filter(|c| STANDARD_CLAUSES.contains(&c.slug.as_str()) || extra.contains(&c.slug.as_str()))
            .map(|c| c.id)
            .collect()
    };
    let texas = TemplateInput {
        name: "Texas standard".into(),
        property_type: "residential".into(),
        jurisdiction_state: "TX".into(),
        jurisdiction_city: "Austin".into(),
        base_clause_ids: ids(&[]),
        property_id: None,
    };
    let tx = uuid::Uuid::from_u128(0x7_1);
    act_on_replica(&mut store, tx, &LeaseGenerationAction::CreateTemplate(texas.clone()), now).unwrap();
    let revised = TemplateInput { base_clause_ids: ids(&["flood_disclosure", "attorney_fees_one_way"]), ..texas };
    act_on_replica(&mut store, tx, &LeaseGenerationAction::ReviseTemplate(revised), now).unwrap();
    let california = TemplateInput {
        name: "California 2025".into(),
        property_type: "mixed".into(),
        jurisdiction_state: "CA".into(),
        jurisdiction_city: String::new(),
        base_clause_ids: ids(&["bed_bugs"]),
        property_id: None,
    };
    let ca = uuid::Uuid::from_u128(0x7_2);
    act_on_replica(&mut store, ca, &LeaseGenerationAction::CreateTemplate(california), now).unwrap();
    act_on_replica(&mut store, ca, &LeaseGenerationAction::RetireTemplate, now).unwrap();
    store
}

#[test]
fn lease_templates() {
    snap("lease_templates_empty", ":lease-templates\n");
    snap("lease_templates_new_form", ":templates\nn");
    snap_on(lease_templates_store, "lease_templates", ":lease-templates\n");
    snap_on(lease_templates_store, "lease_templates_retired", ":lease-templates\nj");
    snap_on(lease_templates_store, "lease_templates_revise_form", ":lease-templates\ne\t\t\t\t");
    snap_on(lease_templates_store, "lease_templates_retire_confirm", ":lease-templates\nX");
    snap_on(lease_templates_store, "lease_templates_help", ":lease-templates\n?");
}

#[test]
fn a_template_is_made_revised_to_version_2_and_retired_and_a_retired_one_cannot_change() {
    use unitcycle_core::lease_generation::clauses::library;
    use unitcycle_core::lease_generation::port::LeaseGenerationPort;
    use unitcycle_core::lease_generation::workflow::STANDARD_CLAUSES;
    let lib = library();
    let id_of = |slug: &str| lib.iter().find(|c| c.slug == slug).unwrap().id;
    let index_of = |slug: &str| lib.iter().position(|c| c.slug == slug).unwrap();
    let (_dir, path) = demo_replica();
    let mut h = Harness::new(Store::open(&path).unwrap(), (140, 45));
    h.type_text(":lease-templates\n");
    assert!(h.screen().contains("No lease templates yet"), "{}", h.screen());
    // n: name, state, city, the type left residential, then into the clauses; a clause the
    // state prohibits is refused by the core with its message and nothing is written.
    h.type_text("nCalifornia starter\tCA\tLos Angeles\t\t");
    for _ in 0..index_of("nonrefundable_deposit") {
        h.key(KeyCode::Down);
    }
    h.type_text(" \n");
    let s = h.screen();
    assert!(s.contains("'Non-refundable deposit' is not allowed in CA leases."), "{s}");
    assert!(Store::open(&path).unwrap().lease_templates().unwrap().is_empty());
    h.type_text(" \n");
    let s = h.screen();
    assert!(s.contains("Template 'California starter' made for CA · Los Angeles (version 1)"), "{s}");
    assert!(s.contains("Lease templates (1 active, 0 retired)"), "{s}");
    let t = Store::open(&path).unwrap().lease_templates().unwrap().remove(0);
    assert_eq!((t.version, t.is_active, t.jurisdiction_state.as_str()), (1, true, "CA"));
    assert_eq!((t.jurisdiction_city.as_str(), t.property_type.as_str()), ("Los Angeles", "residential"));
    assert_eq!(t.base_clause_ids.len(), STANDARD_CLAUSES.len());
    // e: the same form filled in; picking the bed bugs clause makes version 2.
    h.type_text("e");
    assert!(h.screen().contains("Saving makes version 2 of 'California starter'"), "{}", h.screen());
    h.type_text("\t\t\t\t");
    for _ in 0..index_of("bed_bugs") {
        h.key(KeyCode::Down);
    }
    h.type_text(" \n");
    let s = h.screen();
    assert!(s.contains("Template 'California starter' is now version 2"), "{s}");
    let all = Store::open(&path).unwrap().lease_templates().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].id, all[0].version, all[0].is_active), (t.id, 2, true));
    assert!(all[0].base_clause_ids.contains(&id_of("bed_bugs")));
    assert_eq!(all[0].base_clause_ids.len(), STANDARD_CLAUSES.len() + 1);
    // X: a confirm that names the template; n keeps it, y retires it.
    h.type_text("X");
    let s = h.screen();
    assert!(s.contains("Retire the lease template 'California starter' (version 2)?"), "{s}");
    assert!(s.contains("no longer be offered for new leases"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: the template is still offered"), "{}", h.screen());
    assert!(Store::open(&path).unwrap().lease_templates().unwrap()[0].is_active);
    h.type_text("Xy");
    let s = h.screen();
    assert!(s.contains("Template 'California starter' retired: no longer offered for new leases"), "{s}");
    assert!(s.contains("Lease templates (0 active, 1 retired)"), "{s}");
    let all = Store::open(&path).unwrap().lease_templates().unwrap();
    assert_eq!((all.len(), all[0].version, all[0].is_active), (1, 2, false));
    // A retired template cannot be revised or retired again.
    for key in ["e", "X"] {
        h.type_text(key);
        let s = h.screen();
        assert!(s.contains("is retired: it cannot be revised or retired again"), "{key}: {s}");
    }
    // Bad input is said in the form, never written.
    h.type_text("n\tTexas\t\tcastle\n");
    let s = h.screen();
    assert!(s.contains("The template's name") && s.contains("A two-letter state code"), "{s}");
    assert!(s.contains("One of: residential, commercial, mixed"), "{s}");
    assert_eq!(Store::open(&path).unwrap().lease_templates().unwrap().len(), 1);
}

#[test]
fn a_lease_is_generated_sent_and_signed_in_person_and_the_unit_is_occupied() {
    let store = demo_store();
    let unit = vacant_unit(&store);
    let mut h = Harness::new(store, (140, 45));
    h.type_text(":leases-gen\n");
    assert!(h.screen().contains("No generated leases yet"), "{}", h.screen());
    h.type_text(&format!("n{unit}\tAlex Rivera\talex@example.com\n"));
    // A clause lacks a value: said in the form, nothing written.
    let s = h.screen();
    assert!(s.contains("Needs a value: landlord_paid_utilities") && s.contains("Nothing was made yet"), "{s}");
    for _ in 0..120 {
        h.key(KeyCode::Backspace);
    }
    h.type_text(
        "landlord_paid_utilities=water; floodplain_status=is not; flood_damage_status=is not; sprinkler_status=has; smoking_policy=not permitted\n",
    );
    let s = h.screen();
    assert!(s.contains("Alex Rivera: lease draft") && s.contains("Generated leases (1)"), "{s}");
    assert!(s.contains("Ready to send (s)") && s.contains("Clauses ("), "{s}");
    // Sending shows every email first; n sends nothing.
    h.type_text("s");
    let s = h.screen();
    assert!(s.contains("To: Alex Rivera <alex@example.com>") && s.contains("Subject: Please sign your lease"), "{s}");
    assert!(s.contains("(this signer's own signing link)"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Cancelled: nothing was recorded or sent"), "{}", h.screen());
    h.type_text("sy");
    let s = h.screen();
    assert!(s.contains("lease sent for signing") && s.contains("1 signing email(s) queued"), "{s}");
    h.type_text("p");
    assert!(h.screen().contains("signs in person"), "{}", h.screen());
    h.type_text("Alex Rivera\n");
    let s = h.screen();
    assert!(s.contains("Signed: lease fully signed") && s.contains("the unit is occupied"), "{s}");
    assert!(s.contains("fully signed"), "{s}");
    // Voiding a signed lease is refused; its unit opens with Enter.
    h.type_text("v");
    assert!(h.screen().contains("The lease is fully signed and cannot change"), "{}", h.screen());
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Active") && s.contains("Rivera"), "{s}");
    // Back on the list: a renewal draft (3% more), re-assessed, then voided after a confirm.
    h.key(KeyCode::Esc);
    h.type_text("w");
    assert!(h.screen().contains("Rent increase %"), "{}", h.screen());
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains("Alex Rivera: lease draft") && s.contains("Generated leases (2)"), "{s}");
    assert!(s.contains("· renewal"), "the new draft is selected: {s}");
    h.type_text("r");
    assert!(h.screen().contains("Alex Rivera: lease draft · risk"), "{}", h.screen());
    h.type_text("vnew terms agreed\n");
    let s = h.screen();
    assert!(s.contains("Void the lease for unit") && s.contains("Reason: new terms agreed"), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Alex Rivera: lease voided"), "{}", h.screen());
}

#[test]
fn g_on_an_approved_application_opens_the_new_lease_form_filled() {
    let store = demo_store();
    let unit = vacant_unit(&store);
    let mut h = Harness::new(store, (140, 45));
    h.type_text(&format!(
        ":screening\nn{unit}\tAlex\tRivera\talex@example.com\t555-0100\tAcme\t6000\t2020-01-01\t\t\tn\n"
    ));
    assert!(h.screen().contains("Alex Rivera: submitted"), "{}", h.screen());
    h.type_text("g");
    assert!(h.screen().contains("A lease is generated for an approved application"), "{}", h.screen());
    h.type_text("a\ny");
    assert!(h.screen().contains("Alex Rivera: approved"), "{}", h.screen());
    h.type_text("g");
    let s = h.screen();
    assert!(s.contains("New lease") && s.contains("alex@example.com") && s.contains("Harbor View"), "{s}");
    // The clauses' values are asked for, their names filled in (Oregon's smoking policy and
    // floodplain notice among them): giving the values makes it.
    h.type_text("\n");
    let s = h.screen();
    assert!(s.contains("landlord_paid_utilities=") && s.contains("smoking_policy="), "{s}");
    for _ in 0..120 {
        h.key(KeyCode::Backspace);
    }
    h.type_text(
        "landlord_paid_utilities=water; floodplain_status=is not; flood_damage_status=is not; \
         smoking_policy=not permitted\n",
    );
    let s = h.screen();
    assert!(s.contains("Alex Rivera: lease draft") && s.contains("Generated leases (1)"), "{s}");
}

/// The demo with three conversations received (offline gateway): a rent question by email
/// (answered automatically), an emergency by SMS and a complaint by email.
fn inbox_store() -> Store {
    use unitcycle_core::communications_hub::inbound::{receive, InboundMessage};
    let mut store = demo_store();
    let contacts: Vec<(String, String)> = {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT t.email, t.phone FROM tenants t WHERE t.email <> '' AND t.phone <> ''
                 AND EXISTS (SELECT 1 FROM tenant_lease l WHERE l.tenant_id = t.id) ORDER BY t.id LIMIT 3",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let gateway = Gateway::offline("tests".into());
    let messages = [
        ("email", None, Some(contacts[0].0.clone()), "Hi, when is my rent due this month?", 7),
        ("sms", Some(contacts[1].1.clone()), None, "There is a gas leak in the kitchen, please help!", 8),
        ("email", None, Some(contacts[2].0.clone()), "The neighbor noise every night is unacceptable.", 9),
    ];
    for (i, (channel, from_number, from, content, hour)) in messages.into_iter().enumerate() {
        let msg =
            InboundMessage { channel: channel.into(), from_number, from, content: content.into(), timestamp: None };
        let now = today().and_hms_opt(hour, 0, 0).unwrap().and_utc();
        receive(&mut store, &gateway, uuid::Uuid::from_u128(0x5300 + i as u128), &msg, now).unwrap();
    }
    store
}

#[test]
fn inbox() {
    snap("inbox_empty", ":inbox\n");
    snap_on(inbox_store, "inbox", ":inbox\n");
}

#[test]
fn the_inbox_filters_replies_to_the_tenant_shown_and_resolves() {
    let mut h = Harness::new(inbox_store(), (160, 45));
    h.type_text(":inbox\n");
    let s = h.screen();
    assert!(s.contains("Conversations (3)") && s.contains("3 open") && s.contains("1 critical open"), "{s}");
    assert!(s.contains("complaint") && s.contains("! sms"), "{s}");
    h.type_text("jj");
    let s = h.screen();
    assert!(s.contains("auto-response (sent automatically)"), "the rent question was answered: {s}");
    assert!(s.contains("billing · normal · rent_due_date_query"), "{s}");
    // Urgency: critical shows only the emergency.
    h.type_text("u");
    let s = h.screen();
    assert!(s.contains("Conversations (1)") && s.contains("urgency critical") && s.contains("gas leak"), "{s}");
    assert!(s.contains("emergency · critical · report_emergency"), "{s}");
    // Reply: the confirm shows the recipient (the phone, by SMS) and the text; y queues it.
    h.type_text("rA technician is on the way.\n");
    let s = h.screen();
    assert!(
        s.contains("Send this reply by sms?") && s.contains("To: ") && s.contains("A technician is on the way."),
        "{s}"
    );
    let to = s.lines().find(|l| l.contains("To: ")).unwrap().to_string();
    assert!(to.chars().filter(char::is_ascii_digit).count() >= 7, "a phone number: {to}");
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Reply queued by sms") && s.contains("→ to the tenant"), "{s}");
    assert!(s.contains("sent by user:test@tui") && s.contains("waiting tenant"), "{s}");
    // Assign: the current actor by default (the reply assigned it already).
    h.type_text("a");
    assert!(h.screen().contains("user:test@tui"), "{}", h.screen());
    h.key(KeyCode::Esc);
    // Resolve after a confirm; n cancels.
    h.type_text("x");
    assert!(h.screen().contains("Resolve the sms conversation"), "{}", h.screen());
    h.type_text("n");
    assert!(h.screen().contains("Cancelled"), "{}", h.screen());
    h.type_text("Xy");
    let s = h.screen();
    assert!(s.contains("Resolved") && s.contains("0 critical open"), "{s}");
    // Back to every urgency: three threads, Enter opens one full width, Esc closes it.
    for _ in 0..4 {
        h.type_text("u");
    }
    assert!(h.screen().contains("Conversations (3)"), "{}", h.screen());
    h.key(KeyCode::Enter);
    assert!(!h.screen().contains("Conversations (3)") && h.screen().contains(" Thread "), "{}", h.screen());
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Conversations (3)"), "{}", h.screen());
}

#[test]
fn a_template_reply_is_filled_in_from_the_tenants_record_edited_then_confirmed() {
    let mut h = Harness::new(inbox_store(), (160, 45));
    h.type_text(":inbox\n");
    h.type_text("t");
    let s = h.screen();
    assert!(s.contains("Reply from a template") && s.contains("Rent due date (billing, sms)"), "{s}");
    assert!(s.contains("Your rent of $") && !s.contains("{{first_name}}"), "filled in from the record: {s}");
    // Enter puts the text in the reply form to edit; Enter again shows the confirm.
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Reply") && s.contains("Your rent of $"), "{s}");
    h.type_text(" Thanks!\n");
    let s = h.screen();
    assert!(s.contains("Send this reply by") && s.contains("Thanks!"), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Reply queued by"), "{}", h.screen());
    // Esc leaves the picker with nothing sent.
    h.type_text("t");
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Reply from a template"), "{}", h.screen());
}

#[test]
fn a_broadcast_counts_its_recipients_as_it_is_written_and_shows_everything_before_it_is_queued() {
    let mut h = Harness::new(demo_store(), (160, 45));
    h.type_text(":broadcast\n");
    assert!(h.screen().contains("No broadcasts yet"), "{}", h.screen());
    h.type_text("n");
    let s = h.screen();
    assert!(s.contains("New broadcast") && s.contains("Recipients now: "), "{s}");
    let everyone = s.lines().find(|l| l.contains("Recipients now: ")).unwrap().to_string();
    h.type_text("Water shut-off\tHi {{first_name}}, the water in unit {{unit_number}} is off Tuesday.\t\t\t\t");
    h.type_text("100-199");
    let s = h.screen();
    let some = s.lines().find(|l| l.contains("Recipients now: ")).unwrap().to_string();
    assert!(some != everyone && some.contains("by email"), "the count follows the filter: {everyone} / {some}");
    // A bad filter says why, and nothing can be sent.
    h.type_text("x");
    assert!(h.screen().contains("not a range of unit numbers"), "{}", h.screen());
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Send \"Water shut-off\" to") && s.contains("Audience: every property, units 100-199"), "{s}");
    assert!(s.contains("Each tenant's message") && s.contains(", the water in unit "), "{s}");
    assert!(!s.contains("{{"), "{s}");
    // n goes back to the composer; Enter and y queue it.
    h.type_text("n");
    assert!(h.screen().contains("New broadcast"), "{}", h.screen());
    h.key(KeyCode::Enter);
    h.type_text("y");
    let s = h.screen();
    assert!(s.contains("Queued ") && s.contains("Broadcasts (1)") && s.contains("Water shut-off"), "{s}");
    assert!(s.contains("sent     email"), "each delivery's status: {s}");
    // A retry sends nothing twice.
    h.type_text("s");
    assert!(h.screen().contains("Nothing to send"), "{}", h.screen());
}

#[test]
fn broadcasts() {
    snap("broadcasts_empty", ":broadcast\n");
    snap("broadcast_composer", ":broadcast\nnRent reminder\tRent is due on {{due_date}}.\t");
}

/// The demo with one onboarding: the first active lease's checklist, made as if signed 20 days
/// before its move-in (offline gateway, so the due messages are the rules').
fn onboarding_store() -> Store {
    let mut store = demo_store();
    let lease = store.find_lease(&lease_in(&store, LeaseStatus::Active)).unwrap();
    let gateway = Gateway::offline("tests".into());
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    let signed = lease.lease_begin_date - chrono::Duration::days(20);
    unitcycle_core::onboarding::workflow::create_for_lease(&mut store, &gateway, lease.id, signed, now).unwrap();
    store
}

#[test]
fn onboarding() {
    snap("onboarding_empty", ":onboarding\n");
    snap_on(onboarding_store, "onboarding", ":onboarding\n");
}

#[test]
fn onboarding_completes_tasks_refuses_a_blocking_skip_sends_after_a_confirm_and_edits_the_knowledge_base() {
    let mut h = Harness::new(onboarding_store(), (160, 45));
    h.type_text(":onboarding\n");
    assert!(h.screen().contains("Onboardings (1)"), "{}", h.screen());
    h.key(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Blocks move-in: Upload renters' insurance") && s.contains("Send the welcome email"), "{s}");
    // The portal task completed after a confirm.
    h.type_text("jd");
    assert!(h.screen().contains("Complete 'Set up the tenant portal account'"), "{}", h.screen());
    h.type_text("y");
    assert!(h.screen().contains("Recorded ·"), "{}", h.screen());
    // Renters' insurance blocks move-in: the skip is refused.
    h.type_text("jSy");
    assert!(h.screen().contains("blocks move-in and cannot be skipped"), "{}", h.screen());
    // A message: the confirm names the recipient and shows the text; n cancels, y sends.
    h.type_text("s");
    h.key(KeyCode::Tab);
    h.type_text("Parking");
    h.key(KeyCode::Tab);
    h.type_text("Your spot is 14.\n");
    let s = h.screen();
    assert!(s.contains("Send this email?") && s.contains("To: ") && s.contains("Your spot is 14."), "{s}");
    h.type_text("y");
    assert!(h.screen().contains("Message queued by email"), "{}", h.screen());
    // Keys: two unit keys issued.
    h.type_text("K\n");
    assert!(h.screen().contains("Record 2 × physical unit key issued to"), "{}", h.screen());
    h.type_text("y");
    assert!(h.screen().contains("2 × physical unit key issued"), "{}", h.screen());
    // The knowledge base: the bot answers from an entry and cites it; a new entry is saved.
    h.type_text("b");
    assert!(h.screen().contains("active) "), "{}", h.screen());
    h.type_text("twhat are the pool hours\n");
    let s = h.screen();
    assert!(s.contains("Source: ") && s.contains("offline"), "{s}");
    h.key(KeyCode::Esc);
    h.type_text("n");
    h.key(KeyCode::Tab);
    h.type_text("Is there a rooftop deck?");
    h.key(KeyCode::Tab);
    h.type_text("Yes, open 8am to 10pm.\n");
    assert!(h.screen().contains("Saved \"Is there a rooftop deck?\""), "{}", h.screen());
}

/// The demo with a 5.1 listing of the first lease's unit and two showings booked the day
/// before for today: Dana's guided tour (confirmed) and Lee's self-guided one.
fn showings_store() -> Store {
    use unitcycle_core::showings::workflow::{self as sw, NewProspect, NewShowing};
    let mut store = demo_store();
    let lease = store.find_lease(&lease_in(&store, LeaseStatus::Active)).unwrap();
    let listing = uuid::Uuid::from_u128(0x5_2000);
    store
        .conn()
        .execute(
            "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, created_at, \
             updated_at) VALUES (?1, ?2, ?3, 'active', '1850.00', 'Sunny 2BR near the park', 'A unit.', \
             '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
            [listing.to_string(), lease.unit_id.to_string(), lease.property_id.to_string()],
        )
        .unwrap();
    let booked_at = (today() - chrono::Duration::days(1)).and_hms_opt(12, 0, 0).unwrap().and_utc();
    let slots = sw::day_slots(&store, lease.property_id, today(), None, booked_at).unwrap();
    for (i, (name, email, kind)) in
        [("Dana Reyes", "dana@example.com", "guided"), ("Lee Park", "lee@example.com", "self_guided")]
            .iter()
            .enumerate()
    {
        let p = sw::create_prospect(
            &mut store,
            NewProspect {
                listing_id: Some(listing),
                property_id: None,
                name: (*name).into(),
                email: (*email).into(),
                phone: String::new(),
                pre_screening: serde_json::json!({}),
                lead_score: Some(60),
            },
            booked_at,
        )
        .unwrap();
        let new = NewShowing {
            listing_id: listing,
            prospect_id: p.id,
            showing_type: (*kind).into(),
            scheduled_at: slots.slots[4 + 2 * i].start,
        };
        let v = sw::schedule(&mut store, &new, booked_at).unwrap();
        if i == 0 {
            sw::confirm(&mut store, v.showing.id, booked_at).unwrap();
        }
    }
    store
}

#[test]
fn showings() {
    snap_on(showings_store, "showings", ":showings\n");
    snap_on(showings_store, "showings_week", ":showings\nw");
    snap_on(showings_store, "funnel", ":funnel\n");
}

#[test]
fn showings_cancel_after_a_confirm_refuse_a_code_before_identity_and_move_by_day() {
    let mut h = Harness::new(showings_store(), (120, 40));
    h.type_text(":showings\n");
    let s = h.screen();
    assert!(s.contains("Dana Reyes") && s.contains("Lee Park") && s.contains("2 showings"), "{s}");
    // The self-guided tour: no access code before the identity check.
    h.type_text("ja");
    assert!(h.screen().contains("has not verified their identity"), "{}", h.screen());
    // Cancel asks first; n keeps it, y cancels.
    h.type_text("x");
    assert!(h.screen().contains("Cancel Lee Park's self guided showing"), "{}", h.screen());
    h.type_text("n");
    assert!(h.screen().contains("Not cancelled"), "{}", h.screen());
    h.type_text("xy");
    assert!(h.screen().contains("Lee Park · cancelled"), "{}", h.screen());
    // The next day has none; back again.
    h.type_text("l");
    assert!(h.screen().contains("No showings"), "{}", h.screen());
    h.type_text("h");
    assert!(h.screen().contains("Dana Reyes"), "{}", h.screen());
}

/// The demo with one staging project for its first vacant unit: a living room staged by a
/// staging service, a kitchen only enhanced, a bathroom that failed, the listing text written
/// offline, and a draft listing for the unit to publish to.
fn staging_store() -> Store {
    use unitcycle_core::staging::model::StagingPhoto;
    use unitcycle_core::staging::port::{StagingPort, StagingWrite};
    use unitcycle_core::staging::workflow::{self as wf, NewProject};
    let mut store = demo_store();
    let now = today().and_hms_opt(9, 0, 0).unwrap().and_utc();
    let mut units = Vec::new();
    for p in store.properties().unwrap() {
        units.extend(store.units(p.id).unwrap());
    }
    units.sort_by(|a, b| a.unit_number.cmp(&b.unit_number));
    let unit = units.into_iter().find(|u| u.status == unitcycle_core::model::UnitStatus::Vacant).unwrap();
    let id = uuid::Uuid::from_u128(41);
    wf::create_project(&mut store, id, &NewProject { unit_id: unit.id, style: "scandinavian".into() }, now).unwrap();
    let photo = |n: u128, room: &str, status: &str, staged: bool, label: &str, note: &str, error: &str| StagingPhoto {
        id: uuid::Uuid::from_u128(n),
        project_id: id,
        property_id: unit.property_id,
        room: room.into(),
        original_url: format!("blob:{}", "a".repeat(64)),
        staged_url: if status == "completed" { format!("blob:{}", "b".repeat(64)) } else { String::new() },
        thumbnail_original: String::new(),
        thumbnail_staged: String::new(),
        processing_status: status.into(),
        processing_error: error.into(),
        ai_description: note.into(),
        photo_order: n as i32 - 50,
        virtually_staged: staged,
        staging_label: label.into(),
        provider: "staging-service:test".into(),
        created_at: now,
        updated_at: now,
    };
    let photos = vec![
        photo(50, "living room", "completed", true, "virtually staged", "A grey sofa, oak table and a wool rug.", ""),
        photo(
            51,
            "kitchen",
            "completed",
            false,
            "enhanced, not staged",
            "Enhanced, not staged: exposure adjusted, sharpened. No furniture was added.",
            "",
        ),
        photo(52, "bathroom", "failed", false, "", "", "the staging service answered 500: model overloaded"),
    ];
    let mut project = store.staging_project(id).unwrap();
    project.status = "completed".into();
    store.write_staging(&StagingWrite { projects: vec![project], photos, listing: None }, now).unwrap();
    let gateway = Gateway::offline("tests".into());
    wf::generate_listing(&mut store, &gateway, id, now).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'draft', '1450.00', 'Sunny corner unit', '', ?4, ?4)",
            rusqlite::params![uuid::Uuid::from_u128(60).to_string(), unit.id.to_string(), unit.property_id.to_string(), now],
        )
        .unwrap();
    store
}

#[test]
fn staging() {
    snap("staging_empty", ":staging\n");
    snap_on(staging_store, "staging", ":staging\n");
    snap_on(staging_store, "staging_project", ":staging\n\n");
}

#[test]
fn staging_labels_photos_honestly_picks_a_vacant_unit_and_publishes_after_a_confirm() {
    let mut h = Harness::new(staging_store(), (120, 40));
    h.type_text(":staging\n\n");
    let s = h.screen();
    assert!(s.contains("living room") && s.contains("virtually staged"), "{s}");
    assert!(s.contains("kitchen") && s.contains("enhanced, not staged"), "{s}");
    assert!(s.contains("the staging service answered 500"), "{s}");
    assert!(s.contains("needs review"), "{s}");
    assert!(
        s.contains("living room and kitchen.") && !s.contains("and bathroom"),
        "the failed bathroom is left out: {s}"
    );
    // The publish confirm names the listing and each photo going to it; n keeps it unpublished.
    h.type_text("P");
    let s = h.screen();
    assert!(s.contains("Publish 2 photos to the draft listing \"Sunny corner unit\"?"), "{s}");
    assert!(s.contains("1. Living room — virtually staged") && s.contains("2. Kitchen — enhanced, not staged"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Not published"), "{}", h.screen());
    h.type_text("Py");
    assert!(h.screen().contains("2 photos published to unit"), "{}", h.screen());
    // A new project: a vacant unit and a style, picked with the arrows.
    h.key(KeyCode::Esc);
    h.type_text("n");
    let s = h.screen();
    assert!(s.contains("New staging project") && s.contains("◂ modern ▸"), "{s}");
    h.key(KeyCode::Right);
    assert!(h.screen().contains("◂ traditional ▸"), "{}", h.screen());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Project made for unit"), "{}", h.screen());
    assert!(h.screen().contains("traditional style"), "{}", h.screen());
}

/// The demo with two 5.1 listings of units without a lease (one published a week ago, one a
/// draft) and three leads on the published one.
fn listings_store() -> Store {
    use unitcycle_core::listing_syndication::publisher::FeedPublisher;
    use unitcycle_core::listing_syndication::workflow::{self as ls, NewLead, NewListing};
    let mut store = demo_store();
    let gateway = Gateway::offline("test".into());
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let mut free: Vec<uuid::Uuid> = Vec::new();
    for p in store.properties().unwrap() {
        for u in store.units(p.id).unwrap() {
            if u.market_rent > rust_decimal::Decimal::ZERO && ls::leased(&store, u.id).unwrap().is_none() {
                free.push(u.id);
            }
        }
    }
    let (a, b) = (uuid::Uuid::from_u128(0x5_1001), uuid::Uuid::from_u128(0x5_1002));
    let new = |unit_id| NewListing {
        unit_id,
        amenities: vec!["in_unit_laundry".into(), "dishwasher".into()],
        pet_policy: "Cats allowed".into(),
        ..Default::default()
    };
    ls::create(&mut store, a, new(free[0]), now - chrono::Duration::days(9)).unwrap();
    ls::create(&mut store, b, new(free[1]), now).unwrap();
    ls::publish(&mut store, &FeedPublisher, a, &["zillow".into(), "zumper".into()], now - chrono::Duration::days(7))
        .unwrap();
    for (i, (name, email, phone, message, days)) in [
        (
            "Maya Chen",
            "maya@example.com",
            "555-010-2030",
            "Hello, I work as a nurse and need to move asap. Is parking included?",
            10,
        ),
        ("Jo", "", "555-010-4444", "still available?", 90),
        ("Sam Ortiz", "sam@example.com", "", "Hi, we are relocating next month. Are cats ok? Thanks!", 40),
    ]
    .iter()
    .enumerate()
    {
        ls::add_lead(
            &mut store,
            &gateway,
            uuid::Uuid::from_u128(0x5_1100 + i as u128),
            NewLead {
                listing_id: a,
                source_platform: "zillow".into(),
                prospect_name: (*name).into(),
                email: (*email).into(),
                phone: (*phone).into(),
                message: (*message).into(),
                move_in_date: Some(today() + chrono::Duration::days(*days)),
                stated_income: None,
            },
            now,
        )
        .unwrap();
    }
    store
}

#[test]
fn listings() {
    snap_on(listings_store, "listings", ":listings\n");
    snap_on(listings_store, "listings_publish_confirm", ":listings\np");
    snap_on(listings_store, "leads", ":leads\n");
    snap_on(listings_store, "leads_respond_confirm", ":leads\nr");
}

#[test]
fn a_listing_is_published_after_naming_its_platforms_and_a_lead_answered_with_the_text_shown() {
    let mut h = Harness::new(listings_store(), (120, 40));
    h.type_text(":listings\n");
    let s = h.screen();
    assert!(s.contains("2 listing(s) · 1 active"), "{s}");
    // The draft (the newest, first): p names the platforms; n keeps it a draft, y publishes.
    h.type_text("p");
    let s = h.screen();
    assert!(s.contains("Zillow, Apartments.com, Zumper, Facebook Marketplace"), "{s}");
    h.type_text("n");
    assert!(h.screen().contains("Nothing done"), "{}", h.screen());
    h.type_text("py");
    assert!(h.screen().contains("Published to 4 platform(s): 4 pending on the feed"), "{}", h.screen());
    // The price check and delist (after a confirm).
    h.type_text("c");
    assert!(h.screen().contains("Market median"), "{}", h.screen());
    h.type_text("x");
    h.type_text("d");
    assert!(h.screen().contains("Delist listing"), "{}", h.screen());
    h.type_text("y");
    assert!(h.screen().contains("Delisted from"), "{}", h.screen());
    // The inbox: the reply's exact text before it is queued.
    h.type_text(":leads\n");
    let s = h.screen();
    assert!(s.contains("Maya Chen") && s.contains("×30%"), "{s}");
    h.type_text("r");
    assert!(h.screen().contains("Queue this email to Maya Chen"), "{}", h.screen());
    h.type_text("y");
    assert!(h.screen().contains("Reply queued by email to maya@example.com; lead contacted"), "{}", h.screen());
}

#[test]
fn n_drafts_a_listing_for_the_vacant_unit_picked_and_esc_makes_none() {
    let mut h = Harness::new(listings_store(), (120, 40));
    h.type_text(":listings\n");
    assert!(h.screen().contains("2 listing(s)"), "{}", h.screen());
    // Esc in the picker makes nothing.
    h.type_text("n");
    let s = h.screen();
    assert!(s.contains("A draft listing of which vacant unit?") && s.contains("▸"), "{s}");
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Nothing done"), "{}", h.screen());
    assert!(h.screen().contains("2 listing(s)"), "{}", h.screen());
    // Down and Enter: a draft of the second vacant unit, drafted from its record.
    h.type_text("nj\n");
    let s = h.screen();
    assert!(s.contains("Draft listing") && s.contains("p publishes it"), "{s}");
    assert!(s.contains("3 listing(s)"), "{s}");
}

#[test]
fn a_photo_is_uploaded_from_a_file_and_generated_from_the_staging_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 30, seed: 42, today: today() }).unwrap();
    let photo = dir.path().join("living.png");
    image::RgbImage::from_fn(32, 24, |x, _| image::Rgb([20, 20 + x as u8, 30])).save(&photo).unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text(":staging\nn\n");
    assert!(h.screen().contains("Project made for unit"), "{}", h.screen());
    h.type_text("U");
    h.type_text(&format!("{}\tliving room\n", photo.display()));
    assert!(h.screen().contains("living room photo added"), "{}", h.screen());
    h.type_text("g");
    let s = h.screen();
    assert!(s.contains("1 photo generated by enhance-only"), "{s}");
    assert!(s.contains("enhanced, not staged") && !s.contains("virtually staged  "), "{s}");
}

#[test]
fn a_connected_replica_shows_staging_but_leaves_the_changes_to_the_server() {
    let store = staging_store();
    store
        .conn()
        .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
        .unwrap();
    let mut h = Harness::new(store, (120, 40));
    h.type_text(":staging\n\n");
    assert!(h.screen().contains("virtually staged"), "{}", h.screen());
    h.type_text("g");
    assert!(h.screen().contains("which keeps the staging photos"), "{}", h.screen());
}
