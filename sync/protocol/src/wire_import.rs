//! The wire format of the rent-roll import (`POST /api/v1/import/rent-roll/`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unitcycle_core::import::{ImportReport, KindCount, RowError};
use utoipa::ToSchema;
use uuid::Uuid;

/// A column of the file and the field it was read as (none: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ColumnMappingWire {
    pub column: String,
    /// `property_name`, `unit_number`, `monthly_rent`, ... or null when the column is ignored.
    pub field: Option<String>,
    /// Whether the `map` parameter chose it.
    pub overridden: bool,
}

/// Created and matched records of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KindCountWire {
    pub created: u32,
    pub matched: u32,
}

/// A bad row (line 1: the header) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowErrorWire {
    pub line: u64,
    pub message: String,
}

/// What an import did, or (a dry run) would do. With any bad row nothing is written and the
/// answer is 400 with this body and a `detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReportWire {
    pub dry_run: bool,
    /// Whether rows were written.
    pub applied: bool,
    pub mapping: Vec<ColumnMappingWire>,
    /// Data rows read.
    pub rows: u32,
    /// Per kind: properties, buildings, units, tenants, leases, opening_balances.
    pub counts: BTreeMap<String, KindCountWire>,
    pub errors: Vec<RowErrorWire>,
    /// The properties the file names (granted to the caller when applied).
    pub property_ids: Vec<Uuid>,
    /// Set on a 400: why nothing was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl From<&ImportReport> for ImportReportWire {
    fn from(r: &ImportReport) -> Self {
        let count = |c: &KindCount| KindCountWire { created: c.created, matched: c.matched };
        let error = |e: &RowError| RowErrorWire { line: e.line, message: e.message.clone() };
        ImportReportWire {
            dry_run: r.dry_run,
            applied: r.applied,
            mapping: r
                .mapping
                .iter()
                .map(|m| ColumnMappingWire {
                    column: m.column.clone(),
                    field: m.field.map(|f| f.name().to_string()),
                    overridden: m.overridden,
                })
                .collect(),
            rows: r.rows,
            counts: r.counts.iter().map(|(k, c)| (k.clone(), count(c))).collect(),
            errors: r.errors.iter().map(error).collect(),
            property_ids: r.property_ids.clone(),
            detail: (!r.errors.is_empty()).then(|| format!("{} bad rows; nothing was imported.", r.errors.len())),
        }
    }
}
