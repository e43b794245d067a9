//! Settings: what a back-office user sets or must know. The server the replica syncs with is
//! kept where `unitcycle login` / `unitcycle sync --server` keep it (the replica's `sync_state`,
//! through the sync client); the AI and delivery providers come from the environment as for
//! the CLI and the server, so they are shown with their status and the variables that
//! configure them, never with a secret's value.

use serde::Serialize;

use super::analysis_label;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::delivery::{self, ProviderInfo, Providers};
use unitcycle_sync_client as sync_client;

/// The server this replica syncs with (none: a standalone replica, the system of record).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ServerSettings {
    pub server_url: String,
    /// Who logged in (empty until `unitcycle login`).
    pub email: String,
    pub last_pull_at: Option<String>,
    pub last_push_at: Option<String>,
    /// Local changes waiting to be pushed.
    pub pending: i64,
}

/// An environment variable that configures a provider: whether it is set, never its value.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EnvSetting {
    pub name: &'static str,
    pub set: bool,
    pub secret: bool,
    pub what: &'static str,
}

/// The AI provider condition analysis and letters use.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AiSettings {
    /// `claude` or `offline`.
    pub provider: &'static str,
    pub model: String,
    pub label: &'static str,
    pub note: String,
    pub variables: Vec<EnvSetting>,
}

/// Where messages go, per channel.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DeliverySettings {
    pub channels: Vec<ProviderInfo>,
    /// A half-done configuration, naming what is missing (then nothing is sent until fixed).
    pub problem: Option<String>,
    pub variables: Vec<EnvSetting>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Settings {
    pub replica_path: String,
    pub schema_version: i64,
    pub server: Option<ServerSettings>,
    pub ai: AiSettings,
    pub delivery: DeliverySettings,
}

fn var_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

fn env(name: &'static str, secret: bool, what: &'static str) -> EnvSetting {
    EnvSetting { name, set: var_set(name), secret, what }
}

fn delivery_settings(s: &AppState) -> DeliverySettings {
    use delivery::env as e;
    let dir = s.db_path.parent().map(|p| p.join("outbox")).unwrap_or_else(|| "outbox".into());
    let (channels, problem) = match Providers::from_env(&dir) {
        Ok(p) => (p.describe(), None),
        Err(why) => (Providers::files(&dir).describe(), Some(why)),
    };
    DeliverySettings {
        channels,
        problem,
        variables: vec![
            env(e::SMTP_URL, true, "SMTP server, e.g. smtp://user:password@host:587?tls=required"),
            env(e::SMTP_FROM, false, "sender address, e.g. UnitCycle <noreply@example.com>"),
            env(e::SMS_URL, false, "Messages API base URL (default https://api.twilio.com)"),
            env(e::SMS_ACCOUNT_SID, false, "SMS account id"),
            env(e::SMS_AUTH_TOKEN, true, "SMS auth token"),
            env(e::SMS_FROM, false, "sending phone number, e.g. +15550100"),
            env(e::OUTBOX_DIR, false, "where unsent messages are written as files"),
            env(e::MANAGER_EMAIL, false, "the property manager's address, for the jobs' notices to the office"),
        ],
    }
}

pub fn settings(s: &AppState) -> CmdResult<Settings> {
    let store = s.store()?;
    let server = sync_client::state(&store).map_err(|e| CommandError::new("database", e.to_string()))?.map(|st| {
        ServerSettings {
            server_url: st.server_url,
            email: st.email,
            last_pull_at: st.last_pull_at,
            last_push_at: st.last_push_at,
            pending: st.pending,
        }
    });
    let status = s.gateway.status();
    Ok(Settings {
        replica_path: s.db_path.display().to_string(),
        schema_version: store.schema_version()?,
        server,
        ai: AiSettings {
            provider: status.provider.as_str(),
            model: status.model,
            label: analysis_label(status.provider),
            note: status.note,
            variables: vec![env("ANTHROPIC_API_KEY", true, "Claude API key (without it the offline check is used)")],
        },
        delivery: delivery_settings(s),
    })
}

/// Checks a server URL as a person types it: `http(s)://host[:port][/path]`, no spaces, no
/// query; returns it without a trailing slash (as `unitcycle login` keeps it).
pub fn check_server_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let bad =
        |why: &str| Err(format!("'{}' is not a server URL: {why} (e.g. https://unitcycle.example.com)", text.trim()));
    if url.is_empty() {
        return Err("Server URL is required (e.g. https://unitcycle.example.com).".into());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad("it must start with http:// or https://");
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return bad("it must start with http:// or https://");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains(['?', '#', '@']) {
        return bad("it has spaces, a query, a fragment or a login in it");
    }
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !host_ok {
        return bad("the host name is missing or has characters a host cannot have");
    }
    if let Some(p) = port {
        if p.parse::<u16>().map_or(true, |p| p == 0) {
            return bad("the port must be a number from 1 to 65535");
        }
    }
    Ok(url.to_string())
}

/// Points the replica at a server (as `unitcycle sync --server URL` does before it first
/// syncs; `unitcycle login` then stores the token). Refused while local changes wait for a
/// different server: they must be synced there first.
pub fn set_server_url(s: &AppState, url: String) -> CmdResult<Settings> {
    let url = check_server_url(&url).map_err(CommandError::invalid)?;
    {
        let store = s.store()?;
        let current = sync_client::state(&store).map_err(|e| CommandError::new("database", e.to_string()))?;
        let email = match &current {
            Some(st) if st.server_url != url && (st.pending > 0 || st.inspections_pending > 0) => {
                return Err(CommandError::invalid(format!(
                    "{} local change(s) wait to be pushed to {}: run `unitcycle sync` first",
                    st.pending + st.inspections_pending,
                    st.server_url
                )))
            }
            Some(st) if st.server_url == url => st.email.clone(),
            _ => String::new(),
        };
        sync_client::set_server(&store, &url, &email).map_err(|e| CommandError::new("database", e.to_string()))?;
    }
    settings(s)
}

/// A replica file the person chose, checked by opening it (or creating it empty).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReplicaCheck {
    pub path: String,
    pub created: bool,
    pub schema_version: i64,
    pub leases: u64,
    /// Whether the app restarts on it now (the replica is chosen as `UNITCYCLE_DB` chooses it).
    pub restarting: bool,
}

/// Checks `path` as a replica: an existing UnitCycle replica (opened, its schema brought up to
/// date), or with `create` a new empty one (refused where a file already is). The path must be
/// absolute and end in `.db`.
pub fn check_replica(path: &str, create: bool) -> CmdResult<ReplicaCheck> {
    let text = path.trim();
    let file = std::path::PathBuf::from(text);
    if text.is_empty() {
        return Err(CommandError::invalid("Replica path is required, e.g. /home/me/unitcycle/replica.db"));
    }
    if !file.is_absolute() || file.extension().is_none_or(|e| e != "db") {
        return Err(CommandError::invalid(format!(
            "'{text}' is not a replica path: give the full path of a .db file, e.g. /home/me/unitcycle/replica.db"
        )));
    }
    let store = if create {
        if file.exists() {
            return Err(CommandError::invalid(format!("{text} already exists: open it instead of creating it")));
        }
        unitcycle_core::store::Store::create(&file)?
    } else {
        if !file.is_file() {
            return Err(CommandError::invalid(format!("there is no replica at {text}")));
        }
        unitcycle_core::store::Store::open(&file)
            .map_err(|e| CommandError::invalid(format!("{text} is not a UnitCycle replica: {e}")))?
    };
    Ok(ReplicaCheck {
        path: file.display().to_string(),
        created: create,
        schema_version: store.schema_version()?,
        leases: store.count_leases(&Default::default())?,
        restarting: false,
    })
}

/// Opens a different replica (or creates an empty one): checked first, then the app starts
/// again on it with `UNITCYCLE_DB` set to it, as the TUI and CLI choose their replica.
pub fn open_replica(s: &AppState, path: String, create: bool) -> CmdResult<ReplicaCheck> {
    let mut check = check_replica(&path, create)?;
    if std::path::Path::new(&check.path) == s.db_path {
        return Err(CommandError::invalid(format!("{} is the replica open now", check.path)));
    }
    check.restarting = cfg!(not(test));
    #[cfg(not(test))]
    relaunch(&check.path)?;
    Ok(check)
}

/// Starts the app again on `db` and ends this one a moment later (once the answer is sent).
#[cfg(not(test))]
fn relaunch(db: &str) -> CmdResult<()> {
    let exe = std::env::current_exe().map_err(|e| CommandError::new("storage", format!("cannot restart: {e}")))?;
    std::process::Command::new(exe)
        .env("UNITCYCLE_DB", db)
        .spawn()
        .map_err(|e| CommandError::new("storage", format!("cannot restart: {e}")))?;
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_millis(300));
        std::process::exit(0);
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unitcycle_core::ai::Gateway;

    fn state() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let s = AppState::open_with(dir.path().join("replica.db"), Gateway::new(None)).unwrap();
        (s, dir)
    }

    #[test]
    fn server_urls_are_checked_as_typed() {
        assert_eq!(check_server_url(" https://central.example.com/ ").unwrap(), "https://central.example.com");
        assert_eq!(check_server_url("http://127.0.0.1:8080/api").unwrap(), "http://127.0.0.1:8080/api");
        assert_eq!(check_server_url("http://localhost:8080").unwrap(), "http://localhost:8080");
        for bad in [
            "",
            "central.example.com",
            "ftp://x.org",
            "https://",
            "https://exa mple.com",
            "http://x:99999",
            "http://x:0",
            "https://user:pw@x.org",
            "https://x.org/?a=1",
            "https://-x.org",
            "https://x..org",
        ] {
            assert!(check_server_url(bad).is_err(), "{bad} should be refused");
        }
        assert!(check_server_url("not a url").unwrap_err().contains("must start with http:// or https://"));
    }

    #[test]
    fn settings_show_the_replica_and_providers_and_keep_the_server_where_the_cli_does() {
        let (s, _dir) = state();
        let st = settings(&s).unwrap();
        assert!(st.replica_path.ends_with("replica.db"));
        assert!(st.server.is_none());
        assert_eq!(st.ai.provider, "offline");
        assert_eq!(st.ai.variables[0].name, "ANTHROPIC_API_KEY");
        assert_eq!(st.delivery.channels.len(), 3);
        assert!(st.delivery.variables.iter().any(|v| v.name == "UNITCYCLE_SMTP_URL" && v.secret));
        let text = serde_json::to_string(&st).unwrap();
        assert!(!text.contains("\"value\""), "no value of a variable is ever shown");

        let e = set_server_url(&s, "central".into()).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(settings(&s).unwrap().server.is_none(), "a refused URL changes nothing");

        let st = set_server_url(&s, "https://central.example.com/".into()).unwrap();
        assert_eq!(st.server.as_ref().unwrap().server_url, "https://central.example.com");
        let store = s.store().unwrap();
        assert!(unitcycle_core::sync_actions::connected(&store).unwrap());
        assert_eq!(sync_client::state(&store).unwrap().unwrap().server_url, "https://central.example.com");
    }

    #[test]
    fn another_replica_is_checked_before_the_app_opens_it() {
        let (s, dir) = state();
        let new = dir.path().join("other.db").display().to_string();
        for bad in ["", "relative.db", "/tmp/no-extension"] {
            assert_eq!(open_replica(&s, bad.into(), false).unwrap_err().code, "invalid_input", "{bad}");
        }
        assert!(open_replica(&s, new.clone(), false).unwrap_err().detail.starts_with("there is no replica"));
        let not_db = dir.path().join("notes.db");
        std::fs::write(&not_db, "hello, not sqlite").unwrap();
        let e = open_replica(&s, not_db.display().to_string(), false).unwrap_err();
        assert!(e.detail.contains("is not a UnitCycle replica"), "{}", e.detail);
        let c = open_replica(&s, new.clone(), true).unwrap();
        assert!(c.created && c.leases == 0 && c.schema_version > 0);
        assert!(open_replica(&s, new.clone(), true).unwrap_err().detail.contains("already exists"));
        assert_eq!(open_replica(&s, new, false).unwrap().leases, 0);
        let current = s.db_path.display().to_string();
        assert!(open_replica(&s, current, false).unwrap_err().detail.contains("open now"));
    }
}
