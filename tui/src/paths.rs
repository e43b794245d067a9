//! Where the replica lives by default.

use std::path::PathBuf;

/// `$UNITCYCLE_DB`, else `<user data dir>/unitcycle/replica.db`.
pub fn default_db() -> PathBuf {
    if let Some(p) = std::env::var_os("UNITCYCLE_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("unitcycle").join("replica.db")
}

/// Who the command-line user is, for `lease_status_changed_by` and the log.
pub fn actor() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "local".into());
    format!("user:{user}@cli")
}
