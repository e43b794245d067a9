//! What the CLI tests share: running the real binary on a replica file.

use std::path::Path;
use std::process::{Command, Output};

/// `unitcycle --db DB ARGS…`, ignoring any `UNITCYCLE_DB` of the environment.
pub fn unitcycle(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unitcycle"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("UNITCYCLE_DB")
        .output()
        .expect("run unitcycle")
}
