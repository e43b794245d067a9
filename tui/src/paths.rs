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

/// The file that keeps the token for `server` where there is no keychain:
/// `$UNITCYCLE_CONFIG_DIR` (else `<user config dir>/unitcycle`)`/tokens/<server>`, the server
/// spelled as a file name.
pub fn token_file(server: &str) -> PathBuf {
    let dir = std::env::var_os("UNITCYCLE_CONFIG_DIR")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("unitcycle"));
    let name: String =
        server.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    dir.join("tokens").join(name)
}
