//! The Import view: a rent roll or a ledger CSV the person picked. The front end reads the file
//! it was given (an `<input type=file>`) and sends its text, so the app opens no path it is
//! handed. `import_preview` answers the detected mapping with the person's choices applied and a
//! dry run; `import_apply` imports with the same choices, every row or none; `export_rent_roll`
//! writes the rent roll under `reports/` beside the replica. A connected replica refuses, as
//! `unitcycle import` does: the server is the system of record.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::import::{
    self, review_mapping, Field, ImportKind, ImportReport, ImportRequest, MappingReview, Override, IMPORT_ACTOR,
};
use unitcycle_core::store::{Store, CONNECTED_REFUSAL};

/// The largest file accepted (the core also stops at `import::MAX_ROWS` rows).
pub const MAX_CSV_BYTES: usize = 50 * 1024 * 1024;

/// A person's choice for one column: a field (by its JSON name), or `null` not to import it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
pub struct Choice {
    pub column: String,
    pub field: Option<Field>,
}

/// A field the mapping's select offers: its JSON value and the name `--map` uses.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FieldOption {
    pub field: Field,
    pub name: &'static str,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportPreview {
    pub kind: ImportKind,
    /// Every column with its field; `mapping.error` says why the file cannot be imported yet.
    pub mapping: MappingReview,
    pub fields: Vec<FieldOption>,
    /// The dry run: counts and every bad row by line (none while the mapping cannot be used).
    pub report: Option<ImportReport>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExportResult {
    pub path: String,
    pub units: usize,
    pub bytes: usize,
}

fn prepare(kind: &str, csv: &str, choices: Option<Vec<Choice>>) -> CmdResult<(ImportKind, MappingReview)> {
    let kind = ImportKind::parse(kind).map_err(CommandError::invalid)?;
    if csv.len() > MAX_CSV_BYTES {
        return Err(CommandError::invalid("the file is larger than 50 MB; split it and import each part"));
    }
    let choices: Vec<Override> =
        choices.unwrap_or_default().into_iter().map(|c| Override { column: c.column, field: c.field }).collect();
    Ok((kind, review_mapping(csv, kind, &choices)))
}

fn refuse_if_connected(store: &Store) -> CmdResult<()> {
    if unitcycle_core::sync_actions::connected(store)? {
        return Err(CommandError::new("connected", CONNECTED_REFUSAL));
    }
    Ok(())
}

fn run(
    store: &mut Store,
    kind: ImportKind,
    csv: &str,
    mapping: &MappingReview,
    dry_run: bool,
) -> CmdResult<ImportReport> {
    let overrides = mapping.overrides();
    let req = ImportRequest { csv, overrides: &overrides, dry_run, actor: IMPORT_ACTOR };
    let now = Utc::now();
    Ok(kind.import(store, &req, now.date_naive(), now)?)
}

/// The mapping and a dry run of `csv` (`kind`: `rent_roll` or `ledger`); nothing is written.
pub fn import_preview(
    s: &AppState,
    kind: String,
    csv: String,
    choices: Option<Vec<Choice>>,
) -> CmdResult<ImportPreview> {
    let (kind, mapping) = prepare(&kind, &csv, choices)?;
    let mut store = s.store()?;
    refuse_if_connected(&store)?;
    let report = match mapping.error {
        None => Some(run(&mut store, kind, &csv, &mapping, true)?),
        Some(_) => None,
    };
    let fields = kind.fields().into_iter().map(|field| FieldOption { field, name: field.name() }).collect();
    Ok(ImportPreview { kind, mapping, fields, report })
}

/// Imports `csv` with the same choices: every row, or none when a row is bad (the report lists
/// them, `applied` false). Importing the same file again creates nothing.
pub fn import_apply(s: &AppState, kind: String, csv: String, choices: Option<Vec<Choice>>) -> CmdResult<ImportReport> {
    let (kind, mapping) = prepare(&kind, &csv, choices)?;
    let mut store = s.store()?;
    refuse_if_connected(&store)?;
    if let Some(e) = &mapping.error {
        return Err(CommandError::invalid(e.clone()));
    }
    run(&mut store, kind, &csv, &mapping, false)
}

/// Writes the rent roll (the columns import reads) to `reports/rent-roll-YYYY-MM-DD.csv` beside
/// the replica, through a temporary file so no half file is left.
pub fn export_rent_roll(s: &AppState) -> CmdResult<ExportResult> {
    let rows = s.store()?.rent_roll()?;
    let csv = import::write_rent_roll(&rows);
    let dir = s.db_path.parent().map(|p| p.join("reports")).unwrap_or_else(|| "reports".into());
    let path = dir.join(format!("rent-roll-{}.csv", Utc::now().date_naive()));
    let tmp = dir.join(".rent-roll.csv.part");
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&tmp, &csv))
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CommandError::new("storage", format!("cannot write {}: {e}", path.display()))
    })?;
    Ok(ExportResult { path: path.display().to_string(), units: rows.len(), bytes: csv.len() })
}
