//! `unitcycle login`, `unitcycle sync [status|verify]`: keep the replica in step with the
//! central server. The token lives in the OS keychain (`keyring`; the Linux kernel keyring on
//! headless machines); where there is none, in a file only the user can read (0600, in the
//! user's config directory). `UNITCYCLE_TOKEN` overrides both.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::lifecycle::LifecycleAction;
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::Store;
use unitcycle_sync_client::{self as client, Client};
use uuid::Uuid;

use crate::cli::{LoginArgs, SyncArgs, SyncCommand};

const KEYRING_SERVICE: &str = "unitcycle";

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the network runtime")
}

/// Opens the replica, creating an empty one if there is none yet (a first sync fills it).
fn open_or_create(db: &Path) -> Result<Store> {
    if db.exists() {
        super::open(db)
    } else {
        Store::create(db).with_context(|| format!("cannot create replica {}", db.display()))
    }
}

fn keyring_entry(server: &str) -> Option<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, server).ok()
}

/// The token for `server`: `UNITCYCLE_TOKEN`, else the keychain, else the token file.
fn token(server: &str) -> Result<String> {
    if let Some(t) = std::env::var("UNITCYCLE_TOKEN").ok().filter(|t| !t.trim().is_empty()) {
        return Ok(t.trim().to_string());
    }
    keyring_entry(server)
        .and_then(|e| e.get_password().ok())
        .or_else(|| std::fs::read_to_string(crate::paths::token_file(server)).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .with_context(|| format!("no token for {server}: run `unitcycle login --server {server} --email ...`"))
}

/// Keeps the token in a file only the user can read or write (0600; its folder 0700), created
/// with those permissions so it is never readable by others, even for a moment.
fn save_token_file(path: &Path, token: &str) -> Result<()> {
    let dir = path.parent().context("the token file has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).ok();
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(token.as_bytes())?;
    Ok(())
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("UNITCYCLE_PASSWORD") {
        return Ok(p);
    }
    eprint!("Password: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn login(db: &Path, args: &LoginArgs) -> Result<()> {
    let server = args.server.trim_end_matches('/').to_string();
    let password = read_password()?;
    let api = Client::new(&server, None)?;
    let answer = runtime()?.block_on(api.login(&args.email, &password)).context("login failed")?;
    let store = open_or_create(db)?;
    client::set_server(&store, &server, &answer.email)?;
    let who = format!("{server} as {} ({})", answer.email, answer.role);
    match keyring_entry(&server).map(|e| e.set_password(&answer.token)) {
        Some(Ok(())) => eprintln!("Logged in to {who}; token stored in the keychain."),
        keychain => {
            let why = match keychain {
                Some(Err(e)) => format!("the keychain refused the token ({e})"),
                _ => "there is no keychain here".to_string(),
            };
            let path = crate::paths::token_file(&server);
            save_token_file(&path, &answer.token)?;
            eprintln!("Logged in to {who}; {why}, so the token is kept in {} (readable by you only).", path.display());
        }
    }
    Ok(())
}

pub fn run(db: &Path, args: &SyncArgs) -> Result<()> {
    let store = open_or_create(db)?;
    let state = client::state(&store)?;
    let server = match (&args.server, &state) {
        (Some(s), _) => s.trim_end_matches('/').to_string(),
        (None, Some(st)) => st.server_url.clone(),
        (None, None) => bail!("this replica has no server yet: run `unitcycle login --server URL --email ...` first"),
    };
    if state.as_ref().is_none_or(|s| s.server_url != server) {
        client::set_server(&store, &server, "")?;
    }
    match args.command {
        Some(SyncCommand::Status) => status(&store),
        Some(SyncCommand::Verify) => {
            let api = Client::new(&server, Some(token(&server)?))?;
            let checks = runtime()?.block_on(client::verify(&api, &store))?;
            println!("{:<22} {:>10} {:>10}", "table", "replica", "server");
            for c in &checks {
                let mark = if c.agrees() { "" } else { "  ← differs" };
                println!("{:<22} {:>10} {:>10}{mark}", c.table, c.replica, c.server);
            }
            let pending = client::state(&store)?.map_or(0, |s| s.pending);
            if checks.iter().all(|c| c.agrees()) {
                println!("replica and server agree");
                Ok(())
            } else if pending > 0 {
                bail!("counts differ; {pending} local change(s) are not pushed yet: run `unitcycle sync`")
            } else {
                bail!("counts differ: run `unitcycle sync`; if they still differ, delete the replica and sync again")
            }
        }
        None => {
            let api = Client::new(&server, Some(token(&server)?))?;
            let mut progress = |line: String| eprintln!("{line}");
            let blobs = BlobStore::beside(db);
            let (pushed, pulled) = runtime()?.block_on(client::sync(&api, &store, &blobs, &server, &mut progress))?;
            for line in push_report_lines(&store, &pushed) {
                eprintln!("{line}");
            }
            println!("{}", summary(&server, &pushed, &pulled));
            Ok(())
        }
    }
}

/// One line per refused or deferred change, named the way people know it.
fn push_report_lines(store: &Store, pushed: &client::PushReport) -> Vec<String> {
    let mut out = Vec::new();
    for (lease, reason) in &pushed.rejected {
        let label = store.lease(*lease).map(|l| l.lease_number).unwrap_or_else(|_| lease.to_string());
        out.push(format!("refused by the server, rolled back: {label}: {reason}"));
    }
    let inspection = |id: &Uuid| match store.move_in_inspection(*id) {
        Ok(i) => format!("move-in inspection of {} ({id})", i.inspection_date),
        Err(_) => format!("move-in inspection {id}"),
    };
    for (id, reason) in &pushed.inspections_rejected {
        out.push(format!("refused by the server, rolled back: {}: {reason}", inspection(id)));
    }
    for (id, reason) in &pushed.inspections_deferred {
        out.push(format!("not pushed yet, kept for the next sync: {}: {reason}", inspection(id)));
    }
    for (id, reason) in &pushed.actions_rejected {
        out.push(format!("refused by the server, rolled back: record {id}: {reason}"));
    }
    out
}

fn summary(server: &str, pushed: &client::PushReport, pulled: &client::PullReport) -> String {
    format!(
        "synced with {server}: pushed {} ({} refused), {} action(s) ({} refused), {} inspection(s) ({} refused, \
         {} waiting, {} blob(s) uploaded), pulled {} rows and {} blob(s), cursor {}",
        pushed.applied,
        pushed.rejected.len(),
        pushed.actions_applied,
        pushed.actions_rejected.len(),
        pushed.inspections_applied,
        pushed.inspections_rejected.len(),
        pushed.inspections_deferred.len(),
        pushed.blobs_uploaded,
        pulled.rows,
        pulled.blobs,
        pulled.cursor
    )
}

fn status(store: &Store) -> Result<()> {
    match client::state(store)? {
        None => println!("not linked to a server (run `unitcycle login`)"),
        Some(s) => {
            println!("server:      {}", s.server_url);
            println!("user:        {}", if s.email.is_empty() { "-" } else { &s.email });
            println!("device:      {}", s.device_id);
            println!("cursor:      {}", s.cursor);
            println!("last pull:   {}", s.last_pull_at.as_deref().unwrap_or("never"));
            println!("last push:   {}", s.last_push_at.as_deref().unwrap_or("never"));
            println!("pending:     {} local change(s) waiting to be pushed", s.pending);
            println!("inspections: {} changed move-in inspection(s) waiting to be pushed", s.inspections_pending);
        }
    }
    Ok(())
}

/// A lifecycle action from the command line: on a replica linked to a server it is applied
/// locally at once and queued for the next `unitcycle sync`; otherwise it is applied directly.
/// Returns (from, to, reason, queued).
pub fn apply_action(
    store: &mut Store,
    id: Uuid,
    action: &LifecycleAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(LeaseStatus, LeaseStatus, String, bool)> {
    if client::state(store)?.is_some() {
        let from = store.lease(id)?.lease_status;
        let (lease, _) = client::record_action(store, id, action, actor, now)?;
        let reason = store.status_log(id)?.first().map(|l| l.reason.clone()).unwrap_or_default();
        Ok((from, lease.lease_status, reason, true))
    } else {
        let (_, t) = store.apply_lifecycle_action(id, action, actor, now)?;
        Ok((t.from, t.to, t.reason, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use unitcycle_core::demo::{self, DemoConfig};

    fn replica() -> Store {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let mut store = Store::in_memory().unwrap();
        demo::generate(&mut store, &DemoConfig { units: 50, seed: 3, today }).unwrap();
        store
    }

    fn an_active_lease(store: &Store) -> Uuid {
        store.leases_in(&[LeaseStatus::Active]).unwrap()[0].id
    }

    #[test]
    fn the_sync_report_names_refused_and_waiting_inspections() {
        let store = replica();
        let (refused, waiting) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let pushed = client::PushReport {
            applied: 2,
            inspections_applied: 3,
            inspections_rejected: vec![(
                refused,
                "Cannot finalize: finalizing needs both signatures; missing: tenant.".into(),
            )],
            inspections_deferred: vec![(waiting, "The server has no blob ab12.".into())],
            blobs_uploaded: 4,
            ..client::PushReport::default()
        };
        let pulled = client::PullReport { rows: 10, pages: 1, cursor: 42, blobs: 5 };
        assert_eq!(
            push_report_lines(&store, &pushed),
            vec![
                format!(
                    "refused by the server, rolled back: move-in inspection {refused}: Cannot finalize: finalizing \
                     needs both signatures; missing: tenant."
                ),
                format!("not pushed yet, kept for the next sync: move-in inspection {waiting}: The server has no blob ab12."),
            ]
        );
        assert_eq!(
            summary("http://central", &pushed, &pulled),
            "synced with http://central: pushed 2 (0 refused), 0 action(s) (0 refused), 3 inspection(s) (1 refused, \
             1 waiting, 4 blob(s) uploaded), pulled 10 rows and 5 blob(s), cursor 42"
        );
    }

    #[test]
    fn actions_on_a_linked_replica_are_applied_at_once_and_queued() {
        let now = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc();
        let mut store = replica();
        let id = an_active_lease(&store);
        let (from, to, _, queued) = apply_action(&mut store, id, &LifecycleAction::ConvertMtm, "user:t", now).unwrap();
        assert_eq!((from, to, queued), (LeaseStatus::Active, LeaseStatus::MonthToMonth, false));
        assert!(client::state(&store).unwrap().is_none());

        let mut store = replica();
        client::set_server(&store, "http://central.example", "a@example.com").unwrap();
        let id = an_active_lease(&store);
        let (_, to, reason, queued) =
            apply_action(&mut store, id, &LifecycleAction::ConvertMtm, "user:t", now).unwrap();
        assert_eq!((to, reason.as_str(), queued), (LeaseStatus::MonthToMonth, "Converted to month-to-month", true));
        assert_eq!(client::state(&store).unwrap().unwrap().pending, 1);
        assert_eq!(store.lease(id).unwrap().lease_status, LeaseStatus::MonthToMonth);
        // A refused action is neither applied nor queued.
        assert!(apply_action(&mut store, id, &LifecycleAction::ConvertMtm, "user:t", now).is_err());
        assert_eq!(client::pending(&store).unwrap().len(), 1);
    }

    #[test]
    fn without_a_keychain_the_token_is_kept_in_a_file_only_the_user_can_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unitcycle").join("tokens").join("http___127.0.0.1_8080");
        super::save_token_file(&path, "tok-1").unwrap();
        super::save_token_file(&path, "tok-2").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "tok-2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        assert_eq!(crate::paths::token_file("http://127.0.0.1:8080").file_name().unwrap(), "http___127.0.0.1_8080");
    }
}
