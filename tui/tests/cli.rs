//! The `unitcycle` command end to end: real binary, real replica file, exit codes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::unitcycle;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure is one line on stderr, no panic, non-zero exit.
fn assert_one_line_error(o: &Output, contains: &str) {
    assert!(!o.status.success(), "expected failure, got success: {}", stdout(o));
    let err = stderr(o);
    assert!(err.contains(contains), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("replica.db");
    let o = unitcycle(&db, &["demo", "--units", "300", "--today", "2026-11-25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    db
}

#[test]
fn demo_then_jobs_then_stats() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let run = |args: &[&str]| {
        let o = unitcycle(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let first = run(&["jobs", "run", "lifecycle-classify", "--today", "2026-11-25"]);
    assert!(first.contains("Transitioned "), "{first}");
    let again = run(&["jobs", "run", "tenants.classify_lease_statuses", "--today", "2026-11-25"]);
    assert!(again.contains("Transitioned 0 to MTM, 0 to vacant."), "{again}");

    let stats: serde_json::Value =
        serde_json::from_str(&run(&["lifecycle", "stats", "--json", "--today", "2026-11-25"])).unwrap();
    let total = stats["total_leases"].as_u64().unwrap();
    let parts: u64 = ["active", "month_to_month", "notice", "vacant"].iter().map(|k| stats[k].as_u64().unwrap()).sum();
    assert_eq!(total, 300);
    assert_eq!(parts, total);

    let list = run(&["lifecycle", "list", "--status", "notice", "--limit", "3"]);
    assert!(list.contains("Notice Given"), "{list}");
    let runs = run(&["jobs", "runs"]);
    assert!(runs.contains("lifecycle-classify"), "{runs}");
}

#[test]
fn give_notice_then_refused_convert() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let list: serde_json::Value = serde_json::from_str(&stdout(&unitcycle(
        &db,
        &["lifecycle", "list", "--status", "active", "--json", "--limit", "500", "--today", "2026-11-25"],
    )))
    .unwrap();
    let lease = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lease_end_date"].as_str().unwrap() > "2026-12-31")
        .unwrap()["lease_number"]
        .as_str()
        .unwrap()
        .to_string();
    let o = unitcycle(
        &db,
        &[
            "lifecycle",
            "give-notice",
            &lease,
            "--notice-date",
            "2026-11-20",
            "--move-out",
            "2026-12-31",
            "--reason",
            "Relocating",
            "--today",
            "2026-11-25",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(shown["lease_status"], "notice");
    assert_eq!(shown["days_until_move_out"], 36);
    assert_eq!(shown["status_history"][0]["reason"], "Relocating");

    let o = unitcycle(&db, &["lifecycle", "convert-mtm", &lease]);
    assert_one_line_error(&o, "error: Cannot convert a lease with notice given to month-to-month.");
}

#[test]
fn bad_input_gives_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    assert_one_line_error(&unitcycle(&missing, &["lifecycle", "stats"]), "no database at");
    assert!(!missing.exists(), "a missing replica is not silently created");

    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, vec![0x42u8; 4096]).unwrap();
    assert_one_line_error(&unitcycle(&corrupt, &["lifecycle", "list"]), "is not a UnitCycle database");

    let db = demo(dir.path());
    assert_one_line_error(&unitcycle(&db, &["lifecycle", "show", "L-999999"]), "No lease with id L-999999.");
    assert_one_line_error(
        &unitcycle(&db, &["lifecycle", "show", "00000000-0000-0000-0000-000000000000"]),
        "No lease with id 00000000-0000-0000-0000-000000000000.",
    );
    assert_one_line_error(&unitcycle(&db, &["jobs", "run", "make-coffee"]), "unknown job 'make-coffee'");
    assert_one_line_error(
        &unitcycle(
            &db,
            &[
                "lifecycle",
                "give-notice",
                "L-000001",
                "--notice-date",
                "2026-11-20",
                "--move-out",
                "2026-11-01",
                "--today",
                "2026-11-25",
            ],
        ),
        "must be on or after the notice date",
    );
    let o = unitcycle(&db, &["lifecycle", "stats", "--today", "yesterday"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid date 'yesterday': expected YYYY-MM-DD"), "{}", stderr(&o));
}

/// Issue 7's promise: the default demo portfolio, with the day's jobs run, has open
/// collections cases at every step of the five-step schedule, each step's message sent once.
#[test]
fn the_default_demo_has_open_collections_cases_at_every_escalation_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    let o = unitcycle(&db, &["demo", "--today", "2026-11-25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("collections-escalation: Sent"), "{}", stderr(&o));

    let o = unitcycle(&db, &["collections", "stats", "--json", "--today", "2026-11-25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for level in ["1", "2", "3", "4", "5"] {
        assert!(stats["by_escalation_level"][level].as_u64().unwrap() > 0, "no case at step {level}: {stats}");
    }
    // Cases opened within their grace period wait at level 0 for day 1 of the schedule.

    let table = stdout(&unitcycle(&db, &["collections", "stats", "--today", "2026-11-25"]));
    assert!(table.contains("Legal escalation warning"), "{table}");

    // Running the engine again the same day sends nothing new.
    let again = stdout(&unitcycle(&db, &["jobs", "run", "collections-escalation", "--today", "2026-11-25"]));
    assert!(again.contains("Sent 0 escalation steps"), "{again}");

    // A plan at an agreed amount: refused when it misses the balance, kept when it fits.
    let o = unitcycle(&db, &["collections", "list", "--json"]);
    let cases: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let case = cases.as_array().unwrap().iter().find(|c| c["status"] == "open").unwrap();
    let id = case["id"].as_str().unwrap();
    let plan = |amount: &str| {
        let args =
            ["collections", "offer-plan", id, "--installments", "2", "--amount", amount, "--today", "2026-11-25"];
        unitcycle(&db, &args)
    };
    assert_one_line_error(&plan("1"), "2 installments of $1.00 come to $2.00");
    let balance: rust_decimal::Decimal = case["current_balance"].as_str().unwrap().parse().unwrap();
    let o = plan(&(balance / rust_decimal::Decimal::TWO).ceil().to_string());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("  2. $"), "{}", stdout(&o));
}

/// `unitcycle inspections`: an inspection started on the desktop is listed with its
/// completeness, `show` says what is missing before it can be finalized, and `analyze` runs
/// the gateway (offline here) over the queued photos.
#[test]
fn inspections_list_show_and_analyze() {
    use unitcycle_core::store::{LeaseFilter, LeaseSort, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    let o = unitcycle(&db, &["demo", "--units", "30", "--today", "2026-11-25", "--no-jobs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let empty = stdout(&unitcycle(&db, &["inspections", "list"]));
    assert!(empty.contains("No move-in inspections yet"), "{empty}");

    let lease_number = {
        let mut store = Store::open(&db).unwrap();
        let lease =
            store.lease_rows(&LeaseFilter::default(), LeaseSort::UnitNumber, 0, Some(1)).unwrap().remove(0).lease;
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().to_utc();
        store.create_move_in_inspection(lease.id, "Dana Reyes", now.date_naive(), now).unwrap();
        lease.lease_number
    };

    let list = stdout(&unitcycle(&db, &["inspections", "list"]));
    assert!(list.contains("Dana Reyes") && list.contains("In Progress") && list.contains("0%"), "{list}");
    let show = stdout(&unitcycle(&db, &["inspections", "show", &lease_number]));
    assert!(show.contains("Kitchen"), "{show}");
    assert!(show.contains("Before finalizing: rooms without an acceptable photo: "), "{show}");
    assert!(show.contains("signatures missing: Tenant, Manager"), "{show}");

    let o = Command::new(env!("CARGO_BIN_EXE_unitcycle"))
        .arg("--db")
        .arg(&db)
        .args(["inspections", "analyze", &lease_number])
        .env("UNITCYCLE_AI", "offline")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 analysed, 0 for review, 0 failed, 0 still queued"), "{}", stdout(&o));

    assert_one_line_error(&unitcycle(&db, &["inspections", "show", "L-999999"]), "no move-in inspection 'L-999999'");
    assert_one_line_error(&unitcycle(&db, &["inspections", "list", "--status", "bogus"]), "--status");
}

#[test]
fn import_a_rent_roll_then_export_it_and_read_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("import.db");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/rent_roll_yardi.csv");
    let map = ["--map", "Resident=ignore", "--map", "Unit Type=bedrooms", "--today", "2026-06-15"];
    // A dry run shows the mapping and the counts, and writes nothing (not even the replica).
    let o = unitcycle(&db, &[&["import", "rent-roll", fixture, "--dry-run"][..], &map].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Resident") && out.contains("(--map)"), "{out}");
    assert!(out.contains("would create    11"), "{out}");
    assert!(!db.exists());
    let o = unitcycle(&db, &[&["import", "rent-roll", fixture, "--json"][..], &map].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["counts"]["leases"]["created"], 11);
    assert_eq!(report["applied"], true);

    let export = dir.path().join("roll.csv");
    let o = unitcycle(&db, &["export", "rent-roll", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = unitcycle(&db, &["import", "rent-roll", export.to_str().unwrap(), "--json", "--today", "2026-06-15"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(again["counts"]["leases"], serde_json::json!({"created": 0, "matched": 11}));

    // One bad row: every bad line is listed, nothing is imported, the exit code says so.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Property,Unit,Tenant,Lease Start,Rent\nElm,1,\"Doe, Jan\",01/01/2026,900\nElm,2,\"Roe, Kit\",soon,900\n",
    )
    .unwrap();
    let o = unitcycle(&db, &["import", "rent-roll", bad.to_str().unwrap()]);
    assert_one_line_error(&o, "1 bad rows");
    assert!(stdout(&o).contains("line 3: lease start: invalid date 'soon'"), "{}", stdout(&o));
    let o = unitcycle(&db, &["import", "rent-roll", bad.to_str().unwrap(), "--map", "Unit=flat"]);
    assert_one_line_error(&o, "unknown field 'flat'");
}

#[test]
fn import_a_transactions_file_onto_imported_leases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/rent_roll_buildium.csv");
    let o = unitcycle(&db, &["import", "rent-roll", fixture, "--today", "2026-06-15"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.path().join("tx.csv");
    std::fs::write(
        &file,
        "Date,Unit,Description,Amount\n06/01/2026,10,Rent Jun 2026,1200\n06/02/2026,10,Payment,(1200.00)\n",
    )
    .unwrap();
    let o = unitcycle(&db, &["import", "ledger", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["counts"]["ledger_entries"], serde_json::json!({"created": 2, "matched": 0}));
    let o = unitcycle(&db, &["import", "ledger", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("matched     2"), "{}", stdout(&o));
}

/// `outbox status` names the providers (the file provider says why it is used) and the counts;
/// `outbox deliver` sends the due messages once; half a configuration is a one-line error.
#[test]
fn outbox_status_and_deliver_with_the_file_provider() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_unitcycle"));
        c.arg("--db").arg(&db).args(args).env_remove("UNITCYCLE_DB");
        for var in ["SMTP_URL", "SMTP_FROM", "SMS_URL", "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM", "OUTBOX_DIR"] {
            c.env_remove(format!("UNITCYCLE_{var}"));
        }
        c.envs(env.iter().copied()).output().expect("run unitcycle")
    };
    let status = stdout(&run(&["outbox", "status"], &[]));
    let outbox = dir.path().join("outbox");
    assert!(status.contains(&format!("file (no SMTP configured): written to {}", outbox.display())), "{status}");
    assert!(status.contains("pending") && status.starts_with("Standalone"), "{status}");
    let o = run(&["outbox", "deliver", "--today", "2026-11-25"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Delivered "), "{}", stdout(&o));
    let again = stdout(&run(&["outbox", "deliver", "--today", "2026-11-25"], &[]));
    assert!(again.starts_with("Delivered 0 messages"), "{again}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&["outbox", "status", "--json"], &[]))).unwrap();
    assert!(json["counts"]["sent"].as_i64().unwrap() > 0, "{json}");
    assert!(json["counts"].get("pending").is_none(), "{json}");
    assert_eq!(json["providers"][0]["provider"], "file");
    assert!(outbox.is_dir());
    let o = run(&["outbox", "deliver"], &[("UNITCYCLE_SMTP_URL", "smtp://localhost:25")]);
    assert_one_line_error(&o, "UNITCYCLE_SMTP_FROM");
}

/// A tenant added from the command line can be signed a lease on a vacant unit.
#[test]
fn add_a_tenant_then_sign_a_new_lease_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let add = ["tenant", "add", "--first", "Ann", "--last", "Lee", "--email", "Ann@Example.com", "--json"];
    let o = unitcycle(&db, &add);
    assert!(o.status.success(), "{}", stderr(&o));
    let tenant: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(tenant["email"], "ann@example.com");
    let again = unitcycle(&db, &add);
    assert!(!again.status.success() && stderr(&again).contains("already on record"), "{}", stderr(&again));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let unit: String = conn
        .query_row(
            "SELECT unit_id FROM tenant_lease GROUP BY unit_id HAVING SUM(lease_status <> 'vacant') = 0 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let id = tenant["id"].as_str().unwrap();
    let lease = [
        "lifecycle",
        "new-lease",
        "--unit",
        &unit,
        "--tenant",
        id,
        "--begin",
        "2026-12-01",
        "--end",
        "2027-11-30",
        "--rent",
        "$1,600",
        "--today",
        "2026-11-25",
    ];
    let o = unitcycle(&db, &lease);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("vacant → active") && stdout(&o).contains("Ann Lee"), "{}", stdout(&o));
}

/// A portfolio entered by hand from the command line: a property in its time zone, a unit, a
/// tenant and a lease (`lease new`), then a charge, a payment, a credit and a void on its ledger.
#[test]
fn enter_a_property_by_hand_and_keep_its_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let json = |o: &Output| -> serde_json::Value {
        assert!(o.status.success(), "{}", stderr(o));
        serde_json::from_str(&stdout(o)).unwrap()
    };
    let add = ["property", "add", "--name", "Harbor View", "--time-zone", "America/Los_Angeles", "--json"];
    let p = json(&unitcycle(&db, &add));
    assert_eq!(p["time_zone"], "America/Los_Angeles");
    let bad = unitcycle(&db, &["property", "add", "--name", "X", "--time-zone", "Pacific"]);
    assert_one_line_error(&bad, "Unknown time zone 'Pacific'");
    let u = json(&unitcycle(
        &db,
        &["unit", "add", "--property", "Harbor", "--number", "101", "--market-rent", "1,850", "--json"],
    ));
    let dup = unitcycle(&db, &["unit", "add", "--property", "Harbor", "--number", "101"]);
    assert_one_line_error(&dup, "already has a unit 101");
    let t = json(&unitcycle(
        &db,
        &["tenant", "add", "--first", "Bo", "--last", "Ng", "--email", "bo@example.com", "--json"],
    ));
    let (unit, tenant) = (u["id"].as_str().unwrap(), t["id"].as_str().unwrap());
    let new = [
        "lease",
        "new",
        "--unit",
        unit,
        "--tenant",
        tenant,
        "--begin",
        "2026-12-01",
        "--end",
        "2027-11-30",
        "--rent",
        "1850",
        "--json",
    ];
    let lease = json(&unitcycle(&db, &new));
    let number = lease["lease_number"].as_str().unwrap().to_string();

    let post = |args: &[&str]| {
        let mut all = vec!["ledger"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--lease", &number, "--date", "2026-12-01"]);
        unitcycle(&db, &all)
    };
    let charge = post(&["charge", "40", "--category", "utility", "--json"]);
    let c = json(&charge);
    assert_eq!((c["trans_type"].as_str(), c["category"].as_str()), (Some("Charge"), Some("utility")));
    let o = post(&["pay", "25.00"]);
    assert!(stdout(&o).contains(&format!("Balance of {number}: $15.00")), "{}", stdout(&o));
    let o = post(&["credit", "5"]);
    assert!(stdout(&o).contains("$10.00"), "{}", stdout(&o));
    let huge = post(&["charge", "99999999999"]);
    assert!(!huge.status.success() && stderr(&huge).contains("more than UnitCycle stores"), "{}", stderr(&huge));
    let o = unitcycle(&db, &["ledger", "void", c["id"].as_str().unwrap(), "--reason", "billed in error"]);
    assert!(o.status.success() && stdout(&o).contains("Voided"), "{}", stderr(&o));
    let o = unitcycle(&db, &["ledger", "show", &number]);
    assert!(
        stdout(&o).contains("void") && stdout(&o).contains(&format!("Balance of {number}: -$30.00")),
        "{}",
        stdout(&o)
    );

    // Archiving: refused while the lease is in place.
    assert_one_line_error(&unitcycle(&db, &["unit", "archive", unit]), "lease in place");
}

/// `--json` is not silently capped: without `--limit` it lists every lease (the table stops at
/// 50 and says how to see more); with `--limit` it says the cap.
#[test]
fn json_lists_are_not_silently_capped() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let json = |args: &[&str]| -> serde_json::Value { serde_json::from_str(&stdout(&unitcycle(&db, args))).unwrap() };
    let all = json(&["lifecycle", "list", "--json", "--today", "2026-11-25"]);
    assert_eq!(all["count"].as_u64(), Some(300));
    assert_eq!(all["results"].as_array().unwrap().len(), 300);
    assert!(all["limit"].is_null());
    let capped = json(&["lifecycle", "list", "--json", "--limit", "5", "--today", "2026-11-25"]);
    assert_eq!((capped["results"].as_array().unwrap().len(), capped["limit"].as_u64()), (5, Some(5)));
    let table = stdout(&unitcycle(&db, &["lifecycle", "list", "--today", "2026-11-25"]));
    assert!(table.contains("50 of 300 leases (--limit N shows more; --json lists all)"), "{table}");
}

#[test]
fn turnover_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let run = |args: &[&str]| {
        let o = unitcycle(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    // The demo ran the turnover job: its leases under notice have cases.
    let cases: serde_json::Value = serde_json::from_str(&run(&["turnover", "list", "--json"])).unwrap();
    let case = cases[0]["id"].as_str().expect("a case").to_string();
    let short = &case[..8];
    assert_one_line_error(&unitcycle(&db, &["turnover", "advance", short, "listed"]), "one stage at a time");
    assert!(run(&["turnover", "advance", short]).contains("to Pre-Inspection"));
    assert_one_line_error(&unitcycle(&db, &["turnover", "deduct", short, "roof", "10", "Roof"]), "unknown category");
    assert_one_line_error(&unitcycle(&db, &["turnover", "deduct", short, "paint", "0", "Wall"]), "above zero");
    run(&["turnover", "deduct", short, "paint", "150", "Repaint bedroom wall"]);
    let detail: serde_json::Value = serde_json::from_str(&run(&["turnover", "show", short, "--json"])).unwrap();
    let deduction = detail["deductions"][0]["id"].as_str().unwrap();
    assert!(run(&["turnover", "approve", short, &deduction[..8]]).contains("approved"));
    let letter = run(&["turnover", "letter", short]);
    assert!(letter.contains("Repaint bedroom wall ($150.00)") && letter.contains("Nothing written"), "{letter}");
    assert!(run(&["turnover", "letter", short, "--yes"]).contains("Deduction letter generated"));
    let stats: serde_json::Value = serde_json::from_str(&run(&["turnover", "stats", "--json"])).unwrap();
    assert_eq!(stats["by_stage"]["inspect"], 1, "{stats}");
}

#[test]
fn a_move_out_inspection_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let run = |args: &[&str]| {
        let o = unitcycle(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let cases: serde_json::Value = serde_json::from_str(&run(&["turnover", "list", "--json"])).unwrap();
    let case = cases[0]["id"].as_str().expect("a case").to_string();
    assert!(run(&["move-out", "start", &case[..8], "--inspector", "Dana Inspector"]).contains("Started"));
    let list: serde_json::Value = serde_json::from_str(&run(&["move-out", "list", "--json"])).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let short = &id[..8];
    let photo = dir.path().join("kitchen.png");
    let mut img = image::RgbImage::new(320, 240);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 251) as u8]);
    }
    img.save(&photo).unwrap();
    let junk = dir.path().join("notes.jpg");
    std::fs::write(&junk, b"not a photo").unwrap();
    let added = run(&["move-out", "photos", short, "kitchen", photo.to_str().unwrap(), junk.to_str().unwrap()]);
    assert!(added.contains("kitchen.png: added") && added.contains("notes.jpg: refused"), "{added}");
    let analysed = run(&["move-out", "analyze", short]);
    assert!(analysed.contains("Provider offline") && analysed.contains("needs_review"), "{analysed}");
    assert_one_line_error(&unitcycle(&db, &["move-out", "finalize", short, "--yes"]), "need a classification");
    let detail: serde_json::Value = serde_json::from_str(&run(&["move-out", "show", short, "--json"])).unwrap();
    let p = detail["photos"][0]["id"].as_str().unwrap().to_string();
    let reviewed = run(&[
        "move-out",
        "review",
        short,
        &p[..8],
        "damage",
        "--item",
        "Hole by the door",
        "--severity",
        "moderate",
        "--category",
        "wall_damage",
        "--cost",
        "500",
    ]);
    assert!(reviewed.contains("capped at $200.00") && reviewed.contains("$200.00"), "{reviewed}");
    let letter = run(&["move-out", "letter", short]);
    assert!(letter.contains("$200.00") && letter.contains("Nothing written"), "{letter}");
    let preview = run(&["move-out", "finalize", short]);
    assert!(preview.contains("Hole by the door") && preview.contains("Nothing written"), "{preview}");
    assert!(run(&["move-out", "finalize", short, "--yes"]).contains("Case deductions $200.00"));
}

#[test]
fn pricing_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let run = |args: &[&str]| {
        let o = unitcycle(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let json = |args: &[&str]| -> serde_json::Value { serde_json::from_str(&run(args)).unwrap() };
    // The demo ran the pricing engine: the opportunity is the spec's shape and adds up.
    let o = json(&["pricing", "opportunity", "--json"]);
    let count = |k: &str| o[k].as_u64().unwrap();
    assert_eq!(
        count("units_below_market") + count("units_at_market") + count("units_above_market"),
        count("total_units_analyzed")
    );
    let monthly = o["total_monthly_gap"].as_f64().unwrap();
    assert!(monthly > 0.0 && (o["annual_revenue_opportunity"].as_f64().unwrap() - monthly * 12.0).abs() < 0.01, "{o}");
    let text = run(&["pricing", "opportunity"]);
    assert!(text.contains(&format!("{} units analysed", count("total_units_analyzed"))), "{text}");
    assert!(text.contains("Harbor View Apartments"), "{text}");
    // The units below market are the ones the opportunity counts, largest shortfall first, and
    // their shortfalls are its monthly gap.
    let below = json(&["pricing", "units", "--below", "--json"]);
    let rows = below["results"].as_array().unwrap();
    assert_eq!(below["count"].as_u64(), Some(count("units_below_market")));
    assert_eq!(rows.len() as u64, count("units_below_market"), "--json lists every one");
    assert!(rows.iter().all(|r| r["rent_gap_pct"].as_f64().unwrap() < -2.0), "{below}");
    let gap = |r: &serde_json::Value| r["rent_gap_amount"].as_str().unwrap().parse::<f64>().unwrap();
    assert!(rows.windows(2).all(|w| gap(&w[0]) <= gap(&w[1])), "largest shortfall first");
    let short: f64 = rows.iter().map(|r| -gap(r)).sum();
    assert!((short - monthly).abs() < 0.01, "{short} vs {monthly}");
    let table = run(&["pricing", "units"]);
    assert!(table.contains("50 of 300 units priced (--limit N shows more; --json lists all)"), "{table}");
    // A unit's history: the demo's replayed days and today, with the factors of the latest.
    let unit = rows[0]["unit_id"].as_str().unwrap();
    let h = json(&["pricing", "history", unit, "--json", "--today", "2026-11-25"]);
    let days: Vec<&str> =
        h["history"].as_array().unwrap().iter().map(|s| s["snapshot_date"].as_str().unwrap()).collect();
    assert_eq!(days, ["2026-09-26", "2026-10-26", "2026-11-25"]);
    let used = h["history"][2]["comp_count"].as_u64().unwrap();
    assert_eq!(h["comps"].as_array().unwrap().len() as u64, used.min(10), "the closest comps are kept");
    let number = rows[0]["unit_number"].as_str().unwrap();
    let property = rows[0]["property_name"].as_str().unwrap();
    let text = run(&["pricing", "history", number, "--property", property, "--today", "2026-11-25"]);
    assert!(
        text.contains(&format!("Unit {number} · {property}")) && text.contains("3 snapshots in the 90 days"),
        "{text}"
    );
    assert!(text.contains("seasonal ×0.98") && text.contains("Similarity"), "{text}");
    assert_one_line_error(&unitcycle(&db, &["pricing", "history", "Z999"]), "no unit 'Z999' in use");
    // The engine again on the same day changes nothing; one property's run prices its units only.
    let again = run(&["pricing", "run", "--today", "2026-11-25"]);
    assert!(
        again.contains("pricing-engine (2026-11-25): Priced 300 units: 0 snapshots written, 300 unchanged"),
        "{again}"
    );
    let one = json(&["pricing", "run", "--property", "Harbor", "--today", "2026-11-25", "--json"]);
    assert!(one["summary"].as_str().unwrap().starts_with("Harbor View Apartments only: Priced 300 units"), "{one}");
    assert!(run(&["jobs", "runs"]).contains("pricing-engine"));
}
